//===--- ModuleNameTests.swift - The names frames print modules by -----------===//

import CrashCore
import Testing

@Suite("Module names in frames")
struct ModuleNameTests {
  @Test(
    "Windows images and debug files lose their extension; every other name keeps its suffixes",
    arguments: [
      ("EMSMTA.EXE", "EMSMTA"),
      ("c:\\windows\\system32\\kernel32.dll", "kernel32"),
      ("dll\\ntdll.DBG", "ntdll"),
      ("test_app.pdb", "test_app"),
      ("tcpip.sys", "tcpip"),
      ("/lib/x86_64-linux-gnu/libc.so.6", "libc.so.6"),
      ("libgcc_s.so.1", "libgcc_s.so.1"),
      ("libpthread-2.19.so", "libpthread-2.19.so"),
      ("/usr/lib/system/libsystem_kernel.dylib", "libsystem_kernel.dylib"),
      ("linux-vdso.so.1", "linux-vdso.so.1"),
      ("linux_inline", "linux_inline"),
      (".dll", ".dll"),
      ("STORE", "STORE"),
    ])
  func stem(name: String, expected: String) {
    #expect(ModuleName.stem(name) == expected)
    #expect(CodeModule(name: name, base: Address(0x1000)).stem == expected)
  }
}
