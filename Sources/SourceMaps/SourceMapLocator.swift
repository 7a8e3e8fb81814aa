//===--- SourceMapLocator.swift - Finding a script's map ---------------------===//
//
// Maps are looked up in the directories the user names, by the script's path
// as the frame gives it (ScriptPath), its longest trailing part first, so
// `dist/js/app.min.js` and `vendor/app.min.js` find their own maps when a
// directory holds both trees. For each part, in each directory:
//
//   1. `PART.map`, the name every bundler gives a script's map;
//   2. the script itself, `PART`, and the map its last `//# sourceMappingURL=`
//      names: inline (`data:application/json;base64,…`), or a file beside it
//      (a relative URL of ordinary components; anything else by its file name).
//
// A script that carries a debug id (`//# debugId=85314830-023f-4cf1-a267-535f4e37bb17`,
// as Sentry's bundler plugins and the TC39 proposal write it) is another build's
// than a map with another id (`"debugId"` in the map): such a map is refused, and
// the script's own `sourceMappingURL` tried before giving up.
//
// Nothing outside the directories is opened. Each script is looked up once
// per locator; a batch shares one, so a bundle's map is read once for all the
// crashes that name it.
//
//===----------------------------------------------------------------------===//

import ByteReading
import Synchronization

#if canImport(Glibc)
  import Glibc
#elseif canImport(Musl)
  import Musl
#endif

/// Finds and reads the source maps of the scripts a report's frames name (safe to share
/// between threads).
public final class SourceMapLocator: Sendable {
  /// The directories searched, in order.
  public let directories: [String]
  private let found = Mutex<[String: Outcome]>([:])

  /// What looking for a script's map came to.
  public enum Outcome: Sendable {
    /// The map, read.
    case map(SourceMap)
    /// A map was found and is damaged (or its inline data is).
    case failed(SourceMapError)
    /// No map for the script in any directory.
    case missing
  }

  /// Creates a locator searching `directories`.
  public init(directories: [String]) {
    self.directories = directories
  }

  /// The map of the script a frame names as `file` (each script looked up once).
  public func outcome(forScript file: String) -> Outcome {
    if let known = found.withLock({ $0[file] }) { return known }
    // Read without the lock: a large map takes a while, and other scripts' lookups go on.
    let outcome = locate(file)
    found.withLock { $0[file] = outcome }
    return outcome
  }

  private func locate(_ file: String) -> Outcome {
    guard let path = ScriptPath(file) else { return .missing }
    for suffix in path.suffixes {
      for directory in directories {
        let mapPath = directory + "/" + suffix + ".map"
        let scriptPath = directory + "/" + suffix
        let script = Self.isRegularFile(scriptPath) ? try? MappedFile(path: scriptPath, limit: SourceMap.maximumFileSize) : nil
        let scriptID = script.flatMap { Self.trailingComment("debugId", in: $0.bytes) }.flatMap(DebugID.normalized)
        if Self.isRegularFile(mapPath) {
          let named = Self.checked(Self.read(mapPath), script: scriptPath, scriptID: scriptID)
          guard case .failed(.debugIDMismatch) = named, let script, let linked = Self.linkedMap(ofScript: scriptPath, script) else {
            return named
          }
          // `SCRIPT.map` is another build's: the map the script names may be its own.
          if case .map = Self.checked(linked, script: scriptPath, scriptID: scriptID) { return linked }
          return named
        }
        if let script, let outcome = Self.linkedMap(ofScript: scriptPath, script) {
          return Self.checked(outcome, script: scriptPath, scriptID: scriptID)
        }
      }
    }
    return .missing
  }

  /// The outcome, unless its map names a debug id other than the script's.
  private static func checked(_ outcome: Outcome, script: String, scriptID: String?) -> Outcome {
    guard case .map(let map) = outcome, let scriptID, let mapID = map.debugID, mapID != scriptID else { return outcome }
    return .failed(.debugIDMismatch(map: map.origin, mapID: mapID, script: script, scriptID: scriptID))
  }

  private static func read(_ path: String) -> Outcome {
    do {
      return .map(try SourceMap(contentsOf: path))
    } catch {
      return .failed(error)
    }
  }

  /// The map a script names in its last `//# sourceMappingURL=` (or the older `//@`) comment.
  static func linkedMap(ofScript path: String, _ script: MappedFile) -> Outcome? {
    guard let url = sourceMappingURL(in: script.bytes) else { return nil }
    if url.hasPrefix("data:") { return inlineMap(url, script: path) }
    var reference = Substring(url)
    if let query = reference.firstIndex(where: { $0 == "?" || $0 == "#" }) { reference = reference[..<query] }
    let parts = reference.split(separator: "/", omittingEmptySubsequences: false)
    let directory = path.lastIndex(of: "/").map { String(path[..<$0]) } ?? "."
    let isOrdinary = !reference.contains("://") && !parts.isEmpty
      && parts.allSatisfy { !$0.isEmpty && $0 != "." && $0 != ".." && !$0.contains("\0") && !$0.contains("\\") }
    guard let name = parts.last(where: { !$0.isEmpty }), name != ".", name != ".." else { return nil }
    let mapPath = directory + "/" + (isOrdinary ? String(reference) : String(name))
    return isRegularFile(mapPath) ? read(mapPath) : nil
  }

