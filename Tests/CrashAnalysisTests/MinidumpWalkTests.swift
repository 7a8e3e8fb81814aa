//===--- MinidumpWalkTests.swift - minidump2.dmp as minidump_stackwalk saw it -===//
//
// Reading, walking (STACK WIN frame data from the fixture symbols) and
// symbolicating Breakpad's minidump2.dmp must give the frames of
// minidump2.stackwalk.out: registers, module, function, file, line, offset and
// "found by" per frame, and the same crash reason, address, OS, CPU, modules.
//
//===----------------------------------------------------------------------===//

import CrashAnalysis
import CrashCore
import CrashTestSupport
import Foundation
import Symbolication
import Testing

@Suite("Minidump walking against minidump_stackwalk", .enabled(if: SharedFixtures.has("fixtures/breakpad"), "needs ../shared/fixtures/breakpad beside the checkout"))
struct MinidumpWalkTests {
  struct ExpectedFrame {
    var registers: [String: UInt64] = [:]
    var foundBy = ""
  }

  /// `eip = 0x…` registers and `Found by:` per frame of the human-readable output.
  static func expectedFrames() throws -> [ExpectedFrame] {
    let text = try String(contentsOfFile: SharedFixtures.path("fixtures/breakpad/minidump2.stackwalk.out"), encoding: .utf8)
    var frames: [ExpectedFrame] = []
    for line in text.split(separator: "\n") {
      let trimmed = line.drop { $0 == " " }
      if let first = trimmed.first, first.isNumber, trimmed.contains("!") { frames.append(ExpectedFrame()) }
      guard !frames.isEmpty else { continue }
      if trimmed.hasPrefix("Found by: ") {
        frames[frames.count - 1].foundBy = String(trimmed.dropFirst("Found by: ".count))
      }
      let fields = trimmed.split(separator: " ")
      var index = 0
      while index + 2 < fields.count {
        if fields[index + 1] == "=", fields[index + 2].hasPrefix("0x") {
          frames[frames.count - 1].registers[String(fields[index])] = UInt64(fields[index + 2].dropFirst(2), radix: 16)
          index += 3
        } else {
          index += 1
        }
      }
    }
    return frames
  }

  static func report() throws -> CrashReport {
    let store = SymbolStore(roots: [SharedFixtures.path("fixtures/breakpad/symbols")])
    let report = try Analyser().analyse(
      path: SharedFixtures.path("fixtures/breakpad/minidump2.dmp"), unwindData: StoreUnwindData(store: store))
    return Symbolicator(store: store).symbolicate(report)
  }

  @Test("the four frames: registers, names, files, lines, offsets, how found")
  func frames() throws {
    let report = try Self.report()
    let thread = try #require(report.crashedThread)
    #expect(thread.isCrashed)
    #expect(thread.id == 0xbf4)
    let expected = try Self.expectedFrames()
    let machine = try ReferenceAnswerLines.machineReadable()
    #expect(thread.frames.count == expected.count)
    #expect(thread.frames.count == 4)
    for (index, (frame, theirs)) in zip(thread.frames, expected).enumerated() {
      guard case .x86(let registers) = frame.context else {
        Issue.record("frame \(index) has no x86 registers")
        continue
      }
      for (name, value) in theirs.registers {
        guard let register = X86Register.allCases.first(where: { $0.name == name }) else { continue }
        #expect(registers[register] == value, "frame \(index) \(name)")
      }
      #expect(frame.trust.breakpadPhrase == theirs.foundBy, "frame \(index)")
      let resolution = try #require(frame.resolution, "frame \(index)")
      let row = machine[index]
      #expect(resolution.module + "." + "exe" == row.module || resolution.module + ".dll" == row.module, "frame \(index)")
      #expect(resolution.lookup.function.name == row.function, "frame \(index)")
      #expect((resolution.lookup.function.file ?? "") == row.file, "frame \(index)")
      #expect((resolution.lookup.function.line.map(String.init) ?? "") == row.line, "frame \(index)")
      // Breakpad's offset: from the line's start when there is a line, else from the function.
      let eip = try #require(registers[.eip])
      let module = try #require(report.modules.first { $0.stem.lowercased() == resolution.module.lowercased() })
      let base = module.base.rawValue
      let offset = resolution.lookup.lineStart.map { eip - base - $0 } ?? resolution.offset
      #expect("0x" + String(offset, radix: 16) == row.offset, "frame \(index)")
    }
  }

  @Test("minidump_stackwalk's own text, decoded, gives the walk's frames: names, instructions, return addresses, how found")
  func stackwalkTextAgreesWithWalk() throws {
    let walked = try #require(try Self.report().crashedThread)
    let decoded = try Analyser().analyse(path: SharedFixtures.path("fixtures/breakpad/minidump2.stackwalk.out"))
    let thread = try #require(decoded.crashedThread)
    #expect(thread.format == .breakpadStackwalk)
    #expect(thread.architecture == .x86)
    #expect(thread.frames.count == walked.frames.count)
    for (index, (text, walk)) in zip(thread.frames, walked.frames).enumerated() {
      #expect(text.symbol?.function == walk.resolution?.lookup.function.name, "frame \(index)")
      #expect(text.instruction == walk.instruction, "frame \(index)")
      #expect(text.returnAddress == walk.returnAddress || index == thread.frames.count - 1, "frame \(index)")
      #expect(text.trust.breakpadPhrase == walk.trust.breakpadPhrase, "frame \(index)")
    }
    #expect(decoded.exception?.code == .accessViolation)
    #expect(decoded.exception?.address == Address(0x45))
    #expect(decoded.modules.count == 13)
  }

