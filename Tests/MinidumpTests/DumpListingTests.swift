//===--- DumpListingTests.swift - The reader against minidump_dump -----------===//
//
// Breakpad's `minidump_dump minidump2.dmp` printed every stream and field; each
// value the reader exposes is compared with that listing, stream by stream.
//
//===----------------------------------------------------------------------===//

import CrashCore
import CrashTestSupport
import Minidump
import Foundation
import Testing

@Suite("Minidump reader against minidump_dump", .enabled(if: SharedFixtures.has("fixtures/breakpad"), "needs ../shared/fixtures/breakpad beside the checkout"))
struct DumpListingTests {
  /// The listing's blocks: a title line (`MDRawModule`) and its `key = value` fields.
  static func blocks(titled title: String) throws -> [[String: String]] {
    let text = try String(contentsOfFile: SharedFixtures.path("fixtures/breakpad/minidump2.dump.out"), encoding: .utf8)
    var blocks: [[String: String]] = []
    var current: [String: String]?
    for line in text.split(separator: "\n", omittingEmptySubsequences: false) {
      if line == title {
        if let current { blocks.append(current) }
        current = [:]
        continue
      }
      if line.isEmpty || !line.hasPrefix(" ") {
        if let block = current { blocks.append(block) }
        current = nil
        continue
      }
      guard current != nil, let equals = line.firstIndex(of: "=") else { continue }
      let key = line[..<equals].trimmingCharacters(in: .whitespaces)
      current![key] = line[line.index(after: equals)...].trimmingCharacters(in: .whitespaces)
    }
    if let current { blocks.append(current) }
    return blocks
  }

  static func number(_ text: String?) -> UInt64? {
    guard let text else { return nil }
    let word = text.split(separator: " ").first.map(String.init) ?? text
    return word.hasPrefix("0x") ? UInt64(word.dropFirst(2), radix: 16) : UInt64(word)
  }

  static func quoted(_ text: String?) -> String? {
    guard let text, text.hasPrefix("\""), text.hasSuffix("\"") else { return nil }
    return String(text.dropFirst().dropLast())
  }

  static let dump = Result { try MinidumpFile(path: SharedFixtures.path("fixtures/breakpad/minidump2.dmp")) }

  @Test("header and stream directory")
  func directory() throws {
    let dump = try Self.dump.get()
    let header = try #require(try Self.blocks(titled: "MDRawHeader").first)
    #expect(UInt64(dump.timestamp) == Self.number(header["time_date_stamp"]))
    let entries = try Self.blocks(titled: "MDRawDirectory")
    #expect(dump.directory.count == entries.count)
    for (ours, theirs) in zip(dump.directory, entries) {
      #expect(UInt64(ours.type.rawValue) == Self.number(theirs["stream_type"]))
      #expect(UInt64(ours.location.size) == Self.number(theirs["location.data_size"]))
      #expect(UInt64(ours.location.rva) == Self.number(theirs["location.rva"]))
      #expect(theirs["stream_type"]?.contains(ours.type.description) == true)
    }
    #expect(dump.diagnostics.isEmpty)
  }

