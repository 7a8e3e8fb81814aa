//===--- Decoding.swift - Helpers shared by the text-decoder tests ----------===//

import CrashCore
import StackText

/// Decodes `text` and builds the report a caller of the library would get.
func decodeReport(_ text: String, options: TextDecoderOptions = TextDecoderOptions()) -> CrashReport {
  var builder = CrashReportBuilder(input: InputDescription(name: "test", kind: .text, byteCount: text.utf8.count))
  for event in StackTextDecoder.decode(text, options: options) { builder.add(event) }
  return builder.build()
}

/// Decodes `text` fed to the streaming decoder in chunks of `chunkSize` bytes.
func decodeReport(_ text: String, chunkSize: Int) -> CrashReport {
  let decoder = StackTextDecoder()
  var builder = CrashReportBuilder(input: InputDescription(name: "test", kind: .text, byteCount: text.utf8.count))
  let bytes = Array(text.utf8)
  var start = 0
  while start < bytes.count {
    let end = min(start + chunkSize, bytes.count)
    bytes[start..<end].withUnsafeBytes { chunk in decoder.consume(chunk) { builder.add($0) } }
    start = end
  }
  decoder.finish { builder.add($0) }
  return builder.build()
}

extension CrashReport {
  /// The threads that hold frames.
  var stacks: [CrashThread] { threads.filter { !$0.frames.isEmpty } }
}

extension StackFrame {
  /// The return address as a plain number (0 when absent, which no test expects).
  var ret: UInt64 { returnAddress?.rawValue ?? 0 }
  /// The frame pointer as a plain number.
  var fp: UInt64 { framePointer?.rawValue ?? 0 }
  /// The symbol as WinDbg prints it.
  var text: String { symbol?.displayText ?? "" }
}
