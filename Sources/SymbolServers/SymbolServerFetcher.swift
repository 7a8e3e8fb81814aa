//===--- SymbolServerFetcher.swift - A symbol server behind a local cache ---===//
//
// For a debug file and id no local store holds, asks one HTTP server, in this order,
// for the layouts servers use:
//   URL/NAME/ID/STEM.sym        Breakpad's HTTP layout (Mozilla, Chromium symbol servers)
//   URL/NAME/ID/NAME            Microsoft's symstore layout (NAME.pdb, NAME.dll)
//   URL/NAME/ID/NAME_           the same, CAB-compressed (NAME.pd_)
//   URL/NAME/ID/file.ptr        a symstore pointer: `PATH:` an http(s) URL is fetched;
//                               a path (a share on the server's side) is not followed
// (a two-tier symstore, one serving URL/index2.txt, under URL/NA/NAME/… — NA the name's
// first two letters; asked for once per fetcher). A debuginfod server is asked, for an
// ELF module whose GNU build id is known, URL/buildid/ID/debuginfo then
// URL/buildid/ID/executable; what arrives must carry that build id or is removed.
// and keeps what it gets in CACHE/NAME/ID/, where the store reads it like any root (a
// second run asks nothing). Every file is written beside its final name and renamed
// into place, so a reader never sees half a file. A miss — every candidate answered
// 404 — is remembered per server (CACHE/NAME/ID/.miss-<hash of the URL>) and not
// asked again for `negativeCacheSeconds`; a failure is not a miss and is asked again
// next run. Failures that
// may pass (5xx, time-outs, resets) are retried `retries` times. A server that never
// answers (no connection, no response head within the time limit) after those attempts is
// down: it is not asked again by this fetcher (this run, a whole batch), so a server
// that is off the network costs one request's attempts, not every module's. At most
// `maximumConcurrentDownloads` run at once across threads; one debug file and id is
// fetched by one thread while others wait for its result. With `offline`, only the
// cache answers. After each download the cache is trimmed, oldest files first, to
// `maximumCacheBytes`. Names and ids arrive checked as single path components (the
// store checks them), so nothing lands outside CACHE.
//
//===----------------------------------------------------------------------===//

import ELFSymbols
import Foundation
import Symbolication
import Synchronization

#if canImport(Glibc)
  import Glibc
#endif

/// How a server is asked and its cache kept.
public struct FetchOptions: Sendable {
  /// The most bytes one file may have.
  public var maximumFileBytes = 2 << 30
  /// The longest one request may take, in seconds.
  public var timeoutSeconds: Int64 = 60
  /// Further attempts after a failure that may pass.
  public var retries = 2
  /// How long a miss is remembered, in seconds.
  public var negativeCacheSeconds: Double = 24 * 3600
  /// Downloads at once, across threads.
  public var maximumConcurrentDownloads = 4
  /// The most bytes the cache may hold; older files go first.
  public var maximumCacheBytes: Int64 = 20 << 30
  /// Answer from the cache only.
  public var offline = false

  /// The defaults above.
  public init() {}
}

/// The file layouts servers use.
public enum ServerLayout: Sendable, Equatable {
  /// Breakpad's HTTP layout and Microsoft's symstore (`NAME/ID/FILE`).
  case symbolServer
  /// debuginfod: ELF files by GNU build id (`buildid/ID/debuginfo`, `buildid/ID/executable`).
  case debuginfod
}

/// One HTTP symbol server, cached in a local directory.
public final class SymbolServerFetcher: SymbolFileFetcher, Sendable {
  /// The server's base URL (no trailing slash).
  public let url: String
  /// Where fetched files are kept.
  public let cacheRoot: String
  /// How the server lays its files out.
  public let layout: ServerLayout
  /// Limits and behaviour.
  public let options: FetchOptions
  private let log: @Sendable (String) -> Void
  private let downloads: DispatchSemaphore
  private let inFlight = Mutex<Set<String>>([])
  private let counters = Mutex((requests: 0, files: 0))
  private let twoTier = Mutex<Bool?>(nil)
  /// Why the server is taken as down, once it is.
  private let down = Mutex<String?>(nil)

