//===--- MinidumpFile.swift - A Windows minidump (MDMP), read defensively ---===//
//
// The file is mapped, never copied. The header and stream directory are read
// first; then each known stream. Every count, RVA and size comes from a file
// written by a crashing process or a stranger, so each is checked before any
// read or allocation (ByteReader). A damaged stream becomes a diagnostic naming
// its offset, and the other streams still load; a directory cut short keeps
// the entries that fit; only a file that is not a minidump at all (bad
// signature, no room for the header) is refused.
//
// Strings (module, unloaded-module and thread names) are read once per RVA:
// a hostile dump pointing 100,000 names at one 64 KiB MINIDUMP_STRING costs
// one decode, not 100,000. Each name is capped (TextLimits), and the names of
// one dump together are held to a byte budget; past it, names are replaced
// by a placeholder and a diagnostic says so. Every loop over records checks
// the deadline, so `--time-limit` holds while the dump is being read.
//
//===----------------------------------------------------------------------===//

import ByteReading
import CrashCore

#if canImport(Glibc)
  import Glibc
#elseif canImport(Musl)
  import Musl
#endif

/// Why a file could not be read as a minidump at all.
public enum MinidumpError: Error, Sendable, Equatable, CustomStringConvertible {
  /// The file could not be opened or mapped.
  case cannotRead(MappedFileError)
  /// The file does not start with `MDMP` and a known version.
  case notAMinidump(path: String, signature: UInt32)
  /// The header or directory is cut or points outside the file.
  case damagedHeader(path: String, ReadError)

  /// One sentence naming the file.
  public var description: String {
    switch self {
    case .cannotRead(let error): error.description
    case .notAMinidump(let path, let signature):
      "\(path): not a minidump (signature 0x\(String(signature, radix: 16)), expected 0x504d444d \"MDMP\")"
    case .damagedHeader(let path, let error): "\(path): damaged minidump header: \(error)"
    }
  }
}

/// Limits for reading a dump.
public struct MinidumpOptions: Sendable {
  /// Larger files are refused (default 4 GiB).
  public var maximumFileSize = 4 << 30
  /// At most this many directory entries, threads, modules or memory ranges are read.
  public var maximumRecords = 100_000
  /// Bytes of names (UTF-8, after capping) one dump may hand out in all; past it, names
  /// are replaced by a placeholder. Bounds what a small dump can make a report hold.
  public var maximumNameBytes = 8 << 20
  /// Monotonic time (seconds, `CLOCK_MONOTONIC`) past which reading stops with a
  /// diagnostic; nil: no limit.
  public var deadline: Double?

  /// The default limits.
  public init() {}
}

/// A minidump, mapped and parsed.
public final class MinidumpFile: @unchecked Sendable {
  // Sendable: immutable after init; the mapping is read-only.

  /// The path.
  public let path: String
  /// The file's size in bytes.
  public var byteCount: Int { file.bytes.count }
  /// `TimeDateStamp` of the header (seconds since 1970).
  public let timestamp: UInt32
  /// The header's flags (MINIDUMP_TYPE).
  public let flags: UInt64
  /// The stream directory, in file order.
  public let directory: [MinidumpDirectoryEntry]
  /// The system information, when present and readable.
  public private(set) var systemInfo: MinidumpSystemInfo?
  /// Threads.
  public private(set) var threads: [MinidumpThread] = []
  /// Loaded modules.
  public private(set) var modules: [MinidumpModule] = []
  /// Unloaded modules.
  public private(set) var unloadedModules: [MinidumpUnloadedModule] = []
  /// Memory ranges from MemoryList and Memory64List.
  public private(set) var memoryRanges: [MinidumpMemoryRange] = []
  /// The exception, when present.
  public private(set) var exception: MinidumpException?
  /// MiscInfo, when present.
  public private(set) var miscInfo: MinidumpMiscInfo?
  /// Breakpad's info stream, when present.
  public private(set) var breakpadInfo: MinidumpBreakpadInfo?
  /// Crashpad's stream (its report's id and the annotations), when present.
  public private(set) var crashpadInfo: CrashpadInfo?
  /// The distribution a Linux dump names (`/etc/lsb-release`'s `DISTRIB_DESCRIPTION`, or
  /// os-release's `PRETTY_NAME`), when present.
  public private(set) var linuxDistribution: String?
  /// The process's arguments (`/proc/PID/cmdline`) of a Linux dump, when present.
  public private(set) var commandLine: [String]?
  /// `/proc/PID/maps` of a Linux dump, when present.
  public private(set) var linuxMaps: String?
  /// Streams of types this reader does not decode: type and size.
  public private(set) var unknownStreams: [(type: MinidumpStreamType, size: UInt32)] = []
  /// Damaged streams and records, with offsets.
  public private(set) var diagnostics: [Diagnostic] = []

