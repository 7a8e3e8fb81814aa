//===--- PDBLookupTests.swift - Lookups through a PDB equal llvm-symbolizer's -===//
//
// tiny.dll + tiny.pdb (Tests/Fixtures/pdb, built by its build.sh) at every code
// byte: the function holding the address and its line equal the outermost frame
// llvm-symbolizer printed for the same address (tiny.llvm-symbolizer.txt). Names
// compare up to the argument list, which Breakpad symbol files from PDBs add.
//
//===----------------------------------------------------------------------===//

import CrashTestSupport
import Foundation
import Symbolication
import Testing

@Suite("PDB lookups agree with llvm-symbolizer")
struct PDBLookupTests {
  @Test("every code byte of tiny.dll: function and line as llvm-symbolizer reads them from tiny.pdb")
  func everyByte() throws {
    let folder = Fixtures.path("pdb")
    let source = try SymbolFileDumper.symbolSource(at: "\(folder)/tiny.dll")
    let reference = try String(contentsOfFile: "\(folder)/tiny.llvm-symbolizer.txt", encoding: .utf8)
    let blocks = reference.components(separatedBy: "\n\n").filter { !$0.isEmpty }
    #expect(blocks.count == 0x35)
    for (offset, block) in blocks.enumerated() {
      let lines = block.split(separator: "\n")
      // The last pair is the physical function: its name, then file:line:column.
      let name = String(lines[lines.count - 2])
      let line = Int(lines[lines.count - 1].split(separator: ":").dropLast().last ?? "") ?? -1
      let lookup = try #require(source.lookup(UInt64(0x1000 + offset)), "0x\(String(0x1000 + offset, radix: 16))")
      #expect(lookup.function.name.prefix { $0 != "(" } == name[...], "0x\(String(0x1000 + offset, radix: 16))")
      #expect(lookup.frames.last?.line == line, "0x\(String(0x1000 + offset, radix: 16))")
    }
  }
}

/// Builds Tests/Fixtures/pdb/make-many.py's 300 functions with clang-cl -O2 (x86 and x64) and
/// compares code bytes (every 13th, and each function's first and last) with
/// llvm-symbolizer --inlining on the same PDB. Lines inside inlined frames are not compared:
/// llvm-symbolizer gives each annotation row the line of the row after it (at x64 0x1027,
/// `testl %ecx` for `if (v > 0)` on line 5, it answers 6); docs/windows-symbols.md.
@Suite("PDB lookups with inlining agree with llvm-symbolizer", .serialized)
struct PDBInliningLookupTests {
  static func tool(_ name: String) -> String? {
    let directories = (ProcessInfo.processInfo.environment["PATH"] ?? "").split(separator: ":").map(String.init)
      + ["/opt/swift/usr/bin", "/usr/bin"]
    return directories.map { "\($0)/\(name)" }.first { FileManager.default.isExecutableFile(atPath: $0) }
  }

  static let tools = ["clang-cl", "lld-link", "llvm-symbolizer", "python3"].compactMap { tool($0) }
  static let available = tools.count == 4

