//===--- BreakpadMachineReadable.swift - minidump_stackwalk -m ----------------===//
//
// `minidump_stackwalk -m` prints a walked minidump in `|`-separated lines, the form
// crash-report pipelines store and tickets quote:
//
//   OS|Windows NT|5.1.2600 Service Pack 2
//   CPU|x86|GenuineIntel family 6 model 13 stepping 8|1
//   Crash|EXCEPTION_ACCESS_VIOLATION_WRITE|0x45|0
//   Module|test_app.exe||test_app.pdb|5A9832E5287241C1838ED98914E9B7FF1|0x00400000|0x0042cfff|1
//
//   0|0|test_app.exe|`anonymous namespace'::CrashFunction|c:\test_app.cc|58|0x3
//   0|3|kernel32.dll|BaseProcessStart|||0x23
//   0|4|ntdll.dll||||0x1f999
//   1|0|||||0x7780c4bc
//
// `Crash` gives the reason, the address and the crashed thread's number (empty fields
// when the process did not crash). Each `Module` line: code file, version, debug file,
// debug id, first and last byte, whether it is the main module — the ids a store or a
// symbol server is asked by. A frame line: thread, frame, module, function, source
// file, line, and an offset whose base depends on what is printed: the source line's
// first instruction, else the function's start, else the module's base, else none (an
// absolute address). The walker replaces any `|` in a name with `_`, so fields split
// exactly. Frames carry no registers and no `Found by:`; a caller's offsets are from its
// return address. Layout from Breakpad's processor/stackwalk_common.cc
// (PrintProcessStateMachineReadable, PrintStackMachineReadable, PrintModulesMachineReadable).
//
//===----------------------------------------------------------------------===//

import CrashCore

/// Reads the lines of `minidump_stackwalk -m`.
enum BreakpadMachineReadable {
  /// Whether the line may be one of this form's (`OS|`, `CPU|`, `GPU|`, `Crash|`, `Module|`
  /// or `N|N|`): a `|` within its first eight bytes after a letter or a digit. Asked of many
  /// lines, inline.
  @inline(__always)
  static func mayBe(_ line: TextLine) -> Bool {
    let start = line.contentStart
    guard start == 0, line.bytes.count > 3 else { return false }
    let lead = line.bytes[0]
    guard ASCII.isDigit(lead) || lead == 0x43 || lead == 0x47 || lead == 0x4D || lead == 0x4F else { return false }
    for index in 1..<min(8, line.bytes.count) where line.bytes[index] == 0x7C { return true }
    return false
  }

  /// The line's fields, split at each `|` (trailing blanks dropped).
  static func fields(_ line: TextLine) -> [Substring] {
    var text = String(decoding: line.bytes, as: UTF8.self)[...]
    while let last = text.last, last == " " || last == "\t" || last == "\r" { text = text.dropLast() }
    return text.split(separator: "|", omittingEmptySubsequences: false)
  }

  /// A frame line's thread and frame numbers, its location and source line.
  static func frame(_ fields: [Substring]) -> (thread: Int, number: Int, symbol: FrameSymbol, sourceLine: SourceLine?)? {
    guard fields.count == 7, let thread = decimal(fields[0]), let number = decimal(fields[1]),
      fields[6].hasPrefix("0x"), let offset = UInt64(fields[6].dropFirst(2), radix: 16)
    else { return nil }
    let (module, function, file, lineText) = (fields[2], fields[3], fields[4], fields[5])
    let printed = fields[2...].joined(separator: "|")
    if module.isEmpty {
      guard function.isEmpty, file.isEmpty, lineText.isEmpty else { return nil }
      return (thread, number, FrameSymbol(address: Address(offset), printedText: printed), nil)
    }
    let name = BreakpadStackwalk.moduleName(module)
    if function.isEmpty {
      guard file.isEmpty, lineText.isEmpty else { return nil }
      return (thread, number, FrameSymbol(module: name, moduleOffset: offset, printedText: printed), nil)
    }
    guard !file.isEmpty else {
      guard lineText.isEmpty else { return nil }
      return (thread, number, FrameSymbol(module: name, function: String(function), offset: offset, printedText: printed), nil)
    }
    // The offset is from the source line's first instruction: the line says where, not the offset.
    guard let lineNumber = Int(lineText) else { return nil }
    let sourceLine = lineNumber >= 0 ? SourceLine(file: String(file), line: lineNumber) : nil
    return (thread, number, FrameSymbol(module: name, function: String(function), printedText: printed), sourceLine)
  }

