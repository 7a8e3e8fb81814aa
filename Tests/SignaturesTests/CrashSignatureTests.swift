//===--- CrashSignatureTests.swift - Buckets built as Socorro builds them ----===//

import CrashAnalysis
import CrashCore
import CrashTestSupport
import Foundation
import Signatures
import Symbolication
import Testing

@Suite("Crash signatures")
struct CrashSignatureTests {
  static let catalog = FrameCatalog([
    .init("ntdll!KiUserExceptionDispatcher", role: .irrelevant), .init("RaiseException", role: .irrelevant),
    .init("memcpy", role: .prefix), .init("RtlFreeHeap", role: .prefix), .init("__memcpy_*", role: .prefix),
    .init("KERNEL32!BaseThreadStart", role: .common), .init("KiUserExceptionDispatch", role: .handlerEntry),
    .init("<signal handler called>", role: .handlerEntry), .init("UnhandledExceptionFilter", role: .irrelevant),
  ])

  static func signature(_ frames: [StackFrame], modules: [CodeModule] = []) -> String? {
    var report = CrashReport(input: InputDescription(name: "t", kind: .text, byteCount: 0))
    report.threads = [CrashThread(frames: frames)]
    report.modules = modules
    return CrashSignature.signature(of: ClassifiedCrash(report, catalog: catalog))
  }

  static func named(_ index: Int, _ module: String?, _ function: String, offset: UInt64? = 4) -> StackFrame {
    StackFrame(index: index, symbol: FrameSymbol(module: module, function: function, offset: offset), trust: .text)
  }

  @Test("irrelevant frames are skipped; the first specific frame ends the signature")
  func irrelevantFrames() {
    let frames = [
      Self.named(0, "ntdll", "KiUserExceptionDispatcher"), Self.named(1, "KERNEL32", "RaiseException"),
      Self.named(2, "app", "std::vector<int>::at(unsigned long) const"), Self.named(3, "app", "main"),
    ]
    #expect(Self.signature(frames) == "std::vector<T>::at")
  }

  @Test("a fault handler's frames (a crash handler, Windows Error Reporting waiting on its report) are skipped with the handler's entry")
  func handlerFrames() {
    let reporting = [
      Self.named(0, "ntdll", "ZwWaitForMultipleObjects"), Self.named(1, "KERNELBASE", "WaitForMultipleObjectsEx"),
      Self.named(2, "kernel32", "WerpReportFault"), Self.named(3, "KERNELBASE", "UnhandledExceptionFilter"),
      Self.named(4, "ntdll", "RtlUserThreadStart$filt$0"), Self.named(5, "ntdll", "RtlDispatchException"),
      Self.named(6, "ntdll", "KiUserExceptionDispatch"), Self.named(7, "ledgersvc", "Ledger::Close"),
    ]
    #expect(Self.signature(reporting) == "Ledger::Close")
    let handler = [
      Self.named(0, "libc.so.6", "abort"), Self.named(1, "ledger", "crash_handler"), Self.named(2, nil, "<signal handler called>"),
      Self.named(3, "ledger", "ledger_close"),
    ]
    #expect(Self.signature(handler) == "ledger_close")
    // A plugin's top frame is the same one.
    var report = CrashReport(input: InputDescription(name: "t", kind: .text, byteCount: 0))
    report.threads = [CrashThread(frames: handler)]
    #expect(ClassifiedCrash(report, catalog: Self.catalog).topIndex(thread: 0) == 3)
    // Without an entry, the same frames are the crash's own.
    #expect(Self.signature(Array(reporting.prefix(2))) == "ZwWaitForMultipleObjects")
  }

  @Test("a name printed with its argument list takes the role of its plain name")
  func rolesOfNamesWithArguments() {
    let frames = [
      Self.named(0, "KERNEL32", "RaiseException(unsigned long, unsigned long)"), Self.named(1, "libc.so.6", "memcpy()"),
      Self.named(2, "app", "Ledger.balance(of:)"),
    ]
    #expect(Self.signature(frames) == "memcpy | Ledger.balance")
  }

  @Test("prefix frames are kept and the signature goes on; pattern entries match")
  func prefixFrames() {
    let frames = [
      Self.named(0, "ntdll", "RtlFreeHeap"), Self.named(1, "libc.so.6", "__memcpy_avx_unaligned_erms"),
      Self.named(2, "EXCHMEM", "_ExchMHeapFree@8"), Self.named(3, "app", "main"),
    ]
    #expect(Self.signature(frames) == "RtlFreeHeap | __memcpy_avx_unaligned_erms | ExchMHeapFree")
  }

