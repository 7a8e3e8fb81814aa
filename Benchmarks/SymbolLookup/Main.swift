//===--- Main.swift - Symbol loading and lookup benchmark ---------------------===//
//
//   symbols-bench elf FILE ADDRESSES       index an ELF file, resolve every address
//   symbols-bench sym FILE [LOOKUPS]       load a Breakpad .sym, then random lookups
//   symbols-bench generate-sym PATH MB     write a realistic .sym of about MB megabytes
//
// Prints load time, throughput and peak resident memory (getrusage). The peers
// (llvm-symbolizer, eu-addr2line) are timed by scripts/bench-symbols on the same
// inputs; docs/performance.md has the figures.
//
//===----------------------------------------------------------------------===//

import BreakpadSymbols
import CrashCore
import ELFSymbols

#if canImport(Glibc)
  import Glibc
#endif

@main
enum SymbolLookupBenchmark {
  static func main() {
    let arguments = Array(CommandLine.arguments.dropFirst())
    switch arguments.first {
    case "elf" where arguments.count == 3: elf(path: arguments[1], addressFile: arguments[2])
    case "sym" where arguments.count >= 2: sym(path: arguments[1], lookups: arguments.count > 2 ? Int(arguments[2]) ?? 1_000_000 : 1_000_000)
    case "generate-sym" where arguments.count == 3: generate(path: arguments[1], megabytes: Int(arguments[2]) ?? 256)
    default:
      print("usage: symbols-bench elf FILE ADDRESSES | sym FILE [LOOKUPS] | generate-sym PATH MB")
      exit(2)
    }
  }

  static func elf(path: String, addressFile: String) {
    guard let text = try? readFile(addressFile) else { fatal("cannot read \(addressFile)") }
    let addresses = text.split(separator: "\n").compactMap { UInt64($0.dropFirst(2), radix: 16) }
    let start = now()
    let symbols: ELFSymbolFile
    do { symbols = try ELFSymbolFile(path: path) } catch { fatal(error.description) }
    let loaded = now()
    var frames = 0
    for address in addresses { frames += symbols.lookup(address)?.frames.count ?? 0 }
    let done = now()
    print("elf \(path): index \(format(loaded - start, 3)) s; \(addresses.count) lookups in \(format(done - loaded, 3)) s "
      + "= \(Int(Double(addresses.count) / (done - loaded))) lookups/s (\(frames) frames); total \(format(done - start, 3)) s; "
      + "peak RSS \(peakMiB()) MiB")
  }

  static func sym(path: String, lookups: Int) {
    var status = stat()
    guard stat(path, &status) == 0 else { fatal("cannot stat \(path)") }
    let megabytes = Double(status.st_size) / 1_000_000
    let before = peakMiB()
    let start = now()
    let symbols: BreakpadSymbolFile
    do { symbols = try BreakpadSymbolFile(path: path) } catch { fatal(error.description) }
    let loaded = now()
    let rss = peakMiB()
    var state: UInt64 = 0x9E37_79B9_7F4A_7C15
    var found = 0
    // Uniform from 0 to the last FUNC's start, as Benchmarks/SymbolLookup/symbolic_bench.py does.
    let highest: UInt64 = symbols.lastFunctionAddress ?? 1 << 24
    for _ in 0..<lookups {
      state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
      if symbols.lookup((state >> 20) % (highest + 1)) != nil { found += 1 }
    }
    let done = now()
    print("sym \(path): \(format(megabytes, 1)) MB loaded in \(format(loaded - start, 3)) s = "
      + "\(format(megabytes / (loaded - start), 0)) MB/s; \(symbols.functionCount) FUNC, \(symbols.publicSymbolCount) PUBLIC; "
      + "peak RSS \(before) → \(rss) MiB (\(format(Double(rss) * 1.048576 / megabytes, 2))× the file); "
      + "\(lookups) lookups in \(format(done - loaded, 3)) s = \(Int(Double(lookups) / (done - loaded))) lookups/s (\(found) answered)")
  }

  /// A .sym shaped like dump_syms output: FILE records, FUNCs with line records and
  /// INLINE records, PUBLICs, STACK CFI.
  static func generate(path: String, megabytes: Int) {
    guard let file = fopen(path, "w") else { fatal("cannot write \(path)") }
    defer { fclose(file) }
    var out = "MODULE Linux x86_64 0123456789ABCDEF0123456789ABCDEF0 generated\nINFO CODE_ID 0123456789ABCDEF\n"
    for index in 0..<2000 { out += "FILE \(index) /src/project/module\(index / 50)/file\(index).cc\n" }
    for index in 0..<500 { out += "INLINE_ORIGIN \(index) inline_helper_\(index)(int)\n" }
    var address: UInt64 = 0x1000
    var written = 0
    var function = 0
    let target = megabytes * 1_000_000
    while written < target {
      let lines = 8 + function % 40
      let size = UInt64(lines * 6)
      out += "FUNC \(hex(address)) \(hex(size)) 0 namespace\(function % 97)::Class\(function % 1009)::method\(function)(int, char const*)\n"
      out += "INLINE 0 \(function % 300 + 1) \(function % 2000) \(function % 500) \(hex(address + 6)) \(hex(12))\n"
      for line in 0..<lines {
        out += "\(hex(address + UInt64(line * 6))) 6 \(line + 10 + function % 500) \(function % 2000)\n"
      }
      if function % 4 == 0 { out += "PUBLIC \(hex(address + size)) 0 public_thunk_\(function)\n" }
      out += "STACK CFI INIT \(hex(address)) \(hex(size)) .cfa: $rsp 8 + .ra: .cfa -8 + ^\n"
      address += size + 2
      function += 1
      if out.utf8.count > 1 << 20 {
        written += out.utf8.count
        fputs(out, file)
        out = ""
      }
    }
    fputs(out, file)
    print("generated \(path): \(function) functions")
  }

  static func hex(_ value: UInt64) -> String { String(value, radix: 16) }

  static func readFile(_ path: String) throws -> String {
    guard let file = fopen(path, "r") else { throw MappedFileFailure() }
    defer { fclose(file) }
    var bytes: [UInt8] = []
    var buffer = [UInt8](repeating: 0, count: 1 << 16)
    while true {
      let count = fread(&buffer, 1, buffer.count, file)
      if count <= 0 { break }
      bytes += buffer[0..<count]
    }
    return String(decoding: bytes, as: UTF8.self)
  }

  struct MappedFileFailure: Error {}

  static func now() -> Double {
    var time = timespec()
    clock_gettime(CLOCK_MONOTONIC, &time)
    return Double(time.tv_sec) + Double(time.tv_nsec) / 1e9
  }

  static func peakMiB() -> Int {
    var usage = rusage()
    getrusage(RUSAGE_SELF.rawValue, &usage)
    return Int(usage.ru_maxrss) / 1024
  }

  static func format(_ value: Double, _ decimals: Int) -> String {
    var scale = 1.0
    for _ in 0..<decimals { scale *= 10 }
    let rounded = (value * scale).rounded() / scale
    return decimals == 0 ? String(Int(rounded)) : String(rounded)
  }

  static func fatal(_ message: String) -> Never {
    print("symbols-bench: \(message)")
    exit(1)
  }
}
