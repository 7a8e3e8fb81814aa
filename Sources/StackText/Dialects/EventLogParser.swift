//===--- EventLogParser.swift - Event-log records in text -------------------===//
//
// Two layouts (formats.md §4):
//   KB style     Event ID: 9405 / Source: MSExchangeMTA / Type: Error /
//                Category: … / Description: … (wraps); label order and presence
//                vary, `Event ID:1229` has no blank, `Source MSExchangeIMC` no
//                colon, and the description may follow the ID with no label.
//   Event Viewer Event Type: / Event Source: / Event Category: / Event ID: /
//                Date: / Time: / User: / Computer: / Description: (Windows 2000);
//                Log Name: / Source: / Date: / Event ID: / Task Category: / Level: /
//                Keywords: / User: / Computer: / Description: (Vista on)
// A record ends at a blank line after its description, at the next record, or
// at a line that belongs to something else (a stack header, a section banner).
// Prose that mentions an id ("Event ID 9405 is logged") is not a record.
//
//===----------------------------------------------------------------------===//

import CrashCore

/// Builds event records from consecutive lines.
struct EventLogParser {
  private var record: EventRecord?
  /// An Event Viewer record whose `Event ID:` has not been seen yet.
  private var preamble: [(Label, String, Int)] = []
  private var inDescription = false
  private var blankAfterDescriptionLabel = false
  private var lastLine = 0
  /// Whether the current record's description reached `maximumDescriptionLength`.
  private var descriptionIsFull = false

  /// Labels kept while waiting for an Event Viewer record's `Event ID:`.
  static let maximumPreambleLabels = 16

  /// Longest description kept, in characters.
  static let maximumDescriptionLength = 4096

  /// Whether a record is being built.
  var isActive: Bool { hasRecord || !preamble.isEmpty }

  /// Whether a record is open: kept beside the record, because asking the optional (even
  /// by pattern) copied the whole record on every line.
  private var hasRecord = false

  enum Label {
    case id, source, type, category, date, time, user, computer, description
    /// Vista's Event Viewer: `Log Name:` opens a copied record; `Keywords:` and `Opcode:` are
    /// kept from the description.
    case logName, ignored
  }

  /// Offers a line only when a record or its preamble is open. (A mutating call: reading
  /// `isActive` on the decoder's stored parser copied the open record on every line.)
  mutating func consumeIfActive(_ line: TextLine, emit: (EventRecord) -> Void) -> Bool {
    guard isActive else { return false }
    return consume(line, emit: emit)
  }

  /// Offers a line; returns whether it belonged to an event record. Completed
  /// records are passed to `emit`.
  mutating func consume(_ line: TextLine, emit: (EventRecord) -> Void) -> Bool {
    if line.isBlank {
      guard isActive else { return false }
      if inDescription && record?.description == nil && !blankAfterDescriptionLabel {
        // Event Viewer copies put a blank line between `Description:` and the text.
        blankAfterDescriptionLabel = true
        return true
      }
      if hasRecord && (record?.description != nil || !inDescription) {
        finish(emit)
      }
      return true
    }
    if let (label, value) = Self.label(line) {
      if label == .id {
        guard let id = Self.eventID(value) else { return false }
        if hasRecord { finish(emit) }
        var new = EventRecord(id: id, lines: LineRange(line: line.number))
        for (earlier, text, number) in preamble {
          Self.assign(earlier, text, to: &new)
          new.lines = new.lines?.including(number)
        }
        preamble = []
        record = new
        hasRecord = true
        descriptionIsFull = false
        inDescription = false
        lastLine = line.number
        return true
      }
      if !hasRecord {
        // Event Viewer order: labels before the id. Only `Event Type:`/`Event Source:` may open one.
        guard label == .type || label == .source || label == .category || label == .logName || !preamble.isEmpty else {
          return false
        }
        guard line.starts(with: "Event") || label == .logName || !preamble.isEmpty else { return false }
        // A real preamble has a handful of labels; a run of them without an `Event ID:` is not one.
        guard preamble.count < Self.maximumPreambleLabels else {
          preamble = []
          return false
        }
        preamble.append((label, value, line.number))
        return true
      }
      if record?.description != nil && label != .description {
        // A label after the description starts something else.
        finish(emit)
        return consume(line, emit: emit)
      }
      if var current = record {
        Self.assign(label, value, to: &current)
        record = current
      }
      extendRecord(to: line.number)
      inDescription = label == .description
      lastLine = line.number
      return true
    }
    guard hasRecord else {
      if !preamble.isEmpty { preamble = [] }
      return false
    }
    // A stack header or banner ends the record.
    if StackHeader.recognise(line) != nil || DrWatsonSection.recognise(line) != nil {
      finish(emit)
      return false
    }
    // Description text: after `Description:` or straight after the labels.
    appendDescription(line.trimmedText)
    extendRecord(to: line.number)
    inDescription = true
    lastLine = line.number
    return true
  }

