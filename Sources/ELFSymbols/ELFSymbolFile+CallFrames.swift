//===--- ELFSymbolFile+CallFrames.swift - Call frames where a walk asks -----===//
//
// A stack walk asks for the CFI rules at a handful of addresses. Converting a
// whole ELF file's call frames to STACK CFI text first (what `symbols dump`
// writes) took 3.8 s and 230 MiB for an 89 MB binary; here libdw runs the CIE
// and FDE instructions for the one address asked (`dwarf_cfi_addrframe`),
// from the same section the conversion would read: the file's `.eh_frame`, else
// its separate debug file's, else (a debug file alone) its image's beside it,
// else `.debug_frame`; 32-bit ARM code without any of them, its EHABI tables
// (ARMExceptionIndex). The rules come back as one Breakpad rule text, the whole
// set in force at the address, so the walkers read them as they read a .sym's.
// A row whose CFA is a DWARF expression Breakpad cannot say (a PLT entry's) has
// no rules here, and the walker goes on by frame pointer or scan; the converted
// text has no record for it either, and so carries the row before it on.
//
//===----------------------------------------------------------------------===//

import CLibDW
import CrashCore
import Synchronization

#if canImport(Glibc)
  import Glibc
#endif

/// Whether a file's call frames have been looked for, and where they are.
enum CallFrameState {
  case unresolved
  case absent
  case found(CallFrameReader)
  /// 32-bit ARM without DWARF call frames: the EHABI tables.
  case exceptionIndex(ARMExceptionIndex)
}

/// One call-frame section opened through libdw, and what must stay open with it.
final class CallFrameReader {
  let frames: ELFCallFrames
  let cfi: OpaquePointer
  private let ownsCFI: Bool
  /// The image a debug file's call frames came from (its handles back `cfi`).
  private let image: ELFSymbolFile?

  init(frames: ELFCallFrames, cfi: OpaquePointer, ownsCFI: Bool, image: ELFSymbolFile?) {
    self.frames = frames
    self.cfi = cfi
    self.ownsCFI = ownsCFI
    self.image = image
  }

  deinit {
    if ownsCFI { dwarf_cfi_end(cfi) }
  }
}

extension ELFSymbolFile: UnwindInfoSource {
  /// ELF files have no Windows frame data.
  public func windowsFrameInfo(at relativeAddress: UInt64) -> WindowsFrameInfo? { nil }

  /// The CFI rules in force at a module-relative address (the file address less
  /// `loadAddress`): the whole rule set of its row, as one rule text.
  public func cfiRules(at relativeAddress: UInt64) -> CFIRules? {
    let address = relativeAddress &+ loadAddress
    return callFrameState.withLock { state -> CFIRules? in
      if case .unresolved = state { state = findCallFrames() }
      let row: (start: UInt64, end: UInt64, text: String)?
      switch state {
      case .found(let reader): row = reader.frames.rules(at: address, cfi: reader.cfi)
      case .exceptionIndex(let index): row = index.rules(at: address)
      case .unresolved, .absent: row = nil
      }
      guard let row else { return nil }
      return CFIRules(start: row.start &- loadAddress, size: row.end - row.start, rules: [row.text])
    }
  }

  /// The call-frame section `breakpadSymbolFile` would read (ELFBreakpadWriter's
  /// callFrameLines), opened.
  private func findCallFrames() -> CallFrameState {
    var header = GElf_Ehdr()
    let machine = gelf_getehdr(elf, &header) != nil ? Int32(header.e_machine) : 0
    guard let frames = ELFCallFrames(machine: machine) else { return .absent }
    func reader(_ elf: OpaquePointer, _ dwarf: OpaquePointer?, image: ELFSymbolFile? = nil) -> CallFrameState {
      guard let source = ELFCallFrames.source(elf: elf, dwarf: dwarf) else { return .absent }
      return .found(CallFrameReader(frames: frames, cfi: source.cfi, ownsCFI: source.ownedByCaller, image: image))
    }
    if ELFCallFrames.hasCallFrames(elf) { return reader(elf, dwarf) }
    if let debugElf, ELFCallFrames.hasCallFrames(debugElf) { return reader(debugElf, dwarf) }
    if machine == Int32(EM_ARM), let index = ARMExceptionIndex(elf: elf) { return .exceptionIndex(index) }
    if debugElf == nil, let image = siblingImage()?.file {
      if machine == Int32(EM_ARM), !ELFCallFrames.hasCallFrames(image.elf), let index = ARMExceptionIndex(elf: image.elf) {
        return .exceptionIndex(index)
      }
      return reader(image.elf, image.dwarf, image: image)
    }
    return reader(elf, dwarf)
  }
}
