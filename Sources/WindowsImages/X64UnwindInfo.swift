//===--- X64UnwindInfo.swift - .pdata and UNWIND_INFO of x64 images ----------===//
//
// The exception directory of an x64 image lists every non-leaf function: begin
// and end RVA and its UNWIND_INFO (ARM64 images' entries differ:
// ARM64UnwindInfo.swift). The unwind codes say how the prolog moved the stack
// pointer (Microsoft's "x64 exception handling"):
//   UWOP_PUSH_NONVOL 0       8 bytes
//   UWOP_ALLOC_LARGE 1       info 0: next slot × 8; info 1: next two slots (32 bits)
//   UWOP_ALLOC_SMALL 2       info × 8 + 8
//   UWOP_SET_FPREG 3         none
//   UWOP_SAVE_NONVOL 4       one more slot, no movement (SAVE_NONVOL_FAR 5: two)
//   UWOP_EPILOG 6 (v2)       one more slot, no movement
//   UWOP_SAVE_XMM128 8       one more slot (SAVE_XMM128_FAR 9: two)
//   UWOP_PUSH_MACHFRAME 10   info 0: 40 bytes; info 1: 48 (with an error code)
// and a chained UNWIND_INFO (flag 4) adds its parent's. Chains are followed
// at most 32 deep; codes beyond the record are an error, never a read past it.
//
//===----------------------------------------------------------------------===//

import ByteReading

/// One function of the exception directory.
public struct RuntimeFunction: Sendable, Hashable {
  /// First byte (RVA).
  public var begin: UInt32
  /// One past the last byte (RVA).
  public var end: UInt32
  /// x64: the UNWIND_INFO's RVA. ARM64: the entry's second word (an .xdata record's RVA, or
  /// packed unwind data; its low two bits say which).
  public var unwindInfo: UInt32
}

extension PEImage {
  /// The functions of the exception directory, in address order (x64 and arm64 images;
  /// empty for others). At most 4 million entries.
  public func runtimeFunctions() throws(ReadError) -> [RuntimeFunction] {
    guard let directory = directory(.exception) else { return [] }
    if machine == 0xAA64 { return try arm64RuntimeFunctions(directory) }
    guard machine == 0x8664 else { return [] }
    return try exceptionDirectoryEntries(directory, entrySize: 12) { (entry) throws(ReadError) -> RuntimeFunction? in
      let begin = try read(UInt32.self, rva: entry, "a RUNTIME_FUNCTION's begin")
      let end = try read(UInt32.self, rva: entry &+ 4, "a RUNTIME_FUNCTION's end")
      let info = try read(UInt32.self, rva: entry &+ 8, "a RUNTIME_FUNCTION's unwind info")
      guard begin < end, begin != 0 else { return nil }
      return RuntimeFunction(begin: begin, end: end, unwindInfo: info)
    }
  }

  /// The exception directory's entries of `entrySize` bytes (at most 4 million), each read by
  /// `entry` from its RVA (nil skips it), in address order.
  func exceptionDirectoryEntries(
    _ directory: (rva: UInt32, size: UInt32), entrySize: UInt32,
    _ entry: (UInt32) throws(ReadError) -> RuntimeFunction?
  ) throws(ReadError) -> [RuntimeFunction] {
    let count = min(directory.size / entrySize, 4 << 20)
    var result: [RuntimeFunction] = []
    result.reserveCapacity(Int(count))
    for index in 0..<count {
      if let function = try entry(directory.rva &+ index &* entrySize) { result.append(function) }
    }
    return result.sorted { $0.begin < $1.begin }
  }

  /// The bytes the prolog of `function` (and its chain) puts on the stack below the return
  /// address: the frame size once the prolog has run.
  public func stackAllocation(of function: RuntimeFunction) throws(ReadError) -> UInt64 {
    guard machine == 0x8664 else {
      throw ReadError(.invalidValue, at: UInt64(function.unwindInfo), reading: "x64 unwind data in a non-x64 image")
    }
    var total: UInt64 = 0
    var info = function.unwindInfo
    for _ in 0..<32 {
      let header = try read(UInt8.self, rva: info, "an UNWIND_INFO")
      let version = header & 0x7
      let flags = header >> 3
      guard version == 1 || version == 2 else {
        throw ReadError(.invalidValue, at: UInt64(info), reading: "an UNWIND_INFO (version \(version))")
      }
      let codeCount = UInt32(try read(UInt8.self, rva: info &+ 2, "an UNWIND_INFO's code count"))
      var index: UInt32 = 0
      func slot(_ at: UInt32) throws(ReadError) -> UInt16 {
        guard at < codeCount else { throw ReadError(.outOfBounds, at: UInt64(info), reading: "an unwind code's operand") }
        return try read(UInt16.self, rva: info &+ 4 &+ at &* 2, "an unwind code")
      }
      while index < codeCount {
        let code = try slot(index)
        let operation = (code >> 8) & 0x0F
        let operand = UInt64(code >> 12)
        switch operation {
        case 0: total += 8; index += 1
        case 1:
          if operand == 0 {
            total += UInt64(try slot(index + 1)) * 8
            index += 2
          } else {
            total += UInt64(try slot(index + 1)) | UInt64(try slot(index + 2)) << 16
            index += 3
          }
        case 2: total += operand * 8 + 8; index += 1
        case 3: index += 1
        case 4, 6, 8: index += 2
        case 5, 9: index += 3
        case 10: total += operand == 0 ? 40 : 48; index += 1
        default:
          throw ReadError(.invalidValue, at: UInt64(info), reading: "an unwind code (operation \(operation))")
        }
      }
      guard flags & 0x4 != 0 else { return total }
      // Chained: the parent RUNTIME_FUNCTION follows the codes (their count rounded up to even).
      let parent = info &+ 4 &+ ((codeCount + 1) & ~1) &* 2
      info = try read(UInt32.self, rva: parent &+ 8, "a chained RUNTIME_FUNCTION")
    }
    throw ReadError(.invalidValue, at: UInt64(function.unwindInfo), reading: "an unwind chain deeper than 32")
  }
}
