//===--- GoPanicTests.swift - Go panics, fatal errors and goroutine dumps ------===//
//
// The fixtures are what Go 1.19 printed on this project's build machine for the
// programs in Tests/Fixtures/pastes/linux-src/go (README there); the short texts
// are composed from the same layout.
//
//===----------------------------------------------------------------------===//

import CrashCore
import CrashTestSupport
import Foundation
import StackText
import Testing

@Suite("Go panics and goroutine dumps")
struct GoPanicTests {
  static func text(_ name: String) throws -> String {
    try String(contentsOfFile: Fixtures.path("pastes/\(name)"), encoding: .utf8)
  }

  static func property(_ report: CrashReport, _ key: String) -> String? {
    report.system.first { $0.key == key }?.value
  }

  @Test("a nil dereference: the signal, the panic, an inlined method, argument words, file lines")
  func nilDereference() throws {
    let report = decodeReport(try Self.text("go-nil-dereference.txt"))
    #expect(report.stacks.count == 1)
    let stack = try #require(report.stacks.first)
    #expect(stack.format == .goPanic && stack.isCrashed && stack.id == 1 && stack.label == "goroutine 1 [running]")
    #expect(stack.architecture == .unknown, "no register and no runtime file names the processor")
    #expect(stack.frames.map { $0.symbol?.function ?? "" } == ["main.(*Ledger).balance", "main.settle", "main.main"])
    #expect(stack.frames.map(\.isInlined) == [true, false, false])
    #expect(stack.frames.map { $0.sourceLine?.line } == [19, 26, 34])
    #expect(stack.frames.map { $0.symbol?.offset } == [nil, 0x8d, 0x192])
    #expect(stack.frames[1].sourceLine?.file == "/tmp/gocrash/nilderef/main.go")
    // `(0xc00006ce28, {0xc00006ce50?, 0x2, 0x1?})`: a word Go marks `?` is not vouched for.
    #expect(stack.frames[1].parameters == [0xc0_0006_ce28, nil, 2, nil] && stack.frames[1].parameterSource == .argumentList)
    #expect(stack.frames[1].annotations == [.argumentList(["0xc00006ce28", "{0xc00006ce50?, 0x2, 0x1?}"])])
    #expect(stack.frames[1].lines == LineRange(8, 9))
    let exception = try #require(report.exception)
    #expect(exception.code.rawValue == 11 && exception.address?.rawValue == 0x48_144d && exception.threadID == 1)
    #expect(
      exception.description
        == "SIGSEGV: segmentation violation (code 0x1, fault address 0x10); panic: runtime error: invalid memory address or nil pointer dereference")
    #expect(Self.property(report, "Panic") == "runtime error: invalid memory address or nil pointer dereference")
  }

  @Test("GOTRACEBACK=system: runtime frames, exact pcs under sigpanic, return addresses, stack pointers, amd64")
  func systemTraceback() throws {
    let report = decodeReport(try Self.text("go-nil-dereference-system.txt"))
    #expect(report.stacks.map(\.label) == [
      "goroutine 1 [running]",
      "goroutine 2 [force gc (idle)], created by runtime.init.6 at /usr/lib/go-1.19/src/runtime/proc.go:290",
      "goroutine 3 [GC sweep wait], created by runtime.gcenable at /usr/lib/go-1.19/src/runtime/mgc.go:178",
      "goroutine 4 [GC scavenge wait], created by runtime.gcenable at /usr/lib/go-1.19/src/runtime/mgc.go:179",
      "goroutine 5 [finalizer wait], created by runtime.createfing at /usr/lib/go-1.19/src/runtime/mfinal.go:157",
    ])
    #expect(report.stacks.map(\.isCrashed) == [true, false, false, false, false])
    let stack = try #require(report.stacks.first)
    #expect(stack.architecture == .amd64)
    #expect(stack.architectureEvidence.first?.contains("asm_amd64.s") == true)
    #expect(stack.frames.map { $0.symbol?.function ?? "" } == [
      "panic", "runtime.panicmem", "runtime.sigpanic", "main.(*Ledger).balance", "main.settle", "main.main", "runtime.main",
      "runtime.goexit",
    ])
    // The frame under runtime.sigpanic is at the faulting pc, not after a call.
    #expect(stack.frames[4].instruction?.rawValue == 0x48_144d)
    #expect(stack.frames[3].instruction?.rawValue == 0x48_144d, "the inlined method is at its physical frame's pc")
    #expect(stack.frames[2].returnAddress == nil, "sigpanic was entered by the signal, not by a call")
    // Callers: the printed pc is a return address, looked up one byte back.
    #expect(stack.frames[4].returnAddress?.rawValue == 0x48_1632 && stack.frames[5].instruction?.rawValue == 0x48_1631)
    #expect(stack.frames[0].instruction?.rawValue == 0x43_177a && stack.frames[0].returnAddress?.rawValue == 0x44_5cd6)
    #expect(stack.frames[4].framePointer?.rawValue == 0xc0_0006_cdb0, "sp= is the frame's stack pointer")
  }

  @Test("GOTRACEBACK=all: a panic without a signal, waiting goroutines, creators")
  func workerPanic() throws {
    let report = decodeReport(try Self.text("go-worker-panic-all.txt"))
    #expect(report.exception == nil)
    #expect(Self.property(report, "Panic") == "job 2: strconv.Atoi: parsing \"x7\": invalid syntax")
    #expect(report.stacks.map(\.id) == [7, 1, 5, 6])
    #expect(report.stacks.map(\.isCrashed) == [true, false, false, false])
    #expect(report.stacks[2].label == "goroutine 5 [chan receive], created by main.main at /tmp/gocrash/workers/main.go:34")
    #expect(report.stacks[0].frames.map { $0.symbol?.function ?? "" } == ["main.parse", "main.worker"])
    #expect(report.stacks[3].frames.map { $0.symbol?.offset } == [nil, 0x1], "a file line without +0x…")
    #expect(report.stacks.allSatisfy { $0.architecture == .amd64 }, "goroutine 6 names asm_amd64.s")
  }

  @Test("a panic in a deferred call while another unwinds: both messages")
  func repanic() throws {
    let report = decodeReport(try Self.text("go-repanic.txt"))
    #expect(
      Self.property(report, "Panic")
        == "runtime error: invalid memory address or nil pointer dereference [recovered] → cleanup failed after: runtime error: invalid memory address or nil pointer dereference"
    )
    #expect(report.stacks.first?.frames.map { $0.symbol?.function ?? "" } == ["main.cleanup", "panic", "main.run", "main.main"])
  }

  @Test("cgo: the runtime stack of the thread that threw, and the goroutine that called C, which crashed")
  func cgo() throws {
    let report = decodeReport(try Self.text("go-cgo-sigsegv.txt"))
    #expect(report.stacks.first?.label == "runtime stack" && report.stacks.first?.isCrashed == false)
    let crashed = try #require(report.crashedThread)
    #expect(crashed.id == 1 && crashed.label == "goroutine 1 [syscall]")
    #expect(crashed.frames.map { $0.symbol?.function ?? "" } == ["runtime.cgocall", "main._Cfunc_record", "main.main", "runtime.main", "runtime.goexit"])
    #expect(Self.property(report, "Fatal error") == "unexpected signal during runtime execution")
    #expect(report.exception?.description?.hasSuffix("; fatal error: unexpected signal during runtime execution") == true)
  }

  @Test("the runtime's fatal error: no signal, the goroutine printed first crashed")
  func concurrentMapWrites() throws {
    let report = decodeReport(try Self.text("go-concurrent-map-writes.txt"))
    #expect(report.exception == nil && Self.property(report, "Fatal error") == "concurrent map writes")
    #expect(report.crashedThread?.id == 18 && report.stacks.count == 3)
  }

  @Test("SIGQUIT dumps: every goroutine, the pc, and the registers as amd64 and arm64 name them", arguments: [
    ("go-sigquit-amd64.txt", Architecture.amd64, UInt64(0x45_f140)), ("go-sigquit-arm64.txt", .arm64, 0x6_de1c),
  ])
  func sigquit(_ name: String, _ architecture: Architecture, _ pc: UInt64) throws {
    let report = decodeReport(try Self.text(name))
    #expect(report.exception?.code.rawValue == 3 && report.exception?.address?.rawValue == pc)
    #expect(report.stacks.count == 8 && report.stacks.allSatisfy { $0.architecture == architecture })
    let crashed = try #require(report.crashedThread)
    #expect(crashed.label == "goroutine 0 [idle]" && crashed.frames.first?.symbol?.function == "runtime.epollwait")
    #expect(crashed.frames.first?.instruction?.rawValue == pc, "the pc the signal interrupted, exactly")
    switch crashed.context {
    case .amd64(let registers)?:
      #expect(registers[.rip] == pc && registers[.rsp] == 0x7ffd_7154_6480 && registers[.eflags] == 0x246)
    case .arm64(let registers)?:
      #expect(registers[.pc] == pc && registers[.fp] == 0x55_007f_fde8 && registers[.x28] == 0x13_86e0 && registers[.lr] == 0x3_d3d8)
    default:
      Issue.record("no registers for \(architecture)")
    }
  }

  @Test("quoted, indented with blanks, or with its tabs lost, the same frames")
  func pastedShapes() throws {
    let text = try Self.text("go-nil-dereference-system.txt")
    let expected = decodeReport(text).stacks.map { $0.frames.map(\.symbol) }
    let lines = text.split(separator: "\n", omittingEmptySubsequences: false)
    for shaped in [
      lines.map { "> " + $0 }.joined(separator: "\n"),
      lines.map { $0.replacingOccurrences(of: "\t", with: "        ") }.joined(separator: "\n"),
      lines.map { $0.replacingOccurrences(of: "\t", with: "") }.joined(separator: "\n"),
      text.replacingOccurrences(of: "\n", with: "\r\n"),
    ] {
      #expect(decodeReport(shaped).stacks.map { $0.frames.map(\.symbol) } == expected)
    }
    #expect(decodeReport(text, chunkSize: 5).stacks == decodeReport(text).stacks)
  }

  @Test("composed: Go 1.21's `created by … in goroutine N`, a header with gp= and m=, elided frames, a path with blanks")
  func newerLayouts() throws {
    let text = """
      panic: boom

      goroutine 18 gp=0xc000102a80 m=4 mp=0xc000100008 [running]:
      main.(*Server).handle(0xc00001e0f0, {0x6d1e40, 0xc00012a000})
      \tC:/Users/dev/My Projects/srv/server.go:88 +0x1a5
      ...additional frames elided...
      created by main.(*Server).Serve in goroutine 1
      \tC:/Users/dev/My Projects/srv/server.go:61 +0x6b
      exit status 2
      """
    let report = decodeReport(text)
    let stack = try #require(report.stacks.first)
    #expect(stack.id == 18 && stack.label == "goroutine 18 [running], created by main.(*Server).Serve in goroutine 1 at C:/Users/dev/My Projects/srv/server.go:61")
    #expect(stack.frames.count == 1 && stack.frames[0].sourceLine == SourceLine(file: "C:/Users/dev/My Projects/srv/server.go", line: 88))
    #expect(stack.frames[0].symbol?.offset == 0x1a5)
  }

  @Test("a signal's name is Go's only with its PC= line right under it")
  func signalHeaderNeedsItsPCLine() throws {
    let text = "SIGQUIT: quit\nsomething else\nPC=0x45f140 m=0 sigcode=0\n\ngoroutine 1 [running]:\nmain.main()\n\t/src/main.go:12 +0x1d\n"
    let report = decodeReport(text)
    #expect(report.exception == nil && report.stacks.count == 1)
  }

  @Test("not a Go trace", arguments: [
    "Kernel panic - not syncing: Fatal exception\n",
    "panic: the disk is full\nretrying in 5s\n",
    "SIGSEGV: the program crashed\nnothing else\n",
    "runtime stack:\n",
    "cc1: fatal error: ledger.h: No such file or directory\nfatal error: ledger.h: No such file or directory\n",
  ])
  func notGo(_ text: String) {
    let report = decodeReport(text)
    #expect(report.stacks.isEmpty && report.system.isEmpty && report.exception == nil)
  }
}
