//===--- SourceMap.swift - A source map, read and indexed --------------------===//
//
// A source map (ECMA-426; "Source Map Revision 3" before it) is JSON:
//
//   {"version": 3, "file": "app.min.js", "sourceRoot": "",
//    "sources": ["../src/ledger.ts", …], "sourcesContent": […],
//    "names": ["readTotal", …], "mappings": "AAAA,IAAMA;…",
//    "ignoreList": [2]}
//
// `mappings` lists, line by line of the generated file (`;` between lines),
// segments (`,` between them) of one, four or five base64 VLQ fields: the
// generated column, then the source's index, its line and column, then the
// name's index. The generated column is relative to the segment before it on
// the same line; the others to the previous segment that has them, across
// lines. An index map has `sections` instead, each a map placed at a line and
// column of the generated file; its sections are flattened here into one table.
//
// The table holds every segment, sorted by generated line and column, so a
// position is found by binary search (the segment at or before it on its
// line, as browsers and Node pick it). The original sources' text is not read:
// it is checked as JSON and dropped.
//
//===----------------------------------------------------------------------===//

import ByteReading
import JSONText

/// A source map: its sources and names, and its mappings sorted for lookup.
public struct SourceMap: Sendable {
  /// The largest map file read (a big application's bundle maps to tens of megabytes).
  public static let maximumFileSize = 512 << 20

  /// Where the map was read from (a path, or the script that held it inline).
  public let origin: String
  /// The generated file the map describes (`file`), when it says.
  public let file: String?
  /// The map's debug id (`debugId`, Sentry's older `debug_id`): a UUID, lowercase and hyphenated,
  /// that the script it maps carries too (`//# debugId=…`); nil when the map has none.
  public let debugID: String?
  /// The original sources, `sourceRoot` prefixed; `nil` where the map has `null`.
  public let sources: [String?]
  /// The names segments refer to.
  public let names: [String]
  /// The indices of sources the map lists as third-party code (`ignoreList`).
  public let ignoredSources: Set<Int>
  /// Whether the map carries its sources' text (`sourcesContent`), read again on request
  /// (`sourceText(_:)`) rather than kept.
  public let hasSourcesContent: Bool

  /// Damaged function maps (Metro's `x_facebook_sources`), each a sentence; the rest of the
  /// map is used.
  public let functionMapProblems: [String]
  /// Metro's function maps, by source index.
  let functionMaps: [Int: FunctionMap]

  /// How many sources each map of the file brought, in order (one count, or one per section).
  let sourceCounts: [Int]
  /// Where the JSON is read again for the sources' text: the file, or an inline map's bytes.
  let rereadFrom: Reread?

  /// Where a map's JSON can be read again.
  enum Reread: Sendable {
    case file(String)
    case bytes([UInt8])
  }

  /// One mapping segment; -1 marks an absent source or name.
  struct Segment: Sendable {
    var generatedLine: Int32
    var generatedColumn: Int32
    var source: Int32
    var originalLine: Int32
    var originalColumn: Int32
    var name: Int32
  }

  let segments: [Segment]

  /// Reads the map in the file at `path`.
  public init(contentsOf path: String) throws(SourceMapError) {
    let mapped: MappedFile
    do {
      mapped = try MappedFile(path: path, limit: Self.maximumFileSize)
    } catch .tooLarge(_, let size, let limit) {
      throw .tooLarge(file: path, bytes: size, limit: limit)
    } catch {
      throw .unreadable(file: path, reason: error.description)
    }
    try self.init(json: mapped.bytes, origin: path, rereadFrom: .file(path))
  }

  /// Reads a map from its JSON text; `origin` names it in errors. The text is kept (up to
  /// 16 MiB) when it carries its sources' text, for `sourceText(_:)`.
  public init(json bytes: UnsafeRawBufferPointer, origin: String) throws(SourceMapError) {
    try self.init(json: bytes, origin: origin, rereadFrom: nil)
  }

