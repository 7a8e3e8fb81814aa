//===--- SourceText.swift - Original lines from a map's sourcesContent -------===//
//
// A map may carry its sources' text (`sourcesContent`, one string or null per
// source). Reading a map leaves it out (it can be larger than everything else
// together); when a report wants the lines its frames stand on, the JSON is
// read again, its mappings and names left out, and only those lines kept.
//
//===----------------------------------------------------------------------===//

import ByteReading
import CrashCore
import JSONText

/// A line of an original source: the source's index in its map and the 1-based line.
public struct SourcePlace: Sendable, Hashable {
  /// The source's index among the map's `sources`.
  public var source: Int
  /// The 1-based line.
  public var line: Int

  /// Creates a place.
  public init(source: Int, line: Int) {
    self.source = source
    self.line = line
  }
}

extension SourceMap {
  /// The longest line text kept, in bytes.
  public static let maximumSourceTextBytes = 240

  /// The text of each wanted line that the map's `sourcesContent` holds (trailing blanks and a
  /// carriage return dropped, at most `maximumSourceTextBytes`); empty when the map has none,
  /// or when it can no longer be read.
  public func sourceText(_ wanted: Set<SourcePlace>) -> [SourcePlace: String] {
    guard hasSourcesContent, !wanted.isEmpty, let rereadFrom else { return [:] }
    let document: JSONValue?
    switch rereadFrom {
    case .file(let path):
      guard let file = try? MappedFile(path: path, limit: Self.maximumFileSize) else { return [:] }
      document = try? JSONValue.parse(file.bytes, omittingMembers: ["mappings", "names"])
    case .bytes(let bytes):
      document = bytes.withUnsafeBytes { try? JSONValue.parse($0, omittingMembers: ["mappings", "names"]) }
    }
    guard let document else { return [:] }
    let maps: [JSONValue]
    if case .array(let sections) = document["sections"] ?? .null {
      maps = sections.map { $0["map"] ?? .null }
    } else {
      maps = [document]
    }
    var found: [SourcePlace: String] = [:]
    var base = 0
    for (index, map) in maps.enumerated() where index < sourceCounts.count {
      defer { base += sourceCounts[index] }
      guard case .array(let contents) = map["sourcesContent"] ?? .null else { continue }
      for (offset, content) in contents.prefix(sourceCounts[index]).enumerated() {
        let lines = Set(wanted.filter { $0.source == base + offset }.map(\.line))
        guard !lines.isEmpty, case .string(let text) = content else { continue }
        for (line, text) in Self.lines(lines, of: text) { found[SourcePlace(source: base + offset, line: line)] = text }
      }
    }
    return found
  }

  /// The wanted 1-based lines of `text`, each cut to `maximumSourceTextBytes`.
  static func lines(_ wanted: Set<Int>, of text: String) -> [Int: String] {
    guard let last = wanted.max() else { return [:] }
    var found: [Int: String] = [:]
    var number = 1
    var start = text.utf8.startIndex
    let utf8 = text.utf8
    while number <= last, start <= utf8.endIndex {
      let end = utf8[start...].firstIndex(of: 0x0A) ?? utf8.endIndex
      if wanted.contains(number) {
        var line = utf8[start..<end]
        while let byte = line.last, byte == 0x0D || byte == 0x20 || byte == 0x09 { line = line.dropLast() }
        // Tabs as blanks, any other control character as `?`, cut at a character boundary.
        let text = String(decoding: line, as: UTF8.self).map { $0 == "\t" ? " " : $0 }
        found[number] = TextLimits.capped(TextLimits.singleLine(String(text)), maximumBytes: maximumSourceTextBytes)
      }
      guard end < utf8.endIndex else { break }
      start = utf8.index(after: end)
      number += 1
    }
    return found
  }
}
