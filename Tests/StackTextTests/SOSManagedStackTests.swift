//===--- SOSManagedStackTests.swift - .NET's managed stacks as SOS prints them ---===//
//
// The fixture (Tests/Fixtures/pastes/sos-clrstack.txt) is composed in the
// layouts SOS prints for `!pe` and `~*e !clrstack -p` (the README says from
// what); the others below are written inline.
//
//===----------------------------------------------------------------------===//

import CrashCore
import CrashTestSupport
import Foundation
import StackText
import Testing

@Suite("SOS managed stacks (!clrstack, !pe)")
struct SOSManagedStackTests {
  @Test("!pe's exception crashed; each !clrstack thread by its OS thread id; transition frames passed over")
  func windbgSession() throws {
    let report = decodeReport(try String(contentsOfFile: Fixtures.path("pastes/sos-clrstack.txt"), encoding: .utf8))
    #expect(report.stacks.map(\.label) == [
      "System.InvalidOperationException: ledger closed", "OS Thread Id: 0x2b10 (0)", "OS Thread Id: 0x2f70 (4)",
    ])
    #expect(report.stacks.map(\.isCrashed) == [true, false, false])
    #expect(report.stacks.map(\.id) == [nil, 0x2b10, 0x2f70])
    #expect(report.stacks.allSatisfy { $0.format == .sosManagedStack && $0.architecture == .amd64 })
    #expect(report.exception?.code.rawValue == 0xe043_4352)
    #expect(report.exception?.description == "System.InvalidOperationException: ledger closed")
    // !pe's rows: the assembly and the offset dropped from the name, the offset kept.
    let thrown = report.stacks[0].frames
    #expect(thrown.map { $0.symbol?.function } == ["Ledger.Store.Latest()", "Ledger.Program.Main(System.String[])"])
    #expect(thrown[0].symbol?.offset == 0x4d && thrown[0].symbol?.module == nil)
    #expect(thrown[0].sourceLine == SourceLine(file: #"C:\src\Ledger\Store.cs"#, line: 42))
    // Child SP is the frame pointer; the IP the pc of frame 0 and the return address into each caller.
    #expect(thrown[0].framePointer?.rawValue == 0xe5_d8f7_e2b0 && thrown[0].instruction?.rawValue == 0x7ffa_9c1b_2f4d)
    #expect(thrown[0].returnAddress?.rawValue == 0x7ffa_9c1b_2a10)
    // -p's parameters, `<no data>` as an unknown value; [HelperMethodFrame] and [GCFrame] name no method.
    let main = report.stacks[1].frames
    #expect(main.count == 2 && main[0].parameters == [0x1f2_a3b4_c5a0] && main[0].parameterSource == .argumentList)
    #expect(main[1].parameters == [nil])
    // A transition frame that names the method it stands for is that method's frame.
    #expect(report.stacks[2].frames.first?.symbol?.function == "System.Threading.Monitor.ReliableEnter(System.Object, Boolean ByRef)")
  }

  @Test("!pe -nested: each nested exception a stack, the innermost (thrown first) crashed, the outermost the exception")
  func nestedExceptions() throws {
    let report = decodeReport(try String(contentsOfFile: Fixtures.path("pastes/sos-pe-nested.txt"), encoding: .utf8))
    #expect(report.stacks.map(\.label) == [
      "System.InvalidOperationException: ledger closed", "System.IO.IOException: There is not enough space on the disk.",
    ])
    #expect(report.stacks.map(\.isCrashed) == [false, true])
    #expect(report.stacks[1].frames.map { $0.symbol?.function } == [
      "System.IO.Strategies.OSFileStreamStrategy.Write(System.ReadOnlySpan`1<Byte>)", "Ledger.Journal.Flush()", "Ledger.Store.Latest()",
    ])
    #expect(report.exception?.description == "System.InvalidOperationException: ledger closed")
    // Two !pe without `Nested exception` between them are two chains: each crashed.
    let twice = decodeReport(
      """
      Exception type:   System.InvalidOperationException
      Message:          ledger closed
      StackTrace (generated):
          SP               IP               Function
          000000E5D8F7E2B0 00007FFA9C1B2F4D Ledger.dll!Ledger.Store.Latest()+0x4d
      Exception type:   System.IO.IOException
      Message:          disk full
      StackTrace (generated):
          SP               IP               Function
          000000E5D8F7E0C0 00007FFA9C1B3998 Ledger.dll!Ledger.Journal.Flush()+0x58
      """)
    #expect(twice.stacks.map(\.isCrashed) == [true, true])
  }

  @Test("dotnet-dump's clrstack on Linux, and the CLR 2 era's 32-bit `ESP EIP` columns")
  func otherLayouts() throws {
    let linux = decodeReport(
      """
      > clrstack
      OS Thread Id: 0x573d (0)
          Child SP               IP Call Site
      00007FFD28B42E20 00007FB1B18D33ED SymbolTestApp.Program.Foo4(System.String) [/home/dev/SymbolTestApp/SymbolTestApp.cs @ 54]
      00007FFD28B42ED0 00007FB1B18D2FC4 SymbolTestApp.Program.Foo2(Int32, System.String) [/home/dev/SymbolTestApp/SymbolTestApp.cs @ 29]
      00007FFD28B43210 00007fb22aa9cedf [GCFrame: 00007ffd28b43210]
      >
      """)
    #expect(linux.stacks.count == 1 && linux.stacks[0].frames.count == 2)
    #expect(linux.stacks[0].frames[1].sourceLine == SourceLine(file: "/home/dev/SymbolTestApp/SymbolTestApp.cs", line: 29))
    let clr2 = decodeReport(
      """
      0:000> !clrstack
      OS Thread Id: 0x1a8 (0)
      ESP       EIP
      0012f3fc 7c90e514 [NDirectMethodFrameSlim: 0012f3fc] Ledger.Native.Flush(IntPtr)
      0012f418 00ca00d8 Ledger.Program.Main(System.String[])
      0012f69c 79e71b4c [GCFrame: 0012f69c]
      """)
    let stack = try #require(clr2.stacks.first)
    #expect(stack.architecture == .x86 && stack.frames.map { $0.symbol?.function } == [
      "Ledger.Native.Flush(IntPtr)", "Ledger.Program.Main(System.String[])",
    ])
    #expect(stack.frames[0].framePointer?.rawValue == 0x12_f3fc)
  }

  @Test("kd's x64 listing, whose columns look alike, stays kd's")
  func kdListing() {
    let report = decodeReport(
      """
      0:000> k
       # Child-SP          RetAddr               Call Site
      00 000000e5`d8f7e1a8 00007ffb`1c2d4e31     ntdll!NtWaitForSingleObject+0x14
      01 000000e5`d8f7e1b0 00007ffa`9c1b2f4d     KERNELBASE!WaitForSingleObjectEx+0x8e
      """)
    #expect(report.stacks.count == 1 && report.stacks[0].format != .sosManagedStack)
  }

  @Test("not SOS's", arguments: [
    "OS Thread Id: unknown\n", "Exception type: fatal\nMessage: none\n",
    "        Child SP               IP Call Site\nnothing below\n",
  ])
  func notSOS(_ text: String) {
    #expect(decodeReport(text).stacks.isEmpty)
  }
}
