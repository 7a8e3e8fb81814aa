//===--- AndroidModuleList.swift - The libraries an Android text's rows name ---===//
//
// Android's native rows (a tombstone's backtrace, an ANR dump's `native:` rows)
// name each frame's mapped file and, since Android 9, its GNU build id:
// `#00 pc 000000000004e8c8  /apex/…/libc.so (abort+164) (BuildId: 2f9f…)`. The
// files are the report's modules, listed at 0 (the rows' pcs are relative to
// them), each with the build id a row gave, so stores and symbol servers are
// asked by id.
//
//===----------------------------------------------------------------------===//

import CrashCore

/// The files an Android text's native rows named, in the order first named.
struct AndroidModuleList {
  /// Path → the build id a row gave for it, if any.
  private var buildIDs: [String: String?] = [:]
  private var order: [String] = []
  /// The most files listed.
  var maximum = 4096

  /// Notes the file of `row` (and its build id, when this row is the first to give one).
  mutating func note(_ row: AndroidTombstone.Row) {
    guard let path = row.path else { return }
    if let known = buildIDs[path] {
      if known == nil, let buildID = row.buildID { buildIDs[path] = buildID }
      return
    }
    guard order.count < maximum else { return }
    buildIDs[path] = row.buildID
    order.append(path)
  }

  /// Emits each file as a module at 0 with its build id's debug id, and forgets them.
  mutating func emit(_ emit: (TextDecodingEvent) -> Void) {
    for path in order {
      let name = Self.fileName(path)
      let buildID = buildIDs[path] ?? nil
      emit(
        .module(
          CodeModule(
            name: name, path: path, base: Address(0), debugFile: name,
            debugIdentifier: buildID.map(GNUBuildID.breakpadIdentifier), buildID: buildID)))
    }
    buildIDs = [:]
    order = []
  }

  /// The last component of a path: the module's name.
  static func fileName(_ path: String) -> String {
    path.split(separator: "/").last.map(String.init) ?? path
  }
}
