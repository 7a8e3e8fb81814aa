//===--- BugCheck.swift - A Windows NT STOP error ---------------------------===//
//
// `*** STOP: 0x0000000A (0x00000000,0x00000002,0x00000000,0x80100000)` and the
// kernel debugger's `Bugcheck 0000001e : c0000005 801704a7 …`. Names are those of
// the Windows bug check code reference; a name printed beside the code wins.
//
//===----------------------------------------------------------------------===//

/// A bug check (blue screen, STOP error) with its four parameters.
public struct BugCheck: Sendable, Hashable, Codable {
  /// The bug check code.
  public var code: UInt32
  /// The parameters in order; `nil` where the text masked a value (`0xXXXXXXXX`).
  public var parameters: [UInt64?]
  /// The symbolic name (`IRQL_NOT_LESS_OR_EQUAL`), printed or from the table.
  public var name: String?
  /// Where the input printed it.
  public var lines: LineRange?

  /// Creates a bug check; the name falls back to the table of known codes.
  public init(code: UInt32, parameters: [UInt64?], name: String? = nil, lines: LineRange? = nil) {
    self.code = code
    self.parameters = parameters
    self.name = name ?? BugCheck.knownNames[code]
    self.lines = lines
  }

  /// Names of well-known bug check codes.
  public static let knownNames: [UInt32: String] = [
    0x01: "APC_INDEX_MISMATCH",
    0x0A: "IRQL_NOT_LESS_OR_EQUAL",
    0x19: "BAD_POOL_HEADER",
    0x1A: "MEMORY_MANAGEMENT",
    0x1E: "KMODE_EXCEPTION_NOT_HANDLED",
    0x23: "FAT_FILE_SYSTEM",
    0x24: "NTFS_FILE_SYSTEM",
    0x27: "RDR_FILE_SYSTEM",
    0x2B: "PANIC_STACK_SWITCH",
    0x2E: "DATA_BUS_ERROR",
    0x35: "NO_MORE_IRP_STACK_LOCATIONS",
    0x3F: "NO_MORE_SYSTEM_PTES",
    0x44: "MULTIPLE_IRP_COMPLETE_REQUESTS",
    0x4E: "PFN_LIST_CORRUPT",
    0x50: "PAGE_FAULT_IN_NONPAGED_AREA",
    0x51: "REGISTRY_ERROR",
    0x58: "FTDISK_INTERNAL_ERROR",
    0x5C: "HAL_INITIALIZATION_FAILED",
    0x67: "CONFIG_INITIALIZATION_FAILED",
    0x69: "IO1_INITIALIZATION_FAILED",
    0x6B: "PROCESS1_INITIALIZATION_FAILED",
    0x74: "BAD_SYSTEM_CONFIG_INFO",
    0x77: "KERNEL_STACK_INPAGE_ERROR",
    0x79: "MISMATCHED_HAL",
    0x7A: "KERNEL_DATA_INPAGE_ERROR",
    0x7B: "INACCESSIBLE_BOOT_DEVICE",
    0x7F: "UNEXPECTED_KERNEL_MODE_TRAP",
    0x80: "NMI_HARDWARE_FAILURE",
    0x8E: "KERNEL_MODE_EXCEPTION_NOT_HANDLED",
    0x93: "INVALID_KERNEL_HANDLE",
    0x9F: "DRIVER_POWER_STATE_FAILURE",
    0xBE: "ATTEMPTED_WRITE_TO_READONLY_MEMORY",
    0xC2: "BAD_POOL_CALLER",
    0xC4: "DRIVER_VERIFIER_DETECTED_VIOLATION",
    0xD1: "DRIVER_IRQL_NOT_LESS_OR_EQUAL",
    0xE2: "MANUALLY_INITIATED_CRASH",
    0xEA: "THREAD_STUCK_IN_DEVICE_DRIVER",
    0xF4: "CRITICAL_OBJECT_TERMINATION",
    0xC000_021A: "STATUS_SYSTEM_PROCESS_TERMINATED",
    0xC000_0218: "STATUS_CANNOT_LOAD_REGISTRY_FILE",
    0xC000_0221: "STATUS_IMAGE_CHECKSUM_MISMATCH",
  ]
}
