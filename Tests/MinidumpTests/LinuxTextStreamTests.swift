//===--- LinuxTextStreamTests.swift - lsb-release and cmdline in Linux dumps ---===//
//
// Breakpad's Linux writer copies /etc/lsb-release and /proc/PID/cmdline into
// streams of their own; the texts here are those Breakpad's own test dumps
// carry (Ubuntu's lsb-release with a comment line first, `./overflow\0overflow\0`)
// and os-release's shape.
//
//===----------------------------------------------------------------------===//

import CrashCore
import CrashTestSupport
@testable import Minidump
import Testing

@Suite("Breakpad's Linux text streams")
struct LinuxTextStreamTests {
  @Test("the distribution from lsb-release or os-release, unquoted; none without either key",
    arguments: [
      ("# $Id: lsb-release.erb#1 $\nDISTRIB_CODENAME=trusty\nDISTRIB_DESCRIPTION=\"Ubuntu 14.04 LTS\"\nDISTRIB_ID=Ubuntu\n", "Ubuntu 14.04 LTS"),
      ("NAME=\"Debian GNU/Linux\"\nPRETTY_NAME=\"Debian GNU/Linux 12 (bookworm)\"\nID=debian\n", "Debian GNU/Linux 12 (bookworm)"),
      ("DISTRIB_ID=Ubuntu\nPRETTY_NAME='Other'\nDISTRIB_DESCRIPTION=Plain\n", "Plain"),
      ("DISTRIB_ID=Ubuntu\n", nil),
    ] as [(String, String?)])
  func distribution(_ text: String, _ expected: String?) {
    #expect(LinuxReleaseText.distribution(text) == expected)
  }

  @Test("the arguments, each ended by a NUL")
  func arguments() {
    let bytes: [UInt8] = Array("./overflow\0overflow\0".utf8)
    #expect(bytes.withUnsafeBytes { LinuxReleaseText.arguments($0) } == ["./overflow", "overflow"])
    #expect([UInt8]().withUnsafeBytes { LinuxReleaseText.arguments($0) } == nil)
    let unended: [UInt8] = Array("./driver\0a\nb".utf8)
    #expect(unended.withUnsafeBytes { LinuxReleaseText.arguments($0) } == ["./driver", "a b"])
  }

  @Test("a dump with both streams: its distribution and command line")
  func dumpStreams() throws {
    var dump = SyntheticMinidump.linuxAmd64(
      module: SyntheticModule(base: 0x5555_0000_0000, size: 0x10000, name: "/opt/Ledger/ledger"), rip: 0x5555_0000_1000)
    dump.rawStreams = [
      (0x4767_0005, Array("DISTRIB_ID=Ubuntu\nDISTRIB_RELEASE=16.04\nDISTRIB_DESCRIPTION=\"Ubuntu 16.04.3 LTS\"\n".utf8)),
      (0x4767_0006, Array("./crash\0--ledger=/srv/l\0".utf8)),
    ]
    let file = try TemporaryFile(dump.bytes(), suffix: ".dmp")
    let parsed = try MinidumpFile(path: file.path)
    #expect(parsed.linuxDistribution == "Ubuntu 16.04.3 LTS")
    #expect(parsed.commandLine == ["./crash", "--ledger=/srv/l"])
    #expect(parsed.unknownStreams.isEmpty)
    #expect(MinidumpStreamType.linuxLSBRelease.description == "MD_LINUX_LSB_RELEASE")
  }
}
