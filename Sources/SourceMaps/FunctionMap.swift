//===--- FunctionMap.swift - Metro's names of functions, by original position ---===//
//
// Metro, React Native's bundler, adds `x_facebook_sources` to its maps: one
// entry per source, `null` or `[functionMap]`, where a function map is
//
//   {"names": ["<global>", "foo", …], "mappings": "AAA,EC;…"}
//
// and its `mappings` list where each function's range starts in the original
// source, in segments of two or three base64 VLQ fields: the column's change,
// the name's change and the line's change. Unlike a map's own mappings, `;`
// only restarts the column at 0; the line moves by the third field (lines from
// 1, columns from 0, names from the first). A position is in the function whose
// start is the last at or before it, as metro-symbolicate's
// SourceMetadataMapConsumer and Sentry's SourceMapHermes find it. Hermes'
// bytecode keeps no function names a map could give, so for a React Native
// stack this is where names come from.
//
//===----------------------------------------------------------------------===//

import JSONText

/// One source's function ranges as Metro describes them: where each starts, and its name.
struct FunctionMap: Sendable {
  /// Where a function's range starts: a 1-based line, a 0-based column, and its name's index.
  struct Start: Sendable {
    var line: Int32
    var column: Int32
    var name: Int32
  }

  /// The names the starts refer to.
  let names: [String]
  /// The starts, sorted by line and column.
  let starts: [Start]

  /// Why a function map could not be read: at which byte of its `mappings`, and what.
  struct Failure: Error, Sendable {
    var offset: Int?
    var reason: String
  }

  /// Reads a function map (`{"names": […], "mappings": "…"}`).
  init(json: JSONValue) throws(Failure) {
    guard case .array(let nameList) = json["names"] ?? .null else { throw Failure(reason: "no \"names\" array") }
    var names: [String] = []
    names.reserveCapacity(nameList.count)
    for name in nameList {
      guard case .string(let text) = name else { throw Failure(reason: "a name is no string") }
      names.append(text)
    }
    guard case .string(var mappings) = json["mappings"] ?? .null else { throw Failure(reason: "no \"mappings\" string") }
    let nameCount = names.count
    let result = mappings.withUTF8 { bytes in
      Result { () throws(Failure) in try Self.decode(bytes, nameCount: nameCount) }
    }
    self.names = names
    self.starts = try result.get()
  }

  /// Decodes the starts; sorted as written, or sorted here when a map lists them out of order.
  private static func decode(_ bytes: UnsafeBufferPointer<UInt8>, nameCount: Int) throws(Failure) -> [Start] {
    var reader = Base64VLQReader(bytes: bytes)
    var starts: [Start] = []
    var line: Int64 = 1
    var column: Int64 = 0
    var name: Int64 = 0
    var isSorted = true
    while reader.position < bytes.count {
      switch bytes[reader.position] {
      case UInt8(ascii: ";"):
        reader.position += 1
        column = 0
        continue
      case UInt8(ascii: ","):
        reader.position += 1
        continue
      default: break
      }
      let start = reader.position
      do {
        column += Int64(try reader.next())
        guard !reader.atSegmentEnd else { throw Failure(offset: start, reason: "a segment of one field") }
        name += Int64(try reader.next())
        if !reader.atSegmentEnd { line += Int64(try reader.next()) }
        guard reader.atSegmentEnd else { throw Failure(offset: reader.position, reason: "a segment of more than three fields") }
      } catch let failure as Base64VLQReader.Failure {
        throw Failure(offset: failure.offset, reason: failure.reason)
      } catch let failure as Failure {
        throw failure
      } catch {
        throw Failure(offset: start, reason: "\(error)")
      }
      guard name >= 0, name < nameCount else { throw Failure(offset: start, reason: "name \(name) of \(nameCount)") }
      guard line >= 1, line <= Int64(Int32.max), column >= 0, column <= Int64(Int32.max) else {
        throw Failure(offset: start, reason: "a line or column outside 1…2³¹")
      }
      let entry = Start(line: Int32(line), column: Int32(column), name: Int32(name))
      if let last = starts.last, (last.line, last.column) > (entry.line, entry.column) { isSorted = false }
      starts.append(entry)
    }
    guard !isSorted else { return starts }
    return starts.enumerated().sorted { ($0.element.line, $0.element.column, $0.offset) < ($1.element.line, $1.element.column, $1.offset) }
      .map(\.element)
  }

  /// The name of the function whose range holds the 1-based `line` and 0-based `column`; nil
  /// before the first start.
  func name(line: Int, column: Int) -> String? {
    guard line <= Int(Int32.max), column <= Int(Int32.max) else { return nil }
    let wanted = (Int32(line), Int32(column))
    var low = 0
    var high = starts.count
    while low < high {
      let middle = (low + high) / 2
      if (starts[middle].line, starts[middle].column) <= wanted { low = middle + 1 } else { high = middle }
    }
    return low > 0 ? names[Int(starts[low - 1].name)] : nil
  }
}
