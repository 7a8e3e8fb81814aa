//===--- MinidumpReportBuilder.swift - A minidump as a CrashReport ----------===//
//
// System, exception, modules, and one thread per dump thread, in the dump's
// order and with its names, whose frames are walked from its context over the
// captured stack memory (Unwind). The crashed thread is flagged and uses the
// exception's context. Walking uses unwind data (STACK WIN,
// STACK CFI) when a provider is given, never names; on Linux, scanning stops at
// the process start block (ProcessStartBlock).
//
//===----------------------------------------------------------------------===//

import CrashCore
import Minidump
import Unwind

/// Builds a `CrashReport` from a parsed minidump.
public enum MinidumpReportBuilder {
  /// The key prefix of a Crashpad annotation's property: `Crashpad annotation: prod`, or with the
  /// module that left it, `Crashpad annotation (libsystem_c.dylib): crash_info`.
  public static let annotationKeyPrefix = "Crashpad annotation"

  /// Crashpad's stream as properties: the report's id, then each annotation of the process and
  /// of its modules, one line each.
  static func crashpadProperties(_ dump: MinidumpFile) -> [SystemProperty] {
    guard let info = dump.crashpadInfo else { return [] }
    var properties: [SystemProperty] = []
    if let id = info.reportID { properties.append(SystemProperty(key: "Crashpad report", value: id)) }
    for annotation in info.annotations {
      properties.append(
        SystemProperty(key: "\(annotationKeyPrefix): \(TextLimits.singleLine(annotation.key))", value: TextLimits.singleLine(annotation.value, replacement: " ")))
    }
    for module in info.modules {
      let name = MinidumpModule.lastComponent(dump.modules[module.moduleIndex].name)
      let prefix = "\(annotationKeyPrefix) (\(TextLimits.singleLine(name)))"
      for text in module.listAnnotations {
        properties.append(SystemProperty(key: prefix, value: TextLimits.singleLine(text, replacement: " ")))
      }
      for annotation in module.simpleAnnotations + module.annotationObjects {
        properties.append(
          SystemProperty(key: "\(prefix): \(TextLimits.singleLine(annotation.key))", value: TextLimits.singleLine(annotation.value, replacement: " ")))
      }
    }
    return properties
  }

