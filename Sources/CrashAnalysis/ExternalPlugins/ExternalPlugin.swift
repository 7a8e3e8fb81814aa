//===--- ExternalPlugin.swift - A signature plugin in another process --------===//
//
// A plugin in any language, without rebuilding analyse: an executable named
// `analyse-plugin-NAME`, found in a --plugins directory or on PATH, speaking
// JSON lines on standard input and output (docs/plugin-protocol.md):
//
//   → {"type":"hello","protocol":1,"tool":"analyse 0.1.0"}
//   ← {"type":"descriptor","id":"…","title":"…","product":"…","affects":"…","references":[…]}
//   → {"type":"examine","report":{…the JSON report of docs/json-output.md…}}
//   ← {"type":"findings","findings":[{"confidence":"likely","evidence":[…],"remedy":{…}}]}
//
// One process per plugin for the whole run (a batch asks it once per input,
// one request at a time). Its findings pass the pipeline's ConfidencePolicy
// like every plugin's. A plugin that answers late, writes what is not the
// protocol or exits is stopped and disabled for the rest of the run; each
// input it then misses carries a note naming why.
//
//===----------------------------------------------------------------------===//

import Synchronization

/// A signature plugin that runs as a separate executable.
public final class ExternalPlugin: SignaturePlugin, Sendable {
  /// The protocol version this host speaks.
  public static let protocolVersion = 1
  /// Seconds a plugin may take to answer one request (by default).
  public static let defaultTimeLimit = 10.0

  /// Who the plugin says it is.
  public let descriptor: PluginDescriptor
  /// The executable.
  public let path: String
  /// Seconds it may take per answer.
  public let timeLimit: Double
  private let state: Mutex<State>

  private struct State: ~Copyable {
    var process: LineProcess?
    var failure: String?
  }

  /// Starts the executable at `path` and reads its descriptor; throws a load error naming the
  /// file and what went wrong.
  public init(path: String, timeLimit: Double = ExternalPlugin.defaultTimeLimit, tool: String = "analyse")
    throws(PluginLoadError)
  {
    self.path = path
    self.timeLimit = timeLimit
    let process: LineProcess
    do {
      process = try LineProcess(path: path)
    } catch {
      throw PluginLoadError(file: path, line: nil, message: error.description)
    }
    let hello = JSONValue.object([
      ("type", .string("hello")), ("protocol", .int(Self.protocolVersion)), ("tool", .string(tool)),
    ])
    let answer: JSONValue
    do {
      answer = try JSONValue.parse(try process.exchange(hello.serialized(indent: 0), seconds: timeLimit))
    } catch let error as PluginProcessError {
      throw PluginLoadError(file: path, line: nil, message: "no descriptor: \(error.description)")
    } catch {
      process.stop()
      throw PluginLoadError(file: path, line: nil, message: "the descriptor is \(error)")
    }
    guard answer["type"]?.stringValue == "descriptor", let id = answer["id"]?.stringValue,
      let title = answer["title"]?.stringValue, !title.isEmpty
    else {
      process.stop()
      throw PluginLoadError(
        file: path, line: nil, message: "the first answer must be {\"type\":\"descriptor\",\"id\":…,\"title\":…}")
    }
    guard PluginIdentifier.isValid(id) else {
      process.stop()
      throw PluginLoadError(
        file: path, line: nil,
        message: "the id '\(TextLimits.capped(id, maximumBytes: 80))' is not 1 to \(PluginIdentifier.maximumLength) letters, digits, '-' or '_'")
    }
    var references: [String] = []
    if case .array(let items)? = answer["references"] { references = items.compactMap(\.stringValue).prefix(20).map { $0 } }
    descriptor = PluginDescriptor(
      id: id, title: TextLimits.capped(title, maximumBytes: 300), product: answer["product"]?.stringValue ?? "",
      affectedVersions: answer["affects"]?.stringValue ?? "", references: references)
    state = Mutex(State(process: process, failure: nil))
  }

  deinit {
    _ = state.withLock { $0.process?.stop() }
  }

  /// Why the plugin failed.
  public struct Failure: Error, Sendable, CustomStringConvertible {
    /// What happened, naming the executable.
    public var description: String
  }

