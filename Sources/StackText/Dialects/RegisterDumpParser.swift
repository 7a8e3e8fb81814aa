//===--- RegisterDumpParser.swift - x86 and Alpha register dumps ------------===//
//
// Register dumps as ntsd, kd, WinDbg, Dr. Watson and Windows 9x printed them
// (formats.md §4, §6.5):
//   x86   eax=007ffff8 ebx=c0000000 …  /  EAX=00000000  EBX=…  /  eax = 00001e54
//         EAX=010f04d8 CS=0137 EIP=7f7ef389 EFLGS=00010206   (Windows 9x)
//         often wrapped (`edi=00000011` alone), flags words (`nv up ei pl zr`)
//   Alpha v0=0016a7a8     t0=00000000 …              (Dr. Watson, 32-bit values)
//         v0=00000000 39000003   t0=…                (Dr. Watson, high and low halves)
//         v0=0000000077f9a440 t0=…                   (dumpexam, 64-bit)
//         fpcr=0800000000000000SoftFpcr=0000000000000000 fir=603049ac  (run together)
// A line is a register line when it carries at least two known registers of one
// architecture, or one while a dump is already open (a wrapped dump).
//
//===----------------------------------------------------------------------===//

import CrashCore

#if canImport(Glibc)
  import Glibc
#elseif canImport(Musl)
  import Musl
#elseif canImport(Darwin)
  import Darwin
#endif

/// The registers one line of a dump shows, held inline in an object the decoder reuses for
/// every line: parsing allocates nothing, and passing it passes a reference (as a value it
/// was copied whole, 424 bytes, at each call). At most `capacity` registers a line; a dump
/// reflowed onto one line holds fewer than that, and more are dropped.
final class RegisterLine {
  /// The most registers one line keeps.
  static let capacity = 40

  @exclusivity(unchecked) private var registers = InlineArray<40, RegisterName.Kind>(repeating: .extra)
  @exclusivity(unchecked) private var values = InlineArray<40, UInt64>(repeating: 0)
  @exclusivity(unchecked) private var stored = 0
  @exclusivity(unchecked) private var x86Count = 0
  @exclusivity(unchecked) private var alphaCount = 0
  /// amd64 and arm64 register names seen (counted for the architecture evidence only).
  @exclusivity(unchecked) private(set) var amd64Count = 0
  @exclusivity(unchecked) private(set) var arm64Count = 0

  init() {}

  /// Forgets the registers held (the storage stays).
  func removeAll() {
    stored = 0
    x86Count = 0
    alphaCount = 0
    amd64Count = 0
    arm64Count = 0
  }

  /// The architecture whose register names the line shows more of (Alpha on a tie).
  var architecture: Architecture { alphaCount >= x86Count && alphaCount > 0 ? .alpha : .x86 }

  /// Registers of the line's architecture.
  var count: Int { architecture == .alpha ? alphaCount : x86Count }

  /// Adds an x86 or Alpha register; dropped when the line is full.
  func append(_ register: RegisterName.Kind, _ value: UInt64) {
    guard stored < Self.capacity else { return }
    switch register {
    case .x86: x86Count += 1
    case .alpha: alphaCount += 1
    case .extra: return
    case .amd64:
      amd64Count += 1
      return
    case .arm64:
      arm64Count += 1
      return
    }
    registers[stored] = register
    values[stored] = value
    stored += 1
  }

  /// Calls `body` with each x86 register and its value, in the order printed.
  /// (Read through spans: subscripting the inline arrays copied them whole for each call.)
  func forEachX86(_ body: (X86Register, UInt64) -> Void) {
    let registers = self.registers.span
    let values = self.values.span
    for index in 0..<stored {
      if case .x86(let register) = registers[index] { body(register, values[index]) }
    }
  }

  /// Calls `body` with each Alpha register and its value, in the order printed.
  func forEachAlpha(_ body: (AlphaRegister, UInt64) -> Void) {
    let registers = self.registers.span
    let values = self.values.span
    for index in 0..<stored {
      if case .alpha(let register) = registers[index] { body(register, values[index]) }
    }
  }
}

enum RegisterDumpParser {
  /// Finds `name=value` pairs on the line and classifies them.
  static func parse(_ line: TextLine) -> RegisterLine? {
    let found = RegisterLine()
    return parse(line, into: found) ? found : nil
  }

