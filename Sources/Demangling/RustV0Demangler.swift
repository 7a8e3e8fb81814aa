//===--- RustV0Demangler.swift - Rust's v0 mangling, read --------------------===//
//
// rustc's v0 mangling (`-C symbol-mangling-version=v0`; the Linux kernel's Rust,
// and the default of newer toolchains) writes a symbol as `_R` and a path in a
// small grammar: `C` a crate, `N` a nested name in a namespace (upper case: a
// closure `{closure#0}` or shim; lower case: an ordinary name), `M`/`X`/`Y`
// impl paths (`<T>`, `<T as Trait>`), `I` generic arguments, `B` a back
// reference to an earlier position; types (`h` u8, `R` a reference, `T` a
// tuple, `D` a `dyn` with its bounds, `F` a fn pointer…) and consts (`K`). Names
// are printed as rustc-demangle's alternate form (`{:#}`) and Rust's panics and
// backtraces print them: crate disambiguators hidden, `{closure#1}`,
// `<core::slice::Iter<u8> as core::iter::Iterator>::rposition::<…>`; an `.llvm.…`
// suffix dropped. Punycode identifiers are not read (the name is kept).
// Strangers' names: depth, back-reference jumps and the output are bounded.
// Source: The rustc book, "v0 Symbol Format".
//
//===----------------------------------------------------------------------===//

/// Demangles Rust's v0 symbol names.
public enum RustV0Demangler {
  /// The longest mangled name read.
  public static let maximumLength = 4096

  /// `name` as Rust prints it, or nil when it is no v0 name this reads.
  public static func demangle(_ name: String) -> String? {
    var bytes = Array(name.utf8)
    guard bytes.count <= maximumLength else { return nil }
    if bytes.starts(with: "__R".utf8) { bytes.removeFirst() }
    guard bytes.starts(with: "_R".utf8) else { return nil }
    // A suffix after a `.`: LLVM's `.llvm.1234` is dropped, any other kept as printed.
    var suffix = ""
    if let dot = bytes.firstIndex(of: UInt8(ascii: ".")) {
      let tail = String(decoding: bytes[dot...], as: UTF8.self)
      if !tail.hasPrefix(".llvm.") { suffix = tail }
      bytes.removeSubrange(dot...)
    }
    var parser = Parser(bytes: Array(bytes.dropFirst(2)))
    guard let text = parser.symbol() else { return nil }
    return text + suffix
  }

  /// A recursive-descent reader of one symbol, printing as it reads.
  struct Parser {
    let bytes: [UInt8]
    var position = 0
    var output = ""
    var depth = 0
    var jumps = 0
    /// Lifetimes bound by `for<…>` binders so far (named `'a`, `'b`… from the outermost).
    var boundLifetimes = 0

    static let maximumDepth = 128
    static let maximumJumps = 256
    static let maximumOutput = 8192

    init(bytes: [UInt8]) { self.bytes = bytes }

    /// The whole symbol: a path, an optional instantiating crate, nothing after.
    mutating func symbol() -> String? {
      // An encoding version (a decimal number) is not defined yet.
      guard let first = peek(), !isDigit(first) else { return nil }
      guard path(inValue: true) else { return nil }
      if position < bytes.count {
        // The instantiating crate: read, not printed.
        let printed = output
        guard path(inValue: false), position == bytes.count else { return nil }
        output = printed
      }
      return output.utf8.count <= Self.maximumOutput ? output : nil
    }

    // MARK: Bytes

    func peek() -> UInt8? { position < bytes.count ? bytes[position] : nil }

    mutating func next() -> UInt8? {
      guard position < bytes.count else { return nil }
      defer { position += 1 }
      return bytes[position]
    }

    mutating func eat(_ byte: UInt8) -> Bool {
      guard peek() == byte else { return false }
      position += 1
      return true
    }

    func isDigit(_ byte: UInt8) -> Bool { byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9") }

    mutating func emit(_ text: String) -> Bool {
      output += text
      return output.utf8.count <= Self.maximumOutput
    }

    /// `_` is 0; otherwise digits 0-9, a-z, A-Z, then `_`, the value plus one.
    mutating func base62() -> UInt64? {
      if eat(UInt8(ascii: "_")) { return 0 }
      var value: UInt64 = 0
      while let byte = next() {
        if byte == UInt8(ascii: "_") {
          let (sum, overflow) = value.addingReportingOverflow(1)
          return overflow ? nil : sum
        }
        let digit: UInt64
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): digit = UInt64(byte - UInt8(ascii: "0"))
        case UInt8(ascii: "a")...UInt8(ascii: "z"): digit = UInt64(byte - UInt8(ascii: "a")) + 10
        case UInt8(ascii: "A")...UInt8(ascii: "Z"): digit = UInt64(byte - UInt8(ascii: "A")) + 36
        default: return nil
        }
        let (product, overflow) = value.multipliedReportingOverflow(by: 62)
        let (sum, overflow2) = product.addingReportingOverflow(digit)
        guard !overflow, !overflow2 else { return nil }
        value = sum
      }
      return nil
    }

