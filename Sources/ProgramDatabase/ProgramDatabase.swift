//===--- ProgramDatabase.swift - A PDB file (7.0 or 2.00), read ---------------===//
//
// Opens the MSF container and the streams every use needs: the PDB info stream
// (GUID), the DBI stream (age, modules, where the rest is), the section headers
// (section:offset → image address) and the string table. The rest — publics,
// each module's procedures and lines, frame data, types — is read when asked for,
// one stream at a time, so memory stays near the size of the largest stream.
// A PDB 2.00 (VC 2.0–6.0) goes through the same streams: the small MSF, an info stream
// without GUID, older DBI module entries, procedures and publics in the CodeView 4/5
// record kinds (LegacySymbolRecords), C11 line tables; its type records are not read
// (names are written without argument lists). One without section headers needs them
// from its image or .dbg (`sectionsIfMissing`).
//
//===----------------------------------------------------------------------===//

import ByteReading

/// A PDB file: 7.0, or 2.00.
public struct ProgramDatabase: Sendable {
  /// The container.
  public let file: MSFFile
  /// Stream 1.
  public let info: PDBInfoStream
  /// Stream 3.
  public let dbi: DBIStream
  /// The image's sections, from the DBI's section header stream.
  public let sections: SectionTable
  /// "/names", when present.
  public let strings: StringTable?
  /// OMAP from the original layout to the image's, when the image was rearranged after
  /// linking (AddressMap); `sections` are then the original section headers.
  public let omap: AddressMap?

  /// Stream numbers of the fixed streams.
  private enum FixedStream: Int { case info = 1, types = 2, dbi = 3, ids = 4 }

  /// Reads the PDB held in `reader` (a mapping the caller keeps alive); `sectionsIfMissing`
  /// stands in for a section header stream the PDB lacks (older PDBs leave it to the image);
  /// `releasePages` drops the mapping's resident pages (MSFFile.releasePages).
  public init(
    _ reader: ByteReader, sectionsIfMissing: SectionTable? = nil, releasePages: (@Sendable () -> Void)? = nil
  ) throws(PDBError) {
    var file = try MSFFile(reader)
    file.releasePages = releasePages
    self.file = file
    guard let infoStream = try file.stream(FixedStream.info.rawValue) else { throw .missingStream("PDB info") }
    guard let dbiStream = try file.stream(FixedStream.dbi.rawValue) else { throw .missingStream("DBI") }
    do {
      info = try infoStream.withReader { (reader) throws(ReadError) in try PDBInfoStream(reader) }
      dbi = try dbiStream.withReader { (reader) throws(ReadError) in try DBIStream(reader) }
      if let index = dbi.debugStreams[.omapFromSource], let stream = try? file.stream(index) {
        omap = try stream.withReader { (reader) throws(ReadError) in try AddressMap(reader) }
      } else {
        omap = nil
      }
      if omap != nil, let index = dbi.debugStreams[.originalSectionHeaders], let stream = try? file.stream(index) {
        sections = try stream.withReader { (reader) throws(ReadError) in try SectionTable(reader) }
      } else if let index = dbi.debugStreams[.sectionHeaders], let stream = try? file.stream(index) {
        sections = try stream.withReader { (reader) throws(ReadError) in try SectionTable(reader) }
      } else if let sectionsIfMissing {
        sections = sectionsIfMissing
      } else {
        throw PDBError.missingStream("section header")
      }
      if let index = info.namedStreams["/names"], let stream = try? file.stream(index) {
        strings = try? StringTable(stream)
      } else {
        strings = nil
      }
    } catch {
      throw PDBError(error)
    }
  }

  /// The debug identifier images carry for this PDB: GUID and the DBI's age; for a PDB 2.00,
  /// signature and the PDB's age (as its NB10 CodeView record names them).
  public var debugIdentifier: String { info.debugIdentifier(age: isVersion2 ? info.age : dbi.age) }

  /// Whether this is a PDB from before VC 7.0 (no GUID; CodeView 4/5 records, C11 lines).
  public var isVersion2: Bool { info.guid.isEmpty }

  /// The image address of `offset` in 1-based `section`: through the OMAP when there is
  /// one; nil for code the rearrangement removed.
  public func imageRVA(section: UInt16, offset: UInt32) -> UInt32? {
    guard let rva = sections.rva(section: section, offset: offset) else { return nil }
    guard let omap else { return rva }
    return omap.translate(rva)
  }

  /// The image addresses of `size` bytes at `offset` in `section`: one piece without OMAP;
  /// with it, each run that stays together (a function the image's rearranging split), with
  /// the run's original address.
  public func imagePieces(section: UInt16, offset: UInt32, size: UInt32) -> [(original: UInt32, rva: UInt32, size: UInt32)] {
    guard let original = sections.rva(section: section, offset: offset) else { return [] }
    guard let omap else { return [(original, original, size)] }
    return omap.pieces(from: original, length: size)
  }

  /// The address `offset` in `section` had before the image was rearranged (the image
  /// address when it was not).
  public func originalRVA(section: UInt16, offset: UInt32) -> UInt32? {
    sections.rva(section: section, offset: offset)
  }

  /// Breakpad's name for the target CPU.
  public var cpuName: String {
    switch dbi.machine {
    case 0x8664: "x86_64"
    case 0xAA64: "arm64"
    case 0x1C4, 0x1C0: "arm"
    default: "x86"
    }
  }

