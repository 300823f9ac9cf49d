// Youth and education measures (YouthMeasures.swift): M8 (exits to education), M9 (3 months after
// uddannelseshjælp), M19 (uddannelsesgrad) and M22 (education dropout), computed by hand from DOMAIN.md.

import LedgerCore
import Testing

@testable import Projections

/// Period 2014. Spells of under-30s on uddannelseshjælp or kontanthjælp ending in 2014:
/// 1 (183), born 1984-07-01: uddannelseshjælp ends 2014-06-30 (age 29 that day), reason education: numerator.
/// 2 (183), born 1984-06-30: the same spell ends on the 30th birthday: age 30, excluded.
/// 3 (187), born 1990: kontanthjælp ends 2014-03-31 reason job, then uddannelseshjælp ends 2014-10-31 reason other: 2 spells, denominator only.
/// 4 (187): uddannelseshjælp ended 2013-12-31 (reason education): outside P.
/// 5 (187): a-dagpenge ended 2014-05-01 reason education: not one of the two benefits.
/// 6 (187): uddannelseshjælp ends 2014-12-31 reason education: numerator.
/// 7 (183): uddannelseshjælp still open: no end in P.
/// 8 (183): kontanthjælp ends 2014-08-31 reason education: numerator.
/// Numerator 1, 6, 8 = 3 (183: 1, 8; 187: 6). Denominator 1, 3, 3, 6, 8 = 5 (183: 2; 187: 3).
private func youthExits(_ b: inout LedgerBuilder) {
    b.register(1, born: "1984-07-01", in: 183)
    b.register(2, born: "1984-06-30", in: 183)
    for n in 3...8 { b.register(n, born: "1990-01-01", in: n == 7 || n == 8 ? 183 : 187) }
    b.benefit(1, "uddannelseshjaelp", from: "2013-01-01", to: "2014-06-30", reason: "education", in: 183)
    b.benefit(2, "uddannelseshjaelp", from: "2013-01-01", to: "2014-06-30", reason: "education", in: 183)
    b.benefit(3, "kontanthjaelp", from: "2014-01-01", to: "2014-03-31", reason: "job", in: 187)
    b.benefit(3, "uddannelseshjaelp", from: "2014-06-01", to: "2014-10-31", reason: "other", in: 187)
    b.benefit(4, "uddannelseshjaelp", from: "2013-01-01", to: "2013-12-31", reason: "education", in: 187)
    b.benefit(5, "a-dagpenge", from: "2013-01-01", to: "2014-05-01", reason: "education", in: 187)
    b.benefit(6, "uddannelseshjaelp", from: "2014-01-01", to: "2014-12-31", reason: "education", in: 187)
    b.benefit(7, "uddannelseshjaelp", from: "2014-01-01", in: 183)
    b.benefit(8, "kontanthjaelp", from: "2014-01-01", to: "2014-08-31", reason: "education", in: 183)
}

@Suite("M8 youth exits to education, period P")
struct M8Tests {
    static let cases: [MeasureCase] = [
        // 3 / 5 = 60 %; 183: 2 / 2 = 100 %; 187: 1 / 3 = 33.3 %.
        MeasureCase(
            "share: age 29 vs 30 on the end date, reasons, benefits, period", measure: "M8", variant: "share", period: "2014",
            expect: [share(3, of: 5), share(2, of: 2, in: 183), share(1, of: 3, in: 187)]
        ) { b in youthExits(&b) },
        MeasureCase("the default variant is the share", measure: "M8", period: "2014", expect: [share(3, of: 5)]) { b in youthExits(&b) },
        // The count: 3 (183: 2, 187: 1).
        MeasureCase("count", measure: "M8", variant: "count", period: "2014", expect: [total(3), municipality(183, 2), municipality(187, 1)]) { b in
            youthExits(&b)
        },
        // Period 2014H1 as a range 2014-01-01/2014-06-30: spells ending 03-31 (3, job) and 06-30 (1, education; 2 is 30).
        // 1 / 2 = 50 %.
        MeasureCase("first half of 2014: 1 / 2", measure: "M8", period: "2014-01-01/2014-06-30", expect: [share(1, of: 2)]) { b in
            youthExits(&b)
        },
    ]

