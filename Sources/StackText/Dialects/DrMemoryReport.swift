//===--- DrMemoryReport.swift - Dr. Memory's error reports ------------------===//
//
// What Dr. Memory (DynamoRIO's memory checker for Windows and Linux) writes to
// its results.txt, and to the console behind `~~Dr.M~~` (or `~~PID~~`):
//
//   Error #1: UNADDRESSABLE ACCESS: reading 0x00000010-0x00000014 4 byte(s)
//   # 0 ledgersvc.exe!Ledger::Close               [c:\src\ledger\ledger.cpp:42]
//   # 1 ledgersvc.exe!main                        [c:\src\ledger\main.cpp:10]
//   # 2 KERNEL32.dll!BaseThreadInitThunk    +0x11     (0x7c817077 <KERNEL32.dll+0x17077>)
//   Note: @0:00:01.149 in thread 6756
//   Note: instruction: mov    (%eax) -> %eax
//
// (drmemory/report.c and callstack.c.) Each error (`UNADDRESSABLE ACCESS`,
// `UNINITIALIZED READ`, `INVALID HEAP ARGUMENT`, `LEAK`, `POSSIBLE LEAK`, `GDI
// USAGE ERROR`, `HANDLE LEAK`, `WARNING`) is a thread of its frames: `module!function`
// or a function alone (symbols without a module, as MinGW builds have them), `[file:line]`,
// an offset and `(pc <module+offset>)` when no line is known, `<not in a module>`,
// `system call NtX`. The thread is the one the `Note: … in thread N` line names. The
// first error that is no leak is the crashed one (a leak's only when nothing else
// was found); the tool and that error are kept as the `Memory error` property.
// Dr. Memory's addresses are as wide as the process's pointers: 16 digits for
// amd64, 8 for x86. A freed block's notes carry the stack that freed it:
//
//   Note: 0x…-0x… overlaps memory 0x…-0x… that was freed here:
//   Note: # 0 replace_free                [common/alloc_replace.c:2712]
//   Note: # 1 ledger!Ledger::Release      [c:\src\ledger\ledger.cpp:29]
//
// (`Note: memory was previously freed here:` for a double free): each such stack
// is a thread of its own after its error's, labelled by its note. On the
// console, the program's own output comes between Dr. Memory's lines: a line
// without the `~~Dr.M~~` prefix does not end a report read from prefixed lines.
//
//===----------------------------------------------------------------------===//

import CrashCore

/// A Dr. Memory report, gathered line by line.
struct DrMemoryReportCollector {
  private struct Report {
    var heading: String
    var frames: [StackFrame] = []
    var lines: LineRange
    var threadID: UInt32?
    var isLeak: Bool
    /// The stacks its notes carry (`… that was freed here:`), with their notes.
    var noteStacks: [(label: String, frames: [StackFrame], lines: LineRange)] = []
  }

  private var errors: [Report] = []
  private var isInError = false
  /// Whether the report's lines carry the console's `~~Dr.M~~` prefix.
  private var isConsole = false
  /// The widest hexadecimal address seen: 16 digits for amd64, 8 for x86.
  private var addressDigits = 0
  var maximumFrames = 4096
  var maximumErrors = 4096

  /// Whether a report is being read.
  private(set) var isCollecting = false

  /// Where Dr. Memory's own text starts on a line: after a console prefix `~~Dr.M~~` or `~~6756~~`.
  static func contentStart(_ line: TextLine) -> Int {
    guard let first = line.tokens.first, first.count >= 5, line.bytes[first.lowerBound] == UInt8(ascii: "~"),
      line.bytes[first.lowerBound + 1] == UInt8(ascii: "~"), line.bytes[first.upperBound - 1] == UInt8(ascii: "~")
    else { return 0 }
    return 1
  }

  /// Whether `line` may open a report: `Error #N: …`, behind its prefix or not.
  @inline(__always)
  static func mayOpen(_ line: TextLine) -> Bool {
    guard let first = line.tokens.first else { return false }
    let lead = line.bytes[first.lowerBound]
    guard lead == UInt8(ascii: "E") || lead == UInt8(ascii: "~") else { return false }
    return heading(line, at: contentStart(line)) != nil
  }

  /// `Error #1: UNADDRESSABLE ACCESS: reading …` (GitHub's markdown may quote the number:
  /// ``Error `#1`: …``): the heading without its number.
  static func heading(_ line: TextLine, at start: Int) -> String? {
    guard start + 2 < line.tokens.count, line.tokenEquals(start, "Error") else { return nil }
    var number = Substring(line.string(start + 1))
    number = number.filter { $0 != "`" }[...]
    guard number.hasPrefix("#"), number.hasSuffix(":"), number.count >= 3,
      number.dropFirst().dropLast().allSatisfy({ $0.isASCII && $0.isNumber })
    else { return nil }
    return TextLimits.singleLine(TextLimits.capped(line.text(fromToken: start + 2), maximumBytes: 512))
  }

