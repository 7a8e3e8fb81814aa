//===--- MinidumpRecords.swift - What the streams hold ------------------------===//
//
// Plain values read from a dump's streams (layouts: DbgHelp minidumpapiset.h,
// Breakpad minidump_format.h). Nothing here points into the file except RVAs.
//
//===----------------------------------------------------------------------===//

import CrashCore

/// A location in the file: size and RVA (MINIDUMP_LOCATION_DESCRIPTOR).
public struct MinidumpLocation: Sendable, Hashable {
  /// Bytes.
  public var size: UInt32
  /// Offset from the start of the file.
  public var rva: UInt32
}

/// One stream directory entry.
public struct MinidumpDirectoryEntry: Sendable, Hashable {
  /// The stream type.
  public var type: MinidumpStreamType
  /// Where it is.
  public var location: MinidumpLocation
}

/// MINIDUMP_SYSTEM_INFO.
public struct MinidumpSystemInfo: Sendable, Hashable {
  /// `ProcessorArchitecture` as stored.
  public var processorArchitecture: UInt16
  /// `ProcessorLevel`.
  public var processorLevel: UInt16
  /// `ProcessorRevision`.
  public var processorRevision: UInt16
  /// `NumberOfProcessors`.
  public var processorCount: UInt8
  /// `ProductType` (1 workstation, 2 domain controller, 3 server).
  public var productType: UInt8
  /// Major, minor and build of the OS.
  public var majorVersion: UInt32
  /// Minor version.
  public var minorVersion: UInt32
  /// Build number.
  public var buildNumber: UInt32
  /// `PlatformId` (2 = Windows NT).
  public var platformID: UInt32
  /// The service pack text (`Service Pack 2`), when present.
  public var servicePack: String?
  /// The x86 CPU vendor (`GenuineIntel`), when present.
  public var cpuVendor: String?

  /// The architecture, decoded (unknown values keep their number in `processorArchitecture`).
  public var architecture: Architecture {
    switch processorArchitecture {
    case 0: .x86
    case 2: .alpha
    case 7: .alpha64
    case 9: .amd64
    case 12, 0x8003: .arm64  // 0x8003: Breakpad's MD_CPU_ARCHITECTURE_ARM64_OLD
    case 5: .arm
    case 1: .mips
    case 3: .ppc
    case 0x8006: .riscv64  // Breakpad's MD_CPU_ARCHITECTURE_RISCV64 (Crashpad's too)
    default: .unknown
    }
  }

  /// The platform's name (Breakpad's platform ids for non-Windows dumps included).
  public var platformName: String {
    switch platformID {
    case 1: "Windows 9x"
    case 2: "Windows NT"
    case 0x8000: "Unix"
    case 0x8101: "Mac OS X"
    case 0x8102: "iOS"
    case 0x8201: "Linux"
    case 0x8202: "Solaris"
    case 0x8203: "Android"
    case 0x8204: "PS3"
    case 0x8205: "NaCl"
    case 0x8206: "Fuchsia"
    default: "platform 0x\(String(platformID, radix: 16))"
    }
  }

  /// Whether the dump comes from a Windows system (exception codes are NTSTATUS values).
  public var isWindows: Bool { platformID <= 2 }

  /// Whether the dump comes from macOS or iOS (exception codes are Mach exception types).
  public var isApple: Bool { platformID == 0x8101 || platformID == 0x8102 }

  /// `Windows NT 5.1.2600 Service Pack 2`, `Linux 0.0.0 5.10.28 …` (Breakpad prints the same parts).
  public var operatingSystem: String {
    var text = "\(platformName) \(majorVersion).\(minorVersion).\(buildNumber)"
    if let servicePack, !servicePack.isEmpty { text += " " + servicePack }
    return text
  }
}

/// A memory range in the dump: where it was in the process and where its bytes are in the file.
public struct MinidumpMemoryRange: Sendable, Hashable {
  /// Start address in the process.
  public var start: UInt64
  /// Bytes.
  public var size: UInt64
  /// Offset of the bytes in the file.
  public var rva: UInt64
}

/// MINIDUMP_THREAD.
public struct MinidumpThread: Sendable, Hashable {
  /// The thread id.
  public var id: UInt32
  /// Suspend count.
  public var suspendCount: UInt32
  /// Priority class.
  public var priorityClass: UInt32
  /// Priority.
  public var priority: UInt32
  /// The thread environment block's address.
  public var teb: UInt64
  /// The stack memory.
  public var stack: MinidumpMemoryRange
  /// The CONTEXT record.
  public var context: MinidumpLocation
  /// The name from the thread-name stream, when present.
  public var name: String?
}

