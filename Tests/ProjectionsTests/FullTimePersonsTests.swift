// M12 full-time persons (fuldtidspersoner): weekdays on a benefit in P, weighted by hours / 37,
// divided by the weekdays of P; at most 1 per citizen per day in the total.
//
// Weekdays by hand: 2008-01-01 is a Tuesday; 2008 has 366 days = 52 weeks + 2 days (Tue Dec 30, Wed Dec 31), so
// 52 x 5 + 2 = 262 weekdays. 2008-01-01 ... 06-30 is 31 + 29 + 31 + 30 + 31 + 30 = 182 days = 26 weeks: 130 weekdays.
// 2012-01-01 is a Sunday; 366 days = 52 weeks + Sun Dec 30, Mon Dec 31: 261. 2014-01-01 is a Wednesday; 365 days =
// 52 weeks + Wed Dec 31: 261. 2016-01-01 is a Friday; 366 days = 52 weeks + Fri Dec 30, Sat Dec 31: 261.
// 2014-02-01 is a Saturday, February 2014 is 4 weeks: 20. 2016-02-01 is a Monday, 29 days = 4 weeks + Mon Feb 29: 21.

import LedgerCore
import Testing

@testable import Projections

@Suite("M12 full-time persons, period P")
struct M12Tests {
    @Test(
        "weekdays(from:through:) by hand",
        arguments: [
            ("2008-01-01", "2008-12-31", 262), ("2008-01-01", "2008-06-30", 130), ("2012-01-01", "2012-12-31", 261),
            ("2014-01-01", "2014-12-31", 261), ("2016-01-01", "2016-12-31", 261), ("2014-02-01", "2014-02-28", 20),
            ("2015-02-01", "2015-02-28", 20), ("2016-02-01", "2016-02-29", 21),
            // 2014-01-01 Wed, 02 Thu, 03 Fri, 06-10 Mon-Fri: 8.
            ("2014-01-01", "2014-01-10", 8),
            ("2014-02-01", "2014-02-02", 0),  // a weekend
            ("2016-02-29", "2016-02-29", 1),  // a Monday
            ("2014-02-02", "2014-02-01", 0),  // empty
        ])
    func weekdays(_ first: String, _ last: String, _ count: Int) {
        #expect(DerivedStates.weekdays(from: date(first), through: date(last)) == count)
    }

    /// Danmarks Statistik's worked example: 20 hours a week from 2008-01-01 to 2008-06-30 is
    /// (20 / 37) x (130 / 262) = 2600 / 9694 = 0.26821... full-time persons for 2008.
    @Test("Danmarks Statistik's worked example: 0.268 full-time persons")
    func workedExample() throws {
        var b = LedgerBuilder(municipalities: "250")
        b.register(1)
        b.benefit(1, "a-dagpenge", from: "2008-01-01", to: "2008-06-30", reason: "job", hours: 20)
        let result = try compute(b.state, "M12", period: "2008", benefits: "a-dagpenge")
        let value = try #require(result.scope(nil)?.value)
        #expect(abs(value - 0.268) < 0.0005, "to 3 decimals: \(value)")
        check(
            result,
            [
                Expected(scope: nil, value: 20.0 / 37 * 130 / 262, numerator: 130 * 20.0 / 37, denominator: 262),
                Expected(scope: 250, value: 20.0 / 37 * 130 / 262),
            ])
        // The same spell counts alike among all benefits (no --benefits).
        check(try compute(b.state, "M12", period: "2008"), [total(20.0 / 37 * 130 / 262)])
    }

