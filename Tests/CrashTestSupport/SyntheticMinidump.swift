//===--- SyntheticMinidump.swift - Writing minidumps for tests ---------------===//
//
// Writes MDMP files from a description, with its own layouts (written from the
// DbgHelp / Breakpad structure definitions, field by field, not sharing a line
// with the reader): header, directory, SystemInfo, ThreadList with x86 or Alpha
// CONTEXT records, ModuleList (optionally with RSDS CodeView records),
// MemoryList, Exception. Tests state frames and memory; the reader and walkers
// must find them again.
//
//===----------------------------------------------------------------------===//

/// A CONTEXT record's bytes, built from register values by offset.
public struct SyntheticContext {
  /// The record.
  public private(set) var bytes: [UInt8]

  /// A record given byte for byte (a damaged or foreign one).
  public init(raw: [UInt8]) { bytes = raw }

  init(bytes: [UInt8]) { self.bytes = bytes }

  /// An x86 CONTEXT (0x2CC bytes, CONTEXT_i386 | CONTROL | INTEGER | SEGMENTS | FLOATING_POINT
  /// | DEBUG_REGISTERS | EXTENDED_REGISTERS) with the given registers.
  /// With `extended: false`, the 0xCC-byte NT 4.0 layout without ExtendedRegisters.
  public static func x86(
    eip: UInt32, esp: UInt32, ebp: UInt32, eax: UInt32 = 0, ebx: UInt32 = 0, ecx: UInt32 = 0, edx: UInt32 = 0,
    esi: UInt32 = 0, edi: UInt32 = 0, eflags: UInt32 = 0x246, extended: Bool = true
  ) -> SyntheticContext {
    var context = SyntheticContext(bytes: [UInt8](repeating: 0, count: extended ? 0x2CC : 0xCC))
    context.put32(extended ? 0x0001_003F : 0x0001_001F, at: 0x00)  // ContextFlags
    context.put32(0x3B, at: 0x90)  // SegFs
    context.put32(0x23, at: 0x94)  // SegEs
    context.put32(0x23, at: 0x98)  // SegDs
    context.put32(edi, at: 0x9C)
    context.put32(esi, at: 0xA0)
    context.put32(ebx, at: 0xA4)
    context.put32(edx, at: 0xA8)
    context.put32(ecx, at: 0xAC)
    context.put32(eax, at: 0xB0)
    context.put32(ebp, at: 0xB4)
    context.put32(eip, at: 0xB8)
    context.put32(0x1B, at: 0xBC)  // SegCs
    context.put32(eflags, at: 0xC0)
    context.put32(esp, at: 0xC4)
    context.put32(0x23, at: 0xC8)  // SegSs
    return context
  }

  /// An Alpha CONTEXT (0x230 bytes, quad form, CONTEXT_FULL for Alpha); `integer` maps
  /// register offsets (IntV0 0x100 … IntZero 0x1F8) to values.
  public static func alpha(fir: UInt64, sp: UInt64, ra: UInt64, integer: [Int: UInt64] = [:], psr: UInt32 = 0)
    -> SyntheticContext
  {
    var context = SyntheticContext(bytes: [UInt8](repeating: 0, count: 0x230))
    for (offset, value) in integer { context.put64(value, at: offset) }
    context.put64(ra, at: 0x1D0)  // IntRa
    context.put64(sp, at: 0x1F0)  // IntSp
    context.put64(fir, at: 0x210)  // Fir
    context.put32(psr, at: 0x218)  // Psr
    context.put32(0x0002_0007, at: 0x21C)  // ContextFlags: CONTEXT_ALPHA | CONTROL | FLOATING_POINT | INTEGER
    return context
  }