  private let file: MappedFile
  let reader: ByteReader
  private let options: MinidumpOptions
  /// Strings already decoded, by RVA (or a read error for that RVA).
  private var strings: [UInt64: Result<String, ReadError>] = [:]
  /// Name bytes handed out so far (see `MinidumpOptions.maximumNameBytes`).
  private var nameBytes = 0
  private var reportedNameBudget = false
  /// One shared placeholder for every name past the budget.
  private lazy var nameBudgetPlaceholder = "<name not read: the dump's names exceed \(options.maximumNameBytes) bytes>"
  /// Set once the deadline passed: the remaining records and streams are not read.
  public private(set) var stoppedByDeadline = false

  /// Maps and parses the minidump at `path`.
  public convenience init(path: String, options: MinidumpOptions = MinidumpOptions()) throws(MinidumpError) {
    let mapped: MappedFile
    do {
      mapped = try MappedFile(path: path, limit: options.maximumFileSize)
    } catch {
      throw .cannotRead(error)
    }
    try self.init(file: mapped, options: options)
  }

  /// Parses a minidump already in memory (or mapped).
  public init(file mapped: MappedFile, options: MinidumpOptions = MinidumpOptions()) throws(MinidumpError) {
    file = mapped
    let path = mapped.path
    var cutDirectory: Diagnostic?
    self.path = path
    self.options = options
    // Walks read a few pages of each stack: keep the rest of the dump out of memory.
    file.adviseRandom()
    reader = ByteReader(file.bytes)
    let signature: UInt32
    do {
      signature = try reader.read(UInt32.self, at: 0, "the header signature")
    } catch {
      throw .notAMinidump(path: path, signature: 0)
    }
    guard signature == 0x504D_444D else { throw .notAMinidump(path: path, signature: signature) }
    do throws(ReadError) {
      let version = try reader.read(UInt32.self, at: 4, "the header version")
      guard version & 0xFFFF == 0xA793 else {
        throw ReadError(.invalidValue, at: 4, reading: "the header version (0x\(String(version, radix: 16)))")
      }
      let count = try reader.read(UInt32.self, at: 8, "the stream count")
      let directoryRVA = try reader.read(UInt32.self, at: 12, "the stream directory offset")
      timestamp = try reader.read(UInt32.self, at: 20, "the header timestamp")
      flags = try reader.read(UInt64.self, at: 24, "the header flags")
      guard count <= options.maximumRecords else {
        throw ReadError(.implausibleCount, at: 8, reading: "the stream count (\(count))")
      }
      // A cut file keeps the entries that fit: the streams they name may still be whole.
      let fileSize = UInt64(mapped.bytes.count)
      let room = UInt64(directoryRVA) < fileSize ? (fileSize - UInt64(directoryRVA)) / 12 : 0
      let present = min(UInt64(count), room)
      if present < UInt64(count) {
        cutDirectory = Diagnostic(
          .error,
          "the stream directory is cut: \(present) of its \(count) entries are in the file, which ends at offset \(fileSize)",
          offset: Int(clamping: UInt64(directoryRVA) + present * 12))
      }
      var entries: [MinidumpDirectoryEntry] = []
      entries.reserveCapacity(Int(present))
      for index in 0..<present {
        let offset = UInt64(directoryRVA) + index * 12
        entries.append(
          MinidumpDirectoryEntry(
            type: MinidumpStreamType(rawValue: try reader.read(UInt32.self, at: offset, "directory entry \(index)")),
            location: MinidumpLocation(
              size: try reader.read(UInt32.self, at: offset + 4, "directory entry \(index)"),
              rva: try reader.read(UInt32.self, at: offset + 8, "directory entry \(index)"))))
      }
      directory = entries
    } catch {
      throw .damagedHeader(path: path, error)
    }
    if let cutDirectory { diagnostics.append(cutDirectory) }
    readStreams()
  }

