//===--- FrameCatalogTests.swift - Which frames carry no information ---------===//

import CrashAnalysis
import CrashCore
import CrashTestSupport
import Foundation
import SignatureRules
import Signatures
import Testing

@Suite("Frame catalogs and the census")
struct FrameCatalogTests {
  @Test("the shipped catalogs load without a mistake and give the roles docs/signatures.md lists")
  func shippedCatalogs() throws {
    let loaded = BundledPlugins.frameCatalog()
    #expect(loaded.errors.isEmpty, "\(loaded.errors)")
    let catalog = loaded.catalog
    #expect(catalog.role(module: "KERNEL32", function: "RaiseException") == .irrelevant)
    #expect(catalog.role(module: "NT", function: "_RtlRaiseStatus") == .irrelevant, "a C name's underscore is tried without")
    #expect(catalog.role(module: "ntdll", function: "KiUserExceptionDispatch") == .handlerEntry)
    #expect(catalog.role(module: "libc.so.6", function: "<signal handler called>") == .handlerEntry)
    #expect(catalog.role(module: "libsystem_platform.dylib", function: "_sigtramp") == .handlerEntry)
    #expect(catalog.role(module: nil, function: "android.os.Looper.loop") == .common)
    #expect(catalog.role(module: nil, function: "core::panicking::panic_fmt") == .irrelevant)
    #expect(catalog.role(module: nil, function: "core::result::Result<T,E>::expect") == .prefix)
    #expect(catalog.role(module: nil, function: "std::rt::lang_start_internal") == .common)
    #expect(catalog.role(module: nil, function: "JSON.parse") == .prefix)
    #expect(catalog.role(module: nil, function: "Module._compile") == .common)
    #expect(catalog.role(module: nil, function: "java.util.ArrayList.get") == .prefix)
    #expect(catalog.role(module: nil, function: "kotlin.jvm.internal.Intrinsics.checkNotNullParameter") == .prefix)
    #expect(catalog.role(module: nil, function: "jdk.internal.reflect.DirectMethodHandleAccessor.invoke") == .common)
    #expect(catalog.role(module: "ntdll", function: "rtlfreeheap") == .prefix, "case is ignored")
    #expect(catalog.role(module: "libc.so.6", function: "__memcpy_avx_unaligned_erms") == .prefix, "a * pattern")
    #expect(catalog.role(module: "EMSMTA", function: "otpaasb") == .common)
    #expect(catalog.role(module: "STORE", function: "otpaasb") == .specific, "a module-specific entry is that module's only")
    #expect(catalog.role(module: "EMSMTA", function: "otpmralt") == .specific)
    #expect(catalog.role(module: "RPCRT4", function: "?DispatchToStub@RPC_INTERFACE@@QAEJPAU_RPC_MESSAGE@@IPAJ@Z") == .common)
    #expect(catalog.role(module: "EMSMTA", function: nil) == .specific)
  }

  @Test("a catalog's mistakes are errors with file and line")
  func mistakes() {
    let text = """
      product: test
      comon: [a]
      prefix: memcpy
      irrelevant:
        - ''
        - RaiseException

      """
    guard case .failure(let errors) = FrameCatalogParser.parse(text, file: "bad.yaml") else {
      Issue.record("a catalog with mistakes must not load")
      return
    }
    let messages = errors.errors.map(\.description)
    #expect(messages.contains { $0.hasPrefix("bad.yaml:2: unknown key 'comon'") })
    #expect(messages.contains { $0.hasPrefix("bad.yaml:3: 'prefix' must be a list") })
    #expect(messages.contains { $0.hasPrefix("bad.yaml:5: each entry of 'irrelevant'") })
    guard case .failure(let notYAML) = FrameCatalogParser.parse("common: [a\nprefix: b\n", file: "broken.yaml") else {
      Issue.record("text that is not YAML must not load")
      return
    }
    #expect(notYAML.errors.first?.line != nil, "a YAML error names its line, as in rule files")
    #expect(notYAML.errors.first?.message.hasPrefix("not valid YAML") == true)
  }

  @Test("a name with blanks is a mistake unless C++ puts them there")
  func blanksInNames() {
    let good = """
      common:
        - operator new
        - std::map<int, int>::find
        - KERNEL32!BaseThreadStart
      """
    guard case .success(let catalog) = FrameCatalogParser.parse(good, file: "good.yaml") else {
      Issue.record("C++ names with blanks must load")
      return
    }
    #expect(catalog.entries.map(\.function) == ["operator new", "std::map<int, int>::find", "BaseThreadStart"])
    guard case .failure(let errors) = FrameCatalogParser.parse("common:\n  - the dispatch loop\n", file: "prose.yaml") else {
      Issue.record("a sentence is not a frame name")
      return
    }
    #expect(errors.errors.first?.description.hasPrefix("prose.yaml:2: each entry of 'common'") == true)
  }

