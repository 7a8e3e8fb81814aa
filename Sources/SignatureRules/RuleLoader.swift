//===--- RuleLoader.swift - Rule files from directories ----------------------===//
//
// Every `*.yaml` / `*.yml` file directly in a directory, in file-name order.
// A file with mistakes is reported and skipped; the others load. Files over
// 1 MiB are refused (a rule is a few dozen lines).
//
//===----------------------------------------------------------------------===//

import Signatures

#if canImport(Glibc)
  import Glibc
#endif

/// Loads rule files.
public enum RuleLoader {
  /// Largest rule file read.
  public static let maximumFileSize = 1 << 20

  /// The plugins from every rule file in `directory`, and the mistakes of the files that failed.
  public static func load(directory: String) -> (plugins: [RulePlugin], errors: [RuleFileError]) {
    guard let handle = opendir(directory) else {
      return ([], [RuleFileError(file: directory, line: nil, message: "cannot read the directory")])
    }
    var names: [String] = []
    while let entry = readdir(handle) {
      let name = withUnsafePointer(to: entry.pointee.d_name) {
        $0.withMemoryRebound(to: CChar.self, capacity: 256) { String(cString: $0) }
      }
      if name.hasSuffix(".yaml") || name.hasSuffix(".yml") { names.append(name) }
    }
    closedir(handle)
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

  /// The rule in one file, or its mistakes.
  public static func loadFile(_ path: String) -> Result<SignatureRule, RuleFileErrors> {
    guard let file = fopen(path, "rb") else {
      return .failure(
        RuleFileErrors(errors: [RuleFileError(file: path, line: nil, message: "cannot open: \(String(cString: strerror(errno)))")]))
    }
    defer { fclose(file) }
    var bytes: [UInt8] = []
    var buffer = [UInt8](repeating: 0, count: 65536)
    while true {
      let count = fread(&buffer, 1, buffer.count, file)
      if count <= 0 { break }
      bytes += buffer[0..<count]
      if bytes.count > maximumFileSize {
        return .failure(RuleFileErrors(errors: [RuleFileError(file: path, line: nil, message: "larger than \(maximumFileSize) bytes")]))
      }
    }
    guard let text = String(validating: bytes, as: UTF8.self) else {
      return .failure(RuleFileErrors(errors: [RuleFileError(file: path, line: nil, message: "not UTF-8 text")]))
    }
    return RuleFileParser.parse(text, file: path)
  }
}
