//===--- SystemdCoredumpReport.swift - coredumpctl info's stack traces --------===//
//
// What systemd-coredump writes into the journal when a process dumps core, and
// `coredumpctl info` prints (src/shared/elf-util.c, src/coredump/coredumpctl.c):
//
//          Signal: 11 (SEGV)
//      Executable: /home/dev/ledger/ledger_threads
//         Message: Process 12236 (ledger_threads) of user 1000 dumped core.
//
//                  Module /home/dev/ledger/ledger_threads with build-id ebddc498…
//                  Module libc.so.6 from rpm glibc-2.38-16.fc39.x86_64
//                  Stack trace of thread 12239:
//                  #0  0x000055bf65a3021f journal_append (ledger_threads + 0x121f)
//                  #1  0x00007f04919111f5 n/a (libc.so.6 + 0x891f5)
//                  ELF object binary architecture: AMD x86-64
//
// (older releases: `Found module … with build-id: …`; newer: `Module X, build-id=…`
// when no package version is known, `Module X without build-id.`). Each row is
// the frame's pc as libdwfl unwound it (a caller's is its return address), the
// function (`n/a` when none) and the module with the pc's offset in it. The first
// thread printed is the one that took the signal. The modules with build ids are
// the report's modules, loaded where a row's pc less its offset puts them, so
// stores and servers are asked by build id.
//
//===----------------------------------------------------------------------===//

import CrashCore

/// A systemd-coredump report (coredumpctl info, or the journal's message), gathered line by line.
struct SystemdCoredumpCollector {
  private struct Row {
    var pc: UInt64
    var function: String?
    var module: String?
    var offset: UInt64
    var text: String
    var line: Int
  }

  private struct Thread {
    var id: UInt32?
    var rows: [Row] = []
    var lines: LineRange
  }

  private var threads: [Thread] = []
  private var buildIDs: [String: String] = [:]
  private var moduleOrder: [String] = []
  private var signal: (number: UInt32, line: Int)?
  private var executable: String?
  private var architectureName: String?
  var maximumFrames = 4096
  var maximumThreads = 1024

  /// Whether a report is being read.
  private(set) var isCollecting = false

  /// Whether `line` may open a report: `Signal: 11 (SEGV)`, `Module … with build-id …`,
  /// `Found module …`, `Stack trace of thread N:` (their first words looked at).
  static func mayOpen(_ line: TextLine) -> Bool {
    guard line.tokens.count >= 3 else { return false }
    if line.tokenEquals(0, "Signal:") { return signalLine(line) != nil }
    if line.tokenEquals(0, "Module") || line.tokenEquals(0, "Found") { return moduleLine(line) != nil }
    return isThreadHeading(line)
  }

  /// `Signal: 11 (SEGV)`.
  static func signalLine(_ line: TextLine) -> UInt32? {
    guard line.tokens.count == 3, line.tokenEquals(0, "Signal:"), let number = UInt32(line.string(1)), number > 0, number < 65
    else { return nil }
    let name = line.string(2)
    guard name.hasPrefix("("), name.hasSuffix(")"), name.count >= 4, name.dropFirst().dropLast().allSatisfy(\.isUppercase)
    else { return nil }
    return number
  }

