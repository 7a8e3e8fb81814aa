//===--- AndroidTombstoneTests.swift - Android's crash dumps, as pasted ------===//
//
// Composed from the layout AOSP's debuggerd prints (libdebuggerd/tombstone.cpp,
// tombstone_proto_to_text.cpp): a 64-bit tombstone file with build ids and two
// threads, the same lines as logcat prints them (two prefix styles), an older
// 32-bit one, a backtrace pasted alone, and the sections that follow a
// backtrace (stack words with `#00` markers, memory near registers, the memory
// map), which must not become frames.
//
//===----------------------------------------------------------------------===//

import CrashCore
import CrashTestSupport
import StackText
import Testing

@Suite("Android tombstones")
struct AndroidTombstoneTests {
  static let tombstone = """
    *** *** *** *** *** *** *** *** *** *** *** *** *** *** *** ***
    Build fingerprint: 'google/sunfish/sunfish:13/TQ3A.230805.001/10316531:user/release-keys'
    Revision: 'MP1.0'
    ABI: 'arm64'
    Timestamp: 2023-09-14 10:32:11.402184730+0200
    Process uptime: 12s
    Cmdline: com.example.app
    pid: 4535, tid: 4560, name: RenderThread  >>> com.example.app <<<
    uid: 10123
    signal 11 (SIGSEGV), code 1 (SEGV_MAPERR), fault addr 0x0000000000000010
    Cause: null pointer dereference
        x0  0000000000000000  x1  0000007fd2a3c8b0  x2  0000000000000010  x3  0000000000000001
        x28 0000007fd2a3ca00  x29 0000007fd2a3c7f0
        lr  00000070e3a5b4c4  sp  0000007fd2a3c7d0  pc  00000070e3a5b4d0  pst 0000000060000000

    backtrace:
          #00 pc 000000000001b4d0  /data/app/~~Xy==/com.example.app-Ab==/lib/arm64/libnative.so (Renderer::draw(Frame const&, int)+48) (BuildId: 5d41402abc4b2a76b9719d911017c592aabbccdd)
          #01 pc 000000000001b2f8  /data/app/~~Xy==/com.example.app-Ab==/lib/arm64/libnative.so (BuildId: 5d41402abc4b2a76b9719d911017c592aabbccdd)
          #02 pc 00000000000b6a84  /apex/com.android.runtime/lib64/bionic/libc.so (__pthread_start(void*)+208) (BuildId: 2f9f0c0f7b0c1ad1e1c8e7a9b6a2d6a1)
          #03 pc 0000000000050f10  /apex/com.android.runtime/lib64/bionic/libc.so (__start_thread+64) (BuildId: 2f9f0c0f7b0c1ad1e1c8e7a9b6a2d6a1)

    stack:
             0000007fd2a3c790  0000000000000000
        #00  0000007fd2a3c7d0  0000007fd2a3c8b0
             ........  ........
    memory near x1:
        0000007fd2a3c8b0 0000000000000000 0000007fd2a3c900  ................
    memory map (2 entries):
        00000070'e3a40000-00000070'e3a5ffff r-x         0     20000  /data/app/lib/arm64/libnative.so (BuildId: 5d41402abc4b2a76b9719d911017c592aabbccdd)
    --- --- --- --- --- --- --- --- --- --- --- --- --- --- --- ---
    pid: 4535, tid: 4536, name: Signal Catcher  >>> com.example.app <<<
        x0  fffffffffffffffc  x1  0000007fd2a3c8b0
        lr  00000070e3a5b4c4  sp  0000007fd2a3c7d0  pc  00000070e3a5b4d0  pst 0000000060000000

    backtrace:
          #00 pc 00000000000a1b2c  /apex/com.android.runtime/lib64/bionic/libc.so (__rt_sigtimedwait+12) (BuildId: 2f9f0c0f7b0c1ad1e1c8e7a9b6a2d6a1)
          #01 pc 0000000000063a10  /apex/com.android.runtime/lib64/bionic/libc.so (sigtimedwait+72) (BuildId: 2f9f0c0f7b0c1ad1e1c8e7a9b6a2d6a1)

    open files:
        fd 0: /dev/null (unowned)
    """

