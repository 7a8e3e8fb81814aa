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

  // MARK: - The Alpha example (KB Q177710)

  /// Q177710's stack back trace: (FramePtr = Callee-SP, ReturnAd) for the ten rows the walker
  /// reproduces. Dr. Watson printed ReturnAd as the saved `ra` minus 4 for every row but the
  /// first (whose `ra` is the register); its eleventh row repeats the tenth's SP at a
  /// meaningless symbol and is left out.
  public static let q177710Frames: [(sp: UInt64, returnAd: UInt64)] = [
    (0x11eb_f820, 0x0207_d464), (0x11eb_f820, 0x0210_0ef4), (0x11eb_f880, 0x0210_6fdc),
    (0x11eb_f8c0, 0x0210_6314), (0x11eb_f940, 0x0202_d500), (0x11eb_f960, 0x020e_ee44),
    (0x11eb_f970, 0x0215_c3b4), (0x11eb_f9b0, 0x0217_0814), (0x11eb_fa50, 0x77d3_3040),
    (0x11eb_fa90, 0x0000_0000),
  ]

  /// The 320 bytes of Q177710's raw stack dump, at 0x11ebf820.
  public static let q177710RawStack: [UInt8] = [
    0xb8, 0x4d, 0xae, 0x14, 0, 0, 0, 0, 0x30, 0xf9, 0xeb, 0x11, 0, 0, 0, 0,
    0x0d, 0x00, 0x01, 0x37, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
    0, 0, 0, 0, 0, 0, 0, 0, 0x10, 0xe0, 0x21, 0x15, 0, 0, 0, 0,
    0xb8, 0x4d, 0xae, 0x14, 0, 0, 0, 0, 0xf8, 0x0e, 0x10, 0x02, 0, 0, 0, 0,
    0xf0, 0x0d, 0x10, 0x02, 0x74, 0x6c, 0x22, 0x15, 0x01, 0, 0, 0, 0, 0, 0, 0,
    0xff, 0x0f, 0, 0, 0, 0, 0, 0, 0x01, 0, 0, 0, 0, 0, 0, 0,
    0xf0, 0x76, 0x1e, 0x15, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
    0xe0, 0x6f, 0x10, 0x02, 0, 0, 0, 0, 0x02, 0x01, 0x01, 0x37, 0, 0, 0, 0,
    0x00, 0x3a, 0x00, 0x00, 0x10, 0xe0, 0x21, 0x15, 0xef, 0x41, 0x20, 0x15, 0, 0, 0, 0,
    0xf0, 0x76, 0x1e, 0x15, 0, 0, 0, 0, 0x62, 0x36, 0, 0, 0, 0, 0, 0,
    0xf0, 0xf9, 0xeb, 0x11, 0, 0, 0, 0, 0xa0, 0x0d, 0xf6, 0x00, 0, 0, 0, 0,
    0, 0, 0, 0, 0, 0, 0x01, 0, 0x63, 0x36, 0, 0, 0, 0, 0, 0,
    0, 0, 0, 0, 0, 0, 0, 0, 0x18, 0x63, 0x10, 0x02, 0, 0, 0, 0,
    0, 0, 0, 0, 0, 0, 0, 0, 0x6c, 0x51, 0x0f, 0x02, 0, 0, 0, 0,
    0, 0, 0, 0, 0, 0, 0, 0, 0xef, 0x41, 0x20, 0x15, 0, 0, 0, 0,
    0, 0, 0, 0, 0, 0, 0, 0, 0x2c, 0x51, 0x0f, 0x02, 0, 0, 0, 0,
    0x02, 0x01, 0x01, 0x37, 0, 0, 0, 0, 0x00, 0x3a, 0x00, 0x00, 0x10, 0xe0, 0x21, 0x15,
    0xf0, 0x76, 0x1e, 0x15, 0, 0, 0, 0, 0x62, 0x36, 0, 0, 0, 0, 0, 0,
    0x04, 0xd5, 0x02, 0x02, 0, 0, 0, 0, 0x63, 0x36, 0, 0, 0, 0, 0, 0,
  ]

  /// Where each non-leaf frame saved `ra`, as an offset from its SP: found in the raw stack
  /// for frames 1–4 (the saved value is ReturnAd + 4 there), chosen (SP + size − 8) above it.
  public static func q177710ReturnAddressSlots() -> [UInt64] {
    var slots: [UInt64] = []
    for index in 1..<(q177710Frames.count - 1) {
      let frame = q177710Frames[index]
      let size = q177710Frames[index + 1].sp - frame.sp
      let saved = frame.returnAd + 4
      var slot = size - 8
      var offset: UInt64 = 0
      while offset + 8 <= size, frame.sp + offset + 8 <= 0x11eb_f820 + UInt64(q177710RawStack.count) {
        let at = Int(frame.sp + offset - 0x11eb_f820)
        var value: UInt64 = 0
        for byte in 0..<8 { value |= UInt64(q177710RawStack[at + byte]) << UInt64(byte * 8) }
        if value == saved {
          slot = offset
          break
        }
        offset += 8
      }
      slots.append(slot)
    }
    return slots
  }

  /// The GUID and age chosen for STORE.EXE's CodeView record, so the example's unwind data
  /// (Examples/Alpha/symbols) is found by debug id.
  public static let q177710StoreGUID: [UInt8] = [
    0x77, 0x71, 0x17, 0x00, 0xa1, 0xa1, 0xa1, 0xa1, 0x51, 0x70, 0x17, 0x71, 0x00, 0x00, 0x00, 0x01,
  ]

  /// The Breakpad file with the STACK CFI (Alpha register names) that the example's walk uses:
  /// for each non-leaf frame's call site, its frame size and the slot of its saved `ra`.
  public static func q177710SymbolFile() -> String {
    var lines = ["MODULE windows alpha \(q177710StoreIdentifier) store.pdb"]
    lines.append("INFO GENERATOR Tests/CrashTestSupport/ExampleDumps.swift: frame sizes from Q177710's Callee-SP column")
    let slots = q177710ReturnAddressSlots()
    for index in 1..<(q177710Frames.count - 1) {
      // This frame's lookup address is its PC − 4. Row 0's ReturnAd is the ra register
      // itself; later rows print the saved ra − 4, which is already the lookup address.
      let lookup = q177710Frames[index - 1].returnAd - (index == 1 ? 4 : 0)
      guard lookup >= 0x0200_0000, lookup < 0x0220_0000 else { continue }
      let size = q177710Frames[index + 1].sp - q177710Frames[index].sp
      lines.append(
        "STACK CFI INIT \(String(lookup - 0x0200_0000, radix: 16)) 8 .cfa: $sp \(size) + .ra: .cfa \(size - slots[index - 1]) - ^")
    }
    return lines.joined(separator: "\n") + "\n"
  }

  /// Breakpad's debug id for the chosen GUID and age 1.
  public static var q177710StoreIdentifier: String {
    let guid = q177710StoreGUID
    func hex(_ bytes: [UInt8]) -> String { bytes.map { String(format2: $0) }.joined() }
    return hex(guid[0..<4].reversed()) + hex(guid[4..<6].reversed()) + hex(guid[6..<8].reversed()) + hex(Array(guid[8...])) + "1"
  }

  /// The Alpha dump: STORE.EXE (chosen base 0x02000000) and RPCRT4.DLL (0x77d00000), the
  /// thread of Q177710's state dump with its registers, its raw stack, and above it the
  /// saved `ra` of each frame at the slot its frame size implies.
  public static func q177710() -> SyntheticMinidump {
    var stack = StackSection(base: 0x11eb_f820)
    for byte in q177710RawStack { stack.fill(1, with: byte) }
    let slots = q177710ReturnAddressSlots()
    var bytes = stack.finished()
    let top: UInt64 = 0x11eb_fb00
    bytes += [UInt8](repeating: 0, count: Int(top - 0x11eb_f820) - bytes.count)
    for index in 1..<(q177710Frames.count - 1) {
      let address = q177710Frames[index].sp + slots[index - 1]
      let value = q177710Frames[index].returnAd + 4
      let offset = Int(address - 0x11eb_f820)
      guard offset >= q177710RawStack.count else { continue }  // the raw stack already holds it
      for byte in 0..<8 { bytes[offset + byte] = UInt8(truncatingIfNeeded: value >> UInt64(byte * 8)) }
    }
    // Registers from the state dump (a0–a5, s0–s5, fp, v0, t0–t12 at their CONTEXT offsets).
    let integer: [Int: UInt64] = [
      0x100: 0x3900_0003, 0x108: 3, 0x110: 0x0076_0065, 0x118: 3, 0x120: 0x18, 0x128: 0x11eb_f868,
      0x130: 0x1000, 0x138: 0xe3, 0x140: 4, 0x148: 0x00f7_f748, 0x150: 0x11eb_f8a8, 0x158: 1, 0x160: 0x3f0,
      0x168: 0, 0x170: 0x1521_e010, 0x178: 0x14ae_4db8, 0x180: 0, 0x188: 0x3701_0102, 0x190: 3, 0x198: 4,
      0x1a0: 0x0207_c5c0, 0x1a8: 0x11eb_f868, 0x1b0: 0x2703, 0x1b8: 0xffff_ffff_ffff_fff6, 0x1c0: 1, 0x1c8: 0,
      0x1d8: 0xffff_ffff_ffff_f739, 0x1e0: 0x0202_d4f8,
    ]
    let context = SyntheticContext.alpha(fir: 0x0210_acd0, sp: 0x11eb_f820, ra: 0x0207_d464, integer: integer, psr: 3)
    var dump = SyntheticMinidump()
    dump.processorArchitecture = 2
    dump.processorLevel = 21164
    dump.processorRevision = 0x0502
    dump.processorCount = 1
    dump.threads = [SyntheticThread(id: 0xb4, context: context, stackBase: 0x11eb_f820, stack: bytes)]
    var store = SyntheticModule(base: 0x0200_0000, size: 0x0020_0000, name: "STORE.EXE")
    store.codeView = ("store.pdb", q177710StoreGUID, 1)
    dump.modules = [store, SyntheticModule(base: 0x77d0_0000, size: 0x0006_0000, name: "RPCRT4.DLL")]
    dump.exception = (0xb4, 0xC000_0005, 0x0210_acd0, [], context)
    return dump
  }
}

extension String {
  fileprivate init(format2 byte: UInt8) {
    let digits = Array("0123456789ABCDEF")
    self = String([digits[Int(byte >> 4)], digits[Int(byte & 0xF)]])
  }
}