  /// Every S_PUB32 in the symbol record stream.
  public func publicSymbols() throws(PDBError) -> [PublicSymbol] {
    guard let index = dbi.symbolRecordStream, let stream = try file.stream(index) else { return [] }
    do {
      return try stream.withReader { (reader) throws(ReadError) in
        try SymbolRecord.records(in: reader, from: 0, to: UInt64(stream.count))
          .filter { $0.kind == SymbolRecord.publicSymbol || SymbolRecord.legacyPublics.contains($0.kind) }
          .map { (record) throws(ReadError) in
            record.kind == SymbolRecord.publicSymbol
              ? try PublicSymbol(record, in: reader) : try PublicSymbol(legacy: record, in: reader)
          }
      }
    } catch {
      throw .read(error)
    }
  }

  /// A module's procedures, line tables and inlined calls.
  public func moduleSymbols(_ module: PDBModule) throws(PDBError) -> ModuleSymbols? {
    guard let index = module.symbolStream, let stream = try file.stream(index) else { return nil }
    let symbolEnd = UInt64(module.symbolBytes)
    let linesStart = symbolEnd + UInt64(module.c11Bytes)
    let linesEnd = linesStart + UInt64(module.c13Bytes)
    guard symbolEnd >= 4, linesEnd <= UInt64(stream.count) else {
      throw .badValue(offset: 0, what: "symbol sizes of module \(module.name)", value: UInt64(module.symbolBytes))
    }
    do {
      return try stream.withReader { (reader) throws(ReadError) in
        let records = try SymbolRecord.records(in: reader, from: 4, to: symbolEnd)
        var procedures: [ProcedureSymbol] = []
        for record in records {
          if SymbolRecord.procedures.contains(record.kind) {
            procedures.append(try ProcedureSymbol(record, in: reader))
          } else if SymbolRecord.legacyProcedures.contains(record.kind) {
            procedures.append(try ProcedureSymbol(legacy: record, in: reader))
          }
        }
        let sites = try records.filter { $0.kind == SymbolRecord.inlineSite }
          .map { (record) throws(ReadError) in try InlineSite(record, in: reader) }
        // C11 line tables (sstSrcModule layout) when there are no C13 ones.
        let lines =
          module.c13Bytes == 0 && module.c11Bytes > 0
          ? LineTables(c11: try SourceModuleLines.blocks(in: reader, at: symbolEnd, size: UInt64(module.c11Bytes)))
          : try LineTables(reader, from: linesStart, to: linesEnd)
        return ModuleSymbols(
          procedures: procedures, lines: lines, inlineSites: sites,
          inlineeLines: sites.isEmpty ? InlineeLines() : try InlineeLines(reader, from: linesStart, to: linesEnd))
      }
    } catch {
      throw .read(error)
    }
  }

  /// The name of inlined function `id` (an IPI LF_FUNC_ID or LF_MFUNC_ID), with its argument
  /// list; `nil` when the id is unknown.
  public func inlineeName(_ id: UInt32, names: TypeNameFormatter) -> String? {
    guard let ids = names.ids, let record = ids.record(id), let name = ids.string(record, at: 8) else { return nil }
    var qualified = name
    if record.kind == 0x1602, let owner = ids.field(UInt32.self, record, at: 0) {
      qualified = names.typeName(owner) + "::" + name
    } else if record.kind == 0x1601, let scope = ids.field(UInt32.self, record, at: 0), scope != 0,
      let scopeRecord = ids.record(scope), scopeRecord.kind == 0x1605, let scopeName = ids.string(scopeRecord, at: 4)
    {
      qualified = scopeName + "::" + name
    }
    return names.functionName(qualified, typeIndex: id, isID: true)
  }

  /// Frame data (STACK WIN 4) and FPO (STACK WIN 0) records.
  public func frameRecords() throws(PDBError) -> [FrameRecord] {
    var records: [FrameRecord] = []
    do {
      if let index = dbi.debugStreams[.frameData], let stream = try file.stream(index) {
        records += try stream.withReader { (reader) throws(ReadError) in
          try FrameRecord.frameData(reader, strings: strings)
        }
      }
      if let index = dbi.debugStreams[.fpo], let stream = try file.stream(index) {
        records += try stream.withReader { (reader) throws(ReadError) in try FrameRecord.fpoData(reader) }
      }
      // Frame records name original addresses: through the OMAP, as the symbols.
      if let omap {
        records = records.compactMap { record in
          var moved = record
          guard let rva = omap.translate(record.rva) else { return nil }
          moved.rva = rva
          moved.codeSize = omap.contiguousLength(from: record.rva, length: record.codeSize)
          return moved
        }
      }
    } catch let error as ReadError {
      throw .read(error)
    } catch let error as PDBError {
      throw error
    } catch {
      return records
    }
    return records
  }

  /// A formatter over the type and id streams (absent streams give bare names; so does a
  /// PDB 2.00, whose type records this does not read).
  public func typeNames() -> TypeNameFormatter {
    if isVersion2 { return TypeNameFormatter(types: nil, ids: nil) }
    let types = (try? file.stream(FixedStream.types.rawValue)).flatMap { $0 }.flatMap { try? TypeTable($0) }
    let ids = (try? file.stream(FixedStream.ids.rawValue)).flatMap { $0 }.flatMap { try? TypeTable($0) }
    return TypeNameFormatter(types: types, ids: ids)
  }
}

/// What one module's symbol stream holds that symbol files need.
public struct ModuleSymbols: Sendable {
  /// Its procedures.
  public var procedures: [ProcedureSymbol]
  /// Its C13 line tables.
  public var lines: LineTables
  /// Its inlined calls (S_INLINESITE), in record order.
  public var inlineSites: [InlineSite]
  /// Each inlinee's first line and file.
  public var inlineeLines: InlineeLines
}
