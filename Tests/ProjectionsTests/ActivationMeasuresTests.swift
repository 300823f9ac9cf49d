// Activation measures (ActivationMeasures.swift): M10 (self-support after activation start, with
// breakdowns), M11 (share in company-oriented activation) and M20 (activations started, with
// breakdowns), computed by hand from DOMAIN.md.

import LedgerCore
import Testing

@testable import Projections

/// Activations started 2014-03-03. Start + 28 = 2014-03-31; start + 91 = 2014-06-02 (Mar 3 + 28 = Mar 31, + 30 = Apr 30,
/// + 31 = May 31 is + 89); start + 182 = 2014-09-01 (Mar 3 is day 62, 62 + 182 = 244 = Sep 1).
/// 1 (183) virksomhedspraktik, jobcenter: kontanthjælp until 03-30: self-supporting on 03-31, 06-02 and 09-01.
/// 2 (183) mentor, Job A/S: kontanthjælp until 03-31 (on it at 4w), nothing at 13w, kontanthjælp again from 08-01 (on it at 26w).
/// 3 (187) virksomhedspraktik, Job A/S: a-dagpenge throughout: never self-supporting.
/// 4 (187): started 2013-12-31: outside P.
/// 5 (187) nytteindsats, jobcenter, started 2014-12-31 (+ 28 = 2015-01-28, + 91 = 2015-04-01, + 182 = 2015-07-01):
///   flex job from 2015-01-01: never self-supporting.
/// Denominator 1, 2, 3, 5 = 4 (183: 2, 187: 2).
/// 4w: 1 -> 1 / 4 (183 1 / 2, 187 0 / 2). 13w: 1, 2 -> 2 / 4 (183 2 / 2, 187 0 / 2). 26w: 1 -> 1 / 4.
private func activations(_ b: inout LedgerBuilder) {
    for n in 1...5 { b.register(n, in: n <= 2 ? 183 : 187) }
    b.benefit(1, "kontanthjaelp", from: "2014-01-01", to: "2014-03-30", reason: "job", in: 183)
    b.activation(1, id: "a1", kind: "virksomhedspraktik", from: "2014-03-03", to: "2014-03-28", in: 183)
    b.benefit(2, "kontanthjaelp", from: "2014-01-01", to: "2014-03-31", reason: "job", in: 183)
    b.benefit(2, "kontanthjaelp", from: "2014-08-01", in: 183)
    b.activation(2, id: "a2", kind: "mentor", provider: "Job A/S", from: "2014-03-03", in: 183)
    b.benefit(3, "a-dagpenge", from: "2014-01-01", in: 187)
    b.activation(3, id: "a3", kind: "virksomhedspraktik", provider: "Job A/S", from: "2014-03-03", in: 187)
    b.activation(4, id: "a4", kind: "virksomhedspraktik", from: "2013-12-31", in: 187)
    b.activation(5, id: "a5", kind: "nytteindsats", from: "2014-12-31", in: 187)
    b.flexJob(5, from: "2015-01-01", in: 187)
}

@Suite("M10 self-support after activation start, 4 / 13 / 26 weeks")
struct M10Tests {
    static let cases: [MeasureCase] = [
        MeasureCase(
            "4w: start + 28 days", measure: "M10", variant: "4w", period: "2014",
            expect: [share(1, of: 4), share(1, of: 2, in: 183), share(0, of: 2, in: 187)]
        ) { b in activations(&b) },
        MeasureCase(
            "13w: start + 91 days", measure: "M10", variant: "13w", period: "2014",
            expect: [share(2, of: 4), share(2, of: 2, in: 183), share(0, of: 2, in: 187)]
        ) { b in activations(&b) },
        MeasureCase(
            "26w: start + 182 days", measure: "M10", variant: "26w", period: "2014",
            expect: [share(1, of: 4), share(1, of: 2, in: 183), share(0, of: 2, in: 187)]
        ) { b in activations(&b) },
        MeasureCase("the default variant is 13w", measure: "M10", period: "2014", expect: [share(2, of: 4)]) { b in activations(&b) },
    ]

    @Test("M10 table", arguments: cases)
    func table(_ c: MeasureCase) throws { try c.run() }

