//===--- FrameRecord+Breakpad.swift - STACK WIN lines ---------------------------===//
//
// Breakpad's STACK WIN record for an x86 frame layout:
//   STACK WIN <type> <rva> <size> <prolog> 0 <parameters> <saved registers> <locals>
//             <max stack> <has program> <program, or allocates EBP>
// all hex but the flags; type 4 (frame data) with its program, type 0 (FPO) with the
// EBP flag.
//
//===----------------------------------------------------------------------===//

extension FrameRecord {
  /// The STACK WIN line for this record, with its newline.
  public var breakpadLine: String {
    var text = "STACK WIN \(type) \(hex(rva)) \(hex(codeSize)) \(hex(prologSize)) 0 "
    text +=
      "\(hex(parameterSize)) \(hex(savedRegisterSize)) \(hex(localSize)) \(hex(maxStackSize)) "
    if let program, type == 4 {
      text += "1 \(program.trimmingWhitespace)\n"
    } else {
      text += "0 \(allocatesBasePointer ? 1 : 0)\n"
    }
    return text
  }

  private func hex(_ value: UInt32) -> String { String(value, radix: 16) }
}
