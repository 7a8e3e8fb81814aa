//===--- SymbolFileScanner.swift - One pass over a .sym file ---------------===//
//
// Finds each line with memchr, dispatches on its first word, validates every
// record (line records and INLINE records included, so damage is reported with
// its line number at load time), and collects the compact index. Then sorts
// what was out of order and drops functions that overlap an earlier one.
//
//===----------------------------------------------------------------------===//

import CSymbolLines
import CrashCore

#if canImport(Glibc)
  import Glibc
#elseif canImport(Musl)
  import Musl
#elseif canImport(Darwin)
  import Darwin
#endif

struct SymbolFileScanner {
  let base: UnsafePointer<UInt8>
  let count: Int
  let errorBudget: Int

  var module: BreakpadModuleRecord?
  var codeIdentifier: String?
  var codeFile: String?
  var info: [String] = []
  var diagnostics: [Diagnostic] = []
  var errorCount = 0

  var functions: [FunctionRecord] = []
  var publics: [PublicRecord] = []
  var files = FileTable()
  var inlineOrigins: [Int: InlineOriginRecord] = [:]
  var windowsFrames: [[StackRangeRecord]] = Array(repeating: [], count: 5)
  var cfiInitial: [StackRangeRecord] = []
  var cfiDeltas: [StackDeltaRecord] = []

  /// Called with the offset the scan has reached, every `releaseInterval` bytes: the pages
  /// before it are not read again during the scan, so the mapped file may drop them.
  var releasePagesBefore: ((Int) -> Void)?
  /// Bytes between two calls of `releasePagesBefore`.
  static let releaseInterval = 128 * 1024

  /// The FUNC whose line records are being read.
  private var openFunction: Int?
  private var lineNumber = 0

  /// Stands in for the base address of an empty file (never read: its count is 0).
  private nonisolated(unsafe) static let emptyBase: UnsafeMutablePointer<UInt8> = {
    let pointer = UnsafeMutablePointer<UInt8>.allocate(capacity: 1)
    pointer.initialize(to: 0)
    return pointer
  }()

  init(bytes: UnsafeRawBufferPointer, errorBudget: Int) {
    if let start = bytes.baseAddress {
      base = start.assumingMemoryBound(to: UInt8.self)
    } else {
      base = UnsafePointer(Self.emptyBase)
    }
    count = bytes.count
    self.errorBudget = errorBudget
  }

  // MARK: - The pass

  mutating func scan() {
    var position = 0
    var lastLineBreak = count - 1
    while lastLineBreak >= 0 && base[lastLineBreak] != 0x0A { lastLineBreak -= 1 }
    var nextRelease = Self.releaseInterval
    while position < count {
      if position >= nextRelease {
        releasePagesBefore?(position)
        nextRelease = position + Self.releaseInterval
      }
      // Line records are most of a file: inside a FUNC, check one in a single pass that
      // also finds its end, and fall back to the general path when it does not fit.
      if openFunction != nil {
        // Thirty-two bytes at a time where the CPU can (CSymbolLines), which only accepts;
        // byte by byte where it leaves the line.
        let blockEnd = symbol_line_record_end(base, Int64(position), Int64(count))
        if blockEnd >= 0 {
          lineNumber += 1
          position = Int(blockEnd)
          continue
        }
        if let next = LineRecordScanner.validRecordEnd(base, from: position, count: count, lastLineBreak: lastLineBreak) {
          lineNumber += 1
          position = next
          continue
        }
      }
      let remaining = count - position
      let found = memchr(base + position, 0x0A, remaining)
      let lineEnd = found.map { UnsafePointer<UInt8>($0.assumingMemoryBound(to: UInt8.self)) - base } ?? count
      var end = lineEnd
      if end > position && base[end - 1] == 0x0D { end -= 1 }
      lineNumber += 1
      record(start: position, end: end)
      position = lineEnd + 1
    }
    closeFunction(at: count)
  }

  private mutating func record(start: Int, end: Int) {
    guard start < end else { return }  // blank line
    let first = base[start]
    // Each reader below takes the cursor by value and reads through a local copy, kept in
    // registers: through an inout parameter every byte read stored the position back to memory.
    var cursor = RecordCursor(base: base, start: start, end: end)
    switch first {
    case UInt8(ascii: "F"):
      if cursor.take("FUNC") { return function(cursor, start: start) }
      if cursor.take("FILE") { return fileRecord(cursor) }
    case UInt8(ascii: "P"):
      if cursor.take("PUBLIC") { return publicRecord(cursor, start: start) }
    case UInt8(ascii: "S"):
      if cursor.take("STACK") { return stackRecord(cursor, start: start) }
    case UInt8(ascii: "I"):
      if cursor.take("INLINE") { return inlineRecord(cursor) }
      if cursor.take("INLINE_ORIGIN") { return inlineOrigin(cursor) }
      if cursor.take("INFO") { return infoRecord(cursor) }
    case UInt8(ascii: "M"):
      if cursor.take("MODULE") { return moduleRecord(cursor) }
    default:
      break
    }
    if isHexDigit(first) {
      return lineRecord(cursor)
    }
    closeFunction(at: start)
    damaged("unrecognised record")
  }

