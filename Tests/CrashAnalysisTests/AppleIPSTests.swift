//===--- AppleIPSTests.swift - Apple crash reports in their JSON form ---------===//
//
// The `.ips` fixture is composed (Tests/Fixtures/apple/README.md); the damaged
// ones below check that a file that opens as an `.ips` and is not one is an
// error with its byte offset, never a crash.
//
//===----------------------------------------------------------------------===//

import CrashAnalysis
import CrashCore
import CrashTestSupport
import Foundation
import Testing

@Suite("Apple .ips crash reports")
struct AppleIPSTests {
  @Test("threads, the triggered one, inlined frames, registers and images as modules with their UUIDs")
  func iceReport() throws {
    let report = try Analyser().analyse(path: Fixtures.path("apple/ice-arm64.ips"))
    #expect(report.input.kind == .appleIPS)
    #expect(report.threads.map(\.label) == ["Thread 0 (com.apple.main-thread)", "Thread 1 (com.apple.NSEventThread)"])
    #expect(report.threads.map(\.isCrashed) == [true, false])
    #expect(report.threads.allSatisfy { $0.architecture == .arm64 && $0.format == .appleCrashReport })
    let exception = try #require(report.exception)
    #expect(exception.code.rawValue == 1 && exception.address?.rawValue == 0x10)
    #expect(exception.description == "EXC_BAD_ACCESS (SIGSEGV) / KERN_INVALID_ADDRESS")
    let frames = report.threads[0].frames
    #expect(frames.map(\.isInlined) == [true, false, false, false])
    #expect(frames[0].symbol?.function == "MenuBarManager.update()" && frames[0].sourceLine == SourceLine(file: "MenuBarManager.swift", line: 88))
    // A frame's pc is its image's base and offset; a caller's is its return address.
    #expect(frames[1].instruction?.rawValue == 0x1_021f_3a5c && frames[0].instruction == frames[1].instruction)
    #expect(frames[1].returnAddress?.rawValue == 0x1_8d77_e3e8 && frames[2].instruction?.rawValue == 0x1_8d77_e3e4)
    #expect(frames[2].symbol?.module == "libdispatch.dylib" && frames[2].symbol?.offset == 32)
    // An unnamed frame: its module and the offset in it.
    #expect(report.threads[1].frames[1].symbol?.moduleOffset == 77864)
    guard case .arm64(let registers)? = report.threads[0].context else {
      Issue.record("no arm64 registers")
      return
    }
    #expect(registers[.pc] == 0x1_021f_3a5c && registers[.x2] == 16)
    let ice = try #require(report.modules.first { $0.name == "Ice" })
    #expect(ice.base.rawValue == 0x1_021e_8000 && ice.size == 0x20000 && ice.version == "0.9")
    #expect(ice.debugIdentifier == "2CDBE1CF7F3A3AE0A53FFE8B85D038BE0")
    #expect(report.system.first { $0.key == "OS Version" }?.value == "macOS 14.1 (23B74)")
    #expect(report.system.first { $0.key == "Process" }?.value == "Ice [4242]")
  }

