//===--- BareSymbolList.swift - Is a list of bare names a stack? ------------===//
//
// A listing of bare symbols (`ntdll!RtlAllocateHeap+0x67a` on each line) has no
// columns and often no header, so the only evidence that it is a stack is the
// names themselves. Prose and noise also hold `word!word` tokens, one per line
// now and then. A list that starts without a header is kept only when every
// name is shaped like a symbol a debugger prints (module and function); with
// no bullet either, only when it is long enough or carries offsets; a single
// bulleted name, only when the prose just before announces a stack.
//
//===----------------------------------------------------------------------===//

import CrashCore

enum BareSymbolList {
  /// How far before a lone bulleted name the prose must say a stack follows.
  static let introductionDistance = 3

  /// Whether `frames`, decoded from lines with no header, read as a stack.
  /// `bulleted` lists (`- module!function`) may hold a single item when the
  /// prose just before introduced a stack (`stackMention` is that line).
  static func isPlausibleStack(_ frames: [StackFrame], bulleted: Bool, firstLine: Int, stackMention: Int?) -> Bool {
    guard frames.count >= (bulleted ? 1 : 2) else { return false }
    var offsets = 0
    for frame in frames {
      guard let symbol = frame.symbol, symbol.module != nil, isPlausible(symbol) else { return false }
      if symbol.printedText.map({ $0.contains("+0x") }) == true { offsets += 1 }
    }
    if bulleted && frames.count == 1 {
      // One bulleted name is a stack only where the text says one follows
      // (`… the following stack-back trace (which may vary):` / `- snalm!QueueBuffer`).
      guard let stackMention else { return false }
      return stackMention < firstLine && firstLine - stackMention <= introductionDistance
    }
    return bulleted || frames.count >= 3 || offsets > 0
  }

  /// A module named like a file, and a function that starts and continues as C
  /// and C++ names do.
  static func isPlausible(_ symbol: FrameSymbol) -> Bool {
    if let module = symbol.module {
      guard module.utf8.count >= 2, let first = module.utf8.first, ASCII.isLetter(first) || first == ASCII.underscore,
        module.utf8.allSatisfy({ ASCII.isIdentifier($0) || $0 == ASCII.period || $0 == ASCII.minus || $0 == ASCII.dollar })
      else { return false }
    }
    guard let function = symbol.function else {
      return symbol.isUnresolved || symbol.address != nil
    }
    let bytes = Array(function.utf8)
    guard let first = bytes.first else { return false }
    switch first {
    case ASCII.question:
      // MSVC decorated names: `?Name@Class@@QAEXXZ`.
      guard Bytes.contains(bytes[...], "@@") else { return false }
    case ASCII.at:
      // __fastcall decoration: `@Name@8`.
      guard let second = bytes.dropFirst().firstIndex(of: ASCII.at), second > 1,
        bytes[(second + 1)...].allSatisfy(ASCII.isDigit), second + 1 < bytes.count
      else { return false }
    case ASCII.lessThan:
      // `<nosymbols>`, `<No Symbol>`.
      guard Bytes.hasPrefix(bytes[...], "<no") else { return false }
    default:
      guard ASCII.isLetter(first) || first == ASCII.underscore || first == ASCII.tilde else { return false }
    }
    let isOperator = Bytes.contains(bytes[...], "operator")
    return bytes.allSatisfy { byte in
      ASCII.isIdentifier(byte) || isNamePunctuation(byte) || (isOperator && isOperatorPunctuation(byte))
    }
  }

  /// Punctuation that decorated and templated names hold.
  private static func isNamePunctuation(_ byte: UInt8) -> Bool {
    switch byte {
    case ASCII.colon, ASCII.lessThan, ASCII.greaterThan, ASCII.comma, ASCII.at, ASCII.question, ASCII.dollar,
      ASCII.tilde, ASCII.star, ASCII.ampersand:
      true
    default: false
    }
  }

  /// What `operator new`, `operator=`, `operator()` and `operator[]` add.
  private static func isOperatorPunctuation(_ byte: UInt8) -> Bool {
    switch byte {
    case ASCII.space, ASCII.equals, ASCII.openParen, ASCII.closeParen, ASCII.openBracket, ASCII.closeBracket,
      ASCII.plus, ASCII.minus, ASCII.bang, ASCII.period, ASCII.slash:
      true
    default: false
    }
  }
}
