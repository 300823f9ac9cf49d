// M2 (disability pension inflow, rolling year), M3 (ordinary jobs filled on employer request) and M4
// (new flex jobs): counts of events whose effective date lies in a window, computed by hand.

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

/// Five events on the boundaries of 2014, plus others, for the period-count measures M3 and M4.
/// `add(citizen, day, municipality)` records one event of the measure's kind.
private func boundaryCases(_ measure: String, _ add: @escaping @Sendable (inout LedgerBuilder, Int, String, Int) -> Void) -> [MeasureCase] {
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

@Suite("M3 ordinary jobs filled with the jobcenter (employer request), period P")
struct M3Tests {
    static let cases: [MeasureCase] =
        boundaryCases("M3") { b, c, day, m in b.placement(c, on: day, channel: "employer-request", in: m) } + [
            // Channel other is not counted: employer-request 2014-03-01 (183) counts, other 2014-03-02 does not. 1.
            MeasureCase(
                "M3 channel other is not counted", measure: "M3", period: "2014",
                expect: [total(1), municipality(183, 1), municipality(187, 0)]
            ) { b in
                for n in 1...2 { b.register(n) }
                b.placement(1, on: "2014-03-01", channel: "employer-request", in: 183)
                b.placement(2, on: "2014-03-02", channel: "other", in: 187)
            },
            // The effective date decides: a job started 2013-12-15 and still held through 2014 is not a 2014 placement.
            // The same citizen's second placement 2014-05-01 after the first ended 2014-04-30 counts: 1.
            MeasureCase("M3 counts placements by effective date, not employment in P", measure: "M3", period: "2014", expect: [total(1)]) { b in
                b.register(1)
                b.placement(1, on: "2013-12-15", ended: "2014-04-30")
                b.placement(1, on: "2014-05-01")
            },
            // Two placements of one citizen in P are two jobs filled: 2014-02-01 (ended 03-31) and 2014-06-01. 2.
            MeasureCase("M3 counts placements, not citizens", measure: "M3", period: "2014", expect: [total(2)]) { b in
                b.register(1)
                b.placement(1, on: "2014-02-01", ended: "2014-03-31")
                b.placement(1, on: "2014-06-01")
            },
        ]

    @Test("M3 table", arguments: cases)
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
