//===--- MSVCDemanglerTests.swift - Signatures from decorated names ---------===//
//
// Each pair: a decorated name from basic32-min.pdb (Mozilla dump_syms' test data)
// and the text dump_syms wrote for it, which the demangler reproduces.
//
//===----------------------------------------------------------------------===//

import Demangling
import Testing

@Suite("MSVC demangler")
struct MSVCDemanglerTests {
  @Test(
    "signatures as dump_syms writes them",
    arguments: [
      ("?test1@@YAXPAH@Z", "test1(int*)"),
      ("?test3@@YAXHIF@Z", "test3(int, unsigned int, short)"),
      ("?meth1@A@@QAEXFC@Z", "A::meth1(short, signed char)"),
      ("??0A@@QAE@XZ", "A::A(void)"),
      ("??1A@@QAE@XZ", "A::~A(void)"),
      ("?test7@@YAHP6AXHIGPAN@Z@Z", "test7(void (*)(int, unsigned int, unsigned short, double*))"),
      (
        "??1?$basic_string@DU?$char_traits@D@std@@V?$allocator@D@2@@std@@QAE@XZ",
        "std::basic_string<char, std::char_traits<char>, std::allocator<char> >::~basic_string<char, std::char_traits<char>, std::allocator<char> >(void)"
      ),
      ("?getString@pDNameNode@@UBEPADPAD0@Z", "pDNameNode::getString(char*, char*) const"),
      ("??_Gbad_exception@std@@UAEPAXI@Z", "std::bad_exception::`scalar deleting destructor'(unsigned int)"),
      ("??0DName@@QAE@_J@Z", "DName::DName(int64_t)"),
      ("?test10@@YAPAPAPAPAPAPAPAPAPAPAPAPAPAPAPAPAPAKAAPAD@Z", "test10(char*&)"),
      ("?test_array@@YAHQADQAY0CC@HQAY1CC@DI@V?$basic_string@DU?$char_traits@D@std@@V?$allocator@D@2@@std@@QAY2CC@DI@EO@PAN@Z",
        "test_array(char* const, int (* const)[34], std::basic_string<char, std::char_traits<char>, std::allocator<char> > (* const)[34][56], double* (* const)[34][56][78])"),
    ])
  func signatures(decorated: String, expected: String) {
    #expect(MSVCDemangler.demangle(decorated) == expected)
  }

  @Test("C names lose their decoration; what is not a decorated function falls back, whole")
  func fallbacks() {
    #expect(MSVCDemangler.publicName("___acrt_CompareStringEx@36") == "__acrt_CompareStringEx")
    #expect(MSVCDemangler.publicName("@__security_check_cookie@4") == "__security_check_cookie")
    #expect(MSVCDemangler.demangle("?broken@@YAXPAZ") == nil)
    #expect(MSVCDemangler.publicName("?broken@@YAXPAZ") == "broken")
    #expect(MSVCDemangler.demangle(String(repeating: "?$", count: 3000)) == nil)
    #expect(MSVCDemangler.demangle("?" + String(repeating: "P", count: 2000)) == nil)
  }
}
