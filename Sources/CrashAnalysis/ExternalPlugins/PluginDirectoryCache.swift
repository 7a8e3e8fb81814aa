//===--- PluginDirectoryCache.swift - PATH directories' plugin names, kept --===//
//
// Finding external plugins reads every PATH directory, and reading /usr/bin
// (a thousand names, an ext4 hash tree) was a tenth of the time `analyse`
// takes for a small dump. The `analyse-plugin-*` names of each directory are
// kept in a small file with what stat(2) said of the directory then: device,
// inode, modification and change times. A directory whose stat is the same is
// not read again: adding, removing or renaming a name changes both times, and
// the change time cannot be set back.
//
// Directory times come from a clock that ticks a few milliseconds at a time,
// so a name added in the same tick as the listing leaves them unchanged. As git
// does for its index, a listing is trusted only when it was taken at least two
// seconds after the directory last changed; a directory changed more recently
// is read again at the next run. A cache that cannot be read is ignored, one
// that cannot be written is not written: it is never the truth.
//
//===----------------------------------------------------------------------===//

import ByteReading

#if canImport(Glibc)
  import Glibc
#endif

/// The plugin names of directories already read, kept between runs in one file.
public final class PluginDirectoryCache {
  /// What stat(2) says of a directory: its identity and when its names last changed.
  public struct DirectoryState: Sendable, Hashable {
    /// The device holding it.
    public var device: UInt64
    /// Its inode.
    public var inode: UInt64
    /// Its modification time, in nanoseconds since 1970.
    public var modified: Int64
    /// Its change time, in nanoseconds since 1970.
    public var changed: Int64

    /// The state of the directory at `path`, or nil when it is not one or cannot be examined.
    public init?(path: String) {
      var status = stat()
      guard stat(path, &status) == 0, FileKind(mode: status.st_mode) == .directory else { return nil }
      device = UInt64(status.st_dev)
      inode = UInt64(status.st_ino)
      modified = Int64(status.st_mtim.tv_sec) &* 1_000_000_000 &+ Int64(status.st_mtim.tv_nsec)
      changed = Int64(status.st_ctim.tv_sec) &* 1_000_000_000 &+ Int64(status.st_ctim.tv_nsec)
    }

    /// A state as recorded.
    public init(device: UInt64, inode: UInt64, modified: Int64, changed: Int64) {
      self.device = device
      self.inode = inode
      self.modified = modified
      self.changed = changed
    }
  }

  private struct Listing {
    var state: DirectoryState
    var listed: Int64  // when it was read, nanoseconds since 1970
    var names: [String]
  }

  /// The format written; another is ignored.
  static let format = 1
  /// Largest cache file read.
  public static let maximumSize = 1 << 20
  /// Most directories kept.
  public static let maximumDirectories = 256
  /// Most names kept for one directory (a directory with more is simply read every time).
  public static let maximumNames = 4096

  /// The cache file.
  public let path: String
  /// How long after its last change a directory's listing is trusted, in nanoseconds.
  public let settleTime: Int64
  /// How many directories were read (not answered from the cache) since this was created.
  public private(set) var directoriesRead = 0
  private var listings: [String: Listing] = [:]
  private var order: [String] = []  // directories, most recently listed last
  private var isDirty = false

  /// The cache kept in `path`, read now when it exists and is sound.
  public init(path: String, settleTime: Int64 = 2_000_000_000) {
    self.path = path
    self.settleTime = settleTime
    load()
  }

  /// The default file: `$XDG_CACHE_HOME/crash-analysis/plugin-directories.json`, else under
  /// `$HOME/.cache`; nil when neither is set.
  public static var defaultPath: String? {
    if let xdg = getenv("XDG_CACHE_HOME").map({ String(cString: $0) }), xdg.hasPrefix("/") {
      return xdg + "/crash-analysis/plugin-directories.json"
    }
    guard let home = getenv("HOME").map({ String(cString: $0) }), home.hasPrefix("/") else { return nil }
    return home + "/.cache/crash-analysis/plugin-directories.json"
  }

