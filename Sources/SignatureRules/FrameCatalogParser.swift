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
//
// Names are `module!function` or `function`; a trailing `*` matches a prefix.
// Mistakes are errors with file and line, as in rule files.
//
//===----------------------------------------------------------------------===//

import ByteReading
import Signatures
import Yams

/// Reads frame catalog files.
public enum FrameCatalogParser {
  static let keys = ["product", "module", "common", "prefix", "irrelevant"]

  /// The catalog in `text` (named `file` in errors), or every mistake found.
  public static func parse(_ text: String, file: String) -> Result<FrameCatalog, RuleFileErrors> {
    var errors: [PluginLoadError] = []
    func fail(_ node: Node?, _ message: String) { errors.append(PluginLoadError(file: file, line: node?.mark?.line, message: message)) }
    let root: Node
    switch RuleFileParser.document(text, file: file) {
    case .success(let node): root = node
    case .failure(let problem): return .failure(problem)
    }
    guard case .mapping(let mapping) = root else {
      return .failure(RuleFileErrors(errors: [PluginLoadError(file: file, line: root.mark?.line, message: "the file must be a mapping of keys to values")]))
    }
    for (key, _) in mapping where !keys.contains(key.string ?? "") {
      fail(key, "unknown key '\(key.string ?? "?")' (expected: \(keys.joined(separator: ", ")))")
    }
    let module = mapping[key: "module"]?.string
    var catalog = FrameCatalog()
    for (name, role) in [("irrelevant", FrameRole.irrelevant), ("prefix", .prefix), ("common", .common)] {
      guard let node = mapping[key: name] else { continue }
      guard case .sequence(let items) = node else {
        fail(node, "'\(name)' must be a list of frame names")
        continue
      }
      for item in items {
        guard let text = item.string, !text.isEmpty, text != "*", Self.isFrameName(text) else {
          fail(item, "each entry of '\(name)' must be a frame name (`module!function` or `function`, `*` at the end for a prefix)")
          continue
        }
        catalog.add(FrameCatalog.Entry(text, role: role, defaultModule: module, origin: "\(file):\(item.mark?.line ?? 0)"))
      }
    }
    return errors.isEmpty ? .success(catalog) : .failure(RuleFileErrors(errors: errors))
  }

  /// Whether `text` reads as a frame name: no blank, unless C++ puts one there (`operator new`,
  /// `std::map<int, int>::find`). The blank is looked for byte by byte; `firstRange(of:)` (the
  /// standard library's, not Foundation's `contains`, which loads CoreFoundation's search) only
  /// when there is one: each call costs some 12,000 instructions, and catalogs list hundreds.
  static func isFrameName(_ text: String) -> Bool {
    guard text.utf8.contains(UInt8(ascii: " ")) else { return true }
    return text.firstRange(of: "::") != nil || text.firstRange(of: "operator") != nil
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
      switch parse(text, file: path) {
      case .success(let parsed): catalog.merge(parsed)
      case .failure(let problems): errors += problems.errors
      }
    }
    return (catalog, errors)
  }
}
