//===--- ArchitectureClassifier.swift - x86, Alpha, amd64, ARM, or unknown --===//
//
// Decides the architecture of a decoded stack the way docs/formats.md §3 does,
// strongest rule first, and records the evidence in words:
//
//  1. The format settles it: ChildEBP listings, the x86 blue-screen dword dump,
//     Windows 9x and 3.1 reports, SQL short stacks are x86 only; the
//     Callee-Sp/Dll Base blue-screen table is Alpha's.
//  2. FPO annotations (FPO, TrapFrame, Stdcall, FPO TYPE) exist only on i386.
//  3. An unaligned return address into a named frame proves x86: NT's RISC
//     ports have fixed 4-byte, 4-byte-aligned instructions.
//  4. An Alpha register dump or Alpha disassembly nearby (80 lines before or
//     after) means Alpha.
//  5. Three or more aligned return addresses, or a Callee-SP listing, mean RISC;
//     Alpha / MIPS / PowerPC named nearby or in the title then decides, and RISC
//     plus Exchange (built only for x86 and Alpha) means Alpha. Otherwise unknown.
//  6. Weak x86 clues: an x86 register dump nearby; `__stdcall`-decorated kernel
//     names (`NT!_KiTrap0E`), which RISC NT does not print.
//
// 64-bit listings (`Child-SP` headers, 16-digit or backticked columns) come from
// amd64 or arm64 Windows, decided by `decide64` (a Child-SP listing of 8-digit columns is
// 32-bit ARM's): an unaligned return address
// proves amd64; arm64 registers (x0–x28, lr) or `ARM64` / `arm64fre` / `aarch64`
// nearby mean arm64, amd64 registers (rax, rip) or `x64` / `AMD64` / `amd64fre`
// amd64; four or more return addresses all 4-byte aligned mean arm64 (its
// instructions are; amd64 return addresses rarely all are); otherwise amd64,
// by far the common case, said so.
//
//===----------------------------------------------------------------------===//

import CrashCore

/// The architecture chosen for a stack, with the reasons.
struct ArchitectureDecision {
  var architecture: Architecture
  var evidence: [String]
}

