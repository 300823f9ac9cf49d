// Corrections of each kind of fact a measure reads: the value before the correction (state through
// the event before it) and after it. DOMAIN.md: a retracted event is ignored as if never recorded; a
// superseding correction replaces the original's facts from the original's effective date.

import LedgerCore
import Testing

@testable import Projections

/// A ledger whose last event is a correction, a measure, and its hand-computed value before and after.
struct CorrectionCase: Sendable, CustomTestStringConvertible {
    var label: String
    var measure: String
    var variant: String?
    var at: String?
    var period: String?
    var filter: [String: String] = [:]
    var before: [Expected]
    var after: [Expected]
    var build: @Sendable (inout LedgerBuilder) -> Void

    var testDescription: String { label }

    func run(sourceLocation: SourceLocation = #_sourceLocation) throws {
        var b = LedgerBuilder(municipalities: "250")
        build(&b)
        let last = b.nextSeq - 1
        #expect(b.events.last?.event.type == .correction, "the case ends with its correction")
        check(
            try compute(b.state(through: last - 1), measure, variant: variant, at: at, period: period, filter: filter), before,
            sourceLocation: sourceLocation)
        check(try compute(b.state, measure, variant: variant, at: at, period: period, filter: filter), after, sourceLocation: sourceLocation)
    }
}

