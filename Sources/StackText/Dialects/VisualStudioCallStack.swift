//===--- VisualStudioCallStack.swift - Copies of Visual Studio's Call Stack ---===//
//
// What "Copy All" in Visual Studio's Call Stack window gives, one frame a line,
// the columns separated by tabs (the current frame marked `>`):
//
//   >	app.exe!CWidget::Refresh(int x) Line 42	C++
//    	app.exe!CWindow::OnPaint() Line 27 + 0x12 bytes	C++
//    	user32.dll!_InternalCallWinProc@20()  + 0x23 bytes
//    	kernel32.dll!7c817077()
//    	[Frames below may be incorrect and/or missing, no symbols loaded for kernel32.dll]
//    	[External Code]
//
// Each frame gives a module, a function (its argument list as printed), the
// line and the offset in bytes when shown; no stack pointer, no return address.
//
//===----------------------------------------------------------------------===//

import CrashCore

/// Frames of a Visual Studio call stack copy.
enum VisualStudioCallStack {
  /// Languages the last column names.
  private static let languages: Set<String> = ["C++", "C", "C#", "Basic", "F#", "Unknown", "Native", "JavaScript", "Managed", "Script"]

  /// Whether the line is one of the window's notes (`[External Code]`, `[Frames below …]`).
  static func isNote(_ line: TextLine) -> Bool {
    guard let first = line.tokens.first, line.bytes[first.lowerBound] == ASCII.openBracket else { return false }
    return line.starts(with: "[External Code]") || line.starts(with: "[Frames below may be incorrect")
      || line.starts(with: "[Managed to Native Transition]") || line.starts(with: "[Native to Managed Transition]")
      || line.starts(with: "[Inline Frame]")
  }

  /// The frame a line shows, or nil when it is not one: `module.ext!function(…)`, then
  /// optionally `Line N`, `+ 0xNN bytes` and the language.
  /// Whether the first token has a `!` after its first byte (`app.exe!main()`): what every
  /// frame has, and most lines lack.
  @inline(__always)
  static func mayBeFrame(_ line: TextLine) -> Bool {
    guard let first = line.tokens.first, first.count > 1 else { return false }
    return line.bytes[(first.lowerBound + 1)..<first.upperBound].contains(ASCII.bang)
  }

  static func frame(_ line: TextLine) -> StackFrame? {
    guard let first = line.tokens.first else { return nil }
    let token = line.bytes[first]
    guard let bang = token.firstIndex(of: ASCII.bang), bang > token.startIndex,
      isModuleFile(token[token.startIndex..<bang])
    else { return nil }
    var text = Substring(line.trimmedText)
    // The language column.
    if let last = text.split(separator: " ").last, languages.contains(String(last)), text.count > last.count {
      text = text.dropLast(last.count).trimmingBlanks()
    }
    // `+ 0x23 bytes`.
    var offset: UInt64?
    if text.hasSuffix(" bytes"), let plus = text.lastIndex(of: "+") {
      let number = text[text.index(after: plus)...].dropLast(6).trimmingBlanks()
      offset = HexNumber.prefixedOrBare(Array(number.utf8)[...])
      text = text[..<plus].trimmingBlanks()
    }
    // `Line 42`.
    var lineNumber: Int?
    let words = text.split(separator: " ", omittingEmptySubsequences: false)
    if words.count >= 3, words[words.count - 2] == "Line", let value = Int(words[words.count - 1]) {
      lineNumber = value
      text = text[..<words[words.count - 2].startIndex].trimmingBlanks()
    }
    // Visual Studio always prints the argument list, `()` when empty.
    guard let separator = text.firstIndex(of: "!"), text.hasSuffix(")") else { return nil }
    let moduleFile = text[..<separator]
    var function = text[text.index(after: separator)...]
    var arguments: [String]?
    if function.hasSuffix(")"), let open = Parentheses.openingOfLastGroup(in: function) {
      let inside = function[function.index(after: open)..<function.index(before: function.endIndex)]
      arguments = inside.isEmpty ? [] : inside.split(separator: ",").map { String($0.trimmingBlanks()) }
      function = function[..<open]
    }
    let module = moduleFile.lastIndex(of: ".").map { String(moduleFile[..<$0]) } ?? String(moduleFile)
    var symbol: FrameSymbol
    // `kernel32.dll!7c817077()`: only an address.
    if function.count == 8, let address = HexNumber.digits(Array(function.utf8)[...]) {
      symbol = FrameSymbol(module: module, address: Address(address), printedText: String(text))
    } else {
      symbol = FrameSymbol(module: module, function: String(function), offset: offset, printedText: String(text))
    }
    var annotations: [FrameAnnotation] = []
    if let arguments, !arguments.isEmpty { annotations.append(.argumentList(arguments)) }
    return StackFrame(
      index: 0, symbol: symbol, sourceLine: lineNumber.map { SourceLine(file: "", line: $0) }, annotations: annotations,
      trust: .text, lines: LineRange(line: line.number))
  }

  /// `app.exe`, `user32.dll`, `ntoskrnl.sys`: a module file name.
  private static func isModuleFile(_ name: ByteSlice) -> Bool {
    guard let dot = name.lastIndex(of: ASCII.period), dot > name.startIndex else { return false }
    let extensionBytes = name[(dot + 1)...]
    return extensions.contains { Bytes.equalsIgnoringCase(extensionBytes, $0) }
  }

  private static let extensions: [StaticString] = ["exe", "dll", "sys", "ocx", "drv", "cpl", "scr", "efi"]
}


/// The frames of one Visual Studio call stack copy, gathered line by line.
struct VisualStudioCallStackCollector {
  private var frames: [StackFrame] = []
  private var lines: LineRange?

  /// Takes the line when it is a frame or one of the window's notes; false otherwise.
  mutating func consume(_ line: TextLine) -> Bool {
    // Asked first, inline: a call that returns no frame still clears an optional frame.
    if VisualStudioCallStack.mayBeFrame(line), let frame = VisualStudioCallStack.frame(line) {
      frames.append(frame)
      lines = lines?.including(line.number) ?? LineRange(line: line.number)
      return true
    }
    guard !frames.isEmpty, VisualStudioCallStack.isNote(line) else { return false }
    lines = lines?.including(line.number)
    return true
  }

  /// Whether frames are gathered.
  var isCollecting: Bool { !frames.isEmpty }

  /// The thread of the frames gathered (nil when none), which are then forgotten.
  mutating func finish() -> CrashThread? {
    guard !frames.isEmpty, let lines else { return nil }
    var collected = frames
    frames = []
    self.lines = nil
    for index in collected.indices { collected[index].index = index }
    return CrashThread(
      architecture: .unknown,
      architectureEvidence: ["a Visual Studio call stack prints no addresses that would tell the architecture"],
      frames: collected, format: .visualStudio, lines: lines, label: "Call Stack (Visual Studio)")
  }
}