  /// `Module|file|version|debug file|debug id|0xfirst|0xlast|main`.
  static func module(_ fields: [Substring], line: Int) -> CodeModule? {
    guard fields.count == 8, fields[0] == "Module", !fields[1].isEmpty, let base = hex(fields[5]), let last = hex(fields[6]),
      last >= base
    else { return nil }
    let (size, overflow) = (last - base).addingReportingOverflow(1)
    return CodeModule(
      name: BreakpadStackwalk.moduleName(fields[1]), path: String(fields[1]), base: Address(base),
      size: overflow ? nil : size, version: fields[2].isEmpty ? nil : String(fields[2]),
      debugFile: fields[3].isEmpty ? nil : String(fields[3]),
      debugIdentifier: fields[4].isEmpty ? nil : String(fields[4]), lines: LineRange(line: line))
  }

  private static func hex(_ text: Substring) -> UInt64? {
    guard text.count > 2, text.count <= 18, text.hasPrefix("0x") else { return nil }
    return UInt64(text.dropFirst(2), radix: 16)
  }

  private static func decimal(_ text: Substring) -> Int? {
    guard !text.isEmpty, text.count <= 6, text.utf8.allSatisfy(ASCII.isDigit) else { return nil }
    return Int(text)
  }
}

/// The threads of one `minidump_stackwalk -m` text, gathered line by line.
struct BreakpadMachineReadableCollector {
  private var cpu: (architecture: Architecture, name: String, line: Int)?
  /// The thread `Crash|…|N` names.
  private var crashedThread: Int?
  private var thread: (number: Int, firstLine: Int)?
  private var frames: [StackFrame] = []
  private var lines: LineRange?
  /// The most frames kept for one thread.
  var maximumFrames = 4096

  /// Whether a thread is being read.
  var isCollecting: Bool { thread != nil }

  /// Takes a line of this form: headers and modules go to `emit`, a finished thread to
  /// `emitThread`. False for any other line (which ends the thread being read).
  mutating func consume(
    _ line: TextLine, emit: (TextDecodingEvent) -> Void, emitThread: (CrashThread) -> Void
  ) -> Bool {
    guard BreakpadMachineReadable.mayBe(line) else { return false }
    let fields = BreakpadMachineReadable.fields(line)
    if let (number, index, symbol, sourceLine) = BreakpadMachineReadable.frame(fields) {
      if let current = thread, current.number != number, let finished = finish() { emitThread(finished) }
      if thread == nil {
        thread = (number, line.number)
        lines = LineRange(line: line.number)
      }
      lines = lines?.including(line.number)
      guard frames.count < maximumFrames else { return true }
      frames.append(
        StackFrame(
          index: frames.count, symbol: symbol, sourceLine: sourceLine, trust: .text, lines: LineRange(line: line.number),
          printedNumber: index))
      return true
    }
    if thread != nil, let finished = finish() { emitThread(finished) }
    switch fields.first {
    case "OS" where fields.count == 3, "GPU" where fields.count == 4:
      return true
    case "CPU" where fields.count == 4:
      let name = String(fields[1])
      cpu = (BreakpadStackwalk.architecture(named: name), name, line.number)
      return true
    case "Crash" where fields.count == 4:
      crashedThread = Int(fields[3])
      let reason = String(fields[1])
      if let code = BreakpadStackwalk.exceptionCode(reason: reason) {
        let address = fields[2].hasPrefix("0x") ? UInt64(fields[2].dropFirst(2), radix: 16).map { Address($0) } : nil
        emit(.exception(CrashException(code: code, description: reason, address: address, lines: LineRange(line: line.number))))
      }
      return true
    case "Module":
      guard let module = BreakpadMachineReadable.module(fields, line: line.number) else { return false }
      emit(.module(module))
      return true
    default:
      return false
    }
  }

  /// The thread read so far (nil when none), which is then forgotten.
  mutating func finish() -> CrashThread? {
    guard let current = thread, let lines else { return nil }
    thread = nil
    self.lines = nil
    var collected = frames
    frames = []
    guard !collected.isEmpty else { return nil }
    let architecture = cpu?.architecture ?? .unknown
    let evidence = [
      cpu.map { BreakpadStackwalk.cpuEvidence(name: $0.name, line: $0.line, architecture: $0.architecture) }
        ?? "no CPU line: the architecture is unknown"
    ]
    CallStack.assignInstructionAddresses(&collected, architecture: architecture, contextInstructionPointer: nil)
    let crashed = crashedThread == current.number
    return CrashThread(
      architecture: architecture, architectureEvidence: evidence, frames: collected, format: .breakpadStackwalk,
      lines: lines, label: "Thread \(current.number)" + (crashed ? " (crashed)" : ""), isCrashed: crashed)
  }
}
