//===--- ELFCallFrames.swift - DWARF call frame information as STACK CFI -----===//
//
// Breakpad's STACK CFI records from an ELF file's `.eh_frame` (or `.debug_frame`):
//   STACK CFI INIT <start> <size> .cfa: <rule> .ra: <rule> [$reg: <rule>]…
//   STACK CFI <address> <the rules that changed there>
// one INIT per FDE, in the section's order, then one line per address where the rules
// change. The FDEs are walked with libdw's `dwarf_next_cfi` (the initial location and
// range decoded by the CIE's 'R' pointer encoding: the DWARF 5 and LSB "Exception
// Frames" specifications); each row's rules come from `dwarf_cfi_addrframe`, which runs
// the CIE and FDE instructions. Rules are written as Breakpad's postfix expressions:
//   CFA = register + offset         `$rsp 16 +`
//   saved at CFA + n                `.cfa -16 + ^`
//   value CFA + n                   `.cfa 8 +`
//   in another register             `$rbx`
// Rows whose CFA is a DWARF expression Breakpad cannot say (the PLT's) are left out, as
// are registers with such rules. Numbers are decimal, as Breakpad writes them.
//
//===----------------------------------------------------------------------===//

import CLibDW
import CrashCore

#if canImport(Glibc)
  import Glibc
#elseif canImport(Musl)
  import Musl
#endif

/// Turns an ELF file's call frame information into STACK CFI lines.
struct ELFCallFrames {
  /// Breakpad's register names by DWARF register number, for one machine.
  let registerNames: [Int: String]
  /// The stack pointer's number: its implicit rule (the caller's value is the CFA) is not
  /// written, as Breakpad takes it for granted.
  let stackPointer: Int
  /// FDEs read at most (damaged input).
  static let maximumEntries = 2_000_000
  /// Rows per FDE at most.
  static let maximumRows = 100_000
  /// Rows over the whole file at most (a hostile file's FDEs cannot make the walk endless).
  static let maximumTotalRows = 20_000_000

  init?(machine: Int32) {
    switch machine {
    case Int32(EM_X86_64):
      let names =
        ["rax", "rdx", "rcx", "rbx", "rsi", "rdi", "rbp", "rsp"] + (8...15).map { "r\($0)" } + [
          "rip"
        ]
      registerNames = Dictionary(
        uniqueKeysWithValues: names.enumerated().map { ($0.offset, "$" + $0.element) })
      stackPointer = 7
    case Int32(EM_386):
      let names = ["eax", "ecx", "edx", "ebx", "esp", "ebp", "esi", "edi", "eip"]
      registerNames = Dictionary(
        uniqueKeysWithValues: names.enumerated().map { ($0.offset, "$" + $0.element) })
      stackPointer = 4
    case Int32(EM_AARCH64):
      // Without the `$` of the x86 names, as Breakpad's dump_syms writes them and its
      // processor looks them up.
      var names = Dictionary(uniqueKeysWithValues: (0...30).map { ($0, "x\($0)") })
      names[31] = "sp"
      registerNames = names
      stackPointer = 31
    case Int32(EM_ARM):
      // r0 … r12, sp, lr, pc (DWARF numbers 0 … 15), as dump_syms writes them.
      var names = Dictionary(uniqueKeysWithValues: (0...12).map { ($0, "r\($0)") })
      names[13] = "sp"
      names[14] = "lr"
      names[15] = "pc"
      registerNames = names
      stackPointer = 13
    case Int32(EM_RISCV):
      // x1 … x31 by their ABI names (DWARF numbers 1 … 31), as dump_syms writes them; x0 is
      // the zero register, whose slot Breakpad's names give to pc (no rule names it).
      registerNames = Dictionary(
        uniqueKeysWithValues: (1...31).compactMap { number in RISCV64Register.slot(number).map { (number, $0.name) } })
      stackPointer = 2
    default:
      return nil
    }
  }

