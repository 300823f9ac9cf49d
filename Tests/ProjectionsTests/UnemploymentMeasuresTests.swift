// Unemployment measures (UnemploymentMeasures.swift): M1 and M1b (long-term unemployment), M6
// (long ledighedsydelse spells) and M7 (long sick-leave cases), computed by hand from DOMAIN.md.
//
// Day-of-year of month ends, used in the arithmetic below. 2014 (not a leap year): Jan 31, Feb 59,
// Mar 90, Apr 120, May 151, Jun 181, Jul 212, Aug 243, Sep 273, Oct 304, Nov 334, Dec 365.
// 2016 (a leap year): Jan 31, Feb 60, Mar 91, Apr 121, May 152, ... Dec 366.
//
// M1 at D = 2014-12-31: the window D-363 ... D is 2014-01-02 ... 2014-12-31 (365 - 363 = day 2), 364 days.
// A spell from day-of-year s to D has 365 - s + 1 days in it, so 292 days need s = 74 (2014-03-15)
// and s = 75 (2014-03-16) gives 291.
//
// M6 and M7 are measures at a day D, with the open/closed rule (a period closed on D is open on D).

import LedgerCore
import Testing

@testable import Projections

/// One citizen (number 1) in a Vallensbæk ledger (183, 187): counted once in municipality `place`, or not at all.
private func oneCitizen(
    _ label: String, _ measure: String, at: String = "2014-12-31", counted: Bool, in place: Int = 183,
    _ build: @escaping @Sendable (inout LedgerBuilder) -> Void
) -> MeasureCase {
    let n: Double = counted ? 1 : 0
    return MeasureCase(
        label, measure: measure, at: at,
        expect: [total(n), municipality(183, place == 183 ? n : 0), municipality(187, place == 187 ? n : 0)]
    ) { b in
        b.register(1)
        build(&b)
    }
}

