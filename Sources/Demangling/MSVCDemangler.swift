//===--- MSVCDemangler.swift - Decorated MSVC names with their arguments ------===//
//
// The full signature of a decorated C++ name, written as Mozilla's dump_syms
// writes it for PUBLIC records: qualified name, template arguments and argument
// list, `const` for const member functions; no return type, calling convention
// or access:
//   ?meth1@A@@QAEXFC@Z                       → A::meth1(short, signed char)
//   ??1?$basic_string@DU?$char_traits@D@std@@V?$allocator@D@2@@std@@QAE@XZ
//       → std::basic_string<char, std::char_traits<char>, std::allocator<char> >::~basic_string<…>(void)
//   ?test7@@YAHP6AXHIGPAN@Z@Z                → test7(void (*)(int, unsigned int, unsigned short, double*))
// The grammar followed: names and nested scopes with back references (0–9), templates
// (`?$`, each with its own back references), special names (`?0` constructor, `?1`
// destructor, operators, `?_G` … `'scalar deleting destructor'`), anonymous namespaces;
// function types (access class, this qualifiers, calling convention, return, argument
// list with its own back references, `X` void, `Z` ellipsis); types: builtins, pointers
// and references with their qualifiers, function pointers, arrays, classes, unions,
// enums, `$$Q` rvalue references, `$$T` nullptr_t, template values `$0`.
// Anything else returns nil and callers fall back to the name-only undecorator.
// Sources: LLVM's MicrosoftDemangle and the Wine/ReactOS undname grammar notes.
//
//===----------------------------------------------------------------------===//

/// Demangles MSVC-decorated names into signatures.
public enum MSVCDemangler {
  /// The signature for `decorated`, `nil` when it is not a decorated function name this reads.
  public static func demangle(_ decorated: String) -> String? {
    let bytes = Array(decorated.utf8)
    guard bytes.count <= 4096, bytes.first == UInt8(ascii: "?") else { return nil }
    var parser = DemangleParser(bytes: bytes)
    return parser.symbol()
  }

  /// What PUBLIC records show for a linker name: the signature of a C++ name, the bare
  /// name of a C name (`_name@12` → `name`), else the name unchanged.
  public static func publicName(_ decorated: String) -> String {
    if let signature = demangle(decorated) { return signature }
    return MSVCUndecorator.undecorate(decorated)
  }
}

/// A type, kept as a tree so C declarators (`void (* const)(int)`, `int (*)[34]`) are
/// written inside out.
indirect enum DemangledType {
  case named(String)
  case qualified(DemangledType, String)
  case pointer(DemangledType, symbol: String, qualifiers: String)
  case function(returns: DemangledType, parameters: [DemangledType], variadic: Bool)
  case array(DemangledType, dimensions: [UInt64])

  /// The type's text.
  var text: String { declare("") }

  /// The type with `inner` (a declarator) placed where a name would go.
  func declare(_ inner: String) -> String {
    switch self {
    case .named(let name):
      guard let first = inner.first, first == "(" else { return name + inner }
      return name + " " + inner
    case .qualified(let type, let qualifiers):
      return type.declare(" " + qualifiers + (inner.first == "(" ? " " + inner : inner))
    case .pointer(let pointee, let symbol, let qualifiers):
      let declarator = symbol + (qualifiers.isEmpty ? "" : " " + qualifiers) + (inner.first == "(" ? " " + inner : inner)
      switch pointee {
      case .function, .array: return pointee.declare("(" + declarator + ")")
      default: return pointee.declare(declarator)
      }
    case .function(let returns, let parameters, let variadic):
      return returns.declare(inner + "(" + DemangledType.list(parameters, variadic: variadic) + ")")
    case .array(let element, let dimensions):
      return element.declare(inner + dimensions.map { "[\($0)]" }.joined())
    }
  }

  static func list(_ parameters: [DemangledType], variadic: Bool) -> String {
    var items = parameters.map(\.text)
    if variadic { items.append("...") }
    return items.isEmpty ? "void" : items.joined(separator: ", ")
  }
}

