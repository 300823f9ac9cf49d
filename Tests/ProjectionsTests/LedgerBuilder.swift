// Test support for the measure tables: a builder of hand-made ledgers (recorded events in sequence,
// with the catalog's exact fact names and values), and the small helpers every table uses to
// compute a measure and compare it with a hand-computed expectation.
//
// The builder writes events the way the validator would store them: a correction carries the
// original's effective date, municipality and citizen; recorded-at never decreases; hashes are
// zero because the fold does not check them.

import LedgerCore
import Testing

@testable import Projections

// MARK: - Days, periods and citizens

/// A calendar day from `YYYY-MM-DD`; the text must be a real day.
func date(_ iso: String) -> Day {
    guard let day = Day(iso: iso) else { preconditionFailure("not a calendar day: \(iso)") }
    return day
}

/// A period from `YYYY`, `YYYY-MM`, `YYYYQn` or `YYYY-MM-DD/YYYY-MM-DD`.
func period(_ text: String) -> Period {
    guard let period = Period(text: text) else { preconditionFailure("not a period: \(text)") }
    return period
}

/// An instant from `YYYY-MM-DDTHH:MM:SS.mmmZ` (or a bare day, its start in UTC).
func instant(_ iso: String) -> Timestamp {
    guard let t = Timestamp(iso: iso) else { preconditionFailure("not an instant: \(iso)") }
    return t
}

/// Test citizen number `n` as a pseudonym: `c-` and `n` in 16 hex digits (citizen 7 is c-0000000000000007).
func citizen(_ number: Int) -> Pseudonym {
    precondition(number >= 0)
    let digits = Array("0123456789abcdef")
    var text = ""
    var rest = UInt64(number)
    for _ in 0..<16 {
        text = String(digits[Int(rest % 16)]) + text
        rest /= 16
    }
    guard let pseudonym = Pseudonym("c-" + text) else { preconditionFailure("pseudonym shape") }
    return pseudonym
}

// MARK: - Ledger builder

/// Builds a ledger as a list of recorded events, one method per kind of fact. Every method
/// appends its events at the builder's current recorded-at time and returns their sequence numbers.
struct LedgerBuilder: Sendable {
    /// The events so far, seq 1 first.
    private(set) var events: [RecordedEvent] = []
    /// The recorded-at time given to the events appended next.
    private(set) var recordedAt: Timestamp
    /// The municipality used when a method is not given one: the ledger's first.
    let defaultMunicipality: Int

    /// Opens a ledger serving `municipalities` ("250" or "183,187"), recorded at `recordedAt`.
    init(municipalities: String = "250", recordedAt: String = "2010-01-01T08:00:00.000Z") {
        self.recordedAt = instant(recordedAt)
        guard let first = municipalities.split(separator: ",").first.flatMap({ Int($0) }) else {
            preconditionFailure("municipalities: \(municipalities)")
        }
        defaultMunicipality = first
        append(
            .ledgerOpened, effective: date("2010-01-01"), municipality: nil, citizen: nil,
            facts: [
                Fact("ledger_id", .text("test-ledger")),
                Fact("jobcenter", .text(municipalities == "250" ? "Jobcenter Frederikssund" : "Jobcenter Vallensbaek")),
                Fact("municipalities", .text(municipalities)),
            ])
    }

    /// The sequence number the next event gets.
    var nextSeq: Int64 { Int64(events.count) + 1 }

    /// Sets the recorded-at time of the events appended from now on; it never goes back.
    mutating func recorded(at iso: String) {
        let t = instant(iso)
        precondition(t >= recordedAt, "recorded-at never decreases along a ledger")
        recordedAt = t
    }

    /// Appends one event and returns its sequence number.
    @discardableResult
    mutating func append(_ type: EventType, effective: Day, municipality: Int?, citizen: Pseudonym?, facts: [Fact]) -> Int64 {
        let seq = nextSeq
        let event = Event(type: type, effective: effective, municipality: municipality, citizen: citizen, facts: facts)
        events.append(RecordedEvent(seq: seq, recordedAt: recordedAt, event: event, prev: .zero, hash: .zero))
        return seq
    }

    /// Appends an event about citizen number `person`.
    @discardableResult
    private mutating func person(_ type: EventType, _ person: Int, _ effective: String, _ municipality: Int?, _ facts: [Fact]) -> Int64 {
        append(type, effective: date(effective), municipality: municipality ?? defaultMunicipality, citizen: citizen(person), facts: facts)
    }