  /// The plugin names of `directory`: from the cache when the directory is as it was when last
  /// read, else read now with `read` (nil when it cannot be).
  public func names(in directory: String, read: () -> [String]?) -> [String]? {
    guard let state = DirectoryState(path: directory) else { return read() }
    if let listing = listings[directory], listing.state == state,
      listing.listed - max(state.modified, state.changed) >= settleTime
    {
      return listing.names
    }
    directoriesRead += 1
    guard let names = read() else { return nil }
    guard names.count <= Self.maximumNames else { return names }
    listings[directory] = Listing(state: state, listed: Self.now(), names: names)
    order.removeAll { $0 == directory }
    order.append(directory)
    if order.count > Self.maximumDirectories {
      for old in order.prefix(order.count - Self.maximumDirectories) { listings[old] = nil }
      order.removeFirst(order.count - Self.maximumDirectories)
    }
    isDirty = true
    return names
  }

  /// Writes the cache when it changed, creating its directory (mode 0700) when missing.
  /// Returns false when it could not be written; the run goes on without it.
  @discardableResult
  public func save() -> Bool {
    guard isDirty else { return true }
    isDirty = false
    guard let slash = path.lastIndex(of: "/") else { return false }
    Self.makeDirectory(String(path[..<slash]))
    let directories: [JSONValue] = order.compactMap { directory in
      guard let listing = listings[directory] else { return nil }
      return .object([
        ("path", .string(directory)), ("device", .string(String(listing.state.device))),
        ("inode", .string(String(listing.state.inode))), ("modified", .string(String(listing.state.modified))),
        ("changed", .string(String(listing.state.changed))), ("listed", .string(String(listing.listed))),
        ("names", .array(listing.names.map(JSONValue.string))),
      ])
    }
    let document = JSONValue.object([("format", .int(Self.format)), ("directories", .array(directories))])
    do {
      let file = try AtomicOutputFile(path: path)
      file.stream.write(document.serialized(indent: 0) + "\n")
      try file.commit()
      return true
    } catch {
      return false
    }
  }

  private func load() {
    guard FileOpener.kind(of: path) == .regular,
      let bytes = try? FileOpener.contents(of: path, limit: Self.maximumSize),
      let document = try? JSONValue.parse(bytes), document["format"]?.intValue == Self.format,
      case .array(let directories)? = document["directories"]
    else { return }
    for item in directories.suffix(Self.maximumDirectories) {
      guard let directory = item["path"]?.stringValue, directory.hasPrefix("/"),
        let device = item["device"]?.stringValue.flatMap({ UInt64($0) }),
        let inode = item["inode"]?.stringValue.flatMap({ UInt64($0) }),
        let modified = item["modified"]?.stringValue.flatMap({ Int64($0) }),
        let changed = item["changed"]?.stringValue.flatMap({ Int64($0) }),
        let listed = item["listed"]?.stringValue.flatMap({ Int64($0) }),
        case .array(let nameItems)? = item["names"], nameItems.count <= Self.maximumNames
      else { continue }
      var names: [String] = []
      for nameItem in nameItems {
        // Only names a directory could hold: the locator joins them to the directory's path.
        guard let name = nameItem.stringValue, !name.isEmpty, name != ".", name != "..",
          !name.utf8.contains(UInt8(ascii: "/")), !name.utf8.contains(0)
        else { names.removeAll(); break }
        names.append(name)
      }
      guard names.count == nameItems.count else { continue }
      if listings[directory] == nil { order.append(directory) }
      listings[directory] = Listing(
        state: DirectoryState(device: device, inode: inode, modified: modified, changed: changed), listed: listed,
        names: names)
    }
  }

  private static func now() -> Int64 {
    var time = timespec()
    clock_gettime(CLOCK_REALTIME, &time)
    return Int64(time.tv_sec) &* 1_000_000_000 &+ Int64(time.tv_nsec)
  }

  /// Creates `directory` and its missing parents (0700: a user's cache is their own).
  private static func makeDirectory(_ directory: String) {
    guard !directory.isEmpty, FileOpener.kind(of: directory) != .directory else { return }
    if let slash = directory.lastIndex(of: "/"), slash != directory.startIndex {
      makeDirectory(String(directory[..<slash]))
    }
    mkdir(directory, 0o700)
  }
}