  /// An x64 CONTEXT (0x4D0 bytes, CONTEXT_AMD64 | CONTROL | INTEGER | SEGMENTS | FLOATING_POINT)
  /// with rip, rsp, rbp and `others` (winnt.h offsets: Rax 0x78 … R15 0xF0) set.
  public static func amd64(rip: UInt64, rsp: UInt64, rbp: UInt64, others: [Int: UInt64] = [:]) -> SyntheticContext {
    var context = SyntheticContext(bytes: [UInt8](repeating: 0, count: 0x4D0))
    context.put32(0x0010_000F, at: 0x30)  // ContextFlags
    context.put32(0x1F80, at: 0x34)  // MxCsr
    context.bytes[0x38] = 0x33  // SegCs
    context.bytes[0x42] = 0x2B  // SegSs
    context.put32(0x246, at: 0x44)  // EFlags
    for (offset, value) in others { context.put64(value, at: offset) }
    context.put64(rsp, at: 0x98)
    context.put64(rbp, at: 0xA0)
    context.put64(rip, at: 0xF8)
    return context
  }

  /// An ARM64 CONTEXT (0x390 bytes, CONTEXT_ARM64 | CONTROL | INTEGER | FLOATING_POINT, the
  /// Windows and Crashpad layout) with pc, sp, fp, lr and `general` (x0 … x28 by number) set.
  /// With `oldLayout`, Breakpad's older MDRawContextARM64_Old (0x31C bytes, 64-bit flags
  /// 0x80000007, cpsr after pc).
  public static func arm64(
    pc: UInt64, sp: UInt64, fp: UInt64, lr: UInt64, general: [Int: UInt64] = [:], cpsr: UInt32 = 0x6000_0000,
    oldLayout: Bool = false
  ) -> SyntheticContext {
    var context = SyntheticContext(bytes: [UInt8](repeating: 0, count: oldLayout ? 0x31C : 0x390))
    if oldLayout {
      context.put64(0x8000_0007, at: 0x00)  // ContextFlags
      context.put32(cpsr, at: 0x110)
    } else {
      context.put32(0x0040_0007, at: 0x00)  // ContextFlags
      context.put32(cpsr, at: 0x04)
    }
    for (number, value) in general { context.put64(value, at: 0x08 + 8 * number) }
    context.put64(fp, at: 0xF0)  // X29
    context.put64(lr, at: 0xF8)  // X30
    context.put64(sp, at: 0x100)
    context.put64(pc, at: 0x108)
    return context
  }

  /// A 32-bit ARM context with pc, sp, lr and `general` (r0 … r12 by number) set: Breakpad's
  /// MDRawContextARM (0x170 bytes, MD_CONTEXT_ARM_FULL), or with `windowsLayout` the Windows
  /// CONTEXT for ARM (0x1A0 bytes, CONTEXT_ARM | CONTROL | INTEGER | FLOATING_POINT).
  public static func arm(
    pc: UInt32, sp: UInt32, lr: UInt32, general: [Int: UInt32] = [:], cpsr: UInt32 = 0x6000_0030,
    windowsLayout: Bool = false
  ) -> SyntheticContext {
    var context = SyntheticContext(bytes: [UInt8](repeating: 0, count: windowsLayout ? 0x1A0 : 0x170))
    context.put32(windowsLayout ? 0x0020_0007 : 0x4000_0006, at: 0x00)  // ContextFlags
    for (number, value) in general where number <= 12 { context.put32(value, at: 0x04 + 4 * number) }
    context.put32(sp, at: 0x38)
    context.put32(lr, at: 0x3C)
    context.put32(pc, at: 0x40)
    context.put32(cpsr, at: 0x44)
    return context
  }

  /// A RISC-V 64 context (Breakpad's and Crashpad's MDRawContextRISCV64, 0x210 bytes,
  /// MD_CONTEXT_RISCV64_FULL) with pc, sp, ra, s0 and `general` (x1 … x31 by number) set.
  public static func riscv64(pc: UInt64, sp: UInt64, ra: UInt64, s0: UInt64, general: [Int: UInt64] = [:])
    -> SyntheticContext
  {
    var context = SyntheticContext(bytes: [UInt8](repeating: 0, count: 0x210))
    context.put32(0x0800_0003, at: 0x00)  // context_flags
    for (number, value) in general where (1...31).contains(number) { context.put64(value, at: 0x08 + 8 * number) }
    context.put64(pc, at: 0x08)
    context.put64(ra, at: 0x10)
    context.put64(sp, at: 0x18)
    context.put64(s0, at: 0x48)
    return context
  }

