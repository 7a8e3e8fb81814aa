//===--- ParameterSource.swift - Where a frame's parameters came from -------===//
//
// x86 listings print the DWORDs at [EBP+8], [EBP+0xC], … (imagehlp's
// GetFunctionParameters): stack slots that are the arguments only when the
// callee has a standard frame and takes that many stack arguments. On the RISC
// ports the same columns are a0–a3 of the virtually unwound context (walkalp.c),
// so they are hints, not facts. A debugger with private symbols prints the real
// argument list. On amd64 and arm64, `kb` prints the four home-space slots above
// the return address: the register arguments only if the callee spilled them
// there. The source is kept so nobody over-reads a column.
//
//===----------------------------------------------------------------------===//

/// Where the values in a frame's `parameters` came from.
public enum ParameterSource: String, Sendable, Hashable, Codable {
  /// Stack slots above the frame pointer (`[EBP+8]`, `[EBP+0xC]`, …).
  case stack
  /// Argument registers of the unwound context (Alpha `a0`–`a3`): hints only.
  case registers
  /// An argument list the debugger printed from private symbols.
  case argumentList = "argument_list"
  /// The four home-space slots of an amd64 or arm64 frame (`Args to Child` of x64 `kb`):
  /// the register arguments only where the callee spilled them.
  case homeSpace = "home_space"
  /// Raw stack DWORDs printed beside an address (blue-screen dword dumps).
  case rawStack = "raw_stack"
  /// No parameters were shown.
  case none
}