enum ArchitectureClassifier {
  /// Decides the architecture of `frames`, printed in `format` on lines `lines`.
  static func decide(
    frames: [StackFrame], format: StackFormat, lines: LineRange, evidence: ArchitectureEvidence,
    threadRegisters: Architecture? = nil, wideColumns: Bool = false, onlyEightDigitColumns: Bool = false
  ) -> ArchitectureDecision {
    // A Child-SP listing whose columns are all 8 digits: WinDbg prints that header for 32-bit
    // ARM (Windows RT, Windows 10 IoT) as well; 64-bit targets print 16.
    if format == .childSP || format == .childSPArgs, onlyEightDigitColumns {
      return ArchitectureDecision(
        architecture: .arm,
        evidence: [
          "the Child-SP listing's columns are 8 digits wide: a 32-bit target, and 32-bit Windows debuggers print Child-SP only for ARM"
        ])
    }
    // 64-bit: a Child-SP listing, or columns holding 64-bit values, unless FPO data (i386
    // only) says a 64-bit-aware debugger printed an x86 stack with wide columns.
    if format == .childSP || format == .childSPArgs
      || (wideColumns && !frames.contains { $0.annotations.contains(where: isFPOAnnotation) })
    {
      return decide64(frames: frames, format: format, lines: lines, evidence: evidence, threadRegisters: threadRegisters)
    }
    // 1. The format.
    switch format {
    case .childEBPArgs, .childEBP, .blueScreenX86, .win9xStackDump, .sqlShortStack, .win31DrWatson:
      return ArchitectureDecision(architecture: .x86, evidence: ["the \(format.rawValue) format is printed only for x86"])
    case .blueScreenRISC:
      return ArchitectureDecision(
        architecture: .alpha, evidence: ["the Callee-Sp / Dll Base blue-screen table is printed by Alpha NT"])
    default: break
    }
    // 2. FPO annotations.
    if let frame = frames.first(where: { $0.annotations.contains(where: isFPOAnnotation) }) {
      return ArchitectureDecision(
        architecture: .x86,
        evidence: ["frame \(frame.index) carries FPO data (line \(frame.lines?.first ?? lines.first)); FPO exists only on i386"])
    }
    // 3. Return-address alignment.
    var aligned = 0
    for index in frames.indices.dropLast() {
      guard let returnAddress = frames[index].returnAddress, returnAddress.rawValue != 0 else { continue }
      // The next row must name a real place (a module, a function or an address);
      // rows like `!<No Symbol>` at the bottom of a stack often carry garbage.
      let caller = frames[index + 1].symbol
      guard caller?.function != nil || caller?.address != nil || caller?.module != nil else { continue }
      if returnAddress.rawValue % 4 != 0 {
        return ArchitectureDecision(
          architecture: .x86,
          evidence: [
            "return address \(returnAddress) (frame \(index), line \(frames[index].lines?.first ?? lines.first)) is not 4-byte aligned; RISC return addresses always are"
          ])
      }
      aligned += 1
    }
    // 3b. Frame records with no symbols at all (a listing printed without them): the
    // chain itself is the evidence. Two unaligned return addresses between rows that
    // both carry a frame pointer prove x86; the last row (often garbage) is ignored.
    if frames.count >= 3, frames.allSatisfy({ $0.symbol == nil }) {
      let unaligned = frames.indices.dropLast().filter { index in
        guard let address = frames[index].returnAddress?.rawValue, address != 0,
          frames[index].framePointer != nil, frames[index + 1].framePointer != nil
        else { return false }
        return address % 4 != 0
      }
      if unaligned.count >= 2 {
        let first = frames[unaligned[0]]
        return ArchitectureDecision(
          architecture: .x86,
          evidence: [
            "\(unaligned.count) return addresses of this symbol-less listing are not 4-byte aligned, the first "
              + "\(first.returnAddress!) (frame \(first.index), line \(first.lines?.first ?? lines.first)); RISC return addresses always are"
          ])
      }
    }
    // 4. Alpha registers or disassembly nearby.
    if threadRegisters == .alpha {
      return ArchitectureDecision(architecture: .alpha, evidence: ["the same thread's register dump is Alpha's (v0, t0, ra, fir …)"])
    }
    if ArchitectureEvidence.isNear(evidence.alphaRegisters, start: lines.first, end: lines.last) {
      return ArchitectureDecision(
        architecture: .alpha, evidence: ["an Alpha register dump is nearby (line \(evidence.alphaRegisters ?? 0))"])
    }
    if ArchitectureEvidence.isNear(evidence.alphaDisassembly, start: lines.first, end: lines.last) {
      return ArchitectureDecision(
        architecture: .alpha, evidence: ["Alpha disassembly is nearby (line \(evidence.alphaDisassembly ?? 0))"])
    }
    // 5. RISC by alignment or by format, then which RISC.
    let calleeFormat = format == .calleeSPReturnRA || format == .calleeSPArguments
    if aligned >= 3 || calleeFormat {
      let why =
        aligned >= 3
        ? "all \(aligned) return addresses into named frames are 4-byte aligned (RISC)"
        : "the Callee-SP listing is printed by RISC kernel debuggers"
      if let which = riscVariant(lines: lines, evidence: evidence) {
        return ArchitectureDecision(architecture: which.0, evidence: [why, which.1])
      }
      return ArchitectureDecision(
        architecture: .unknown, evidence: [why, "nothing tells Alpha from MIPS or PowerPC"])
    }
    // 6. Weak x86 clues.
    if threadRegisters == .x86 {
      return ArchitectureDecision(architecture: .x86, evidence: ["the same thread's register dump is x86's"])
    }
    if ArchitectureEvidence.isNear(evidence.x86Registers, start: lines.first, end: lines.last) {
      return ArchitectureDecision(
        architecture: .x86, evidence: ["an x86 register dump is nearby (line \(evidence.x86Registers ?? 0))"])
    }
    if ArchitectureEvidence.isNear(evidence.x86Disassembly, start: lines.first, end: lines.last) {
      return ArchitectureDecision(
        architecture: .x86, evidence: ["x86 disassembly is nearby (line \(evidence.x86Disassembly ?? 0))"])
    }
    if let frame = frames.first(where: { isStdcallKernelName($0.symbol) }) {
      return ArchitectureDecision(
        architecture: .x86,
        evidence: ["\(frame.symbol?.printedText ?? "a symbol") carries x86 __stdcall decoration (leading underscore)"])
    }
    if let processor = evidence.processorType {
      return ArchitectureDecision(architecture: processor, evidence: ["the log's System Information names the processor"])
    }
    return ArchitectureDecision(architecture: .unknown, evidence: ["no architecture evidence in the listing or nearby"])
  }

