// Hours and employment measures (HoursMeasures.swift): M12 (full-time persons), M14 (paid hours) and
// M15 (refugees in employment), computed by hand from DOMAIN.md.
//
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
