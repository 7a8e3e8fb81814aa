//===--- TailCallFrame.swift - A function that left by a tail call ----------===//
//
// A function that ends by jumping to another (`jmp f` instead of `call f; ret`)
// leaves no frame: the callee returns straight to its caller's caller. DWARF's
// call sites (DW_TAG_call_site, DW_TAG_GNU_call_site) record which function a
// call reached and which calls were tail calls, so the missing functions can be
// put back between a frame and its caller when tail calls lead from the
// call's target to the frame's function, as gdb shows them ("tail-call
// frames").
//
//===----------------------------------------------------------------------===//

/// A function with no frame of its own that reached the next frame's function by a tail call.
public struct TailCallFrame: Sendable, Hashable, Codable {
  /// Where its tail call left it: the address after the jump, as gdb prints such a frame's pc.
  public var address: Address
  /// The function and its source position at the jump (inlined calls first, as a lookup gives them).
  public var lookup: SymbolLookup
  /// Bytes from the function's start to `address`.
  public var offset: UInt64

  /// Creates a tail-call frame.
  public init(address: Address, lookup: SymbolLookup, offset: UInt64) {
    self.address = address
    self.lookup = lookup
    self.offset = offset
  }
}
