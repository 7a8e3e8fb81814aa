//===--- CrashSignature.swift - A crash's bucket ------------------------------===//
//
// Crashes group by signature, generated as Socorro (Mozilla's crash reporter)
// generates them, over the crashed thread's frames:
//
//   1. frames the catalog calls irrelevant (how the exception was raised or
//      dispatched: RaiseException, KiUserExceptionDispatcher, abort) are skipped,
//      and unnamed frames of an irrelevant frame's module next to it;
//   2. each frame is written in a normal form: `function` without offset,
//      argument list, template arguments or stdcall decoration (a Python
//      or JavaScript function, whose name is no more than its file makes it, with
//      its script: `close.py:close_period`, `ledger/__init__.py:main`,
//      `main.chunk.js:renderRow`, a bundle's content hash taken out); a frame without
//      a function as `module+0xoffset` (the module folded to lower case;
//      `module@0xaddress` when the module's base is unknown); a frame with
//      neither as `@0xaddress`, and one without even an address is skipped;
//   3. prefix frames (allocators, string and memory copies, frames with no
//      module) are kept and the walk goes on; the first other frame ends it.
//
// So the same crash gives the same signature whether it came from a minidump,
// a Dr. Watson log or a debugger listing (offsets and argument lists differ
// between them, and some print the module's case differently), and two crashes
// in different unnamed code of one module do not share one. docs/signatures.md
// explains it with examples.
//
//===----------------------------------------------------------------------===//

import CrashCore

/// Crash signatures for grouping.
public enum CrashSignature {
  /// The most frames a signature joins (a run of prefix frames stops here).
  public static let maximumFrames = 10
  /// The longest signature in bytes; past it, whole frames are dropped from the end.
  public static let maximumLength = 255

  /// The signature of the crashed thread, or nil when it has no frames (no catalog: every
  /// frame is specific).
  public static func signature(of report: CrashReport) -> String? { signature(of: ClassifiedCrash(report)) }

  /// The same, reusing the crash's frame views and their roles.
  public static func signature(of crash: ClassifiedCrash) -> String? {
    let report = crash.report
    guard let thread = report.crashedThreadIndex, !report.threads[thread].frames.isEmpty else { return nil }
    // Built by appending: `[String].joined(separator:)` is not specialised in the standard
    // library, and its first call instantiates generic metadata by name, which scans every
    // protocol conformance in the program (0.2 M instructions and a megabyte of pages touched).
    var signature = ""
    var count = 0
    let views = crash.frames(thread: thread)
    for (index, view) in views.enumerated() where view.role != .irrelevant && !isInsideIrrelevant(views, index) {
      // A frame with no name, no module and no address says nothing at all.
      guard let part = self.part(view) else { continue }
      if count > 0 && signature.utf8.count + 3 + part.utf8.count > maximumLength { break }
      if count > 0 { signature += " | " }
      signature += part
      count += 1
      let isPrefix = view.role == .prefix || (view.function == nil && view.module == nil)
      if !isPrefix || count == maximumFrames { break }
    }
    return count == 0 ? nil : signature
  }

  /// Whether the frame at `index` has no name and is next to an irrelevant frame of the same
  /// module, through at most 8 more unnamed frames of that module, on either side: the unnamed
  /// internals of the machinery that reports the failure (the Swift runtime's between
  /// `swift_reportError` and `_assertionFailure`, and the runtime's caller of it, when it
  /// printed no names for them; their offsets change with every runtime build).
  static func isInsideIrrelevant(_ views: [FrameView], _ index: Int) -> Bool {
    guard views[index].function == nil, let module = views[index].module else { return false }
    return reachesIrrelevant(views, from: index, step: 1, module: module)
      || reachesIrrelevant(views, from: index, step: -1, module: module)
  }

  /// Whether walking from `index` by `step` through unnamed frames of `module` meets a named
  /// irrelevant frame of it within 8 frames.
  private static func reachesIrrelevant(_ views: [FrameView], from index: Int, step: Int, module: String) -> Bool {
    var next = index + step
    while next >= 0, next < views.count, abs(next - index) <= 8 {
      let view = views[next]
      guard let other = view.module, FrameView.equalsIgnoringCase(other, module) else { return false }
      if view.function != nil { return view.role == .irrelevant }
      next += step
    }
    return false
  }

  /// One frame in its normal form: `function`, `module+0xoffset`, `module@0xaddress` (a
  /// module whose base is unknown), `@0xaddress`; nil for a frame with none of them.
  public static func part(_ view: FrameView) -> String? {
    if let function = view.function, !function.isEmpty {
      if view.module == nil, let script = scriptName(view.sourceFile) ?? goProgramName(function: function, file: view.sourceFile) {
        return script + ":" + normalized(function)
      }
      return normalized(function)
    }
    if let module = view.module {
      let name = module.lowercased()
      if let offset = view.moduleOffset { return name + "+0x" + String(offset, radix: 16) }
      if let address = view.instruction?.rawValue { return name + "@0x" + String(address, radix: 16) }
      return name
    }
    guard let address = view.instruction?.rawValue else { return nil }
    return "@0x" + String(address, radix: 16)
  }

