//===--- AMD64Register.swift - The x64 registers of the Windows CONTEXT ------===//
//
// Raw values are byte offsets in the Windows x64 `CONTEXT` (winnt.h; Breakpad's
// MDRawContextAMD64 has the same layout, also on Linux): ContextFlags 0x30
// (CONTEXT_AMD64 = 0x00100000), EFlags 0x44, Rax 0x78 … R15 0xF0, Rip 0xF8;
// 0x4D0 bytes in all.
//
//===----------------------------------------------------------------------===//

/// An x86-64 register, numbered by its offset in the Windows x64 `CONTEXT`.
public enum AMD64Register: Int, CPURegister {
  /// Flags (a DWORD slot).
  case eflags = 0x44
  /// rax.
  case rax = 0x78
  /// rcx.
  case rcx = 0x80
  /// rdx.
  case rdx = 0x88
  /// rbx.
  case rbx = 0x90
  /// rsp.
  case rsp = 0x98
  /// rbp.
  case rbp = 0xA0
  /// rsi.
  case rsi = 0xA8
  /// rdi.
  case rdi = 0xB0
  /// r8.
  case r8 = 0xB8
  /// r9.
  case r9 = 0xC0
  /// r10.
  case r10 = 0xC8
  /// r11.
  case r11 = 0xD0
  /// r12.
  case r12 = 0xD8
  /// r13.
  case r13 = 0xE0
  /// r14.
  case r14 = 0xE8
  /// r15.
  case r15 = 0xF0
  /// rip.
  case rip = 0xF8

  /// Size of the x64 `CONTEXT`.
  public static let contextSize = 0x4D0
  /// `CONTEXT_AMD64`.
  public static let contextFlag: UInt32 = 0x0010_0000

  /// The name debuggers print (`rax`, `efl`).
  public var name: String {
    switch self {
    case .eflags: "efl"
    case .rax: "rax"
    case .rcx: "rcx"
    case .rdx: "rdx"
    case .rbx: "rbx"
    case .rsp: "rsp"
    case .rbp: "rbp"
    case .rsi: "rsi"
    case .rdi: "rdi"
    case .r8: "r8"
    case .r9: "r9"
    case .r10: "r10"
    case .r11: "r11"
    case .r12: "r12"
    case .r13: "r13"
    case .r14: "r14"
    case .r15: "r15"
    case .rip: "rip"
    }
  }

  /// EFlags is a DWORD; the general registers are QWORDs.
  public var byteWidth: Int { self == .eflags ? 4 : 8 }

  /// RIP.
  public static var instructionPointer: AMD64Register { .rip }
  /// RSP.
  public static var stackPointer: AMD64Register { .rsp }
  /// RBP.
  public static var framePointer: AMD64Register? { .rbp }
  /// None: calls push the return address on the stack.
  public static var returnAddress: AMD64Register? { nil }

  /// Looks a register up by name (`rip`, `efl`, `eflags`).
  public init?(name: String) {
    let lower = name.lowercased()
    if lower == "eflags" {
      self = .eflags
      return
    }
    guard let match = Self.allCases.first(where: { $0.name == lower }) else { return nil }
    self = match
  }
}
