//===--- BreakpadSymbolFile.swift - A Breakpad .sym file, indexed -----------===//
//
// Reads the text symbol format of google/breakpad (docs/symbol_files.md):
//   MODULE os arch debug_id debug_file
//   INFO CODE_ID code_id [code_file]        INFO … (kept as text)
//   FILE number name
//   INLINE_ORIGIN id name                   (old form: INLINE_ORIGIN id file_id name)
//   FUNC [m] address size parameter_size name
//     address size line file_number         (line records of the FUNC above)
//     INLINE level call_line call_file origin (address size)+   (old form: no call_file)
//   PUBLIC [m] address parameter_size name
//   STACK WIN type rva code_size …          STACK CFI INIT address size rules
//   STACK CFI address rules
//
// The file is mapped and scanned once; the index records where things are, and
// lookups read names, line records and rules with `pread` (through the mapping
// when the process's budget of kept descriptors is spent): a page faulted in
// through the mapping would bring the 64 KiB around it.
// Damaged records become diagnostics with their line numbers; past the error
// budget the file is marked corrupt, and what was read is still used.
//
//===----------------------------------------------------------------------===//

import ByteReading
import CrashCore

#if canImport(Glibc)
  import Glibc
#elseif canImport(Musl)
  import Musl
#elseif canImport(Darwin)
  import Darwin
#endif

/// Why a symbol file could not be read at all (damage inside it is a diagnostic instead).
public enum BreakpadSymbolError: Error, Sendable, Equatable, CustomStringConvertible {
  /// The file could not be opened or mapped.
  case cannotRead(MappedFileError)

  /// One sentence naming the file.
  public var description: String {
    switch self {
    case .cannotRead(let error): error.description
    }
  }
}

/// Limits for reading a symbol file.
public struct BreakpadLoadOptions: Sendable {
  /// Files larger than this are refused (default 4 GiB).
  public var maximumFileSize = 4 << 30
  /// Damaged records tolerated before the file is marked corrupt; diagnostics stop there.
  public var errorBudget = 100

  /// The default limits.
  public init() {}
}

/// The `MODULE` record: what the symbol file describes.
public struct BreakpadModuleRecord: Sendable, Hashable {
  /// Operating system (`windows`, `Linux`, `mac`).
  public var operatingSystem: String
  /// CPU (`x86`, `x86_64`, `alpha`, `arm64`).
  public var architecture: String
  /// The debug identifier (33 hex digits for PDBs: GUID and age).
  public var debugIdentifier: String
  /// The debug file's name (`test_app.pdb`, `linux_inline`).
  public var debugFile: String
}

/// A Breakpad text symbol file, mapped and indexed for lookups.
public final class BreakpadSymbolFile: UnwindInfoSource, @unchecked Sendable {
  // Sendable: immutable after init; the mapping is read-only.

  /// Where the symbols came from.
  public let origin: SymbolSourceOrigin
  /// The MODULE record, when the file has one.
  public let module: BreakpadModuleRecord?
  /// `INFO CODE_ID`: the code identifier and, when given, the code file.
  public let codeIdentifier: String?
  /// The code file named by `INFO CODE_ID`.
  public let codeFile: String?
  /// The text of every other `INFO` line, in order.
  public let info: [String]
  /// Damaged or inconsistent records, with line numbers (at most the error budget).
  public let diagnostics: [Diagnostic]
  /// Damaged records found, including those past the budget.
  public let errorCount: Int
  /// Whether damage went past the error budget.
  public let isCorrupt: Bool

  private let file: MappedFile
  private let functions: [FunctionRecord]
  private let publics: [PublicRecord]
  private let files: FileTable
  private let inlineOrigins: [Int: InlineOriginRecord]
  private let windowsFrames: [[StackRangeRecord]]
  private let cfiInitial: [StackRangeRecord]
  private let cfiDeltas: [StackDeltaRecord]

  /// Functions (`FUNC`) in the index, after overlapping ones were dropped.
  public var functionCount: Int { functions.count }
  /// Public symbols (`PUBLIC`) in the index.
  public var publicSymbolCount: Int { publics.count }
  /// The start of the last function, module-relative (the span lookups are spread over).
  public var lastFunctionAddress: UInt64? { functions.last?.address }

