//===--- CPURegister.swift - What every architecture's register enum offers -===//
//
// Each architecture has one enum of registers whose raw values are the byte
// offsets of the register in the Windows NT `CONTEXT` structure for that
// architecture, so the same enum names a register in a text dump and locates it
// in a minidump's context record.
//
//===----------------------------------------------------------------------===//

/// A register of one architecture, numbered by its offset in the NT `CONTEXT`.
public protocol CPURegister: CaseIterable, Hashable, Sendable, Codable, RawRepresentable
where RawValue == Int, AllCases == [Self] {
  /// The register's name as debuggers and Dr. Watson print it (`eax`, `ra`).
  var name: String { get }
  /// Size of the register's slot in `CONTEXT`, in bytes.
  var byteWidth: Int { get }
  /// The register that holds the address of the next instruction.
  static var instructionPointer: Self { get }
  /// The stack pointer.
  static var stackPointer: Self { get }
  /// The register conventionally used as the frame pointer, if any.
  static var framePointer: Self? { get }
  /// The register that holds a return address at function entry, if any.
  static var returnAddress: Self? { get }
  /// The registers that carry the first integer arguments, in order.
  static var argumentRegisters: [Self] { get }
  /// Looks a register up by any of the names dumps use for it (case-insensitive).
  init?(name: String)
}

extension CPURegister {
  /// Registers with no argument registers by convention (stack-based calls).
  public static var argumentRegisters: [Self] { [] }
}
