//===--- NodeParityTests.swift - Maps applied as Node applies them -----------===//
//
// Each fixture program (Tests/Fixtures/sourcemaps/build.sh) died with an
// uncaught error twice: without source maps (`stack.txt`, what a user pastes)
// and under Node's `--enable-source-maps` (`stack-node-mapped.txt`). The
// pasted stack, decoded and given the maps, must say at every frame what Node
// said: the original file, line and column, and the function's name.
//
//===----------------------------------------------------------------------===//

import CrashAnalysis
import CrashCore
import CrashTestSupport
import Foundation
import SourceMaps
import Testing

@Suite struct NodeParityTests {
  /// `at NAME (FILE:LINE:COLUMN)` rows of Node's output: name and place.
  static func nodeRows(_ text: String) -> [(name: String, place: String)] {
    text.split(separator: "\n").compactMap { line in
      let trimmed = line.drop { $0 == " " }
      guard trimmed.hasPrefix("at ") else { return nil }
      // `at node:internal/main/run_main_module:28:49`: a place alone.
      guard trimmed.hasSuffix(")"), let open = trimmed.firstRange(of: " (") else { return ("", String(trimmed.dropFirst(3))) }
      return (String(trimmed.dropFirst(3)[..<open.lowerBound]), String(trimmed[open.upperBound...].dropLast()))
    }
  }

  @Test(arguments: ["esbuild", "terser", "indexed"])
  func framesAgreeWithNode(_ build: String) throws {
    let directory = Fixtures.path("sourcemaps/\(build)")
    let pasted = try String(contentsOfFile: directory + "/stack.txt", encoding: .utf8)
    let mapped = Self.nodeRows(try String(contentsOfFile: directory + "/stack-node-mapped.txt", encoding: .utf8))
    let resolver = SourceMapResolver(directories: [directory])
    let report = resolver.resolve(Analyser().analyse(text: pasted))
    let frames = try #require(report.threads.first?.frames)
    #expect(frames.count == mapped.count)
    var placed = 0
    for (frame, expected) in zip(frames, mapped) {
      let printedName = frame.symbol?.function ?? ""
      if let original = frame.original {
        placed += 1
        #expect("\(original.file):\(original.line):\(original.column)" == expected.place, "frame \(frame.index)")
        #expect((original.function ?? printedName) == expected.name, "frame \(frame.index)")
      } else if let source = frame.sourceLine, let column = source.column {
        #expect("\(source.file):\(source.line):\(column)" == expected.place, "frame \(frame.index) (no map)")
      }
    }
    #expect(placed >= 2, "frames the map placed")
  }

  /// Node prints the line the error was thrown on, from the map's sources, under its location.
  @Test(arguments: ["esbuild", "terser"])
  func sourceTextIsNodesLine(_ build: String) throws {
    let directory = Fixtures.path("sourcemaps/\(build)")
    let nodeLines = try String(contentsOfFile: directory + "/stack-node-mapped.txt", encoding: .utf8).split(separator: "\n")
    let resolver = SourceMapResolver(directories: [directory])
    let report = resolver.resolve(Analyser().analyse(text: try String(contentsOfFile: directory + "/stack.txt", encoding: .utf8)))
    let original = try #require(report.threads.first?.frames.first?.original)
    #expect(nodeLines.first == "\(original.file):\(original.line)")
    #expect(original.sourceText == nodeLines.dropFirst().first.map(String.init))
  }

  @Test func signatureNamesTheOriginalFunction() throws {
    let directory = Fixtures.path("sourcemaps/esbuild")
    let pasted = try String(contentsOfFile: directory + "/stack.txt", encoding: .utf8)
    let unmapped = Analyser().analyse(text: pasted)
    let resolver = SourceMapResolver(directories: [directory])
    let mapped = resolver.resolve(unmapped)
    let pipeline = SignaturePipeline(plugins: [])
    #expect(pipeline.classify(unmapped).signature == "app.min.js:a")
    #expect(pipeline.classify(mapped).signature == "ledger.ts:readTotal")
  }

  @Test func missingMapIsANote() throws {
    let directory = Fixtures.path("sourcemaps/esbuild")
    let pasted = try String(contentsOfFile: directory + "/stack.txt", encoding: .utf8)
    let resolver = SourceMapResolver(directories: [Fixtures.path("sourcemaps/src")])
    let report = resolver.resolve(Analyser().analyse(text: pasted))
    #expect(report.threads[0].frames.allSatisfy { $0.original == nil })
    let note = try #require(report.diagnostics.first { $0.message.hasPrefix("no source map for") })
    #expect(note.severity == .note)
    #expect(note.message.contains("app.min.js"))
  }
}

@Suite struct SourceMapBatchTests {
  /// A batch shares one resolver: every input's frames are mapped, in parallel.
  @Test func batchMapsEveryInput() throws {
    let directory = Fixtures.path("sourcemaps/esbuild")
    let stack = directory + "/stack.txt"
    var batch = BatchAnalyser(pipeline: SignaturePipeline(plugins: []))
    batch.jobs = 2
    batch.sourceMaps = SourceMapResolver(directories: [directory, Fixtures.path("sourcemaps/terser")])
    var signatures: [String?] = []
    batch.run([stack, Fixtures.path("sourcemaps/terser/stack.txt"), stack]) { signatures.append($0.classification?.signature) }
    // terser's frame keeps its printed name: its caller, `Array.map`, prints no place.
    #expect(signatures == ["ledger.ts:readTotal", "report.js:t", "ledger.ts:readTotal"])
  }
}

@Suite struct SourceMapDocumentationTests {
  @Test("Getting Started: a minified stack mapped back")
  func gettingStartedSourceMaps() throws {
    let directory = Fixtures.path("sourcemaps/esbuild")
    let resolver = SourceMapResolver(directories: [directory + "/dist"])
    let mapped = resolver.resolve(try Analyser().analyse(path: directory + "/stack.txt"))
    var lines: [String] = []
    for frame in mapped.threads[0].frames {
      if let original = frame.original {
        lines.append("\(original.function ?? frame.symbol?.function ?? "?") \(original.file) \(original.line) \(original.column)")
      }
    }
    #expect(lines.first == "readTotal /tmp/sourcemap-fixtures/src/ledger.ts 21 18")
    #expect(lines.count == 5)
  }
}

@Suite struct SourceMapScopeTests {
  /// A sanitizer's frames have columns and no module too: no map is looked for, no note written.
  @Test func otherLanguagesAreLeftAlone() {
    let text = """
      ==4242==ERROR: AddressSanitizer: heap-use-after-free on address 0x602000000010 at pc 0x55d4 bp 0x7ffc sp 0x7ffc
      READ of size 4 at 0x602000000010 thread T0
          #0 0x55d4a1b2c3d4 in ledger_total /src/ledger/ledger.c:18:12
          #1 0x55d4a1b2c4e5 in main /src/ledger/main.c:9:5
      """
    let report = Analyser().analyse(text: text)
    #expect(report.threads.first?.frames.first?.sourceLine?.column == 12)
    #expect(report.threads.first.map { SourceMapResolver.isScriptFrame($0.frames[0]) } == true, "a frame a map could place")
    let resolved = SourceMapResolver(directories: [Fixtures.path("sourcemaps/esbuild")]).resolve(report)
    #expect(!resolved.diagnostics.contains { $0.message.contains("source map") })
  }
}
