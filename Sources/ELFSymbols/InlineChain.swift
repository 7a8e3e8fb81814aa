//===--- InlineChain.swift - The inlined calls at an address ----------------===//
//
// From a subprogram DIE down through lexical blocks to the deepest
// DW_TAG_inlined_subroutine whose ranges hold the address. Each inlined DIE
// names its origin (through DW_AT_abstract_origin) and the call site in its
// caller (DW_AT_call_file / call_line / call_column).
//
//===----------------------------------------------------------------------===//

import CLibDW

/// One inlined call on the way down to the address.
struct InlinedCall {
  var name: String
  var callFile: String?
  var callLine: Int?
  var callColumn: Int?
}

enum InlineChain {
  /// Inlined calls holding `address` inside `function`, outermost first.
  static func calls(in function: inout Dwarf_Die, at address: UInt64, maximumDepth: Int = 256) -> [InlinedCall] {
    var calls: [InlinedCall] = []
    var parent = function
    var depth = 0
    descend: while depth < maximumDepth {
      depth += 1
      var child = Dwarf_Die()
      guard dwarf_child(&parent, &child) == 0 else { break }
      var siblings = 0
      while siblings < 1_000_000 {
        siblings += 1
        let tag = dwarf_tag(&child)
        if tag == Int32(DW_TAG_inlined_subroutine) || tag == Int32(DW_TAG_lexical_block),
          dwarf_haspc(&child, address) == 1
        {
          if tag == Int32(DW_TAG_inlined_subroutine) { calls.append(call(&child)) }
          parent = child
          continue descend
        }
        var next = Dwarf_Die()
        guard dwarf_siblingof(&child, &next) == 0 else { break descend }
        child = next
      }
      break
    }
    return calls
  }

  /// The name a DIE gives its function: the linkage name, else the name, following
  /// abstract origins and specifications.
  static func name(_ die: inout Dwarf_Die) -> String? {
    var attribute = Dwarf_Attribute()
    for code in [DW_AT_linkage_name, DW_AT_MIPS_linkage_name, DW_AT_name] {
      if dwarf_attr_integrate(&die, UInt32(code), &attribute) != nil, let text = dwarf_formstring(&attribute) {
        return String(cString: text)
      }
    }
    return nil
  }

  private static func call(_ die: inout Dwarf_Die) -> InlinedCall {
    var result = InlinedCall(name: name(&die) ?? "??")
    var attribute = Dwarf_Attribute()
    var value: Dwarf_Word = 0
    if dwarf_attr(&die, UInt32(DW_AT_call_line), &attribute) != nil, dwarf_formudata(&attribute, &value) == 0 {
      result.callLine = Int(truncatingIfNeeded: value)
    }
    if dwarf_attr(&die, UInt32(DW_AT_call_column), &attribute) != nil, dwarf_formudata(&attribute, &value) == 0 {
      result.callColumn = Int(truncatingIfNeeded: value)
    }
    if dwarf_attr(&die, UInt32(DW_AT_call_file), &attribute) != nil, dwarf_formudata(&attribute, &value) == 0 {
      var unit = Dwarf_Die()
      var files: OpaquePointer? = nil
      var count = 0
      if dwarf_diecu(&die, &unit, nil, nil) != nil, dwarf_getsrcfiles(&unit, &files, &count) == 0,
        let files, value < UInt64(count), let name = dwarf_filesrc(files, Int(value), nil, nil)
      {
        result.callFile = DWARFIndex.absolute(String(cString: name), in: DWARFIndex.compilationDirectory(&unit))
      }
    }
    return result
  }
}
