//===--- ExternalPluginLocator.swift - Finding analyse-plugin-NAME -----------===//
//
// External plugins are executables named `analyse-plugin-NAME`, found like
// git's subcommands: in each --plugins directory (or named directly), then in
// each directory of PATH. The first executable of a name wins; a directory
// reached twice (a link to another, as /bin to /usr/bin) is read once, and a
// PATH directory unchanged since an earlier run is not read at all when a
// PluginDirectoryCache is given.
//
//===----------------------------------------------------------------------===//

import ByteReading

#if canImport(Glibc)
  import Glibc
#endif

/// Finds external plugin executables.
public enum ExternalPluginLocator {
  /// The file-name prefix of an external plugin.
  public static let prefix = "analyse-plugin-"

  /// The executables named `analyse-plugin-*` in `paths` (directories searched, files taken
  /// when so named), then in the directories of `searchPath` (`PATH`'s `:`-separated form),
  /// the names of those taken from `cache` when they have not changed since it recorded them.
  public static func executables(
    in paths: [String], searchPath: String? = nil, cache: PluginDirectoryCache? = nil
  ) -> [String] {
    var found: [String] = []
    var names = Set<String>()
    func consider(_ path: String) {
      let name = path.split(separator: "/").last.map(String.init) ?? path
      guard name.hasPrefix(prefix), name.count > prefix.count, FileOpener.kind(of: path) == .regular,
        access(path, X_OK) == 0, names.insert(name).inserted
      else { return }
      found.append(path)
    }
    // A directory named twice (`/bin` and `/usr/bin` on a merged-/usr system) is read once:
    // reading a directory of a thousand programs is most of this search's time.
    var directories = Set<FileIdentity>()
    func scan(_ directory: String, cache: PluginDirectoryCache?) {
      if let identity = FileOpener.identity(of: directory), !directories.insert(identity).inserted { return }
      let entries = cache.map { $0.names(in: directory) { pluginNames(in: directory) } } ?? pluginNames(in: directory)
      for name in (entries ?? []).sorted() { consider(directory + "/" + name) }
    }
    for path in paths {
      if FileOpener.kind(of: path) == .directory { scan(path, cache: nil) } else { consider(path) }
    }
    for directory in (searchPath ?? "").split(separator: ":") where !directory.isEmpty {
      // Relative PATH entries name different directories from different places: never cached.
      scan(String(directory), cache: directory.hasPrefix("/") ? cache : nil)
    }
    return found
  }

  /// The names in `directory` that begin with `prefix`, or nil when it cannot be read.
  static func pluginNames(in directory: String) -> [String]? {
    guard let handle = opendir(directory) else { return nil }
    defer { closedir(handle) }
    var names: [String] = []
    // PATH directories hold thousands of names: compare the prefix in place, and make a String
    // only of those that have it.
    let prefixLength = prefix.utf8.count
    while let entry = readdir(handle) {
      let pointer = DirectoryEntry.namePointer(of: entry)
      let name = strncmp(pointer, prefix, prefixLength) == 0 ? String(cString: pointer) : nil
      if let name { names.append(name) }
    }
    return names
  }
}