  /// A fetcher for `url` (laid out as `layout`) caching in `cacheRoot`; `log` receives one
  /// line per request.
  public init(
    url: String, cacheRoot: String, layout: ServerLayout = .symbolServer,
    options: FetchOptions = FetchOptions(),
    log: @escaping @Sendable (String) -> Void = { _ in }
  ) {
    self.url = url
    self.cacheRoot = cacheRoot
    self.layout = layout
    self.options = options
    self.log = log
    downloads = DispatchSemaphore(value: max(1, options.maximumConcurrentDownloads))
  }

  /// Requests made and files stored so far.
  public var statistics: (requests: Int, files: Int) { counters.withLock { $0 } }

  public func fetch(debugFile: String, identifier: String) -> Bool {
    fetch(debugFile: debugFile, identifier: identifier, buildID: nil)
  }

  public func fetch(debugFile: String, identifier: String, buildID: String?) -> Bool {
    guard !options.offline else { return false }
    // debuginfod knows files by build id only: a module without one is not asked.
    if layout == .debuginfod && buildID == nil { return false }
    let key = debugFile + "/" + identifier
    // One thread per debug file and id; the others wait, then look at what it left.
    while !inFlight.withLock({ $0.insert(key).inserted }) { usleep(5_000) }
    defer { _ = inFlight.withLock { $0.remove(key) } }
    let directory = cacheRoot + "/" + key
    if hasFiles(directory) { return true }
    if recentlyMissed(directory) { return false }
    let requests = requests(debugFile: debugFile, key: key, buildID: buildID)
    if isDown { return false }
    var failed = false
    for request in requests {
      var outcome = get(request.address, into: directory, as: request.name)
      if case .stored = outcome, request.isPointer {
        outcome = followPointer(
          at: directory + "/" + request.name, from: request.address, into: directory, as: debugFile)
      }
      if case .stored = outcome, layout == .debuginfod, let buildID,
        !hasBuildID(buildID, directory + "/" + request.name, from: request.address)
      {
        outcome = .failed(reason: "not the ELF file with build id \(buildID)", retryable: false)
      }
      switch outcome {
      case .stored:
        trimCache()
        return true
      case .absent:
        continue
      case .failed:
        failed = true
      case .unreachable(let reason):
        markDown(reason)
        return false
      }
    }
    if !failed { markMissed(directory) }
    return false
  }

  /// One file to ask for: its URL, the name it is kept under, and whether it is a symstore
  /// `file.ptr` (a pointer to the file, not the file).
  struct Request {
    var address: String
    var name: String
    var isPointer = false
  }

  /// What is asked for one debug file, in order.
  private func requests(debugFile: String, key: String, buildID: String?) -> [Request] {
    switch layout {
    case .debuginfod:
      guard let buildID else { return [] }
      return ["debuginfo", "executable"].map {
        Request(address: "\(url)/buildid/\(buildID)/\($0)", name: debugFile)
      }
    case .symbolServer:
      let prefix = isTwoTier() ? String(debugFile.prefix(2)) + "/" : ""
      let base =
        url + "/"
        + (prefix + key).split(separator: "/").map { Self.percentEncoded(String($0)) }.joined(
          separator: "/")
      var requests = Self.candidates(for: debugFile).map {
        Request(address: base + "/" + Self.percentEncoded($0), name: $0)
      }
      if requests.count > 1 {
        requests.append(Request(address: base + "/file.ptr", name: ".file.ptr", isPointer: true))
      }
      return requests
    }
  }

  /// Follows a symstore `file.ptr` (`PATH:where` or `MSG:text`): a pointer to an http(s) URL
  /// is fetched as `name`; one to a path (a share on the server's network, or a file on
  /// this machine) is not followed — a server does not name files here.
  private func followPointer(
    at path: String, from address: String, into directory: String, as name: String
  )
    -> DownloadOutcome
  {
    defer { unlink(path) }
    let text = Self.firstBytes(of: path, count: 4096)
    let line = text.split(whereSeparator: \.isNewline).first.map(String.init)?.trimmingSpaces ?? ""
    let shown = SymbolPath.withoutCredentials(address)
    if line.uppercased().hasPrefix("PATH:") {
      let target = String(line.dropFirst(5)).trimmingSpaces
      let lower = target.lowercased()
      if lower.hasPrefix("http://") || lower.hasPrefix("https://") {
        return get(target, into: directory, as: name)
      }
      log(
        "\(shown): points at \(Self.printable(target)), a path on the server's side: not followed")
      return .absent
    }
    if line.uppercased().hasPrefix("MSG:") {
      log("\(shown): the server says: \(Self.printable(String(line.dropFirst(4))))")
      return .absent
    }
    log("\(shown): not a file.ptr (no PATH: or MSG:)")
    return .failed(reason: "not a file.ptr", retryable: false)
  }

