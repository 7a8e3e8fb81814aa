//===--- SymbolsServeCommand.swift - `analyse symbols serve DIR` -------------===//
//
//   analyse symbols serve DIR [--host 127.0.0.1] [--port 8080]
//
// Serves a local symbol store read-only over HTTP in the Breakpad and symstore layouts.
// The server (Hummingbird) is in the helper analyse-net (NetworkHelper): this command
// takes the options, then replaces itself with `analyse-net serve DIR --host H --port P`,
// which keeps its process id, signals and exit status. What it serves and logs:
// Sources/analyse-net/ServeCommand.swift.
//
//===----------------------------------------------------------------------===//

import ArgumentParser

#if canImport(Glibc)
  import Glibc
#endif

struct SymbolsServeCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "serve",
    abstract: "Serve a symbol store read-only over HTTP (Breakpad and symstore layouts).",
    discussion: """
      GET /NAME/ID/FILE answers DIR/NAME/ID/FILE (a .sym, .pdb, .pd_ or image), so clients \
      use --symbol-path 'srv*CACHE*http://HOST:PORT'. Nothing outside DIR is ever served. \
      One line per request is printed on standard error. Stop with Ctrl-C (SIGINT) or SIGTERM. \
      The server runs in the helper analyse-net, installed beside analyse.
      """)

  @Argument(help: "The store to serve.")
  var directory: String

  @Option(name: .long, help: "The address to listen on.")
  var host = "127.0.0.1"

  @Option(name: .long, help: "The port to listen on (0: any free port).")
  var port = 8080

  func run() throws {
    guard let helper = NetworkHelper.path else {
      Console.error(
        "analyse: symbols serve: \(NetworkHelper.name) was not found (\(NetworkHelper.whereLooked)); build it (swift build --product \(NetworkHelper.name)), reinstall with scripts/install, "
          + "or set \(NetworkHelper.environmentVariable)\n")
      throw ExitCode.failure
    }
    try Console.finish()
    // `--` so that a directory named like an option stays the directory.
    let arguments = [helper, "serve", "--host", host, "--port", String(port), "--", directory]
    let argv = arguments.map { strdup($0) } + [nil]
    execv(helper, argv)
    let reason = String(cString: strerror(errno))
    for pointer in argv { free(pointer) }
    Console.error("analyse: symbols serve: cannot run \(helper): \(reason)\n")
    throw ExitCode.failure
  }
}
