//===--- ReferenceAnswerTests.swift - Lookups against minidump_stackwalk ----===//
//
// Breakpad's own `minidump_stackwalk` resolved the four frames of minidump2.dmp
// with these symbol files; every FUNC, line and PUBLIC answer must agree with
// what it printed (function, file, line, and the offset it shows).
//
//===----------------------------------------------------------------------===//

import BreakpadSymbols
import CrashCore
import CrashTestSupport
import Foundation
import Testing

@Suite("Breakpad reference answers", .enabled(if: SharedFixtures.has("fixtures/breakpad"), "needs ../shared/fixtures/breakpad beside the checkout"))
struct ReferenceAnswerTests {
  struct ReferenceFrame {
    var index: Int
    var module: String
    var function: String
    var file: String
    var line: String
    var offset: UInt64
    var eip: UInt64
  }

  /// Frames of `minidump2.stackwalk.machine_readable.out` with the eip values of the human output.
  static func referenceFrames() throws -> (frames: [ReferenceFrame], bases: [String: UInt64]) {
    let human = try String(contentsOfFile: SharedFixtures.path("fixtures/breakpad/minidump2.stackwalk.out"), encoding: .utf8)
    let machine = try String(
      contentsOfFile: SharedFixtures.path("fixtures/breakpad/minidump2.stackwalk.machine_readable.out"), encoding: .utf8)
    var eips: [UInt64] = []
    var bases: [String: UInt64] = [:]
    for line in human.split(separator: "\n") {
      if let range = line.range(of: "eip = 0x") {
        let digits = line[range.upperBound...].prefix { $0.isHexDigit }
        eips.append(try #require(UInt64(digits, radix: 16)))
      }
      let fields = line.split(separator: " ", omittingEmptySubsequences: true)
      if fields.count >= 4, fields[0].hasPrefix("0x"), fields[1] == "-" {
        bases[String(fields[3])] = UInt64(fields[0].dropFirst(2), radix: 16)
      }
    }
    var frames: [ReferenceFrame] = []
    for line in machine.split(separator: "\n") where line.hasPrefix("0|") {
      let fields = line.split(separator: "|", omittingEmptySubsequences: false).map(String.init)
      let index = try #require(Int(fields[1]))
      frames.append(
        ReferenceFrame(
          index: index, module: fields[2], function: fields[3], file: fields[4], line: fields[5],
          offset: try #require(UInt64(fields[6].dropFirst(2), radix: 16)), eip: eips[index]))
    }
    return (frames, bases)
  }

  static func symbolFile(forModule module: String) throws -> String {
    let debugFile = module.split(separator: ".").dropLast().joined(separator: ".") + ".pdb"
    let directory = SharedFixtures.path("fixtures/breakpad/symbols/" + debugFile)
    let identifiers = try FileManager.default.contentsOfDirectory(atPath: directory)
    let stem = debugFile.dropLast(4)
    return "\(directory)/\(try #require(identifiers.first))/\(stem).sym"
  }

  @Test("every frame of minidump2 resolves as minidump_stackwalk printed it")
  func minidump2Frames() throws {
    let (frames, bases) = try Self.referenceFrames()
    #expect(frames.count == 4)
    for frame in frames {
      let symbols = try BreakpadSymbolFile(path: try Self.symbolFile(forModule: frame.module))
      let base = try #require(bases[frame.module])
      // Caller frames are looked up at the return address minus one (x86).
      let lookupAddress = frame.eip - base - (frame.index == 0 ? 0 : 1)
      let answer = try #require(symbols.lookup(lookupAddress), "frame \(frame.index)")
      #expect(answer.function.name == frame.function, "frame \(frame.index)")
      #expect(answer.inlinedFrames.isEmpty)
      if frame.line.isEmpty {
        #expect(answer.kind == .publicSymbol)
        #expect(answer.sourceLine == nil)
        #expect(frame.eip - base - answer.functionStart == frame.offset, "frame \(frame.index)")
      } else {
        #expect(answer.kind == .function)
        #expect(answer.function.file == frame.file, "frame \(frame.index)")
        #expect(answer.function.line.map(String.init) == frame.line, "frame \(frame.index)")
        let lineStart = try #require(answer.lineStart)
        #expect(frame.eip - base - lineStart == frame.offset, "frame \(frame.index)")
      }
    }
  }

  @Test("FUNC records carry size and parameter size; PUBLIC records parameter size")
  func functionExtents() throws {
    let symbols = try BreakpadSymbolFile(path: try Self.symbolFile(forModule: "test_app.exe"))
    let main = try #require(symbols.lookup(0x41b0))
    #expect(main.function.name == "main")
    #expect(main.functionStart == 0x41b0)
    #expect(main.functionSize == 0x86)
    #expect(main.parameterSize == 8)
    #expect(symbols.module?.debugIdentifier == "5A9832E5287241C1838ED98914E9B7FF1")
    #expect(symbols.module?.debugFile == "test_app.pdb")
    #expect(symbols.module?.architecture == "x86")
    #expect(symbols.isCorrupt == false)
    #expect(symbols.diagnostics.filter { $0.severity == .error }.isEmpty)

    let kernel32 = try BreakpadSymbolFile(path: try Self.symbolFile(forModule: "kernel32.dll"))
    let start = try #require(kernel32.lookup(0x16fb4 + 0x22))
    #expect(start.function.name == "BaseProcessStart")
    #expect(start.parameterSize == 4)
    #expect(start.functionSize == nil)
  }

  @Test("STACK WIN records: frame data with its program string, FPO with its sizes")
  func windowsFrameInfo() throws {
    let symbols = try BreakpadSymbolFile(path: try Self.symbolFile(forModule: "test_app.exe"))
    let frameData = try #require(symbols.windowsFrameInfo(at: 0x41b0 + 0x10))
    #expect(frameData.kind == .frameData)
    #expect(frameData.address == 0x41b0)
    #expect(frameData.codeSize == 0x86)
    #expect(frameData.prologueSize == 0x13)
    #expect(frameData.localSize == 0xe0)
    #expect(frameData.programString?.hasPrefix("$T0 $ebp = $eip $T0 4 + ^ = ") == true)

    let kernel32 = try BreakpadSymbolFile(path: try Self.symbolFile(forModule: "kernel32.dll"))
    // 0x97b6 has only an FPO record (`STACK WIN 0 97b6 f 0 0 8 0 0 0 0 0`).
    let fpo = try #require(kernel32.windowsFrameInfo(at: 0x97b6 + 0xe))
    #expect(fpo.kind == .fpo)
    #expect(fpo.codeSize == 0xf)
    #expect(fpo.parameterSize == 8)
    #expect(fpo.programString == nil)
    #expect(fpo.allocatesBasePointer == false)
    // Where frame data and FPO both cover an address, frame data wins (as in Breakpad).
    #expect(kernel32.windowsFrameInfo(at: 0x17826)?.kind == .frameData)
  }
}
