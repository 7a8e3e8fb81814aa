//===--- Exports.swift - What `import CrashAnalysis` brings ------------------===//
//
// The facade's API speaks in the model (CrashCore: CrashReport, StackFrame…),
// the plugin API (Signatures: SignaturePipeline, Finding, FrameView…),
// symbolication (Symbolication: SymbolStore, Symbolicator…) and JSON
// (JSONText: JSONValue, which reports and plugin messages are written as). A
// program that imports the facade gets all four, so the README's and DocC's
// examples compile with `import CrashAnalysis` alone.
//
//===----------------------------------------------------------------------===//

@_exported import CrashCore
@_exported import Signatures
@_exported import Symbolication
@_exported import JSONText
