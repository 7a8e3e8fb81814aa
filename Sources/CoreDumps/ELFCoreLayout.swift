//===--- ELFCoreLayout.swift - ELF32's and ELF64's field widths ---------------===//
//
// A 64-bit core's headers and notes hold 8-byte addresses, offsets and
// `long`s; a 32-bit core's (x86, 32-bit ARM) 4-byte ones, and its notes'
// structures are laid out with them (elf_prstatus: pr_pid at 24, not 32; the
// registers at 72, not 112). Every read of such a field goes through here.
//
//===----------------------------------------------------------------------===//

import ByteReading

/// The widths of a core's address-sized fields.
struct ELFCoreLayout: Sendable {
  /// Whether the core is ELF64.
  let is64Bit: Bool

  /// Bytes in an address, an offset or a `long`.
  var wordSize: UInt64 { is64Bit ? 8 : 4 }

  /// The address-sized field at `offset`, widened.
  func word(_ reader: ByteReader, at offset: UInt64, _ what: @autoclosure () -> String) throws(ReadError) -> UInt64 {
    is64Bit ? try reader.read(UInt64.self, at: offset, what()) : UInt64(try reader.read(UInt32.self, at: offset, what()))
  }

  /// The address-sized field at `offset` of `bytes`, widened (the caller checked the length).
  func word(_ bytes: UnsafeRawBufferPointer, at offset: Int) -> UInt64 {
    is64Bit ? bytes.loadUnaligned(fromByteOffset: offset, as: UInt64.self)
      : UInt64(bytes.loadUnaligned(fromByteOffset: offset, as: UInt32.self))
  }
}