    @Test("M8 table", arguments: cases)
    func table(_ c: MeasureCase) throws { try c.run() }

    /// DOMAIN.md: "Two spells of the same benefit for one citizen that overlap or touch are one spell", and a change of
    /// municipality does not break a spell. Born 1990: uddannelseshjælp 2014-01-01 ... 06-30 in Ishøj, ended "moved", and
    /// touching it 2014-07-01 ... 10-31 in Vallensbæk, ended "education". One spell, ending 2014-10-31 for education: 1 / 1.
    /// With the second part still open, no spell ends in 2014: 0 / 0, no value.
    @Test("M8: touching spells of the same benefit across a move are one spell")
    func movedSpellIsOneSpell() throws {
        try MeasureCase("moved, then ended for education", measure: "M8", period: "2014", expect: [share(1, of: 1)]) { b in
            b.register(1, born: "1990-01-01", in: 183)
            b.benefit(1, "uddannelseshjaelp", from: "2014-01-01", to: "2014-06-30", reason: "moved", in: 183)
            b.benefit(1, "uddannelseshjaelp", from: "2014-07-01", to: "2014-10-31", reason: "education", in: 187)
        }.run()
        try MeasureCase("moved, still on it", measure: "M8", period: "2014", expect: [share(0, of: 0)]) { b in
            b.register(1, born: "1990-01-01", in: 183)
            b.benefit(1, "uddannelseshjaelp", from: "2014-01-01", to: "2014-06-30", reason: "moved", in: 183)
            b.benefit(1, "uddannelseshjaelp", from: "2014-07-01", in: 187)
        }.run()
    }
}

@Suite("M9 youth in education or self-supporting 92 days after uddannelseshjaelp")
struct M9Tests {
    static let cases: [MeasureCase] = [
        // Uddannelseshjælp ending 2014-03-31: end + 92 = 2014-07-01 (Mar 31 + 30 = Apr 30, + 31 = May 31, + 30 = Jun 30 is + 91).
        // Ending 2014-12-31: end + 92 = 2015-04-02 (+ 31 = Jan 31, + 28 = Feb 28, + 31 = Mar 31 is + 90).
        // 1 (183): kontanthjælp until 2014-07-31 but in education from 07-01: in education, counted.
        // 2 (183): kontanthjælp 04-01 ... 07-01: on a benefit on 07-01, not counted.
        // 3 (183): kontanthjælp 04-01 ... 06-30: self-supporting on 07-01, counted.
        // 4 (183): flex job from 05-01: a flex job is not self-support, not counted.
        // 5 (187): ended 2013-12-31: outside P.
        // 6 (187): ended 2014-12-31, a-dagpenge 2015-01-01 ... 04-01: self-supporting on 04-02, counted.
        // 7 (187): ended 2014-12-31, a-dagpenge 2015-01-01 ... 04-02: on a benefit on 04-02, not counted.
        // 8 (187): kontanthjælp ended in 2014: not an uddannelseshjælp spell.
        // 183: 1, 3 of 1-4 = 2 / 4; 187: 6 of 6, 7 = 1 / 2; jobcenter 3 / 6 = 50 %.
        MeasureCase(
            "end + 92 days: in education, self-supporting, on a benefit, in a flex job", measure: "M9", period: "2014",
            expect: [share(3, of: 6), share(2, of: 4, in: 183), share(1, of: 2, in: 187)]
        ) { b in
            for n in 1...8 { b.register(n, born: "1995-01-01", in: n <= 4 ? 183 : 187) }
            for n in 1...4 { b.benefit(n, "uddannelseshjaelp", from: "2013-06-01", to: "2014-03-31", reason: "other-benefit", in: 183) }
            b.benefit(1, "kontanthjaelp", from: "2014-04-01", to: "2014-07-31", in: 183)
            b.education(1, from: "2014-07-01", in: 183)
            b.benefit(2, "kontanthjaelp", from: "2014-04-01", to: "2014-07-01", reason: "job", in: 183)
            b.benefit(3, "kontanthjaelp", from: "2014-04-01", to: "2014-06-30", reason: "job", in: 183)
            b.flexJob(4, from: "2014-05-01", in: 183)
            b.benefit(5, "uddannelseshjaelp", from: "2013-01-01", to: "2013-12-31", reason: "job", in: 187)
            b.benefit(6, "uddannelseshjaelp", from: "2014-01-01", to: "2014-12-31", reason: "other-benefit", in: 187)
            b.benefit(6, "a-dagpenge", from: "2015-01-01", to: "2015-04-01", reason: "job", in: 187)
            b.benefit(7, "uddannelseshjaelp", from: "2014-01-01", to: "2014-12-31", reason: "other-benefit", in: 187)
            b.benefit(7, "a-dagpenge", from: "2015-01-01", to: "2015-04-02", reason: "job", in: 187)
            b.benefit(8, "kontanthjaelp", from: "2014-01-01", to: "2014-06-30", reason: "job", in: 187)
        }
    ]

