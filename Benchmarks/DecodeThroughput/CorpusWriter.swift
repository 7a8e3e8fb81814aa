//===--- CorpusWriter.swift - A generated corpus of crash text --------------===//
//
// Writes crash documents of the shapes the decoder meets in the field until the
// file reaches the requested size: x86 and Alpha Dr. Watson logs with register
// dumps, disassembly, stack back traces and raw stack dumps; kd `kv` listings
// with wrapped rows and FPO notes; event-log records, STOP lines and prose.
// Addresses come from a fixed-seed generator, so every run writes the same bytes.
//
//===----------------------------------------------------------------------===//

#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

enum CorpusWriter {
  /// The kinds of document the corpus cycles through.
  enum Kind: String, CaseIterable {
    /// x86 Dr. Watson logs (NT 4.0).
    case x86
    /// kd `kv` listings with wrapped FPO notes, after a STOP line.
    case kd
    /// Alpha Dr. Watson logs.
    case alpha
    /// KB-style articles: prose, event records, a listing.
    case article
    /// 64-bit WinDbg output: `kn` listings with inline frames and `!analyze -v` with its
    /// STACK_TEXT (not in the default corpus, whose figures go back sessions: `--kind x64`).
    case x64

    /// The kinds of the default corpus (the one docs/performance.md's history is measured on).
    static let standard: [Kind] = [.x86, .kd, .alpha, .article]
  }

  /// Writes about `megabytes` MB of documents of `kinds` (in turn) to `path`; returns the
  /// bytes written.
  static func write(path: String, megabytes: Int, kinds: [Kind] = Kind.standard) -> Int {
    guard let file = fopen(path, "w") else {
      print("cannot create \(path)")
      exit(1)
    }
    defer { fclose(file) }
    var generator = Generator(seed: 0x5EED_CAFE)
    var buffer = ""
    buffer.reserveCapacity(1 << 20)
    var written = 0
    let target = megabytes * 1_000_000
    var document = 0
    while written < target {
      switch kinds[document % kinds.count] {
      case .x86: x86DrWatson(&buffer, &generator)
      case .kd: kernelListing(&buffer, &generator)
      case .alpha: alphaDrWatson(&buffer, &generator)
      case .article: article(&buffer, &generator)
      case .x64: sixtyFourBit(&buffer, &generator)
      }
      document += 1
      if buffer.utf8.count >= 1 << 20 {
        written += flush(&buffer, to: file)
      }
    }
    written += flush(&buffer, to: file)
    return written
  }

  private static func flush(_ buffer: inout String, to file: UnsafeMutablePointer<FILE>) -> Int {
    let count = buffer.utf8.count
    buffer.withUTF8 { bytes in _ = fwrite(bytes.baseAddress, 1, bytes.count, file) }
    buffer.removeAll(keepingCapacity: true)
    return count
  }

  private static let modules = ["ntdll", "kernel32", "advapi32", "rpcrt4", "store", "emsmta", "exchmem", "mapi32"]
  private static let functions = [
    "EcDoRpc", "EcRpc", "HrCommitLast", "CSTREAM::HrWrite", "otpmralt", "otpurert", "RtlFreeHeap",
    "CConvertStream::Read", "EcWriteStreamOp", "BaseThreadStart", "?DispatchToStub@RPC_INTERFACE@@QAEJPAU_RPC_MESSAGE@@IPAJ@Z",
  ]

