//===--- JSONValue.swift - An ordered JSON tree and its serialiser ----------===//
//
// The JSON output is a contract (docs/json-output.md): keys come out in a fixed,
// documented order and absent values are omitted, so output diffs cleanly.
// Foundation's serialiser orders keys only alphabetically, hence this one.
//
//===----------------------------------------------------------------------===//

import CrashCore

/// A JSON value whose objects keep their key order.
public indirect enum JSONValue: Sendable, Equatable {
  /// `null`.
  case null
  /// `true` / `false`.
  case bool(Bool)
  /// An integer.
  case int(Int)
  /// A number with a fraction or an exponent (finite).
  case double(Double)
  /// A string.
  case string(String)
  /// An array.
  case array([JSONValue])
  /// An object, keys in order.
  case object([(String, JSONValue)])

  /// Compares structurally, key order included.
  public static func == (lhs: JSONValue, rhs: JSONValue) -> Bool {
    switch (lhs, rhs) {
    case (.null, .null): true
    case (.bool(let a), .bool(let b)): a == b
    case (.int(let a), .int(let b)): a == b
    case (.double(let a), .double(let b)): a == b
    case (.string(let a), .string(let b)): a == b
    case (.array(let a), .array(let b)): a == b
    case (.object(let a), .object(let b)): a.count == b.count && zip(a, b).allSatisfy { $0.0 == $1.0 && $0.1 == $1.1 }
    default: false
    }
  }

  /// The value as JSON text; `indent` > 0 pretty-prints with that many blanks per level.
  public func serialized(indent: Int = 2) -> String {
    serialized(indent: indent, level: 0)
  }

  /// The value as JSON text as it is written `level` levels deep in an enclosing value
  /// (its inner lines indented to match), for writers that stream the enclosing value.
  public func serialized(indent: Int, level: Int) -> String {
    // Bytes, made a String once: appending short literals to a String one at a time cost
    // some 180 instructions per byte of output.
    var output: [UInt8] = []
    output.reserveCapacity(1024)
    write(to: &output, indent: indent, level: level)
    return String(decoding: output, as: UTF8.self)
  }

  private func write(to output: inout [UInt8], indent: Int, level: Int) {
    switch self {
    case .null: output.append(contentsOf: "null".utf8)
    case .bool(let value): output.append(contentsOf: (value ? "true" : "false").utf8)
    case .int(let value): JSONValue.writeInteger(value, to: &output)
    case .double(let value): output.append(contentsOf: (value.isFinite ? String(value) : "null").utf8)
    case .string(let value): JSONValue.writeString(value, to: &output)
    case .array(let values):
      if values.isEmpty {
        output.append(contentsOf: "[]".utf8)
        return
      }
      // Arrays of scalars stay on one line: parameter lists read better that way.
      let scalars = values.allSatisfy {
        switch $0 {
        case .array, .object: false
        default: true
        }
      }
      output.append(UInt8(ascii: "["))
      for (position, value) in values.enumerated() {
        if position > 0 {
          output.append(UInt8(ascii: ","))
          if scalars || indent == 0 { output.append(UInt8(ascii: " ")) }
        }
        if !scalars { newline(&output, indent: indent, level: level + 1) }
        value.write(to: &output, indent: indent, level: level + 1)
      }
      if !scalars { newline(&output, indent: indent, level: level) }
      output.append(UInt8(ascii: "]"))
    case .object(let members):
      if members.isEmpty {
        output.append(contentsOf: "{}".utf8)
        return
      }
      // Small objects of scalars (line ranges, source positions) stay on one line.
      let inline = members.count <= 2 && members.allSatisfy {
        switch $0.1 {
        case .array, .object: false
        default: true
        }
      }
      if inline {
        output.append(UInt8(ascii: "{"))
        for (position, (key, value)) in members.enumerated() {
          if position > 0 { output.append(contentsOf: ", ".utf8) }
          JSONValue.writeString(key, to: &output)
          output.append(contentsOf: ": ".utf8)
          value.write(to: &output, indent: indent, level: level + 1)
        }
        output.append(UInt8(ascii: "}"))
        return
      }
      output.append(UInt8(ascii: "{"))
      for (position, (key, value)) in members.enumerated() {
        if position > 0 { output.append(UInt8(ascii: ",")) }
        newline(&output, indent: indent, level: level + 1)
        JSONValue.writeString(key, to: &output)
        output.append(UInt8(ascii: ":"))
        if indent > 0 { output.append(UInt8(ascii: " ")) }
        value.write(to: &output, indent: indent, level: level + 1)
      }
      newline(&output, indent: indent, level: level)
      output.append(UInt8(ascii: "}"))
    }
  }

  private func newline(_ output: inout [UInt8], indent: Int, level: Int) {
    guard indent > 0 else { return }
    output.append(UInt8(ascii: "\n"))
    output.append(contentsOf: repeatElement(UInt8(ascii: " "), count: indent * level))
  }

  private static func writeInteger(_ value: Int, to output: inout [UInt8]) {
    if value < 0 { output.append(UInt8(ascii: "-")) }
    var magnitude = value.magnitude
    var digits: (UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8,
      UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8) = (0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0)
    var count = 0
    withUnsafeMutableBytes(of: &digits) { buffer in
      repeat {
        buffer[19 - count] = UInt8(ascii: "0") + UInt8(magnitude % 10)
        magnitude /= 10
        count += 1
      } while magnitude > 0
      output.append(contentsOf: buffer[(20 - count)...])
    }
  }

  private static func writeString(_ value: String, to output: inout [UInt8]) {
    output.append(UInt8(ascii: "\""))
    // Most strings need no escape: append them whole.
    if !needsEscaping(value) {
      output.append(contentsOf: value.utf8)
      output.append(UInt8(ascii: "\""))
      return
    }
    for scalar in value.unicodeScalars {
      switch scalar {
      case "\"": output.append(contentsOf: "\\\"".utf8)
      case "\\": output.append(contentsOf: "\\\\".utf8)
      case "\n": output.append(contentsOf: "\\n".utf8)
      case "\r": output.append(contentsOf: "\\r".utf8)
      case "\t": output.append(contentsOf: "\\t".utf8)
      // C0, DEL and C1 (U+009B is a terminal's CSI), and the line separators JavaScript
      // parsers reject: escaped, so JSON printed on a terminal or embedded in a page is inert.
      case _ where TextLimits.isControl(scalar):
        output.append(contentsOf: ("\\u" + HexDigits.pad(String(scalar.value, radix: 16), 4)).utf8)
      default: UTF8.encode(scalar) { output.append($0) }
      }
    }
    output.append(UInt8(ascii: "\""))
  }
}

extension JSONValue {
  /// Whether `value` holds a character `writeString` escapes: `"`, `\\`, C0, DEL, C1
  /// (UTF-8 `C2 80`…`C2 9F`), U+2028 or U+2029 (`E2 80 A8`, `E2 80 A9`).
  fileprivate static func needsEscaping(_ value: String) -> Bool {
    var value = value
    return value.withUTF8 { bytes in
      for (index, byte) in bytes.enumerated() {
        if byte < 0x20 || byte == 0x22 || byte == 0x5C || byte == 0x7F { return true }
        if byte == 0xC2, index + 1 < bytes.count, bytes[index + 1] < 0xA0 { return true }
        if byte == 0xE2, index + 2 < bytes.count, bytes[index + 1] == 0x80, bytes[index + 2] & 0xFE == 0xA8 { return true }
      }
      return false
    }
  }
}

enum HexDigits {
  static func pad(_ text: String, _ width: Int) -> String {
    text.count >= width ? text : String(repeating: "0", count: width - text.count) + text
  }
}
