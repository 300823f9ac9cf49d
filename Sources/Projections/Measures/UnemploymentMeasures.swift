import LedgerCore

// Unemployment measures: M1 and M1b (long-term unemployment, the Jobindsats and the Danmarks
// Statistik rule), M6 (long ledighedsydelse spells) and M7 (long sick-leave cases).
// Each rule's doc comment quotes DOMAIN.md's definition and names the choices of FORMAT.md section 10;
// the dispatch from a measure's id to its rule is in MeasureRules.swift.

extension MeasureEngine {
    /// M1, long-term unemployed at D, Jobindsats rule (292 of the 364 days).
    ///
    /// DOMAIN.md: "citizens gross unemployed on D and on at least 292 of the 364 days D-363 ... D (80 % of
    /// 52 weeks)".
    ///
    /// FORMAT.md section 10: the window is the 364 days D-363 ... D, 292 of them (80 % of 52 weeks) gross
    /// unemployed, and D itself; pieces of gross unemployment from different benefits are merged before
    /// the days are counted; the citizen counts in the municipality of the spell covering D.
    func m1(_ d: Day, _ c: inout Context) {
        let first = d.adding(days: -363)
        state.citizens.withUnsafeBufferPointer { citizens in
            // The test reads the spells in place; only a citizen who passes it is copied out.
            for i in citizens.indices where c.walks(citizens[i].pseudonym) && DerivedStates.mayBeGrossUnemployed(spells: citizens[i].spells, on: d) {
                let h = citizens[i]
                let pieces = DerivedStates.grossUnemploymentPieces(h)
                guard let covering = pieces.first(where: { $0.interval.contains(d) }) else { continue }
                let days = DerivedStates.union(pieces.map(\.interval)).reduce(0) { $0 + $1.days(from: first, through: d) }
                if days >= 292 {
                    c.add(covering.municipality, numerator: 1, citizen: h.pseudonym,
                          seqs: pieces.filter { $0.interval.days(from: first, through: d) > 0 }.map(\.seq), reason: "\(days) of 364 days gross unemployed")
                }
            }
        }
    }

    /// M1b, long-term unemployed at D, Danmarks Statistik rule (a run of 364 days, gaps of 28 not breaking it).
    ///
    /// DOMAIN.md: "citizens gross unemployed on D whose gross-unemployment run ending on D is at least 364
    /// days long, where gaps of at most 28 days do not break the run (gap days are not counted)".
    ///
    /// FORMAT.md section 10: the run ending on D is walked back over gaps of at most 28 days; only
    /// unemployed days count, and at least 364 must; the citizen counts in the municipality of the spell
    /// covering D.
    func m1b(_ d: Day, _ c: inout Context) {
        state.citizens.withUnsafeBufferPointer { citizens in
            // The test reads the spells in place; only a citizen who passes it is copied out.
            for i in citizens.indices where c.walks(citizens[i].pseudonym) && DerivedStates.mayBeGrossUnemployed(spells: citizens[i].spells, on: d) {
                let h = citizens[i]
                let pieces = DerivedStates.grossUnemploymentPieces(h)
                guard let covering = pieces.first(where: { $0.interval.contains(d) }) else { continue }
                let union = DerivedStates.union(pieces.map(\.interval)).filter { $0.start <= d }
                guard var k = union.lastIndex(where: { $0.contains(d) }) else { continue }
                var counted = union[k].days(from: union[k].start, through: d)
                var runStart = union[k].start
                while k > 0 {
                    let gap = union[k].start.days(since: union[k - 1].end) - 1
                    guard gap <= 28 else { break }
                    k -= 1
                    counted += union[k].days(from: union[k].start, through: union[k].end)
                    runStart = union[k].start
                }
                if counted >= 364 {
                    c.add(covering.municipality, numerator: 1, citizen: h.pseudonym,
                          seqs: pieces.filter { $0.interval.end >= runStart && $0.interval.start <= d }.map(\.seq),
                          reason: "run of \(counted) days gross unemployed since \(runStart)")
                }
            }
        }
    }

    /// M6, long ledighedsydelse spells at D: runs started before D minus 18 months.
    ///
    /// DOMAIN.md: "citizens on ledighedsydelse on D whose unbroken ledighedsydelse spell started before D
    /// minus 18 calendar months".
    ///
    /// FORMAT.md section 10: the merged ledighedsydelse run containing D must start strictly before D
    /// minus 18 calendar months (the same day of the month, or that month's last day when it has no such
    /// day); the citizen counts in the municipality of the spell covering D.
    func m6(_ d: Day, _ c: inout Context) {
        let threshold = d.minusMonths(18)
        state.citizens.withUnsafeBufferPointer { citizens in
            for h in citizens where c.walks(h.pseudonym) {
                let spells = h.spells.filter { $0.benefit == DerivedStates.ledighedsydelse }
                guard let covering = spells.first(where: { DerivedStates.interval($0).contains(d) }) else { continue }
                guard let run = DerivedStates.union(spells.map(DerivedStates.interval)).first(where: { $0.contains(d) }) else { continue }
                if run.start < threshold {
                    c.add(covering.municipality, numerator: 1, citizen: h.pseudonym, seqs: spells.filter { DerivedStates.interval($0).start >= run.start && DerivedStates.interval($0).start <= d }.map(\.startSeq),
                          reason: "on ledighedsydelse since \(run.start)")
                }
            }
        }
    }

    /// M7, long sick-leave cases at D: open more than 182 (26 weeks) or 364 (52 weeks) days.
    ///
    /// DOMAIN.md: "open sick-leave cases on D with D - first day + 1 > 182 / > 364 days".
    ///
    /// FORMAT.md section 10: cases, not citizens; "over 26 weeks" (variant `26w`, the default) is
    /// D - first day + 1 > 182, "over 52 weeks" (`52w`) > 364; each case counts in its own municipality.
    func m7(_ d: Day, weeks52: Bool, _ c: inout Context) {
        let limit = weeks52 ? 364 : 182
        state.citizens.withUnsafeBufferPointer { citizens in
            for h in citizens where c.walks(h.pseudonym) {
                for sick in h.sickLeaves where DerivedStates.interval(sick).contains(d) {
                    let length = d.days(since: sick.start) + 1
                    if length > limit {
                        c.add(sick.municipality, numerator: 1, citizen: h.pseudonym, seqs: [sick.startSeq], reason: "case open \(length) days since \(sick.start)")
                    }
                }
            }
        }
    }
}
