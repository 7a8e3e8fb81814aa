//===--- FrameCatalog.swift - Which frames carry no information --------------===//
//
// A catalog maps frame names to roles (FrameRole). Entries are `module!function`
// or `function` (any module); a function ending in `*` matches every name that
// begins with the rest (`__memcpy_*`). Matching ignores ASCII case, as Windows
// module and linker names do. The shipped catalogs are YAML files in
// Plugins/frames/ (RuleFileParser's sibling, FrameCatalogParser, reads them);
// a program may build its own.
//
//===----------------------------------------------------------------------===//

/// Frame names and what they say about a crash (see `FrameRole`).
public struct FrameCatalog: Sendable {
  /// One catalog entry.
  public struct Entry: Sendable, Hashable {
    /// The module stem, or nil for any module.
    public var module: String?
    /// The function name, or a prefix of it when `isPrefixPattern`.
    public var function: String
    /// Whether `function` was written with a trailing `*`.
    public var isPrefixPattern: Bool
    /// The role of frames it matches.
    public var role: FrameRole
    /// Where the entry was written (`file:line`), for messages.
    public var origin: String?

    /// An entry of every part (as a compiled catalog stores it).
    public init(module: String?, function: String, isPrefixPattern: Bool, role: FrameRole, origin: String?) {
      self.module = module
      self.function = function
      self.isPrefixPattern = isPrefixPattern
      self.role = role
      self.origin = origin
    }

    /// An entry for `module!function` (`function*` for a prefix pattern).
    public init(_ text: String, role: FrameRole, defaultModule: String? = nil, origin: String? = nil) {
      // By bytes: `!` and `*` are ASCII, and Character-wise slicing costs thousands of
      // instructions an entry (a catalog has hundreds, read at every start).
      let bytes = text.utf8
      var functionStart = bytes.startIndex
      if let bang = bytes.firstIndex(of: UInt8(ascii: "!")) {
        let moduleBytes = bytes[..<bang]
        let isAny = moduleBytes.isEmpty || (moduleBytes.count == 1 && moduleBytes.first == UInt8(ascii: "*"))
        module = isAny ? nil : String(Substring(moduleBytes))
        functionStart = bytes.index(after: bang)
      } else {
        module = defaultModule
      }
      var functionEnd = bytes.endIndex
      isPrefixPattern = functionStart < functionEnd && bytes.last == UInt8(ascii: "*")
      if isPrefixPattern { functionEnd = bytes.index(before: functionEnd) }
      function = String(Substring(bytes[functionStart..<functionEnd]))
      self.role = role
      self.origin = origin
    }
  }

  /// Exact names, compared without case (module-specific entries first).
  private var exact: [CaseFoldedName: [Entry]] = [:]
  /// Prefix patterns by their first byte (folded), longest first.
  private var patterns: [UInt8: [Entry]] = [:]
  /// Every entry, in the order added.
  public private(set) var entries: [Entry] = []

  /// An empty catalog: every frame is specific.
  public init() {}

  /// A catalog of `entries`.
  public init(_ entries: [Entry]) {
    self.entries.reserveCapacity(entries.count)
    exact.reserveCapacity(entries.count)
    for entry in entries { add(entry) }
  }

  /// Whether the catalog has no entries.
  public var isEmpty: Bool { entries.isEmpty }

  /// Adds an entry; a later entry for the same name does not override an earlier one.
  public mutating func add(_ entry: Entry) {
    entries.append(entry)
    if entry.isPrefixPattern {
      // Longest first; among equal lengths, in the order added.
      let length = entry.function.utf8.count
      Self.insert(entry, into: &patterns[Self.folded(entry.function.utf8.first ?? 0), default: []]) {
        $0.function.utf8.count < length
      }
    } else {
      // Module-specific entries before any-module ones; otherwise in the order added.
      let isAnyModule = entry.module == nil
      Self.insert(entry, into: &exact[CaseFoldedName(entry.function), default: []]) { !isAnyModule && $0.module == nil }
    }
  }

  /// Puts `entry` before the first element of `list` that `goesAfter`, or at the end.
  private static func insert(_ entry: Entry, into list: inout [Entry], before goesAfter: (Entry) -> Bool) {
    list.insert(entry, at: list.firstIndex(where: goesAfter) ?? list.endIndex)
  }

  /// Adds every entry of `other`.
  public mutating func merge(_ other: FrameCatalog) {
    for entry in other.entries { add(entry) }
  }

  /// The role of `module!function`; `.specific` when no entry matches or the function is unknown.
  /// A C name's leading underscore (`_KiTrap0E`, as x86 listings print it) is also tried without.
  public func role(module: String?, function: String?) -> FrameRole {
    guard let function, !entries.isEmpty else { return .specific }
    let role = role(module: module, name: function)
    if role == .specific, function.hasPrefix("_"), !function.hasPrefix("__"), function.utf8.count > 1 {
      return self.role(module: module, name: String(function.dropFirst()))
    }
    return role
  }

  private func role(module: String?, name function: String) -> FrameRole {
    if let candidates = exact[CaseFoldedName(function)] {
      for entry in candidates where Self.moduleMatches(entry.module, module) { return entry.role }
    }
    guard let first = function.utf8.first, let candidates = patterns[Self.folded(first)] else { return .specific }
    for entry in candidates where Self.moduleMatches(entry.module, module) && Self.hasPrefixIgnoringCase(function, entry.function) {
      return entry.role
    }
    return .specific
  }

  private static func folded(_ byte: UInt8) -> UInt8 { byte >= 0x41 && byte <= 0x5A ? byte | 0x20 : byte }

  private static func moduleMatches(_ wanted: String?, _ actual: String?) -> Bool {
    guard let wanted else { return true }
    guard let actual else { return false }
    return FrameView.equalsIgnoringCase(wanted, actual)
  }

  private static func hasPrefixIgnoringCase(_ text: String, _ prefix: String) -> Bool {
    let bytes = text.utf8
    let wanted = prefix.utf8
    guard bytes.count >= wanted.count else { return false }
    return zip(bytes, wanted).allSatisfy { a, b in
      a == b || (a | 0x20 == b | 0x20 && (a | 0x20) >= 0x61 && (a | 0x20) <= 0x7A)
    }
  }
}

/// A name that hashes and compares with ASCII case folded, without allocating a lower-cased copy
/// (the catalog is consulted for every frame of every classified crash).
struct CaseFoldedName: Hashable {
  let text: String

  init(_ text: String) { self.text = text }

  /// The length and the first and last eight bytes, folded: cheap, and enough to spread names.
  func hash(into hasher: inout Hasher) {
    var head: UInt64 = 0
    var tail: UInt64 = 0
    var count = 0
    for byte in text.utf8 {
      let folded = UInt64(byte >= 0x41 && byte <= 0x5A ? byte | 0x20 : byte)
      if count < 8 { head = head << 8 | folded }
      tail = tail << 8 | folded
      count += 1
    }
    hasher.combine(head)
    hasher.combine(tail)
    hasher.combine(count)
  }

  static func == (left: CaseFoldedName, right: CaseFoldedName) -> Bool {
    FrameView.equalsIgnoringCase(left.text, right.text)
  }
}