struct DemangleParser {
  let bytes: [UInt8]
  var position = 0
  var names: [String] = []
  var parameterTypes: [DemangledType] = []
  var depth = 0

  init(bytes: [UInt8]) { self.bytes = bytes }

  private var current: UInt8? { position < bytes.count ? bytes[position] : nil }

  private mutating func take(_ character: Character) -> Bool {
    guard let current, current == character.asciiValue else { return false }
    position += 1
    return true
  }

  private mutating func take(_ text: String) -> Bool {
    let utf8 = Array(text.utf8)
    guard position + utf8.count <= bytes.count, Array(bytes[position..<(position + utf8.count)]) == utf8 else {
      return false
    }
    position += utf8.count
    return true
  }

  // MARK: Symbols

  mutating func symbol() -> String? {
    guard take("?") else { return nil }
    // The function's own template name is not memorized (LLVM's NBB_Simple for it).
    guard let (name, special) = take("?$") ? templateName(memorizing: false).map({ ($0, Special.none) })
      : unqualifiedName(top: true)
    else { return nil }
    guard let scopes = scopeList() else { return nil }
    var qualified = (scopes.reversed() + [name]).joined(separator: "::")
    if special == .constructor || special == .destructor {
      let owner = scopes.first ?? name
      qualified = (scopes.reversed() + [(special == .destructor ? "~" : "") + owner]).joined(separator: "::")
    }
    guard let code = current else { return nil }
    // Data: storage class 0–4, then the type: the name alone.
    if code >= UInt8(ascii: "0") && code <= UInt8(ascii: "4") { return qualified }
    guard let (parameters, variadic, isConst, returned) = functionEncoding() else { return nil }
    if special == .conversion, let returned { qualified += " " + returned.text }
    guard position == bytes.count else { return nil }
    var signature = qualified + "(" + DemangledType.list(parameters, variadic: variadic) + ")" + (isConst ? " const" : "")
    // dump_syms leaves out the return type but not the tail of a returned function
    // pointer's declarator: `f(int))(void)` for `void (*f(int))(void)`.
    if let tail = returned.flatMap(Self.returnedFunctionTail) { signature += tail }
    return signature
  }

  /// `)(arguments)` when `type` is a pointer (to pointers) to a function.
  private static func returnedFunctionTail(_ type: DemangledType) -> String? {
    var current = type
    for _ in 0..<16 {
      guard case .pointer(let pointee, _, _) = current else { return nil }
      if case .function(_, let parameters, let variadic) = pointee {
        return ")(" + DemangledType.list(parameters, variadic: variadic) + ")"
      }
      current = pointee
    }
    return nil
  }

  enum Special { case none, constructor, destructor, conversion, other }

  /// The function's innermost name (and whether it is special).
  private mutating func unqualifiedName(top: Bool) -> (String, Special)? {
    if take("?$") { return templateName(memorizing: true).map { ($0, .none) } }
    if top, take("?") {
      guard let code = current else { return nil }
      position += 1
      switch code {
      case UInt8(ascii: "0"): return ("", .constructor)
      case UInt8(ascii: "1"): return ("", .destructor)
      case UInt8(ascii: "B"): return ("operator", .conversion)
      case UInt8(ascii: "_"):
        guard let next = current else { return nil }
        position += 1
        guard let name = Self.underscoreOperators[next] else { return nil }
        return (name, .other)
      default:
        guard let name = Self.operators[code] else { return nil }
        return (name, .other)
      }
    }
    return simpleName().map { ($0, .none) }
  }

  /// A name fragment up to `@`, or a back reference digit; new fragments are memorized.
  private mutating func simpleName() -> String? {
    guard let code = current else { return nil }
    if code >= UInt8(ascii: "0") && code <= UInt8(ascii: "9") {
      position += 1
      let index = Int(code - UInt8(ascii: "0"))
      return index < names.count ? names[index] : nil
    }
    let start = position
    while let byte = current, byte != UInt8(ascii: "@") { position += 1 }
    guard position < bytes.count, position > start else { return nil }
    let name = String(decoding: bytes[start..<position], as: UTF8.self)
    position += 1
    memorize(name)
    return name
  }

