//===--- StackFrame+Codable.swift - Frames to and from Swift's encoders -------===//
//
// A frame keeps its rarely set source line and resolution out of line (StackFrame's
// storage note); they are encoded as the public properties they are.
//
//===----------------------------------------------------------------------===//

extension StackFrame: Codable {
  private enum CodingKeys: String, CodingKey {
    case index, framePointer, returnAddress, instruction, parameters, parameterSource, symbol, sourceLine
    case annotations, trust, lines, printedNumber, isInlined, resolution, context, original
  }

  /// Decodes a frame written by `encode(to:)`.
  public init(from decoder: any Decoder) throws {
    let container = try decoder.container(keyedBy: CodingKeys.self)
    self.init(
      index: try container.decode(Int.self, forKey: .index),
      framePointer: try container.decodeIfPresent(Address.self, forKey: .framePointer),
      returnAddress: try container.decodeIfPresent(Address.self, forKey: .returnAddress),
      instruction: try container.decodeIfPresent(Address.self, forKey: .instruction),
      parameters: try container.decode([UInt64?].self, forKey: .parameters),
      parameterSource: try container.decode(ParameterSource.self, forKey: .parameterSource),
      symbol: try container.decodeIfPresent(FrameSymbol.self, forKey: .symbol),
      sourceLine: try container.decodeIfPresent(SourceLine.self, forKey: .sourceLine),
      annotations: try container.decode([FrameAnnotation].self, forKey: .annotations),
      trust: try container.decode(FrameTrust.self, forKey: .trust),
      lines: try container.decodeIfPresent(LineRange.self, forKey: .lines),
      printedNumber: try container.decodeIfPresent(Int.self, forKey: .printedNumber),
      isInlined: try container.decode(Bool.self, forKey: .isInlined))
    resolution = try container.decodeIfPresent(FrameResolution.self, forKey: .resolution)
    context = try container.decodeIfPresent(RegisterContext.self, forKey: .context)
    original = try container.decodeIfPresent(OriginalLocation.self, forKey: .original)
  }

  /// Encodes the frame's public properties.
  public func encode(to encoder: any Encoder) throws {
    var container = encoder.container(keyedBy: CodingKeys.self)
    try container.encode(index, forKey: .index)
    try container.encodeIfPresent(framePointer, forKey: .framePointer)
    try container.encodeIfPresent(returnAddress, forKey: .returnAddress)
    try container.encodeIfPresent(instruction, forKey: .instruction)
    try container.encode(parameters, forKey: .parameters)
    try container.encode(parameterSource, forKey: .parameterSource)
    try container.encodeIfPresent(symbol, forKey: .symbol)
    try container.encodeIfPresent(sourceLine, forKey: .sourceLine)
    try container.encode(annotations, forKey: .annotations)
    try container.encode(trust, forKey: .trust)
    try container.encodeIfPresent(lines, forKey: .lines)
    try container.encodeIfPresent(printedNumber, forKey: .printedNumber)
    try container.encode(isInlined, forKey: .isInlined)
    try container.encodeIfPresent(resolution, forKey: .resolution)
    try container.encodeIfPresent(context, forKey: .context)
    try container.encodeIfPresent(original, forKey: .original)
  }
}