  @Test("minidump_stackwalk -m, decoded, gives the frames, crash and modules of its human-readable output")
  func machineReadableAgreesWithText() throws {
    let text = try Analyser().analyse(path: SharedFixtures.path("fixtures/breakpad/minidump2.stackwalk.out"))
    let machine = try Analyser().analyse(path: SharedFixtures.path("fixtures/breakpad/minidump2.stackwalk.machine_readable.out"))
    let human = try #require(text.crashedThread)
    let thread = try #require(machine.crashedThread)
    #expect(thread.format == .breakpadStackwalk)
    #expect(thread.architecture == human.architecture)
    #expect(thread.label == human.label)
    #expect(thread.frames.map(\.symbol?.module) == human.frames.map(\.symbol?.module))
    #expect(thread.frames.map(\.symbol?.function) == human.frames.map(\.symbol?.function))
    #expect(thread.frames.map(\.sourceLine?.line) == human.frames.map(\.sourceLine?.line))
    #expect(thread.frames.map(\.symbol?.offset) == human.frames.map(\.symbol?.offset))
    #expect(machine.exception?.code == text.exception?.code)
    #expect(machine.exception?.address == text.exception?.address)
    #expect(machine.modules.map(\.base) == text.modules.map(\.base))
    #expect(machine.modules.map(\.end) == text.modules.map(\.end))
    // Only the machine-readable form carries the debug ids a store is asked by.
    #expect(machine.modules.allSatisfy { $0.debugIdentifier?.count == 33 })
  }

  @Test("crash reason and address, system, modules", .enabled(if: SharedFixtures.has("fixtures/breakpad"), "needs ../shared/fixtures/breakpad beside the checkout"))
  func summary() throws {
    let report = try Self.report()
    let exception = try #require(report.exception)
    #expect(exception.description == "EXCEPTION_ACCESS_VIOLATION_WRITE")
    #expect(exception.address == Address(0x45))
    #expect(report.system.first { $0.key == "Operating system" }?.value == "Windows NT 5.1.2600 Service Pack 2")
    #expect(report.system.first { $0.key == "CPU" }?.value == "x86 GenuineIntel family 6 model 13 stepping 8")
    #expect(report.modules.count == 13)
    let text = try String(contentsOfFile: SharedFixtures.path("fixtures/breakpad/minidump2.stackwalk.out"), encoding: .utf8)
    // "0x7c800000 - 0x7c8f3fff  kernel32.dll  5.1.2600.2945": base, last byte, name, version.
    for line in text.split(separator: "\n") where line.hasPrefix("0x") {
      let fields = line.split(separator: " ", omittingEmptySubsequences: true)
      let base = try #require(UInt64(fields[0].dropFirst(2), radix: 16))
      let module = try #require(report.modules.first { $0.base.rawValue == base }, "module at \(fields[0])")
      #expect(module.end?.rawValue == UInt64(fields[2].dropFirst(2), radix: 16)! + 1)
      #expect(MinidumpName.last(module.name).lowercased() == fields[3].lowercased())
      if fields[4] != "???" { #expect(module.version == String(fields[4])) }
    }
  }
}

/// The machine-readable reference rows: `0|n|module|function|file|line|offset`.
enum ReferenceAnswerLines {
  struct Row {
    var module, function, file, line, offset: String
  }

  static func machineReadable() throws -> [Row] {
    let text = try String(
      contentsOfFile: SharedFixtures.path("fixtures/breakpad/minidump2.stackwalk.machine_readable.out"), encoding: .utf8)
    return text.split(separator: "\n").filter { $0.hasPrefix("0|") }.map { line in
      let fields = line.split(separator: "|", omittingEmptySubsequences: false).map(String.init)
      return Row(module: fields[2], function: fields[3], file: fields[4], line: fields[5], offset: fields[6])
    }
  }
}

enum MinidumpName {
  static func last(_ path: String) -> String {
    String(path.split(whereSeparator: { $0 == "\\" || $0 == "/" }).last ?? Substring(path))
  }
}

@Suite("A Linux amd64 minidump", .enabled(if: SharedFixtures.has("fixtures/breakpad"), "needs ../shared/fixtures/breakpad beside the checkout"))
struct LinuxDumpTests {
  @Test("linux_inline.dmp: amd64 context, ELF build id as Breakpad's debug id, the inlined chain at the crash", .enabled(if: SharedFixtures.has("fixtures/breakpad"), "needs ../shared/fixtures/breakpad beside the checkout"))
  func linuxInline() throws {
    let store = SymbolStore(roots: [SharedFixtures.path("fixtures/breakpad/symbols")])
    let report = Symbolicator(store: store).symbolicate(
      try Analyser().analyse(path: SharedFixtures.path("fixtures/breakpad/linux_inline.dmp"), unwindData: StoreUnwindData(store: store)))
    #expect(report.threads.first?.architecture == .amd64)
    #expect(report.system.first { $0.key == "Operating system" }?.value.hasPrefix("Linux ") == true)
    #expect(report.exception?.description == "SIGILL / ILL_ILLOPN")
    let module = try #require(report.modules.first)
    #expect(module.debugIdentifier == "BBA6FA10B8AAB33D00000000000000000")
    #expect(module.debugFile == "linux_inline")
    let top = try #require(report.threads.first?.frames.first)
    guard case .amd64(let registers) = top.context else {
      Issue.record("no amd64 registers")
      return
    }
    #expect(registers[.rip] == 0x2161b6)
    let resolution = try #require(top.resolution)
    #expect(resolution.lookup.frames.map(\.name) == ["func()", "bar()", "foo()", "main"])
    #expect(!report.diagnostics.contains { $0.message.contains("CodeView") })
  }
}