@Suite("Corrections of each kind of fact")
struct CorrectionTests {
    static let cases: [CorrectionCase] = [
        // Company 10000001 (5 employees) visited 03-01 and 09-01: 1 / 1. The 09-01 visit retracted: 1 visit, 0 / 1.
        CorrectionCase(label: "M16: a retracted visit", measure: "M16", period: "2014", before: [share(1, of: 1)], after: [share(0, of: 1)]) { b in
            b.company("10000001", employees: 5)
            b.visit("10000001", on: "2014-03-01")
            let wrong = b.visit("10000001", on: "2014-09-01")
            b.retract(seq: wrong)
        },
        // Company with 4 employees visited twice: excluded, 0 / 0. Superseded to 6 employees: 1 / 1.
        CorrectionCase(
            label: "M16: superseded number of employees", measure: "M16", period: "2014", before: [share(0, of: 0)],
            after: [share(1, of: 1)]
        ) { b in
            let company = b.company("10000001", employees: 4)
            b.visit("10000001", on: "2014-03-01")
            b.visit("10000001", on: "2014-09-01")
            b.supersede(seq: company, facts: [Fact("cvr", .text("10000001")), Fact("employees", .integer(6))])
        },
        // Order O1 with a referral: 1 / 1. The referral retracted: 0 / 1.
        CorrectionCase(label: "M13: a retracted referral", measure: "M13", period: "2014", before: [share(1, of: 1)], after: [share(0, of: 1)]) { b in
            b.register(1)
            b.jobOrder("O1", on: "2014-02-01")
            let referral = b.referral(1, order: "O1", on: "2014-02-03")
            b.retract(seq: referral)
        },
        // One citizen response, not satisfied: 0 / 1. Superseded to satisfied: 1 / 1.
        CorrectionCase(
            label: "M17: a superseded survey response", measure: "M17", variant: "citizens", period: "2014",
            before: [share(0, of: 1)], after: [share(1, of: 1)]
        ) { b in
            let response = b.survey("citizen", satisfied: false, on: "2014-05-01")
            b.supersede(seq: response, facts: [Fact("respondent", .text("citizen")), Fact("satisfied", .bool(true))])
        },
        // The worked example at 20 hours: (20 / 37) x (130 / 262). Superseded to 37 hours (full time): 130 / 262.
        CorrectionCase(
            label: "M12: superseded weekly hours", measure: "M12", period: "2008", before: [total(20.0 / 37 * 130 / 262)],
            after: [total(130.0 / 262)]
        ) { b in
            b.register(1)
            let spell = b.benefit(1, "a-dagpenge", from: "2008-01-01", to: "2008-06-30", reason: "job", hours: 20)
            b.supersede(seq: spell.start, facts: [Fact("benefit", .text("a-dagpenge")), Fact("weekly_hours", .integer(37))])
        },
        // a-dagpenge, virksomhedspraktik ended 2014-12-30: at D = 2014-12-31 0 / 1. The end retracted: open again, 1 / 1.
        CorrectionCase(
            label: "M11: a retracted activation end", measure: "M11", at: "2014-12-31", before: [share(0, of: 1)],
            after: [share(1, of: 1)]
        ) { b in
            b.register(1)
            b.benefit(1, "a-dagpenge", from: "2014-01-01")
            b.activation(1, id: "a1", kind: "virksomhedspraktik", from: "2014-12-01", to: "2014-12-30")
            b.retract(seq: b.nextSeq - 1)
        },
        // Virksomhedspraktik superseded to mentor (not company-oriented): 1 / 1 becomes 0 / 1.
        CorrectionCase(
            label: "M11: a superseded activation kind", measure: "M11", at: "2014-12-31", before: [share(1, of: 1)],
            after: [share(0, of: 1)]
        ) { b in
            b.register(1)
            b.benefit(1, "a-dagpenge", from: "2014-01-01")
            let activation = b.activation(1, id: "a1", kind: "virksomhedspraktik", from: "2014-12-01")
            b.supersede(
                seq: activation,
                facts: [
                    Fact("activity_id", .text("a1")), Fact("kind", .text("mentor")),
                    Fact("provider", .text("jobcenter")),
                ])
        },
        // Sick since 2014-01-01, closed 2014-12-30: not open on D = 2014-12-31, 0. The close retracted: 365 days, 1.
        CorrectionCase(
            label: "M7: a retracted sick-leave close reopens the case", measure: "M7", variant: "52w", at: "2014-12-31",
            before: [total(0)], after: [total(1)]
        ) { b in
            b.register(1)
            b.sickLeave(1, from: "2014-01-01", to: "2014-12-30")
            b.retract(seq: b.nextSeq - 1)
        },
        // Education started 2011-08-15 after kontanthjælp, ended 2011-12-01 "completed": 0 / 1. Superseded to dropped-out: 1 / 1.
        CorrectionCase(
            label: "M22: a superseded education end reason", measure: "M22", period: "2011", before: [share(0, of: 1)],
            after: [share(1, of: 1)]
        ) { b in
            b.register(1, born: "1990-01-01")
            b.benefit(1, "kontanthjaelp", from: "2011-01-01", to: "2011-08-14", reason: "education")
            b.education(1, from: "2011-08-15", to: "2011-12-01", reason: "completed")
            b.supersede(seq: b.nextSeq - 1, facts: [Fact("reason", .text("dropped-out"))])
        },
        // Refugee registered with arrival 2009-06-01, in a job: arrival 2010-2012 has nobody, 0 / 0. Arrival superseded to
        // 2011-06-01: 1 / 1.
        CorrectionCase(
            label: "M15: a superseded arrival date", measure: "M15", at: "2014-12-31", filter: ["arrival": "2010-2012"],
            before: [share(0, of: 0)], after: [share(1, of: 1)]
        ) { b in
            let registration = b.register(1, born: "1980-01-01", arrived: "2009-06-01")
            b.placement(1, on: "2014-01-01")
            b.supersede(
                seq: registration,
                facts: [
                    Fact("birth_date", .date(date("1980-01-01"))), Fact("education", .text("none")),
                    Fact("refugee", .bool(true)), Fact("arrival_date", .date(date("2011-06-01"))),
                ])
        },
        // Flex job and ledighedsydelse citizens at D: 1 / 2. The flex job start retracted: 0 / 1.
        CorrectionCase(
            label: "M5: a retracted flex job start", measure: "M5", at: "2014-12-31", before: [share(1, of: 2)],
            after: [share(0, of: 1)]
        ) { b in
            b.register(1)
            b.register(2)
            let job = b.flexJob(1, from: "2014-01-01")
            b.benefit(2, "ledighedsydelse", from: "2014-01-01")
            b.retract(seq: job)
        },
        // Uddannelseshjælp ending 2014-06-30 with reason job, age 24: 0 / 1. Reason superseded to education: 1 / 1.
        CorrectionCase(
            label: "M8: a superseded benefit end reason", measure: "M8", period: "2014", before: [share(0, of: 1)],
            after: [share(1, of: 1)]
        ) { b in
            b.register(1, born: "1990-01-01")
            let spell = b.benefit(1, "uddannelseshjaelp", from: "2013-01-01", to: "2014-06-30", reason: "job")
            b.supersede(seq: spell.end!, facts: [Fact("benefit", .text("uddannelseshjaelp")), Fact("reason", .text("education"))])
        },
        // Activation kind mentor superseded to nytteindsats: M20 kind=nytteindsats 0 becomes 1.
        CorrectionCase(
            label: "M20: a superseded activation kind", measure: "M20", period: "2014", filter: ["kind": "nytteindsats"],
            before: [total(0)], after: [total(1)]
        ) { b in
            b.register(1)
            let activation = b.activation(1, id: "a1", kind: "mentor", from: "2014-03-01")
            b.supersede(
                seq: activation,
                facts: [
                    Fact("activity_id", .text("a1")), Fact("kind", .text("nytteindsats")),
                    Fact("provider", .text("jobcenter")),
                ])
        },
        // Paid hours registered for 2014-02 superseded to 2014-03 (aktivitetsparat on kontanthjælp): M14 for March 0 / 1 -> 1 / 1.
        CorrectionCase(
            label: "M14: superseded paid-hours month", measure: "M14", period: "2014-03", before: [share(0, of: 1)],
            after: [share(1, of: 1)]
        ) { b in
            b.register(1)
            b.benefit(1, "kontanthjaelp", from: "2014-01-01")
            b.assess(1, "aktivitetsparat", on: "2014-01-01")
            let hours = b.paidHours(1, month: "2014-02", hours: 10)
            b.supersede(seq: hours, facts: [Fact("month", .text("2014-03")), Fact("hours", .integer(10))])
        },
        // Participants 100 superseded to 120: M18 100 -> 120.
        CorrectionCase(
            label: "M18: superseded participants", measure: "M18", period: "2014-03", filter: ["event": "Virksomhedernes Dag"],
            before: [total(100)], after: [total(120)]
        ) { b in
            let held = b.heldEvent("Virksomhedernes Dag", on: "2014-03-20", participants: 100)
            b.supersede(seq: held, facts: [Fact("name", .text("Virksomhedernes Dag")), Fact("participants", .integer(120))])
        },
    ]

