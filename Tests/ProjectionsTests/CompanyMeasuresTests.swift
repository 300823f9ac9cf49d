// Company measures (CompanyMeasures.swift): M16 (company visits), M17 (satisfaction), M18 (event
// participants) and M21 (samarbejdsgrad), computed by hand from DOMAIN.md.

import LedgerCore
import Testing

@testable import Projections

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

@Suite("M21 samarbejdsgrad, period P")
struct M21Tests {
    static let cases: [MeasureCase] = [
        // Period 2014; companies with 2 or more employees.
        // K1 20000001 (183, 2 employees): virksomhedspraktik 2013-11-01 ... 2014-01-01 overlaps P: yes.
        // K2 20000002 (183, 1 employee): excluded although it has a praktik.
        // K3 20000003 (187, 10): only a mentor activation there: no.
        // K4 20000004 (187, 3): løntilskud offentlig 2013-01-01 ... 2013-12-31, before P: no.
        // K5 20000005 (187, 5): løntilskud privat starting 2014-12-31: yes.
        // K6 20000006 (187, 20): nytteindsats is not praktik or løntilskud: no.
        // 183: 1 / 1; 187: 1 / 4; jobcenter 2 / 5 = 40 %.
        MeasureCase(
            "period 2014: employees >= 2, praktik or loentilskud overlapping P", measure: "M21", period: "2014",
            expect: [share(2, of: 5), share(1, of: 1, in: 183), share(1, of: 4, in: 187)]
        ) { b in
            b.company("20000001", employees: 2, in: 183)
            b.company("20000002", employees: 1, in: 183)
            b.company("20000003", employees: 10, in: 187)
            b.company("20000004", employees: 3, in: 187)
            b.company("20000005", employees: 5, in: 187)
            b.company("20000006", employees: 20, in: 187)
            for n in 1...6 { b.register(n) }
            b.activation(1, id: "a1", kind: "virksomhedspraktik", employer: "20000001", from: "2013-11-01", to: "2014-01-01")
            b.activation(2, id: "a2", kind: "virksomhedspraktik", employer: "20000002", from: "2014-03-01", to: "2014-04-01")
            b.activation(3, id: "a3", kind: "mentor", employer: "20000003", from: "2014-03-01")
            b.activation(4, id: "a4", kind: "loentilskud-offentlig", employer: "20000004", from: "2013-01-01", to: "2013-12-31")
            b.activation(5, id: "a5", kind: "loentilskud-privat", employer: "20000005", from: "2014-12-31")
            b.activation(6, id: "a6", kind: "nytteindsats", employer: "20000006", from: "2014-03-01")
        }
    ]

    @Test("M21 table", arguments: cases)
    func table(_ c: MeasureCase) throws { try c.run() }
}