    /// Appends an event about no person.
    @discardableResult
    private mutating func fact(_ type: EventType, _ effective: String, _ municipality: Int?, _ facts: [Fact]) -> Int64 {
        append(type, effective: date(effective), municipality: municipality ?? defaultMunicipality, citizen: nil, facts: facts)
    }

    // MARK: Citizens

    /// citizen_registered: birth date, highest education, and for refugees the arrival date.
    @discardableResult
    mutating func register(
        _ c: Int, born: String = "1970-01-01", education: String = "none", arrived: String? = nil,
        on effective: String = "2010-01-01", in municipality: Int? = nil
    ) -> Int64 {
        var facts = [Fact("birth_date", .date(date(born))), Fact("education", .text(education))]
        if let arrived {
            facts += [Fact("refugee", .bool(true)), Fact("arrival_date", .date(date(arrived)))]
        }
        return person(.citizenRegistered, c, effective, municipality, facts)
    }

    /// benefit_started, and benefit_ended when `to` is given. Returns both sequence numbers.
    @discardableResult
    mutating func benefit(
        _ c: Int, _ benefit: String, from: String, to: String? = nil, reason: String = "other",
        hours: Int? = nil, in municipality: Int? = nil
    ) -> (start: Int64, end: Int64?) {
        precondition(Catalog.benefits.contains(benefit), "benefit \(benefit)")
        var facts = [Fact("benefit", .text(benefit))]
        if let hours { facts.append(Fact("weekly_hours", .integer(Int64(hours)))) }
        let start = person(.benefitStarted, c, from, municipality, facts)
        let end = to.map { endBenefit(c, benefit, on: $0, reason: reason, in: municipality) }
        return (start, end)
    }

    /// benefit_ended on its own (e.g. recorded later than the start).
    @discardableResult
    mutating func endBenefit(_ c: Int, _ benefit: String, on day: String, reason: String = "other", in municipality: Int? = nil) -> Int64 {
        precondition(Catalog.benefitEndReasons.contains(reason), "reason \(reason)")
        return person(.benefitEnded, c, day, municipality, [Fact("benefit", .text(benefit)), Fact("reason", .text(reason))])
    }

    /// match_assessed: the category holds from `day` until the next assessment.
    @discardableResult
    mutating func assess(_ c: Int, _ category: String, on day: String, in municipality: Int? = nil) -> Int64 {
        precondition(Catalog.matchCategories.contains(category), "category \(category)")
        return person(.matchAssessed, c, day, municipality, [Fact("category", .text(category))])
    }

    /// activation_started (and activation_ended when `to` is given). `provider` is "jobcenter" or the
    /// other actor's name (anden aktør).
    @discardableResult
    mutating func activation(
        _ c: Int, id: String, kind: String, provider: String = "jobcenter", employer: String? = nil,
        from: String, to: String? = nil, in municipality: Int? = nil
    ) -> Int64 {
        precondition(Catalog.activationKinds.contains(kind), "kind \(kind)")
        var facts = [Fact("activity_id", .text(id)), Fact("kind", .text(kind))]
        if provider == "jobcenter" {
            facts.append(Fact("provider", .text("jobcenter")))
        } else {
            facts += [Fact("provider", .text("anden-aktoer")), Fact("provider_name", .text(provider))]
        }
        if let employer { facts.append(Fact("employer_cvr", .text(employer))) }
        let start = person(.activationStarted, c, from, municipality, facts)
        if let to { person(.activationEnded, c, to, municipality, [Fact("activity_id", .text(id))]) }
        return start
    }

    /// job_placement (and employment_ended when `ended` is given). Returns the placement's sequence number.
    @discardableResult
    mutating func placement(
        _ c: Int, on day: String, channel: String = "employer-request", ended: String? = nil,
        order: String? = nil, in municipality: Int? = nil
    ) -> Int64 {
        precondition(Catalog.placementChannels.contains(channel), "channel \(channel)")
        var facts = [Fact("channel", .text(channel))]
        if let order { facts.append(Fact("order_id", .text(order))) }
        let seq = person(.jobPlacement, c, day, municipality, facts)
        if let ended { person(.employmentEnded, c, ended, municipality, []) }
        return seq
    }

