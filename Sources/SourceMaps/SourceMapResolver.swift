//===--- SourceMapResolver.swift - A report's script frames, mapped back -----===//
//
// Every frame of a JavaScript stack that names a place in a script
// (`file:line:column`, no module) is looked up in the script's map (other
// languages' frames are left alone, whatever their columns); where the map
// has a segment there, the frame gains its original location, and the line's
// text when the map carries its sources. The function's original name is not at
// the frame's own place (that is the expression that failed, `account.total`)
// but at its caller's: the caller's frame stands on the call, whose callee the
// map names (`a(e)` → `readTotal`). So frame n takes the name of the segment at
// frame n + 1's place, as Node's `--enable-source-maps` does, and keeps its
// printed name where that segment has none, or where it has no caller. A map
// from Metro (React Native) names the function a place lies in outright
// (`x_facebook_sources`, FunctionMap): that name comes first.
//
//===----------------------------------------------------------------------===//

import CrashCore

/// Puts source maps' answers on the script frames of a report.
public struct SourceMapResolver: Sendable {
  /// The locator the maps come from.
  public let locator: SourceMapLocator

  /// Creates a resolver searching `directories` for maps.
  public init(directories: [String]) {
    locator = SourceMapLocator(directories: directories)
  }

  /// Creates a resolver reading maps through `locator` (shared, so each map is read once).
  public init(locator: SourceMapLocator) {
    self.locator = locator
  }

  /// Whether a frame names a place in a script a map may cover: a file, line and column, no module.
  public static func isScriptFrame(_ frame: StackFrame) -> Bool {
    guard frame.symbol?.module == nil, let source = frame.sourceLine, source.column != nil, !source.file.isEmpty else {
      return false
    }
    // Node's own modules and V8's pseudo-places have no maps.
    return !source.file.hasPrefix("node:") && !source.file.hasPrefix("<")
  }

  /// The report with its script frames' original locations, and a diagnostic for each
  /// script whose map is damaged or missing.
  public func resolve(_ report: CrashReport) -> CrashReport {
    var report = report
    var failed: [String] = []
    var missing: [String] = []
    var damagedFunctionMaps: [String] = []
    // The maps that placed frames, and the original lines each frame stands on.
    var mapsUsed: [String: SourceMap] = [:]
    var wanted: [(thread: Int, frame: Int, map: String, place: SourcePlace)] = []
    for threadIndex in report.threads.indices
    where report.threads[threadIndex].format == .javascript || report.threads[threadIndex].format == .sentryEvent {
      let frames = report.threads[threadIndex].frames
      guard frames.contains(where: Self.isScriptFrame) else { continue }
      var mapped: [(position: MappedPosition, map: SourceMap)?] = []
      mapped.reserveCapacity(frames.count)
      for frame in frames {
        guard Self.isScriptFrame(frame), let source = frame.sourceLine, let column = source.column else {
          mapped.append(nil)
          continue
        }
        switch locator.outcome(forScript: source.file) {
        case .map(let map):
          let position = map.originalPosition(line: source.line, column: column)
          if position != nil, map.hasSourcesContent { mapsUsed[map.origin] = map }
          if position != nil, let problem = map.functionMapProblems.first, !damagedFunctionMaps.contains(map.origin) {
            damagedFunctionMaps.append(map.origin)
            let more = map.functionMapProblems.count > 1 ? " (and \(map.functionMapProblems.count - 1) more)" : ""
            report.diagnostics.append(Diagnostic(.warning, "source map \(map.origin): \(problem)\(more); its names left out"))
          }
          mapped.append(position.map { ($0, map) })
        case .failed(let error):
          if !failed.contains(source.file) {
            failed.append(source.file)
            report.diagnostics.append(Diagnostic(.warning, "source map of \(source.file) unusable: \(error)"))
          }
          mapped.append(nil)
        case .missing:
          if !missing.contains(source.file) { missing.append(source.file) }
          mapped.append(nil)
        }
      }
      for index in frames.indices {
        guard let (position, map) = mapped[index] else { continue }
        // Metro's function map names the function the frame is in; else the caller's call names it.
        let callerName = index + 1 < mapped.count ? mapped[index + 1]?.position.name : nil
        report.threads[threadIndex].frames[index].original = OriginalLocation(
          file: Self.resolved(position.source, script: frames[index].sourceLine?.file ?? ""), line: position.line,
          column: position.column, function: map.functionName(at: position) ?? callerName, isIgnored: position.isIgnored,
          sourceMap: map.origin)
        if mapsUsed[map.origin] != nil {
          wanted.append((threadIndex, index, map.origin, SourcePlace(source: position.sourceIndex, line: position.line)))
        }
      }
    }
    for (origin, map) in mapsUsed {
      let texts = map.sourceText(Set(wanted.filter { $0.map == origin }.map(\.place)))
      for entry in wanted where entry.map == origin {
        report.threads[entry.thread].frames[entry.frame].original?.sourceText = texts[entry.place]
      }
    }
    if let first = missing.first {
      let more = missing.count > 1 ? " and \(missing.count - 1) more" : ""
      report.diagnostics.append(
        Diagnostic(
          .note,
          "no source map for \(first)\(more) in \(locator.directories.joined(separator: ", ")) (looked for SCRIPT.map and the script's sourceMappingURL)"
        ))
    }
    return report
  }

  /// A source the map names relative to itself (`../src/ledger.ts`), made relative to the
  /// script's place as the frame printed it, the map being the script's neighbour:
  /// `/srv/app/dist/app.min.js` → `/srv/app/src/ledger.ts`. Absolute names, and names
  /// beside a script printed without a directory, stay as the map gives them.
  static func resolved(_ source: String, script: String) -> String {
    guard !source.hasPrefix("/"), !source.contains(":"), let slash = script.lastIndex(of: "/") else { return source }
    var base = script[..<slash].split(separator: "/", omittingEmptySubsequences: false).map(String.init)
    // Keep a URL's scheme and host (`https:`, ``, `cdn.example`) out of reach of `..`.
    let fixed = script.contains("://") ? min(3, base.count) : (script.hasPrefix("/") ? 1 : 0)
    for part in source.split(separator: "/", omittingEmptySubsequences: false) {
      switch part {
      case ".", "": continue
      case "..":
        guard base.count > fixed else { return source }
        base.removeLast()
      default: base.append(String(part))
      }
    }
    return base.joined(separator: "/")
  }
}
