//===--- SharedLibraryLoaderTests.swift - Libraries opened on first use -------===//
//
// libdw, libmspack and libyaml are opened by CSharedLibrary when first needed; a
// missing library or function must be a message naming it and the Debian
// package, never a crash. The real libraries are installed in CI, so the
// failures are shown with a library that does not exist and a function libc
// does not have.
//
//===----------------------------------------------------------------------===//

import CSharedLibrary
import Glibc
import Testing

@Suite("Shared libraries opened on first use")
struct SharedLibraryLoaderTests {
  /// Opens `soname` looking up `functions`; the failure message, or nil.
  static func open(_ soname: String, _ package: String, hint: String?, functions: [String]) -> String? {
    let nameStrings = functions.map { strdup($0) }
    defer { nameStrings.forEach { free($0) } }
    var names = nameStrings.map { UnsafePointer<CChar>($0) }
    var slots = [UnsafeMutableRawPointer?](repeating: nil, count: functions.count)
    return soname.withCString { soname in
      package.withCString { package in
        withOptionalCString(hint) { hint in
          names.withUnsafeMutableBufferPointer { names in
            slots.withUnsafeMutableBufferPointer { slots in
              var library = csharedlibrary()
              library.soname = soname
              library.package = package
              library.hint = hint
              library.names = UnsafePointer(names.baseAddress)
              library.slots = slots.baseAddress
              library.count = functions.count
              csharedlibrary_open(&library)
              return library.failure.map { String(cString: $0) }
            }
          }
        }
      }
    }
  }

  static func withOptionalCString<T>(_ text: String?, _ body: (UnsafePointer<CChar>?) -> T) -> T {
    guard let text else { return body(nil) }
    return text.withCString { body($0) }
  }

  @Test("a missing library, a missing function: messages naming them and the package; present ones load")
  func messages() throws {
    let missing = try #require(Self.open("libdoes-not-exist.so.9", "libdoes-not-exist9", hint: nil, functions: ["f"]))
    #expect(missing.hasPrefix("cannot load libdoes-not-exist.so.9 (Debian: apt-get install libdoes-not-exist9): "))
    let function = Self.open("libc.so.6", "libc6", hint: "glibc too old?", functions: ["strlen", "no_such_function_here"])
    #expect(function == "libc.so.6 has no no_such_function_here: glibc too old?")
    #expect(Self.open("libc.so.6", "libc6", hint: nil, functions: ["strlen", "memcpy"]) == nil)
  }
}