    /// `s` and a base-62 number (the number plus one), or 0 when absent.
    mutating func disambiguator() -> UInt64? {
      guard eat(UInt8(ascii: "s")) else { return 0 }
      guard let value = base62() else { return nil }
      let (sum, overflow) = value.addingReportingOverflow(1)
      return overflow ? nil : sum
    }

    mutating func decimal() -> Int? {
      guard let first = peek(), isDigit(first) else { return nil }
      if first == UInt8(ascii: "0") {
        position += 1
        return 0
      }
      var value = 0
      while let byte = peek(), isDigit(byte) {
        value = value * 10 + Int(byte - UInt8(ascii: "0"))
        guard value <= bytes.count else { return nil }
        position += 1
      }
      return value
    }

    /// An identifier's name: `u` when it is Punycode (`-` written `_`), a length, `_` when the
    /// name starts with a digit or `_`, the bytes.
    mutating func undisambiguatedIdentifier() -> String? {
      let isPunycode = eat(UInt8(ascii: "u"))
      guard let length = decimal() else { return nil }
      _ = eat(UInt8(ascii: "_"))
      guard position + length <= bytes.count else { return nil }
      let name = bytes[position..<position + length]
      guard name.allSatisfy({ $0 >= 0x20 && $0 < 0x7F }) else { return nil }
      position += length
      if isPunycode { return Punycode.decode(name, delimiter: UInt8(ascii: "_")) }
      return String(decoding: name, as: UTF8.self)
    }

    /// Reads what is at back reference `B…` and prints it with `body`, then comes back.
    mutating func backReference(_ body: (inout Parser) -> Bool) -> Bool {
      let start = position - 1
      guard let target = base62(), target < UInt64(start), jumps < Self.maximumJumps else { return false }
      jumps += 1
      let after = position
      position = Int(target)
      defer { position = after }
      return enter { body(&$0) }
    }

    /// Runs `body` one level deeper; false past the depth bound.
    mutating func enter(_ body: (inout Parser) -> Bool) -> Bool {
      guard depth < Self.maximumDepth else { return false }
      depth += 1
      defer { depth -= 1 }
      return body(&self)
    }

    // MARK: Paths

    /// A path; `inValue` paths print generic arguments as `::<…>`.
    mutating func path(inValue: Bool) -> Bool {
      enter { $0.pathBody(inValue: inValue, leavesOpen: false) != nil }
    }

    /// A path whose generic arguments may be left unclosed (a `dyn` bound's, for its
    /// associated types); returns whether they were, nil on failure.
    mutating func pathBody(inValue: Bool, leavesOpen: Bool) -> Bool? {
      guard let tag = next() else { return nil }
      switch tag {
      case UInt8(ascii: "C"):
        guard disambiguator() != nil, let name = undisambiguatedIdentifier() else { return nil }
        return emit(name) ? false : nil
      case UInt8(ascii: "N"):
        guard let namespace = next(), (namespace >= UInt8(ascii: "A") && namespace <= UInt8(ascii: "Z"))
          || (namespace >= UInt8(ascii: "a") && namespace <= UInt8(ascii: "z"))
        else { return nil }
        guard path(inValue: inValue), let index = disambiguator(), let name = undisambiguatedIdentifier() else { return nil }
        if namespace >= UInt8(ascii: "a") {
          return emit("::" + name) ? false : nil
        }
        let kind =
          namespace == UInt8(ascii: "C") ? "closure"
          : namespace == UInt8(ascii: "S") ? "shim" : String(UnicodeScalar(namespace))
        return emit("::{" + kind + (name.isEmpty ? "" : ":" + name) + "#" + String(index) + "}") ? false : nil
      case UInt8(ascii: "M"):
        guard implPath(), emit("<"), type(), emit(">") else { return nil }
        return false
      case UInt8(ascii: "X"):
        guard implPath(), emit("<"), type(), emit(" as "), path(inValue: false), emit(">") else { return nil }
        return false
      case UInt8(ascii: "Y"):
        guard emit("<"), type(), emit(" as "), path(inValue: false), emit(">") else { return nil }
        return false
      case UInt8(ascii: "I"):
        guard path(inValue: inValue), emit(inValue ? "::<" : "<") else { return nil }
        var first = true
        while !eat(UInt8(ascii: "E")) {
          guard first || emit(", "), genericArgument() else { return nil }
          first = false
        }
        if leavesOpen { return true }
        return emit(">") ? false : nil
      case UInt8(ascii: "B"):
        var open = false
        let done = backReference { parser in
          guard let left = parser.pathBody(inValue: inValue, leavesOpen: leavesOpen) else { return false }
          open = left
          return true
        }
        return done ? open : nil
      default:
        return nil
      }
    }

