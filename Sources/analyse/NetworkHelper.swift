//===--- NetworkHelper.swift - Finding and running analyse-net ---------------===//
//
// The HTTP client and server are in a helper executable, `analyse-net`, so that the
// `analyse` every run starts holds neither (docs/performance.md, "The network in a
// helper"). It is looked for, in order:
//   1. $CRASH_ANALYSIS_NET_HELPER, when set, and nowhere else (a path to the executable;
//      set but empty: no helper, so no server is asked);
//   2. beside the running `analyse` (a build folder: .build/debug/analyse-net);
//   3. PREFIX/libexec/crash-analysis/analyse-net for PREFIX/bin/analyse (scripts/install).
//
//===----------------------------------------------------------------------===//

import Synchronization

#if canImport(Glibc)
  import Glibc
#endif

enum NetworkHelper {
  /// The helper's file name.
  static let name = "analyse-net"
  /// The environment variable naming the helper.
  static let environmentVariable = "CRASH_ANALYSIS_NET_HELPER"

  /// Every place the helper is looked for, in order.
  static var candidates: [String] {
    if let value = getenv(environmentVariable) {
      return value.pointee == 0 ? [] : [String(cString: value)]
    }
    var result: [String] = []
    if let directory = executableDirectory {
      result.append(directory + "/" + name)
      if let slash = directory.lastIndex(of: "/") {
        result.append(directory[..<slash] + "/libexec/crash-analysis/" + name)
      }
    }
    return result
  }

  /// The directory of the running executable.
  private static var executableDirectory: String? {
    var buffer = [UInt8](repeating: 0, count: 4097)
    let count = buffer.withUnsafeMutableBufferPointer { bytes in
      bytes.withMemoryRebound(to: CChar.self) { readlink("/proc/self/exe", $0.baseAddress!, 4096) }
    }
    guard count > 0 else { return nil }
    let executable = String(decoding: buffer[..<count], as: UTF8.self)
    return executable.lastIndex(of: "/").map { String(executable[..<$0]) }
  }

  /// Where the helper was looked for, for messages.
  static var whereLooked: String {
    let places = candidates
    return places.isEmpty ? "\(environmentVariable) is set but empty" : "looked in " + places.joined(separator: ", ")
  }

  /// The helper's path, or nil when it is in none of the candidates.
  static var path: String? { candidates.first { access($0, X_OK) == 0 } }

  /// Says once per process that the helper is missing and servers are not asked.
  static func warnMissing() {
    guard !warned.withLock({ warned in defer { warned = true }; return warned }) else { return }
    Console.error(
      "analyse: symbol server: \(name) was not found (\(whereLooked)); "
        + "servers are not asked. Build it (swift build --product \(name)), reinstall with scripts/install, or set \(environmentVariable)\n")
  }

  private static let warned = Mutex(false)
}
