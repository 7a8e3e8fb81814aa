//===--- SymbolPathTests.swift - _NT_SYMBOL_PATH as Windows users write it ---===//

import Symbolication
import Testing

@Suite("Symbol paths")
struct SymbolPathTests {
  @Test("directories, srv* with and without a cache, cache*, plain URLs, in order")
  func elements() {
    let path = SymbolPath(
      parsing: "/local/syms; srv*/tmp/cache*https://msdl.microsoft.com/download/symbols;srv*http://symbols.example/;"
        + "cache*/var/cache/syms;https://breakpad.example/store/;srv*/tmp/c2*/mnt/share",
      defaultCache: "/default")
    #expect(
      path.elements == [
        .directory("/local/syms"),
        .server(url: "https://msdl.microsoft.com/download/symbols", cache: "/tmp/cache"),
        .server(url: "http://symbols.example", cache: "/default"),
        .directory("/var/cache/syms"),
        .server(url: "https://breakpad.example/store", cache: "/var/cache/syms"),
        .directory("/tmp/c2"),
        .directory("/mnt/share"),
      ])
    #expect(path.notes.isEmpty)
  }

  @Test("symsrv*DLL* is read as srv* with a note; unknown prefixes and other schemes are dropped with a note")
  func notes() {
    let path = SymbolPath(
      parsing: "symsrv*symsrv.dll*/c*https://s.example;foo*bar;srv*/c*ftp://s.example;;  ", defaultCache: "/d")
    #expect(path.elements == [.server(url: "https://s.example", cache: "/c")])
    #expect(path.notes.count == 3)
    #expect(path.notes[0].contains("symsrv.dll"))
    #expect(path.notes[1].contains("unknown symbol path element foo*"))
    #expect(path.notes[2].contains("only http and https"))
  }

  @Test("what messages show of a server: no user:password")
  func withoutCredentials() {
    #expect(SymbolPath.withoutCredentials("https://me:secret@sym.example/store") == "https://sym.example/store")
    #expect(SymbolPath.withoutCredentials("https://sym.example/a@b") == "https://sym.example/a@b")
    #expect(SymbolPath.withoutCredentials("http://sym.example") == "http://sym.example")
  }
}