    /// flexjob_approved.
    @discardableResult
    mutating func flexApproved(_ c: Int, on day: String, in municipality: Int? = nil) -> Int64 {
        person(.flexJobApproved, c, day, municipality, [])
    }

    /// flexjob_started (and flexjob_ended when `to` is given).
    @discardableResult
    mutating func flexJob(_ c: Int, from: String, to: String? = nil, hours: Int? = nil, in municipality: Int? = nil) -> Int64 {
        var facts: [Fact] = []
        if let hours { facts.append(Fact("weekly_hours", .integer(Int64(hours)))) }
        let seq = person(.flexJobStarted, c, from, municipality, facts)
        if let to { person(.flexJobEnded, c, to, municipality, []) }
        return seq
    }

    /// sickleave_opened on the first day of sickness (and sickleave_closed when `to` is given).
    @discardableResult
    mutating func sickLeave(
        _ c: Int, from: String, to: String? = nil, status: String = "employed", reason: String = "recovered",
        in municipality: Int? = nil
    ) -> Int64 {
        let seq = person(.sickLeaveOpened, c, from, municipality, [Fact("status", .text(status))])
        if let to { person(.sickLeaveClosed, c, to, municipality, [Fact("reason", .text(reason))]) }
        return seq
    }

    /// disability_pension_awarded.
    @discardableResult
    mutating func award(_ c: Int, on day: String, in municipality: Int? = nil) -> Int64 {
        person(.disabilityPensionAwarded, c, day, municipality, [])
    }

    /// education_started (and education_ended with `reason` when `to` is given).
    @discardableResult
    mutating func education(_ c: Int, from: String, to: String? = nil, reason: String = "completed", in municipality: Int? = nil) -> Int64 {
        let seq = person(.educationStarted, c, from, municipality, [])
        if let to {
            precondition(Catalog.educationEndReasons.contains(reason), "reason \(reason)")
            person(.educationEnded, c, to, municipality, [Fact("reason", .text(reason))])
        }
        return seq
    }

    /// paid_hours_registered for `month` (YYYY-MM), effective on the month's last day.
    @discardableResult
    mutating func paidHours(_ c: Int, month: String, hours: Int, in municipality: Int? = nil) -> Int64 {
        let effective = date(month + "-01").lastOfMonth.iso
        return person(.paidHoursRegistered, c, effective, municipality, [Fact("month", .text(month)), Fact("hours", .integer(Int64(hours)))])
    }

    // MARK: Job orders and companies

    /// job_order_received.
    @discardableResult
    mutating func jobOrder(_ id: String, on day: String, employer: String = "30000001", positions: Int = 1, in municipality: Int? = nil) -> Int64 {
        fact(
            .jobOrderReceived, day, municipality,
            [
                Fact("order_id", .text(id)), Fact("employer_cvr", .text(employer)), Fact("positions", .integer(Int64(positions))),
            ])
    }

    /// job_order_referral: citizen `c` referred to order `id`.
    @discardableResult
    mutating func referral(_ c: Int, order id: String, on day: String, in municipality: Int? = nil) -> Int64 {
        person(.jobOrderReferral, c, day, municipality, [Fact("order_id", .text(id))])
    }

    /// job_order_filled, by citizen `c` when named.
    @discardableResult
    mutating func filled(order id: String, by c: Int?, on day: String, in municipality: Int? = nil) -> Int64 {
        append(
            .jobOrderFilled, effective: date(day), municipality: municipality ?? defaultMunicipality, citizen: c.map(citizen),
            facts: [Fact("order_id", .text(id))])
    }

    /// company_registered with its number of employees.
    @discardableResult
    mutating func company(_ cvr: String, employees: Int, on day: String = "2010-01-01", in municipality: Int? = nil) -> Int64 {
        fact(.companyRegistered, day, municipality, [Fact("cvr", .text(cvr)), Fact("employees", .integer(Int64(employees)))])
    }

    /// company_visited.
    @discardableResult
    mutating func visit(_ cvr: String, on day: String, in municipality: Int? = nil) -> Int64 {
        fact(.companyVisited, day, municipality, [Fact("cvr", .text(cvr))])
    }

