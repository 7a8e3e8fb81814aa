//===--- ELFCoreNotes.swift - A core's PT_NOTE records, decoded --------------===//
//
// Each note is a 4-byte name size, a 4-byte descriptor size, a 4-byte type,
// the name (`CORE`, `LINUX`) and the descriptor, each padded to 4 bytes. The
// descriptors read here, at their 64-bit layouts [and 32-bit ones]:
//   NT_PRSTATUS (1)   si_signo, si_code, si_errno, pr_cursig (u16), … pr_pid at
//                     32 [24], … pr_reg at 112 [72]: x86-64's user_regs_struct (27
//                     words: r15 r14 r13 r12 rbp rbx r11 r10 r9 r8 rax rcx rdx rsi
//                     rdi orig_rax rip cs eflags rsp ss fs_base gs_base ds es fs gs),
//                     AArch64's (x0–x30, sp, pc, pstate), RISC-V 64's (32 words: pc,
//                     then x1–x31), [x86's (17 words: ebx ecx
//                     edx esi edi ebp eax ds es fs gs orig_eax eip cs eflags esp ss),
//                     32-bit ARM's (r0–r15, cpsr, orig_r0)];
//   NT_PRPSINFO (3)   pr_pid at 24 [12], pr_fname[16] at 40 [28], pr_psargs[80] at
//                     56 [44] (32-bit uids are 16 bits wide there);
//   NT_SIGINFO        siginfo_t: si_signo, si_errno, si_code, the fault address at 16 [12];
//   NT_FILE           count, page size, count × (start, end, page offset), then
//                     count NUL-terminated paths (each number a `long`);
//   NT_AUXV (6)       the auxiliary vector's (type, value) pairs of `long`s: AT_ENTRY,
//                     AT_EXECFN (the program's path, in the stack), AT_SYSINFO_EHDR (the vDSO).
//
//===----------------------------------------------------------------------===//

import ByteReading
import CrashCore

/// The notes of a core, gathered.
struct ELFCoreNotes {
  let architecture: Architecture
  let layout: ELFCoreLayout
  var threads: [ELFCoreFile.Thread] = []
  var mappings: [ELFCoreFile.FileMapping] = []
  var processName: String?
  var commandLine: String?
  var processID: UInt32?
  var signal: ELFCoreFile.Signal?
  /// The auxiliary vector's entries (NT_AUXV): type and value.
  var auxiliaryVector: [UInt64: UInt64] = [:]

  static let prstatus: UInt32 = 1
  static let prpsinfo: UInt32 = 3
  static let siginfo: UInt32 = 0x5349_4749
  static let file: UInt32 = 0x4649_4C45
  static let auxv: UInt32 = 6

  init(architecture: Architecture, layout: ELFCoreLayout) {
    self.architecture = architecture
    self.layout = layout
  }

  /// The registers' offset in NT_PRSTATUS (after pr_sigpend, pr_sighold, four pids and four
  /// timevals, all of `long`s).
  var registersOffset: UInt64 { layout.is64Bit ? 112 : 72 }

  /// `pr_reg`'s words: user_regs_struct's length.
  var registerCount: UInt64 {
    switch architecture {
    case .amd64: 27
    case .arm64: 34
    case .riscv64: 32
    case .x86: 17
    default: 18
    }
  }

  /// Reads the notes of the PT_NOTE segment at `offset`.
  mutating func read(_ reader: ByteReader, offset: UInt64, size: UInt64) throws(ReadError) {
    var at = offset
    let end = offset + size
    // The last note's padding may run past the segment's end: `at` can pass `end`.
    while at < end, end - at >= 12 {
      let nameSize = UInt64(try reader.read(UInt32.self, at: at, "note's name size"))
      let descriptorSize = UInt64(try reader.read(UInt32.self, at: at + 4, "note's descriptor size"))
      let type = try reader.read(UInt32.self, at: at + 8, "note's type")
      let nameStart = at + 12
      let descriptorStart = nameStart + Self.padded(nameSize)
      guard descriptorStart <= end, end - descriptorStart >= descriptorSize else {
        throw ReadError(.outOfBounds, at: at, reading: "note of type 0x\(String(type, radix: 16)) past its segment")
      }
      let name = try reader.slice(at: nameStart, length: nameSize, "note's name")
      if name.starts(with: Array("CORE".utf8)) {
        try readCore(reader, type: type, at: descriptorStart, size: descriptorSize)
      }
      at = descriptorStart + Self.padded(descriptorSize)
    }
  }

  static func padded(_ size: UInt64) -> UInt64 { (size + 3) & ~3 }

