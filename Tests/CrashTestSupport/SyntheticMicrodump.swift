//===--- SyntheticMicrodump.swift - Breakpad microdumps as logcat text ------===//
//
// Writes the records of Breakpad's microdump writer (src/client/linux/
// microdump_writer) behind a logcat prefix: O, V, R, `S 0` and stack chunks,
// C, M, between the BEGIN and END lines; tests state the registers, the stack
// and the modules.
//
//===----------------------------------------------------------------------===//

/// A microdump to write as log text.
public struct SyntheticMicrodump {
  /// What precedes every record (`adb logcat -v brief`'s form).
  public var prefix = "W/google-breakpad( 3728): "
  /// The `O` record's CPU (`arm64`, `x86`, `arm`).
  public var cpu = "arm64"
  /// The registers.
  public var context: SyntheticContext
  /// The stack, from its base.
  public var stack: StackSection
  /// The stack pointer the `S 0` record names.
  public var stackPointer: UInt64
  /// Modules: base, size, debug id, path.
  public var modules: [(base: UInt64, size: UInt64, id: String, path: String)] = []
  /// The `R` record: signal, name, address.
  public var crash: (signal: UInt32, name: String, address: UInt64)?
  /// Bytes per stack record (Breakpad's writer uses 384).
  public var stackChunk = 384
  /// Lines ended with CR LF, as `adb` writes logs.
  public var carriageReturns = false

  /// A microdump of `context` over `stack`.
  public init(context: SyntheticContext, stack: StackSection, stackPointer: UInt64) {
    self.context = context
    self.stack = stack
    self.stackPointer = stackPointer
  }

  /// The log text.
  public func text() -> String {
    let bytes = stack.finished()
    var records = ["-----BEGIN BREAKPAD MICRODUMP-----", "V TestApp:1.2.3", "O A \(cpu) 02 aarch64 OS 64 VERSION INFO"]
    if let crash { records.append("R \(Self.hex(UInt64(crash.signal), 8)) \(crash.name) \(Self.hex(crash.address, 8))") }
    records.append("S 0 \(Self.hex(stackPointer, 16)) \(Self.hex(stack.base, 16)) \(Self.hex(UInt64(bytes.count), 16))")
    var offset = 0
    while offset < bytes.count {
      let chunk = bytes[offset..<min(offset + stackChunk, bytes.count)]
      records.append("S \(Self.hex(stack.base + UInt64(offset), 16)) \(Self.hexBytes(chunk))")
      offset += stackChunk
    }
    records.append("C \(Self.hexBytes(context.bytes[...]))")
    for module in modules {
      records.append("M \(Self.hex(module.base, 16)) 0000000000000000 \(Self.hex(module.size, 16)) \(module.id) \(module.path)")
    }
    records.append("-----END BREAKPAD MICRODUMP-----")
    let end = carriageReturns ? "\r\n" : "\n"
    return records.map { prefix + $0 + end }.joined()
  }

  static func hex(_ value: UInt64, _ width: Int) -> String {
    let digits = String(value, radix: 16, uppercase: true)
    return String(repeating: "0", count: max(0, width - digits.count)) + digits
  }

  static func hexBytes(_ bytes: ArraySlice<UInt8>) -> String {
    bytes.map { hex(UInt64($0), 2) }.joined()
  }
}
