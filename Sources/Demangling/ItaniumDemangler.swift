//===--- ItaniumDemangler.swift - C++ names as people read them --------------===//
//
// ELF symbol tables and DWARF linkage names hold C++ names mangled by the Itanium
// C++ ABI (`_Z8inline_1i`); people, llvm-symbolizer and dump_syms show them
// demangled (`inline_1(int)`). The demangling is the C++ runtime's own
// (`__cxa_demangle` in libstdc++). Names from strangers' files: only names that
// start with `_Z` and are at most 4 KiB are handed to it; anything it refuses is
// kept as it was.
//
//===----------------------------------------------------------------------===//

import CCxxABI

#if canImport(Glibc)
  import Glibc
#elseif canImport(Musl)
  import Musl
#endif

/// Demangles Itanium C++ ABI names.
public enum ItaniumDemangler {
  /// The longest mangled name handed to the demangler.
  public static let maximumLength = 4096

  /// `name` demangled, or `name` itself when it is not an Itanium-mangled name.
  public static func demangle(_ name: String) -> String {
    guard name.hasPrefix("_Z"), name.utf8.count <= maximumLength else { return name }
    var status: Int32 = 0
    guard let result = __cxa_demangle(name, nil, nil, &status) else { return name }
    defer { free(result) }
    return status == 0 ? String(cString: result) : name
  }
}
