//===--- LinuxUserFault.swift - The kernel's line for a program's fatal fault --===//
//
// When a program dies of a fault it does not handle, the Linux kernel logs one
// line (show_unhandled_signals, on by default), which is all many bug reports
// carry (dmesg, the journal, syslog):
//
//   ledgerd[12345]: segfault at 10 ip 000055d5c1a2b3c4 sp 00007ffd12345678 error 4 in
//   ledgerd[55d5c1a00000+2b000] likely on CPU 3 (core 3, socket 0)
//   traps: ledgerd[12345] general protection fault ip:55d5c1a2b3c4 sp:7ffd12345678 error:0 in ledgerd[55d5c1a00000+2b000]
//   traps: ledgerd[12345] trap divide error ip:55d5c1a2b3c4 sp:7ffd12345678 error:0 in ledgerd[55d5c1a00000+2b000]
//
// (arch/x86/mm/fault.c `show_signal_msg`, arch/x86/kernel/traps.c; the `in
// FILE[start+length]` part is mm/memory.c `print_vma_addr`: the mapping the ip
// is in, by its start and length.) The ip becomes a one-frame stack in that
// file at its offset from the mapping's start, which is the same at every run
// of a build (address-space randomisation moves the whole mapping), so the
// crash gets one signature. The mapping is the code segment, which starts the
// file only when the code is its first segment (binaries linked with `-z
// separate-code`, the default since binutils 2.31, map a read-only segment
// first, usually 0x1000 or more bytes), so no load address is claimed and the
// frame is not looked up in symbol files by that offset. x86's page-fault error
// bits are spelled out.
//
// arm64 prints its line without the pc, which is in the register dump after it
// (ARM64UserFaultRegisters reads them):
//
//   ledgerd[1804]: unhandled exception: DABT (lower EL), ESR 0x0000000092000006, level 2
//   translation fault in ledgerd[400000+a1f000]                  (4.19 on, arm64_show_signal)
//   ledgerd[1804]: unhandled level 2 translation fault (11) at 0x00000018, esr 0x92000006,
//   in ledgerd[400000+a1f000]                                   (before, __do_user_fault)
//   CPU: 3 PID: 1804 Comm: ledgerd Not tainted 5.15.119 #1
//   pc : 00000000004e0c34
//   lr : 00000000004e0c2c
//   sp : 0000007ffad1bab0
//   x29: 0000007ffad1bab0 x28: 0000000000000001 …
//
//===----------------------------------------------------------------------===//

import CrashCore

/// One line of the kernel's account of a program's fatal fault.
struct LinuxUserFault {
  var command: String
  var processID: UInt32
  /// What happened: `segfault at 10`, `general protection fault`, `trap divide error`.
  var kind: String
  /// The Linux signal the program got (SIGSEGV 11, SIGFPE 8, SIGILL 4, SIGTRAP 5, SIGBUS 7).
  var signal: UInt32
  var faultAddress: UInt64?
  var ip: UInt64
  var ipDigits: Int
  var sp: UInt64?
  var errorCode: UInt64?
  /// `in FILE[start+length]`: the mapping's file, start and length.
  var mapping: (file: String, start: UInt64, length: UInt64)?
  var line: Int
  /// Whether it is arm64's line, whose pc comes in the register dump after it; `errorCode`
  /// is then the ESR.
  var isARM64 = false
  /// arm64's registers after the line (`pc`, `lr`, `sp`, `x0` … `x30`), and their lines.
  var registers: [(name: String, value: UInt64)] = []
  var registerLines: LineRange?