  /// `Module NAME with build-id ID`, `Found module NAME with build-id: ID`, `Module NAME, build-id=ID`,
  /// `Module NAME from rpm …`, `Module NAME without build-id.`: the name and the id when printed.
  static func moduleLine(_ line: TextLine) -> (name: String, buildID: String?)? {
    var start = 0
    if line.tokenEquals(0, "Found") {
      guard line.tokens.count >= 3, line.tokenEquals(1, "module") else { return nil }
      start = 1
    } else if !line.tokenEquals(0, "Module") {
      return nil
    }
    guard line.tokens.count >= start + 3 else { return nil }
    var name = line.string(start + 1)
    let rest = line.text(fromToken: start + 2)
    var buildID: String?
    if name.hasSuffix(",") {
      name.removeLast()
      guard rest.hasPrefix("build-id=") else { return nil }
      buildID = String(rest.dropFirst(9))
    } else if rest.hasPrefix("with build-id") {
      buildID = String(rest.dropFirst(13).drop { $0 == ":" || $0 == " " })
    } else if let marker = rest.firstRange(of: ", build-id=") {
      guard rest.hasPrefix("from ") else { return nil }
      buildID = String(rest[marker.upperBound...])
    } else if !(rest.hasPrefix("from ") || rest == "without build-id.") {
      return nil
    }
    if let id = buildID {
      guard id.count >= 8, id.count <= 128, id.allSatisfy(\.isHexDigit) else { return nil }
      buildID = id.lowercased()
    }
    return (TextLimits.capped(name, maximumBytes: 1024), buildID)
  }

  /// `Stack trace of thread 12239:`.
  static func isThreadHeading(_ line: TextLine) -> Bool {
    line.tokens.count == 5 && line.tokenEquals(0, "Stack") && line.tokenEquals(1, "trace") && line.tokenEquals(2, "of")
      && line.tokenEquals(3, "thread") && line.string(4).hasSuffix(":")
  }

  /// `#0  0x000055bf65a3021f journal_append (ledger_threads + 0x121f)`.
  private static func row(_ line: TextLine) -> Row? {
    let count = line.tokens.count
    guard count >= 6, line.string(0).hasPrefix("#"), line.string(0).dropFirst().allSatisfy(\.isNumber),
      Bytes.hasPrefix(line.token(1), "0x"), line.token(1).count <= 18, let pc = HexNumber.digits(line.token(1).dropFirst(2)),
      line.tokenEquals(count - 2, "+"), Bytes.hasPrefix(line.token(count - 1), "0x"), line.string(count - 1).hasSuffix(")"),
      let offset = UInt64(line.string(count - 1).dropFirst(2).dropLast(), radix: 16), line.string(count - 3).hasPrefix("(")
    else { return nil }
    let function = line.text(fromToken: 2, throughToken: count - 4)
    let module = String(line.string(count - 3).dropFirst())
    return Row(
      pc: pc, function: function == "n/a" ? nil : TextLimits.capped(function, maximumBytes: 1024),
      module: module == "n/a" ? nil : TextLimits.capped(module, maximumBytes: 1024), offset: offset,
      text: TextLimits.capped(line.text(fromToken: 2), maximumBytes: 1024), line: line.number)
  }

  /// Takes a line; false for one it does not read (which ends the report).
  mutating func consume(_ line: TextLine, emit: (TextDecodingEvent) -> Void, emitThread: (CrashThread) -> Void) -> Bool {
    if let number = Self.signalLine(line) {
      if isCollecting, !threads.isEmpty { finish(emit: emit, emitThread: emitThread) }
      isCollecting = true
      signal = (number, line.number)
      return true
    }
    if let module = Self.moduleLine(line) {
      isCollecting = true
      if let id = module.buildID, buildIDs[module.name] == nil, moduleOrder.count < 4096 {
        buildIDs[module.name] = id
        moduleOrder.append(module.name)
      }
      return true
    }
    if Self.isThreadHeading(line) {
      isCollecting = true
      if threads.count < maximumThreads {
        threads.append(Thread(id: UInt32(line.string(4).dropLast()), lines: LineRange(line: line.number)))
      }
      return true
    }
    guard isCollecting else { return false }
    if let row = Self.row(line), !threads.isEmpty {
      let last = threads.count - 1
      if threads[last].rows.count < maximumFrames { threads[last].rows.append(row) }
      threads[last].lines = threads[last].lines.including(line.number)
      return true
    }
    if line.isBlank { return true }
    // `ELF object binary architecture: AMD x86-64`: the report's last line.
    if line.tokens.count >= 5, line.tokenEquals(0, "ELF"), line.tokenEquals(1, "object"), line.tokenEquals(3, "architecture:") {
      architectureName = TextLimits.capped(line.text(fromToken: 4), maximumBytes: 64)
      finish(emit: emit, emitThread: emitThread)
      return true
    }
    // coredumpctl info's fields between the signal and the message: a key of at most three
    // words and its value (`Executable: /…`, `Command Line: …`, `Size on Disk: 412.3K`).
    if threads.isEmpty, line.tokens.count >= 2, (0..<min(3, line.tokens.count - 1)).contains(where: { line.string($0).hasSuffix(":") }) {
      if line.tokenEquals(0, "Executable:") { executable = TextLimits.capped(line.text(fromToken: 1), maximumBytes: 1024) }
      return true
    }
    finish(emit: emit, emitThread: emitThread)
    return false
  }

