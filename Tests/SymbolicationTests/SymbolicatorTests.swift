//===--- SymbolicatorTests.swift - Frames resolved against the store ---------===//

import CrashAnalysis
import CrashCore
import CrashTestSupport
import Symbolication
import Testing

@Suite("Symbolication of reports")
struct SymbolicatorTests {
  static let shipped = Fixtures.repositoryRoot + "/Symbols"

  static func analyse(_ path: String, roots: [String] = [shipped]) throws -> CrashReport {
    let report = try Analyser().analyse(path: path)
    return Symbolicator(store: SymbolStore(roots: roots)).symbolicate(report)
  }

  @Test("Q276222 with names stripped resolves back to the article's names, build recognised by its addresses", .enabled(if: SharedFixtures.has("kb"), "needs ../shared/kb, the KB sample beside the checkout"))
  func strippedListing() throws {
    let article = try Analyser().analyse(path: SharedFixtures.path("kb/Q276222.md"))
    let printed = try #require(article.threads.first { $0.frames.count == 9 }).frames
    let report = try Self.analyse(Fixtures.path("symbolication/q276222-addresses-only.txt"))
    let frames = try #require(report.threads.first).frames
    #expect(frames.count == 9)
    // Frames 1-7 (EMSMTA) and 8 (KERNEL32): named exactly as the article names them, with
    // the same offsets.
    for index in 1...8 {
      let resolution = try #require(frames[index].resolution, "frame \(index)")
      #expect(resolution.lookup.function.name == printed[index].symbol?.function, "frame \(index)")
      #expect(resolution.offset == printed[index].symbol?.offset, "frame \(index)")
      #expect(resolution.agreement == .supplied)
    }
    // Frame 0: its instruction pointer is not in the listing, so no map can name it.
    #expect(frames[0].resolution == nil)
    #expect(frames[8].resolution?.module == "KERNEL32")
    let status = try #require(report.moduleSymbols.first { $0.module == "EMSMTA" })
    #expect(status.status == .loaded)
    #expect(status.detail?.contains("7 known address") == true)
  }

  @Test("the same frame records from a build not in Symbols/ are an unknown build, and stay unnamed")
  func unknownBuildAddresses() throws {
    let report = try Self.analyse(Fixtures.path("symbolication/other-build-addresses-only.txt"))
    // The EMSMTA frames (0-7) stay unnamed; KERNEL32's return address was left as it was.
    #expect(report.threads.first?.frames.prefix(8).allSatisfy { $0.resolution == nil } == true)
    let status = try #require(report.moduleSymbols.first { $0.module == "EMSMTA" })
    #expect(status.status == .unknownBuild)
    #expect(report.diagnostics.contains { $0.message.contains("unknown build") })
  }

  @Test("named frames that no map places where they are: unknown build, nothing named")
  func unknownBuildNamed() throws {
    let report = try Self.analyse(Fixtures.path("symbolication/other-build-named.txt"))
    let status = try #require(report.moduleSymbols.first { $0.module == "EMSMTA" })
    #expect(status.status == .unknownBuild)
    #expect(status.detail?.contains("none fits") == true)
    #expect(report.threads.first?.frames.prefix(8).allSatisfy { $0.resolution == nil } == true)
  }

  @Test("the article's own listing is confirmed frame by frame", .enabled(if: SharedFixtures.has("kb"), "needs ../shared/kb, the KB sample beside the checkout"))
  func confirmedListing() throws {
    let report = try Self.analyse(SharedFixtures.path("kb/Q276222.md"))
    let thread = try #require(report.threads.first { $0.frames.count == 9 })
    for index in 1...7 {
      #expect(thread.frames[index].resolution?.agreement == .confirmed, "frame \(index)")
    }
    #expect(report.moduleSymbols.first { $0.module == "EMSMTA" }?.status == .loaded)
    #expect(!report.diagnostics.contains { $0.message.contains("wrong map") })
  }

  @Test("one misprinted name among agreeing frames is a mismatch diagnostic, not a new build", .enabled(if: SharedFixtures.has("kb"), "needs ../shared/kb, the KB sample beside the checkout"))
  func mismatch() throws {
    var text = try String(contentsOfFile: SharedFixtures.path("kb/Q276222.md"), encoding: .utf8)
    text = text.replacingOccurrences(of: "EMSMTA!otpaasb+0x93e", with: "EMSMTA!otpwrong+0x93e")
    let file = try TemporaryFile(text: text, suffix: ".txt")
    let report = try Self.analyse(file.path)
    let thread = try #require(report.threads.first { $0.frames.count == 9 })
    #expect(thread.frames[3].resolution?.agreement == .mismatch)
    #expect(thread.frames[3].resolution?.lookup.function.name == "otpaasb")
    #expect(report.diagnostics.contains { $0.message.contains("otpwrong+0x93e") && $0.message.contains("wrong map") })
  }

  @Test("by debug id: Breakpad FUNC answers with file and line for a dump-like report", .enabled(if: SharedFixtures.has("fixtures/breakpad"), "needs ../shared/fixtures/breakpad beside the checkout"))
  func byDebugIdentifier() throws {
    var frame0 = StackFrame(index: 0, instruction: Address(0x0040_429e), trust: .context)
    frame0.returnAddress = Address(0x0040_4200)
    let frame1 = StackFrame(index: 1, instruction: Address(0x0040_41ff), trust: .cfi)
    let thread = CrashThread(architecture: .x86, frames: [frame0, frame1])
    let module = CodeModule(
      name: "test_app.exe", base: Address(0x0040_0000), size: 0x2d000, debugFile: "test_app.pdb",
      debugIdentifier: "5A9832E5287241C1838ED98914E9B7FF1")
    let report = CrashReport(input: InputDescription(name: "synthetic", kind: .minidump, byteCount: 0), threads: [thread], modules: [module])
    let resolved = Symbolicator(store: SymbolStore(roots: [SharedFixtures.path("fixtures/breakpad/symbols")])).symbolicate(report)
    let frames = resolved.threads[0].frames
    #expect(frames[0].resolution?.lookup.function.name == "`anonymous namespace'::CrashFunction")
    #expect(frames[0].sourceLine?.line == 58)
    #expect(frames[1].resolution?.lookup.function.name == "main")
    #expect(frames[1].resolution?.offset == 0x4200 - 0x41b0)
    #expect(resolved.moduleSymbols.first?.status == .loaded)
    #expect(resolved.moduleSymbols.first?.detail == "by debug id")
  }

  @Test("a module with no symbol file is reported missing", .enabled(if: SharedFixtures.has("kb"), "needs ../shared/kb, the KB sample beside the checkout"), .enabled(if: SharedFixtures.has("fixtures/breakpad"), "needs ../shared/fixtures/breakpad beside the checkout"))
  func missing() throws {
    let report = try Self.analyse(SharedFixtures.path("kb/Q276222.md"), roots: [SharedFixtures.path("fixtures/breakpad/symbols")])
    #expect(report.moduleSymbols.first { $0.module == "EMSMTA" }?.status == .missing)
  }
}