  /// The STACK CFI lines of `elf`'s `.eh_frame`, else of `dwarf`'s `.debug_frame`; empty
  /// when neither has data in this file.
  func lines(elf: OpaquePointer, dwarf: OpaquePointer?) -> [String] {
    if let section = Self.section(named: ".eh_frame", in: elf), let cfi = dwarf_getcfi_elf(elf) {
      defer { dwarf_cfi_end(cfi) }
      return lines(cfi: cfi, section: section, elf: elf, isEHFrame: true)
    }
    if let dwarf, let section = Self.section(named: ".debug_frame", in: dwarf_getelf(dwarf)),
      let cfi = dwarf_getcfi(dwarf)
    {
      return lines(cfi: cfi, section: section, elf: dwarf_getelf(dwarf), isEHFrame: false)
    }
    return []
  }

  /// Where `lines(elf:dwarf:)` reads call frames from: `elf`'s `.eh_frame` (a handle the caller
  /// ends with dwarf_cfi_end), else `dwarf`'s `.debug_frame` (owned by `dwarf`); nil when neither
  /// has data in this file.
  static func source(elf: OpaquePointer, dwarf: OpaquePointer?) -> (cfi: OpaquePointer, ownedByCaller: Bool)? {
    if section(named: ".eh_frame", in: elf) != nil, let cfi = dwarf_getcfi_elf(elf) { return (cfi, true) }
    if let dwarf, section(named: ".debug_frame", in: dwarf_getelf(dwarf)) != nil, let cfi = dwarf_getcfi(dwarf) {
      return (cfi, false)
    }
    return nil
  }

  /// The rules in force at `address` as one Breakpad rule text (`.cfa: … .ra: … $reg: …`, as
  /// an INIT record writes them) and the row they hold for, run from the CIE and FDE
  /// instructions by `dwarf_cfi_addrframe`; nil when no FDE covers the address or its CFA is
  /// one Breakpad cannot say.
  func rules(at address: UInt64, cfi: OpaquePointer) -> (start: UInt64, end: UInt64, text: String)? {
    var frame: OpaquePointer? = nil
    guard dwarf_cfi_addrframe(cfi, address, &frame) == 0, let frame else { return nil }
    defer { free(UnsafeMutableRawPointer(frame)) }
    var rowStart: Dwarf_Addr = 0
    var rowEnd: Dwarf_Addr = 0
    var signal = false
    let returnRegister = dwarf_frame_info(frame, &rowStart, &rowEnd, &signal)
    guard let rules = rules(frame, returnRegister: Int(returnRegister)), rowEnd > rowStart else { return nil }
    return (rowStart, rowEnd, text(rules))
  }

  /// Whether `elf` has DWARF call frames or (32-bit ARM) EHABI unwind tables of its own.
  static func hasUnwindTables(_ elf: OpaquePointer) -> Bool {
    hasCallFrames(elf) || section(named: ".ARM.exidx", in: elf) != nil
  }

  /// Whether `elf` has call frame data of its own (not a NOBITS copy in a debug file).
  static func hasCallFrames(_ elf: OpaquePointer) -> Bool {
    section(named: ".eh_frame", in: elf) != nil || section(named: ".debug_frame", in: elf) != nil
  }

  /// A section with contents: its data and address.
  static func section(named name: String, in elf: OpaquePointer?) -> (
    data: UnsafeMutablePointer<Elf_Data>, address: UInt64
  )? {
    guard let elf else { return nil }
    var stringIndex = 0
    guard elf_getshdrstrndx(elf, &stringIndex) == 0 else { return nil }
    var section: OpaquePointer? = nil
    while let next = elf_nextscn(elf, section) {
      section = next
      var header = GElf_Shdr()
      guard gelf_getshdr(next, &header) != nil, header.sh_type != UInt32(SHT_NOBITS),
        let sectionName = elf_strptr(elf, stringIndex, Int(header.sh_name)),
        String(cString: sectionName) == name,
        let data = elf_getdata(next, nil), data.pointee.d_buf != nil, data.pointee.d_size > 0
      else { continue }
      return (data, header.sh_addr)
    }
    return nil
  }

  /// A rule set: the CFA and the registers' rules, as Breakpad text.
  private struct Rules: Equatable {
    var cfa: String
    var registers: [(name: String, rule: String)]

