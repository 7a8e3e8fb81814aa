//===--- Exports.swift - What `import CrashAnalysis` brings ------------------===//
//
// The facade's API speaks in the model (CrashCore: CrashReport, StackFrame…),
// the plugin API (Signatures: SignaturePipeline, Finding, FrameView…) and
// symbolication (Symbolication: SymbolStore, Symbolicator…). A program that
// imports the facade gets all three, so the README's and DocC's examples
// compile with `import CrashAnalysis` alone.
//
//===----------------------------------------------------------------------===//

@_exported import CrashCore
@_exported import Signatures
@_exported import Symbolication
