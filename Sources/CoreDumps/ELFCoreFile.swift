//===--- ELFCoreFile.swift - A Linux core file, read -------------------------===//
//
// What the kernel (fs/binfmt_elf.c) and gdb's `gcore` write when a process dies
// or is dumped: an ELF file of type ET_CORE whose program headers are
//   PT_NOTE  the process's notes: one NT_PRSTATUS per thread (its signal, pid
//            and general registers; the thread that took the signal first),
//            NT_PRPSINFO (the command's name and arguments), NT_SIGINFO (the
//            signal's code and fault address), NT_FILE (each file mapping:
//            start, end, page offset, path), NT_AUXV and the FP/vector states;
//   PT_LOAD  each memory mapping: its address and size, and the bytes the dump
//            kept (none for file-backed code, the first page of an ELF image,
//            all of the stacks and heaps with the default coredump_filter).
// x86-64 and AArch64 cores (ELF64) and x86 and 32-bit ARM cores (ELF32, as a
// 32-bit kernel writes them and a 64-bit kernel writes a 32-bit process's,
// through its compat layouts) are read, little-endian. Sources: the ELF
// specification, Linux's include/uapi/linux/elfcore.h, fs/binfmt_elf.c and
// fs/compat_binfmt_elf.c, and the architectures' `user_regs_struct`
// (asm/ptrace.h, asm/user.h).
//
//===----------------------------------------------------------------------===//

import ByteReading
import CrashCore

/// A Linux core file: its threads, process, signal, file mappings and memory.
public final class ELFCoreFile: @unchecked Sendable {
  // Sendable: immutable after init; `file` maps read-only memory.

  /// One memory mapping the dump describes (PT_LOAD).
  public struct Segment: Sendable, Hashable {
    /// The mapping's start address in the process.
    public var address: UInt64
    /// Its size in the process.
    public var size: UInt64
    /// Where its bytes start in the file.
    public var fileOffset: UInt64
    /// How many of its bytes the dump kept (from the start); the rest read as absent.
    public var fileSize: UInt64
    /// Whether the mapping was executable.
    public var isExecutable: Bool
  }

  /// A file mapped into the process (NT_FILE).
  public struct FileMapping: Sendable, Hashable {
    /// Its start address.
    public var start: UInt64
    /// Its end address (exclusive).
    public var end: UInt64
    /// The offset in the file it maps, in bytes.
    public var fileOffset: UInt64
    /// The file's path.
    public var path: String
  }

  /// A thread's state (NT_PRSTATUS).
  public struct Thread: Sendable, Hashable {
    /// The thread's id (the kernel's pid of the task).
    public var id: UInt32
    /// The signal the thread was taking, 0 for none.
    public var signal: UInt16
    /// Its general registers.
    public var context: RegisterContext
  }

  /// The signal that ended the process (NT_SIGINFO).
  public struct Signal: Sendable, Hashable {
    /// The signal's number (11 SIGSEGV, 6 SIGABRT, …).
    public var number: Int32
    /// Its `si_code` (1 SEGV_MAPERR, 2 SEGV_ACCERR for SIGSEGV; ≤ 0 sent by a process).
    public var code: Int32
    /// The faulting address, for SIGSEGV, SIGBUS, SIGILL, SIGFPE and SIGTRAP.
    public var address: UInt64?
  }

  /// The most threads read.
  public static let maximumThreads = 4_096
  /// The most file mappings read.
  public static let maximumMappings = 65_536

  /// The file's path.
  public let path: String
  /// The processor.
  public let architecture: Architecture
  /// Whether the core is ELF64 (x86-64, AArch64) rather than ELF32 (x86, 32-bit ARM): the width
  /// of its headers' fields and of the `long`s in its notes.
  public let is64Bit: Bool
  /// The memory mappings, by address.
  public let segments: [Segment]
  /// The file mappings, by address.
  public let mappings: [FileMapping]
  /// The threads, the one that took the signal first (as the kernel writes them).
  public let threads: [Thread]
  /// The command's name (`pr_fname`), when recorded.
  public let processName: String?
  /// The command line (`pr_psargs`, its first 80 bytes), when recorded.
  public let commandLine: String?
  /// The process id, when recorded.
  public let processID: UInt32?
  /// The signal, when NT_SIGINFO was written.
  public let signal: Signal?
  /// The auxiliary vector (NT_AUXV), by entry type (9 AT_ENTRY, 31 AT_EXECFN, 33 AT_SYSINFO_EHDR).
  public let auxiliaryVector: [UInt64: UInt64]
  /// The file's size in bytes.
  public var byteCount: Int { reader.count }

  let file: MappedFile
  let reader: ByteReader

  /// Whether `bytes` start as a little-endian ELF core (32- or 64-bit) does.
  public static func isCore(_ bytes: [UInt8]) -> Bool {
    bytes.count >= 18 && bytes.withUnsafeBytes { isLittleEndianELF($0) } && bytes[16] == 4 && bytes[17] == 0
  }

  /// Whether `bytes` start with a little-endian ELF identification of either class.
  static func isLittleEndianELF(_ bytes: UnsafeRawBufferPointer) -> Bool {
    bytes.count >= 6 && bytes[0] == 0x7F && bytes[1] == 0x45 && bytes[2] == 0x4C && bytes[3] == 0x46
      && (bytes[4] == 1 || bytes[4] == 2) && bytes[5] == 1
  }

