public import LedgerCore

/// One version of a goal: the facts of its adopting or amending event.
public struct GoalVersion: Sendable {
    /// The event's sequence number.
    public var seq: Int64
    /// When the event was recorded.
    public var recordedAt: Timestamp
    /// Its effective date (the adoption or amendment date).
    public var effective: Day
    /// Adopted or amended.
    public var type: EventType
    /// The facts given.
    public var facts: [Fact]
}

/// A result goal (resultatmål) with its history: the adopting event and any amendments.
public struct GoalRecord: Sendable {
    /// The goal's id.
    public var id: String
    /// The scope: a municipality code, or nil for the jobcenter as a whole.
    public var scope: Int?
    /// Versions in recording order; the first is the adoption.
    public var versions: [GoalVersion]

    /// The facts in force: the adoption's, each replaced by later amendments' values.
    public var current: [String: FactValue] {
        var facts: [String: FactValue] = [:]
        for version in versions {
            for fact in version.facts { facts[fact.name] = fact.value }
        }
        return facts
    }

    /// The text of a fact in force.
    public func text(_ name: String) -> String? {
        switch current[name] {
        case .text(let s)?, .decimal(let s)?: return s
        case .integer(let i)?: return String(i)
        case .date(let d)?: return d.iso
        case .bool(let b)?: return b ? "true" : "false"
        case nil: return nil
        }
    }
}
