// M13 (job orders), M14 (paid hours), M15 (refugees in employment), M16 (company visits),
// M17 (satisfaction) and M18 (event participants), computed by hand from DOMAIN.md.

import LedgerCore
import Testing

@testable import Projections

/// Job orders: O1 (183, 2014-02-01) referral of 1, filled by 1. O2 (183, 2014-03-01) referral of 2, filled by 3 (not
/// referred). O3 (187, 2014-04-01) no referral, filled without a named citizen. O4 (187, 2013-12-31) referral: outside P.
/// O5 (187, 2014-05-01) referral of 4, not filled.
/// Formidlingsgrad 2014: orders O1, O2, O3, O5 = 4, with a referral O1, O2, O5 = 3: 75 %; 183: 2 / 2; 187: 1 / 2.
/// Besættelsesgrad: of O1, O2, O5, filled by a referred citizen O1: 1 / 3; 183: 1 / 2; 187: 0 / 1.
private func orders(_ b: inout LedgerBuilder) {
    for n in 1...4 { b.register(n) }
    b.jobOrder("O1", on: "2014-02-01", in: 183)
    b.referral(1, order: "O1", on: "2014-02-03", in: 183)
    b.filled(order: "O1", by: 1, on: "2014-02-20", in: 183)
    b.jobOrder("O2", on: "2014-03-01", in: 183)
    b.referral(2, order: "O2", on: "2014-03-03", in: 183)
    b.filled(order: "O2", by: 3, on: "2014-03-20", in: 183)
    b.jobOrder("O3", on: "2014-04-01", in: 187)
    b.filled(order: "O3", by: nil, on: "2014-04-20", in: 187)
    b.jobOrder("O4", on: "2013-12-31", in: 187)
    b.referral(1, order: "O4", on: "2014-01-02", in: 187)
    b.jobOrder("O5", on: "2014-05-01", in: 187)
    b.referral(4, order: "O5", on: "2014-05-02", in: 187)
}

@Suite("M13 job orders: formidlingsgrad and besaettelsesgrad")
struct M13Tests {
    static let cases: [MeasureCase] = [
        MeasureCase(
            "formidlingsgrad 2014: 3 / 4", measure: "M13", variant: "formidlingsgrad", period: "2014",
            expect: [share(3, of: 4), share(2, of: 2, in: 183), share(1, of: 2, in: 187)]
        ) { b in orders(&b) },
        MeasureCase("the default variant is formidlingsgrad", measure: "M13", period: "2014", expect: [share(3, of: 4)]) { b in orders(&b) },
        MeasureCase(
            "besaettelsesgrad 2014: 1 / 3", measure: "M13", variant: "besaettelsesgrad", period: "2014",
            expect: [share(1, of: 3), share(1, of: 2, in: 183), share(0, of: 1, in: 187)]
        ) { b in orders(&b) },
    ]

    @Test("M13 table", arguments: cases)
    func table(_ c: MeasureCase) throws { try c.run() }
}

@Suite("M14 paid hours, month M")
struct M14Tests {
    static let cases: [MeasureCase] = [
        // Month 2014-03. Denominator: aktivitetsparate on kontanthjælp, uddannelseshjælp or selvforsørgelsesydelse, or in
        // ressourceforløb, during March.
        // 1 (183) kontanthjælp, aktivitetsparat, paid hours for 2014-03: yes. 2 (183) the same, paid hours for 2014-02 only: no.
        // 3 (183) kontanthjælp jobparat: not in the denominator. 4 (187) ressourceforløb (no category needed), education
        // from 03-20: yes. 5 (187) uddannelseshjælp, uddannelsesparat, aktivitetsparat from 03-31 (last day of M): in the
        // denominator, no hours: no. 6 (187) kontanthjælp never assessed: not aktivitetsparat. 7 (187) selvforsørgelsesydelse,
        // aktivitetsparat, in løntilskud (not paid hours): no. 8 (187) kontanthjælp aktivitetsparat, spell ended 2014-02-28:
        // not on it during March.
        // Numerator 1, 4 = 2; denominator 1, 2, 4, 5, 7 = 5: 40 %. 183: 1 / 2; 187: 1 / 3.
        MeasureCase(
            "month 2014-03: paid hours or SU education among aktivitetsparate", measure: "M14", period: "2014-03",
            expect: [share(2, of: 5), share(1, of: 2, in: 183), share(1, of: 3, in: 187)]
        ) { b in
            for n in 1...8 { b.register(n, in: n <= 3 ? 183 : 187) }
            for n in 1...2 {
                b.benefit(n, "kontanthjaelp", from: "2014-01-01", in: 183)
                b.assess(n, "aktivitetsparat", on: "2014-01-01", in: 183)
            }
            b.paidHours(1, month: "2014-03", hours: 12, in: 183)
            b.paidHours(2, month: "2014-02", hours: 12, in: 183)
            b.benefit(3, "kontanthjaelp", from: "2014-01-01", in: 183)
            b.assess(3, "jobparat", on: "2014-01-01", in: 183)
            b.paidHours(3, month: "2014-03", hours: 20, in: 183)
            b.benefit(4, "ressourceforloeb", from: "2013-01-01", in: 187)
            b.education(4, from: "2014-03-20", in: 187)
            b.benefit(5, "uddannelseshjaelp", from: "2014-01-01", in: 187)
            b.assess(5, "uddannelsesparat", on: "2014-01-01", in: 187)
            b.assess(5, "aktivitetsparat", on: "2014-03-31", in: 187)
            b.benefit(6, "kontanthjaelp", from: "2014-01-01", in: 187)
            b.paidHours(6, month: "2014-03", hours: 5, in: 187)
            b.benefit(7, "selvforsoergelsesydelse", from: "2014-01-01", in: 187)
            b.assess(7, "aktivitetsparat", on: "2014-01-01", in: 187)
            b.activation(7, id: "a7", kind: "loentilskud-privat", from: "2014-03-01", in: 187)
            b.benefit(8, "kontanthjaelp", from: "2014-01-01", to: "2014-02-28", reason: "job", in: 187)
            b.assess(8, "aktivitetsparat", on: "2014-01-01", in: 187)
            b.paidHours(8, month: "2014-03", hours: 5, in: 187)
        }
    ]

