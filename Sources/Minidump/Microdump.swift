//===--- Microdump.swift - Breakpad's microdumps, read from logcat text ------===//
//
// Breakpad's Android client (and Chrome's, WebView's) can write a crash to the
// system log instead of a file: a "microdump", text lines between
//   -----BEGIN BREAKPAD MICRODUMP-----   and   -----END BREAKPAD MICRODUMP-----
// each behind a logcat prefix naming the `google-breakpad` tag
// (`W/google-breakpad( 3728): `), each a letter and its fields:
//   V product:version            O os cpu cpu_count hw_arch os_version…
//   R signal name address        (the crash reason; hex numbers)
//   S 0 sp stack_start stack_size, then S address hex_bytes…   (the stack, contiguous)
//   C hex_bytes                  (the crashed thread's CONTEXT, as a minidump holds it)
//   M base offset size debug_id name     (one per mapped module)
//   G, H, P …                    (GPU, heap and other information, not read here)
// Layout from Breakpad's microdump writer and reader (src/client/linux/
// microdump_writer, src/processor/microdump.cc). The first complete microdump in
// the text is read; the text comes from strangers, so every number and length
// is checked, the stack is capped, and a damaged record is a diagnostic naming
// its line, never a trap.
//
//===----------------------------------------------------------------------===//

import ByteReading
import CrashCore

/// A Breakpad microdump: one thread's registers and stack, the modules, the system.
public struct Microdump: Sendable {
  /// `Android` or `Linux` (the `O` record's first field), when given.
  public var operatingSystem: String?
  /// The OS version text after the `O` record's fields.
  public var osVersion: String?
  /// The CPU the process ran as (`arm64`, `arm`, `x86`, `mips`, `mips64`).
  public var cpu: String?
  /// The machine's own CPU (`aarch64`, `armv8l`, `i686`).
  public var hardwareArchitecture: String?
  /// Processors, when given.
  public var processorCount: Int?
  /// `V` record: the product and version (`WebView:48.0.2564.106`).
  public var product: String?
  /// `R` record: the signal number, its name and the faulting address.
  public var crash: (signal: UInt32, name: String, address: UInt64)?
  /// The stack pointer the `S 0` record gives.
  public var stackPointer: UInt64?
  /// Where the captured stack starts.
  public var stackStart: UInt64 = 0
  /// The captured stack bytes, from `stackStart` on.
  public var stack: [UInt8] = []
  /// The `C` record's bytes: the CONTEXT of the crashed thread.
  public var contextBytes: [UInt8]?
  /// The `M` records.
  public var modules: [CodeModule] = []
  /// Damaged or unread records, with line numbers.
  public var diagnostics: [Diagnostic] = []
  /// How many more microdumps followed the one read.
  public var laterMicrodumps = 0

  /// The architecture the walkers know it by (`.unknown` for `mips`, `mips64` and others).
  public var architecture: Architecture {
    switch cpu {
    case "arm64": .arm64
    case "arm": .arm
    case "x86": .x86
    default: .unknown
    }
  }

  /// The line that opens a microdump.
  public static let beginMarker = "-----BEGIN BREAKPAD MICRODUMP-----"
  /// The line that ends one.
  public static let endMarker = "-----END BREAKPAD MICRODUMP-----"
  /// The most stack bytes kept (Breakpad's writer dumps at most 32 KiB).
  public static let maximumStackBytes = 8 << 20
  /// The most modules kept.
  public static let maximumModules = 100_000

  /// Whether `bytes` hold the start of a microdump.
  public static func contains(_ bytes: some Collection<UInt8>) -> Bool {
    let marker = Array(beginMarker.utf8)
    guard bytes.count >= marker.count else { return false }
    let array = Array(bytes)
    var index = 0
    while index + marker.count <= array.count {
      if array[index] == marker[0], array[index..<index + marker.count].elementsEqual(marker) { return true }
      index += 1
    }
    return false
  }

