//===--- CoreDumpReportBuilder.swift - A Linux core file as a CrashReport -----===//
//
// A core holds every thread's registers and the process's writable memory
// (stacks included): each thread is walked as a minidump's is, by the unwind
// data the symbol store has for its modules (STACK CFI from `.sym` files or the
// ELF files themselves), frame pointers and scanning. The modules are the
// core's file mappings with the build ids their first pages give, so stores and
// servers are asked by id. The signal (NT_SIGINFO, else the first thread's) is
// the report's exception; the thread that took it, the crashed one.
//
//===----------------------------------------------------------------------===//

import ByteReading
import CoreDumps
import CrashCore
import Unwind

/// Builds a `CrashReport` from a Linux core file.
public enum CoreDumpReportBuilder {
  /// The report for `core`, each thread walked with `unwindData`'s records when given.
  public static func report(
    _ core: ELFCoreFile, unwindData: (any UnwindDataProvider)? = nil, options: WalkOptions = WalkOptions(),
    maximumThreads: Int = 4_096, maximumTotalFrames: Int = 250_000
  ) -> CrashReport {
    var report = CrashReport(input: InputDescription(name: core.path, kind: .core, byteCount: core.byteCount))
    report.system.append(SystemProperty(key: "Operating system", value: "Linux"))
    report.system.append(SystemProperty(key: "CPU", value: core.architecture.displayName))
    if core.processName != nil || core.processID != nil {
      report.application = ApplicationInfo(
        name: core.commandLine.flatMap { $0.split(separator: " ").first.map(String.init) } ?? core.processName,
        processID: core.processID)
    }
    if let commandLine = core.commandLine { report.system.append(SystemProperty(key: "Command line", value: commandLine)) }
    let crashed = core.threads.firstIndex { $0.signal != 0 } ?? (core.threads.isEmpty ? nil : 0)
    if let number = core.signal.map({ UInt32(bitPattern: $0.number) }) ?? crashed.map({ UInt32(core.threads[$0].signal) }),
      number != 0
    {
      let name = LinuxSignal.names[number] ?? "signal \(number)"
      // `SIGSEGV /SEGV_MAPERR`, as Breakpad names a Linux dump's signal.
      let code = core.signal.map { LinuxSignal.codeName(signal: number, code: $0.code) ?? "code \($0.code)" }
      report.exception = CrashException(
        code: ExceptionCode(rawValue: number), description: name + (code.map { " /" + $0 } ?? ""),
        address: core.signal?.address.map { Address($0) }, threadID: crashed.map { core.threads[$0].id })
    }
    report.modules = core.modules
    // No file mappings (a qemu-user core): the libraries from the dynamic linker's list, each
    // placed by its file where the store or a system root has one.
    if core.mappings.isEmpty, let unwindData {
      let listed = core.linkMapModules { path in
        unwindData.imageFile(forProcessPath: path).flatMap { try? MappedFile(path: $0, limit: 4 << 30) }
      }
      if !listed.isEmpty {
        func overlap(_ first: CodeModule, _ second: CodeModule) -> Bool {
          first.base.rawValue < second.base.rawValue &+ (second.size ?? 1)
            && second.base.rawValue < first.base.rawValue &+ (first.size ?? 1)
        }
        let others = report.modules.filter { module in !listed.contains { overlap($0, module) } }
        report.modules = (listed + others).sorted { $0.base.rawValue < $1.base.rawValue }
        report.diagnostics.append(
          Diagnostic(
            .note,
            "the core lists no file mappings (no NT_FILE, as qemu writes cores): \(listed.count == 1 ? "1 module" : "\(listed.count) modules") from the dynamic linker's list, placed by their files"
          ))
      }
    }
    if core.threads.isEmpty {
      report.diagnostics.append(Diagnostic(.warning, "the core holds no thread's registers (no NT_PRSTATUS note)"))
    }
    let memory = CoreMemory(core)
    let moduleIndex = ModuleIndex(report.modules)
    var framesWalked = 0
    for (index, thread) in core.threads.enumerated() {
      var crashThread = CrashThread(
        id: thread.id, architecture: core.architecture, architectureEvidence: ["the core's ELF header (e_machine)"],
        context: thread.context, isCrashed: index == crashed)
      if index < maximumThreads, framesWalked < maximumTotalFrames {
        let result = ThreadWalk.walk(
          thread.context, memory: memory, moduleIndex: moduleIndex, unwindData: unwindData, options: options,
          isWindows: false)
        crashThread.frames = result.frames
        framesWalked += result.frames.count
        if result.hitFrameLimit {
          report.diagnostics.append(
            Diagnostic(.warning, "thread \(thread.id): \(result.stopReason); the walk was cut there"))
        }
      }
      report.threads.append(crashThread)
    }
    if core.threads.count > maximumThreads || framesWalked >= maximumTotalFrames {
      report.diagnostics.append(
        Diagnostic(.warning, "only the first threads were walked (\(maximumThreads) threads, \(maximumTotalFrames) frames at most)"))
    }
    return report
  }
}
