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
    public var origin: String? {
      get {
        guard let originFile else { return nil }
        return originLine > 0 ? originFile + ":" + String(originLine) : originFile
      }
      set {
        originFile = newValue
        originLine = 0
      }
    }
    /// The file of `origin`, or all of it when `originLine` is 0. Kept apart so that the
    /// entries of one file share its path instead of each holding a copy (hundreds are read
    /// at every start).
    private var originFile: String?
    private var originLine: Int = 0

    /// An entry of every part (as a compiled catalog stores it).
    public init(module: String?, function: String, isPrefixPattern: Bool, role: FrameRole, origin: String?) {
      self.module = module
      self.function = function
      self.isPrefixPattern = isPrefixPattern
      self.role = role
      self.originFile = origin
    }

    /// An entry of every part, written at `line` of `file`.
    public init(module: String?, function: String, isPrefixPattern: Bool, role: FrameRole, file: String, line: Int) {
      self.module = module
      self.function = function
      self.isPrefixPattern = isPrefixPattern
      self.role = role
      self.originFile = file
      self.originLine = max(line, 0)
    }

    /// Entries are equal when every part is, their origins compared as text.
    public static func == (left: Entry, right: Entry) -> Bool {
      left.module == right.module && left.function == right.function && left.isPrefixPattern == right.isPrefixPattern
        && left.role == right.role && left.origin == right.origin
    }

    /// Hashes every part, the origin as text.
    public func hash(into hasher: inout Hasher) {
      hasher.combine(module)
      hasher.combine(function)
      hasher.combine(isPrefixPattern)
      hasher.combine(role)
      hasher.combine(origin)
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
      self.originFile = origin
    }
  }

  /// Every entry, in the order added.
  public var entries: [Entry] { table?.allEntries() ?? stored }
  /// The entries added one by one (empty while the catalog is a table's).
  private var stored: [Entry] = []
  /// A table read in place (a compiled catalog): lookups ask it, and the first entry added
  /// turns its entries into stored ones.
  private var table: (any FrameCatalogTable)?
  /// The first entry of each exact name, compared without case; the others follow through
  /// `nextOfName`, module-specific entries before any-module ones. Indices, not lists of
  /// entries: a list a name cost an allocation at every start, for hundreds of names.
  private var firstOfName: [CaseFoldedName: Int32] = [:]
  /// For each entry, the next entry of its exact name in lookup order, or -1.
  private var nextOfName: [Int32] = []
  /// Prefix patterns by their first byte (folded), longest first.
  private var patterns: [UInt8: [Int32]] = [:]

  /// An empty catalog: every frame is specific.
  public init() {}

  /// A catalog of `entries`.
  public init(_ entries: [Entry]) {
    stored.reserveCapacity(entries.count)
    nextOfName.reserveCapacity(entries.count)
    firstOfName.reserveCapacity(entries.count)
    for entry in entries { add(entry) }
  }

  /// A catalog whose entries `table` holds and reads when asked.
  public init(table: some FrameCatalogTable) {
    self.table = table.isEmpty ? nil : table
  }

  /// Whether the catalog has no entries.
  public var isEmpty: Bool { table == nil && stored.isEmpty }

  /// Adds an entry; a later entry for the same name does not override an earlier one.
  public mutating func add(_ entry: Entry) {
    if let table {
      self.table = nil
      for held in table.allEntries() { addStored(held) }
    }
    addStored(entry)
  }

  private mutating func addStored(_ entry: Entry) {
    let index = Int32(truncatingIfNeeded: stored.count)
    stored.append(entry)
    nextOfName.append(-1)
    if entry.isPrefixPattern {
      // Longest first; among equal lengths, in the order added.
      let length = entry.function.utf8.count
      let entries = stored
      patterns[Self.folded(entry.function.utf8.first ?? 0), default: []].insertBeforeFirst(index) {
        entries[Int($0)].function.utf8.count < length
      }
      return
    }
    // Module-specific entries before any-module ones; otherwise in the order added.
    Self.link(
      index, isAnyModule: entry.module == nil, after: &firstOfName[CaseFoldedName(entry.function), default: -1],
      next: &nextOfName, entries: stored)
  }

  /// Links entry `index` into the chain of its name that starts at `first` (-1 for none).
  private static func link(_ index: Int32, isAnyModule: Bool, after first: inout Int32, next: inout [Int32], entries: [Entry]) {
    guard first >= 0 else {
      first = index
      return
    }
    if !isAnyModule && entries[Int(first)].module == nil {
      next[Int(index)] = first
      first = index
      return
    }
    var current = first
    while true {
      let following = next[Int(current)]
      if following < 0 || (!isAnyModule && entries[Int(following)].module == nil) {
        next[Int(index)] = following
        next[Int(current)] = index
        return
      }
      current = following
    }
  }

  /// Adds every entry of `other`.
  public mutating func merge(_ other: FrameCatalog) {
    for entry in other.entries { add(entry) }
  }

  /// The role of `module!function`; `.specific` when no entry matches or the function is unknown.
  /// A C name's leading underscore (`_KiTrap0E`, as x86 listings print it) is also tried without.
  public func role(module: String?, function: String?) -> FrameRole {
    guard let function, !isEmpty else { return .specific }
    let role = role(module: module, name: function)
    if role == .specific, function.hasPrefix("_"), !function.hasPrefix("__"), function.utf8.count > 1 {
      return self.role(module: module, name: String(function.dropFirst()))
    }
    return role
  }

  private func role(module: String?, name function: String) -> FrameRole {
    if let table { return Self.role(module: module, name: function, in: table) }
    var candidate = firstOfName[CaseFoldedName(function)] ?? -1
    while candidate >= 0 {
      let entry = stored[Int(candidate)]
      if Self.moduleMatches(entry.module, module) { return entry.role }
      candidate = nextOfName[Int(candidate)]
    }
    guard let first = function.utf8.first, let candidates = patterns[Self.folded(first)] else { return .specific }
    for index in candidates {
      let entry = stored[Int(index)]
      if Self.moduleMatches(entry.module, module) && Self.hasPrefixIgnoringCase(function, entry.function) { return entry.role }
    }
    return .specific
  }

  /// The same lookup over a table: module-specific entries before any-module ones, then the
  /// patterns, longest first.
  private static func role(module: String?, name function: String, in table: any FrameCatalogTable) -> FrameRole {
    let candidates = table.exactEntries(named: function)
    if let entry = candidates.first(where: { $0.module != nil && moduleMatches($0.module, module) }) { return entry.role }
    if let entry = candidates.first(where: { $0.module == nil }) { return entry.role }
    for entry in table.patternEntries where moduleMatches(entry.module, module) && hasPrefixIgnoringCase(function, entry.function) {
      return entry.role
    }
    return .specific
  }

  /// FNV-1a of `name`'s bytes with ASCII case folded: how tables index their entries by name.
  public static func foldedNameHash(_ name: String) -> UInt64 { CaseFoldedName(name).foldedHash }

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
/// (the catalog is consulted for every frame of every classified crash, and built from hundreds
/// of names at every start).
struct CaseFoldedName: Hashable {
  let text: String
  /// FNV-1a of the folded bytes, computed once: the dictionary hashes only this word.
  let foldedHash: UInt64