@Suite("M1 long-term unemployed, Jobindsats rule (292 of 364 days)")
struct M1Tests {
    static let cases: [MeasureCase] = [
        // 2014-03-15 is day 74: 365 - 74 + 1 = 292 days in the window.
        oneCitizen("a-dagpenge from 2014-03-15: 292 of 364 days, counted", "M1", counted: true) { b in
            b.benefit(1, "a-dagpenge", from: "2014-03-15")
        },
        // 2014-03-16 is day 75: 365 - 75 + 1 = 291 days.
        oneCitizen("a-dagpenge from 2014-03-16: 291 of 364 days, not counted", "M1", counted: false) { b in
            b.benefit(1, "a-dagpenge", from: "2014-03-16")
        },
        // 2014-01-02 ... 2014-12-30 is 363 days of the window, but D itself is not a gross-unemployed day.
        oneCitizen("363 days but the spell ended the day before D: not gross unemployed on D", "M1", counted: false) { b in
            b.benefit(1, "a-dagpenge", from: "2013-01-01", to: "2014-12-30")
        },
        // 2013-06-01 ... 2014-04-30 gives 2014-01-02 ... 04-30 = 120 - 1 = 119 days in the window (2014-01-01 is outside it);
        // 2014-07-12 is day 193: 365 - 193 + 1 = 173 days. 119 + 173 = 292.
        oneCitizen("two spells, 119 + 173 = 292 days, counted", "M1", counted: true) { b in
            b.benefit(1, "a-dagpenge", from: "2013-06-01", to: "2014-04-30", reason: "job")
            b.benefit(1, "a-dagpenge", from: "2014-07-12")
        },
        // Same, second spell from 2014-07-13 (day 194): 119 + 172 = 291. Counting 2014-01-01 would wrongly give 292.
        oneCitizen("two spells, 119 + 172 = 291 days (2014-01-01 is outside the window), not counted", "M1", counted: false) { b in
            b.benefit(1, "a-dagpenge", from: "2013-06-01", to: "2014-04-30", reason: "job")
            b.benefit(1, "a-dagpenge", from: "2014-07-13")
        },
        oneCitizen("kontanthjaelp with no assessment yet: not gross unemployed", "M1", counted: false) { b in
            b.benefit(1, "kontanthjaelp", from: "2013-06-01")
        },
        oneCitizen("kontanthjaelp, aktivitetsparat: not gross unemployed", "M1", counted: false) { b in
            b.benefit(1, "kontanthjaelp", from: "2013-06-01")
            b.assess(1, "aktivitetsparat", on: "2013-06-01")
        },
        // Gross unemployed only from the jobparat assessment: 2014-03-15 (day 74) ... D = 292 days.
        oneCitizen("kontanthjaelp since 2013, jobparat from 2014-03-15: 292 days, counted", "M1", counted: true) { b in
            b.benefit(1, "kontanthjaelp", from: "2013-06-01")
            b.assess(1, "jobparat", on: "2014-03-15")
        },
        // 2014-03-16 (day 75) ... D = 291 days.
        oneCitizen("kontanthjaelp since 2013, jobparat from 2014-03-16: 291 days, not counted", "M1", counted: false) { b in
            b.benefit(1, "kontanthjaelp", from: "2013-06-01")
            b.assess(1, "jobparat", on: "2014-03-16")
        },
        // Jobparat 2014-01-02 ... 02-28 = 59 - 1 = 58 days; aktivitetsparat 03-01 ... 05-11; jobparat again from
        // 2014-05-12 (day 120 + 12 = 132): 365 - 132 + 1 = 234. 58 + 234 = 292.
        oneCitizen("kontanthjaelp, jobparat with an aktivitetsparat interval: 58 + 234 = 292 days, counted", "M1", counted: true) { b in
            b.benefit(1, "kontanthjaelp", from: "2013-06-01")
            b.assess(1, "jobparat", on: "2013-06-01")
            b.assess(1, "aktivitetsparat", on: "2014-03-01")
            b.assess(1, "jobparat", on: "2014-05-12")
        },
        // Jobparat again from 2014-05-13 (day 133): 58 + 233 = 291.
        oneCitizen("kontanthjaelp, jobparat with an aktivitetsparat interval: 58 + 233 = 291 days, not counted", "M1", counted: false) { b in
            b.benefit(1, "kontanthjaelp", from: "2013-06-01")
            b.assess(1, "jobparat", on: "2013-06-01")
            b.assess(1, "aktivitetsparat", on: "2014-03-01")
            b.assess(1, "jobparat", on: "2014-05-13")
        },
        // Selvforsørgelses- og hjemrejseydelse follows the kontanthjælp rule: 2014-03-15 ... D = 292 days.
        oneCitizen("selvforsoergelsesydelse jobparat from 2014-03-15: 292 days, counted", "M1", counted: true) { b in
            b.assess(1, "jobparat", on: "2013-01-01")
            b.benefit(1, "selvforsoergelsesydelse", from: "2014-03-15")
        },
        oneCitizen("uddannelseshjaelp, aabenlyst uddannelsesparat since 2013: 364 days, counted", "M1", counted: true) { b in
            b.benefit(1, "uddannelseshjaelp", from: "2013-06-01")
            b.assess(1, "aabenlyst-uddannelsesparat", on: "2013-06-01")
        },
        oneCitizen("uddannelseshjaelp, uddannelsesparat (not aabenlyst): not gross unemployed", "M1", counted: false) { b in
            b.benefit(1, "uddannelseshjaelp", from: "2013-06-01")
            b.assess(1, "uddannelsesparat", on: "2013-06-01")
        },
        oneCitizen("uddannelseshjaelp, jobparat is not the uddannelseshjaelp category: not gross unemployed", "M1", counted: false) { b in
            b.benefit(1, "uddannelseshjaelp", from: "2013-06-01")
            b.assess(1, "jobparat", on: "2013-06-01")
        },
        // 2014-03-16 ... D = 291.
        oneCitizen("uddannelseshjaelp, aabenlyst uddannelsesparat from 2014-03-16: 291 days, not counted", "M1", counted: false) { b in
            b.benefit(1, "uddannelseshjaelp", from: "2013-06-01")
            b.assess(1, "uddannelsesparat", on: "2013-06-01")
            b.assess(1, "aabenlyst-uddannelsesparat", on: "2014-03-16")
        },
        // a-dagpenge 2014-03-15 ... 06-30 (181 - 74 + 1 = 108) then kontanthjælp jobparat 07-01 ... D (365 - 182 + 1 = 184):
        // 108 + 184 = 292, touching, no gap.
        oneCitizen("a-dagpenge then kontanthjaelp jobparat, touching: 108 + 184 = 292 days, counted", "M1", counted: true) { b in
            b.benefit(1, "a-dagpenge", from: "2014-03-15", to: "2014-06-30", reason: "other-benefit")
            b.benefit(1, "kontanthjaelp", from: "2014-07-01")
            b.assess(1, "jobparat", on: "2014-07-01")
        },
        // From 2014-03-16: 107 + 184 = 291.
        oneCitizen("a-dagpenge then kontanthjaelp jobparat, touching: 107 + 184 = 291 days, not counted", "M1", counted: false) { b in
            b.benefit(1, "a-dagpenge", from: "2014-03-16", to: "2014-06-30", reason: "other-benefit")
            b.benefit(1, "kontanthjaelp", from: "2014-07-01")
            b.assess(1, "jobparat", on: "2014-07-01")
        },
        // Union 2014-03-16 ... D = 291 days; summing the spells would give (273 - 75 + 1 = 199) + (365 - 182 + 1 = 184) = 383.
        oneCitizen("overlapping a-dagpenge spells are not double counted: union 291 days, not counted", "M1", counted: false) { b in
            b.benefit(1, "a-dagpenge", from: "2014-03-16", to: "2014-09-30", reason: "job")
            b.benefit(1, "a-dagpenge", from: "2014-07-01")
        },
        // a-dagpenge 2014-03-16 ... D (291) overlapping kontanthjælp jobparat 2014-06-01 ... D: union still 291.
        oneCitizen("overlapping a-dagpenge and kontanthjaelp jobparat: union 291 days, not counted", "M1", counted: false) { b in
            b.benefit(1, "a-dagpenge", from: "2014-03-16")
            b.benefit(1, "kontanthjaelp", from: "2014-06-01")
            b.assess(1, "jobparat", on: "2014-06-01")
        },
        oneCitizen("activation does not change gross unemployment: 292 days, counted", "M1", counted: true) { b in
            b.benefit(1, "a-dagpenge", from: "2014-03-15")
            b.activation(1, id: "a1", kind: "virksomhedspraktik", from: "2014-05-01", to: "2014-10-31")
        },
        oneCitizen("moved from Ishoej to Vallensbaek mid-year: counts in 187, the spell covering D", "M1", counted: true, in: 187) { b in
            b.benefit(1, "a-dagpenge", from: "2013-06-01", to: "2014-06-30", reason: "moved", in: 183)
            b.benefit(1, "a-dagpenge", from: "2014-07-01", in: 187)
        },
        oneCitizen("moved from Vallensbaek to Ishoej mid-year: counts in 183, the spell covering D", "M1", counted: true, in: 183) { b in
            b.benefit(1, "a-dagpenge", from: "2013-06-01", to: "2014-06-30", reason: "moved", in: 187)
            b.benefit(1, "a-dagpenge", from: "2014-07-01", in: 183)
        },
        // D = 2016-12-31 (day 366): window 2016-01-03 ... 12-31. 2016-01-03 ... 02-29 = 29 + 29 = 58 days (with Feb 29);
        // 2016-05-12 is day 121 + 12 = 133: 366 - 133 + 1 = 234. 58 + 234 = 292.
        oneCitizen("leap year: 58 days through 2016-02-29 + 234 = 292, counted", "M1", at: "2016-12-31", counted: true) { b in
            b.benefit(1, "a-dagpenge", from: "2015-10-01", to: "2016-02-29", reason: "job")
            b.benefit(1, "a-dagpenge", from: "2016-05-12")
        },
        // Same, first spell ending 2016-02-28: 57 + 234 = 291 (and 2016-01-01, 01-02 are outside the window).
        oneCitizen("leap year: 57 days through 2016-02-28 + 234 = 291, not counted", "M1", at: "2016-12-31", counted: false) { b in
            b.benefit(1, "a-dagpenge", from: "2015-10-01", to: "2016-02-28", reason: "job")
            b.benefit(1, "a-dagpenge", from: "2016-05-12")
        },
        // D = 2016-02-29 (day 60): D - 291 is day 60 - 291 = -231, i.e. 2015 day 365 - 231 = 134 = 2015-05-14.
        oneCitizen("D = 2016-02-29, spell from 2015-05-14: 292 days, counted", "M1", at: "2016-02-29", counted: true) { b in
            b.benefit(1, "a-dagpenge", from: "2015-05-14")
        },
        oneCitizen("D = 2016-02-29, spell from 2015-05-15: 291 days, not counted", "M1", at: "2016-02-29", counted: false) { b in
            b.benefit(1, "a-dagpenge", from: "2015-05-15")
        },
    ]

