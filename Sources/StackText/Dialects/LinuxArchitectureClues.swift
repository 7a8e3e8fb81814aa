//===--- LinuxArchitectureClues.swift - What a Linux backtrace says of its CPU ---===//
//
// gdb and the sanitizers print no architecture. What they print names it often
// enough: library and source paths (`/lib/x86_64-linux-gnu/libc.so.6`,
// `../sysdeps/unix/sysv/linux/aarch64/clone.S`, `ld-linux-armhf.so.3`),
// registers (`rip`, `x29`, `r11` with `cpsr`), and the width gdb pads a pc to
// (8 or 16 digits: 32- or 64-bit, not which). The decision is recorded with the
// clue it came from, as for the other dialects.
//
//===----------------------------------------------------------------------===//

import CrashCore

/// Architecture clues gathered from a Linux backtrace.
struct LinuxArchitectureClues {
  private var fromPath: (architecture: Architecture, path: String)?
  private var fromRegisters: (architecture: Architecture, names: String)?
  private var registerNames: Set<String> = []
  private var widths: Set<Int> = []

  /// A library or source path: its multiarch triple or loader name, when it has one.
  mutating func observe(path: Substring) {
    guard fromPath == nil, let architecture = Self.architecture(inPath: path) else { return }
    fromPath = (architecture, TextLimits.capped(String(path), maximumBytes: 200))
  }

  /// A target's architecture as a debugger names it (`x86_64`, `arm64`, `aarch64`, `i386`).
  mutating func observe(architectureName name: Substring) {
    guard fromRegisters == nil else { return }
    let architecture: Architecture? =
      switch name.lowercased() {
      case "x86_64", "x86_64h", "amd64": .amd64
      case "arm64", "arm64e", "aarch64": .arm64
      case "i386", "i686", "x86": .x86
      case "armv7", "armv7s", "armv7k", "arm": .arm
      case "riscv64", "riscv:rv64": .riscv64
      default: nil
      }
    if let architecture { fromRegisters = (architecture, "the target is \(name)") }
  }

  /// The digits gdb padded a pc to.
  mutating func observe(addressDigits: Int) {
    if widths.count < 4 { widths.insert(addressDigits) }
  }

  /// A register's name, as printed.
  mutating func observeRegister(_ name: String) {
    guard fromRegisters == nil, registerNames.count < 256 else { return }
    registerNames.insert(name.lowercased())
    let names = registerNames
    if names.contains("rip") || names.contains("rax") {
      fromRegisters = (.amd64, "rip, rax")
    } else if names.contains("eip") || names.contains("eax") {
      fromRegisters = (.x86, "eip, eax")
    } else if names.contains("x29") || names.contains("x30") {
      fromRegisters = (.arm64, "x0–x30")
    } else if names.contains("r11") && names.contains("cpsr") {
      fromRegisters = (.arm, "r0–r12, cpsr")
    } else if names.contains("s11") && names.contains("t6") && names.contains("ra") {
      fromRegisters = (.riscv64, "ra, s0–s11, t0–t6")
    }
  }

  /// The architecture, with the evidence for it in words; `tool` names what printed the text.
  func decision(source tool: String) -> (Architecture, [String]) {
    if let fromRegisters {
      let what = fromRegisters.names.hasPrefix("the target") ? fromRegisters.names : "\(fromRegisters.architecture.rawValue) registers (\(fromRegisters.names))"
      return (fromRegisters.architecture, ["\(tool) printed \(what)"])
    }
    if let fromPath {
      return (fromPath.architecture, ["a path \(tool) printed names \(fromPath.architecture.rawValue): \(fromPath.path)"])
    }
    if widths == [16] {
      return (.unknown, ["\(tool) printed 64-bit addresses, and no register or path that names the processor"])
    }
    if widths == [8] {
      return (.unknown, ["\(tool) printed 32-bit addresses, and no register or path that names the processor"])
    }
    return (.unknown, ["\(tool) printed no register, path or address that names the processor"])
  }

  /// The architecture a path's multiarch directory, loader or glibc `sysdeps` directory names.
  static func architecture(inPath path: Substring) -> Architecture? {
    for (marker, architecture) in markers where path.firstRange(of: marker) != nil { return architecture }
    return nil
  }

  private static let markers: [(String, Architecture)] = [
    ("x86_64", .amd64), ("ld-linux-x86-64", .amd64), ("/amd64/", .amd64),
    ("aarch64", .arm64), ("/arm64/", .arm64),
    ("i386", .x86), ("i686", .x86), ("ld-linux.so.2", .x86),
    ("arm-linux-gnueabi", .arm), ("ld-linux-armhf", .arm), ("/armhf/", .arm),
    ("riscv64", .riscv64), ("ld-linux-riscv64", .riscv64),
  ]
}