  @Test("threads and their contexts")
  func threads() throws {
    let dump = try Self.dump.get()
    let threads = try Self.blocks(titled: "MDRawThread")
    #expect(dump.threads.count == threads.count)
    for (ours, theirs) in zip(dump.threads, threads) {
      #expect(UInt64(ours.id) == Self.number(theirs["thread_id"]))
      #expect(ours.teb == Self.number(theirs["teb"]))
      #expect(ours.stack.start == Self.number(theirs["stack.start_of_memory_range"]))
      #expect(ours.stack.size == Self.number(theirs["stack.memory.data_size"]))
      #expect(ours.stack.rva == Self.number(theirs["stack.memory.rva"]))
      #expect(UInt64(ours.context.size) == Self.number(theirs["thread_context.data_size"]))
      #expect(UInt64(ours.context.rva) == Self.number(theirs["thread_context.rva"]))
    }
    // Contexts: two thread contexts, then the exception's.
    let contexts = try Self.blocks(titled: "MDRawContextX86")
    let locations = dump.threads.map(\.context) + [try #require(dump.exception).context]
    #expect(contexts.count == locations.count)
    for (location, theirs) in zip(locations, contexts) {
      guard case .x86(let registers) = try dump.context(at: location) else {
        Issue.record("not an x86 context")
        continue
      }
      let names: [(X86Register, String)] = [
        (.eip, "eip"), (.esp, "esp"), (.ebp, "ebp"), (.eax, "eax"), (.ebx, "ebx"), (.ecx, "ecx"), (.edx, "edx"),
        (.esi, "esi"), (.edi, "edi"), (.eflags, "eflags"), (.segCs, "cs"), (.segFs, "fs"),
      ]
      for (register, name) in names {
        #expect(registers[register] == Self.number(theirs[name]), "\(name)")
      }
    }
  }

  @Test("modules: names, versions, CodeView debug files and identifiers")
  func modules() throws {
    let dump = try Self.dump.get()
    let modules = try Self.blocks(titled: "MDRawModule")
    #expect(dump.modules.count == modules.count)
    #expect(dump.modules.count == 13)
    for (ours, theirs) in zip(dump.modules, modules) {
      #expect(ours.base == Self.number(theirs["base_of_image"]))
      #expect(UInt64(ours.size) == Self.number(theirs["size_of_image"]))
      #expect(UInt64(ours.checksum) == Self.number(theirs["checksum"]))
      #expect(UInt64(ours.timestamp) == Self.number(theirs["time_date_stamp"]))
      #expect(ours.name == Self.quoted(theirs["(code_file)"]))
      #expect(ours.debugFile == Self.quoted(theirs["(debug_file)"]))
      #expect(ours.debugIdentifier == Self.quoted(theirs["(debug_identifier)"]))
      #expect((ours.version.fileVersion ?? "") == Self.quoted(theirs["(version)"]))
      #expect(ours.codeIdentifier == Self.quoted(theirs["(code_identifier)"]))
    }
  }

  @Test("memory ranges, exception, system info, misc info, Breakpad info")
  func otherStreams() throws {
    let dump = try Self.dump.get()
    let regions = try Self.blocks(titled: "MDMemoryDescriptor")
    #expect(dump.memoryRanges.count == regions.count)
    for (ours, theirs) in zip(dump.memoryRanges, regions.sorted { Self.number($0["start_of_memory_range"])! < Self.number($1["start_of_memory_range"])! }) {
      #expect(ours.start == Self.number(theirs["start_of_memory_range"]))
      #expect(ours.size == Self.number(theirs["memory.data_size"]))
      #expect(ours.rva == Self.number(theirs["memory.rva"]))
    }
    let exception = try #require(dump.exception)
    let theirs = try #require(try Self.blocks(titled: "MDException").first)
    #expect(UInt64(exception.threadID) == Self.number(theirs["thread_id"]))
    #expect(UInt64(exception.code) == Self.number(theirs["exception_record.exception_code"]))
    #expect(exception.address == Self.number(theirs["exception_record.exception_address"]))
    #expect(exception.parameters == [1, 0x45])
    let system = try #require(dump.systemInfo)
    let info = try #require(try Self.blocks(titled: "MDRawSystemInfo").first)
    #expect(UInt64(system.processorArchitecture) == Self.number(info["processor_architecture"]))
    #expect(UInt64(system.processorLevel) == Self.number(info["processor_level"]))
    #expect(UInt64(system.processorRevision) == Self.number(info["processor_revision"]))
    #expect(UInt64(system.processorCount) == Self.number(info["number_of_processors"]))
    #expect(UInt64(system.buildNumber) == Self.number(info["build_number"]))
    #expect(system.servicePack == Self.quoted(info["(csd_version)"]))
    #expect(system.cpuVendor == Self.quoted(info["(cpu_vendor)"]))
    #expect(system.architecture == .x86)
    #expect(system.operatingSystem == "Windows NT 5.1.2600 Service Pack 2")
    let misc = try #require(try Self.blocks(titled: "MDRawMiscInfo").first)
    #expect(dump.miscInfo?.processID.map(UInt64.init) == Self.number(misc["process_id"]))
    let breakpad = try #require(try Self.blocks(titled: "MDRawBreakpadInfo").first)
    #expect(dump.breakpadInfo?.dumpThreadID.map(UInt64.init) == Self.number(breakpad["dump_thread_id"]))
    #expect(dump.breakpadInfo?.requestingThreadID.map(UInt64.init) == Self.number(breakpad["requesting_thread_id"]))
  }

  @Test("memory reads by address")
  func memory() throws {
    let dump = try Self.dump.get()
    let memory = MinidumpMemory(dump)
    // The stack of thread 0 starts 0x12f31c with 00000000 c0e9907c (listing of region[1]).
    #expect(memory.uint32(at: 0x12f31c) == 0)
    #expect(memory.uint32(at: 0x12f320) == 0x7c90_e9c0)
    #expect(memory.uint32(at: 0x12f31c + 0xce4 - 2) == nil)  // straddles the end
    #expect(memory.uint32(at: 0x1000) == nil)
  }
}
