//===--- MicrodumpCollector.swift - A microdump found in streamed text -------===//
//
// A file is searched for a microdump before it is read (InputReader.contains);
// standard input cannot be searched ahead, so its text is decoded as it comes
// and this watches the same bytes: from the BEGIN marker on (found across
// chunk boundaries too) it keeps them, up to the END marker or the end of the
// input, so the stream's microdump is walked as a file's is. Text without one
// costs a memchr per chunk and nothing kept; a microdump larger than the limit
// is given up (the text report stands).
//
//===----------------------------------------------------------------------===//

import Minidump

#if canImport(Glibc)
  import Glibc
#elseif canImport(Musl)
  import Musl
#endif

struct MicrodumpCollector {
  enum State: Equatable {
    /// No BEGIN marker yet.
    case searching
    /// Keeping bytes from the BEGIN marker on.
    case collecting
    /// The END marker came: `bytes` hold the whole microdump.
    case complete
    /// More than the limit: nothing kept.
    case abandoned
  }

  private static let begin = Array(Microdump.beginMarker.utf8)
  private static let end = Array(Microdump.endMarker.utf8)

  /// The microdump's bytes from its BEGIN marker, once found.
  private(set) var bytes: [UInt8] = []
  private(set) var state = State.searching
  /// The most bytes kept.
  let limit: Int
  /// The last bytes of the previous chunk, while searching (a marker cut by a chunk boundary).
  private var tail: [UInt8] = []

  init(limit: Int) { self.limit = limit }

  /// Whether a microdump was found (whole, or running to the end of the input).
  var found: Bool { state == .collecting || state == .complete }

  /// Watches the next chunk of the input.
  mutating func consume(_ chunk: UnsafeRawBufferPointer) {
    switch state {
    case .searching: search(chunk)
    case .collecting: collect(chunk)
    case .complete, .abandoned: return
    }
  }

  private mutating func search(_ chunk: UnsafeRawBufferPointer) {
    // A marker across the boundary: the previous chunk's last bytes and this one's first.
    if !tail.isEmpty {
      let joined = tail + UnsafeRawBufferPointer(rebasing: chunk.prefix(Self.begin.count - 1))
      if let start = joined.withUnsafeBytes({ InputReader.offset(of: Self.begin, in: $0) }), start < tail.count {
        state = .collecting
        bytes = Array(tail[start...])
        tail = []
        collect(chunk)
        return
      }
    }
    if let start = InputReader.offset(of: Self.begin, in: chunk) {
      state = .collecting
      tail = []
      collect(UnsafeRawBufferPointer(rebasing: chunk[start...]))
      return
    }
    // Keep the last bytes seen, across chunks shorter than the marker too.
    let keep = Self.begin.count - 1
    tail = chunk.count >= keep ? Array(chunk.suffix(keep)) : Array((tail + chunk).suffix(keep))
  }

  private mutating func collect(_ chunk: UnsafeRawBufferPointer) {
    guard bytes.count + chunk.count <= limit else {
      bytes = []
      state = .abandoned
      return
    }
    let searchFrom = max(0, bytes.count - (Self.end.count - 1))
    bytes += chunk
    let found = bytes.withUnsafeBytes {
      InputReader.offset(of: Self.end, in: UnsafeRawBufferPointer(rebasing: $0[searchFrom...]))
    }
    if let found {
      bytes.removeSubrange((searchFrom + found + Self.end.count)...)
      state = .complete
    }
  }
}