  /// Takes a line; false for one it does not read (which ends the report).
  mutating func consume(_ line: TextLine, emit: (TextDecodingEvent) -> Void, emitThread: (CrashThread) -> Void) -> Bool {
    let start = Self.contentStart(line)
    if let heading = Self.heading(line, at: start) {
      isCollecting = true
      isInError = true
      if errors.isEmpty { isConsole = start == 1 }
      if errors.count < maximumErrors {
        let isLeak = heading.hasPrefix("LEAK") || heading.hasPrefix("POSSIBLE LEAK") || heading.hasPrefix("REACHABLE LEAK")
        errors.append(Report(heading: heading, lines: LineRange(line: line.number), isLeak: isLeak))
        noteAddresses(in: heading)
      }
      return true
    }
    guard isCollecting else { return false }
    // A prefixed line with nothing after it, or a blank line, separates errors.
    if start >= line.tokens.count {
      isInError = false
      return true
    }
    if isInError, !errors.isEmpty {
      if let frame = frame(line, at: start) {
        let last = errors.count - 1
        if errors[last].frames.count < maximumFrames {
          var frame = frame
          frame.index = errors[last].frames.count
          errors[last].frames.append(frame)
        }
        errors[last].lines = errors[last].lines.including(line.number)
        return true
      }
      if line.tokenEquals(start, "Note:") {
        let last = errors.count - 1
        // `Note: # 0 replace_free  [...]`: a row of the stack the note above it opened.
        if start + 1 < line.tokens.count, let stack = errors[last].noteStacks.indices.last, var frame = frame(line, at: start + 1) {
          if errors[last].noteStacks[stack].frames.count < maximumFrames {
            frame.index = errors[last].noteStacks[stack].frames.count
            errors[last].noteStacks[stack].frames.append(frame)
          }
          errors[last].noteStacks[stack].lines = errors[last].noteStacks[stack].lines.including(line.number)
          errors[last].lines = errors[last].lines.including(line.number)
          return true
        }
        // `Note: memory was previously freed here:`, `Note: 0x… overlaps memory 0x… that was freed here:`.
        if line.tokens.count > start + 2, Bytes.hasSuffix(line.token(line.tokens.count - 1), "here:"), errors[last].noteStacks.count < 8 {
          let label = String(line.text(fromToken: start + 1).dropLast())
          errors[last].noteStacks.append((TextLimits.singleLine(TextLimits.capped(label, maximumBytes: 512)), [], LineRange(line: line.number)))
        }
        // `Note: @0:00:01.149 in thread 6756`.
        let count = line.tokens.count
        if errors[last].threadID == nil, count >= start + 4, line.tokenEquals(count - 2, "thread") {
          errors[last].threadID = UInt32(line.string(count - 1))
        }
        errors[last].lines = errors[last].lines.including(line.number)
        return true
      }
    }
    // Dr. Memory's other lines behind its prefix (the banner, `ERRORS FOUND:`, the summary).
    if start == 1 { return true }
    // The program's own output between the console's lines: not Dr. Memory's, not the end.
    if isConsole, start == 0, !line.isBlank { return false }
    finish(emit: emit, emitThread: emitThread)
    return false
  }

