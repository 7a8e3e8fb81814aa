//===--- CompressedInputTests.swift - Compressed cores and logs, analysed ---===//
//
// A core systemd-coredump compressed, or a rotated log, is analysed as the file
// it holds: the same threads, frames, findings and lines, with the compression
// recorded in the input's description (Tests/Fixtures/compressed).
//
//===----------------------------------------------------------------------===//

import CrashAnalysis
import CrashCore
import CrashTestSupport
import Decompression
import Foundation
import Symbolication
import Testing

@Suite("Compressed inputs, analysed")
struct CompressedInputTests {
  static let coreStem = "compressed/core.ledger_crash-x86_64.1000.5d3b0e6c1f2a4b7e9c8d7f6e5a4b3c2d.12236.1765090800000000"
  static let cores: [(path: String, format: String)] = [
    (coreStem + ".zst", "zstd"), (coreStem + ".xz", "xz"), (coreStem + ".lz4", "lz4"),
    ("compressed/ledger_crash-x86_64.core.gz", "gzip"),
  ]
  static let log = Fixtures.repositoryRoot + "/Examples/Q276222/drwtsn32.log"

  @Test("a compressed core walks as the core does, with the compression recorded", arguments: cores)
  func core(path: String, format: String) throws {
    let original = try Analyser().analyse(path: Fixtures.path("core/ledger_crash-x86_64.core"))
    let report = try Analyser().analyse(path: Fixtures.path(path))
    #expect(report.input.kind == .core)
    #expect(report.input.name == Fixtures.path(path))
    #expect(report.input.compression == format)
    #expect(report.input.byteCount == original.input.byteCount)
    let compressedSize = try FileManager.default.attributesOfItem(atPath: Fixtures.path(path))[.size] as? Int
    #expect(report.input.compressedByteCount == compressedSize)
    #expect(report.threads == original.threads)
    #expect(report.exception == original.exception)
    #expect(report.modules == original.modules)
  }

  @Test("a compressed Dr. Watson log in two frames or members decodes as the log does", arguments: [
    ("compressed/drwtsn32.log.zst", "zstd"), ("compressed/drwtsn32.log.gz", "gzip"),
  ])
  func log(path: String, format: String) throws {
    let original = try Analyser().analyse(path: Self.log)
    let report = try Analyser().analyse(path: Fixtures.path(path))
    #expect(report.input.kind == .text && report.input.compression == format)
    #expect(report.input.lineCount == original.input.lineCount)
    #expect(report.threads == original.threads)
    #expect(report.events.count == original.events.count)
    #expect(!report.threads.isEmpty)
  }

  @Test("decoding events from a compressed log: the description says it was compressed")
  func streamedEvents() throws {
    var events = 0
    let description = try Analyser().decodeEvents(path: Fixtures.path("compressed/drwtsn32.log.gz")) { _ in events += 1 }
    #expect(description.compression == "gzip" && description.lineCount != nil && events > 0)
  }

  @Test("the JSON and text reports name the compression")
  func writers() throws {
    let report = try Analyser().analyse(path: Fixtures.path(Self.cores[0].path))
    let json = JSONReportWriter.render(report)
    #expect(json.contains("\"compression\": \"zstd\""))
    #expect(json.contains("\"compressed_bytes\": \(report.input.compressedByteCount ?? -1)"))
    #expect(TextReportWriter.render(report).contains("zstd-compressed in \(report.input.compressedByteCount ?? -1) bytes"))
  }

  @Test("a damaged compressed input is an error naming the file, not a report of half of it")
  func damaged() throws {
    let whole = try Array(Data(contentsOf: URL(fileURLWithPath: Fixtures.path(Self.cores[0].path))))
    let file = try TemporaryFile(whole.prefix(whole.count / 2), suffix: ".zst")
    #expect {
      try Analyser().analyse(path: file.path)
    } throws: { error in
      guard case .compressed(let message) = error as? AnalysisError else { return false }
      return message.hasPrefix(file.path + ": zstd data after byte ") && message.contains("ends inside a frame")
    }
  }

  @Test("expanded, an input is held to the input size limit")
  func limit() throws {
    var options = AnalysisOptions()
    options.maximumInputSize = 50_000
    #expect {
      try Analyser(options: options).analyse(path: Fixtures.path(Self.cores[1].path))
    } throws: { error in
      guard case .compressed(let message) = error as? AnalysisError else { return false }
      return message.contains("over the limit of 50000 bytes")
    }
  }

  @Test("compressed bytes on standard input: refused with the command that expands them", arguments: [
    ("zstd", [UInt8]([0x28, 0xB5, 0x2F, 0xFD, 0x04, 0x58])), ("xz", [0xFD, 0x37, 0x7A, 0x58, 0x5A, 0x00]),
    ("gzip", [0x1F, 0x8B, 0x08, 0x00, 0x00, 0x00]), ("lz4", [0x04, 0x22, 0x4D, 0x18, 0x64, 0x40]),
  ])
  func standardInput(format: String, magic: [UInt8]) {
    let kind = (magic + [UInt8](repeating: 0x41, count: 100)).withUnsafeBytes { InputSniffer.sniff($0) }
    guard case .unrecognised(let reason, let offset) = kind else {
      Issue.record("\(format): \(kind)")
      return
    }
    #expect(offset == 0 && reason.hasPrefix("\(format)-compressed data") && reason.contains("\(format) -dc"))
  }
}
