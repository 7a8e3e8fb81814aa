//===--- PluginDirectoryCacheTests.swift - PATH listings kept between runs --===//
//
// PluginDirectoryCache answers for a PATH directory only while the directory is
// as it was when read, and only when that reading was taken well after its last
// change; anything it cannot trust, read or write is read afresh.
//
//===----------------------------------------------------------------------===//

import CrashAnalysis
import CrashTestSupport
import Foundation
import Testing

@Suite("plugin directory cache")
struct PluginDirectoryCacheTests {
  /// The directories this test made, removed after it.
  let scratch = ScratchDirectories()

  /// A fresh directory with executables `analyse-plugin-NAME` for each of `names`.
  private func directory(with names: [String]) throws -> String {
    let directory = try scratch.make("path")
    for name in names { try Self.addPlugin(name, to: directory) }
    return directory
  }

  private static func addPlugin(_ name: String, to directory: String) throws {
    let path = directory + "/analyse-plugin-" + name
    try "#!/bin/sh\n".write(toFile: path, atomically: false, encoding: .utf8)
    try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: path)
  }

  /// The settle time of these tests (50 ms), and a pause longer than it.
  private static let settle: Int64 = 50_000_000
  private static func pause() { usleep(100_000) }

  private func cachePath() -> String { scratch.path("plugin-cache") + "/dirs.json" }

  /// The plugin names found on a PATH of `directory` alone, with a cache read from `path`, and
  /// how many directories had to be read.
  private static func search(
    _ directory: String, cache path: String, settleTime: Int64 = settle
  ) -> (names: [String], read: Int) {
    let cache = PluginDirectoryCache(path: path, settleTime: settleTime)
    let found = ExternalPluginLocator.executables(in: [], searchPath: directory, cache: cache)
    cache.save()
    return (found.map { String($0.split(separator: "/").last!) }, cache.directoriesRead)
  }

  @Test("an unchanged directory is answered from the cache; a name added or removed is seen at once")
  func unchangedAndChanged() throws {
    let directory = try directory(with: ["alpha"])
    let cache = cachePath()
    Self.pause()
    #expect(Self.search(directory, cache: cache) == (["analyse-plugin-alpha"], 1))
    #expect(Self.search(directory, cache: cache) == (["analyse-plugin-alpha"], 0))
    try Self.addPlugin("beta", to: directory)
    #expect(Self.search(directory, cache: cache) == (["analyse-plugin-alpha", "analyse-plugin-beta"], 1))
    try FileManager.default.removeItem(atPath: directory + "/analyse-plugin-alpha")
    #expect(Self.search(directory, cache: cache) == (["analyse-plugin-beta"], 1))
    Self.pause()
    // Listed within the settle time of the removal: read once more, then trusted.
    #expect(Self.search(directory, cache: cache) == (["analyse-plugin-beta"], 1))
    #expect(Self.search(directory, cache: cache) == (["analyse-plugin-beta"], 0))
  }

  @Test("a listing taken within the settle time of the directory's last change is read again")
  func recentChangeIsNotTrusted() throws {
    let directory = try directory(with: ["alpha"])
    let cache = cachePath()
    let hour: Int64 = 3_600_000_000_000
    #expect(Self.search(directory, cache: cache, settleTime: hour) == (["analyse-plugin-alpha"], 1))
    // Unchanged, but a name added within the same clock tick would have left its times as they
    // were: not trusted until the directory has been quiet for the settle time.
    #expect(Self.search(directory, cache: cache, settleTime: hour) == (["analyse-plugin-alpha"], 1))
    Self.pause()
    #expect(Self.search(directory, cache: cache) == (["analyse-plugin-alpha"], 1))
    #expect(Self.search(directory, cache: cache) == (["analyse-plugin-alpha"], 0))
  }

  @Test("a directory replaced by another of the same name is read again")
  func replacedDirectory() throws {
    let directory = try directory(with: ["alpha"])
    let cache = cachePath()
    Self.pause()
    _ = Self.search(directory, cache: cache)
    try FileManager.default.moveItem(atPath: directory, toPath: directory + ".old")
    defer { try? FileManager.default.removeItem(atPath: directory + ".old") }
    try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: false)
    try Self.addPlugin("gamma", to: directory)
    #expect(Self.search(directory, cache: cache) == (["analyse-plugin-gamma"], 1))
  }

  @Test("a damaged cache, or names that are not file names, are ignored and the cache rewritten")
  func damagedCache() throws {
    let directory = try directory(with: ["alpha"])
    let cache = cachePath()
    Self.pause()
    _ = Self.search(directory, cache: cache)
    try "{\"format\":1,\"directories\":[{\"path\":".write(toFile: cache, atomically: true, encoding: .utf8)
    #expect(Self.search(directory, cache: cache) == (["analyse-plugin-alpha"], 1))
    #expect(Self.search(directory, cache: cache).read == 0)

    // A planted entry that matches the directory's state but names a path elsewhere.
    let state = try #require(PluginDirectoryCache.DirectoryState(path: directory))
    let planted = """
      {"format":1,"directories":[{"path":"\(directory)","device":"\(state.device)","inode":"\(state.inode)",\
      "modified":"\(state.modified)","changed":"\(state.changed)","listed":"\(Int64.max)",\
      "names":["../../usr/bin/analyse-plugin-x"]}]}
      """
    try planted.write(toFile: cache, atomically: true, encoding: .utf8)
    #expect(Self.search(directory, cache: cache) == (["analyse-plugin-alpha"], 1))
  }

  @Test("a cache that cannot be written is no error: the search answers all the same")
  func unwritableCache() throws {
    let directory = try directory(with: ["alpha"])
    let cache = PluginDirectoryCache(path: "/dev/null/cache.json")
    #expect(ExternalPluginLocator.executables(in: [], searchPath: directory, cache: cache).count == 1)
    #expect(cache.save() == false)
  }
}