  mutating func put32(_ value: UInt32, at offset: Int) {
    for index in 0..<4 { bytes[offset + index] = UInt8(truncatingIfNeeded: value >> UInt32(index * 8)) }
  }

  mutating func put64(_ value: UInt64, at offset: Int) {
    for index in 0..<8 { bytes[offset + index] = UInt8(truncatingIfNeeded: value >> UInt64(index * 8)) }
  }
}

/// A module for the module list.
public struct SyntheticModule {
  /// Load address.
  public var base: UInt64
  /// Image size.
  public var size: UInt32
  /// File name or path.
  public var name: String
  /// PE TimeDateStamp.
  public var timestamp: UInt32 = 0
  /// PE checksum.
  public var checksum: UInt32 = 0
  /// File version (four parts), or nil for no version resource.
  public var version: (UInt16, UInt16, UInt16, UInt16)?
  /// An RSDS CodeView record: PDB name, GUID bytes (16, as stored), age.
  public var codeView: (pdb: String, guid: [UInt8], age: UInt32)?
  /// A Breakpad ELF CodeView record ('BpEL' and the build id), when no RSDS one is given.
  public var elfBuildID: [UInt8]?

  /// A module.
  public init(base: UInt64, size: UInt32, name: String) {
    self.base = base
    self.size = size
    self.name = name
  }
}

/// A thread: id, context and stack.
public struct SyntheticThread {
  /// Thread id.
  public var id: UInt32
  /// Its CONTEXT record.
  public var context: SyntheticContext
  /// Stack memory start.
  public var stackBase: UInt64
  /// Stack bytes.
  public var stack: [UInt8]

  /// A thread.
  public init(id: UInt32, context: SyntheticContext, stackBase: UInt64, stack: [UInt8]) {
    self.id = id
    self.context = context
    self.stackBase = stackBase
    self.stack = stack
  }
}

/// A minidump to write.
public struct SyntheticMinidump {
  /// ProcessorArchitecture: 0 x86, 2 Alpha, 5 arm, 9 amd64, 12 arm64, 0x8006 riscv64.
  public var processorArchitecture: UInt16 = 0
  /// PlatformId: 2 Windows NT, 0x8201 Linux.
  public var platformID: UInt32 = 2
  /// ProcessorLevel and ProcessorRevision.
  public var processorLevel: UInt16 = 6
  /// ProcessorRevision (model << 8 | stepping on x86).
  public var processorRevision: UInt16 = 0x0502
  /// NumberOfProcessors.
  public var processorCount: UInt8 = 1
  /// OS major, minor, build.
  public var osVersion: (UInt32, UInt32, UInt32) = (4, 0, 1381)
  /// The CSD version string.
  public var servicePack: String? = "Service Pack 6"
  /// Header timestamp.
  public var timestamp: UInt32 = 0
  /// Threads.
  public var threads: [SyntheticThread] = []
  /// Modules.
  public var modules: [SyntheticModule] = []
  /// Exception: thread, code, address, parameters, and the context to record with it.
  public var exception: (threadID: UInt32, code: UInt32, address: UInt64, parameters: [UInt64], context: SyntheticContext)?
  /// The exception's `ExceptionFlags` (a signal's `si_code` on Linux, a Mach code on macOS).
  public var exceptionFlags: UInt32 = 0
  /// Memory outside thread stacks.
  public var extraMemory: [(base: UInt64, bytes: [UInt8])] = []
  /// Write memory as a Memory64List (full-memory dumps) instead of a MemoryList.
  public var usesMemory64List = false

  /// Thread names (a ThreadNamesStream, type 24), when any.
  public var threadNames: [(id: UInt32, name: String)] = []

  /// Unloaded modules (an UnloadedModuleListStream, type 14), when any.
  public var unloadedModules: [SyntheticModule] = []
  /// Write each distinct string once and point every name that repeats it at that one
  /// copy, as a hostile dump may (default: one copy per name, as Windows writes them).
  public var sharesStrings = false
  /// Pad the thread, module and memory lists' counts to 8 bytes (4 bytes of zeros the
  /// streams' sizes count), as Breakpad's writer on macOS and other 64-bit ABIs does.
  public var padsListCounts = false