    static func == (left: Rules, right: Rules) -> Bool {
      left.cfa == right.cfa && left.registers.map(\.name) == right.registers.map(\.name)
        && left.registers.map(\.rule) == right.registers.map(\.rule)
    }
  }

  private func lines(
    cfi: OpaquePointer, section: (data: UnsafeMutablePointer<Elf_Data>, address: UInt64),
    elf: OpaquePointer,
    isEHFrame: Bool
  ) -> [String] {
    guard let identity = elf_getident(elf, nil) else { return [] }
    let base = UnsafeRawPointer(section.data.pointee.d_buf!)
    let size = section.data.pointee.d_size
    let is64 = identity[Int(EI_CLASS)] == UInt8(ELFCLASS64)
    var encodings: [Dwarf_Off: UInt8] = [:]
    var output: [String] = []
    var offset: Dwarf_Off = 0
    var budget = Self.maximumTotalRows
    for _ in 0..<Self.maximumEntries {
      var next: Dwarf_Off = 0
      var entry = Dwarf_CFI_Entry()
      let status = dwarf_next_cfi(identity, section.data, isEHFrame, offset, &next, &entry)
      guard status == 0 else { break }
      defer { offset = next }
      if entry.CIE_id == Dwarf_Off(LIBDW_CIE_ID) {
        encodings[offset] = Self.pointerEncoding(entry.cie, defaultEncoding: is64 ? 0x04 : 0x03)
        continue
      }
      let fde = entry.fde
      guard let encoding = encodings[fde.CIE_pointer] ?? (isEHFrame ? nil : (is64 ? 0x04 : 0x03)),
        let start = fde.start, let end = fde.end, UnsafeRawPointer(start) >= base,
        UnsafeRawPointer(end) <= base + size
      else { continue }
      var cursor = UnsafeRawPointer(start)
      let fieldAddress = section.address &+ UInt64(cursor - base)
      guard
        let location = Self.read(
          encoding, at: &cursor, end: UnsafeRawPointer(end), fieldAddress: fieldAddress),
        let range = Self.read(
          encoding & 0x0F, at: &cursor, end: UnsafeRawPointer(end), fieldAddress: 0),
        range > 0
      else { continue }
      output += rows(cfi: cfi, start: location, size: range, budget: &budget)
      if budget <= 0 { break }
    }
    return output
  }

  /// The STACK CFI lines of one FDE's range.
  private func rows(cfi: OpaquePointer, start: UInt64, size: UInt64, budget: inout Int) -> [String] {
    var output: [String] = []
    var previous: Rules?
    var address = start
    let end = start &+ size
    for _ in 0..<Self.maximumRows where address < end && budget > 0 {
      budget -= 1
      var frame: OpaquePointer? = nil
      guard dwarf_cfi_addrframe(cfi, address, &frame) == 0, let frame else { break }
      defer { free(UnsafeMutableRawPointer(frame)) }
      var rowStart: Dwarf_Addr = 0
      var rowEnd: Dwarf_Addr = 0
      var signal = false
      let returnRegister = dwarf_frame_info(frame, &rowStart, &rowEnd, &signal)
      if let rules = rules(frame, returnRegister: Int(returnRegister)) {
        if let previous {
          let changed = changes(from: previous, to: rules)
          if !changed.isEmpty {
            output.append("STACK CFI \(String(address, radix: 16)) \(changed)")
          }
        } else {
          output.append(
            "STACK CFI INIT \(String(start, radix: 16)) \(String(size, radix: 16)) \(text(rules))")
        }
        previous = rules
      }
      guard rowEnd > address else { break }
      address = rowEnd
    }
    return output
  }

  private func text(_ rules: Rules) -> String {
    ([".cfa: " + rules.cfa] + rules.registers.map { "\($0.name): \($0.rule)" }).joined(
      separator: " ")
  }

