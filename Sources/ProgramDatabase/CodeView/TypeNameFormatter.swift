//===--- TypeNameFormatter.swift - Function names with their argument lists --===//
//
// A procedure record names a function (`A::meth1`) and its type; Breakpad symbol
// files from PDBs carry the argument list too (`A::meth1(short, signed char)`),
// written the way Mozilla's dump_syms writes it, so the same crash gets the same
// name from either tool:
//   primitives      int, unsigned int, char, signed char, wchar_t, long long, …
//   const by value  `const T`; behind a pointer or reference `T const*`, `T const&`
//   pointers        `T*`, `T&`, `T&&`, `T* const`; to functions `R (*)(A, B)`
//   arrays          `T[34][56]` (dimensions from the sizes), `T[34]*` behind a pointer
//   classes, enums  the name the compiler stored (templates included)
//   index 0         `<NoType>` (a variadic tail)
// Nesting is bounded (hostile files may make types refer to themselves) and a name
// is cut at 4,096 bytes.
//
//===----------------------------------------------------------------------===//

/// Formats function names with argument lists from TPI and IPI records.
public struct TypeNameFormatter: Sendable {
  /// The type records (TPI).
  public let types: TypeTable?
  /// The id records (IPI).
  public let ids: TypeTable?
  private var sizesByName: [String: UInt64] = [:]

  private static let maximumDepth = 24
  private static let maximumLength = 4096

  /// A formatter over the PDB's type and id streams; complete class sizes are indexed by
  /// name so arrays of forward-declared classes get their dimensions.
  public init(types: TypeTable?, ids: TypeTable?) {
    self.types = types
    self.ids = ids
    guard let types else { return }
    var index = types.firstIndex
    while let record = types.record(index) {
      index += 1
      guard [0x1504, 0x1505, 0x1506, 0x1519].contains(record.kind),
        let property = types.field(UInt16.self, record, at: 2), property & 0x80 == 0,
        let (size, name) = Self.sizeAndName(of: record, in: types)
      else { continue }
      sizesByName[name] = size
    }
  }

  /// `name(arguments)` for a procedure whose type (or, for the `_ID` kinds, id) is `index`;
  /// `name` alone when the type is unknown.
  public func functionName(_ name: String, typeIndex index: UInt32, isID: Bool) -> String {
    var functionType = index
    if isID {
      guard let ids, let record = ids.record(index), record.kind == 0x1601 || record.kind == 0x1602,
        let type = ids.field(UInt32.self, record, at: 4)
      else { return name }
      functionType = type
    }
    // Type 0: code with no type (assembler procedures), written with an empty list.
    if functionType == 0 { return (types?.isEmpty ?? true) ? name : cut(name + "()") }
    guard let arguments = argumentList(ofFunction: functionType, depth: 0) else { return name }
    return cut(name + "(" + arguments + ")" + (isConstMember(functionType) ? " const" : ""))
  }

  /// Whether member function type `index` has a `const` this pointer.
  private func isConstMember(_ index: UInt32) -> Bool {
    guard let types, let record = types.record(index), record.kind == 0x1009,
      let this = types.field(UInt32.self, record, at: 8), let pointer = types.record(this), pointer.kind == 0x1002,
      let referent = types.field(UInt32.self, pointer, at: 0), let modifier = types.record(referent),
      modifier.kind == 0x1001, let modifiers = types.field(UInt16.self, modifier, at: 4)
    else { return false }
    return modifiers & 1 != 0
  }

  /// The comma-separated arguments of function type `index`, `nil` if it is not a function.
  private func argumentList(ofFunction index: UInt32, depth: Int) -> String? {
    guard let types, let record = types.record(index) else { return nil }
    let argumentListIndex: UInt32?
    switch record.kind {
    case 0x1008: argumentListIndex = types.field(UInt32.self, record, at: 8)
    case 0x1009: argumentListIndex = types.field(UInt32.self, record, at: 16)
    default: return nil
    }
    guard let argumentListIndex, let list = types.record(argumentListIndex), list.kind == 0x1201,
      let count = types.field(UInt32.self, list, at: 0), UInt64(count) * 4 + 4 <= list.length
    else { return "" }
    var names: [String] = []
    for position in 0..<UInt64(count) {
      guard let argument = types.field(UInt32.self, list, at: 4 + position * 4) else { break }
      names.append(format(argument, behindPointer: false, depth: depth + 1))
    }
    return names.joined(separator: ", ")
  }

