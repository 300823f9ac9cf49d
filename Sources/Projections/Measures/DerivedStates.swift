public import LedgerCore

/// A closed range of days, both ends included; open periods end at ``Day/distantFuture``.
public struct DayInterval: Sendable, Equatable {
    /// First day.
    public var start: Day
    /// Last day (``Day/distantFuture`` for an open period).
    public var end: Day

    /// Makes an interval.
    public init(start: Day, end: Day) {
        self.start = start
        self.end = end
    }

    /// Whether `day` is in the interval.
    public func contains(_ day: Day) -> Bool { start <= day && day <= end }

    /// Days of this interval within `[first, last]`.
    public func days(from first: Day, through last: Day) -> Int {
        let a = max(start, first), b = min(end, last)
        return a <= b ? b.days(since: a) + 1 : 0
    }
}

extension Day {
    /// A day far after any real date: the end of an open period.
    public static let distantFuture = Day(ordinal: 2_000_000)
}

/// A set of closed-list positions (benefits, activation kinds), as a bit mask: asking whether it
/// holds a code costs a shift, where a `Set<UInt8>` hashes the code (the measures ask it for every
/// spell or activation of every citizen).
struct CodeSet: Sendable, Equatable, ExpressibleByArrayLiteral {
    /// Bit k is set when position k is in the set.
    private var mask: UInt64 = 0

    /// The set of `codes` (each below 64: the closed lists are short).
    init<S: Sequence>(_ codes: S) where S.Element == UInt8 {
        for code in codes {
            precondition(code < 64, "a closed-list position below 64")
            mask |= 1 << UInt64(code)
        }
    }

    /// The set of the codes listed.
    init(arrayLiteral codes: UInt8...) { self.init(codes) }

    /// Whether `code` is in the set.
    @inline(__always) func contains(_ code: UInt8) -> Bool { code < 64 && mask & (1 << UInt64(code)) != 0 }
}

/// The derived states of DOMAIN.md ("Derived states on a day d") for one citizen.
///
/// Pure functions of a ``CitizenHistory``; `d` is a day.
public enum DerivedStates {
    static let aDagpenge = UInt8(Catalog.benefits.firstIndex(of: "a-dagpenge")!)
    static let kontanthjaelp = UInt8(Catalog.benefits.firstIndex(of: "kontanthjaelp")!)
    static let uddannelseshjaelp = UInt8(Catalog.benefits.firstIndex(of: "uddannelseshjaelp")!)
    static let selvforsoergelse = UInt8(Catalog.benefits.firstIndex(of: "selvforsoergelsesydelse")!)
    static let ledighedsydelse = UInt8(Catalog.benefits.firstIndex(of: "ledighedsydelse")!)
    static let ressourceforloeb = UInt8(Catalog.benefits.firstIndex(of: "ressourceforloeb")!)
    static let jobparat = UInt8(Catalog.matchCategories.firstIndex(of: "jobparat")!)
    static let aktivitetsparat = UInt8(Catalog.matchCategories.firstIndex(of: "aktivitetsparat")!)
    static let aabenlyst = UInt8(Catalog.matchCategories.firstIndex(of: "aabenlyst-uddannelsesparat")!)
    static let companyKinds = CodeSet(Catalog.companyOrientedActivationKinds.map { UInt8(Catalog.activationKinds.firstIndex(of: $0)!) })
    static let praktikOrLoentilskud = CodeSet(["virksomhedspraktik", "loentilskud-privat", "loentilskud-offentlig"].map { UInt8(Catalog.activationKinds.firstIndex(of: $0)!) })

    /// A spell's days as an interval.
    public static func interval(_ spell: BenefitSpell) -> DayInterval { DayInterval(start: spell.start, end: spell.end ?? .distantFuture) }

    /// A period's days as an interval.
    public static func interval(_ period: PeriodRecord) -> DayInterval { DayInterval(start: period.start, end: period.end ?? .distantFuture) }

    /// The match-category intervals of a citizen, in order.
    ///
    /// Each assessment holds from its day until the day before the next (by effective day, then
    /// sequence number). Before the first assessment there is no category.
    public static func categoryIntervals(_ h: CitizenHistory) -> [(interval: DayInterval, category: UInt8)] {
        let sorted = h.assessments.sorted { ($0.day, $0.seq) < ($1.day, $1.seq) }
        var result: [(DayInterval, UInt8)] = []
        for (i, a) in sorted.enumerated() {
            let next = i + 1 < sorted.count ? sorted[i + 1].day : nil
            if let next, next == a.day { continue }  // A later assessment on the same day wins.
            result.append((DayInterval(start: a.day, end: next.map { $0.adding(days: -1) } ?? .distantFuture), a.category))
        }
        return result
    }

    /// The category on day `d`, or nil before the first assessment.
    public static func category(_ h: CitizenHistory, on d: Day) -> UInt8? {
        var best: Assessment?
        for a in h.assessments where a.day <= d {
            if best == nil || (a.day, a.seq) > (best!.day, best!.seq) { best = a }
        }
        return best?.category
    }