  /// The URL of the last line `//# sourceMappingURL=…` (or `//@ …`) among the script's last lines.
  package static func sourceMappingURL(in bytes: UnsafeRawBufferPointer) -> String? {
    trailingComment("sourceMappingURL", in: bytes)
  }

  /// The value of the last `//# NAME=VALUE` (or `//@ NAME=VALUE`) comment among the script's
  /// last lines (a value without blanks).
  package static func trailingComment(_ name: StaticString, in bytes: UnsafeRawBufferPointer) -> String? {
    let leads = ["//# " + name.description + "=", "//@ " + name.description + "="].map { Array($0.utf8) }
    let leadLength = leads[0].count
    var end = bytes.count
    // The comment closes the script; a few lines after it (a banner, blank lines) are passed over.
    for _ in 0..<16 {
      guard end > 0 else { return nil }
      var start = end
      while start > 0, bytes[start - 1] != 0x0A { start -= 1 }
      var line = UnsafeRawBufferPointer(rebasing: bytes[start..<end])
      end = start > 0 ? start - 1 : 0
      while let last = line.last, last == 0x0D || last == 0x20 || last == 0x09 { line = UnsafeRawBufferPointer(rebasing: line.dropLast()) }
      while let first = line.first, first == 0x20 || first == 0x09 { line = UnsafeRawBufferPointer(rebasing: line.dropFirst()) }
      guard line.count > leadLength, leads.contains(where: { line.prefix(leadLength).elementsEqual($0) }) else { continue }
      let value = String(decoding: line.dropFirst(leadLength), as: UTF8.self)
      return value.contains(where: { $0 == " " || $0 == "\t" }) ? nil : value
    }
    return nil
  }

  /// A map carried in a `data:` URL, base64 or percent-encoded.
  package static func inlineMap(_ url: String, script: String) -> Outcome {
    let origin = script + " (inline map)"
    guard let comma = url.firstIndex(of: ",") else { return .failed(.badDataURL(file: script, reason: "no ',' after the media type")) }
    let header = url[url.index(url.startIndex, offsetBy: 5)..<comma].lowercased()
    guard header.hasPrefix("application/json") else {
      return .failed(.badDataURL(file: script, reason: "the data is \(header), not application/json"))
    }
    let payload = url[url.index(after: comma)...]
    let bytes: [UInt8]
    if header.hasSuffix(";base64") {
      switch Base64Data.decode(payload.utf8) {
      case .success(let decoded): bytes = decoded
      case .failure(let failure):
        return .failed(.badDataURL(file: script, reason: "byte \(failure.offset) of the base64 data is no digit"))
      }
    } else {
      guard let decoded = percentDecoded(payload.utf8) else {
        return .failed(.badDataURL(file: script, reason: "a '%' not followed by two hex digits"))
      }
      bytes = decoded
    }
    let result = bytes.withUnsafeBytes { buffer in
      Result { () throws(SourceMapError) in try SourceMap(json: buffer, origin: origin) }
    }
    switch result {
    case .success(let map): return .map(map)
    case .failure(let error): return .failed(error)
    }
  }

  private static func percentDecoded(_ text: Substring.UTF8View) -> [UInt8]? {
    var output: [UInt8] = []
    output.reserveCapacity(text.count)
    var iterator = text.makeIterator()
    while let byte = iterator.next() {
      guard byte == UInt8(ascii: "%") else {
        output.append(byte)
        continue
      }
      guard let high = iterator.next().flatMap(hexValue), let low = iterator.next().flatMap(hexValue) else { return nil }
      output.append(high << 4 | low)
    }
    return output
  }

  private static func hexValue(_ byte: UInt8) -> UInt8? {
    switch byte {
    case UInt8(ascii: "0")...UInt8(ascii: "9"): byte - UInt8(ascii: "0")
    case UInt8(ascii: "a")...UInt8(ascii: "f"): byte - UInt8(ascii: "a") + 10
    case UInt8(ascii: "A")...UInt8(ascii: "F"): byte - UInt8(ascii: "A") + 10
    default: nil
    }
  }

  static func isRegularFile(_ path: String) -> Bool {
    var status = stat()
    return stat(path, &status) == 0 && status.st_mode & S_IFMT == S_IFREG
  }
}
