public import LedgerCore

/// What to simulate: how many citizens, over which days, in which municipalities, and how the
/// output will be appended (its first sequence number and whether lines carry their own recorded-at).
public struct GeneratorOptions: Sendable {
    /// Number of citizens simulated (each gets a `citizen_registered` line and a life history).
    public var citizens: Int
    /// The seed of every random choice: the same options always give the same output.
    public var seed: UInt64
    /// The first effective date of any event (default 2011-01-01); birth and arrival dates are earlier.
    public var from: Day
    /// The last effective date of any event (default 2014-12-31), both ends included.
    public var to: Day
    /// Municipality codes (e.g. `[250]` or `[183, 187]`); citizens and companies are spread over them.
    public var municipalities: [Int]
    /// The sequence number the first output line gets when the output is appended as one batch
    /// (default 2: a fresh ledger after `init`). Corrections name their originals by sequence numbers
    /// computed from it.
    public var firstSeq: Int64
    /// Whether each line carries its own `recorded_at` (historical ledgers, `append --historical`).
    /// The times never decrease along the output and never lie after `to` + 90 days.
    public var withRecordedAt: Bool
    /// The rates the history is drawn with (default ``GeneratorProfile/generic``).
    public var profile: GeneratorProfile

    /// The default first effective date, 2011-01-01.
    public static let defaultFrom = Day(year: 2011, month: 1, day: 1)!
    /// The default last effective date, 2014-12-31.
    public static let defaultTo = Day(year: 2014, month: 12, day: 31)!

    /// Makes options; see each property for its meaning.
    public init(
        citizens: Int, seed: UInt64, from: Day, to: Day, municipalities: [Int], firstSeq: Int64 = 2,
        withRecordedAt: Bool = false, profile: GeneratorProfile = .generic
    ) {
        self.citizens = citizens
        self.seed = seed
        self.from = from
        self.to = to
        self.municipalities = municipalities
        self.firstSeq = firstSeq
        self.withRecordedAt = withRecordedAt
        self.profile = profile
    }
}
