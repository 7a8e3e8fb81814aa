//===--- ExampleDumps.swift - The example minidumps, described ---------------===//
//
// `Examples/Q276222/emsmta.dmp` is written from this description by
// `swift run make-example-dumps` (and a test checks that the committed file is
// exactly what it writes). Its thread stack holds the frame records of KB
// Q276222's listing — frame pointers, return addresses and parameters — linked
// as the EBP chain that printed them. No names are in it. What the article does
// not give is chosen, and Examples/Q276222/README.md says so.
//
//===----------------------------------------------------------------------===//

/// The example dumps.
public enum ExampleDumps {
  /// Q276222's frame records: (FramePtr, RetAddr, Param1, Param2, Param3), as the KB prints them.
  public static let q276222Frames: [(UInt32, UInt32, UInt32, UInt32, UInt32)] = [
    (0x0ab1_fcfc, 0x0051_0cc7, 0xcffa_119e, 0x07ad_9838, 0x0069_578c),
    (0x0ab1_fd4c, 0x004d_fe5a, 0x0000_0034, 0x0856_4d01, 0x0786_a290),
    (0x0ab1_fe84, 0x004b_fb7e, 0x0000_0034, 0x07ad_000b, 0x0ab1_fee7),
    (0x0ab1_fee8, 0x004c_6b99, 0x0000_0034, 0x0000_0141, 0x0346_b110),
    (0x0ab1_ff18, 0x004c_56be, 0x0000_0034, 0x0069_578c, 0x0786_a290),
    (0x0ab1_ff54, 0x004e_24c5, 0x0000_0034, 0x0000_41e8, 0x0000_0820),
    (0x0ab1_ff8c, 0x0055_4b98, 0x0000_41e8, 0x00f7_0006, 0x0000_0034),
    (0x0ab1_ffb8, 0x77f0_4ede, 0x0000_0034, 0x0000_41e8, 0x00f7_0006),
    (0x0ab1_ffec, 0x0000_0000, 0x0000_0000, 0x0000_0000, 0x0000_0000),
  ]

  /// Chosen, not from the article: the instruction pointer inside EMSMTA (no public source
  /// gives where `otpmralt` starts in that build), the stack pointer, the thread id.
  public static let q276222InstructionPointer: UInt32 = 0x004f_1e25
  /// Chosen: the stack pointer, 0x3c bytes below the first frame record.
  public static let q276222StackPointer: UInt32 = 0x0ab1_fcc0
  /// Chosen: the thread id.
  public static let q276222ThreadID: UInt32 = 0x1f4

  /// The dump: NT 4.0 SP6 (build 1381, as the Dr. Watson example), two x86 processors,
  /// EMSMTA.EXE and KERNEL32.DLL loaded, one thread that stopped with an access violation.
  public static func q276222() -> SyntheticMinidump {
    let stackTop: UInt64 = 0x0ab2_0000
    var stack = StackSection(base: UInt64(q276222StackPointer))
    for (index, frame) in q276222Frames.enumerated() {
      stack.pad(to: UInt64(frame.0))
      stack.mark("frame\(index)")
      // [ebp] = the caller's EBP (the next record), [ebp+4] = the return address,
      // [ebp+8…] = the parameters.
      if index + 1 < q276222Frames.count { stack.d32(label: "frame\(index + 1)") } else { stack.d32(0) }
      stack.d32(frame.1)
      stack.d32(frame.2)
      stack.d32(frame.3)
      stack.d32(frame.4)
    }
    stack.pad(to: stackTop)
    let context = SyntheticContext.x86(
      eip: q276222InstructionPointer, esp: q276222StackPointer, ebp: q276222Frames[0].0, eax: 0, ebx: 0x34,
      ecx: 0x0069_578c, edx: 0, esi: 0x07ad_9838, edi: 0xcffa_119e)
    var dump = SyntheticMinidump()
    dump.processorCount = 2
    dump.threads = [
      SyntheticThread(id: q276222ThreadID, context: context, stackBase: stack.base, stack: stack.finished())
    ]
    dump.modules = [
      SyntheticModule(base: 0x0040_0000, size: 0x001a_0000, name: "EMSMTA.EXE"),
      SyntheticModule(base: 0x77f0_0000, size: 0x0005_e000, name: "KERNEL32.DLL"),
    ]
    dump.exception = (q276222ThreadID, 0xC000_0005, UInt64(q276222InstructionPointer), [], context)
    return dump
  }
}
