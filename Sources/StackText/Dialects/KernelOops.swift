//===--- KernelOops.swift - Linux kernel oopses, BUGs and WARNINGs --------------===//
//
// What the Linux kernel logs when it oopses, hits a BUG or a WARN, or finds a
// task hung (Documentation/admin-guide/bug-hunting.rst and reporting-issues.rst
// in the kernel source; arch/x86/kernel/dumpstack.c and process_64.c,
// arch/arm64/kernel/traps.c and process.c print it), as dmesg, the journal or
// syslog show it:
//
//   [   24.125123] BUG: kernel NULL pointer dereference, address: 0000000000000008
//   [   24.125212] Oops: 0000 [#1] PREEMPT SMP NOPTI
//   [   24.125232] CPU: 2 PID: 1543 Comm: insmod Tainted: G           OE      6.1.0-13-amd64 #1
//   [   24.125297] RIP: 0010:faulty_init+0x15/0x1000 [faulty]
//   [   24.125360] RSP: 0018:ffffb1a4c0b2fc68 EFLAGS: 00010246
//   [   24.125382] RAX: 0000000000000000 RBX: 0000000000000000 RCX: 0000000000000000
//   [   24.125611] Call Trace:
//   [   24.125625]  <TASK>
//   [   24.125637]  ? __die+0x23/0x70
//   [   24.125741]  do_one_initcall+0x5b/0x320
//   [   24.126130] Modules linked in: faulty(OE+) nls_ascii …
//   [   24.126434] ---[ end trace 0000000000000000 ]---
//
// Kernels before 4.16 print each trace entry's address (`[<ffffffff8100212a>]
// do_one_initcall+0xda/0x180`) and `RIP: 0010:[<…>]  [<…>] sym`; arm64 prints
// `pc : sym`, `lr : sym`, `sp : …`, `x29: … x28: …` and `Call trace:`. A `?`
// entry is a word found on the stack that the unwinder could not vouch for. The
// message's first line (`BUG: …`, `general protection fault …`, `WARNING: …`,
// `Unable to handle kernel …`, `kernel BUG at …`, `INFO: task … blocked …`) is
// kept as the `Kernel message` property; the die line (`Oops: 0002 [#1]`,
// `invalid opcode: 0000 [#1]`, `Internal error: Oops: 96000005 [#1]`) gives the
// exception's code.
//
//===----------------------------------------------------------------------===//

import CrashCore

/// The lines of a kernel oops, after their log prefix.
enum KernelOops {
  /// A trace entry: `? do_one_initcall+0xda/0x180 [mod]`, `[<ffffffff8100212a>] sym+0x1/0x2`.
  struct Row {
    var function: String?
    var offset: UInt64?
    var module: String?
    var buildID: String?
    var address: UInt64?
    var isReliable: Bool
    var text: String
    var line: Int
    /// A `RIP: 0010:sym` line inside the trace (an exception's registers): the pc, not a return.
    var isInterrupted = false
  }

  /// The index of the first token after the log prefix: syslog's `Dec  6 18:00:00 host kernel:`,
  /// the journal's ISO time, `<4>`, dmesg's `[   24.125123]` and `[ T1543]`, `dmesg -T`'s
  /// `[Sun Dec  6 18:00:00 2026]`.
  static func payloadStart(_ line: TextLine) -> Int {
    var index = 0
    let count = line.tokens.count
    guard count > 0 else { return 0 }
    // `Dec  6 18:00:00 host kernel:`, `2026-12-06T18:00:00+0000 host kernel:`.
    if count >= 5, line.tokenEquals(4, "kernel:"), line.token(2).contains(ASCII.colon) {
      index = 5
    } else if count >= 4, line.tokenEquals(3, "kernel:"), line.token(2).contains(ASCII.colon) {
      // `Aug 13 12:28:38 kernel:`: a syslog that leaves the host out.
      index = 4
    } else if count >= 3, line.tokenEquals(2, "kernel:"), line.token(0).count >= 19, line.token(0).contains(UInt8(ascii: "T")) {
      index = 3
    }
    // `<4>`, possibly glued to what follows (`<4>[   24.1]`).
    var levelGlued = false
    if index < count, line.token(index).count >= 3, line.token(index).first == ASCII.lessThan,
      ASCII.isDigit(line.token(index)[line.token(index).startIndex + 1]),
      line.token(index)[line.token(index).startIndex + 2] == ASCII.greaterThan
    {
      if line.token(index).count == 3 {
        index += 1
      } else if line.token(index)[line.token(index).startIndex + 3] == ASCII.openBracket {
        levelGlued = true
      }
    }
    // `[   24.125123]`, `[24.125123]`, `[ T1543]`, `[Sun Dec  6 18:00:00 2026]`: bracketed groups
    // of at most six tokens, each ending at a token ending with `]` whose first token opens `[`.
    var groups = 0
    while index < count, groups < 3,
      levelGlued || (line.token(index).first == ASCII.openBracket && !isTraceMarker(line.token(index))
        && !Bytes.hasPrefix(line.token(index), "[<"))
    {
      levelGlued = false
      var end = index
      while end < count, end - index < 6, line.token(end).last != ASCII.closeBracket { end += 1 }
      guard end < count, end - index < 6 else { break }
      // `[#1]` belongs to a die line, not a prefix.
      if Bytes.hasPrefix(line.token(index), "[#") { break }
      index = end + 1
      groups += 1
    }
    // `journalctl -o short-monotonic`'s `[  812.104211] pi5 kernel:`.
    if groups > 0, index + 1 < count, line.tokenEquals(index + 1, "kernel:") { index += 2 }
    return index
  }

