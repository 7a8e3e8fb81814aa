//===--- AtomicOutputFile.swift - A file that appears whole or not at all ----===//
//
// Pages and other files `analyse` writes are written to a new temporary file
// beside their destination — created with O_EXCL under a random name, so a
// link planted in a shared directory is never followed or truncated — and
// renamed over the destination only when every byte was written. rename(2)
// replaces a link at the destination, never its target. A file that is not
// committed is removed; `temporaryPath` lets a signal handler remove it too.
//
//===----------------------------------------------------------------------===//

#if canImport(Glibc)
  import Glibc
#elseif canImport(Musl)
  import Musl
#elseif canImport(Darwin)
  import Darwin
#endif

/// A file written under a temporary name and renamed into place when complete.
public final class AtomicOutputFile {
  /// The destination.
  public let path: String
  /// The temporary file being written (in the destination's directory).
  public let temporaryPath: String
  /// The stream to write the contents to.
  public let stream: OutputStream
  private var finished = false

  /// Creates the temporary file for `path` (mode 0666 less the umask, like any new file).
  public init(path: String) throws(OutputError) {
    self.path = path
    let slash = path.lastIndex(of: "/")
    let directory = slash.map { String(path[...$0]) } ?? ""
    let name = slash.map { String(path[path.index(after: $0)...]) } ?? path
    guard !name.isEmpty else { throw .cannotCreate(path: path, reason: "the path names a directory") }
    var template = Array((directory + "." + String(name.prefix(64)) + ".XXXXXX").utf8CString)
    // mkstemp opens with O_CREAT | O_EXCL: an existing name, a planted link included, is never opened.
    let descriptor = mkstemp(&template)
    guard descriptor >= 0 else { throw .cannotCreate(path: path, reason: String(cString: strerror(errno))) }
    _ = fcntl(descriptor, F_SETFD, FD_CLOEXEC)
    temporaryPath = template.withUnsafeBufferPointer { String(cString: $0.baseAddress!) }
    let mask = umask(0o022)
    umask(mask)
    fchmod(descriptor, 0o666 & ~mask)
    stream = OutputStream(descriptor: descriptor, destination: path)
  }

  /// Writes what is buffered, closes the file and renames it over the destination.
  /// On any failure the temporary file is removed and the error thrown.
  public func commit() throws(OutputError) {
    guard !finished else { return }
    finished = true
    do {
      try stream.flush()
    } catch {
      close(stream.descriptor)
      unlink(temporaryPath)
      throw error
    }
    if close(stream.descriptor) != 0 {
      let code = errno
      unlink(temporaryPath)
      throw .cannotWrite(destination: path, errno: code, reason: String(cString: strerror(code)))
    }
    if rename(temporaryPath, path) != 0 {
      let reason = String(cString: strerror(errno))
      unlink(temporaryPath)
      throw .cannotReplace(path: path, reason: reason)
    }
  }

  /// Closes and removes the temporary file; the destination is left as it was.
  public func discard() {
    guard !finished else { return }
    finished = true
    close(stream.descriptor)
    unlink(temporaryPath)
  }

  deinit { discard() }
}
