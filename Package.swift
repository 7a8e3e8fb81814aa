// swift-tools-version: 6.1
//
// Package.swift — the crash-analysis library, its `analyse` command and their tests.
//
// Module layout (see docs/architecture.md): dependencies point towards CrashCore.
//
//   CrashCore      the vocabulary: addresses, architectures, register contexts, frames,
//                  modules, threads, events, diagnostics, CrashReport. No I/O.
//   ByteReading    mapped files and bounds-checked reads.
//   StackText      decoders for the stack dialects debuggers and Dr. Watson printed.
//   BreakpadSymbols  Breakpad .sym files: mapped, indexed, looked up (CSymbolLines: line
//                  records checked 32 bytes at a time).
//   Demangling     Swift, Rust (legacy and v0), Itanium C++ and MSVC names as their languages print them.
//   CLibDW, ELFSymbols  ELF symbol tables and DWARF through elfutils' libdw.
//   MapFiles       MSVC linker maps (LINK /MAP).
//   Minidump       the MDMP reader: streams, contexts, memory.
//   CoreDumps      Linux core files (ELF ET_CORE): threads, signal, file mappings, memory.
//   CCompression, Decompression  zstd, xz, LZ4 and gzip inputs (libzstd, liblzma, liblz4, zlib) expanded.
//   WindowsImages  PE/COFF images: headers, exports, CodeView ids, x64 unwind data → Breakpad .sym.
//   ProgramDatabase  PDB 7.0: MSF streams, DBI, publics, procedures, C13 lines, types → Breakpad .sym.
//   CLibMSPack, CabinetFiles  CAB-compressed files (.pd_, .dl_) through libmspack.
//   SymbolServers  HTTP symbol servers (AsyncHTTPClient) behind a local cache.
//   Unwind         stack walkers (x86, Alpha, amd64): frame records from raw stack memory.
//   Signatures     the plugin API: findings, evidence, the pipeline, crash signatures.
//   SignatureRules declarative rule files (YAML) as plugins.
//   JSONText       JSON read (strictly, with a depth limit) and written with its keys in order.
//   SourceMaps     JavaScript source maps (ECMA-426): read, looked up, applied to a report's script frames.
//   Symbolication  the symbol store, symbol paths (_NT_SYMBOL_PATH), build choice, frame resolution,
//                  learning maps from listings.
//   CrashAnalysis  the facade programs link: read → sniff → decode → report writers.
//   analyse        the command-line tool.
//   analyse-net    its network side (symbol-server downloads, `symbols serve`), a helper.
import PackageDescription

