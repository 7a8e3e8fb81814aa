//===--- FrameCatalogParser.swift - Reading a frame catalog file -------------===//
//
// A frame catalog file (Plugins/frames/*.yaml) states which frames carry no
// information about a crash, per product and module:
//
//   product: Microsoft Exchange Server 5.5, MTA (EMSMTA.EXE)
//   module: EMSMTA                 # the module of names written without `module!`
//   common: [otpaasb, otpamain]    # on every thread of the product
//   prefix: [HeapCheckFree]        # generic helpers: signatures go past them
//   irrelevant: [RaiseException]   # how the exception was raised: skipped
//   handler-entry: [KiUserExceptionDispatcher]   # skipped, with every frame above it
//
// Names are `module!function` or `function`; a trailing `*` matches a prefix.
// Mistakes are errors with file and line, as in rule files.
//
//===----------------------------------------------------------------------===//

import ByteReading
import Signatures

/// Reads frame catalog files.
public enum FrameCatalogParser {
  static let keys = ["product", "module", "common", "prefix", "irrelevant", "handler-entry"]

  /// The catalog in `text` (named `file` in errors), or every mistake found.
  public static func parse(_ text: String, file: String) -> Result<FrameCatalog, RuleFileErrors> {
    entries(text, file: file).map(FrameCatalog.init)
  }

  /// The entries of the catalog in `text`, in file order, or every mistake found.
  static func entries(_ text: String, file: String) -> Result<[FrameCatalog.Entry], RuleFileErrors> {
    var errors: [PluginLoadError] = []
    func fail(_ node: YAMLNode?, _ message: String) { errors.append(PluginLoadError(file: file, line: node?.line, message: message)) }
    let root: YAMLNode
    switch RuleFileParser.document(text, file: file) {
    case .success(let node): root = node
    case .failure(let problem): return .failure(problem)
    }
    guard case .mapping(let nodes) = root.content else {
      return .failure(RuleFileErrors(errors: [PluginLoadError(file: file, line: root.line, message: "the file must be a mapping of keys to values")]))
    }
    let mapping = KeyedMapping(nodes)
    for (text, key) in zip(mapping.texts, mapping.keys) where !keys.contains(text ?? "") {
      fail(key, "unknown key '\(text ?? "?")' (expected: \(keys.joined(separator: ", ")))")
    }
    let module = mapping[key: "module"]?.string
    let originPrefix = file + ":"
    var entries: [FrameCatalog.Entry] = []
    for (name, role) in [("irrelevant", FrameRole.irrelevant), ("handler-entry", .handlerEntry), ("prefix", .prefix), ("common", .common)] {
      guard let node = mapping[key: name] else { continue }
      guard case .sequence(let items) = node.content else {
        fail(node, "'\(name)' must be a list of frame names")
        continue
      }
      for item in items {
        guard let text = item.string, !text.isEmpty, text != "*", Self.isFrameName(text) else {
          fail(item, "each entry of '\(name)' must be a frame name (`module!function` or `function`, `*` at the end for a prefix)")
          continue
        }
        let origin = originPrefix + String(item.line)
        entries.append(FrameCatalog.Entry(text, role: role, defaultModule: module, origin: origin))
      }
    }
    return errors.isEmpty ? .success(entries) : .failure(RuleFileErrors(errors: errors))
  }

  /// Whether `text` reads as a frame name: no blank, unless an Objective-C method has one
  /// (`-[NSException raise]`), or C++ puts one there (`operator new`,
  /// `std::map<int, int>::find`) or Swift's demangler does (`closure #1 in _assertionFailure`,
  /// `specialized Array.subscript`, `partial apply for …`, `Swift runtime failure: …`), or a
  /// debugger's pseudo-frame (`<signal handler called>`, Valgrind's `(below main)`) or V8's
  /// constructor (`new Promise`). Searched byte by byte: the standard library's generic
  /// `firstRange(of:)` costs some 65,000 instructions a call, and catalogs list hundreds of names.
  static func isFrameName(_ text: String) -> Bool {
    let bytes = Array(text.utf8)
    guard bytes.contains(UInt8(ascii: " ")) else { return true }
    // gdb's pseudo-frames (`<signal handler called>`), Valgrind's (`(below main)`).
    if bytes.first == UInt8(ascii: "<"), bytes.last == UInt8(ascii: ">") { return true }
    if bytes.first == UInt8(ascii: "("), bytes.last == UInt8(ascii: ")") { return true }
    // V8's constructor frames: `new Promise`.
    if bytes.starts(with: Array("new ".utf8)) { return true }
    // An Objective-C method: `-[NSException raise]`, `+[NSException raise:format:]`.
    if bytes.count > 4, bytes[0] == UInt8(ascii: "-") || bytes[0] == UInt8(ascii: "+"), bytes[1] == UInt8(ascii: "["),
      bytes.last == UInt8(ascii: "]")
    {
      return true
    }
    return contains(bytes, "::") || contains(bytes, "operator") || contains(bytes, " in ") || contains(bytes, "specialized ")
      || contains(bytes, "partial apply") || contains(bytes, "thunk") || contains(bytes, "Swift runtime failure")
  }

  /// Whether `bytes` holds `word` (ASCII) anywhere.
  private static func contains(_ bytes: [UInt8], _ word: StaticString) -> Bool {
    let pattern = UnsafeBufferPointer(start: word.utf8Start, count: word.utf8CodeUnitCount)
    guard !pattern.isEmpty, bytes.count >= pattern.count else { return pattern.isEmpty }
    for start in 0...(bytes.count - pattern.count) where bytes[start] == pattern[0] {
      if pattern.indices.allSatisfy({ bytes[start + $0] == pattern[$0] }) { return true }
    }
    return false
  }

  /// Every `*.yaml` catalog in `directory`, in file-name order, merged; files with mistakes are
  /// skipped and returned as errors.
  public static func load(directory: String) -> (catalog: FrameCatalog, errors: [PluginLoadError]) {
    guard let names = RuleLoader.yamlFiles(in: directory) else { return (FrameCatalog(), []) }
    var catalog = FrameCatalog()
    var errors: [PluginLoadError] = []
    for name in names {
      let path = directory + "/" + name
      let bytes: [UInt8]?
      do {
        bytes = try FileOpener.contents(of: path, limit: RuleLoader.maximumFileSize)
      } catch {
        errors.append(PluginLoadError(file: path, line: nil, message: "\(error)"))
        continue
      }
      guard let bytes, let text = String(validating: bytes, as: UTF8.self) else {
        errors.append(PluginLoadError(file: path, line: nil, message: "larger than \(RuleLoader.maximumFileSize) bytes, or not UTF-8"))
        continue
      }
      switch entries(text, file: path) {
      case .success(let parsed): for entry in parsed { catalog.add(entry) }
      case .failure(let problems): errors += problems.errors
      }
    }
    return (catalog, errors)
  }
}