  /// `<TASK>`, `</IRQ>`, `<NMI>`, `<#DF>`: where the trace crosses stacks.
  static func isTraceMarker(_ token: ByteSlice) -> Bool {
    token.count >= 3 && token.first == ASCII.lessThan && token.last == ASCII.greaterThan
  }

  /// Whether the words open a kernel message: `BUG:`, `WARNING:`, `general protection fault`,
  /// `Unable to handle kernel …`, `kernel BUG at`, `Kernel panic`, `INFO: task … blocked`,
  /// `watchdog: BUG:`, `Internal error: Oops`, `Oops:`, `UBSAN:`.
  static func isTitle(_ line: TextLine) -> Bool {
    guard let first = line.tokens.first else { return false }
    switch line.bytes[first.lowerBound] {
    case UInt8(ascii: "B"): return line.tokenEquals(0, "BUG:") && line.tokens.count >= 2
    case UInt8(ascii: "W"): return line.tokenEquals(0, "WARNING:") && line.tokenEquals(1, "CPU:")
    case UInt8(ascii: "g"): return line.tokenEquals(0, "general") && line.tokenEquals(1, "protection")
    case UInt8(ascii: "U"):
      return (line.tokenEquals(0, "Unable") && line.tokenEquals(3, "kernel")) || line.tokenEquals(0, "UBSAN:")
    case UInt8(ascii: "k"): return line.tokenEquals(0, "kernel") && line.tokenEquals(1, "BUG")
    case UInt8(ascii: "K"): return line.tokenEquals(0, "Kernel") && line.tokenEquals(1, "panic")
    case UInt8(ascii: "I"):
      return (line.tokenEquals(0, "INFO:") && line.tokenEquals(1, "task"))
        || (line.tokenEquals(0, "Internal") && line.tokenEquals(1, "error:"))
    case UInt8(ascii: "w"): return line.tokenEquals(0, "watchdog:") && line.tokenEquals(1, "BUG:")
    case UInt8(ascii: "O"): return line.tokenEquals(0, "Oops:") || line.tokenEquals(0, "Oops")
    default: return false
    }
  }

  /// A die line: `Oops: 0002 [#1] SMP`, `invalid opcode: 0000 [#1] PREEMPT SMP NOPTI`,
  /// `general protection fault, …: 0000 [#1] SMP`, `Internal error: Oops: 96000005 [#1] SMP`:
  /// the words before the code, and the code; RISC-V's `Oops [#1]` and `Kernel BUG [#1]`
  /// print none (nil: its `cause:` register says what trapped).
  static func dieLine(_ line: TextLine) -> (words: String, code: UInt64?)? {
    guard line.tokens.count >= 2, line.tokens.count <= 32 else { return nil }
    for index in 1..<line.tokens.count where Bytes.hasPrefix(line.token(index), "[#") {
      let code = line.token(index - 1)
      if code.count <= 16, index >= 2, let value = HexNumber.digits(code) {
        var words = line.text(fromToken: 0, throughToken: index - 2)
        if words.hasSuffix(":") { words.removeLast() }
        return (TextLimits.singleLine(TextLimits.capped(words, maximumBytes: 256)), value)
      }
      // `Oops [#1]`: words only, the last without a colon.
      guard index <= 4, code.last != ASCII.colon, Bytes.equalsIgnoringCase(line.token(0), "Oops")
        || (Bytes.equalsIgnoringCase(line.token(0), "Kernel") && Bytes.equalsIgnoringCase(line.token(1), "BUG"))
      else { return nil }
      return (TextLimits.singleLine(line.text(fromToken: 0, throughToken: index - 1)), nil)
    }
    return nil
  }

  /// `CPU: 2 PID: 1543 Comm: insmod Tainted: G   OE   6.1.0-13-amd64 #1`, and 6.12's
  /// `CPU: 0 UID: 0 PID: 1 Comm: swapper/0 Not tainted 6.12.0 #1`.
  static func task(_ line: TextLine) -> (cpu: Int?, pid: UInt32?, command: String?, tainted: String?, release: String?)? {
    guard line.tokens.count >= 4, line.tokenEquals(0, "CPU:"), line.tokens.count <= 64 else { return nil }
    var result: (cpu: Int?, pid: UInt32?, command: String?, tainted: String?, release: String?) = (Int(line.string(1)), nil, nil, nil, nil)
    var index = 2
    while index < line.tokens.count {
      if line.tokenEquals(index, "PID:"), index + 1 < line.tokens.count {
        result.pid = UInt32(line.string(index + 1))
        index += 2
      } else if line.tokenEquals(index, "Comm:"), index + 1 < line.tokens.count {
        result.command = TextLimits.singleLine(TextLimits.capped(line.string(index + 1), maximumBytes: 64))
        index += 2
      } else if line.tokenEquals(index, "Tainted:") || (line.tokenEquals(index, "Not") && line.tokenEquals(index + 1, "tainted")) {
        let isTainted = line.tokenEquals(index, "Tainted:")
        index += isTainted ? 1 : 2
        var flags: [String] = []
        // The taint letters, then the release (the first word starting with a digit).
        while index < line.tokens.count, !(line.token(index).first.map(ASCII.isDigit) ?? false), flags.count < 32 {
          flags.append(line.string(index))
          index += 1
        }
        result.tainted = isTainted ? flags.joined(separator: " ") : "not tainted"
        if index < line.tokens.count { result.release = TextLimits.capped(line.string(index), maximumBytes: 128) }
        break
      } else {
        index += 1
      }
    }
    return result
  }

