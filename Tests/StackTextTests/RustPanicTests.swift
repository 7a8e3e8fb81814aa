//===--- RustPanicTests.swift - Rust panics and their backtraces -------------===//
//
// The fixture (Tests/Fixtures/pastes/rust-panic.txt) is composed in the layout
// std's panic hook prints with RUST_BACKTRACE=1 (the README says which parts).
//
//===----------------------------------------------------------------------===//

import CrashCore
import CrashTestSupport
import Foundation
@testable import StackText
import Testing

@Suite("Rust panics")
struct RustPanicTests {
  @Test("a panic (1.73 on): the thread, place and message kept, the backtrace's names with their files and lines")
  func panic() throws {
    let report = decodeReport(try String(contentsOfFile: Fixtures.path("pastes/rust-panic.txt"), encoding: .utf8))
    let stack = try #require(report.stacks.first)
    #expect(report.stacks.count == 1 && stack.isCrashed && stack.format == .rustPanic)
    #expect(stack.label == "thread 'main' panicked at src/ledger.rs:42:17" && stack.lines == LineRange(3, 24))
    #expect(stack.frames.count == 9 && stack.frames[5].symbol?.function == "ledgersvc::ledger::Ledger::close")
    #expect(stack.frames[5].sourceLine == SourceLine(file: "./src/ledger.rs", line: 42))
    #expect(stack.frames[0].sourceLine?.file.hasSuffix("library/std/src/panicking.rs") == true)
    #expect(report.system.first { $0.key == "Rust panic" }?.value
      == "thread 'main' panicked at src/ledger.rs:42:17: called `Option::unwrap()` on a `None` value")
    #expect(report.exception == nil, "a panic is no signal")
  }

  @Test("RUST_BACKTRACE=full before 1.73: the message first, pcs, legacy hashes dropped, inlined names, <unknown>")
  func fullBacktrace() throws {
    let text = """
      thread 'tokio-runtime-worker' panicked at 'index out of bounds: the len is 3 but the index is 7', src/sync.rs:88:21
      stack backtrace:
        12:     0x55d5d8e12a40 - core::panicking::panic_bounds_check::h1a2b3c4d5e6f7a8b
                                     at /rustc/9eb3afe9/library/core/src/panicking.rs:162:5
        13:     0x55d5d8e2c3d1 - <usize as core::slice::index::SliceIndex<[T]>>::index::h0f1e2d3c4b5a6978
                                     at /rustc/9eb3afe9/library/core/src/slice/index.rs:261:10
                                 core::slice::index::<impl core::ops::index::Index<I> for [T]>::index::h11aa22bb33cc44dd
                                     at /rustc/9eb3afe9/library/core/src/slice/index.rs:18:9
        14:     0x55d5d8e2c3f0 - ledger::sync::apply::h9a8b7c6d5e4f3a2b
                                     at C:\\src\\ledger\\src\\sync.rs:88:21
        15:     0x55d5d8e2d000 - <unknown>
      """
    let report = decodeReport(text)
    let frames = try #require(report.stacks.first).frames
    #expect(frames.map { $0.symbol?.function ?? "-" } == [
      "core::panicking::panic_bounds_check", "<usize as core::slice::index::SliceIndex<[T]>>::index",
      "core::slice::index::<impl core::ops::index::Index<I> for [T]>::index", "ledger::sync::apply", "-",
    ])
    #expect(frames.map(\.isInlined) == [false, true, false, false, false], "the row's name is inlined into the name under it")
    #expect(frames[2].instruction?.rawValue == 0x55d5_d8e2_c3d1 && frames[1].printedNumber == 13 && frames[2].printedNumber == nil)
    #expect(frames[3].sourceLine == SourceLine(file: "C:\\src\\ledger\\src\\sync.rs", line: 88))
    #expect(frames[4].symbol?.address?.rawValue == 0x55d5_d8e2_d000)
    #expect(report.system.first { $0.key == "Rust panic" }?.value
      == "thread 'tokio-runtime-worker' panicked at src/sync.rs:88:21: index out of bounds: the len is 3 but the index is 7")
  }

  @Test("anyhow's error: its causes are no frames, its Stack backtrace is read, named by the error and its causes")
  func anyhow() throws {
    let text = """
      Error: failed to settle day 2026-12-07

      Caused by:
          0: no balance for ACC-1042
          1: entity not found

      Stack backtrace:
         0: anyhow::error::<impl anyhow::Error>::msg
                   at /home/u/.cargo/registry/src/index.crates.io-6f17d22bba15001f/anyhow-1.0.75/src/error.rs:83:36
         1: ledgersvc::settle
                   at ./src/main.rs:20:9
      """
    let report = decodeReport(text)
    #expect(report.stacks.count == 1)
    #expect(report.stacks.first?.frames.map { $0.symbol?.function ?? "" } == ["anyhow::error::<impl anyhow::Error>::msg", "ledgersvc::settle"])
    #expect(report.stacks.first?.label == "Error: failed to settle day 2026-12-07")
    #expect(report.stacks.first?.lines == LineRange(7, 11))
    #expect(report.system.first { $0.key == "Rust error" }?.value
      == "failed to settle day 2026-12-07; caused by: no balance for ACC-1042; caused by: entity not found")
  }

  @Test("an Error: line is only watched: other readers still see it, and one not followed by a backtrace names nothing")
  func errorLineWatched() throws {
    // One cause, unnumbered; then a line of another kind ends the watch.
    let lone = decodeReport("Error: disk full\n\nCaused by:\n    No space left on device (os error 28)\n\nStack backtrace:\n   0: ledgersvc::flush\n")
    #expect(lone.system.first { $0.key == "Rust error" }?.value == "disk full; caused by: No space left on device (os error 28)")
    let unrelated = decodeReport("Error: connection refused\nretrying in 5 s\nstack backtrace:\n   0: ledgersvc::main\n")
    #expect(unrelated.stacks.first?.label == "backtrace" && !unrelated.system.contains { $0.key == "Rust error" })
    // Dr. Memory's `Error #1:` is still its own report's opening.
    let drMemory = decodeReport(try String(contentsOfFile: Fixtures.path("pastes/drmemory-results.txt"), encoding: .utf8))
    #expect(drMemory.stacks.first?.format == .drMemory)
  }

  @Test("a panic inside a logger's prefix (log-panics, env_logger): read from its `thread`")
  func loggerPrefix() throws {
    let text = """
      [ERROR][CPU 0] thread 'main' panicked at src/ledger.rs:42:17:
      called `Option::unwrap()` on a `None` value
      stack backtrace:
         0: ledgersvc::ledger::Ledger::close
                   at ./src/ledger.rs:42:17
      [2026-12-07T10:00:00Z ERROR ledgersvc] thread 'sync' panicked at 'index out of bounds', src/sync.rs:88:21
      stack backtrace:
         0: ledger::sync::apply
      [    1.234567] usb 1-1: new high-speed USB device number 2 using xhci_hcd
      """
    let report = decodeReport(text)
    #expect(report.stacks.map(\.label) == ["thread 'main' panicked at src/ledger.rs:42:17", "thread 'sync' panicked at src/sync.rs:88:21"])
    #expect(report.system.first { $0.key == "Rust panic" }?.value
      == "thread 'main' panicked at src/ledger.rs:42:17: called `Option::unwrap()` on a `None` value")
  }

  @Test("two threads panicking: each backtrace a thread, the first crashed")
  func twoPanics() {
    let text = """
      thread '<unnamed>' panicked at src/worker.rs:9:5:
      worker failed
      stack backtrace:
         0: ledgersvc::worker::run
                   at ./src/worker.rs:9:5
      thread 'main' panicked at src/main.rs:30:10:
      called `Result::unwrap()` on an `Err` value: Any { .. }
      stack backtrace:
         0: ledgersvc::main
                   at ./src/main.rs:30:10
      """
    let report = decodeReport(text)
    #expect(report.stacks.map(\.label) == ["thread '<unnamed>' panicked at src/worker.rs:9:5", "thread 'main' panicked at src/main.rs:30:10"])
    #expect(report.stacks.map(\.isCrashed) == [true, false])
    #expect(report.system.first { $0.key == "Rust panic" }?.value == "thread '<unnamed>' panicked at src/worker.rs:9:5: worker failed")
  }

  @Test("an excerpt of a full backtrace without its header is read from its first row")
  func excerpt() throws {
    let text = """
      ```
                              at /Users/u/build/rust/src/liballoc/boxed.rs:638
        57:        0x109ec5b47 - std::sys_common::thread::start_thread::h4258ce81cea6ecca
                              at libstd/sys_common/thread.rs:24
        59:     0x7fff6dff9660 - __pthread_body
      ```
      """
    let stack = try #require(decodeReport(text).stacks.first)
    #expect(stack.label == "backtrace" && stack.frames.map(\.printedNumber) == [57, 59])
    #expect(stack.frames[0].symbol?.function == "std::sys_common::thread::start_thread")
    #expect(stack.frames[0].sourceLine == SourceLine(file: "libstd/sys_common/thread.rs", line: 24))
  }

  @Test("legacy hashes: only `::h` and 16 hex digits at the end go", arguments: [
    ("a::b::h0123456789abcdef", "a::b"), ("a::b::hash", "a::b::hash"), ("a::h0123456789abcdeg", "a::h0123456789abcdeg"),
  ])
  func legacyHash(_ name: String, _ expected: String) {
    #expect(RustPanicCollector.withoutHash(Substring(name)) == expected)
  }

  @Test("not a Rust panic", arguments: ["thread 'main' started\n   0: x\n", "stack backtrace: none\n   0: not a frame\n"])
  func notRust(_ text: String) {
    #expect(decodeReport(text).stacks.allSatisfy { $0.format != .rustPanic })
  }
}
