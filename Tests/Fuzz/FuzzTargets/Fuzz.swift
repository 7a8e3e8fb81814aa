//===--- Fuzz.swift - libFuzzer targets for every untrusted-input reader ----===//
//
// One binary, the target chosen by $FUZZ_TARGET:
//   minidump  MinidumpFile + every thread walked (x86/Alpha/amd64)
//   microdump Breakpad microdumps in log text (Microdump) + the thread walked
//   text      StackTextDecoder (all dialects, Dr. Watson logs, events)
//   sym       BreakpadSymbolFile + lookups, STACK WIN/CFI queries
//   map       LinkerMapFile + lookups
//   rules     RuleFileParser (YAML rule files) and FrameCatalogParser (frame catalogs)
//   pe        PEImage + exports, CodeView, .pdata and unwind codes, the Breakpad writer
//   pdb       MSF container, PDB streams, symbols, lines, types, frame data, the Breakpad
//             writer; the input as a decorated name through the MSVC demangler
//   dbg       NT 4 .dbg: header, sections, CodeView NB09/NB11, COFF symbols, FPO, the
//             Breakpad writer
//   cab       CAB extraction through libmspack (1 MiB output limit)
//   elf       ELFSymbolFile through libelf/libdw (written to a scratch file): lookups,
//             CFI rows (DWARF, and 32-bit ARM's EHABI tables), the Breakpad writer
//   core      ELFCoreFile (Linux cores): notes, memory, modules and build ids, every thread walked
//   compressed  Decompressor (zstd, xz, gzip, LZ4 through their libraries; the input as
//             each format when its magic is not its own), then the analyser on the file
//   sourcemap SourceMap (the input as a map's JSON, and as a base64 inline map) with lookups
//             over its generated positions, and the script-comment reader on the input
//   json      the analyser on a JSON report as a file: Apple's `.ips`, Node.js's diagnostic
//             report, a Sentry event
//   names     SymbolDemangler: the input as a name, and behind Swift's, Rust's (both) and C++'s prefixes
//   html      merge's JSON-line reader and the triage page: the page must keep its
//             structure (HTMLStructure: no element, attribute or class it does not
//             write) whatever the lines hold; a violation stops the fuzzer
// Built only with -DFUZZING (scripts/fuzz); otherwise Stub.swift is the program.
//
//===----------------------------------------------------------------------===//

