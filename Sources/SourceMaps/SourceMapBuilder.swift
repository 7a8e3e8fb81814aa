//===--- SourceMapBuilder.swift - A map's JSON turned into its table ---------===//
//
// Checks what ECMA-426 requires of a map and of an index map's sections, and
// decodes `mappings` into segments. Every index a segment holds is checked
// against the arrays it refers to, every value against 32 bits; a section must
// start at or after where the one before it ended. Damage is an error naming
// the byte of the `mappings` string where it was found.
//
//===----------------------------------------------------------------------===//

import JSONText

struct SourceMapBuilder {
  let origin: String
  var sources: [String?] = []
  var names: [String] = []
  var ignoredSources: Set<Int> = []
  var sourceCounts: [Int] = []
  var hasSourcesContent = false
  /// Metro's function maps (`x_facebook_sources`), by source index.
  var functionMaps: [Int: FunctionMap] = [:]
  /// Function maps that could not be read, each a sentence; the map stays usable without them.
  var functionMapProblems: [String] = []
  private var segments: [SourceMap.Segment] = []
  private var isSorted = true

  init(origin: String) { self.origin = origin }

  private func notAMap(_ reason: String) -> SourceMapError { .notASourceMap(file: origin, reason: reason) }

  /// `version` must be 3 (the only revision; ECMA-426 keeps the field).
  func checkVersion(_ map: JSONValue) throws(SourceMapError) {
    guard let version = map["version"] else { throw notAMap("no \"version\"") }
    guard version.intValue == 3 else { throw notAMap("\"version\" is not 3") }
  }

  /// An index map's sections, each placed at its offset; in order, none overlapping the last.
  mutating func addSections(_ sections: JSONValue) throws(SourceMapError) {
    guard case .array(let list) = sections else { throw notAMap("\"sections\" is no array") }
    var previous: (line: Int, column: Int) = (-1, -1)
    for (index, section) in list.enumerated() {
      let number = index + 1
      guard let offset = section["offset"], let line = offset["line"]?.intValue, let column = offset["column"]?.intValue,
        line >= 0, column >= 0, line <= Int(Int32.max), column <= Int(Int32.max)
      else { throw notAMap("section \(number) has no \"offset\" of a line and a column") }
      guard (line, column) > previous else { throw notAMap("section \(number) starts before the section before it") }
      if let last = segments.last, (Int(last.generatedLine), Int(last.generatedColumn)) >= (line, column) {
        throw notAMap("section \(number) overlaps the section before it")
      }
      previous = (line, column)
      if section["url"] != nil, section["map"] == nil {
        throw notAMap("section \(number) refers to a map by URL, which ECMA-426 no longer allows")
      }
      guard let map = section["map"], case .object = map else { throw notAMap("section \(number) has no \"map\"") }
      guard map["sections"] == nil else { throw notAMap("section \(number) is an index map itself") }
      try checkVersion(map)
      try addMap(map, section: number, lineOffset: line, columnOffset: column)
    }
  }

  /// A regular map's sources, names, ignore list and mappings, placed at an offset.
  mutating func addMap(_ map: JSONValue, section: Int, lineOffset: Int, columnOffset: Int) throws(SourceMapError) {
    let where_ = section == 0 ? "" : " in section \(section)"
    guard case .array(let sourceList) = map["sources"] ?? .array([]) else { throw notAMap("\"sources\" is no array\(where_)") }
    let root: String
    switch map["sourceRoot"] ?? .null {
    case .string(let text): root = text
    case .null: root = ""
    default: throw notAMap("\"sourceRoot\" is no string\(where_)")
    }
    let sourceBase = sources.count
    sourceCounts.append(sourceList.count)
    // Omitted when read (`sourcesContent` is checked, not kept): its key says it is there.
    if map["sourcesContent"] != nil { hasSourcesContent = true }
    for source in sourceList {
      switch source {
      case .string(let name): sources.append(Self.joined(root: root, name))
      case .null: sources.append(nil)
      default: throw notAMap("a source is neither a string nor null\(where_)")
      }
    }
    if let metadata = map["x_facebook_sources"] {
      readFunctionMaps(metadata, sourceCount: sourceList.count, sourceBase: sourceBase, where: where_)
    }
    let nameBase = names.count
    if let nameList = map["names"] {
      guard case .array(let list) = nameList else { throw notAMap("\"names\" is no array\(where_)") }
      for name in list {
        guard case .string(let text) = name else { throw notAMap("a name is no string\(where_)") }
        names.append(text)
      }
    }
    // Chrome's `x_google_ignoreList` came first; ECMA-426 names it `ignoreList`.
    if let ignoreList = map["ignoreList"] ?? map["x_google_ignoreList"] {
      guard case .array(let list) = ignoreList else { throw notAMap("\"ignoreList\" is no array\(where_)") }
      for entry in list {
        guard let index = entry.intValue, index >= 0, index < sourceList.count else {
          throw notAMap("\"ignoreList\" names no source\(where_)")
        }
        ignoredSources.insert(sourceBase + index)
      }
    }
    guard case .string(var mappings) = map["mappings"] ?? .null else { throw notAMap("no \"mappings\" string\(where_)") }
    let sourceCount = sourceList.count
    let nameCount = names.count - nameBase
    let origin = self.origin
    let result = mappings.withUTF8 { bytes in
      Result { () throws(SourceMapError) in
        try decode(
          bytes, sourceBase: sourceBase, sourceCount: sourceCount, nameBase: nameBase, nameCount: nameCount,
          lineOffset: lineOffset, columnOffset: columnOffset, section: section, origin: origin)
      }
    }
    try result.get()
  }