  /// A trace entry, or nil.
  static func row(_ line: TextLine) -> Row? {
    let count = line.tokens.count
    guard count >= 1, count <= 7 else { return nil }
    var index = 0
    // ` <IRQ>  [<ffffffff81234567>] ? foo+0x1/0x2`: older kernels put the marker on the row.
    if count >= 2, isTraceMarker(line.token(0)) { index = 1 }
    var row = Row(isReliable: true, text: "", line: line.number)
    // `[<ffffffff8100212a>]`
    if Bytes.hasPrefix(line.token(index), "[<") {
      guard let address = bracketedAddress(line.token(index)) else { return nil }
      row.address = address
      index += 1
    }
    if index < count, line.tokenEquals(index, "?") {
      row.isReliable = false
      index += 1
    }
    guard index < count else { return nil }
    let symbol = line.token(index)
    row.text = TextLimits.capped(line.text(fromToken: index))
    if Bytes.hasPrefix(symbol, "0x") {
      // An address no symbol covers: `0xffffffffc0a1b015`.
      guard symbol.count <= 18, let address = HexNumber.digits(symbol.dropFirst(2)), index + 1 == count else { return nil }
      row.address = row.address ?? address
      return row
    }
    // `name+0xOFF/0xSIZE`
    guard let plus = symbol.lastIndex(of: ASCII.plus), plus > symbol.startIndex, let slash = symbol.lastIndex(of: ASCII.slash),
      slash > plus, Bytes.hasPrefix(symbol[(plus + 1)...], "0x"), Bytes.hasPrefix(symbol[(slash + 1)...], "0x"),
      let offset = HexNumber.digits(symbol[(plus + 3)..<slash]), HexNumber.digits(symbol[(slash + 3)...]) != nil
    else { return nil }
    row.function = TextLimits.capped(Bytes.string(symbol[..<plus]))
    row.offset = offset
    index += 1
    // `[faulty]`, `[faulty 4d1c…]` (CONFIG_STACKTRACE_BUILD_ID).
    if index < count, line.token(index).first == ASCII.openBracket {
      let last = line.token(count - 1)
      guard last.last == ASCII.closeBracket, count - index <= 2 else { return nil }
      if count - index == 1 {
        row.module = TextLimits.capped(Bytes.string(last.dropFirst().dropLast()), maximumBytes: 64)
      } else {
        row.module = TextLimits.capped(Bytes.string(line.token(index).dropFirst()), maximumBytes: 64)
        let id = last.dropLast()
        if id.count >= 16, id.count <= 80, id.allSatisfy(ASCII.isHexDigit) { row.buildID = Bytes.string(id).lowercased() }
      }
      index = count
    }
    return index == count ? row : nil
  }

  /// A 32-bit ARM trace entry (arch/arm/kernel/traps.c, `dump_backtrace_entry`): the function
  /// a frame is in (`where`) and its caller's return (`from`), printed three ways:
  /// `[<c01f3200>] (seq_vprintf) from [<c01f32a0>] (seq_printf+0x3c/0x5c)` (before 5.14, and
  /// CONFIG_BACKTRACE_VERBOSE since), ` seq_vprintf from seq_printf+0x3c/0x5c` (5.14 on), and
  /// `Function entered at [<c01f3200>] from [<c01f32a0>]` (no kallsyms). Either side may end
  /// with its module, `[faulty]`.
  struct ARMRow {
    /// The function the frame is in (no offset: the kernel prints it with `%ps`).
    var function: String?
    /// Its address, where printed: the frame's pc, or its function's start for frame-pointer
    /// unwinding (arch/arm/lib/backtrace.S).
    var address: UInt64?
    var module: String?
    /// The caller: the return address and where it falls.
    var caller: Row
  }