  /// The fault of `line` (after its log prefix), or nil.
  static func parse(_ line: TextLine) -> LinuxUserFault? {
    let count = line.tokens.count
    guard count >= 6, count <= 48 else { return nil }
    let start = KernelOops.payloadStart(line)
    guard start + 5 < count else { return nil }
    var index = start
    let isTrap = line.tokenEquals(index, "traps:")
    if isTrap { index += 1 }
    // `ledgerd[12345]:` (a segfault) or `ledgerd[12345]` (a trap).
    var task = line.token(index)
    if task.last == ASCII.colon { task = task.dropLast() }
    guard task.last == ASCII.closeBracket, let open = task.lastIndex(of: ASCII.openBracket), open > task.startIndex,
      let processID = UInt32(Bytes.string(task[(open + 1)..<(task.endIndex - 1)]))
    else { return nil }
    var fault = LinuxUserFault(
      command: TextLimits.singleLine(TextLimits.capped(Bytes.string(task[..<open]), maximumBytes: 64)), processID: processID,
      kind: "", signal: 11, ip: 0, ipDigits: 0, line: line.number)
    index += 1
    if !isTrap, line.tokenEquals(index, "unhandled") {
      return parseARM64(line, from: index + 1, fault)
    }
    if !isTrap {
      // `segfault at 10 ip 000055d5c1a2b3c4 sp 00007ffd12345678 error 4`
      guard line.tokenEquals(index, "segfault"), line.tokenEquals(index + 1, "at"), index + 7 < count,
        let address = HexNumber.digits(line.token(index + 2)), line.tokenEquals(index + 3, "ip"),
        let ip = HexNumber.digits(line.token(index + 4)), line.tokenEquals(index + 5, "sp"), line.tokenEquals(index + 7, "error")
      else { return nil }
      fault.kind = "segfault at " + String(address, radix: 16)
      fault.faultAddress = address
      fault.ip = ip
      fault.ipDigits = line.token(index + 4).count
      fault.sp = HexNumber.digits(line.token(index + 6))
      if index + 8 < count { fault.errorCode = HexNumber.digits(line.token(index + 8)) }
      index += 9
    } else {
      // `general protection fault ip:… sp:… error:…`, `trap divide error ip:…`.
      guard let ipIndex = (index..<min(count, index + 8)).first(where: { Bytes.hasPrefix(line.token($0), "ip:") }),
        ipIndex > index
      else {
        return nil
      }
      fault.kind = line.text(fromToken: index, throughToken: ipIndex - 1)
      let ipText = line.token(ipIndex).dropFirst(3)
      guard let ip = HexNumber.digits(ipText) else { return nil }
      fault.ip = ip
      fault.ipDigits = ipText.count
      if ipIndex + 1 < count, Bytes.hasPrefix(line.token(ipIndex + 1), "sp:") {
        fault.sp = HexNumber.digits(line.token(ipIndex + 1).dropFirst(3))
      }
      if ipIndex + 2 < count, Bytes.hasPrefix(line.token(ipIndex + 2), "error:") {
        fault.errorCode = HexNumber.digits(line.token(ipIndex + 2).dropFirst(6))
      }
      fault.signal =
        fault.kind.hasSuffix("divide error")
        ? 8 : fault.kind.hasSuffix("invalid opcode") ? 4 : fault.kind.hasSuffix("int3") ? 5 : 11
      index = ipIndex + 3
    }
    fault.readMapping(line, at: index)
    return fault
  }

  /// arm64's `unhandled exception: CLASS, ESR 0x…, WHAT in FILE[start+length]` or, before
  /// 4.19, `unhandled WHAT (SIGNAL) at 0xADDRESS, esr 0x…, in FILE[start+length]`, from the
  /// word after `unhandled`.
  private static func parseARM64(_ line: TextLine, from start: Int, _ partial: LinuxUserFault) -> LinuxUserFault? {
    var fault = partial
    fault.isARM64 = true
    let count = line.tokens.count
    // The mapping is the last word, after `in`.
    let inIndex = count - 2
    guard inIndex > start, line.tokenEquals(inIndex, "in") else { return nil }
    if line.tokenEquals(start, "exception:") {
      guard inIndex > start + 1 else { return nil }
      fault.kind = line.text(fromToken: start + 1, throughToken: inIndex - 1)
      if let esr = (start + 1..<inIndex - 1).first(where: { line.tokenEquals($0, "ESR") }) {
        fault.errorCode = HexNumber.digits(Self.withoutComma(line.token(esr + 1)))
      }
      let kind = fault.kind.lowercased()
      fault.signal =
        kind.hasSuffix("undefined instruction") ? 4 : kind.hasSuffix("brk") ? 5 : kind.contains("alignment fault") ? 7 : 11
    } else {
      // `level 2 translation fault (11) at 0x00000018, esr 0x92000006,`
      guard let signalIndex = (start..<inIndex).first(where: { line.token($0).first == ASCII.openParen }), signalIndex > start,
        let signal = UInt32(Bytes.string(line.token(signalIndex).dropFirst().dropLast())), (1...64).contains(signal)
      else { return nil }
      fault.kind = line.text(fromToken: start, throughToken: signalIndex - 1)
      fault.signal = signal
      if line.tokenEquals(signalIndex + 1, "at"), signalIndex + 2 < inIndex {
        fault.faultAddress = HexNumber.digits(Self.withoutComma(line.token(signalIndex + 2)))
      }
      if let esr = (signalIndex..<inIndex).first(where: { line.tokenEquals($0, "esr") }), esr + 1 < inIndex {
        fault.errorCode = HexNumber.digits(Self.withoutComma(line.token(esr + 1)))
      }
    }
    fault.readMapping(line, at: inIndex)
    return fault.mapping == nil ? nil : fault
  }

  /// `0x00000018,` as `00000018`.
  private static func withoutComma(_ token: ByteSlice) -> ByteSlice {
    var token = token.last == UInt8(ascii: ",") ? token.dropLast() : token
    if token.count > 2, token.first == UInt8(ascii: "0"), token[token.startIndex + 1] | 0x20 == UInt8(ascii: "x") {
      token = token.dropFirst(2)
    }
    return token
  }