  /// Metro's `x_facebook_sources`: per source, null or `[functionMap, …]`. A damaged entry is
  /// noted and left out: the positions the map gives do not depend on it.
  private mutating func readFunctionMaps(_ metadata: JSONValue, sourceCount: Int, sourceBase: Int, where: String) {
    guard case .array(let entries) = metadata else {
      functionMapProblems.append("\"x_facebook_sources\" is no array\(`where`)")
      return
    }
    for (index, entry) in entries.prefix(sourceCount).enumerated() {
      guard case .array(let fields) = entry, let first = fields.first, case .object = first else { continue }
      do {
        functionMaps[sourceBase + index] = try FunctionMap(json: first)
      } catch {
        let at = error.offset.map { " at byte \($0) of its mappings" } ?? ""
        functionMapProblems.append("the function map of source \(index + 1)\(`where`) is damaged\(at): \(error.reason)")
      }
    }
  }

  /// Decodes a `mappings` string into segments placed at the section's offset.
  private mutating func decode(
    _ bytes: UnsafeBufferPointer<UInt8>, sourceBase: Int, sourceCount: Int, nameBase: Int, nameCount: Int,
    lineOffset: Int, columnOffset: Int, section: Int, origin: String
  ) throws(SourceMapError) {
    var reader = Base64VLQReader(bytes: bytes)
    var line = 0
    var column: Int64 = 0
    var source: Int64 = 0
    var originalLine: Int64 = 0
    var originalColumn: Int64 = 0
    var name: Int64 = 0
    func damaged(_ offset: Int, _ reason: String) -> SourceMapError {
      .badMappings(file: origin, section: section, offset: offset, reason: reason)
    }
    while reader.position < bytes.count {
      let byte = bytes[reader.position]
      if byte == UInt8(ascii: ";") {
        reader.position += 1
        line += 1
        column = 0
        continue
      }
      if byte == UInt8(ascii: ",") {
        reader.position += 1
        continue
      }
      let start = reader.position
      do {
        column += Int64(try reader.next())
        var segment = SourceMap.Segment(
          generatedLine: 0, generatedColumn: 0, source: -1, originalLine: 0, originalColumn: 0, name: -1)
        if !reader.atSegmentEnd {
          source += Int64(try reader.next())
          guard !reader.atSegmentEnd else { throw damaged(start, "a segment of two fields") }
          originalLine += Int64(try reader.next())
          guard !reader.atSegmentEnd else { throw damaged(start, "a segment of three fields") }
          originalColumn += Int64(try reader.next())
          guard source >= 0, source < sourceCount else { throw damaged(start, "source \(source) of \(sourceCount)") }
          guard originalLine >= 0, originalLine <= Int64(Int32.max), originalColumn >= 0, originalColumn <= Int64(Int32.max)
          else { throw damaged(start, "an original line or column outside 0…2³¹") }
          segment.source = Int32(sourceBase + Int(source))
          segment.originalLine = Int32(originalLine)
          segment.originalColumn = Int32(originalColumn)
          if !reader.atSegmentEnd {
            name += Int64(try reader.next())
            guard name >= 0, name < nameCount else { throw damaged(start, "name \(name) of \(nameCount)") }
            segment.name = Int32(nameBase + Int(name))
            guard reader.atSegmentEnd else { throw damaged(reader.position, "a segment of more than five fields") }
          }
        }
        let generatedLine = Int64(lineOffset) + Int64(line)
        let generatedColumn = column + (line == 0 ? Int64(columnOffset) : 0)
        guard column >= 0, generatedLine <= Int64(Int32.max), generatedColumn <= Int64(Int32.max) else {
          throw damaged(start, "a generated line or column outside 0…2³¹")
        }
        segment.generatedLine = Int32(generatedLine)
        segment.generatedColumn = Int32(generatedColumn)
        if let last = segments.last,
          (last.generatedLine, last.generatedColumn) > (segment.generatedLine, segment.generatedColumn)
        {
          isSorted = false
        }
        segments.append(segment)
      } catch let failure as Base64VLQReader.Failure {
        throw damaged(failure.offset, failure.reason)
      } catch let error as SourceMapError {
        throw error
      } catch {
        throw damaged(start, "\(error)")
      }
    }
  }

  /// The segments sorted by generated line and column (stable: equal positions keep their written order).
  func sortedSegments() -> [SourceMap.Segment] {
    guard !isSorted else { return segments }
    return segments.enumerated().sorted {
      ($0.element.generatedLine, $0.element.generatedColumn, $0.offset)
        < ($1.element.generatedLine, $1.element.generatedColumn, $1.offset)
    }.map(\.element)
  }

  /// A source's name with the map's `sourceRoot` before it, unless the name is absolute
  /// (a URL with a scheme, or a path from the root).
  static func joined(root: String, _ name: String) -> String {
    guard !root.isEmpty, !name.hasPrefix("/"), !name.contains("://"), !name.hasPrefix("data:") else { return name }
    return root.hasSuffix("/") ? root + name : root + "/" + name
  }
}
