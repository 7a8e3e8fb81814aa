//===--- FrameAnnotation.swift - What a debugger printed after the symbol ---===//
//
// kd/WinDbg `kv` and Dr. Watson follow the symbol with frame-type notes:
//   (FPO: [2,0,1])  (FPO: [EBP 0x0104e4c4] [0,6,4])  (FPO: [0,0] TrapFrame @ 8019d698)
//   (FPO: [Non-Fpo])  (FPO: Non-FPO [1,21,3])  (UKNOWN FPO TYPE)  [omap]  [Stdcall: 0]
// FPO_DATA holds cdwParams, cdwLocals and cbRegs (winnt.h); the triples print them
// in that order. DrWtsn32 printed `[EBP 0x%08x]` only when fUseBP was set, and
// misspelt UNKNOWN in its source, which the logs keep.
//
//===----------------------------------------------------------------------===//

/// The frame-pointer-omission data a listing printed for a frame.
public struct FPOSummary: Sendable, Hashable, Codable {
  /// DWORDs of parameters (`cdwParams`).
  public var parameterDwords: Int?
  /// DWORDs of locals (`cdwLocals`).
  public var localDwords: Int?
  /// Bytes of saved registers (`cbRegs`).
  public var savedRegisters: Int?
  /// The saved EBP printed as `[EBP 0x…]`, when the function used EBP.
  public var savedEBP: Address?

  /// Creates FPO data from the printed fields.
  public init(
    parameterDwords: Int? = nil, localDwords: Int? = nil, savedRegisters: Int? = nil,
    savedEBP: Address? = nil
  ) {
    self.parameterDwords = parameterDwords
    self.localDwords = localDwords
    self.savedRegisters = savedRegisters
    self.savedEBP = savedEBP
  }
}

/// A note a listing printed after a frame's symbol.
public enum FrameAnnotation: Sendable, Hashable, Codable {
  /// `(FPO: [p,l,r])`, optionally with `[EBP 0x…]`: the function omits the frame pointer.
  case fpo(FPOSummary)
  /// `(FPO: [p,l] TrapFrame @ addr)`: a kernel trap frame at `addr`.
  case trapFrame(FPOSummary, Address)
  /// `(FPO: [Non-Fpo])` or `(FPO: Non-FPO [p,l,r])`: a standard EBP frame.
  case nonFPO(FPOSummary?)
  /// `(FPO: [SEH])`: a frame with a structured exception handler.
  case sehFrame
  /// `(UKNOWN FPO TYPE)` (sic, from DrWtsn32): FPO data of a type it did not know.
  case unknownFPOType
  /// `(No FPO)`: no FPO data existed.
  case noFPO
  /// `[omap]`: the address was translated through an OMAP table.
  case omap
  /// `[Stdcall: n]`: a `__stdcall` function popping `n` bytes.
  case stdcall(Int)
  /// An argument list printed from private symbols: `(0x…, 0x…)`, `({...})`, `(...)`.
  case argumentList([String])
  /// Anything else the row carried, kept verbatim.
  case other(String)
  /// Not printed but inferred: no symbol covers the frame, and its function is named after
  /// the function its caller's call site enters (a learned map's `CALL_TARGET`).
  case namedByCallSite

  /// The annotation as a debugger would print it.
  public var displayText: String {
    switch self {
    case .fpo(let fpo): "(FPO: \(Self.fpoText(fpo)))"
    case .trapFrame(let fpo, let address):
      "(FPO: [\(fpo.parameterDwords ?? 0),\(fpo.localDwords ?? 0)] TrapFrame @ \(address.hexDigits(8)))"
    case .nonFPO(let fpo): fpo.map { "(FPO: Non-FPO \(Self.tripleText($0)))" } ?? "(FPO: [Non-Fpo])"
    case .sehFrame: "(FPO: [SEH])"
    case .unknownFPOType: "(UKNOWN FPO TYPE)"
    case .noFPO: "(No FPO)"
    case .omap: "[omap]"
    case .stdcall(let bytes): "[Stdcall: \(bytes)]"
    case .argumentList(let arguments): "(" + arguments.joined(separator: ", ") + ")"
    case .other(let text): text
    case .namedByCallSite: "[named by its call site]"
    }
  }

  private static func fpoText(_ fpo: FPOSummary) -> String {
    let triple = tripleText(fpo)
    guard let ebp = fpo.savedEBP else { return triple }
    return "[EBP 0x\(ebp.hexDigits(8))] " + triple
  }

  private static func tripleText(_ fpo: FPOSummary) -> String {
    let fields = [fpo.parameterDwords, fpo.localDwords, fpo.savedRegisters].compactMap { $0 }
    return "[" + fields.map(String.init).joined(separator: ",") + "]"
  }
}
