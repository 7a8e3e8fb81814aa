//===--- ArchitectureEvidence.swift - What the text says about the CPU ------===//
//
// Collected line by line as the decoder reads: where Alpha or x86 register
// dumps, Alpha disassembly, and mentions of Alpha, MIPS, PowerPC, Exchange or
// of a stack trace were seen. Only line numbers are kept, so memory does not grow with input.
//
//===----------------------------------------------------------------------===//

import CrashCore

/// Positions of architecture clues seen so far in a text input.
struct ArchitectureEvidence {
  /// The last line holding an Alpha register dump.
  var alphaRegisters: Int?
  /// The last line holding Alpha disassembly.
  var alphaDisassembly: Int?
  /// The last line holding an x86 register dump.
  var x86Registers: Int?
  /// The last line holding x86 disassembly (`77eb3ea5 85c9 test ecx,ecx`).
  var x86Disassembly: Int?
  /// The last line of a format only Alpha prints (the blue-screen Callee-Sp table).
  var alphaFormat: Int?
  /// The last line mentioning Alpha in prose.
  var alphaMention: Int?
  /// The last line mentioning MIPS in prose.
  var mipsMention: Int?
  /// The last line mentioning PowerPC in prose.
  var powerPCMention: Int?
  /// The last line mentioning Exchange (a product that shipped for x86 and Alpha only).
  var exchangeMention: Int?
  /// The last line whose prose says a stack or trace follows (`stack-back trace`).
  var stackMention: Int?
  /// Architectures the document's title names.
  var titleArchitectures: Set<Architecture> = []
  /// Whether the title names Exchange.
  var titleMentionsExchange = false
  /// The processor a Dr. Watson System Information section named.
  var processorType: Architecture?
  /// The last line naming ARM64 (`ARM64`, `arm64fre`, `AArch64`).
  var arm64Mention: Int?
  /// The last line naming x64 (`x64`, `AMD64`, `amd64fre`, `x86_64`).
  var amd64Mention: Int?
  /// The last line holding arm64 registers (`x0=`, `x28=`, `lr=`; RegisterDumpParser).
  var arm64Registers: Int?
  /// The last line holding amd64 registers (`rax=`, `rip=`; RegisterDumpParser).
  var amd64Registers: Int?

  /// How close (in lines) a clue must be to count as "nearby".
  static let window = 80

  /// `a`, `e`, `m`, `p`, `s`, `t`: the clue words' first letters (`alpha`, `exchange`, `mips`,
  /// `powerpc`, `stack`, `trace`), as a constant (`TokenLeads.of` would be evaluated lazily on
  /// every line).
  static let proseLeads = TokenLeads(bits: 1 << 0 | 1 << 4 | 1 << 12 | 1 << 15 | 1 << 18 | 1 << 19)
  /// `x`: `x64`, `x86_64` look like hex after their first letter, so they are found on the
  /// lead set of every token (no hex column starts with `x`).
  static let xLead = TokenLeads(bits: 1 << 23)

  /// Scans a line of prose for mentions; cheap enough to run on every line.
  mutating func observeProse(_ line: TextLine) {
    // WinDbg's banner: `Windows 10 Kernel Version 22621 MP (8 procs) Free ARM 64-bit (AArch64)`,
    // `… Free x64`.
    if line.starts(with: "Windows ") {
      if line.contains("AArch64") || line.contains("ARM64") || line.contains("ARM 64-bit") {
        arm64Mention = line.number
      } else if line.contains(" x64") || line.contains("AMD64") {
        amd64Mention = line.number
      }
    }
    // Metadata listing the platforms a fix covers says nothing about a trace.
    // Every clue is a word whose second letter is not a hex digit (`alpha`, `mips`, `ppc`,
    // `exchange`, `stack`, `trace`): rows of hex columns are skipped on the lead set.
    guard line.wordLeads.intersects(Self.proseLeads) || line.tokenLeads.intersects(Self.xLead), !line.starts(with: "Hardware")
    else { return }
    for range in line.tokens {
      // Every clue word has three letters or more.
      guard range.count >= 3 else { continue }
      let token = line.bytes[range]
      // `| 0x20` lower-cases a letter; no other byte becomes one of these.
      switch token[range.lowerBound] | 0x20 {
      case 0x61:  // a
        if Bytes.hasPrefix(token, "alpha") {
          if !isLongerWord(token, 5) { alphaMention = line.number }
        } else if Bytes.hasPrefix(token, "arm64") || Bytes.hasPrefix(token, "aarch64") {
          arm64Mention = line.number
        } else if Bytes.hasPrefix(token, "amd64") {
          amd64Mention = line.number
        }
      case 0x78:  // x
        if Bytes.equalsIgnoringCase(token, "x64") || Bytes.hasPrefix(token, "x86_64") { amd64Mention = line.number }
      case 0x6D:  // m
        if Bytes.hasPrefix(token, "mips") && !isLongerWord(token, 4) { mipsMention = line.number }
      case 0x70:  // p
        if Bytes.hasPrefix(token, "powerpc") || Bytes.equalsIgnoringCase(token, "ppc") { powerPCMention = line.number }
      case 0x65:  // e
        if Bytes.hasPrefix(token, "exchange") && !isLongerWord(token, 8) { exchangeMention = line.number }
      case 0x73:  // s
        if Bytes.hasPrefix(token, "stack") { stackMention = line.number }
      case 0x74:  // t
        if Bytes.hasPrefix(token, "trace") { stackMention = line.number }
      default:
        continue
      }
    }
  }

  /// Records the document title's clues.
  mutating func observeTitle(_ title: String) {
    let words = title.lowercased().split(whereSeparator: { !$0.isLetter && !$0.isNumber })
    if words.contains("alpha") { titleArchitectures.insert(.alpha) }
    if words.contains("mips") { titleArchitectures.insert(.mips) }
    if words.contains("powerpc") || words.contains("ppc") { titleArchitectures.insert(.ppc) }
    if words.contains("exchange") || words.contains("xcon") || words.contains("xadm") || words.contains("xfor")
      || words.contains("xclient") || words.contains("xgen") || words.contains("ximc")
    {
      titleMentionsExchange = true
    }
  }

  private func isLongerWord(_ token: some ByteCollection, _ length: Int) -> Bool {
    token.count > length && ASCII.isLetter(token[token.startIndex + length])
  }

  /// Whether `line` is inside `start...end` or within the window before or after it.
  static func isNear(_ line: Int?, start: Int, end: Int) -> Bool {
    guard let line else { return false }
    return line >= start - window && line <= end + window
  }
}
