//===--- SymbolMapLearnerTests.swift - Maps recovered from listings ---------===//

import BreakpadSymbols
import CrashAnalysis
import CrashCore
import CrashTestSupport
import Foundation
import Symbolication
import Testing

@Suite("Learning symbol maps from listings")
struct SymbolMapLearnerTests {
  static func learner(bases: [String: UInt64], modules: Set<String> = []) -> SymbolMapLearner {
    var learner = SymbolMapLearner()
    learner.givenBases = bases
    learner.modules = modules
    return learner
  }

  @Test("Q276222 and Q275653 share starts: one build; otpmralt, never fixed by a listing, is absent", .enabled(if: SharedFixtures.has("kb"), "needs ../shared/kb, the KB sample beside the checkout"))
  func oneBuild() throws {
    var learner = Self.learner(bases: ["emsmta": 0x400000])
    for article in ["Q276222", "Q275653"] {
      learner.add(try Analyser().analyse(path: SharedFixtures.path("kb/\(article).md")), source: article)
    }
    let builds = learner.builds().filter { $0.module == "EMSMTA" }
    #expect(builds.count == 1)
    let build = try #require(builds.first)
    #expect(build.functions["otpurert"] == 0x1109c0)  // 0x00510cc7 − 0x307 − 0x00400000
    #expect(build.functions["otpmralt"] == nil)
    #expect(build.sources == ["Q275653", "Q276222"])

    // The written file loads, and every fact reads back as the listing printed it.
    let file = try TemporaryFile(text: build.symbolFileText(), suffix: ".sym")
    let symbols = try BreakpadSymbolFile(path: file.path)
    #expect(symbols.errorCount == 0)
    #expect(symbols.module?.debugIdentifier == build.identifier)
    for fact in build.facts {
      let answer = try #require(symbols.lookup(fact.site - 1))
      #expect(answer.function.name == fact.function)
      #expect(fact.site - answer.functionStart == fact.offset)
    }
  }

  @Test("a call site is learned from the row below a named row; a site entering two functions is not")
  func callTargets() throws {
    let listing = """
      FramePtr RetAddr  Param1   Param2   Param3
      0012ff00 00401234 00000001 00000002 00000003 APP!inner+0x10
      0012ff40 00402345 00000001 00000002 00000003 APP!middle+0x20
      0012ff80 00000000 00000001 00000002 00000003 APP!outer+0x30
      """
    var learner = Self.learner(bases: ["app": 0x400000])
    learner.add(Analyser().analyse(text: listing, name: "first"), source: "first")
    let build = try #require(learner.builds().first)
    #expect(build.calls.map(\.site) == [0x1234, 0x2345])
    #expect(build.calls.map(\.callee) == ["inner", "middle"])
    #expect(build.symbolFileText().contains("INFO CALL_TARGET 1234 inner first:2\n"))

    // The same site entering another function in another listing: an indirect call, not written.
    var mixed = Self.learner(bases: ["app": 0x400000])
    mixed.add(Analyser().analyse(text: listing, name: "first"), source: "first")
    mixed.add(Analyser().analyse(text: listing.replacingOccurrences(of: "APP!inner", with: "APP!other"), name: "second"), source: "second")
    let text = try #require(mixed.builds().first).symbolFileText()
    #expect(!text.contains("INFO CALL_TARGET 1234 "))
    #expect(text.contains("INFO CALL_TARGET 2345 middle"))
  }

  @Test("the Q276222 minidump's unnamed top frame is named by its call site, and marked so")
  func namedByCallSite() throws {
    let store = SymbolStore(roots: [Fixtures.repositoryRoot + "/Symbols"])
    let dump = try Analyser().analyse(path: Fixtures.repositoryRoot + "/Examples/Q276222/emsmta.dmp")
    let report = Symbolicator(store: store).symbolicate(dump)
    let top = try #require(report.threads.first?.frames.first)
    #expect(top.resolution == nil, "no FUNC covers it")
    #expect(top.symbol?.function == "otpmralt")
    #expect(top.annotations.contains(.namedByCallSite))
    #expect(report.diagnostics.contains { $0.severity == .note && $0.message.contains("an inference") })
    // The frame below is not renamed: it has its own FUNC.
    #expect(report.threads.first?.frames[1].resolution?.lookup.function.name == "otpurert")
  }