  /// A 32-bit ARM trace entry, or nil.
  static func armRow(_ line: TextLine) -> ARMRow? {
    let count = line.tokens.count
    guard count >= 3, count <= 9 else { return nil }
    // `from` is the second word (` sym from …`, or ` sym [mod] from …` as the third), the
    // third (`[<…>] (sym) from`) or the fourth.
    guard let from = (1...min(4, count - 2)).first(where: { line.tokenEquals($0, "from") }) else { return nil }
    var result = ARMRow(caller: Row(isReliable: true, text: "", line: line.number))
    // The left side.
    if line.tokenEquals(0, "Function") {
      // `Function entered at [<c01f3200>]`
      guard from == 4, line.tokenEquals(1, "entered"), line.tokenEquals(2, "at"), let address = bracketedAddress(line.token(3)) else {
        return nil
      }
      result.address = address
    } else {
      var index = 0
      if let address = bracketedAddress(line.token(0)) {
        result.address = address
        index = 1
      }
      guard index < from else { return nil }
      let parenthesised = result.address != nil
      var name = line.token(index)
      var moduleToken: ByteSlice? = index + 1 < from ? line.token(index + 1) : nil
      guard index + 2 >= from else { return nil }
      if parenthesised {
        // `(seq_vprintf)` or `(faulty_read` `[faulty])`.
        guard name.first == ASCII.openParen else { return nil }
        name = name.dropFirst()
        if var module = moduleToken {
          guard module.last == ASCII.closeParen else { return nil }
          module = module.dropLast()
          moduleToken = module
        } else {
          guard name.last == ASCII.closeParen else { return nil }
          name = name.dropLast()
        }
      }
      if let module = moduleToken {
        guard module.count >= 3, module.first == ASCII.openBracket, module.last == ASCII.closeBracket else { return nil }
        result.module = TextLimits.capped(Bytes.string(module.dropFirst().dropLast()), maximumBytes: 64)
      }
      guard !name.isEmpty, name.count <= 512, !name.contains(ASCII.plus) || Bytes.hasPrefix(name, "0x") else { return nil }
      if Bytes.hasPrefix(name, "0x") {
        // `%ps` of an address no symbol covers.
        guard name.count <= 10, let address = HexNumber.digits(name.dropFirst(2)) else { return nil }
        result.address = result.address ?? address
      } else {
        result.function = TextLimits.capped(Bytes.string(name))
      }
    }
    // The right side: `[<c01f32a0>] (seq_printf+0x3c/0x5c)`, `seq_printf+0x3c/0x5c [mod]`, `[<c01f32a0>]`.
    var tokens = Array(line.tokens[(from + 1)...])
    guard !tokens.isEmpty else { return nil }
    if bracketedAddress(line.bytes[tokens[0]]) != nil, tokens.count >= 2 {
      // Unwrap `(sym+0x…/0x…` … `)` so the row reads as `[<addr>] sym+0x…/0x… [mod]`.
      guard line.bytes[tokens[1].lowerBound] == ASCII.openParen, line.bytes[tokens[tokens.count - 1].upperBound - 1] == ASCII.closeParen,
        tokens[1].count > 1
      else { return nil }
      tokens[1] = (tokens[1].lowerBound + 1)..<tokens[1].upperBound
      tokens[tokens.count - 1] = tokens[tokens.count - 1].lowerBound..<(tokens[tokens.count - 1].upperBound - 1)
      guard !tokens[tokens.count - 1].isEmpty else { return nil }
    }
    guard let caller = tokens.withUnsafeBufferPointer({ buffer -> Row? in
      var rest = line
      rest.tokens = buffer
      if buffer.count == 1, let address = bracketedAddress(rest.token(0)) {
        return Row(address: address, isReliable: true, text: rest.text(fromToken: 0), line: line.number)
      }
      return row(rest)
    }) else { return nil }
    result.caller = caller
    return result
  }

  /// The address in `[<c01f32a0>]`, or nil.
  static func bracketedAddress(_ token: ByteSlice) -> UInt64? {
    guard token.count >= 5, token.count <= 20, Bytes.hasPrefix(token, "[<"), Bytes.hasSuffix(token, ">]") else { return nil }
    return HexNumber.digits(token.dropFirst(2).dropLast(2))
  }

  /// ` r4:00000000 r3:c0955d38`: the registers a 32-bit ARM frame saved, printed under its
  /// trace entry (arch/arm/kernel/traps.c, `dump_backtrace_stm`).
  static func isSavedRegisterLine(_ line: TextLine) -> Bool {
    guard line.tokens.count >= 1, line.tokens.count <= 11 else { return false }
    return (0..<line.tokens.count).allSatisfy { index in
      let token = line.token(index)
      guard token.count >= 11, token.count <= 12, token.first == UInt8(ascii: "r"), let colon = token.firstIndex(of: ASCII.colon) else {
        return false
      }
      return token[(token.startIndex + 1)..<colon].allSatisfy(ASCII.isDigit) && token.endIndex - colon == 9
        && token[(colon + 1)...].allSatisfy(ASCII.isHexDigit)
    }
  }

  /// A line of a memory dump under `Stack: (0x… to 0x…)` or `Exception stack(…)`:
  /// `9d40: c5cf5dc0 cd009d88 ????????` (the low bits of the address, then words).
  static func isMemoryDumpLine(_ line: TextLine) -> Bool {
    guard line.tokens.count >= 2, line.tokens.count <= 9 else { return false }
    let head = line.token(0)
    guard head.count == 5, head.last == ASCII.colon, head.dropLast().allSatisfy(ASCII.isHexDigit) else { return false }
    return (1..<line.tokens.count).allSatisfy { index in
      let word = line.token(index)
      return (word.count == 8 || word.count == 16) && word.allSatisfy { ASCII.isHexDigit($0) || $0 == UInt8(ascii: "?") }
    }
  }

  /// `RIP: 0010:faulty_init+0x15/0x1000 [faulty]`, `RIP: 0010:[<ffffffffa0001015>]  [<…>] sym`,
  /// `EIP: sym`, arm64's `pc : sym`: the faulting frame, and whether it ran in the kernel (a
  /// `RIP: 0033:` line is a user-mode pc).
  static func instructionPointer(_ line: TextLine) -> (row: Row?, isKernel: Bool)? {
    guard line.tokens.count >= 2 else { return nil }
    var rest: TextLine
    var isKernel = true
    if line.tokenEquals(0, "IP:") {
      // Kernels 2.6–4.14 name the faulting function on an `IP:` line under the message.
      rest = line.droppingTokens(1)
    } else if line.tokenEquals(0, "RIP:") || line.tokenEquals(0, "EIP:") {
      let second = line.token(1)
      // `0010:sym…` (the code segment glued to what follows) or, on 32-bit, the symbol alone.
      if second.count >= 5, second[second.startIndex + 4] == ASCII.colon, second.prefix(4).allSatisfy(ASCII.isHexDigit) {
        isKernel = Bytes.string(second.prefix(4)) != "0033" && Bytes.string(second.prefix(4)) != "0023"
          && Bytes.string(second.prefix(4)) != "0073"
      }
      rest = line.droppingTokens(1)
    } else if line.tokens.count >= 3, line.tokenEquals(0, "pc"), line.tokenEquals(1, ":") {
      // 32-bit ARM's `pc : [<c01f3218>]    lr : [<…>]    psr: …` is a line of registers.
      if Bytes.hasPrefix(line.token(2), "[<") { return nil }
      rest = line.droppingTokens(2)
    } else if line.tokens.count >= 4, line.tokenEquals(1, "is"), line.tokenEquals(2, "at"),
      line.tokenEquals(0, "EIP") || line.tokenEquals(0, "RIP") || line.tokenEquals(0, "PC")
    {
      // Older kernels' `EIP is at faulty_init+0x15/0x20 [faulty]`, 32-bit ARM's `PC is at …`.
      return (row(line.droppingTokens(3)), true)
    } else {
      return nil
    }
    // The text after the segment: `faulty_init+0x15/0x1000 [faulty]` or `[<…>]  [<…>] sym`.
    guard isKernel else { return (nil, false) }
    var text = rest
    if let first = text.tokens.first, text.bytes[first].count > 5, text.bytes[first.lowerBound + 4] == ASCII.colon {
      // Re-read `0010:sym` as `sym`: the symbol starts after the colon.
      let symbolStart = first.lowerBound + 5
      var tokens = Array(text.tokens)
      tokens[0] = symbolStart..<first.upperBound
      return tokens.withUnsafeBufferPointer { buffer in
        text.tokens = buffer
        return (Self.pointerRow(text), true)
      }
    }
    return (Self.pointerRow(text), true)
  }