  // MARK: - Streams

  private func readStreams() {
    var seen = Set<UInt32>()
    var crashpadEntry: MinidumpDirectoryEntry?
    for entry in directory where entry.type != .unused {
      if pastDeadline("the stream directory") { break }
      if !seen.insert(entry.type.rawValue).inserted {
        note(.warning, "a second \(entry.type) stream at 0x\(String(entry.location.rva, radix: 16)) is ignored")
        continue
      }
      do throws(ReadError) {
        switch entry.type {
        case .systemInfo: systemInfo = try readSystemInfo(entry.location)
        case .threadList: threads = try readThreads(entry.location)
        case .moduleList: modules = try readModules(entry.location)
        case .memoryList: memoryRanges += try readMemoryList(entry.location)
        case .memory64List: memoryRanges += try readMemory64List(entry.location)
        case .exception: exception = try readException(entry.location)
        case .miscInfo: miscInfo = try readMiscInfo(entry.location)
        case .unloadedModuleList: unloadedModules = try readUnloadedModules(entry.location)
        case .threadNames: try readThreadNames(entry.location)
        case .breakpadInfo: breakpadInfo = try readBreakpadInfo(entry.location)
        case .crashpadInfo:
          // Its module records name modules by their index in the module list: read after it.
          crashpadEntry = entry
        case .linuxLSBRelease:
          let bytes = try reader.slice(
            at: UInt64(entry.location.rva), length: UInt64(min(entry.location.size, 64 << 10)), "the LSB release stream")
          linuxDistribution = LinuxReleaseText.distribution(String(decoding: bytes, as: UTF8.self))
        case .linuxCommandLine:
          let bytes = try reader.slice(
            at: UInt64(entry.location.rva), length: UInt64(min(entry.location.size, 64 << 10)), "the command line stream")
          commandLine = LinuxReleaseText.arguments(bytes)
        case .linuxMaps:
          let bytes = try reader.slice(
            at: UInt64(entry.location.rva), length: UInt64(min(entry.location.size, 16 << 20)), "the Linux maps stream")
          linuxMaps = String(decoding: bytes, as: UTF8.self)
        default:
          unknownStreams.append((entry.type, entry.location.size))
        }
      } catch {
        note(.error, "\(entry.type) stream damaged: \(error)", offset: Int(error.offset))
      }
    }
    if let entry = crashpadEntry, !pastDeadline("the Crashpad info stream") {
      do throws(ReadError) {
        crashpadInfo = try readCrashpadInfo(entry.location)
      } catch {
        note(.error, "\(entry.type) stream damaged: \(error)", offset: Int(error.offset))
      }
    }
    memoryRanges.sort { $0.start < $1.start }
    checkMemoryOverlaps()
  }

