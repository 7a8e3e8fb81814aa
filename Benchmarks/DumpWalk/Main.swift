//===--- Main.swift - Minidump reading and walking benchmark -----------------===//
//
//   dump-bench [--repeat N] DUMP…                read and walk every thread of each dump
//   dump-bench --generate PATH [--threads N] [--stack-kb K]
//                                                write a large synthetic x86 dump
//   dump-bench --cfi-scenarios DIR [--count N] [--seed S]
//                                                write amd64 dumps walked by STACK CFI
//                                                and their symbol store (CFIScenarios)
//   dump-bench --win-scenarios DIR [--count N] [--seed S]
//                                                the same for x86 and STACK WIN
//                                                (WindowsFrameScenarios)
//   dump-bench --arm64-scenarios DIR [--count N] [--seed S]
//                                                ARM64 dumps walked by STACK CFI and by
//                                                frame records (ARM64Scenarios)
//   dump-bench --arm-scenarios DIR [--count N] [--seed S]
//                                                32-bit ARM dumps walked by STACK CFI, by
//                                                scanning and by r7 records (ARMScenarios)
//   dump-bench --scan-scenarios DIR [--count N] [--seed S]
//                                                x86 and amd64 Windows dumps walked by
//                                                scanning (ScanScenarios)
//   dump-bench --jit-scenarios DIR [--count N] [--seed S]
//                                                Linux amd64 rbp chains through JIT code
//                                                (JITScenarios)
//
// Prints dumps/s, threads and frames per second, and peak resident memory: the
// dump is mapped, so memory follows the pages a walk touches, not the file size.
// scripts/bench-dumps runs it on the fixture dumps and a generated 256-thread,
// 100+ MB dump; figures in docs/performance.md.
//
//===----------------------------------------------------------------------===//

import CrashAnalysis
import CrashCore
import CrashTestSupport
import Minidump

#if canImport(Glibc)
  import Glibc
#endif

@main
enum DumpWalkBenchmark {
  static func main() {
    var arguments = Array(CommandLine.arguments.dropFirst())
    var repeats = 1
    var generate: String?
    var threads = 256
    var stackKB = 400
    var paths: [String] = []
    var scenarios: String?
    var windowsScenarios: String?
    var arm64Scenarios: String?
    var armScenarios: String?
    var scanScenarios: String?
    var jitScenarios: String?
    var count = 10
    var seed: UInt64 = 1
    while !arguments.isEmpty {
      let argument = arguments.removeFirst()
      switch argument {
      case "--repeat": repeats = Int(arguments.removeFirst()) ?? 1
      case "--generate": generate = arguments.removeFirst()
      case "--threads": threads = Int(arguments.removeFirst()) ?? 256
      case "--stack-kb": stackKB = Int(arguments.removeFirst()) ?? 400
      case "--cfi-scenarios": scenarios = arguments.removeFirst()
      case "--win-scenarios": windowsScenarios = arguments.removeFirst()
      case "--arm64-scenarios": arm64Scenarios = arguments.removeFirst()
      case "--arm-scenarios": armScenarios = arguments.removeFirst()
      case "--scan-scenarios": scanScenarios = arguments.removeFirst()
      case "--jit-scenarios": jitScenarios = arguments.removeFirst()
      case "--count": count = Int(arguments.removeFirst()) ?? 10
      case "--seed": seed = UInt64(arguments.removeFirst()) ?? 1
      default: paths.append(argument)
      }
    }
    if let directory = scenarios ?? windowsScenarios ?? arm64Scenarios ?? armScenarios ?? scanScenarios ?? jitScenarios {
      let kind: String
      do {
        if scenarios != nil {
          try CFIScenarios.write(to: directory, count: count, seed: seed)
          kind = "amd64 STACK CFI"
        } else if windowsScenarios != nil {
          try WindowsFrameScenarios.write(to: directory, count: count, seed: seed)
          kind = "x86 STACK WIN"
        } else if arm64Scenarios != nil {
          try ARM64Scenarios.write(to: directory, count: count, seed: seed)
          kind = "ARM64 (CFI, frame records, both)"
        } else if armScenarios != nil {
          try ARMScenarios.write(to: directory, count: count, seed: seed)
          kind = "32-bit ARM (CFI, scanning, r7 records)"
        } else if scanScenarios != nil {
          try ScanScenarios.write(to: directory, count: count, seed: seed)
          kind = "x86 and amd64 scanning"
        } else {
          try JITScenarios.write(to: directory, count: count, seed: seed)
          kind = "amd64 rbp chains through JIT code"
        }
      } catch {
        fatal(error.message)
      }
      print("generated \(count) \(kind) scenarios and their store in \(directory)")
      return
    }
    if let generate {
      let bytes = syntheticDump(threads: threads, stackBytes: stackKB * 1024)
      guard let file = fopen(generate, "wb") else { fatal("cannot write \(generate)") }
      _ = fwrite(bytes, 1, bytes.count, file)
      fclose(file)
      print("generated \(generate): \(threads) threads, \(bytes.count / 1_000_000) MB")
      // Measure in a fresh process (scripts/bench-dumps) so generation does not count.
      if paths.isEmpty { return }
    }
    guard !paths.isEmpty else { fatal("usage: dump-bench [--repeat N] DUMP… | --generate PATH [--threads N] [--stack-kb K]") }
    for path in paths { measure(path, repeats: repeats) }
  }

