//===--- CompiledRules.swift - Shipped rules and catalogs, read once per install ===//
//
// Reading the shipped YAML (a dozen rules, three frame catalogs) cost some
// nine million instructions at every start, most of it Yams building node
// trees. `analyse plugins compile` (scripts/install runs it) writes, beside
// each shipped directory DIR, `DIR.compiled.json`: what the YAML says, as JSON,
// with the name, size and modification time of every source file. A run uses
// it only while DIR holds exactly those files, unchanged; otherwise it reads the
// YAML as before (a compiled file is a cache, never the truth). Files with
// mistakes are never compiled: their errors are reported at every run.
//
//===----------------------------------------------------------------------===//

import ByteReading
import SignatureRules
import Signatures

#if canImport(Glibc)
  import Glibc
#endif

/// The compiled form of a directory of rule files or frame catalogs.
public enum CompiledRules {
  /// The format of compiled rules written; another is not read.
  static let format = 1
  /// The format of compiled frame catalogs: three strings read in place (CompiledFrameTable:
  /// the entries' fields, an index by name hash, the patterns). Format 1 wrote an object per
  /// entry, 2 a string per entry, 3 one table of every entry that each run turned into entries
  /// (2.3 M instructions at every start for 567 entries).
  static let catalogFormat = 4
  /// Largest compiled file read.
  static let maximumSize = 8 << 20

  /// What a compiled file was made from: one source file.
  struct Source: Equatable {
    var name: String
    var size: Int
    var modified: Int  // nanoseconds since 1970
  }

  /// Why a directory could not be compiled.
  public enum CompileError: Error, Sendable, CustomStringConvertible {
    /// A source file has mistakes (each named); nothing was written.
    case sourceErrors([PluginLoadError])
    /// The directory could not be read.
    case unreadable(directory: String)
    /// The compiled file could not be written.
    case cannotWrite(OutputError)

    /// One line per problem.
    public var description: String {
      switch self {
      case .sourceErrors(let errors): errors.map(\.description).joined(separator: "\n")
      case .unreadable(let directory): "\(directory): cannot read the directory"
      case .cannotWrite(let error): "\(error)"
      }
    }
  }

  /// The compiled file of `directory`.
  public static func path(for directory: String) -> String {
    var bytes = Array(directory.utf8)
    while bytes.count > 1 && bytes.last == UInt8(ascii: "/") { bytes.removeLast() }
    return String(decoding: bytes, as: UTF8.self) + ".compiled.json"
  }

  // MARK: - Reading

  /// The rules of `directory` from its compiled file, or nil when there is none or it does not
  /// match the directory's files as they are now.
  public static func rules(in directory: String) -> [SignatureRule]? {
    guard let (document, files) = current(directory, kind: "rules"), case .array(let items)? = document["items"] else {
      return nil
    }
    var rules: [SignatureRule] = []
    for item in items {
      guard let rule = rule(from: item, directory: directory, files: files) else { return nil }
      rules.append(rule)
    }
    return rules
  }

  /// The frame-catalog entries of `directory` from its compiled file, in load order, or nil
  /// when there is none, it does not match the directory's files as they are now, or any of
  /// its rows does not read back.
  public static func catalogEntries(in directory: String) -> [FrameCatalog.Entry]? {
    guard let (table, bytes, originFiles) = catalogTableParts(in: directory) else { return nil }
    var entries: [FrameCatalog.Entry] = []
    var offset = 0
    while offset < bytes.count {
      guard let (entry, next) = CompiledFrameTable.row(in: bytes, at: offset, originFiles: originFiles) else { return nil }
      entries.append(entry)
      offset = next
    }
    return table.isEmpty ? [] : entries
  }

  /// The frame catalog of `directory` from its compiled file, its entries read when lookups
  /// ask, or nil when there is none or it does not match the directory's files as they are now.
  public static func catalog(in directory: String) -> FrameCatalog? {
    catalogTableParts(in: directory).map { FrameCatalog(table: $0.table) }
  }

