//===--- CompressedInputCLITests.swift - analyse core.….zst ------------------===//

import CrashTestSupport
import ELFSymbols
import Foundation
import Testing

@Suite("analyse on compressed files")
struct CompressedInputCLITests {
  static let core =
    "Tests/Fixtures/compressed/core.ledger_crash-x86_64.1000.5d3b0e6c1f2a4b7e9c8d7f6e5a4b3c2d.12236.1765090800000000.zst"

  @Test("a systemd-coredump core as stored: read, walked, the compression named")
  func systemdCore() throws {
    let run = try AnalyseRunner.run([Self.core, "--no-default-symbols"])
    #expect(run.status == 0, "\(run.standardError)")
    #expect(run.standardOutput.contains("(core, 184320 bytes, zstd-compressed in "))
    #expect(run.standardOutput.contains("SIGSEGV"))
  }

  @Test("a cut one: exit 3 and one line naming the file and the byte")
  func cut() throws {
    let bytes = try Data(contentsOf: URL(fileURLWithPath: Fixtures.repositoryRoot + "/" + Self.core))
    let file = try TemporaryFile(Array(bytes.prefix(1000)), suffix: ".zst")
    let run = try AnalyseRunner.run([file.path, "--no-default-symbols"])
    #expect(run.status == 3)
    #expect(run.standardError == "analyse: \(file.path): zstd data after byte 1000: the input ends inside a frame\n")
  }

  @Test("piped in (`ssh host cat core.zst | analyse -`): kept in an unnamed file, expanded, walked")
  func piped() throws {
    let bytes = try Data(contentsOf: URL(fileURLWithPath: Fixtures.repositoryRoot + "/" + Self.core))
    let run = try AnalyseRunner.run(["-", "--no-default-symbols"], input: bytes)
    #expect(run.status == 0, "\(run.standardError)")
    #expect(run.standardOutput.contains("Input:        - (core, 184320 bytes, zstd-compressed in \(bytes.count) bytes)"))
    // A minidump and a core through a pipe are read as their files are.
    let dump = try Data(contentsOf: URL(fileURLWithPath: Fixtures.repositoryRoot + "/Examples/Q276222/emsmta.dmp"))
    let fromPipe = try AnalyseRunner.run(["-"], input: dump)
    let fromFile = try AnalyseRunner.run(["Examples/Q276222/emsmta.dmp"])
    #expect(fromPipe.status == 0 && fromPipe.standardOutput.contains("Input:        - (minidump, \(dump.count) bytes)"))
    #expect(
      fromPipe.standardOutput.replacingOccurrences(of: "Examples/Q276222/emsmta.dmp", with: "-")
        == fromFile.standardOutput.replacingOccurrences(of: "Examples/Q276222/emsmta.dmp", with: "-"))
  }

  @Test("a piped input over the size limit stops at the limit")
  func pipedLimit() throws {
    let bytes = try Data(contentsOf: URL(fileURLWithPath: Fixtures.repositoryRoot + "/Tests/Fixtures/core/ledger_crash-x86_64.core"))
    let run = try AnalyseRunner.run(["-", "--no-default-symbols", "--max-input-size", "100000"], input: bytes)
    #expect(run.status == 3)
    #expect(run.standardError.contains("larger than the 100000-byte limit"))
  }
}

@Suite("analyse on cores: --sysroot")
struct SystemRootCLITests {
  @Test("a core whose modules went without symbols: a note names --sysroot /; with it, no note")
  func hint() throws {
    let core = "Tests/Fixtures/core/ledger_crash-x86_64.core"
    let without = try AnalyseRunner.run([core, "--no-default-symbols"])
    #expect(without.status == 0)
    #expect(without.standardOutput.contains("note: 1 module of the core without symbols (/"))
    #expect(without.standardOutput.contains("--sysroot / reads the files it names"))
    let with = try AnalyseRunner.run([core, "--no-default-symbols", "--sysroot", "/"])
    #expect(with.status == 0)
    #expect(!with.standardOutput.contains("--sysroot / reads"))
  }

  @Test(
    "qemu's core of an AArch64 program: the C library from --sysroot, the program from --symbols, through the dynamic linker's list",
    .enabled(
      if: (try? ELFSymbolFile.buildID(atPath: "/usr/aarch64-linux-gnu/lib/libc.so.6"))
        == "67adfea574cc9357d858bf79acc700c660126c81",
      "needs Debian 12's libc6-arm64-cross (2.36-8cross1, the fixture's) at /usr/aarch64-linux-gnu; scripts/install-deps installs it"))
  func qemuCore() throws {
    let run = try AnalyseRunner.run([
      "Tests/Fixtures/core/ledger_dynamic-arm64.core", "--no-default-symbols", "--offline", "--symbols", "Tests/Fixtures/core",
      "--sysroot", "/usr/aarch64-linux-gnu",
    ])
    #expect(run.status == 0)
    // The fault is in the C library, in code its symbol table does not name (gdb shows `??` too).
    #expect(run.standardOutput.contains("Signature:    libc.so.6+0x9b808"), "\(run.standardOutput)")
    #expect(run.standardOutput.contains("ledger_dynamic-arm64!ledger_total+0x30"))
    #expect(run.standardOutput.contains("libc.so.6      loaded  /usr/aarch64-linux-gnu/lib/libc.so.6"))
    #expect(run.standardOutput.contains("3 modules from the dynamic linker's list"))
  }
}