    /// An impl's path: read (for disambiguation), not printed.
    mutating func implPath() -> Bool {
      guard disambiguator() != nil else { return false }
      let printed = output
      defer { output = printed }
      return path(inValue: false)
    }

    mutating func genericArgument() -> Bool {
      if eat(UInt8(ascii: "L")) {
        guard let index = base62() else { return false }
        return emit(lifetimeName(index))
      }
      if eat(UInt8(ascii: "K")) { return const() }
      return type()
    }

    func lifetimeName(_ index: UInt64) -> String {
      guard index > 0, index <= UInt64(boundLifetimes) else { return "'_" }
      let depth = boundLifetimes - Int(index)
      if depth < 26 { return "'" + String(UnicodeScalar(UInt8(ascii: "a") + UInt8(depth))) }
      return "'_" + String(depth)
    }

    // MARK: Types

    static let basicTypes: [UInt8: String] = [
      UInt8(ascii: "a"): "i8", UInt8(ascii: "b"): "bool", UInt8(ascii: "c"): "char", UInt8(ascii: "d"): "f64",
      UInt8(ascii: "e"): "str", UInt8(ascii: "f"): "f32", UInt8(ascii: "h"): "u8", UInt8(ascii: "i"): "isize",
      UInt8(ascii: "j"): "usize", UInt8(ascii: "l"): "i32", UInt8(ascii: "m"): "u32", UInt8(ascii: "n"): "i128",
      UInt8(ascii: "o"): "u128", UInt8(ascii: "s"): "i16", UInt8(ascii: "t"): "u16", UInt8(ascii: "u"): "()",
      UInt8(ascii: "v"): "...", UInt8(ascii: "x"): "i64", UInt8(ascii: "y"): "u64", UInt8(ascii: "z"): "!",
      UInt8(ascii: "p"): "_",
    ]

    mutating func type() -> Bool {
      enter { $0.typeBody() }
    }

    mutating func typeBody() -> Bool {
      guard let tag = peek() else { return false }
      if let basic = Self.basicTypes[tag] {
        position += 1
        return emit(basic)
      }
      switch tag {
      case UInt8(ascii: "C"), UInt8(ascii: "N"), UInt8(ascii: "M"), UInt8(ascii: "X"), UInt8(ascii: "Y"), UInt8(ascii: "I"):
        return path(inValue: false)
      case UInt8(ascii: "B"):
        position += 1
        return backReference { $0.typeBody() }
      default: break
      }
      position += 1
      switch tag {
      case UInt8(ascii: "A"): return emit("[") && type() && emit("; ") && const() && emit("]")
      case UInt8(ascii: "S"): return emit("[") && type() && emit("]")
      case UInt8(ascii: "T"):
        guard emit("(") else { return false }
        var count = 0
        while !eat(UInt8(ascii: "E")) {
          guard count == 0 || emit(", "), type() else { return false }
          count += 1
        }
        return emit(count == 1 ? ",)" : ")")
      case UInt8(ascii: "R"), UInt8(ascii: "Q"):
        guard emit("&") else { return false }
        if eat(UInt8(ascii: "L")) {
          guard let index = base62() else { return false }
          if index != 0, !emit(lifetimeName(index) + " ") { return false }
        }
        return (tag == UInt8(ascii: "Q") ? emit("mut ") : true) && type()
      case UInt8(ascii: "P"): return emit("*const ") && type()
      case UInt8(ascii: "O"): return emit("*mut ") && type()
      case UInt8(ascii: "F"): return functionSignature()
      case UInt8(ascii: "D"):
        guard dynBounds() else { return false }
        guard eat(UInt8(ascii: "L")), let index = base62() else { return false }
        return index == 0 || emit(" + " + lifetimeName(index))
      default: return false
      }
    }