  /// Crashpad's info stream (MD_CRASHPAD_INFO_STREAM), when set.
  public var crashpad: SyntheticCrashpadInfo?
  /// Further streams written as given: type and bytes (Breakpad's Linux text streams).
  public var rawStreams: [(type: UInt32, bytes: [UInt8])] = []

  /// An empty x86 dump description.
  public init() {}

  /// The file's bytes.
  public func bytes() -> [UInt8] {
    var out = FileBuilder()
    var streams: [(type: UInt32, size: UInt32, rva: UInt32)] = []
    let streamCount = 4 + (exception == nil ? 0 : 1) + (threadNames.isEmpty ? 0 : 1) + (unloadedModules.isEmpty ? 0 : 1)
      + (crashpad == nil ? 0 : 1) + rawStreams.count
    // Header (32 bytes) and directory; streams follow.
    out.u32(0x504D_444D)
    out.u32(0x0000_A793)
    out.u32(UInt32(streamCount))
    out.u32(32)
    out.u32(0)
    out.u32(timestamp)
    out.u64(0)
    let directory = out.count
    out.zero(streamCount * 12)

    // Strings and records that streams point at come first, then the streams.
    var written: [String: UInt32] = [:]
    func string(_ text: String) -> UInt32 {
      guard sharesStrings else { return out.minidumpString(text) }
      if let rva = written[text] { return rva }
      let rva = out.minidumpString(text)
      written[text] = rva
      return rva
    }
    let servicePackRVA = servicePack.map { string($0) } ?? 0
    let nameRVAs = modules.map { string($0.name) }
    let threadNameRVAs = threadNames.map { string($0.name) }
    let unloadedNameRVAs = unloadedModules.map { string($0.name) }
    var codeViewLocations: [(UInt32, UInt32)] = []
    for module in modules {
      if module.codeView == nil, let buildID = module.elfBuildID {
        out.align()
        let start = out.count
        out.u32(0x4270_454C)  // 'BpEL'
        out.raw(buildID)
        codeViewLocations.append((UInt32(out.count - start), UInt32(start)))
        continue
      }
      guard let record = module.codeView else {
        codeViewLocations.append((0, 0))
        continue
      }
      out.align()
      let start = out.count
      out.u32(0x5344_5352)  // 'RSDS'
      out.raw(record.guid)
      out.u32(record.age)
      out.raw(Array(record.pdb.utf8) + [0])
      codeViewLocations.append((UInt32(out.count - start), UInt32(start)))
    }
    var contextLocations: [(UInt32, UInt32)] = []
    var stackRVAs: [UInt32] = []
    for thread in threads {
      out.align()
      contextLocations.append((UInt32(thread.context.bytes.count), UInt32(out.count)))
      out.raw(thread.context.bytes)
      out.align()
      stackRVAs.append(UInt32(out.count))
      out.raw(thread.stack)
    }
    var extraRVAs: [UInt32] = []
    for region in extraMemory {
      out.align()
      extraRVAs.append(UInt32(out.count))
      out.raw(region.bytes)
    }
    var exceptionContext: (UInt32, UInt32) = (0, 0)
    if let exception {
      out.align()
      exceptionContext = (UInt32(exception.context.bytes.count), UInt32(out.count))
      out.raw(exception.context.bytes)
    }

    // SystemInfo (56 bytes).
    out.align()
    var start = out.count
    out.u16(processorArchitecture)
    out.u16(processorLevel)
    out.u16(processorRevision)
    out.u8(processorCount)
    out.u8(1)  // ProductType: workstation
    out.u32(osVersion.0)
    out.u32(osVersion.1)
    out.u32(osVersion.2)
    out.u32(platformID)
    out.u32(servicePackRVA)
    out.u16(0)  // SuiteMask
    out.u16(0)
    if processorArchitecture == 0 {
      for word in [0x756E_6547, 0x4965_6E69, 0x6C65_746E] as [UInt32] { out.u32(word) }  // "GenuineIntel"
      out.zero(12)
    } else {
      out.zero(24)
    }
    streams.append((7, UInt32(out.count - start), UInt32(start)))

    // ThreadList.
    out.align()
    start = out.count
    out.u32(UInt32(threads.count))
    if padsListCounts { out.u32(0) }
    for (index, thread) in threads.enumerated() {
      out.u32(thread.id)
      out.u32(0)  // SuspendCount
      out.u32(0)  // PriorityClass
      out.u32(0)  // Priority
      out.u64(0)  // Teb
      out.u64(thread.stackBase)
      out.u32(UInt32(thread.stack.count))
      out.u32(stackRVAs[index])
      out.u32(contextLocations[index].0)
      out.u32(contextLocations[index].1)
    }
    streams.append((3, UInt32(out.count - start), UInt32(start)))

    // ThreadNames: a count, then (ThreadId, RvaOfThreadName as 64 bits) packed in 12 bytes.
    if !threadNames.isEmpty {
      out.align()
      start = out.count
      out.u32(UInt32(threadNames.count))
      for (index, entry) in threadNames.enumerated() {
        out.u32(entry.id)
        out.u64(UInt64(threadNameRVAs[index]))
      }
      streams.append((24, UInt32(out.count - start), UInt32(start)))
    }

    // UnloadedModuleList: SizeOfHeader, SizeOfEntry, NumberOfEntries, then 24-byte entries.
    if !unloadedModules.isEmpty {
      out.align()
      start = out.count
      out.u32(12)
      out.u32(24)
      out.u32(UInt32(unloadedModules.count))
      for (index, module) in unloadedModules.enumerated() {
        out.u64(module.base)
        out.u32(module.size)
        out.u32(module.checksum)
        out.u32(module.timestamp)
        out.u32(unloadedNameRVAs[index])
      }
      streams.append((14, UInt32(out.count - start), UInt32(start)))
    }

    // ModuleList (108 bytes per module).
    out.align()
    start = out.count
    out.u32(UInt32(modules.count))
    if padsListCounts { out.u32(0) }
    for (index, module) in modules.enumerated() {
      out.u64(module.base)
      out.u32(module.size)
      out.u32(module.checksum)
      out.u32(module.timestamp)
      out.u32(nameRVAs[index])
      // VS_FIXEDFILEINFO (52 bytes).
      if let version = module.version {
        out.u32(0xFEEF_04BD)
        out.u32(0x0001_0000)
        out.u32(UInt32(version.0) << 16 | UInt32(version.1))
        out.u32(UInt32(version.2) << 16 | UInt32(version.3))
        out.u32(UInt32(version.0) << 16 | UInt32(version.1))
        out.u32(UInt32(version.2) << 16 | UInt32(version.3))
        out.zero(28)
      } else {
        out.zero(52)
      }
      out.u32(codeViewLocations[index].0)
      out.u32(codeViewLocations[index].1)
      out.u32(0)  // MiscRecord
      out.u32(0)
      out.zero(16)  // Reserved0, Reserved1
    }
    streams.append((4, UInt32(out.count - start), UInt32(start)))

    // MemoryList: thread stacks, then extra regions. Or a Memory64List: a count, the RVA where
    // the bytes start, then (start, size) pairs whose bytes follow one another from that RVA.
    if usesMemory64List {
      var regions = threads.map { ($0.stackBase, $0.stack) } + extraMemory.map { ($0.base, $0.bytes) }
      regions.sort { $0.0 < $1.0 }
      out.align()
      start = out.count
      out.u64(UInt64(regions.count))
      let rvaField = out.count
      out.u64(0)
      for region in regions {
        out.u64(region.0)
        out.u64(UInt64(region.1.count))
      }
      streams.append((9, UInt32(out.count - start), UInt32(start)))
      let dataStart = out.count
      for region in regions { out.raw(region.1) }
      for index in 0..<8 { out.bytes[rvaField + index] = UInt8(truncatingIfNeeded: UInt64(dataStart) >> UInt64(index * 8)) }
    } else {
      out.align()
      start = out.count
      out.u32(UInt32(threads.count + extraMemory.count))
      if padsListCounts { out.u32(0) }
      for (index, thread) in threads.enumerated() {
        out.u64(thread.stackBase)
        out.u32(UInt32(thread.stack.count))
        out.u32(stackRVAs[index])
      }
      for (index, region) in extraMemory.enumerated() {
        out.u64(region.base)
        out.u32(UInt32(region.bytes.count))
        out.u32(extraRVAs[index])
      }
      streams.append((5, UInt32(out.count - start), UInt32(start)))
    }

    // Exception (168 bytes).
    if let exception {
      out.align()
      start = out.count
      out.u32(exception.threadID)
      out.u32(0)
      out.u32(exception.code)
      out.u32(exceptionFlags)
      out.u64(0)  // ExceptionRecord
      out.u64(exception.address)
      out.u32(UInt32(min(exception.parameters.count, 15)))
      out.u32(0)
      for index in 0..<15 { out.u64(index < exception.parameters.count ? exception.parameters[index] : 0) }
      out.u32(exceptionContext.0)
      out.u32(exceptionContext.1)
      streams.append((6, UInt32(out.count - start), UInt32(start)))
    }

    if let crashpad { streams.append(crashpad.write(into: &out)) }
    for stream in rawStreams {
      out.align()
      streams.append((stream.type, UInt32(stream.bytes.count), UInt32(out.count)))
      out.raw(stream.bytes)
    }

    for (index, stream) in streams.enumerated() {
      out.put32(stream.type, at: directory + index * 12)
      out.put32(stream.size, at: directory + index * 12 + 4)
      out.put32(stream.rva, at: directory + index * 12 + 8)
    }
    return out.bytes
  }
}