  static func measure(_ path: String, repeats: Int) {
    let before = peakMiB()
    var frames = 0
    var threads = 0
    var bytes = 0
    let start = now()
    for _ in 0..<repeats {
      do {
        let report = try Analyser().analyse(path: path)
        threads += report.threads.count
        frames += report.threads.reduce(0) { $0 + $1.frames.count }
        bytes = report.input.byteCount
      } catch {
        fatal("\(error)")
      }
    }
    let elapsed = now() - start
    print(
      "\(path): \(bytes / 1000) KB; \(repeats) read+walk in \(format(elapsed)) s = \(format(Double(repeats) / elapsed)) dumps/s, "
        + "\(Int(Double(threads) / elapsed)) threads/s, \(Int(Double(frames) / elapsed)) frames/s; "
        + "peak RSS \(before) → \(peakMiB()) MiB; now \(residentMiB().anonymous) MiB anonymous + "
        + "\(residentMiB().file) MiB of file pages (the mapped dump and the binary)")
  }

  /// Threads whose stacks hold EBP chains of 64 frames into one module, then unused stack.
  static func syntheticDump(threads: Int, stackBytes: Int) -> [UInt8] {
    var dump = SyntheticMinidump()
    dump.modules = [SyntheticModule(base: 0x0040_0000, size: 0x0010_0000, name: "BENCH.EXE")]
    for index in 0..<threads {
      let base = 0x1000_0000 + UInt64(index) * 0x0100_0000
      var stack = StackSection(base: base)
      stack.fill(256)
      // Frames 256 bytes apart near the top of the stack; the rest of the captured
      // stack is filler the walk never needs, as in real dumps.
      let spacing = 256
      for frame in 0..<64 {
        stack.mark("f\(frame)")
        if frame < 63 { stack.d32(label: "f\(frame + 1)") } else { stack.d32(0) }
        stack.d32(frame < 63 ? 0x0040_1000 + UInt32(frame * 0x40) : 0)
        stack.d32(UInt32(frame))
        stack.d32(UInt32(index))
        stack.d32(0)
        stack.fill(spacing - 20, with: 0xCC)
      }
      stack.pad(to: base + UInt64(stackBytes))
      let context = SyntheticContext.x86(
        eip: 0x0040_0800, esp: UInt32(truncatingIfNeeded: base), ebp: UInt32(truncatingIfNeeded: stack.address(of: "f0")))
      dump.threads.append(SyntheticThread(id: UInt32(index + 1), context: context, stackBase: base, stack: stack.finished()))
    }
    return dump.bytes()
  }

  static func now() -> Double {
    var time = timespec()
    clock_gettime(CLOCK_MONOTONIC, &time)
    return Double(time.tv_sec) + Double(time.tv_nsec) / 1e9
  }

  /// `RssAnon` and `RssFile` of /proc/self/status, in MiB: anonymous memory the process
  /// allocated, and file pages of the mapped dump that are resident (clean, reclaimable).
  static func residentMiB() -> (anonymous: Int, file: Int) {
    guard let file = fopen("/proc/self/status", "r") else { return (-1, -1) }
    defer { fclose(file) }
    var anonymous = -1
    var mapped = -1
    var buffer = [CChar](repeating: 0, count: 256)
    while fgets(&buffer, 256, file) != nil {
      let line = String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
      let fields = line.split(whereSeparator: { $0 == " " || $0 == "\t" || $0 == "\n" })
      guard fields.count >= 2, let kilobytes = Int(fields[1]) else { continue }
      if fields[0] == "RssAnon:" { anonymous = kilobytes / 1024 }
      if fields[0] == "RssFile:" { mapped = kilobytes / 1024 }
    }
    return (anonymous, mapped)
  }

  static func peakMiB() -> Int {
    var usage = rusage()
    getrusage(RUSAGE_SELF.rawValue, &usage)
    return Int(usage.ru_maxrss) / 1024
  }

  static func format(_ value: Double) -> String { String((value * 1000).rounded() / 1000) }

  static func fatal(_ message: String) -> Never {
    print("dump-bench: \(message)")
    exit(1)
  }
}
