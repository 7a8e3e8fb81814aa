//===--- RowLayout.swift - What the hex columns of a stack row mean ---------===//

import CrashCore

/// The meaning of the hex columns that start each row of a stack listing.
struct RowLayout: Equatable {
  /// The listing format.
  var format: StackFormat
  /// Hex columns before the symbol text.
  var hexColumns: Int
  /// The column holding the frame pointer / callee SP / stack address.
  var framePointerColumn: Int?
  /// The column holding the return address.
  var returnAddressColumn: Int?
  /// The columns holding parameters.
  var parameterColumns: Range<Int>
  /// Where the parameters came from.
  var parameterSource: ParameterSource
  /// RISC listings put a `:` after this many hex columns.
  var colonAfter: Int?
  /// The column holding a module base (blue-screen `Dll Base`).
  var moduleBaseColumn: Int?
  /// Whether the symbol text is `- name` (blue-screen tables).
  var symbolAfterDash = false
  /// Whether a frame-size column (`kf`'s `Memory`) comes between the frame number and the
  /// hex columns.
  var hasMemoryColumn = false

  /// The most parameter columns a layout has (a row's words live in a `HexWordList`).
  static let maximumParameterColumns = HexWordList.capacity - 4

  /// `FramePtr ReturnAd Param#1..#n` or `FramePtr RetAddr Param1..n`.
  static func framePointerRows(format: StackFormat, hasFramePointer: Bool, hasReturnAddress: Bool, parameters: Int)
    -> RowLayout
  {
    // A header naming more parameters than any debugger printed keeps the first ones.
    let parameters = min(parameters, maximumParameterColumns)
    var column = 0
    let framePointer = hasFramePointer ? column : nil
    if hasFramePointer { column += 1 }
    let returnAddress = hasReturnAddress ? column : nil
    if hasReturnAddress { column += 1 }
    return RowLayout(
      format: format, hexColumns: column + parameters, framePointerColumn: framePointer,
      returnAddressColumn: returnAddress, parameterColumns: column..<(column + parameters),
      parameterSource: parameters > 0 ? .stack : .none)
  }

  /// `Callee-SP Return-RA : Call Site`.
  static let calleeSPReturnRA = RowLayout(
    format: .calleeSPReturnRA, hexColumns: 2, framePointerColumn: 0, returnAddressColumn: 1,
    parameterColumns: 2..<2, parameterSource: .none, colonAfter: 2)

  /// `Callee-SP : Arguments to Callee (4) Call Site`.
  static let calleeSPArguments = RowLayout(
    format: .calleeSPArguments, hexColumns: 5, framePointerColumn: 0, returnAddressColumn: nil,
    parameterColumns: 1..<5, parameterSource: .registers, colonAfter: 1)

  /// `Callee-Sp Return -Ra : Dll Base - Name`.
  static let blueScreenRISC = RowLayout(
    format: .blueScreenRISC, hexColumns: 3, framePointerColumn: 0, returnAddressColumn: 1,
    parameterColumns: 2..<2, parameterSource: .none, colonAfter: 2, moduleBaseColumn: 2,
    symbolAfterDash: true)

  /// `Address dword dump - Name`: a stack address, then the DWORDs stored there.
  static let blueScreenX86 = RowLayout(
    format: .blueScreenX86, hexColumns: 5, framePointerColumn: 0, returnAddressColumn: 1,
    parameterColumns: 2..<5, parameterSource: .rawStack, symbolAfterDash: true)

  /// `ChildEBP RetAddr Args to Child`.
  static let childEBPArgs = framePointerRows(
    format: .childEBPArgs, hasFramePointer: true, hasReturnAddress: true, parameters: 3)

  /// `ChildEBP RetAddr`.
  static let childEBP = framePointerRows(
    format: .childEBP, hasFramePointer: true, hasReturnAddress: true, parameters: 0)

  /// `Child-SP RetAddr Call Site` (amd64, arm64): the stack pointer in the frame, the return
  /// address, the call site.
  static let childSP = framePointerRows(format: .childSP, hasFramePointer: true, hasReturnAddress: true, parameters: 0)

  /// `Child-SP RetAddr : Args to Child : Call Site`: four home-space words, colons between.
  static let childSPArgs: RowLayout = {
    var layout = framePointerRows(format: .childSPArgs, hasFramePointer: true, hasReturnAddress: true, parameters: 4)
    layout.colonAfter = 2
    layout.parameterSource = .homeSpace
    return layout
  }()

  /// `Stack trace:` rows: frame pointer, return address, `symbol(args)`.
  static let returnAddressSymbolArgs = RowLayout(
    format: .returnAddressSymbolArgs, hexColumns: 2, framePointerColumn: 0, returnAddressColumn: 1,
    parameterColumns: 2..<2, parameterSource: .argumentList)

  /// The layout for rows that arrived without a header, from their shape.
  /// `wide`: the row is a 64-bit one (`HexWordList.isSixtyFourBitRow`).
  static func headerless(hexColumns: Int, colonAfter: Int?, wide: Bool = false) -> RowLayout {
    // 64-bit rows with colons are `kb`/`kv` or STACK_TEXT on amd64 and arm64.
    if wide && colonAfter == 2 && hexColumns == 6 { return childSPArgs }
    if wide && colonAfter == nil && hexColumns == 2 { return childSP }
    // The colon forms are RISC kd listings whatever their header: keep their format.
    if colonAfter == 2 && hexColumns == 2 {
      return calleeSPReturnRA
    }
    if colonAfter == 1 {
      var layout = calleeSPArguments
      layout.hexColumns = hexColumns
      layout.parameterColumns = 1..<hexColumns
      return layout
    }
    return framePointerRows(
      format: .headerless, hasFramePointer: hexColumns >= 1, hasReturnAddress: hexColumns >= 2,
      parameters: max(0, hexColumns - 2))
  }
}