    /// `for<'a> ` when a binder (`G`) opens here; the count of lifetimes it bound.
    mutating func binder() -> Int? {
      guard eat(UInt8(ascii: "G")) else { return 0 }
      guard let count = base62(), count < 64 else { return nil }
      let bound = Int(count) + 1
      var names: [String] = []
      for index in 0..<bound {
        boundLifetimes += 1
        names.append(lifetimeName(UInt64(index + 1)))
      }
      return emit("for<" + names.joined(separator: ", ") + "> ") ? bound : nil
    }

    mutating func functionSignature() -> Bool {
      guard let bound = binder() else { return false }
      defer { boundLifetimes -= bound }
      if eat(UInt8(ascii: "U")), !emit("unsafe ") { return false }
      if eat(UInt8(ascii: "K")) {
        let abi: String
        if eat(UInt8(ascii: "C")) {
          abi = "C"
        } else {
          guard let name = undisambiguatedIdentifier() else { return false }
          abi = name.replacingUnderscoresWithHyphens()
        }
        guard emit("extern \"" + abi + "\" ") else { return false }
      }
      guard emit("fn(") else { return false }
      var first = true
      while !eat(UInt8(ascii: "E")) {
        guard first || emit(", "), type() else { return false }
        first = false
      }
      guard emit(")") else { return false }
      if eat(UInt8(ascii: "u")) { return true }
      return emit(" -> ") && type()
    }

    mutating func dynBounds() -> Bool {
      guard let bound = binder() else { return false }
      defer { boundLifetimes -= bound }
      guard emit("dyn ") else { return false }
      var first = true
      while !eat(UInt8(ascii: "E")) {
        guard first || emit(" + ") else { return false }
        first = false
        // The trait's path, its generic arguments left open for the associated types after it.
        guard var open = enter({ $0.pathBody(inValue: false, leavesOpen: true) }) else { return false }
        while eat(UInt8(ascii: "p")) {
          guard emit(open ? ", " : "<"), let name = undisambiguatedIdentifier(), emit(name + " = "), type() else {
            return false
          }
          open = true
        }
        if open, !emit(">") { return false }
      }
      return true
    }

    /// Returns `enter`'s answer for a body that reports a Bool? (nil: failure).
    mutating func enter(_ body: (inout Parser) -> Bool?) -> Bool? {
      guard depth < Self.maximumDepth else { return nil }
      depth += 1
      defer { depth -= 1 }
      return body(&self)
    }

    // MARK: Consts

    mutating func const() -> Bool {
      enter { $0.constBody() }
    }

    mutating func constBody() -> Bool {
      guard let tag = next() else { return false }
      switch tag {
      case UInt8(ascii: "p"): return emit("_")
      case UInt8(ascii: "B"): return backReference { $0.constBody() }
      case UInt8(ascii: "h"), UInt8(ascii: "t"), UInt8(ascii: "m"), UInt8(ascii: "y"), UInt8(ascii: "o"), UInt8(ascii: "j"):
        guard let value = hexValue() else { return false }
        return emit(value)
      case UInt8(ascii: "a"), UInt8(ascii: "s"), UInt8(ascii: "l"), UInt8(ascii: "x"), UInt8(ascii: "n"), UInt8(ascii: "i"):
        let negative = eat(UInt8(ascii: "n"))
        guard let value = hexValue() else { return false }
        return emit((negative ? "-" : "") + value)
      case UInt8(ascii: "b"):
        guard let value = hexValue(), value == "0" || value == "1" else { return false }
        return emit(value == "1" ? "true" : "false")
      case UInt8(ascii: "c"):
        guard let value = hexValue(), let code = UInt32(value), let scalar = Unicode.Scalar(code) else { return false }
        return emit("'" + String(Character(scalar)).debugDescription.dropFirst().dropLast() + "'")
      default: return false
      }
    }

    /// Hex digits then `_`, in decimal (in hex past 64 bits).
    mutating func hexValue() -> String? {
      let start = position
      while let byte = peek(), (byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9")) || (byte >= UInt8(ascii: "a") && byte <= UInt8(ascii: "f")) {
        position += 1
      }
      let digits = bytes[start..<position]
      guard eat(UInt8(ascii: "_")) else { return nil }
      if digits.isEmpty { return "0" }
      let text = String(decoding: digits, as: UTF8.self)
      if let value = UInt64(text, radix: 16) { return String(value) }
      return "0x" + text
    }
  }
}

extension String {
  /// `vectorcall_x` → `vectorcall-x`: an ABI's name as mangled, as written.
  fileprivate func replacingUnderscoresWithHyphens() -> String {
    String(map { $0 == "_" ? "-" : $0 })
  }
}
