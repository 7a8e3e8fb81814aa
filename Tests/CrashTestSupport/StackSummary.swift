//===--- StackSummary.swift - A compact, reviewable rendering of stacks -----===//
//
// The committed expectations for the KB corpus are written in this form, one
// file per article, so that a person can check them against the article line by
// line: every decoded stack with its lines, format, architecture and frame
// count, then one row per frame with the columns as printed and the parsed
// symbol. `-` marks a column the listing did not have, `?` a masked value.
//
//===----------------------------------------------------------------------===//

import CrashCore

/// Renders the stacks, events and STOP errors of a report for golden files.
public enum StackSummary {
  /// The summary text of `report`.
  public static func render(_ report: CrashReport) -> String {
    var out = ""
    let stacks = report.threads.filter { !$0.frames.isEmpty }
    if stacks.isEmpty { out += "no stack\n" }
    for thread in stacks {
      out += "stack lines=\(thread.lines?.description ?? "?") format=\(thread.format?.rawValue ?? "-")"
      out += " arch=\(thread.architecture.rawValue) frames=\(thread.frames.count)"
      if let id = thread.id { out += " thread=0x" + String(id, radix: 16) }
      if let context = thread.context { out += " registers=\(context.architecture.rawValue)" }
      out += "\n"
      for frame in thread.frames {
        var columns: [String] = []
        if let number = frame.printedNumber { columns.append("#" + String(number, radix: 16)) }
        columns.append(hex(frame.framePointer?.rawValue))
        columns.append(hex(frame.returnAddress?.rawValue))
        for parameter in frame.parameters {
          columns.append(parameter.map { hex($0) } ?? "?")
        }
        if frame.trust != .text {
          columns.append("\(frame.trust.rawValue):\(hex(frame.instruction?.rawValue))")
        }
        var text = "  " + columns.joined(separator: " ") + " | " + (frame.symbol?.displayText ?? "-")
        if let line = frame.sourceLine { text += " [\(line.file) @ \(line.line)]" }
        for annotation in frame.annotations { text += " " + annotation.displayText }
        out += text + "\n"
      }
    }
    for thread in report.threads {
      for region in thread.stackMemory {
        out += "memory thread=\(thread.lines?.description ?? "?") base=\(hex(region.base.rawValue)) bytes=\(region.bytes.count)\n"
      }
    }
    for check in report.bugChecks {
      let parameters = check.parameters.map { $0.map { hex($0) } ?? "?" }.joined(separator: ",")
      out += "stop 0x\(String(check.code, radix: 16)) \(check.name ?? "-") (\(parameters))\n"
    }
    for event in report.events {
      let description = event.description.map { String($0.prefix(60)) } ?? "-"
      out += "event \(event.id) source=\(event.source ?? "-") | \(description)\n"
    }
    if let exception = report.exception {
      out += "exception 0x\(String(exception.code.rawValue, radix: 16))"
      if let address = exception.address { out += " at \(address)" }
      out += "\n"
    }
    return out
  }

  private static func hex(_ value: UInt64?) -> String {
    guard let value else { return "-" }
    return HexFormat.digits(value, width: value > UInt64(UInt32.max) ? 16 : 8)
  }
}
