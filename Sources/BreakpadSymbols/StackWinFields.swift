//===--- StackWinFields.swift - The numbers of a STACK WIN record -----------===//
//
// `STACK WIN type rva code_size prologue_size epilogue_size parameter_size
// saved_register_size local_size max_stack_size has_program_string
// program_string_OR_allocates_base_pointer` (Breakpad's symbol_files.md): ten
// hexadecimal numbers, then a program string when has_program_string is not
// zero, else one more number. This is the byte-by-byte reader, the reference;
// CSymbolLines' symbol_stack_win_fields checks the usual record 32 bytes at a
// time and leaves every other to this.
//
//===----------------------------------------------------------------------===//

/// Reads the numbered fields of a STACK WIN record.
enum StackWinFields {
  /// The record's type, address and size, with the cursor just after `STACK WIN`; or the reason
  /// it is damaged.
  static func parse(_ cursor: inout RecordCursor) -> Result<(type: UInt64, address: UInt64, size: UInt64), Damage> {
    guard let type = cursor.hex(), type <= 4, let address = cursor.hex(), let size = cursor.hex(),
      address &+ size >= address
    else { return .failure(Damage("STACK WIN record needs a type 0–4, an address and a size")) }
    // Six more numbers, then has_program_string, then a program string or the allocates-base-
    // pointer flag.
    for _ in 0..<6 where cursor.hex() == nil {
      return .failure(Damage("STACK WIN record is missing fields"))
    }
    guard let hasProgram = cursor.hex() else { return .failure(Damage("STACK WIN record is missing fields")) }
    if hasProgram != 0 ? cursor.rest() == nil : cursor.hex() == nil {
      return .failure(Damage("STACK WIN record has no program string or base-pointer flag"))
    }
    return .success((type, address, size))
  }

  /// Why a record was refused.
  struct Damage: Error {
    let message: String
    init(_ message: String) { self.message = message }
  }
}
