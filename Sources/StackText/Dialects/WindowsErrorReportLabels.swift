//===--- WindowsErrorReportLabels.swift - WER's field names in other languages ===//
//
// Windows prints Windows Error Reporting summaries in the language of its
// installation, and support tickets carry them as printed. Each localized field
// name read here maps to the English one WindowsErrorReportCollector reads
// (`Name der fehlerhaften Anwendung` → `faulting application name`). The names are
// those real summaries from localized Windows show: German, French, Russian,
// Simplified Chinese, Spanish and Japanese event 1000 records (Japanese in two
// wordings: `障害が発生しているモジュール名` / `障害オフセット` and Windows 11's
// `障害が発生したモジュール名` / `フォールト オフセット`), Russian, Chinese and Polish problem
// details, German Report.wer signature names; German's problem-detail names
// (`Fehlermodulname`, `Anwendungsname`, `Anwendungsversion`,
// `Anwendungszeitstempel`, `Problemsignatur`, `Problemereignisname`) complete the
// seen `Fehlermodulversion`, `Fehlermodulzeitstempel` and `Ausnahmeoffset` in their
// pattern, and Polish's `Kod wyjątku` is shared by event 1000. French prints its first field without a colon
// (`Nom de l’application défaillante app.exe, version : …`) and a blank before
// its colons; Russian leaves out the colon of the module's time stamp; Chinese
// separates the parts of a name with a full-width comma, Japanese with an
// ideographic one (`、バージョン: …`).
//
//===----------------------------------------------------------------------===//

/// Windows Error Reporting's field names as localized Windows prints them.
enum WindowsErrorReportLabels {
  /// The English key (lower case, as the collector reads it) of a localized one, or the key
  /// itself. Apostrophes are compared as ASCII (`’` and `'` alike).
  static func canonicalKey(_ key: String) -> String {
    if key.utf8.allSatisfy({ $0 < 0x80 }) && !key.utf8.contains(UInt8(ascii: "'")) {
      // English, or Polish and German without their own letters: only the table can tell.
      return englishKeys[key] ?? key
    }
    return englishKeys[normalized(key)] ?? key
  }

  /// Lower case, `’` as `'`, blanks trimmed.
  static func normalized(_ text: String) -> String {
    var result = ""
    for character in text.lowercased() { result.append(character == "’" ? "'" : character) }
    while result.last == " " { result.removeLast() }
    return result
  }

  /// A field whose name is printed without a colon (French's first line): the English key and
  /// the value after the name, when `text` starts with such a name and a blank.
  static func fieldWithoutColon(_ text: String) -> (key: String, value: String)? {
    // Each such name starts `Nom ` (asked first: this runs on every unknown field's line).
    guard text.utf8.count > 4, text.utf8.prefix(4).map({ $0 | 0x20 }).elementsEqual("nom ".utf8) else { return nil }
    let folded = normalized(text)
    for (name, key) in namesWithoutColon where folded.hasPrefix(name + " ") {
      // The value as printed: as many characters dropped as the name has (lower-casing and
      // the apostrophe keep the count).
      let value = text.dropFirst(name.count + 1).drop { $0 == " " }
      return (key, String(value))
    }
    return nil
  }

  /// The part of a `name, version: V, time stamp: S` value a label names: `version`, `stamp`,
  /// or nil; with the text after the label and its colon.
  static func valuePart(_ part: Substring) -> (label: ValueLabel, value: Substring)? {
    let folded = part.lowercased()
    for (label, words) in [(ValueLabel.version, versionWords), (.stamp, stampWords)] {
      for word in words where folded.hasPrefix(word) {
        var rest = part.dropFirst(word.count)
        // `version: 1`, `version : 1` (French), `отметка времени 0x…` (no colon), `版本：1`.
        guard rest.isEmpty || rest.first == " " || rest.first == ":" || rest.first == "：" else { continue }
        rest = rest.drop { $0 == " " }
        if rest.first == ":" || rest.first == "：" { rest = rest.dropFirst().drop { $0 == " " } }
        return (label, rest)
      }
    }
    return nil
  }

  /// What a labelled part of a name's value holds.
  enum ValueLabel { case version, stamp }

  /// Splits `name, version: V, time stamp: S` at its commas: ASCII, full-width (`，`) or ideographic (`、`).
  static func valueParts(_ value: String) -> [Substring] {
    value.split(omittingEmptySubsequences: false) { $0 == "," || $0 == "，" || $0 == "、" }.map { $0.drop { $0 == " " } }
  }

  // MARK: - The names

