//===--- CodeViewRecord+Minidump.swift - A module's CodeView record ----------===//
//
// A minidump module's `CvRecord` location, read with the shared CodeView
// reader (ByteReading's CodeViewRecord, which PE images use too).
//
//===----------------------------------------------------------------------===//

import ByteReading

extension CodeViewRecord {
  /// (debug file, debug identifier) for the record at `location`.
  static func read(_ reader: ByteReader, _ location: MinidumpLocation) throws(ReadError) -> (String?, String?) {
    try read(reader, at: UInt64(location.rva), length: UInt64(location.size))
  }

  /// The GNU build id in the record at `location`, when it is a Breakpad ELF record.
  static func elfBuildID(_ reader: ByteReader, _ location: MinidumpLocation) -> String? {
    elfBuildID(reader, at: UInt64(location.rva), length: UInt64(location.size))
  }
}
