//===--- WindowsSymbolWalkTests.swift - Walks with unwind data read from PE/PDB ===//
//
// Composed Windows minidumps (SyntheticMinidump) of the shared dump_syms fixtures'
// modules, walked twice: with the store holding the image or the (CAB-compressed) PDB
// itself, and with the store holding dump_syms' reference .sym. The x64 walk takes its
// STACK CFI straight from mozwer.dll's .pdata and unwind codes, the x86 walk its STACK WIN
// straight from basic32.pdb's frame data; each must equal the reference walk. The ARM64 walk
// takes its STACK CFI from the packed and .xdata unwind data of this project's
// Tests/Fixtures/pe-arm64/arm64_unwind.dll and must equal the walk with its reviewed .sym.
//
//===----------------------------------------------------------------------===//

import ByteReading
import CrashAnalysis
import CrashCore
import CrashTestSupport
import Foundation
import Symbolication
import Testing
import WindowsImages

@Suite("Walks with unwind data from PE and PDB files")
struct WindowsSymbolWalkTests {
  /// The stores this test made, removed after it.
  let scratch = ScratchDirectories()

  static let available = SharedFixtures.has("fixtures/dump_syms/windows")

  /// The RSDS GUID bytes (as stored) of a Breakpad debug id's first 32 hex digits.
  static func guid(_ identifier: String) -> [UInt8] {
    let bytes = SyntheticModule.bytes(hex: String(identifier.prefix(32)))
    return Array(bytes[0..<4].reversed()) + Array(bytes[4..<6].reversed()) + Array(bytes[6..<8].reversed())
      + Array(bytes[8..<16])
  }

  static func words32(_ values: [UInt32]) -> [UInt8] {
    values.flatMap { value in (0..<4).map { UInt8(truncatingIfNeeded: value >> UInt32($0 * 8)) } }
  }

  static func words64(_ values: [UInt64]) -> [UInt8] {
    values.flatMap { value in (0..<8).map { UInt8(truncatingIfNeeded: value >> UInt64($0 * 8)) } }
  }

  /// A store holding `file` as `root/DEBUG_FILE/ID/NAME`.
  func store(debugFile: String, identifier: String, file: String, as name: String) throws -> String {
    let root = scratch.path("walk-store")
    try FileManager.default.createDirectory(atPath: "\(root)/\(debugFile)/\(identifier)", withIntermediateDirectories: true)
    try FileManager.default.copyItem(atPath: file, toPath: "\(root)/\(debugFile)/\(identifier)/\(name)")
    return root
  }

