//===--- EventRecord.swift - A Windows event-log entry ----------------------===//

/// An entry of the Windows event log, as KB articles and Event Viewer copies show it.
public struct EventRecord: Sendable, Hashable {
  /// The event id (`9405`).
  public var id: UInt32
  /// The event source (`MSExchangeMTA`), when given.
  public var source: String?
  /// The event type (`Error`, `Warning`, `Information`), when given.
  public var type: String?
  /// The category (`Field Engineering`), when given.
  public var category: String?
  /// The date as printed, when given.
  public var date: String?
  /// The time as printed, when given.
  public var time: String?
  /// The user, when given.
  public var user: String?
  /// The computer, when given.
  public var computer: String?
  /// The description text, wrapped lines joined with single spaces.
  public var description: String?
  /// Where the record was printed.
  public var lines: LineRange?

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