  private func readSystemInfo(_ location: MinidumpLocation) throws(ReadError) -> MinidumpSystemInfo {
    let base = UInt64(location.rva)
    try reader.check(offset: base, length: 32, "the system info stream")
    var info = MinidumpSystemInfo(
      processorArchitecture: try reader.read(UInt16.self, at: base, "system info"),
      processorLevel: try reader.read(UInt16.self, at: base + 2, "system info"),
      processorRevision: try reader.read(UInt16.self, at: base + 4, "system info"),
      processorCount: try reader.read(UInt8.self, at: base + 6, "system info"),
      productType: try reader.read(UInt8.self, at: base + 7, "system info"),
      majorVersion: try reader.read(UInt32.self, at: base + 8, "system info"),
      minorVersion: try reader.read(UInt32.self, at: base + 12, "system info"),
      buildNumber: try reader.read(UInt32.self, at: base + 16, "system info"),
      platformID: try reader.read(UInt32.self, at: base + 20, "system info"),
      servicePack: nil, cpuVendor: nil)
    let servicePackRVA = try reader.read(UInt32.self, at: base + 24, "system info")
    if servicePackRVA != 0 { info.servicePack = try? readString(at: UInt64(servicePackRVA), "the service pack name") }
    if info.processorArchitecture == 0, location.size >= 44 {
      var vendor: [UInt8] = []
      for index in 0..<3 {
        let word = try reader.read(UInt32.self, at: base + 32 + UInt64(index) * 4, "the CPU vendor")
        for shift in stride(from: 0, to: 32, by: 8) { vendor.append(UInt8(truncatingIfNeeded: word >> UInt32(shift))) }
      }
      if vendor.allSatisfy({ $0 >= 0x20 && $0 < 0x7F }) { info.cpuVendor = String(decoding: vendor, as: UTF8.self) }
    }
    return info
  }

  private func readThreads(_ location: MinidumpLocation) throws(ReadError) -> [MinidumpThread] {
    let entries = try listEntries(location, entrySize: 48, "the thread list")
    var threads: [MinidumpThread] = []
    threads.reserveCapacity(entries.underestimatedCount)
    for (index, offset) in entries.enumerated() {
      if index & 255 == 0, pastDeadline("the thread list at thread \(index)") { break }
      threads.append(
        MinidumpThread(
          id: try reader.read(UInt32.self, at: offset, "thread \(index)"),
          suspendCount: try reader.read(UInt32.self, at: offset + 4, "thread \(index)"),
          priorityClass: try reader.read(UInt32.self, at: offset + 8, "thread \(index)"),
          priority: try reader.read(UInt32.self, at: offset + 12, "thread \(index)"),
          teb: try reader.read(UInt64.self, at: offset + 16, "thread \(index)"),
          stack: MinidumpMemoryRange(
            start: try reader.read(UInt64.self, at: offset + 24, "thread \(index) stack"),
            size: UInt64(try reader.read(UInt32.self, at: offset + 32, "thread \(index) stack")),
            rva: UInt64(try reader.read(UInt32.self, at: offset + 36, "thread \(index) stack"))),
          context: MinidumpLocation(
            size: try reader.read(UInt32.self, at: offset + 40, "thread \(index) context"),
            rva: try reader.read(UInt32.self, at: offset + 44, "thread \(index) context"))))
    }
    return threads
  }