    /// event_held with its participants.
    @discardableResult
    mutating func heldEvent(_ name: String, on day: String, participants: Int, in municipality: Int? = nil) -> Int64 {
        fact(.eventHeld, day, municipality, [Fact("name", .text(name)), Fact("participants", .integer(Int64(participants)))])
    }

    /// survey_response of a citizen or a company.
    @discardableResult
    mutating func survey(_ respondent: String, satisfied: Bool, on day: String, in municipality: Int? = nil) -> Int64 {
        fact(.surveyResponse, day, municipality, [Fact("respondent", .text(respondent)), Fact("satisfied", .bool(satisfied))])
    }

    /// reference_figure (national, municipality nil, unless given).
    @discardableResult
    mutating func referenceFigure(
        _ name: String, period: String, value: String, unit: String = "percent", on day: String = "2014-01-15",
        in municipality: Int? = nil
    ) -> Int64 {
        append(
            .referenceFigure, effective: date(day), municipality: municipality, citizen: nil,
            facts: [
                Fact("name", .text(name)), Fact("period", .text(period)), Fact("value", .decimal(value)),
                Fact("unit", .text(unit)), Fact("source", .text("Jobindsats")),
            ])
    }

    /// goal_adopted: the fields given (text values; target, offset_pp and baseline_value as decimals,
    /// deadline and adopted_on as dates), with plan, title, adopted_by, adopted_on and source filled in.
    /// `scope` is the municipality, nil for the jobcenter.
    @discardableResult
    mutating func goal(_ id: String, scope: Int?, on day: String = "2014-01-15", _ fields: KeyValuePairs<String, String>) -> Int64 {
        let given = Dictionary(uniqueKeysWithValues: fields.map { ($0.key, $0.value) })
        let defaults = [
            "plan": "Beskaeftigelsesplan 2014", "title": "goal \(id)", "adopted_by": "Beskaeftigelsesudvalget",
            "adopted_on": "2014-01-10", "source": "test plan",
        ]
        var facts: [Fact] = []
        for spec in Catalog.spec(.goalAdopted).fields {
            let value: String
            if spec.name == "goal_id" { value = id } else if let v = given[spec.name] ?? defaults[spec.name] { value = v } else { continue }
            switch spec.kind {
            case .decimal: facts.append(Fact(spec.name, .decimal(value)))
            case .date: facts.append(Fact(spec.name, .date(date(value))))
            default: facts.append(Fact(spec.name, .text(value)))
            }
        }
        for name in given.keys { precondition(Catalog.spec(.goalAdopted).fields.contains { $0.name == name }, "unknown goal field \(name)") }
        return append(.goalAdopted, effective: date(day), municipality: scope, citizen: nil, facts: facts)
    }

    // MARK: Corrections

    /// A correction that retracts event `seq` (reason fejloprettet): it carries the original's
    /// effective date, municipality and citizen, as the validator stores it.
    @discardableResult
    mutating func retract(seq: Int64) -> Int64 {
        let original = events[Int(seq) - 1].event
        return append(
            .correction, effective: original.effective, municipality: original.municipality, citizen: original.citizen,
            facts: [
                Fact("corrects", .integer(seq)), Fact("action", .text("retract")), Fact("correction_reason", .text("fejloprettet")),
            ])
    }

    /// A correction that supersedes event `seq` with `facts`: the original type's facts in full.
    @discardableResult
    mutating func supersede(seq: Int64, facts: [Fact]) -> Int64 {
        let original = events[Int(seq) - 1].event
        return append(
            .correction, effective: original.effective, municipality: original.municipality, citizen: original.citizen,
            facts: [
                Fact("corrects", .integer(seq)), Fact("action", .text("supersede")), Fact("correction_reason", .text("wrong-facts")),
            ] + facts)
    }

    // MARK: States

    /// The state after every event.
    var state: ProjectionState { state(through: Int64(events.count)) }

    /// The state after events 1 ... `seq`.
    func state(through seq: Int64) -> ProjectionState {
        var state = ProjectionState()
        for recorded in events where recorded.seq <= seq { state.apply(recorded) }
        return state
    }

    /// The state as known at `iso`: the prefix of events recorded at or before that instant
    /// (recorded-at never decreases, so the prefix is exactly those events).
    func state(knownAt iso: String) -> ProjectionState {
        let t = instant(iso)
        var state = ProjectionState()
        for recorded in events {
            guard recorded.recordedAt <= t else { break }
            state.apply(recorded)
        }
        return state
    }
}

