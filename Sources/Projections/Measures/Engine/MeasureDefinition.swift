import LedgerCore

/// How a measure is evaluated: at a day, or over a period.
public enum EvaluationKind: Sendable {
    /// At a day D (`--at D`; with `--period P` the last day of P).
    case atDate
    /// Over a period P (`--period P`; with `--at D` the calendar year of D up to D).
    case period
    /// For a month M (`--period YYYY-MM`; with `--at D` the month of D; with a longer period its last month).
    case month
}

/// What kind of number a measure gives.
public enum ValueKind: String, Sendable {
    /// A count of citizens, cases or events.
    case count
    /// A share in percent: numerator / denominator × 100.
    case share
    /// Full-time persons (fuldtidspersoner).
    case fullTimePersons = "full-time-persons"
    /// Participants.
    case participants
}

/// A measure of DOMAIN.md: its id, names, how it is evaluated and what it gives.
public struct MeasureDefinition: Sendable {
    /// The id, as DOMAIN.md numbers it.
    public var id: String
    /// The name as a Danish report reads it.
    public var danish: String
    /// The name in English.
    public var english: String
    /// How it is evaluated.
    public var evaluation: EvaluationKind
    /// What it gives.
    public var kind: ValueKind
    /// Variants it accepts (the first is the default), e.g. `26w` and `52w`.
    public var variants: [String]
    /// The definition in plain words (Danish and English), for reports.
    public var definition: String

    /// A measure of the catalog (``all``) by id (case-insensitive), or nil.
    public static func named(_ id: String) -> MeasureDefinition? {
        all.first { $0.id.lowercased() == id.lowercased() }
    }
}