  private func readModules(_ location: MinidumpLocation) throws(ReadError) -> [MinidumpModule] {
    let entries = try listEntries(location, entrySize: 108, "the module list")
    var modules: [MinidumpModule] = []
    modules.reserveCapacity(entries.underestimatedCount)
    for (index, offset) in entries.enumerated() {
      if index & 255 == 0, pastDeadline("the module list at module \(index)") { break }
      let what = "module \(index)"
      let nameRVA = try reader.read(UInt32.self, at: offset + 20, what)
      var module = MinidumpModule(
        base: try reader.read(UInt64.self, at: offset, what),
        size: try reader.read(UInt32.self, at: offset + 8, what),
        checksum: try reader.read(UInt32.self, at: offset + 12, what),
        timestamp: try reader.read(UInt32.self, at: offset + 16, what),
        name: "",
        version: MinidumpVersionInfo(
          signature: try reader.read(UInt32.self, at: offset + 24, what),
          fileVersionHigh: try reader.read(UInt32.self, at: offset + 32, what),
          fileVersionLow: try reader.read(UInt32.self, at: offset + 36, what)),
        debugFile: nil, debugIdentifier: nil)
      do {
        module.name = try readName(at: UInt64(nameRVA), "the name of module \(index)")
      } catch {
        note(.warning, "module \(index) at 0x\(String(module.base, radix: 16)): \(error)", offset: Int(error.offset))
        module.name = "<unnamed module at 0x\(String(module.base, radix: 16))>"
      }
      let codeView = MinidumpLocation(
        size: try reader.read(UInt32.self, at: offset + 76, what), rva: try reader.read(UInt32.self, at: offset + 80, what))
      if codeView.size > 0 {
        do {
          (module.debugFile, module.debugIdentifier) = try CodeViewRecord.read(reader, codeView)
          module.buildID = CodeViewRecord.elfBuildID(reader, codeView)
          module.debugFile = module.debugFile.map { budgeted($0, "the debug file of module \(index)", offset: UInt64(codeView.rva)) }
          if module.debugFile == nil, module.debugIdentifier != nil {
            module.debugFile = MinidumpModule.lastComponent(module.name)
          }
        } catch {
          note(.warning, "the CodeView record of \(module.name): \(error)", offset: Int(error.offset))
        }
      }
      modules.append(module)
    }
    return modules
  }

  private func readMemoryList(_ location: MinidumpLocation) throws(ReadError) -> [MinidumpMemoryRange] {
    var ranges: [MinidumpMemoryRange] = []
    for (index, offset) in try listEntries(location, entrySize: 16, "the memory list").enumerated() {
      if index & 255 == 0, pastDeadline("the memory list at range \(index)") { break }
      let range = MinidumpMemoryRange(
        start: try reader.read(UInt64.self, at: offset, "memory range \(index)"),
        size: UInt64(try reader.read(UInt32.self, at: offset + 8, "memory range \(index)")),
        rva: UInt64(try reader.read(UInt32.self, at: offset + 12, "memory range \(index)")))
      if accept(range, index: UInt64(index)) { ranges.append(range) }
    }
    return ranges
  }

  private func readMemory64List(_ location: MinidumpLocation) throws(ReadError) -> [MinidumpMemoryRange] {
    let base = UInt64(location.rva)
    let count = try reader.read(UInt64.self, at: base, "the memory64 range count")
    guard count <= UInt64(options.maximumRecords) else {
      throw ReadError(.implausibleCount, at: base, reading: "the memory64 list (\(count) ranges)")
    }
    var rva = try reader.read(UInt64.self, at: base + 8, "the memory64 base offset")
    try reader.checkArray(count: count, size: 16, at: base + 16, "the memory64 list (\(count) ranges)")
    var ranges: [MinidumpMemoryRange] = []
    for index in 0..<count {
      if index & 255 == 0, pastDeadline("the memory64 list at range \(index)") { break }
      let offset = base + 16 + index * 16
      let range = MinidumpMemoryRange(
        start: try reader.read(UInt64.self, at: offset, "memory64 range \(index)"),
        size: try reader.read(UInt64.self, at: offset + 8, "memory64 range \(index)"), rva: rva)
      let (next, overflow) = rva.addingReportingOverflow(range.size)
      guard !overflow else { throw ReadError(.overflow, at: offset, reading: "memory64 range \(index)") }
      rva = next
      if accept(range, index: index) { ranges.append(range) }
    }
    return ranges
  }

  /// Keeps a memory range only when its bytes are in the file and its addresses do not wrap.
  private func accept(_ range: MinidumpMemoryRange, index: UInt64) -> Bool {
    guard reader.contains(offset: range.rva, length: range.size) else {
      note(.warning, "memory range \(index) (0x\(String(range.start, radix: 16)), \(range.size) bytes) lies past the end of the file", offset: Int(clamping: range.rva))
      return false
    }
    guard range.start.addingReportingOverflow(range.size).overflow == false else {
      note(.warning, "memory range \(index) at 0x\(String(range.start, radix: 16)) wraps past the top of the address space")
      return false
    }
    return true
  }

