//===--- ELFBreakpadWriter.swift - A Breakpad .sym from an ELF file ------------===//
//
// What an ELF file (and its DWARF, in it or in a separate debug file) says, in
// Breakpad's symbol format, laid out as Mozilla's dump_syms writes it:
//   MODULE Linux <cpu> <debug id> <file name>   debug id: the build id's first 16 bytes as
//                                               a GUID (first three fields byte-swapped), age 0
//   INFO CODE_ID <build id, upper case>
//   FILE <n> <path>              files in the order the functions' lines first name them
//   INLINE_ORIGIN <n> <name>     (with inlines) inlined functions, in order of first use
//   FUNC <address> <size> 0 <name>   one per DWARF function range, names demangled; then
//   INLINE <depth> <call line> <call file> <origin> <address> <size>…   (with inlines)
//   <address> <size> <line> <file>   its line rows (the innermost position)
//   PUBLIC <address> 0 <name>    symbol table functions no FUNC covers, and
//                                `<SECTION ELF section in FILE>` at the start of an
//                                executable section nothing else names (.plt, .plt.got)
//   STACK CFI …                  from .eh_frame / .debug_frame (ELFCallFrames); 32-bit ARM
//                                without them: .ARM.exidx / .ARM.extab (ARMExceptionIndex)
// FUNC and PUBLIC records in address order, then STACK CFI in the section's FDE order.
// A separate debug file keeps only NOBITS copies of .eh_frame: given one alone, the call
// frames come from its image — the first file by name in the same directory with the same
// build id and call frames of its own — and the MODULE line names that image, as
// dump_syms does (basic.dbg beside basic.full gives `MODULE … basic.full`).
//
//===----------------------------------------------------------------------===//

import ByteReading
import CLibDW
import CrashCore

#if canImport(Glibc)
  import Glibc
#elseif canImport(Musl)
  import Musl
#endif

