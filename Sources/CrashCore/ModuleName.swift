//===--- ModuleName.swift - The name a module goes by in frames ---------------===//
//
// Windows debuggers print a module by its file name without the extension
// (`EMSMTA!OTPMRALT+0x1c` for `EMSMTA.EXE`, `ntdll` for `dll\ntdll.DBG`); Breakpad,
// gdb and the Linux and macOS tools print the whole file name (`libc.so.6`,
// `libgcc_s.so.1`, `libpthread-2.19.so`, `libsystem_kernel.dylib`), whose dots are
// part of the name. So only the extensions of Windows images and their debug
// files are cut; any other name keeps every suffix.
//
//===----------------------------------------------------------------------===//

/// The name of a module as frames print it.
public enum ModuleName {
  /// Extensions cut from a module's file name (lower case): Windows executables, libraries,
  /// drivers and controls, and their debug files.
  public static let windowsExtensions: Set<String> = [
    "exe", "dll", "sys", "drv", "ocx", "cpl", "scr", "com", "efi", "acm", "ax", "tsp", "dbg", "pdb",
  ]

  /// `EMSMTA` for `EMSMTA.EXE`, `kernel32` for `c:\windows\system32\kernel32.dll`, `ntdll` for
  /// `dll\ntdll.DBG`; `libc.so.6` for `/lib/x86_64-linux-gnu/libc.so.6`.
  public static func stem(_ name: String) -> String {
    let bytes = name.utf8
    var start = bytes.startIndex
    var dot: String.UTF8View.Index?
    var index = bytes.startIndex
    while index != bytes.endIndex {
      let byte = bytes[index]
      if byte == UInt8(ascii: "/") || byte == UInt8(ascii: "\\") {
        start = bytes.index(after: index)
        dot = nil
      } else if byte == UInt8(ascii: ".") {
        dot = index
      }
      index = bytes.index(after: index)
    }
    // Listings print bare module names: nothing to cut (and nothing to allocate).
    if start == bytes.startIndex && dot == nil { return name }
    var end = bytes.endIndex
    if let dot, dot > start, isWindowsExtension(bytes[bytes.index(after: dot)...]) { end = dot }
    return String(decoding: bytes[start..<end], as: UTF8.self)
  }

  private static func isWindowsExtension(_ bytes: Substring.UTF8View) -> Bool {
    guard bytes.count >= 2, bytes.count <= 3 else { return false }
    return windowsExtensions.contains(String(decoding: bytes, as: UTF8.self).lowercased())
  }
}
