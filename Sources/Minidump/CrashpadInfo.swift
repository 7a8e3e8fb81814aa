//===--- CrashpadInfo.swift - What Crashpad adds to a minidump ---------------===//
//
// Crashpad (Chrome, Electron, and the apps Sentry's and Backtrace's native SDKs
// serve) writes a stream of its own, MD_CRASHPAD_INFO_STREAM (0x43500001, "CP"),
// laid out in its minidump_extensions.h:
//
//   MinidumpCrashpadInfo       version, report_id and client_id (UUIDs), the
//                              process's simple annotations (a dictionary),
//                              the module list, reserved, address_mask (later)
//   MinidumpSimpleStringDictionary  count, then (key RVA, value RVA) pairs
//   MinidumpModuleCrashpadInfoList  count, then (module index, location) links
//   MinidumpModuleCrashpadInfo version, list annotations (an RVA list of
//                              strings), simple annotations, annotation
//                              objects (later: name RVA, type, reserved, value
//                              RVA of a byte array)
//   MinidumpUTF8String         length, then the bytes and a NUL
//
// The annotations are what the application said about itself (`prod`,
// `ver`, `ptype` = `renderer` in Chrome and Electron) and what a library left
// for the crash (macOS's `CrashReporterClient` messages, an abort message).
// Each count, RVA and length is checked; counts are capped, strings cut to
// 4 KiB, and the names' budget of the dump holds for these too.
//
//===----------------------------------------------------------------------===//

import ByteReading
import CrashCore

/// One annotation: a name and its text.
public struct CrashpadAnnotation: Sendable, Hashable, Codable {
  /// The annotation's name (`prod`, `ptype`).
  public var key: String
  /// Its value, as text (an annotation object of another type than a string: its size and type).
  public var value: String

  /// Creates an annotation.
  public init(key: String, value: String) {
    self.key = key
    self.value = value
  }
}

/// What Crashpad recorded about one module.
public struct CrashpadModuleInfo: Sendable, Hashable {
  /// The module's index in the dump's module list.
  public var moduleIndex: Int
  /// Strings the module left (`ModuleSnapshot::AnnotationsVector`).
  public var listAnnotations: [String]
  /// Name–value pairs the module left (`AnnotationsSimpleMap`).
  public var simpleAnnotations: [CrashpadAnnotation]
  /// Typed annotation objects (`crashpad::Annotation`), string ones as their text.
  public var annotationObjects: [CrashpadAnnotation]
}

/// Crashpad's stream: the report's identity and the annotations of the process and its modules.
public struct CrashpadInfo: Sendable, Hashable {
  /// The report's UUID (`report_id`), nil when all zeros.
  public var reportID: String?
  /// The client's UUID (`client_id`), nil when all zeros.
  public var clientID: String?
  /// The process's annotations, in the dump's order.
  public var annotations: [CrashpadAnnotation]
  /// The modules that left annotations.
  public var modules: [CrashpadModuleInfo]
  /// The mask of valid pointer bits (ARM64 pointer authentication), when the dump gives one.
  public var addressMask: UInt64?
}

extension MinidumpStreamType {
  /// Crashpad's MinidumpCrashpadInfo.
  public static let crashpadInfo = Self(rawValue: 0x4350_0001)
}

extension MinidumpFile {
  /// The most entries read from one of the stream's lists.
  static let maximumCrashpadEntries = 4_096
  /// The longest annotation text kept.
  static let maximumAnnotationBytes = 4_096
  /// The most entries read from the whole stream (all lists together).
  static let maximumCrashpadStreamEntries = 16_384

  func readCrashpadInfo(_ location: MinidumpLocation) throws(ReadError) -> CrashpadInfo {
    let base = UInt64(location.rva)
    let what = "the Crashpad info stream"
    var budget = Self.maximumCrashpadStreamEntries
    try reader.check(offset: base, length: 52, what)
    var info = CrashpadInfo(
      reportID: Self.uuid(try reader.slice(at: base + 4, length: 16, what)),
      clientID: Self.uuid(try reader.slice(at: base + 20, length: 16, what)), annotations: [], modules: [])
    if location.size >= 64 {
      let mask = try reader.read(UInt64.self, at: base + 56, what)
      if mask != 0 { info.addressMask = mask }
    }
    info.annotations = try dictionary(at: try self.location(at: base + 36, what), "Crashpad's process annotations", budget: &budget)
    let modules = try self.location(at: base + 44, what)
    guard modules.size != 0 else { return info }
    let count = try boundedCount(at: modules, entrySize: 12, "Crashpad's module list", budget: &budget)
    for index in 0..<count {
      if pastDeadline("Crashpad's module list") { break }
      let link = UInt64(modules.rva) + 4 + UInt64(index) * 12
      let moduleIndex = Int(try reader.read(UInt32.self, at: link, "Crashpad's module list"))
      let record = try self.location(at: link + 4, "Crashpad's module list")
      guard moduleIndex < self.modules.count else {
        note(.warning, "Crashpad's module list names module \(moduleIndex) of \(self.modules.count)", offset: Int(link))
        continue
      }
      let recordBase = UInt64(record.rva)
      let recordWhat = "Crashpad's info for module \(moduleIndex)"
      try reader.check(offset: recordBase, length: 20, recordWhat)
      var module = CrashpadModuleInfo(moduleIndex: moduleIndex, listAnnotations: [], simpleAnnotations: [], annotationObjects: [])
      let list = try self.location(at: recordBase + 4, recordWhat)
      if list.size != 0 {
        for entry in 0..<(try boundedCount(at: list, entrySize: 4, recordWhat + "'s list annotations", budget: &budget)) {
          let rva = try reader.read(UInt32.self, at: UInt64(list.rva) + 4 + UInt64(entry) * 4, recordWhat)
          module.listAnnotations.append(try annotationText(at: UInt64(rva), recordWhat))
        }
      }
      module.simpleAnnotations = try dictionary(at: try self.location(at: recordBase + 12, recordWhat), recordWhat, budget: &budget)
      if record.size >= 28 {
        module.annotationObjects = try annotationObjects(
          at: try self.location(at: recordBase + 20, recordWhat), recordWhat, budget: &budget)
      }
      if !module.listAnnotations.isEmpty || !module.simpleAnnotations.isEmpty || !module.annotationObjects.isEmpty {
        info.modules.append(module)
      }
    }
    return info
  }

