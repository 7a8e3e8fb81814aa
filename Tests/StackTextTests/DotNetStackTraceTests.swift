//===--- DotNetStackTraceTests.swift - .NET's unhandled exceptions ------------===//
//
// The fixtures (Tests/Fixtures/pastes/dotnet-*.txt) are composed in the layouts
// the .NET Runtime's event 1026 and Exception.ToString() print (the README says
// which).
//
//===----------------------------------------------------------------------===//

import CrashCore
import CrashTestSupport
import Foundation
import StackText
import Testing

@Suite(".NET unhandled exceptions")
struct DotNetStackTraceTests {
  static func report(_ name: String) throws -> CrashReport {
    decodeReport(try String(contentsOfFile: Fixtures.path("pastes/\(name)"), encoding: .utf8))
  }

  @Test("event 1026 of .NET Framework: the application, one block an exception, the innermost first and crashed")
  func event1026() throws {
    let report = try Self.report("dotnet-event-1026.txt")
    #expect(report.application?.name == "ledgersvc.exe")
    #expect(report.exception?.code.rawValue == 0xE043_4352 && report.exception?.description == "System.Xml.XmlException")
    #expect(report.stacks.map(\.label) == ["System.Xml.XmlException", "System.Configuration.ConfigurationErrorsException"])
    #expect(report.stacks.map(\.isCrashed) == [true, false] && report.stacks.allSatisfy { $0.format == .dotnet })
    let frames = try #require(report.stacks.first?.frames)
    #expect(frames.count == 6 && frames[3].symbol?.function == "Ledger.Settings.Load(System.String)")
    #expect(frames.allSatisfy { $0.instruction == nil && $0.symbol?.module == nil })
  }

  @Test("the console's text: the message, an inner exception's frames first, source lines, the end markers passed")
  func consoleWithInnerException() throws {
    let report = try Self.report("dotnet-console-inner.txt")
    #expect(report.exception?.description == "System.InvalidOperationException: The ledger could not be opened.")
    let stack = try #require(report.stacks.first)
    #expect(report.stacks.count == 1 && stack.lines == LineRange(1, 10) && stack.frames.count == 6)
    #expect(stack.frames[2].symbol?.function == "Ledger.Store.Open(String path)")
    #expect(stack.frames[2].sourceLine == SourceLine(file: #"C:\src\Ledger\Store.cs"#, line: 31))
    #expect(stack.frames[5].symbol?.function == "Ledger.Program.<Main>(String[] args)" && stack.frames[5].sourceLine == nil)
  }

  @Test("with WER's event 1000 of the same crash, the managed stack is the crashed one, whichever comes first")
  func withEvent1000() throws {
    let managed = try String(contentsOfFile: Fixtures.path("pastes/dotnet-event-1026.txt"), encoding: .utf8)
    let summary = """
      Faulting application name: ledgersvc.exe, version: 2.4.0.118, time stamp: 0x6571a0c4
      Faulting module name: KERNELBASE.dll, version: 10.0.17763.4131, time stamp: 0x5a8d0d12
      Exception code: 0xe0434352
      Fault offset: 0x000000000003a839
      Faulting process id: 0x1e4c

      """
    for text in [summary + "\n" + managed, managed + "\n" + summary] {
      let report = decodeReport(text)
      #expect(report.stacks.count == 3)
      #expect(report.stacks.filter(\.isCrashed).map(\.format) == [.dotnet])
      #expect(report.exception?.description == "System.Xml.XmlException")
    }
  }

  @Test("a language pack's words: German, French, Russian and Japanese labels, `at` words and lines", arguments: [
    ("Unbehandelte Ausnahme: System.NullReferenceException: Der Objektverweis wurde nicht festgelegt.\n"
      + "   bei Ledger.Store.Latest() in C:\\src\\Store.cs:Zeile 42.\n   bei Ledger.Program.Main(String[] args)\n"),
    ("Exception non gérée : System.NullReferenceException: La référence d'objet n'est pas définie.\n"
      + "   à Ledger.Store.Latest() dans C:\\src\\Store.cs:ligne 42\n   à Ledger.Program.Main(String[] args)\n"),
    ("Необработанное исключение: System.NullReferenceException: Ссылка на объект не указывает на экземпляр объекта.\n"
      + "   в Ledger.Store.Latest() в C:\\src\\Store.cs:строка 42\n   в Ledger.Program.Main(String[] args)\n"),
    ("ハンドルされていない例外: System.NullReferenceException: オブジェクト参照がオブジェクト インスタンスに設定されていません。\n"
      + "   場所 Ledger.Store.Latest() 場所 C:\\src\\Store.cs:行 42\n   場所 Ledger.Program.Main(String[] args)\n"),
  ])
  func languagePacks(_ text: String) throws {
    let report = decodeReport(text)
    let stack = try #require(report.stacks.first)
    #expect(report.exception?.code.rawValue == 0xE043_4352 && report.exception?.description?.hasPrefix("System.NullReferenceException: ") == true)
    #expect(stack.frames.map { $0.symbol?.function ?? "" } == ["Ledger.Store.Latest()", "Ledger.Program.Main(String[] args)"])
    #expect(stack.frames[0].sourceLine == SourceLine(file: "C:\\src\\Store.cs", line: 42) && stack.frames[1].sourceLine == nil)
  }

  @Test("a pack's `at` word is a common word: prose after the exception ends it", arguments: [
    "Unbehandelte Ausnahme: System.InvalidOperationException: Fehler\n   bei Ledger.Store.Latest()\n   in der Nacht (gestern) lief es\n",
  ])
  func languagePackProse(_ text: String) throws {
    let stack = try #require(decodeReport(text).stacks.first)
    #expect(stack.frames.count == 1)
  }

  @Test("not a .NET exception", arguments: [
    "Unhandled exception at 0x77A3F1C2 (ntdll.dll) in ledger.exe: 0xC0000005: Access violation.\n",
    "Exception Info: none\nat the time of writing nothing was logged\n",
    "Application: ledger.exe\nIt ran for a minute.\n",
  ])
  func notDotNet(_ text: String) {
    #expect(decodeReport(text).stacks.allSatisfy { $0.format != .dotnet })
  }
}
