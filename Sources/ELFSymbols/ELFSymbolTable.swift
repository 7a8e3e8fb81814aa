//===--- ELFSymbolTable.swift - Function symbols of .symtab / .dynsym -------===//
//
// The fallback when DWARF has no function for an address (stripped binaries,
// startup code, hand-written assembly): the function and ifunc symbols of
// `.symtab`, or of `.dynsym` when the file has no `.symtab`, sorted by address.
// On 32-bit ARM a Thumb function's value has bit 0 set (the ARM ELF ABI's mark of
// Thumb code); its code starts at the even address, where it is entered here.
//
//===----------------------------------------------------------------------===//

import CLibDW
import CrashCore
import Demangling

/// One function symbol.
struct ELFSymbol {
  var address: UInt64
  var size: UInt64
  var name: String
  var isGlobal: Bool
  /// For a local symbol, the source file named by the STT_FILE symbol before it.
  var file: String?
}

/// The sorted function symbols of one ELF file.
struct ELFSymbolTable {
  private(set) var symbols: [ELFSymbol] = []
  /// Each symbol by the hash of its name without a version (`name@@VERSION` → `name`), sorted by
  /// hash: a search by name (a call another module named) is a binary search, not a scan.
  private var nameIndex: [(hash: UInt64, symbol: Int32)] = []

  /// Reads `.symtab`, or `.dynsym` when there is no `.symtab`.
  init(elf: OpaquePointer) {
    var tables: [(section: OpaquePointer, header: GElf_Shdr)] = []
    var section: OpaquePointer? = nil
    while let next = elf_nextscn(elf, section) {
      section = next
      var header = GElf_Shdr()
      guard gelf_getshdr(next, &header) != nil else { continue }
      if header.sh_type == UInt32(SHT_SYMTAB) || header.sh_type == UInt32(SHT_DYNSYM) {
        tables.append((next, header))
      }
    }
    var fileHeader = GElf_Ehdr()
    let isARM = gelf_getehdr(elf, &fileHeader) != nil && fileHeader.e_machine == UInt16(EM_ARM)
    let chosen = tables.first { $0.header.sh_type == UInt32(SHT_SYMTAB) } ?? tables.first
    guard let chosen, chosen.header.sh_entsize > 0, let data = elf_getdata(chosen.section, nil) else { return }
    let count = Int(min(chosen.header.sh_size / chosen.header.sh_entsize, UInt64(Int32.max)))
    symbols.reserveCapacity(count)
    var currentFile: String?
    for index in 0..<count {
      var symbol = GElf_Sym()
      guard gelf_getsym(data, Int32(index), &symbol) != nil else { continue }
      let type = Int32(clibdw_symbol_type(symbol.st_info))
      if type == STT_FILE {
        currentFile = elf_strptr(elf, Int(chosen.header.sh_link), Int(symbol.st_name)).map { TextLimits.capped(cString: $0) }
        if currentFile?.isEmpty == true { currentFile = nil }
        continue
      }
      guard type == STT_FUNC || type == STT_GNU_IFUNC, symbol.st_shndx != UInt16(SHN_UNDEF),
        let name = elf_strptr(elf, Int(chosen.header.sh_link), Int(symbol.st_name))
      else { continue }
      let binding = Int32(clibdw_symbol_binding(symbol.st_info))
      symbols.append(
        ELFSymbol(
          address: isARM && type == STT_FUNC ? symbol.st_value & ~1 : symbol.st_value, size: symbol.st_size, name: SymbolDemangler.readable(TextLimits.capped(cString: name)),
          isGlobal: binding == STB_GLOBAL || binding == STB_WEAK, file: binding == STB_LOCAL ? currentFile : nil))
    }
    // At one address, prefer a sized global symbol: it sorts last and wins the search.
    symbols.sort {
      ($0.address, $0.size > 0 ? 1 : 0, $0.isGlobal ? 1 : 0) < ($1.address, $1.size > 0 ? 1 : 0, $1.isGlobal ? 1 : 0)
    }
    nameIndex = symbols.indices.map { (Self.unversionedHash(symbols[$0].name), Int32($0)) }
    nameIndex.sort { $0.hash < $1.hash }
  }

  /// FNV-1a of a name up to its version's `@`.
  private static func unversionedHash(_ name: String) -> UInt64 {
    var hash: UInt64 = 0xcbf2_9ce4_8422_2325
    for byte in name.utf8 {
      if byte == 0x40 { break }
      hash = (hash ^ UInt64(byte)) &* 0x100_0000_01b3
    }
    return hash
  }

  /// The addresses of the functions named `name`, or `name@VERSION` / `name@@VERSION`, at most
  /// `limit`.
  func addresses(named name: String, limit: Int) -> [UInt64] {
    let hash = Self.unversionedHash(name)
    var low = 0
    var high = nameIndex.count
    while low < high {
      let middle = (low + high) >> 1
      if nameIndex[middle].hash < hash { low = middle + 1 } else { high = middle }
    }
    var found: [UInt64] = []
    while low < nameIndex.count, nameIndex[low].hash == hash, found.count < limit {
      let symbol = symbols[Int(nameIndex[low].symbol)]
      low += 1
      guard symbol.name.hasPrefix(name) else { continue }
      let rest = symbol.name.utf8.dropFirst(name.utf8.count)
      guard rest.isEmpty || rest.first == 0x40, !found.contains(symbol.address) else { continue }
      found.append(symbol.address)
    }
    return found
  }

  /// The names of every symbol at `address` (aliases), at most 16.
  func names(at address: UInt64) -> [String] {
    guard var index = SortedSearch.lastIndex(atOrBelow: address, count: symbols.count, key: { symbols[$0].address }),
      symbols[index].address == address
    else { return [] }
    var names: [String] = []
    while index >= 0, symbols[index].address == address, names.count < 16 {
      names.append(symbols[index].name)
      index -= 1
    }
    return names
  }

  /// The symbol whose extent holds `address`.
  func symbol(at address: UInt64) -> ELFSymbol? {
    guard let index = SortedSearch.lastIndex(atOrBelow: address, count: symbols.count, key: { symbols[$0].address })
    else { return nil }
    let symbol = symbols[index]
    if symbol.size > 0 && address - symbol.address >= symbol.size { return nil }
    return symbol
  }
}