  // MARK: - Records

  private mutating func moduleRecord(_ record: RecordCursor) {
    var cursor = record
    closeFunction(at: cursor.position)
    guard lineNumber == 1 || module == nil else {
      return damaged("a second MODULE record")
    }
    guard let os = cursor.field(), let cpu = cursor.field(), let id = cursor.field(), let name = cursor.rest()
    else { return damaged("MODULE record needs os, cpu, debug id and debug file") }
    module = BreakpadModuleRecord(
      operatingSystem: string(os), architecture: string(cpu), debugIdentifier: string(id), debugFile: string(name))
  }

  private mutating func infoRecord(_ record: RecordCursor) {
    var cursor = record
    closeFunction(at: cursor.position)
    let saved = cursor.position
    if cursor.take("CODE_ID") {
      guard let id = cursor.field() else { return damaged("INFO CODE_ID without an identifier") }
      codeIdentifier = string(id)
      codeFile = cursor.rest().map(string)
      return
    }
    cursor.position = saved
    if let rest = cursor.rest(), info.count < 1000 { info.append(string(rest)) }
  }

  private mutating func fileRecord(_ record: RecordCursor) {
    var cursor = record
    closeFunction(at: cursor.position)
    guard let number = cursor.decimal(), let name = cursor.rest() else {
      return damaged("FILE record needs a number and a name")
    }
    files.add(number, TextSpan(start: name.lowerBound, count: name.count))
  }

  private mutating func inlineOrigin(_ record: RecordCursor) {
    var cursor = record
    closeFunction(at: cursor.position)
    guard let id = cursor.decimal() else { return damaged("INLINE_ORIGIN record needs a number") }
    // Old form: a decimal file id before the name. A name never starts with a digit.
    let saved = cursor.position
    var file: Int?
    if let fileField = cursor.field(), let value = cursor.decimal(fileField), cursor.rest() != nil {
      file = value
      cursor.position = fileField.upperBound
    } else {
      cursor.position = saved
    }
    guard let name = cursor.rest() else { return damaged("INLINE_ORIGIN record needs a name") }
    inlineOrigins[id] = InlineOriginRecord(name: TextSpan(start: name.lowerBound, count: name.count), file: file)
  }

  private mutating func function(_ record: RecordCursor, start: Int) {
    var cursor = record
    closeFunction(at: start)
    let isMultiple = cursor.take("m")
    guard let address = cursor.hex(), let size = cursor.hex(), let parameters = cursor.hex(),
      let name = cursor.rest()
    else { return damaged("FUNC record needs address, size, parameter size and name") }
    guard address &+ size >= address else { return damaged("FUNC range wraps past the end of the address space") }
    functions.append(
      FunctionRecord(
        address: address, size: size, parameterSize: parameters,
        name: TextSpan(start: name.lowerBound, count: name.count), isMultiple: isMultiple,
        bodyStart: cursor.end + 1, bodyEnd: cursor.end + 1, line: lineNumber))
    openFunction = functions.count - 1
  }

  private mutating func lineRecord(_ record: RecordCursor) {
    var cursor = record
    guard openFunction != nil else {
      return damaged("line record outside a FUNC")
    }
    guard FunctionBody.lineRecord(&cursor) != nil else {
      return damaged("line record needs address, size, line and file number")
    }
  }

  private mutating func inlineRecord(_ record: RecordCursor) {
    var cursor = record
    guard openFunction != nil else { return damaged("INLINE record outside a FUNC") }
    guard InlineRecordFields.isValid(&cursor) else {
      return damaged("INLINE record needs level, call line, [call file,] origin and address/size pairs")
    }
  }

  private mutating func publicRecord(_ record: RecordCursor, start: Int) {
    var cursor = record
    closeFunction(at: start)
    let isMultiple = cursor.take("m")
    guard let address = cursor.hex(), let parameters = cursor.hex(), let name = cursor.rest() else {
      return damaged("PUBLIC record needs address, parameter size and name")
    }
    // dump_syms writes some PUBLICs at address 0 (seen in ntdll); Breakpad ignores them.
    guard address != 0 else { return }
    publics.append(
      PublicRecord(
        address: address, parameterSize: parameters, name: TextSpan(start: name.lowerBound, count: name.count),
        isMultiple: isMultiple))
  }

