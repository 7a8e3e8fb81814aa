//===--- AnalyzeOutput.swift - The fields of WinDbg's !analyze -v -----------===//
//
//   FAILURE_BUCKET_ID:  AV_nt!ObQueryNameStringMode     SYMBOL_NAME:  nt!KiFastFailDispatch+d0
//   MODULE_NAME: nt      IMAGE_NAME:  ntkrnlmp.exe      PROCESS_NAME:  System
//   BUGCHECK_CODE:  139  BUGCHECK_P1: 4 … BUGCHECK_P4: 0 (hex)
//   EXCEPTION_CODE: (NTSTATUS) 0xc0000005 - The instruction at …   EXCEPTION_CODE_STR:  c0000005
//   FAULTING_IP:                                         (the symbol on the next line)
//   nt!ObQueryNameStringMode+5f
//   Key  : Failure.Bucket                                (newer KEY_VALUES_STRING form)
//   Value: 0x139_MISSING_GSFRAME_nt!KiFastFailDispatch
//   KERNEL_SECURITY_CHECK_FAILURE (139)                  (the heading: name and code)
//   Arg1: 0000000000000004, The thread's stack pointer … (its parameters)
//   BugCheck 139, {4, fffff8028227c4f0, fffff8028227c448, 0}   (kd's summary)
// The STACK_TEXT itself is a listing (StackBlockAssembler, labelled).
//
//===----------------------------------------------------------------------===//

import CrashCore

/// Recognises the `!analyze -v` fields triage keeps.
struct AnalyzeOutputParser {
  /// A `FAULTING_IP:` (or `Key : …`) line whose value is on the next line.
  private var awaiting: Awaiting?

  private enum Awaiting {
    case faultingIP
    case keyValue(Key)
  }

  private enum Key {
    case failureBucket, bugCheckCode
  }

  /// Offers a line; a recognised field goes to `emit`. Returns whether the line was one.
  mutating func consume(_ line: TextLine, emit: (DebuggerAnalysis.Field) -> Void) -> Bool {
    if let waiting = awaiting.take(), !line.isBlank {
      switch waiting {
      case .faultingIP:
        if line.tokens.count == 1, line.token(0).contains(ASCII.bang) || line.token(0).contains(ASCII.plus) {
          emit(.faultingIP(TextLimits.capped(Bytes.string(line.token(0)))))
          return true
        }
      case .keyValue(let key):
        if line.tokenEquals(0, "Value:"), line.tokens.count >= 2 {
          let value = line.text(fromToken: 1)
          switch key {
          case .failureBucket: emit(.failureBucketID(TextLimits.capped(value)))
          case .bugCheckCode: if let code = Self.hex(line.token(1)).flatMap(UInt32.init(exactly:)) { emit(.bugCheckCode(code)) }
          }
          return true
        }
      }
    }
    guard let first = line.tokens.first else { return false }
    let lead = line.bytes[first.lowerBound]
    if lead == 0x41 || lead == 0x42, let field = Self.argumentOrSummary(line) {
      for item in field { emit(item) }
      return true
    }
    if line.tokens.count == 2, let heading = Self.heading(line) {
      emit(heading)
      return true
    }
    // Field names are upper case and end in a colon; `Key` starts the KEY_VALUES form.
    guard (lead >= 0x41 && lead <= 0x5A), line.bytes[first.upperBound - 1] == ASCII.colon || lead == 0x4B else { return false }
    if line.tokenEquals(0, "Key"), line.tokens.count == 3, line.tokenEquals(1, ":") {
      if line.tokenEquals(2, "Failure.Bucket") { awaiting = .keyValue(.failureBucket) }
      if line.tokenEquals(2, "Bugcheck.Code.LegacyAPI") { awaiting = .keyValue(.bugCheckCode) }
      return awaiting != nil
    }
    let name = line.token(0)
    let value = line.tokens.count > 1 ? line.text(fromToken: 1) : ""
    if Bytes.equalsIgnoringCase(name, "FAULTING_IP:") {
      if value.isEmpty {
        awaiting = .faultingIP
      } else {
        emit(.faultingIP(TextLimits.capped(Bytes.string(line.token(1)))))
      }
      return true
    }
    guard !value.isEmpty else { return false }
    let field: DebuggerAnalysis.Field?
    switch Bytes.string(name) {
    case "FAILURE_BUCKET_ID:": field = .failureBucketID(TextLimits.capped(value))
    case "SYMBOL_NAME:": field = .symbolName(TextLimits.capped(value))
    case "MODULE_NAME:": field = .moduleName(TextLimits.capped(value))
    case "IMAGE_NAME:": field = .imageName(TextLimits.capped(value))
    case "PROCESS_NAME:": field = .processName(TextLimits.capped(value))
    case "BUGCHECK_CODE:": field = Self.hex(line.token(1)).flatMap(UInt32.init(exactly:)).map { .bugCheckCode($0) }
    case "BUGCHECK_P1:", "BUGCHECK_P2:", "BUGCHECK_P3:", "BUGCHECK_P4:":
      let index = Int(name[name.startIndex + 10] - ASCII.zero) - 1
      field = Self.hex(line.token(1)).map { .bugCheckParameter(index: index, value: $0) }
    case "EXCEPTION_CODE:", "EXCEPTION_CODE_STR:":
      // `(NTSTATUS) 0xc0000005 - …` or `c0000005`.
      let token = line.tokens.count > 2 && line.token(1).first == ASCII.openParen ? line.token(2) : line.token(1)
      field = Self.hex(token).flatMap(UInt32.init(exactly:)).map { .exceptionCode($0) }
    default: field = nil
    }
    guard let field else { return false }
    emit(field)
    return true
  }

