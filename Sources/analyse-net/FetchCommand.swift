//===--- FetchCommand.swift - `analyse-net fetch`: one server, asked in lines ===//
//
//   analyse-net fetch --cache DIR [--layout symbol-server|debuginfod] [--log]
//
// Reads lines on standard input and answers each on standard output before reading
// the next. The first names the server (on standard input, not the command line, where
// any user of the machine could read a URL's credentials in the process list):
//
//   server<TAB>URL                                     → ready
//   fetch<TAB>DEBUG-FILE<TAB>DEBUG-ID<TAB>BUILD-ID     (BUILD-ID empty when unknown)
//   → stored        the files are in DIR/DEBUG-FILE/DEBUG-ID/
//   → missing       the server has none (or failed; its reason on standard error with --log)
//   → error: WHY    the request was not understood (a name that is not a plain name…)
//
// It ends at the end of its input. SymbolServerFetcher does the asking: its layouts,
// limits, retries, negative cache and cache trimming are the same as a library user's.
// The names are checked again here as single path components, so no request can make
// it write outside DIR.
//
//===----------------------------------------------------------------------===//

import ArgumentParser
import SymbolServers
import Symbolication

#if canImport(Glibc)
  import Glibc
#endif

struct FetchCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "fetch",
    abstract: "Fetch symbol files from one server into a cache, as standard input asks.")

  /// The two layouts, as they are spelled on the command line.
  enum Layout: String, ExpressibleByArgument, CaseIterable {
    case symbolServer = "symbol-server"
    case debuginfod
  }

  @Option(name: .long, help: "The local cache fetched files are kept in.")
  var cache: String

  @Option(name: .long, help: "How the server lays its files out.")
  var layout: Layout = .symbolServer

  @Flag(name: .long, help: "Print one line per request on standard error.")
  var log = false

  /// The longest request line read.
  static let maximumLine = 4096

  func run() throws {
    var reader = RequestReader()
    // The server first: `server<TAB>URL`.
    guard let first = reader.next() else { return }
    guard let url = Self.server(first) else {
      _ = Self.writeLine("error: the first line must be server<TAB>URL (http or https)")
      throw ExitCode.failure
    }
    guard Self.writeLine("ready") else { return }
    let printsRequests = log
    let fetcher = SymbolServerFetcher(
      url: url, cacheRoot: cache, layout: layout == .debuginfod ? .debuginfod : .symbolServer,
      log: { line in if printsRequests { HelperConsole.error("analyse: symbol server: \(line)\n") } })
    while let line = reader.next() {
      let answer: String
      switch Self.request(line) {
      case .success(let request):
        answer =
          fetcher.fetch(debugFile: request.debugFile, identifier: request.identifier, buildID: request.buildID)
          ? "stored" : "missing"
      case .failure(let reason):
        answer = "error: " + reason.description
      }
      guard Self.writeLine(answer) else { return }
    }
  }

  /// One parsed request.
  struct Request {
    var debugFile: String
    var identifier: String
    var buildID: String?
  }

  /// Why a request line was refused.
  enum RequestError: Error, CustomStringConvertible {
    case tooLong
    case notFetch(String)
    case notAName(String)

    var description: String {
      switch self {
      case .tooLong: "a request longer than \(FetchCommand.maximumLine) bytes"
      case .notFetch(let line): "not a fetch request: \(line.prefix(80))"
      case .notAName(let word): "not a plain file name or id: \(word.prefix(80))"
      }
    }
  }

  /// The URL of a `server<TAB>URL` line (http or https, no trailing slash).
  static func server(_ line: [UInt8]?) -> String? {
    guard let line else { return nil }
    let fields = line.split(separator: 0x09, omittingEmptySubsequences: false).map {
      String(decoding: $0, as: UTF8.self)
    }
    guard fields.count == 2, fields[0] == "server" else { return nil }
    return SymbolPath.serverURL(fields[1])
  }

  /// `fetch NAME ID BUILD-ID`, tab-separated, its names checked.
  static func request(_ line: [UInt8]?) -> Result<Request, RequestError> {
    guard let line else { return .failure(.tooLong) }
    let fields = line.split(separator: 0x09, omittingEmptySubsequences: false).map {
      String(decoding: $0, as: UTF8.self)
    }
    guard fields.count == 4, fields[0] == "fetch" else {
      return .failure(.notFetch(String(decoding: line, as: UTF8.self)))
    }
    for word in fields[1...2] {
      guard (try? PathComponent.validated(word)) == word else { return .failure(.notAName(word)) }
    }
    var buildID: String?
    if !fields[3].isEmpty {
      guard let valid = SymbolStore.validatedBuildID(fields[3]) else { return .failure(.notAName(fields[3])) }
      buildID = valid
    }
    return .success(Request(debugFile: fields[1], identifier: fields[2], buildID: buildID))
  }

  /// Writes `text` and a line break to standard output; false when it cannot (analyse has gone).
  static func writeLine(_ text: String) -> Bool {
    var bytes = Array(text.utf8)
    bytes.append(0x0A)
    var offset = 0
    while offset < bytes.count {
      let written = bytes[offset...].withUnsafeBytes { write(1, $0.baseAddress, $0.count) }
      if written < 0 && errno == EINTR { continue }
      guard written > 0 else { return false }
      offset += written
    }
    return true
  }
}

/// Lines of standard input, each at most `FetchCommand.maximumLine` bytes; a longer one is
/// read to its end and given as nil.
struct RequestReader {
  private var pending: [UInt8] = []
  private var skipping = false
  private var ended = false

  /// The next line (nil inside: too long), or nil at the end of the input.
  mutating func next() -> [UInt8]?? {
    while true {
      if let newline = pending.firstIndex(of: 0x0A) {
        let line = Array(pending[..<newline])
        pending.removeFirst(newline + 1)
        if skipping || line.count > FetchCommand.maximumLine {
          skipping = false
          return .some(nil)
        }
        return .some(line)
      }
      if pending.count > FetchCommand.maximumLine {
        skipping = true
        pending.removeAll(keepingCapacity: true)
      }
      if ended { return nil }
      var buffer = [UInt8](repeating: 0, count: 8192)
      let count = buffer.withUnsafeMutableBytes { read(0, $0.baseAddress, $0.count) }
      if count < 0 && errno == EINTR { continue }
      if count <= 0 {
        ended = true
        continue
      }
      pending += buffer[..<count]
    }
  }
}