    /// The pieces of gross unemployment (bruttoledighed), each with its spell's municipality.
    ///
    /// A-dagpenge; kontanthjælp or selvforsørgelsesydelse while jobparat; uddannelseshjælp while
    /// åbenlyst uddannelsesparat. Activation does not change it. Pieces may overlap.
    public static func grossUnemploymentPieces(_ h: CitizenHistory) -> [(interval: DayInterval, municipality: Int, seq: Int64)] {
        var pieces: [(DayInterval, Int, Int64)] = []
        var categories: [(interval: DayInterval, category: UInt8)]?
        for spell in h.spells {
            let span = interval(spell)
            if spell.benefit == aDagpenge {
                pieces.append((span, spell.municipality, spell.startSeq))
                continue
            }
            let required: UInt8
            if spell.benefit == kontanthjaelp || spell.benefit == selvforsoergelse { required = jobparat }
            else if spell.benefit == uddannelseshjaelp { required = aabenlyst }
            else { continue }
            if categories == nil { categories = categoryIntervals(h) }
            for c in categories! where c.category == required {
                let a = max(span.start, c.interval.start), b = min(span.end, c.interval.end)
                if a <= b { pieces.append((DayInterval(start: a, end: b), spell.municipality, spell.startSeq)) }
            }
        }
        return pieces
    }

    /// Whether one of a citizen's `spells` is of a benefit that counts in gross unemployment and
    /// covers `day`: a cheap test that every piece of ``grossUnemploymentPieces(_:)`` covering `day`
    /// passes (a piece lies within its spell), so that M1 builds the pieces only for citizens it
    /// may count.
    @inline(__always)
    static func mayBeGrossUnemployed(spells: [BenefitSpell], on day: Day) -> Bool {
        for spell in spells where spell.start <= day && (spell.end.map { day <= $0 } ?? true) {
            if spell.benefit == aDagpenge || spell.benefit == kontanthjaelp || spell.benefit == selvforsoergelse
                || spell.benefit == uddannelseshjaelp { return true }
        }
        return false
    }

    /// The union of intervals, sorted, with overlapping or touching intervals merged.
    public static func union(_ intervals: [DayInterval]) -> [DayInterval] {
        let sorted = intervals.sorted { $0.start < $1.start }
        var merged: [DayInterval] = []
        for i in sorted {
            if let last = merged.last, i.start.ordinal <= last.end.ordinal + 1 {
                if i.end > last.end { merged[merged.count - 1].end = i.end }
            } else {
                merged.append(i)
            }
        }
        return merged
    }

    /// The spells of one benefit merged where they overlap or touch (DOMAIN.md, "Overlaps").
    ///
    /// Each run keeps its first start and sequence number, and its last spell's end, end reason,
    /// closing event and municipality. A run with an open spell is open.
    public static func runs(_ h: CitizenHistory, _ benefit: UInt8) -> [BenefitSpell] {
        let spells = h.spells.filter { $0.benefit == benefit }.sorted { ($0.start, $0.startSeq) < ($1.start, $1.startSeq) }
        var runs: [BenefitSpell] = []
        for spell in spells {
            if var last = runs.last, last.end == nil || spell.start.ordinal <= last.end!.ordinal + 1 {
                if last.end != nil && (spell.end == nil || spell.end! > last.end!) {
                    last.end = spell.end
                    last.endReason = spell.endReason
                    last.endSeq = spell.endSeq
                    last.municipality = spell.municipality
                }
                runs[runs.count - 1] = last
            } else {
                runs.append(spell)
            }
        }
        return runs
    }

    /// The benefit spell of `benefit` covering `d`, if any.
    public static func spell(_ h: CitizenHistory, _ benefit: UInt8, on d: Day) -> BenefitSpell? {
        h.spells.first { $0.benefit == benefit && interval($0).contains(d) }
    }

    /// Whether any benefit spell covers `d`.
    public static func onAnyBenefit(_ h: CitizenHistory, on d: Day) -> Bool {
        h.spells.contains { interval($0).contains(d) }
    }

    /// The flex job covering `d`, if any.
    public static func flexJob(_ h: CitizenHistory, on d: Day) -> PeriodRecord? {
        h.flexJobs.first { interval($0).contains(d) }
    }

    /// Self-supporting on `d`: on no benefit and not in a flex job.
    public static func selfSupporting(_ h: CitizenHistory, on d: Day) -> Bool {
        !onAnyBenefit(h, on: d) && flexJob(h, on: d) == nil
    }

    /// In ordinary education on `d`.
    public static func inEducation(_ h: CitizenHistory, on d: Day) -> Bool {
        h.educations.contains { interval($0).contains(d) }
    }

    /// In company-oriented activation (virksomhedspraktik, løntilskud, nytteindsats) on `d`.
    public static func inCompanyActivation(_ h: CitizenHistory, on d: Day) -> Bool {
        h.activations.contains { companyKinds.contains($0.kind) && $0.start <= d && d <= ($0.end ?? .distantFuture) }
    }

    /// In a job on `d`: a placement's employment not ended, or a flex job.
    public static func inJob(_ h: CitizenHistory, on d: Day) -> Bool {
        h.placements.contains { interval($0).contains(d) } || flexJob(h, on: d) != nil
    }

    /// Weekdays (Monday to Friday) in `[first, last]`.
    public static func weekdays(from first: Day, through last: Day) -> Int {
        guard first <= last else { return 0 }
        let total = last.days(since: first) + 1
        var count = total / 7 * 5
        var day = first.adding(days: total / 7 * 7)
        while day <= last {
            if day.weekday <= 5 { count += 1 }
            day = day.adding(days: 1)
        }
        return count
    }
}