    @Test("before and after the correction", arguments: cases)
    func table(_ c: CorrectionCase) throws { try c.run() }

    /// A visit recorded under the wrong company and superseded with the right CVR number. Company 10000001 (5 employees)
    /// has visits 03-01 and 09-01; the 09-01 visit was really to 10000002 (3 employees, outside M16). Before: 10000001
    /// visited twice, 1 / 1. After: 10000001 visited once, 0 / 1.
    @Test("M16: a visit superseded with another CVR number moves to that company")
    func supersededVisit() throws {
        try CorrectionCase(
            label: "M16: superseded visit CVR", measure: "M16", period: "2014", before: [share(1, of: 1)],
            after: [share(0, of: 1)]
        ) { b in
            b.company("10000001", employees: 5)
            b.company("10000002", employees: 3)
            b.visit("10000001", on: "2014-03-01")
            let wrong = b.visit("10000001", on: "2014-09-01")
            b.supersede(seq: wrong, facts: [Fact("cvr", .text("10000002"))])
        }.run()
    }

    /// A company registered under a wrong CVR number and superseded with the right one. Registered as 10000001 (6 employees);
    /// the visits (twice) were recorded under the right number 10000002. Before: 10000001 not visited, 0 / 1. After: the
    /// registration is 10000002's, visited twice, 1 / 1.
    @Test("M16: a company registration superseded with another CVR number")
    func supersededCompanyNumber() throws {
        try CorrectionCase(
            label: "M16: superseded company CVR", measure: "M16", period: "2014", before: [share(0, of: 1)],
            after: [share(1, of: 1)]
        ) { b in
            let company = b.company("10000001", employees: 6)
            b.visit("10000002", on: "2014-03-01")
            b.visit("10000002", on: "2014-09-01")
            b.supersede(seq: company, facts: [Fact("cvr", .text("10000002")), Fact("employees", .integer(6))])
        }.run()
    }
}