  /// The report for `dump`; `unwindData` supplies STACK WIN / CFI records for the walkers.
  /// Threads past `maximumThreads`, the `deadline`, or `maximumTotalFrames` frames walked in
  /// all are listed without frames (the crashed thread is always walked).
  public static func report(
    _ dump: MinidumpFile, byteCount: Int, unwindData: (any UnwindDataProvider)? = nil,
    options: WalkOptions = WalkOptions(), maximumThreads: Int = 4_096, deadline: Double? = nil,
    maximumTotalFrames: Int = 250_000
  ) -> CrashReport {
    var report = CrashReport(input: InputDescription(name: dump.path, kind: .minidump, byteCount: byteCount))
    report.diagnostics = dump.diagnostics
    let architecture = dump.systemInfo?.architecture ?? .unknown
    if let system = dump.systemInfo {
      report.system.append(SystemProperty(key: "Operating system", value: system.operatingSystem))
      var cpu = ProcessorArchitecture.name(system.processorArchitecture) ?? "architecture \(system.processorArchitecture)"
      if let vendor = system.cpuVendor {
        cpu += " \(vendor) family \(system.processorLevel) model \(system.processorRevision >> 8) stepping \(system.processorRevision & 0xFF)"
      }
      report.system.append(SystemProperty(key: "CPU", value: cpu))
      report.system.append(SystemProperty(key: "Processors", value: String(system.processorCount)))
    } else {
      report.diagnostics.append(Diagnostic(.warning, "the dump has no system information; assuming nothing about the CPU"))
    }
    if let distribution = dump.linuxDistribution { report.system.append(SystemProperty(key: "Distribution", value: distribution)) }
    if let arguments = dump.commandLine {
      report.system.append(SystemProperty(key: "Command line", value: arguments.joined(separator: " ")))
    }
    report.system += crashpadProperties(dump)
    if let misc = dump.miscInfo, let pid = misc.processID {
      report.application = ApplicationInfo(name: dump.modules.first.map { MinidumpModule.lastComponent($0.name) }, processID: pid)
    }
    let isWindows = dump.systemInfo?.isWindows ?? true
    let isApple = dump.systemInfo?.isApple ?? false
    if let exception = dump.exception {
      report.exception = CrashException(
        code: ExceptionCode(rawValue: exception.code),
        description: CrashReason.text(exception, platform: dump.systemInfo),
        address: Address(crashAddress(exception)), threadID: exception.threadID)
    }
    report.modules = dump.modules.map(\.codeModule)
    let memory = MinidumpMemory(dump)
    let moduleIndex = ModuleIndex(report.modules)
    var options = options
    if let mask = dump.crashpadInfo?.addressMask { options.pointerAuthenticationMask = mask }
    var walked = 0
    var framesWalked = 0
    var skippedByLimit = 0
    var skippedByFrames = 0
    var stoppedByTime = false
    var crashedFound = false
    for thread in dump.threads where thread.id != dump.breakpadInfo?.dumpThreadID {
      // Only the first thread with the exception's id is the crashed one: a dump that repeats
      // the id must not get every copy walked past the limits.
      let isCrashed = !crashedFound && thread.id == dump.exception?.threadID
      if isCrashed { crashedFound = true }
      // The crashed thread is always walked; the others within the thread and time limits.
      if !isCrashed {
        if walked >= maximumThreads {
          skippedByLimit += 1
          continue
        }
        if let deadline, Analyser.now() > deadline {
          stoppedByTime = true
          skippedByLimit += 1
          continue
        }
        if framesWalked >= maximumTotalFrames {
          skippedByFrames += 1
          continue
        }
      }
      walked += 1
      let location = isCrashed ? dump.exception?.context ?? thread.context : thread.context
      var crashThread = CrashThread(id: thread.id, architecture: architecture, label: thread.name, isCrashed: isCrashed)
      do {
        let context = try dump.context(at: location)
        crashThread.context = context
        let result = ThreadWalk.walk(
          context, memory: memory, moduleIndex: moduleIndex, unwindData: unwindData, options: options,
          isWindows: isWindows, isApple: isApple
        ) { ProcessStartBlock.start(in: memory, stackPointer: $0, wordSize: $1) }
        crashThread.frames = result.frames
        framesWalked += result.frames.count
        if result.hitScanLimit && crashThread.frames.count <= 1 {
          report.diagnostics.append(
            Diagnostic(.note, "thread 0x\(String(thread.id, radix: 16)): \(result.stopReason)"))
        }
        if result.hitFrameLimit {
          report.diagnostics.append(
            Diagnostic(.warning, "thread 0x\(String(thread.id, radix: 16)): \(result.stopReason); the walk was cut there"))
        }
      } catch {
        report.diagnostics.append(
          Diagnostic(.error, "thread 0x\(String(thread.id, radix: 16)): \(error)", offset: Int(clamping: error.offset)))
      }
      report.threads.append(crashThread)
    }
    if skippedByLimit > 0 {
      let why = stoppedByTime ? "the time limit was reached" : "the thread limit is \(maximumThreads)"
      report.diagnostics.append(Diagnostic(.warning, "\(skippedByLimit) thread(s) not walked: \(why)"))
    }
    if skippedByFrames > 0 {
      report.diagnostics.append(
        Diagnostic(
          .warning, "\(skippedByFrames) thread(s) not walked: \(framesWalked) frames were walked, the limit is \(maximumTotalFrames)"))
    }
    return report
  }

  /// The faulting data address for access violations (parameter 1), else the exception address.
  static func crashAddress(_ exception: MinidumpException) -> UInt64 {
    if exception.code == 0xC000_0005 || exception.code == 0xC000_0006, exception.parameters.count >= 2 {
      return exception.parameters[1]
    }
    return exception.address
  }
}
