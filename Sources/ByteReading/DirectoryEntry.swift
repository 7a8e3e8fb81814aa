//===--- DirectoryEntry.swift - A readdir(3) record's file name, read safely -===//
//
// `dirent.d_name` is declared as 256 bytes, but glibc packs records by their
// length (`d_reclen`): a short name's record ends soon after its NUL, and the
// last record of readdir's buffer may end at the buffer's end. Copying the
// field (`entry.pointee.d_name`) reads all 256 bytes, past the record and, for
// the last one, past the allocation (AddressSanitizer's heap-buffer-overflow,
// found by the `elf` fuzz target scanning /tmp). The name is read in place, up
// to its NUL.
//
//===----------------------------------------------------------------------===//

#if canImport(Glibc)
  import Glibc
#elseif canImport(Musl)
  import Musl
#endif

/// Reading the records readdir(3) returns.
public enum DirectoryEntry {
  /// The file name in `entry`, read in place up to its NUL.
  public static func name(of entry: UnsafeMutablePointer<dirent>) -> String {
    String(cString: namePointer(of: entry))
  }

  /// Where the NUL-terminated file name of `entry` starts (valid until the next readdir).
  public static func namePointer(of entry: UnsafeMutablePointer<dirent>) -> UnsafePointer<CChar> {
    let offset = MemoryLayout<dirent>.offset(of: \dirent.d_name) ?? 19
    return UnsafeRawPointer(entry).advanced(by: offset).assumingMemoryBound(to: CChar.self)
  }
}
