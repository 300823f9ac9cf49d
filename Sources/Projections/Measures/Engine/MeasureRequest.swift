public import LedgerCore

/// What to compute: a measure, its variant and parameters, and when.
public struct MeasureRequest: Sendable {
    /// The measure's id, as DOMAIN.md numbers it (matched case-insensitively).
    public var measure: String
    /// The variant (e.g. `52w`); nil for the measure's default.
    public var variant: String?
    /// Evaluation day (`--at`).
    public var at: Day?
    /// Evaluation period (`--period`).
    public var period: Period?
    /// For a full-time-persons measure, the benefits summed: `a-dagpenge+kontanthjaelp:jobparat` (`flexjob` for flex jobs); nil for all.
    public var benefits: String?
    /// Further parameters by name (`event=NAME`, `arrival=YYYY-YYYY`, `kind=...`); each rule says which it reads.
    public var filter: [String: String]
    /// Whether to list each citizen's or item's contribution (for `explain`).
    public var recordContributions: Bool

    /// Makes a request.
    public init(measure: String, variant: String? = nil, at: Day? = nil, period: Period? = nil, benefits: String? = nil,
                filter: [String: String] = [:], recordContributions: Bool = false) {
        self.measure = measure
        self.variant = variant
        self.at = at
        self.period = period
        self.benefits = benefits
        self.filter = filter
        self.recordContributions = recordContributions
    }

    /// Parses `key=value;key=value`.
    public static func parseFilter(_ text: String?) -> [String: String] {
        var result: [String: String] = [:]
        for part in (text ?? "").split(separator: ";") {
            let pieces = part.split(separator: "=", maxSplits: 1)
            if pieces.count == 2 { result[String(pieces[0]).trimmingCharacters()] = String(pieces[1]).trimmingCharacters() }
        }
        return result
    }
}

extension String {
    /// The string without its leading and trailing spaces.
    func trimmingCharacters() -> String {
        var s = Substring(self)
        while s.first == " " { s = s.dropFirst() }
        while s.last == " " { s = s.dropLast() }
        return String(s)
    }
}