  private static func catalogTableParts(in directory: String) -> (table: CompiledFrameTable, bytes: [UInt8], originFiles: [String])? {
    guard let (document, files) = current(directory, kind: "frames", format: catalogFormat),
      case .string(let table)? = document["table"], case .string(let index)? = document["index"],
      case .string(let patterns)? = document["patterns"]
    else { return nil }
    // Each file's path once, by its index in the sources (which are in name order); the
    // entries share it.
    let originFiles = files.sorted().map { directory + "/" + $0 }
    let bytes = Array(table.utf8)
    guard
      let compiled = CompiledFrameTable(
        table: bytes, index: Array(index.utf8), patterns: Array(patterns.utf8), originFiles: originFiles)
    else { return nil }
    return (compiled, bytes, originFiles)
  }

  /// The document of `directory`'s compiled file of `kind`, when it is current, and the names
  /// of the files it came from (an item naming any other file is refused).
  private static func current(_ directory: String, kind: String, format: Int = format) -> (
    document: JSONValue, files: Set<String>
  )? {
    guard let sources = sources(of: directory),
      let bytes = try? FileOpener.contents(of: path(for: directory), limit: maximumSize),
      let document = try? JSONValue.parse(bytes),
      document["format"]?.intValue == format, document["kind"]?.stringValue == kind,
      case .array(let recorded)? = document["sources"], recorded.count == sources.count
    else { return nil }
    for (entry, source) in zip(recorded, sources) {
      guard entry["name"]?.stringValue == source.name, entry["size"]?.intValue == source.size,
        entry["modified"]?.intValue == source.modified
      else { return nil }
    }
    return (document, Set(sources.map(\.name)))
  }

  /// The `*.yaml` files of `directory` as they are now, in load order.
  static func sources(of directory: String) -> [Source]? {
    guard let names = RuleLoader.yamlFiles(in: directory) else { return nil }
    var sources: [Source] = []
    for name in names {
      var status = stat()
      guard stat(directory + "/" + name, &status) == 0 else { return nil }
      let modified = Int(status.st_mtim.tv_sec) &* 1_000_000_000 &+ Int(status.st_mtim.tv_nsec)
      sources.append(Source(name: name, size: Int(status.st_size), modified: modified))
    }
    return sources
  }

  private static func rule(from item: JSONValue, directory: String, files: Set<String>) -> SignatureRule? {
    guard let id = item["id"]?.stringValue, let title = item["title"]?.stringValue,
      let product = item["product"]?.stringValue, let affects = item["affects"]?.stringValue,
      let file = item["file"]?.stringValue, files.contains(file), let within = item["within"]?.intValue,
      let references = strings(item["references"]), let sequence = frames(item["sequence"]),
      case .array(let eventItems)? = item["events"], let requiredNames = strings(item["required"])
    else { return nil }
    var events: [RuleEvent] = []
    for event in eventItems {
      guard let value = event["id"]?.intValue, let id = UInt32(exactly: value) else { return nil }
      events.append(RuleEvent(id: id, contains: optionalString(event["contains"])))
    }
    var required = Set<RulePart>()
    for name in requiredNames {
      guard let part = RulePart(rawValue: name) else { return nil }
      required.insert(part)
    }
    var top: RuleFrame?
    if let value = item["top"], value != .null {
      guard let frame = frame(value) else { return nil }
      top = frame
    }
    var exception: UInt32?
    if let value = item["exception"], value != .null {
      guard let number = value.intValue, let code = UInt32(exactly: number) else { return nil }
      exception = code
    }
    var version: RuleVersion?
    if let value = item["version"], value != .null {
      guard let module = value["module"]?.stringValue, let from = optionalNumbers(value["affected_from"]),
        let fixed = optionalNumbers(value["fixed_in"])
      else { return nil }
      version = RuleVersion(module: module, affectedFrom: from, fixedIn: fixed)
    }
    var parameter: RuleParameter?
    if let value = item["parameter"], value != .null {
      guard let frame = value["frame"]?.intValue, let index = value["index"]?.intValue,
        let above = optionalUnsigned(value["above"]), let below = optionalUnsigned(value["below"])
      else { return nil }
      parameter = RuleParameter(frame: frame, index: index, above: above, below: below)
    }
    var remedy: Remedy?
    if let value = item["remedy"], value != .null {
      guard let summary = value["summary"]?.stringValue, case .array(let fileItems)? = value["files"] else { return nil }
      var files: [RemedyFile] = []
      for fileItem in fileItems {
        guard let name = fileItem["name"]?.stringValue else { return nil }
        files.append(RemedyFile(name, version: optionalString(fileItem["version"])))
      }
      remedy = Remedy(summary: summary, fixedIn: optionalString(value["fixed_in"]), files: files)
    }
    return SignatureRule(
      descriptor: PluginDescriptor(id: id, title: title, product: product, affectedVersions: affects, references: references),
      file: directory + "/" + file, idLine: item["id_line"]?.intValue, top: top, sequence: sequence, within: within,
      exception: exception, events: events, version: version, parameter: parameter, remedy: remedy, required: required)
  }