  @Test("a function at two different starts means two builds")
  func twoBuilds() throws {
    let first = """
      FramePtr RetAddr  Param1   Param2   Param3
      0012ff00 00401234 00000001 00000002 00000003 APP!inner+0x10
      0012ff40 00402345 00000001 00000002 00000003 APP!middle+0x20
      0012ff80 00403456 00000001 00000002 00000003 APP!outer+0x30
      0012ffc0 00000000 00000000 00000000 00000000 APP!start+0x40
      """
    let second = first.replacingOccurrences(of: "00402345", with: "00402355")
    var learner = Self.learner(bases: ["app": 0x400000])
    learner.add(Analyser().analyse(text: first, name: "first"), source: "first")
    learner.add(Analyser().analyse(text: second, name: "second"), source: "second")
    let builds = learner.builds()
    #expect(builds.count == 2)
    let starts: [UInt64] = builds.compactMap { $0.functions["outer"] }.sorted()
    #expect(starts == [0x2345 - 0x30, 0x2355 - 0x30])
    #expect(builds.allSatisfy { $0.functions["inner"] == nil })  // frame 0: no instruction pointer printed
  }

  @Test("a module with no load address is not learned, and the reason is given", .enabled(if: SharedFixtures.has("kb"), "needs ../shared/kb, the KB sample beside the checkout"))
  func noBase() throws {
    var learner = SymbolMapLearner()
    learner.add(try Analyser().analyse(path: SharedFixtures.path("kb/Q276222.md")), source: "Q276222")
    #expect(learner.builds().isEmpty)
    #expect(learner.skipped.contains { $0.message.contains("--base EMSMTA=ADDRESS") })
  }

  @Test("the shipped Symbols/ maps are exactly what learning from the committed KB sample writes", .enabled(if: SharedFixtures.has("kb"), "needs ../shared/kb, the KB sample beside the checkout"))
  func shippedMapsAreReproducible() throws {
    let articles = try FileManager.default.contentsOfDirectory(atPath: SharedFixtures.path("kb"))
      .filter { $0.hasSuffix(".md") }.sorted()
    var emsmta = Self.learner(bases: ["emsmta": 0x400000], modules: ["emsmta"])
    var system = Self.learner(bases: ["kernel32": 0, "ntdll": 0], modules: ["kernel32", "ntdll"])
    for article in articles {
      let report = try Analyser().analyse(path: SharedFixtures.path("kb/" + article))
      let source = String(article.dropLast(3))
      emsmta.add(report, source: source)
      system.add(report, source: source)
    }
    let builds = emsmta.builds() + system.builds().filter { $0.functions.count >= 3 || $0.facts.count >= 3 }
    #expect(builds.filter { $0.module == "EMSMTA" }.count >= 5)
    var shippedFiles: [String] = []
    let root = Fixtures.repositoryRoot + "/Symbols"
    for module in try FileManager.default.contentsOfDirectory(atPath: root) where !module.hasSuffix(".md") {
      for identifier in try FileManager.default.contentsOfDirectory(atPath: "\(root)/\(module)") {
        shippedFiles.append("\(module)/\(identifier)/\(module).sym")
      }
    }
    #expect(Set(builds.map { "\($0.module)/\($0.identifier)/\($0.module).sym" }) == Set(shippedFiles))
    for build in builds {
      let shipped = try String(
        contentsOfFile: "\(root)/\(build.module)/\(build.identifier)/\(build.module).sym", encoding: .utf8)
      #expect(shipped == build.symbolFileText(), "\(build.module) \(build.identifier)")
    }
  }
}