    @Test("M1 table", arguments: cases)
    func table(_ c: MeasureCase) throws { try c.run() }

    /// Several citizens at once: the jobcenter is the sum of its municipalities.
    @Test("M1 jobcenter = sum over municipalities")
    func sum() throws {
        var b = LedgerBuilder(municipalities: "183,187")
        for n in 1...5 { b.register(n) }
        b.benefit(1, "a-dagpenge", from: "2014-03-15", in: 183)  // 292 days: counted in 183
        b.benefit(2, "a-dagpenge", from: "2013-01-01", in: 183)  // 364 days: counted in 183
        b.benefit(3, "a-dagpenge", from: "2014-03-16", in: 183)  // 291 days: not counted
        b.benefit(4, "a-dagpenge", from: "2013-01-01", in: 187)  // 364 days: counted in 187
        b.benefit(5, "kontanthjaelp", from: "2013-01-01", in: 187)  // no assessment: not counted
        // 183: 2, 187: 1, jobcenter 2 + 1 = 3.
        check(try compute(b.state, "M1", at: "2014-12-31"), [total(3), municipality(183, 2), municipality(187, 1)])
    }
}

@Suite("M1b long-term unemployed, Danmarks Statistik rule (run of 364 days, gaps up to 28)")
struct M1bTests {
    static let cases: [MeasureCase] = [
        // 2014-01-02 ... 12-31 = 364 days.
        oneCitizen("run 2014-01-02 ... D: exactly 364 days, counted", "M1b", counted: true) { b in
            b.benefit(1, "a-dagpenge", from: "2014-01-02")
        },
        oneCitizen("run 2014-01-03 ... D: 363 days, not counted", "M1b", counted: false) { b in
            b.benefit(1, "a-dagpenge", from: "2014-01-03")
        },
        oneCitizen("gross unemployed for years but not on D: not counted", "M1b", counted: false) { b in
            b.benefit(1, "a-dagpenge", from: "2012-01-01", to: "2014-12-30")
        },
        // 2013-12-05 ... 2014-06-02: 27 (Dec 5-31) + 153 (day of 06-02) = 180; gap 06-03 ... 06-30 = 28 days;
        // 2014-07-01 ... D: 365 - 182 + 1 = 184. Counted 180 + 184 = 364 (the gap days are not counted).
        oneCitizen("28-day gap does not break: 180 + 184 = 364 counted days, counted", "M1b", counted: true) { b in
            b.benefit(1, "a-dagpenge", from: "2013-12-05", to: "2014-06-02", reason: "job")
            b.benefit(1, "a-dagpenge", from: "2014-07-01")
        },
        // Same from 2013-12-06: 179 + 184 = 363. Counting the 28 gap days would give 391.
        oneCitizen("28-day gap: gap days not counted, 179 + 184 = 363, not counted", "M1b", counted: false) { b in
            b.benefit(1, "a-dagpenge", from: "2013-12-06", to: "2014-06-02", reason: "job")
            b.benefit(1, "a-dagpenge", from: "2014-07-01")
        },
        // Gap 2014-06-02 ... 06-30 = 29 days breaks the run: it is 2014-07-01 ... D = 184 days only.
        oneCitizen("29-day gap breaks: run of 184 days, not counted", "M1b", counted: false) { b in
            b.benefit(1, "a-dagpenge", from: "2012-01-01", to: "2014-06-01", reason: "job")
            b.benefit(1, "a-dagpenge", from: "2014-07-01")
        },
        // Same long first spell with a 28-day gap: 2012-01-01 ... 2014-06-02 plus 184 > 364.
        oneCitizen("28-day gap after a long spell: counted", "M1b", counted: true) { b in
            b.benefit(1, "a-dagpenge", from: "2012-01-01", to: "2014-06-02", reason: "job")
            b.benefit(1, "a-dagpenge", from: "2014-07-01")
        },
        // Two gaps of 28 days: 2013-11-07 ... 2014-03-31 = 24 + 31 + 31 + 28 + 31 = 145; gap 04-01 ... 04-28 (28);
        // 04-29 ... 08-31 = 2 + 31 + 30 + 31 + 31 = 125; gap 09-01 ... 09-28 (28); 09-29 ... D = 2 + 31 + 30 + 31 = 94.
        // 145 + 125 + 94 = 364.
        oneCitizen("two 28-day gaps: 145 + 125 + 94 = 364, counted", "M1b", counted: true) { b in
            b.benefit(1, "a-dagpenge", from: "2013-11-07", to: "2014-03-31", reason: "job")
            b.benefit(1, "a-dagpenge", from: "2014-04-29", to: "2014-08-31", reason: "job")
            b.benefit(1, "a-dagpenge", from: "2014-09-29")
        },
        // From 2013-11-08: 144 + 125 + 94 = 363.
        oneCitizen("two 28-day gaps: 144 + 125 + 94 = 363, not counted", "M1b", counted: false) { b in
            b.benefit(1, "a-dagpenge", from: "2013-11-08", to: "2014-03-31", reason: "job")
            b.benefit(1, "a-dagpenge", from: "2014-04-29", to: "2014-08-31", reason: "job")
            b.benefit(1, "a-dagpenge", from: "2014-09-29")
        },
        // a-dagpenge 2014-01-02 ... 06-30 (180) touching kontanthjælp jobparat 07-01 ... D (184): one run of 364.
        oneCitizen("change of benefit a-dagpenge -> kontanthjaelp jobparat does not break: 180 + 184 = 364, counted", "M1b", counted: true) { b in
            b.benefit(1, "a-dagpenge", from: "2014-01-02", to: "2014-06-30", reason: "other-benefit")
            b.benefit(1, "kontanthjaelp", from: "2014-07-01")
            b.assess(1, "jobparat", on: "2014-07-01")
        },
        // Kontanthjælp throughout; aktivitetsparat 2014-06-03 ... 06-30 is a 28-day gap in gross unemployment.
        oneCitizen("aktivitetsparat for 28 days inside kontanthjaelp: gap does not break, counted", "M1b", counted: true) { b in
            b.benefit(1, "kontanthjaelp", from: "2013-01-01")
            b.assess(1, "jobparat", on: "2013-01-01")
            b.assess(1, "aktivitetsparat", on: "2014-06-03")
            b.assess(1, "jobparat", on: "2014-07-01")
        },
        // Aktivitetsparat 2014-06-02 ... 06-30 is 29 days: the run is 07-01 ... D = 184.
        oneCitizen("aktivitetsparat for 29 days inside kontanthjaelp: breaks, not counted", "M1b", counted: false) { b in
            b.benefit(1, "kontanthjaelp", from: "2013-01-01")
            b.assess(1, "jobparat", on: "2013-01-01")
            b.assess(1, "aktivitetsparat", on: "2014-06-02")
            b.assess(1, "jobparat", on: "2014-07-01")
        },
        // Overlapping spells: union 2014-01-03 ... D = 363 days (summing would give far more).
        oneCitizen("overlapping spells not double counted: union 363, not counted", "M1b", counted: false) { b in
            b.benefit(1, "a-dagpenge", from: "2014-01-03", to: "2014-09-30", reason: "job")
            b.benefit(1, "a-dagpenge", from: "2014-06-01")
        },
        // D = 2016-12-31 (day 366): 2016-01-03 ... D = 366 - 3 + 1 = 364 days, Feb 29 included.
        oneCitizen("leap year: 2016-01-03 ... 2016-12-31 = 364 days, counted", "M1b", at: "2016-12-31", counted: true) { b in
            b.benefit(1, "a-dagpenge", from: "2016-01-03")
        },
        oneCitizen("leap year: 2016-01-04 ... 2016-12-31 = 363 days, not counted", "M1b", at: "2016-12-31", counted: false) { b in
            b.benefit(1, "a-dagpenge", from: "2016-01-04")
        },
        oneCitizen("moved: counts in the municipality of the spell covering D", "M1b", counted: true, in: 187) { b in
            b.benefit(1, "a-dagpenge", from: "2013-01-01", to: "2014-03-31", reason: "moved", in: 183)
            b.benefit(1, "a-dagpenge", from: "2014-04-01", in: 187)
        },
    ]