  /// The processor `ELF object binary architecture:` names (elfutils' machine names).
  private static func architecture(named name: String) -> Architecture? {
    switch name {
    case "AMD x86-64": .amd64
    case "AARCH64", "ARM aarch64": .arm64
    case "ARM": .arm
    case "Intel 80386": .x86
    case "RISC-V": .riscv64
    default: nil
    }
  }

  /// Ends the report: the signal, the modules with their build ids, each thread (the first crashed).
  mutating func finish(emit: (TextDecodingEvent) -> Void, emitThread: (CrashThread) -> Void) {
    defer {
      threads = []
      buildIDs = [:]
      moduleOrder = []
      signal = nil
      executable = nil
      architectureName = nil
      isCollecting = false
    }
    guard isCollecting, threads.contains(where: { !$0.rows.isEmpty }) else { return }
    let architecture = architectureName.flatMap(Self.architecture(named:)) ?? .unknown
    let evidence =
      architectureName.map { "systemd-coredump's ELF object binary architecture: \($0)" }
      ?? "systemd-coredump's report names no processor"
    let withRows = threads.filter { !$0.rows.isEmpty }
    if let signal {
      emit(
        .exception(
          CrashException(
            code: ExceptionCode(rawValue: signal.number), description: LinuxSignal.names[signal.number],
            threadID: withRows.first?.id, lines: LineRange(line: signal.line))))
    }
    // Each module where a row's pc less its offset puts it.
    var bases: [String: UInt64] = [:]
    for thread in withRows {
      for row in thread.rows where row.module != nil && row.pc >= row.offset {
        if bases[row.module!] == nil { bases[row.module!] = row.pc - row.offset }
      }
    }
    for name in moduleOrder {
      let file = name.split(separator: "/").last.map(String.init) ?? name
      guard let base = bases[name] ?? bases[file], let id = buildIDs[name] else { continue }
      let path = name.hasPrefix("/") ? name : (executable?.hasSuffix("/" + file) == true ? executable : nil)
      emit(
        .module(
          CodeModule(
            name: file, path: path, base: Address(base), debugFile: file, debugIdentifier: GNUBuildID.breakpadIdentifier(id),
            buildID: id)))
    }
    for (index, thread) in withRows.enumerated() {
      var frames: [StackFrame] = []
      for (number, row) in thread.rows.enumerated() {
        let module = row.module.map { $0.split(separator: "/").last.map(String.init) ?? $0 }
        frames.append(
          StackFrame(
            index: number,
            symbol: FrameSymbol(
              module: module, function: row.function, moduleOffset: row.function == nil ? row.offset : nil, printedText: row.text),
            trust: .text, lines: LineRange(line: row.line), printedNumber: number))
      }
      CallStack.place(thread.rows.map { .returnAddress($0.pc) }, in: &frames, architecture: architecture)
      emitThread(
        CrashThread(
          id: thread.id, architecture: architecture, architectureEvidence: [evidence], frames: frames, format: .systemdCoredump,
          lines: thread.lines, label: thread.id.map { "thread \($0)" } ?? "stack trace", isCrashed: index == 0))
    }
  }
}