  /// amd64 or arm64, for a listing of 64-bit columns.
  static func decide64(
    frames: [StackFrame], format: StackFormat, lines: LineRange, evidence: ArchitectureEvidence,
    threadRegisters: Architecture?
  ) -> ArchitectureDecision {
    let why =
      format == .childSP || format == .childSPArgs
      ? "the Child-SP listing is printed by 64-bit Windows debuggers (amd64, arm64)"
      : "the listing's columns are 64-bit words"
    var aligned = 0
    for index in frames.indices.dropLast() {
      guard let returnAddress = frames[index].returnAddress, returnAddress.rawValue != 0, !frames[index].isInlined else { continue }
      let caller = frames[index + 1].symbol
      guard caller?.function != nil || caller?.module != nil else { continue }
      if returnAddress.rawValue % 4 != 0 {
        return ArchitectureDecision(
          architecture: .amd64,
          evidence: [
            why,
            "return address \(returnAddress) (frame \(index), line \(frames[index].lines?.first ?? lines.first)) is not 4-byte aligned; arm64 return addresses always are",
          ])
      }
      aligned += 1
    }
    if threadRegisters == .arm64 || threadRegisters == .amd64, let registers = threadRegisters {
      return ArchitectureDecision(architecture: registers, evidence: [why, "the same thread's register dump is \(registers.displayName)'s"])
    }
    let near = { (line: Int?) in ArchitectureEvidence.isNear(line, start: lines.first, end: lines.last) }
    if near(evidence.arm64Registers) {
      return ArchitectureDecision(architecture: .arm64, evidence: [why, "an arm64 register dump (x0–x28, lr) is nearby (line \(evidence.arm64Registers ?? 0))"])
    }
    if near(evidence.amd64Registers) {
      return ArchitectureDecision(architecture: .amd64, evidence: [why, "an amd64 register dump (rax, rip) is nearby (line \(evidence.amd64Registers ?? 0))"])
    }
    if near(evidence.arm64Mention) {
      return ArchitectureDecision(architecture: .arm64, evidence: [why, "the text nearby names ARM64 (line \(evidence.arm64Mention ?? 0))"])
    }
    if near(evidence.amd64Mention) {
      return ArchitectureDecision(architecture: .amd64, evidence: [why, "the text nearby names x64 / AMD64 (line \(evidence.amd64Mention ?? 0))"])
    }
    if aligned >= 4 {
      return ArchitectureDecision(
        architecture: .arm64,
        evidence: [why, "all \(aligned) return addresses into named frames are 4-byte aligned (arm64's are; amd64's rarely all are)"])
    }
    return ArchitectureDecision(
      architecture: .amd64, evidence: [why, "nothing points to arm64; amd64 is the usual 64-bit Windows"])
  }

  private static func riscVariant(lines: LineRange, evidence: ArchitectureEvidence) -> (Architecture, String)? {
    let near = { (line: Int?) in ArchitectureEvidence.isNear(line, start: lines.first, end: lines.last) }
    if near(evidence.alphaFormat) { return (.alpha, "an Alpha-only listing is nearby (line \(evidence.alphaFormat ?? 0))") }
    if evidence.titleArchitectures.contains(.alpha) { return (.alpha, "the title names Alpha") }
    if evidence.titleArchitectures.contains(.mips) { return (.mips, "the title names MIPS") }
    if evidence.titleArchitectures.contains(.ppc) { return (.ppc, "the title names PowerPC") }
    if near(evidence.alphaMention) { return (.alpha, "the text nearby names Alpha (line \(evidence.alphaMention ?? 0))") }
    if near(evidence.mipsMention) { return (.mips, "the text nearby names MIPS (line \(evidence.mipsMention ?? 0))") }
    if near(evidence.powerPCMention) { return (.ppc, "the text nearby names PowerPC (line \(evidence.powerPCMention ?? 0))") }
    if evidence.processorType == .alpha { return (.alpha, "the log's System Information names an Alpha processor") }
    if evidence.titleMentionsExchange || evidence.exchangeMention != nil {
      return (.alpha, "RISC and Exchange: Exchange 4.0–5.5 shipped only for x86 and Alpha")
    }
    return nil
  }

  private static func isFPOAnnotation(_ annotation: FrameAnnotation) -> Bool {
    switch annotation {
    case .fpo, .trapFrame, .nonFPO, .sehFrame, .unknownFPOType, .noFPO, .stdcall: true
    case .other(let text): text.hasPrefix("(FPO") || text.hasPrefix("(fpo")
    case .omap, .argumentList, .namedByCallSite: false
    }
  }

  /// `NT!_KiTrap0E`, `dlc!_RespondTestOrXid`: a module-qualified name with a
  /// leading underscore, as x86 kernel debuggers print `__stdcall` functions.
  private static func isStdcallKernelName(_ symbol: FrameSymbol?) -> Bool {
    guard let symbol, symbol.module != nil, let function = symbol.function,
      function.hasPrefix("_"), !function.hasPrefix("__"), function.count > 2
    else { return false }
    let second = function[function.index(after: function.startIndex)]
    return second.isLetter && second.isUppercase
  }
}
