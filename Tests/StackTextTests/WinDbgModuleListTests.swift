//===--- WinDbgModuleListTests.swift - `lm` and `lmv` in pasted text ---------===//
//
// WinDbg's module lists, composed in the layout the debugger prints: each row
// becomes a module with its range; a symbol path in a symbol cache gives the
// debug file and id, an `lmv` record the image path, version, time stamp and size
// (the code id). None of it is a frame.
//
//===----------------------------------------------------------------------===//

import CrashCore
import StackText
import Testing

@Suite("WinDbg module lists (lm, lmv)")
struct WinDbgModuleListTests {
  @Test("lm: ranges, names, status and flags; a symbol cache's PDB path gives debug file and id")
  func plainList() throws {
    let report = decodeReport(
      """
      0:000> lm
      start             end                 module name
      00007ff6`6a0f0000 00007ff6`6a112000   notepad    (deferred)
      00007ffd`2a2e0000 00007ffd`2a4d0000   ntdll    T (pdb symbols)          C:\\ProgramData\\Dbg\\sym\\ntdll.pdb\\1EB9FACB04EA273BB4BA52C8A2A1D8911\\ntdll.pdb
      00007ffd`28000000 00007ffd`28100000   mylib      (private pdb symbols)  d:\\build\\out\\mylib.pdb
      00007ffd`27000000 00007ffd`27050000   old        (pdb symbols)          c:\\sym\\old.pdb\\3A1F22C41\\old.pdb

      """)
    #expect(report.stacks.isEmpty)
    #expect(report.modules.map(\.name) == ["notepad", "ntdll", "mylib", "old"])
    let notepad = try #require(report.modules.first)
    #expect(notepad.base.rawValue == 0x7ff6_6a0f_0000)
    #expect(notepad.size == 0x22000)
    #expect(notepad.debugFile == nil)
    let ntdll = report.modules[1]
    #expect(ntdll.debugFile == "ntdll.pdb")
    #expect(ntdll.debugIdentifier == "1EB9FACB04EA273BB4BA52C8A2A1D8911")
    // A PDB outside a symbol cache names the file, not an id.
    #expect(report.modules[2].debugFile == "mylib.pdb")
    #expect(report.modules[2].debugIdentifier == nil)
    // An NB10 (signature and age) id.
    #expect(report.modules[3].debugIdentifier == "3A1F22C41")
  }

  @Test("lmv: image path, version, time stamp, checksum and size; the code id they make")
  func verboseRecord() throws {
    let report = decodeReport(
      """
      0:000> lmvm ntdll
      Browse full module list
      start             end                 module name
      00007ffb`d8a10000 00007ffb`d8c08000   ntdll      (pdb symbols)          C:\\ProgramData\\Dbg\\sym\\ntdll.pdb\\1EB9FACB04EA273BB4BA52C8A2A1D8911\\ntdll.pdb
          Loaded symbol image file: ntdll.dll
          Image path: C:\\Windows\\SYSTEM32\\ntdll.dll
          Image name: ntdll.dll
          Browse all global symbols  functions  data
          Image was built with /Brepro flag.
          Timestamp:        A52B7C6A (This is a reproducible build file hash, not a timestamp)
          CheckSum:         001F5F5E
          ImageSize:        001F8000
          File version:     10.0.19041.1110
          Product version:  10.0.19041.1110
          Information from resource tables:
              CompanyName:      Microsoft Corporation
              OriginalFilename: NTDLL.DLL
      0:000> lmvm kernel32
      start    end        module name
      77b20000 77cbf000   kernel32   (export symbols)       kernel32.dll
          Image path: C:\\WINDOWS\\system32\\kernel32.dll
          Timestamp:        Fri Apr 28 06:11:29 2017 (5902C871)
          ImageSize:        0019F000

      """)
    #expect(report.modules.count == 2)
    let ntdll = try #require(report.modules.first)
    #expect(ntdll.path == "C:\\Windows\\SYSTEM32\\ntdll.dll")
    #expect(ntdll.fileName == "ntdll.dll")
    #expect(ntdll.timestamp == 0xA52B_7C6A)
    #expect(ntdll.checksum == 0x001F_5F5E)
    #expect(ntdll.size == 0x1F_8000)
    #expect(ntdll.version == "10.0.19041.1110")
    #expect(ntdll.codeIdentifier == "A52B7C6A1f8000")
    #expect(ntdll.debugIdentifier == "1EB9FACB04EA273BB4BA52C8A2A1D8911")
    let kernel32 = report.modules[1]
    #expect(kernel32.timestamp == 0x5902_C871)
    #expect(kernel32.codeIdentifier == "5902C87119f000")
    #expect(kernel32.lines?.first == 20)
  }

