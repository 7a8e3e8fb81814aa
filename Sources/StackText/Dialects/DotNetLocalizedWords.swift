//===--- DotNetLocalizedWords.swift - .NET's words in its language packs ------===//
//
// .NET Framework with a language pack prints an unhandled exception's words in
// that language: the label before the exception (`Unhandled Exception:`) and
// the word before each frame (`at`, the resource Word_At). These are the
// packs' words, as their messages show them:
//
//   German      Unbehandelte Ausnahme:          bei
//   French      Exception non gérée :            à
//   Spanish     Excepción no controlada:         en
//   Italian     Eccezione non gestita:           in
//   Portuguese  Exceção Sem Tratamento:          em
//   Russian     Необработанное исключение:       в
//   Polish      Nieobsługiwany wyjątek:          w
//   Dutch       Onverwerkte uitzondering:        bij
//   Czech       Neošetřená výjimka:              v
//   Swedish     Ohanterat undantag:              vid
//   Japanese    ハンドルされていない例外:          場所
//   Chinese     未经处理的异常:                   在
//   Korean      처리되지 않은 예외:                위치:
//   Turkish     İşlenmeyen Özel Durum:           konum:
//
//===----------------------------------------------------------------------===//

/// The words .NET's language packs print for `Unhandled Exception:` and `at`.
enum DotNetLocalizedWords {
  /// The first words of the packs' `Unhandled Exception:` labels.
  private static let unhandledLeads: [StaticString] = [
    "Unbehandelte", "Exception", "Excepción", "Eccezione", "Exceção", "Необработанное", "Nieobsługiwany", "Onverwerkte",
    "Neošetřená", "Ohanterat", "ハンドルされていない例外:", "未经处理的异常:", "처리되지", "İşlenmeyen",
  ]

  /// The packs' words for `at`.
  private static let atWords: [StaticString] = ["bei", "à", "en", "in", "em", "в", "w", "bij", "v", "vid", "場所", "在", "위치:", "konum:"]

  /// The lengths in bytes of the labels' first words, one bit each: a line whose first word has
  /// another length is no label (one test before any word is compared).
  static let unhandledLeadLengths: UInt64 = unhandledLeads.reduce(0) { mask, word in
    word.utf8CodeUnitCount < 64 ? mask | 1 << UInt64(word.utf8CodeUnitCount) : mask
  }

  /// Whether the line's first word is one a pack's `Unhandled Exception:` label starts with.
  static func opensUnhandled(_ line: TextLine) -> Bool {
    unhandledLeads.contains { line.tokenEquals(0, $0) }
  }

  /// Whether the line's first word is a pack's `at`.
  static func isAtWord(_ line: TextLine) -> Bool {
    atWords.contains { line.tokenEquals(0, $0) }
  }
}