extension ELFSymbolFile {
  /// The Breakpad text for this file, named by the last component of the path it was opened
  /// with; with `inlines`, INLINE_ORIGIN and INLINE records.
  public func breakpadSymbolFile(inlines: Bool = false) -> String {
    let fileName = path.split(separator: "/").last.map(String.init) ?? path
    var header = GElf_Ehdr()
    let machine = gelf_getehdr(elf, &header) != nil ? Int32(header.e_machine) : 0
    // A debug file alone (its code and call frames NOBITS) is named after its image beside it.
    let image = ELFCallFrames.hasUnwindTables(elf) || debugElf != nil ? nil : siblingImage()
    var output =
      "MODULE Linux \(Self.cpuName(machine)) \(Self.debugIdentifier(buildID)) \(image?.name ?? fileName)\n"
    if let buildID { output += "INFO CODE_ID \(buildID.uppercased())\n" }

    var fileNumbers: [Int32: Int] = [:]
    var fileOrder: [Int32] = []
    func number(of file: Int32) -> Int {
      if let known = fileNumbers[file] { return known }
      fileNumbers[file] = fileOrder.count
      fileOrder.append(file)
      return fileOrder.count - 1
    }
    var originNumbers: [Int32: Int] = [:]
    var originOrder: [Int32] = []
    var records: [(address: UInt64, text: String)] = []
    var covered: [(UInt64, UInt64)] = []
    var starts = Set<UInt64>()
    if let index {
      for range in index.ranges where starts.insert(range.low).inserted {
        let function = index.functions[Int(range.function)]
        var text =
          "FUNC \(relative(range.low)) \(hex(range.high - range.low)) 0 \(index.strings[Int(function.name)])\n"
        let calls = (0..<Int(function.inlineCount)).map {
          index.inlines[Int(function.inlineStart) + $0]
        }
        .filter { $0.low >= range.low && $0.high <= range.high }
        if inlines {
          // One record per (depth, call line, call file, origin), its ranges together, in
          // the order the calls are first met (as dump_syms groups them).
          var groups: [(key: [Int], ranges: [(UInt64, UInt64)])] = []
          var groupIndex: [[Int]: Int] = [:]
          for call in calls {
            let origin: Int
            if let known = originNumbers[call.name] {
              origin = known
            } else {
              origin = originOrder.count
              originNumbers[call.name] = origin
              originOrder.append(call.name)
            }
            let file = call.callFile >= 0 ? number(of: call.callFile) : 0
            let key = [Int(call.depth - 1), Int(call.callLine), file, origin]
            if let known = groupIndex[key] {
              groups[known].ranges.append((call.low, call.high))
            } else {
              groupIndex[key] = groups.count
              groups.append((key, [(call.low, call.high)]))
            }
          }
          for group in groups {
            text += "INLINE \(group.key.map(String.init).joined(separator: " "))"
            for (low, high) in group.ranges.sorted(by: { $0.0 < $1.0 }) {
              text += " \(relative(low)) \(hex(high - low))"
            }
            text += "\n"
          }
        }
        // Without inline records, code inlined into the function is shown at its call site.
        let outermost = inlines ? [] : calls.filter { $0.depth == 1 }
        var lines: [(start: UInt64, size: UInt64, line: Int32, file: Int32)] = []
        for var record in index.lineRecords(from: range.low, to: range.high) {
          if let call = outermost.first(where: { record.0 >= $0.low && record.0 < $0.high }) {
            record.2 = call.callLine
            record.3 = call.callFile
          }
          // Rows that continue the same line in the same file are one record.
          if let last = lines.last, last.line == record.2, last.file == record.3,
            last.start + last.size == record.0
          {
            lines[lines.count - 1].size += record.1
          } else {
            lines.append((record.0, record.1, record.2, record.3))
          }
        }
        for line in lines where line.file >= 0 {
          text += "\(relative(line.start)) \(hex(line.size)) \(line.line) \(number(of: line.file))\n"
        }
        records.append((range.low, text))
        covered.append((range.low, range.high))
      }
    }
    covered.sort { $0.0 < $1.0 }
    func isCovered(_ address: UInt64) -> Bool {
      guard
        let index = SortedSearch.lastIndex(
          atOrBelow: address, count: covered.count, key: { covered[$0].0 })
      else {
        return false
      }
      return address < covered[index].1
    }
    var publicStarts = Set<UInt64>()
    for symbol in symbols.symbols
    where !isCovered(symbol.address) && !starts.contains(symbol.address) {
      guard publicStarts.insert(symbol.address).inserted else { continue }
      records.append((symbol.address, "PUBLIC \(relative(symbol.address)) 0 \(symbol.name)\n"))
    }
    for (name, address) in Self.executableSections(elf) where address != 0 {
      guard !isCovered(address), !starts.contains(address), publicStarts.insert(address).inserted
      else { continue }
      records.append((address, "PUBLIC \(relative(address)) 0 <\(name) ELF section in \(fileName)>\n"))
    }
    // At one address the FUNC (appended first) stays first: the sort is stable.
    records = records.enumerated().sorted {
      ($0.element.address, $0.offset) < ($1.element.address, $1.offset)
    }.map(\.element)

    if let index {
      for file in fileOrder { output += "FILE \(number(of: file)) \(index.strings[Int(file)])\n" }
      for (number, name) in originOrder.enumerated() {
        output += "INLINE_ORIGIN \(number) \(index.strings[Int(name)])\n"
      }
    }
    for record in records { output += record.text }
    for line in callFrameLines(machine: machine, image: image?.file) { output += relativeCallFrameLine(line) + "\n" }
    return output
  }

  /// The first file (by name) in this file's directory with the same build id and call
  /// frames of its own: the image a debug file was split from.
  func siblingImage() -> (name: String, file: ELFSymbolFile)? {
    guard let buildID else { return nil }
    let directory = path.contains("/") ? String(path[...path.lastIndex(of: "/")!]) : "./"
    guard let folder = opendir(directory) else { return nil }
    var names: [String] = []
    while let entry = readdir(folder), names.count < 1024 {
      let name = DirectoryEntry.name(of: entry)
      if name != ".", name != "..", directory + name != path { names.append(name) }
    }
    closedir(folder)
    for name in names.sorted() {
      let candidate = directory + name
      guard (try? Self.buildID(atPath: candidate)) == buildID,
        let other = try? ELFSymbolFile(path: candidate),
        ELFCallFrames.hasCallFrames(other.elf)
      else { continue }
      return (name, other)
    }
    return nil
  }

