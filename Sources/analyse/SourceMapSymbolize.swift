//===--- SourceMapSymbolize.swift - `analyse symbolize --source-map` ---------===//
//
//   analyse symbolize --source-map app.min.js.map [--json] [LINE:COLUMN…]
//
// A generated script's places (1-based, as stack traces print them), as
// arguments or one per line on standard input, mapped back through a source
// map: per place the name the map gives there (`??` where none) and the
// original `file:line:column`, then a blank line, as llvm-symbolizer answers
// for addresses; `??:0:0` where the map has no segment. --json writes one
// object per place with llvm-symbolizer's keys.
//
//===----------------------------------------------------------------------===//

import ArgumentParser
import CrashAnalysis
import SourceMaps

#if canImport(Glibc)
  import Glibc
#endif

extension SymbolizeCommand {
  /// Answers each place in `places` (or standard input's lines) from the map at `path`.
  func symbolizeSourceMapPlaces(mapPath path: String) throws {
    let map: SourceMap
    do {
      map = try SourceMap(contentsOf: path)
    } catch {
      throw fail(error.description)
    }
    var notPlaces = 0
    var output = ""
    func answer(_ text: Substring) {
      guard let (line, column) = Self.parsePlace(text) else {
        notPlaces += 1
        if notPlaces <= 10 { Console.error("analyse symbolize: '\(text.prefix(64))' is not a LINE:COLUMN place\n") }
        output += json ? JSONValue.object([("Address", .string(String(text.prefix(64)))), ("Error", .string("not a LINE:COLUMN place"))]).serialized(indent: 0) + "\n" : "??\n??:0:0\n\n"
        return
      }
      let found = map.originalPosition(line: line, column: column)
      if json {
        let symbols: [JSONValue] = found.map {
          [.object([
            ("FunctionName", .string($0.name ?? "")), ("FileName", .string($0.source)), ("Line", .int($0.line)),
            ("Column", .int($0.column)),
          ])]
        } ?? []
        output += JSONValue.object([
          ("Address", .string("\(line):\(column)")), ("ModuleName", .string(path)), ("Symbol", .array(symbols)),
        ]).serialized(indent: 0) + "\n"
      } else if let found {
        output += "\(found.name ?? "??")\n\(found.source):\(found.line):\(found.column)\n\n"
      } else {
        output += "??\n??:0:0\n\n"
      }
      if output.utf8.count > 1 << 16 {
        Console.output.write(output)
        output = ""
      }
    }
    if addresses.isEmpty {
      while let line = readLine(strippingNewline: true) {
        let blank: (Character) -> Bool = { $0 == " " || $0 == "\t" || $0 == "\r" }
        let trimmed = line.drop(while: blank).reversed().drop(while: blank).reversed()
        if !trimmed.isEmpty { answer(Substring(String(trimmed))) }
      }
    } else {
      for place in addresses { answer(Substring(place)) }
    }
    Console.output.write(output)
    if notPlaces > 0 {
      if notPlaces > 10 { Console.error("analyse symbolize: \(notPlaces) inputs were not LINE:COLUMN places\n") }
      try Console.finish()
      throw ExitCode(AnalyseExitStatus.unreadableInput.rawValue)
    }
  }

  /// `12:26`, or a stack trace's `file:12:26`: the last two numbers, each at least 1.
  static func parsePlace(_ text: Substring) -> (line: Int, column: Int)? {
    let parts = text.split(separator: ":", omittingEmptySubsequences: false)
    guard parts.count >= 2, let line = Int(parts[parts.count - 2]), let column = Int(parts[parts.count - 1]),
      line >= 1, column >= 1
    else { return nil }
    return (line, column)
  }
}
