//===--- InlineOriginTable.swift - INLINE_ORIGIN numbers, names kept on disk --===//
//
// Breakpad numbers each inlined function once (INLINE_ORIGIN <n> <name>), in the
// order INLINE records first name it, and lists the origins before every FUNC. A
// large PDB inlines tens of thousands of distinct functions: rather than keep every
// name in memory for the whole run, the table keeps a 128-bit digest of each name
// (two independent 64-bit hashes) and spools the INLINE_ORIGIN lines themselves.
// Two names with the same digest would share a number; a hostile file gains nothing
// from that but one wrong inline name.
//
//===----------------------------------------------------------------------===//

/// Numbers inline origins by name, holding digests, not names.
final class InlineOriginTable {
  private struct Digest: Hashable {
    var first: UInt64
    var second: UInt64
  }

  private var numbers: [Digest: Int] = [:]
  private let lines = FunctionSpool(indexed: false)

  /// How many origins are numbered.
  var count: Int { numbers.count }

  /// The number of the origin named `name`, given the next number when it is new.
  func number(for name: String) -> Int {
    let digest = Self.digest(name)
    if let known = numbers[digest] { return known }
    let number = numbers.count
    numbers[digest] = number
    lines.append(rva: 0, size: 0, text: "INLINE_ORIGIN \(number) \(name)\n")
    return number
  }

  /// The INLINE_ORIGIN lines, in number order, in pieces of whole lines.
  func forEachPiece(_ body: (String) -> Void) {
    lines.forEachPiece(body)
  }

  /// FNV-1a and a multiply–xorshift hash over the UTF-8 bytes: independent enough that
  /// distinct names do not meet by chance.
  private static func digest(_ name: String) -> Digest {
    var first: UInt64 = 0xcbf2_9ce4_8422_2325
    var second: UInt64 = 0x9e37_79b9_7f4a_7c15
    for byte in name.utf8 {
      first = (first ^ UInt64(byte)) &* 0x0000_0100_0000_01b3
      second = (second &+ UInt64(byte)) &* 0xbf58_476d_1ce4_e5b9
      second ^= second >> 31
    }
    return Digest(first: first, second: second ^ UInt64(name.utf8.count))
  }
}
