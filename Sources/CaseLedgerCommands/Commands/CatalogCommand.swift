import LedgerCore

/// `caseledger catalog`: prints the event catalog (types, fields, kinds), as text or Markdown.
enum CatalogCommand: LedgerCommand {
    static let name = "catalog"
    static let abstract = "Show every event type with its fields and allowed values."
    static let usage = "[TYPE] [--markdown]"
    static let discussion = """
    Without TYPE, lists every event type. --markdown prints the tables of EventLogs/FORMAT.md's
    catalog section (a test keeps the two identical).
    """
    static let options: [OptionSpec] = [.flag("markdown", "Print Markdown tables.")]

    static func run(_ arguments: Arguments, console: Console) throws -> Int32 {
        var types = EventType.allCases
        if let name = arguments.positionals.first {
            guard arguments.positionals.count == 1, let type = EventType(rawValue: name) else {
                throw UsageError("TYPE must be one of: " + EventType.allCases.map(\.rawValue).joined(separator: ", "))
            }
            types = [type]
        }
        console.out(arguments.flag("markdown") ? markdown(types) : text(types))
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