  private func checkMemoryOverlaps() {
    // One pass into a new array (removing in place would be quadratic for many overlaps).
    guard memoryRanges.count > 1 else { return }
    var kept: [MinidumpMemoryRange] = [memoryRanges[0]]
    kept.reserveCapacity(memoryRanges.count)
    var reported = 0
    for range in memoryRanges.dropFirst() {
      let previous = kept[kept.count - 1]
      if range.start < previous.start + previous.size {
        if reported < 10 {
          note(.warning, "memory ranges at 0x\(String(previous.start, radix: 16)) and 0x\(String(range.start, radix: 16)) overlap; the first is used")
        }
        reported += 1
        continue
      }
      kept.append(range)
    }
    memoryRanges = kept
  }


  private func readException(_ location: MinidumpLocation) throws(ReadError) -> MinidumpException {
    let base = UInt64(location.rva)
    try reader.check(offset: base, length: 168, "the exception stream")
    // ThreadId, alignment, then MINIDUMP_EXCEPTION at +8: code, flags, record (u64), address (u64),
    // NumberParameters, alignment, ExceptionInformation[15] (u64) at +40; the context at +160.
    let count = try reader.read(UInt32.self, at: base + 32, "the exception parameter count")
    var parameters: [UInt64] = []
    for index in 0..<UInt64(min(count, 15)) {
      parameters.append(try reader.read(UInt64.self, at: base + 40 + index * 8, "exception parameter \(index)"))
    }
    if count > 15 { note(.warning, "the exception claims \(count) parameters; the format holds 15", offset: Int(base + 32)) }
    return MinidumpException(
      threadID: try reader.read(UInt32.self, at: base, "the exception stream"),
      code: try reader.read(UInt32.self, at: base + 8, "the exception stream"),
      flags: try reader.read(UInt32.self, at: base + 12, "the exception stream"),
      address: try reader.read(UInt64.self, at: base + 24, "the exception stream"),
      parameters: parameters,
      context: MinidumpLocation(
        size: try reader.read(UInt32.self, at: base + 160, "the exception context"),
        rva: try reader.read(UInt32.self, at: base + 164, "the exception context")))
  }

  private func readMiscInfo(_ location: MinidumpLocation) throws(ReadError) -> MinidumpMiscInfo {
    let base = UInt64(location.rva)
    try reader.check(offset: base, length: 24, "the misc info stream")
    let flags = try reader.read(UInt32.self, at: base + 4, "misc info")
    return MinidumpMiscInfo(
      flags: flags,
      processID: flags & 1 != 0 ? try reader.read(UInt32.self, at: base + 8, "misc info") : nil,
      processCreateTime: flags & 2 != 0 ? try reader.read(UInt32.self, at: base + 12, "misc info") : nil)
  }

  private func readUnloadedModules(_ location: MinidumpLocation) throws(ReadError) -> [MinidumpUnloadedModule] {
    let base = UInt64(location.rva)
    let headerSize = try reader.read(UInt32.self, at: base, "the unloaded module list")
    let entrySize = try reader.read(UInt32.self, at: base + 4, "the unloaded module list")
    let count = try reader.read(UInt32.self, at: base + 8, "the unloaded module list")
    try checkCount(count, at: base + 8, "the unloaded module list")
    guard entrySize >= 24 else { throw ReadError(.invalidValue, at: base + 4, reading: "the unloaded module entry size (\(entrySize))") }
    try reader.checkArray(count: UInt64(count), size: UInt64(entrySize), at: base + UInt64(headerSize), "the unloaded modules")
    var modules: [MinidumpUnloadedModule] = []
    for index in 0..<UInt64(count) {
      if index & 255 == 0, pastDeadline("the unloaded module list at module \(index)") { break }
      let offset = base + UInt64(headerSize) + index * UInt64(entrySize)
      let nameRVA = try reader.read(UInt32.self, at: offset + 20, "unloaded module \(index)")
      modules.append(
        MinidumpUnloadedModule(
          base: try reader.read(UInt64.self, at: offset, "unloaded module \(index)"),
          size: try reader.read(UInt32.self, at: offset + 8, "unloaded module \(index)"),
          checksum: try reader.read(UInt32.self, at: offset + 12, "unloaded module \(index)"),
          timestamp: try reader.read(UInt32.self, at: offset + 16, "unloaded module \(index)"),
          name: (try? readName(at: UInt64(nameRVA), "an unloaded module's name")) ?? "<unnamed>"))
    }
    return modules
  }

