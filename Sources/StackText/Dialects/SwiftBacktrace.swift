//===--- SwiftBacktrace.swift - The Swift runtime's crash backtraces ------------===//
//
// What a Swift program prints when it crashes on Linux (the runtime's
// `swift-backtrace`, on by default since Swift 5.9; docs/Backtracing.rst in the
// Swift repository), in its text form:
//
//   *** Signal 4: Backtracing from 0x7fdd7176df7f... done ***
//   *** Program crashed: Illegal instruction at 0x00007fdd7176df7f ***
//   Platform: x86_64 Linux (Debian GNU/Linux 12 (bookworm))
//   Thread 1 crashed:                                   (`Thread 0 "settle0":` for the others)
//     0               0x00007fdd7176df7f closure #1 in _assertionFailure(…) + 623 in libswiftCore.so
//     2 [ra]          0x000055cda815a9d1 Ledger.balance(of:) + 272 in settle0 at /tmp/swb/main.swift:7:70
//     4 [ra] [thunk]  0x000055cda8159e53 partial apply for closure #1 … + 18 in settle0 at //<compiler-generated>
//     0 [inlined] [system] 0x0000564243157743 specialized Dictionary.subscript.getter in settle at //<compiler-generated>
//   ...                                                 (frames left out)
//   Registers:  rax 0x0000000000000001  1 …
//   Images (17 omitted):
//   0x000055cda8158000–0x000055cda815b160 829bb9664d05f869a91d78bcf211187116d9c459 settle0  /tmp/swb/settle0
//
// A frame marked `[ra]` gives a return address, and its offset is measured from
// the address before it (the runtime looks up `ra - 1`); an unmarked frame gives
// the pc itself; `[inlined]` frames share the pc of the frame below; `[async]`
// frames give a resume point, read as a return address. Images give each module's
// range and GNU build id, so stores and symbol servers are asked by id.
//
//===----------------------------------------------------------------------===//

import CrashCore

/// The lines of a Swift runtime backtrace.
enum SwiftBacktrace {
  /// A frame row.
  struct Row {
    var number: Int
    var address: UInt64
    var isReturnAddress = false
    var isInlined = false
    var symbol: String?
    var offset: UInt64?
    var image: String?
    var file: String?
    var line: Int?
    var column: Int?
    var text: String
  }

  /// `*** Signal 4: Backtracing from 0x… ***`: the signal number.
  static func signal(_ line: TextLine) -> UInt32? {
    guard line.tokens.count >= 4, line.tokenEquals(0, "***"), line.tokenEquals(1, "Signal") else { return nil }
    return UInt32(line.string(2).dropLast(line.string(2).hasSuffix(":") ? 1 : 0))
  }

  /// `*** Program crashed: Illegal instruction at 0x0000562a74e60743 ***`: the words and the address.
  static func crash(_ line: TextLine) -> (words: String, address: UInt64?)? {
    guard line.tokens.count >= 4, line.tokenEquals(0, "***"), line.tokenEquals(1, "Program"), line.tokenEquals(2, "crashed:")
    else { return nil }
    var text = Substring(line.text(fromToken: 3))
    if text.hasSuffix("***") { text = text.dropLast(3).trimmingBlanks() }
    var address: UInt64?
    if let at = text.ranges(of: " at 0x").last {
      address = UInt64(text[at.upperBound...].prefix { $0.isHexDigit }, radix: 16)
      text = text[..<at.lowerBound]
    }
    return (TextLimits.capped(String(text), maximumBytes: 256), address)
  }

  /// `Thread 1 crashed:`, `Thread 0 "settle0":`, `Thread 2 "worker" crashed:`.
  static func threadHeader(_ line: TextLine) -> (number: Int, name: String?, crashed: Bool)? {
    guard line.tokens.count >= 2, line.contentStart == 0, line.tokenEquals(0, "Thread") else { return nil }
    let text = line.trimmedText
    guard text.hasSuffix(":") else { return nil }
    let rest = text.dropFirst(7).dropLast()
    let numberText = rest.prefix { $0.isNumber }
    guard !numberText.isEmpty, let number = Int(numberText) else { return nil }
    var after = rest.dropFirst(numberText.count).trimmingBlanks()
    var crashed = false
    if after.hasSuffix(" crashed") || after == "crashed" {
      crashed = true
      after = after.dropLast(7).trimmingBlanks()
    }
    var name: String?
    if after.hasPrefix("\""), after.hasSuffix("\""), after.count >= 2 {
      name = TextLimits.singleLine(TextLimits.capped(String(after.dropFirst().dropLast()), maximumBytes: 256))
    } else if !after.isEmpty {
      return nil
    }
    return (number, name, crashed)
  }

