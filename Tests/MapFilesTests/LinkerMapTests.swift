//===--- LinkerMapTests.swift - MSVC linker maps ------------------------------===//

import CrashCore
import CrashTestSupport
import Demangling
import MapFiles
import Testing

@Suite("MSVC linker maps")
struct LinkerMapTests {
  @Test("lld-link's map: header, sections, publics, statics, entry point")
  func lldMap() throws {
    let map = try LinkerMapFile(path: Fixtures.path("map/lld_demo.map"))
    #expect(map.moduleName == "lld_demo")
    #expect(map.timestamp == 0)
    #expect(map.preferredLoadAddress == 0x400000)
    #expect(map.sections.count == 3)
    #expect(map.entryPoint?.section == 1)
    #expect(map.entryPoint?.offset == 0x20)
    #expect(map.symbols.count == 9)
    #expect(map.diagnostics.isEmpty)

    let compute = try #require(map.lookup(0x1005))
    #expect(compute.function.name == "compute")
    #expect(compute.functionStart == 0x1000)
    #expect(compute.functionSize == 0x10)
    #expect(map.lookup(0x1012)?.function.name == "helper")  // from Static symbols
    #expect(map.lookup(0x1033)?.function.name == "mta::Queue::push")
    #expect(map.lookup(0x1041)?.function.name == "fast_add")
    #expect(map.lookup(0x1050)?.function.name == "overloaded")
    // .text is 0x67 bytes: nothing past its end.
    #expect(map.lookup(0x1066)?.function.name == "overloaded")
    #expect(map.lookup(0x1067) == nil)
    #expect(map.lookup(0x0fff) == nil)
    let push = try #require(map.symbols.first { $0.name == "mta::Queue::push" })
    #expect(push.decoratedName == "?push@Queue@mta@@QAEHH@Z")
    #expect(push.object == "queue.obj")
  }

  @Test("LINK 6.0 layout: f and i flags, library objects, linker-defined rows")
  func msvc6Layout() throws {
    let map = try LinkerMapFile(path: Fixtures.path("map/msvc6_layout.map"))
    #expect(map.moduleName == "sample")
    #expect(map.timestamp == 0x35a6_d4c6)
    #expect(map.preferredLoadAddress == 0x400000)
    #expect(map.lookup(0x1050)?.function.name == "QueuePush")
    #expect(map.lookup(0x1090)?.function.name == "QueueGrow")
    #expect(map.lookup(0x1130)?.function.name == "Queue::Drain")
    #expect(map.lookup(0x1200)?.function.name == "Queue::Queue")
    #expect(map.lookup(0x1250)?.function.name == "Queue::~Queue")
    #expect(map.lookup(0x1301)?.function.name == "FastSum")
    #expect(map.lookup(0x13c4)?.function.name == "LocalHelper")
    #expect(map.lookup(0x2fff)?.function.name == "LocalHelper")  // .text: RVA 0x1000, 0x2000 bytes
    #expect(map.lookup(0x3500) == nil)  // past .rdata's 0x400 bytes
    #expect(map.lookup(0x3004)?.function.name == "Queue::`vftable'")
    let drain = try #require(map.symbols.first { $0.decoratedName == "?Drain@Queue@@QAEHXZ" })
    #expect(drain.isFunction)
    #expect(drain.line == 16)
    #expect(map.symbols.first { $0.decoratedName == "_memcpy" }?.object == "LIBC:memcpy.obj")
    #expect(!map.symbols.contains { $0.decoratedName == "___ImageBase" })
  }

  @Test("undecoration: C conventions, C++ scopes, constructors, operators; the rest unchanged")
  func undecoration() {
    let cases: [(String, String)] = [
      ("_otpmralt@12", "otpmralt"), ("_entry", "entry"), ("@fast_add@8", "fast_add"),
      ("?push@Queue@mta@@QAEHH@Z", "mta::Queue::push"), ("??0Queue@mta@@QAE@XZ", "mta::Queue::Queue"),
      ("??1Queue@@UAE@XZ", "Queue::~Queue"), ("??4Queue@@QAEAAV0@ABV0@@Z", "Queue::operator="),
      ("??2@YAPAXI@Z", "operator new"), ("??_GQueue@@UAEPAXI@Z", "Queue::`scalar deleting destructor'"),
      ("?count@Queue@mta@@2HA", "mta::Queue::count"), ("?f@?$vector@H@std@@QAEXXZ", "?f@?$vector@H@std@@QAEXXZ"),
      ("plain", "plain"), ("?", "?"), ("??", "??"), ("?9@@", "?9@@"), ("_", "_"),
    ]
    for (decorated, expected) in cases {
      #expect(MSVCUndecorator.undecorate(decorated) == expected, "\(decorated)")
    }
  }

  @Test("damaged maps: not a map, garbage rows, binary bytes")
  func damaged() throws {
    let prose = try TemporaryFile(text: "just some text\nwith lines\n", suffix: ".map")
    #expect(throws: LinkerMapError.notALinkerMap(path: prose.path)) { try LinkerMapFile(path: prose.path) }
    let rows = try TemporaryFile(
      text: " x\n\n  Address         Publics by Value              Rva+Base     Lib:Object\n\n"
        + " 0001:00000000 _good 00401000 f a.obj\n 0001:zz _bad 00401010\n 0001:00000020 _nobase\n"
        + " 0001:00000030 _also_good 00401030 f a.obj\n",
      suffix: ".map")
    let map = try LinkerMapFile(path: rows.path)
    #expect(map.symbols.map(\.name) == ["good", "also_good"])
    #expect(map.diagnostics.map(\.line) == [7])
    let binary = try TemporaryFile(Array(SeededBytes(seed: 3, count: 200_000)), suffix: ".map")
    #expect(throws: LinkerMapError.self) { try LinkerMapFile(path: binary.path) }
    var many = " m\n  Address         Publics by Value              Rva+Base     Lib:Object\n"
    for index in 0..<100_000 { many += " 0001:\(index) name\n" }
    let big = try TemporaryFile(text: many, suffix: ".map")
    let loaded = try LinkerMapFile(path: big.path)
    #expect(loaded.symbols.isEmpty)
    #expect(loaded.diagnostics.count == 101)
  }
}