  private func readThreadNames(_ location: MinidumpLocation) throws(ReadError) {
    // Threads by id, built once: a lookup per name would be quadratic in a hostile dump.
    var threadIndex: [UInt32: Int] = [:]
    for (index, thread) in threads.enumerated() where threadIndex[thread.id] == nil { threadIndex[thread.id] = index }
    for (index, offset) in try listEntries(location, entrySize: 12, "the thread name list").enumerated() {
      if index & 255 == 0, pastDeadline("the thread name list at name \(index)") { break }
      let id = try reader.read(UInt32.self, at: offset, "thread name \(index)")
      let rva = try reader.read(UInt64.self, at: offset + 4, "thread name \(index)")
      guard let thread = threadIndex[id], let name = try? readName(at: rva, "the name of thread \(id)") else { continue }
      threads[thread].name = name
    }
  }

  private func readBreakpadInfo(_ location: MinidumpLocation) throws(ReadError) -> MinidumpBreakpadInfo {
    let base = UInt64(location.rva)
    let validity = try reader.read(UInt32.self, at: base, "the Breakpad info stream")
    return MinidumpBreakpadInfo(
      validity: validity,
      dumpThreadID: validity & 1 != 0 ? try reader.read(UInt32.self, at: base + 4, "Breakpad info") : nil,
      requestingThreadID: validity & 2 != 0 ? try reader.read(UInt32.self, at: base + 8, "Breakpad info") : nil)
  }

  /// The registers of a CONTEXT record, decoded for this dump's architecture.
  public func context(at location: MinidumpLocation) throws(ReadError) -> RegisterContext {
    try ContextReader.read(reader, location, architecture: systemInfo?.architecture ?? .x86)
  }

  // MARK: - Helpers

  /// A name from a MINIDUMP_STRING, decoded once per RVA and capped (`readString`),
  /// within the dump's name budget: past it, a placeholder.
  func readName(at offset: UInt64, _ what: String) throws(ReadError) -> String {
    budgeted(try readString(at: offset, what), what, offset: offset)
  }

  /// `name` while the dump's name budget lasts; past it, a placeholder (and one diagnostic).
  func budgeted(_ name: String, _ what: @autoclosure () -> String, offset: UInt64) -> String {
    guard nameBytes + name.utf8.count <= options.maximumNameBytes else {
      if !reportedNameBudget {
        reportedNameBudget = true
        note(
          .warning, "the dump's names exceed \(options.maximumNameBytes) bytes; further names are not read (from \(what()))",
          offset: Int(clamping: offset))
      }
      return nameBudgetPlaceholder
    }
    nameBytes += name.utf8.count
    return name
  }

  /// A MINIDUMP_STRING: a byte length, then UTF-16LE (at most 64 KiB long). Decoded once per
  /// RVA; at most `TextLimits.maximumNameBytes` of text is kept (cut with the marker).
  func readString(at offset: UInt64, _ what: String) throws(ReadError) -> String {
    if let known = strings[offset] { return try known.get() }
    let result = Result { () throws(ReadError) -> String in try decodeString(at: offset, what) }
    if strings.count < 1_000_000 { strings[offset] = result }
    return try result.get()
  }

