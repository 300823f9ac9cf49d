public import LedgerCore
public import Projections

/// Renders a computed measure as text for a terminal or as stable JSON.
public enum MeasureReport {
    /// A scope's name: the municipality code or `jobcenter`.
    public static func scopeName(_ municipality: Int?) -> String {
        municipality.map(CanonicalEncoder.municipalityText) ?? "jobcenter"
    }

    /// Known municipality names, for reports.
    public static func municipalityName(_ municipality: Int?) -> String {
        switch municipality {
        case nil: return "Jobcenter"
        case 250?: return "Frederikssund"
        case 183?: return "Ishøj"
        case 187?: return "Vallensbæk"
        case 270?: return "Gribskov"
        case let m?: return "Kommune " + CanonicalEncoder.municipalityText(m)
        }
    }

    static func scopeJSON(_ s: ScopeValue) -> JSONOut {
        .object([
            ("scope", .string(scopeName(s.municipality))),
            ("value", .optional(s.value)),
            ("numerator", .number(s.numerator)),
            ("denominator", .optional(s.denominator)),
        ])
    }

    /// The measure as JSON (documented in EventLogs/REPORTS.md).
    public static func json(_ result: MeasureResult, state: ProjectionState, knownAt: Timestamp?) -> JSONOut {
        var members: [(String, JSONOut)] = [
            ("measure", .string(result.definition.id)),
            ("name", .string(result.definition.danish)),
            ("variant", .optional(result.variant)),
            ("kind", .string(result.definition.kind.rawValue)),
            ("evaluation", .string(result.evaluation.text)),
            ("period_first", .string(result.evaluation.period.first.iso)),
            ("period_last", .string(result.evaluation.period.last.iso)),
            ("known_at", .optional(knownAt?.iso)),
            ("ledger_id", .string(state.ledgerID)),
            ("head_seq", .integer(state.headSeq)),
            ("head_hash", .string(state.headHash.hex)),
            ("scopes", .array(result.scopes.map(scopeJSON))),
        ]
        if !result.breakdowns.isEmpty {
            members.append(("breakdowns", .array(result.breakdowns.map { group in
                .object([("by", .string(group.name)), ("entries", .array(group.entries.map { entry in
                    .object([("label", .string(entry.label)), ("scopes", .array(entry.scopes.map(scopeJSON)))])
                }))])
            })))
        }
        return .object(members)
    }

    /// The measure as a text table.
    public static func text(_ result: MeasureResult, state: ProjectionState, knownAt: Timestamp?) -> String {
        let d = result.definition
        var out = "\(d.id) \(d.danish) (\(d.english))" + (result.variant.map { ", \($0)" } ?? "") + "\n"
        out += "evaluated: \(result.evaluation.text)   known at: \(knownAt?.iso ?? "everything recorded")   ledger head: seq \(state.headSeq)\n\n"
        out += row(["scope", "value", "numerator", "denominator"])
        for s in result.scopes {
            out += row([municipalityName(s.municipality) + (s.municipality == nil ? "" : " (\(scopeName(s.municipality)))"),
                        valueText(s.value, kind: d.kind), JSONOut.human(s.numerator, digits: 2), s.denominator.map { JSONOut.human($0, digits: 2) } ?? "-"])
        }
        for group in result.breakdowns {
            out += "\nby \(group.name):\n"
            for entry in group.entries {
                let total = entry.scopes[0]
                out += row(["  " + entry.label, valueText(total.value, kind: d.kind), JSONOut.human(total.numerator, digits: 2), total.denominator.map { JSONOut.human($0, digits: 2) } ?? "-"])
            }
        }
        return out
    }

    /// A value with its unit for people.
    public static func valueText(_ v: Double?, kind: ValueKind) -> String {
        switch kind {
        case .share: return v.map { JSONOut.human($0) + " %" } ?? "-"
        case .fullTimePersons: return JSONOut.human(v, digits: 3)
        default: return JSONOut.human(v, digits: 2)
        }
    }

    static func row(_ cells: [String]) -> String {
        let widths = [34, 14, 14, 14]
        var line = ""
        for (i, cell) in cells.enumerated() {
            let w = i < widths.count ? widths[i] : 12
            line += cell.count >= w ? cell + " " : cell + String(repeating: " ", count: w - cell.count)
        }
        while line.last == " " { line.removeLast() }
        return line + "\n"
    }
}