  private static func x86DrWatson(_ out: inout String, _ random: inout Generator) {
    let pid = random.next() % 500
    out += "\nMicrosoft (R) Windows NT (TM) Version 4.00 DrWtsn32\nCopyright (C) 1985-1996 Microsoft Corp. All rights reserved.\n\n"
    out += "Application exception occurred:\n        App: exe\\store.dbg (pid=\(pid))\n"
    out += "        When: 3/4/1999 @ 12:3:5.789\n        Exception number: c0000005 (access violation)\n\n"
    out += "*----> System Information <----*\n        Computer Name: SERVER\(pid)\n        User Name: SYSTEM\n"
    out += "        Number of Processors: 2\n        Processor Type: x86 Family 6 Model 5 Stepping 2\n"
    out += "        Windows Version: 4.0\n        Current Build: 1381\n\n*----> Task List <----*\n"
    for process in 0..<10 { out += "  \(process * 7) process\(process).exe\n" }
    out += "\n*----> Module List <----*\n"
    for (index, module) in modules.enumerated() {
      let base = 0x1000_0000 + UInt64(index) * 0x0100_0000
      out += "(\(hex(base)) - \(hex(base + 0x8_0000))) dll\\\(module).dbg\n"
    }
    out += "\n*----> State Dump for Thread Id 0x\(String(random.next() % 0x400, radix: 16)) <----*\n\n"
    out += "eax=\(hex(random.next())) ebx=\(hex(random.next())) ecx=\(hex(random.next())) edx=\(hex(random.next())) esi=\(hex(random.next())) edi=\(hex(random.next()))\n"
    out += "eip=77f64b41 esp=\(hex(random.next())) ebp=\(hex(random.next())) iopl=0         nv up ei pl nz na po nc\n"
    out += "cs=001b  ss=0023  ds=0023  es=0023  fs=0038  gs=0000             efl=00000246\n\n"
    out += "function: RtlFreeHeap\n"
    for step in 0..<8 {
      let marker = step == 5 ? "FAULT ->" : "        "
      out += "\(marker)77f64b\(String(0x20 + step * 4, radix: 16)) 8b442410         mov     eax,[esp+0x10]      ss:15ecdfe3=????????\n"
    }
    out += "\n*----> Stack Back Trace <----*\n\nFramePtr ReturnAd Param#1  Param#2  Param#3  Param#4  Function Name\n"
    var frame = 0x0012_f000 + random.next() % 0x100 * 4
    for row in 0..<12 {
      let words = (0..<4).map { _ in hex(random.next()) }.joined(separator: " ")
      let module = modules[row % modules.count]
      let function = functions[row % functions.count]
      out += "\(hex(frame)) \(hex(0x0040_0000 + random.next() % 0x10_0000)) \(words)"
      if row % 3 == 0 {
        out += "\n\(module)!\(function)  (FPO: [2,0,2])\n"
      } else {
        out += " \(module)!\(function) [omap]\n"
      }
      frame += 0x20 + random.next() % 0x40 * 4
    }
    out += "\n*----> Raw Stack Dump <----*\n"
    var address = frame
    for _ in 0..<24 {
      let bytes = (0..<16).map { _ in HexText.byte(random.next()) }
      out += "\(hex(address))  \(bytes[0..<8].joined(separator: " ")) - \(bytes[8..<16].joined(separator: " "))  ................\n"
      address += 16
    }
    out += "\n"
  }

  private static func kernelListing(_ out: inout String, _ random: inout Generator) {
    out += "\n*** STOP: 0x0000000A (0x00000000,0x00000002,0x00000000,0x80100000)\nIRQL_NOT_LESS_OR_EQUAL\n\nkd> kv\n"
    out += "ChildEBP RetAddr  Args to Child\n"
    var frame = 0x8019_d500 + random.next() % 0x100 * 4
    for row in 0..<15 {
      let args = (0..<3).map { _ in hex(random.next()) }.joined(separator: " ")
      out += "\(hex(frame)) \(hex(0x8010_0000 + random.next() % 0x4_0000)) \(args)"
      if row % 2 == 0 {
        out += "\nNT!_KiTrap0E+0x\(String(random.next() % 0x400, radix: 16)) (FPO:\n[0,0] TrapFrame @ \(hex(frame)))\n"
      } else {
        out += " dlc!_RespondTestOrXid+0x\(String(random.next() % 0x400, radix: 16))\n"
      }
      frame += 0x30
    }
    out += "\nkd> !trap \(hex(frame))\neax=007ffff8 ebx=c0000000 ecx=c0000040 edx=013adfe8 esi=00000000\nedi=00000011\n"
    out += "eip=8010c521 esp=8019d70c ebp=8019d72c iopl=0         nv up ei pl\nnz na po cy\n\n"
  }

  private static func alphaDrWatson(_ out: inout String, _ random: inout Generator) {
    out += "\nApplication exception occurred:\n        App: exe\\dsamain.dbg (pid=294)\n        Exception number: c0000005 (access violation)\n\n"
    out += "*----> State Dump for Thread Id 0xf3 <----*\n\n"
    let names = ["v0", "t0", "t1", "t2", "t3", "t4", "t5", "t6", "t7", "s0", "s1", "s2", "s3", "s4", "s5", "fp",
                 "a0", "a1", "a2", "a3", "a4", "a5", "t8", "t9", "t10", "t11", "ra", "t12", "at", "gp", "sp", "zero"]
    for start in stride(from: 0, to: names.count, by: 3) {
      out += names[start..<min(start + 3, names.count)].map { "\($0)=00000000 \(hex(random.next()))" }.joined(separator: "   ") + "\n"
    }
    out += "SoftFpcr=00000000 00000000  fir=603049ac\npsr=00000003\nmode=1 ie=1 irql=0\n"
    out += "function: InitAnsiString\n"
    for step in 0..<6 {
      out += (step == 3 ? "Fault  ->" : "        ") + "603049\(String(0xa0 + step * 4, radix: 16)): 2c510000 ldq_u   t1,0(a1)\n"
    }
    out += "\n*----> Stack Back Trace <----*\nFramePtr ReturnAd Param#1  Param#2  Param#3  Param#4 Function Name\n"
    var sp = 0x0582_fb00 + random.next() % 0x10 * 16
    for row in 0..<8 {
      let params = (0..<4).map { _ in hex(random.next()) }.joined(separator: " ")
      out += "\(hex(sp)) \(hex((0x0042_0000 + random.next() % 0x1_0000) & ~3)) \(params) dsamain!Routine\(row)\n"
      sp += 0x40
    }
    out += "\n"
  }

