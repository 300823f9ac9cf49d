import LedgerCore

/// `caseledger catalog`: prints the event catalog (types, fields, kinds), as text or Markdown.
enum CatalogCommand: LedgerCommand {
    static let name = "catalog"
    static let abstract = "Show every event type with its fields and allowed values."
    static let usage = "[TYPE] [--markdown] [--language en|da]"
    static let discussion = """
    Without TYPE, lists every event type. --markdown prints the tables of EventLogs/FORMAT.md's
    catalog section (a test keeps the two identical). --language da prints each type and field
    with the Danish explanations that `record` shows the caseworker; English is the file format's
    reference (the default).
    """
    static let options: [OptionSpec] = [
        .flag("markdown", "Print Markdown tables (English, as in EventLogs/FORMAT.md)."),
        .option("language", "en|da", "Explanations in English (default) or Danish (as record shows them)."),
    ]

    static func run(_ arguments: Arguments, console: Console) throws -> Int32 {
        var types = EventType.allCases
        if let name = arguments.positionals.first {
            guard arguments.positionals.count == 1, let type = EventType(rawValue: name) else {
                throw UsageError("TYPE must be one of: " + EventType.allCases.map(\.rawValue).joined(separator: ", "))
            }
            types = [type]
        }
        var language = CatalogLanguage.english
        if let code = arguments.value("language") {
            guard let chosen = CatalogLanguage(rawValue: code) else { throw UsageError("--language expects en or da") }
            guard !arguments.flag("markdown") || chosen == .english else { throw UsageError("--markdown is the English reference; leave out --language da") }
            language = chosen
        }
        switch language {
        case .english: console.out(arguments.flag("markdown") ? markdown(types) : text(types))
        case .danish: console.out(danishText(types))
        }
        return ExitStatus.success
    }

    static func presence(_ p: Presence) -> String {
        switch p {
        case .required: return "required"
        case .optional: return "optional (null when absent)"
        case .none: return "null"
        }
    }

    static func periodText(_ role: PeriodRole?) -> String? {
        guard let role else { return nil }
        switch role {
        case .opens(let kind, let key): return "opens a \(kind) period" + (key.map { " keyed by `\($0)`" } ?? " (one open per citizen)")
        case .closes(let kind, let key): return "closes the citizen's open \(kind) period" + (key.map { " with the same `\($0)`" } ?? "")
        case .within(let kind, _): return "requires an open \(kind) period, which stays open"
        }
    }

    /// The catalog as Markdown: one section per type with a field table.
    static func markdown(_ types: [EventType]) -> String {
        var out = ""
        for type in types {
            let spec = Catalog.spec(type)
            out += "#### `\(type.rawValue)`\n\n\(spec.meaning)\n\n"
            out += "- citizen: \(presence(spec.citizen)); municipality: \(presence(spec.municipality))\n"
            if let period = periodText(spec.period) { out += "- period: \(period)\n" }
            out += "\n"
            if spec.fields.isEmpty {
                out += "No facts: `\"facts\":{}`.\n\n"
                continue
            }
            out += "| field | kind | required | meaning |\n|---|---|---|---|\n"
            for field in spec.fields {
                out += "| `\(field.name)` | \(field.kind.summary) | \(field.required ? "yes" : "no") | \(field.meaning) |\n"
            }
            out += "\n"
        }
        return out
    }

    /// The catalog with the Danish explanations `record` shows: each type's meaning, then each
    /// field with whether it must be given, its kind and what it holds.
    static func danishText(_ types: [EventType]) -> String {
        var out = ""
        for type in types {
            let spec = Catalog.spec(type)
            out += "\(type.rawValue): \(spec.meaning(in: .danish))\n"
            for field in spec.fields {
                out += "  " + field.name.padding(toLength: 18) + (field.required ? "skal udfyldes  " : "kan stå tom    ")
                    + spec.meaning(of: field, in: .danish) + "; " + field.kind.summary(in: .danish) + "\n"
            }
        }
        return out
    }

    static func text(_ types: [EventType]) -> String {
        var out = ""
        for type in types {
            let spec = Catalog.spec(type)
            out += "\(type.rawValue): \(spec.meaning)\n"
            out += "  citizen \(presence(spec.citizen)), municipality \(presence(spec.municipality))"
            if let period = periodText(spec.period) { out += "; \(period)" }
            out += "\n"
            for field in spec.fields {
                out += "  " + field.name.padding(toLength: 18) + (field.required ? "required  " : "optional  ") + field.kind.summary + "\n"
            }
        }
        return out
    }
}