  /// The script a Python or JavaScript frame's file names, as its signature part qualifies the
  /// function: a Python file's name (`close.py`), with its directory for a package's
  /// `__init__.py` or `__main__.py`; a JavaScript file's name without its query, fragment or
  /// the content hashes bundlers put in it (`main.8f3a2b1c.chunk.js` → `main.chunk.js`,
  /// `index-BfK3x9aQ.js` → `index.js`); nil for a file of another language or none. Such
  /// functions are named only within their file: a bare `main`, `run` or `render` would join
  /// unrelated crashes (Sentry groups them by module and function).
  public static func scriptName(_ file: String?) -> String? {
    pythonScriptName(file) ?? javaScriptFileName(file)
  }

  /// The program a Go function of package `main` belongs to, named by its source's directory
  /// (`/src/ledger/cmd/ledgerd/main.go` → `ledgerd`, as `go build` names the binary): every Go
  /// program's own functions are `main.…`, and a trace names no binary, so `main.main` alone
  /// would join every Go program's crashes. Nil for other packages (their import paths tell
  /// them apart) and for files without a directory.
  public static func goProgramName(function: String, file: String?) -> String? {
    guard function.hasPrefix("main."), let file, file.hasSuffix(".go") else { return nil }
    let parts = file.split(whereSeparator: { $0 == "/" || $0 == "\\" })
    guard parts.count >= 2 else { return nil }
    let directory = parts[parts.count - 2]
    guard !directory.isEmpty, directory != ".", directory != "..", !directory.hasSuffix(":") else { return nil }
    return String(directory)
  }

  /// The name a Python frame's file gives its script (`close.py`, `ledger/__init__.py`), or nil.
  static func pythonScriptName(_ file: String?) -> String? {
    guard let file, let dot = file.utf8.lastIndex(of: 0x2E) else { return nil }
    let suffix = file[file.index(after: dot)...]
    guard suffix == "py" || suffix == "pyw" || suffix == "pyx" else { return nil }
    let parts = file.split(whereSeparator: { $0 == "/" || $0 == "\\" })
    guard let name = parts.last else { return nil }
    if (name == "__init__.py" || name == "__main__.py"), parts.count >= 2 {
      return parts[parts.count - 2] + "/" + name
    }
    return String(name)
  }

  /// The extensions of JavaScript and of the languages compiled to it whose names stacks keep
  /// (a source map's TypeScript, JSX).
  private static let javaScriptExtensions: Set<Substring> = ["js", "mjs", "cjs", "jsx", "ts", "tsx", "mts", "cts"]

  /// A JavaScript file's name, its bundler's content hashes taken out; nil for another file.
  static func javaScriptFileName(_ file: String?) -> String? {
    guard let path = file else { return nil }
    var file = Substring(path)
    // A URL's query and fragment (`app.js?v=3`, `#L10`) are no part of the name.
    if let cut = file.firstIndex(where: { $0 == "?" || $0 == "#" }) { file = file[..<cut] }
    guard let name = file.split(whereSeparator: { $0 == "/" || $0 == "\\" }).last else { return nil }
    let segments = name.split(separator: ".", omittingEmptySubsequences: false)
    guard segments.count >= 2, let suffix = segments.last, javaScriptExtensions.contains(suffix) else { return nil }
    var kept: [Substring] = []
    for (index, segment) in segments.enumerated() {
      // The stem and the extension stay; a middle segment that is a hash goes (`main.8f3a2b1c.chunk`).
      if index > 0, index < segments.count - 1, isContentHash(segment) { continue }
      if index == 0, let dash = segment.lastIndex(of: "-"), isContentHash(segment[segment.index(after: dash)...]),
        dash > segment.startIndex
      {
        // Vite's and Rollup's `index-BfK3x9aQ`, esbuild's `chunk-3UGBQBGZ`.
        kept.append(segment[..<dash])
        continue
      }
      kept.append(segment)
    }
    return kept.joined(separator: ".")
  }

  /// Whether `text` looks like a bundler's content hash: 6 to 64 letters and digits with a
  /// digit among them, lower-case hex (webpack's `8f3a2b1c`), or mixed letters as base64url
  /// and base32 hashes are (Vite's `BfK3x9aQ`, esbuild's `3UGBQBGZ`); words, versions
  /// (`3`, `min`, `v2`) and chunk names are not.
  static func isContentHash(_ text: Substring) -> Bool {
    let bytes = text.utf8
    guard (6...64).contains(bytes.count), bytes.contains(where: { $0 >= 0x30 && $0 <= 0x39 }) else { return false }
    var hex = true
    var upper = false
    var lower = false
    for byte in bytes {
      switch byte {
      case 0x30...0x39: continue
      case 0x61...0x66: lower = true
      case 0x67...0x7A: lower = true; hex = false
      case 0x41...0x5A: upper = true; hex = false
      case 0x5F, 0x2D: hex = false
      default: return false
      }
    }
    if hex { return true }
    // Not hex: a hash mixes cases (base64url), or is all upper case and digits (base32); a
    // lower-case word with a digit (`vendors2`, `es2015`) is a name.
    return upper && lower || upper && !lower
  }