  private func decodeString(at offset: UInt64, _ what: String) throws(ReadError) -> String {
    let length = try reader.read(UInt32.self, at: offset, what)
    guard length % 2 == 0, length <= 1 << 16 else {
      throw ReadError(.invalidValue, at: offset, reading: "\(what) (length \(length))")
    }
    let bytes = try reader.slice(at: offset + 4, length: UInt64(length), what)
    // A UTF-16 unit gives at most 3 UTF-8 bytes: decode no more units than the cap can keep.
    let kept = min(Int(length / 2), TextLimits.maximumNameBytes)
    // Names are nearly always ASCII: those become a String from their low bytes directly
    // (the standard library's UTF-16 decoding takes its slow path, some 40,000 instructions
    // for a module path).
    var isASCII = true
    for index in stride(from: 0, to: kept * 2, by: 2) where bytes[index] >= 0x80 || bytes[index + 1] != 0 {
      isASCII = false
      break
    }
    if isASCII {
      let text = String(unsafeUninitializedCapacity: kept) { buffer in
        for unit in 0..<kept { buffer[unit] = bytes[unit * 2] }
        return kept
      }
      return kept < Int(length / 2) ? TextLimits.capped(text + TextLimits.cutMarker) : TextLimits.capped(text)
    }
    var units: [UInt16] = []
    units.reserveCapacity(kept)
    for index in stride(from: 0, to: kept * 2, by: 2) {
      units.append(UInt16(bytes[index]) | UInt16(bytes[index + 1]) << 8)
    }
    let text = String(decoding: units, as: UTF16.self)
    return kept < Int(length / 2) ? TextLimits.capped(text + TextLimits.cutMarker) : TextLimits.capped(text)
  }

  /// Whether the deadline has passed; the first time, a diagnostic names where reading stopped.
  func pastDeadline(_ place: @autoclosure () -> String) -> Bool {
    if stoppedByDeadline { return true }
    guard let deadline = options.deadline else { return false }
    var now = timespec()
    clock_gettime(CLOCK_MONOTONIC, &now)
    guard Double(now.tv_sec) + Double(now.tv_nsec) / 1e9 > deadline else { return false }
    stoppedByDeadline = true
    note(.error, "reading stopped at \(place()): the time limit was reached")
    return true
  }

  /// The offsets of a list stream's entries: a 32-bit count at the stream's start, then `count`
  /// entries of `entrySize` bytes. The count is checked to be plausible and every entry to lie
  /// in the file before any is read.
  private func listEntries(_ location: MinidumpLocation, entrySize: UInt64, _ what: String) throws(ReadError)
    -> StrideTo<UInt64>
  {
    let base = UInt64(location.rva)
    let count = try reader.read(UInt32.self, at: base, "the count of \(what)")
    try checkCount(count, at: base, what)
    // Writers for 64-bit ABIs (Breakpad's on macOS) align the entries to 8 bytes: 4 bytes of
    // padding after the count, which the stream's size then counts. Skipped only when the
    // size says exactly that, as Breakpad's reader does.
    let entriesSize = UInt64(count) * entrySize
    let first = UInt64(location.size) == 8 + entriesSize ? base + 8 : base + 4
    try reader.checkArray(count: UInt64(count), size: entrySize, at: first, "\(what) (\(count) entries)")
    return stride(from: first, to: first + entriesSize, by: Int(entrySize))
  }

  private func checkCount(_ count: UInt32, at offset: UInt64, _ what: String) throws(ReadError) {
    guard count <= options.maximumRecords else {
      throw ReadError(.implausibleCount, at: offset, reading: "\(what) (\(count) entries)")
    }
  }

  func note(_ severity: Diagnostic.Severity, _ message: String, offset: Int? = nil) {
    guard diagnostics.count < 1000 else { return }
    diagnostics.append(Diagnostic(severity, message, offset: offset))
  }
}
