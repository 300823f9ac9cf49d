// M5 (flex-job-approved in a flex job), M6 (long ledighedsydelse spells) and M7 (long sick-leave
// cases): measures at a day D, with the open/closed rule (a period closed on D is open on D).

import LedgerCore
import Testing

@testable import Projections

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

@Suite("M6 ledighedsydelse spells started before D minus 18 calendar months")
struct M6Tests {
    static let cases: [MeasureCase] = [
        // D = 2014-12-31; D minus 18 months = 2013-06-31, which does not exist: 2013-06-30.
        // 1: spell from 2013-06-30 is not before it: not counted. 2: from 2013-06-29: counted (183).
        // 3: from 2012-01-01 but ended 2014-12-30: not on D. 4 (187): 2013-01-01 ... 2013-12-31 touching 2014-01-01 ...:
        // unbroken, started 2013-01-01: counted. 5: 2013-01-01 ... 2013-12-30, a one-day gap (12-31), then 2014-01-01 ...:
        // the unbroken spell started 2014-01-01: not counted. 6: ended 2014-12-31 = D: still on ledighedsydelse on D,
        // started 2012-01-01: counted (187). Total 3: 183 1, 187 2.
        MeasureCase(
            "D = 2014-12-31: threshold 2013-06-30, strictly before", measure: "M6", at: "2014-12-31",
            expect: [total(3), municipality(183, 1), municipality(187, 2)]
        ) { b in
            for n in 1...6 { b.register(n) }
            b.benefit(1, "ledighedsydelse", from: "2013-06-30", in: 183)
            b.benefit(2, "ledighedsydelse", from: "2013-06-29", in: 183)
            b.benefit(3, "ledighedsydelse", from: "2012-01-01", to: "2014-12-30", reason: "job", in: 183)
            b.benefit(4, "ledighedsydelse", from: "2013-01-01", to: "2013-12-31", reason: "moved", in: 183)
            b.benefit(4, "ledighedsydelse", from: "2014-01-01", in: 187)
            b.benefit(5, "ledighedsydelse", from: "2013-01-01", to: "2013-12-30", reason: "job", in: 187)
            b.benefit(5, "ledighedsydelse", from: "2014-01-01", in: 187)
            b.benefit(6, "ledighedsydelse", from: "2012-01-01", to: "2014-12-31", reason: "job", in: 187)
        },
        // D = 2017-08-31; minus 18 months = 2016-02-31, clamped to the leap day 2016-02-29.
        // From 2016-02-29: not before it. From 2016-02-28: counted. 1.
        MeasureCase("D = 2017-08-31: threshold is the leap day 2016-02-29", measure: "M6", at: "2017-08-31", expect: [total(1)]) { b in
            for n in 1...2 { b.register(n) }
            b.benefit(1, "ledighedsydelse", from: "2016-02-29")
            b.benefit(2, "ledighedsydelse", from: "2016-02-28")
        },
        // D = 2015-08-31; minus 18 months = 2014-02-31, clamped to 2014-02-28. From 2014-02-28 not counted, 02-27 counted.
        MeasureCase("D = 2015-08-31: threshold 2014-02-28", measure: "M6", at: "2015-08-31", expect: [total(1)]) { b in
            for n in 1...2 { b.register(n) }
            b.benefit(1, "ledighedsydelse", from: "2014-02-28")
            b.benefit(2, "ledighedsydelse", from: "2014-02-27")
        },
        // Only ledighedsydelse counts: a-dagpenge since 2012 touching ledighedsydelse from 2014-01-01 is a spell of
        // ledighedsydelse started 2014-01-01, after 2013-06-30: not counted.
        MeasureCase(
            "another benefit before it does not lengthen the ledighedsydelse spell", measure: "M6", at: "2014-12-31",
            expect: [total(0)]
        ) { b in
            b.register(1)
            b.benefit(1, "a-dagpenge", from: "2012-01-01", to: "2013-12-31", reason: "other-benefit")
            b.benefit(1, "ledighedsydelse", from: "2014-01-01")
        },
    ]

    @Test("M6 table", arguments: cases)
    func table(_ c: MeasureCase) throws { try c.run() }

    @Test("D minus 18 calendar months, by hand")
    func minusMonths() {
        #expect(date("2014-12-31").minusMonths(18) == date("2013-06-30"))  // June has 30 days
        #expect(date("2017-08-31").minusMonths(18) == date("2016-02-29"))  // February of a leap year
        #expect(date("2015-08-31").minusMonths(18) == date("2014-02-28"))
        #expect(date("2014-12-15").minusMonths(18) == date("2013-06-15"))
    }
}

