//===--- RecordTests.swift - Events, STOP errors and the small dialects -----===//

import CrashCore
import StackText
import Testing

@Suite("Events, STOP errors and other records")
struct RecordTests {
  @Test("KB-style event records: Event ID then the description")
  func kbEvents() throws {
    let report = decodeReport(
      """
      The following events are logged:

        Event ID: 9202
        A sockets error 0 on an accept() call was detected. The MTA will attempt to
        recover the sockets connection.

        Event ID: 9405
        Source: MSExchangeMTA
        Type: Error
        Category: Interface
        Description:
        An unexpected error has occurred which may cause the MTA to terminate.
      """)
    #expect(report.events.map(\.id) == [9202, 9405])
    #expect(
      report.events[0].description
        == "A sockets error 0 on an accept() call was detected. The MTA will attempt to recover the sockets connection.")
    #expect(report.events[1].source == "MSExchangeMTA")
    #expect(report.events[1].type == "Error")
    #expect(report.events[1].category == "Interface")
    #expect(report.events[1].description == "An unexpected error has occurred which may cause the MTA to terminate.")
  }

  @Test("Windows 2000 Event Viewer records")
  func eventViewerRecords() throws {
    let report = decodeReport(
      """
      Event Type:\tError
      Event Source:\tMSExchangeMTA
      Event Category:\tInterface
      Event ID:\t9405
      Date:\t\t10/12/2000
      Time:\t\t3:04:05 PM
      User:\t\tN/A
      Computer:\tEXCH01
      Description:
      An unexpected error has occurred which may cause the MTA to terminate.
      """)
    let event = try #require(report.events.first)
    #expect(event.id == 9405)
    #expect(event.source == "MSExchangeMTA")
    #expect(event.date == "10/12/2000")
    #expect(event.computer == "EXCH01")
    #expect(event.description == "An unexpected error has occurred which may cause the MTA to terminate.")
  }

  @Test("prose about an event ID is not a record")
  func proseIsNotARecord() {
    let report = decodeReport(
      """
      When this happens the MTA logs event ID 9405 and stops. See the event log for details.
      """)
    #expect(report.events.isEmpty)
  }

  @Test(
    "STOP lines in their printed forms",
    arguments: [
      ("STOP 0x0000000A (0x00000006, 0x00000002, 0x00000000, 0xfa0e08f4)", 0x0A, [0x6, 0x2, 0x0, 0xFA0E_08F4]),
      ("*** STOP: 0x0000001E (0xC0000005,0x8013A4C5,0x00000000,0x00000018)", 0x1E, [0xC000_0005, 0x8013_A4C5, 0, 0x18]),
      ("Bugcheck 00000024 : 00190146 fc99fc64 fc99faa0 80139150", 0x24, [0x0019_0146, 0xFC99_FC64, 0xFC99_FAA0, 0x8013_9150]),
    ] as [(String, UInt32, [UInt64])])
  func stopLines(line: String, code: UInt32, parameters: [UInt64]) throws {
    let check = try #require(decodeReport(line).bugChecks.first)
    #expect(check.code == code)
    #expect(check.parameters == parameters.map { Optional($0) })
  }

  @Test("STOP names come from the bug check table")
  func stopNames() throws {
    let check = try #require(decodeReport("STOP 0x0000000A (0x00000006, 0x00000002, 0x00000000, 0xfa0e08f4)").bugChecks.first)
    #expect(check.name == "IRQL_NOT_LESS_OR_EQUAL")
  }

  @Test("a Windows 9x fault report: module, registers and the raw stack dump")
  func win9xFault() throws {
    let report = decodeReport(
      """
        OUTLOOK caused an invalid page fault in module AWFXCG32.DLL at
        0137:7f7ef389.
        Registers:
        EAX=010f04d8 CS=0137 EIP=7f7ef389 EFLGS=00010206
        EBX=815df4f4 SS=013f ESP=0062fb58 EBP=0062fd34
        ECX=0000000c DS=013f ESI=bff7eeed FS=25cf
        EDX=815d4878 ES=013f EDI=00000000 GS=0000
        Bytes at CS:EIP:
        8b 08 85 c9 8d 51 ff 89 10 74 1a e8 e3 96 ff ff
        Stack dump:
        0062fd34 7f7e0000 815d48ac 815df4f4 00400850 bff7b9b5 7f7e0000 00000000
        00000000 7f7e0000 815d48ac 815df4f4 00000000 00000091 815df4f4 c105cf34
      """)
    let stack = try #require(report.stacks.first)
    #expect(stack.format == .win9xStackDump)
    #expect(stack.architecture == .x86)
    #expect(stack.frames.first?.symbol?.module == "AWFXCG32.DLL")
    #expect(stack.frames.first?.instruction == Address(0x7F7E_F389))
    let memory = try #require(stack.stackMemory.first)
    #expect(memory.base == Address(0x0062_FB58))
    #expect(memory.bytes.count == 64)
    #expect(Array(memory.bytes.prefix(4)) == [0x34, 0xFD, 0x62, 0x00])
  }

  @Test("a Dr. Watson raw stack dump of 30,000 lines is one region holding every byte, up to the per-thread limit")
  func largeRawStackDump() throws {
    var lines = [
      "*----> State Dump for Thread Id 0xa4 <----*", "eax=00000000 ebx=00000001 ecx=00000002 edx=00000003 esi=00000004 edi=00000005",
      "eip=77f64b41 esp=0012f000 ebp=0012f100 iopl=0         nv up ei pl nz na po nc", "*----> Stack Back Trace <----*",
      "FramePtr ReturnAd Param#1  Param#2  Param#3  Param#4  Function Name",
      "0012f160 004ab75c a3a1db54 fe13f25a f4dd2f2c 4fabe123 ntdll!EcDoRpc", "*----> Raw Stack Dump <----*",
    ]
    for row in 0..<30_000 {
      let byte = String(row % 256, radix: 16)
      let pair = byte.count == 1 ? "0" + byte : byte
      let half = Array(repeating: pair, count: 8).joined(separator: " ")
      let address = String(0x0012_F000 + 16 * row, radix: 16)
      lines.append(String(repeating: "0", count: 8 - address.count) + address + "  " + half + " - " + half + "  ................")
    }
    let report = decodeReport(lines.joined(separator: "\n"))
    let memory = try #require(report.stacks.first?.stackMemory)
    #expect(memory.count == 1)
    #expect(memory.first?.bytes.count == 480_000)
    #expect(memory.first?.bytes[16 * 29_999] == UInt8(29_999 % 256))
    // Past the limit the dump is cut, with a diagnostic.
    var options = TextDecoderOptions()
    options.maximumStackMemoryPerThread = 160_000
    let cut = decodeReport(lines.joined(separator: "\n"), options: options)
    #expect(cut.stacks.first?.stackMemory.first?.bytes.count == 160_000)
    #expect(cut.diagnostics.contains { $0.message.contains("raw stack dump exceeds 160000 bytes") })
  }

  @Test("a raw stack dump ends at the first line that is neither a dump line nor its wrapped ASCII column")
  func rawStackDumpEnds() throws {
    let report = decodeReport(
      """
      *----> State Dump for Thread Id 0xa4 <----*
      eax=00000000 ebx=00000001 ecx=00000002 edx=00000003 esi=00000004 edi=00000005
      eip=77f64b41 esp=0012f000 ebp=0012f100 iopl=0         nv up ei pl nz na po nc
      *----> Stack Back Trace <----*
      FramePtr ReturnAd Param#1  Param#2  Param#3  Param#4  Function Name
      0012f160 004ab75c a3a1db54 fe13f25a f4dd2f2c 4fabe123 ntdll!EcDoRpc
      *----> Raw Stack Dump <----*
      0012f8c8  fe 2f 2f 0e 7c 29 2e 0e - 00 00 00 00 ec f8 10 0d
      ./..|)..........

      0012f8d8  fe 2f 2f 0e 7c 29 2e 0e - 00 00 00 00 ec f8 10 0d  ./..|)..........

      SYMPTOMS

      Event ID: 9405
      Source: MSExchangeMTA
      Description: after the dump

      kd> kv
      ChildEBP RetAddr  Args to Child
      8019d6ec 8013c764 cfa75a6d af070295 0598e191 NT!_KiTrap0E+0xf2
      """)
    // Both dump lines count (the wrapped column and a blank line between them do not end it) ...
    #expect(report.stacks.first?.stackMemory.first?.bytes.count == 32)
    // ... and what follows is read for what it is: the event is not taken for a wrap.
    #expect(report.events.map(\.id) == [9405])
    #expect(report.stacks.count == 2)
    #expect(report.stacks.last?.format == .childEBPArgs)
  }

  @Test("an event description of 20,000 lines is kept to 4,096 characters and the record still ends")
  func longEventDescription() throws {
    let text = "Event ID: 9405\nSource: MSExchangeMTA\nDescription:\n"
      + String(repeating: "An unexpected error has occurred ä\n", count: 20_000) + "\nEvent ID: 9202\nSource: MSExchangeMTA\n"
    let report = decodeReport(text)
    #expect(report.events.map(\.id) == [9405, 9202])
    #expect(report.events.first?.description?.count == 4_096)
  }

  @Test("a SQL Server short stack dump, with a template name wrapped over lines")
  func sqlShortStack() throws {
    let report = decodeReport(
      """
        Short Stack Dump
        752150B1 Module(MSEIDRDA+000150B1)
        (std::deque<Xo2Db2Token,std::allocator<Xo2Db2Token>
        >::erase+00000321) 11E04010 Module(UNKNOWN+00000000)
      """)
    let stack = try #require(report.stacks.first)
    #expect(stack.format == .sqlShortStack)
    #expect(stack.frames.count == 2)
    #expect(stack.frames[0].ret == 0x7521_50B1)
    #expect(stack.frames[0].symbol?.module == "MSEIDRDA")
    #expect(stack.frames[0].symbol?.function == "std::deque<Xo2Db2Token,std::allocator<Xo2Db2Token> >::erase")
    #expect(stack.frames[0].symbol?.offset == 0x321)
  }

  @Test("Windows 3.1 Dr. Watson stack frames")
  func win31() throws {
    let report = decodeReport(
      """
      Stack Dump (stack)
      Stack Frame 0 is BICHO _DoCommand+006b        ss:bp 0d7f:237a
      0e57:02f0  e9 02b9               jmp    near 05ac
      Stack Frame 1 is BICHO MAINWNDPROC+0027       ss:bp 0d7f:2388
      Stack Frame 2 is USER IDISPATCHMESSAGE+007e   ss:bp 0d7f:239e
      """)
    let stack = try #require(report.stacks.first)
    #expect(stack.format == .win31DrWatson)
    #expect(stack.frames.map(\.text) == ["BICHO!_DoCommand+0x6b", "BICHO!MAINWNDPROC+0x27", "USER!IDISPATCHMESSAGE+0x7e"])
  }

  @Test("Windows 3.1 frames past --max-frames split into another stack, with a warning")
  func win31Split() {
    var options = TextDecoderOptions()
    options.maximumFramesPerStack = 10
    let text = (0..<25).map { "Stack Frame \($0 + 1) is BICHO F\($0)+0010   ss:bp 0d7f:2388" }.joined(separator: "\n")
    let report = decodeReport(text, options: options)
    #expect(report.stacks.map(\.frames.count) == [10, 10, 5])
    #expect(report.diagnostics.filter { $0.message.contains("more than 10 rows") }.count == 2)
  }

  @Test("Event Viewer labels without an Event ID are not kept past a handful")
  func eventPreambleBound() {
    let text = "Event Type: Error\n" + String(repeating: "Source: MSExchangeMTA\n", count: 1_000)
      + "Event Type: Error\nEvent Source: MSExchangeMTA\nEvent ID: 9405\nDescription:\nFailed to find socket\n"
    let report = decodeReport(text)
    #expect(report.events.map(\.id) == [9405])
    #expect(report.events.first?.source == "MSExchangeMTA")
    // The record starts at the Event Type line that preceded its id, not at line 1.
    #expect(report.events.first?.lines?.first == 1_002)
  }

  @Test("a bare-symbol list past --max-frames splits; a listing full of debugger noise keeps 100 notes and a count")
  func symbolListSplitAndNoiseBound() {
    var options = TextDecoderOptions()
    options.maximumFramesPerStack = 10
    let list = "Function Name\n" + (0..<25).map { "mod!func\($0)+0x10" }.joined(separator: "\n")
    #expect(decodeReport(list, options: options).stacks.map(\.frames.count) == [10, 10, 5])
    let noisy = "ChildEBP RetAddr\n0012f9a0 77f8e9a4 mod!f+0x1\n" + String(repeating: "KD: noise\n", count: 500)
      + "0012fa00 77f8e9b4 mod!g+0x2\n"
    let report = decodeReport(noisy)
    #expect(report.stacks.first?.frames.count == 2)
    #expect(report.diagnostics.filter { $0.message.hasPrefix("skipped a debugger message") }.count == 100)
    #expect(report.diagnostics.contains { $0.message == "400 more notes about this listing were not kept" })
  }
}