  /// A frame row.
  static func row(_ line: TextLine) -> Row? {
    let count = line.tokens.count
    guard count >= 3, line.token(0).count <= 6, line.token(0).allSatisfy(ASCII.isDigit), let number = Int(line.string(0))
    else { return nil }
    var index = 1
    var row = Row(number: number, address: 0, text: "")
    while index < count, line.token(index).first == ASCII.openBracket, line.token(index).last == UInt8(ascii: "]") {
      if line.tokenEquals(index, "[ra]") || line.tokenEquals(index, "[async]") { row.isReturnAddress = true }
      if line.tokenEquals(index, "[inlined]") { row.isInlined = true }
      index += 1
    }
    guard index < count, Bytes.hasPrefix(line.token(index), "0x"), line.token(index).count <= 18,
      let address = HexNumber.digits(line.token(index).dropFirst(2))
    else { return nil }
    row.address = address
    row.text = TextLimits.capped(line.text(fromToken: index))
    guard index + 1 < count else { return row }
    var rest = Substring(line.text(fromToken: index + 1))
    // ` at /tmp/swb/main.swift:7:70` or ` at //<compiler-generated>`.
    if let at = rest.ranges(of: " at ").last {
      let place = rest[at.upperBound...]
      if place.hasPrefix("//<") {
        rest = rest[..<at.lowerBound]
      } else {
        let parts = place.split(separator: ":", omittingEmptySubsequences: false)
        if parts.count >= 3, let lineNumber = Int(parts[parts.count - 2]), let column = Int(parts[parts.count - 1]) {
          row.file = TextLimits.capped(String(place[..<place.index(before: parts[parts.count - 2].startIndex)]))
          row.line = lineNumber
          row.column = column
          rest = rest[..<at.lowerBound]
        } else if parts.count >= 2, let lineNumber = Int(parts[parts.count - 1]) {
          row.file = TextLimits.capped(String(place[..<place.index(before: parts[parts.count - 1].startIndex)]))
          row.line = lineNumber
          rest = rest[..<at.lowerBound]
        }
      }
    }
    // `… in settle0`: the image (image names hold no blanks; symbols may hold ` in `).
    if let inImage = rest.ranges(of: " in ").last ?? (rest.hasPrefix("in ") ? rest.startIndex..<rest.index(rest.startIndex, offsetBy: 3) : nil),
      !rest[inImage.upperBound...].contains(" ")
    {
      row.image = TextLimits.capped(String(rest[inImage.upperBound...]))
      rest = rest[..<inImage.lowerBound]
    }
    if let plus = rest.ranges(of: " + ").last, let offset = UInt64(rest[plus.upperBound...].trimmingBlanks()) {
      row.offset = offset
      rest = rest[..<plus.lowerBound]
    }
    let symbol = rest.trimmingBlanks()
    if !symbol.isEmpty, symbol != "???" { row.symbol = TextLimits.capped(String(symbol)) }
    return row
  }

  /// `0x000055cda8158000–0x000055cda815b160 829bb96… settle0  /tmp/swb/settle0`: an image's range,
  /// build id (`<no build ID>` when it has none), name and path.
  static func image(_ line: TextLine) -> (start: UInt64, end: UInt64, buildID: String?, name: String, path: String?)? {
    guard line.tokens.count >= 3 else { return nil }
    let range = line.string(0)
    // The two addresses are joined by an en dash (or a hyphen).
    let pieces = range.split(whereSeparator: { $0 == "–" || $0 == "-" })
    guard pieces.count == 2, pieces[0].hasPrefix("0x"), pieces[1].hasPrefix("0x"),
      let start = UInt64(pieces[0].dropFirst(2), radix: 16), let end = UInt64(pieces[1].dropFirst(2), radix: 16), end >= start
    else { return nil }
    var next = 1
    var buildID: String?
    let idToken = line.string(1)
    if idToken.count >= 8, idToken.count <= 128, idToken.allSatisfy(\.isHexDigit) {
      buildID = idToken.lowercased()
      next = 2
    } else if line.tokenEquals(1, "<no"), line.tokens.count >= 5 {
      next = 4
    }
    guard next < line.tokens.count else { return nil }
    let name = TextLimits.capped(line.string(next))
    let path = next + 1 < line.tokens.count ? TextLimits.capped(line.text(fromToken: next + 1)) : nil
    return (start, end, buildID, name, path)
  }

  /// `Platform: x86_64 Linux (…)`: the architecture the first word names.
  static func platform(_ line: TextLine) -> (architecture: Architecture, text: String)? {
    guard line.tokens.count >= 2, line.tokenEquals(0, "Platform:") else { return nil }
    let architecture: Architecture
    switch line.string(1).lowercased() {
    case "x86_64", "amd64": architecture = .amd64
    case "arm64", "aarch64": architecture = .arm64
    case "i386", "i686", "x86": architecture = .x86
    case "armv7", "arm", "armv7l": architecture = .arm
    default: architecture = .unknown
    }
    return (architecture, TextLimits.singleLine(TextLimits.capped(line.text(fromToken: 1), maximumBytes: 256)))
  }
}

