//===--- MinidumpStreamType.swift - The stream directory's type numbers ----===//
//
// From DbgHelp's MINIDUMP_STREAM_TYPE and Breakpad's minidump_format.h
// (docs/formats.md §8). Unknown types are kept as numbers.
//
//===----------------------------------------------------------------------===//

/// A minidump stream type.
public struct MinidumpStreamType: RawRepresentable, Hashable, Sendable, CustomStringConvertible {
  /// The number in the directory.
  public var rawValue: UInt32
  /// Wraps a number.
  public init(rawValue: UInt32) { self.rawValue = rawValue }

  /// An unused directory slot.
  public static let unused = Self(rawValue: 0)
  /// MINIDUMP_THREAD_LIST.
  public static let threadList = Self(rawValue: 3)
  /// MINIDUMP_MODULE_LIST.
  public static let moduleList = Self(rawValue: 4)
  /// MINIDUMP_MEMORY_LIST.
  public static let memoryList = Self(rawValue: 5)
  /// MINIDUMP_EXCEPTION_STREAM.
  public static let exception = Self(rawValue: 6)
  /// MINIDUMP_SYSTEM_INFO.
  public static let systemInfo = Self(rawValue: 7)
  /// MINIDUMP_MEMORY64_LIST.
  public static let memory64List = Self(rawValue: 9)
  /// MINIDUMP_UNLOADED_MODULE_LIST.
  public static let unloadedModuleList = Self(rawValue: 14)
  /// MINIDUMP_MISC_INFO.
  public static let miscInfo = Self(rawValue: 15)
  /// MINIDUMP_THREAD_NAME_LIST.
  public static let threadNames = Self(rawValue: 24)
  /// Breakpad's dump-thread and requesting-thread ids.
  public static let breakpadInfo = Self(rawValue: 0x4767_0001)
  /// Breakpad on Linux: /proc/cpuinfo.
  public static let linuxCPUInfo = Self(rawValue: 0x4767_0003)
  /// Breakpad on Linux: /proc/PID/status.
  public static let linuxProcStatus = Self(rawValue: 0x4767_0004)
  /// Breakpad on Linux: /etc/lsb-release.
  public static let linuxLSBRelease = Self(rawValue: 0x4767_0005)
  /// Breakpad on Linux: /proc/PID/cmdline (the arguments, each ended by a NUL).
  public static let linuxCommandLine = Self(rawValue: 0x4767_0006)
  /// Breakpad on Linux: /proc/PID/environ.
  public static let linuxEnvironment = Self(rawValue: 0x4767_0007)
  /// Breakpad on Linux: /proc/PID/auxv.
  public static let linuxAuxv = Self(rawValue: 0x4767_0008)
  /// Breakpad/Crashpad on Linux: /proc/PID/maps.
  public static let linuxMaps = Self(rawValue: 0x4767_0009)
  /// Breakpad on Linux: the dynamic linker's list (r_debug and its link_map entries).
  public static let linuxDSODebug = Self(rawValue: 0x4767_000A)

  /// The name Breakpad's minidump_dump prints.
  public var description: String {
    switch self {
    case .unused: "MD_UNUSED_STREAM"
    case .threadList: "MD_THREAD_LIST_STREAM"
    case .moduleList: "MD_MODULE_LIST_STREAM"
    case .memoryList: "MD_MEMORY_LIST_STREAM"
    case .exception: "MD_EXCEPTION_STREAM"
    case .systemInfo: "MD_SYSTEM_INFO_STREAM"
    case .memory64List: "MD_MEMORY_64_LIST_STREAM"
    case .unloadedModuleList: "MD_UNLOADED_MODULE_LIST_STREAM"
    case .miscInfo: "MD_MISC_INFO_STREAM"
    case .threadNames: "MD_THREAD_NAME_LIST_STREAM"
    case .breakpadInfo: "MD_BREAKPAD_INFO_STREAM"
    case .linuxCPUInfo: "MD_LINUX_CPU_INFO"
    case .linuxProcStatus: "MD_LINUX_PROC_STATUS"
    case .linuxLSBRelease: "MD_LINUX_LSB_RELEASE"
    case .linuxCommandLine: "MD_LINUX_CMD_LINE"
    case .linuxEnvironment: "MD_LINUX_ENVIRON"
    case .linuxAuxv: "MD_LINUX_AUXV"
    case .linuxMaps: "MD_LINUX_MAPS"
    case .linuxDSODebug: "MD_LINUX_DSO_DEBUG"
    case .crashpadInfo: "MD_CRASHPAD_INFO_STREAM"
    default: "0x" + String(rawValue, radix: 16)
    }
  }
}

/// `MINIDUMP_SYSTEM_INFO.ProcessorArchitecture` values.
public enum ProcessorArchitecture {
  /// The name for a value (INTEL 0, ALPHA 2, ALPHA64 7, AMD64 9, ARM64 12 …), or nil.
  public static func name(_ value: UInt16) -> String? {
    switch value {
    case 0: "x86"
    case 1: "mips"
    case 2: "alpha"
    case 3: "ppc"
    case 4: "shx"
    case 5: "arm"
    case 6: "ia64"
    case 7: "alpha64"
    case 8: "msil"
    case 9: "amd64"
    case 10: "ia32-on-win64"
    case 11: "neutral"
    case 12: "arm64"
    case 0xFFFF: "unknown"
    default: nil
    }
  }
}