// MARK: - Computing and checking measures

/// Computes a measure over a state; the default day (used only when neither `at` nor `period` is given)
/// is the latest effective date in the state, as the command line does.
func compute(
    _ state: ProjectionState, _ measure: String, variant: String? = nil, at: String? = nil, period text: String? = nil,
    benefits: String? = nil, filter: [String: String] = [:]
) throws -> MeasureResult {
    let request = MeasureRequest(
        measure: measure, variant: variant, at: at.map(date), period: text.map(period), benefits: benefits,
        filter: filter)
    return try MeasureEngine(state: state).compute(request, defaultDay: state.latestEffective)
}

/// One expected value of a measure in a scope (nil = the jobcenter), with the numerator and
/// denominator for shares when the table states them.
struct Expected: Sendable, CustomTestStringConvertible {
    /// The municipality code, or nil for the jobcenter.
    var scope: Int?
    /// The value: a count, a share in percent, or full-time persons; nil when a share has no denominator.
    var value: Double?
    /// The numerator, when checked.
    var numerator: Double?
    /// The denominator, when checked.
    var denominator: Double?

    var testDescription: String { "\(scope.map(String.init) ?? "jobcenter"): \(value.map { String($0) } ?? "none")" }
}

/// The jobcenter value (counts and full-time persons).
func total(_ value: Double?) -> Expected { Expected(scope: nil, value: value) }

/// A municipality's value.
func municipality(_ municipality: Int, _ value: Double?) -> Expected { Expected(scope: municipality, value: value) }

/// A share `numerator / denominator × 100` in a scope (nil = the jobcenter); `value` is nil when the denominator is 0.
func share(_ numerator: Double, of denominator: Double, in scope: Int? = nil) -> Expected {
    Expected(scope: scope, value: denominator > 0 ? numerator / denominator * 100 : nil, numerator: numerator, denominator: denominator)
}

/// Checks a result against expectations, to `tolerance`.
func check(_ result: MeasureResult, _ expected: [Expected], tolerance: Double = 1e-9, sourceLocation: SourceLocation = #_sourceLocation) {
    for e in expected {
        guard let scope = result.scope(e.scope) else {
            Issue.record("no scope \(e.scope.map(String.init) ?? "jobcenter") in \(result.definition.id)", sourceLocation: sourceLocation)
            continue
        }
        let name = "\(result.definition.id) \(e.scope.map(String.init) ?? "jobcenter")"
        if let v = e.value {
            #expect(
                scope.value != nil && abs(scope.value! - v) <= tolerance, "\(name): value \(String(describing: scope.value)), expected \(v)",
                sourceLocation: sourceLocation)
        } else {
            #expect(scope.value == nil, "\(name): value \(String(describing: scope.value)), expected none", sourceLocation: sourceLocation)
        }
        if let n = e.numerator {
            #expect(abs(scope.numerator - n) <= tolerance, "\(name): numerator \(scope.numerator), expected \(n)", sourceLocation: sourceLocation)
        }
        if let d = e.denominator {
            #expect(
                scope.denominator != nil && abs(scope.denominator! - d) <= tolerance,
                "\(name): denominator \(String(describing: scope.denominator)), expected \(d)", sourceLocation: sourceLocation)
        }
    }
}

/// The values of a breakdown entry (e.g. M10 "kind" / "virksomhedspraktik").
func breakdown(_ result: MeasureResult, _ name: String, _ label: String) -> [ScopeValue]? {
    result.breakdowns.first { $0.name == name }?.entries.first { $0.label == label }?.scopes
}

/// A table row: a ledger built for the case, a measure request and the hand-computed values.
struct MeasureCase: Sendable, CustomTestStringConvertible {
    /// What the case shows, with its edge.
    var label: String
    /// The ledger's municipalities.
    var municipalities: String
    /// The measure.
    var measure: String
    /// Its variant, if any.
    var variant: String?
    /// `--at`.
    var at: String?
    /// `--period`.
    var period: String?
    /// M12's benefits.
    var benefits: String?
    /// Further parameters.
    var filter: [String: String]
    /// The expectations.
    var expected: [Expected]
    /// Builds the ledger.
    var build: @Sendable (inout LedgerBuilder) -> Void