/// One Swift runtime backtrace, gathered line by line and given out when the input ends or
/// another starts (the images, which place the modules, come last).
struct SwiftBacktraceCollector {
  private struct Thread {
    var number: Int
    var name: String?
    var crashed: Bool
    var rows: [SwiftBacktrace.Row] = []
    var rowLines: [Int] = []
    var lines: LineRange
  }

  private enum Section {
    case none
    case thread
    case registers
    case images
  }

  private var threads: [Thread] = []
  private var section = Section.none {
    didSet { sectionHasLines = false }
  }
  private var sectionHasLines = false
  private var signal: (number: UInt32, line: Int)?
  private var crash: (words: String, address: UInt64?, line: Int)?
  private var platform: (architecture: Architecture, text: String, line: Int)?
  private var registers: [(name: String, value: UInt64)] = []
  private var registerLines: LineRange?
  private var images: [(start: UInt64, end: UInt64, buildID: String?, name: String, path: String?)] = []
  /// The most frames kept for one thread, threads and images.
  var maximumFrames = 4096
  var maximumThreads = 4096
  var maximumImages = 8192

  /// Whether a backtrace is being read.
  private(set) var isCollecting = false

  /// Whether the line may open one: `*** Signal …` or `*** Program crashed: …`.
  @inline(__always)
  static func mayOpen(_ line: TextLine) -> Bool {
    guard let first = line.tokens.first, first.count == 3, line.bytes[first.lowerBound] == UInt8(ascii: "*") else { return false }
    return line.tokens.count >= 4 && line.tokenEquals(0, "***") && (line.tokenEquals(1, "Signal") || line.tokenEquals(1, "Program"))
  }

  /// Takes a line of the backtrace; false for a line it does not read.
  mutating func consume(_ line: TextLine, emit: (TextDecodingEvent) -> Void, emitThread: (CrashThread) -> Void) -> Bool {
    if let number = SwiftBacktrace.signal(line) {
      if isCollecting && !threads.isEmpty { finish(emit: emit, emitThread: emitThread) }
      isCollecting = true
      signal = (number, line.number)
      return true
    }
    if let found = SwiftBacktrace.crash(line) {
      if isCollecting && !threads.isEmpty { finish(emit: emit, emitThread: emitThread) }
      isCollecting = true
      crash = (found.words, found.address, line.number)
      return true
    }
    guard isCollecting else { return false }
    if line.isBlank {
      // Blank lines separate the header, the threads, the registers and the images, and
      // follow each section's heading: a section ends at one only once it has lines.
      if sectionHasLines { section = .none }
      return true
    }
    switch section {
    case .thread:
      if let row = SwiftBacktrace.row(line) {
        let last = threads.count - 1
        if threads[last].rows.count < maximumFrames {
          threads[last].rows.append(row)
          threads[last].rowLines.append(line.number)
        }
        threads[last].lines = threads[last].lines.including(line.number)
        sectionHasLines = true
        return true
      }
      if line.tokens.count == 1, line.tokenEquals(0, "...") { return true }
      section = .none
    case .registers:
      if let pairs = Self.registers(line) {
        for pair in pairs where registers.count < 128 { registers.append(pair) }
        registerLines = (registerLines ?? LineRange(line: line.number)).including(line.number)
        // The registers come in groups with blank lines between (general, flags, segments).
        return true
      }
      section = .none
    case .images:
      if let image = SwiftBacktrace.image(line) {
        if images.count < maximumImages { images.append(image) }
        sectionHasLines = true
        return true
      }
      section = .none
    case .none:
      break
    }
    if let found = SwiftBacktrace.platform(line) {
      platform = (found.architecture, found.text, line.number)
      return true
    }
    if let header = SwiftBacktrace.threadHeader(line) {
      if threads.count < maximumThreads {
        threads.append(Thread(number: header.number, name: header.name, crashed: header.crashed, lines: LineRange(line: line.number)))
        section = .thread
      }
      return true
    }
    if line.tokens.count == 1, line.tokenEquals(0, "Registers:") {
      section = .registers
      return true
    }
    if line.tokenEquals(0, "Images"), line.token(line.tokens.count - 1).last == UInt8(ascii: ":") {
      section = .images
      return true
    }
    if line.tokenEquals(0, "Backtrace"), line.tokens.count == 3, line.tokenEquals(1, "took") {
      finish(emit: emit, emitThread: emitThread)
      return true
    }
    return false
  }

