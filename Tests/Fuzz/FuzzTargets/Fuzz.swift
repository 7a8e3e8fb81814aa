//===--- Fuzz.swift - libFuzzer targets for every untrusted-input reader ----===//
//
// One binary, the target chosen by $FUZZ_TARGET:
//   minidump  MinidumpFile + every thread walked (x86/Alpha/amd64)
//   text      StackTextDecoder (all dialects, Dr. Watson logs, events)
//   sym       BreakpadSymbolFile + lookups, STACK WIN/CFI queries
//   map       LinkerMapFile + lookups
//   rules     RuleFileParser (YAML rule files)
// Built only with -DFUZZING (scripts/fuzz); otherwise Stub.swift is the program.
//
//===----------------------------------------------------------------------===//

#if FUZZING
  import BreakpadSymbols
  import ByteReading
  import CFuzzerDriver
  import CrashCore
  import Glibc
  import MapFiles
  import Minidump
  import SignatureRules
  import StackText
  import Unwind

  enum FuzzTarget: String {
    case minidump, text, sym, map, rules
  }

  nonisolated(unsafe) var selectedTarget = FuzzTarget.text

  @_cdecl("LLVMFuzzerTestOneInput")
  public func fuzzTestOneInput(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    let bytes = data.map { Array(UnsafeBufferPointer(start: $0, count: size)) } ?? []
    switch selectedTarget {
    case .minidump: fuzzMinidump(bytes)
    case .text: fuzzText(bytes)
    case .sym: fuzzSym(bytes)
    case .map: fuzzMap(bytes)
    case .rules: _ = RuleFileParser.parse(String(decoding: bytes, as: UTF8.self), file: "fuzz.yaml")
    }
    return 0
  }

  func fuzzMinidump(_ bytes: [UInt8]) {
    guard let dump = try? MinidumpFile(file: MappedFile(copying: bytes, name: "fuzz.dmp")) else { return }
    let memory = MinidumpMemory(dump)
    let modules = dump.modules.map(\.codeModule)
    var options = WalkOptions()
    options.maximumFrames = 64
    for thread in dump.threads.prefix(8) {
      guard let context = try? dump.context(at: thread.context) else { continue }
      switch context {
      case .x86(let registers): _ = StackwalkerX86(memory: memory, modules: modules, options: options).walk(context: registers)
      case .alpha(let registers): _ = StackwalkerAlpha(memory: memory, modules: modules, options: options).walk(context: registers)
      case .amd64(let registers): _ = StackwalkerAMD64(memory: memory, modules: modules, options: options).walk(context: registers)
      }
    }
  }

  func fuzzText(_ bytes: [UInt8]) {
    var options = TextDecoderOptions()
    options.maximumLineLength = 4096
    let decoder = StackTextDecoder(options: options)
    bytes.withUnsafeBytes { decoder.consume($0) { _ in } }
    decoder.finish { _ in }
  }

  func fuzzSym(_ bytes: [UInt8]) {
    let file = BreakpadSymbolFile(mapped: MappedFile(copying: bytes, name: "fuzz.sym"))
    for address in [0, 0x10, 0x1000, 0x15b83, 0xffff_ffff] as [UInt64] {
      _ = file.lookup(address)
      _ = file.windowsFrameInfo(at: address)
      _ = file.cfiRules(at: address)
    }
  }

  func fuzzMap(_ bytes: [UInt8]) {
    bytes.withUnsafeBytes { buffer in
      guard let map = try? LinkerMapFile(text: buffer, path: "fuzz.map") else { return }
      for address in [0, 0x1000, 0x1234, 0xffff_ffff] as [UInt64] { _ = map.lookup(address) }
    }
  }

  // SwiftPM links executables with `--defsym main=<target>_main`, which would replace libFuzzer's main.
  @_cdecl("fuzz_crash_main")
  public func fuzzMain(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> CInt {
    if let name = getenv("FUZZ_TARGET"), let target = FuzzTarget(rawValue: String(cString: name)) {
      selectedTarget = target
    } else {
      let message = "set FUZZ_TARGET to minidump, text, sym, map or rules\n"
      _ = message.withCString { write(2, $0, strlen($0)) }
      return 2
    }
    var count = argc
    var values = argv
    return LLVMFuzzerRunDriver(&count, &values, fuzzTestOneInput)
  }
#endif
