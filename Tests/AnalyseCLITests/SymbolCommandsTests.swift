//===--- SymbolCommandsTests.swift - symbolize, symbols learn, --symbols -----===//

import CrashTestSupport
import Foundation
import Testing

@Suite("analyse symbolize and symbols learn", .serialized)
struct SymbolCommandsTests {
  @Test(
    "symbolize --obj ELF prints exactly what llvm-symbolizer --inlining printed, for every .text address",
    arguments: ["inline_demo", "inline_demo_clang"])
  func symbolizeMatchesLLVM(binary: String) throws {
    let addresses = try Data(contentsOf: URL(fileURLWithPath: Fixtures.path("elf/\(binary).addresses")))
    let expected = try String(contentsOfFile: Fixtures.path("elf/\(binary).llvm-symbolizer.txt"), encoding: .utf8)
    let run = try AnalyseRunner.run(["symbolize", "--obj", "Tests/Fixtures/elf/\(binary)"], input: addresses)
    #expect(run.status == 0)
    #expect(run.standardError.isEmpty)
    #expect(run.standardOutput == expected)
  }

  @Test("elfutils is opened only by a run that reads an ELF file: never for a Windows dump with .sym maps")
  func elfutilsOnDemand() throws {
    // ld.so's LD_DEBUG=files names each library it loads, and whether dlopen asked for it.
    let environment = ["CRASH_ANALYSIS_SYMBOLS": "Symbols", "LD_DEBUG": "files"]
    let dump = try AnalyseRunner.run(["--json", "Examples/Q276222/emsmta.dmp"], environment: environment)
    #expect(dump.status == 0)
    #expect(!dump.standardError.contains("libdw.so.1"))
    #expect(!dump.standardError.contains("libmspack.so.0"))
    let elf = try AnalyseRunner.run(["symbolize", "--obj", "Tests/Fixtures/elf/inline_demo", "0x1139"], environment: environment)
    #expect(elf.status == 0)
    #expect(elf.standardError.contains("file=libdw.so.1 [0];  dynamically loaded by"), "\(elf.standardError.prefix(2000))")
  }

  @Test("symbolize --obj .sym and --symbols/--module; --json has llvm-symbolizer's keys", .enabled(if: SharedFixtures.has("fixtures/breakpad"), "needs ../shared/fixtures/breakpad beside the checkout"))
  func symbolizeBreakpad() throws {
    let sym = "../shared/fixtures/breakpad/symbols/test_app.pdb/5A9832E5287241C1838ED98914E9B7FF1/test_app.sym"
    let run = try AnalyseRunner.run(["symbolize", "--obj", sym, "0x429e", "41ff", "zz"])
    #expect(run.standardOutput == "`anonymous namespace'::CrashFunction\nc:\\test_app.cc:58:0\n\nmain\nc:\\test_app.cc:65:0\n\n??\n??:0:0\n\n")
    let store = try AnalyseRunner.run([
      "symbolize", "--symbols", "../shared/fixtures/breakpad/symbols", "--module", "kernel32", "--json", "0x16fd7",
    ])
    let object = try JSONSerialization.jsonObject(with: Data(store.standardOutput.utf8)) as? [String: Any]
    let symbol = (object?["Symbol"] as? [[String: Any]])?.first
    #expect(symbol?["FunctionName"] as? String == "BaseProcessStart")
    #expect(symbol?["StartAddress"] as? String == "0x16fb4")
    #expect(object?["Address"] as? String == "0x16fd7")
  }

  @Test("symbolize refuses a missing file and an unknown module with one line and status 3")
  func symbolizeErrors() throws {
    let missing = try AnalyseRunner.run(["symbolize", "--obj", "no/such.sym", "0x10"])
    #expect(missing.status == 3)
    #expect(missing.standardError.contains("no/such.sym: cannot open"))
    let module = try AnalyseRunner.run(["symbolize", "--symbols", "Symbols", "--module", "nosuch", "0x10"])
    #expect(module.status == 3)
    #expect(module.standardError.contains("no symbol file for module nosuch"))
    let both = try AnalyseRunner.run(["symbolize", "0x10"])
    #expect(both.status == 64)
  }