  /// `rax 0x0000000000000001  1 …`, `cs 0x0033  fs 0x0000  gs 0x0000`: the first register of
  /// the line, or every pair when the line is only pairs.
  private static func registers(_ line: TextLine) -> [(name: String, value: UInt64)]? {
    func pair(_ index: Int) -> (name: String, value: UInt64)? {
      let name = line.token(index)
      let value = line.token(index + 1)
      guard (2...8).contains(name.count), name.allSatisfy({ ($0 >= 0x61 && $0 <= 0x7A) || ASCII.isDigit($0) }),
        Bytes.hasPrefix(value, "0x"), value.count <= 18, let number = HexNumber.digits(value.dropFirst(2))
      else { return nil }
      return (line.string(index), number)
    }
    guard line.tokens.count >= 2, let first = pair(0) else { return nil }
    if line.tokens.count % 2 == 0 {
      let pairs = stride(from: 0, to: line.tokens.count, by: 2).compactMap(pair)
      if pairs.count == line.tokens.count / 2 { return pairs }
    }
    return [first]
  }

  /// Ends the backtrace: the exception, the threads, the images as modules.
  mutating func finish(emit: (TextDecodingEvent) -> Void, emitThread: (CrashThread) -> Void) {
    defer { reset() }
    guard isCollecting else { return }
    let architecture = platform?.architecture ?? .unknown
    let evidence =
      platform.map { ["the backtrace's Platform line names \($0.text) (line \($0.line))"] }
      ?? ["the backtrace has no Platform line"]
    if let platform { emit(.systemProperty(SystemProperty(key: "Platform", value: platform.text))) }
    if let signal {
      var description = LinuxSignal.names[signal.number] ?? "signal \(signal.number)"
      if let crash { description += ", " + crash.words }
      var lines = LineRange(line: signal.line)
      if let crash { lines = lines.including(crash.line) }
      emit(
        .exception(
          CrashException(
            code: ExceptionCode(rawValue: signal.number), description: description, address: crash?.address.map { Address($0) },
            lines: lines)))
    }
    let sortedImages = images.sorted { $0.start < $1.start }
    for thread in threads where !thread.rows.isEmpty {
      var crashThread = CrashThread(
        architecture: architecture, architectureEvidence: evidence,
        frames: Self.frames(thread, images: sortedImages, architecture: architecture), format: .swiftBacktrace,
        lines: thread.lines, label: "Thread \(thread.number)" + (thread.name.map { " \"\($0)\"" } ?? ""),
        isCrashed: thread.crashed)
      if thread.crashed, let registerLines {
        crashThread.context = NamedRegisters.context(registers.map { $0.name == "rflags" ? ("eflags", $0.value) : $0 }, architecture: architecture)
        crashThread.contextLines = registerLines
      }
      emitThread(crashThread)
    }
    for image in sortedImages {
      let (size, overflow) = (image.end - image.start).addingReportingOverflow(1)
      emit(
        .module(
          CodeModule(
            name: image.name, path: image.path, base: Address(image.start), size: overflow ? nil : size, debugFile: image.name,
            debugIdentifier: image.buildID.map(GNUBuildID.breakpadIdentifier), buildID: image.buildID)))
    }
  }

  /// The rows as frames: `[ra]` rows give the return address into their function (so the frame
  /// above returns there), the others their pc; `[inlined]` rows share the frame below's.
  private static func frames(
    _ thread: Thread, images: [(start: UInt64, end: UInt64, buildID: String?, name: String, path: String?)],
    architecture: Architecture
  ) -> [StackFrame] {
    var frames: [StackFrame] = []
    frames.reserveCapacity(thread.rows.count)
    for (index, row) in thread.rows.enumerated() {
      let image = images.last { $0.start <= row.address && row.address <= $0.end }
      let module = row.image ?? image?.name
      // Offsets of `[ra]` rows are measured from `ra - 1`; shown here from the return address.
      let offset = row.offset.map { row.isReturnAddress ? $0 &+ 1 : $0 }
      var symbol = FrameSymbol(module: module, function: row.symbol, offset: row.symbol == nil ? nil : offset, printedText: row.text)
      if row.symbol == nil {
        if let image { symbol.moduleOffset = row.address &- image.start } else { symbol.address = Address(row.address) }
      }
      frames.append(
        StackFrame(
          index: index, symbol: symbol, sourceLine: row.file.map { SourceLine(file: $0, line: row.line ?? 0, column: row.column) },
          trust: .text, lines: LineRange(line: thread.rowLines[index]), printedNumber: row.number, isInlined: row.isInlined))
    }
    let addresses: [PrintedAddress] = thread.rows.map { $0.isReturnAddress ? .returnAddress($0.address) : .pc($0.address) }
    CallStack.place(addresses, in: &frames, architecture: architecture)
    return frames
  }

  private mutating func reset() {
    threads = []
    section = .none
    signal = nil
    crash = nil
    platform = nil
    registers = []
    registerLines = nil
    images = []
    isCollecting = false
  }
}