  /// Maps and indexes the symbol file at `path`.
  public convenience init(path: String, options: BreakpadLoadOptions = BreakpadLoadOptions()) throws(BreakpadSymbolError) {
    let mapped: MappedFile
    do {
      mapped = try MappedFile(path: path, limit: options.maximumFileSize, keepingDescriptor: true)
    } catch {
      throw .cannotRead(error)
    }
    self.init(mapped: mapped, options: options)
  }

  /// Indexes an already mapped symbol file.
  public init(mapped: MappedFile, options: BreakpadLoadOptions = BreakpadLoadOptions()) {
    file = mapped
    origin = SymbolSourceOrigin(format: .breakpad, path: mapped.path)
    mapped.adviseSequential()
    var scanner = SymbolFileScanner(bytes: mapped.bytes, errorBudget: options.errorBudget)
    // Pages already scanned leave memory as the scan goes (a 0.8 MB file is never resident
    // whole); lookups later fault in the few they read.
    scanner.releasePagesBefore = { mapped.releaseResidentPages(before: $0) }
    scanner.scan()
    scanner.finishIndex()
    // The scan touched every page; lookups need only a few of them again.
    mapped.releaseResidentPages()
    module = scanner.module
    codeIdentifier = scanner.codeIdentifier
    codeFile = scanner.codeFile
    info = scanner.info
    diagnostics = scanner.diagnostics
    errorCount = scanner.errorCount
    isCorrupt = scanner.errorCount > options.errorBudget
    functions = scanner.functions
    publics = scanner.publics
    files = scanner.files
    inlineOrigins = scanner.inlineOrigins
    windowsFrames = scanner.windowsFrames
    cfiInitial = scanner.cfiInitial
    cfiDeltas = scanner.cfiDeltas
  }

  // MARK: - Lookups

  /// The function, source line and inlined calls at a module-relative address.
  public func lookup(_ address: UInt64) -> SymbolLookup? {
    switch locate(address) {
    case .function(let index):
      return functionAnswer(functions[index], address)
    case .publicSymbol(let index):
      let symbol = publics[index]
      return SymbolLookup(
        frames: [SymbolizedFunction(name: text(symbol.name))], functionStart: symbol.address,
        parameterSize: symbol.parameterSize, kind: .publicSymbol, origin: origin)
    case nil:
      return nil
    }
  }

  /// Whether `lookup(address)` answers: decided from the index alone, reading nothing.
  public func covers(_ address: UInt64) -> Bool { locate(address) != nil }

  /// The record a lookup answers from.
  private enum Located: Equatable {
    /// `functions[index]` holds the address.
    case function(Int)
    /// `publics[index]` is the nearest symbol at or below it, with no function between.
    case publicSymbol(Int)
  }

  private func locate(_ address: UInt64) -> Located? {
    let nearestFunction = SortedSearch.lastIndex(atOrBelow: address, count: functions.count) { functions[$0].address }
    if let index = nearestFunction, address - functions[index].address < functions[index].size {
      return .function(index)
    }
    guard let publicIndex = SortedSearch.lastIndex(atOrBelow: address, count: publics.count, key: { publics[$0].address })
    else { return nil }
    if let index = nearestFunction, publics[publicIndex].address <= functions[index].address { return nil }
    return .publicSymbol(publicIndex)
  }

  /// The `STACK WIN` record covering `address`: frame data first, then FPO, then the rest.
  public func windowsFrameInfo(at address: UInt64) -> WindowsFrameInfo? {
    for kind in [4, 0, 1, 2, 3] {
      let records = windowsFrames[kind]
      guard let index = SortedSearch.lastIndex(atOrBelow: address, count: records.count, key: { records[$0].address })
      else { continue }
      let record = records[index]
      guard address - record.address < record.size else { continue }
      if let parsed = parseWindowsFrame(record.text) { return parsed }
    }
    return nil
  }

