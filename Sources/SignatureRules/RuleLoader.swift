//===--- RuleLoader.swift - Rule files from directories ----------------------===//
//
// A rule file, or every `*.yaml` / `*.yml` file directly in a directory, in
// file-name order. A file with mistakes is reported and skipped; the others
// load. Files over 1 MiB are refused (a rule is a few dozen lines), and so is
// anything that is not a regular file: a FIFO named `x.yaml` is never opened
// for a blocking read (FileOpener).
//
//===----------------------------------------------------------------------===//

import ByteReading
import Signatures

#if canImport(Glibc)
  import Glibc
#endif

/// Loads rule files.
public enum RuleLoader {
  /// Largest rule file read.
  public static let maximumFileSize = 1 << 20

  /// The plugins of `path`: one rule file, or every rule file in a directory. A path that
  /// does not exist, or names neither, is an error naming it.
  public static func load(path: String) -> (plugins: [RulePlugin], errors: [RuleFileError]) {
    switch FileOpener.kind(of: path) {
    case .directory?: return load(directory: path)
    case .regular?:
      switch loadFile(path) {
      case .success(let rule): return ([RulePlugin(rule: rule)], [])
      case .failure(let problems): return ([], problems.errors)
      }
    case let kind?: return ([], [RuleFileError(file: path, line: nil, message: "\(kind.rawValue), not a rule file or a directory")])
    case nil:
      let reason = String(cString: strerror(errno))
      return ([], [RuleFileError(file: path, line: nil, message: "cannot read: \(reason)")])
    }
  }

  /// The plugins from every rule file in `directory`, and the mistakes of the files that failed.
  public static func load(directory: String) -> (plugins: [RulePlugin], errors: [RuleFileError]) {
    guard let names = yamlFiles(in: directory) else {
      let reason = String(cString: strerror(errno))
      return ([], [RuleFileError(file: directory, line: nil, message: "cannot read the directory: \(reason)")])
    }
    var plugins: [RulePlugin] = []
    var errors: [RuleFileError] = []
    for name in names.sorted() {
      switch loadFile("\(directory)/\(name)") {
      case .success(let rule): plugins.append(RulePlugin(rule: rule))
      case .failure(let problems): errors += problems.errors
      }
    }
    return (plugins, errors)
  }

  /// The names of the `*.yaml` and `*.yml` files directly in `directory`, sorted; nil when it
  /// cannot be read (errno says why).
  public static func yamlFiles(in directory: String) -> [String]? {
    guard let handle = opendir(directory) else { return nil }
    var names: [String] = []
    while let entry = readdir(handle) {
      let name = DirectoryEntry.name(of: entry)
      if name.hasSuffix(".yaml") || name.hasSuffix(".yml") { names.append(name) }
    }
    closedir(handle)
    return names.sorted()
  }

  /// The rule in one file, or its mistakes.
  public static func loadFile(_ path: String) -> Result<SignatureRule, RuleFileErrors> {
    let contents: [UInt8]?
    do {
      contents = try FileOpener.contents(of: path, limit: maximumFileSize)
    } catch {
      let message =
        switch error {
        case .cannotOpen(_, let reason): "cannot open: \(reason)"
        case .wrongKind(_, let kind): "\(kind.rawValue), not a rule file"
        }
      return .failure(RuleFileErrors(errors: [RuleFileError(file: path, line: nil, message: message)]))
    }
    guard let bytes = contents else {
      return .failure(RuleFileErrors(errors: [RuleFileError(file: path, line: nil, message: "larger than \(maximumFileSize) bytes")]))
    }
    guard let text = String(validating: bytes, as: UTF8.self) else {
      return .failure(RuleFileErrors(errors: [RuleFileError(file: path, line: nil, message: "not UTF-8 text")]))
    }
    return RuleFileParser.parse(text, file: path)
  }
}