  private mutating func stackRecord(_ record: RecordCursor, start: Int) {
    var cursor = record
    closeFunction(at: start)
    if cursor.take("WIN") {
      let fields = cursor.position
      let text = TextSpan(start: fields, count: cursor.end - fields)
      // Thirty-two bytes at a time where the CPU can (CSymbolLines), which only accepts.
      var type: UInt64 = 0
      var address: UInt64 = 0
      var size: UInt64 = 0
      if symbol_stack_win_fields(base, Int64(fields), Int64(cursor.end), Int64(count), &type, &address, &size) != 0 {
        windowsFrames[Int(type)].append(StackRangeRecord(address: address, size: size, text: text))
        return
      }
      switch StackWinFields.parse(&cursor) {
      case .success(let record):
        windowsFrames[Int(record.type)].append(StackRangeRecord(address: record.address, size: record.size, text: text))
      case .failure(let damage):
        damaged(damage.message)
      }
      return
    }
    if cursor.take("CFI") {
      if cursor.take("INIT") {
        guard let address = cursor.hex(), let size = cursor.hex(), address &+ size >= address,
          let rules = cursor.rest()
        else { return damaged("STACK CFI INIT record needs address, size and rules") }
        cfiInitial.append(
          StackRangeRecord(address: address, size: size, text: TextSpan(start: rules.lowerBound, count: rules.count)))
        return
      }
      guard let address = cursor.hex(), let rules = cursor.rest() else {
        return damaged("STACK CFI record needs an address and rules")
      }
      cfiDeltas.append(StackDeltaRecord(address: address, rules: TextSpan(start: rules.lowerBound, count: rules.count)))
      return
    }
    damaged("unknown STACK record (expected WIN or CFI)")
  }

  // MARK: - Finishing

  private mutating func closeFunction(at position: Int) {
    guard let index = openFunction else { return }
    functions[index].bodyEnd = max(functions[index].bodyStart, min(position, count))
    openFunction = nil
  }

  /// Sorts records that were out of order and drops functions that overlap an earlier one.
  mutating func finishIndex() {
    files.finish()
    if !isSorted(functions, by: { $0.address }) {
      note("FUNC records are not in address order; sorted")
      functions.sort { ($0.address, $0.line) < ($1.address, $1.line) }
    }
    // Drop functions that overlap an earlier one, compacting in place (no second copy).
    var kept = 0
    for index in functions.indices {
      let function = functions[index]
      if kept > 0 {
        let previous = functions[kept - 1]
        if function.address < previous.address &+ previous.size {
          warn(
            "FUNC at \(HexFormat.prefixed(function.address)) overlaps the FUNC at line \(previous.line); ignored",
            line: function.line)
          continue
        }
      }
      functions[kept] = function
      kept += 1
    }
    functions.removeLast(functions.count - kept)
    if !isSorted(publics, by: { $0.address }) { AddressSort.sort(&publics) { $0.address } }
    for kind in windowsFrames.indices where !isSorted(windowsFrames[kind], by: { $0.address }) {
      AddressSort.sort(&windowsFrames[kind]) { $0.address }
    }
    if !isSorted(cfiInitial, by: { $0.address }) { AddressSort.sort(&cfiInitial) { $0.address } }
    if !isSorted(cfiDeltas, by: { $0.address }) { AddressSort.sort(&cfiDeltas) { $0.address } }
    if module == nil { warn("no MODULE record at the start of the file", line: 1) }
  }

  private func isSorted<Element>(_ array: [Element], by key: (Element) -> UInt64) -> Bool {
    var index = 1
    while index < array.count {
      if key(array[index - 1]) > key(array[index]) { return false }
      index += 1
    }
    return true
  }

  // MARK: - Diagnostics

  private mutating func damaged(_ message: String) {
    errorCount += 1
    if errorCount <= errorBudget {
      diagnostics.append(Diagnostic(.error, message, line: lineNumber))
    } else if errorCount == errorBudget + 1 {
      diagnostics.append(
        Diagnostic(.error, "more than \(errorBudget) damaged records; the file is marked corrupt", line: lineNumber))
    }
  }

  private mutating func warn(_ message: String, line: Int) {
    if diagnostics.count < errorBudget + 50 { diagnostics.append(Diagnostic(.warning, message, line: line)) }
  }

  private mutating func note(_ message: String) {
    diagnostics.append(Diagnostic(.note, message))
  }

  private func string(_ range: Range<Int>) -> String {
    TextLimits.capped(UnsafeBufferPointer(start: base + range.lowerBound, count: range.count))
  }

  private func isHexDigit(_ byte: UInt8) -> Bool {
    (byte >= 0x30 && byte <= 0x39) || (byte >= 0x61 && byte <= 0x66) || (byte >= 0x41 && byte <= 0x46)
  }
}
