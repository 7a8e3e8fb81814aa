//===--- ARM64UnwindInfo.swift - .pdata and .xdata of ARM64 images -----------===//
//
// An ARM64 image's exception directory holds 8-byte entries: the function's
// RVA and one word. Its low two bits say what the word is (Microsoft's "ARM64
// exception handling"):
//   0  the RVA of an .xdata record: a header (function length in words, epilog
//      scopes, code words), then unwind codes, one per prolog instruction,
//      stored in reverse order of execution and ended by `end` (0xE4);
//   1  packed unwind data: the function's length, frame size, which of x19–x28
//      and d8–d15 are saved, whether lr is saved and x29 chained (CR), whether
//      x0–x7 are homed (H), from which the canonical prolog follows;
//   2  the same for a fragment that has no prolog of its own.
// Both are turned here into the frame's state after each prolog instruction:
// where the CFA is (sp or x29 plus an offset) and where x19–x30 are saved,
// which PEBreakpadWriter writes as STACK CFI. Unwind codes that describe no
// ordinary frame (trap and machine frames, contexts, SVE allocations, codes
// this reader does not know) leave a function without rules, never with wrong
// ones. Every read is checked against the image; a code list ends within its
// record or the record is refused.
//
//===----------------------------------------------------------------------===//

import ByteReading

/// Where an ARM64 function's caller's registers are at one point of the function.
public struct ARM64FrameState: Sendable, Hashable {
  /// Whether the CFA (sp at entry) is computed from x29 rather than sp.
  public var cfaFromFramePointer = false
  /// The CFA's distance above sp (or x29).
  public var cfaOffset: Int64 = 0
  /// Saved registers: 19…30 (x30 is lr) → their address's distance from the CFA (negative).
  public var savedRegisters: [Int: Int64] = [:]

  /// The state at a function's entry: the CFA is sp, nothing is saved.
  public init() {}
}

/// An ARM64 function's prolog as unwind data describes it.
public struct ARM64Prolog: Sendable, Hashable {
  /// The state at the function's first instruction, then after each prolog instruction in turn;
  /// the last holds for the body.
  public var states: [ARM64FrameState]
}

extension PEImage {
  /// The functions of an ARM64 image's exception directory, in address order, their ends from
  /// the unwind data. At most 4 million entries; entries with the reserved flag or an .xdata
  /// record outside the image are skipped.
  func arm64RuntimeFunctions(_ directory: (rva: UInt32, size: UInt32)) throws(ReadError) -> [RuntimeFunction] {
    try exceptionDirectoryEntries(directory, entrySize: 8) { (entry) throws(ReadError) -> RuntimeFunction? in
      let begin = try read(UInt32.self, rva: entry, "a RUNTIME_FUNCTION's begin")
      let word = try read(UInt32.self, rva: entry &+ 4, "a RUNTIME_FUNCTION's unwind data")
      let length: UInt32
      switch word & 3 {
      case 0:
        // A record that cannot be read drops its function, as a reserved flag does: the
        // image's other functions stay (x64's unwind data is read per function the same way).
        guard let header = try? read(UInt32.self, rva: word, "an .xdata header") else { return nil }
        length = (header & 0x3_FFFF) &* 4
      case 1, 2: length = ((word >> 2) & 0x7FF) &* 4
      default: return nil
      }
      guard begin != 0, length > 0, begin &+ length > begin else { return nil }
      return RuntimeFunction(begin: begin, end: begin + length, unwindInfo: word)
    }
  }

  /// The prolog of an ARM64 `function`, or nil when its unwind data describes something other
  /// than an ordinary frame (see the file comment).
  public func arm64Prolog(of function: RuntimeFunction) throws(ReadError) -> ARM64Prolog? {
    let word = function.unwindInfo
    switch word & 3 {
    case 0: return try prologFromCodes(xdata: word)
    case 1, 2: return ARM64PackedUnwind(word).prolog
    default: return nil
    }
  }

