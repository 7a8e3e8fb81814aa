//===--- Win9xFaultReport.swift - The Windows 9x fault dialog's details -----===//
//
//   OUTLOOK caused an invalid page fault in module AWFXCG32.DLL at
//   0137:7f7ef389.
//   Registers:
//   EAX=010f04d8 CS=0137 EIP=7f7ef389 EFLGS=00010206
//   …
//   Bytes at CS:EIP:
//   8b 08 85 c9 8d 51 ff 89 10 74 1a e8 e3 96 ff ff
//   Stack dump:
//   0062fd34 7f7e0000 815d48ac 815df4f4 00400850 bff7b9b5 7f7e0000 00000000
//
// The stack dump is raw DWORDs from ESP upwards: stack memory, not frames.
//
//===----------------------------------------------------------------------===//

import CrashCore

/// The message line(s) of a Windows 9x fault report.
struct Win9xFaultMessage {
  var application: String
  var fault: String
  var module: String?
  var segment: UInt16?
  var offset: UInt64?
  var lines: LineRange

  /// Recognises `APP caused a(n) … fault in module MOD at SSSS:OOOOOOOO.` over one or two lines.
  static func parse(_ text: String, lines: LineRange) -> Win9xFaultMessage? {
    guard let caused = text.rangeIgnoringCase(of: " caused a") else { return nil }
    let application = String(text[..<caused.lowerBound].split(separator: " ").last ?? "")
    guard !application.isEmpty else { return nil }
    var rest = text[caused.upperBound...]
    if rest.hasPrefix("n ") { rest = rest.dropFirst(2) } else if rest.hasPrefix(" ") { rest = rest.dropFirst() }
    guard let inModule = rest.rangeIgnoringCase(of: " in module ") ?? rest.rangeIgnoringCase(of: "in module ") else {
      return nil
    }
    let fault = String(rest[..<inModule.lowerBound].trimmingBlanks())
    guard fault.lowercased().contains("fault") || fault.lowercased().contains("exception") else { return nil }
    let after = rest[inModule.upperBound...].split(separator: " ")
    var message = Win9xFaultMessage(application: application, fault: fault, lines: lines)
    message.module = after.first.map(String.init)
    if after.count >= 3, after[1].lowercased() == "at" {
      let address = after[2].trimmingCharacters(".")
      let parts = address.split(separator: ":")
      if parts.count == 2 {
        message.segment = UInt16(parts[0], radix: 16)
        message.offset = UInt64(parts[1], radix: 16)
      }
    }
    return message
  }

  /// Whether the text so far holds the start of a message but not its address yet.
  static func needsContinuation(_ text: String) -> Bool {
    text.rangeIgnoringCase(of: " caused a") != nil && !(text.split(separator: " ").last?.contains(":") ?? false)
  }
}

/// `Stack dump:` lines: 1–8 DWORDs each.
enum Win9xStackDumpLine {
  static func words(_ line: TextLine) -> [UInt32]? {
    guard !line.tokens.isEmpty, line.tokens.count <= 8 else { return nil }
    var words: [UInt32] = []
    for index in 0..<line.tokens.count {
      guard let word = HexNumber.word(line.token(index), allowMasked: false), word.digits == 8, let value = word.value
      else { return nil }
      words.append(UInt32(value))
    }
    return words
  }
}

extension Substring {
  fileprivate func trimmingCharacters(_ characters: String) -> Substring {
    var text = self
    while let last = text.last, characters.contains(last) { text = text.dropLast() }
    return text
  }
}
