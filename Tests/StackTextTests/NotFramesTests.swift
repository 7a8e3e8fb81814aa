//===--- NotFramesTests.swift - Debugger output that looks like rows but is not ===//
//
// Disassembly, `lm`, `dps`/`dqs`/`dd` memory and rows cut short share the
// `address word text` shape of a stack row. None of them is a frame.
//
//===----------------------------------------------------------------------===//

import CrashCore
import StackText
import Testing

@Suite("What is not a frame stays out")
struct NotFramesTests {
  static let listing = """
    ChildEBP RetAddr  Args to Child
    0012f9a0 77f8e9a4 00000001 00000002 00000003 STORE!EcGetProp+0x12
    0012fa00 77f8e9b4 00000001 00000002 00000003 STORE!EcReadMsg+0x10

    """

  @Test("disassembly right after a listing (x86, amd64, arm64) ends it and adds no frame", arguments: [
    "838aba40 8b99f8010000    mov     ebx,dword ptr [ecx+1F8h]\n838aba46 85db            test    ebx,ebx\n",
    "fffff802`c8497c2f 410fb64618      movzx   eax,byte ptr [r14+18h]\n",
    "00007ffd`1c2e4f54 d4000001 svc         #0\n00007ffd`1c2e4f58 d65f03c0 ret\n",
  ])
  func disassembly(_ code: String) throws {
    let text = Self.listing.replacingOccurrences(of: "\n\n", with: "\n") + code
    let report = decodeReport(text)
    #expect(report.stacks.count == 1)
    #expect(report.stacks.first?.frames.count == 2)
  }

  @Test("!analyze's FAULTING_IP: the symbol and its disassembly are not a stack")
  func faultingIP() {
    let report = decodeReport(
      """
      FAULTING_IP: 
      nt!ObQueryNameStringMode+5f
      fffff802`c8497c2f 410fb64618      movzx   eax,byte ptr [r14+18h]

      MM_INTERNAL_CODE:  0
      """)
    #expect(report.stacks.isEmpty)
  }

  @Test("a last row cut short is not a frame, and is reported")
  func truncatedRow() throws {
    let report = decodeReport(Self.listing.replacingOccurrences(of: "\n\n", with: "\n") + "00b1fb38 00\n")
    let stack = try #require(report.stacks.first)
    #expect(stack.frames.count == 2)
    #expect(report.diagnostics.contains { $0.message.contains("a row cut short ('00' after 1 of 5 columns)") })
  }

  @Test("lm output, 32- and 64-bit, is not a stack")
  func moduleList() {
    let report = decodeReport(
      """
      0:000> lm
      start    end        module name
      00400000 0040c000   app        (deferred)
      77e60000 77f46000   kernel32   (pdb symbols)          c:\\symbols\\kernel32.pdb
      77f80000 77ffd000   ntdll      (export symbols)       ntdll.dll
      start             end                 module name
      00007ff6`1f1d0000 00007ff6`1f1e5000   app        (private pdb symbols)  c:\\src\\app.pdb
      00007ffd`1b3a0000 00007ffd`1b459000   KERNEL32   (deferred)
      """)
    #expect(report.stacks.isEmpty)
  }

  @Test("dps, dqs and dd output is memory, not a stack", arguments: [
    """
    0:000> dps esp
    0012f9a0  77f8e9a4 ntdll!KiFastSystemCallRet
    0012f9a4  77f8e9b4 ntdll!NtWaitForSingleObject+0xc
    0012f9a8  00000001
    0012f9ac  77e6ba08 kernel32!WaitForSingleObjectEx+0xa8
    """,
    """
    0:000> dqs rsp
    0000005b`03acc5c0  00007ff9`b6288935 KERNELBASE!RaiseFailFastException+0x74
    0000005b`03acc5c8  00000000`00000000
    0000005b`03acc5d0  00007ff9`b399654f combase!RoReportUnhandledError+0xea
    """,
    """
    0012f9a0  77f8e9a4 00000001 00000002 00000003  ....
    0012f9b0  77f8e9b4 00000001 00000002 00000003  ....
    0012f9c0  77f8e9c4 00000001 00000002 00000003  ....
    """,
  ])
  func memoryDumps(_ text: String) {
    #expect(decodeReport(text).stacks.isEmpty)
  }
}