  /// Finds `name=value` pairs on the line, replacing the contents of `found`; false when
  /// the line shows no register.
  static func parse(_ line: TextLine, into found: RegisterLine) -> Bool {
    found.removeAll()
    let bytes = line.bytes
    guard let base = bytes.baseAddress else { return false }
    var index = 0
    while index < bytes.count {
      // The next `=` (memchr: a register line is mostly values between them).
      guard let equals = memchr(base + index, Int32(ASCII.equals), bytes.count - index) else { break }
      index = UnsafeRawPointer(equals).assumingMemoryBound(to: UInt8.self) - base
      // The name: letters and digits right before '=' (blanks allowed between). When
      // dumps run together (`EFLGS=00000297EBX=0042d3b1`) the name is the longest
      // known register name that ends the run.
      var nameEnd = index
      while nameEnd > 0 && bytes[nameEnd - 1] == ASCII.space { nameEnd -= 1 }
      var runStart = nameEnd
      while runStart > 0 && ASCII.isAlphanumeric(bytes[runStart - 1]) && nameEnd - runStart < 12 { runStart -= 1 }
      index += 1
      guard runStart < nameEnd, runStart == 0 || bytes[runStart - 1] != ASCII.colon else { continue }
      var register: RegisterName.Kind?
      for start in runStart..<nameEnd where ASCII.isLetter(bytes[start]) {
        if let found = RegisterName.lookup(bytes, start..<nameEnd) {
          register = found
          break
        }
      }
      guard let register else { continue }
      // The value: optional blanks, optional 0x, up to 16 hex digits (8 for x86).
      var valueStart = index
      while valueStart < bytes.count && bytes[valueStart] == ASCII.space && valueStart - index < 2 { valueStart += 1 }
      if valueStart + 1 < bytes.count && bytes[valueStart] == ASCII.zero && bytes[valueStart + 1] | 0x20 == ASCII.lowerX {
        valueStart += 2
      }
      let maximumDigits: Int
      if case .x86 = register { maximumDigits = 8 } else { maximumDigits = 16 }
      var valueEnd = valueStart
      // Eight digits at once (`HexSWAR`) where eight are there: values are random digits.
      var eightDigits: UInt64?
      if valueStart + 8 <= bytes.count {
        eightDigits = HexSWAR.eightDigits(bytes[...], from: valueStart)
        if eightDigits != nil { valueEnd += 8 }
      }
      while valueEnd < bytes.count && valueEnd - valueStart < maximumDigits && ASCII.isHexDigit(bytes[valueEnd]) {
        valueEnd += 1
      }
      guard valueEnd > valueStart else { continue }
      let parsedValue = valueEnd - valueStart == 8 ? eightDigits : HexNumber.digits(bytes[valueStart..<valueEnd])
      guard var value = parsedValue else { continue }
      // Dr. Watson's high/low layout: `v0=00000000 39000003`.
      var consumedEnd = valueEnd
      if case .alpha = register, valueEnd - valueStart == 8, let low = lowHalf(bytes, after: valueEnd) {
        value = value << 32 | low.value
        consumedEnd = low.end
      }
      // iopl, vip, vif, ErrCode (`.extra`) are printed with the registers but are not kept.
      found.append(register, value)
      index = max(index, consumedEnd)
    }
    return found.count > 0 || found.amd64Count > 0 || found.arm64Count > 0
  }

  /// Whether the line is only x86 flag mnemonics (`nv up ei pl zr na po nc`), the
  /// tail of a wrapped x86 register dump.
  static func isFlagsLine(_ line: TextLine) -> Bool {
    guard !line.tokens.isEmpty else { return false }
    return (0..<line.tokens.count).allSatisfy { index in
      let token = line.token(index)
      return token.count == 2 && isFlagWord(token[token.startIndex], token[token.startIndex + 1])
        || token.allSatisfy({ ASCII.isLetter($0) }) && token.count % 2 == 0 && token.count <= 8
          && stride(from: 0, to: token.count, by: 2).allSatisfy { offset in
            let start = token.startIndex + offset
            return isFlagWord(token[start], token[start + 1])
          }
    }
  }

  /// Whether the two bytes spell a flag mnemonic, ignoring case (compared as a 16-bit key).
  private static func isFlagWord(_ first: UInt8, _ second: UInt8) -> Bool {
    flagKeys.contains(UInt16(ASCII.lowercased(first)) << 8 | UInt16(ASCII.lowercased(second)))
  }

  private static let flagKeys: [UInt16] = [
    "nv", "ov", "up", "dn", "ei", "di", "pl", "ng", "nz", "zr", "na", "ac", "po", "pe", "nc", "cy",
  ].map { (word: String) in word.utf8.reduce(0) { $0 << 8 | UInt16($1) } }

  private static func lowHalf(_ bytes: UnsafeBufferPointer<UInt8>, after end: Int) -> (value: UInt64, end: Int)? {
    var start = end
    guard start < bytes.count, bytes[start] == ASCII.space else { return nil }
    while start < bytes.count && bytes[start] == ASCII.space { start += 1 }
    // Exactly eight hex digits (read at once, `HexSWAR`)…
    guard start + 8 <= bytes.count, let value = HexSWAR.eightDigits(bytes[...], from: start) else { return nil }
    let stop = start + 8
    // …ending at a blank or the line's end: not more digits, not the start of the next `name=`.
    if stop < bytes.count && bytes[stop] != ASCII.space && bytes[stop] != ASCII.star { return nil }
    return (value, stop)
  }



}