/// Crashpad's MinidumpCrashpadInfo and what it points at, laid out as Crashpad's
/// minidump_extensions.h declares them (version 1, with `reserved` and `address_mask`).
public struct SyntheticCrashpadInfo {
  /// One module's record: its index in the module list and its three kinds of annotation.
  public struct Module {
    public var index: UInt32
    public var list: [String] = []
    public var simple: [(String, String)] = []
    /// Annotation objects: name, type (1 a string) and value bytes.
    public var objects: [(name: String, type: UInt16, value: [UInt8])] = []
    /// Write the 20-byte record of Crashpad before annotation objects existed.
    public var withoutObjects = false

    /// Creates a module record.
    public init(index: UInt32) { self.index = index }
  }

  public var reportID: [UInt8] = []
  public var clientID: [UInt8] = []
  public var annotations: [(String, String)] = []
  public var modules: [Module] = []
  public var addressMask: UInt64 = 0

  /// An empty stream.
  public init() {}

  /// Writes the stream's parts, then the stream; returns its directory entry.
  func write(into out: inout FileBuilder) -> (type: UInt32, size: UInt32, rva: UInt32) {
    func utf8(_ text: String) -> UInt32 {
      out.align()
      let rva = UInt32(out.count)
      out.u32(UInt32(text.utf8.count))
      out.raw(Array(text.utf8) + [0])
      return rva
    }
    func dictionary(_ pairs: [(String, String)]) -> (UInt32, UInt32) {
      guard !pairs.isEmpty else { return (0, 0) }
      let rvas = pairs.map { (utf8($0.0), utf8($0.1)) }
      out.align()
      let start = out.count
      out.u32(UInt32(pairs.count))
      for (key, value) in rvas {
        out.u32(key)
        out.u32(value)
      }
      return (UInt32(out.count - start), UInt32(start))
    }
    let process = dictionary(annotations)
    var links: [(UInt32, UInt32, UInt32)] = []
    for module in modules {
      var list: (UInt32, UInt32) = (0, 0)
      if !module.list.isEmpty {
        let rvas = module.list.map(utf8)
        out.align()
        let start = out.count
        out.u32(UInt32(rvas.count))
        for rva in rvas { out.u32(rva) }
        list = (UInt32(out.count - start), UInt32(start))
      }
      let simple = dictionary(module.simple)
      var objects: (UInt32, UInt32) = (0, 0)
      if !module.objects.isEmpty {
        let parts = module.objects.map { object -> (UInt32, UInt16, UInt32) in
          let name = utf8(object.name)
          out.align()
          let value = UInt32(out.count)
          out.u32(UInt32(object.value.count))
          out.raw(object.value)
          return (name, object.type, value)
        }
        out.align()
        let start = out.count
        out.u32(UInt32(parts.count))
        for part in parts {
          out.u32(part.0)
          out.u16(part.1)
          out.u16(0)
          out.u32(part.2)
        }
        objects = (UInt32(out.count - start), UInt32(start))
      }
      out.align()
      let start = out.count
      out.u32(1)
      out.u32(list.0)
      out.u32(list.1)
      out.u32(simple.0)
      out.u32(simple.1)
      if !module.withoutObjects {
        out.u32(objects.0)
        out.u32(objects.1)
      }
      links.append((module.index, UInt32(out.count - start), UInt32(start)))
    }
    var moduleList: (UInt32, UInt32) = (0, 0)
    if !links.isEmpty {
      out.align()
      let start = out.count
      out.u32(UInt32(links.count))
      for link in links {
        out.u32(link.0)
        out.u32(link.1)
        out.u32(link.2)
      }
      moduleList = (UInt32(out.count - start), UInt32(start))
    }
    out.align()
    let start = out.count
    out.u32(1)
    out.raw(reportID.count == 16 ? reportID : [UInt8](repeating: 0, count: 16))
    out.raw(clientID.count == 16 ? clientID : [UInt8](repeating: 0, count: 16))
    out.u32(process.0)
    out.u32(process.1)
    out.u32(moduleList.0)
    out.u32(moduleList.1)
    out.u32(0)
    out.u64(addressMask)
    return (0x4350_0001, UInt32(out.count - start), UInt32(start))
  }
}

