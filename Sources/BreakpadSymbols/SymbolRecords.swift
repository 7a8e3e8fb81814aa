//===--- SymbolRecords.swift - The index built from a .sym file --------------===//
//
// Compact records pointing back into the mapped file. Names, line records,
// INLINE records and stack-walking rules stay in the file and are read when a
// lookup needs them, so the index stays small beside the file (see
// docs/performance.md) and loading is one pass over the bytes.
//
//===----------------------------------------------------------------------===//

/// A byte range of the mapped file holding a name or a rule string, in one word: the offset in
/// 40 bits (files up to 1 TiB) and the length in 24 (up to 16 MiB, longer texts kept to that
/// much; every reader cuts names and rules at 8 KiB, TextLimits). Half the size of two Ints, in
/// every FUNC, PUBLIC, FILE and STACK record of the index.
struct TextSpan: Hashable {
  private var packed: UInt64

  static let maximumStart = (1 << 40) - 1
  static let maximumCount = (1 << 24) - 1

  /// The span of `count` bytes at `start`; an offset past 1 TiB (a file no store maps) gives
  /// an empty span.
  init(start: Int, count: Int) {
    guard start >= 0, start <= Self.maximumStart else {
      packed = 0
      return
    }
    let kept = max(0, min(count, Self.maximumCount))
    packed = UInt64(start) << 24 | UInt64(kept)
  }

  /// The offset of the first byte.
  var start: Int { Int(truncatingIfNeeded: packed >> 24) }
  /// How many bytes.
  var count: Int { Int(truncatingIfNeeded: packed & UInt64(Self.maximumCount)) }
}

/// A `FUNC [m] address size parameter_size name` record and where its body lies.
struct FunctionRecord {
  var address: UInt64
  var size: UInt64
  var parameterSize: UInt64
  var name: TextSpan
  var isMultiple: Bool
  /// File offsets of the line and INLINE records that follow the FUNC line.
  var bodyStart: Int
  var bodyEnd: Int
  /// 1-based line of the FUNC record.
  var line: Int
}

/// A `PUBLIC [m] address parameter_size name` record.
struct PublicRecord {
  var address: UInt64
  var parameterSize: UInt64
  var name: TextSpan
  var isMultiple: Bool
}

/// A `STACK WIN` or `STACK CFI INIT` record: a range and where its text is.
struct StackRangeRecord {
  var address: UInt64
  var size: UInt64
  /// The record's fields after `STACK WIN` / `STACK CFI INIT address size`.
  var text: TextSpan
}

/// A `STACK CFI address rules` delta record.
struct StackDeltaRecord {
  var address: UInt64
  var rules: TextSpan
}

/// An `INLINE_ORIGIN id [file_id] name` record.
struct InlineOriginRecord {
  var name: TextSpan
  /// The old format's file of the origin's definition.
  var file: Int?
}