  /// Ends any record in progress.
  mutating func finish(_ emit: (EventRecord) -> Void) {
    if let record { emit(record) }
    record = nil
    hasRecord = false
    preamble = []
    inDescription = false
    blankAfterDescriptionLabel = false
    descriptionIsFull = false
  }

  private mutating func extendRecord(to line: Int) {
    guard case .some = record else { return }
    let lines = record?.lines ?? LineRange(line: line)
    record?.lines = lines.including(line)
  }

  private mutating func appendDescription(_ text: String) {
    // A full description takes no more text (and is not measured again on every line).
    if descriptionIsFull { return }
    let current = record?.description
    var joined = current.map { $0 + " " + text } ?? text
    if joined.utf8.count >= Self.maximumDescriptionLength, joined.count >= Self.maximumDescriptionLength {
      joined = String(joined.prefix(Self.maximumDescriptionLength))
      descriptionIsFull = true
    }
    record?.description = joined
  }

  private static func assign(_ label: Label, _ value: String, to record: inout EventRecord) {
    let text: String? = value.isEmpty ? nil : value
    switch label {
    case .id: break
    case .source: record.source = text
    case .type: record.type = text
    case .category: record.category = text
    case .date: record.date = text
    case .time: record.time = text
    case .user: record.user = text
    case .computer: record.computer = text
    case .description: record.description = text
    case .logName, .ignored: break
    }
  }

  /// `9405`, optionally followed by nothing else.
  private static func eventID(_ value: String) -> UInt32? {
    let words = value.split(separator: " ")
    guard words.count == 1, let id = UInt32(words[0]), id > 0 else { return nil }
    return id
  }

  /// Recognises a label at the start of the line and returns the text after it.
  /// Byte-level: runs on every line, so it allocates only when a label matches.
  static func label(_ line: TextLine) -> (Label, String)? {
    guard let first = line.tokens.first else { return nil }
    let bytes = line.bytes
    let lead = ASCII.lowercased(bytes[first.lowerBound])
    // Cheap filter on the first letter: e s t c d u, and Vista's l k o.
    guard lead == 0x65 || lead == 0x73 || lead == 0x74 || lead == 0x63 || lead == 0x64 || lead == 0x75 || lead == 0x6C
      || lead == 0x6B || lead == 0x6F
    else {
      return nil
    }
    for (prefix, label, colonOptional) in labels where prefix.utf8Start[0] | 0x20 == lead {
      guard Bytes.hasPrefix(bytes[first.lowerBound...], prefix) else { continue }
      var rest = first.lowerBound + prefix.utf8CodeUnitCount
      if rest < bytes.count && bytes[rest] == ASCII.colon {
        rest += 1
      } else if !colonOptional || rest >= bytes.count || bytes[rest] != ASCII.space {
        continue
      }
      while rest < bytes.count && bytes[rest] == ASCII.space { rest += 1 }
      return (label, String(decoding: bytes[rest...], as: UTF8.self))
    }
    return nil
  }

  // Longest first, so `Event Source` wins over `Source`.
  private static let labels: [(StaticString, Label, Bool)] = [
    ("Event Type", .type, false), ("Event Source", .source, false), ("Event Category", .category, false),
    ("Event ID", .id, true), ("Source", .source, true), ("Type", .type, false),
    ("Category", .category, false), ("Date", .date, false), ("Time", .time, false),
    ("User", .user, false), ("Computer", .computer, false), ("Description", .description, false),
    // Vista's Event Viewer (`Copy details as text`).
    ("Log Name", .logName, false), ("Task Category", .category, false), ("Level", .type, false),
    ("Keywords", .ignored, false), ("Opcode", .ignored, false),
  ]
}
