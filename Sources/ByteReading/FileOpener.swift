//===--- FileOpener.swift - Opening paths that may not be files --------------===//
//
// A path from a batch directory, a worker request, a symbol store or a rules
// folder may name a FIFO, a socket or a device. open(2) on a FIFO without a
// writer blocks forever, and reading a device may never end. Every input,
// symbol and rule file is therefore opened here: with O_NONBLOCK (so open
// returns at once), then checked with fstat, then switched back to blocking
// reads. What is not a regular file is refused with its kind named, unless the
// caller asked for streams (`analyse <(zcat log.gz)` names a pipe on purpose).
//
//===----------------------------------------------------------------------===//

#if canImport(Glibc)
  import Glibc
#elseif canImport(Musl)
  import Musl
#elseif canImport(Darwin)
  import Darwin
#endif

/// Which file system object a path names: its device and inode.
public struct FileIdentity: Sendable, Hashable {
  /// The device holding it.
  public var device: UInt64
  /// Its inode on that device.
  public var inode: UInt64
}

/// What kind of file system object a path names.
public enum FileKind: String, Sendable, Hashable {
  case regular = "a regular file"
  case directory = "a directory"
  case fifo = "a FIFO"
  case socket = "a socket"
  case characterDevice = "a character device"
  case blockDevice = "a block device"
  case other = "not a file"

  /// The kind a `st_mode` describes.
  public init(mode: mode_t) {
    switch mode & S_IFMT {
    case S_IFREG: self = .regular
    case S_IFDIR: self = .directory
    case S_IFIFO: self = .fifo
    case S_IFSOCK: self = .socket
    case S_IFCHR: self = .characterDevice
    case S_IFBLK: self = .blockDevice
    default: self = .other
    }
  }
}

/// Why a path could not be opened for reading.
public enum FileOpenError: Error, Sendable, Equatable, CustomStringConvertible {
  /// open(2) or fstat(2) failed, with errno's text.
  case cannotOpen(path: String, reason: String)
  /// The path names something other than what the caller accepts.
  case wrongKind(path: String, kind: FileKind)

  /// One sentence naming the path.
  public var description: String {
    switch self {
    case .cannotOpen(let path, let reason): "\(path): cannot open: \(reason)"
    case .wrongKind(let path, let kind): "\(path): \(kind.rawValue), not a regular file"
    }
  }
}

/// Opens paths for reading without blocking on special files.
public enum FileOpener {
  /// Opens `path` read-only (close-on-exec, no controlling terminal) without blocking in
  /// open(2), and returns the descriptor, blocking again, with its status. Anything but a
  /// regular file is refused unless `kinds` accepts it.
  public static func openForReading(_ path: String, accepting kinds: Set<FileKind> = [.regular]) throws(FileOpenError)
    -> (descriptor: Int32, status: stat)
  {
    let descriptor = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK)
    guard descriptor >= 0 else { throw .cannotOpen(path: path, reason: String(cString: strerror(errno))) }
    var status = stat()
    guard fstat(descriptor, &status) == 0 else {
      let reason = String(cString: strerror(errno))
      close(descriptor)
      throw .cannotOpen(path: path, reason: reason)
    }
    let kind = FileKind(mode: status.st_mode)
    guard kinds.contains(kind) else {
      close(descriptor)
      throw .wrongKind(path: path, kind: kind)
    }
    let flags = fcntl(descriptor, F_GETFL)
    if flags >= 0 { _ = fcntl(descriptor, F_SETFL, flags & ~O_NONBLOCK) }
    return (descriptor, status)
  }

  /// The path with symbolic links, `.` and `..` resolved, or as given when it cannot be.
  public static func canonicalPath(_ path: String) -> String {
    guard let resolved = realpath(path, nil) else { return path }
    defer { free(resolved) }
    return String(cString: resolved)
  }

  /// The device and inode of the object at `path` (following links), or nil when it cannot be
  /// examined: two paths name the same file or directory when these are equal. One stat(2),
  /// where `canonicalPath` reads every component's link (six system calls for a rule file).
  public static func identity(of path: String) -> FileIdentity? {
    var status = stat()
    guard stat(path, &status) == 0 else { return nil }
    return FileIdentity(device: UInt64(status.st_dev), inode: UInt64(status.st_ino))
  }

  /// The kind of object at `path` (following links), or nil when it cannot be examined.
  public static func kind(of path: String) -> FileKind? {
    var status = stat()
    guard stat(path, &status) == 0 else { return nil }
    return FileKind(mode: status.st_mode)
  }

  /// The first `count` bytes of the regular file at `path` (fewer when it is shorter), or
  /// nil when it is not a regular file or cannot be read.
  public static func prefix(of path: String, count: Int) -> [UInt8]? {
    guard let (descriptor, _) = try? openForReading(path) else { return nil }
    defer { close(descriptor) }
    var bytes = [UInt8](repeating: 0, count: count)
    var filled = 0
    while filled < count {
      let read = bytes.withUnsafeMutableBytes { pread(descriptor, $0.baseAddress! + filled, count - filled, off_t(filled)) }
      if read < 0 && errno == EINTR { continue }
      if read <= 0 { break }
      filled += read
    }
    return Array(bytes.prefix(filled))
  }

  /// The whole regular file at `path` when it holds at most `limit` bytes.
  public static func contents(of path: String, limit: Int) throws(FileOpenError) -> [UInt8]? {
    let (descriptor, status) = try openForReading(path)
    defer { close(descriptor) }
    guard Int(status.st_size) <= limit else { return nil }
    var bytes: [UInt8] = []
    // As large as the file said it is (and one byte more, to see it end), at least a page (a
    // file of /proc says 0) and at most 64 KiB: a 64 KiB buffer zeroed for each of the dozen
    // small rule files cost a million instructions.
    let expected = Int(clamping: status.st_size)
    var buffer = [UInt8](repeating: 0, count: expected < 64 * 1024 ? max(expected + 1, 4096) : 64 * 1024)
    while true {
      let read = buffer.withUnsafeMutableBytes { systemRead(descriptor, $0.baseAddress!, $0.count) }
      if read < 0 && errno == EINTR { continue }
      if read < 0 { throw .cannotOpen(path: path, reason: String(cString: strerror(errno))) }
      if read == 0 { break }
      bytes += buffer[0..<read]
      if bytes.count > limit { return nil }
    }
    return bytes
  }
}

/// read(2), named apart from the members called `read`.
private func systemRead(_ descriptor: Int32, _ buffer: UnsafeMutableRawPointer, _ count: Int) -> Int {
  read(descriptor, buffer, count)
}
