//===--- ARMExceptionIndex.swift - ARM EHABI unwind tables as STACK CFI ------===//
//
// 32-bit ARM code built for Android and most ARM Linux keeps no .eh_frame: its
// unwind data is the EHABI exception index (`.ARM.exidx`, one 8-byte entry per
// function, sorted) and table (`.ARM.extab`), which a stripped library still
// has. Breakpad's dump_syms turns them into STACK CFI; so does this, from the
// "Exception Handling ABI for the Arm Architecture" (EHABI, ARM IHI 0038):
//
//   entry      {prel31 offset to the function, word}; the word is 1 (cannot
//              unwind), an inline compact entry (bit 31 set: personality 0 and
//              three opcode bytes), or a prel31 offset into .ARM.extab, where
//              a compact entry (bit 31 set; personality 0: three bytes; 1 or 2:
//              a count N in bits 16–23, two bytes, N more words) or a generic
//              one (a personality routine, then the count-and-bytes word of
//              model 1) holds the opcodes.
//   opcodes    vsp += / -= n; pop r4–r15 under a mask, r4–r[4+n] (and lr),
//              r0–r3 under a mask; vsp = rN; VFP and iWMMXt pops (vsp moves);
//              finish; refuse to unwind. Popped registers are read from the
//              stack at vsp, in ascending order.
//
// Each function gets one row, the state after its prologue (the only state the
// table describes, right at every call site: where a walk asks above the
// innermost frame): `.cfa: sp N +`, saved registers `.cfa -k + ^`, `.ra` from
// the popped pc or lr, else `.ra: lr`. A function ends where the next entry
// starts. Entries are checked against both sections' bounds; one that reads
// outside them, pops sp, or uses a spare opcode gives no row.
//
//===----------------------------------------------------------------------===//

import CLibDW

/// The EHABI unwind tables of a 32-bit ARM ELF file, read as STACK CFI.
struct ARMExceptionIndex {
  /// `.ARM.exidx`: 8-byte entries.
  private let index: [UInt8]
  private let indexAddress: UInt64
  /// `.ARM.extab`, when the file has one.
  private let table: [UInt8]
  private let tableAddress: UInt64
  /// Where the code of the last entry ends (the end of the executable section holding it).
  private let codeEnd: UInt64
  /// Entries read at most (a hostile section cannot make the conversion endless).
  static let maximumEntries = 4_000_000
  /// Opcode bytes of one entry at most (model 1 and 2 entries hold 2 + 255 × 4).
  static let maximumOpcodes = 1_024

  /// The tables of `elf`; nil when it has no `.ARM.exidx`.
  init?(elf: OpaquePointer) {
    guard let exidx = ELFCallFrames.section(named: ".ARM.exidx", in: elf) else { return nil }
    let indexBytes = Self.bytes(exidx.data)
    guard indexBytes.count >= 8 else { return nil }
    index = Array(indexBytes.prefix(min(indexBytes.count / 8, Self.maximumEntries) * 8))
    indexAddress = exidx.address
    if let extab = ELFCallFrames.section(named: ".ARM.extab", in: elf) {
      table = Self.bytes(extab.data)
      tableAddress = extab.address
    } else {
      table = []
      tableAddress = 0
    }
    var end: UInt64 = 0
    let lastStart = Self.target(of: Self.word(index, at: index.count - 8), at: exidx.address &+ UInt64(index.count - 8))
    for section in Self.executableSections(of: elf) where section.start <= lastStart && lastStart < section.end {
      end = section.end
    }
    codeEnd = end
  }

  /// Functions the index describes.
  var count: Int { index.count / 8 }

  /// The STACK CFI INIT lines of every function the index can unwind, in its order.
  func lines() -> [String] {
    var output: [String] = []
    for entry in 0..<count {
      guard let row = row(entry) else { continue }
      output.append("STACK CFI INIT \(String(row.start, radix: 16)) \(String(row.end - row.start, radix: 16)) \(row.text)")
    }
    return output
  }

  /// The rules at `address` (a file address): its function's row.
  func rules(at address: UInt64) -> (start: UInt64, end: UInt64, text: String)? {
    var low = 0
    var high = count
    while low < high {
      let middle = (low + high) / 2
      if start(of: middle) <= address { low = middle + 1 } else { high = middle }
    }
    guard low > 0, let row = row(low - 1), address < row.end else { return nil }
    return row
  }

  /// Entry `entry`'s function range and rule text; nil when it cannot be unwound or says
  /// something a rule cannot.
  private func row(_ entry: Int) -> (start: UInt64, end: UInt64, text: String)? {
    let first = start(of: entry)
    let end = entry + 1 < count ? start(of: entry + 1) : codeEnd
    guard end > first, let opcodes = opcodes(entry), let text = Self.rules(opcodes) else { return nil }
    return (first, end, text)
  }