  /// `sym+0x…/0x… [mod]` or `[<addr>]  [<addr>] sym+0x…/0x…` (the address once, then the row).
  private static func pointerRow(_ line: TextLine) -> Row? {
    if line.tokens.count >= 2, Bytes.hasPrefix(line.token(0), "[<"), Bytes.hasPrefix(line.token(1), "[<") {
      return row(line.droppingTokens(1))
    }
    return row(line)
  }

  /// Register pairs of an oops's dump: `RAX: 0000… RBX: …`, `RSP: 0018:ffffb1a4c0b2fc68 EFLAGS: 00010246`,
  /// `x29: ffff800008f3bb80 x28: 0000…`, `sp : ffff800008f3bb80`, `ESI: … EDI: …`.
  static func registers(_ line: TextLine) -> [(name: String, value: UInt64)] {
    var pairs: [(name: String, value: UInt64)] = []
    var index = 0
    let count = line.tokens.count
    while index + 1 < count, pairs.count < 8 {
      var name = line.token(index)
      var valueIndex = index + 1
      if name.last != ASCII.colon {
        // arm64's `sp : ffff…`.
        guard line.tokenEquals(index + 1, ":"), index + 2 < count else { break }
        valueIndex = index + 2
      } else {
        name = name.dropLast()
      }
      guard (2...7).contains(name.count), name.allSatisfy({ ASCII.isDigit($0) || ($0 | 0x20 >= 0x61 && $0 | 0x20 <= 0x7A) }),
        // Not a memory dump's `9d40:` or `fa00:`.
        !(name.count == 4 && name.allSatisfy(ASCII.isHexDigit))
      else { break }
      var value = line.token(valueIndex)
      // 32-bit ARM's `pc : [<c01f3218>]`.
      if value.count > 4, Bytes.hasPrefix(value, "[<"), Bytes.hasSuffix(value, ">]") { value = value.dropFirst(2).dropLast(2) }
      // `0018:ffffb1a4c0b2fc68`: the segment, then the pointer.
      if value.count > 5, value[value.startIndex + 4] == ASCII.colon { value = value.dropFirst(5) }
      // `00007f8c4e9e5740(0000)`: FS and GS with their selector.
      if let open = value.firstIndex(of: ASCII.openParen) { value = value[..<open] }
      guard value.count >= 2, value.count <= 16, let number = HexNumber.digits(value) else { break }
      pairs.append((Bytes.string(name).lowercased(), number))
      index = valueIndex + 1
    }
    return pairs
  }
}

/// One kernel message with its trace, gathered line by line and given out at `---[ end trace`,
/// at the next message's first line, or when the input ends.
struct KernelOopsCollector {
  private var title: (text: String, line: Int)?
  private var die: (words: String, code: UInt64?, line: Int)?
  private var task: (cpu: Int?, pid: UInt32?, command: String?, tainted: String?, release: String?)?
  private var hardware: String?
  private var modulesLinked: String?
  private var faulting: KernelOops.Row?
  private var registers: [(name: String, value: UInt64)] = []
  private var registerLines: LineRange?
  private var rows: [KernelOops.Row] = []
  private var lines: LineRange?
  private var inTrace = false
  /// Whether `Call Trace:` was seen: registers after it are a user task's or a repeat.
  private var traceSeen = false
  /// Whether the lines are the raw words under `Stack:` (kernels before 4.9, 32-bit ARM).
  private var inStackWords = false
  /// Whether the trace has 32-bit ARM entries (`… from …`), whose frames' saved registers
  /// follow them.
  private var isARMTrace = false
  /// The instruction-set word a 32-bit ARM die line ends with (`[#1] SMP ARM`, `THUMB2`).
  private var dieInstructionSet: String?
  /// Whether the trace is between a user-mode `RIP: 0033:` and the next kernel frame (its
  /// registers are the user task's).
  private var inUserRegisters = false
  /// The most entries kept for one trace.
  var maximumFrames = 4096

  /// Whether a kernel message is being read.
  private(set) var isCollecting = false