    @Test("M9 table", arguments: cases)
    func table(_ c: MeasureCase) throws { try c.run() }

    /// Touching spells of the same benefit are one spell (DOMAIN.md, "Overlaps"). Uddannelseshjælp 2014-01-01 ... 03-31 in
    /// Ishøj ended "moved", 2014-04-01 ... 09-30 in Vallensbæk ended "education", education from 2014-10-01. One spell
    /// ending 2014-09-30; end + 92 = 2014-12-31 (Sep 30 + 31 = Oct 31, + 30 = Nov 30, + 31 = Dec 31): in education, 1 / 1.
    @Test("M9: touching spells of the same benefit across a move are one spell")
    func movedSpellIsOneSpell() throws {
        try MeasureCase("moved, then ended for education", measure: "M9", period: "2014", expect: [share(1, of: 1)]) { b in
            b.register(1, born: "1995-01-01", in: 183)
            b.benefit(1, "uddannelseshjaelp", from: "2014-01-01", to: "2014-03-31", reason: "moved", in: 183)
            b.benefit(1, "uddannelseshjaelp", from: "2014-04-01", to: "2014-09-30", reason: "education", in: 187)
            b.education(1, from: "2014-10-01", in: 187)
        }.run()
    }
}

@Suite("M19 uddannelsesgrad, 12 months ending D")
struct M19Tests {
    static let cases: [MeasureCase] = [
        // D = 2014-12-31: the 12 months ending D are 2014-01-01 ... 2014-12-31, 365 days. Citizens under 30 without
        // vocational or higher education, on a-dagpenge, kontanthjælp or uddannelseshjælp:
        // 1: uddannelseshjælp 01-01 ... 08-31 = 243 days; education from 09-01 (the day after leaving): numerator.
        // 2: kontanthjælp all year: 365 days.
        // 3: born 1980, 34: not under 30. 4: vocational education: excluded (even starting education on a benefit).
        // 5: a-dagpenge 01-01 ... 03-31 = 90 days; education from 04-30, 30 days after leaving: numerator.
        // 6: a-dagpenge 01-01 ... 03-31 = 90 days; education from 05-01, 31 days after: not in the numerator.
        // 7: born 1984-07-01, kontanthjælp all year: under 30 on 01-01 ... 06-30 = 181 days.
        // 8: sygedagpenge, education started: not one of the benefits.
        // 9: uddannelseshjælp 2013-06-01 ... 2014-01-31 = 31 days in the window; education started 2013-12-31, before it.
        // Days: 243 + 365 + 90 + 90 + 181 + 31 = 1000; average daily number 1000 / 365.
        // Numerator 2 (citizens 1, 5): 2 / (1000 / 365) x 100 = 73 %.
        MeasureCase(
            "D = 2014-12-31: 2 starters / (1000 / 365) = 73 %", municipalities: "250", measure: "M19", at: "2014-12-31",
            expect: [Expected(scope: nil, value: 73, numerator: 2, denominator: 1000.0 / 365)]
        ) { b in
            for n in [1, 2, 5, 6, 8, 9] { b.register(n, born: "1990-01-01") }
            b.register(3, born: "1980-01-01")
            b.register(4, born: "1990-01-01", education: "vocational")
            b.register(7, born: "1984-07-01")
            b.benefit(1, "uddannelseshjaelp", from: "2014-01-01", to: "2014-08-31", reason: "education")
            b.education(1, from: "2014-09-01")
            b.benefit(2, "kontanthjaelp", from: "2013-01-01")
            b.benefit(3, "kontanthjaelp", from: "2013-01-01")
            b.education(3, from: "2014-05-01")
            b.benefit(4, "kontanthjaelp", from: "2013-01-01")
            b.education(4, from: "2014-05-01")
            b.benefit(5, "a-dagpenge", from: "2014-01-01", to: "2014-03-31", reason: "other")
            b.education(5, from: "2014-04-30")
            b.benefit(6, "a-dagpenge", from: "2014-01-01", to: "2014-03-31", reason: "other")
            b.education(6, from: "2014-05-01")
            b.benefit(7, "kontanthjaelp", from: "2013-01-01")
            b.benefit(8, "sygedagpenge", from: "2013-01-01")
            b.education(8, from: "2014-05-01")
            b.benefit(9, "uddannelseshjaelp", from: "2013-06-01", to: "2014-01-31", reason: "education")
            b.education(9, from: "2013-12-31")
        },
        // Born 1984-09-01, kontanthjælp since 2013: under 30 on 2014-01-01 ... 08-31 = 243 days. Education from 2014-08-31,
        // age 29: numerator 1. 1 / (243 / 365) x 100 = 36500 / 243 %.
        MeasureCase(
            "education started the day before the 30th birthday counts", municipalities: "250", measure: "M19", at: "2014-12-31",
            expect: [Expected(scope: nil, value: 36500.0 / 243, numerator: 1, denominator: 243.0 / 365)]
        ) { b in
            b.register(1, born: "1984-09-01")
            b.benefit(1, "kontanthjaelp", from: "2013-01-01")
            b.education(1, from: "2014-08-31")
        },
        // The same citizen starting on the 30th birthday: not under 30, numerator 0 over 243 / 365.
        MeasureCase(
            "education started on the 30th birthday does not", municipalities: "250", measure: "M19", at: "2014-12-31",
            expect: [Expected(scope: nil, value: 0, numerator: 0, denominator: 243.0 / 365)]
        ) { b in
            b.register(1, born: "1984-09-01")
            b.benefit(1, "kontanthjaelp", from: "2013-01-01")
            b.education(1, from: "2014-09-01")
        },
        // Born 1984-02-29: in 2014, which has no 29 February, the age becomes 30 on 03-01 (as M8 and M22
        // count ages), so the citizen is under 30 on 2014-01-01 ... 02-28 = 59 days. Education from 2014-02-28,
        // age 29: numerator 1. 1 / (59 / 365) x 100 = 36500 / 59 %. (Found by Tools/sql's property test:
        // M19 made this citizen 30 on 02-28 and counted 58 days.)
        MeasureCase(
            "born on 29 February: 30 on 1 March in a year without it", municipalities: "250", measure: "M19", at: "2014-12-31",
            expect: [Expected(scope: nil, value: 36500.0 / 59, numerator: 1, denominator: 59.0 / 365)]
        ) { b in
            b.register(1, born: "1984-02-29")
            b.benefit(1, "kontanthjaelp", from: "2013-01-01")
            b.education(1, from: "2014-02-28")
        },
    ]

