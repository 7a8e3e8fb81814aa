//===--- TemporaryFile.swift - Scratch files for input tests ----------------===//

import Foundation

/// A file in the temporary directory, removed when the test is done with it.
public final class TemporaryFile {
  /// The file's path.
  public let path: String

  /// Writes `bytes` to a new uniquely named file.
  public init(_ bytes: some Sequence<UInt8>, suffix: String = ".log") throws {
    path = NSTemporaryDirectory() + "crash-analysis-test-" + UUID().uuidString + suffix
    guard FileManager.default.createFile(atPath: path, contents: Data(bytes)) else {
      throw CocoaError(.fileWriteUnknown)
    }
  }

  /// Writes `text` as UTF-8.
  public convenience init(text: String, suffix: String = ".log") throws {
    try self.init(Array(text.utf8), suffix: suffix)
  }

  deinit { try? FileManager.default.removeItem(atPath: path) }
}

/// Deterministic pseudo-random bytes (SplitMix64), so failures can be replayed.
public struct SeededBytes: Sequence, IteratorProtocol {
  var state: UInt64
  var remaining: Int

  /// A stream of `count` bytes from `seed`.
  public init(seed: UInt64, count: Int) {
    state = seed
    remaining = count
  }

  /// The next 64 random bits.
  public mutating func nextWord() -> UInt64 {
    state &+= 0x9E37_79B9_7F4A_7C15
    var z = state
    z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
    z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
    return z ^ (z >> 31)
  }

  /// The next byte, or nil after `count` bytes.
  public mutating func next() -> UInt8? {
    guard remaining > 0 else { return nil }
    remaining -= 1
    return UInt8(truncatingIfNeeded: nextWord())
  }
}

/// Printable random text: words of letters, digits and hex, spaces and line breaks.
public func randomText(seed: UInt64, count: Int) -> [UInt8] {
  var source = SeededBytes(seed: seed, count: 0)
  let alphabet = Array("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789!+:=()[]<>@_-.,#".utf8)
  var bytes = [UInt8]()
  bytes.reserveCapacity(count)
  while bytes.count < count {
    let word = source.nextWord()
    switch word % 16 {
    case 0: bytes.append(0x0A)
    case 1, 2, 3: bytes.append(0x20)
    default: bytes.append(alphabet[Int((word >> 8) % UInt64(alphabet.count))])
    }
  }
  return bytes
}

/// A temporary debug root in the GNU layout, `<root>/.build-id/xx/rest.debug`, holding a copy of
/// `debugFile` under `buildID` (the layout is made at run time so the repository commits no
/// dot-directory). Removed with the value.
public final class BuildIDDebugRoot {
  /// The root to pass as a debug directory or symbol store.
  public let path: String
  /// The debug file's path inside it.
  public let debugFilePath: String

  /// Lays out `debugFile` under `buildID` (40 hex digits) in a new temporary directory.
  public init(debugFile: String, buildID: String) throws {
    path = NSTemporaryDirectory() + "debug-root-" + UUID().uuidString
    let directory = path + "/.build-id/" + buildID.prefix(2)
    try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
    debugFilePath = directory + "/" + buildID.dropFirst(2) + ".debug"
    try FileManager.default.copyItem(atPath: debugFile, toPath: debugFilePath)
  }

  deinit { try? FileManager.default.removeItem(atPath: path) }
}

/// Directories one test makes in the temporary directory, removed with the value: a suite keeps
/// one as a stored property, so each test's scratch goes when its suite instance does.
public final class ScratchDirectories {
  private var paths: [String] = []

  /// No directories yet.
  public init() {}

  /// A path `prefix-UUID` in the temporary directory, not yet made, removed with the others.
  public func path(_ prefix: String) -> String {
    let path = NSTemporaryDirectory() + prefix + "-" + UUID().uuidString
    paths.append(path)
    return path
  }

  /// A new empty directory `prefix-UUID` in the temporary directory.
  public func make(_ prefix: String) throws -> String {
    let path = path(prefix)
    try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    return path
  }

  deinit {
    for path in paths { try? FileManager.default.removeItem(atPath: path) }
  }
}
