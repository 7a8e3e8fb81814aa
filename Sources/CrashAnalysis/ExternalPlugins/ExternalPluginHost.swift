//===--- ExternalPluginHost.swift - A Swift SignaturePlugin as an executable ===//
//
// The other side of ExternalPlugin: a program that serves one
// `SignaturePlugin` over the protocol of docs/plugin-protocol.md, so a Swift
// detector runs in `analyse` without rebuilding it. `analyse plugins new NAME`
// writes a package whose main.swift is
//
//   ExternalPluginHost.serve(MyDetector())
//
// Each report arrives as JSON and is read back (ReportJSONReader); the
// plugin's findings go out as JSON. A plugin that throws answers with an error
// message, which analyse turns into a note.
//
//===----------------------------------------------------------------------===//

#if canImport(Glibc)
  import Glibc
#endif

/// Serves a signature plugin on standard input and output.
public enum ExternalPluginHost {
  /// Answers `analyse`'s messages with `plugin` until standard input ends.
  public static func serve(_ plugin: some SignaturePlugin) {
    // Frame roles as analyse gives them (the shipped catalogs, when this program finds them).
    let catalog = BundledPlugins.frameCatalog().catalog
    var pending: [UInt8] = []
    var buffer = [UInt8](repeating: 0, count: 1 << 16)
    while true {
      let count = buffer.withUnsafeMutableBytes { read(0, $0.baseAddress, $0.count) }
      if count < 0 && errno == EINTR { continue }
      guard count > 0 else { return }
      pending += buffer[..<count]
      while let newline = pending.firstIndex(of: 0x0A) {
        let line = Array(pending[..<newline])
        pending.removeFirst(newline + 1)
        let answer = self.answer(to: line, plugin: plugin, catalog: catalog).serialized(indent: 0) + "\n"
        var bytes = Array(answer.utf8)
        var offset = 0
        while offset < bytes.count {
          let written = bytes[offset...].withUnsafeBytes { write(1, $0.baseAddress, $0.count) }
          if written < 0 && errno == EINTR { continue }
          guard written > 0 else { return }
          offset += written
        }
        bytes.removeAll()
      }
    }
  }

  /// The answer to one message.
  public static func answer(to line: [UInt8], plugin: some SignaturePlugin, catalog: FrameCatalog = FrameCatalog()) -> JSONValue {
    let message: JSONValue
    do {
      message = try JSONValue.parse(line)
    } catch {
      return .object([("type", .string("error")), ("message", .string("\(error)"))])
    }
    switch message["type"]?.stringValue {
    case "hello":
      let descriptor = plugin.descriptor
      return .object([
        ("type", .string("descriptor")), ("id", .string(descriptor.id)), ("title", .string(descriptor.title)),
        ("product", .string(descriptor.product)), ("affects", .string(descriptor.affectedVersions)),
        ("references", .array(descriptor.references.map(JSONValue.string))),
      ])
    case "examine":
      let report = ReportJSONReader.report(from: message["report"] ?? .object([]))
      do {
        let findings = try plugin.examine(ClassifiedCrash(report, catalog: catalog))
        return .object([("type", .string("findings")), ("findings", .array(findings.map(JSONReportWriter.finding)))])
      } catch {
        return .object([("type", .string("error")), ("message", .string("\(error)"))])
      }
    default:
      return .object([("type", .string("error")), ("message", .string("unknown message type"))])
    }
  }
}
