import LedgerCore

// Pension and flex-job measures: M2 (disability pension inflow), M4 (new flex jobs) and M5
// (flex-job-approved in a flex job).
// Each rule's doc comment quotes DOMAIN.md's definition and names the choices of FORMAT.md section 10;
// the dispatch from a measure's id to its rule is in MeasureRules.swift.

extension MeasureEngine {
    /// M2, disability pension inflow: first-time awards in the 12 calendar months ending with the month.
    ///
    /// DOMAIN.md: "first-time disability pension awards with effective date in the 12 calendar months
    /// ending with M; a citizen counts once, in the municipality of residence on that date", and "M2
    /// counts a citizen's first disability pension award ever recorded; a later award for the same
    /// citizen is not inflow".
    ///
    /// FORMAT.md section 10: a citizen's first award is the earliest non-retracted award by effective
    /// date; it counts when that date falls in the 12 calendar months ending with the month; municipality
    /// of the award event. The month is that of `--at D`, or the last month of `--period P`.
    func m2(_ month: Period, _ c: inout Context) {
        let first = month.last.minusMonths(11).firstOfMonth
        state.citizens.withUnsafeBufferPointer { citizens in
            for h in citizens where c.walks(h.pseudonym) {
                guard let award = h.awards.min(by: { ($0.day, $0.seq) < ($1.day, $1.seq) }) else { continue }
                if award.day >= first && award.day <= month.last {
                    c.add(award.municipality, numerator: 1, citizen: h.pseudonym, seqs: [award.seq], reason: "first award \(award.day)")
                }
            }
        }
    }

    /// M4, new flex jobs: flex job starts effective in the period.
    ///
    /// DOMAIN.md: "flex job starts effective in P".
    ///
    /// FORMAT.md section 10: flex-job starts (events), not citizens, with effective date in P; each counts
    /// in the flex job's municipality.
    func m4(_ p: Period, _ c: inout Context) {
        state.citizens.withUnsafeBufferPointer { citizens in
            for h in citizens where c.walks(h.pseudonym) {
                for job in h.flexJobs where p.contains(job.start) {
                    c.add(job.municipality, numerator: 1, citizen: h.pseudonym, seqs: [job.startSeq], reason: "flex job started \(job.start)")
                }
            }
        }
    }

    /// M5, flex-job-approved in a flex job at D: in a flex job / (in a flex job or on ledighedsydelse).
    ///
    /// DOMAIN.md: "in a flex job on D / (in a flex job or on ledighedsydelse on D)".
    ///
    /// FORMAT.md section 10: the municipality of the flex job, else of the ledighedsydelse spell; a
    /// citizen in both counts once, in the numerator; a period closed on D still covers D.
    func m5(_ d: Day, _ c: inout Context) {
        state.citizens.withUnsafeBufferPointer { citizens in
            for h in citizens where c.walks(h.pseudonym) {
                if let job = DerivedStates.flexJob(h, on: d) {
                    c.add(job.municipality, numerator: 1, denominator: 1, citizen: h.pseudonym, seqs: [job.startSeq], reason: "in a flex job since \(job.start)")
                } else if let spell = DerivedStates.spell(h, DerivedStates.ledighedsydelse, on: d) {
                    c.add(spell.municipality, denominator: 1, citizen: h.pseudonym, seqs: [spell.startSeq], reason: "on ledighedsydelse since \(spell.start)")
                }
            }
        }
    }
}