    @Test("M14 table", arguments: cases)
    func table(_ c: MeasureCase) throws { try c.run() }
}

/// Refugees at D = 2014-12-31. 1 (183) arrived 2010-01-01, placement open: in a job. 2 (183) arrived 2012-12-31, flex job:
/// in a job. 3 (187) arrived 2011-05-01, placement ended 2014-12-30: not. 4 (187) arrived 2013-01-01, no job. 5 (187) not
/// a refugee, placement: excluded. 6 (187) arrived 2009-12-31, placement open: in a job. 7 (187) arrived 2012-06-01,
/// placement ended on D: in a job on D. 8 (187) arrives 2015-02-01, after D: not yet a refugee here.
private func refugees(_ b: inout LedgerBuilder) {
    b.register(1, born: "1980-01-01", arrived: "2010-01-01", in: 183)
    b.register(2, born: "1980-01-01", arrived: "2012-12-31", in: 183)
    b.register(3, born: "1980-01-01", arrived: "2011-05-01", in: 187)
    b.register(4, born: "1980-01-01", arrived: "2013-01-01", in: 187)
    b.register(5, born: "1980-01-01", in: 187)
    b.register(6, born: "1980-01-01", arrived: "2009-12-31", in: 187)
    b.register(7, born: "1980-01-01", arrived: "2012-06-01", in: 187)
    b.register(8, born: "1980-01-01", arrived: "2015-02-01", on: "2015-02-10", in: 187)
    b.placement(1, on: "2014-06-01", channel: "other", in: 183)
    b.flexJob(2, from: "2014-01-01", in: 183)
    b.placement(3, on: "2014-01-01", channel: "other", ended: "2014-12-30", in: 187)
    b.placement(5, on: "2014-01-01", in: 187)
    b.placement(6, on: "2014-01-01", in: 187)
    b.placement(7, on: "2014-01-01", ended: "2014-12-31", in: 187)
}

@Suite("M15 refugees in employment at D")
struct M15Tests {
    static let cases: [MeasureCase] = [
        // Arrival 2010-2012: 1, 2, 3, 7; in a job 1, 2, 7: 3 / 4 = 75 %. 183: 2 / 2; 187: 1 / 2.
        MeasureCase(
            "arrival 2010-2012: 3 / 4", measure: "M15", at: "2014-12-31", filter: ["arrival": "2010-2012"],
            expect: [share(3, of: 4), share(2, of: 2, in: 183), share(1, of: 2, in: 187)]
        ) { b in refugees(&b) },
        // All arrived by D: 1, 2, 3, 4, 6, 7; in a job 1, 2, 6, 7: 4 / 6.
        MeasureCase(
            "all arrivals: 4 / 6", measure: "M15", at: "2014-12-31",
            expect: [
                share(4, of: 6), share(2, of: 2, in: 183),
                share(2, of: 4, in: 187),
            ]
        ) { b in refugees(&b) },
        // Arrival 2013-2013: 4, no job: 0 / 1.
        MeasureCase(
            "arrival 2013-2013: 0 / 1", measure: "M15", at: "2014-12-31", filter: ["arrival": "2013-2013"],
            expect: [share(0, of: 1)]
        ) { b in refugees(&b) },
    ]

    @Test("M15 table", arguments: cases)
    func table(_ c: MeasureCase) throws { try c.run() }
}