  private static func optionalString(_ value: JSONValue?) -> String? { value?.stringValue }

  private static func strings(_ value: JSONValue?) -> [String]? {
    guard case .array(let items)? = value else { return nil }
    var result: [String] = []
    for item in items {
      guard let text = item.stringValue else { return nil }
      result.append(text)
    }
    return result
  }

  private static func frame(_ value: JSONValue) -> RuleFrame? {
    guard let function = value["function"]?.stringValue else { return nil }
    return RuleFrame(module: value["module"]?.stringValue, function: function)
  }

  private static func frames(_ value: JSONValue?) -> [RuleFrame]? {
    guard case .array(let items)? = value else { return nil }
    var result: [RuleFrame] = []
    for item in items {
      guard let frame = frame(item) else { return nil }
      result.append(frame)
    }
    return result
  }

  /// A list of numbers, `.some(nil)` for null or absent, nil when it is neither.
  private static func optionalNumbers(_ value: JSONValue?) -> [Int]?? {
    guard let value, value != .null else { return .some(nil) }
    guard case .array(let items) = value else { return nil }
    var numbers: [Int] = []
    for item in items {
      guard let number = item.intValue else { return nil }
      numbers.append(number)
    }
    return numbers
  }

  /// An unsigned number (written as a decimal string: JSON numbers stop at 2^53), `.some(nil)`
  /// for null or absent, nil when it is neither.
  private static func optionalUnsigned(_ value: JSONValue?) -> UInt64?? {
    guard let value, value != .null else { return .some(nil) }
    guard let text = value.stringValue, let number = UInt64(text) else { return nil }
    return number
  }

  // MARK: - Writing

  /// Compiles the rule files of `directory` into `path(for: directory)`; returns how many rules.
  @discardableResult
  public static func compileRules(in directory: String) throws(CompileError) -> Int {
    guard let sources = sources(of: directory) else { throw .unreadable(directory: directory) }
    let loaded = RuleLoader.load(directory: directory)
    guard loaded.errors.isEmpty else { throw .sourceErrors(loaded.errors) }
    let items = loaded.plugins.map { json(of: $0.rule) }
    try write(kind: "rules", sources: sources, contents: [("items", .array(items))], to: path(for: directory))
    return items.count
  }

  /// Compiles the frame catalogs of `directory` into `path(for: directory)`; returns how many
  /// entries.
  @discardableResult
  public static func compileCatalogs(in directory: String) throws(CompileError) -> Int {
    guard let sources = sources(of: directory) else { throw .unreadable(directory: directory) }
    let loaded = FrameCatalogParser.load(directory: directory)
    guard loaded.errors.isEmpty else { throw .sourceErrors(loaded.errors) }
    let fileIndex = Dictionary(uniqueKeysWithValues: sources.map(\.name).enumerated().map { ($1, $0) })
    var rows: [(entry: FrameCatalog.Entry, file: Int, line: Int)] = []
    for entry in loaded.catalog.entries {
      // Origins are `PATH:LINE`, as FrameCatalogParser writes them.
      guard let origin = entry.origin, let colon = origin.lastIndex(of: ":"),
        let line = Int(origin[origin.index(after: colon)...]),
        let file = fileIndex[String(origin[..<colon].split(separator: "/").last ?? "")]
      else { throw .sourceErrors([PluginLoadError(file: directory, line: nil, message: "an entry without its origin")]) }
      // An empty module would not read back: such a catalog stays YAML.
      guard entry.module != "" else {
        throw .sourceErrors([PluginLoadError(file: origin, line: nil, message: "an empty module name")])
      }
      rows.append((entry, file, line))
    }
    guard let strings = CompiledFrameTable.strings(of: rows) else {
      throw .sourceErrors([PluginLoadError(file: directory, line: nil, message: "a name longer than 4,095 bytes, or too many entries")])
    }
    try write(
      kind: "frames", format: catalogFormat, sources: sources,
      contents: [("table", .string(strings.table)), ("index", .string(strings.index)), ("patterns", .string(strings.patterns))],
      to: path(for: directory))
    return rows.count
  }

