//===--- QuickArguments.swift - The report command's common invocations -----===//
//
// `analyse [--json | --jsonl] [--all-threads] [-v] [--symbols DIR]… [--sysroot DIR]… FILE…` and the
// like are read here, without ArgumentParser: reading any command through it
// reflects over the command's options (Mirror, dynamic casts, the runtime's
// conformance tables), about 1.5 ms of a run that otherwise takes about 3.
// Only inputs and a fixed set of options are taken, each at most once; anything
// else (a subcommand, --help, --version, numbers, `--`, an unknown or repeated
// option, an empty value or one that starts with `-`) returns nil and ArgumentParser reads
// the whole command line, with its messages. QuickArgumentsTests checks that
// both readings give the same ReportRequest for every form taken here.
//
//===----------------------------------------------------------------------===//

enum QuickArguments {
  /// The flags taken, by long name.
  private static let flagNames: Set<String> = [
    "json", "jsonl", "all-threads", "verbose", "no-default-symbols", "offline", "symbol-log",
  ]

  /// Sets the flag `name` (one of `flagNames`).
  private static func setFlag(_ name: String, in request: inout ReportRequest) {
    switch name {
    case "json": request.json = true
    case "jsonl": request.jsonl = true
    case "all-threads": request.allThreads = true
    case "verbose": request.verbose = true
    case "no-default-symbols": request.noDefaultSymbols = true
    case "offline": request.symbolPath.offline = true
    case "symbol-log": request.symbolPath.symbolLog = true
    default: break
    }
  }

  /// Sets the option `name` to `value` and says whether it is one taken here; `once` is false
  /// for the options that may be repeated (each value is appended).
  private static func setOption(_ name: String, _ value: String, in request: inout ReportRequest) -> (taken: Bool, once: Bool) {
    switch name {
    case "symbols": request.symbolRoots.append(value)
    case "source-maps": request.sourceMapRoots.append(value)
    case "sysroot": request.symbolPath.systemRoots.append(value)
    case "plugins": request.rulePaths.append(value)
    case "include": request.include.append(value)
    case "exclude": request.exclude.append(value)
    case "files-from": request.filesFrom = value; return (true, true)
    case "html": request.html = value; return (true, true)
    case "symbol-path": request.symbolPath.symbolPath = value; return (true, true)
    case "symbol-cache": request.symbolPath.symbolCache = value; return (true, true)
    case "color":
      guard let choice = ColorChoice(rawValue: value) else { return (false, true) }
      request.colorOption = choice
      return (true, true)
    default: return (false, false)
    }
    return (true, false)
  }

  /// The words that pick a subcommand (AnalyseTool's subcommands and `help`; QuickArgumentsTests
  /// checks the list against the configuration, which is not read here: that touches every
  /// subcommand's configuration at every start).
  static let subcommandNames: Set<String> = ["report", "symbolize", "symbols", "plugins", "frames", "worker", "merge", "help"]

  /// The report command `arguments` (the command line without the program's name) asks for,
  /// or nil when ArgumentParser must read them.
  static func reportRequest(_ arguments: [String]) -> ReportRequest? {
    guard !arguments.isEmpty else { return nil }
    var request = ReportRequest()
    var seen: Set<String> = []
    var index = 0
    while index < arguments.count {
      let argument = arguments[index]
      index += 1
      if argument == "-" || !argument.hasPrefix("-") {
        guard !subcommandNames.contains(argument) else { return nil }
        request.inputs.append(argument)
        continue
      }
      let name: String
      var inlineValue: String?
      if argument == "-v" {
        name = "verbose"
      } else if argument.hasPrefix("--"), argument.count > 2 {
        let body = argument.dropFirst(2)
        if let equals = body.firstIndex(of: "=") {
          name = String(body[..<equals])
          inlineValue = String(body[body.index(after: equals)...])
        } else {
          name = String(body)
        }
      } else {
        return nil
      }
      if flagNames.contains(name) {
        guard inlineValue == nil, seen.insert(name).inserted else { return nil }
        setFlag(name, in: &request)
        continue
      }
      let value: String
      if let inlineValue {
        value = inlineValue
      } else {
        guard index < arguments.count else { return nil }
        value = arguments[index]
        index += 1
      }
      guard !value.isEmpty, !value.hasPrefix("-") else { return nil }
      let set = setOption(name, value, in: &request)
      guard set.taken, !set.once || seen.insert(name).inserted else { return nil }
    }
    return request
  }
}
