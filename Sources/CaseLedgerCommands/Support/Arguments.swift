/// A usage error: bad or missing arguments. Exit status 2.
public struct UsageError: Error, CustomStringConvertible {
    /// What is wrong with the command line.
    public var message: String
    /// Makes a usage error.
    public init(_ message: String) { self.message = message }
    /// The message.
    public var description: String { message }
}

/// One option of a command.
public struct OptionSpec: Sendable {
    /// The long name without dashes, e.g. `municipality`.
    public var name: String
    /// The value's placeholder (e.g. `CODE`), or nil for a flag.
    public var value: String?
    /// Whether it may be given more than once.
    public var repeatable: Bool
    /// One line of help.
    public var help: String

    /// An option taking a value.
    public static func option(_ name: String, _ value: String, _ help: String, repeatable: Bool = false) -> OptionSpec {
        OptionSpec(name: name, value: value, repeatable: repeatable, help: help)
    }

    /// A flag without a value.
    public static func flag(_ name: String, _ help: String) -> OptionSpec {
        OptionSpec(name: name, value: nil, repeatable: false, help: help)
    }
}

/// Parsed command-line arguments: positionals, options and flags.
public struct Arguments {
    /// Positional arguments, in order.
    public var positionals: [String] = []
    /// Option values by name, in the order given.
    public var values: [String: [String]] = [:]
    /// Flags given.
    public var flags: Set<String> = []

    /// Parses `arguments` against `options`; `--name value` and `--name=value` are both accepted.
    public static func parse(_ arguments: [String], options: [OptionSpec]) throws(UsageError) -> Arguments {
        var result = Arguments()
        var i = 0
        var onlyPositionals = false
        while i < arguments.count {
            let argument = arguments[i]
            i += 1
            if onlyPositionals || !argument.hasPrefix("--") || argument == "-" {
                if argument.hasPrefix("-") && argument != "-" && !onlyPositionals {
                    throw UsageError("unknown option \(argument)")
                }
                result.positionals.append(argument)
                continue
            }
            if argument == "--" { onlyPositionals = true; continue }
            var name = String(argument.dropFirst(2))
            var inlineValue: String?
            if let equals = name.firstIndex(of: "=") {
                inlineValue = String(name[name.index(after: equals)...])
                name = String(name[..<equals])
            }
            guard let spec = options.first(where: { $0.name == name }) else { throw UsageError("unknown option --\(name)") }
            if spec.value == nil {
                guard inlineValue == nil else { throw UsageError("--\(name) takes no value") }
                result.flags.insert(name)
                continue
            }
            let value: String
            if let inlineValue {
                value = inlineValue
            } else {
                guard i < arguments.count else { throw UsageError("--\(name) needs a value \(spec.value!)") }
                value = arguments[i]
                i += 1
            }
            if !spec.repeatable && result.values[name] != nil { throw UsageError("--\(name) given twice") }
            result.values[name, default: []].append(value)
        }
        return result
    }

    /// The single value of an option, or nil.
    public func value(_ name: String) -> String? { values[name]?.last }

    /// Whether a flag was given.
    public func flag(_ name: String) -> Bool { flags.contains(name) }

    /// Exactly `count` positionals, named for the message.
    public func positionals(_ names: [String]) throws(UsageError) -> [String] {
        guard positionals.count == names.count else {
            if positionals.count < names.count { throw UsageError("missing \(names[positionals.count])") }
            throw UsageError("unexpected argument \(positionals[names.count])")
        }
        return positionals
    }
}