  private init(json bytes: UnsafeRawBufferPointer, origin: String, rereadFrom: Reread?) throws(SourceMapError) {
    guard bytes.count <= Self.maximumFileSize else {
      throw .tooLarge(file: origin, bytes: bytes.count, limit: Self.maximumFileSize)
    }
    let document: JSONValue
    do {
      document = try JSONValue.parse(bytes, omittingMembers: ["sourcesContent"])
    } catch {
      throw .notJSON(file: origin, error)
    }
    var builder = SourceMapBuilder(origin: origin)
    guard case .object = document else { throw .notASourceMap(file: origin, reason: "the text is no JSON object") }
    try builder.checkVersion(document)
    if let sections = document["sections"] {
      try builder.addSections(sections)
    } else {
      try builder.addMap(document, section: 0, lineOffset: 0, columnOffset: 0)
    }
    self.origin = origin
    self.file = document["file"]?.stringValue
    self.debugID = (document["debugId"]?.stringValue ?? document["debug_id"]?.stringValue).flatMap(DebugID.normalized)
    self.sources = builder.sources
    self.names = builder.names
    self.ignoredSources = builder.ignoredSources
    self.segments = builder.sortedSegments()
    self.sourceCounts = builder.sourceCounts
    self.hasSourcesContent = builder.hasSourcesContent
    self.functionMaps = builder.functionMaps
    self.functionMapProblems = builder.functionMapProblems
    if builder.hasSourcesContent {
      self.rereadFrom = rereadFrom ?? (bytes.count <= 16 << 20 ? .bytes(Array(bytes)) : nil)
    } else {
      self.rereadFrom = nil
    }
  }

  /// How many mapping segments the map holds.
  public var segmentCount: Int { segments.count }

  /// What the map says about a position of the generated file, both numbers 1-based as
  /// stack traces print them (`app.min.js:1:178`); nil where the map has no segment at or
  /// before the column on that line, or the segment there maps to no source.
  public func originalPosition(line: Int, column: Int) -> MappedPosition? {
    guard line >= 1, column >= 1, line - 1 <= Int(Int32.max), column - 1 <= Int(Int32.max) else { return nil }
    let wantedLine = Int32(line - 1)
    let wantedColumn = Int32(column - 1)
    // The first segment after the position; the one before it is the answer.
    var low = 0
    var high = segments.count
    while low < high {
      let middle = (low + high) / 2
      let segment = segments[middle]
      if segment.generatedLine < wantedLine || (segment.generatedLine == wantedLine && segment.generatedColumn <= wantedColumn) {
        low = middle + 1
      } else {
        high = middle
      }
    }
    guard low > 0 else { return nil }
    let segment = segments[low - 1]
    guard segment.generatedLine == wantedLine, segment.source >= 0, let source = sources[Int(segment.source)] else { return nil }
    return MappedPosition(
      source: source, line: Int(segment.originalLine) + 1, column: Int(segment.originalColumn) + 1,
      name: segment.name >= 0 ? names[Int(segment.name)] : nil, isIgnored: ignoredSources.contains(Int(segment.source)),
      sourceIndex: Int(segment.source))
  }
}

extension SourceMap {
  /// Whether the map names functions by their ranges in the sources (Metro's `x_facebook_sources`).
  public var hasFunctionMaps: Bool { !functionMaps.isEmpty }

  /// The function a mapped position lies in, by the source's function map (Metro's
  /// `x_facebook_sources`): `foo`, `<global>`; nil when the source has none.
  public func functionName(at position: MappedPosition) -> String? {
    functionMaps[position.sourceIndex]?.name(line: position.line, column: position.column - 1)
  }
}

/// A position of an original source, as a map gives it for a generated one.
public struct MappedPosition: Sendable, Hashable {
  /// The original source (`sourceRoot` prefixed).
  public var source: String
  /// The 1-based line in it.
  public var line: Int
  /// The 1-based column in it.
  public var column: Int
  /// The name the segment carries (the original identifier at that place), when it has one.
  public var name: String?
  /// Whether the map lists the source as third-party code (`ignoreList`).
  public var isIgnored: Bool
  /// The source's index among the map's `sources` (sections' in order), for `sourceText(_:)`.
  public var sourceIndex: Int

  /// Creates a position.
  public init(source: String, line: Int, column: Int, name: String? = nil, isIgnored: Bool = false, sourceIndex: Int = 0) {
    self.sourceIndex = sourceIndex
    self.source = source
    self.line = line
    self.column = column
    self.name = name
    self.isIgnored = isIgnored
  }
}
