//===--- BuildEvidence.swift - Does this map fit the frames? ----------------===//
//
// For inputs that name a module but not its build (text listings), each
// candidate map is tested against the frames of that module:
//   * a frame that printed `function+offset` at a known address agrees when the
//     map puts that function at (address − offset); it conflicts when the map puts
//     another function there or claims the address for another function; a map
//     that knows neither is no evidence either way;
//   * a frame that printed only an address hits when the address is one the map
//     recorded exactly (a learned map's RETURN_SITE).
// A map is chosen only with evidence for it and none against it — or, when at
// least three named frames agree, at most one in four against it (those frames
// are then reported as mismatches). When several fit equally, or none does, the
// build is unknown and nothing is guessed.
//
//===----------------------------------------------------------------------===//

import CrashCore
import Demangling
import MapFiles

/// One frame of a module, as build selection sees it.
struct ModuleFrame {
  var thread: Int
  var frame: Int
  /// The address looked up (instruction).
  var lookupAddress: UInt64
  /// The address the listing displayed (offsets are measured from it).
  var displayedAddress: UInt64
  /// The function the listing printed, when it printed one.
  var printedFunction: String?
  /// The offset the listing printed, when it printed one.
  var printedOffset: UInt64?
}

/// How well one candidate map fits a module's frames.
struct BuildEvidence {
  var agreements = 0
  var conflicts = 0
  var returnSiteHits = 0
  /// The first conflict, for the report.
  var firstConflict: String?

  var score: Int { agreements + returnSiteHits - conflicts }

  /// Whether agreement is strong enough to keep the map despite a few disagreeing
  /// frames (which then become mismatch diagnostics): at least three named frames
  /// agree and no more than one in four disagrees.
  var outweighsConflicts: Bool { agreements >= 3 && conflicts * 4 <= agreements }

  init(source: any SymbolSource, entry: StoreEntry, base: UInt64, frames: [ModuleFrame]) {
    for frame in frames {
      guard frame.lookupAddress >= base else { continue }
      let relative = frame.lookupAddress - base
      if let printed = frame.printedFunction {
        // The row proves where `printed` starts (when it printed an offset). The map
        // agrees when it has that function there; it contradicts the row when it has
        // another function there, or claims the address for another function.
        var verdict: Bool?
        if let offset = frame.printedOffset, frame.displayedAddress - base >= offset {
          let start = frame.displayedAddress - base - offset
          if let atStart = source.lookup(start), atStart.functionStart == start {
            verdict = Self.sameFunction(printed, atStart.function.name)
          }
        }
        if verdict == nil, let answer = source.lookup(relative), answer.kind == .function {
          let offset = frame.displayedAddress &- base &- answer.functionStart
          verdict =
            Self.sameFunction(printed, answer.function.name)
            && (frame.printedOffset == nil || frame.printedOffset == offset)
        }
        switch verdict {
        case true?: agreements += 1
        case false?:
          conflicts += 1
          if firstConflict == nil {
            let found = source.lookup(relative).map {
              "\($0.function.name)+\(HexFormat.prefixed(frame.displayedAddress &- base &- $0.functionStart))"
            } ?? "another function"
            let shown = printed + (frame.printedOffset.map { "+" + HexFormat.prefixed($0) } ?? "")
            firstConflict = "\(shown) at 0x\(HexFormat.digits(frame.displayedAddress, width: 8)) is \(found) in this map"
          }
        case nil: break  // the map knows nothing about this function or address
        }
      } else if entry.returnSites.contains(frame.displayedAddress - base) {
        returnSiteHits += 1
      }
    }
  }

  /// Whether a printed name and a map name are the same function (case, decoration).
  static func sameFunction(_ printed: String, _ mapped: String) -> Bool {
    if printed.caseInsensitiveCompare(mapped) { return true }
    return MSVCUndecorator.undecorate(printed).caseInsensitiveCompare(MSVCUndecorator.undecorate(mapped))
  }
}

extension String {
  fileprivate func caseInsensitiveCompare(_ other: String) -> Bool {
    utf8.count == other.utf8.count && lowercased() == other.lowercased()
  }
}