    @Test("M19 table", arguments: cases)
    func table(_ c: MeasureCase) throws { try c.run() }
}

/// Period 2011. Educations started in 2011 by under-30s on a benefit within the 30 days before the start:
/// 1: kontanthjælp until 2011-08-14, education 2011-08-15 ... 2012-08-14 dropped out. 2011-08-15 to 2012-08-15 is 366 days
///    (2012-02-29 lies between), so 2012-08-14 is start + 365: within 365 days, numerator.
/// 2: the same, dropped out 2012-08-15 = start + 366: not within, denominator only.
/// 3: born 1981-08-15, starts on the 30th birthday: not under 30, excluded.
/// 4: uddannelseshjælp until 2011-07-16 = start 2011-08-15 - 30: within the 30 days before; dropped out 2011-12-01: numerator.
/// 5: uddannelseshjælp until 2011-07-15 = start - 31: excluded (though dropped out).
/// 6: a-dagpenge until 2011-08-31, education 2011-09-01 ... 2012-06-30 completed: denominator only.
/// 7: education started 2010-12-31: outside P.
/// 8: kontanthjælp until 2011-09-30, education from 2011-10-01 still open: denominator only.
/// 9: no benefit ever, dropped out: excluded.
/// 10: born 1981-08-16, starts 2011-08-15 aged 29 (the day before the 30th birthday), dropped out 2011-09-30: numerator.
/// Numerator 1, 4, 10 = 3; denominator 1, 2, 4, 6, 8, 10 = 6; 3 / 6 = 50 %.
private func dropouts(_ b: inout LedgerBuilder) {
    for n in [1, 2, 4, 5, 6, 7, 8, 9] { b.register(n, born: "1990-01-01") }
    b.register(3, born: "1981-08-15")
    b.register(10, born: "1981-08-16")
    b.benefit(1, "kontanthjaelp", from: "2010-06-01", to: "2011-08-14", reason: "education")
    b.education(1, from: "2011-08-15", to: "2012-08-14", reason: "dropped-out")
    b.benefit(2, "kontanthjaelp", from: "2010-06-01", to: "2011-08-14", reason: "education")
    b.education(2, from: "2011-08-15", to: "2012-08-15", reason: "dropped-out")
    b.benefit(3, "kontanthjaelp", from: "2010-06-01", to: "2011-08-14", reason: "education")
    b.education(3, from: "2011-08-15", to: "2011-10-01", reason: "dropped-out")
    b.benefit(4, "uddannelseshjaelp", from: "2011-01-01", to: "2011-07-16", reason: "other")
    b.education(4, from: "2011-08-15", to: "2011-12-01", reason: "dropped-out")
    b.benefit(5, "uddannelseshjaelp", from: "2011-01-01", to: "2011-07-15", reason: "other")
    b.education(5, from: "2011-08-15", to: "2011-12-01", reason: "dropped-out")
    b.benefit(6, "a-dagpenge", from: "2011-01-01", to: "2011-08-31", reason: "education")
    b.education(6, from: "2011-09-01", to: "2012-06-30", reason: "completed")
    b.benefit(7, "kontanthjaelp", from: "2010-01-01", to: "2010-12-30", reason: "education")
    b.education(7, from: "2010-12-31", to: "2011-03-01", reason: "dropped-out")
    b.benefit(8, "kontanthjaelp", from: "2011-01-01", to: "2011-09-30", reason: "education")
    b.education(8, from: "2011-10-01")
    b.education(9, from: "2011-03-01", to: "2011-04-01", reason: "dropped-out")
    b.benefit(10, "kontanthjaelp", from: "2011-01-01", to: "2011-08-14", reason: "education")
    b.education(10, from: "2011-08-15", to: "2011-09-30", reason: "dropped-out")
}

