//===--- KernelOopsTests.swift - Linux kernel oopses, BUGs and WARNINGs --------===//
//
// The fixtures are composed from the layouts the kernel prints
// (Tests/Fixtures/pastes/README.md says from which sources); no kernel was
// crashed to make them.
//
//===----------------------------------------------------------------------===//

import CrashCore
import CrashTestSupport
import Foundation
import StackText
import Testing

@Suite("Linux kernel oopses")
struct KernelOopsTests {
  static func text(_ name: String) throws -> String {
    try String(contentsOfFile: Fixtures.path("pastes/\(name)"), encoding: .utf8)
  }

  static func property(_ report: CrashReport, _ key: String) -> String? {
    report.system.first { $0.key == key }?.value
  }

  static func functions(_ thread: CrashThread) -> [String] { thread.frames.map { $0.symbol?.function ?? "?" } }

  @Test("x86-64, kernel 6.1 in dmesg: the message, die code, task, registers, `?` words as scanned, the exception's frame")
  func modernX86() throws {
    let report = decodeReport(try Self.text("kernel-oops-x86_64-6.1.txt"))
    #expect(report.stacks.count == 1)
    let stack = try #require(report.stacks.first)
    #expect(stack.format == .kernelOops && stack.isCrashed && stack.id == 1543 && stack.label == "insmod (PID 1543), CPU 2")
    #expect(stack.architecture == .amd64)
    #expect(Self.functions(stack) == [
      "__die", "page_fault_oops", "ledger_read", "exc_page_fault", "asm_exc_page_fault", "ledger_read", "faulty_init",
      "__pfx_faulty_init", "do_one_initcall", "do_init_module", "__do_sys_finit_module", "do_syscall_64",
      "entry_SYSCALL_64_after_hwframe",
    ])
    // `?` words are found on the stack, not unwound; the copy of the faulting function under the
    // exception's frames is where it faulted.
    #expect(stack.frames.map { $0.trust == .scan } == [
      true, true, true, true, true, false, false, true, false, false, false, false, false,
    ])
    #expect(stack.frames[5].symbol?.module == "faulty" && stack.frames[5].symbol?.offset == 0x15)
    #expect(stack.frames[8].symbol?.module == nil, "a core kernel function has no module")
    let exception = try #require(report.exception)
    #expect(exception.code.rawValue == 0 && exception.threadID == 1543)
    #expect(exception.description == "BUG: kernel NULL pointer dereference, address: 0000000000000008 (Oops)")
    #expect(Self.property(report, "Kernel") == "6.1.0-13-amd64" && Self.property(report, "Tainted") == "G OE")
    #expect(Self.property(report, "Modules linked in")?.hasPrefix("faulty(OE+) nls_ascii") == true)
    guard case .amd64(let registers)? = stack.context else {
      Issue.record("no amd64 registers")
      return
    }
    // The faulting context's, not the user task's printed inside the trace.
    #expect(registers[.rsp] == 0xffff_b1a4_c0b2_fc68 && registers[.rax] == 0 && registers[.r15] == 0xffff_ffff_c0a2_2000)
    #expect(registers[.eflags] == 0x10246)
  }

  @Test("arm64 in the journal: the ESR as the code, pc and lr by name, x0–x29, the trace from the faulting function")
  func arm64Journal() throws {
    let report = decodeReport(try Self.text("kernel-oops-arm64-journal.txt"))
    let stack = try #require(report.stacks.first)
    #expect(stack.architecture == .arm64 && stack.label == "sensord (PID 812), CPU 3")
    #expect(Self.functions(stack).prefix(3) == ["sensor_poll", "sensor_read", "vfs_read"])
    #expect(stack.frames.count == 11 && stack.frames.allSatisfy { $0.trust == .text })
    #expect(report.exception?.code.rawValue == 0x9600_0005)
    #expect(
      report.exception?.description
        == "Unable to handle kernel NULL pointer dereference at virtual address 0000000000000010 (Internal error: Oops)")
    guard case .arm64(let registers)? = stack.context else {
      Issue.record("no arm64 registers")
      return
    }
    #expect(registers[.fp] == 0xffff_ffc0_099b_bc70 && registers[.x9] == 0xffff_ffd8_a2c1_e4dc && registers[.sp] == 0xffff_ffc0_099b_bc70)
  }

  @Test("kernel 3.10 in syslog: addresses on every entry, IP: and RIP: with addresses, the Stack: words skipped")
  func olderX86() throws {
    let report = decodeReport(try Self.text("kernel-oops-x86_64-3.10.txt"))
    #expect(report.stacks.count == 1)
    let stack = try #require(report.stacks.first)
    #expect(Self.functions(stack) == ["ledger_find", "ledger_lookup", "ledger_ioctl", "do_vfs_ioctl", "file_has_perm", "SyS_ioctl", "system_call_fastpath"])
    #expect(stack.frames[0].instruction?.rawValue == 0xffff_ffff_a05d_3e68, "the faulting pc, from IP:")
    #expect(stack.frames[0].returnAddress?.rawValue == 0xffff_ffff_a05d_4012)
    #expect(stack.frames[1].instruction?.rawValue == 0xffff_ffff_a05d_4011, "a caller is looked up inside its call")
    #expect(stack.frames[4].trust == .scan)
    #expect(report.exception?.address?.rawValue == 0xffff_ffff_a05d_3e68)
    #expect(Self.property(report, "Kernel") == "3.10.0-327.el7.x86_64" && Self.property(report, "Tainted") == "GF O--------------")
    #expect(stack.contextLines == LineRange(10, 18), "the registers before the trace, not the repeat after it")
    if case .amd64(let registers)? = stack.context {
      #expect(registers[.rip] == 0xffff_ffff_a05d_3e68 && registers[.rsp] == 0xffff_8806_2711_7d48)
    } else {
      Issue.record("no amd64 registers")
    }
  }

  @Test("a WARNING: no exception, the interrupt and task stacks as one trace, an exception's RIP inside it as a frame")
  func warning() throws {
    let report = decodeReport(try Self.text("kernel-warning-5.15.txt"))
    #expect(report.exception == nil)
    #expect(Self.property(report, "Kernel message") == "WARNING: CPU: 1 PID: 0 at net/sched/sch_generic.c:477 dev_watchdog+0x277/0x280")
    #expect(Self.property(report, "Tainted") == "not tainted" && Self.property(report, "Kernel") == "5.15.0-91-generic")
    let stack = try #require(report.stacks.first)
    #expect(stack.id == 0 && stack.label == "swapper/1 (PID 0), CPU 1")
    #expect(Self.functions(stack).first == "dev_watchdog" && stack.frames.count == 16)
    #expect(Self.functions(stack)[9...10] == ["asm_sysvec_apic_timer_interrupt", "cpuidle_enter_state"])
  }

  @Test("a trace pasted alone, with build ids, markers on the rows, an unnamed address")
  func composedShapes() throws {
    let text = """
      Call Trace:
       <IRQ>  [<ffffffff8155a1f2>] ? skb_release_data+0xa2/0xb0
       [<ffffffffc0a1b015>] faulty_irq+0x15/0x40 [faulty 2f1c8e4d9a0b7c6e5f4a3b2c1d0e9f8a7b6c5d4e]
       0xffffffffc0a1b0ff
       __handle_irq_event_percpu+0x4a/0x1a0
      """
    let report = decodeReport(text)
    let stack = try #require(report.stacks.first)
    #expect(Self.functions(stack) == ["skb_release_data", "faulty_irq", "?", "__handle_irq_event_percpu"])
    #expect(stack.frames[1].symbol?.module == "faulty")
    #expect(stack.frames[2].symbol?.address?.rawValue == 0xffff_ffff_c0a1_b0ff)
  }

  @Test("32-bit x86 (a 3.2 kernel): EIP and EAX registers, the IP: line's address, 8-digit entries")
  func x86() throws {
    let text = """
      BUG: unable to handle kernel NULL pointer dereference at 00000010
      IP: [<f8a1b015>] faulty_irq+0x15/0x40 [faulty]
      *pde = 00000000
      Oops: 0000 [#1] SMP
      EIP: 0060:[<f8a1b015>] EFLAGS: 00010246 CPU: 0
      EIP is at faulty_irq+0x15/0x40 [faulty]
      EAX: 00000000 EBX: f5c3a000 ECX: 00000000 EDX: 00000001
      ESI: f5c3a0c0 EDI: 00000010 EBP: f5d3bf08 ESP: f5d3bef8
       DS: 007b ES: 007b FS: 00d8 GS: 00e0 SS: 0068
      Call Trace:
       [<c10a4e5a>] ? irq_thread_fn+0x1a/0x40
       [<c10a5ba2>] irq_thread+0x102/0x140
       [<c1046a24>] kthread+0x74/0x80
      """
    let report = decodeReport(text)
    let stack = try #require(report.stacks.first)
    #expect(stack.architecture == .x86 && Self.functions(stack) == ["faulty_irq", "irq_thread_fn", "irq_thread", "kthread"])
    #expect(stack.frames[0].instruction?.rawValue == 0xf8a1_b015 && stack.frames[1].instruction?.rawValue == 0xc10a_4e59)
    guard case .x86(let registers)? = stack.context else {
      Issue.record("no x86 registers")
      return
    }
    #expect(registers[.esp] == 0xf5d3_bef8 && registers[.edi] == 0x10)
  }

  @Test("32-bit ARM, 4.19 with frame pointers: `Backtrace:`, `[<…>] (f) from [<…>] (g+0x…)` entries, saved registers and dumps skipped")
  func armFramePointer() throws {
    let report = decodeReport(try Self.text("kernel-oops-arm-4.19.txt"))
    #expect(report.stacks.count == 1)
    let stack = try #require(report.stacks.first)
    #expect(stack.architecture == .arm && stack.label == "sensord (PID 1187), CPU 2")
    #expect(Self.functions(stack) == ["sensor_read", "vfs_read", "ksys_read", "sys_read", "ret_fast_syscall"])
    #expect(stack.frames.allSatisfy { $0.trust == .text })
    #expect(stack.frames[0].symbol?.module == "sensorhub" && stack.frames[0].symbol?.offset == 0x2c)
    #expect(stack.frames[0].instruction?.rawValue == 0x7f2a_102c, "the pc printed apart from `PC is at`")
    #expect(stack.frames[0].returnAddress?.rawValue == 0x802a_9b4c && stack.frames[1].symbol?.offset == 0x9c)
    #expect(stack.frames[3].returnAddress?.rawValue == 0x8010_1000 && stack.frames[4].symbol?.module == nil)
    #expect(stack.lines == LineRange(1, 40), "the memory dumps and saved registers belong to the message")
    let exception = try #require(report.exception)
    #expect(exception.code.rawValue == 5 && exception.address?.rawValue == 0x7f2a_102c)
    #expect(Self.property(report, "Kernel") == "4.19.97-v7+" && Self.property(report, "Tainted") == "G C O")
    guard case .arm(let registers)? = stack.context else {
      Issue.record("no ARM registers")
      return
    }
    #expect(registers[.pc] == 0x7f2a_102c && registers[.lr] == 0x802a_9b4c && registers[.cpsr] == 0x6000_0013)
    #expect(registers[.r11] == 0xa8e4_3f14 && registers[.r12] == 0xa8e4_3f18 && registers[.r10] == 0 && registers[.r0] == 0xa9c3_1e40)
  }

  @Test("32-bit ARM, 6.6 Thumb-2: a BUG, `f [mod] from g+0x…/0x… [mod]` entries without addresses, `Register rN information:`")
  func armUnwinder() throws {
    let report = decodeReport(try Self.text("kernel-oops-arm-6.6.txt"))
    let stack = try #require(report.stacks.first)
    #expect(stack.architecture == .arm && stack.id == 2231)
    #expect(Self.functions(stack) == ["ledger_commit", "ledger_write", "vfs_write", "ksys_write", "ret_fast_syscall"])
    #expect(stack.frames.map { $0.symbol?.module } == ["ledger", "ledger", nil, nil, nil])
    #expect(stack.frames[0].instruction?.rawValue == 0xbf01_203e && stack.frames[1].instruction == nil)
    #expect(report.exception?.description == "kernel BUG at drivers/misc/ledger/ledger_core.c:88! (Internal error: Oops - BUG)")
    #expect(Self.property(report, "Kernel") == "6.6.20-armmp")
  }

  @Test("32-bit ARM WARNING: the trace starts in the unwinder, a module's function on both sides of an entry")
  func armWarning() throws {
    let report = decodeReport(try Self.text("kernel-warning-arm-5.10.txt"))
    #expect(report.exception == nil)
    let stack = try #require(report.stacks.first)
    #expect(stack.architecture == .arm && stack.architectureEvidence == ["the kernel's release names it: 5.10.63-v7+"])
    #expect(Self.functions(stack) == [
      "unwind_backtrace", "show_stack", "dump_stack", "__warn", "warn_slowpath_fmt", "gpiod_set_value", "ledctl_probe",
      "platform_drv_probe", "really_probe",
    ])
    #expect(stack.frames[0].instruction?.rawValue == 0xc011_1e0c, "the unwinder's own pc")
    #expect(stack.frames[6].symbol?.module == "ledctl" && stack.frames[5].returnAddress?.rawValue == 0xbf00_0120)
  }

  @Test("32-bit ARM without kallsyms: `Function entered at [<…>] from [<…>]`; the die line's THUMB2")
  func armWithoutNames() throws {
    let text = """
      Internal error: Oops: 817 [#1] PREEMPT THUMB2
      CPU: 0 PID: 77 Comm: sh Not tainted 5.4.0 #3
      Backtrace:
      Function entered at [<c0108d54>] from [<c0131a20>]
      Function entered at [<c0131a00>] from [<c0100f60>]
      """
    let report = decodeReport(text)
    let stack = try #require(report.stacks.first)
    #expect(stack.architecture == .arm && stack.architectureEvidence == ["the die line names the 32-bit ARM instruction set THUMB2"])
    #expect(stack.frames.count == 3 && stack.frames.allSatisfy { $0.symbol?.function == nil })
    #expect(stack.frames[0].instruction?.rawValue == 0xc010_8d54 && stack.frames[0].returnAddress?.rawValue == 0xc013_1a20)
    #expect(stack.frames[1].returnAddress?.rawValue == 0xc010_0f60)
  }

  @Test("no registers pasted: the kernel's release names the processor, else it stays unknown", arguments: [
    ("6.1.0-13-arm64", Architecture.arm64), ("3.10.0-327.el7.x86_64", .amd64), ("6.6.7", .unknown),
  ])
  func architectureFromRelease(_ release: String, _ architecture: Architecture) throws {
    let text = """
      Oops: 0000 [#1] PREEMPT SMP
      CPU: 2 PID: 1543 Comm: insmod Tainted: G           OE      \(release) #1
      Call Trace:
       ledger_read+0x15/0x40 [faulty]
       do_one_initcall+0x5b/0x320
      """
    let stack = try #require(decodeReport(text).stacks.first)
    #expect(stack.architecture == architecture && stack.frames.count == 2)
  }

  @Test("quoted, copied without the log prefix or with another's (syslog without a host, the journal's monotonic time, a CPU-tagged time), the same frames")
  func pastedShapes() throws {
    let text = try Self.text("kernel-oops-arm64-journal.txt")
    let expected = decodeReport(text).stacks.map { $0.frames.map(\.symbol) }
    let lines = text.split(separator: "\n", omittingEmptySubsequences: false)
    for shaped in [
      lines.map { "> " + $0 }.joined(separator: "\n"),
      lines.map { $0.replacingOccurrences(of: "Dec 06 18:02:11 pi5 kernel: ", with: "") }.joined(separator: "\n"),
      lines.map { $0.replacingOccurrences(of: "Dec 06 18:02:11 pi5 kernel: ", with: "<4>[  812.104211] ") }.joined(separator: "\n"),
      lines.map { $0.replacingOccurrences(of: "Dec 06 18:02:11 pi5 kernel: ", with: "Dec 06 18:02:11 kernel: [  812.104211] ") }
        .joined(separator: "\n"),
      lines.map { $0.replacingOccurrences(of: "Dec 06 18:02:11 pi5 kernel: ", with: "[  812.104211] pi5 kernel: ") }.joined(separator: "\n"),
      lines.map { $0.replacingOccurrences(of: "Dec 06 18:02:11 pi5 kernel: ", with: "[ 6020.023137@3] ") }.joined(separator: "\n"),
    ] {
      #expect(decodeReport(shaped).stacks.map { $0.frames.map(\.symbol) } == expected)
    }
    #expect(decodeReport(text, chunkSize: 3).stacks == decodeReport(text).stacks)
  }

  @Test("RISC-V: `Oops [#1]` with no code (the `cause:` register is the exception's), its registers naming riscv64")
  func riscv() throws {
    let text = """
      [ 3817.087918] Unable to handle kernel paging request at virtual address 00000061fed09482
      [ 3817.096079] Oops [#1]
      [ 3817.098421] Modules linked in: ledger(O) sunrpc ip_tables
      [ 3817.140298] CPU: 0 PID: 1842 Comm: kworker/0:1H Tainted: G        W         5.10.6+ #26
      [ 3817.152768] epc: ffffffe00022affe ra : ffffffe00022afea sp : ffffffe086d3fe30
      [ 3817.160087]  gp : ffffffe0018416a8 tp : ffffffe080735040 t0 : ffffffe086d3fcc0
      [ 3817.190000] status: 0000000200000120 badaddr: 00000061fed09482 cause: 000000000000000d
      [ 3817.200000] Call Trace:
      [ 3817.210000] [<ffffffe00022affe>] process_one_work+0x1e6/0x3a4
      [ 3817.220000] [<ffffffe00022b226>] worker_thread+0x6a/0x38a
      [ 3817.230000] [<ffffffe0002301a4>] kthread+0xf0/0x100
      [ 3817.250000] ---[ end trace 2c9e8a0f5d6b7a4c ]---
      """
    let report = decodeReport(text)
    let stack = try #require(report.stacks.first)
    #expect(stack.architecture == .riscv64 && stack.architectureEvidence.first?.contains("RISC-V") == true)
    #expect(Self.functions(stack) == ["process_one_work", "worker_thread", "kthread"] && stack.lines == LineRange(1, 12))
    #expect(report.exception?.code.rawValue == 0xd)
    #expect(report.exception?.description == "Unable to handle kernel paging request at virtual address 00000061fed09482 (Oops)")
    guard case .riscv64(let registers)? = stack.context else {
      Issue.record("no RISC-V registers: \(String(describing: stack.context))")
      return
    }
    #expect(registers[.pc] == 0xffff_ffe0_0022_affe && registers[.ra] == 0xffff_ffe0_0022_afea)
    #expect(registers[.sp] == 0xffff_ffe0_86d3_fe30 && registers[.t0] == 0xffff_ffe0_86d3_fcc0)
  }

  @Test("RISC-V since 5.17: the die path's trace has no `Call Trace:`, its entries right after the registers")
  func riscvWithoutHeading() throws {
    let text = """
      [   12.345678] Unable to handle kernel NULL pointer dereference at virtual address 0000000000000008
      [   12.345900] Oops [#1]
      [   12.346000] Modules linked in: ledgerdrv(O)
      [   12.346100] CPU: 0 PID: 123 Comm: insmod Tainted: G           O       6.6.0 #1
      [   12.346200] Hardware name: riscv-virtio,qemu (DT)
      [   12.346300] epc : ledger_probe+0x1c/0x40 [ledgerdrv]
      [   12.346400]  ra : do_one_initcall+0x58/0x1d0
      [   12.346500] epc : ffffffff01234a1c ra : ffffffff80002a58 sp : ff20000000213c80
      [   12.346600]  gp : ffffffff81a1f4e8 tp : ff6000000226a400 t0 : 0000000000000000
      [   12.347900] status: 0000000200000120 badaddr: 0000000000000008 cause: 000000000000000d
      [   12.348000] [<ffffffff01234a1c>] ledger_probe+0x1c/0x40 [ledgerdrv]
      [   12.348100] [<ffffffff80002a58>] do_one_initcall+0x58/0x1d0
      [   12.348200] [<ffffffff800a3b2c>] do_init_module+0x52/0x1f0
      [   12.348600] Code: 4501 0113 1000 e422 0800 6798 (4508) 60a2
      [   12.348700] ---[ end trace 0000000000000000 ]---
      """
    let report = decodeReport(text)
    let stack = try #require(report.stacks.first)
    #expect(stack.architecture == .riscv64)
    #expect(Self.functions(stack) == ["ledger_probe", "do_one_initcall", "do_init_module"] && stack.lines == LineRange(1, 15))
    #expect(stack.frames.first?.symbol?.module == "ledgerdrv")
  }

  @Test("a program's segfault line: the signal, the fault address and error bits, the ip in its mapping as one frame")
  func userSegfault() throws {
    let text = """
      [ 8123.456789] ledgerd[12345]: segfault at 10 ip 000055d5c1a2b3c4 sp 00007ffd12345678 error 4 in ledgerd[55d5c1a00000+3b000] likely on CPU 3 (core 3, socket 0)
      [ 8123.456801] Code: 48 8b 45 f8 48 89 c7 e8 34 fe ff ff 48 8b 45 f8 <8b> 40 10 89 45 f4 eb 0a 83 45 f4 01 83 7d f4 09 7e f0 90 c9 c3
      """
    let report = decodeReport(text)
    let exception = try #require(report.exception)
    #expect(exception.code.rawValue == 11 && exception.address?.rawValue == 0x10 && exception.threadID == 12345)
    #expect(exception.description == "SIGSEGV: segfault at 10, error 4 (user-mode read page not present)")
    #expect(report.application?.name == "ledgerd" && report.application?.processID == 12345)
    let stack = try #require(report.stacks.first)
    #expect(report.stacks.count == 1 && stack.architecture == .amd64 && stack.isCrashed)
    let frame = try #require(stack.frames.first)
    #expect(frame.instruction?.rawValue == 0x55d5_c1a2_b3c4 && frame.symbol?.module == "ledgerd" && frame.symbol?.moduleOffset == 0x2_b3c4)
    #expect(frame.symbol?.printedText == "ledgerd[55d5c1a00000+3b000]")
    // Another run of the same build, mapped elsewhere: the same place in the mapping.
    let moved = decodeReport(
      "ledgerd[999]: segfault at 10 ip 00005611aa62b3c4 sp 00007ffc00000000 error 4 in ledgerd[5611aa600000+3b000]\n")
    #expect(moved.stacks.first?.frames.first?.symbol?.moduleOffset == 0x2_b3c4)
  }

  @Test("traps: a general protection fault, a divide error (SIGFPE), an invalid opcode (SIGILL)", arguments: [
    ("general protection fault", UInt32(11)), ("trap divide error", 8), ("trap invalid opcode", 4),
  ])
  func userTrap(_ kind: String, _ signal: UInt32) throws {
    let text = "Dec  6 18:00:00 host kernel: traps: ledgerd[12345] \(kind) ip:55d5c1a2b3c4 sp:7ffd12345678 error:0 in ledgerd[55d5c1a00000+3b000]\n"
    let report = decodeReport(text)
    #expect(report.exception?.code.rawValue == signal && report.exception?.description?.contains(kind) == true)
    #expect(report.stacks.first?.frames.first?.symbol?.moduleOffset == 0x2_b3c4)
  }

  @Test("an ip outside the printed mapping stays an address; a mapping-less line still gives the exception")
  func userFaultEdges() throws {
    let outside = decodeReport("a[1]: segfault at 0 ip 0000000000401000 sp 00007ffd00000000 error 14 in a[500000+1000]\n")
    #expect(outside.stacks.first?.frames.first?.symbol?.moduleOffset == nil)
    #expect(outside.exception?.description == "SIGSEGV: segfault at 0, error 14 (user-mode instruction fetch page not present)")
    let bare = decodeReport("a[1]: segfault at 0 ip 08048f00 sp bfffe000 error 4\n")
    #expect(bare.stacks.first?.architecture == .unknown && bare.exception?.code.rawValue == 11)
  }

  @Test("arm64's fault line: the pc, lr, sp and x registers from the dump after it, the ESR kept")
  func arm64UserFault() throws {
    let text = """
      [  374.669165] ledgerd[1804]: unhandled exception: DABT (lower EL), ESR 0x0000000092000006, level 2 translation fault in ledgerd[400000+a1f000]
      [  374.669301] CPU: 3 PID: 1804 Comm: ledgerd Not tainted 5.15.119 #1
      [  374.669310] Hardware name: Raspberry Pi 4 Model B Rev 1.4 (DT)
      [  374.669315] pstate: 20001000 (nzCv daif -PAN -UAO -TCO -DIT +SSBS BTYPE=--)
      [  374.669321] pc : 00000000004e0c34
      [  374.669324] lr : 00000000004e0c2c
      [  374.669326] sp : 0000007ffad1bab0
      [  374.669330] x29: 0000007ffad1bab0 x28: 0000000000000001 x27: 0000000000000000
      [  374.669340] x2 : 0000000000000000 x1 : 0000000000000018 x0 : 0000000000000000
      [  374.669350] ledgerd[1804]: crashed, restarting
      """
    let report = decodeReport(text)
    let exception = try #require(report.exception)
    #expect(exception.code.rawValue == 11 && exception.threadID == 1804)
    #expect(exception.description == "SIGSEGV: DABT (lower EL), ESR 0x0000000092000006, level 2 translation fault")
    let stack = try #require(report.stacks.first)
    #expect(report.stacks.count == 1 && stack.architecture == .arm64 && stack.lines == LineRange(1, 9))
    let frame = try #require(stack.frames.first)
    #expect(frame.instruction?.rawValue == 0x4e_0c34 && frame.symbol?.module == "ledgerd" && frame.symbol?.moduleOffset == 0xe_0c34)
    guard case .arm64(let registers)? = stack.context else {
      Issue.record("no arm64 registers")
      return
    }
    #expect(registers[.pc] == 0x4e_0c34 && registers[.lr] == 0x4e_0c2c && registers[.sp] == 0x7f_fad1_bab0)
    #expect(registers[.fp] == 0x7f_fad1_bab0 && registers[.x1] == 0x18)
  }

  @Test("arm64's line before 4.19: the signal and fault address it prints; without registers, no frame")
  func arm64UserFaultOld() throws {
    let text = """
      ledgerd[1804]: unhandled level 2 translation fault (11) at 0x00000018, esr 0x92000006, in ledgerd[400000+a1f000]
      pc : 00000000004e0c34
      """
    let report = decodeReport(text)
    #expect(report.exception?.address?.rawValue == 0x18 && report.exception?.code.rawValue == 11)
    #expect(report.exception?.description == "SIGSEGV: level 2 translation fault, ESR 0x92000006")
    #expect(report.stacks.first?.frames.first?.symbol?.moduleOffset == 0xe_0c34)
    let alone = decodeReport("ledgerd[7]: unhandled exception: Oops - undefined instruction in ledgerd[400000+1000]\nok\n")
    #expect(alone.exception?.code.rawValue == 4 && alone.stacks.isEmpty)
  }

  @Test("not a kernel message", arguments: [
    "BUG: the button does nothing\n",
    "[12:00:01] Call me later\n",
    "Dec 06 18:02:11 pi5 sshd[812]: Accepted publickey for pi\n",
    "BUG: the report came from support+0x1/0x2 of the team\n",
    "the segfault at line 10 of ledgerd[12345]: is it\n",
  ])
  func notKernel(_ text: String) {
    let report = decodeReport(text)
    #expect(report.stacks.isEmpty && report.system.isEmpty && report.exception == nil)
  }
}
