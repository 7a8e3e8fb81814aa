//===--- ThreadAssembly.swift - One thread's pieces, gathered ---------------===//
//
// A Dr. Watson state dump (or a Windows 9x fault report) spreads one thread over
// several sections: registers, the fault, the stack back trace, raw stack. The
// assembly collects them until the next thread or crash record begins.
//
//===----------------------------------------------------------------------===//

import CrashCore

struct ThreadAssembly {
  enum Kind {
    case drWatsonStateDump
    case win9xFault
  }

  var kind: Kind
  var id: UInt32?
  var label: String
  var lines: LineRange
  var registers: RegisterDumpBuilder?
  var fault: FaultInstruction?
  var faultFunction: String?
  var block: DecodedStackBlock?
  var memory: [MemoryRegion] = []
  var memoryBytes = 0
  var win9xMessage: Win9xFaultMessage?

  init(kind: Kind, id: UInt32?, label: String, line: Int) {
    self.kind = kind
    self.id = id
    self.label = label
    lines = LineRange(line: line)
  }

  /// Extends the assembly's line range to `line`.
  mutating func extend(to line: Int) { lines = lines.including(line) }

  /// Appends raw stack bytes at `address`, extending the last region when contiguous.
  mutating func appendMemory(address: UInt64, bytes: [UInt8], limit: Int) -> Bool {
    bytes.withUnsafeBufferPointer { appendMemory(address: address, bytes: $0, limit: limit) }
  }

  /// Appends raw stack bytes at `address`, extending the last region when contiguous.
  mutating func appendMemory(address: UInt64, bytes: UnsafeBufferPointer<UInt8>, limit: Int) -> Bool {
    guard memoryBytes + bytes.count <= limit else { return false }
    memoryBytes += bytes.count
    if let end = memory.last?.end, end.rawValue == address {
      // In place: copying the region out and back would copy all its bytes on every line.
      memory[memory.count - 1].bytes.append(contentsOf: bytes)
    } else {
      memory.append(MemoryRegion(base: Address(address), bytes: Array(bytes)))
    }
    return true
  }
}