  private mutating func memorize(_ name: String) {
    if names.count < 10 && !names.contains(name) { names.append(name) }
  }

  /// `name@args@`: a template instance, with its own back references.
  private mutating func templateName(memorizing: Bool) -> String? {
    depth += 1
    defer { depth -= 1 }
    guard depth < 16 else { return nil }
    let savedNames = names
    let savedTypes = parameterTypes
    names = []
    parameterTypes = []
    let name = templateInstance()
    names = savedNames
    parameterTypes = savedTypes
    if let name, memorizing { memorize(name) }
    return name
  }

  private mutating func templateInstance() -> String? {
    guard let (name, special) = unqualifiedName(top: true) else { return nil }
    // Special names of templates as dump_syms writes them: ctor<…>, dtor<…>, operatorcast<…>.
    let base = [Special.constructor: "ctor", .destructor: "dtor", .conversion: "operatorcast"][special] ?? name
    var arguments: [String] = []
    while !take("@") {
      // `$$V` / `$$Z`: an empty parameter pack, nothing to write.
      if take("$$V") || take("$$Z") { continue }
      guard current != nil, let argument = templateArgument() else { return nil }
      arguments.append(argument)
    }
    let list = arguments.joined(separator: ", ")
    return base + "<" + list + (list.hasSuffix(">") ? " >" : ">")
  }

  private mutating func templateArgument() -> String? {
    if take("$0") { return number().map { String($0) } }
    if take("$$C") {
      guard let qualifiers = cvQualifiers(), let type = type() else { return nil }
      return qualifiers.isEmpty ? type.text : DemangledType.qualified(type, qualifiers).text
    }
    if take("$1") { return symbolReference() }
    guard let type = parameterType() else { return nil }
    return type.text
  }

  /// `&name` for a template argument that is an address.
  private mutating func symbolReference() -> String? {
    var nested = DemangleParser(bytes: Array(bytes[position...]))
    guard let name = nested.symbol() ?? nil else { return nil }
    position = bytes.count
    return "&" + name
  }

  /// The enclosing scopes, innermost first, up to the closing `@`.
  private mutating func scopeList() -> [String]? {
    var scopes: [String] = []
    while !take("@") {
      guard current != nil, scopes.count < 64 else { return nil }
      if take("?$") {
        guard let name = templateName(memorizing: true) else { return nil }
        scopes.append(name)
      } else if take("?A") {
        // Anonymous namespace: ?A0x<hash>@
        while let byte = current, byte != UInt8(ascii: "@") { position += 1 }
        guard take("@") else { return nil }
        scopes.append("`anonymous namespace'")
      } else if current == UInt8(ascii: "?") {
        return nil
      } else {
        guard let name = simpleName() else { return nil }
        scopes.append(name)
      }
    }
    return scopes
  }

  // MARK: Functions

  /// Access class, this qualifiers, calling convention, return type, arguments, throw list.
  private mutating func functionEncoding() -> ([DemangledType], Bool, Bool, DemangledType?)? {
    guard let access = current else { return nil }
    position += 1
    let members: Set<Character> = ["A", "B", "E", "F", "I", "J", "M", "N", "Q", "R", "U", "V"]
    let statics: Set<Character> = ["C", "D", "K", "L", "S", "T", "Y", "Z"]
    let accessCharacter = Character(UnicodeScalar(access))
    var isConst = false
    if members.contains(accessCharacter) {
      _ = take("E")  // __ptr64
      guard let qualifiers = current else { return nil }
      position += 1
      isConst = qualifiers == UInt8(ascii: "B") || qualifiers == UInt8(ascii: "D")
    } else if !statics.contains(accessCharacter) {
      return nil
    }
    guard callingConvention() else { return nil }
    var returned: DemangledType?
    if !take("@") {
      _ = take("?A") || take("?B")
      guard let type = type() else { return nil }
      returned = type
    }
    guard let (parameters, variadic) = parameterList() else { return nil }
    guard take("Z") || (take("_E") && take("Z")) else { return nil }
    return (parameters, variadic, isConst, returned)
  }