  /// The signature of a fixture in Tests/Fixtures/pastes, analysed as `analyse` would.
  static func signature(ofPaste name: String, catalog: FrameCatalog) throws -> String? {
    let report = try Analyser().analyse(path: Fixtures.path("pastes/\(name)"))
    return CrashSignature.signature(of: ClassifiedCrash(report, catalog: catalog))
  }

  @Test("Go: the runtime's panic and signal frames skipped, waits passed through; one crash, one signature at every GOTRACEBACK level")
  func goSignatures() throws {
    let catalog = BundledPlugins.frameCatalog().catalog
    #expect(catalog.role(module: nil, function: "runtime.sigpanic") == .irrelevant)
    #expect(catalog.role(module: nil, function: "runtime.goPanicIndex") == .irrelevant, "a * pattern")
    #expect(catalog.role(module: nil, function: "sync.(*Mutex).Lock") == .prefix)
    #expect(catalog.role(module: nil, function: "runtime.goexit") == .common)
    #expect(catalog.role(module: nil, function: "main.settle") == .specific)
    func signature(_ name: String) throws -> String? { try Self.signature(ofPaste: name, catalog: catalog) }
    // Package main's functions are qualified by their program's directory (every Go program has
    // a main.main); cgo's generated file has no directory.
    #expect(try signature("go-nil-dereference.txt") == "nilderef:main.(*Ledger).balance")
    #expect(try signature("go-nil-dereference-system.txt") == "nilderef:main.(*Ledger).balance")
    #expect(try signature("go-concurrent-map-writes.txt") == "mapwrites:main.fill")
    #expect(try signature("go-cgo-sigsegv.txt") == "runtime.cgocall | main._Cfunc_record")
    // The test runner's re-raise is no crash site: the method that dereferenced nil is.
    #expect(try signature("go-test-failure.txt") == "ledgertest.(*Ledger).Balance")
    // The shipped EMSMTA maps were learned at 0x400000 from NT 4 listings: no guess for an amd64
    // Go frame at 0x48144d.
    let report = try Analyser().analyse(path: Fixtures.path("pastes/go-nil-dereference-system.txt"))
    #expect(report.moduleSymbols.isEmpty && report.diagnostics.isEmpty, "\(report.moduleSymbols) \(report.diagnostics)")
  }

  @Test("Apple: the abort and exception path skipped, objc_msgSend passed through, Objective-C names as printed")
  func appleSignatures() throws {
    let catalog = BundledPlugins.frameCatalog().catalog
    #expect(catalog.role(module: "libsystem_kernel.dylib", function: "__pthread_kill") == .irrelevant)
    #expect(catalog.role(module: "CoreFoundation", function: "-[NSException raise]") == .irrelevant, "a name with a blank")
    #expect(catalog.role(module: "libobjc.A.dylib", function: "objc_msgSend") == .prefix)
    #expect(catalog.role(module: "CoreFoundation", function: "-[__NSArrayM objectAtIndex:]") == .prefix)
    #expect(catalog.role(module: "libdispatch.dylib", function: "_dispatch_client_callout") == .common)
    #expect(catalog.role(module: "Ledger", function: "-[LDGAccountList accountAtIndex:]") == .specific)
    func signature(_ name: String) throws -> String? { try Self.signature(ofPaste: name, catalog: catalog) }
    #expect(try signature("crashlytics-fabric.txt") == "-[__NSArrayM objectAtIndex:] | -[LDGAccountList accountAtIndex:]")
    #expect(try signature("crashlytics-firebase.txt") == "objc_msgSend | LedgerStore.balance")
  }

  @Test(".NET: throw helpers skipped, LINQ passed through to its caller, the dispatcher common")
  func dotnetSignatures() throws {
    let catalog = BundledPlugins.frameCatalog().catalog
    #expect(catalog.role(module: nil, function: "System.Linq.ThrowHelper.ThrowNoElementsException()") == .irrelevant)
    #expect(catalog.role(module: nil, function: "System.Linq.Enumerable.First[TSource](IEnumerable`1 source)") == .prefix)
    #expect(catalog.role(module: nil, function: "System.Threading.ExecutionContext.RunInternal(ExecutionContext)") == .common)
    #expect(catalog.role(module: nil, function: "Ledger.Store.Latest()") == .specific)
    func signature(_ name: String) throws -> String? { try Self.signature(ofPaste: name, catalog: catalog) }
    #expect(try signature("dotnet-event-1026.txt") == "System.Xml.XmlTextReaderImpl.Throw")
    #expect(try signature("dotnet-console-inner.txt") == "Microsoft.Win32.SafeHandles.SafeFileHandle.CreateFile")
  }