    static let cases: [MeasureCase] = [
        // February 2014, 20 weekdays. Citizen 1: a-dagpenge 02-01 ... 02-28 full time and sygedagpenge 02-10 ... 02-28 full time.
        // Sygedagpenge weekdays: Mon 02-10 ... Fri 02-28 = 3 weeks = 15.
        // Total: every weekday weighs 1 + 1 = 2, at most 1: 20 / 20 = 1.
        MeasureCase(
            "two benefits the same day count at most 1 in the total", measure: "M12", period: "2014-02",
            expect: [total(1), municipality(183, 1)]
        ) { b in twoBenefits(&b) },
        MeasureCase(
            "two benefits summed explicitly: still at most 1", measure: "M12", period: "2014-02", benefits: "a-dagpenge+sygedagpenge",
            expect: [total(1)]
        ) { b in twoBenefits(&b) },
        MeasureCase("a-dagpenge alone: 20 / 20", measure: "M12", period: "2014-02", benefits: "a-dagpenge", expect: [total(1)]) { b in
            twoBenefits(&b)
        },
        MeasureCase(
            "sygedagpenge alone: 15 / 20 = 0.75", measure: "M12", period: "2014-02", benefits: "sygedagpenge",
            expect: [total(0.75)]
        ) { b in twoBenefits(&b) },
        // Part time on two benefits: 10 / 37 + 10 / 37 = 20 / 37 a day, under 1: (20 x 20 / 37) / 20 = 20 / 37.
        MeasureCase("part time on two benefits sums below the cap: 20 / 37", measure: "M12", period: "2014-02", expect: [total(20.0 / 37)]) { b in
            b.register(1)
            b.benefit(1, "a-dagpenge", from: "2014-02-01", to: "2014-02-28", hours: 10)
            b.benefit(1, "sygedagpenge", from: "2014-02-01", to: "2014-02-28", hours: 10)
        },
        // A flex job counts as 37 hours whatever its weekly hours: 20 / 20 = 1.
        MeasureCase("flex job always counts 37 hours", measure: "M12", period: "2014-02", benefits: "flexjob", expect: [total(1)]) { b in
            b.register(1)
            b.flexJob(1, from: "2014-01-01", hours: 15)
        },
        // Flex job (weight 1) and ledighedsydelse 20 hours the same days: 1 + 20 / 37, at most 1: 1.
        MeasureCase("flex job and a part-time benefit: at most 1", measure: "M12", period: "2014-02", expect: [total(1)]) { b in
            b.register(1)
            b.flexJob(1, from: "2014-01-01", hours: 15)
            b.benefit(1, "ledighedsydelse", from: "2014-01-01", hours: 20)
        },
        // Citizen 1: kontanthjælp all February, aktivitetsparat from 01-15, jobparat from Mon 02-17: jobparat weekdays
        // 02-17 ... 02-28 = 10. Citizen 2: kontanthjælp, never assessed: 0 jobparat days. Citizen 3: a-dagpenge all February.
        // kontanthjaelp:jobparat = 10 / 20 = 0.5.
        MeasureCase(
            "kontanthjaelp:jobparat: 10 / 20 = 0.5", measure: "M12", period: "2014-02", benefits: "kontanthjaelp:jobparat",
            expect: [total(0.5)]
        ) { b in jobparat(&b) },
        // kontanthjaelp without a category: 20 + 20 weekdays / 20 = 2.
        MeasureCase(
            "kontanthjaelp, any category: (20 + 20) / 20 = 2", measure: "M12", period: "2014-02", benefits: "kontanthjaelp",
            expect: [total(2)]
        ) { b in jobparat(&b) },
        // a-dagpenge + jobparate on kontanthjælp: (20 + 10) / 20 = 1.5.
        MeasureCase(
            "a-dagpenge+kontanthjaelp:jobparat: (20 + 10) / 20 = 1.5", measure: "M12", period: "2014-02",
            benefits: "a-dagpenge+kontanthjaelp:jobparat", expect: [total(1.5)]
        ) { b in jobparat(&b) },
        // A spell crossing the start of P: a-dagpenge 2013-06-01 ... 2014-01-10 gives 8 weekdays in 2014: 8 / 261.
        MeasureCase("spell crossing the period start: 8 / 261", measure: "M12", period: "2014", expect: [total(8.0 / 261)]) { b in
            b.register(1)
            b.benefit(1, "a-dagpenge", from: "2013-06-01", to: "2014-01-10", reason: "job")
        },
        // An open spell crossing the end of P: from Mon 2014-12-29 (Mon 29, Tue 30, Wed 31 in 2014): 3 / 261.
        MeasureCase("open spell crossing the period end: 3 / 261", measure: "M12", period: "2014", expect: [total(3.0 / 261)]) { b in
            b.register(1)
            b.benefit(1, "a-dagpenge", from: "2014-12-29")
        },
        // Leap February 2016 (21 weekdays): a-dagpenge 2016-02-22 ... 03-15: Mon 22 ... Fri 26 (5) + Mon 29 (1) = 6: 6 / 21.
        MeasureCase("leap February 2016: 6 / 21", measure: "M12", period: "2016-02", expect: [total(6.0 / 21)]) { b in
            b.register(1)
            b.benefit(1, "a-dagpenge", from: "2016-02-22", to: "2016-03-15", reason: "job")
        },
        // Per municipality: citizen 1 (183) a-dagpenge full time all February: 20 / 20 = 1. Citizen 2 (187) 10 hours all
        // February: (20 x 10 / 37) / 20 = 10 / 37. Jobcenter 1 + 10 / 37.
        MeasureCase(
            "per municipality and jobcenter sum", measure: "M12", period: "2014-02",
            expect: [total(1 + 10.0 / 37), municipality(183, 1), municipality(187, 10.0 / 37)]
        ) { b in
            b.register(1, in: 183)
            b.register(2, in: 187)
            b.benefit(1, "a-dagpenge", from: "2014-02-01", to: "2014-02-28", in: 183)
            b.benefit(2, "a-dagpenge", from: "2014-02-01", to: "2014-02-28", hours: 10, in: 187)
        },
        // A move: a-dagpenge in 183 02-01 ... 02-14 (Mon 3 ... Fri 14: 10 weekdays), in 187 from 02-15 (Mon 17 ... Fri 28: 10).
        // 183: 10 / 20 = 0.5; 187: 0.5; jobcenter 1.
        MeasureCase(
            "a move mid-month splits the days", measure: "M12", period: "2014-02",
            expect: [total(1), municipality(183, 0.5), municipality(187, 0.5)]
        ) { b in
            b.register(1, in: 183)
            b.benefit(1, "a-dagpenge", from: "2014-02-01", to: "2014-02-14", reason: "moved", in: 183)
            b.benefit(1, "a-dagpenge", from: "2014-02-15", in: 187)
        },
    ]

    @Test("M12 table", arguments: cases)
    func table(_ c: MeasureCase) throws { try c.run() }
}

private func twoBenefits(_ b: inout LedgerBuilder) {
    b.register(1)
    b.benefit(1, "a-dagpenge", from: "2014-02-01", to: "2014-02-28", reason: "other-benefit")
    b.benefit(1, "sygedagpenge", from: "2014-02-10", to: "2014-02-28")
}

private func jobparat(_ b: inout LedgerBuilder) {
    for n in 1...3 { b.register(n) }
    b.benefit(1, "kontanthjaelp", from: "2014-01-01")
    b.assess(1, "aktivitetsparat", on: "2014-01-15")
    b.assess(1, "jobparat", on: "2014-02-17")
    b.benefit(2, "kontanthjaelp", from: "2014-02-01", to: "2014-02-28")
    b.benefit(3, "a-dagpenge", from: "2014-02-01", to: "2014-02-28")
}