  /// Reads the first microdump in `text` (the log's bytes, UTF-8 or ASCII).
  public init(text: UnsafeRawBufferPointer) {
    var state = ReadingState.before
    var lineNumber = 0
    var stackExpected: Int?
    var stackCut = false
    var position = 0
    let bytes = text.bindMemory(to: UInt8.self)
    while position < bytes.count {
      var end = position
      while end < bytes.count && bytes[end] != 0x0A { end += 1 }
      lineNumber += 1
      let line = String(decoding: UnsafeBufferPointer(rebasing: bytes[position..<end]), as: UTF8.self)
      position = end + 1
      if line.contains(Self.beginMarker) {
        if state == .before {
          state = .inside
        } else {
          // A second microdump (or one begun before the first ended): only the first is read.
          laterMicrodumps += 1
          state = .done
        }
        continue
      }
      guard state == .inside else { continue }
      if line.contains(Self.endMarker) {
        state = .done
        continue
      }
      guard let record = Self.record(in: line) else { continue }
      let fields = record.dropFirst(2).split(separator: " ", omittingEmptySubsequences: true)
      switch record.first {
      case "O":
        guard fields.count >= 4 else {
          note("an O record with \(fields.count) fields (needs 4)", line: lineNumber)
          continue
        }
        operatingSystem = fields[0] == "A" ? "Android" : fields[0] == "L" ? "Linux" : String(fields[0])
        cpu = String(fields[1])
        processorCount = Int(fields[2], radix: 16)
        hardwareArchitecture = String(fields[3])
        let version = fields.dropFirst(4).joined(separator: " ")
        osVersion = version.isEmpty ? nil : TextLimits.capped(version)
      case "V":
        product = fields.first.map { TextLimits.capped(String($0)) }
      case "R":
        guard fields.count >= 3, let signal = UInt32(fields[0], radix: 16), let address = UInt64(fields[2], radix: 16) else {
          note("an R record that is not `signal name address`", line: lineNumber)
          continue
        }
        crash = (signal, TextLimits.capped(String(fields[1])), address)
      case "S":
        if fields.first == "0" {
          guard fields.count >= 4, let sp = UInt64(fields[1], radix: 16), let start = UInt64(fields[2], radix: 16),
            let size = UInt64(fields[3], radix: 16)
          else {
            note("an `S 0` record that is not `S 0 sp start size`", line: lineNumber)
            continue
          }
          stackPointer = sp
          stackStart = start
          stackExpected = Int(clamping: min(size, UInt64(Self.maximumStackBytes)))
          continue
        }
        guard !stackCut else { continue }
        guard fields.count >= 2, let address = UInt64(fields[0], radix: 16), let chunk = Self.hexBytes(fields[1]) else {
          note("a stack record that is not `S address hex`", line: lineNumber)
          stackCut = true
          continue
        }
        // The first chunk says where the stack starts (Breakpad's reader takes it from there
        // too); the `S 0` record's start is only a cross-check.
        if stack.isEmpty {
          if stackExpected != nil, address != stackStart {
            note("the stack starts at 0x\(String(address, radix: 16)), not where `S 0` said", line: lineNumber)
          }
          stackStart = address
        }
        guard address == stackStart &+ UInt64(stack.count) else {
          note(
            "stack bytes at 0x\(String(address, radix: 16)) do not follow those before (0x\(String(stackStart &+ UInt64(stack.count), radix: 16))); the stack is cut there",
            line: lineNumber)
          stackCut = true
          continue
        }
        guard stack.count + chunk.count <= (stackExpected ?? Self.maximumStackBytes) else {
          note("more stack bytes than the `S 0` record announced; the stack is cut there", line: lineNumber)
          stackCut = true
          continue
        }
        stack += chunk
      case "C":
        guard let first = fields.first, let context = Self.hexBytes(first), context.count <= 64 * 1024 else {
          note("a C record that is not a CONTEXT in hex", line: lineNumber)
          continue
        }
        contextBytes = context
      case "M":
        guard modules.count < Self.maximumModules else { continue }
        guard fields.count >= 5, let base = UInt64(fields[0], radix: 16), let size = UInt64(fields[2], radix: 16) else {
          note("an M record that is not `base offset size id name`", line: lineNumber)
          continue
        }
        let identifier = String(fields[3])
        let path = TextLimits.singleLine(TextLimits.capped(fields.dropFirst(4).joined(separator: " ")))
        let name = MinidumpModule.lastComponent(path)
        modules.append(
          CodeModule(
            name: name, path: path, base: Address(base), size: size, debugFile: name,
            debugIdentifier: identifier.allSatisfy(\.isHexDigit) && !identifier.isEmpty ? identifier.uppercased() : nil))
      default:
        continue
      }
    }
  }

