//===--- ExampleTests.swift - The bundled examples decode as the issue says --===//

import CrashAnalysis
import CrashCore
import CrashTestSupport
import Testing

@Suite("Bundled examples")
struct ExampleTests {
  static func example(_ name: String) throws -> CrashReport {
    try Analyser().analyse(path: Fixtures.repositoryRoot + "/Examples/\(name)/drwtsn32.log")
  }

  @Test("Q276222: nine x86 frames, otpmralt+0x25 on top, the article's parameters")
  func q276222Stack() throws {
    let report = try Self.example("Q276222")
    #expect(report.stacks.count == 1)
    let stack = try #require(report.stacks.first)
    #expect(stack.architecture == .x86)
    #expect(stack.frames.count == 9)
    let top = stack.frames[0]
    #expect(top.symbol?.displayText == "EMSMTA!otpmralt+0x25")
    #expect(top.parameters == [0xCFFA_119E, 0x07AD_9838, 0x0069_578C])
    #expect(stack.frames.last?.symbol?.displayText == "KERNEL32!BaseThreadStart+0x51")
    #expect(stack.frames.dropLast().allSatisfy { $0.symbol?.module == "EMSMTA" })
    #expect(report.exception?.code == .accessViolation)
  }

  @Test("Q276222: the events 9202 and 9405 with their text")
  func q276222Events() throws {
    let report = try Self.example("Q276222")
    #expect(report.events.map(\.id) == [9202, 9405])
    #expect(report.events[0].description?.hasPrefix("A sockets error 0 on an accept() call was detected.") == true)
    #expect(report.events[0].description?.hasSuffix("[BASE IL TCP/IP DRVR 8 256] (12)") == true)
    #expect(report.events[1].description?.contains("Failed to find socket, result=14, count=63.") == true)
    #expect(report.events.allSatisfy { $0.source == "MSExchangeMTA" })
  }

  @Test("Q276222: the module list places EMSMTA and the return addresses inside it")
  func q276222Modules() throws {
    let report = try Self.example("Q276222")
    let emsmta = try #require(report.modules.first { $0.stem.lowercased() == "emsmta" })
    #expect(emsmta.base == Address(0x0040_0000))
    let stack = try #require(report.stacks.first)
    for frame in stack.frames.dropLast(2) {
      #expect(emsmta.contains(try #require(frame.returnAddress)))
    }
  }

  @Test("Alpha: Alpha registers, Alpha frames, lookups at ra - 4")
  func alphaLog() throws {
    let report = try Self.example("Alpha")
    let stack = try #require(report.stacks.first)
    #expect(stack.architecture == .alpha)
    #expect(stack.frames.count == 11)
    guard case .alpha(let registers) = stack.context else {
      Issue.record("the state dump's registers are not Alpha's: \(String(describing: stack.context))")
      return
    }
    let ra = try #require(registers[.intRa])
    let sp = try #require(registers[.intSp])
    let fir = try #require(registers[.fir])
    #expect(ra == 0x0207_D464)
    #expect(sp == 0x11EB_F820)
    #expect(fir == 0x0210_ACD0)
    // Frame 0 runs at the faulting PC; every caller at the previous frame's return address - 4.
    #expect(stack.frames[0].instruction == Address(fir))
    #expect(stack.frames[0].returnAddress == Address(ra))
    #expect(stack.frames[0].framePointer == Address(sp))
    for (callee, caller) in zip(stack.frames, stack.frames.dropFirst()) where (callee.returnAddress?.rawValue ?? 0) != 0 {
      #expect(caller.instruction?.rawValue == callee.returnAddress!.rawValue - 4)
    }
    #expect(stack.fault?.address == Address(fir))
    #expect(stack.stackMemory.first?.bytes.count == 320)
    #expect(report.exception?.address == Address(fir))
  }
}

extension CrashReport {
  /// The threads that hold frames.
  var stacks: [CrashThread] { threads.filter { !$0.frames.isEmpty } }
}
