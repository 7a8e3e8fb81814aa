//===--- StackSection.swift - Labelled stack memory for tests ----------------===//
//
// Builds the bytes of a stack the way a test states them: values and labels
// in address order, with references to labels resolved when the section is
// finished. So a test says "frame 1's saved EBP points at frame 2's record"
// instead of computing addresses by hand.
//
//   var stack = StackSection(base: 0x8000_0000)
//   stack.d32(0x1111_2222)          // a local
//   stack.mark("frame1")            // frame 1's record starts here
//   stack.d32(label: "frame2")      // saved EBP → frame 2
//   stack.d32(0x0040_1234)          // return address
//
//===----------------------------------------------------------------------===//

/// Stack memory built in address order, with labels.
public struct StackSection {
  /// The address of the first byte.
  public let base: UInt64
  /// The bytes so far.
  public private(set) var bytes: [UInt8] = []
  private var labels: [String: UInt64] = [:]
  private var fixups: [(offset: Int, label: String, width: Int, addend: Int64)] = []

  /// An empty section starting at `base`.
  public init(base: UInt64) {
    self.base = base
  }

  /// The address the next byte will have.
  public var here: UInt64 { base + UInt64(bytes.count) }

  /// Names the current address.
  public mutating func mark(_ label: String) {
    precondition(labels[label] == nil, "label \(label) marked twice")
    labels[label] = here
  }

  /// The address of a marked label.
  public func address(of label: String) -> UInt64 {
    guard let address = labels[label] else { preconditionFailure("no label \(label)") }
    return address
  }

  /// A 32-bit little-endian value.
  public mutating func d32(_ value: UInt32) {
    for shift in stride(from: 0, to: 32, by: 8) { bytes.append(UInt8(truncatingIfNeeded: value >> UInt32(shift))) }
  }

  /// A 64-bit little-endian value.
  public mutating func d64(_ value: UInt64) {
    for shift in stride(from: 0, to: 64, by: 8) { bytes.append(UInt8(truncatingIfNeeded: value >> UInt64(shift))) }
  }

  /// The 32-bit address of `label` (plus `addend`), filled in by `finished()`.
  public mutating func d32(label: String, plus addend: Int64 = 0) {
    fixups.append((bytes.count, label, 4, addend))
    d32(0)
  }

  /// The 64-bit address of `label` (plus `addend`), filled in by `finished()`.
  public mutating func d64(label: String, plus addend: Int64 = 0) {
    fixups.append((bytes.count, label, 8, addend))
    d64(0)
  }

  /// `count` copies of `byte`.
  public mutating func fill(_ count: Int, with byte: UInt8 = 0) {
    bytes += [UInt8](repeating: byte, count: count)
  }

  /// Pads with `byte` up to `address`.
  public mutating func pad(to address: UInt64, with byte: UInt8 = 0) {
    precondition(address >= here, "cannot pad backwards")
    fill(Int(address - here), with: byte)
  }

  /// The bytes with every label reference resolved.
  public func finished() -> [UInt8] {
    var result = bytes
    for fixup in fixups {
      let value = UInt64(bitPattern: Int64(bitPattern: address(of: fixup.label)) &+ fixup.addend)
      for index in 0..<fixup.width { result[fixup.offset + index] = UInt8(truncatingIfNeeded: value >> UInt64(index * 8)) }
    }
    return result
  }
}