    /// 13w per kind: virksomhedspraktik 1 (yes), 3 (no) = 1 / 2; mentor 2 (yes) = 1 / 1; nytteindsats 5 (no) = 0 / 1.
    /// Per provider: jobcenter 1 (yes), 5 (no) = 1 / 2; Job A/S 2 (yes), 3 (no) = 1 / 2.
    @Test("M10 13w breakdown per kind and per provider")
    func breakdowns() throws {
        var b = LedgerBuilder(municipalities: "183,187")
        activations(&b)
        let result = try compute(b.state, "M10", variant: "13w", period: "2014")
        let expected: [(group: String, label: String, numerator: Double, denominator: Double)] = [
            ("kind", "virksomhedspraktik", 1, 2), ("kind", "mentor", 1, 1), ("kind", "nytteindsats", 0, 1),
            ("provider", "jobcenter", 1, 2), ("provider", "Job A/S", 1, 2),
        ]
        for e in expected {
            let scopes = try #require(breakdown(result, e.group, e.label), "no breakdown \(e.group) \(e.label)")
            let jobcenter = try #require(scopes.first { $0.municipality == nil })
            #expect(jobcenter.numerator == e.numerator, "\(e.group) \(e.label) numerator")
            #expect(jobcenter.denominator == e.denominator, "\(e.group) \(e.label) denominator")
            #expect(jobcenter.value == e.numerator / e.denominator * 100, "\(e.group) \(e.label) value")
        }
        // Virksomhedspraktik per municipality: 183 has activation 1 (yes) = 1 / 1; 187 has activation 3 (no) = 0 / 1.
        let praktik = try #require(breakdown(result, "kind", "virksomhedspraktik"))
        #expect(praktik.first { $0.municipality == 183 }?.value == 100)
        #expect(praktik.first { $0.municipality == 187 }?.value == 0)
        // The 4w breakdown per provider: jobcenter 1 (yes), 5 (no) = 1 / 2; Job A/S 2 (no at 4w), 3 (no) = 0 / 2.
        let fourWeeks = try compute(b.state, "M10", variant: "4w", period: "2014")
        #expect(breakdown(fourWeeks, "provider", "Job A/S")?.first { $0.municipality == nil }?.value == 0)
        #expect(breakdown(fourWeeks, "provider", "jobcenter")?.first { $0.municipality == nil }?.value == 50)
    }
}

@Suite("M11 share in company-oriented activation at D")
struct M11Tests {
    static let cases: [MeasureCase] = [
        // D = 2014-12-31. Denominator: on a-dagpenge, kontanthjælp, uddannelseshjælp, ledighedsydelse or
        // selvforsørgelsesydelse on D.
        // 1 (183) a-dagpenge, virksomhedspraktik ending on D: yes. 2 (183) kontanthjælp (no assessment needed), mentor: no.
        // 3 (183) ledighedsydelse, løntilskud privat ended 12-30: no. 4 (187) sygedagpenge with virksomhedspraktik: not in
        // the denominator. 5 (187) uddannelseshjælp, nytteindsats starting on D: yes. 6 (187) selvforsørgelsesydelse,
        // løntilskud offentlig open: yes. 7 (187) a-dagpenge ended 12-30, virksomhedspraktik open: not on a benefit on D.
        // 183: 1 / 3; 187: 2 / 2; jobcenter 3 / 5 = 60 %.
        MeasureCase(
            "D = 2014-12-31: kinds, open and closed on D, benefits", measure: "M11", at: "2014-12-31",
            expect: [share(3, of: 5), share(1, of: 3, in: 183), share(2, of: 2, in: 187)]
        ) { b in
            for n in 1...7 { b.register(n, in: n <= 3 ? 183 : 187) }
            b.benefit(1, "a-dagpenge", from: "2014-01-01", in: 183)
            b.activation(1, id: "a1", kind: "virksomhedspraktik", from: "2014-12-01", to: "2014-12-31", in: 183)
            b.benefit(2, "kontanthjaelp", from: "2014-01-01", in: 183)
            b.activation(2, id: "a2", kind: "mentor", from: "2014-06-01", in: 183)
            b.benefit(3, "ledighedsydelse", from: "2014-01-01", in: 183)
            b.activation(3, id: "a3", kind: "loentilskud-privat", from: "2014-06-01", to: "2014-12-30", in: 183)
            b.benefit(4, "sygedagpenge", from: "2014-01-01", in: 187)
            b.activation(4, id: "a4", kind: "virksomhedspraktik", from: "2014-06-01", in: 187)
            b.benefit(5, "uddannelseshjaelp", from: "2014-01-01", in: 187)
            b.activation(5, id: "a5", kind: "nytteindsats", from: "2014-12-31", in: 187)
            b.benefit(6, "selvforsoergelsesydelse", from: "2014-01-01", in: 187)
            b.activation(6, id: "a6", kind: "loentilskud-offentlig", from: "2014-06-01", in: 187)
            b.benefit(7, "a-dagpenge", from: "2014-01-01", to: "2014-12-30", reason: "job", in: 187)
            b.activation(7, id: "a7", kind: "virksomhedspraktik", from: "2014-12-01", in: 187)
        },
        // A citizen on two listed benefits on D is one citizen: a-dagpenge and kontanthjælp, virksomhedspraktik: 1 / 1.
        MeasureCase("a citizen on two benefits counts once", measure: "M11", at: "2014-12-31", expect: [share(1, of: 1)]) { b in
            b.register(1)
            b.benefit(1, "a-dagpenge", from: "2014-01-01")
            b.benefit(1, "kontanthjaelp", from: "2014-06-01")
            b.activation(1, id: "a1", kind: "virksomhedspraktik", from: "2014-12-01")
        },
    ]