/// The sick-leave ledger at D = 2014-12-31: each case's length is D - first day + 1.
/// 1: first day 2014-07-03 (day 184): 365 - 184 + 1 = 182. 2: 2014-07-02: 183. 3: 2014-01-02: 364. 4: 2014-01-01: 365.
/// 5: 2014-01-01 closed on D: open on D, 365. 6: 2014-01-01 closed 2014-12-30: not open on D. 7: first day 2015-01-01.
/// 8: 2013-01-01 closed 2013-12-31 then a new case from 2014-07-02 (183): the new case counts by its own first day.
private func sickLeaves(_ b: inout LedgerBuilder) {
    for n in 1...8 { b.register(n) }
    b.sickLeave(1, from: "2014-07-03", in: 183)
    b.sickLeave(2, from: "2014-07-02", in: 183)
    b.sickLeave(3, from: "2014-01-02", in: 187)
    b.sickLeave(4, from: "2014-01-01", in: 187)
    b.sickLeave(5, from: "2014-01-01", to: "2014-12-31", in: 183)
    b.sickLeave(6, from: "2014-01-01", to: "2014-12-30", in: 183)
    b.sickLeave(7, from: "2015-01-01", in: 187)
    b.sickLeave(8, from: "2013-01-01", to: "2013-12-31", reason: "jobafklaringsforloeb", in: 187)
    b.sickLeave(8, from: "2014-07-02", status: "unemployed", in: 187)
}

@Suite("M7 sick-leave cases over 26 / 52 weeks at D")
struct M7Tests {
    static let cases: [MeasureCase] = [
        // Over 182 days: 2 (183), 3 (364), 4 (365), 5 (365), 8 (183). 183: 2, 5; 187: 3, 4, 8.
        MeasureCase(
            "26w at 2014-12-31: 182 not counted, 183 counted, closed on D counted", measure: "M7", variant: "26w", at: "2014-12-31",
            expect: [total(5), municipality(183, 2), municipality(187, 3)]
        ) { b in sickLeaves(&b) },
        // The default variant is 26w.
        MeasureCase("default variant is 26w", measure: "M7", at: "2014-12-31", expect: [total(5)]) { b in sickLeaves(&b) },
        // Over 364 days: 4 (365, 187), 5 (365, 183). 3 has exactly 364: not counted.
        MeasureCase(
            "52w at 2014-12-31: 364 not counted, 365 counted", measure: "M7", variant: "52w", at: "2014-12-31",
            expect: [total(2), municipality(183, 1), municipality(187, 1)]
        ) { b in sickLeaves(&b) },
        // D = 2016-12-31 (day 366). 52w: first day 2016-01-02: 366 - 2 + 1 = 365 counted; 2016-01-03: 364 not.
        // 26w: first day D - 182 = day 184 = 2016-07-02 (Jun 30 is day 182): 183 counted; 2016-07-03: 182 not.
        MeasureCase(
            "52w at 2016-12-31 (leap year): 2016-01-02 counted, 2016-01-03 not", measure: "M7", variant: "52w", at: "2016-12-31",
            expect: [total(1)]
        ) { b in
            for n in 1...2 { b.register(n) }
            b.sickLeave(1, from: "2016-01-02")
            b.sickLeave(2, from: "2016-01-03")
        },
        MeasureCase(
            "26w at 2016-12-31 (leap year): 2016-07-02 counted, 2016-07-03 not", measure: "M7", variant: "26w", at: "2016-12-31",
            expect: [total(1)]
        ) { b in
            for n in 1...2 { b.register(n) }
            b.sickLeave(1, from: "2016-07-02")
            b.sickLeave(2, from: "2016-07-03")
        },
        // D = 2016-08-29: D - 182 crosses 2016-02-29. Day of 2016-08-29 is 213 + 29 = 242 (Jul 31 = day 213);
        // first day 2016-02-29 (day 60): 242 - 60 + 1 = 183 counted; 2016-03-01: 182 not counted.
        MeasureCase(
            "26w at 2016-08-29: a case from 2016-02-29 has 183 days", measure: "M7", variant: "26w", at: "2016-08-29",
            expect: [total(1)]
        ) { b in
            for n in 1...2 { b.register(n) }
            b.sickLeave(1, from: "2016-02-29")
            b.sickLeave(2, from: "2016-03-01")
        },
        // A partial return (delvis raskmelding) keeps the case open: first day 2014-01-01, partial return 2014-06-01: 365 days.
        MeasureCase("partial return keeps the case open", measure: "M7", variant: "52w", at: "2014-12-31", expect: [total(1)]) { b in
            b.register(1)
            b.sickLeave(1, from: "2014-01-01")
            b.append(
                .sickLeavePartialReturn, effective: date("2014-06-01"), municipality: 183, citizen: citizen(1),
                facts: [Fact("weekly_hours", .integer(15))])
        },
    ]

    @Test("M7 table", arguments: cases)
    func table(_ c: MeasureCase) throws { try c.run() }
}