  private mutating func callingConvention() -> Bool {
    guard let code = current, code >= UInt8(ascii: "A"), code <= UInt8(ascii: "Q") else { return false }
    position += 1
    return true
  }

  /// `X` (none), or types up to `@` (then the list ends) or `Z` (an ellipsis).
  private mutating func parameterList() -> ([DemangledType], Bool)? {
    if take("X") { return ([], false) }
    var parameters: [DemangledType] = []
    while true {
      if take("@") { return (parameters, false) }
      if take("Z") { return (parameters, true) }
      guard current != nil, parameters.count < 256, let type = parameterType() else { return nil }
      parameters.append(type)
    }
  }

  /// A type in an argument list: a digit refers back to an earlier one; types longer than
  /// one character are memorized.
  private mutating func parameterType() -> DemangledType? {
    if let code = current, code >= UInt8(ascii: "0") && code <= UInt8(ascii: "9") {
      position += 1
      let index = Int(code - UInt8(ascii: "0"))
      return index < parameterTypes.count ? parameterTypes[index] : nil
    }
    let start = position
    guard let type = type() else { return nil }
    if position - start > 1 && parameterTypes.count < 10 { parameterTypes.append(type) }
    return type
  }

  // MARK: Types

  private static let builtins: [UInt8: String] = [
    UInt8(ascii: "X"): "void", UInt8(ascii: "C"): "signed char", UInt8(ascii: "D"): "char",
    UInt8(ascii: "E"): "unsigned char", UInt8(ascii: "F"): "short", UInt8(ascii: "G"): "unsigned short",
    UInt8(ascii: "H"): "int", UInt8(ascii: "I"): "unsigned int", UInt8(ascii: "J"): "long",
    UInt8(ascii: "K"): "unsigned long", UInt8(ascii: "M"): "float", UInt8(ascii: "N"): "double",
    UInt8(ascii: "O"): "long double",
  ]

  private static let extendedBuiltins: [UInt8: String] = [
    UInt8(ascii: "N"): "bool", UInt8(ascii: "J"): "int64_t", UInt8(ascii: "K"): "uint64_t",
    UInt8(ascii: "W"): "wchar_t", UInt8(ascii: "S"): "char16_t", UInt8(ascii: "U"): "char32_t",
    UInt8(ascii: "Q"): "char8_t", UInt8(ascii: "D"): "int8_t", UInt8(ascii: "E"): "uint8_t",
    UInt8(ascii: "F"): "int16_t", UInt8(ascii: "G"): "uint16_t", UInt8(ascii: "H"): "int32_t",
    UInt8(ascii: "I"): "uint32_t", UInt8(ascii: "L"): "int128_t", UInt8(ascii: "M"): "uint128_t",
  ]