  @Test("lmf under the header gives paths; unloaded modules are not modules; a listing's rows are not modules")
  func otherForms() {
    let report = decodeReport(
      """
      0:000> lmf
      start    end        module name
      00400000 0041a000   app        C:\\Program Files\\App\\app.exe
      77b20000 77cbf000   ntdll      C:\\Windows\\SYSTEM32\\ntdll.dll

      Unloaded modules:
      6f8a0000 6f8c2000   dbghelp.dll
      0:000> kn
       # ChildEBP RetAddr
      00 0012f9a0 77f8e9a4 app!main+0x12
      01 0012fa00 00000000 ntdll!RtlUserThreadStart+0x10

      """)
    #expect(report.modules.map(\.name) == ["app", "ntdll"])
    #expect(report.modules.first?.path == "C:\\Program Files\\App\\app.exe")
    #expect(report.modules.first?.fileName == "app.exe")
    #expect(report.stacks.count == 1)
    #expect(report.stacks.first?.frames.count == 2)
  }

  @Test("MODULE+0xoffset in a listed module reads as the module and an offset, not a function")
  func moduleOffsets() throws {
    let report = decodeReport(
      """
      0:000> k
       # Child-SP          RetAddr               Call Site
      00 00000000`0014f1a8 00000001`800010b0     mozwer+0x1020
      01 00000000`0014f1b0 00007ffd`2a2e1a2b     mozwer+0x10b0
      02 00000000`0014f210 00000000`00000000     notlisted+0x2b
      0:000> lm
      start             end                 module name
      00000001`80000000 00000001`80071000   mozwer     (export symbols)       mozwer.dll

      """)
    let frames = try #require(report.stacks.first?.frames)
    #expect(frames.count == 3)
    #expect(frames[0].symbol?.module == "mozwer")
    #expect(frames[0].symbol?.function == nil)
    #expect(frames[0].symbol?.moduleOffset == 0x1020)
    // Frame 0 printed where it is: base + offset.
    #expect(frames[0].instruction?.rawValue == 0x1_8000_1020)
    #expect(frames[1].symbol?.moduleOffset == 0x10b0)
    #expect(frames[1].symbol?.printedText == "mozwer+0x10b0")
    // A name no module list mentions stays as printed.
    #expect(frames[2].symbol?.function == "notlisted")
    #expect(frames[2].symbol?.module == nil)
  }

  @Test("lmt's time stamp and the row's size make the code id; a hex-letter name is a module only with a status")
  func timestampsAndHexNames() {
    let report = decodeReport(
      """
      kd> lmt
      start             end                 module name
      fffff801`0fa00000 fffff801`10a46000   nt       Fri Apr 28 06:11:29 2017 (5902C871)
      fffff801`12200000 fffff801`12230000   cdd      (deferred)
      fffff801`12300000 fffff801`12330000   bcd      Tue Mar 01 10:00:00 2016 (56D56A60)

      """)
    #expect(report.modules.map(\.name) == ["nt", "cdd"])
    #expect(report.modules.first?.timestamp == 0x5902_C871)
    #expect(report.modules.first?.codeIdentifier == "5902C8711046000")
    #expect(report.modules.first?.path == nil)
  }
}