  static func frames(_ dump: SyntheticMinidump, root: String) throws -> [(UInt64?, FrameTrust, String?)] {
    let file = try TemporaryFile(dump.bytes(), suffix: ".dmp")
    let store = SymbolStore(roots: [root])
    let report = Symbolicator(store: store).symbolicate(
      try Analyser().analyse(path: file.path, unwindData: StoreUnwindData(store: store)))
    return try #require(report.crashedThread).frames.map {
      ($0.instruction?.rawValue, $0.trust, $0.resolution?.lookup.function.name)
    }
  }

  @Test(
    "x64: STACK CFI from mozwer.dll's unwind data walks as dump_syms' mozwer.sym does",
    .enabled(if: available, "needs ../shared/fixtures/dump_syms"))
  func x64FromImage() throws {
    let id = "5A9EC5FA8DE834784C4C44205044422E1"
    let base: UInt64 = 0x1_8000_0000
    var module = SyntheticModule(base: base, size: 0x71000, name: "C:\\Program Files\\Firefox\\mozwer.dll")
    module.timestamp = 0x5FDB_6A28
    module.codeView = (pdb: "mozwer.pdb", guid: Self.guid(id), age: 1)
    // rip in OutOfProcessExceptionEventCallback (0x1000, frame of 80 bytes): its return
    // address at rsp + 72, into OutOfProcessExceptionEventSignatureCallback (0x10a0, 288).
    let stackBase: UInt64 = 0x0000_00d0_1000_0000
    var stack = [UInt64](repeating: 0, count: 64)
    stack[9] = base + 0x10d0
    var dump = SyntheticMinidump()
    dump.processorArchitecture = 9
    dump.osVersion = (10, 0, 19041)
    dump.modules = [module]
    let context = SyntheticContext.amd64(rip: base + 0x1010, rsp: stackBase, rbp: 0)
    dump.threads = [SyntheticThread(id: 4, context: context, stackBase: stackBase, stack: Self.words64(stack))]
    dump.exception = (threadID: 4, code: 0xC000_0005, address: base + 0x1010, parameters: [0, 0], context: context)

    let direct = try Self.frames(
      dump, root: try store(
        debugFile: "mozwer.pdb", identifier: id, file: SharedFixtures.path("fixtures/dump_syms/windows/mozwer.dll"),
        as: "mozwer.dll"))
    let reference = try Self.frames(
      dump, root: try store(
        debugFile: "mozwer.pdb", identifier: id, file: SharedFixtures.path("fixtures/dump_syms/windows/mozwer.sym"),
        as: "mozwer.sym"))
    #expect(direct.map(\.0) == reference.map(\.0))
    #expect(direct.map(\.1) == reference.map(\.1))
    #expect(direct.map(\.2) == reference.map(\.2))
    #expect(direct.count >= 2)
    #expect(direct.dropFirst().first?.0 == base + 0x10cf)
    #expect(direct.dropFirst().first?.1 == .cfi)
    #expect(direct.dropFirst().first?.2 == "OutOfProcessExceptionEventSignatureCallback")
  }

  @Test(
    "x86: STACK WIN from basic32.pd_'s frame data walks as dump_syms' basic32.sym does",
    .enabled(if: available, "needs ../shared/fixtures/dump_syms"))
  func x86FromPDB() throws {
    let id = "34060D222DBB44E5AA72243CE8326C2F2"
    let base: UInt64 = 0x1000_0000
    var module = SyntheticModule(base: base, size: 0x6C000, name: "C:\\test\\basic32.dll")
    module.timestamp = 0x5DDC_1E9A
    module.codeView = (pdb: "basic32.pdb", guid: Self.guid(id), age: 2)
    // eip in test1(int*) after its prolog (frame data at 0x6be3: $T0 = $ebp + 4); the
    // return address at ebp + 4, into test2 (0x6c00); the saved ebp 0 ends the chain.
    let stackBase: UInt64 = 0x0012_f000
    let stack = Self.words32([0, 0, 0, UInt32(base + 0x6c0b), 0, 0, 0, 0] + [UInt32](repeating: 0, count: 24))
    var dump = SyntheticMinidump()
    dump.osVersion = (10, 0, 19041)
    dump.modules = [module]
    let context = SyntheticContext.x86(eip: UInt32(base + 0x6be5), esp: UInt32(stackBase), ebp: UInt32(stackBase + 8))
    dump.threads = [SyntheticThread(id: 4, context: context, stackBase: stackBase, stack: stack)]
    dump.exception = (threadID: 4, code: 0xC000_0005, address: base + 0x6be5, parameters: [0, 0], context: context)

    let direct = try Self.frames(
      dump, root: try store(
        debugFile: "basic32.pdb", identifier: id, file: SharedFixtures.path("fixtures/dump_syms/windows/basic32.pd_"),
        as: "basic32.pd_"))
    let reference = try Self.frames(
      dump, root: try store(
        debugFile: "basic32.pdb", identifier: id, file: SharedFixtures.path("fixtures/dump_syms/windows/basic32.sym"),
        as: "basic32.sym"))
    #expect(direct.map(\.0) == reference.map(\.0))
    #expect(direct.map(\.1) == reference.map(\.1))
    #expect(direct.map(\.2) == reference.map(\.2))
    #expect(direct.dropFirst().first?.0 == base + 0x6c0a)
    #expect(direct.dropFirst().first?.1 == .frameData)
    #expect(direct.dropFirst().first?.2 == "test2(int, unsigned int)")
  }

  @Test("ARM64: STACK CFI from arm64_unwind.dll's packed and .xdata unwind data, the frame pointer's rule included")
  func arm64FromImage() throws {
    let path = Fixtures.path("pe-arm64/arm64_unwind.dll")
    let raw = try Array(Data(contentsOf: URL(fileURLWithPath: path)))
    let (identifier, timestamp) = try raw.withUnsafeBytes { bytes in
      let image = try PEImage(ByteReader(bytes))
      return (try #require(image.codeView()?.identifier), image.timestamp)
    }
    let base: UInt64 = 0x1_8000_0000
    var module = SyntheticModule(base: base, size: 0x5000, name: "C:\\Program Files\\Demo\\arm64_unwind.dll")
    module.timestamp = timestamp
    module.codeView = (pdb: "arm64_unwind.pdb", guid: Self.guid(identifier), age: UInt32(identifier.dropFirst(32), radix: 16)!)
    // pc in callee_saved's body (packed: x19–x27 and lr saved, a frame of 80 bytes); its
    // return into mixed (0x12a0, after its call at 0x129c; .xdata: a frame of 80, x19–x22 and
    // lr saved); mixed's return into frame_record_fp (0x1364), whose CFA is x29 + 16 and whose
    // record {0, 0} ends the stack. x29 is the context's: neither callee touches it.
    let stackBase: UInt64 = 0x0000_00d0_2000_0000
    var stack = [UInt64](repeating: 0, count: 32)
    for register in 0..<9 { stack[register] = 0x1900 + UInt64(register) }
    stack[9] = base + 0x12a0
    for register in 0..<4 { stack[14 + register] = 0x2900 + UInt64(register) }
    stack[18] = base + 0x1364
    var dump = SyntheticMinidump()
    dump.processorArchitecture = 12
    dump.osVersion = (10, 0, 22621)
    dump.modules = [module]
    let context = SyntheticContext.arm64(pc: base + 0x1060, sp: stackBase, fp: stackBase + 176, lr: 0x4141)
    dump.threads = [SyntheticThread(id: 4, context: context, stackBase: stackBase, stack: Self.words64(stack))]
    dump.exception = (threadID: 4, code: 0xC000_0005, address: 0, parameters: [0, 0], context: context)

    let direct = try Self.frames(
      dump, root: try store(debugFile: "arm64_unwind.pdb", identifier: identifier, file: path, as: "arm64_unwind.dll"))
    let converted = try Self.frames(
      dump, root: try store(
        debugFile: "arm64_unwind.pdb", identifier: identifier, file: Fixtures.path("pe-arm64/arm64_unwind.sym"),
        as: "arm64_unwind.sym"))
    let expected: [(UInt64?, FrameTrust, String?)] = [
      (base + 0x1060, .context, "callee_saved"), (base + 0x129c, .cfi, "mixed"), (base + 0x1360, .cfi, "frame_record_fp"),
    ]
    for walked in [direct, converted] {
      #expect(walked.map(\.0) == expected.map(\.0))
      #expect(walked.map(\.1) == expected.map(\.1))
      #expect(walked.map(\.2) == expected.map(\.2))
    }
  }
}