  init(_ text: String) {
    self.text = text
    var hash: UInt64 = 0xcbf2_9ce4_8422_2325
    let hashed: Void? = text.utf8.withContiguousStorageIfAvailable { bytes in
      for byte in bytes { hash = (hash ^ UInt64(byte >= 0x41 && byte <= 0x5A ? byte | 0x20 : byte)) &* 0x100_0000_01b3 }
    }
    if hashed == nil {
      for byte in text.utf8 { hash = (hash ^ UInt64(byte >= 0x41 && byte <= 0x5A ? byte | 0x20 : byte)) &* 0x100_0000_01b3 }
    }
    foldedHash = hash
  }

  func hash(into hasher: inout Hasher) { hasher.combine(foldedHash) }

  static func == (left: CaseFoldedName, right: CaseFoldedName) -> Bool {
    left.foldedHash == right.foldedHash && FrameView.equalsIgnoringCase(left.text, right.text)
  }
}

/// A catalog's entries where they are stored (a compiled catalog's table), read a few at a time.
public protocol FrameCatalogTable: Sendable {
  /// Whether the table holds no entry.
  var isEmpty: Bool { get }
  /// The entries that are no prefix pattern and whose function equals `name` ignoring ASCII
  /// case, in the order added.
  func exactEntries(named name: String) -> [FrameCatalog.Entry]
  /// The prefix-pattern entries, longest first, then in the order added.
  var patternEntries: [FrameCatalog.Entry] { get }
  /// Every entry, in the order added.
  func allEntries() -> [FrameCatalog.Entry]
}

extension Array where Element == Int32 {
  /// Puts `index` before the first element that `goesAfter`, or at the end.
  fileprivate mutating func insertBeforeFirst(_ index: Int32, where goesAfter: (Int32) -> Bool) {
    insert(index, at: firstIndex(where: goesAfter) ?? endIndex)
  }
}
