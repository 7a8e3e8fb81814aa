//===--- EventRecord.swift - A Windows event-log entry ----------------------===//

// Optionals spelled `Optional<T>`: the initialiser then builds without a copy (see `StackFrame`).
/// An entry of the Windows event log, as KB articles and Event Viewer copies show it.
public struct EventRecord: Sendable, Hashable, Codable {
  /// The event id (`9405`).
  public var id: UInt32
  /// The event source (`MSExchangeMTA`), when given.
  public var source: Optional<String>
  /// The event type (`Error`, `Warning`, `Information`), when given.
  public var type: Optional<String>
  /// The category (`Field Engineering`), when given.
  public var category: Optional<String>
  /// The date as printed, when given.
  public var date: Optional<String>
  /// The time as printed, when given.
  public var time: Optional<String>
  /// The user, when given.
  public var user: Optional<String>
  /// The computer, when given.
  public var computer: Optional<String>
  /// The description text, wrapped lines joined with single spaces.
  public var description: Optional<String>
  /// Where the record was printed.
  public var lines: Optional<LineRange>

  /// Creates an event record.
  public init(
    id: UInt32, source: String? = nil, type: String? = nil, category: String? = nil,
    date: String? = nil, time: String? = nil, user: String? = nil, computer: String? = nil,
    description: String? = nil, lines: LineRange? = nil
  ) {
    self.id = id
    self.source = source
    self.type = type
    self.category = category
    self.date = date
    self.time = time
    self.user = user
    self.computer = computer
    self.description = description
    self.lines = lines
  }
}