  @Test("offsets, argument lists and templates do not split a bucket")
  func normalisation() {
    let a = Self.signature([Self.named(0, "STORE", "CACHE::EcCacheOneProp(unsigned long, void *)", offset: 0x10)])
    let b = Self.signature([Self.named(0, "store", "CACHE::EcCacheOneProp", offset: 0x9c)])
    #expect(a == b)
    #expect(a == "CACHE::EcCacheOneProp")
    #expect(CrashSignature.normalized("std::map<int, std::vector<char>>::find(int const&) const") == "std::map<T>::find")
    #expect(CrashSignature.normalized("_otpmralt@12") == "otpmralt")
    #expect(CrashSignature.normalized("@FastCall@8") == "FastCall")
    #expect(CrashSignature.normalized("operator()") == "operator()")
    // Parentheses and angle brackets that are part of the name stay.
    #expect(CrashSignature.normalized("(anonymous namespace)::store") == "(anonymous namespace)::store")
    #expect(
      CrashSignature.normalized("void (anonymous namespace)::refresh<(anonymous namespace)::Widget>(Widget*, int)")
        == "void (anonymous namespace)::refresh<T>")
    #expect(CrashSignature.normalized("std::ostream::operator<<(int)") == "std::ostream::operator<<")
    #expect(CrashSignature.normalized("Iter::operator->() const") == "Iter::operator->")
    #expect(CrashSignature.normalized("Less::operator<(Key const&, Key const&)") == "Less::operator<")
    #expect(CrashSignature.normalized("Fn::operator()(int) const") == "Fn::operator()")
    #expect(CrashSignature.normalized("cooperator(int)") == "cooperator")
    // Go's pointer receivers; its argument words go.
    #expect(CrashSignature.normalized("main.(*Ledger).balance") == "main.(*Ledger).balance")
    #expect(CrashSignature.normalized("net/http.(*conn).serve(0xc000, {0x1, 0x2})") == "net/http.(*conn).serve")
    #expect(CrashSignature.normalized("main.Map[...](...)") == "main.Map[...]")
  }

  @Test("unnamed frames are module+0xoffset: different code in one module, different buckets")
  func unnamedFrames() {
    let modules = [CodeModule(name: "C:\\EXCHSRVR\\BIN\\STORE.EXE", base: Address(0x400000), size: 0x200000)]
    let first = Self.signature([StackFrame(index: 0, instruction: Address(0x4012a0), trust: .context)], modules: modules)
    let second = Self.signature([StackFrame(index: 0, instruction: Address(0x4a0000), trust: .context)], modules: modules)
    #expect(first == "@0x4012a0")
    #expect(second == "@0x4a0000")
    // With the module known from a symbol, and its base from the module list:
    let named = Self.signature(
      [StackFrame(index: 0, instruction: Address(0x4012a0), symbol: FrameSymbol(module: "STORE"), trust: .context)],
      modules: modules)
    #expect(named == "store+0x12a0")
    #expect(
      Self.signature([StackFrame(index: 0, symbol: FrameSymbol(module: "STORE", moduleOffset: 0x1a2b), trust: .text)])
        == "store+0x1a2b")
  }

  @Test("a name all in angle brackets is kept whole, not read as template arguments")
  func angleBracketNames() {
    #expect(CrashSignature.normalized("<module>") == "<module>")
    #expect(CrashSignature.normalized("<signal handler called>") == "<signal handler called>")
    #expect(CrashSignature.normalized("std::vector<int>::at") == "std::vector<T>::at")
    #expect(CrashSignature.normalized("<ledger::Journal as core::ops::Drop>::drop") == "<T>::drop")
  }

  @Test("frames with neither module nor function are prefix frames: @0xaddress, then on")
  func unknownFrames() {
    let frames = [
      StackFrame(index: 0, instruction: Address(0x1234), trust: .scan), Self.named(1, "SNADMOD", "sepdq2_int"),
    ]
    #expect(Self.signature(frames) == "@0x1234 | sepdq2_int")
  }

  @Test("the bundled Q276222 log, its minidump and its kb listing: one signature", .enabled(if: SharedFixtures.has("kb"), "needs ../shared/kb, the KB sample beside the checkout"))
  func q276222Sources() throws {
    let pipeline = BundledPlugins.pipeline()
    let store = SymbolStore(roots: [Fixtures.repositoryRoot + "/Symbols"])
    func signature(_ path: String) throws -> String? {
      let report = try Analyser().analyse(path: path, unwindData: StoreUnwindData(store: store))
      return pipeline.classify(Symbolicator(store: store).symbolicate(report)).signature
    }
    let log = try signature(Fixtures.repositoryRoot + "/Examples/Q276222/drwtsn32.log")
    #expect(log == "otpmralt")
    #expect(try signature(Fixtures.repositoryRoot + "/Examples/Q276222/emsmta.dmp") == log)
    #expect(try signature(SharedFixtures.path("kb/Q276222.md")) == log)
  }

  @Test("Go frames: package main's functions qualified by their program's directory, other packages by their import paths")
  func goFrames() {
    #expect(CrashSignature.goProgramName(function: "main.main", file: "/src/ledger/cmd/ledgerd/main.go") == "ledgerd")
    #expect(CrashSignature.goProgramName(function: "main.(*Ledger).balance", file: "C:\\src\\ledger\\ledger.go") == "ledger")
    #expect(CrashSignature.goProgramName(function: "main.main", file: "ledger/main.go") == "ledger", "-trimpath")
    #expect(CrashSignature.goProgramName(function: "github.com/x/ledger.Open", file: "/src/ledger/open.go") == nil)
    #expect(CrashSignature.goProgramName(function: "main.main", file: "main.go") == nil)
    #expect(CrashSignature.goProgramName(function: "main.main", file: "/src/ledger/main.c") == nil)
    let view = FrameView(thread: 0, index: 0, module: nil, function: "main.main", offset: nil, sourceFile: "/src/ledgerd/main.go")
    #expect(CrashSignature.part(view) == "ledgerd:main.main")
  }

  @Test("Python frames: the script qualifies the function; the standard library's and installed packages' frames are prefix frames")
  func pythonFrames() {
    #expect(CrashSignature.scriptName("/srv/app/ledger/close.py") == "close.py")
    #expect(CrashSignature.scriptName("C:\\app\\ledger\\__init__.py") == "ledger/__init__.py")
    #expect(CrashSignature.scriptName("/srv/app/ledger.c") == nil && CrashSignature.scriptName(nil) == nil)
    #expect(!FrameView.isPythonLibraryFile("/usr/lib/python3.11/site-packages/notebook/static/main.js"))
    for library in [
      "/usr/lib/python3.11/json/decoder.py", "/srv/app/venv/lib/python3.12/site-packages/requests/models.py",
      "/usr/lib/python3/dist-packages/apt/cache.py", "<frozen importlib._bootstrap>", "C:\\Python312\\Lib\\json\\decoder.py",
      "C:\\Users\\u\\AppData\\Local\\Programs\\Python\\Python312\\Lib\\site-packages\\click\\core.py",
    ] {
      #expect(FrameView.isPythonLibraryFile(library), "\(library)")
    }
    for own in ["/srv/app/ledger/close.py", "/home/u/python3-projects/ledger/lib/close.py", "C:\\app\\lib\\close.py", "main.c"] {
      #expect(!FrameView.isPythonLibraryFile(own), "\(own)")
    }
    let report = Analyser().analyse(text: """
      Traceback (most recent call last):
        File "/srv/app/ledger/rates.py", line 30, in fetch_rates
          response.raise_for_status()
        File "/srv/app/venv/lib/python3.12/site-packages/requests/models.py", line 1021, in raise_for_status
          raise HTTPError(http_error_msg, response=self)
      requests.exceptions.HTTPError: 503 Server Error
      """)
    #expect(CrashSignature.signature(of: report) == "models.py:raise_for_status | rates.py:fetch_rates")
    // An installed package's JavaScript is passed through the same way.
    #expect(FrameView.isJavaScriptPackageFile("/srv/app/node_modules/express/lib/router/layer.js"))
    #expect(!FrameView.isJavaScriptPackageFile("/srv/app/lib/router.js"))
    let node = Analyser().analyse(text: """
      TypeError: Cannot read properties of undefined (reading 'value')
          at Layer.handle (/srv/app/node_modules/express/lib/router/layer.js:95:5)
          at Ledger.balance (/srv/app/ledger.js:12:26)
      """)
    #expect(CrashSignature.signature(of: node) == "layer.js:Layer.handle | ledger.js:Ledger.balance")
  }

  @Test("JavaScript frames: the file qualifies the function, its bundler's content hashes, query and fragment taken out")
  func javaScriptFrames() {
    let names: [(String, String?)] = [
      ("https://app.example.com/static/js/main.8f3a2b1c.chunk.js", "main.chunk.js"),
      ("https://app.example.com/static/js/2.3f2a1c9e.chunk.js?v=3#x", "2.chunk.js"),
      ("/assets/index-BfK3x9aQ.js", "index.js"),
      ("/assets/chunk-3UGBQBGZ.mjs", "chunk.mjs"),
      ("polyfills-es2015.abc123def.js", "polyfills-es2015.js"),
      ("webpack:///./src/App.tsx", "App.tsx"),
      ("C:\\srv\\app\\ledger.js", "ledger.js"),
      ("/srv/app/jquery-3.6.0.min.js", "jquery-3.6.0.min.js"),
      ("/srv/app/vendors~main.bundle.js", "vendors~main.bundle.js"),
      ("node:internal/process/task_queues", nil), ("<anonymous>", nil), ("/srv/app/ledger.json", nil),
    ]
    for (file, expected) in names { #expect(CrashSignature.scriptName(file) == expected, "\(file)") }
    // Two builds of one bundle, hashed differently: one bucket. A bare `render` in another bundle: another.
    func signature(_ file: String) -> String? {
      CrashSignature.signature(of: Analyser().analyse(text: """
        TypeError: Cannot read properties of undefined (reading 'id')
            at render (\(file):2:14523)
            at HTMLButtonElement.onClick (\(file):2:15011)
        """))
    }
    let first = signature("https://app.example.com/static/js/main.8f3a2b1c.chunk.js")
    #expect(first == "main.chunk.js:render")
    #expect(signature("https://app.example.com/static/js/main.0c41d2e7.chunk.js") == first)
    #expect(signature("https://app.example.com/static/js/admin.0c41d2e7.chunk.js") == "admin.chunk.js:render")
  }

  @Test("the shipped catalogs bucket today's pastes by the code that failed", arguments: [
    ("pastes/rust-panic.txt", "core::option::Option<T>::unwrap | ledgersvc::ledger::Ledger::close"),
    ("pastes/python-chained.txt", "store.py:latest"),
    ("pastes/android-anr.txt", "com.example.ledger.Store.balance"),
    ("pastes/valgrind-memcheck.txt", "ledger_close"),
    ("pastes/java-caused-by.txt", "com.example.ledger.Disk.write"),
    ("pastes/node-uncaught.txt", "ledger.js:Ledger.balance"),
    ("pastes/drmemory-results.txt", "Ledger::Close"),
    // `$s6ledger7balance2ofS2i_tF`, demangled to `balance(of:)`.
    ("pastes/swift-current-stack-trace.txt", "balance"),
    ("pastes/ipython-chained.txt", "store.py:Store.load"),
    ("pastes/pytest-failures.txt", "store.py:load"),
  ])
  func shippedCatalogsOnPastes(_ fixture: String, _ expected: String) throws {
    let pipeline = BundledPlugins.pipeline()
    let report = try Analyser().analyse(path: Fixtures.path(fixture))
    #expect(pipeline.classify(report).signature == expected)
  }

  @Test("a full Rust backtrace: the frames above the panic's entry into std's hook print it, and are passed over")
  func rustPrinterFrames() throws {
    let text = """
      thread 'main' panicked at src/ledger.rs:42:17:
      called `Option::unwrap()` on a `None` value
      stack backtrace:
         0:     0x55d5d8e4b4f5 - std::backtrace_rs::backtrace::libunwind::trace::h5d7b0c1c7d2e6a5f
         1:     0x55d5d8e4b4f5 - std::sys::backtrace::_print_fmt::h178cfc5ed958c5cf
         2:     0x55d5d8e4b4f5 - <std::sys::backtrace::BacktraceLock::print::DisplayBacktrace as core::fmt::Display>::fmt::h0ed57d89d7f89924
         3:     0x55d5d8e4c000 - core::fmt::write::h9ffde816c577717b
         4:     0x55d5d8e4d000 - std::panicking::default_hook::{{closure}}::h393bcea75423915a
         5:     0x55d5d8e4e000 - std::panicking::rust_panic_with_hook::h1a2b3c4d5e6f7a8b
         6:     0x55d5d8e4f000 - rust_begin_unwind
         7:     0x55d5d8e50000 - core::panicking::panic_fmt::h0a1b2c3d4e5f6a7b
         8:     0x55d5d8e51000 - core::option::unwrap_failed::h1b2c3d4e5f6a7b8c
         9:     0x55d5d8e52000 - ledgersvc::ledger::Ledger::close::h9a8b7c6d5e4f3a2b
      """
    let file = try TemporaryFile(text: text)
    #expect(BundledPlugins.pipeline().classify(try Analyser().analyse(path: file.path)).signature == "ledgersvc::ledger::Ledger::close")
  }

  @Test("two crashes that differ only in offsets inside the same functions: one signature")
  func offsetsOnly() {
    let first = [Self.named(0, "EMSMTA", "otpmralt", offset: 0x25), Self.named(1, "EMSMTA", "otpurert", offset: 0x307)]
    let second = [Self.named(0, "EMSMTA", "otpmralt", offset: 0x31), Self.named(1, "EMSMTA", "otpurert", offset: 0x2f0)]
    #expect(Self.signature(first) == Self.signature(second))
  }
}