  /// Whether the line may open one: after its log prefix, a message's first line or `Call Trace:`.
  /// Every line of every input asks, so the first byte is tested against a mask inline and only
  /// a line that may be a kernel's goes on.
  @inline(__always)
  static func mayOpen(_ line: TextLine) -> Bool {
    guard let first = line.tokens.first else { return false }
    let lead = line.bytes[first.lowerBound]
    // `1`, `2` (the journal's ISO time), `<` (a printk level) below 0x40; above it `[` (dmesg's
    // time) and the first letters of months (syslog) and of the messages' first words:
    // A B C D F I J K M N O S U W g k w.
    let bits: UInt64 = lead < 0x40 ? 0x1006_0000_0000_0000 >> UInt64(lead) : lead < 0x80 ? 0x80_0880_08a8_ee5e >> UInt64(lead &- 0x40) : 0
    guard bits & 1 != 0 else { return false }
    return opens(line, lead: lead)
  }

  @inline(never)
  private static func opens(_ line: TextLine, lead: UInt8) -> Bool {
    if lead == UInt8(ascii: "1") || lead == UInt8(ascii: "2") {
      // `2026-12-06T18:00:00+0000 host kernel:`, not a hex column.
      let first = line.tokens[0]
      guard first.count >= 19, line.tokens.count >= 3, line.bytes[first.lowerBound + 4] == ASCII.minus else { return false }
    }
    let start = KernelOops.payloadStart(line)
    guard start < line.tokens.count else { return false }
    let payload = start == 0 ? line : line.droppingTokens(start)
    return KernelOops.isTitle(payload) || (payload.tokens.count == 2 && payload.tokenEquals(0, "Call") && payload.tokenEquals(1, "Trace:"))
  }

  /// Takes a line; false for a line it does not read.
  mutating func consume(_ line: TextLine, emit: (TextDecodingEvent) -> Void, emitThread: (CrashThread) -> Void) -> Bool {
    let start = KernelOops.payloadStart(line)
    guard start < line.tokens.count else {
      // A prefix alone (`[   24.1]`): nothing printed.
      return isCollecting && start > 0
    }
    let payload = start == 0 ? line : line.droppingTokens(start)
    if KernelOops.isTitle(payload) {
      let isDieLine = KernelOops.dieLine(payload) != nil
      // A new message after a trace; `Oops:` and `Internal error:` belong to the message before.
      if !rows.isEmpty || (title != nil && !isDieLine && !payload.tokenEquals(0, "Kernel")) {
        finish(emit: emit, emitThread: emitThread)
      }
      isCollecting = true
      include(line.number)
      if let found = KernelOops.dieLine(payload), die == nil {
        die = (found.words, found.code, line.number)
        noteInstructionSet(payload)
      }
      if title == nil, !isDieLine || payload.tokenEquals(0, "general") {
        title = (TextLimits.singleLine(TextLimits.capped(payload.text(fromToken: 0), maximumBytes: 512)), line.number)
      } else if payload.tokenEquals(0, "Kernel"), payload.tokenEquals(1, "panic") {
        // `Kernel panic - not syncing: Fatal exception` after the trace ends it.
        return true
      }
      return true
    }
    guard isCollecting || (payload.tokens.count == 2 && payload.tokenEquals(0, "Call") && payload.tokenEquals(1, "Trace:")) else {
      return false
    }
    if payload.tokens.count == 2, payload.tokenEquals(0, "Call"), payload.tokenEquals(1, "Trace:") {
      isCollecting = true
      inTrace = true
      traceSeen = true
      inStackWords = false
      include(line.number)
      return true
    }
    if payload.tokenEquals(0, "Stack:") && (payload.tokens.count == 1 || payload.token(1).first == ASCII.openParen)
      || (payload.tokenEquals(0, "Exception") && payload.starts(with: "Exception stack("))
    {
      // x86's `Stack:` (kernels before 4.9); 32-bit ARM's `Stack: (0xcd009d54 to 0xcd00a000)`
      // and `Exception stack(0x… to 0x…)` in the trace.
      inStackWords = true
      include(line.number)
      return true
    }
    if inStackWords {
      // ` ffff880627117d78 ffffffffa05d4012 …`, `9d40: c5cf5dc0 cd009d88 …`: words of the stack, no frames.
      if (0..<payload.tokens.count).allSatisfy({ payload.token($0).count <= 16 && HexNumber.digits(payload.token($0)) != nil })
        || KernelOops.isMemoryDumpLine(payload)
      {
        include(line.number)
        return true
      }
      inStackWords = false
    }
    if payload.tokens.count <= 4, payload.tokenEquals(0, "Backtrace:") {
      // 32-bit ARM's frame-pointer trace (`Backtrace: no frame pointer` when it has none).
      inTrace = true
      traceSeen = true
      include(line.number)
      return true
    }
    if let entry = KernelOops.armRow(payload) {
      // 32-bit ARM prints its trace without a heading when it unwinds by tables.
      inTrace = true
      traceSeen = true
      isARMTrace = true
      if rows.isEmpty, faulting == nil, rows.count < maximumFrames {
        // The first entry's own function is the innermost frame (the unwinder's, for a
        // WARNING or a stack dump); an oops names it by its pc instead.
        var innermost = KernelOops.Row(
          function: entry.function, module: entry.module, address: entry.address, isReliable: true,
          text: entry.function ?? entry.address.map { "0x" + String($0, radix: 16) } ?? "", line: line.number)
        innermost.isInterrupted = true
        rows.append(innermost)
      }
      if rows.count < maximumFrames { rows.append(entry.caller) }
      include(line.number)
      return true
    }
    if isARMTrace, KernelOops.isSavedRegisterLine(payload) {
      include(line.number)
      return true
    }
    if payload.starts(with: "---[ end trace") || payload.starts(with: "---[ end Kernel panic") {
      include(line.number)
      finish(emit: emit, emitThread: emitThread)
      return true
    }
    if let found = KernelOops.dieLine(payload) {
      if die == nil {
        die = (found.words, found.code, line.number)
        noteInstructionSet(payload)
      }
      include(line.number)
      return true
    }
    if let found = KernelOops.task(payload) {
      if task == nil { task = found }
      include(line.number)
      return true
    }
    if payload.tokenEquals(0, "task:") {
      // `task: ffff8806270f3100 ti: ffff880627116000 task.ti: …` (kernels before 4.9): no registers.
      include(line.number)
      return true
    }
    if payload.tokenEquals(0, "Hardware"), payload.tokenEquals(1, "name:") {
      hardware = TextLimits.singleLine(TextLimits.capped(payload.text(fromToken: 2), maximumBytes: 256))
      include(line.number)
      return true
    }
    if payload.tokenEquals(0, "Modules"), payload.tokenEquals(1, "linked"), payload.tokenEquals(2, "in:") {
      modulesLinked = TextLimits.singleLine(TextLimits.capped(payload.text(fromToken: 3), maximumBytes: 2048))
      include(line.number)
      return true
    }
    if payload.tokenEquals(0, "Code:") || payload.tokenEquals(0, "#PF:") || payload.tokenEquals(0, "PGD")
      || payload.tokenEquals(0, "PKRU:") || payload.tokenEquals(0, "pstate:") || payload.tokenEquals(0, "Mem")
    {
      include(line.number)
      return true
    }
    if let pointer = KernelOops.instructionPointer(payload) {
      include(line.number)
      if inTrace {
        // An exception's registers inside the trace: its pc is a frame; a user-mode one ends
        // the kernel's part.
        inUserRegisters = !pointer.isKernel
        if var row = pointer.row, rows.count < maximumFrames {
          row.isInterrupted = true
          rows.append(row)
        }
      } else if let row = pointer.row, !traceSeen {
        if faulting == nil { faulting = row }
        // `RIP: 0010:[<…>]` and `EIP: 0060:[<…>]` are the register; `IP: [<…>]` names no width.
        let register = payload.tokenEquals(0, "RIP:") ? "rip" : payload.tokenEquals(0, "EIP:") ? "eip" : nil
        if let register, let address = row.address, registers.count < 128 { registers.append((register, address)) }
      }
      return true
    }
    if inTrace {
      if payload.tokens.count == 1, KernelOops.isTraceMarker(payload.token(0)) {
        include(line.number)
        return true
      }
      if let row = KernelOops.row(payload) {
        inUserRegisters = false
        if rows.count < maximumFrames { rows.append(row) }
        include(line.number)
        return true
      }
    }
    // RISC-V's die path prints its trace with no `Call Trace:` (since 5.17): its entries come
    // right after the registers.
    if !inTrace, !traceSeen, !registers.isEmpty, Bytes.hasPrefix(payload.token(0), "[<"), let row = KernelOops.row(payload) {
      inTrace = true
      traceSeen = true
      if rows.count < maximumFrames { rows.append(row) }
      include(line.number)
      return true
    }
    let pairs = KernelOops.registers(payload)
    if !pairs.isEmpty {
      // The faulting context's registers, not those a trace prints for a user task or an
      // exception inside it.
      if !traceSeen, registers.count < 128 {
        registers += pairs
        registerLines = (registerLines ?? LineRange(line: line.number)).including(line.number)
      }
      include(line.number)
      return true
    }
    if inTrace, !inUserRegisters {
      // Anything else ends the trace (another message of the log).
      inTrace = false
    }
    return false
  }