  /// `KERNEL_SECURITY_CHECK_FAILURE (139)`: an upper-case name with underscores and a hex code.
  private static func heading(_ line: TextLine) -> DebuggerAnalysis.Field? {
    let name = line.token(0)
    let code = line.token(1)
    guard name.count >= 6, name.contains(ASCII.underscore),
      name.allSatisfy({ ($0 >= 0x41 && $0 <= 0x5A) || $0 == ASCII.underscore || ASCII.isDigit($0) }),
      code.count >= 3, code.first == ASCII.openParen, code.last == ASCII.closeParen,
      let value = HexNumber.digits(code.dropFirst().dropLast()), let number = UInt32(exactly: value)
    else { return nil }
    return .bugCheckHeading(name: Bytes.string(name), code: number)
  }

  /// `Arg1: 0000000000000004, …` or `BugCheck 139, {4, fffff8028227c4f0, fffff8028227c448, 0}`.
  private static func argumentOrSummary(_ line: TextLine) -> [DebuggerAnalysis.Field]? {
    let first = line.token(0)
    if first.count == 5, Bytes.hasPrefix(first, "Arg"), first.last == ASCII.colon, line.tokens.count >= 2,
      let digit = first.dropFirst(3).first, digit >= 0x31, digit <= 0x34
    {
      var value = line.token(1)
      if value.last == ASCII.comma { value = value.dropLast() }
      guard let number = hex(value) else { return nil }
      return [.bugCheckParameter(index: Int(digit - 0x31), value: number)]
    }
    guard line.tokenEquals(0, "BugCheck"), line.tokens.count >= 3 else { return nil }
    var code = line.token(1)
    if code.last == ASCII.comma { code = code.dropLast() }
    guard let value = hex(code).flatMap(UInt32.init(exactly:)) else { return nil }
    var fields: [DebuggerAnalysis.Field] = [.bugCheckCode(value)]
    let rest = line.text(fromToken: 2).filter { $0 != "{" && $0 != "}" && $0 != " " }
    for (index, part) in rest.split(separator: ",").prefix(4).enumerated() {
      if let number = HexNumber.prefixedOrBare(Array(part.utf8)[...]) { fields.append(.bugCheckParameter(index: index, value: number)) }
    }
    return fields
  }

  /// `0x…`, bare hex, or a 64-bit word with a backtick.
  private static func hex(_ token: ByteSlice) -> UInt64? {
    if token.count == 17, let word = HexNumber.word(token) { return word.value }
    return HexNumber.prefixedOrBare(token)
  }
}