  @Test("symbols learn writes one map per build; the result resolves a stripped listing", .enabled(if: SharedFixtures.has("kb"), "needs ../shared/kb, the KB sample beside the checkout"))
  func learn() throws {
    let directory = NSTemporaryDirectory() + "learn-" + UUID().uuidString
    defer { try? FileManager.default.removeItem(atPath: directory) }
    let run = try AnalyseRunner.run([
      "symbols", "learn", "../shared/kb/Q276222.md", "../shared/kb/Q275653.md", "--out", directory,
      "--base", "EMSMTA=0x00400000",
    ])
    #expect(run.status == 0)
    #expect(run.standardOutput == "EMSMTA  C444DD55C438D3BE52A68A540D0B85C70  10 functions  10 sites  from Q275653 Q276222\n")
    let written = try String(
      contentsOfFile: "\(directory)/EMSMTA/C444DD55C438D3BE52A68A540D0B85C70/EMSMTA.sym", encoding: .utf8)
    #expect(written.hasPrefix("MODULE windows x86 C444DD55C438D3BE52A68A540D0B85C70 EMSMTA\n"))
    let report = try AnalyseRunner.run([
      "--no-default-symbols", "--symbols", directory, "Tests/Fixtures/symbolication/q276222-addresses-only.txt",
    ])
    #expect(report.standardOutput.contains("01 0ab1fd4c 004dfe5a 00000034 08564d01 0786a290 EMSMTA!otpurert+0x307"))
  }

  @Test("without $CRASH_ANALYSIS_SYMBOLS the shipped Symbols/ is found from the build; --no-default-symbols turns it off")
  func defaultStore() throws {
    let found = try AnalyseRunner.run(["Examples/Q276222/drwtsn32.log"], environment: [:])
    #expect(found.standardOutput.contains("/Symbols/EMSMTA/C444DD55C438D3BE52A68A540D0B85C70/EMSMTA.sym"))
    let off = try AnalyseRunner.run(["--no-default-symbols", "Examples/Q276222/drwtsn32.log"])
    #expect(!off.standardOutput.contains("Symbols:"))
  }
}

@Suite("symbols dump")
struct SymbolsDumpCommandTests {
  @Test(
    "a PE image alone: the .sym Mozilla's dump_syms writes, put in a store where lookups find it",
    .enabled(if: SharedFixtures.has("fixtures/dump_syms"), "needs ../shared/fixtures/dump_syms beside the checkout"))
  func peImage() throws {
    let image = SharedFixtures.path("fixtures/dump_syms/windows/mozwer.dll")
    let printed = try AnalyseRunner.run(["symbols", "dump", image])
    #expect(printed.status == 0)
    #expect(printed.standardOutput == (try String(contentsOfFile: SharedFixtures.path("fixtures/dump_syms/windows/mozwer.sym"), encoding: .utf8)))
    let store = NSTemporaryDirectory() + "dump-store-" + UUID().uuidString
    defer { try? FileManager.default.removeItem(atPath: store) }
    let stored = try AnalyseRunner.run(["symbols", "dump", image, "--store", store])
    #expect(stored.status == 0, "\(stored.standardError)")
    let path = store + "/mozwer.pdb/5A9EC5FA8DE834784C4C44205044422E1/mozwer.sym"
    #expect(FileManager.default.fileExists(atPath: path))
    let lookup = try AnalyseRunner.run([
      "symbolize", "--symbols", store, "--module", "mozwer.pdb", "--debug-id", "5A9EC5FA8DE834784C4C44205044422E1", "0x10a5",
    ])
    #expect(lookup.standardOutput.hasPrefix("OutOfProcessExceptionEventSignatureCallback\n"), "\(lookup.standardError)")
    let notPE = try AnalyseRunner.run(["symbols", "dump", "README.md"])
    #expect(notPE.status == 3)
    #expect(notPE.standardError.contains("README.md: not a PE image, PDB file, .dbg file, ELF file or cabinet"))
  }

  @Test(
    "a CAB-compressed PDB: functions spooled to a temporary file or, with no usable TMPDIR, kept in memory: one text",
    .enabled(if: SharedFixtures.has("fixtures/dump_syms"), "needs ../shared/fixtures/dump_syms beside the checkout"))
  func spooledOrInMemory() throws {
    let pdb = SharedFixtures.path("fixtures/dump_syms/windows/basic32.pd_")
    let spooled = try AnalyseRunner.run(["symbols", "dump", "--inlines", pdb])
    let inMemory = try AnalyseRunner.run(
      ["symbols", "dump", "--inlines", pdb], environment: ["TMPDIR": "/nonexistent-\(UUID().uuidString)"])
    #expect(spooled.status == 0, "\(spooled.standardError)")
    #expect(inMemory.status == 0, "\(inMemory.standardError)")
    #expect(spooled.standardOutput == inMemory.standardOutput)
    let reference = try String(
      contentsOfFile: SharedFixtures.path("fixtures/dump_syms/windows/basic32.sym"), encoding: .utf8)
    let functions = { (text: String) in text.split(separator: "\n").filter { $0.hasPrefix("FUNC ") }.count }
    #expect(functions(spooled.standardOutput) == functions(reference))
  }
}
