public import LedgerCore
public import Projections

/// Renders the goal report (every goal of every loaded plan) as text or stable JSON.
public enum GoalReport {
    /// The report as JSON (documented in EventLogs/REPORTS.md). Its rendering is canonical: the same
    /// ledger prefix, date and knowledge time give the same bytes, hence the same digest.
    public static func json(_ evaluations: [GoalEvaluation], state: ProjectionState, at: Day, knownAt: Timestamp?) -> JSONOut {
        .object([
            ("report", .string("caseledger-goal-report")),
            ("version", .integer(1)),
            ("ledger_id", .string(state.ledgerID)),
            ("jobcenter", .string(state.jobcenter)),
            ("municipalities", .array(state.municipalities.map { .string(CanonicalEncoder.municipalityText($0)) })),
            ("at", .string(at.iso)),
            ("known_at", .optional(knownAt?.iso)),
            ("head_seq", .integer(state.headSeq)),
            ("head_hash", .string(state.headHash.hex)),
            ("head_recorded_at", .string(state.headRecordedAt.iso)),
            ("goals", .array(evaluations.map(goalJSON))),
        ])
    }

    static func goalJSON(_ e: GoalEvaluation) -> JSONOut {
        let scope = e.result.scope(e.goal.scope)
        return .object([
            ("goal_id", .string(e.goal.id)),
            ("plan", .optional(e.text("plan"))),
            ("title", .optional(e.text("title"))),
            ("measure", .string(e.result.definition.id)),
            ("measure_name", .string(e.result.definition.danish)),
            ("variant", .optional(e.result.variant)),
            ("scope", .string(MeasureReport.scopeName(e.goal.scope))),
            ("evaluation", .string(e.result.evaluation.text)),
            ("goal_evaluation", .optional(e.text("evaluation"))),
            ("deadline", .optional(e.text("deadline"))),
            ("comparison", .string(e.comparison)),
            ("target", .optional(e.target)),
            ("unit", .optional(e.text("unit"))),
            ("value", .optional(e.value)),
            ("numerator", .optional(scope?.numerator)),
            ("denominator", .optional(scope?.denominator ?? nil)),
            ("status", .string(e.status.rawValue)),
            ("baseline_at", .optional(e.text("baseline_at"))),
            ("baseline_value", .optional(e.text("baseline_value").flatMap { Double($0) })),
            ("change_from_baseline_percent", .optional(e.changeFromBaselinePercent)),
            ("reference", e.reference.map { r in
                .object([("name", .string(r.name)), ("period", .string(r.period)), ("value", .number(r.value)), ("source", .string(r.source)), ("seq", .integer(r.seq))])
            } ?? .null),
            ("offset_pp", .optional(e.text("offset_pp").flatMap { Double($0) })),
            ("adopted_by", .optional(e.text("adopted_by"))),
            ("adopted_on", .optional(e.text("adopted_on"))),
            ("amendments", .integer(Int64(e.goal.versions.count - 1))),
            ("source", .optional(e.text("source"))),
            ("note", .optional(e.note)),
        ])
    }

    /// The report as text for a terminal.
    public static func text(_ evaluations: [GoalEvaluation], state: ProjectionState, at: Day, knownAt: Timestamp?) -> String {
        var out = "Resultatmål — \(state.jobcenter) (" + state.municipalities.map { "\(MeasureReport.municipalityName($0)) \(CanonicalEncoder.municipalityText($0))" }.joined(separator: ", ") + ")\n"
        out += "status at \(at.iso), known at \(knownAt?.iso ?? "everything recorded"); ledger head seq \(state.headSeq) \(state.headHash.hex.prefix(16))…\n"
        if evaluations.isEmpty {
            out += "\nNo goals are loaded. Load a plan: caseledger append DIR < EventLogs/plans/NAME.jsonl\n"
            return out
        }
        var plan = ""
        for e in evaluations {
            let p = e.text("plan") ?? ""
            if p != plan { plan = p; out += "\n\(p)\n" }
            let kind = e.result.definition.kind
            let isShare = e.text("unit").map { $0 == "percent" } ?? (kind == .share && e.result.variant != "count")
            let unit = isShare ? "%" : ""
            let value = e.value.map { JSONOut.human($0) + (unit.isEmpty ? "" : " %") } ?? "-"
            let target: String
            switch e.comparison {
            case "at-most": target = "≤ " + (e.target.map { JSONOut.human($0) } ?? "?") + unit
            case "at-least": target = "≥ " + (e.target.map { JSONOut.human($0) } ?? "?") + unit
            case "no-target": target = "no target"
            case "follow-up": target = "follow-up"
            default: target = e.comparison + (e.target.map { " " + JSONOut.human($0) } ?? "")
            }
            let mark: String
            switch e.status {
            case .met: mark = "MET"
            case .notMet: mark = "NOT MET"
            case .noTarget: mark = "no target"
            case .notYetDue: mark = "not yet due"
            case .referenceMissing: mark = "reference missing"
            }
            out += "  [\(mark)] \(e.goal.id): \(e.result.definition.id) \(e.result.definition.danish)"
                + (e.result.variant.map { " (\($0))" } ?? "") + ", \(MeasureReport.municipalityName(e.goal.scope))\n"
            out += "      \(e.text("title") ?? "")\n"
            out += "      value \(value) at \(e.result.evaluation.text); target \(target); deadline \(e.text("deadline") ?? "-")"
            if let change = e.changeFromBaselinePercent { out += "; change from baseline \(e.text("baseline_at") ?? "") \(JSONOut.human(change)) %" }
            out += "\n      adopted by \(e.text("adopted_by") ?? "-") on \(e.text("adopted_on") ?? "-"); source: \(e.text("source") ?? "-")\n"
            if let note = e.note { out += "      note: \(note)\n" }
        }
        return out
    }
}
