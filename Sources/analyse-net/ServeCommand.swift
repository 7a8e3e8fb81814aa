//===--- ServeCommand.swift - `analyse symbols serve DIR`, run here ---------===//
//
//   analyse symbols serve DIR [--host 127.0.0.1] [--port 8080]
//   (analyse runs: analyse-net serve DIR --host HOST --port PORT)
//
// Serves a local symbol store read-only over HTTP (Hummingbird), in the layout both
// Breakpad's HTTP symbol servers and Microsoft's symstore use: GET /NAME/ID/FILE →
// DIR/NAME/ID/FILE. So a team points every `--symbol-path srv*CACHE*http://host:port`
// at one store. Path-safe: exactly three components, each a plain name (no `..`, no
// separators, no NUL; SymbolStore's PathComponent rules), and the file, symlinks
// resolved, must lie inside DIR. One line per request on standard error: method,
// path, status, bytes. `--port 0` picks a free port; the line "serving DIR on
// http://HOST:PORT" says which.
//
//===----------------------------------------------------------------------===//

import ArgumentParser
import ByteReading
import Foundation
import Hummingbird
import Logging
import Symbolication

struct ServeCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "serve",
    abstract: "Serve a symbol store read-only over HTTP (Breakpad and symstore layouts).",
    discussion: """
      GET /NAME/ID/FILE answers DIR/NAME/ID/FILE (a .sym, .pdb, .pd_ or image), so clients \
      use --symbol-path 'srv*CACHE*http://HOST:PORT'. Nothing outside DIR is ever served. \
      One line per request is printed on standard error. Stop with Ctrl-C (SIGINT) or SIGTERM.
      """)

  @Argument(help: "The store to serve.")
  var directory: String

  @Option(name: .long, help: "The address to listen on.")
  var host = "127.0.0.1"

  @Option(name: .long, help: "The port to listen on (0: any free port).")
  var port = 8080

  /// analyse's exit status for input it cannot read (AnalyseExitStatus.unreadableInput).
  static let unreadableInput: Int32 = 3

  func run() throws {
    guard let root = realpath(directory, nil).map({ pointer in defer { free(pointer) }; return String(cString: pointer) }),
      FileOpener.kind(of: root) == .directory
    else {
      HelperConsole.error("analyse: \(directory): not a directory\n")
      throw ExitCode(Self.unreadableInput)
    }
    let router = Router()
    let files = FileIO()
    router.on("**", method: .get) { request, context -> Response in
      try await Self.answer(request, context: context, root: root, files: files)
    }
    router.on("**", method: .head) { request, context -> Response in
      var response = try await Self.answer(request, context: context, root: root, files: files)
      response.body = .init()
      return response
    }
    let host = self.host
    let shown = directory
    let app = Application(
      router: router, configuration: .init(address: .hostname(host, port: port), serverName: "analyse"),
      onServerRunning: { channel in
        HelperConsole.error("analyse: serving \(shown) on http://\(host):\(channel.localAddress?.port ?? 0)\n")
      },
      logger: Logger(label: "analyse.symbols.serve", factory: { _ in SwiftLogNoOpLogHandler() }))
    let done = DispatchSemaphore(value: 0)
    let failure = LockedBox<Error?>(nil)
    Task {
      do { try await app.runService() } catch { failure.set(error) }
      done.signal()
    }
    done.wait()
    if let error = failure.get() {
      HelperConsole.error("analyse: symbols serve: \(error)\n")
      throw ExitCode(Self.unreadableInput)
    }
  }

  /// The file for `request`, or 404 (400 for a path that is not NAME/ID/FILE of plain names).
  static func answer(_ request: Request, context: BasicRequestContext, root: String, files: FileIO) async throws
    -> Response
  {
    let path = request.uri.path
    let components = path.split(separator: "/", omittingEmptySubsequences: false).dropFirst().map {
      String($0).removingPercentEncoding ?? ""
    }
    // Each component must be a plain name as it stands (validated() keeps only what follows
    // a separator, so a decoded `../x` or `a\b` would not survive unchanged).
    guard components.count == 3,
      let checked = try? components.map({ component throws(PathComponentError) in try PathComponent.validated(component) }),
      checked == components
    else {
      log(request, status: 400, bytes: 0)
      return Response(status: .badRequest)
    }
    let candidate = root + "/" + checked.joined(separator: "/")
    guard let resolved = realpath(candidate, nil).map({ pointer in defer { free(pointer) }; return String(cString: pointer) }),
      resolved.hasPrefix(root + "/"), FileOpener.kind(of: resolved) == .regular,
      let size = (try? FileManager.default.attributesOfItem(atPath: resolved)[.size] as? NSNumber)?.intValue
    else {
      log(request, status: 404, bytes: 0)
      return Response(status: .notFound)
    }
    let body = try await files.loadFile(path: resolved, context: context)
    log(request, status: 200, bytes: size)
    return Response(
      status: .ok, headers: [.contentType: "application/octet-stream", .contentLength: String(size)], body: body)
  }

  private static func log(_ request: Request, status: Int, bytes: Int) {
    let path = String(request.uri.path.unicodeScalars.map { $0.value < 0x20 || $0.value == 0x7F ? "?" : Character($0) })
    HelperConsole.error("\(request.method) \(path) \(status) \(bytes)\n")
  }
}

/// A value shared between the serving task and the command's thread.
final class LockedBox<Value: Sendable>: @unchecked Sendable {
  // Sendable: every access holds the lock.
  private let lock = NSLock()
  private var value: Value
  init(_ value: Value) { self.value = value }
  func set(_ newValue: Value) { lock.withLock { value = newValue } }
  func get() -> Value { lock.withLock { value } }
}