#if FUZZING
  import BreakpadSymbols
  import ByteReading
  import CFuzzerDriver
  import CrashAnalysis
  import CrashTestSupport
  import CrashCore
  import Glibc
  import MapFiles
  import Minidump
  import SignatureRules
  import StackText
  import Unwind
  import WindowsImages
  import ProgramDatabase
  import CabinetFiles
  import ELFSymbols
  import Demangling
  import CoreDumps
  import Decompression
  import SourceMaps

  enum FuzzTarget: String {
    case minidump, microdump, text, sym, map, rules, html, pe, pdb, dbg, cab, elf, names, core, compressed, sourcemap, json
  }

  nonisolated(unsafe) var selectedTarget = FuzzTarget.text

  @_cdecl("LLVMFuzzerTestOneInput")
  public func fuzzTestOneInput(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    let bytes = data.map { Array(UnsafeBufferPointer(start: $0, count: size)) } ?? []
    switch selectedTarget {
    case .minidump: fuzzMinidump(bytes)
    case .microdump: fuzzMicrodump(bytes)
    case .text: fuzzText(bytes)
    case .sym: fuzzSym(bytes)
    case .map: fuzzMap(bytes)
    case .rules:
      let text = String(decoding: bytes, as: UTF8.self)
      _ = RuleFileParser.parse(text, file: "fuzz.yaml")
      _ = FrameCatalogParser.parse(text, file: "fuzz.yaml")
    case .pe:
      bytes.withUnsafeBytes { raw in
        guard let image = try? PEImage(ByteReader(raw)) else { return }
        _ = try? PEBreakpadWriter.symbolFile(for: image, fileName: "fuzz.dll")
      }
    case .pdb:
      _ = MSVCDemangler.publicName(String(decoding: bytes.prefix(4096), as: UTF8.self))
      bytes.withUnsafeBytes { raw in
        guard let pdb = try? ProgramDatabase(ByteReader(raw)) else { return }
        _ = try? PDBBreakpadWriter.symbolFile(
          for: pdb, pdbName: "fuzz.pdb", image: nil, undecorate: { MSVCDemangler.publicName($0) })
      }
    case .dbg:
      bytes.withUnsafeBytes { raw in
        guard let file = try? SeparateDebugFile(ByteReader(raw)) else { return }
        _ = try? DBGBreakpadWriter.symbolFile(
          for: file, reader: ByteReader(raw), name: "fuzz.dbg", undecorate: { MSVCDemangler.publicName($0) })
      }
    case .cab:
      bytes.withUnsafeBytes { raw in _ = try? CabinetFile.extractFirst(from: raw, limit: 1 << 20) }
    case .html: fuzzHTML(bytes)
    case .elf: fuzzELF(bytes)
    case .names: fuzzNames(bytes)
    case .core: fuzzCore(bytes)
    case .compressed: fuzzCompressed(bytes)
    case .sourcemap: fuzzSourceMap(bytes)
    case .json: fuzzJSONReport(bytes)
    }
    return 0
  }

  /// The scratch file ELF inputs are written to (libelf reads files).
  nonisolated(unsafe) let elfScratch = "/tmp/fuzz-elf-\(getpid()).so"

  func fuzzELF(_ bytes: [UInt8]) {
    guard let file = fopen(elfScratch, "wb") else { return }
    _ = fwrite(bytes, 1, bytes.count, file)
    fclose(file)
    guard let elf = try? ELFSymbolFile(path: elfScratch) else { return }
    for address in [0, 0x1000, 0x10204, 0x10210, 0x401000] as [UInt64] {
      _ = elf.lookup(address)
      _ = elf.cfiRules(at: address)
    }
    _ = elf.breakpadSymbolFile(inlines: true)
  }

  /// A Linux core: read, its modules found, every thread walked (no unwind data).
  func fuzzCore(_ bytes: [UInt8]) {
    guard let core = try? ELFCoreFile(file: MappedFile(copying: bytes, name: "fuzz.core")) else { return }
    var options = WalkOptions()
    options.maximumFrames = 64
    _ = CoreDumpReportBuilder.report(core, options: options, maximumThreads: 8)
    // The dynamic linker's list, each path answered with the fixture's dynamically linked program.
    _ = core.linkMapModules { _ in fuzzImage }
  }

  /// An AArch64 program the link-map reading takes every path for (nil outside the checkout).
  nonisolated(unsafe) let fuzzImage = try? MappedFile(path: "Tests/Fixtures/core/ledger_dynamic-arm64")

  /// The scratch file compressed inputs are written to (the decompressor maps files).
  nonisolated(unsafe) let compressedScratch = "/tmp/fuzz-compressed-\(getpid())"

  /// A compressed input: expanded by its own format, or as each format when it has no magic of
  /// its own; then analysed as a file, within small limits.
  func fuzzCompressed(_ bytes: [UInt8]) {
    guard let file = fopen(compressedScratch, "wb") else { return }
    _ = fwrite(bytes, 1, bytes.count, file)
    fclose(file)
    let limits = DecompressionLimits(maximumByteCount: 4 << 20, decoderMemoryLimit: 8 << 20)
    let formats = CompressionFormat.detect(bytes).map { [$0] } ?? CompressionFormat.allCases
    for format in formats {
      if let expanded = try? Decompressor.expand(path: compressedScratch, format: format, limits: limits) {
        precondition(expanded.byteCount <= limits.maximumByteCount, "expanded past the limit")
      }
    }
    var options = AnalysisOptions()
    options.maximumInputSize = 4 << 20
    options.walk.maximumFrames = 64
    _ = try? Analyser(options: options).analyse(path: compressedScratch)
  }

  /// The scratch file JSON reports are written to.
  nonisolated(unsafe) let jsonScratch = "/tmp/fuzz-json-\(getpid()).json"

  /// A JSON report (`.ips`, Node.js's diagnostic report, a Sentry event) analysed as a file: the reports' JSON
  /// trees and the stacks decoded from their strings. Inputs that open no object are passed by.
  func fuzzJSONReport(_ bytes: [UInt8]) {
    guard bytes.first(where: { $0 != 0x20 && $0 != 0x0A }) == UInt8(ascii: "{"), let file = fopen(jsonScratch, "wb") else { return }
    _ = fwrite(bytes, 1, bytes.count, file)
    fclose(file)
    var options = AnalysisOptions()
    options.maximumInputSize = 4 << 20
    _ = try? Analyser(options: options).analyse(path: jsonScratch)
  }

  /// The input as a source map (and as one inline in a script, base64), looked up at positions
  /// around every segment's line; the input as a script's last lines.
  func fuzzSourceMap(_ bytes: [UInt8]) {
    func lookUp(_ map: SourceMap) {
      for line in 0...4 {
        for column in [0, 1, 2, 17, 100, 4096, Int(Int32.max), Int.max] { _ = map.originalPosition(line: line, column: column) }
      }
      _ = map.sourceText([SourcePlace(source: 0, line: 1), SourcePlace(source: 1, line: 3), SourcePlace(source: 0, line: 1 << 20)])
    }
    if let map = try? bytes.withUnsafeBytes({ try SourceMap(json: $0, origin: "fuzz.map") }) { lookUp(map) }
    _ = bytes.withUnsafeBytes { SourceMapLocator.sourceMappingURL(in: $0) }
    let base64 = Array("data:application/json;base64,".utf8) + bytes.prefix(4096).map { byte in
      Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/=".utf8)[Int(byte) % 65]
    }
    if case .map(let map) = SourceMapLocator.inlineMap(String(decoding: base64, as: UTF8.self), script: "fuzz.js") { lookUp(map) }
  }

  /// The input as a name, and behind each mangling's prefix, through every demangler.
  func fuzzNames(_ bytes: [UInt8]) {
    let name = String(decoding: bytes.prefix(SymbolDemangler.maximumLength), as: UTF8.self)
    for candidate in [name, "$s" + name, "_T0" + name, "_Z" + name, "_ZN" + name + "17h0123456789abcdefE", "_R" + name] {
      _ = SymbolDemangler.demangle(candidate)
    }
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
      case .arm64(let registers): _ = StackwalkerARM64(memory: memory, modules: modules, options: options).walk(context: registers)
      case .arm(let registers): _ = StackwalkerARM(memory: memory, modules: modules, options: options).walk(context: registers)
      case .riscv64(let registers):
        _ = StackwalkerRISCV64(memory: memory, modules: modules, options: options).walk(context: registers)
      }
    }
  }

  func fuzzMicrodump(_ bytes: [UInt8]) {
    let microdump = bytes.withUnsafeBytes { Microdump(text: $0) }
    guard let context = try? microdump.context() else { return }
    let memory = MicrodumpMemory(microdump)
    var options = WalkOptions()
    options.maximumFrames = 64
    switch context {
    case .x86(let registers): _ = StackwalkerX86(memory: memory, modules: microdump.modules, options: options).walk(context: registers)
    case .arm64(let registers): _ = StackwalkerARM64(memory: memory, modules: microdump.modules, options: options).walk(context: registers)
    case .arm(let registers): _ = StackwalkerARM(memory: memory, modules: microdump.modules, options: options).walk(context: registers)
    default: break
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

  /// The page is written to one reused temporary file and read back.
  nonisolated(unsafe) let pageFile: UnsafeMutablePointer<FILE> = tmpfile()!

  func fuzzHTML(_ bytes: [UInt8]) {
    var records: [BatchRecord] = []
    for line in bytes.split(separator: 0x0A).prefix(64) {
      if case .success(let record) = BatchRecord.parse(jsonLine: Array(line)) { records.append(record) }
    }
    // The raw bytes as every text of a record: the writer must keep anything from being markup.
    let text = String(decoding: bytes.prefix(4096), as: UTF8.self)
    records.append(
      BatchRecord(path: text, signature: text, knownIssue: KnownIssueKey(plugin: text, confidence: .likely), crashingModule: text))
    records.append(BatchRecord(path: text, failure: text))
    guard let page = try? TriageHTMLWriter(path: "fuzz.html") else { return }
    var summary = TriageSummary()
    for (index, record) in records.enumerated() {
      summary.add(record)
      page.add(BatchResult(index: index, record: record))
    }
    let descriptor = fileno(pageFile)
    _ = ftruncate(descriptor, 0)
    _ = lseek(descriptor, 0, SEEK_SET)
    let stream = OutputStream(descriptor: descriptor, destination: "fuzz.html")
    guard (try? page.write(summary, tool: text, generated: 0, to: stream)) != nil, (try? stream.flush()) != nil else { return }
    var html: [UInt8] = []
    var buffer = [UInt8](repeating: 0, count: 65536)
    _ = lseek(descriptor, 0, SEEK_SET)
    while true {
      let count = read(descriptor, &buffer, buffer.count)
      if count <= 0 { break }
      html += buffer[0..<count]
    }
    let structure = HTMLStructure(String(decoding: html, as: UTF8.self))
    if !structure.errors.isEmpty || !structure.foreignMarkup.isEmpty || structure.details.count != records.count {
      fatalError("the page lost its structure: \(structure.errors.prefix(3)) \(structure.foreignMarkup.prefix(3))")
    }
  }

  // SwiftPM links executables with `--defsym main=<target>_main`, which would replace libFuzzer's main.
  @_cdecl("fuzz_crash_main")
  public func fuzzMain(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> CInt {
    if let name = getenv("FUZZ_TARGET"), let target = FuzzTarget(rawValue: String(cString: name)) {
      selectedTarget = target
    } else {
      let message = "set FUZZ_TARGET to minidump, microdump, text, sym, map, rules, html, pe, pdb, dbg, cab, elf, names, core or compressed\n"
      _ = message.withCString { write(2, $0, strlen($0)) }
      return 2
    }
    var count = argc
    var values = argv
    return LLVMFuzzerRunDriver(&count, &values, fuzzTestOneInput)
  }
#endif
