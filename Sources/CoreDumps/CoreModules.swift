//===--- CoreModules.swift - The files a core's process had mapped -----------===//
//
// NT_FILE lists every file mapping; the mappings of one path make one module,
// loaded where the mapping of its first page starts (file offset 0) and ending
// where its last mapping ends. Its GNU build id is read from the process's own
// memory: the kernel keeps the first page of each ELF mapping (coredump_filter
// bit 4, on by default), which holds the ELF header and the program headers,
// and the PT_NOTE they point to lies in that page or in data the core kept. A
// module whose header or note the core did not keep has no id (its symbols are
// looked up by name alone). A core without NT_FILE (kernels before 3.7, qemu's
// cores of its guests) still names two images from its auxiliary vector: the
// program (the ELF image holding AT_ENTRY, named by AT_EXECFN or the process's
// name) and the vDSO (AT_SYSINFO_EHDR).
//
//===----------------------------------------------------------------------===//

import CrashCore

extension ELFCoreFile {
  /// The modules of the process: one per mapped path, by load address.
  public var modules: [CodeModule] {
    guard !mappings.isEmpty else { return auxiliaryModules }
    var byPath: [String: (base: UInt64?, start: UInt64, end: UInt64)] = [:]
    var order: [String] = []
    for mapping in mappings where !mapping.path.isEmpty {
      if var known = byPath[mapping.path] {
        known.start = min(known.start, mapping.start)
        known.end = max(known.end, mapping.end)
        if mapping.fileOffset == 0, known.base == nil || mapping.start < known.base! { known.base = mapping.start }
        byPath[mapping.path] = known
      } else {
        byPath[mapping.path] = (mapping.fileOffset == 0 ? mapping.start : nil, mapping.start, mapping.end)
        order.append(mapping.path)
      }
    }
    var modules: [CodeModule] = []
    for path in order {
      guard let found = byPath[path] else { continue }
      let base = found.base ?? found.start
      let name = path.split(separator: "/").last.map(String.init) ?? path
      var module = CodeModule(name: name, path: path, base: Address(base), size: found.end - base, debugFile: name)
      if let buildID = buildID(ofImageAt: base) {
        module.buildID = buildID
        module.debugIdentifier = GNUBuildID.breakpadIdentifier(buildID)
      }
      modules.append(module)
    }
    return modules.sorted { $0.base.rawValue < $1.base.rawValue }
  }

  /// Without NT_FILE: the program and the vDSO, found through the auxiliary vector.
  var auxiliaryModules: [CodeModule] {
    var modules: [CodeModule] = []
    let entry = auxiliaryVector[9]
    for segment in segments where segment.fileSize >= 64 {
      // The image's own extent must start at its header and run past it (a damaged header's
      // need not).
      guard let extent = imageExtent(at: segment.address), extent.start == segment.address, extent.end > segment.address
      else { continue }
      let isProgram = entry.map { $0 >= extent.start && $0 < extent.end } ?? false
      let isVDSO = auxiliaryVector[33] == segment.address
      guard isProgram || isVDSO else { continue }
      let path = isProgram ? (auxiliaryVector[31].flatMap { string(at: $0) } ?? processName) : nil
      let name = isVDSO ? "linux-vdso.so.1" : path.map { $0.split(separator: "/").last.map(String.init) ?? $0 } ?? "program"
      var module = CodeModule(
        name: name, path: isVDSO ? nil : path, base: Address(segment.address), size: extent.end - segment.address, debugFile: name)
      if let buildID = buildID(ofImageAt: segment.address) {
        module.buildID = buildID
        module.debugIdentifier = GNUBuildID.breakpadIdentifier(buildID)
      }
      modules.append(module)
    }
    return modules
  }

  /// The program headers of the ELF image whose header the core kept at `base`, and what its
  /// addresses add to give the process's (`base` less its linked load address for a shared
  /// object or PIE, 0 for a program linked where it runs), or nil.
  func imageHeaders(at base: UInt64) -> (headers: ELFProgramHeaders, bias: UInt64)? {
    guard let headers = ELFProgramHeaders(read: { offset, length in memory(at: base &+ offset, length: length) })
    else { return nil }
    let bias = headers.isShared ? headers.linkedLoadAddress.map { base &- $0 } ?? 0 : 0
    return (headers, bias)
  }

  /// The range an ELF image whose header the core kept at `base` loads into: its loadable
  /// segments, moved by its load bias.
  func imageExtent(at base: UInt64) -> (start: UInt64, end: UInt64)? {
    guard let (headers, bias) = imageHeaders(at: base), let extent = headers.extent else { return nil }
    return (extent.start &+ bias, extent.end &+ bias)
  }

  /// A NUL-terminated string in the core's memory (at most 4 KiB), or nil.
  func string(at address: UInt64) -> String? {
    var bytes: [UInt8] = []
    while bytes.count < 4096, let chunk = memory(at: address &+ UInt64(bytes.count), length: 1) {
      if chunk[0] == 0 { return bytes.isEmpty ? nil : String(decoding: bytes.map { $0 < 0x20 ? 0x3F : $0 }, as: UTF8.self) }
      bytes.append(chunk[0])
    }
    return nil
  }

  /// The GNU build id of the ELF image loaded at `base`, read from the core's memory.
  func buildID(ofImageAt base: UInt64) -> String? {
    guard let (headers, bias) = imageHeaders(at: base) else { return nil }
    for note in headers.headers where note.kind == ELFProgramHeaders.notes && note.fileSize <= 1 << 16 {
      guard let bytes = memory(at: note.address &+ bias, length: Int(note.fileSize)) else { continue }
      if let found = Self.gnuBuildID(inNotes: bytes) { return found }
    }
    return nil
  }

  /// The GNU build id (NT_GNU_BUILD_ID, owner `GNU`) among the notes in `bytes`, in hex.
  static func gnuBuildID(inNotes bytes: UnsafeRawBufferPointer) -> String? {
    var at = 0
    while at + 12 <= bytes.count {
      let nameSize = Int(bytes.loadUnaligned(fromByteOffset: at, as: UInt32.self))
      let descriptorSize = Int(bytes.loadUnaligned(fromByteOffset: at + 4, as: UInt32.self))
      let kind = bytes.loadUnaligned(fromByteOffset: at + 8, as: UInt32.self)
      let descriptor = at + 12 + ((nameSize + 3) & ~3)
      guard nameSize <= 256, descriptorSize <= 1024, descriptor + descriptorSize <= bytes.count else { break }
      // NT_GNU_BUILD_ID (3), named `GNU`.
      if kind == 3, nameSize == 4, bytes[at + 12] == 0x47, bytes[at + 13] == 0x4E, bytes[at + 14] == 0x55, descriptorSize > 0 {
        let table = Array("0123456789abcdef".utf8)
        var text: [UInt8] = []
        for byte in bytes[descriptor..<descriptor + descriptorSize] {
          text.append(table[Int(byte >> 4)])
          text.append(table[Int(byte & 0x0F)])
        }
        return String(decoding: text, as: UTF8.self)
      }
      at = descriptor + ((descriptorSize + 3) & ~3)
    }
    return nil
  }
}
