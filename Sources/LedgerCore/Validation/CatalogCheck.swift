/// Checks a stored event against the catalog: fields, kinds and presence rules. Used by `verify`
/// on every line, so that a line that was written by hand (with a valid hash) but breaks the
/// catalog is still found.
public enum CatalogCheck {
    /// A description of the first problem, or nil when the event fits the catalog.
    public static func problem(in event: Event, municipalities: Set<Int>, seq: Int64? = nil) -> String? {
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
        if let problem = factsProblem(facts[...], fields: fields, typeName: event.type.rawValue) { return problem }
        if event.type == .correction {
            let target = event.integer("corrects") ?? 0
            if let seq, target >= seq { return "facts.corrects names seq \(target), which is not before the correction" }
            if target == 1 { return "facts.corrects names the ledger's first line" }
            if event.text("action") == "retract" && event.facts.count != 3 { return "a retracting correction carries no other facts" }
        }
        return nil
    }

    /// A description of what is wrong with a correction given the type of the event it corrects,
    /// or nil when it fits: ledger_opened, publication and correction lines are never corrected,
    /// and a superseding correction carries the corrected type's facts in full, after its own
    /// three, in the catalog's order (EventLogs/FORMAT.md sections 8 and 9).
    public static func correctionProblem(in correction: Event, correctedType: EventType) -> String? {
        precondition(correction.type == .correction, "only a correction is checked against the event it corrects")
        let target = correction.integer("corrects") ?? 0
        switch correctedType {
        case .ledgerOpened, .publication, .correction:
            return "facts.corrects names seq \(target), a \(correctedType.rawValue), which cannot be corrected"
        default: break
        }
        guard correction.text("action") == "supersede" else { return nil }
        let replacement = correction.facts.dropFirst(3)
        guard let problem = factsProblem(replacement, fields: Catalog.spec(correctedType).fields, typeName: correctedType.rawValue) else { return nil }
        return problem + " (a superseding correction carries the facts of the \(correctedType.rawValue) it replaces in full)"
    }

    /// The first fact out of place, missing or of the wrong kind for `fields` (a type's catalog
    /// fields, in order), or nil.
    static func factsProblem(_ facts: ArraySlice<Fact>, fields: [FieldSpec], typeName: String) -> String? {
        var index = facts.startIndex
        for field in fields {
            if index < facts.endIndex, facts[index].name == field.name {
                if let problem = kindProblem(facts[index].value, field) { return "facts.\(field.name): \(problem)" }
                index += 1
            } else if field.required {
                return "facts.\(field.name) is missing"
            }
        }
        if index < facts.endIndex { return "facts.\(facts[index].name) is not a field of \(typeName) in this place" }
        return nil
    }

    /// The same value checks as input gets (``FactTyping``): kinds, ranges, closed lists, real
    /// months and dates, no control characters and no CPR-shaped numbers in text.
    static func kindProblem(_ value: FactValue, _ field: FieldSpec) -> String? {
        let json: JSONValue
        switch value {
        case .text(let s): json = .string(s)
        case .integer(let i): json = .number(String(i))
        case .decimal(let d): json = .number(d)
        case .bool(let b): json = .bool(b)
        case .date(let d): json = .string(d.iso)
        }
        do {
            let typed = try FactTyping.value(json, spec: field)
            // Stored values are canonical: what typing makes of them must be what is stored.
            return typed == value || typed.display == value.display ? nil : "not in canonical form"
        } catch {
            return error.message
        }
    }
}
