// Pension and flex-job measures (PensionAndFlexJobMeasures.swift): M2 (disability pension inflow,
// rolling year) and M4 (new flex jobs), counts of events whose effective date lies in a window, and
// M5 (flex-job-approved in a flex job), a share at a day D; computed by hand from DOMAIN.md.

import LedgerCore
import Testing

@testable import Projections

@Suite("M2 disability pension inflow, rolling year to month M")
struct M2Tests {
    static let cases: [MeasureCase] = [
        // Month 2014-12: the 12 calendar months 2014-01 ... 2014-12, i.e. 2014-01-01 ... 2014-12-31.
        // Citizen 1: 2013-12-31, out. 2: 2014-01-01, in (183). 3: 2014-12-31, in (187). 4: two awards in the window,
        // counts once (187). 5: first award 2012-05-01 before the window, the 2014 one is not inflow. 6: 2015-01-01, out.
        // 7: registered in 183, award recorded in 187: counts in 187. 183: 1 (citizen 2); 187: 3 (3, 4, 7); total 4.
        MeasureCase(
            "month 2014-12: window 2014-01-01 ... 2014-12-31, first award only, municipality of the award",
            measure: "M2", period: "2014-12", expect: [total(4), municipality(183, 1), municipality(187, 3)]
        ) { b in
            for n in 1...7 { b.register(n) }
            b.award(1, on: "2013-12-31", in: 183)
            b.award(2, on: "2014-01-01", in: 183)
            b.award(3, on: "2014-12-31", in: 187)
            b.award(4, on: "2014-06-01", in: 187)
            b.award(4, on: "2014-09-01", in: 187)
            b.award(5, on: "2012-05-01", in: 183)
            b.award(5, on: "2014-05-01", in: 183)
            b.award(6, on: "2015-01-01", in: 183)
            b.award(7, on: "2014-07-01", in: 187)
        },
        // `--at 2014-12-15` names the month 2014-12 as well: same window. Awards 2014-01-01 (183) and 2014-12-31 (187).
        MeasureCase(
            "--at 2014-12-15 means month 2014-12", measure: "M2", at: "2014-12-15",
            expect: [total(2), municipality(183, 1), municipality(187, 1)]
        ) { b in
            for n in 1...3 { b.register(n) }
            b.award(1, on: "2014-01-01", in: 183)
            b.award(2, on: "2014-12-31", in: 187)
            b.award(3, on: "2013-12-31", in: 187)
        },
        // Month 2015-02: months 2014-03 ... 2015-02, i.e. 2014-03-01 ... 2015-02-28.
        // 2014-02-28 out; 2014-03-01 in; 2015-02-28 in; 2015-03-01 out. Total 2.
        MeasureCase(
            "month 2015-02: window 2014-03-01 ... 2015-02-28", measure: "M2", period: "2015-02",
            expect: [total(2), municipality(183, 2), municipality(187, 0)]
        ) { b in
            for n in 1...4 { b.register(n) }
            b.award(1, on: "2014-02-28")
            b.award(2, on: "2014-03-01")
            b.award(3, on: "2015-02-28")
            b.award(4, on: "2015-03-01")
        },
        // Month 2016-02 (leap): 2015-03-01 ... 2016-02-29. 2016-02-29 in, 2015-02-28 out.
        MeasureCase("leap month 2016-02: 2016-02-29 is in the window", measure: "M2", period: "2016-02", expect: [total(1)]) { b in
            for n in 1...2 { b.register(n) }
            b.award(1, on: "2016-02-29")
            b.award(2, on: "2015-02-28")
        },
        // A first award after the window is still the first: a citizen whose awards are 2014-06-01 and 2015-06-01
        // counts in 2014-12 (the first is in the window), and in 2015-12 not at all (the 2015 one is not the first).
        MeasureCase("second award a year later: not inflow in the later year", measure: "M2", period: "2015-12", expect: [total(0)]) { b in
            b.register(1)
            b.award(1, on: "2014-06-01")
            b.award(1, on: "2015-06-01")
        },
    ]

    @Test("M2 table", arguments: cases)
    func table(_ c: MeasureCase) throws { try c.run() }
}

@Suite("M4 new flex jobs, period P")
struct M4Tests {
    static let cases: [MeasureCase] =
        boundaryCases("M4") { b, c, day, m in b.flexJob(c, from: day, in: m) } + [
            // Only starts count: an approval (visitation) is not a start, and a flex job started 2013-06-01 that runs
            // through 2014 is not new in 2014. One start 2014-08-01: 1.
            MeasureCase(
                "M4 approval is not a start; a flex job running since 2013 is not new", measure: "M4", period: "2014",
                expect: [total(1)]
            ) { b in
                for n in 1...3 { b.register(n) }
                b.flexApproved(1, on: "2014-02-01")
                b.flexJob(2, from: "2013-06-01", to: "2014-10-31")
                b.flexApproved(3, on: "2014-05-01")
                b.flexJob(3, from: "2014-08-01")
            }
        ]

    @Test("M4 table", arguments: cases)
    func table(_ c: MeasureCase) throws { try c.run() }
}

@Suite("M5 share of flex-job-approved in a flex job at D")
struct M5Tests {
    static let cases: [MeasureCase] = [
        // D = 2014-12-31. 1 (183): flex job since 2014-01-01: numerator and denominator.
        // 2 (187): ledighedsydelse covering D: denominator only.
        // 3 (187): flex job ended 2014-12-30, ledighedsydelse from 2014-12-31: denominator only.
        // 4 (183): flex job ended on D: still in a flex job on D: numerator and denominator.
        // 5 (187): flex job starting 2015-01-01, ledighedsydelse ended 2014-12-30: in neither on D.
        // 6 (187): flex job and ledighedsydelse both on D: counted once, in the numerator.
        // 183: 2/2 = 100 %; 187: 1/3 = 33.3 %; jobcenter over the union: 3/5 = 60 %.
        MeasureCase(
            "D = 2014-12-31: open and closed-on-D flex jobs, ledighedsydelse, both", measure: "M5", at: "2014-12-31",
            expect: [share(3, of: 5), share(2, of: 2, in: 183), share(1, of: 3, in: 187)]
        ) { b in
            for n in 1...6 { b.register(n) }
            b.flexApproved(1, on: "2013-11-01", in: 183)
            b.flexJob(1, from: "2014-01-01", in: 183)
            b.benefit(2, "ledighedsydelse", from: "2014-03-01", in: 187)
            b.flexJob(3, from: "2013-01-01", to: "2014-12-30", in: 187)
            b.benefit(3, "ledighedsydelse", from: "2014-12-31", in: 187)
            b.flexJob(4, from: "2013-01-01", to: "2014-12-31", in: 183)
            b.benefit(5, "ledighedsydelse", from: "2014-01-01", to: "2014-12-30", reason: "job", in: 187)
            b.flexJob(5, from: "2015-01-01", in: 187)
            b.benefit(6, "ledighedsydelse", from: "2014-01-01", to: "2015-01-31", reason: "job", in: 187)
            b.flexJob(6, from: "2014-12-01", in: 187)
        },
        // Nobody in a flex job or on ledighedsydelse: the share has no denominator, so no value.
        MeasureCase("no one flex-job-approved: no value", measure: "M5", at: "2014-12-31", expect: [share(0, of: 0)]) { b in
            b.register(1)
            b.benefit(1, "a-dagpenge", from: "2014-01-01")
        },
    ]

    @Test("M5 table", arguments: cases)
    func table(_ c: MeasureCase) throws { try c.run() }
}