  mutating func type() -> DemangledType? {
    depth += 1
    defer { depth -= 1 }
    guard depth < 32, let code = current else { return nil }
    if let name = Self.builtins[code] {
      position += 1
      return .named(name)
    }
    position += 1
    switch code {
    case UInt8(ascii: "_"):
      guard let next = current, let name = Self.extendedBuiltins[next] else { return nil }
      position += 1
      return .named(name)
    case UInt8(ascii: "P"), UInt8(ascii: "Q"), UInt8(ascii: "R"), UInt8(ascii: "S"):
      let qualifiers = [UInt8(ascii: "Q"): "const", UInt8(ascii: "R"): "volatile", UInt8(ascii: "S"): "const volatile"][code] ?? ""
      return pointee(symbol: "*", qualifiers: qualifiers)
    case UInt8(ascii: "A"), UInt8(ascii: "B"):
      return pointee(symbol: "&", qualifiers: code == UInt8(ascii: "B") ? "volatile" : "")
    case UInt8(ascii: "T"), UInt8(ascii: "U"), UInt8(ascii: "V"):
      return className()
    case UInt8(ascii: "W"):
      guard let width = current, width >= UInt8(ascii: "0"), width <= UInt8(ascii: "7") else { return nil }
      position += 1
      return className()
    case UInt8(ascii: "Y"):
      return array()
    case UInt8(ascii: "$"):
      if take("$Q") { return pointee(symbol: "&&", qualifiers: "") }
      if take("$R") { return pointee(symbol: "&&", qualifiers: "volatile") }
      if take("$T") { return .named("std::nullptr_t") }
      if take("$A6") { return functionType() }
      if take("$A8@@") { return functionType() }
      if take("$B") { return type() }
      if take("$C") {
        guard let qualifiers = cvQualifiers(), let type = type() else { return nil }
        return qualifiers.isEmpty ? type : .qualified(type, qualifiers)
      }
      return nil
    case UInt8(ascii: "?"):
      // A cv-qualified type where one is written by value (template arguments, returns).
      guard let qualifiers = cvQualifiers(), let type = type() else { return nil }
      return qualifiers.isEmpty ? type : .qualified(type, qualifiers)
    default:
      return nil
    }
  }

  /// After `P`/`Q`/`A`/…: pointer modifiers, then the pointee's qualifiers and type (or a
  /// function type after `6`).
  private mutating func pointee(symbol: String, qualifiers: String) -> DemangledType? {
    while take("E") || take("F") || take("I") {}  // __ptr64, __unaligned, __restrict
    if take("6") {
      guard let function = functionType() else { return nil }
      return .pointer(function, symbol: symbol, qualifiers: qualifiers)
    }
    if take("8") {
      // Pointer to member function: class, this qualifiers, then the function type.
      guard let owner = qualifiedClassName(), let _ = cvQualifiers(), let function = functionType() else { return nil }
      return .pointer(function, symbol: owner + "::*", qualifiers: qualifiers)
    }
    guard let pointeeQualifiers = cvQualifiers() else { return nil }
    guard let target = type() else { return nil }
    // A pointer pointee carries its own qualifiers (its letter, `Q`/`R`/`S`); the ones
    // before it repeat them.
    var pointee = target
    if !pointeeQualifiers.isEmpty, case .pointer = target {} else if !pointeeQualifiers.isEmpty {
      pointee = .qualified(target, pointeeQualifiers)
    }
    return .pointer(pointee, symbol: symbol, qualifiers: qualifiers)
  }

  /// `A` none, `B` const, `C` volatile, `D` const volatile (and the `__based` forms' letters).
  private mutating func cvQualifiers() -> String? {
    guard let code = current else { return nil }
    position += 1
    switch code {
    case UInt8(ascii: "A"), UInt8(ascii: "Q"), UInt8(ascii: "M"): return ""
    case UInt8(ascii: "B"), UInt8(ascii: "R"), UInt8(ascii: "N"): return "const"
    case UInt8(ascii: "C"), UInt8(ascii: "S"), UInt8(ascii: "O"): return "volatile"
    case UInt8(ascii: "D"), UInt8(ascii: "T"), UInt8(ascii: "P"): return "const volatile"
    default: return nil
    }
  }

  /// Calling convention, return type, arguments and throw list of a function type.
  private mutating func functionType() -> DemangledType? {
    guard callingConvention() else { return nil }
    _ = take("?A") || take("?B")
    guard let returned = type(), let (parameters, variadic) = parameterList() else { return nil }
    guard take("Z") || (take("_E") && take("Z")) else { return nil }
    return .function(returns: returned, parameters: parameters, variadic: variadic)
  }

  private mutating func className() -> DemangledType? {
    qualifiedClassName().map { .named($0) }
  }

  /// `name@scope@…@@` (or with a template or back reference first) as `scope::…::name`.
  private mutating func qualifiedClassName() -> String? {
    let name: String
    if take("?$") {
      guard let template = templateName(memorizing: true) else { return nil }
      name = template
    } else {
      guard let simple = simpleName() else { return nil }
      name = simple
    }
    guard let scopes = scopeList() else { return nil }
    return (scopes.reversed() + [name]).joined(separator: "::")
  }

