//===--- StackFrame.swift - One frame of a call stack -----------------------===//
//
// A frame record as the tools of the time printed it: the frame pointer
// (FramePtr / ChildEBP / Callee-SP), the return address into the caller
// (RetAddr / ReturnAd / Return-RA), parameters, and the code location, plus
// what this library adds: where execution is in the frame (`instruction`),
// how the frame was found (`trust`) and where in the input it came from.
//
// Row semantics: a listing row's return address returns into the *next* row's
// function. So frame n's instruction is frame n-1's return address stepped back
// into the call (`Architecture.returnAddressAdjustment`), and frame 0's is the
// context's instruction pointer. `CallStack.assignInstructionAddresses` does
// that in one place.
//
//===----------------------------------------------------------------------===//

// The optional properties the initialiser sets are spelled `Optional<T>`, not `T?`: a `T?`
// variable starts out as an implicit `nil`, so the initialiser *assigns* it, and the compiler
// then built the frame and copied it whole (retaining and releasing every reference in it) on
// the way out. Spelled out, they are initialised once. The type is the same. (So too in the
// other model types built per line or per frame.)

/// One frame of a call stack.
public struct StackFrame: Sendable, Hashable {
  /// Position in the stack, 0 for the innermost frame.
  public var index: Int
  /// The frame pointer column: EBP on x86 (`FramePtr`, `ChildEBP`), the
  /// callee's SP on the RISC ports (`Callee-SP`).
  public var framePointer: Optional<Address>
  /// The return address into the caller (`RetAddr`, `ReturnAd`, `Return-RA`).
  public var returnAddress: Optional<Address>
  /// The address execution was at in this frame, for symbol lookup: the context's
  /// instruction pointer for frame 0, the caller-adjusted return address of the
  /// previous frame otherwise. `nil` when not known.
  public var instruction: Optional<Address>
  /// The parameter columns, in order; `nil` where the listing masked a value.
  public var parameters: [UInt64?]
  /// What the parameter columns really are.
  public var parameterSource: ParameterSource
  /// The code location printed or resolved for this frame.
  public var symbol: Optional<FrameSymbol>
  /// The source position printed (`[ file.c @ 254 ]`) or resolved.
  public var sourceLine: SourceLine? {
    get { storedSourceLine?.value }
    set { storedSourceLine = newValue.map(OutOfLine.init) }
  }
  /// Notes printed after the symbol (FPO data, `[omap]`, argument lists).
  public var annotations: [FrameAnnotation]
  /// How the frame was found.
  public var trust: FrameTrust
  /// Where the frame was printed in a text input, if it came from one.
  public var lines: Optional<LineRange>
  /// The frame number the listing printed (`kvn`, `#` columns), when it printed one.
  public var printedNumber: Optional<Int>
  /// Whether the listing printed this frame as a call the compiler inlined
  /// (`(Inline Function) --------`): it has no stack pointer or return address of its own
  /// and shares the instruction of the physical frame below it.
  public var isInlined: Bool
  /// What the symbol maps say about this frame, after symbolication.
  public var resolution: FrameResolution? {
    get { storedResolution?.value }
    set { storedResolution = newValue.map(OutOfLine.init) }
  }
  /// The registers a stack walker recovered for this frame (walked frames only).
  public var context: RegisterContext?
  /// Where a source map says the frame's generated code was written (JavaScript frames).
  public var original: OriginalLocation? {
    get { storedOriginal?.value }
    set { storedOriginal = newValue.map(OutOfLine.init) }
  }

  // Rarely set and large (about 150 bytes inline between them): kept out of line, so that
  // building, copying and storing the many frames that lack them moves a smaller value.
  @usableFromInline var storedSourceLine: Optional<OutOfLine<SourceLine>>
  @usableFromInline var storedResolution: OutOfLine<FrameResolution>?
  @usableFromInline var storedOriginal: OutOfLine<OriginalLocation>?

  /// Creates a frame. (Inlinable: decoders build hundreds of thousands of frames.)
  @inlinable
  public init(
    index: Int, framePointer: Address? = nil, returnAddress: Address? = nil,
    instruction: Address? = nil, parameters: [UInt64?] = [],
    parameterSource: ParameterSource = .none, symbol: FrameSymbol? = nil,
    sourceLine: SourceLine? = nil, annotations: [FrameAnnotation] = [],
    trust: FrameTrust, lines: LineRange? = nil, printedNumber: Int? = nil, isInlined: Bool = false
  ) {
    self.index = index
    self.framePointer = framePointer
    self.returnAddress = returnAddress
    self.instruction = instruction
    self.parameters = parameters
    self.parameterSource = parameterSource
    self.symbol = symbol
    self.storedSourceLine = sourceLine.map(OutOfLine.init)
    self.annotations = annotations
    self.trust = trust
    self.lines = lines
    self.printedNumber = printedNumber
    self.isInlined = isInlined
  }


  /// Where the frame is, as a debugger prints it: what the symbol maps resolved
  /// (`EMSMTA!otpurert+0x307`) when they did, else what the listing printed or the walk
  /// inferred (`EMSMTA!otpmralt`, `EMSMTA+0xf1e25`), else nil. Use this rather than
  /// `symbol` or `resolution` alone: a minidump's frames have names only in `resolution`.
  public var locationText: String? {
    if let resolution { return resolution.displayText }
    if let symbol { return symbol.displayText }
    return nil
  }

  /// The address a debugger displays for this frame (and measures `+0x…` offsets
  /// from): the instruction pointer for frame 0, the return address for callers.
  public func displayedAddress(on architecture: Architecture) -> Address? {
    guard let instruction else { return nil }
    guard index > 0, let adjustment = architecture.returnAddressAdjustment else { return instruction }
    return instruction.adding(adjustment)
  }

  /// The address to look up for the *caller* of this frame: the return address
  /// stepped back into the call instruction (`ra - 1` on x86, `ra - 4` on the
  /// RISC ports). `nil` for a zero or missing return address or an unknown
  /// architecture.
  public func callerLookupAddress(on architecture: Architecture) -> Address? {
    guard let returnAddress, returnAddress.rawValue != 0,
      let adjustment = architecture.returnAddressAdjustment
    else { return nil }
    return returnAddress.subtracting(adjustment)
  }
}

/// An immutable value stored behind a reference, so that an optional field costs one word
/// inline. Setting the field stores a new box, so frames keep value semantics.
@usableFromInline
final class OutOfLine<Value: Hashable & Sendable>: Hashable, Sendable {
  @usableFromInline let value: Value

  @inlinable
  init(_ value: Value) { self.value = value }

  @usableFromInline
  static func == (first: OutOfLine, second: OutOfLine) -> Bool { first.value == second.value }

  @usableFromInline
  func hash(into hasher: inout Hasher) { hasher.combine(value) }
}