  /// The prolog an .xdata record's unwind codes describe.
  private func prologFromCodes(xdata: UInt32) throws(ReadError) -> ARM64Prolog? {
    let header = try read(UInt32.self, rva: xdata, "an .xdata header")
    guard (header >> 18) & 3 == 0 else { return nil }  // a version this reader does not know
    var epilogCount = (header >> 22) & 0x1F
    var codeWords = header >> 27
    var codesAt = xdata &+ 4
    if epilogCount == 0 && codeWords == 0 {
      let extended = try read(UInt32.self, rva: codesAt, "an .xdata extension word")
      epilogCount = extended & 0xFFFF
      codeWords = (extended >> 16) & 0xFF
      codesAt = codesAt &+ 4
    }
    let packedEpilog = (header >> 21) & 1 == 1
    if !packedEpilog { codesAt = codesAt &+ epilogCount &* 4 }
    let byteCount = Int(codeWords) * 4
    var bytes: [UInt8] = []
    bytes.reserveCapacity(byteCount)
    for index in 0..<UInt32(byteCount) {
      bytes.append(try read(UInt8.self, rva: codesAt &+ index, "an unwind code"))
    }
    guard let codes = ARM64UnwindCode.decode(bytes) else { return nil }
    return ARM64UnwindCode.prolog(codes)
  }
}

/// One ARM64 unwind code, as far as the frame's state needs it.
enum ARM64UnwindCode {
  /// sp moves down by this many bytes (`alloc_*`), or by this many as a pre-indexed store
  /// saves registers at the new sp (`*_x` forms: `registers` at offsets from it).
  case allocate(Int64, saving: [(register: Int, offset: Int64)])
  /// Registers stored at offsets from sp, which does not move.
  case save([(register: Int, offset: Int64)])
  /// The next pair of registers after the last pair saved, 16 bytes above it.
  case saveNext
  /// d8–d15 saved (a pair or one), sp moving down by `allocating` bytes first (0: not moving).
  case saveFloatingPoint(pair: Bool, allocating: Int64)
  /// x29 = sp + this many bytes.
  case setFramePointer(Int64)
  /// An instruction that moves neither sp nor a register the walk needs (nop, pacibsp,
  /// homed parameters).
  case other
  /// The end of this region's prolog; the codes after it describe its host's frame.
  case endOfRegion

  /// Whether this is the end of a region's prolog.
  var isEndOfRegion: Bool {
    if case .endOfRegion = self { return true }
    return false
  }