@Suite("M16 company visit coverage, year Y")
struct M16Tests {
    static let cases: [MeasureCase] = [
        // Companies with 5 or more employees, visited at least twice in 2014:
        // K1 (183, 5 employees) 2014-03-01 and 09-01: yes. K2 (183, 4): excluded. K3 (187, 10): 2013-12-31 and 2014-05-01, one
        // in 2014: no. K4 (187, 50) 2014-01-01 and 12-31: yes. K5 (187, 6): never visited: no.
        // 183: 1 / 1; 187: 1 / 3; jobcenter 2 / 4 = 50 %.
        MeasureCase(
            "year 2014: 5+ employees, 2+ visits in the year", measure: "M16", period: "2014",
            expect: [share(2, of: 4), share(1, of: 1, in: 183), share(1, of: 3, in: 187)]
        ) { b in
            b.company("10000001", employees: 5, in: 183)
            b.company("10000002", employees: 4, in: 183)
            b.company("10000003", employees: 10, in: 187)
            b.company("10000004", employees: 50, in: 187)
            b.company("10000005", employees: 6, in: 187)
            b.visit("10000001", on: "2014-03-01", in: 183)
            b.visit("10000001", on: "2014-09-01", in: 183)
            b.visit("10000002", on: "2014-03-01", in: 183)
            b.visit("10000002", on: "2014-09-01", in: 183)
            b.visit("10000003", on: "2013-12-31", in: 187)
            b.visit("10000003", on: "2014-05-01", in: 187)
            b.visit("10000004", on: "2014-01-01", in: 187)
            b.visit("10000004", on: "2014-12-31", in: 187)
        }
    ]

    @Test("M16 table", arguments: cases)
    func table(_ c: MeasureCase) throws { try c.run() }
}

/// Survey responses: citizens 2014: yes (183), yes (187), no (187), and yes 2013-12-31 (outside): 2 / 3.
/// Companies 2014: yes, no, no, yes (all 183), and yes 2015-01-01 (outside): 2 / 4 = 50 %.
private func surveys(_ b: inout LedgerBuilder) {
    b.survey("citizen", satisfied: true, on: "2014-02-01", in: 183)
    b.survey("citizen", satisfied: true, on: "2014-12-31", in: 187)
    b.survey("citizen", satisfied: false, on: "2014-01-01", in: 187)
    b.survey("citizen", satisfied: true, on: "2013-12-31", in: 187)
    b.survey("company", satisfied: true, on: "2014-03-01", in: 183)
    b.survey("company", satisfied: false, on: "2014-03-02", in: 183)
    b.survey("company", satisfied: false, on: "2014-03-03", in: 183)
    b.survey("company", satisfied: true, on: "2014-03-04", in: 183)
    b.survey("company", satisfied: true, on: "2015-01-01", in: 183)
}

@Suite("M17 satisfaction, citizens and companies")
struct M17Tests {
    static let cases: [MeasureCase] = [
        MeasureCase(
            "citizens 2014: 2 / 3", measure: "M17", variant: "citizens", period: "2014",
            expect: [share(2, of: 3), share(1, of: 1, in: 183), share(1, of: 2, in: 187)]
        ) { b in surveys(&b) },
        MeasureCase("the default variant is citizens", measure: "M17", period: "2014", expect: [share(2, of: 3)]) { b in surveys(&b) },
        MeasureCase(
            "companies 2014: 2 / 4", measure: "M17", variant: "companies", period: "2014",
            expect: [share(2, of: 4), share(2, of: 4, in: 183), share(0, of: 0, in: 187)]
        ) { b in surveys(&b) },
    ]

    @Test("M17 table", arguments: cases)
    func table(_ c: MeasureCase) throws { try c.run() }
}

@Suite("M18 participants of a named event")
struct M18Tests {
    static let cases: [MeasureCase] = [
        // Virksomhedernes Dag in March 2014: 80 (183) + 45 (187) = 125. Jobmesse the same day and the 2013 edition are not counted.
        MeasureCase(
            "Virksomhedernes Dag, March 2014: 80 + 45 = 125", measure: "M18", period: "2014-03",
            filter: ["event": "Virksomhedernes Dag"], expect: [total(125), municipality(183, 80), municipality(187, 45)]
        ) { b in
            b.heldEvent("Virksomhedernes Dag", on: "2014-03-20", participants: 80, in: 183)
            b.heldEvent("Virksomhedernes Dag", on: "2014-03-20", participants: 45, in: 187)
            b.heldEvent("Jobmesse", on: "2014-03-20", participants: 30, in: 183)
            b.heldEvent("Virksomhedernes Dag", on: "2013-03-21", participants: 100, in: 183)
        }
    ]

    @Test("M18 table", arguments: cases)
    func table(_ c: MeasureCase) throws { try c.run() }
}
