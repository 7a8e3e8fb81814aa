//===--- DebuggerAnalysis.swift - What !analyze -v concluded ----------------===//
//
// WinDbg's `!analyze -v` prints its conclusions as `KEY:  value` lines around
// the STACK_TEXT. Triage keeps the ones that name the crash: the bucket, the
// faulting symbol, module, image and process, the bug check or exception code,
// and the faulting instruction. They are the debugger's words, kept as printed.
//
//===----------------------------------------------------------------------===//

/// The fields of a `!analyze -v` text that triage uses.
public struct DebuggerAnalysis: Sendable, Hashable, Codable {
  /// `FAILURE_BUCKET_ID` (or `Failure.Bucket`): the debugger's bucket.
  public var failureBucketID: Optional<String>
  /// `SYMBOL_NAME`: the faulting symbol (`nt!KiFastFailDispatch+d0`).
  public var symbolName: Optional<String>
  /// `MODULE_NAME`.
  public var moduleName: Optional<String>
  /// `IMAGE_NAME`.
  public var imageName: Optional<String>
  /// `PROCESS_NAME`.
  public var processName: Optional<String>
  /// `BUGCHECK_CODE` (or the code of the bug check heading).
  public var bugCheckCode: Optional<UInt32>
  /// The bug check's name from the analysis heading (`KERNEL_SECURITY_CHECK_FAILURE (139)`).
  public var bugCheckName: Optional<String>
  /// `BUGCHECK_P1` … `BUGCHECK_P4`, in order; nil where not printed.
  public var bugCheckParameters: [UInt64?]
  /// `EXCEPTION_CODE` / `EXCEPTION_CODE_STR`.
  public var exceptionCode: Optional<UInt32>
  /// `FAULTING_IP`: the symbol of the faulting instruction.
  public var faultingIP: Optional<String>
  /// Where the fields were printed.
  public var lines: Optional<LineRange>

  /// An analysis with no field yet.
  public init() {
    failureBucketID = nil
    symbolName = nil
    moduleName = nil
    imageName = nil
    processName = nil
    bugCheckCode = nil
    bugCheckName = nil
    bugCheckParameters = [nil, nil, nil, nil]
    exceptionCode = nil
    faultingIP = nil
    lines = nil
  }

  /// One field as the debugger printed it.
  public enum Field: Sendable, Hashable, Codable {
    case failureBucketID(String)
    case symbolName(String)
    case moduleName(String)
    case imageName(String)
    case processName(String)
    case bugCheckCode(UInt32)
    /// The heading: name and code.
    case bugCheckHeading(name: String, code: UInt32)
    /// `BUGCHECK_P1` is index 0.
    case bugCheckParameter(index: Int, value: UInt64)
    case exceptionCode(UInt32)
    case faultingIP(String)
  }

  /// Sets `field`; the first value printed for a field wins (later `!analyze` runs repeat them).
  public mutating func record(_ field: Field, line: Int) {
    switch field {
    case .failureBucketID(let value): if failureBucketID == nil { failureBucketID = value }
    case .symbolName(let value): if symbolName == nil { symbolName = value }
    case .moduleName(let value): if moduleName == nil { moduleName = value }
    case .imageName(let value): if imageName == nil { imageName = value }
    case .processName(let value): if processName == nil { processName = value }
    case .bugCheckCode(let value): if bugCheckCode == nil { bugCheckCode = value }
    case .bugCheckHeading(let name, let code):
      if bugCheckCode == nil { bugCheckCode = code }
      if bugCheckName == nil, bugCheckCode == code { bugCheckName = name }
    case .bugCheckParameter(let index, let value):
      if (0..<4).contains(index), bugCheckParameters[index] == nil { bugCheckParameters[index] = value }
    case .exceptionCode(let value): if exceptionCode == nil { exceptionCode = value }
    case .faultingIP(let value): if faultingIP == nil { faultingIP = value }
    }
    lines = lines.map { $0.including(line) } ?? LineRange(line: line)
  }
}
