//===--- AppleSharedRegion.swift - A process's system libraries tell its processor ---===//
//
// Apple's system libraries load together from the dyld shared cache, at the
// shared region's address, which differs by processor: from 0x1_8000_0000 for
// arm64 (iOS since its 64-bit devices, macOS on Apple silicon), from
// 0x7ff8_0000_0000 (0x7fff_… before macOS 11) for x86_64. Crashlytics' and
// lldb's texts name no processor, but a row of CoreFoundation or libobjc at
// 0x1a6d0e9d8 is an arm64 process's. Sources: dyld's shared_region
// constants (SHARED_REGION_BASE_ARM64, SHARED_REGION_BASE_X86_64 in
// mach/shared_region.h).
//
//===----------------------------------------------------------------------===//

import CrashCore

/// The processor the addresses of a process's system libraries give.
enum AppleSharedRegion {
  /// The arm64 shared region (SHARED_REGION_BASE_ARM64 and the 8 GiB after it).
  static let arm64 = UInt64(0x1_8000_0000)..<UInt64(0x3_8000_0000)
  /// The x86_64 shared region (SHARED_REGION_BASE_X86_64 to the end of user space).
  static let x86_64 = UInt64(0x7FF0_0000_0000)..<UInt64(0x8000_0000_0000)

  /// Apple's system modules whose rows say where the shared region is.
  static func isSystemModule(_ name: String) -> Bool {
    if name.hasSuffix(".dylib") {
      return name.hasPrefix("libsystem_") || name.hasPrefix("libobjc") || name.hasPrefix("libdispatch")
        || name.hasPrefix("libswift") || name.hasPrefix("libc++") || name.hasPrefix("libdyld")
    }
    return systemFrameworks.contains(name)
  }

  static let systemFrameworks: Set<String> = [
    "CoreFoundation", "Foundation", "UIKitCore", "UIKit", "AppKit", "GraphicsServices", "SwiftUI", "SwiftUICore",
    "CoreData", "QuartzCore", "CFNetwork", "Security", "FrontBoardServices", "BaseBoard", "RunningBoardServices",
    "WebKit", "JavaScriptCore", "AVFoundation", "CoreGraphics", "HIToolbox", "Combine",
  ]

  /// The processor and why, when a row of a system module lies in one of the shared regions.
  static func architecture(of rows: some Sequence<(module: String?, address: UInt64)>) -> (Architecture, String)? {
    for row in rows {
      guard let module = row.module, isSystemModule(module) else { continue }
      let address = "0x" + String(row.address, radix: 16)
      if arm64.contains(row.address) {
        return (.arm64, "\(module) at \(address): the arm64 shared region (0x180000000 on), where Apple's system libraries load")
      }
      if x86_64.contains(row.address) {
        return (.amd64, "\(module) at \(address): the x86_64 shared region (0x7ff000000000 on), where Apple's system libraries load")
      }
    }
    return nil
  }
}