/// VS_FIXEDFILEINFO, the parts a report shows.
public struct MinidumpVersionInfo: Sendable, Hashable {
  /// `0xFEEF04BD` when present.
  public var signature: UInt32
  /// File version, high and low DWORDs.
  public var fileVersionHigh: UInt32
  /// Low DWORD.
  public var fileVersionLow: UInt32

  /// `5.1.2600.2180`, or nil when the record is empty or all zero.
  public var fileVersion: String? {
    guard signature == 0xFEEF_04BD, fileVersionHigh != 0 || fileVersionLow != 0 else { return nil }
    return "\(fileVersionHigh >> 16).\(fileVersionHigh & 0xFFFF).\(fileVersionLow >> 16).\(fileVersionLow & 0xFFFF)"
  }
}

/// MINIDUMP_MODULE with its name and CodeView record decoded.
public struct MinidumpModule: Sendable, Hashable {
  /// Load address.
  public var base: UInt64
  /// Image size.
  public var size: UInt32
  /// PE checksum.
  public var checksum: UInt32
  /// PE TimeDateStamp.
  public var timestamp: UInt32
  /// The code file's path.
  public var name: String
  /// Version information.
  public var version: MinidumpVersionInfo
  /// The debug file (`test_app.pdb`), from the CodeView record.
  public var debugFile: String?
  /// The debug identifier as Breakpad prints it (GUID and age in hex, upper case).
  public var debugIdentifier: String?
  /// The GNU build id (lower-case hex) of an ELF module, from a Breakpad ELF CodeView record.
  public var buildID: String? = nil
  /// The code identifier as Breakpad prints it: an ELF module's build id, else the
  /// timestamp and size in hex.
  public var codeIdentifier: String {
    buildID ?? String(timestamp, radix: 16, uppercase: true) + String(size, radix: 16)
  }

  /// The module in the report's vocabulary.
  public var codeModule: CodeModule {
    CodeModule(
      name: name, path: name, base: Address(base), size: UInt64(size), version: version.fileVersion,
      timestamp: timestamp, checksum: checksum, debugFile: debugFile.map(Self.lastComponent),
      debugIdentifier: debugIdentifier, buildID: buildID)
  }

  /// The last component of a Windows or POSIX path.
  public static func lastComponent(_ path: String) -> String {
    String(path.split(whereSeparator: { $0 == "\\" || $0 == "/" }).last ?? Substring(path))
  }
}

/// MINIDUMP_UNLOADED_MODULE.
public struct MinidumpUnloadedModule: Sendable, Hashable {
  /// Where it was loaded.
  public var base: UInt64
  /// Image size.
  public var size: UInt32
  /// PE checksum.
  public var checksum: UInt32
  /// PE TimeDateStamp.
  public var timestamp: UInt32
  /// The file name.
  public var name: String
}

/// MINIDUMP_EXCEPTION_STREAM.
public struct MinidumpException: Sendable, Hashable {
  /// The thread that raised it.
  public var threadID: UInt32
  /// `ExceptionCode`.
  public var code: UInt32
  /// `ExceptionFlags`.
  public var flags: UInt32
  /// `ExceptionAddress`.
  public var address: UInt64
  /// `ExceptionInformation[0 ..< NumberParameters]` (at most 15).
  public var parameters: [UInt64]
  /// The exception context.
  public var context: MinidumpLocation
}

/// MINIDUMP_MISC_INFO (the first fields).
public struct MinidumpMiscInfo: Sendable, Hashable {
  /// Which fields are valid (1 process id, 2 times).
  public var flags: UInt32
  /// The process id, when valid.
  public var processID: UInt32?
  /// Process creation time (seconds since 1970), when valid.
  public var processCreateTime: UInt32?
}

/// Breakpad's info stream: which thread wrote the dump, which asked for it.
public struct MinidumpBreakpadInfo: Sendable, Hashable {
  /// Validity bits (1 dump thread, 2 requesting thread).
  public var validity: UInt32
  /// The thread that wrote the dump (to be left out of reports).
  public var dumpThreadID: UInt32?
  /// The thread that crashed or asked for the dump.
  public var requestingThreadID: UInt32?
}