  @Test("Java VM: its error path skipped, its calls into Java common; a JNI library's function names the crash")
  func javaSignatures() throws {
    let catalog = BundledPlugins.frameCatalog().catalog
    #expect(catalog.role(module: "libjvm.so", function: "VMError::report_and_die(int, char const*, char const*)") == .irrelevant)
    #expect(catalog.role(module: "libjvm.so", function: "JavaCalls::call_helper(JavaValue*, methodHandle const&)") == .common)
    #expect(catalog.role(module: nil, function: "~StubRoutines::call_stub") == .common)
    func signature(_ name: String) throws -> String? { try Self.signature(ofPaste: name, catalog: catalog) }
    #expect(try signature("hotspot-linux.log") == "ledger_balance")
    #expect(try signature("hotspot-windows.txt") == "ledgernative+0x1b61b")
  }

  @Test("Linux kernel: the oops machinery skipped, the faulting function named, at every kernel's layout")
  func kernelSignatures() throws {
    let catalog = BundledPlugins.frameCatalog().catalog
    #expect(catalog.role(module: nil, function: "asm_exc_page_fault") == .irrelevant)
    #expect(catalog.role(module: nil, function: "__asan_load8") == .irrelevant, "a * pattern")
    #expect(catalog.role(module: nil, function: "entry_SYSCALL_64_after_hwframe") == .common)
    func signature(_ name: String) throws -> String? { try Self.signature(ofPaste: name, catalog: catalog) }
    #expect(try signature("kernel-oops-x86_64-6.1.txt") == "ledger_read")
    #expect(try signature("kernel-oops-x86_64-3.10.txt") == "ledger_find")
    #expect(try signature("kernel-oops-arm64-journal.txt") == "sensor_poll")
    #expect(try signature("kernel-warning-5.15.txt") == "dev_watchdog")
    #expect(try signature("kernel-oops-arm-4.19.txt") == "sensor_read")
    #expect(try signature("kernel-oops-arm-6.6.txt") == "ledger_commit")
    #expect(try signature("kernel-warning-arm-5.10.txt") == "gpiod_set_value")
  }

  @Test("Windows kernel: a bug check's dispatch and trap frames skipped down to the driver, named by module+offset")
  func windowsBugCheckSignature() throws {
    let catalog = BundledPlugins.frameCatalog().catalog
    #expect(catalog.role(module: "nt", function: "KiBugCheckDispatch") == .irrelevant)
    #expect(try Self.signature(ofPaste: "analyze-bugcheck-a-x64.txt", catalog: catalog) == "ledgerflt+0x1b2c")
  }

  @Test("Swift before 5.9: the runtime's reporting frames skipped, its unnamed internals between them too")
  func swiftCurrentTraceSignature() throws {
    let catalog = BundledPlugins.frameCatalog().catalog
    // `$s6ledger7balance2ofS2i_tF` as printed, `balance(of:)` demangled.
    #expect(try Self.signature(ofPaste: "swift-current-stack-trace.txt", catalog: catalog) == "balance")
  }

  @Test("the census counts distinct crashes: copies of one crash count once")
  func census() {
    func report(_ functions: [String]) -> CrashReport {
      var report = CrashReport(input: InputDescription(name: "t", kind: .text, byteCount: 0))
      report.threads = [
        CrashThread(
          frames: functions.enumerated().map { index, name in
            StackFrame(index: index, symbol: FrameSymbol(module: "app", function: name, offset: 4), trust: .text)
          })
      ]
      return report
    }
    let catalog = FrameCatalog([.init("app!threadstart", role: .common)])
    var census = FrameCensus()
    for _ in 0..<5 { census.add(ClassifiedCrash(report(["crashA", "dispatch", "threadstart"]), catalog: catalog)) }
    census.add(ClassifiedCrash(report(["crashB", "dispatch", "threadstart"]), catalog: catalog))
    census.add(ClassifiedCrash(report(["crashC", "other", "threadstart"]), catalog: catalog))
    #expect(census.crashes == 3)
    let rows = census.rows(minimumCrashes: 2)
    #expect(rows.map(\.frame) == ["APP!threadstart", "APP!dispatch"])
    #expect(rows.first?.crashes == 3)
    #expect(rows.first?.role == .common)
    #expect(rows.last?.role == .specific)
    #expect(census.rows(minimumCrashes: 1, minimumShare: 1.0).map(\.frame) == ["APP!threadstart"])
  }
}