    @Test("M1b table", arguments: cases)
    func table(_ c: MeasureCase) throws { try c.run() }
}

/// M1 and M1b build a citizen's pieces of gross unemployment only when a cheap test passes; the test
/// must pass for every citizen with a piece covering the day, or a counted citizen goes missing.
@Suite struct GrossUnemploymentFilterTests {
    @Test("every citizen with a piece of gross unemployment covering a day passes the cheap test", arguments: [UInt64(51), 52])
    func filterKeepsEveryCoveredCitizen(seed: UInt64) throws {
        let generated = try ReplayPropertyTests.GeneratedLedger(seed: seed, citizens: 120)
        let state = try Replayer.replay(generated.ledger)
        var covered = 0, skipped = 0
        for day in stride(from: Day(iso: "2011-01-01")!.ordinal, through: Day(iso: "2015-01-01")!.ordinal, by: 17).map({ Day(ordinal: $0) }) {
            for h in state.citizens {
                let coversDay = DerivedStates.grossUnemploymentPieces(h).contains { $0.interval.contains(day) }
                let passes = DerivedStates.mayBeGrossUnemployed(spells: h.spells, on: day)
                #expect(passes || !coversDay, "\(h.pseudonym) on \(day)")
                if coversDay { covered += 1 }
                if !passes { skipped += 1 }
            }
        }
        // Both sides are met: citizens covered, and citizens the test lets M1 skip.
        #expect(covered > 100 && skipped > 100, "\(covered) covered, \(skipped) skipped")
    }
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
