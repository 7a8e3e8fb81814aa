//===--- X86Register.swift - The i386 registers of the NT CONTEXT -----------===//
//
// Raw values are byte offsets in the i386 `CONTEXT` (winnt.h; Breakpad's
// `MDRawContextX86`): ContextFlags 0x00, Dr0–Dr3/Dr6/Dr7 0x04–0x18, FloatSave
// 0x1C (112 bytes), SegGs 0x8C … SegSs 0xC8, ExtendedRegisters 0xCC (512 bytes).
// The cases are listed in CONTEXT order.
//
//===----------------------------------------------------------------------===//

/// An i386 register, numbered by its offset in the Windows NT `CONTEXT`.
public enum X86Register: Int, CPURegister {
  /// Debug address register 0.
  case dr0 = 0x04
  /// Debug address register 1.
  case dr1 = 0x08
  /// Debug address register 2.
  case dr2 = 0x0C
  /// Debug address register 3.
  case dr3 = 0x10
  /// Debug status register.
  case dr6 = 0x14
  /// Debug control register.
  case dr7 = 0x18
  /// GS segment selector.
  case segGs = 0x8C
  /// FS segment selector (the TEB on NT).
  case segFs = 0x90
  /// ES segment selector.
  case segEs = 0x94
  /// DS segment selector.
  case segDs = 0x98
  /// EDI.
  case edi = 0x9C
  /// ESI.
  case esi = 0xA0
  /// EBX.
  case ebx = 0xA4
  /// EDX.
  case edx = 0xA8
  /// ECX.
  case ecx = 0xAC
  /// EAX.
  case eax = 0xB0
  /// EBP, the frame pointer of a standard frame.
  case ebp = 0xB4
  /// EIP, the instruction pointer.
  case eip = 0xB8
  /// CS segment selector.
  case segCs = 0xBC
  /// EFLAGS.
  case eflags = 0xC0
  /// ESP, the stack pointer.
  case esp = 0xC4
  /// SS segment selector.
  case segSs = 0xC8

  /// Size of `CONTEXT` without `ExtendedRegisters` (NT 4.0 RTM and earlier).
  public static let contextSize = 0xCC
  /// Size of `CONTEXT` with the 512-byte `ExtendedRegisters` area.
  public static let extendedContextSize = 0x2CC

  /// The name debuggers print (`eax`, `cs`, `efl`).
  public var name: String {
    switch self {
    case .dr0: "dr0"
    case .dr1: "dr1"
    case .dr2: "dr2"
    case .dr3: "dr3"
    case .dr6: "dr6"
    case .dr7: "dr7"
    case .segGs: "gs"
    case .segFs: "fs"
    case .segEs: "es"
    case .segDs: "ds"
    case .edi: "edi"
    case .esi: "esi"
    case .ebx: "ebx"
    case .edx: "edx"
    case .ecx: "ecx"
    case .eax: "eax"
    case .ebp: "ebp"
    case .eip: "eip"
    case .segCs: "cs"
    case .eflags: "efl"
    case .esp: "esp"
    case .segSs: "ss"
    }
  }

  /// Every register slot in `CONTEXT` is a DWORD.
  public var byteWidth: Int { 4 }

  /// EIP.
  public static var instructionPointer: X86Register { .eip }
  /// ESP.
  public static var stackPointer: X86Register { .esp }
  /// EBP.
  public static var framePointer: X86Register? { .ebp }
  /// None: x86 calls push the return address on the stack.
  public static var returnAddress: X86Register? { nil }

  /// Accepts the spellings of ntsd/kd (`efl`), WinDbg (`EFL`), Windows 9x
  /// (`EFLGS`) and the CONTEXT field names (`SegCs`, `EFlags`).
  public init?(name: String) {
    switch name.lowercased() {
    case "dr0": self = .dr0
    case "dr1": self = .dr1
    case "dr2": self = .dr2
    case "dr3": self = .dr3
    case "dr6": self = .dr6
    case "dr7": self = .dr7
    case "gs", "seggs": self = .segGs
    case "fs", "segfs": self = .segFs
    case "es", "seges": self = .segEs
    case "ds", "segds": self = .segDs
    case "edi": self = .edi
    case "esi": self = .esi
    case "ebx": self = .ebx
    case "edx": self = .edx
    case "ecx": self = .ecx
    case "eax": self = .eax
    case "ebp": self = .ebp
    case "eip": self = .eip
    case "cs", "segcs": self = .segCs
    case "efl", "eflags", "eflgs": self = .eflags
    case "esp": self = .esp
    case "ss", "segss": self = .segSs
    default: return nil
    }
  }
}