    @Test("M11 table", arguments: cases)
    func table(_ c: MeasureCase) throws { try c.run() }
}

/// Activations started in 2014: 1 (183, jobparat from 2014-01-01): nytteindsats jobcenter 02-01 and virksomhedspraktik jobcenter
/// 06-01; 2 (187, aktivitetsparat from 03-01): nytteindsats Job A/S 03-01 (assessed the same day); 3 (187, no assessment):
/// mentor jobcenter 04-01; 4 (187): started 2013-12-31, outside P.
/// Total 4 (183: 2, 187: 2). Per kind: nytteindsats 2, virksomhedspraktik 1, mentor 1. Per provider: jobcenter 3, Job A/S 1.
/// Per match category on the start day: jobparat 2, aktivitetsparat 1, none 1.
private func started(_ b: inout LedgerBuilder) {
    b.register(1, in: 183)
    for n in 2...4 { b.register(n, in: 187) }
    b.assess(1, "jobparat", on: "2014-01-01", in: 183)
    b.activation(1, id: "a1", kind: "nytteindsats", from: "2014-02-01", to: "2014-04-30", in: 183)
    b.activation(1, id: "a2", kind: "virksomhedspraktik", from: "2014-06-01", in: 183)
    b.assess(2, "aktivitetsparat", on: "2014-03-01", in: 187)
    b.activation(2, id: "a3", kind: "nytteindsats", provider: "Job A/S", from: "2014-03-01", in: 187)
    b.activation(3, id: "a4", kind: "mentor", from: "2014-04-01", in: 187)
    b.activation(4, id: "a5", kind: "mentor", from: "2013-12-31", in: 187)
}

@Suite("M20 activations started, per kind, provider and match category")
struct M20Tests {
    static let cases: [MeasureCase] = [
        MeasureCase(
            "period 2014: 4 started", measure: "M20", period: "2014",
            expect: [total(4), municipality(183, 2), municipality(187, 2)]
        ) { b in started(&b) },
        // Nytteindsats only: activations a1 (183) and a3 (187).
        MeasureCase(
            "kind=nytteindsats: 2", measure: "M20", period: "2014", filter: ["kind": "nytteindsats"],
            expect: [total(2), municipality(183, 1), municipality(187, 1)]
        ) { b in started(&b) },
        // 2014Q1: a1 (02-01) and a3 (03-01).
        MeasureCase("quarter 2014Q1: 2", measure: "M20", period: "2014Q1", expect: [total(2)]) { b in started(&b) },
    ]

    @Test("M20 table", arguments: cases)
    func table(_ c: MeasureCase) throws { try c.run() }

    @Test("M20 breakdowns per kind, provider and match category")
    func breakdowns() throws {
        var b = LedgerBuilder(municipalities: "183,187")
        started(&b)
        let result = try compute(b.state, "M20", period: "2014")
        let expected: [(group: String, label: String, count: Double)] = [
            ("kind", "nytteindsats", 2), ("kind", "virksomhedspraktik", 1), ("kind", "mentor", 1),
            ("provider", "jobcenter", 3), ("provider", "Job A/S", 1),
            ("category", "jobparat", 2), ("category", "aktivitetsparat", 1), ("category", "none", 1),
        ]
        for e in expected {
            let scopes = try #require(breakdown(result, e.group, e.label), "no breakdown \(e.group) \(e.label)")
            #expect(scopes.first { $0.municipality == nil }?.value == e.count, "\(e.group) \(e.label)")
        }
        // Nytteindsats referrals by target group: jobparat 1 (a1), aktivitetsparat 1 (a3).
        let nytte = try compute(b.state, "M20", period: "2014", filter: ["kind": "nytteindsats"])
        #expect(breakdown(nytte, "category", "jobparat")?.first { $0.municipality == nil }?.value == 1)
        #expect(breakdown(nytte, "category", "aktivitetsparat")?.first { $0.municipality == nil }?.value == 1)
        #expect(breakdown(nytte, "category", "none") == nil)
    }
}
