//===--- ChromiumSignalRegisters.swift - The registers Chromium's handler prints ===//
//
// After its stack, Chromium's fatal signal handler on Linux (base/debug/
// stack_trace_posix.cc) prints the signal context's general registers, four to a
// line, each its short label and its value in hex padded to the word's width:
//
//     r8: 0000000000000000  r9: 00007ffd2b1c0a70 r10: 0000000000000000 r11: 0000000000000246
//    r12: 000055a8c4f1a000 r13: 00007ffd2b1c0b90 r14: 0000000000000000 r15: 00001a2c00223000
//     di: 0000000000000000  si: 00007ffd2b1c0a70  bp: 00007ffd2b1c0ae0  bx: 0000000000000000
//     dx: 0000000000000000  ax: 0000000000000000  cx: 0000000000000000  sp: 00007ffd2b1c0a60
//     ip: 000055a8c3e4f5a6 efl: 0000000000010246 cgf: 002b000000000033 erf: 0000000000000004
//    trp: 000000000000000e msk: 0000000000000000 cr2: 0000000000000010
//   [end of stack trace]
//
// (x86-64; a 32-bit build prints `gs: fs: es: ds:`, `edi: esi: ebp: esp:`, `ebx: edx: ecx:
// eax:`, `trp: err: ip: cs:`, `efl: usp: ss:` with 8 digits). They are the faulting frame's
// registers: the report builder gives them to the stack whose frame is at their `ip`.
//
//===----------------------------------------------------------------------===//

import CrashCore

/// Chromium's register lines after a fatal signal's stack, gathered line by line.
struct ChromiumSignalRegistersCollector {
  private var pairs: [(name: String, value: UInt64)] = []
  private var lines: LineRange?
  private var digits = 0

  /// Whether register lines are being read.
  var isCollecting: Bool { lines != nil }

  /// Whether `line` may open the registers: four pairs, the first `r8:` (x86-64) or `gs:` (x86).
  @inline(__always)
  static func mayOpen(_ line: TextLine) -> Bool {
    line.tokens.count == 8 && (line.tokenEquals(0, "r8:") || line.tokenEquals(0, "gs:"))
  }

  /// Chromium's labels, as the register names a context knows (nil: a value kept by no context).
  private static let amd64Names: [String: String?] = [
    "r8": "r8", "r9": "r9", "r10": "r10", "r11": "r11", "r12": "r12", "r13": "r13", "r14": "r14", "r15": "r15",
    "di": "rdi", "si": "rsi", "bp": "rbp", "bx": "rbx", "dx": "rdx", "ax": "rax", "cx": "rcx", "sp": "rsp",
    "ip": "rip", "efl": "eflags", "cgf": nil, "erf": nil, "trp": nil, "msk": nil, "cr2": nil,
  ]
  private static let x86Names: [String: String?] = [
    "gs": "gs", "fs": "fs", "es": "es", "ds": "ds", "edi": "edi", "esi": "esi", "ebp": "ebp", "esp": "esp",
    "ebx": "ebx", "edx": "edx", "ecx": "ecx", "eax": "eax", "trp": nil, "err": nil, "ip": "eip", "cs": "cs",
    "efl": "eflags", "usp": nil, "ss": "ss",
  ]

  /// The line's pairs when every one is a label of `names` and a value of `digits` hex digits.
  private static func pairs(_ line: TextLine, digits: Int, names: [String: String?]) -> [(name: String, value: UInt64)]? {
    let count = line.tokens.count
    guard count >= 2, count <= 8, count % 2 == 0 else { return nil }
    var found: [(name: String, value: UInt64)] = []
    for index in stride(from: 0, to: count, by: 2) {
      let label = line.token(index)
      let value = line.token(index + 1)
      // A label no context keeps (`cr2:`, `trp:`) still belongs to the dump.
      guard label.count >= 3, label.count <= 4, label.last == ASCII.colon, value.count == digits,
        let number = HexNumber.digits(value), let entry = names[String(decoding: label.dropLast(), as: UTF8.self)]
      else { return nil }
      if let name = entry { found.append((name, number)) }
    }
    return found
  }

  /// Takes a line; false for one it does not read (which ends the registers).
  mutating func consume(_ line: TextLine, emit: (TextDecodingEvent) -> Void) -> Bool {
    if lines == nil {
      guard Self.mayOpen(line) else { return false }
      let isAMD64 = line.tokenEquals(0, "r8:")
      let width = isAMD64 ? 16 : 8
      guard let first = Self.pairs(line, digits: width, names: isAMD64 ? Self.amd64Names : Self.x86Names) else { return false }
      digits = width
      pairs = first
      lines = LineRange(line: line.number)
      return true
    }
    if let more = Self.pairs(line, digits: digits, names: digits == 16 ? Self.amd64Names : Self.x86Names) {
      if pairs.count < 64 { pairs += more }
      lines = lines?.including(line.number)
      return true
    }
    if line.tokens.count == 4, line.tokenEquals(0, "[end"), line.tokenEquals(3, "trace]") {
      lines = lines?.including(line.number)
      finish(emit: emit)
      return true
    }
    finish(emit: emit)
    return false
  }

  /// Ends the registers: a context with an instruction and a stack pointer, as a register dump.
  mutating func finish(emit: (TextDecodingEvent) -> Void) {
    defer {
      pairs = []
      lines = nil
    }
    guard let lines, let context = NamedRegisters.context(pairs, architecture: digits == 16 ? .amd64 : .x86),
      context.instructionPointer != nil, context.stackPointer != nil
    else { return }
    emit(.registers(context, lines))
  }
}