  /// Whether the ELF file fetched for `buildID` has that build id (a server answering with
  /// another file is refused, the file removed).
  private func hasBuildID(_ buildID: String, _ path: String, from address: String) -> Bool {
    let found = try? ELFSymbolFile.buildID(atPath: path)
    guard found == buildID else {
      log(
        "\(SymbolPath.withoutCredentials(address)): build id \(found ?? "none") is not \(buildID): refused"
      )
      unlink(path)
      return false
    }
    return true
  }

  private static func firstBytes(of path: String, count: Int) -> String {
    let descriptor = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW)
    guard descriptor >= 0 else { return "" }
    defer { close(descriptor) }
    var buffer = [UInt8](repeating: 0, count: count)
    let read = buffer.withUnsafeMutableBytes { Glibc.read(descriptor, $0.baseAddress, count) }
    return String(decoding: buffer.prefix(max(0, read)), as: UTF8.self)
  }

  /// `text` with control characters shown as `?` and at most 200 characters, for logs.
  static func printable(_ text: String) -> String {
    String(
      String.UnicodeScalarView(
        text.unicodeScalars.prefix(200).map { $0.value < 0x20 || $0.value == 0x7F ? "?" : $0 }))
  }

  /// Whether the server has been found down (it is then not asked again).
  public var isDown: Bool { down.withLock { $0 != nil } }

  private func markDown(_ reason: String) {
    let first = down.withLock { known in
      defer { known = known ?? reason }
      return known == nil
    }
    if first { log("\(SymbolPath.withoutCredentials(url)): unreachable (\(reason)); not asked again in this run") }
  }

  /// Whether the server is a two-tier symstore (it serves index2.txt); asked once.
  private func isTwoTier() -> Bool {
    if let known = twoTier.withLock({ $0 }) { return known }
    let probe = cacheRoot + "/.index2.\(getpid()).\(UInt32.random(in: 0...UInt32.max))"
    try? FileManager.default.createDirectory(atPath: cacheRoot, withIntermediateDirectories: true)
    let descriptor = open(probe, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0o600)
    var answer = false
    if descriptor >= 0 {
      counters.withLock { $0.requests += 1 }
      let outcome = SymbolDownloader(maximumBytes: 1 << 16, timeoutSeconds: options.timeoutSeconds)
        .download(url + "/index2.txt", into: descriptor)
      close(descriptor)
      unlink(probe)
      log("GET \(SymbolPath.withoutCredentials(url))/index2.txt: \(Self.describe(outcome))")
      if case .stored = outcome { answer = true }
      if case .unreachable(let reason) = outcome { markDown(reason) }
    }
    twoTier.withLock { $0 = answer }
    return answer
  }

  /// The file names a server may hold for `debugFile`, in the order they are asked for.
  static func candidates(for debugFile: String) -> [String] {
    let lower = debugFile.lowercased()
    let stem =
      lower.hasSuffix(".pdb") || lower.hasSuffix(".dll") || lower.hasSuffix(".exe")
      ? String(debugFile.dropLast(4)) : debugFile
    var names = [stem + ".sym"]
    if stem != debugFile {
      names.append(debugFile)
      names.append(String(debugFile.dropLast()) + "_")
    }
    return names
  }

  private func get(_ address: String, into directory: String, as name: String) -> DownloadOutcome {
    downloads.wait()
    defer { downloads.signal() }
    var outcome = DownloadOutcome.absent
    for attempt in 0...max(0, options.retries) {
      guard let (descriptor, temporary) = temporaryFile(in: directory, for: name) else {
        return .failed(reason: "cannot create a file in \(directory)", retryable: false)
      }
      counters.withLock { $0.requests += 1 }
      outcome = SymbolDownloader(
        maximumBytes: options.maximumFileBytes, timeoutSeconds: options.timeoutSeconds
      )
      .download(address, into: descriptor)
      let synced = fsync(descriptor) == 0
      close(descriptor)
      log("GET \(SymbolPath.withoutCredentials(address)): \(Self.describe(outcome))")
      if case .stored = outcome, synced, rename(temporary, directory + "/" + name) == 0 {
        counters.withLock { $0.files += 1 }
        return outcome
      }
      unlink(temporary)
      let retryable: Bool
      switch outcome {
      case .failed(_, let mayPass): retryable = mayPass
      case .unreachable: retryable = true
      case .stored, .absent: retryable = false
      }
      guard retryable, attempt < options.retries else { break }
      usleep(useconds_t(200_000 * (attempt + 1)))
    }
    if case .stored = outcome { return .failed(reason: "cannot store the file", retryable: false) }
    return outcome
  }

  private func temporaryFile(in directory: String, for name: String) -> (Int32, String)? {
    guard
      (try? FileManager.default.createDirectory(
        atPath: directory, withIntermediateDirectories: true)) != nil
    else {
      return nil
    }
    let path = "\(directory)/.\(name).\(getpid()).\(UInt32.random(in: 0...UInt32.max)).partial"
    let descriptor = open(path, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0o644)
    return descriptor < 0 ? nil : (descriptor, path)
  }

  private func hasFiles(_ directory: String) -> Bool {
    let names = (try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? []
    return names.contains { !$0.hasPrefix(".") }
  }

  private func recentlyMissed(_ directory: String) -> Bool {
    guard
      let attributes = try? FileManager.default.attributesOfItem(
        atPath: directory + "/" + missMarker),
      let date = attributes[.modificationDate] as? Date
    else { return false }
    return Date().timeIntervalSince(date) < options.negativeCacheSeconds
  }

  private func markMissed(_ directory: String) {
    try? FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
    _ = FileManager.default.createFile(atPath: directory + "/" + missMarker, contents: Data())
  }

  /// `.miss-<FNV-1a of the URL>`: one marker per server sharing a cache.
  private var missMarker: String {
    var hash: UInt64 = 0xcbf2_9ce4_8422_2325
    for byte in url.utf8 { hash = (hash ^ UInt64(byte)) &* 0x100_0000_01b3 }
    return ".miss-" + String(hash, radix: 16)
  }

  /// Removes the oldest cached files until the cache holds at most `maximumCacheBytes`.
  private func trimCache() {
    guard let walker = FileManager.default.enumerator(atPath: cacheRoot) else { return }
    var files: [(path: String, size: Int64, date: Date)] = []
    var total: Int64 = 0
    while let relative = walker.nextObject() as? String, files.count < 1_000_000 {
      let path = cacheRoot + "/" + relative
      guard let attributes = try? FileManager.default.attributesOfItem(atPath: path),
        attributes[.type] as? FileAttributeType == .typeRegular,
        !relative.split(separator: "/").last!.hasPrefix(".")
      else { continue }
      let size = (attributes[.size] as? NSNumber)?.int64Value ?? 0
      files.append((path, size, attributes[.modificationDate] as? Date ?? .distantPast))
      total += size
    }
    guard total > options.maximumCacheBytes else { return }
    for file in files.sorted(by: { $0.date < $1.date }) where total > options.maximumCacheBytes {
      if unlink(file.path) == 0 { total -= file.size }
    }
  }

  private static func describe(_ outcome: DownloadOutcome) -> String {
    switch outcome {
    case .stored(let bytes): "stored \(bytes) bytes"
    case .absent: "not there"
    case .failed(let reason, _): "failed: \(reason)"
    case .unreachable(let reason): "unreachable: \(reason)"
    }
  }


  private static func percentEncoded(_ component: String) -> String {
    var allowed = CharacterSet.alphanumerics
    allowed.insert(charactersIn: "-._~")
    return component.addingPercentEncoding(withAllowedCharacters: allowed) ?? component
  }
}
