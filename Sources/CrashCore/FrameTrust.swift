//===--- FrameTrust.swift - How a frame was found ---------------------------===//
//
// Every frame says how it was found, from most to least trustworthy, as Breakpad
// (`StackFrame::FrameTrust`) and rust-minidump (`FrameTrust`) do. Frames decoded
// from a listing are `text`: a debugger or Dr. Watson already walked the stack
// and we only read what it printed.
//
//===----------------------------------------------------------------------===//

/// How a stack frame was found.
public enum FrameTrust: String, Sendable, Hashable, CaseIterable, Codable {
  /// From the thread's register context (the innermost frame).
  case context
  /// Recovered with call-frame information (`STACK CFI`).
  case cfi
  /// Recovered with Windows frame data (`STACK WIN`: FPO or frame-data programs).
  case frameData = "frame_data"
  /// Unwind data gave a return address outside every module, and a scan from there found one.
  case frameDataScan = "frame_data_scan"
  /// The caller of a leaf function, from the return-address register (Alpha `ra`).
  case returnAddressRegister = "ra_register"
  /// Recovered by following the frame-pointer chain.
  case framePointer = "frame_pointer"
  /// Found by scanning stack memory for something that looks like a return address.
  case scan
  /// Read from a stack listing that a debugger or Dr. Watson printed.
  case text
  /// Nothing is known about how the frame was found.
  case none

  /// A short phrase for listings ("found by …").
  public var phrase: String {
    switch self {
    case .context: "given as instruction pointer in context"
    case .cfi: "call frame info"
    case .frameData: "frame data (STACK WIN)"
    case .frameDataScan: "frame data with scanning"
    case .returnAddressRegister: "the return-address register (leaf function)"
    case .framePointer: "previous frame's frame pointer"
    case .scan: "stack scanning"
    case .text: "decoded from a listing"
    case .none: "unknown"
    }
  }

  /// The phrase Breakpad's minidump_stackwalk prints ("Found by: …"), which calls
  /// both STACK WIN and STACK CFI "call frame info".
  public var breakpadPhrase: String {
    switch self {
    case .cfi, .frameData: "call frame info"
    case .frameDataScan: "call frame info with scanning"
    default: phrase
    }
  }
}
