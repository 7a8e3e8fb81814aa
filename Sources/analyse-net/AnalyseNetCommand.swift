//===--- AnalyseNetCommand.swift - analyse-net: the network side of analyse ===//
//
//   analyse-net fetch --cache DIR [--layout symbol-server|debuginfod] [--log]   (the server: first line of input)
//   analyse-net serve DIR [--host 127.0.0.1] [--port 8080]
//
// The HTTP client (AsyncHTTPClient, SwiftNIO, BoringSSL) and server (Hummingbird) live
// in this helper, not in `analyse`: every `analyse` run, most of which never touch the
// network, then starts a binary without them (a quarter fewer conformance records to
// scan, less code and data to map). `analyse` runs this helper when a symbol path names
// a server (`fetch`, one long-lived process per download slot, spoken to in lines) and
// for `analyse symbols serve` (`serve`, in place of itself). It is found beside `analyse`
// or in PREFIX/libexec/crash-analysis (scripts/install puts it there). Not meant to be
// run by hand, though it may be.
//
//===----------------------------------------------------------------------===//

import ArgumentParser
import CrashCore
import Foundation

#if canImport(Glibc)
  import Glibc
#endif

@main
struct AnalyseNetCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "analyse-net",
    abstract: "The network side of analyse: symbol-server downloads and `analyse symbols serve`.",
    discussion: """
      analyse runs this helper itself; its commands and their line protocol are described in \
      docs/symbol-servers.md.
      """,
    subcommands: [FetchCommand.self, ServeCommand.self]
  )
}

/// Standard error, control characters escaped (names and URLs come from strangers).
enum HelperConsole {
  /// Writes `message` to standard error (unbuffered).
  static func error(_ message: String) {
    FileHandle.standardError.write(Data(TextLimits.printable(message).utf8))
  }
}