  /// The text for type `index`.
  public func typeName(_ index: UInt32) -> String { format(index, behindPointer: false, depth: 0) }

  private func format(_ index: UInt32, behindPointer: Bool, depth: Int) -> String {
    guard depth < Self.maximumDepth else { return "<…>" }
    if index < 0x1000 { return Self.primitiveName(index) }
    guard let types, let record = types.record(index) else { return "<unknown>" }
    switch record.kind {
    case 0x1001:  // LF_MODIFIER (volatile is not written, as dump_syms does not)
      let underlying = types.field(UInt32.self, record, at: 0) ?? 0
      let isConst = (types.field(UInt16.self, record, at: 4) ?? 0) & 1 != 0
      let inner = format(underlying, behindPointer: behindPointer, depth: depth + 1)
      guard isConst else { return inner }
      // A primitive pointer (`void*` as one index) takes the word before its star.
      if underlying < 0x1000, (underlying >> 8) & 7 != 0 { return String(inner.dropLast()) + " const*" }
      return behindPointer ? inner + " const" : "const " + inner
    case 0x1002:  // LF_POINTER
      if let declarator = functionPointer(index, depth: depth) { return declarator }
      let referent = types.field(UInt32.self, record, at: 0) ?? 0
      return format(referent, behindPointer: true, depth: depth + 1) + Self.pointerSuffix(record, in: types)
    case 0x1008, 0x1009:  // LF_PROCEDURE, LF_MFUNCTION
      let returned = types.field(UInt32.self, record, at: 0) ?? 0
      return format(returned, behindPointer: false, depth: depth + 1) + " ("
        + (argumentList(ofFunction: index, depth: depth + 1) ?? "") + ")"
    case 0x1503:  // LF_ARRAY
      var dimensions = ""
      var current = record
      var levels = 0
      while current.kind == 0x1503, levels < Self.maximumDepth {
        levels += 1
        let element = types.field(UInt32.self, current, at: 0) ?? 0
        let total = types.numeric(current, at: 8)?.value ?? 0
        let elementSize = size(of: element, depth: depth + 1)
        dimensions += "[" + (elementSize > 0 ? String(total / elementSize) : "") + "]"
        guard let next = types.record(element), next.kind == 0x1503 else {
          return format(element, behindPointer: false, depth: depth + 1) + dimensions
        }
        current = next
      }
      return "<…>" + dimensions
    case 0x1504, 0x1505, 0x1506, 0x1519:
      return Self.sizeAndName(of: record, in: types)?.1 ?? "<unknown>"
    case 0x1507:  // LF_ENUM
      return types.string(record, at: 12) ?? "<unknown>"
    default:
      return "<unknown>"
    }
  }

  /// `*`, `&` or `&&` and ` const` for pointer record `record`.
  private static func pointerSuffix(_ record: TypeRecord, in types: TypeTable) -> String {
    let attributes = types.field(UInt32.self, record, at: 4) ?? 0
    let mode = (attributes >> 5) & 7
    return (mode == 1 ? "&" : mode == 4 ? "&&" : "*") + (attributes & (1 << 10) != 0 ? " const" : "")
  }

  /// A chain of pointers (and const) ending at a function type, written as a C declarator:
  /// `void (**)()`, `void (* const*)()`, `int (* const&)()`; `nil` when the chain ends elsewhere.
  private func functionPointer(_ index: UInt32, depth: Int) -> String? {
    guard let types else { return nil }
    var declarator = ""
    var pendingConst = false
    var current = index
    for _ in 0..<Self.maximumDepth {
      guard let record = types.record(current) else { return nil }
      switch record.kind {
      case 0x1002:
        declarator = Self.pointerSuffix(record, in: types).prefix(2).filter { $0 == "*" || $0 == "&" }
          + ((types.field(UInt32.self, record, at: 4) ?? 0) & (1 << 10) != 0 || pendingConst ? " const" : "")
          + declarator
        pendingConst = false
        current = types.field(UInt32.self, record, at: 0) ?? 0
      case 0x1001:
        pendingConst = (types.field(UInt16.self, record, at: 4) ?? 0) & 1 != 0
        current = types.field(UInt32.self, record, at: 0) ?? 0
      case 0x1008, 0x1009:
        let returned = types.field(UInt32.self, record, at: 0) ?? 0
        let arguments = argumentList(ofFunction: current, depth: depth + 1) ?? ""
        return format(returned, behindPointer: false, depth: depth + 1) + " (" + declarator + ")(" + arguments + ")"
      default:
        return nil
      }
    }
    return nil
  }