  /// 32-bit ARM's die line ends with the instruction set the kernel was built for.
  private mutating func noteInstructionSet(_ payload: TextLine) {
    let last = payload.tokens.count - 1
    if payload.tokenEquals(last, "ARM") || payload.tokenEquals(last, "THUMB2") { dieInstructionSet = payload.string(last) }
  }

  private mutating func include(_ number: Int) {
    lines = (lines ?? LineRange(line: number)).including(number)
  }

  /// Ends the message: its properties, the exception, the trace as the crashed thread.
  mutating func finish(emit: (TextDecodingEvent) -> Void, emitThread: (CrashThread) -> Void) {
    defer { self = KernelOopsCollector() }
    // A message's first line alone (`BUG: …` in prose) is no oops: a trace, a faulting function
    // or a die line makes one.
    guard isCollecting, !rows.isEmpty || faulting != nil || die != nil else { return }
    if let title { emit(.systemProperty(SystemProperty(key: "Kernel message", value: title.text))) }
    if let release = task?.release { emit(.systemProperty(SystemProperty(key: "Kernel", value: release))) }
    if let tainted = task?.tainted { emit(.systemProperty(SystemProperty(key: "Tainted", value: tainted))) }
    if let hardware { emit(.systemProperty(SystemProperty(key: "Hardware", value: hardware))) }
    if let modulesLinked { emit(.systemProperty(SystemProperty(key: "Modules linked in", value: modulesLinked))) }
    let (architecture, evidence) = decideArchitecture()
    if let die {
      var description = die.words
      if let title, title.text != die.words, !title.text.hasPrefix(die.words) { description = title.text + " (" + die.words + ")" }
      var exceptionLines = LineRange(line: die.line)
      if let title { exceptionLines = exceptionLines.including(title.line) }
      emit(
        .exception(
          CrashException(
            code: ExceptionCode(rawValue: UInt32(truncatingIfNeeded: die.code ?? registers.first { $0.name == "cause" }?.value ?? 0)),
            description: TextLimits.capped(description, maximumBytes: 1024),
            address: faultingRow?.address.map { Address($0) }, threadID: task?.pid, lines: exceptionLines)))
    }
    var label = "kernel"
    if let command = task?.command { label = command }
    if let pid = task?.pid { label += " (PID \(pid))" }
    if let cpu = task?.cpu { label += ", CPU \(cpu)" }
    var thread = CrashThread(
      id: task?.pid, architecture: architecture, architectureEvidence: evidence, frames: frames(architecture: architecture),
      format: .kernelOops, lines: lines, label: label, isCrashed: true)
    if let registerLines, !registers.isEmpty {
      thread.context = NamedRegisters.context(Self.contextNames(registers, architecture: architecture), architecture: architecture)
      thread.contextLines = registerLines
    }
    if !thread.frames.isEmpty { emitThread(thread) }
  }