/// Accumulates the lines of one register dump.
struct RegisterDumpBuilder {
  private(set) var architecture: Architecture
  private var x86 = RegisterFile<X86Register>()
  private var alpha = RegisterFile<AlphaRegister>()
  private(set) var lines: LineRange

  init(_ line: RegisterLine, at number: Int) {
    architecture = line.architecture
    lines = LineRange(line: number)
    add(line, at: number)
  }

  /// Adds a line of the same dump; returns false when its architecture differs.
  @discardableResult
  mutating func add(_ line: RegisterLine, at number: Int) -> Bool {
    guard line.architecture == architecture else { return false }
    // Only the line's own architecture: a stray name of the other one is not a register here.
    if architecture == .alpha {
      line.forEachAlpha { register, value in alpha[register] = value }
    } else {
      line.forEachX86 { register, value in x86[register] = value & 0xFFFF_FFFF }
    }
    lines = lines.including(number)
    return true
  }

  /// Extends the dump over a flags-only or trailer line.
  mutating func extend(to number: Int) { lines = lines.including(number) }

  /// The registers gathered.
  var context: RegisterContext {
    architecture == .alpha ? .alpha(alpha) : .x86(x86)
  }
}

/// Register names as dumps spell them, looked up without forming Strings.
enum RegisterName {
  /// What a name denotes.
  enum Kind {
    case x86(X86Register)
    case alpha(AlphaRegister)
    /// Printed among the registers but not one (iopl, vip, vif, ErrCode, mode, irql).
    case extra
    /// An amd64 register (rax … rip): evidence of the architecture, not decoded.
    case amd64
    /// An arm64 register (x0 … x28, lr): evidence of the architecture, not decoded.
    case arm64
  }

  /// The register named by `bytes[range]` (ASCII, any case), if any.
  static func lookup(_ bytes: UnsafeBufferPointer<UInt8>, _ range: Range<Int>) -> Kind? {
    guard range.count >= 2, range.count <= 8 else { return nil }
    var key: UInt64 = 0
    for index in range { key = key << 8 | UInt64(ASCII.lowercased(bytes[index])) }
    return table.lookup(key)
  }

  private static func key(_ name: String) -> UInt64 {
    name.utf8.reduce(0) { $0 << 8 | UInt64($1) }
  }

  /// Open addressing on the packed name (at most 8 bytes, so the key is the name): a lookup
  /// runs on every `=` of every line, and hashing with `Hasher` cost more than the parse.
  private struct Table {
    static let size = 1024
    var keys = [UInt64](repeating: 0, count: size)
    var kinds = [Kind?](repeating: nil, count: size)

    private static func slot(_ key: UInt64) -> Int { Int(truncatingIfNeeded: (key &* 0x9E37_79B9_7F4A_7C15) >> 54) }

    subscript(key: UInt64) -> Kind? {
      get { lookup(key) }
      set {
        var slot = Self.slot(key)
        while keys[slot] != 0 && keys[slot] != key { slot = (slot + 1) & (Self.size - 1) }
        keys[slot] = key
        kinds[slot] = newValue
      }
    }

    func lookup(_ key: UInt64) -> Kind? {
      var slot = Self.slot(key)
      while keys[slot] != 0 {
        if keys[slot] == key { return kinds[slot] }
        slot = (slot + 1) & (Self.size - 1)
      }
      return nil
    }
  }

  private static let table: Table = {
    var table = Table()
    let x86Names = [
      "dr0", "dr1", "dr2", "dr3", "dr6", "dr7", "gs", "fs", "es", "ds", "edi", "esi", "ebx", "edx", "ecx", "eax",
      "ebp", "eip", "cs", "efl", "eflags", "eflgs", "esp", "ss",
    ]
    for name in x86Names {
      if let register = X86Register(name: name) { table[key(name)] = .x86(register) }
    }
    var alphaNames = AlphaRegister.allCases.map(\.name) + ["pv", "s6", "pcr"]
    alphaNames += (0..<32).map { "r\($0)" } + (0..<32).map { "$\($0)" }
    for name in alphaNames {
      if let register = AlphaRegister(name: name) { table[key(name)] = .alpha(register) }
    }
    for name in ["iopl", "vip", "vif", "errcode", "mode", "ie", "irql", "cr0", "cr2", "cr3", "cr4", "tr"] {
      table[key(name)] = .extra
    }
    // r8–r15 are Alpha's names too: only the names no other architecture prints.
    for name in ["rax", "rbx", "rcx", "rdx", "rsi", "rdi", "rip", "rsp", "rbp"] { table[key(name)] = .amd64 }
    for name in (0...28).map({ "x\($0)" }) + ["lr"] { table[key(name)] = .arm64 }
    return table
  }()
}
