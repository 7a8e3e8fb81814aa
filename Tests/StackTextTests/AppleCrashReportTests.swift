//===--- AppleCrashReportTests.swift - macOS and iOS crash reports ------------===//
//
// The x86-64 report is composed (Tests/Fixtures/pastes/README.md); the ARM64 one
// below follows the layout Console shows for an `.ips` file since macOS 12
// (addresses not padded, source positions after the offset, lower-case UUIDs).
//
//===----------------------------------------------------------------------===//

import CrashCore
import CrashTestSupport
import Foundation
import StackText
import Testing

@Suite("Apple crash reports")
struct AppleCrashReportTests {
  @Test("a macOS x86-64 report: threads, the crashed one, registers, images as modules with debug ids")
  func macOSReport() throws {
    let text = try String(contentsOfFile: Fixtures.path("pastes/macos-crash-x86_64.crash"), encoding: .utf8)
    let report = decodeReport(text)
    #expect(report.stacks.map(\.label) == [
      "Thread 0 (Dispatch queue: com.apple.main-thread)", "Thread 1", "Thread 2 (com.apple.NSEventThread)",
    ])
    #expect(report.stacks.map(\.isCrashed) == [true, false, false])
    #expect(report.stacks.allSatisfy { $0.format == .appleCrashReport && $0.architecture == .amd64 })
    let exception = try #require(report.exception)
    #expect(exception.code.rawValue == 1 && exception.address?.rawValue == 0x10)
    #expect(exception.description == "EXC_BAD_ACCESS (SIGSEGV) / KERN_INVALID_ADDRESS")
    let frames = report.stacks[0].frames
    // Frames carry the image's file name, whatever the column printed (a bundle identifier).
    #expect(frames.map(\.text) == [
      "Sketcher+0x2051", "Sketcher!-[SKCanvas drawRect:]+0x28a", "AppKit!_NSViewDrawRect+0x44",
      "AppKit!-[NSView(NSInternal) _recursive:displayRectIgnoringOpacity:inContext:stopAtLayerBackedViews:]+0x4a7",
      "libdyld.dylib!start+0x1",
    ])
    // Frame 0's pc is the fault's; a caller's is its return address.
    #expect(frames[0].instruction?.rawValue == 0x1_0000_2051)
    #expect(frames[0].returnAddress?.rawValue == 0x1_0000_117a && frames[1].instruction?.rawValue == 0x1_0000_1179)
    guard case .amd64(let registers)? = report.stacks[0].context else {
      Issue.record("no amd64 registers")
      return
    }
    #expect(registers[.rip] == 0x1_0000_2051 && registers[.rsp] == 0x7ffe_efbf_f240)
    let sketcher = try #require(report.modules.first { $0.name == "Sketcher" })
    #expect(sketcher.base.rawValue == 0x1_0000_0000 && sketcher.size == 0xa000)
    #expect(sketcher.debugIdentifier == "6592F45A91BE3269BF933E0C82CAE57D0" && sketcher.version == "2.1 - 210")
    #expect(report.modules.count == 5)
    #expect(report.system.first { $0.key == "OS Version" }?.value == "Mac OS X 10.14.5 (18F132)")
  }

  @Test("macOS's Application Specific Backtrace is the crashed stack; the exception's name and reason kept")
  func macOSUncaughtException() throws {
    let text = try String(contentsOfFile: Fixtures.path("pastes/macos-uncaught-exception.crash"), encoding: .utf8)
    let report = decodeReport(text)
    #expect(report.stacks.map(\.label) == ["Application Specific Backtrace 1", "Thread 0 (Dispatch queue: com.apple.main-thread)"])
    #expect(report.stacks.map(\.isCrashed) == [true, false])
    let frames = report.stacks[0].frames
    #expect(frames.count == 8)
    #expect(frames[5].text == "Sketcher!-[SKCanvas drawLabel:]+0x51" && frames[0].text == "CoreFoundation!__exceptionPreprocess+0xfa")
    #expect(report.system.filter { $0.key == "Application Specific Information" }.count == 3)
    #expect(report.system.first { $0.key == "Objective-C exception" }?.value
      == "NSInvalidArgumentException: -[__NSCFNumber length]: unrecognized selector sent to instance 0x27")
    #expect(report.system.first { $0.key == "C++ exception" } == nil)
  }

  @Test("iOS's unsymbolicated Last Exception Backtrace: each address in the image it falls in")
  func iOSAddressList() throws {
    let text = try String(contentsOfFile: Fixtures.path("pastes/ios-uncaught-exception.crash"), encoding: .utf8)
    let report = decodeReport(text)
    #expect(report.stacks.map(\.label) == ["Last Exception Backtrace", "Thread 0 (Dispatch queue: com.apple.main-thread)", "Thread 1"])
    #expect(report.stacks.map(\.isCrashed) == [true, false, false])
    let frames = report.stacks[0].frames
    #expect(frames.map(\.text) == [
      "CoreFoundation+0x12d794", "libobjc.A.dylib+0x6bcc", "CoreFoundation+0xb3a44", "Ledger+0x131c8", "Ledger+0x129f0",
      "UIKitCore+0x37040", "libdispatch.dylib+0x29a8",
    ])
    // Frame 0's pc is where the exception was raised; the callers' are return addresses.
    #expect(frames[0].instruction?.rawValue == 0x1_9624_d794 && frames[0].returnAddress?.rawValue == 0x1_95f6_fbcc)
    #expect(frames[1].instruction?.rawValue == 0x1_95f6_fbc8)  // an arm64 call is 4 bytes back
    #expect(report.system.first { $0.key == "Application Specific Information" }?.value == "abort() called")
    // The crashed thread's registers stay with it.
    #expect(report.stacks[1].context != nil)
  }

  @Test("a list a paste broke over lines, a one-line section, a second backtrace dropped")
  func brokenAddressList() {
    let report = decodeReport(
      """
      Process:             Ledger [1207]
      Code Type:           ARM-64 (Native)
      Exception Type:  EXC_CRASH (SIGABRT)
      Triggered by Thread:  0

      Application Specific Information: *** Terminating app due to uncaught exception
      'NSInternalInconsistencyException', reason: 'Invalid update: invalid number of rows'

      Last Exception Backtrace:
      (0x19624d794 0x195f6fbcc
      0x102d3b1c8 0x102d3a9f0)

      Application Specific Backtrace 2:
      0   Ledger    0x0000000102d3b1c8 0x102d28000 + 78280

      Thread 0 Crashed:
      0   libsystem_kernel.dylib        	0x0000000196021198 0x19601d000 + 16792

      Binary Images:
      0x102d28000 - 0x1032effff Ledger arm64  <48cd5fe1ee1431c4a43a4e4c0379c6e7> /private/var/Ledger.app/Ledger
      """)
    #expect(report.stacks.map(\.label) == ["Last Exception Backtrace", "Thread 0"])
    #expect(report.stacks[0].frames.map(\.text) == ["0x000000019624d794", "0x0000000195f6fbcc", "Ledger+0x131c8", "Ledger+0x129f0"])
    #expect(report.system.first { $0.key == "Objective-C exception" }?.value
      == "NSInternalInconsistencyException: Invalid update: invalid number of rows")
  }

  @Test("an ARM64 report as Console shows an .ips: source positions, inlined rows, lower-case UUIDs")
  func arm64Report() throws {
    let text = """
      Process:               Ice [4242]
      Code Type:             ARM-64 (Native)
      OS Version:            macOS 14.1 (23B74)

      Exception Type:        EXC_BREAKPOINT (SIGTRAP)
      Exception Codes:       0x0000000000000001, 0x00000001021f3a5c

      Termination Reason:    Namespace SIGNAL, Code 5 Trace/BPT trap: 5

      Triggered by Thread:  0

      Thread 0 Crashed::  Dispatch queue: com.apple.main-thread
      0   Ice                           	       0x1021f3a5c MenuBarManager.update() + 40 (MenuBarManager.swift:88) [inlined]
      1   Ice                           	       0x1021f3a5c closure #1 in MenuBarManager.start() + 96 (MenuBarManager.swift:42)
      2   libdispatch.dylib             	       0x18d67e3e8 _dispatch_call_block_and_release + 32
      3   dyld                          	       0x18d4590e0 start + 2360

      Thread 0 crashed with ARM Thread State (64-bit):
          x0: 0x0000000000000000   x1: 0x0000000000000000
         x28: 0x0000000000000000   fp: 0x000000016dc0b0d0   lr: 0x00000001021f3a30
          sp: 0x000000016dc0b090   pc: 0x00000001021f3a5c cpsr: 0x60001000
         far: 0x0000000000000000  esr: 0xf2000001 (Breakpoint) brk 1

      Binary Images:
             0x1021e8000 -        0x102207fff com.example.Ice (0.9) <2cdbe1cf-7f3a-3ae0-a53f-fe8b85d038be> /Applications/Ice.app/Contents/MacOS/Ice
             0x18d67a000 -        0x18d6c0fff libdispatch.dylib (*) <e9c0b5a1-8e3e-3d0b-9b7f-2f3c1e0e5d7a> /usr/lib/system/libdispatch.dylib
             0x18d453000 -        0x18d4e7fff dyld (*) <3d1e8c2a-4b6f-3a2e-8e1d-0c7f5b2a9e41> /usr/lib/dyld
      """
    let report = decodeReport(text)
    let stack = try #require(report.stacks.first)
    #expect(stack.architecture == .arm64 && stack.isCrashed)
    #expect(stack.frames.map(\.isInlined) == [true, false, false, false])
    #expect(stack.frames[0].sourceLine == SourceLine(file: "MenuBarManager.swift", line: 88))
    #expect(stack.frames[1].symbol?.function == "closure #1 in MenuBarManager.start()" && stack.frames[1].symbol?.offset == 96)
    // The inlined row shares the pc of the physical frame below it.
    #expect(stack.frames[0].instruction?.rawValue == 0x1_021f_3a5c && stack.frames[1].instruction?.rawValue == 0x1_021f_3a5c)
    #expect(stack.frames[2].instruction?.rawValue == 0x1_8d67_e3e8 - 4)
    #expect(report.exception?.code.rawValue == 6)
    guard case .arm64(let registers)? = stack.context else {
      Issue.record("no arm64 registers")
      return
    }
    #expect(registers[.pc] == 0x1_021f_3a5c && registers[.lr] == 0x1_021f_3a30)
    #expect(report.modules.first { $0.name == "Ice" }?.debugIdentifier == "2CDBE1CF7F3A3AE0A53FFE8B85D038BE0")
  }

  @Test("an iOS device log symbolicated on the device: `0x… + 954928 (LedgerStore.commit() + 52)` names the function")
  func iOSDeviceLog() throws {
    let text = try String(contentsOfFile: Fixtures.path("pastes/ios-device-partly-symbolicated.crash"), encoding: .utf8)
    let report = decodeReport(text)
    let stack = try #require(report.stacks.first)
    #expect(stack.isCrashed && stack.architecture == .arm64 && stack.label == "Thread 15")
    #expect(stack.frames.map { $0.symbol?.function } == [
      "LedgerStore.commit()", "LedgerStore.flush()", "_dispatch_call_block_and_release", "_pthread_wqthread",
    ])
    #expect(stack.frames.map { $0.symbol?.offset } == [52, 120, 32, 288])
    #expect(stack.frames[0].symbol?.module == "Ledger" && stack.frames[0].instruction?.rawValue == 0x1_02e1_1230)
    #expect(stack.frames[1].returnAddress == nil || stack.frames[0].returnAddress?.rawValue == 0x1_02e1_1150)
  }

  @Test("prose that shares a word with a report stays prose", arguments: [
    "Process: we restarted the service twice.\n", "Thread 3 is stuck in a loop\n",
  ])
  func prose(_ text: String) {
    let report = decodeReport(text)
    #expect(report.stacks.isEmpty && report.system.isEmpty)
  }
}