  private func start(of entry: Int) -> UInt64 {
    Self.target(of: Self.word(index, at: entry * 8), at: indexAddress &+ UInt64(entry * 8))
  }

  /// The opcode bytes of entry `entry`, from the entry itself or from `.ARM.extab`.
  private func opcodes(_ entry: Int) -> [UInt8]? {
    let word = Self.word(index, at: entry * 8 + 4)
    if word == 1 { return nil }  // EXIDX_CANTUNWIND
    if word & 0x8000_0000 != 0 {
      // Compact model, inline: personality 0 and three opcode bytes.
      guard word >> 24 == 0x80 else { return nil }
      return [UInt8(truncatingIfNeeded: word >> 16), UInt8(truncatingIfNeeded: word >> 8), UInt8(truncatingIfNeeded: word)]
    }
    let entryAddress = Self.target(of: word, at: indexAddress &+ UInt64(entry * 8 + 4))
    guard let first = tableWord(at: entryAddress) else { return nil }
    var bytes: [UInt8]
    var extraWords: Int
    var cursor: UInt64
    if first & 0x8000_0000 != 0 {
      switch (first >> 24) & 0x0F {
      case 0:
        return [UInt8(truncatingIfNeeded: first >> 16), UInt8(truncatingIfNeeded: first >> 8), UInt8(truncatingIfNeeded: first)]
      case 1, 2:
        extraWords = Int((first >> 16) & 0xFF)
        bytes = [UInt8(truncatingIfNeeded: first >> 8), UInt8(truncatingIfNeeded: first)]
        cursor = entryAddress &+ 4
      default:
        return nil
      }
    } else {
      // Generic model: a personality routine, then a word in model 1's form.
      guard let second = tableWord(at: entryAddress &+ 4) else { return nil }
      extraWords = Int(second >> 24)
      bytes = [UInt8(truncatingIfNeeded: second >> 16), UInt8(truncatingIfNeeded: second >> 8), UInt8(truncatingIfNeeded: second)]
      cursor = entryAddress &+ 8
    }
    for _ in 0..<extraWords {
      guard let next = tableWord(at: cursor), bytes.count + 4 <= Self.maximumOpcodes else { return nil }
      bytes += [UInt8(truncatingIfNeeded: next >> 24), UInt8(truncatingIfNeeded: next >> 16), UInt8(truncatingIfNeeded: next >> 8), UInt8(truncatingIfNeeded: next)]
      cursor &+= 4
    }
    return bytes
  }

  /// The word at `address` in `.ARM.extab`, or nil outside it.
  private func tableWord(at address: UInt64) -> UInt32? {
    guard address >= tableAddress, address - tableAddress <= UInt64(table.count), UInt64(table.count) - (address - tableAddress) >= 4
    else { return nil }
    return Self.word(table, at: Int(address - tableAddress))
  }

  /// Where a prel31 offset stored at `place` points (32-bit addresses).
  static func target(of word: UInt32, at place: UInt64) -> UInt64 {
    let offset = Int64(Int32(bitPattern: word << 1) >> 1)
    return UInt64(bitPattern: Int64(bitPattern: place) &+ offset) & 0xFFFF_FFFF
  }

  /// The address ranges of `elf`'s executable sections.
  private static func executableSections(of elf: OpaquePointer) -> [(start: UInt64, end: UInt64)] {
    var ranges: [(start: UInt64, end: UInt64)] = []
    var section: OpaquePointer? = nil
    while let next = elf_nextscn(elf, section), ranges.count < 100_000 {
      section = next
      var header = GElf_Shdr()
      guard gelf_getshdr(next, &header) != nil, header.sh_flags & UInt64(SHF_EXECINSTR) != 0 else { continue }
      ranges.append((header.sh_addr, header.sh_addr &+ header.sh_size))
    }
    return ranges
  }

  private static func word(_ bytes: [UInt8], at offset: Int) -> UInt32 {
    UInt32(bytes[offset]) | UInt32(bytes[offset + 1]) << 8 | UInt32(bytes[offset + 2]) << 16 | UInt32(bytes[offset + 3]) << 24
  }

  private static func bytes(_ data: UnsafeMutablePointer<Elf_Data>) -> [UInt8] {
    guard let buffer = data.pointee.d_buf else { return [] }
    return Array(UnsafeRawBufferPointer(start: buffer, count: data.pointee.d_size))
  }