let package = Package(
  name: "CrashAnalysis",
  products: [
    // The facade most programs want.
    .library(name: "CrashAnalysis", targets: ["CrashAnalysis"]),
    // The pieces, for programs that need only the model or only the text decoders.
    .library(name: "CrashCore", targets: ["CrashCore"]),
    .library(name: "StackText", targets: ["StackText"]),
    .library(name: "BreakpadSymbols", targets: ["BreakpadSymbols"]),
    .library(name: "ELFSymbols", targets: ["ELFSymbols"]),
    .library(name: "Demangling", targets: ["Demangling"]),
    .library(name: "MapFiles", targets: ["MapFiles"]),
    .library(name: "Minidump", targets: ["Minidump"]),
    .library(name: "CoreDumps", targets: ["CoreDumps"]),
    .library(name: "Decompression", targets: ["Decompression"]),
    .library(name: "WindowsImages", targets: ["WindowsImages"]),
    .library(name: "ProgramDatabase", targets: ["ProgramDatabase"]),
    .library(name: "CabinetFiles", targets: ["CabinetFiles"]),
    .library(name: "SymbolServers", targets: ["SymbolServers"]),
    .library(name: "Unwind", targets: ["Unwind"]),
    .library(name: "Signatures", targets: ["Signatures"]),
    .library(name: "SignatureRules", targets: ["SignatureRules"]),
    .library(name: "Symbolication", targets: ["Symbolication"]),
    .library(name: "SourceMaps", targets: ["SourceMaps"]),
    .executable(name: "analyse", targets: ["analyse"]),
    .executable(name: "analyse-net", targets: ["analyse-net"]),
  ],
  dependencies: [
    .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
    // Symbol servers: the client (SymbolServers) and `analyse symbols serve` (in analyse-net).
    .package(url: "https://github.com/swift-server/async-http-client", from: "1.37.0"),
    .package(url: "https://github.com/hummingbird-project/hummingbird", from: "2.28.1"),
    .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
    // DocC: `swift package generate-documentation --target CrashAnalysis` (README.md).
    .package(url: "https://github.com/swiftlang/swift-docc-plugin", from: "1.5.0"),
  ],
  targets: [
    // MARK: Core library
    .target(name: "ByteReading"),
    .target(name: "CrashCore"),
    .target(name: "CSymbolLines"),
    .target(name: "BreakpadSymbols", dependencies: ["CrashCore", "ByteReading", "CSymbolLines"]),
    // The dlopen-on-first-use loader the library shims below share.
    .target(name: "CSharedLibrary", linkerSettings: [.linkedLibrary("dl")]),
    // elfutils (Debian: libdw-dev, libelf-dev for the headers), opened with dlopen on first use
    // (Sources/CLibDW/include/CLibDW.h); only ELFSymbols imports it.
    .target(name: "CLibDW", dependencies: ["CSharedLibrary"]),
    // The C++ runtime's Itanium demangler (__cxa_demangle, libstdc++) and the Swift runtime's
    // (_swift_backtrace_demangle, libswiftCore, called behind a fault guard that survives its
    // aborts: Sources/CSwiftDemangle/guarded_demangle.c); only Demangling imports them.
    .systemLibrary(name: "CCxxABI"),
    .target(name: "CSwiftDemangle"),
    .target(name: "Demangling", dependencies: ["CCxxABI", "CSwiftDemangle"]),
    .target(name: "ELFSymbols", dependencies: ["CLibDW", "Demangling", "CrashCore", "ByteReading"]),
    .target(name: "MapFiles", dependencies: ["CrashCore", "ByteReading", "Demangling"]),
    .target(name: "Minidump", dependencies: ["CrashCore", "ByteReading"]),
    .target(name: "CoreDumps", dependencies: ["CrashCore", "ByteReading"]),
    // libzstd, liblzma, liblz4 and zlib (Debian: libzstd-dev, liblzma-dev, liblz4-dev, zlib1g-dev
    // for the headers),
    // each opened with dlopen when an input of its format first arrives; only Decompression
    // imports them.
    .target(name: "CCompression", dependencies: ["CSharedLibrary"]),
    .target(name: "Decompression", dependencies: ["CCompression", "ByteReading"]),
    .target(name: "WindowsImages", dependencies: ["CrashCore", "ByteReading"]),
    .target(name: "ProgramDatabase", dependencies: ["ByteReading"]),
    // libmspack (Debian: libmspack-dev for the header), opened with dlopen on first use; only
    // CabinetFiles imports it.
    .target(name: "CLibMSPack", dependencies: ["CSharedLibrary"]),
    .target(name: "CabinetFiles", dependencies: ["CLibMSPack"]),
    // libyaml (Debian: libyaml-dev for the header), opened with dlopen on first use; only
    // SignatureRules imports it (rule files and frame catalogs).
    .target(name: "CLibYAML", dependencies: ["CSharedLibrary"]),
    // The C math library opened on first use (Sources/CLibM/include/CLibM.h): the analyse
    // executables link it instead of libm (scripts/install), which no run needs at start.
    .target(name: "CLibM", dependencies: ["CSharedLibrary"]),
    // glibc's mallopt (<malloc.h>); only the analyse command imports it.
    .systemLibrary(name: "CMallocTuning"),
    .target(
      name: "SymbolServers",
      dependencies: [
        "Symbolication", "ELFSymbols", .product(name: "AsyncHTTPClient", package: "async-http-client"),
      ]
    ),
    .target(name: "Unwind", dependencies: ["CrashCore"]),
    .target(name: "Signatures", dependencies: ["CrashCore"]),
    .target(
      name: "SignatureRules",
      dependencies: ["Signatures", "CrashCore", "ByteReading", "CLibYAML"]
    ),
    // Signature plugins: one folder per known issue (Plugins/README.md).
    .target(
      name: "Q276222Plugin",
      dependencies: ["Signatures", "CrashCore"],
      path: "Plugins/Q276222",
      exclude: ["README.md"]
    ),
    .target(
      name: "Symbolication",
      dependencies: ["CrashCore", "ByteReading", "BreakpadSymbols", "MapFiles", "ELFSymbols", "StackText", "Unwind", "Demangling",
        "WindowsImages", "ProgramDatabase", "CabinetFiles",
      ]
    ),
    .target(name: "CLineScan"),
    .target(name: "JSONText", dependencies: ["CrashCore"]),
    .target(name: "SourceMaps", dependencies: ["CrashCore", "ByteReading", "JSONText"]),
    .target(name: "StackText", dependencies: ["CrashCore", "CLineScan"]),
    .target(
      name: "CrashAnalysis",
      dependencies: [
        "CrashCore", "ByteReading", "StackText", "Symbolication", "Minidump", "Unwind", "Signatures", "SignatureRules",
        "Q276222Plugin", "Demangling", "CoreDumps", "Decompression", "JSONText", "SourceMaps",
      ]
    ),

    // MARK: Tools
    .executableTarget(
      name: "analyse",
      dependencies: [
        "CrashAnalysis", "CrashCore", "StackText", "Symbolication", "BreakpadSymbols", "MapFiles", "ELFSymbols",
        "Signatures", "SignatureRules", "ByteReading", "WindowsImages", "CMallocTuning", "CLibM", "SourceMaps",
        .product(name: "ArgumentParser", package: "swift-argument-parser"),
      ]
    ),
    // The network side of analyse (symbol-server downloads, `symbols serve`): a helper
    // executable, so that the binary every run starts holds no HTTP stack.
    .executableTarget(
      name: "analyse-net",
      dependencies: [
        "SymbolServers", "Symbolication", "ByteReading", "CrashCore", "CLibM",
        .product(name: "ArgumentParser", package: "swift-argument-parser"),
        .product(name: "Hummingbird", package: "hummingbird"),
        .product(name: "Logging", package: "swift-log"),
      ]
    ),
    // Decoding-throughput benchmark: `scripts/bench-decode` builds it in release and runs it.
    .executableTarget(
      name: "analyse-bench",
      dependencies: ["CrashAnalysis"],
      path: "Benchmarks/DecodeThroughput"
    ),

    // Symbol loading and lookup benchmark: `scripts/bench-symbols` runs it beside the peers.
    .executableTarget(
      name: "symbols-bench",
      dependencies: ["BreakpadSymbols", "ELFSymbols", "CrashCore"],
      path: "Benchmarks/SymbolLookup",
      exclude: ["generate_c_program.py", "symbolic_bench.py"]
    ),

    // Minidump reading and walking benchmark: `scripts/bench-dumps`.
    .executableTarget(
      name: "dump-bench",
      dependencies: ["CrashAnalysis", "CrashCore", "CrashTestSupport", "Minidump"],
      path: "Benchmarks/DumpWalk",
      exclude: ["minidump_bench.py"]
    ),

    // Classification throughput: `scripts/bench-classify`.
    .executableTarget(
      name: "classify-bench",
      dependencies: ["CrashAnalysis", "CrashCore", "Signatures", "Symbolication"],
      path: "Benchmarks/Classify"
    ),

    // libFuzzer targets (scripts/fuzz builds them with -sanitize=fuzzer,address -DFUZZING).
    .target(name: "CFuzzerDriver", path: "Tests/Fuzz/CFuzzerDriver"),
    .executableTarget(
      name: "fuzz-crash",
      dependencies: [
        "CFuzzerDriver", "Minidump", "Unwind", "StackText", "BreakpadSymbols", "MapFiles", "SignatureRules", "CrashCore",
        "ByteReading", "CrashAnalysis", "CrashTestSupport", "WindowsImages", "ProgramDatabase", "CabinetFiles",
        "ELFSymbols", "Demangling", "CoreDumps", "Decompression", "SourceMaps",
      ],
      path: "Tests/Fuzz/FuzzTargets"
    ),

    // MARK: Tests
    .target(
      name: "CrashTestSupport",
      dependencies: ["CrashCore"],
      path: "Tests/CrashTestSupport"
    ),
    // Writes Examples/Q276222/emsmta.dmp from its description in CrashTestSupport.
    .executableTarget(
      name: "make-example-dumps",
      dependencies: ["CrashTestSupport"],
      path: "Tests/ExampleDumpMaker"
    ),
    .testTarget(
      name: "WindowsImagesTests",
      dependencies: ["WindowsImages", "ByteReading", "CrashCore", "CrashTestSupport"]
    ),
    .testTarget(
      name: "ProgramDatabaseTests",
      dependencies: [
        "ProgramDatabase", "CabinetFiles", "Symbolication", "MapFiles", "ByteReading", "CrashCore", "CrashTestSupport",
      ]
    ),
    .testTarget(
      name: "SymbolServersTests",
      dependencies: ["SymbolServers", "Symbolication", "CrashAnalysis", "CrashCore", "Minidump", "CrashTestSupport"]
    ),
    .testTarget(name: "CrashCoreTests", dependencies: ["CrashCore"]),
    .testTarget(
      name: "SourceMapsTests", dependencies: ["SourceMaps", "CrashAnalysis", "CrashCore", "Signatures", "CrashTestSupport"]
    ),
    .testTarget(name: "DemanglingTests", dependencies: ["Demangling", "CrashTestSupport"]),
    .testTarget(name: "DecompressionTests", dependencies: ["Decompression", "ByteReading", "CrashTestSupport"]),
    .testTarget(
      name: "ELFSymbolsTests",
      dependencies: ["ELFSymbols", "CSharedLibrary", "CrashCore", "CrashTestSupport"]
    ),
    .testTarget(
      name: "SymbolicationTests",
      dependencies: ["Symbolication", "CrashAnalysis", "CrashCore", "CrashTestSupport", "Minidump", "ELFSymbols"]
    ),
    .testTarget(
      name: "MinidumpTests",
      dependencies: ["Minidump", "ByteReading", "CrashCore", "CrashTestSupport"]
    ),
    .testTarget(
      name: "SignaturesTests",
      dependencies: [
        "Signatures", "SignatureRules", "Q276222Plugin", "CrashAnalysis", "Symbolication", "CrashCore", "CrashTestSupport",
      ]
    ),
    .testTarget(
      name: "UnwindTests",
      dependencies: ["Unwind", "Minidump", "BreakpadSymbols", "CrashCore", "CrashTestSupport"]
    ),
    .testTarget(
      name: "MapFilesTests",
      dependencies: ["MapFiles", "Demangling", "CrashCore", "CrashTestSupport"]
    ),
    .testTarget(
      name: "BreakpadSymbolsTests",
      dependencies: ["BreakpadSymbols", "CSymbolLines", "CrashCore", "CrashTestSupport"]
    ),
    .testTarget(
      name: "StackTextTests",
      dependencies: ["StackText", "CrashCore", "CrashTestSupport"]
    ),
    .testTarget(
      name: "CrashAnalysisTests",
      dependencies: [
        "CrashAnalysis", "Symbolication", "CrashTestSupport", "WindowsImages", "ProgramDatabase", "Q276222Plugin",
        "ELFSymbols", "CoreDumps", "Decompression", "Demangling",
      ]
    ),
    // Runs the built `analyse` binary (the dependency makes `swift test` build it).
    .testTarget(
      name: "AnalyseCLITests",
      dependencies: ["analyse", "analyse-net", "CrashTestSupport", "SymbolServers", "CLibM", "ELFSymbols"]
    ),
  ],
  swiftLanguageModes: [.v6]
)
