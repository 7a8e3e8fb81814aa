//===--- SystemRootLookup.swift - A module's own file, under a system root ----===//
//
// A core or a Linux dump records each module's path as the process saw it
// (`/usr/lib/x86_64-linux-gnu/libc.so.6`). Analysed on that machine, or
// beside a copy of its file system (an embedded target's sysroot), those files
// hold the call frames and symbols the walk needs, as gdb reads them through
// its `sysroot`. The path comes from the input, so it is only ever read under
// a root the user named: absolute, no `.` or `..` components, no NUL, and the
// file it resolves to (symbolic links followed) must still lie under the
// root's own resolved path. It is taken only when its GNU build id is the
// module's: a library updated since the crash is not another build's symbols.
//
//===----------------------------------------------------------------------===//

import ELFSymbols

#if canImport(Glibc)
  import Glibc
#elseif canImport(Musl)
  import Musl
#endif

/// Finds a module's recorded file under system roots.
enum SystemRootLookup {
  /// The longest recorded path looked up.
  static let maximumPathLength = 4_096

  /// The resolved path of `modulePath` under the first of `roots` that holds a regular file
  /// there whose build id is `buildID` (nil: an ELF file with none, for a module that has none;
  /// any build without `checkingBuildID`), or nil.
  static func file(at modulePath: String, under roots: [String], buildID: String?, checkingBuildID: Bool = true) -> String? {
    guard let relative = relativePath(modulePath) else { return nil }
    for root in roots {
      guard let resolvedRoot = resolve(root) else { continue }
      let candidate = (root.hasSuffix("/") ? String(root.dropLast()) : root) + "/" + relative
      guard let resolved = resolve(candidate), isInside(resolved, root: resolvedRoot), SymbolStore.isRegularFile(resolved)
      else { continue }
      guard !checkingBuildID || hasBuildID(resolved, buildID) else { continue }
      return resolved
    }
    return nil
  }

  /// Whether the ELF file at `path` has the build id `buildID` (nil: is an ELF file without one).
  static func hasBuildID(_ path: String, _ buildID: String?) -> Bool {
    do {
      return try ELFSymbolFile.buildID(atPath: path) == buildID
    } catch {
      return false
    }
  }

  /// `path` without its leading `/`, when it is absolute and has no `.`, `..` or empty
  /// component, no NUL and no more than `maximumPathLength` bytes; else nil.
  static func relativePath(_ path: String) -> String? {
    guard path.hasPrefix("/"), path.utf8.count > 1, path.utf8.count <= maximumPathLength, !path.utf8.contains(0) else {
      return nil
    }
    let relative = path.dropFirst()
    for part in relative.split(separator: "/", omittingEmptySubsequences: false) where part.isEmpty || part == "." || part == ".." {
      return nil
    }
    return String(relative)
  }

  /// Whether the resolved `path` lies under the resolved `root`.
  static func isInside(_ path: String, root: String) -> Bool {
    root == "/" || path == root || path.hasPrefix(root + "/")
  }

  /// `path` with every symbolic link followed (realpath), or nil when it does not exist.
  static func resolve(_ path: String) -> String? {
    guard let resolved = realpath(path, nil) else { return nil }
    defer { free(resolved) }
    return String(cString: resolved)
  }
}