  /// ` in ledgerd[55d5c1a00000+2b000]` at token `index`.
  private mutating func readMapping(_ line: TextLine, at index: Int) {
    let count = line.tokens.count
    if index + 1 < count, line.tokenEquals(index, "in") {
      let mapping = line.token(index + 1)
      if mapping.last == ASCII.closeBracket, let open = mapping.lastIndex(of: ASCII.openBracket), open > mapping.startIndex {
        let inside = mapping[(open + 1)..<(mapping.endIndex - 1)]
        if let plus = inside.firstIndex(of: ASCII.plus), let begin = HexNumber.digits(inside[..<plus]),
          let length = HexNumber.digits(inside[(plus + 1)...])
        {
          self.mapping = (
            TextLimits.singleLine(TextLimits.capped(Bytes.string(mapping[..<open]), maximumBytes: 256)), begin, length
          )
        }
      }
    }
  }

  /// `SIGSEGV` for 11, and the others a fault line can mean.
  static func signalName(_ signal: UInt32) -> String {
    switch signal {
    case 4: "SIGILL"
    case 5: "SIGTRAP"
    case 7: "SIGBUS"
    case 8: "SIGFPE"
    default: "SIGSEGV"
    }
  }

  /// x86's page-fault error code in words (arch/x86/include/asm/trap_pf.h).
  static func pageFaultWords(_ code: UInt64) -> String {
    var words = [code & 4 != 0 ? "user-mode" : "kernel-mode"]
    words.append(code & 16 != 0 ? "instruction fetch" : code & 2 != 0 ? "write" : "read")
    words.append(code & 1 != 0 ? "protection violation" : "page not present")
    return words.joined(separator: " ")
  }

  /// The exception, the module and the one-frame thread.
  func emit(_ emit: (TextDecodingEvent) -> Void, emitThread: (CrashThread) -> Void) {
    let lines = registerLines.map { $0.including(line) } ?? LineRange(line: line)
    var description = Self.signalName(signal) + ": " + kind
    if isARM64, !kind.contains("ESR"), let errorCode {
      description += ", ESR 0x" + String(errorCode, radix: 16)
    } else if let errorCode, !kind.hasPrefix("trap"), !isARM64 {
      description += ", error \(String(errorCode, radix: 16))"
      if faultAddress != nil { description += " (" + Self.pageFaultWords(errorCode) + ")" }
    }
    emit(.application(ApplicationInfo(name: command, processID: processID, lines: lines)))
    emit(
      .exception(
        CrashException(
          code: ExceptionCode(rawValue: signal), description: TextLimits.capped(description, maximumBytes: 256),
          address: faultAddress.map { Address($0) }, threadID: processID, lines: lines)))
    var symbol = FrameSymbol(address: Address(ip), isUnresolved: true)
    if let mapping, ip >= mapping.start, ip &- mapping.start < mapping.length {
      let printed = "\(mapping.file)[\(String(mapping.start, radix: 16))+\(String(mapping.length, radix: 16))]"
      symbol = FrameSymbol(
        module: ModuleName.stem(mapping.file), moduleOffset: ip &- mapping.start, moduleBase: Address(mapping.start),
        printedText: printed)
      emit(
        .systemProperty(
          SystemProperty(
            key: "Code mapping",
            value: "\(mapping.file) at 0x\(String(mapping.start, radix: 16)), 0x\(String(mapping.length, radix: 16)) bytes"
              + (ip >= mapping.start ? "; the ip is 0x\(String(ip &- mapping.start, radix: 16)) into it" : ""))))
    }
    // arm64's line without its register dump has no pc: no frame.
    let frames = isARM64 && registers.isEmpty ? [] : [StackFrame(index: 0, instruction: Address(ip), symbol: symbol, trust: .text, lines: lines)]
    let architecture: Architecture = isARM64 ? .arm64 : ipDigits == 16 || ip > UInt64(UInt32.max) ? .amd64 : .unknown
    let evidence =
      isARM64
      ? ["the kernel's arm64 fault line (arch/arm64/kernel/traps.c), with its pc in the register dump after it"]
      : architecture == .amd64
        ? ["the kernel's x86 fault line (arch/x86/mm/fault.c) with a 64-bit ip"]
        : ["the ip fits 32 bits: an x86 or a 32-bit process on x86-64, which the line does not tell"]
    var thread = CrashThread(
      id: processID, architecture: architecture, architectureEvidence: evidence, frames: frames, format: .kernelOops,
      lines: lines,
      label: "\(command) (PID \(processID)): the kernel's fault line", isCrashed: true)
    if let sp, architecture == .amd64 {
      thread.context = NamedRegisters.context([("rip", ip), ("rsp", sp)], architecture: .amd64)
      thread.contextLines = lines
    } else if isARM64, !registers.isEmpty {
      thread.context = NamedRegisters.context(
        registers.map { $0.name == "x29" ? ("fp", $0.value) : $0.name == "x30" ? ("lr", $0.value) : $0 }, architecture: .arm64)
      thread.contextLines = registerLines
    }
    emitThread(thread)
  }
}
