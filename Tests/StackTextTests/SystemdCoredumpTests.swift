//===--- SystemdCoredumpTests.swift - coredumpctl info's stack traces ---------===//
//
// The fixture (Tests/Fixtures/pastes/coredumpctl-info.txt) is composed in the
// layout systemd-coredump's message has in `coredumpctl info` (the README says
// which parts).
//
//===----------------------------------------------------------------------===//

import CrashCore
import CrashTestSupport
import Foundation
@testable import StackText
import Testing

@Suite("systemd-coredump reports")
struct SystemdCoredumpTests {
  @Test("coredumpctl info: the signal, each thread's rows (the first crashed), the modules' build ids, the processor")
  func info() throws {
    let report = decodeReport(try String(contentsOfFile: Fixtures.path("pastes/coredumpctl-info.txt"), encoding: .utf8))
    #expect(report.stacks.map(\.label) == ["thread 12239", "thread 12236"])
    #expect(report.stacks.map(\.isCrashed) == [true, false] && report.stacks.allSatisfy { $0.format == .systemdCoredump })
    #expect(report.stacks.allSatisfy { $0.architecture == .amd64 })
    #expect(report.exception?.code.rawValue == 11 && report.exception?.description == "SIGSEGV" && report.exception?.threadID == 12239)
    let frames = report.stacks[0].frames
    #expect(frames.map { $0.symbol?.function ?? "-" } == ["journal_append", "writer", "start_thread", "__clone3"])
    #expect(frames.map { $0.symbol?.module ?? "-" } == ["ledger_threads", "ledger_threads", "libc.so.6", "libc.so.6"])
    // The pc, then return addresses looked up one byte back.
    #expect(frames[0].instruction?.rawValue == 0x55bf_65a3_021f && frames[0].returnAddress?.rawValue == 0x55bf_65a3_02d7)
    let program = try #require(report.modules.first { $0.name == "ledger_threads" })
    #expect(program.base.rawValue == 0x55bf_65a2_f000 && program.path == "/home/dev/ledger/ledger_threads")
    #expect(program.buildID == "ebddc498beecb9053e916ac3f7486e46e6a4e61f")
    let libc = try #require(report.modules.first { $0.name == "libc.so.6" })
    #expect(libc.base.rawValue == 0x7f04_9188_8000 && libc.debugIdentifier == "EC61AC938E5A39B16F9FBD350E3169A50")
  }

  @Test("the module lines of systemd's releases", arguments: [
    ("Module libc.so.6 with build-id 93ac61ec5a8eb1396f9fbd350e3169a558528a40", "libc.so.6", "93ac61ec5a8eb1396f9fbd350e3169a558528a40"),
    ("Found module linux-vdso.so.1 with build-id: 3e2a4b5c6d7e8f9011223344556677889900aabb", "linux-vdso.so.1", "3e2a4b5c6d7e8f9011223344556677889900aabb"),
    ("Module /usr/bin/ledger, build-id=ebddc498beecb9053e916ac3f7486e46e6a4e61f", "/usr/bin/ledger", "ebddc498beecb9053e916ac3f7486e46e6a4e61f"),
    ("Module libc.so.6 from rpm glibc-2.38-16.fc39.x86_64", "libc.so.6", nil),
    ("Module /opt/ledger/plugin.so without build-id.", "/opt/ledger/plugin.so", nil),
  ] as [(String, String, String?)])
  func moduleLines(text: String, name: String, buildID: String?) throws {
    let file = name.split(separator: "/").last.map(String.init) ?? name
    let report = decodeReport("\(text)\nStack trace of thread 7:\n#0  0x00007f0000001000 ledger_close (\(file) + 0x1000)\n")
    #expect(report.stacks.first?.frames.first?.symbol?.module == file)
    let module = report.modules.first { $0.name == file }
    #expect(module?.buildID == buildID)
    if buildID != nil {
      #expect(module?.base.rawValue == 0x7f00_0000_0000 && module?.path == (name.hasPrefix("/") ? name : nil))
    }
  }

  @Test("journalctl's view: the first line behind the journal's prefix, the rest indented under it")
  func journal() {
    let pad = String(repeating: " ", count: 52)
    let text = """
      Dec 07 09:46:02 ledger-dev systemd-coredump[12240]: Process 12236 (ledger_threads) of user 1000 dumped core.
      \(pad)
      \(pad)Module libc.so.6 with build-id 93ac61ec5a8eb1396f9fbd350e3169a558528a40
      \(pad)Stack trace of thread 12239:
      \(pad)#0  0x00007f04919111f5 start_thread (libc.so.6 + 0x891f5)
      \(pad)#1  0x00007f04919918ec __clone3 (libc.so.6 + 0x1098ec)
      \(pad)ELF object binary architecture: AMD x86-64
      Dec 07 09:46:03 ledger-dev systemd[1]: systemd-coredump@0-12240-0.service: Deactivated successfully.
      """
    let report = decodeReport(text)
    #expect(report.stacks.count == 1 && report.stacks[0].frames.count == 2 && report.stacks[0].architecture == .amd64)
    #expect(report.modules.first?.buildID == "93ac61ec5a8eb1396f9fbd350e3169a558528a40")
  }

  @Test("not systemd's", arguments: ["Module loaded.\n", "Signal: 11 (segv)\n", "Stack trace of thread main:\nfoo\n"])
  func notSystemd(text: String) {
    #expect(decodeReport(text).stacks.isEmpty)
  }
}
