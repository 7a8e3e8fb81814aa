//===--- DemanglingNames.swift - Where the demanglers went -------------------===//
//
// ELFSymbols once held the Itanium demangler; it lives in the Demangling module
// now, beside Swift's and Rust's. The old name stays for programs that used it.
//
//===----------------------------------------------------------------------===//

import Demangling

/// Demangles Itanium C++ ABI names (moved to the Demangling module).
@available(*, deprecated, message: "import Demangling: ItaniumDemangler, or SymbolDemangler for every mangling")
public typealias ItaniumDemangler = Demangling.ItaniumDemangler