  @Test("threads, frames, the crash, registers and modules of a 64-bit tombstone")
  func tombstoneFile() throws {
    let report = decodeReport(Self.tombstone)
    #expect(report.stacks.count == 2)
    let crashed = try #require(report.stacks.first)
    #expect(crashed.format == .androidTombstone && crashed.architecture == .arm64 && crashed.isCrashed)
    #expect(crashed.id == 4560)
    #expect(crashed.label == "Thread 4560 (RenderThread) of com.example.app")
    #expect(crashed.frames.map(\.text) == [
      "libnative.so!Renderer::draw(Frame const&, int)+0x30", "libnative.so+0x1b2fc", "libc.so!__pthread_start(void*)+0xd4",
      "libc.so!__start_thread+0x44",
    ])
    // pcs are relative to the module; a caller's is already stepped back into its call.
    #expect(crashed.frames.map { $0.instruction?.rawValue } == [0x1b4d0, 0x1b2f8, 0xb6a84, 0x50f10])
    #expect(crashed.frames.map(\.printedNumber) == [0, 1, 2, 3])
    guard case .arm64(let registers)? = crashed.context else {
      Issue.record("no arm64 registers")
      return
    }
    #expect(registers[.x1] == 0x7f_d2a3_c8b0 && registers[.fp] == 0x7f_d2a3_c7f0 && registers[.pc] == 0x70_e3a5_b4d0)
    let exception = try #require(report.exception)
    #expect(exception.code.rawValue == 11 && exception.description == "SIGSEGV / SEGV_MAPERR")
    #expect(exception.address == Address(0x10) && exception.threadID == 4560)
    let other = report.stacks[1]
    #expect(other.id == 4536 && !other.isCrashed && other.label == "Thread 4536 (Signal Catcher) of com.example.app")
    #expect(other.frames.map(\.text) == ["libc.so!__rt_sigtimedwait+0xc", "libc.so!sigtimedwait+0x4c"])
    // Each module once, with its build id and Breakpad's debug id for it.
    #expect(report.modules.map(\.name) == ["libnative.so", "libc.so"])
    #expect(report.modules[0].buildID == "5d41402abc4b2a76b9719d911017c592aabbccdd")
    #expect(report.modules[0].debugIdentifier == "2A40415D4BBC762AB9719D911017C5920")
    #expect(report.modules[0].debugFile == "libnative.so" && report.modules[0].base == Address(0))
    #expect(report.system.contains { $0.key == "ABI" && $0.value == "arm64" })
    #expect(report.system.contains { $0.key == "Cause" && $0.value == "null pointer dereference" })
  }

  @Test("the same lines behind logcat prefixes, and in pieces of any size")
  func logcat() throws {
    let lines = Self.tombstone.split(separator: "\n", omittingEmptySubsequences: false)
    let brief = lines.map { "F DEBUG   : " + $0 }.joined(separator: "\n")
    let threadtime = lines.map { "09-14 10:32:11.512  4570  4570 F DEBUG   : " + $0 }.joined(separator: "\n")
    let old = lines.map { "I/DEBUG   (  123): " + $0 }.joined(separator: "\n")
    let expected = decodeReport(Self.tombstone).stacks.map { $0.frames.map(\.text) }
    for text in [brief, threadtime, old] {
      let report = decodeReport(text)
      #expect(report.stacks.map { $0.frames.map(\.text) } == expected)
      #expect(report.stacks.first?.architecture == .arm64)
      #expect(report.exception?.description == "SIGSEGV / SEGV_MAPERR")
    }
    #expect(decodeReport(threadtime, chunkSize: 7).stacks.map { $0.frames.map(\.text) } == expected)
  }

  @Test("the composed logcat paste: six frames with C++ names, the SIGSEGV, and nothing from the stack section")
  func logcatPaste() throws {
    let report = decodeReport(try String(contentsOfFile: Fixtures.path("pastes/android-tombstone-logcat.txt"), encoding: .utf8))
    #expect(report.stacks.count == 1)
    let stack = try #require(report.stacks.first)
    #expect(stack.architecture == .arm && stack.id == 2490)
    #expect(stack.frames.map(\.text) == [
      "libc.so!memcpy+0x34", "libviewer.so!Texture::upload(unsigned char const*, int)+0x42",
      "libviewer.so!Renderer::frame()+0xc0", "libviewer.so!Java_com_example_viewer_Native_frame+0x8",
      "libart.so!art_quick_generic_jni_trampoline+0x2a", "libart.so!art_quick_invoke_stub_internal+0x48",
    ])
    #expect(report.exception?.description == "SIGSEGV / SEGV_ACCERR" && report.exception?.address == Address(0xa1b2_c3d4))
    guard case .arm(let registers)? = stack.context else {
      Issue.record("no ARM registers")
      return
    }
    #expect(registers[.r11] == 0xb1f7_eb20 && registers[.sp] == 0xb1f7_e9f8)
  }

  @Test("other logcat tags between a tombstone's lines are not its, and do not end it")
  func interleaved() throws {
    let text = """
      09-14 10:32:11.512  4570  4570 F DEBUG   : ABI: 'arm'
      09-14 10:32:11.512  4570  4570 F DEBUG   : pid: 31, tid: 31, name: app  >>> /system/bin/app <<<
      09-14 10:32:11.513  1000  1021 I ActivityManager: Process com.example (pid 31) has died
      09-14 10:32:11.514  4570  4570 F DEBUG   : backtrace:
      09-14 10:32:11.514  4570  4570 F DEBUG   :     #00 pc 0004af4c  /system/lib/libc.so (tgkill+12)
      09-14 10:32:11.514  4570  4570 F DEBUG   :     #01 pc 000479bd  /system/lib/libc.so (pthread_kill+32)
      """
    let stack = try #require(decodeReport(text).stacks.first)
    #expect(stack.architecture == .arm && stack.id == 31)
    #expect(stack.frames.map(\.text) == ["libc.so!tgkill+0xc", "libc.so!pthread_kill+0x22"])
  }

  @Test("an older 32-bit tombstone: r0–cpsr registers, `fault addr --------`, an APK offset, unknown maps")
  func older32Bit() throws {
    let report = decodeReport(
      """
      Build fingerprint: 'samsung/j5lte/j5lte:6.0.1/MMB29M/J500FXXU1BPK1:user/release-keys'
      Revision: '0'
      ABI: 'arm'
      pid: 12002, tid: 12002, name: example.app  >>> com.example.app <<<
      signal 6 (SIGABRT), code -6 (SI_TKILL), fault addr --------
      Abort message: 'Check failed: buffer != nullptr. '
          r0 00000000  r1 00002ee2  r2 00000006  r3 00000000
          r4 b6f4d800  r5 00000006  r6 b6f4d7a4  r7 0000010c
          ip 00000000  sp be8f3a08  lr b6e7d9c1  pc b6ea8f4c  cpsr 200e0010

      backtrace:
          #00 pc 0004af4c  /system/lib/libc.so (tgkill+12)
          #01 pc 00012a57  /data/app/com.example.app-1/base.apk (offset 0x1e7000) (Java_com_example_Native_run+22)
          #02 pc 000ab7c3  <unknown>
          #03 pc 00b4a7d1  [anon:dalvik-jit-code-cache]
      Something after the tombstone
      """)
    let stack = try #require(report.stacks.first)
    #expect(stack.architecture == .arm)
    #expect(stack.frames.map(\.text) == [
      "libc.so!tgkill+0xc", "base.apk!Java_com_example_Native_run+0x18", "0x000ab7c3", "0x00b4a7d1",
    ])
    #expect(report.exception?.description == "SIGABRT / SI_TKILL" && report.exception?.address == nil)
    #expect(report.system.contains { $0.key == "Abort message" && $0.value == "Check failed: buffer != nullptr. " })
    guard case .arm(let registers)? = stack.context else {
      Issue.record("no ARM registers")
      return
    }
    #expect(registers[.r12] == 0 && registers[.pc] == 0xb6ea_8f4c && registers[.cpsr] == 0x200e_0010)
    #expect(report.modules.map(\.name) == ["libc.so", "base.apk"])
    #expect(report.modules.allSatisfy { $0.debugIdentifier == nil })
  }

  @Test("a backtrace pasted alone decodes; a kd listing after a tombstone still does")
  func pastedAlone() throws {
    let report = decodeReport(
      """
      the crash from the bug report:
          #00 pc 000000000004e8c8  /apex/com.android.runtime/lib64/bionic/libc.so (abort+164)
          #01 pc 0000000000005c2d  /data/app/lib/arm64/libnative.so (Java_com_example_crash+20)

      and the Windows side:
      ChildEBP RetAddr
      0012ff80 00401234 app!main+0x14
      0012ffc0 7c816fd7 app!mainCRTStartup+0xe3
      """)
    #expect(report.stacks.count == 2)
    #expect(report.stacks.first?.format == .androidTombstone)
    // No ABI line: the architecture is unknown, and a caller's offset is shown as printed.
    #expect(report.stacks.first?.frames.map(\.text) == ["libc.so!abort+0xa4", "libnative.so!Java_com_example_crash+0x14"])
    #expect(report.stacks.first?.architecture == .unknown)
    #expect(report.stacks.last?.format == .childEBP && report.stacks.last?.frames.count == 2)
  }

  @Test("Play Console's form: `0x` before the pc, two blanks after the number")
  func playConsole() throws {
    let stack = try #require(
      decodeReport(
        """
        backtrace:
          #00  pc 0x000000000004e8c8  /apex/com.android.runtime/lib64/bionic/libc.so (abort+164)
          #01  pc 0x0000000000005c2d  /data/app/lib/arm64/libnative.so (Java_com_example_crash+20)
        """
      ).stacks.first)
    #expect(stack.frames.map { $0.instruction?.rawValue } == [0x4e8c8, 0x5c2d])
    #expect(stack.frames.map(\.text) == ["libc.so!abort+0xa4", "libnative.so!Java_com_example_crash+0x14"])
  }

  @Test("lines that only look like it stay out: a `#1` list item, prose about pids and signals")
  func lookalikes() {
    let report = decodeReport(
      """
      #1 pc problems are common
      pid: unknown, tid: unknown
      signal 11 is a segmentation fault
      backtrace: see below
      """)
    #expect(report.stacks.isEmpty)
    #expect(report.exception == nil)
  }
}
