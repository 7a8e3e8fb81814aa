//===--- SymbolDemangler.swift - Any mangled name, as its language prints it -===//
//
// One entry for the manglings crash text and symbol tables carry: Swift's
// (`$s…`, `_T0…`), Rust's legacy one (`_ZN…17h<hash>E`) and v0 one (`_RNv…`),
// the Itanium C++ ABI's (`_Z…`) and Microsoft Visual C++'s (`?Close@Ledger@@QAEXXZ`, a
// function's signature as dump_syms writes it). The scheme is told by the name's first bytes (and, for Rust,
// its hashed last part); a name in none of them is no mangled name.
//
//===----------------------------------------------------------------------===//

/// Demangles symbol names of the manglings crash inputs carry.
public enum SymbolDemangler {
  /// The longest name any of the demanglers reads (longer ones are no mangled names here).
  public static let maximumLength = 4096

  /// A mangling scheme.
  public enum Scheme: String, Sendable, CaseIterable {
    /// Swift's (`$s`, `$S`, `$e`, `_T0`).
    case swift
    /// Rust's legacy mangling (Itanium-shaped, a hash as the last part).
    case rustLegacy = "rust-legacy"
    /// Rust's v0 mangling (`_R`).
    case rustV0 = "rust-v0"
    /// The Itanium C++ ABI's (`_Z`).
    case itanium
    /// Microsoft Visual C++'s decorated names (`?Close@Ledger@@QAEXXZ`).
    case msvc
  }

  /// The scheme `name` is mangled in, judged by its first bytes; `nil` for a plain name.
  public static func scheme(of name: String) -> Scheme? {
    if SwiftDemangler.isMangled(name) { return .swift }
    if name.utf8.first == UInt8(ascii: "?") { return .msvc }
    var bytes = name.utf8[...]
    if bytes.starts(with: "__R".utf8) { bytes = bytes.dropFirst() }
    if bytes.starts(with: "_R".utf8), let tag = bytes.dropFirst(2).first, "CNMXYIB".utf8.contains(tag) { return .rustV0 }
    bytes = name.utf8[...]
    if bytes.starts(with: "__Z".utf8) { bytes = bytes.dropFirst() }
    guard bytes.starts(with: "_Z".utf8) else { return nil }
    if bytes.starts(with: "_ZN".utf8), isRustHashed(bytes) { return .rustLegacy }
    return .itanium
  }

  /// `name` demangled, or `nil` when it is not mangled or its demangler refuses it.
  public static func demangle(_ name: String) -> String? {
    switch scheme(of: name) {
    case .swift: return SwiftDemangler.demangle(name)
    case .rustLegacy: return RustLegacyDemangler.demangle(name) ?? itanium(name)
    case .rustV0: return RustV0Demangler.demangle(name)
    case .itanium: return itanium(name)
    case .msvc: return MSVCDemangler.demangle(name)
    case nil: return nil
    }
  }

  /// `name` demangled when it is mangled, else `name` itself.
  public static func readable(_ name: String) -> String { demangle(name) ?? name }

  /// The Itanium demangling of `name` (one leading underscore of Apple's dropped), or nil.
  private static func itanium(_ name: String) -> String? {
    let plain = name.hasPrefix("__Z") ? String(name.dropFirst()) : name
    let demangled = ItaniumDemangler.demangle(plain)
    return demangled == plain ? nil : demangled
  }

  /// Whether the nested name ends with `17h`, 16 hex digits and `E`.
  private static func isRustHashed(_ bytes: Substring.UTF8View) -> Bool {
    guard bytes.count > 24, bytes.last == UInt8(ascii: "E") else { return false }
    let tail = bytes.suffix(20)
    guard tail.starts(with: "17h".utf8) else { return false }
    return tail.dropFirst(3).dropLast().allSatisfy { ASCIIHex.value(of: $0) != nil }
  }
}
