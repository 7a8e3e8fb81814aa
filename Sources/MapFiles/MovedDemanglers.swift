//===--- MovedDemanglers.swift - Where MSVC's demanglers went -----------------===//
//
// MapFiles once held MSVC's name demangler and undecorator; they live in the
// Demangling module now, beside Swift's, Rust's and C++'s. The old names stay for
// programs that used them.
//
//===----------------------------------------------------------------------===//

import Demangling

/// Demangles MSVC-decorated names into signatures (moved to the Demangling module).
@available(*, deprecated, message: "import Demangling: MSVCDemangler, or SymbolDemangler for every mangling")
public typealias MSVCDemangler = Demangling.MSVCDemangler

/// Undecorates MSVC names to their bare identifier (moved to the Demangling module).
@available(*, deprecated, message: "import Demangling: MSVCUndecorator")
public typealias MSVCUndecorator = Demangling.MSVCUndecorator
