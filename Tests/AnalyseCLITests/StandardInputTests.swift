//===--- StandardInputTests.swift - analyse reading what is piped or typed -----===//

import CrashTestSupport
import Foundation
import Testing

@Suite("Standard input", .serialized)
struct StandardInputTests {
  static let listing = """
    ChildEBP RetAddr  Args to Child
    0012f9a0 77f8e9a4 00000001 00000002 00000003 STORE!EcGetProp+0x12

    """

  @Test("pbpaste | analyse: with no path, a pipe on standard input is read")
  func pipeWithoutDash() throws {
    let run = try AnalyseRunner.run([], input: Data(Self.listing.utf8))
    #expect(run.status == 0)
    #expect(run.standardOutput.contains("STORE!EcGetProp+0x12"))
  }

  @Test("analyse - at a terminal ends on one Ctrl-D")
  func oneControlD() throws {
    // A pseudo-terminal from Python's pty module: the text is typed, then one EOF character.
    let script = """
      import os, pty, sys, time, select
      pid, fd = pty.fork()
      if pid == 0:
          os.execv(sys.argv[1], [sys.argv[1], "-", "--no-default-symbols"])
      os.write(fd, sys.argv[2].encode())
      time.sleep(0.3)
      os.write(fd, b"\\x04")
      output = b""
      deadline = time.time() + 20
      status = None
      while time.time() < deadline:
          done, code = os.waitpid(pid, os.WNOHANG)
          if done:
              status = os.WEXITSTATUS(code)
              break
          ready, _, _ = select.select([fd], [], [], 0.1)
          if ready:
              try:
                  output += os.read(fd, 65536)
              except OSError:
                  pass
      if status is None:
          os.kill(pid, 9)
      # What the child wrote just before it exited is still in the terminal's buffer.
      while select.select([fd], [], [], 0.1)[0]:
          try:
              chunk = os.read(fd, 65536)
          except OSError:
              break
          if not chunk:
              break
          output += chunk
      print("status", status)
      sys.stdout.write(output.decode(errors="replace"))
      """
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
    process.arguments = ["python3", "-c", script, AnalyseRunner.executable, Self.listing.replacingOccurrences(of: "\n", with: "\r")]
    let output = Pipe()
    process.standardOutput = output
    try process.run()
    let data = output.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    let text = String(decoding: data, as: UTF8.self)
    #expect(text.hasPrefix("status 0"), "analyse waited for a second Ctrl-D: \(text.prefix(200))")
    #expect(text.contains("STORE!EcGetProp+0x12"))
  }

  @Test("a stack of another tool: no stack found, and the message says what it looks like")
  func foreignShape() throws {
    let rows = try AnalyseRunner.run(["-"], input: Data("\tat com.example.App.run(App.java:42)\n".utf8))
    #expect(rows.status == 2)
    #expect(rows.standardError.contains("looks like a Java stack trace without the exception's line"), "\(rows.standardError)")
  }
}