  /// The rule text the opcodes give: `.cfa: … .ra: … rN: …`; nil for "refuse to unwind", a
  /// spare opcode, a pop of sp, or bytes cut short.
  static func rules(_ opcodes: [UInt8]) -> String? {
    var unwinder = EHABIUnwinder()
    var position = 0
    func next() -> UInt8? {
      guard position < opcodes.count else { return nil }
      defer { position += 1 }
      return opcodes[position]
    }
    while let op = next() {
      switch op {
      case 0x00...0x3F: unwinder.offset += Int64(op & 0x3F) << 2 + 4
      case 0x40...0x7F: unwinder.offset -= Int64(op & 0x3F) << 2 + 4
      case 0x80...0x8F:
        guard let low = next() else { return nil }
        let mask = UInt16(op & 0x0F) << 8 | UInt16(low)
        guard mask != 0 else { return nil }  // refuse to unwind
        for bit in 0..<12 where mask & (1 << bit) != 0 {
          guard unwinder.pop(4 + bit) else { return nil }
        }
      case 0x90...0x9F:
        let register = Int(op & 0x0F)
        guard register != 13, register != 15 else { return nil }  // reserved
        unwinder.setStackPointer(from: register)
      case 0xA0...0xAF:
        for register in 4...(4 + Int(op & 0x07)) { _ = unwinder.pop(register) }
        if op & 0x08 != 0 { _ = unwinder.pop(14) }
      case 0xB0: return unwinder.text()  // finish
      case 0xB1:
        guard let mask = next(), mask != 0, mask & 0xF0 == 0 else { return nil }
        for bit in 0..<4 where mask & (1 << bit) != 0 { _ = unwinder.pop(bit) }
      case 0xB2:
        var value: Int64 = 0
        var shift: Int64 = 0
        while true {
          guard let byte = next(), shift < 28 else { return nil }
          value |= Int64(byte & 0x7F) << shift
          shift += 7
          if byte & 0x80 == 0 { break }
        }
        unwinder.offset += 0x204 + (value << 2)
      case 0xB3:
        guard let counts = next() else { return nil }
        unwinder.offset += Int64(counts & 0x0F + 1) * 8 + 4
      case 0xB8...0xBF: unwinder.offset += Int64(op & 0x07 + 1) * 8 + 4
      case 0xC0...0xC5: unwinder.offset += Int64(op & 0x07 + 1) * 8
      case 0xC6, 0xC8, 0xC9:
        guard let counts = next() else { return nil }
        unwinder.offset += Int64(counts & 0x0F + 1) * 8
      case 0xC7:
        guard let mask = next(), mask != 0, mask & 0xF0 == 0 else { return nil }
        unwinder.offset += Int64(mask.nonzeroBitCount) * 4
      case 0xD0...0xD7: unwinder.offset += Int64(op & 0x07 + 1) * 8
      default: return nil  // spare
      }
    }
    return unwinder.text()
  }
}

/// The virtual stack pointer of an EHABI unwind and where each popped register was saved,
/// as Breakpad expressions over the callee's registers.
private struct EHABIUnwinder {
  /// vsp = base + offset; `base` is `sp`, another register, or a saved value (`sp 8 + ^`).
  var base = "sp"
  var offset: Int64 = 0
  /// Popped registers: the base and offset of their slots.
  var saved: [Int: (base: String, offset: Int64)] = [:]

  /// Pops register `number` from vsp; false for sp (its new value would move vsp itself).
  mutating func pop(_ number: Int) -> Bool {
    guard number != 13 else { return false }
    saved[number] = (base, offset)
    offset += 4
    return true
  }

  /// vsp = r[number], the value the unwind has for it so far.
  mutating func setStackPointer(from number: Int) {
    if let slot = saved[number] {
      base = "\(Self.expression(slot.base, slot.offset)) ^"
    } else {
      base = Self.name(number)
    }
    offset = 0
  }

  /// `.cfa: … .ra: … rN: …`, saved registers relative to the CFA where they share its base.
  func text() -> String {
    func rule(_ slot: (base: String, offset: Int64)) -> String {
      slot.base == base ? ".cfa \(slot.offset - offset) + ^" : "\(Self.expression(slot.base, slot.offset)) ^"
    }
    var text = ".cfa: \(Self.expression(base, offset))"
    if let pc = saved[15] {
      text += " .ra: " + rule(pc)
    } else if let lr = saved[14] {
      text += " .ra: " + rule(lr)
    } else {
      text += " .ra: lr"
    }
    for number in saved.keys.sorted() where number != 15 && !(number == 14 && saved[15] == nil) {
      text += " \(Self.name(number)): " + rule(saved[number]!)
    }
    return text
  }

  static func expression(_ base: String, _ offset: Int64) -> String { "\(base) \(offset) +" }

  static func name(_ number: Int) -> String {
    switch number {
    case 13: "sp"
    case 14: "lr"
    case 15: "pc"
    default: "r\(number)"
    }
  }
}
