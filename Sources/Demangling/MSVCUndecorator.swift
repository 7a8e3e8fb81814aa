//===--- MSVCUndecorator.swift - Display names for decorated MSVC symbols ---===//
//
// Name-only undecoration, what `undname` prints with UNDNAME_NAME_ONLY: the
// qualified function name without its type signature.
//   _name@12 (stdcall), @name@8 (fastcall), _name (cdecl)   → name
//   ?push@Queue@mta@@QAEHH@Z                                → mta::Queue::push
//   ??0Queue@mta@@QAE@XZ / ??1…                              → mta::Queue::Queue / ~Queue
//   ??4Queue@@…, ??2@…, ??_GQueue@@…                         → Queue::operator=, operator new, …
// Names with templates (`?$`) need the whole type grammar and are returned
// unchanged, as is anything else that does not parse: nothing is ever lost.
//
//===----------------------------------------------------------------------===//

/// Turns MSVC-decorated symbol names into readable qualified names.
public enum MSVCUndecorator {
  /// The display name for `decorated`; `stripsLeadingUnderscore` for x86 C names (`_entry`).
  public static func undecorate(_ decorated: String, stripsLeadingUnderscore: Bool = true) -> String {
    let bytes = Array(decorated.utf8)
    guard let first = bytes.first, bytes.count <= 4096 else { return decorated }
    switch first {
    case UInt8(ascii: "?"):
      return cplusplus(bytes) ?? decorated
    case UInt8(ascii: "@"):
      // @name@N: fastcall.
      if let at = bytes.dropFirst().firstIndex(of: UInt8(ascii: "@")), at > 1, isDecimal(bytes[(at + 1)...]) {
        return String(decoding: bytes[1..<at], as: UTF8.self)
      }
      return decorated
    case UInt8(ascii: "_") where stripsLeadingUnderscore:
      var name = bytes.dropFirst()
      // _name@N: stdcall.
      if let at = name.lastIndex(of: UInt8(ascii: "@")), isDecimal(bytes[(at + 1)...]) { name = name[..<at] }
      return name.isEmpty ? decorated : String(decoding: name, as: UTF8.self)
    default:
      return decorated
    }
  }

  private static func isDecimal(_ bytes: ArraySlice<UInt8>) -> Bool {
    !bytes.isEmpty && bytes.count <= 5 && bytes.allSatisfy { $0 >= 0x30 && $0 <= 0x39 }
  }

  /// Operator and special names after `??` (the common ones).
  private static let specialNames: [String: String] = [
    "2": "operator new", "3": "operator delete", "4": "operator=", "5": "operator>>", "6": "operator<<",
    "7": "operator!", "8": "operator==", "9": "operator!=", "A": "operator[]", "B": "operator <conversion>",
    "C": "operator->", "D": "operator*", "E": "operator++", "F": "operator--", "G": "operator-",
    "H": "operator+", "I": "operator&", "J": "operator->*", "K": "operator/", "L": "operator%",
    "M": "operator<", "N": "operator<=", "O": "operator>", "P": "operator>=", "Q": "operator,",
    "R": "operator()", "S": "operator~", "T": "operator^", "U": "operator|", "V": "operator&&",
    "W": "operator||", "X": "operator*=", "Y": "operator+=", "Z": "operator-=",
    "_0": "operator/=", "_1": "operator%=", "_2": "operator>>=", "_3": "operator<<=", "_4": "operator&=",
    "_5": "operator|=", "_6": "operator^=", "_7": "`vftable'", "_8": "`vbtable'", "_E": "`vector deleting destructor'",
    "_G": "`scalar deleting destructor'", "_U": "operator new[]", "_V": "operator delete[]",
  ]

  /// `?name@scope@…@@signature` → `scope::…::name`.
  private static func cplusplus(_ bytes: [UInt8]) -> String? {
    var index = 1
    var special: String?
    var isConstructor = false
    var isDestructor = false
    if index < bytes.count && bytes[index] == UInt8(ascii: "?") {
      // ??0 constructor, ??1 destructor, ??X operators; ??_X two-character codes.
      index += 1
      guard index < bytes.count else { return nil }
      var code = String(UnicodeScalar(bytes[index]))
      index += 1
      if code == "_" {
        guard index < bytes.count else { return nil }
        code += String(UnicodeScalar(bytes[index]))
        index += 1
      }
      switch code {
      case "0": isConstructor = true
      case "1": isDestructor = true
      default:
        guard let name = specialNames[code] else { return nil }
        special = name
      }
    }
    var fragments: [String] = []
    var backReferences: [String] = []
    while index < bytes.count {
      let byte = bytes[index]
      if byte == UInt8(ascii: "@") {
        // `@@` ends the qualified name (the first `@` closed the last fragment).
        break
      }
      if byte >= 0x30 && byte <= 0x39 {
        let reference = Int(byte - 0x30)
        guard reference < backReferences.count else { return nil }
        fragments.append(backReferences[reference])
        index += 1
        continue
      }
      guard let end = bytes[index...].firstIndex(of: UInt8(ascii: "@")), end > index else { return nil }
      let name = String(decoding: bytes[index..<end], as: UTF8.self)
      guard name.utf8.allSatisfy({ $0 > 0x20 && $0 != UInt8(ascii: "?") }) else { return nil }
      fragments.append(name)
      if backReferences.count < 10 { backReferences.append(name) }
      index = end + 1
    }
    guard !fragments.isEmpty || special != nil else { return nil }
    // Fragments are innermost first: name, class, namespace…
    var scopes = Array(fragments.reversed())
    if isConstructor || isDestructor {
      let className = scopes.last ?? ""
      scopes.append((isDestructor ? "~" : "") + className)
    } else if let special {
      scopes.append(special)
    }
    return scopes.joined(separator: "::")
  }
}