@Suite("M22 education dropout, period P")
struct M22Tests {
    static let cases: [MeasureCase] = [
        MeasureCase(
            "period 2011: 365-day window over 2012-02-29, 30 days before, under 30 at start", municipalities: "250", measure: "M22",
            period: "2011", expect: [share(3, of: 6)]
        ) { b in dropouts(&b) }
    ]

    @Test("M22 table", arguments: cases)
    func table(_ c: MeasureCase) throws { try c.run() }

    /// DOMAIN.md: "by citizens under 30 who were on a benefit within the 30 days before the start". A benefit that
    /// starts on the education's first day, with none before, is not before the start: uddannelseshjælp 2011-08-15 ... 08-31,
    /// education 2011-08-15 dropped out 2011-10-01. Excluded: 0 / 0, no value.
    @Test("M22: a benefit starting on the education's first day is not before it")
    func benefitOnStartDayOnly() throws {
        try MeasureCase(
            "a benefit starting on the education's first day is not before it", municipalities: "250", measure: "M22",
            period: "2011", expect: [share(0, of: 0)]
        ) { b in
            b.register(1, born: "1990-01-01")
            b.benefit(1, "uddannelseshjaelp", from: "2011-08-15", to: "2011-08-31", reason: "education")
            b.education(1, from: "2011-08-15", to: "2011-10-01", reason: "dropped-out")
        }.run()
    }
}
