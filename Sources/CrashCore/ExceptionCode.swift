//===--- ExceptionCode.swift - Win32 exception codes (NTSTATUS) -------------===//
//
// An open set: any 32-bit code is representable and prints as hex; the common
// ones have the names the Win32 headers give them (winnt.h `STATUS_*`,
// winbase.h `EXCEPTION_*`). Modelled as a RawRepresentable struct with static
// members, like swift-system's Errno, so unknown codes survive.
//
//===----------------------------------------------------------------------===//

/// A Windows exception code (an NTSTATUS value such as `0xc0000005`).
public struct ExceptionCode: RawRepresentable, Hashable, Sendable, CustomStringConvertible, Codable {
  /// The 32-bit code.
  public var rawValue: UInt32

  /// Creates a code from its value.
  public init(rawValue: UInt32) { self.rawValue = rawValue }

  /// `EXCEPTION_ACCESS_VIOLATION` (0xc0000005).
  public static let accessViolation = ExceptionCode(rawValue: 0xC000_0005)
  /// `EXCEPTION_BREAKPOINT` (0x80000003).
  public static let breakpoint = ExceptionCode(rawValue: 0x8000_0003)
  /// `EXCEPTION_STACK_OVERFLOW` (0xc00000fd).
  public static let stackOverflow = ExceptionCode(rawValue: 0xC000_00FD)

  /// The header name (`EXCEPTION_ACCESS_VIOLATION`), or `nil` for codes not in the table.
  public var name: String? { Self.names[rawValue] }

  /// `0xc0000005 EXCEPTION_ACCESS_VIOLATION`: the code, and its name when known.
  public var description: String {
    let hex = "0x" + HexFormat.digits(UInt64(rawValue), width: 8)
    return name.map { hex + " " + $0 } ?? hex
  }

  /// The code a header name stands for (`EXCEPTION_ACCESS_VIOLATION`), or `nil` for a name
  /// not in the table.
  public static func named(_ name: String) -> ExceptionCode? {
    codesByName[name].map(ExceptionCode.init(rawValue:))
  }

  private static let codesByName: [String: UInt32] = Dictionary(
    names.map { ($0.value, $0.key) }, uniquingKeysWith: { first, _ in first })

  /// The name when known, otherwise `0x` and 8 hex digits.
  public var displayText: String { name ?? "0x" + HexFormat.digits(UInt64(rawValue), width: 8) }

  private static let names: [UInt32: String] = [
    0x8000_0001: "EXCEPTION_GUARD_PAGE",
    0x8000_0002: "EXCEPTION_DATATYPE_MISALIGNMENT",
    0x8000_0003: "EXCEPTION_BREAKPOINT",
    0x8000_0004: "EXCEPTION_SINGLE_STEP",
    0xC000_0005: "EXCEPTION_ACCESS_VIOLATION",
    0xC000_0006: "EXCEPTION_IN_PAGE_ERROR",
    0xC000_0008: "EXCEPTION_INVALID_HANDLE",
    0xC000_0017: "STATUS_NO_MEMORY",
    0xC000_001D: "EXCEPTION_ILLEGAL_INSTRUCTION",
    0xC000_0025: "EXCEPTION_NONCONTINUABLE_EXCEPTION",
    0xC000_0026: "EXCEPTION_INVALID_DISPOSITION",
    0xC000_008C: "EXCEPTION_ARRAY_BOUNDS_EXCEEDED",
    0xC000_008D: "EXCEPTION_FLT_DENORMAL_OPERAND",
    0xC000_008E: "EXCEPTION_FLT_DIVIDE_BY_ZERO",
    0xC000_008F: "EXCEPTION_FLT_INEXACT_RESULT",
    0xC000_0090: "EXCEPTION_FLT_INVALID_OPERATION",
    0xC000_0091: "EXCEPTION_FLT_OVERFLOW",
    0xC000_0092: "EXCEPTION_FLT_STACK_CHECK",
    0xC000_0093: "EXCEPTION_FLT_UNDERFLOW",
    0xC000_0094: "EXCEPTION_INT_DIVIDE_BY_ZERO",
    0xC000_0095: "EXCEPTION_INT_OVERFLOW",
    0xC000_0096: "EXCEPTION_PRIV_INSTRUCTION",
    0xC000_00FD: "EXCEPTION_STACK_OVERFLOW",
    0xC000_0135: "STATUS_DLL_NOT_FOUND",
    0xC000_0142: "STATUS_DLL_INIT_FAILED",
    0xC000_0374: "STATUS_HEAP_CORRUPTION",
    0xC000_0409: "STATUS_STACK_BUFFER_OVERRUN",
    0xE06D_7363: "CPP_EH_EXCEPTION",
    // What WER summaries of today's programs carry most after those (ntstatus.h; the CLR's
    // corexcep.h for EXCEPTION_COMPLUS, .NET's exception raised through Windows; the debugger
    // documentation's MS_VC_EXCEPTION, which names a thread).
    0x4000_0015: "STATUS_FATAL_APP_EXIT",
    0x406D_1388: "MS_VC_EXCEPTION",
    0xC000_0028: "STATUS_BAD_STACK",
    0xC000_0194: "STATUS_POSSIBLE_DEADLOCK",
    0xC000_027B: "STATUS_STOWED_EXCEPTION",
    0xC000_041D: "STATUS_FATAL_USER_CALLBACK_EXCEPTION",
    0xC000_0417: "STATUS_INVALID_CRUNTIME_PARAMETER",
    0xC000_0420: "STATUS_ASSERTION_FAILURE",
    0xC000_0602: "STATUS_FAIL_FAST_EXCEPTION",
    0xE043_4352: "EXCEPTION_COMPLUS",
  ]
}