/// Little-endian bytes, appended.
struct FileBuilder {
  var bytes: [UInt8] = []
  var count: Int { bytes.count }

  mutating func u8(_ value: UInt8) { bytes.append(value) }
  mutating func u16(_ value: UInt16) { for index in 0..<2 { bytes.append(UInt8(truncatingIfNeeded: value >> UInt16(index * 8))) } }
  mutating func u32(_ value: UInt32) { for index in 0..<4 { bytes.append(UInt8(truncatingIfNeeded: value >> UInt32(index * 8))) } }
  mutating func u64(_ value: UInt64) { for index in 0..<8 { bytes.append(UInt8(truncatingIfNeeded: value >> UInt64(index * 8))) } }
  mutating func raw(_ data: [UInt8]) { bytes += data }
  mutating func zero(_ count: Int) { bytes += [UInt8](repeating: 0, count: count) }
  mutating func align() { while bytes.count % 4 != 0 { bytes.append(0) } }

  mutating func put32(_ value: UInt32, at offset: Int) {
    for index in 0..<4 { bytes[offset + index] = UInt8(truncatingIfNeeded: value >> UInt32(index * 8)) }
  }

  /// A MINIDUMP_STRING (byte length, UTF-16LE, terminating NUL); returns its RVA.
  mutating func minidumpString(_ text: String) -> UInt32 {
    align()
    let rva = UInt32(count)
    let units = Array(text.utf16)
    u32(UInt32(units.count * 2))
    for unit in units { u16(unit) }
    u16(0)
    return rva
  }
}

extension SyntheticMinidump {
  /// A Linux amd64 dump of `module` with one thread (id 1, crashed) standing at `rip`, an
  /// empty stack below it.
  public static func linuxAmd64(module: SyntheticModule, rip: UInt64) -> SyntheticMinidump {
    var dump = SyntheticMinidump()
    dump.processorArchitecture = 9
    dump.platformID = 0x8201
    dump.osVersion = (0, 0, 0)
    dump.modules = [module]
    let stackBase: UInt64 = 0x7ffd_0000_0000
    let context = SyntheticContext.amd64(rip: rip, rsp: stackBase, rbp: 0)
    dump.threads = [SyntheticThread(id: 1, context: context, stackBase: stackBase, stack: [UInt8](repeating: 0, count: 64))]
    dump.exception = (threadID: 1, code: 11, address: 0, parameters: [], context: context)
    return dump
  }
}

extension SyntheticModule {
  /// Bytes of a build id written in hex (`c6237e31…`).
  public static func bytes(hex: String) -> [UInt8] {
    let digits = Array(hex.utf8)
    return stride(from: 0, to: digits.count - 1, by: 2).compactMap {
      UInt8(String(decoding: digits[$0...$0 + 1], as: UTF8.self), radix: 16)
    }
  }
}
