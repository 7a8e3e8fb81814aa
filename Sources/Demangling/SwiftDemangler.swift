//===--- SwiftDemangler.swift - Swift names as its backtracer prints them ----===//
//
// Swift symbols are mangled (`$s7ledgerd7JournalC5closeyyF`; `$S` in Swift 4.2,
// `_T0` in Swift 4, `$e` in Embedded Swift, each with a leading `_` on Apple
// platforms). Crashlytics, Apple's `.ips` reports, the runtime's stack traces
// before Swift 5.9 and ELF symbol tables print them so; Swift's own backtracer
// prints them simplified: `Journal.close()`, `closure #1 in main()`,
// `specialized Array.subscript.getter(_:)`. This gives the backtracer's form,
// from the runtime's own demangler (`_swift_backtrace_demangle` in libswiftCore,
// which every Swift program links). Names from strangers' text: only names with a
// Swift prefix and at most 4 KiB are handed to it, and behind a guard, since its
// printer aborts the process on some malformed names (`$s$_RVs`); such a name
// stays as it was (Sources/CSwiftDemangle/guarded_demangle.c).
//
//===----------------------------------------------------------------------===//

import CSwiftDemangle

#if canImport(Glibc)
  import Glibc
#elseif canImport(Musl)
  import Musl
#endif

/// Demangles Swift symbol names into the form Swift's backtracer prints.
public enum SwiftDemangler {
  /// The longest mangled name handed to the demangler.
  public static let maximumLength = 4096

  /// What the runtime's demangler made of a name.
  public enum Reading: Sendable, Hashable {
    /// The name as the backtracer prints it.
    case demangled(String)
    /// No Swift name the runtime reads (or longer than `maximumLength`).
    case unreadable
    /// The runtime aborted or faulted on it (or has been retired after 64 such names).
    case faulted
  }

  /// `name` demangled (`Journal.close()`), or `nil` when it is no Swift name the runtime reads.
  public static func demangle(_ name: String) -> String? {
    if case .demangled(let text) = read(name) { return text }
    return nil
  }

  /// What the runtime's demangler makes of `name`, telling a name it cannot read from one it
  /// aborted on.
  public static func read(_ name: String) -> Reading {
    guard isMangled(name), name.utf8.count <= maximumLength else { return .unreadable }
    return name.withCString { text -> Reading in
      var outcome = CSWIFTDEMANGLE_ANSWERED
      let result = cswiftdemangle_demangle(text, strlen(text), &outcome)
      guard outcome == CSWIFTDEMANGLE_ANSWERED else { return .faulted }
      guard let result else { return .unreadable }
      defer { free(result) }
      let demangled = String(cString: result)
      // The runtime hands back a Swift name it cannot read unchanged.
      return demangled == name || demangled.isEmpty ? .unreadable : .demangled(demangled)
    }
  }

  /// How many names the runtime's demangler has aborted or faulted on in this process (each
  /// left as it was); after 64 it is no longer called and Swift names stay mangled.
  public static var faultCount: Int { Int(cswiftdemangle_fault_count()) }

  /// Whether `name` starts as a mangled Swift symbol does: `$s`, `$S`, `$e` or `_T0`, with or
  /// without the leading underscore Apple's platforms add.
  public static func isMangled(_ name: String) -> Bool {
    var bytes = name.utf8[...]
    if bytes.first == UInt8(ascii: "_"), bytes.dropFirst().first == UInt8(ascii: "$") { bytes = bytes.dropFirst() }
    guard bytes.count >= 4 else { return false }
    let first = bytes[bytes.startIndex]
    let second = bytes[bytes.index(after: bytes.startIndex)]
    if first == UInt8(ascii: "$") {
      return second == UInt8(ascii: "s") || second == UInt8(ascii: "S") || second == UInt8(ascii: "e")
    }
    return bytes.starts(with: "_T0".utf8)
  }
}