  /// Sends `report` and reads the plugin's findings.
  public func examine(_ report: CrashReport) throws -> [Finding] {
    let request = JSONValue.object([
      ("type", .string("examine")), ("report", JSONReportWriter.value(for: report, classification: nil, tool: nil)),
    ]).serialized(indent: 0)
    let line: [UInt8] = try state.withLock { state in
      if let failure = state.failure { throw Failure(description: "\(path) is disabled: \(failure)") }
      guard let process = state.process else { throw Failure(description: "\(path) is not running") }
      do throws(PluginProcessError) {
        return try process.exchange(request, seconds: timeLimit)
      } catch {
        state.failure = error.description
        state.process = nil
        throw Failure(description: "\(path): \(error.description)")
      }
    }
    do {
      return try Self.findings(in: JSONValue.parse(line), descriptor: descriptor)
    } catch {
      let reason = "\(error)"
      state.withLock { state in
        state.process?.stop()
        state.process = nil
        state.failure = reason
      }
      throw Failure(description: "\(path): \(reason) (the plugin was stopped)")
    }
  }

  /// Why an answer is not the protocol.
  struct ProtocolViolation: Error, CustomStringConvertible {
    var description: String
  }

  /// The findings of a `{"type":"findings"}` answer, checked.
  static func findings(in answer: JSONValue, descriptor: PluginDescriptor) throws -> [Finding] {
    if answer["type"]?.stringValue == "error" {
      throw ProtocolViolation(description: "the plugin reported: " + TextLimits.capped(answer["message"]?.stringValue ?? "?", maximumBytes: 300))
    }
    guard answer["type"]?.stringValue == "findings", case .array(let items)? = answer["findings"] else {
      throw ProtocolViolation(description: "an answer that is not {\"type\":\"findings\",\"findings\":[…]}")
    }
    guard items.count <= 100 else { throw ProtocolViolation(description: "more than 100 findings for one crash") }
    return try items.map { item in
      guard let text = item["confidence"]?.stringValue, let confidence = Confidence(rawValue: text) else {
        throw ProtocolViolation(description: "a finding without a confidence (confirmed, likely, possible, ruled-out)")
      }
      var evidence: [Evidence] = []
      if case .array(let pieces)? = item["evidence"] {
        guard pieces.count <= 1000 else { throw ProtocolViolation(description: "more than 1000 pieces of evidence") }
        for piece in pieces {
          guard let bearingText = piece["bearing"]?.stringValue, let bearing = Evidence.Bearing(rawValue: bearingText),
            let statement = piece["text"]?.stringValue
          else { throw ProtocolViolation(description: "evidence needs a bearing (supports, contradicts, note) and a text") }
          evidence.append(
            Evidence(
              bearing, TextLimits.capped(statement, maximumBytes: 1000), at: location(piece["where"]),
              isInference: piece["inference"] == .bool(true), defining: piece["defining"] == .bool(true),
              rulesOut: piece["rules_out"] == .bool(true)))
        }
      }
      var remedy: Remedy?
      if let summary = item["remedy"]?["summary"]?.stringValue {
        var files: [RemedyFile] = []
        if case .array(let entries)? = item["remedy"]?["files"] {
          files = entries.prefix(100).compactMap { entry in
            entry["name"]?.stringValue.map { RemedyFile($0, version: entry["version"]?.stringValue) }
          }
        }
        remedy = Remedy(
          summary: TextLimits.capped(summary, maximumBytes: 2000), fixedIn: item["remedy"]?["fixed_in"]?.stringValue, files: files)
      }
      // A plugin speaks for its own id only.
      return Finding(
        plugin: descriptor.id, title: item["title"]?.stringValue.map { TextLimits.capped($0, maximumBytes: 300) } ?? descriptor.title,
        confidence: confidence, evidence: evidence, remedy: remedy)
    }
  }

  private static func location(_ value: JSONValue?) -> EvidenceLocation? {
    guard let value else { return nil }
    if let thread = value["thread"]?.intValue, let frame = value["frame"]?.intValue { return .frame(thread: thread, frame: frame, lines: nil) }
    if let event = value["event"]?.intValue { return .event(index: event, lines: nil) }
    if let module = value["module"]?.intValue { return .module(index: module, lines: nil) }
    return nil
  }
}
