//===--- CompressedInputCLITests.swift - analyse core.….zst ------------------===//

import CrashTestSupport
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

  @Test("piped in: refused with the command that expands it")
  func piped() throws {
    let bytes = try Data(contentsOf: URL(fileURLWithPath: Fixtures.repositoryRoot + "/" + Self.core))
    let run = try AnalyseRunner.run(["-", "--no-default-symbols"], input: bytes)
    #expect(run.status != 0)
    #expect(run.standardError.contains("zstd-compressed data: give its path, or expand it first (zstd -dc)"))
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
}