  /// `version` in the languages listed (lower case).
  private static let versionWords = ["version", "versión", "バージョン", "версия", "版本", "wersja"]
  /// `time stamp` in the languages listed (lower case).
  private static let stampWords = ["time stamp", "zeitstempel", "horodatage", "marca de tiempo", "タイム スタンプ", "отметка времени", "时间戳"]

  /// Names printed without their colon, lower case, with the English key.
  private static let namesWithoutColon: [(String, String)] = [
    ("nom de l'application défaillante", "faulting application name")
  ]

  /// Localized keys (lower case, `'` for `’`) and their English ones.
  private static let englishKeys: [String: String] = {
    var keys: [String: String] = [:]
    func add(_ english: String, _ names: String...) { for name in names { keys[name] = english } }
    // Event 1000 (Application Error).
    add(
      "faulting application name", "name der fehlerhaften anwendung", "nom de l'application défaillante",
      "имя сбойного приложения", "错误应用程序名称", "nombre de la aplicación con errores", "障害が発生しているアプリケーション名")
    add(
      "faulting module name", "name des fehlerhaften moduls", "nom du module défaillant", "имя сбойного модуля", "错误模块名称",
      "nombre del módulo con errores", "障害が発生しているモジュール名", "障害が発生したモジュール名")
    add(
      "exception code", "ausnahmecode", "code d'exception", "код исключения", "异常代码", "kod wyjątku", "código de excepción",
      "例外コード")
    add("fault offset", "fehleroffset", "décalage d'erreur", "смещение ошибки", "错误偏移量", "desplazamiento de errores", "障害オフセット", "フォールト オフセット")
    add(
      "faulting process id", "id des fehlerhaften prozesses", "id du processus défaillant", "идентификатор сбойного процесса",
      "错误进程 id", "identificador del proceso con errores", "障害が発生しているプロセス id")
    add(
      "faulting application start time", "startzeit der fehlerhaften anwendung",
      "heure de début de l'application défaillante", "время запуска сбойного приложения", "错误应用程序启动时间",
      "hora de inicio de la aplicación con errores", "障害が発生しているアプリケーションの開始時刻")
    add(
      "faulting application path", "pfad der fehlerhaften anwendung", "chemin d'accès de l'application défaillante",
      "путь сбойного приложения", "错误应用程序路径", "ruta de acceso de la aplicación con errores",
      "障害が発生しているアプリケーション パス")
    add(
      "faulting module path", "pfad des fehlerhaften moduls", "chemin d'accès du module défaillant", "путь сбойного модуля",
      "错误模块路径", "ruta de acceso del módulo con errores", "障害が発生しているモジュール パス")
    add("report id", "berichtskennung", "id de rapport", "код отчета", "报告 id", "identificador del informe", "レポート id")
    add(
      "faulting package full name", "vollständiger name des fehlerhaften pakets", "nom complet du package défaillant",
      "错误程序包全名", "nombre completo del paquete con errores")
    add(
      "faulting package-relative application id", "anwendungs-id, die relativ zum fehlerhaften paket ist",
      "id de l'application relative au package défaillant", "错误程序包相对应用程序 id",
      "identificador de aplicación relativa del paquete con errores")
    // Problem details and Report.wer's signature names.
    add("problem signature", "problemsignatur", "сигнатура проблемы", "问题签名")
    add("problem event name", "problemereignisname", "имя события проблемы", "问题事件名称", "nazwa zdarzenia problemu")
    add("application name", "anwendungsname", "имя приложения", "应用程序名", "nazwa aplikacji")
    add("application version", "anwendungsversion", "версия приложения", "应用程序版本", "wersja aplikacji")
    add(
      "application timestamp", "anwendungszeitstempel", "отметка времени приложения", "应用程序时间戳",
      "sygnatura czasowa aplikacji")
    add("fault module name", "fehlermodulname", "имя модуля с ошибкой", "故障模块名称", "nazwa modułu z błędem")
    add("fault module version", "fehlermodulversion", "версия модуля с ошибкой", "故障模块版本", "wersja modułu z błędem")
    add(
      "fault module timestamp", "fehlermodulzeitstempel", "отметка времени модуля с ошибкой", "故障模块时间戳",
      "sygnatura czasowa modułu z błędem")
    add("exception offset", "ausnahmeoffset", "смещение исключения", "异常偏移", "przesunięcie wyjątku")
    add("os version", "betriebsystemversion", "версия ос", "os 版本", "wersja systemu operacyjnego")
    add("locale id", "gebietsschema-id", "код языка", "区域设置 id", "identyfikator ustawień regionalnych")
    for number in 1...4 {
      add(
        "additional information \(number)", "zusatzinformation \(number)", "дополнительные сведения \(number)",
        "其他信息 \(number)", "dodatkowe informacje \(number)")
    }
    return keys
  }()
}
