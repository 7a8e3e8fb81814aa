//===--- SymbolLineShape.swift - Does a line look like symbol text? ---------===//
//
// Stack rows wrap: the symbol often sits alone on the line after the hex
// columns, and lists of bare symbols are a stack format of their own. These
// predicates decide whether a line that starts with no hex column is symbol
// text, without mistaking prose ("error occurred in the EMSMTA!oxpufret
// function") for a frame.
//
//===----------------------------------------------------------------------===//

enum SymbolLineShape {
  /// Whether `token` reads as the start of a code location: `mod!fn`, `mod!`,
  /// `!<No Symbol>`, `0x1234abcd`, `<nosymbols>`, `fn+0x1c`, `Class::fn`, `_fn`, `?fn@@…`.
  static func isLocationToken(_ token: some ByteCollection) -> Bool {
    guard let first = token.first else { return false }
    // Only the part before an argument list counts: `fn+0x22(0x0207F7D8,` is a location.
    let token = token.prefix { $0 != ASCII.openParen }
    guard let last = token.last, last != ASCII.comma, last != ASCII.period, last != ASCII.colon else {
      // `EMSMTA!oxpufret,` is prose; `SNADMOD!_sepdq2_int@8+0x100:` is a disassembly label.
      return false
    }
    if let bang = token.firstIndex(of: ASCII.bang) {
      // `ln` prints the symbol after an address as `mod!fn-0x26`: not a frame.
      if Bytes.contains(token[bang...], "-0x") { return false }
      // The module part must be a plain name (letters, digits, . _ - @ $); it may be empty.
      let module = token[token.startIndex..<bang]
      guard module.allSatisfy({ ASCII.isIdentifier($0) || $0 == ASCII.period || $0 == ASCII.minus || $0 == ASCII.at || $0 == 0x24 }) else {
        return false
      }
      return true
    }
    if HexNumber.prefixed(token) != nil { return true }
    if first == ASCII.lessThan { return Bytes.hasPrefix(token, "<no") }
    guard ASCII.isIdentifier(first) || first == ASCII.question || first == ASCII.at else { return false }
    // Without a module, require a mark that prose words do not carry.
    if Bytes.contains(token, "::") { return true }
    if first == ASCII.underscore || first == ASCII.question || first == ASCII.at {
      return token.count > 1 && ASCII.isIdentifier(token[token.startIndex + 1]) || first == ASCII.question
    }
    if let plus = token.lastIndex(of: ASCII.plus), plus > token.startIndex {
      let digits = token[(plus + 1)...].prefix { $0 != ASCII.openParen }
      return HexNumber.prefixedOrBare(digits) != nil
    }
    return false
  }

  /// Whether the token starts an annotation: `(FPO`, `[omap]`, `(0x…`, `({…`, `(…)`, `[ file @ n ]`.
  static func isAnnotationToken(_ token: some ByteCollection) -> Bool {
    guard let first = token.first else { return false }
    if first == ASCII.openParen {
      let rest = token.dropFirst()
      return rest.isEmpty || Bytes.hasPrefix(rest, "fpo") || Bytes.hasPrefix(rest, "uknown")
        || Bytes.hasPrefix(rest, "unknown") || Bytes.hasPrefix(rest, "no fpo") || Bytes.hasPrefix(rest, "no")
        || Bytes.hasPrefix(rest, "0x") || rest.first == ASCII.openBrace || rest.first == ASCII.period
        || rest.first == ASCII.closeParen
    }
    if first == ASCII.openBracket {
      let rest = token.dropFirst()
      return rest.isEmpty || Bytes.hasPrefix(rest, "omap") || Bytes.hasPrefix(rest, "ebp")
        || Bytes.hasPrefix(rest, "stdcall") || Bytes.hasPrefix(rest, "non-") || rest.first.map(ASCII.isDigit) == true
        || rest.first == ASCII.backslash || (rest.count > 1 && rest[rest.startIndex + 1] == ASCII.colon)
        || Bytes.contains(rest, "@") || Bytes.contains(rest, ".c")
    }
    return first == ASCII.openBrace && Bytes.hasPrefix(token, "{...}")
  }

  /// Whether the whole line is a code location with nothing but annotations after it:
  /// the strict test for frames that have no hex columns at all.
  static func isStrictSymbolLine(_ line: TextLine, from start: Int = 0, allowSplitModule: Bool = false) -> Bool {
    guard start < line.tokens.count else { return false }
    var begin = start
    if allowSplitModule, !isLocationToken(line.token(start)), start + 1 < line.tokens.count,
      line.token(start).allSatisfy(ASCII.isIdentifier), line.token(start + 1).contains(ASCII.bang),
      isLocationToken(line.token(start + 1))
    {
      // `tn3   servr!<nosymbols>`: a module name split by blanks.
      begin = start + 1
    }
    guard isLocationToken(line.token(begin)) else { return false }
    var depth = bracketDepth(line.token(begin))
    var index = begin + 1
    while index < line.tokens.count {
      let token = line.token(index)
      // `MyApp!operator new+0xe`, `rpcrt4!operator delete`: C++ operator names hold a blank.
      let afterOperator = Bytes.hasSuffix(line.token(index - 1), "operator")
      if depth > 0 || afterOperator || isAnnotationToken(token) {
        depth += bracketDepth(token)
        index += 1
        continue
      }
      return false
    }
    return true
  }

  /// Net count of opening minus closing brackets in a token.
  static func bracketDepth(_ token: some ByteCollection) -> Int {
    if let depth = token.withContiguousStorageIfAvailable({ bracketDepth(UnsafeRawBufferPointer($0)) }) {
      return depth
    }
    var depth = 0
    for byte in token {
      if byte == ASCII.openParen || byte == ASCII.openBracket { depth += 1 }
      if byte == ASCII.closeParen || byte == ASCII.closeBracket { depth -= 1 }
    }
    return depth
  }