  /// The size in bytes of type `index`, 0 when unknown.
  private func size(of index: UInt32, depth: Int) -> UInt64 {
    guard depth < Self.maximumDepth else { return 0 }
    if index < 0x1000 {
      if (index >> 8) & 7 != 0 { return (index >> 8) & 7 >= 6 ? 8 : 4 }
      return Self.primitiveSize(index & 0xFF)
    }
    guard let types, let record = types.record(index) else { return 0 }
    switch record.kind {
    case 0x1001: return size(of: types.field(UInt32.self, record, at: 0) ?? 0, depth: depth + 1)
    case 0x1002: return UInt64(((types.field(UInt32.self, record, at: 4) ?? 0) >> 13) & 0x3F)
    case 0x1503: return types.numeric(record, at: 8)?.value ?? 0
    case 0x1504, 0x1505, 0x1506, 0x1519:
      guard let (size, name) = Self.sizeAndName(of: record, in: types) else { return 0 }
      return size > 0 ? size : sizesByName[name] ?? 0
    case 0x1507: return size(of: types.field(UInt32.self, record, at: 4) ?? 0, depth: depth + 1)
    default: return 0
    }
  }

  private static func sizeAndName(of record: TypeRecord, in types: TypeTable) -> (UInt64, String)? {
    let sizeAt: UInt64 = record.kind == 0x1506 ? 8 : 16
    guard let (size, width) = types.numeric(record, at: sizeAt), let name = types.string(record, at: sizeAt + width)
    else { return nil }
    return (size, name)
  }

  private func cut(_ text: String) -> String {
    text.utf8.count <= Self.maximumLength ? text : String(decoding: text.utf8.prefix(Self.maximumLength), as: UTF8.self)
  }

  /// The C++ spelling of a primitive type index (CodeView's reserved indices below 0x1000).
  static func primitiveName(_ index: UInt32) -> String {
    let names: [UInt32: String] = [
      0x00: "<NoType>", 0x03: "void", 0x08: "HRESULT", 0x10: "signed char", 0x20: "unsigned char",
      0x11: "short", 0x21: "unsigned short", 0x12: "long", 0x22: "unsigned long", 0x13: "long long",
      0x23: "unsigned long long", 0x14: "__int128", 0x24: "unsigned __int128", 0x30: "bool", 0x31: "bool",
      0x32: "bool", 0x33: "bool", 0x40: "float", 0x41: "double", 0x42: "long double", 0x46: "half",
      0x68: "signed char", 0x69: "unsigned char", 0x70: "char", 0x71: "wchar_t", 0x72: "short",
      0x73: "unsigned short", 0x74: "int", 0x75: "unsigned int", 0x76: "int64_t", 0x77: "uint64_t",
      0x78: "__int128", 0x79: "unsigned __int128", 0x7A: "char16_t", 0x7B: "char32_t", 0x7C: "char8_t",
    ]
    let base = names[index & 0xFF] ?? "<primitive 0x\(String(index & 0xFF, radix: 16))>"
    return (index >> 8) & 7 == 0 || index == 0 ? base : base + "*"
  }

  static func primitiveSize(_ kind: UInt32) -> UInt64 {
    switch kind {
    case 0x10, 0x20, 0x30, 0x68, 0x69, 0x70, 0x7C: 1
    case 0x11, 0x21, 0x31, 0x72, 0x73, 0x71, 0x7A: 2
    case 0x12, 0x22, 0x32, 0x40, 0x74, 0x75, 0x7B, 0x08: 4
    case 0x13, 0x23, 0x33, 0x41, 0x76, 0x77: 8
    case 0x42: 10
    case 0x14, 0x24, 0x78, 0x79: 16
    default: 0
    }
  }
}
