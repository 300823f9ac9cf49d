public import LedgerCore

/// The day or period a measure was evaluated for.
public struct Evaluation: Sendable, Equatable {
    /// The day, for at-a-day measures.
    public var day: Day?
    /// The period: for at-a-day measures the day itself, for a month measure the month.
    public var period: Period
    /// How a report writes it.
    public var text: String
}

/// A measure's value in one scope: numerator, denominator (for shares) and the value.
public struct ScopeValue: Sendable, Equatable {
    /// The municipality code, or nil for the jobcenter as a whole.
    public var municipality: Int?
    /// Numerator (the count for count measures).
    public var numerator: Double
    /// Denominator for shares and full-time persons; nil for counts.
    public var denominator: Double?
    /// The value: the count, the share in percent, or full-time persons; nil when a share's denominator is 0.
    public var value: Double?
}

/// One citizen's or item's part in a measure, for `explain`.
public struct Contribution: Sendable, Equatable {
    /// The citizen, when the item is about a person.
    public var citizen: Pseudonym?
    /// The municipality it counts in.
    public var municipality: Int
    /// Its part of the numerator.
    public var numerator: Double
    /// Its part of the denominator.
    public var denominator: Double
    /// The events (sequence numbers) that made it count.
    public var seqs: [Int64]
    /// Why, in a few words (e.g. "312 of 364 days gross unemployed").
    public var reason: String
}

/// A computed measure: per scope (jobcenter first, then each municipality), with breakdowns.
public struct MeasureResult: Sendable {
    /// The measure.
    public var definition: MeasureDefinition
    /// The variant used.
    public var variant: String?
    /// When.
    public var evaluation: Evaluation
    /// Values per scope.
    public var scopes: [ScopeValue]
    /// Breakdowns (e.g. per activation kind and per provider): name → label → values.
    public var breakdowns: [(name: String, entries: [(label: String, scopes: [ScopeValue])])]
    /// Contributions, when requested.
    public var contributions: [Contribution]

    /// The value in a scope (nil = jobcenter).
    public func scope(_ municipality: Int?) -> ScopeValue? { scopes.first { $0.municipality == municipality } }
}

/// Errors of a measure request.
public struct MeasureError: Error, CustomStringConvertible, Sendable {
    /// What is wrong.
    public var message: String
    /// The message.
    public var description: String { message }
}