  /// The codes before `end`, or nil when one describes no ordinary frame or the list is cut.
  static func decode(_ bytes: [UInt8]) -> [ARM64UnwindCode]? {
    var codes: [ARM64UnwindCode] = []
    var index = 0
    func byte(_ offset: Int) -> Int? { index + offset < bytes.count ? Int(bytes[index + offset]) : nil }
    while let first = byte(0) {
      let code: ARM64UnwindCode
      var size = 1
      switch first {
      case 0x00...0x1F: code = .allocate(Int64(first & 0x1F) * 16, saving: [])
      case 0x20...0x3F:
        code = .allocate(Int64(first & 0x1F) * 8, saving: [(19, 0), (20, 8)])
      case 0x40...0x7F:
        let offset = Int64(first & 0x3F) * 8
        code = .save([(29, offset), (30, offset + 8)])
      case 0x80...0xBF: code = .allocate(Int64((first & 0x3F) + 1) * 8, saving: [(29, 0), (30, 8)])
      case 0xC0...0xDF, 0xE2:
        guard let second = byte(1) else { return nil }
        size = 2
        let pairRegister = 19 + (((first & 3) << 2) | (second >> 6))
        let offset = Int64(second & 0x3F) * 8
        switch first {
        case 0xC0...0xC7: code = .allocate(Int64(((first & 7) << 8) | second) * 16, saving: [])
        case 0xC8...0xCB: code = .save([(pairRegister, offset), (pairRegister + 1, offset + 8)])
        case 0xCC...0xCF: code = .allocate(offset + 8, saving: [(pairRegister, Int64(0)), (pairRegister + 1, Int64(8))])
        case 0xD0...0xD3: code = .save([(pairRegister, offset)])
        case 0xD4, 0xD5:
          let register = 19 + (((first & 1) << 3) | (second >> 5))
          code = .allocate(Int64((second & 0x1F) + 1) * 8, saving: [(register, Int64(0))])
        case 0xD6, 0xD7:
          let register = 19 + 2 * (((first & 1) << 2) | (second >> 6))
          code = .save([(register, offset), (30, offset + 8)])
        case 0xD8, 0xD9: code = .saveFloatingPoint(pair: true, allocating: 0)
        case 0xDA, 0xDB: code = .saveFloatingPoint(pair: true, allocating: offset + 8)
        case 0xDC, 0xDD: code = .saveFloatingPoint(pair: false, allocating: 0)
        case 0xDE: code = .saveFloatingPoint(pair: false, allocating: Int64((second & 0x1F) + 1) * 8)
        case 0xE2: code = .setFramePointer(Int64(second) * 8)
        default: return nil  // 0xDF alloc_z: an SVE allocation whose size is in vector lengths
        }
      case 0xE0:
        guard let b1 = byte(1), let b2 = byte(2), let b3 = byte(3) else { return nil }
        size = 4
        code = .allocate(Int64((b1 << 16) | (b2 << 8) | b3) * 16, saving: [])
      case 0xE1: code = .setFramePointer(0)
      case 0xE3, 0xFC: code = .other  // nop, pac_sign_lr
      case 0xE4: return codes
      case 0xE5: code = .endOfRegion
      case 0xE6: code = .saveNext
      default: return nil  // save_any_reg, trap/machine frames, contexts, reserved
      }
      codes.append(code)
      index += size
    }
    return nil  // no `end`
  }

  /// The frame's state after each prolog instruction, from codes stored in reverse order of
  /// execution; nil when they contradict themselves (a `save_next` with no pair before it).
  static func prolog(_ codes: [ARM64UnwindCode]) -> ARM64Prolog? {
    let ownCount = codes.firstIndex(where: \.isEndOfRegion) ?? codes.count
    var simulation = ARM64PrologSimulation()
    // The host's codes (after `end_c`) ran before this region was entered.
    for code in codes[ownCount...].reversed() where !code.isEndOfRegion {
      guard simulation.apply(code) else { return nil }
    }
    var states = [simulation.state]
    for code in codes[..<ownCount].reversed() {
      guard simulation.apply(code) else { return nil }
      states.append(simulation.state)
    }
    return ARM64Prolog(states: states)
  }
}

/// Runs a prolog's codes forward: where sp is below the CFA, and what has been saved.
struct ARM64PrologSimulation {
  private(set) var state = ARM64FrameState()
  /// sp's distance below the CFA.
  private var depth: Int64 = 0
  /// The last pair of integer registers saved (first register, its distance from the CFA).
  private var lastPair: (register: Int, offset: Int64)?
  /// Whether the last pair saved was of floating-point registers (a `save_next` then saves the
  /// next pair of those, which the walk does not need).
  private var lastPairWasFloatingPoint = false

  /// Applies one code; false when it cannot be applied.
  mutating func apply(_ code: ARM64UnwindCode) -> Bool {
    switch code {
    case .allocate(let bytes, let saving):
      move(bytes)
      record(saving)
    case .save(let saving): record(saving)
    case .saveFloatingPoint(let pair, let allocating):
      move(allocating)
      if pair { lastPairWasFloatingPoint = true }
    case .saveNext:
      if lastPairWasFloatingPoint { return true }
      guard let pair = lastPair, pair.register + 3 <= 28 else { return false }
      let next = (register: pair.register + 2, offset: pair.offset + 16)
      state.savedRegisters[next.register] = next.offset
      state.savedRegisters[next.register + 1] = next.offset + 8
      lastPair = next
    case .setFramePointer(let above):
      state.cfaFromFramePointer = true
      state.cfaOffset = depth - above
    case .other: break
    case .endOfRegion: break
    }
    return true
  }