  /// STACK CFI lines from this file's call frames, else the separate debug file's, else
  /// (for a debug file whose .eh_frame is NOBITS) those of its image.
  private func callFrameLines(machine: Int32, image: ELFSymbolFile?) -> [String] {
    guard let frames = ELFCallFrames(machine: machine) else { return [] }
    let lines: [String]
    if ELFCallFrames.hasCallFrames(elf) {
      lines = frames.lines(elf: elf, dwarf: dwarf)
    } else if let debugElf, ELFCallFrames.hasCallFrames(debugElf) {
      lines = frames.lines(elf: debugElf, dwarf: dwarf)
    } else if let image {
      lines = frames.lines(elf: image.elf, dwarf: image.dwarf)
    } else {
      lines = frames.lines(elf: elf, dwarf: dwarf)
    }
    // 32-bit ARM code without DWARF call frames: its EHABI tables, as dump_syms reads them.
    guard lines.isEmpty, machine == Int32(EM_ARM) else { return lines }
    return (ARMExceptionIndex(elf: elf) ?? image.flatMap { ARMExceptionIndex(elf: $0.elf) })?.lines() ?? []
  }

  /// Breakpad's CPU name for an ELF machine.
  static func cpuName(_ machine: Int32) -> String {
    switch machine {
    case Int32(EM_X86_64): "x86_64"
    case Int32(EM_386): "x86"
    case Int32(EM_AARCH64): "arm64"
    case Int32(EM_ARM): "arm"
    case Int32(EM_PPC64): "ppc64"
    case Int32(EM_PPC): "ppc"
    case Int32(EM_MIPS): "mips"
    case Int32(EM_RISCV): "riscv64"
    default: "unknown"
    }
  }

  /// Breakpad's debug id for a build id: its first 16 bytes (zero-padded) as a GUID, the
  /// first three fields byte-swapped, then age 0; all zeros without a build id.
  static func debugIdentifier(_ buildID: String?) -> String {
    buildID.map(GNUBuildID.breakpadIdentifier) ?? String(repeating: "0", count: 33)
  }

  /// Executable sections with contents or addresses: (name, address), in section order.
  static func executableSections(_ elf: OpaquePointer) -> [(String, UInt64)] {
    var stringIndex = 0
    guard elf_getshdrstrndx(elf, &stringIndex) == 0 else { return [] }
    var found: [(String, UInt64)] = []
    var section: OpaquePointer? = nil
    while let next = elf_nextscn(elf, section), found.count < 10_000 {
      section = next
      var header = GElf_Shdr()
      guard gelf_getshdr(next, &header) != nil, header.sh_flags & UInt64(SHF_EXECINSTR) != 0,
        header.sh_size > 0,
        let name = elf_strptr(elf, stringIndex, Int(header.sh_name))
      else { continue }
      found.append((TextLimits.capped(cString: name), header.sh_addr))
    }
    return found
  }

  private func hex(_ value: UInt64) -> String { String(value, radix: 16) }

  /// A file address relative to the load address, in hex (dump_syms' addresses).
  private func relative(_ address: UInt64) -> String { hex(address &- loadAddress) }

  /// A STACK CFI line with its address made relative to the load address.
  private func relativeCallFrameLine(_ line: String) -> String {
    guard loadAddress != 0 else { return line }
    var words = line.split(separator: " ", omittingEmptySubsequences: false).map(String.init)
    // `STACK CFI INIT <start> …`, `STACK CFI <address> …`.
    let position = words.count > 3 && words[2] == "INIT" ? 3 : 2
    guard words.count > position, let address = UInt64(words[position], radix: 16) else { return line }
    words[position] = relative(address)
    return words.joined(separator: " ")
  }
}