  /// A function name without argument list, template arguments (`vector<…>` → `vector<T>`),
  /// offset (`+0x12`), or MSVC stdcall/fastcall decoration (`_Name@8`, `@Name@8` → `Name`).
  public static func normalized(_ function: String) -> String {
    // Most names have nothing to remove: no `<`, `(`, `+`, `@` or space.
    if !function.utf8.contains(where: { $0 == 0x3C || $0 == 0x28 || $0 == 0x2B || $0 == 0x40 || $0 == 0x20 }) {
      return function
    }
    var text = Substring(function)
    // A name that is all angle brackets names no template: Python's `<module>`, `<lambda>`,
    // gdb's `<signal handler called>`.
    if text.first == "<", text.last == ">", text.dropFirst().dropLast().allSatisfy({ $0 != "<" && $0 != ">" }) {
      return String(text)
    }
    // An offset the listing glued to the name.
    if let plus = text.lastIndex(of: "+"), text[text.index(after: plus)...].hasPrefix("0x") { text = text[..<plus] }
    var result = ""
    var angle = 0
    var paren = 0
    var index = text.startIndex
    while index < text.endIndex {
      let character = text[index]
      // Names the brackets below would take apart: `(anonymous namespace)` (gdb, Breakpad) and
      // operators spelled with `<`, `>` or `(`.
      if angle == 0 && paren == 0, character == "(" || character == "o", let kept = Self.keptSpelling(text, at: index) {
        result += kept
        index = text.utf8.index(index, offsetBy: kept.utf8.count)
        continue
      }
      switch character {
      case "<" where paren == 0:
        if angle == 0 { result += "<T>" }
        angle += 1
      case ">" where paren == 0 && angle > 0:
        angle -= 1
      case "(" where angle == 0:
        paren += 1
      case ")" where angle == 0 && paren > 0:
        paren -= 1
      default:
        if angle == 0 && paren == 0 { result.append(character) }
      }
      index = text.index(after: index)
    }
    // Trailing qualifiers after an argument list (`const`, `noexcept`).
    for qualifier in [" const", " noexcept", " volatile"] where result.hasSuffix(qualifier) {
      result.removeLast(qualifier.count)
    }
    return undecoratedC(result.trimmingCharacters())
  }

  /// The text at `index` kept as it is: `(anonymous namespace)`, a Go pointer receiver
  /// (`.(*Ledger)`), or `operator` and the symbol after it (`operator<<`, `operator->`,
  /// `operator()`, `operator<=>`).
  private static func keptSpelling(_ text: Substring, at index: Substring.Index) -> String? {
    let rest = text[index...]
    if rest.hasPrefix("(anonymous namespace)") { return "(anonymous namespace)" }
    // A Go method's pointer receiver: `main.(*Ledger).balance`, `net/http.(*conn).serve`.
    if rest.hasPrefix("(*"), index > text.startIndex, text[text.index(before: index)] == ".",
      let close = rest.prefix(256).firstIndex(of: ")"), !rest[rest.index(after: rest.startIndex)..<close].contains("(")
    {
      return String(rest[...close])
    }
    guard rest.hasPrefix("operator") else { return nil }
    if index > text.startIndex {
      let before = text[text.index(before: index)]
      guard !(before.isLetter || before.isNumber || before == "_") else { return nil }
    }
    let symbol = rest.dropFirst(8)
    for candidate in ["()", "<=>", "<<=", ">>=", "<<", ">>", "<=", ">=", "->*", "->", "<", ">"] where symbol.hasPrefix(candidate) {
      return "operator" + candidate
    }
    return nil
  }

  /// `_Name@12` → `Name`, `@Name@8` → `Name`; anything else as it is.
  static func undecoratedC(_ name: String) -> String {
    guard let at = name.lastIndex(of: "@"), at != name.startIndex else { return name }
    let digits = name[name.index(after: at)...]
    guard !digits.isEmpty, digits.allSatisfy({ $0.isASCII && $0.isNumber }) else { return name }
    let base = name[..<at]
    if base.hasPrefix("_") || base.hasPrefix("@"), base.count > 1 { return String(base.dropFirst()) }
    return name
  }
}

extension String {
  fileprivate func trimmingCharacters() -> String {
    var text = Substring(self)
    while text.first == " " { text = text.dropFirst() }
    while text.last == " " { text = text.dropLast() }
    return String(text)
  }
}