  /// The rules of `rules` that differ from `previous`; a register whose rule is gone is said
  /// to keep its value.
  private func changes(from previous: Rules, to rules: Rules) -> String {
    var parts: [String] = []
    if rules.cfa != previous.cfa { parts.append(".cfa: " + rules.cfa) }
    for (name, rule) in rules.registers
    where previous.registers.first(where: { $0.name == name })?.rule != rule {
      parts.append("\(name): \(rule)")
    }
    for (name, _) in previous.registers where !rules.registers.contains(where: { $0.name == name })
    {
      parts.append("\(name): \(name)")
    }
    return parts.joined(separator: " ")
  }

  /// The CFA and register rules of one row, or nil when its CFA is not register + offset.
  private func rules(_ frame: OpaquePointer, returnRegister: Int) -> Rules? {
    var ops: UnsafeMutablePointer<Dwarf_Op>? = nil
    var count = 0
    guard dwarf_frame_cfa(frame, &ops, &count) == 0, count == 1, let op = ops?.pointee else {
      return nil
    }
    let cfa: String
    if op.atom == UInt8(DW_OP_bregx), let name = registerNames[Int(op.number)] {
      cfa = "\(name) \(Int64(bitPattern: op.number2)) +"
    } else if op.atom >= UInt8(DW_OP_breg0), op.atom <= UInt8(DW_OP_breg31),
      let name = registerNames[Int(op.atom) - Int(DW_OP_breg0)]
    {
      cfa = "\(name) \(Int64(bitPattern: op.number)) +"
    } else {
      return nil
    }
    var registers: [(String, String)] = []
    var returnRule: String?
    let numbers = registerNames.keys.sorted()
    for number in numbers {
      guard let rule = registerRule(frame, number), !(number == stackPointer && rule == ".cfa 0 +")
      else { continue }
      if number == returnRegister {
        returnRule = rule
      } else {
        registers.append((registerNames[number]!, rule))
      }
    }
    if returnRegister >= 0, registerNames[returnRegister] == nil,
      let rule = registerRule(frame, returnRegister)
    {
      returnRule = rule
    }
    // On arm64 and arm the return address stays in x30 (lr) until a function saves it:
    // `.ra: x30`, `.ra: lr`, as dump_syms writes it.
    if returnRule == nil, let name = registerNames[returnRegister], Self.keepsValue(frame, returnRegister) {
      returnRule = name
    }
    if let returnRule { registers.insert((".ra", returnRule), at: 0) }
    return Rules(cfa: cfa, registers: registers)
  }

  /// Whether the CFI says register `number` keeps its value in this frame ("same value").
  private static func keepsValue(_ frame: OpaquePointer, _ number: Int) -> Bool {
    var memory = [Dwarf_Op](repeating: Dwarf_Op(), count: 3)
    var ops: UnsafeMutablePointer<Dwarf_Op>? = nil
    var count = 0
    let status = memory.withUnsafeMutableBufferPointer { buffer in
      dwarf_frame_register(frame, Int32(number), buffer.baseAddress!, &ops, &count)
    }
    return status == 0 && count == 0 && ops == nil
  }

  /// Register `number`'s rule as Breakpad text; nil for "same value", "undefined", or a
  /// rule Breakpad cannot say.
  private func registerRule(_ frame: OpaquePointer, _ number: Int) -> String? {
    var memory = [Dwarf_Op](repeating: Dwarf_Op(), count: 3)
    var ops: UnsafeMutablePointer<Dwarf_Op>? = nil
    var count = 0
    let status = memory.withUnsafeMutableBufferPointer { buffer in
      dwarf_frame_register(frame, Int32(number), buffer.baseAddress!, &ops, &count)
    }
    guard status == 0, count > 0, let ops else { return nil }
    let list = (0..<count).map { ops[$0] }
    let isValue = list.last?.atom == UInt8(DW_OP_stack_value)
    let body = isValue ? Array(list.dropLast()) : list
    guard let first = body.first else { return nil }
    var offset: Int64?
    if first.atom == UInt8(DW_OP_call_frame_cfa) {
      switch body.count {
      case 1: offset = 0
      case 2 where body[1].atom == UInt8(DW_OP_plus_uconst):
        offset = Int64(bitPattern: body[1].number)
      case 3
      where body[2].atom == UInt8(DW_OP_plus)
        && (body[1].atom == UInt8(DW_OP_consts) || body[1].atom == UInt8(DW_OP_constu)):
        offset = Int64(bitPattern: body[1].number)
      default: offset = nil
      }
      guard let offset else { return nil }
      return ".cfa \(offset) +" + (isValue ? "" : " ^")
    }
    // register(R): the value is in register R.
    if isValue, body.count == 1, first.atom == UInt8(DW_OP_bregx), first.number2 == 0,
      let name = registerNames[Int(first.number)]
    {
      return name
    }
    if isValue, body.count == 1, first.atom >= UInt8(DW_OP_breg0),
      first.atom <= UInt8(DW_OP_breg31), first.number == 0,
      let name = registerNames[Int(first.atom) - Int(DW_OP_breg0)]
    {
      return name
    }
    return nil
  }