  private mutating func move(_ bytes: Int64) {
    depth += bytes
    if !state.cfaFromFramePointer { state.cfaOffset = depth }
  }

  private mutating func record(_ saving: [(register: Int, offset: Int64)]) {
    for (register, offset) in saving { state.savedRegisters[register] = offset - depth }
    if saving.count == 2, saving[0].register != 29, saving[1].register != 30 {
      lastPair = (saving[0].register, saving[0].offset - depth)
      lastPairWasFloatingPoint = false
    }
  }
}

/// Packed unwind data (flag 1 or 2) and the canonical prolog it stands for.
struct ARM64PackedUnwind {
  let word: UInt32

  init(_ word: UInt32) { self.word = word }

  var isFragment: Bool { word & 3 == 2 }
  var frameSize: Int64 { Int64((word >> 23) & 0x1FF) * 16 }
  var chainReturn: UInt32 { (word >> 21) & 3 }
  var homesParameters: Bool { (word >> 20) & 1 == 1 }
  var savedIntegers: Int { Int((word >> 16) & 0xF) }
  var savedFloats: Int { Int((word >> 13) & 7) }

  /// The canonical prolog's codes in execution order (Microsoft's table: integer registers,
  /// lr, floating-point registers, homed parameters, then the rest of the frame with x29 and
  /// lr chained for CR 2 and 3).
  var codesInExecutionOrder: [ARM64UnwindCode] {
    let integerBytes = Int64(savedIntegers) * 8 + (chainReturn == 1 ? 8 : 0)
    let floatBytes = savedFloats > 0 ? Int64(savedFloats + 1) * 8 : 0
    let saveBytes = (integerBytes + floatBytes + (homesParameters ? 64 : 0) + 15) & ~15
    let localBytes = frameSize - saveBytes
    var codes: [ARM64UnwindCode] = []
    var allocated = false
    /// The first store of the save area moves sp by all of it.
    func store(_ registers: [(register: Int, offset: Int64)]) {
      if allocated {
        codes.append(.save(registers))
      } else {
        allocated = true
        codes.append(.allocate(saveBytes, saving: registers))
      }
    }
    if chainReturn == 2 { codes.append(.other) }  // pacibsp
    var register = 0
    while register < savedIntegers {
      let offset = Int64(register) * 8
      if register + 1 < savedIntegers {
        store([(19 + register, offset), (20 + register, offset + 8)])
      } else if chainReturn == 1 {
        store([(19 + register, offset), (30, offset + 8)])
      } else {
        store([(19 + register, offset)])
      }
      register += 2
    }
    if chainReturn == 1 && savedIntegers % 2 == 0 { store([(30, integerBytes - 8)]) }
    if savedFloats > 0 {
      for _ in 0..<((savedFloats + 1) / 2 + (savedFloats + 1) % 2) { store([]) }
    }
    if homesParameters {
      for _ in 0..<4 { store([]) }
    }
    if chainReturn >= 2 {
      if localBytes <= 512 {
        codes.append(.allocate(localBytes, saving: [(29, 0), (30, 8)]))
        codes.append(.setFramePointer(0))
      } else {
        codes.append(.allocate(min(localBytes, 4088), saving: []))
        if localBytes > 4088 { codes.append(.allocate(localBytes - 4088, saving: [])) }
        codes.append(.save([(29, 0), (30, 8)]))
        codes.append(.setFramePointer(0))
      }
    } else if localBytes > 0 {
      codes.append(.allocate(min(localBytes, 4088), saving: []))
      if localBytes > 4088 { codes.append(.allocate(localBytes - 4088, saving: [])) }
    }
    return codes
  }

  /// The prolog's states; a fragment starts with its host's frame already built.
  var prolog: ARM64Prolog? {
    guard frameSize >= 0 else { return nil }
    var simulation = ARM64PrologSimulation()
    var states = [simulation.state]
    for code in codesInExecutionOrder {
      guard simulation.apply(code) else { return nil }
      states.append(simulation.state)
    }
    return isFragment ? ARM64Prolog(states: [simulation.state]) : ARM64Prolog(states: states)
  }
}