  /// The faulting frame with its address: 32-bit ARM names the function (`PC is at …`) and
  /// prints the pc apart (`pc : [<c01f3218>]`).
  private var faultingRow: KernelOops.Row? {
    guard var faulting else { return nil }
    if faulting.address == nil, let pc = registers.first(where: { $0.name == "pc" }) { faulting.address = pc.value }
    return faulting
  }

  /// The trace as frames: the faulting function first unless the trace prints it (newer x86
  /// kernels list it among the `?` words under the exception's frames; arm64 starts with it).
  private func frames(architecture: Architecture) -> [StackFrame] {
    var entries = rows
    var exact: Int?
    if let faulting = faultingRow {
      let matches = entries.indices.filter { entries[$0].text == faulting.text }
      if matches.isEmpty {
        entries.insert(faulting, at: 0)
        exact = 0
      } else {
        // The last unreliable copy before the first reliable entry is the exception's (the
        // others are stale words on the stack), or else the first copy.
        let firstReliable = entries.firstIndex { $0.isReliable } ?? entries.count
        exact = matches.last { $0 < firstReliable } ?? matches[0]
      }
      entries[exact!].isInterrupted = true
    }
    var frames: [StackFrame] = []
    var addresses: [PrintedAddress] = []
    for (index, entry) in entries.enumerated() {
      var symbol = FrameSymbol(module: entry.module, function: entry.function, offset: entry.offset, printedText: entry.text)
      if entry.function == nil, let address = entry.address { symbol.address = Address(address) }
      frames.append(
        StackFrame(
          index: index, symbol: symbol, trust: entry.isReliable || index == exact ? .text : .scan,
          lines: LineRange(line: entry.line)))
      addresses.append(entry.address.map { entry.isInterrupted ? .pc($0) : .returnAddress($0) } ?? .none)
    }
    CallStack.place(addresses, in: &frames, architecture: architecture)
    return frames
  }

  /// The architecture from the registers' names, else from the kernel's release.
  private func decideArchitecture() -> (Architecture, [String]) {
    let names = Set(registers.map(\.name))
    if names.contains("rax") || names.contains("rip") || names.contains("r15") {
      return (.amd64, ["the oops printed amd64 registers (RAX, RIP, R8–R15)"])
    }
    if names.contains("eax") || names.contains("eip") { return (.x86, ["the oops printed x86 registers (EAX, EIP)"]) }
    if names.contains("x29") || names.contains("x0") { return (.arm64, ["the oops printed arm64 registers (x0–x29, sp, pc)"]) }
    if names.contains("r0") || names.contains("r10") || names.contains("psr") {
      return (.arm, ["the oops printed 32-bit ARM registers (r0–r10, fp, ip, psr)"])
    }
    if let dieInstructionSet { return (.arm, ["the die line names the 32-bit ARM instruction set \(dieInstructionSet)"]) }
    if names.contains("epc") || (names.contains("ra") && names.contains("gp")) {
      // RV64's registers print 16 digits (their values above 4 GiB: a kernel's addresses are).
      if registers.contains(where: { $0.value > 0xFFFF_FFFF }) {
        return (.riscv64, ["the oops printed RISC-V registers (epc, ra, gp, a0–a7) with 64-bit values"])
      }
      return (.unknown, ["the oops printed RISC-V registers (epc, ra, gp, a0–a7) of 32 bits, a processor analyse has no model of"])
    }
    if let release = task?.release {
      // By bytes: `String.contains` would build `_StringProcessing`'s search tables.
      let bytes = Array(release.utf8)[...]
      let architecture: Architecture? =
        Bytes.contains(bytes, "amd64") || Bytes.contains(bytes, "x86_64")
        ? .amd64
        : Bytes.contains(bytes, "arm64") || Bytes.contains(bytes, "aarch64")
          ? .arm64 : Bytes.contains(bytes, "armmp") || Bytes.contains(bytes, "armv7") || Bytes.contains(bytes, "-v7") ? .arm : nil
      if let architecture { return (architecture, ["the kernel's release names it: \(release)"]) }
    }
    return (.unknown, ["the oops printed no register and no release that names the processor"])
  }

  /// The oops's register names as the contexts name them (`efl` for EFLAGS, `x29` as `fp`).
  private static func contextNames(
    _ pairs: [(name: String, value: UInt64)], architecture: Architecture
  ) -> [(name: String, value: UInt64)] {
    pairs.map { pair in
      switch architecture {
      case .arm64 where pair.name == "x29": return ("fp", pair.value)
      case .arm64 where pair.name == "x30": return ("lr", pair.value)
      default: return pair
      }
    }
  }
}