  /// `Y` dimension count, dimensions, element type.
  private mutating func array() -> DemangledType? {
    guard let count = number(), count > 0, count <= 16 else { return nil }
    var dimensions: [UInt64] = []
    for _ in 0..<count {
      guard let dimension = number() else { return nil }
      dimensions.append(dimension)
    }
    guard let element = type() else { return nil }
    return .array(element, dimensions: dimensions)
  }

  /// `0`–`9` for 1–10; hex digits `A`–`P` ended by `@`; `?` before either for negative.
  private mutating func number() -> UInt64? {
    _ = take("?")
    guard let code = current else { return nil }
    if code >= UInt8(ascii: "0") && code <= UInt8(ascii: "9") {
      position += 1
      return UInt64(code - UInt8(ascii: "0")) + 1
    }
    var value: UInt64 = 0
    var digits = 0
    while let byte = current, byte != UInt8(ascii: "@") {
      guard byte >= UInt8(ascii: "A"), byte <= UInt8(ascii: "P"), digits < 16 else { return nil }
      value = value << 4 | UInt64(byte - UInt8(ascii: "A"))
      digits += 1
      position += 1
    }
    guard take("@") else { return nil }
    return value
  }

  // MARK: Operator names

  private static let operators: [UInt8: String] = [
    UInt8(ascii: "2"): "operator new", UInt8(ascii: "3"): "operator delete", UInt8(ascii: "4"): "operator=",
    UInt8(ascii: "5"): "operator>>", UInt8(ascii: "6"): "operator<<", UInt8(ascii: "7"): "operator!",
    UInt8(ascii: "8"): "operator==", UInt8(ascii: "9"): "operator!=", UInt8(ascii: "A"): "operator[]",
    UInt8(ascii: "C"): "operator->", UInt8(ascii: "D"): "operator*", UInt8(ascii: "E"): "operator++",
    UInt8(ascii: "F"): "operator--", UInt8(ascii: "G"): "operator-", UInt8(ascii: "H"): "operator+",
    UInt8(ascii: "I"): "operator&", UInt8(ascii: "J"): "operator->*", UInt8(ascii: "K"): "operator/",
    UInt8(ascii: "L"): "operator%", UInt8(ascii: "M"): "operator<", UInt8(ascii: "N"): "operator<=",
    UInt8(ascii: "O"): "operator>", UInt8(ascii: "P"): "operator>=", UInt8(ascii: "Q"): "operator,",
    UInt8(ascii: "R"): "operator()", UInt8(ascii: "S"): "operator~", UInt8(ascii: "T"): "operator^",
    UInt8(ascii: "U"): "operator|", UInt8(ascii: "V"): "operator&&", UInt8(ascii: "W"): "operator||",
    UInt8(ascii: "X"): "operator*=", UInt8(ascii: "Y"): "operator+=", UInt8(ascii: "Z"): "operator-=",
  ]

  private static let underscoreOperators: [UInt8: String] = [
    UInt8(ascii: "0"): "operator/=", UInt8(ascii: "1"): "operator%=", UInt8(ascii: "2"): "operator>>=",
    UInt8(ascii: "3"): "operator<<=", UInt8(ascii: "4"): "operator&=", UInt8(ascii: "5"): "operator|=",
    UInt8(ascii: "6"): "operator^=", UInt8(ascii: "D"): "`vbase destructor'",
    UInt8(ascii: "E"): "`vector deleting destructor'", UInt8(ascii: "F"): "`default constructor closure'",
    UInt8(ascii: "G"): "`scalar deleting destructor'", UInt8(ascii: "H"): "`vector constructor iterator'",
    UInt8(ascii: "I"): "`vector destructor iterator'", UInt8(ascii: "L"): "`eh vector constructor iterator'",
    UInt8(ascii: "M"): "`eh vector destructor iterator'", UInt8(ascii: "U"): "operator new[]",
    UInt8(ascii: "V"): "operator delete[]",
  ]
}