  @discardableResult
  static func run(_ executable: String, _ arguments: [String], input: String? = nil, in directory: String) throws -> String {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: executable)
    process.arguments = arguments
    process.currentDirectoryURL = URL(fileURLWithPath: directory)
    let output = Pipe()
    let standardInput = Pipe()
    process.standardOutput = output
    process.standardError = FileHandle.nullDevice
    process.standardInput = standardInput
    try process.run()
    let reader = Task.detached { output.fileHandleForReading.readDataToEndOfFile() }
    if let input { standardInput.fileHandleForWriting.write(Data(input.utf8)) }
    try standardInput.fileHandleForWriting.close()
    process.waitUntilExit()
    let data = try awaitResult(reader)
    guard process.terminationStatus == 0 else { throw CocoaError(.executableLoad) }
    return String(decoding: data, as: UTF8.self)
  }

  static func awaitResult(_ task: Task<Data, Never>) throws -> Data {
    let semaphore = DispatchSemaphore(value: 0)
    nonisolated(unsafe) var result = Data()
    Task.detached {
      result = await task.value
      semaphore.signal()
    }
    semaphore.wait()
    return result
  }

  @Test(
    "code bytes: the same functions and inline nesting; the same line in the outermost frame but where two rows share an address",
    .enabled(if: available, "needs clang-cl, lld-link, llvm-symbolizer and python3"),
    arguments: [("x86", "i686", UInt64(0x1000_0000)), ("x64", "x86_64", UInt64(0x1_8000_0000))])
  func manyFunctions(machine: String, target: String, imageBase: UInt64) throws {
    let directory = NSTemporaryDirectory() + "many-\(machine)-\(UUID().uuidString)"
    try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(atPath: directory) }
    let (clang, link, symbolizer, python) = (Self.tools[0], Self.tools[1], Self.tools[2], Self.tools[3])
    try Self.run(python, [Fixtures.path("pdb/make-many.py"), "many.cpp"], in: directory)
    try Self.run(clang, ["--target=\(target)-pc-windows-msvc", "/c", "/Z7", "/O2", "/GS-", "many.cpp", "/Fomany.obj"], in: directory)
    try Self.run(
      link, ["/dll", "/noentry", "/nodefaultlib", "/debug", "/machine:\(machine)", "many.obj", "/out:many.dll", "/pdb:many.pdb"],
      in: directory)
    let text = try SymbolFileDumper.symbolFile(at: "\(directory)/many.dll", inlines: true)
    #expect(text.contains("\nINLINE "))
    // The x64 unwind data is in the image: with the PDB, the STACK CFI of the image alone.
    let imageCFI = try imageStackCFI(directory: directory)
    #expect(text.split(separator: "\n").filter { $0.hasPrefix("STACK CFI") }.map(String.init) == imageCFI)
    #expect(machine == "x86" || imageCFI.count > 100)
    let source = try SymbolFileDumper.symbolSource(at: "\(directory)/many.dll")
    var addresses: [UInt64] = []
    var entries = Set<UInt64>()
    for line in text.split(separator: "\n") where line.hasPrefix("FUNC ") {
      let fields = line.split(separator: " ")
      guard let start = UInt64(fields[1], radix: 16), let size = UInt64(fields[2], radix: 16) else { continue }
      // Every 13th byte and each function's first and last (llvm-symbolizer takes about a
      // millisecond per PDB address: all 70,000 bytes would take minutes).
      addresses += stride(from: start, to: start + size, by: 13)
      addresses.append(start + size - 1)
      entries.insert(start)
    }
    #expect(addresses.count > 5_000)
    let queries: [String] = addresses.map { (address: UInt64) -> String in "0x" + String(imageBase + address, radix: 16) }
    let reference = try Self.run(
      symbolizer, ["--obj=\(directory)/many.dll", "--inlining"], input: queries.joined(separator: "\n"), in: directory)
    let blocks = reference.components(separatedBy: "\n\n").filter { !$0.isEmpty }
    #expect(blocks.count == addresses.count)
    var names = 0
    var outerLines = 0
    var outerAway = 0
    for (address, block) in zip(addresses, blocks) {
      let lines = block.split(separator: "\n")
      var frames: [(name: String, line: Int)] = []
      for index in stride(from: 0, to: lines.count - 1, by: 2) {
        let location = lines[index + 1].split(separator: ":").dropLast()
        frames.append((String(lines[index]), Int(location.last ?? "") ?? -1))
      }
      guard let lookup = source.lookup(address) else {
        names += 1
        continue
      }
      let ourNames: [String] = lookup.frames.map { String($0.name.prefix { $0 != "(" }) }
      if ourNames != frames.map(\.name) {
        names += 1
        if names <= 3 { Issue.record("0x\(String(address, radix: 16)): \(frames) vs \(lookup.frames.map(\.name))") }
        continue
      }
      if lookup.frames.last?.line != frames.last?.line {
        outerLines += 1
        if !entries.contains(address) { outerAway += 1 }
      }
    }
    #expect(names == 0)
    // Only at a function's first byte, where clang writes the declaration's line and the first
    // statement's line at one address: dump_syms (and we) keep the second, llvm-symbolizer the first.
    #expect(outerAway == 0)
    #expect(outerLines <= 10)
  }

  /// The STACK CFI lines of many.dll read alone (its PDB moved away for the moment).
  func imageStackCFI(directory: String) throws -> [String] {
    try FileManager.default.moveItem(atPath: "\(directory)/many.pdb", toPath: "\(directory)/many.pdb.away")
    defer { try? FileManager.default.moveItem(atPath: "\(directory)/many.pdb.away", toPath: "\(directory)/many.pdb") }
    return try SymbolFileDumper.symbolFile(at: "\(directory)/many.dll").split(separator: "\n")
      .filter { $0.hasPrefix("STACK CFI") }.map(String.init)
  }
}
