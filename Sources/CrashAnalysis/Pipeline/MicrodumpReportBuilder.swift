//===--- MicrodumpReportBuilder.swift - A Breakpad microdump as a CrashReport -===//
//
// A microdump holds one thread (the crashed one): its registers and its stack
// from the stack pointer up, the mapped modules with their debug ids, the
// system and the signal. The thread is walked as a minidump's would be (STACK
// CFI and STACK WIN from the unwind data, frame records on ARM64, scanning on
// 32-bit ARM as Breakpad walks Android); MIPS microdumps, for which there is no
// walker, list their modules and say so. Breakpad prints such dumps with `minidump_stackwalk` from the log text.
//
//===----------------------------------------------------------------------===//

import CrashCore
import Minidump
import Unwind

/// Builds a `CrashReport` from a parsed microdump.
public enum MicrodumpReportBuilder {
  /// The report for `microdump`, read from an input called `name` of `byteCount` bytes.
  public static func report(
    _ microdump: Microdump, name: String, byteCount: Int, lineCount: Int,
    unwindData: (any UnwindDataProvider)? = nil, options: WalkOptions = WalkOptions()
  ) -> CrashReport {
    var report = CrashReport(
      input: InputDescription(name: name, kind: .microdump, byteCount: byteCount, lineCount: lineCount))
    report.diagnostics = microdump.diagnostics
    if let system = microdump.operatingSystem {
      report.system.append(
        SystemProperty(key: "Operating system", value: [system, microdump.osVersion].compactMap { $0 }.joined(separator: " ")))
    }
    if let cpu = microdump.cpu {
      report.system.append(
        SystemProperty(key: "CPU", value: [cpu, microdump.hardwareArchitecture].compactMap { $0 }.joined(separator: " ")))
    }
    if let count = microdump.processorCount {
      report.system.append(SystemProperty(key: "Processors", value: String(count)))
    }
    if let product = microdump.product {
      report.system.append(SystemProperty(key: "Product", value: product))
    }
    if let crash = microdump.crash {
      report.exception = CrashException(
        code: ExceptionCode(rawValue: crash.signal), description: crash.name, address: Address(crash.address))
    }
    report.modules = microdump.modules
    if microdump.laterMicrodumps > 0 {
      report.diagnostics.append(
        Diagnostic(.note, "\(microdump.laterMicrodumps) more microdump(s) follow in the input; only the first is read"))
    }
    let architecture = microdump.architecture
    var thread = CrashThread(id: 0, architecture: architecture, isCrashed: true)
    guard architecture != .unknown else {
      report.diagnostics.append(
        Diagnostic(.warning, "the microdump's CPU is \(microdump.cpu ?? "not named"): its stack is not walked (no walker for it)"))
      report.threads.append(thread)
      return report
    }
    do {
      let context = try microdump.context()
      thread.context = context
      let memory = MicrodumpMemory(microdump)
      let result = ThreadWalk.walk(
        context, memory: memory, moduleIndex: ModuleIndex(report.modules), unwindData: unwindData, options: options,
        isWindows: false)
      thread.frames = result.frames
      if result.hitFrameLimit {
        report.diagnostics.append(Diagnostic(.warning, "\(result.stopReason); the walk was cut there"))
      }
    } catch {
      report.diagnostics.append(Diagnostic(.error, "microdump: \(error)"))
    }
    report.threads.append(thread)
    return report
  }
}