  private enum ReadingState { case before, inside, done }

  /// The registers of the `C` record, for this microdump's CPU.
  public func context() throws(ReadError) -> RegisterContext {
    guard let contextBytes else { throw ReadError(.outOfBounds, at: 0, reading: "the CPU context (no C record)") }
    let architecture = architecture
    let result = contextBytes.withUnsafeBytes { buffer in
      Result { () throws(ReadError) -> RegisterContext in
        try ContextReader.read(
          ByteReader(buffer), MinidumpLocation(size: UInt32(buffer.count), rva: 0), architecture: architecture)
      }
    }
    return try result.get()
  }

  /// The record after the logcat prefix: the text after `google-breakpad…: `, or the line
  /// itself (trimmed) when it has no such tag (a microdump pasted without its prefixes).
  static func record(in line: String) -> Substring? {
    var text = Substring(line)
    if let tagEnd = Self.end(of: "google-breakpad", in: text) {
      guard let recordStart = Self.end(of: ": ", in: text[tagEnd...]) else { return nil }
      text = text[recordStart...]
    }
    while let last = text.last, last == "\r" || last == " " { text = text.dropLast() }
    while let first = text.first, first == " " { text = text.dropFirst() }
    guard text.count >= 2, let letter = text.first, letter.isASCII, letter.isUppercase,
      text[text.index(after: text.startIndex)] == " "
    else { return nil }
    return text
  }

  /// The index just past the first occurrence of `pattern` in `text`.
  private static func end(of pattern: String, in text: Substring) -> Substring.Index? {
    let pattern = Array(pattern.utf8)
    let utf8 = text.utf8
    var start = utf8.startIndex
    while start != utf8.endIndex {
      var probe = start
      var matched = 0
      while matched < pattern.count, probe != utf8.endIndex, utf8[probe] == pattern[matched] {
        matched += 1
        probe = utf8.index(after: probe)
      }
      if matched == pattern.count { return probe }
      start = utf8.index(after: start)
    }
    return nil
  }

  /// Bytes from pairs of hex digits; nil for an odd count or a non-digit.
  static func hexBytes(_ text: Substring) -> [UInt8]? {
    let digits = Array(text.utf8)
    guard digits.count % 2 == 0 else { return nil }
    var bytes: [UInt8] = []
    bytes.reserveCapacity(digits.count / 2)
    var index = 0
    while index < digits.count {
      guard let high = hexValue(digits[index]), let low = hexValue(digits[index + 1]) else { return nil }
      bytes.append(high << 4 | low)
      index += 2
    }
    return bytes
  }

  private static func hexValue(_ digit: UInt8) -> UInt8? {
    switch digit {
    case 0x30...0x39: digit - 0x30
    case 0x41...0x46: digit - 0x41 + 10
    case 0x61...0x66: digit - 0x61 + 10
    default: nil
    }
  }

  private mutating func note(_ message: String, line: Int) {
    guard diagnostics.count < 100 else { return }
    diagnostics.append(Diagnostic(.warning, "microdump: \(message)", line: line))
  }
}

/// The captured stack of a microdump, read by address.
public struct MicrodumpMemory: StackMemory, Sendable {
  private let start: UInt64
  private let bytes: [UInt8]

  /// The stack of `microdump`.
  public init(_ microdump: Microdump) {
    start = microdump.stackStart
    bytes = microdump.stack
  }

  /// The 32-bit little-endian value at `address`, or nil outside the stack.
  public func uint32(at address: UInt64) -> UInt32? {
    guard let offset = offset(of: address, length: 4) else { return nil }
    return (0..<4).reduce(UInt32(0)) { $0 | UInt32(bytes[offset + $1]) << UInt32($1 * 8) }
  }

  /// The 64-bit little-endian value at `address`, or nil outside the stack.
  public func uint64(at address: UInt64) -> UInt64? {
    guard let offset = offset(of: address, length: 8) else { return nil }
    return (0..<8).reduce(UInt64(0)) { $0 | UInt64(bytes[offset + $1]) << UInt64($1 * 8) }
  }

  private func offset(of address: UInt64, length: Int) -> Int? {
    guard address >= start, address - start <= UInt64(bytes.count), UInt64(bytes.count) - (address - start) >= UInt64(length)
    else { return nil }
    return Int(address - start)
  }
}
