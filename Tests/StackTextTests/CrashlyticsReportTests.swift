//===--- CrashlyticsReportTests.swift - Crashlytics issues as text -----------===//
//
// The fixtures (Tests/Fixtures/pastes/crashlytics-*.txt) are composed in the
// layouts Firebase's and Fabric's consoles print (the README says which).
//
//===----------------------------------------------------------------------===//

import CrashCore
import CrashTestSupport
import Foundation
import StackText
import Testing

@Suite("Crashlytics issues")
struct CrashlyticsReportTests {
  static func report(_ name: String) throws -> CrashReport {
    decodeReport(try String(contentsOfFile: Fixtures.path("pastes/\(name)"), encoding: .utf8))
  }

  @Test("Firebase: the summary's thread crashed, image offsets, <redacted> and (Missing) frames, a queue's name as a label")
  func firebase() throws {
    let report = try Self.report("crashlytics-firebase.txt")
    #expect(report.stacks.map(\.label) == [
      "com.apple.main-thread", "com.apple.uikit.eventfetch-thread", "NSOperationQueue 0x282d1c0a0 (QOS: UTILITY)",
    ])
    #expect(report.stacks.map(\.isCrashed) == [true, false, false] && report.stacks.allSatisfy { $0.format == .crashlytics })
    #expect(report.exception?.code.rawValue == 1 && report.exception?.address?.rawValue == 0x10)
    let frames = try #require(report.stacks.first?.frames)
    #expect(frames.count == 8 && frames[0].symbol?.function == "objc_msgSend" && frames[0].symbol?.offset == 28)
    #expect(frames[1].symbol?.module == "LedgerKit" && frames[1].sourceLine == SourceLine(file: "LedgerStore.swift", line: 88))
    // A name 4 GB from its symbol is Crashlytics guessing: the image offset stays, name and line go.
    #expect(frames[3].symbol?.function == nil && frames[3].symbol?.moduleOffset == 0x2_d4e0 && frames[3].sourceLine == nil)
    #expect(frames[4].symbol?.function == nil && frames[4].symbol?.module == "UIKitCore" && frames[4].symbol?.moduleOffset == 0x32_db04)
    #expect(frames[7].symbol?.module == nil && frames[7].symbol?.address?.rawValue == 0x1_b54e_8dec)
    #expect(frames.allSatisfy { $0.instruction == nil }, "image offsets are no addresses")
  }

  @Test("Fabric: Fatal Exception and its reason, the crashed thread headed Crashed:, addresses in the process")
  func fabric() throws {
    let report = try Self.report("crashlytics-fabric.txt")
    #expect(report.stacks.count == 2 && report.stacks[0].isCrashed && report.stacks[0].label == "com.apple.main-thread")
    let exception = try #require(report.exception)
    #expect(exception.description == "Fatal Exception: NSRangeException: *** -[__NSArrayM objectAtIndex:]: index 5 beyond bounds [0 .. 4]")
    let frames = report.stacks[0].frames
    #expect(frames[0].instruction?.rawValue == 0x1_a6d0_e9d8 && frames[0].returnAddress?.rawValue == 0x1_bb09_4b54)
    #expect(frames[3].symbol?.function == "-[LDGAccountList accountAtIndex:]")
    // CoreFoundation at 0x1a6d0e9d8: the arm64 shared region. Firebase's offsets tell nothing.
    #expect(report.stacks.allSatisfy { $0.architecture == .arm64 })
    #expect(try Self.report("crashlytics-firebase.txt").stacks.allSatisfy { $0.architecture == .unknown })
  }

  @Test("Fatal Exception: as the crashed thread's own header, rows right under it")
  func fatalExceptionHeader() throws {
    let text = """
      Fatal Exception: NSInvalidArgumentException
      0  CoreFoundation                 0x9e38c __exceptionPreprocess + 164
      1  libobjc.A.dylib                0x15c28 objc_exception_throw + 60
      2  Ledger                         0x8c14 main + 24 (AppDelegate.swift:14)
      """
    let report = decodeReport(text)
    #expect(report.stacks.count == 1 && report.stacks[0].isCrashed && report.stacks[0].frames.count == 3)
    #expect(report.exception?.description == "Fatal Exception: NSInvalidArgumentException")
  }

  @Test("a French console's Plantage : opens the same report")
  func frenchConsole() throws {
    let text = """
      Plantage : com.ledger.sync
      EXC_BAD_ACCESS KERN_INVALID_ADDRESS 0x008000000600003b

      com.ledger.sync
      0  libobjc.A.dylib                0x1f4c objc_msgSend + 28
      1  LedgerKit                      0x3a9f0 LedgerStore.balance(for:) + 212 (LedgerStore.swift:88)
      """
    let report = decodeReport(text)
    #expect(report.stacks.first?.label == "com.ledger.sync" && report.stacks.first?.isCrashed == true)
    #expect(report.exception?.address?.rawValue == 0x80_0000_0600_003b)
  }

  @Test("the text export's numbered threads: `#0. Crashed:` opens the report, `#1. NAME` names the next")
  func numberedThreads() throws {
    let report = decodeReport(
      """
      #0. Crashed: com.apple.main-thread
      0  libobjc.A.dylib                0x1f4c objc_msgSend + 28
      1  LedgerKit                      0x3a9f0 LedgerStore.balance(for:) + 212 (LedgerStore.swift:88)

      #1. com.apple.uikit.eventfetch-thread
      0  libsystem_kernel.dylib         0xb48 mach_msg2_trap + 8

      #12. Thread
      0  libsystem_pthread.dylib        0x1b4c start_wqthread + 8
      """)
    #expect(report.stacks.map(\.label) == ["com.apple.main-thread", "com.apple.uikit.eventfetch-thread", "Thread"])
    #expect(report.stacks.map(\.isCrashed) == [true, false, false])
    #expect(report.stacks[0].frames.count == 2 && report.stacks.allSatisfy { $0.format == .crashlytics })
  }

  @Test("the text export's header: the application, its version, the platform, OS, device, issue, session, date and URL")
  func exportHeader() throws {
    let ios = decodeReport(try String(contentsOfFile: Fixtures.path("pastes/crashlytics-ios-export.txt"), encoding: .utf8))
    func value(_ report: CrashReport, _ key: String) -> [String] { report.system.filter { $0.key == key }.map(\.value) }
    #expect(value(ios, "Application") == ["Ledger", "com.example.ledger"])
    #expect(value(ios, "Application version") == ["4.2.1 (4210)"])
    #expect(value(ios, "Platform") == ["ios"] && value(ios, "OS version") == ["17.1.2 (21B101)"])
    #expect(value(ios, "Device") == ["iPhone 14 Pro"])
    #expect(value(ios, "Crashlytics issue") == ["3f6b1c2d9e8a7b6c5d4e3f2a1b0c9d8e"])
    #expect(value(ios, "Crashlytics session") == ["6755A1C2034F000171B8E3C9D4F2A6B1_2011447812349925713"])
    #expect(value(ios, "Crash date") == ["2026-12-07T08:55:31Z"])
    #expect(value(ios, "Crash report").first?.hasPrefix("https://console.firebase.google.com/") == true)
    // The header's other lines are read over; the stacks follow as before.
    #expect(!ios.system.contains { $0.value.contains("Example Ledger") || $0.value.contains("7.4%") })
    #expect(ios.stacks.map(\.label) == ["com.apple.main-thread", "com.apple.uikit.eventfetch-thread"])
    let android = decodeReport(try String(contentsOfFile: Fixtures.path("pastes/crashlytics-android.txt"), encoding: .utf8))
    #expect(value(android, "Application") == ["com.example.ledger"] && value(android, "Platform") == ["android"])
    #expect(value(android, "Crashlytics issue") == ["5c0e9a7d3b1f48e2a6d4c8b0e2f4a6c8"])
    // `#` lines without the header's first line are no fields.
    #expect(decodeReport("# Version: 2\n# Platform: ios\n").system.isEmpty)
  }

  @Test("not a Crashlytics issue", arguments: ["Crashed: yes, twice\n", "Fatal Exception: none\nwe could not reproduce it\n", "#1. Crashed: the build\n"])
  func notCrashlytics(_ text: String) {
    #expect(decodeReport(text).stacks.isEmpty)
  }
}