  /// Net count of opening minus closing brackets in `bytes`, eight bytes at a time: each
  /// bracket's bytes are found with an exact per-byte equality test and counted.
  private static func bracketDepth(_ bytes: UnsafeRawBufferPointer) -> Int {
    let ones: UInt64 = 0x0101_0101_0101_0101
    let low: UInt64 = 0x7F7F_7F7F_7F7F_7F7F
    @inline(__always) func equal(_ word: UInt64, _ value: UInt8) -> UInt64 {
      let difference = word ^ (UInt64(value) &* ones)
      return ~(((difference & low) &+ low) | difference) & ~low
    }
    var depth = 0
    var index = 0
    while index + 8 <= bytes.count {
      let word = bytes.loadUnaligned(fromByteOffset: index, as: UInt64.self)
      let opens = equal(word, ASCII.openParen) | equal(word, ASCII.openBracket)
      let closes = equal(word, ASCII.closeParen) | equal(word, ASCII.closeBracket)
      depth += opens.nonzeroBitCount - closes.nonzeroBitCount
      index += 8
    }
    while index < bytes.count {
      let byte = bytes[index]
      if byte == ASCII.openParen || byte == ASCII.openBracket { depth += 1 }
      if byte == ASCII.closeParen || byte == ASCII.closeBracket { depth -= 1 }
      index += 1
    }
    return depth
  }

  /// x86 and Alpha mnemonics that open disassembly lines, which share the
  /// `address bytes text` shape of stack rows.
  static func isMnemonic(_ token: some ByteCollection) -> Bool {
    guard token.count <= 8, token.allSatisfy({ ASCII.isLetter($0) || ASCII.isDigit($0) || $0 == ASCII.underscore || $0 == ASCII.period }) else {
      return false
    }
    // The lowercased word packed into an integer (it has at most 8 bytes), looked up in a
    // sorted table: no String is built for the many tokens this is asked about.
    var key: UInt64 = 0
    for byte in token { key = key << 8 | UInt64(ASCII.lowercased(byte)) }
    var low = 0
    var high = mnemonicKeys.count
    while low < high {
      let middle = (low + high) / 2
      if mnemonicKeys[middle] < key { low = middle + 1 } else { high = middle }
    }
    return low < mnemonicKeys.count && mnemonicKeys[low] == key
  }

  private static let mnemonicKeys: [UInt64] = mnemonics.map { $0.utf8.reduce(0) { $0 << 8 | UInt64($1) } }.sorted()

  private static let mnemonics: Set<String> = [
    "mov", "movsx", "movzx", "push", "pop", "call", "callf", "jmp", "je", "jne", "jz", "jnz", "jl", "jle",
    "jg", "jge", "ja", "jae", "jb", "jbe", "jnb", "js", "jns", "lea", "add", "sub", "and", "or", "xor",
    "cmp", "test", "inc", "dec", "ret", "retn", "int", "nop", "shl", "shr", "sar", "imul", "mul", "div",
    "idiv", "rep", "repne", "repe", "lock", "lodsb", "stosb", "movsb", "movsd", "scasb", "leave", "enter",
    "cdq", "neg", "not", "xchg", "cmpxchg", "sete", "setne", "fld", "fstp", "clc", "stc",
    "ldq", "ldl", "ldq_u", "lda", "ldah", "stq", "stl", "stq_u", "bis", "beq", "bne", "blt", "ble", "bgt",
    "bge", "br", "bsr", "jsr", "zapnot", "zap", "extbl", "extwl", "extll", "insbl", "mskbl", "addl", "addq",
    "subl", "subq", "cmpult", "cmpeq", "cmplt", "cmple", "srl", "sll", "sra", "bic", "s4addl", "s8addq",
    "cmovne", "cmoveq", "mull", "mulq", "ornot", "eqv", "trapb", "mb", "call_pal",
    // amd64
    "movsxd", "syscall", "int3", "ud2", "cmove", "cmovg", "cmovl", "cmova", "cmovb", "movups", "movaps", "movdqu",
    "movdqa", "movq", "pxor", "xorps", "vmovdqu", "vmovups", "bt", "bts", "btr", "cqo", "cdqe", "rol", "ror", "sbb",
    "adc", "jrcxz", "prefetch", "pause", "hlt", "iretq", "swapgs", "wrmsr", "rdmsr", "cpuid", "rdtsc",
    // arm64
    "ldr", "str", "ldp", "stp", "ldrb", "strb", "ldrh", "strh", "ldur", "stur", "ldrsw", "bl", "blr", "b", "cbz",
    "cbnz", "tbz", "tbnz", "brk", "svc", "adrp", "adr", "mrs", "msr", "movk", "movz", "movn", "orr", "eor", "lsl",
    "lsr", "asr", "madd", "msub", "sdiv", "udiv", "csel", "cset", "subs", "adds", "ands", "tst", "cmn", "paciasp",
    "autiasp", "dmb", "dsb", "isb", "ldxr", "stxr", "casal", "ldar", "stlr", "b.eq", "b.ne",
  ]

  /// Whether `token` is a run of instruction bytes as disassembly prints them after the
  /// address (`8b99f8010000`, `410fb64618`): an even number of hex digits, 2 to 30, other
  /// than the 8 or 16 a stack column has.
  static func isInstructionBytes(_ token: some ByteCollection) -> Bool {
    let count = token.count
    return count >= 2 && count <= 30 && count % 2 == 0 && count != 8 && count != 16 && token.allSatisfy(ASCII.isHexDigit)
  }
}