  /// Maps and reads the core at `path` (at most `limit` bytes).
  public convenience init(path: String, limit: Int = Int.max) throws(ELFCoreError) {
    let mapped: MappedFile
    do {
      mapped = try MappedFile(path: path, limit: limit)
    } catch {
      throw .unreadable(path: path, reason: error.description)
    }
    try self.init(file: mapped)
  }

  /// Reads a core already mapped.
  public init(file mapped: MappedFile) throws(ELFCoreError) {
    file = mapped
    path = mapped.path
    reader = ByteReader(mapped.bytes)
    let path = mapped.path
    let reader = reader
    guard reader.count >= 52, Self.isCore(Array(mapped.bytes.prefix(18))) else {
      if reader.count >= 18, Self.isLittleEndianELF(mapped.bytes) {
        throw .notACore(path: path, type: UInt16(mapped.bytes[16]) | UInt16(mapped.bytes[17]) << 8)
      }
      throw .notELF(path: path)
    }
    let is64Bit = mapped.bytes[4] == 2
    self.is64Bit = is64Bit
    do {
      let machine = try reader.read(UInt16.self, at: 18, "e_machine")
      switch (machine, is64Bit) {
      case (62, true): architecture = .amd64
      case (183, true): architecture = .arm64
      case (243, true): architecture = .riscv64
      case (3, false): architecture = .x86
      case (40, false): architecture = .arm
      default: throw ELFCoreError.unsupportedMachine(path: path, machine: machine)
      }
      // ELF64's header and program headers, or ELF32's narrower ones.
      let field = ELFCoreLayout(is64Bit: is64Bit)
      let headerOffset = try field.word(reader, at: is64Bit ? 32 : 28, "e_phoff")
      let headerSize = UInt64(try reader.read(UInt16.self, at: is64Bit ? 54 : 42, "e_phentsize"))
      let headerCount = UInt64(try reader.read(UInt16.self, at: is64Bit ? 56 : 44, "e_phnum"))
      guard headerSize >= (is64Bit ? 56 : 32) else {
        throw ReadError(.implausibleCount, at: is64Bit ? 54 : 42, reading: "e_phentsize \(headerSize)")
      }
      try reader.checkArray(count: headerCount, size: headerSize, at: headerOffset, "program headers")
      var segments: [Segment] = []
      var notes: [(offset: UInt64, size: UInt64)] = []
      for index in 0..<headerCount {
        let at = headerOffset + index * headerSize
        let type = try reader.read(UInt32.self, at: at, "p_type")
        let flags = try reader.read(UInt32.self, at: at + (is64Bit ? 4 : 24), "p_flags")
        let offset = try field.word(reader, at: at + (is64Bit ? 8 : 4), "p_offset")
        let address = try field.word(reader, at: at + (is64Bit ? 16 : 8), "p_vaddr")
        let fileSize = try field.word(reader, at: at + (is64Bit ? 32 : 16), "p_filesz")
        let memorySize = try field.word(reader, at: at + (is64Bit ? 40 : 20), "p_memsz")
        switch type {
        case 1:
          // A dump cut short keeps what it holds: bytes past the file's end are absent.
          let kept = reader.contains(offset: offset, length: fileSize) ? fileSize : offset < UInt64(reader.count) ? UInt64(reader.count) - offset : 0
          let (_, overflow) = address.addingReportingOverflow(memorySize)
          guard !overflow, memorySize > 0 else { continue }
          segments.append(
            Segment(address: address, size: memorySize, fileOffset: offset, fileSize: min(kept, memorySize), isExecutable: flags & 1 != 0))
        case 4:
          try reader.check(offset: offset, length: fileSize, "PT_NOTE at 0x\(String(offset, radix: 16))")
          notes.append((offset, fileSize))
        default: continue
        }
      }
      self.segments = segments.sorted { $0.address < $1.address }
      var parsed = ELFCoreNotes(architecture: architecture, layout: field)
      for note in notes { try parsed.read(reader, offset: note.offset, size: note.size) }
      threads = parsed.threads
      mappings = parsed.mappings.sorted { $0.start < $1.start }
      processName = parsed.processName
      commandLine = parsed.commandLine
      processID = parsed.processID
      signal = parsed.signal
      auxiliaryVector = parsed.auxiliaryVector
    } catch let error as ELFCoreError {
      throw error
    } catch let error as ReadError {
      throw .damaged(path: path, error)
    } catch {
      throw .unreadable(path: path, reason: "\(error)")
    }
    file.adviseRandom()
  }

  /// `length` bytes of memory at `address`, when one segment holds them all in the file.
  public func memory(at address: UInt64, length: Int) -> UnsafeRawBufferPointer? {
    guard length >= 0, let segment = segment(containing: address) else { return nil }
    let offsetInSegment = address - segment.address
    guard offsetInSegment <= segment.fileSize, segment.fileSize - offsetInSegment >= UInt64(length) else { return nil }
    return try? reader.slice(at: segment.fileOffset + offsetInSegment, length: UInt64(length), "memory")
  }

  /// The segment whose range holds `address`.
  func segment(containing address: UInt64) -> Segment? {
    var low = 0
    var high = segments.count
    while low < high {
      let middle = (low + high) / 2
      if segments[middle].address <= address { low = middle + 1 } else { high = middle }
    }
    guard low > 0 else { return nil }
    let candidate = segments[low - 1]
    return address - candidate.address < candidate.size ? candidate : nil
  }
}
