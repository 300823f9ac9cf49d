// Placement and job-order measures (PlacementMeasures.swift): M3 (ordinary jobs filled on employer
// request) and M13 (job orders: formidlingsgrad and besættelsesgrad), computed by hand from DOMAIN.md.

import LedgerCore
import Testing

@testable import Projections

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
