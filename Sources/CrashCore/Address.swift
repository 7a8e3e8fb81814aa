//===--- Address.swift - An address in the crashed process ------------------===//
//
// An address is a number in *another* process's address space: it is never a
// pointer and is never dereferenced. It is an opaque 64-bit value that prints
// as hexadecimal the way the debuggers of the time did.
//
//===----------------------------------------------------------------------===//

/// An address in the address space of the process or system that crashed.
///
/// Addresses are values, not pointers: they may refer to memory that only
/// exists in a dump or a log. 32-bit addresses are stored zero-extended.
public struct Address: RawRepresentable, Hashable, Comparable, Sendable, Codable {
  /// The address as an unsigned 64-bit number.
  public var rawValue: UInt64

  /// Creates an address from its numeric value.
  public init(rawValue: UInt64) { self.rawValue = rawValue }

  /// Creates an address from its numeric value.
  public init(_ value: UInt64) { self.rawValue = value }

  /// Orders addresses numerically.
  public static func < (lhs: Address, rhs: Address) -> Bool { lhs.rawValue < rhs.rawValue }

  /// Whether the address fits in 32 bits.
  public var is32Bit: Bool { rawValue <= UInt64(UInt32.max) }

  /// The address `distance` bytes lower, or `nil` when that would wrap below zero.
  public func subtracting(_ distance: UInt64) -> Address? {
    let (value, overflow) = rawValue.subtractingReportingOverflow(distance)
    return overflow ? nil : Address(value)
  }

  /// The address `distance` bytes higher, or `nil` when that would wrap past 2⁶⁴.
  public func adding(_ distance: UInt64) -> Address? {
    let (value, overflow) = rawValue.addingReportingOverflow(distance)
    return overflow ? nil : Address(value)
  }

  /// The address as lower-case hex digits, zero-padded to `digits` (no `0x`).
  public func hexDigits(_ digits: Int) -> String {
    HexFormat.digits(rawValue, width: digits)
  }
}

extension Address: CustomStringConvertible {
  /// `0x` and 8 hex digits for 32-bit values, 16 otherwise.
  public var description: String { "0x" + hexDigits(is32Bit ? 8 : 16) }
}

/// Hexadecimal formatting shared by the model and the report writers.
public enum HexFormat {
  /// `value` as lower-case hex digits, left-padded with zeros to `width`.
  public static func digits(_ value: UInt64, width: Int) -> String {
    IntegerText.text(negative: false, magnitude: value, radix: 16, minimumDigits: width)
  }

  /// `value` as `0x` and lower-case hex digits without padding (`0x25`).
  public static func prefixed(_ value: UInt64) -> String { "0x" + IntegerText.text(value, radix: 16) }
}
