//===--- CoreLinkMap.swift - The libraries a core's process had loaded, from ld.so's list ---===//
//
// A core without NT_FILE (qemu-user's cores of its guests, kernels before 3.7)
// names no file mapping, and often keeps no image header either: qemu, like the
// kernel, leaves read-only code out. The dynamic linker's own list still names
// every library it loaded, as gdb's solib-svr4 reads it: the program's dynamic
// section holds DT_DEBUG, the address of `struct r_debug` (glibc's, musl's and
// Bionic's `<link.h>`), whose `r_map` heads a chain of `struct link_map`
// { l_addr: the load bias; l_name: the path; l_ld; l_next; l_prev }, all in
// memory the core keeps (ld.so's data and heap). The program's dynamic section
// is found through its file's program headers (moved by AT_ENTRY − e_entry for
// a PIE); each library's extent and build id come from its file. The caller
// opens the files (under a system root, in a store): this reads what they and
// the core say, and every count, address and string is bounded.
//
//===----------------------------------------------------------------------===//

import ByteReading
import CrashCore

extension ELFCoreFile {
  /// The most libraries read from the dynamic linker's list.
  static let maximumLinkMapEntries = 1_024

  /// The program and the libraries the dynamic linker's list (`r_debug.r_map`) names, each
  /// placed by its file, which `openImage` opens for the path the process used (nil: no
  /// file; the library is left out). Empty when the program's file or the list is not found.
  public func linkMapModules(openImage: (String) -> MappedFile?) -> [CodeModule] {
    guard let entry = auxiliaryVector[9],
      let programPath = auxiliaryVector[31].flatMap({ string(at: $0) }) ?? processName,
      let programFile = openImage(programPath),
      let program = ELFFileHeaders(programFile.bytes, is64Bit: is64Bit)
    else { return [] }
    // A PIE (ET_DYN) was moved by the difference between its entry and the one it was linked at.
    let bias = program.isShared ? entry &- program.entry : 0
    var modules: [CodeModule] = []
    if let module = Self.module(path: programPath, headers: program, bias: bias) { modules.append(module) }
    guard let dynamic = program.dynamic, let debug = debugStructure(dynamic: dynamic.address &+ bias, size: dynamic.size)
    else { return modules }
    let word = UInt64(is64Bit ? 8 : 4)
    // r_debug { int r_version; struct link_map *r_map; … }: r_map is the second word.
    guard var node = self.word(at: debug &+ word) else { return modules }
    var visited: Set<UInt64> = []
    while node != 0, visited.count < Self.maximumLinkMapEntries, visited.insert(node).inserted {
      guard let loadBias = self.word(at: node), let nameAddress = self.word(at: node &+ word),
        let next = self.word(at: node &+ 3 &* word)
      else { break }
      node = next
      // The program's own entry has an empty name; the vDSO's names no file. The dynamic
      // linker's own is the program's PT_INTERP string, in code pages cores leave out: read
      // from the program's file.
      guard let path = string(at: nameAddress) ?? program.string(at: nameAddress &- bias, in: programFile.bytes),
        path.hasPrefix("/"), let file = openImage(path),
        let headers = ELFFileHeaders(file.bytes, is64Bit: is64Bit),
        let module = Self.module(path: path, headers: headers, bias: loadBias)
      else { continue }
      modules.append(module)
    }
    return modules.sorted { $0.base.rawValue < $1.base.rawValue }
  }

  /// The module of an image loaded from `path`, its extent its loadable segments moved by `bias`.
  private static func module(path: String, headers: ELFFileHeaders, bias: UInt64) -> CodeModule? {
    guard let (low, high) = headers.program.extent else { return nil }
    let name = path.split(separator: "/").last.map(String.init) ?? path
    var module = CodeModule(name: name, path: path, base: Address(low &+ bias), size: high - low, debugFile: name)
    if let buildID = headers.buildID {
      module.buildID = buildID
      module.debugIdentifier = GNUBuildID.breakpadIdentifier(buildID)
    }
    return module
  }

  /// The address DT_DEBUG holds in the dynamic section at `address` (in the core's memory).
  private func debugStructure(dynamic address: UInt64, size: UInt64) -> UInt64? {
    let entrySize = UInt64(is64Bit ? 16 : 8)
    let count = min(size / entrySize, 1_024)
    for index in 0..<count {
      guard let tag = word(at: address &+ index &* entrySize) else { return nil }
      if tag == 0 { return nil }
      // DT_DEBUG: 0 until ld.so fills it in (a static program, or a core from before).
      if tag == 21 {
        let value = word(at: address &+ index &* entrySize &+ entrySize / 2)
        return value == 0 ? nil : value
      }
    }
    return nil
  }

  /// A pointer-sized word of the core's memory.
  func word(at address: UInt64) -> UInt64? {
    guard let bytes = memory(at: address, length: is64Bit ? 8 : 4) else { return nil }
    return ELFCoreLayout(is64Bit: is64Bit).word(bytes, at: 0)
  }
}

/// What the link-map reading needs of an ELF file: its program headers, and its dynamic
/// section and build id found through them, each read within the file's bytes.
struct ELFFileHeaders {
  /// The file's type, entry and program headers.
  var program: ELFProgramHeaders
  /// PT_DYNAMIC: where the dynamic section loads and its size (at most 1 MiB taken).
  var dynamic: (address: UInt64, size: UInt64)?
  /// The GNU build id in the first PT_NOTE segment that holds one.
  var buildID: String?

  var isShared: Bool { program.isShared }
  var entry: UInt64 { program.entry }

  /// Reads the headers of the ELF file in `bytes`, which must be of the core's class.
  init?(_ bytes: UnsafeRawBufferPointer, is64Bit: Bool) {
    guard let program = ELFProgramHeaders(file: bytes), program.is64Bit == is64Bit else { return nil }
    self.program = program
    for header in program.headers {
      switch header.kind {
      case ELFProgramHeaders.dynamicSection where dynamic == nil:
        dynamic = (header.address, min(header.memorySize, 1 << 20))
      case ELFProgramHeaders.notes where buildID == nil:
        guard header.fileOffset <= UInt64(bytes.count), UInt64(bytes.count) - header.fileOffset >= header.fileSize,
          header.fileSize <= 1 << 16
        else { continue }
        let start = Int(header.fileOffset)
        buildID = ELFCoreFile.gnuBuildID(inNotes: UnsafeRawBufferPointer(rebasing: bytes[start..<(start + Int(header.fileSize))]))
      default: continue
      }
    }
  }

  /// The NUL-terminated string (at most 4 KiB) the file loads at `address` (the image's own
  /// addresses), or nil.
  func string(at address: UInt64, in bytes: UnsafeRawBufferPointer) -> String? {
    guard let load = program.loads.first(where: { address >= $0.address && address - $0.address < $0.fileSize }) else {
      return nil
    }
    let start = load.fileOffset &+ (address - load.address)
    guard start < UInt64(bytes.count) else { return nil }
    let tail = UnsafeRawBufferPointer(rebasing: bytes[Int(start)..<min(bytes.count, Int(start) + 4096)])
    guard let end = tail.firstIndex(of: 0), end > 0 else { return nil }
    return String(decoding: tail[..<end].map { $0 < 0x20 ? 0x3F : $0 }, as: UTF8.self)
  }
}