  /// The FDE pointer encoding of a CIE: its 'R' augmentation, else absolute pointers.
  private static func pointerEncoding(_ cie: Dwarf_CIE, defaultEncoding: UInt8) -> UInt8 {
    guard let augmentation = cie.augmentation.map({ String(cString: $0) }),
      augmentation.hasPrefix("z"),
      let data = cie.augmentation_data
    else { return defaultEncoding }
    var cursor = UnsafeRawPointer(data)
    let end = cursor + cie.augmentation_data_size
    for letter in augmentation.dropFirst() {
      switch letter {
      case "R":
        guard cursor < end else { return defaultEncoding }
        return cursor.load(as: UInt8.self)
      case "L":
        cursor += 1
      case "P":
        guard cursor < end else { return defaultEncoding }
        let encoding = cursor.load(as: UInt8.self)
        cursor += 1
        guard read(encoding, at: &cursor, end: end, fieldAddress: 0) != nil else {
          return defaultEncoding
        }
      default:
        continue  // 'S', 'B': no data
      }
    }
    return defaultEncoding
  }

  /// A pointer encoded with `encoding` (DW_EH_PE_*: format in the low four bits, pc-relative
  /// application 0x10) at `cursor`, moved past it; nil when it runs past `end` or the
  /// encoding is one this does not read.
  private static func read(
    _ encoding: UInt8, at cursor: inout UnsafeRawPointer, end: UnsafeRawPointer,
    fieldAddress: UInt64
  )
    -> UInt64?
  {
    guard encoding != 0xFF else { return nil }  // DW_EH_PE_omit
    func fixed<T: FixedWidthInteger>(_ type: T.Type) -> UInt64? {
      guard cursor + MemoryLayout<T>.size <= end else { return nil }
      let value = cursor.loadUnaligned(as: T.self)
      cursor += MemoryLayout<T>.size
      return UInt64(truncatingIfNeeded: Int64(truncatingIfNeeded: value))
    }
    func leb(signed: Bool) -> UInt64? {
      var result: UInt64 = 0
      var shift: UInt64 = 0
      while cursor < end, shift < 64 {
        let byte = cursor.load(as: UInt8.self)
        cursor += 1
        result |= UInt64(byte & 0x7F) << shift
        shift += 7
        if byte & 0x80 == 0 {
          if signed, shift < 64, byte & 0x40 != 0 { result |= ~0 << shift }
          return result
        }
      }
      return nil
    }
    var value: UInt64?
    switch encoding & 0x0F {
    case 0x00, 0x04: value = fixed(UInt64.self)
    case 0x01: value = leb(signed: false)
    case 0x02: value = fixed(UInt16.self).map { $0 & 0xFFFF }
    case 0x03: value = fixed(UInt32.self).map { $0 & 0xFFFF_FFFF }
    case 0x09: value = leb(signed: true)
    case 0x0A: value = fixed(Int16.self)
    case 0x0B: value = fixed(Int32.self)
    case 0x0C: value = fixed(Int64.self)
    default: return nil
    }
    guard let value else { return nil }
    switch encoding & 0x70 {
    case 0x00: return value
    case 0x10: return fieldAddress &+ value
    default: return nil  // datarel, textrel, funcrel: not used for FDE locations in ELF
    }
  }
}
