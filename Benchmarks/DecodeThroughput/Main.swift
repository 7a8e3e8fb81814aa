//===--- Main.swift - Text-decoding throughput and memory benchmark ---------===//
//
// Generates a corpus of crash text (Dr. Watson logs for x86 and Alpha, kd and
// WinDbg listings with wrapped rows, event-log records, KB-style prose) of the
// requested size, then decodes it in streaming mode — events counted and
// dropped — and prints throughput and peak memory. Run it in release:
//
//   scripts/bench-decode            (128 MB and 512 MB corpora)
//   .build/release/analyse-bench --size-mb 256 [--keep PATH]
//   .build/release/analyse-bench --input FILE      (decode an existing file)
//   .build/release/analyse-bench --size-mb 16 --kind kd   (one kind of document only:
//                                                          x86, kd, alpha or article)
//
// Memory is reported as the process's peak resident set (getrusage) after
// generation and after each decode, so a flat figure across corpus sizes shows
// that decoding does not grow with the input.
//
//===----------------------------------------------------------------------===//

import CrashAnalysis
import CrashCore
import StackText

#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

@main
enum DecodeThroughputBenchmark {
  static func main() {
    var sizes: [Int] = []
    var keep: String?
    var inputs: [String] = []
    var kinds = CorpusWriter.Kind.standard
    var arguments = CommandLine.arguments.dropFirst()
    while let argument = arguments.popFirst() {
      switch argument {
      case "--size-mb":
        guard let value = arguments.popFirst().flatMap({ Int($0) }), value > 0 else { usage() }
        sizes.append(value)
      case "--keep":
        keep = arguments.popFirst()
      case "--kind":
        guard let kind = arguments.popFirst().flatMap(CorpusWriter.Kind.init(rawValue:)) else { usage() }
        kinds = [kind]
      case "--input":
        guard let path = arguments.popFirst() else { usage() }
        inputs.append(path)
      default:
        usage()
      }
    }
    if sizes.isEmpty && inputs.isEmpty { sizes = [128, 512] }

    print("analyse-bench: streaming text decode, one core, release build")
    print(String(repeating: "-", count: 72))
    for path in inputs {
      var status = stat()
      guard stat(path, &status) == 0 else {
        print("cannot read \(path)")
        exit(1)
      }
      measure(
        path: path, bytes: Int(status.st_size), rssBefore: peakResidentKilobytes(), label: path)
    }
    for size in sizes {
      let path = keep ?? "/tmp/analyse-bench-\(getpid())-\(size).txt"
      let bytes = CorpusWriter.write(path: path, megabytes: size, kinds: kinds)
      let label = kinds.count == 1 ? "generated (\(kinds[0].rawValue) only)" : "generated"
      measure(path: path, bytes: bytes, rssBefore: peakResidentKilobytes(), label: label)
      if keep == nil { unlink(path) }
    }
  }

  /// Decodes `path` once, streaming, and prints throughput and peak memory.
  static func measure(path: String, bytes: Int, rssBefore: Int, label: String) {
    var threads = 0
    var frames = 0
    var events = 0
    let start = monotonicSeconds()
    do {
      var options = AnalysisOptions()
      options.maximumInputSize = Int.max
      try Analyser(options: options).decodeEvents(path: path) { event in
        switch event {
        case .thread(let thread):
          threads += 1
          frames += thread.frames.count
        case .event: events += 1
        default: break
        }
      }
    } catch {
      print("decode failed: \(error)")
      exit(1)
    }
    let elapsed = monotonicSeconds() - start
    let rssAfterDecode = peakResidentKilobytes()
    let megabytes = Double(bytes) / 1_000_000
    print(
      "\(label) corpus \(format(megabytes, 1)) MB: \(format(megabytes / elapsed, 1)) MB/s, \(format(elapsed, 2)) s, "
        + "\(threads) stacks, \(frames) frames, \(events) events")
    print(
      "  peak RSS before decoding \(rssBefore / 1024) MiB, after decoding \(rssAfterDecode / 1024) MiB"
    )
  }

  static func usage() -> Never {
    print("usage: analyse-bench [--size-mb N]... [--kind x86|kd|alpha|article|x64] [--keep PATH] [--input PATH]...")
    exit(2)
  }

  static func monotonicSeconds() -> Double {
    var time = timespec()
    clock_gettime(CLOCK_MONOTONIC, &time)
    return Double(time.tv_sec) + Double(time.tv_nsec) / 1e9
  }

  static func peakResidentKilobytes() -> Int {
    var usage = rusage()
    getrusage(RUSAGE_SELF.rawValue, &usage)
    return Int(usage.ru_maxrss)
  }

  static func format(_ value: Double, _ decimals: Int) -> String {
    var scale = 1.0
    for _ in 0..<decimals { scale *= 10 }
    let rounded = (value * scale).rounded() / scale
    var text = String(rounded)
    if let dot = text.firstIndex(of: ".") {
      let fraction = text[text.index(after: dot)...].count
      if fraction < decimals { text += String(repeating: "0", count: decimals - fraction) }
    }
    return text
  }
}