  /// `# 0 ledgersvc.exe!Ledger::Close   [c:\src\ledger.cpp:42]` (older: `#0 …`), `# 2
  /// KERNEL32.dll!BaseThreadInitThunk +0x11 (0x7c817077 <KERNEL32.dll+0x17077>)`, `# 0 <not
  /// in a module> (0x00000000)`, `#1 system call NtGdiSelectBitmap`.
  private mutating func frame(_ line: TextLine, at start: Int) -> StackFrame? {
    let first = line.string(start)
    var nameToken = start + 1
    if first == "#" {
      guard start + 2 < line.tokens.count, line.token(start + 1).allSatisfy(ASCII.isDigit), line.token(start + 1).count <= 6 else { return nil }
      nameToken = start + 2
    } else {
      guard first.count >= 2, first.hasPrefix("#"), first.dropFirst().allSatisfy({ $0.isASCII && $0.isNumber }), first.count <= 7,
        start + 1 < line.tokens.count
      else { return nil }
    }
    var rest = Substring(line.text(fromToken: nameToken))
    var source: SourceLine?
    var pc: UInt64?
    var moduleOffset: (module: String, offset: UInt64)?
    // `[c:\src\ledger.cpp:42]`.
    if rest.hasSuffix("]"), let open = rest.lastIndex(of: "[") {
      let inside = rest[rest.index(after: open)..<rest.index(before: rest.endIndex)]
      if let colon = inside.lastIndex(of: ":"), let number = Int(inside[inside.index(after: colon)...]), number > 0 {
        source = SourceLine(file: TextLimits.capped(String(inside[..<colon]), maximumBytes: 1024), line: number)
      }
      rest = rest[..<open].trimmingBlanks()
    }
    // `(0x7c817077 <KERNEL32.dll+0x17077>)`, `(0x00000000)`.
    if rest.hasSuffix(")"), let open = rest.lastIndex(of: "("), rest[rest.index(after: open)...].hasPrefix("0x") {
      let inside = rest[rest.index(after: open)..<rest.index(before: rest.endIndex)]
      let digits = inside.dropFirst(2).prefix { $0.isHexDigit }
      if !digits.isEmpty, digits.count <= 16 {
        pc = UInt64(digits, radix: 16)
        addressDigits = max(addressDigits, digits.count)
      }
      if let less = inside.firstIndex(of: "<"), inside.hasSuffix(">"), let plus = inside.lastIndex(of: "+"), plus > less,
        inside[inside.index(after: plus)...].hasPrefix("0x"),
        let offset = UInt64(inside[inside.index(plus, offsetBy: 3)..<inside.index(before: inside.endIndex)], radix: 16)
      {
        moduleOffset = (String(inside[inside.index(after: less)..<plus]), offset)
      }
      rest = rest[..<open].trimmingBlanks()
    }
    // `+0x11`: the offset into the function.
    var offset: UInt64?
    if let blank = rest.lastIndex(of: " "), rest[rest.index(after: blank)...].hasPrefix("+0x"),
      let value = UInt64(rest[rest.index(blank, offsetBy: 4)...], radix: 16)
    {
      offset = value
      rest = rest[..<blank].trimmingBlanks()
    }
    var module: String?
    var function: String?
    if rest == "<not in a module>" || rest.isEmpty {
      // Nothing but the pc.
    } else if rest.hasPrefix("system call ") {
      function = String(rest.dropFirst(12))
    } else if let bang = rest.firstIndex(of: "!"), bang > rest.startIndex, !rest[..<bang].contains(" ") {
      module = ModuleName.stem(String(rest[..<bang]))
      function = String(rest[rest.index(after: bang)...])
    } else {
      function = String(rest)
    }
    if module == nil, let moduleOffset { module = ModuleName.stem(moduleOffset.module) }
    let symbol = FrameSymbol(
      module: module.map { TextLimits.capped($0, maximumBytes: 256) }, function: function.map { TextLimits.capped($0, maximumBytes: 1024) },
      offset: function == nil ? nil : offset, address: function == nil && moduleOffset == nil ? pc.map { Address($0) } : nil,
      moduleOffset: function == nil ? moduleOffset?.offset : nil, printedText: TextLimits.capped(line.text(fromToken: start), maximumBytes: 1024))
    return StackFrame(
      index: 0, instruction: pc.map { Address($0) }, symbol: symbol, sourceLine: source, trust: .text, lines: LineRange(line: line.number))
  }

  /// Notes the width of `0x…` addresses in an error's heading.
  private mutating func noteAddresses(in text: String) {
    for word in text.split(separator: " ") where word.hasPrefix("0x") {
      let digits = word.dropFirst(2).prefix { $0.isHexDigit }
      addressDigits = max(addressDigits, digits.count)
    }
  }

  /// Ends the report: the first error kept, each error a thread; the first that is no leak crashed.
  mutating func finish(emit: (TextDecodingEvent) -> Void, emitThread: (CrashThread) -> Void) {
    defer {
      errors = []
      isInError = false
      addressDigits = 0
      isConsole = false
      isCollecting = false
    }
    guard isCollecting else { return }
    let withFrames = errors.filter { !$0.frames.isEmpty }
    guard !withFrames.isEmpty else { return }
    let crashed = withFrames.firstIndex { !$0.isLeak } ?? 0
    emit(.systemProperty(SystemProperty(key: "Memory error", value: "Dr. Memory: " + withFrames[crashed].heading)))
    let architecture: Architecture = addressDigits > 8 ? .amd64 : addressDigits > 0 ? .x86 : .unknown
    let evidence =
      architecture == .unknown
      ? ["Dr. Memory's report printed no address"]
      : ["Dr. Memory prints addresses as wide as the process's pointers: \(addressDigits) hex digits"]
    for (index, error) in withFrames.enumerated() {
      emitThread(
        CrashThread(
          id: error.threadID, architecture: architecture, architectureEvidence: evidence, frames: error.frames, format: .drMemory,
          lines: error.lines, label: error.heading, isCrashed: index == crashed))
      for stack in error.noteStacks where !stack.frames.isEmpty {
        emitThread(
          CrashThread(
            architecture: architecture, architectureEvidence: evidence, frames: stack.frames, format: .drMemory, lines: stack.lines,
            label: stack.label, isCrashed: false))
      }
    }
  }
}
