//===--- SignatureRule.swift - A known issue stated as data ------------------===//
//
// The parsed form of a rule file (the format: docs/writing-plugins.md). A rule
// states what the crash looks like — its top frame, an ordered run of frames,
// and optionally the exception, events, a module version range and a parameter
// test — and the remedy.
//
//===----------------------------------------------------------------------===//

import Signatures

/// A frame name in a rule: `module!function` or just `function`.
public struct RuleFrame: Sendable, Hashable {
  /// The module stem, when the rule names one.
  public var module: String?
  /// The function.
  public var function: String

  /// A frame of `module` (nil: any) named `function`.
  public init(module: String?, function: String) {
    self.module = module
    self.function = function
  }

  /// Parses `EMSMTA!otpmralt` or `otpmralt` (the default module applies to the latter).
  init(_ text: String, defaultModule: String?) {
    if let bang = text.firstIndex(of: "!") {
      module = String(text[..<bang])
      function = String(text[text.index(after: bang)...])
    } else {
      module = defaultModule
      function = text
    }
  }
}

/// An event a rule requires.
public struct RuleEvent: Sendable, Hashable {
  /// The event id.
  public var id: UInt32
  /// Text the description must contain (case-insensitive), if any.
  public var contains: String?

  /// An event `id`, its description containing `contains` when given.
  public init(id: UInt32, contains: String? = nil) {
    self.id = id
    self.contains = contains
  }
}

/// A module version range.
public struct RuleVersion: Sendable, Hashable {
  /// The module (stem).
  public var module: String
  /// The first affected version, if stated.
  public var affectedFrom: [Int]?
  /// The first fixed version, if stated.
  public var fixedIn: [Int]?

  /// The range of `module`'s versions from `affectedFrom` up to (not including) `fixedIn`.
  public init(module: String, affectedFrom: [Int]?, fixedIn: [Int]?) {
    self.module = module
    self.affectedFrom = affectedFrom
    self.fixedIn = fixedIn
  }
}

/// A test on a frame's parameter.
public struct RuleParameter: Sendable, Hashable {
  /// Which frame (0 = top).
  public var frame: Int
  /// Which parameter (0 = first).
  public var index: Int
  /// The value must be greater than this, if stated.
  public var above: UInt64?
  /// The value must be less than this, if stated.
  public var below: UInt64?

  /// A test of parameter `index` of frame `frame`.
  public init(frame: Int, index: Int, above: UInt64?, below: UInt64?) {
    self.frame = frame
    self.index = index
    self.above = above
    self.below = below
  }
}

/// A part of a rule's match that may be marked `required`.
public enum RulePart: String, Sendable, Hashable, CaseIterable {
  /// The whole `frames.sequence`.
  case frames
  /// The exception code.
  case exception
  /// Every event.
  case events
  /// A version in the affected range.
  case version
  /// The parameter test.
  case parameter
}

/// A rule, as read from a file.
public struct SignatureRule: Sendable, Hashable {
  /// Who the rule is.
  public var descriptor: PluginDescriptor
  /// The file it came from.
  public var file: String
  /// The line of its `id` (for messages about duplicate ids).
  public var idLine: Int? = nil
  /// The top frame, if stated.
  public var top: RuleFrame?
  /// The ordered run of frames, if stated.
  public var sequence: [RuleFrame]
  /// How many frames from the top the run is looked for in.
  public var within: Int
  /// The exception code, if stated.
  public var exception: UInt32?
  /// Required events.
  public var events: [RuleEvent]
  /// The version range, if stated.
  public var version: RuleVersion?
  /// The parameter test, if stated.
  public var parameter: RuleParameter?
  /// The remedy.
  public var remedy: Remedy?
  /// Parts that define the issue as much as the top frame: without each, no finding.
  public var required: Set<RulePart> = []

  /// A rule of every part.
  public init(
    descriptor: PluginDescriptor, file: String, idLine: Int? = nil, top: RuleFrame?, sequence: [RuleFrame],
    within: Int, exception: UInt32?, events: [RuleEvent], version: RuleVersion?, parameter: RuleParameter?,
    remedy: Remedy?, required: Set<RulePart> = []
  ) {
    self.descriptor = descriptor
    self.file = file
    self.idLine = idLine
    self.top = top
    self.sequence = sequence
    self.within = within
    self.exception = exception
    self.events = events
    self.version = version
    self.parameter = parameter
    self.remedy = remedy
    self.required = required
  }
}
