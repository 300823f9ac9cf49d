/// Checks a stored event against the catalog: fields, kinds and presence rules. Used by `verify`
/// on every line, so that a line that was written by hand (with a valid hash) but breaks the
/// catalog is still found.
public enum CatalogCheck {
    /// A description of the first problem, or nil when the event fits the catalog.
    public static func problem(in event: Event, municipalities: Set<Int>) -> String? {
        let spec = Catalog.spec(event.type)
        switch spec.citizen {
        case .required where event.citizen == nil: return "\(event.type.rawValue) has no citizen"
        case .none where event.citizen != nil: return "\(event.type.rawValue) must not name a citizen"
        default: break
        }
        switch spec.municipality {
        case .required where event.municipality == nil: return "\(event.type.rawValue) has no municipality"
        case .none where event.municipality != nil: return "\(event.type.rawValue) must not name a municipality"
        default: break
        }
        if let m = event.municipality, !municipalities.contains(m) {
            return "municipality \(CanonicalEncoder.municipalityText(m)) does not belong to this ledger"
        }
        var fields = spec.fields
        var facts = event.facts
        if event.type == .correction {
            // The superseding facts follow the correction's own three; their kinds depend on the
            // original's type, which the validator checked when the correction was appended.
            facts = Array(facts.prefix(3))
            fields = spec.fields
        }
        var index = 0
        for field in fields {
            if index < facts.count, facts[index].name == field.name {
                if let problem = kindProblem(facts[index].value, field) { return "facts.\(field.name): \(problem)" }
                index += 1
            } else if field.required {
                return "facts.\(field.name) is missing"
            }
        }
        if index < facts.count { return "facts.\(facts[index].name) is not a field of \(event.type.rawValue) in this place" }
        return nil
    }

    static func kindProblem(_ value: FactValue, _ field: FieldSpec) -> String? {
        switch (field.kind, value) {
        case (.choice(let values), .text(let s)): return values.contains(s) ? nil : "not \(field.kind.summary)"
        case (.integer(let min, let max), .integer(let v)): return v >= min && v <= max ? nil : "outside \(min)...\(max)"
        case (.sequence, .integer(let v)): return v >= 1 ? nil : "not a sequence number"
        case (.date, .date): return nil
        case (.bool, .bool): return nil
        case (.decimal, .decimal(let d)): return CanonicalEncoder.canonicalDecimal(d) == d ? nil : "not a canonical decimal"
        case (.text, .text), (.identifier, .text), (.month, .text), (.cvr, .text), (.period, .text),
             (.municipalityList, .text), (.digest, .text), (.timestamp, .text):
            return nil
        default: return "expected \(field.kind.summary)"
        }
    }
}
