//===--- SourceMapError.swift - Why a source map could not be used ----------===//

import JSONText

/// Why a source map could not be read; each names the file and, where there is one, the offset.
public enum SourceMapError: Error, Sendable, Equatable, CustomStringConvertible {
  /// The file could not be opened or read.
  case unreadable(file: String, reason: String)
  /// The file is larger than a map is allowed to be.
  case tooLarge(file: String, bytes: Int, limit: Int)
  /// The file is not JSON (the parser's reason and byte offset).
  case notJSON(file: String, JSONParseError)
  /// The JSON is no source map of revision 3: a field missing or of the wrong kind.
  case notASourceMap(file: String, reason: String)
  /// The `mappings` string is damaged at a byte of it (section 0 for a map without sections).
  case badMappings(file: String, section: Int, offset: Int, reason: String)
  /// An inline map (`sourceMappingURL=data:…`) whose data could not be decoded.
  case badDataURL(file: String, reason: String)
  /// The map's debug id is not the script's: the map is another build's.
  case debugIDMismatch(map: String, mapID: String, script: String, scriptID: String)

  /// One line naming the file and what was wrong where.
  public var description: String {
    switch self {
    case .unreadable(let file, let reason): "\(file): cannot read the source map: \(reason)"
    case .tooLarge(let file, let bytes, let limit): "\(file): a source map of \(bytes) bytes, over the limit of \(limit)"
    case .notJSON(let file, let error): "\(file): \(error)"
    case .notASourceMap(let file, let reason): "\(file): not a source map: \(reason)"
    case .badMappings(let file, let section, let offset, let reason):
      section == 0
        ? "\(file): mappings damaged at byte \(offset) of the string: \(reason)"
        : "\(file): mappings of section \(section) damaged at byte \(offset) of the string: \(reason)"
    case .badDataURL(let file, let reason): "\(file): inline source map unreadable: \(reason)"
    case .debugIDMismatch(let map, let mapID, let script, let scriptID):
      "\(map): debug id \(mapID) is not the script's (\(script): \(scriptID)): the map is another build's"
    }
  }
}