  /// The `STACK CFI` rules in force at `address`, or nil when no INIT record covers it.
  public func cfiRules(at address: UInt64) -> CFIRules? {
    guard let index = SortedSearch.lastIndex(atOrBelow: address, count: cfiInitial.count, key: { cfiInitial[$0].address })
    else { return nil }
    let initial = cfiInitial[index]
    guard address - initial.address < initial.size else { return nil }
    var rules = [text(initial.text)]
    var delta = SortedSearch.firstIndex(atOrAbove: initial.address, count: cfiDeltas.count) { cfiDeltas[$0].address }
    while delta < cfiDeltas.count && cfiDeltas[delta].address <= address {
      rules.append(text(cfiDeltas[delta].rules))
      delta += 1
    }
    return CFIRules(start: initial.address, size: initial.size, rules: rules)
  }

  /// The name of file `number` from the FILE records.
  public func fileName(_ number: Int) -> String? { files[number].map(text) }

  // MARK: - Answer building

  private func functionAnswer(_ function: FunctionRecord, _ address: UInt64) -> SymbolLookup {
    var found = FunctionBody(address: address)
    file.forEachLineChunk(in: function.bodyStart..<function.bodyEnd) { found.read($0) }
    var frames: [SymbolizedFunction] = []
    // Innermost first. The address's own line goes to the innermost entry; each
    // enclosing entry gets the call site recorded by the entry inside it.
    var position: (file: String?, line: Int?) = (
      found.line.flatMap { files[$0.file].map(text) }, found.line.map { $0.line }
    )
    for call in found.inlines.reversed() {
      let name = inlineOrigins[call.origin].map { text($0.name) } ?? "<name omitted>"
      frames.append(SymbolizedFunction(name: name, file: position.file, line: position.line))
      position = (call.callFile.flatMap { files[$0].map(text) }, call.callLine)
    }
    frames.append(SymbolizedFunction(name: text(function.name), file: position.file, line: position.line))
    return SymbolLookup(
      frames: frames, functionStart: function.address, functionSize: function.size,
      parameterSize: function.parameterSize, lineStart: found.line?.address, kind: .function, origin: origin)
  }

  private func parseWindowsFrame(_ span: TextSpan) -> WindowsFrameInfo? {
    file.withBytes(in: span.start..<span.start + min(span.count, Self.maximumRecordBytes)) {
      Self.parseWindowsFrame($0)
    }
  }

  /// The longest `STACK WIN` record read: its fields and a program string as long as a name may be.
  private static let maximumRecordBytes = TextLimits.maximumNameBytes + 1024

  private static func parseWindowsFrame(_ record: UnsafeBufferPointer<UInt8>) -> WindowsFrameInfo? {
    guard let base = record.baseAddress else { return nil }
    var cursor = RecordCursor(base: base, start: 0, end: record.count)
    guard let type = cursor.hex(), let kind = WindowsFrameInfo.Kind(rawValue: Int(type)),
      let address = cursor.hex(), let codeSize = cursor.hex(), let prologue = cursor.hex(),
      let epilogue = cursor.hex(), let parameters = cursor.hex(), let saved = cursor.hex(),
      let locals = cursor.hex(), let maxStack = cursor.hex(), let hasProgram = cursor.hex()
    else { return nil }
    var program: String?
    var allocatesBasePointer = false
    if hasProgram != 0 {
      guard let range = cursor.rest() else { return nil }
      program = TextLimits.capped(UnsafeBufferPointer(rebasing: record[range]))
    } else {
      guard let flag = cursor.hex() else { return nil }
      allocatesBasePointer = flag != 0
    }
    return WindowsFrameInfo(
      kind: kind, address: address, codeSize: codeSize, prologueSize: prologue, epilogueSize: epilogue,
      parameterSize: parameters, savedRegisterSize: saved, localSize: locals, maxStackSize: maxStack,
      programString: program, allocatesBasePointer: allocatesBasePointer)
  }

  /// The text at `span`, read no further than the cap on names needs.
  private func text(_ span: TextSpan) -> String {
    file.withBytes(in: span.start..<span.start + min(span.count, TextLimits.maximumNameBytes + 1)) {
      TextLimits.capped($0)
    }
  }
}