  @Test("an uncaught NSException: its backtrace is the crashed stack, its name and reason and the asi lines kept")
  func uncaughtException() throws {
    let report = try Analyser().analyse(path: Fixtures.path("apple/ledger-nsexception-arm64.ips"))
    #expect(report.threads.map(\.label) == [
      "Last Exception Backtrace", "Thread 0 (com.apple.main-thread)", "Thread 1 (com.apple.uikit.eventfetch-thread)",
    ])
    // The thread that aborted keeps its registers but is not the crash: every uncaught
    // exception's abort looks the same.
    #expect(report.threads.map(\.isCrashed) == [true, false, false])
    #expect(report.threads[1].context != nil)
    let frames = report.threads[0].frames
    #expect(frames.map { $0.symbol?.function } == [
      "__exceptionPreprocess", "objc_exception_throw", "-[__NSArrayI objectAtIndex:]",
      "-[LedgerTableController tableView:cellForRowAtIndexPath:]",
      "-[UITableView _createPreparedCellForGlobalRow:withIndexPath:willDisplay:]", "main",
    ])
    #expect(frames[3].sourceLine == SourceLine(file: "LedgerTableController.m", line: 118))
    #expect(frames[0].instruction?.rawValue == 0x1_8009_b2a8)
    #expect(report.system.first { $0.key == "Objective-C exception" }?.value
      == "NSRangeException: *** -[__NSArrayI objectAtIndex:]: index 5 beyond bounds [0 .. 2]")
    #expect(report.system.filter { $0.key == "Application Specific Information" }.map(\.value) == [
      "libsystem_c.dylib: abort() called"
    ])
    // Bucketed by the code that threw, not by `abort`: the raising frames are irrelevant, the
    // collection's accessor a prefix.
    #expect(BundledPlugins.pipeline().classify(report).signature
      == "-[__NSArrayI objectAtIndex:] | -[LedgerTableController tableView:cellForRowAtIndexPath:]")
  }

  @Test("asi lines name their image; a C++ exception's type and message come from libc++abi's line")
  func applicationSpecificLines() throws {
    let header = #"{"app_name":"Tally","bug_type":"309","os_version":"macOS 14.1 (23B74)","name":"Tally"}"#
    let body = #"""
      {"procName":"Tally","cpuType":"X86-64","exception":{"type":"EXC_CRASH","signal":"SIGABRT"},
       "asi":{"libc++abi.dylib":["terminating due to uncaught exception of type std::out_of_range: vector"],
              "libsystem_c.dylib":["abort() called"]},
       "threads":[{"triggered":true,"frames":[]}],"usedImages":[]}
      """#
    let file = try TemporaryFile(text: header + "\n" + body, suffix: ".ips")
    let report = try Analyser().analyse(path: file.path)
    #expect(report.system.filter { $0.key == "Application Specific Information" }.map(\.value) == [
      "libc++abi.dylib: terminating due to uncaught exception of type std::out_of_range: vector",
      "libsystem_c.dylib: abort() called",
    ])
    #expect(report.system.first { $0.key == "C++ exception" }?.value == "std::out_of_range: vector")
    // No exception backtrace: the triggered thread stays the crashed one.
    #expect(report.threads.map(\.isCrashed) == [true])
  }

  @Test("an .ips whose JSON breaks is an error naming the byte", arguments: [
    ("{\"bug_type\":\"309\",\"name\":\"Ice\"}\n{\"threads\": [1, 2,", "its body is not JSON"),
    ("{\"bug_type\":\"309\",\"name\":\"Ice\"\n{}", "its header is not JSON"),
    ("{\"bug_type\":\"309\",\"name\":\"Ice\"}\n{\"cpuType\":\"ARM-64\"}", "its body has no threads"),
  ])
  func damaged(_ text: String, _ reason: String) throws {
    let file = try TemporaryFile(text: text, suffix: ".ips")
    #expect {
      _ = try Analyser().analyse(path: file.path)
    } throws: { error in
      let message = String(describing: error)
      return message.contains(reason) && message.contains(file.path) && message.contains("damaged Apple crash report (.ips) at byte")
    }
  }

  @Test("an .ips past 64 MiB is refused by its size, not parsed")
  func tooLarge() throws {
    var text = "{\"bug_type\":\"309\"}\n{\"threads\":[" + String(repeating: "[]", count: 1)
    text += String(repeating: " ", count: (64 << 20)) + "]}"
    let file = try TemporaryFile(text: text, suffix: ".ips")
    #expect(throws: AnalysisError.tooLarge(path: file.path, size: text.utf8.count, limit: (64 << 20))) {
      _ = try Analyser().analyse(path: file.path)
    }
  }

  @Test("frames whose image index, offsets or values are out of range are kept without addresses")
  func hostileValues() throws {
    let text = """
      {"bug_type":"309"}
      {"cpuType":"X86-64","threads":[{"triggered":true,"frames":[{"imageIndex":7,"imageOffset":12},{"imageIndex":0,"imageOffset":-5},{"imageIndex":0,"imageOffset":1e30}]}],
       "usedImages":[{"base":9223372036854775807,"name":"x"}]}
      """
    let file = try TemporaryFile(text: text, suffix: ".ips")
    let report = try Analyser().analyse(path: file.path)
    let frames = try #require(report.threads.first).frames
    #expect(frames.count == 3 && frames.allSatisfy { $0.instruction == nil })
  }
}