  private mutating func readCore(_ reader: ByteReader, type: UInt32, at offset: UInt64, size: UInt64) throws(ReadError) {
    switch type {
    case Self.prstatus:
      let word = layout.wordSize
      guard size >= registersOffset + registerCount * word, threads.count < ELFCoreFile.maximumThreads else { return }
      let signal = try reader.read(UInt16.self, at: offset + 12, "pr_cursig")
      let id = try reader.read(UInt32.self, at: offset + (layout.is64Bit ? 32 : 24), "pr_pid")
      var words: [UInt64] = []
      words.reserveCapacity(Int(registerCount))
      for index in 0..<registerCount {
        words.append(try layout.word(reader, at: offset + registersOffset + index * word, "pr_reg"))
      }
      threads.append(ELFCoreFile.Thread(id: id, signal: signal, context: context(words)))
    case Self.prpsinfo:
      let base: UInt64 = layout.is64Bit ? 24 : 12
      guard size >= base + 112 else { return }
      processID = try reader.read(UInt32.self, at: offset + base, "pr_pid")
      processName = Self.text(try reader.slice(at: offset + base + 16, length: 16, "pr_fname"))
      commandLine = Self.text(try reader.slice(at: offset + base + 32, length: 80, "pr_psargs"))
    case Self.siginfo:
      let addressOffset: UInt64 = layout.is64Bit ? 16 : 12
      guard size >= addressOffset + layout.wordSize else { return }
      let number = Int32(bitPattern: try reader.read(UInt32.self, at: offset, "si_signo"))
      let code = Int32(bitPattern: try reader.read(UInt32.self, at: offset + 8, "si_code"))
      // SIGILL 4, SIGTRAP 5, SIGBUS 7, SIGFPE 8, SIGSEGV 11 carry the faulting address.
      let hasAddress = [4, 5, 7, 8, 11].contains(number)
      let address = hasAddress ? try layout.word(reader, at: offset + addressOffset, "si_addr") : nil
      signal = ELFCoreFile.Signal(number: number, code: code, address: address)
    case Self.file:
      try readFiles(reader, at: offset, size: size)
    case Self.auxv:
      let word = layout.wordSize
      var at = offset
      while at + 2 * word <= offset + size, auxiliaryVector.count < 64 {
        let type = try layout.word(reader, at: at, "auxv type")
        if type == 0 { break }
        auxiliaryVector[type] = try layout.word(reader, at: at + word, "auxv value")
        at += 2 * word
      }
    default:
      return
    }
  }

  /// NT_FILE's table and paths.
  private mutating func readFiles(_ reader: ByteReader, at offset: UInt64, size: UInt64) throws(ReadError) {
    let word = layout.wordSize
    guard size >= 2 * word else { return }
    let count = try layout.word(reader, at: offset, "NT_FILE count")
    let pageSize = try layout.word(reader, at: offset + word, "NT_FILE page size")
    guard count <= UInt64(ELFCoreFile.maximumMappings), count <= (size - 2 * word) / (3 * word), pageSize > 0,
      pageSize <= 1 << 30
    else {
      throw ReadError(.implausibleCount, at: offset, reading: "NT_FILE's \(count) mappings of pages of \(pageSize)")
    }
    var names = offset + 2 * word + count * 3 * word
    let end = offset + size
    for index in 0..<count {
      let row = offset + 2 * word + index * 3 * word
      let start = try layout.word(reader, at: row, "mapping's start")
      let stop = try layout.word(reader, at: row + word, "mapping's end")
      let page = try layout.word(reader, at: row + 2 * word, "mapping's page offset")
      // The path: up to its NUL, inside the note (a table whose paths ran out has none).
      guard names < end else { break }
      var length: UInt64 = 0
      while names + length < end, try reader.read(UInt8.self, at: names + length, "mapping's path") != 0 { length += 1 }
      let path = Self.text(try reader.slice(at: names, length: length, "mapping's path")) ?? ""
      names += length + 1
      let (fileOffset, overflow) = page.multipliedReportingOverflow(by: pageSize)
      guard stop > start, !overflow else { continue }
      mappings.append(ELFCoreFile.FileMapping(start: start, end: stop, fileOffset: fileOffset, path: path))
    }
  }

  /// The register file from `pr_reg`'s words.
  private func context(_ words: [UInt64]) -> RegisterContext {
    switch architecture {
    case .x86:
      var file = RegisterFile<X86Register>()
      let order: [X86Register?] = [
        .ebx, .ecx, .edx, .esi, .edi, .ebp, .eax, .segDs, .segEs, .segFs, .segGs, nil, .eip, .segCs, .eflags, .esp, .segSs,
      ]
      for (register, value) in zip(order, words) {
        if let register { file[register] = value & 0xFFFF_FFFF }
      }
      return .x86(file)
    case .arm:
      var file = RegisterFile<ARMRegister>()
      // r0–r12, sp, lr, pc, cpsr: consecutive in CONTEXT order; orig_r0 last, not kept.
      for index in 0..<17 {
        if let register = ARMRegister(rawValue: ARMRegister.r0.rawValue + index * 4) { file[register] = words[index] }
      }
      return .arm(file)
    case .riscv64:
      var file = RegisterFile<RISCV64Register>()
      // pc, then x1–x31: the context's order.
      for index in 0..<32 {
        if let register = RISCV64Register.slot(index) { file[register] = words[index] }
      }
      return .riscv64(file)
    default:
      break
    }
    if architecture == .amd64 {
      var file = RegisterFile<AMD64Register>()
      let order: [AMD64Register?] = [
        .r15, .r14, .r13, .r12, .rbp, .rbx, .r11, .r10, .r9, .r8, .rax, .rcx, .rdx, .rsi, .rdi, nil, .rip, nil, .eflags, .rsp,
      ]
      for (register, value) in zip(order, words) {
        if let register { file[register] = register == .eflags ? value & 0xFFFF_FFFF : value }
      }
      return .amd64(file)
    }
    var file = RegisterFile<ARM64Register>()
    // x0–x28, then fp (x29), lr (x30), sp, pc: consecutive in CONTEXT order; pstate last.
    for index in 0..<33 {
      if let register = ARM64Register(rawValue: ARM64Register.x0.rawValue + index * 8) { file[register] = words[index] }
    }
    file[.cpsr] = words[33] & 0xFFFF_FFFF
    return .arm64(file)
  }

  /// A NUL-padded text field, cut at its first NUL; nil when empty.
  static func text(_ bytes: UnsafeRawBufferPointer) -> String? {
    let used = bytes.prefix { $0 != 0 }
    guard !used.isEmpty else { return nil }
    return String(decoding: used.map { $0 < 0x20 || $0 == 0x7F ? 0x3F : $0 }, as: UTF8.self)
  }
}