    init(
        _ label: String, municipalities: String = "183,187", measure: String, variant: String? = nil, at: String? = nil,
        period: String? = nil, benefits: String? = nil, filter: [String: String] = [:], expect expected: [Expected],
        build: @escaping @Sendable (inout LedgerBuilder) -> Void
    ) {
        self.label = label
        self.municipalities = municipalities
        self.measure = measure
        self.variant = variant
        self.at = at
        self.period = period
        self.benefits = benefits
        self.filter = filter
        self.expected = expected
        self.build = build
    }

    var testDescription: String { label }

    /// Builds the ledger, computes the measure and checks every expectation.
    func run(sourceLocation: SourceLocation = #_sourceLocation) throws {
        var builder = LedgerBuilder(municipalities: municipalities)
        build(&builder)
        let result = try compute(builder.state, measure, variant: variant, at: at, period: period, benefits: benefits, filter: filter)
        check(result, expected, sourceLocation: sourceLocation)
    }
}

/// Five events on the boundaries of 2014, plus others, for the period-count measures M3 and M4.
/// `add(citizen, day, municipality)` records one event of the measure's kind.
func boundaryCases(_ measure: String, _ add: @escaping @Sendable (inout LedgerBuilder, Int, String, Int) -> Void) -> [MeasureCase] {
    [
        // 2013-12-31 out; 2014-01-01 in (183); 2014-06-15 in (187); 2014-12-31 in (187); 2015-01-01 out. 183: 1, 187: 2.
        MeasureCase(
            "\(measure) year 2014: 2013-12-31 out, 2014-01-01 and 2014-12-31 in", measure: measure, period: "2014",
            expect: [total(3), municipality(183, 1), municipality(187, 2)]
        ) { b in
            for n in 1...5 { b.register(n) }
            add(&b, 1, "2013-12-31", 183)
            add(&b, 2, "2014-01-01", 183)
            add(&b, 3, "2014-06-15", 187)
            add(&b, 4, "2014-12-31", 187)
            add(&b, 5, "2015-01-01", 187)
        },
        // 2014Q2 is 2014-04-01 ... 2014-06-30: 03-31 out, 04-01 in, 06-30 in, 07-01 out.
        MeasureCase(
            "\(measure) quarter 2014Q2: 2014-03-31 out, 04-01 and 06-30 in, 07-01 out", measure: measure, period: "2014Q2",
            expect: [total(2), municipality(183, 1), municipality(187, 1)]
        ) { b in
            for n in 1...4 { b.register(n) }
            add(&b, 1, "2014-03-31", 183)
            add(&b, 2, "2014-04-01", 183)
            add(&b, 3, "2014-06-30", 187)
            add(&b, 4, "2014-07-01", 187)
        },
        // 2014-02 is 2014-02-01 ... 2014-02-28: 01-31 out, 02-01 in, 02-28 in, 03-01 out.
        MeasureCase(
            "\(measure) month 2014-02: 01-31 out, 02-01 and 02-28 in, 03-01 out", measure: measure, period: "2014-02",
            expect: [total(2)]
        ) { b in
            for n in 1...4 { b.register(n) }
            add(&b, 1, "2014-01-31", 183)
            add(&b, 2, "2014-02-01", 183)
            add(&b, 3, "2014-02-28", 183)
            add(&b, 4, "2014-03-01", 183)
        },
        // 2016-02 (leap) is 2016-02-01 ... 2016-02-29.
        MeasureCase("\(measure) leap month 2016-02: 2016-02-29 in, 2016-03-01 out", measure: measure, period: "2016-02", expect: [total(1)]) { b in
            for n in 1...2 { b.register(n) }
            add(&b, 1, "2016-02-29", 183)
            add(&b, 2, "2016-03-01", 183)
        },
        // An explicit range 2014-03-10/2014-03-20: 03-09 out, 03-10 in, 03-20 in, 03-21 out.
        MeasureCase(
            "\(measure) range 2014-03-10/2014-03-20: both ends included", measure: measure, period: "2014-03-10/2014-03-20",
            expect: [total(2)]
        ) { b in
            for n in 1...4 { b.register(n) }
            add(&b, 1, "2014-03-09", 183)
            add(&b, 2, "2014-03-10", 183)
            add(&b, 3, "2014-03-20", 183)
            add(&b, 4, "2014-03-21", 183)
        },
    ]
}