  /// A MINIDUMP_LOCATION_DESCRIPTOR: size, then RVA.
  private func location(at offset: UInt64, _ what: String) throws(ReadError) -> MinidumpLocation {
    MinidumpLocation(size: try reader.read(UInt32.self, at: offset, what), rva: try reader.read(UInt32.self, at: offset + 4, what))
  }

  /// A list's count, checked against the file and capped by the list's limit and what is left
  /// of the stream's (with a warning past either).
  private func boundedCount(at location: MinidumpLocation, entrySize: Int, _ what: String, budget: inout Int) throws(ReadError)
    -> Int
  {
    let count = Int(try reader.read(UInt32.self, at: UInt64(location.rva), what))
    let kept = min(count, Self.maximumCrashpadEntries, budget)
    budget -= kept
    try reader.check(offset: UInt64(location.rva) + 4, length: UInt64(kept * entrySize), "\(what) (\(count) entries)")
    if kept < count {
      note(.warning, "\(what) has \(count) entries; the first \(kept) are read", offset: Int(location.rva))
    }
    return kept
  }

  /// A MinidumpSimpleStringDictionary; an absent one (size 0) is empty.
  private func dictionary(at location: MinidumpLocation, _ what: String, budget: inout Int) throws(ReadError)
    -> [CrashpadAnnotation]
  {
    guard location.size != 0 else { return [] }
    var entries: [CrashpadAnnotation] = []
    for index in 0..<(try boundedCount(at: location, entrySize: 8, what, budget: &budget)) {
      if pastDeadline(what) { break }
      let entry = UInt64(location.rva) + 4 + UInt64(index) * 8
      let key = try annotationText(at: UInt64(try reader.read(UInt32.self, at: entry, what)), what)
      let value = try annotationText(at: UInt64(try reader.read(UInt32.self, at: entry + 4, what)), what)
      entries.append(CrashpadAnnotation(key: key, value: value))
    }
    return entries
  }

  /// A MinidumpAnnotationList: string objects (type 1) as their text, others by size and type.
  private func annotationObjects(at location: MinidumpLocation, _ what: String, budget: inout Int) throws(ReadError)
    -> [CrashpadAnnotation]
  {
    guard location.size != 0 else { return [] }
    var objects: [CrashpadAnnotation] = []
    for index in 0..<(try boundedCount(at: location, entrySize: 12, what + "'s annotation objects", budget: &budget)) {
      if pastDeadline(what) { break }
      let entry = UInt64(location.rva) + 4 + UInt64(index) * 12
      let name = try annotationText(at: UInt64(try reader.read(UInt32.self, at: entry, what)), what)
      let type = try reader.read(UInt16.self, at: entry + 4, what)
      let valueRVA = UInt64(try reader.read(UInt32.self, at: entry + 8, what))
      let length = UInt64(try reader.read(UInt32.self, at: valueRVA, what))
      let value: String
      if type == 1 {
        let kept = min(length, UInt64(Self.maximumAnnotationBytes))
        let bytes = try reader.slice(at: valueRVA + 4, length: kept, what)
        value = budgeted(TextLimits.capped(String(decoding: bytes, as: UTF8.self), maximumBytes: Self.maximumAnnotationBytes), what, offset: valueRVA)
      } else {
        try reader.check(offset: valueRVA + 4, length: length, what)
        value = "<\(length) bytes of type 0x\(String(type, radix: 16))>"
      }
      objects.append(CrashpadAnnotation(key: name, value: value))
    }
    return objects
  }

  /// A MinidumpUTF8String (a byte length, then the bytes), cut to 4 KiB, within the name budget.
  private func annotationText(at offset: UInt64, _ what: String) throws(ReadError) -> String {
    let length = UInt64(try reader.read(UInt32.self, at: offset, what))
    let kept = min(length, UInt64(Self.maximumAnnotationBytes))
    try reader.check(offset: offset + 4, length: length, "\(what) (a string of \(length) bytes)")
    let bytes = try reader.slice(at: offset + 4, length: kept, what)
    var text = String(decoding: bytes, as: UTF8.self)
    if kept < length { text += TextLimits.cutMarker }
    return budgeted(text, what, offset: offset)
  }

  /// A UUID as Crashpad prints it (its first three fields little-endian), nil when all zeros.
  static func uuid(_ bytes: UnsafeRawBufferPointer) -> String? {
    guard bytes.count == 16, bytes.contains(where: { $0 != 0 }) else { return nil }
    let order = [3, 2, 1, 0, -1, 5, 4, -1, 7, 6, -1, 8, 9, -1, 10, 11, 12, 13, 14, 15]
    let digits = Array("0123456789abcdef".utf8)
    var text: [UInt8] = []
    for index in order {
      if index < 0 {
        text.append(UInt8(ascii: "-"))
        continue
      }
      text.append(digits[Int(bytes[index] >> 4)])
      text.append(digits[Int(bytes[index] & 0x0F)])
    }
    return String(decoding: text, as: UTF8.self)
  }
}