  private static func json(of rule: SignatureRule) -> JSONValue {
    var members: [(String, JSONValue)] = []
    members.append(("id", .string(rule.descriptor.id)))
    members.append(("title", .string(rule.descriptor.title)))
    members.append(("product", .string(rule.descriptor.product)))
    members.append(("affects", .string(rule.descriptor.affectedVersions)))
    members.append(("references", .array(rule.descriptor.references.map(JSONValue.string))))
    members.append(("file", .string(String(rule.file.split(separator: "/").last ?? ""))))
    members.append(("id_line", rule.idLine.map(JSONValue.int) ?? .null))
    members.append(("top", rule.top.map(json(of:)) ?? .null))
    members.append(("sequence", .array(rule.sequence.map(json(of:)))))
    members.append(("within", .int(rule.within)))
    members.append(("exception", rule.exception.map { JSONValue.int(Int($0)) } ?? .null))
    members.append(("events", .array(rule.events.map(json(of:)))))
    members.append(("version", rule.version.map(json(of:)) ?? .null))
    members.append(("parameter", rule.parameter.map(json(of:)) ?? .null))
    members.append(("remedy", rule.remedy.map(json(of:)) ?? .null))
    members.append(("required", .array(RulePart.allCases.filter(rule.required.contains).map { JSONValue.string($0.rawValue) })))
    return .object(members)
  }

  private static func json(of frame: RuleFrame) -> JSONValue {
    .object([("module", frame.module.map(JSONValue.string) ?? .null), ("function", .string(frame.function))])
  }

  private static func json(of event: RuleEvent) -> JSONValue {
    .object([("id", .int(Int(event.id))), ("contains", event.contains.map(JSONValue.string) ?? .null)])
  }

  private static func json(of version: RuleVersion) -> JSONValue {
    func numbers(_ list: [Int]?) -> JSONValue { list.map { JSONValue.array($0.map(JSONValue.int)) } ?? .null }
    return .object([
      ("module", .string(version.module)), ("affected_from", numbers(version.affectedFrom)), ("fixed_in", numbers(version.fixedIn)),
    ])
  }

  private static func json(of parameter: RuleParameter) -> JSONValue {
    // Decimal strings: JSON numbers lose precision past 2^53.
    let above: JSONValue = parameter.above.map { JSONValue.string(String($0)) } ?? .null
    let below: JSONValue = parameter.below.map { JSONValue.string(String($0)) } ?? .null
    return .object([("frame", .int(parameter.frame)), ("index", .int(parameter.index)), ("above", above), ("below", below)])
  }

  private static func json(of remedy: Remedy) -> JSONValue {
    let files: [JSONValue] = remedy.files.map {
      JSONValue.object([("name", .string($0.name)), ("version", $0.version.map(JSONValue.string) ?? .null)])
    }
    return .object([
      ("summary", .string(remedy.summary)), ("fixed_in", remedy.fixedIn.map(JSONValue.string) ?? .null), ("files", .array(files)),
    ])
  }

  private static func write(
    kind: String, format: Int = format, sources: [Source], contents: [(String, JSONValue)], to path: String
  ) throws(CompileError)
  {
    let document = JSONValue.object(
      [
        ("format", .int(format)), ("kind", .string(kind)),
        (
          "sources",
          .array(sources.map { .object([("name", .string($0.name)), ("size", .int($0.size)), ("modified", .int($0.modified))]) })
        ),
      ] + contents)
    do {
      let file = try AtomicOutputFile(path: path)
      file.stream.write(document.serialized(indent: 0) + "\n")
      try file.commit()
    } catch {
      throw .cannotWrite(error)
    }
  }
}