  private static func article(_ out: inout String, _ random: inout Generator) {
    out += "\nSYMPTOMS\n========\n\nThe message transfer agent (MTA) may stop unexpectedly with the following events\n"
    out += "in the application event log. This text is prose and holds no stack; it mentions\nEMSMTA!otpmralt in passing and Event ID 9405 in a sentence.\n\n"
    out += "  Event ID: 9202\n  Source: MSExchangeMTA\n  Type: Error\n  Category: Interface\n"
    out += "  Description: A sockets error 0 on an accept() call was detected. The MTA\n  will attempt to recover the sockets connection. Control block index: \(random.next() % 300).\n\n"
    out += "  FramePtr  RetAddr   Param1   Param2   Param3   Function Name\n"
    for row in 0..<9 {
      let params = (0..<3).map { _ in hex(random.next()) }.joined(separator: " ")
      out += "  \(hex(0x0ab1_fc00 + UInt64(row) * 0x40)) \(hex(0x0050_0001 + random.next() % 0x1000)) \(params) EMSMTA!otp\(row)+0x\(String(random.next() % 0x400, radix: 16))\n"
    }
    out += "\nRESOLUTION\n==========\n\nTo resolve this problem, obtain the latest service pack for Exchange Server 5.5.\n\n"
  }

  private static func sixtyFourBit(_ out: inout String, _ random: inout Generator) {
    func wide(_ value: UInt64) -> String { HexText.word(value >> 32) + "`" + HexText.word(value & 0xFFFF_FFFF) }
    out += "\n0:000> kn\n # Child-SP          RetAddr               Call Site\n"
    var sp: UInt64 = 0x0000_005b_03ac_c000 + random.next() % 0x1000 * 16
    for row in 0..<14 {
      let number = HexText.byte(UInt64(row))
      if row == 3 {
        out += "\(number) (Inline Function) --------`--------     app!Widget::Refresh [c:\\src\\widget.cpp @ \(random.next() % 900 + 1)]\n"
        continue
      }
      let module = modules[row % modules.count]
      let function = functions[row % functions.count]
      out += "\(number) \(wide(sp)) \(wide(0x7ff9_0000_0000 + random.next() % 0x1_0000_0000))     \(module)!\(function)+0x\(String(random.next() % 0x800, radix: 16))\n"
      sp += 0x40 + random.next() % 0x20 * 16
    }
    out += "\n3: kd> !analyze -v\nKERNEL_SECURITY_CHECK_FAILURE (139)\nArguments:\nArg1: 0000000000000003, A LIST_ENTRY has been corrupted\n\n"
    out += "BUGCHECK_CODE:  139\n\nPROCESS_NAME:  System\n\nSTACK_TEXT:  \n"
    var kernel: UInt64 = 0xffff_f880_009f_6000 + random.next() % 0x100 * 16
    for _ in 0..<10 {
      let args = (0..<4).map { _ in wide(random.next()) }.joined(separator: " ")
      out += "\(wide(kernel)) \(wide(0xffff_f800_0000_0000 + random.next() % 0x1000_0000)) : \(args) : nt!Ki\(functions[Int(random.next() % UInt64(functions.count))])+0x\(String(random.next() % 0x400, radix: 16))\n"
      kernel += 0x60
    }
    out += "\n\nSYMBOL_NAME:  nt!KiFastFailDispatch+d0\n\nMODULE_NAME: nt\n\nIMAGE_NAME:  ntkrnlmp.exe\n\n"
    out += "FAILURE_BUCKET_ID:  0x139_3_CORRUPT_LIST_ENTRY_nt!KiFastFailDispatch\n\n"
  }

  private static func hex(_ value: UInt64) -> String { HexText.word(value) }
}

/// Fixed-width lower-case hex without Foundation.
enum HexText {
  private static let digits = Array("0123456789abcdef")

  static func word(_ value: UInt64) -> String {
    var characters = [Character](repeating: "0", count: 8)
    var rest = value & 0xFFFF_FFFF
    for index in stride(from: 7, through: 0, by: -1) {
      characters[index] = digits[Int(rest & 0xF)]
      rest >>= 4
    }
    return String(characters)
  }

  static func byte(_ value: UInt64) -> String {
    String([digits[Int(value >> 4 & 0xF)], digits[Int(value & 0xF)]])
  }
}

/// xorshift64*: a small deterministic generator.
struct Generator {
  private var state: UInt64

  init(seed: UInt64) { state = seed }

  mutating func next() -> UInt64 {
    state ^= state >> 12
    state ^= state << 25
    state ^= state >> 27
    return (state &* 0x2545_F491_4F6C_DD1D) >> 32
  }
}
