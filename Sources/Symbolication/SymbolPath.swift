//===--- SymbolPath.swift - Where symbols are: _NT_SYMBOL_PATH and its kin ---===//
//
// The syntax Windows debuggers read from _NT_SYMBOL_PATH, `;`-separated:
//   DIR                       a local directory (a Breakpad or symstore layout)
//   srv*CACHE*URL             a symbol server, its files kept in CACHE
//   srv*URL                   the same with the default cache
//   srv*CACHE*DIR             a store on a share, copied into CACHE: read as a directory
//   cache*DIR                 later servers without a cache of their own use DIR
//   symsrv*symsrv.dll*…       as srv*…, the DLL named is ignored (noted)
//   http(s)://…               a server with the default cache (Breakpad's HTTP layout)
// Elements this cannot use (an unknown `xxx*` prefix, a server URL that is not http or
// https) are dropped with a note saying why.
//
//===----------------------------------------------------------------------===//

/// A parsed symbol path.
public struct SymbolPath: Sendable, Equatable {
  /// One place symbols come from.
  public enum Element: Sendable, Equatable {
    /// A local directory.
    case directory(String)
    /// An HTTP server, its files cached in `cache`.
    case server(url: String, cache: String)
  }

  /// The places, in search order.
  public var elements: [Element]
  /// What was ignored, and why, one line each.
  public var notes: [String]

  /// Parses `text`; servers without a cache of their own use `defaultCache`.
  public init(parsing text: String, defaultCache: String) {
    elements = []
    notes = []
    var cache = defaultCache
    for raw in text.split(separator: ";") {
      let element = String(raw).trimmingSpaces
      guard !element.isEmpty else { continue }
      var parts = element.split(separator: "*", omittingEmptySubsequences: false).map {
        String($0).trimmingSpaces
      }
      let keyword = parts.count > 1 ? parts[0].lowercased() : ""
      switch keyword {
      case "cache":
        if let directory = parts.dropFirst().first(where: { !$0.isEmpty }) {
          cache = directory
          elements.append(.directory(directory))
        }
        continue
      case "symsrv":
        notes.append(
          "\(element): the symsrv DLL \(parts.count > 1 ? parts[1] : "") is ignored; read as srv*…")
        parts = ["srv"] + parts.dropFirst(2)
      case "srv":
        break
      case "":
        if let url = Self.serverURL(element) {
          elements.append(.server(url: url, cache: cache))
        } else {
          elements.append(.directory(element))
        }
        continue
      default:
        notes.append("\(element): unknown symbol path element \(parts[0])*, ignored")
        continue
      }
      // srv*[CACHE*]…*TARGET: the last part is the server (or a share); the first of the others the cache.
      let rest = parts.dropFirst().filter { !$0.isEmpty }
      guard let target = rest.last else {
        notes.append("\(element): a srv* element with no server, ignored")
        continue
      }
      let ownCache = rest.count > 1 ? rest.first! : cache
      if let url = Self.serverURL(target) {
        elements.append(.server(url: url, cache: ownCache))
      } else if target.contains("://") {
        notes.append("\(element): only http and https servers are read, ignored")
      } else {
        if rest.count > 1 { elements.append(.directory(ownCache)) }
        elements.append(.directory(target))
      }
    }
  }

  /// The servers of a `DEBUGINFOD_URLS` value (space-separated http or https URLs, as
  /// elfutils reads it), without trailing slashes; what is not such a URL goes to `notes`.
  public static func debuginfodServers(parsing text: String, notes: inout [String]) -> [String] {
    var servers: [String] = []
    for word in text.split(whereSeparator: { $0 == " " || $0 == "\t" || $0 == "\n" }) {
      let url = String(word)
      if let server = serverURL(url) {
        servers.append(server)
      } else {
        notes.append("DEBUGINFOD_URLS: \(url) is not an http or https URL, ignored")
      }
    }
    return servers
  }

  /// The local directories, in order.
  public var directories: [String] {
    elements.compactMap { if case .directory(let path) = $0 { path } else { nil } }
  }

  /// `url` without a `user:password@` part: what logs and messages may show of a server.
  public static func withoutCredentials(_ url: String) -> String {
    guard let scheme = url.firstRange(of: "://"), let at = url[scheme.upperBound...].firstIndex(of: "@"),
      !url[scheme.upperBound..<at].contains("/")
    else { return url }
    return String(url[..<scheme.upperBound]) + String(url[url.index(after: at)...])
  }

  /// `text` as a server's base URL (http or https, without trailing slashes), or nil.
  public static func serverURL(_ text: String) -> String? {
    let lower = text.lowercased()
    guard lower.hasPrefix("http://") || lower.hasPrefix("https://") else { return nil }
    var url = text
    while url.hasSuffix("/") { url.removeLast() }
    return url
  }
}

extension String {
  /// Without leading and trailing spaces and tabs.
  package var trimmingSpaces: String {
    guard let first = firstIndex(where: { $0 != " " && $0 != "\t" }),
      let last = lastIndex(where: { $0 != " " && $0 != "\t" })
    else { return "" }
    return String(self[first...last])
  }
}
