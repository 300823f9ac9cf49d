// Helpers shared by the life courses: match categories, spell lengths and gaps, and the
// recording of events (periods opened and closed at most once, nothing after `to`).

internal import LedgerCore

extension CitizenSimulator {
    /// The match category assessed most recently on or before `day`, or nil before the first.
    static func category(on day: Day, in assessments: [(day: Day, category: MatchCategory)]) -> MatchCategory? {
        assessments.last { $0.day <= day }?.category
    }

    /// The first match category of a cash-benefit spell; `youth` for uddannelseshjælp.
    mutating func firstCategory(youth: Bool) -> MatchCategory {
        youth
            ? rng.pick([(.aabenlystUddannelsesparat, 0.30), (.uddannelsesparat, 0.45), (.aktivitetsparat, 0.25)])
            : rng.pick([(.jobparat, 0.55), (.aktivitetsparat, 0.45)])
    }

    /// Another category of the same group: for `youth` (on uddannelseshjælp) åbenlyst
    /// uddannelsesparat, uddannelsesparat and aktivitetsparat; else jobparat and aktivitetsparat.
    mutating func otherCategory(than category: MatchCategory, youth: Bool) -> MatchCategory {
        switch category {
        case .jobparat: return .aktivitetsparat
        case .aktivitetsparat: return youth ? .uddannelsesparat : .jobparat
        case .aabenlystUddannelsesparat: return .uddannelsesparat
        case .uddannelsesparat: return rng.chance(0.5) ? .aabenlystUddannelsesparat : .aktivitetsparat
        }
    }

    /// A spell length in days: `shortShare` end within three months, the rest within a year, two
    /// years or (a few) longer.
    mutating func spellLength(shortShare: Double) -> Int {
        let u = rng.unit()
        if u < shortShare { return min(91, 7 + rng.exponentialDays(mean: 35)) }
        let rest = (u - shortShare) / (1 - shortShare)
        if rest < profile.spellTailThresholds[0] { return rng.int(92...364) }
        if rest < profile.spellTailThresholds[1] { return rng.int(365...730) }
        return rng.int(731...1_400)
    }

    /// `day`, or later so that a new spell of `benefit` does not touch the last one.
    func afterGap(_ day: Day, _ benefit: Benefit) -> Day {
        guard let last = lastSpellEnd[benefit.ordinal] else { return day }
        return max(day, last.adding(days: 2))
    }

    /// Ends the spell of `benefit` on `day` (its last day).
    mutating func closeSpell(_ benefit: Benefit, reason: BenefitEndReason, on day: Day) {
        close(.benefitEnded(benefit, reason: reason), on: day)
        lastSpellEnd[benefit.ordinal] = day
        // Some citizens answer the satisfaction survey after a spell (anonymously: no citizen).
        let answered = day.adding(days: rng.int(1...30))
        if rng.chance(0.1) && answered <= to {
            record(.surveyResponse(.citizen, satisfied: rng.chance(0.78)), on: answered, aboutCitizen: false)
        }
    }

    /// Adds an event on `day` if the day lies within the simulation; returns whether it did.
    @discardableResult
    mutating func record(_ facts: Facts, on day: Day, aboutCitizen: Bool = true) -> Bool {
        guard day <= to else { return false }
        assert(day >= registered, "nothing happens to a citizen before the registration")
        if case .sickLeavePartialReturn = facts { assert(openChains.contains(facts.chain!), "a partial return needs an open case") }
        events.append(
            SimulatedEvent(
                recordedAt: 0, effective: day, citizen: aboutCitizen ? citizen : -1,
                municipality: municipality, facts: facts))
        return true
    }

    /// Records an event that opens a period.
    mutating func open(_ facts: Facts, on day: Day) {
        guard record(facts, on: day) else { return }
        let inserted = openChains.insert(facts.chain!).inserted
        assert(inserted, "a period is not opened while it is open")
    }

    /// Records an event that closes a period.
    mutating func close(_ facts: Facts, on day: Day) {
        guard record(facts, on: day) else { return }
        let removed = openChains.remove(facts.chain!)
        assert(removed != nil, "only an open period is closed")
    }
}
