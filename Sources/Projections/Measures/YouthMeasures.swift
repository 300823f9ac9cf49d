import LedgerCore

// Youth and education measures: M8 (exits to education), M9 (in education or self-supporting after
// uddannelseshjælp), M19 (uddannelsesgrad) and M22 (education dropout).
// Each rule's doc comment quotes DOMAIN.md's definition and names the choices of FORMAT.md section 10;
// the dispatch from a measure's id to its rule is in MeasureRules.swift.

extension MeasureEngine {
    /// M8, youth exits to education: under-30s' spells ending in the period, those with reason education.
    ///
    /// DOMAIN.md: "spells of under-30s on uddannelseshjælp or kontanthjælp ending in P with reason
    /// education: count, and share of all such spells ending in P".
    ///
    /// FORMAT.md section 10: spells (touching spells of one benefit are one: only the run's end is an
    /// end) whose end date is in P and whose citizen is under 30 on that date (the 30th birthday is age
    /// 30); variant `share` (the default) or `count` (the numerator, see ``givesCount(_:variant:)``).
    func m8(_ p: Period, _ c: inout Context) {
        let education = UInt8(Catalog.benefitEndReasons.firstIndex(of: "education")!)
        state.citizens.withUnsafeBufferPointer { citizens in
            for h in citizens where c.walks(h.pseudonym) {
                for spell in DerivedStates.runs(h, DerivedStates.uddannelseshjaelp) + DerivedStates.runs(h, DerivedStates.kontanthjaelp) {
                    guard let end = spell.end, p.contains(end), let age = h.age(on: end), age < 30 else { continue }
                    let toEducation = spell.endReason == education
                    c.add(spell.municipality, numerator: toEducation ? 1 : 0, denominator: 1, citizen: h.pseudonym, seqs: [spell.startSeq, spell.endSeq ?? 0],
                          reason: "\(Catalog.benefits[Int(spell.benefit)]) ended \(end), age \(age)" + (toEducation ? ", to education" : ""))
                }
            }
        }
    }

    /// M9, youth after uddannelseshjælp: self-supporting or in education 92 days after a spell ends.
    ///
    /// DOMAIN.md: "of uddannelseshjælp spells ending in P, the share whose citizen is self-supporting or in
    /// education on end + 92 days (Jobindsats fixes 1, 3, 6, 12 months as 30, 92, 182, 365 days)".
    ///
    /// FORMAT.md section 10: every uddannelseshjælp spell ending in P (touching spells are one); the state
    /// on end + 92 days; self-supporting is on no benefit and in no flex job (SU education is
    /// self-support).
    func m9(_ p: Period, _ c: inout Context) {
        state.citizens.withUnsafeBufferPointer { citizens in
            for h in citizens where c.walks(h.pseudonym) {
                for spell in DerivedStates.runs(h, DerivedStates.uddannelseshjaelp) {
                    guard let end = spell.end, p.contains(end) else { continue }
                    let later = end.adding(days: 92)
                    let ok = DerivedStates.selfSupporting(h, on: later) || DerivedStates.inEducation(h, on: later)
                    c.add(spell.municipality, numerator: ok ? 1 : 0, denominator: 1, citizen: h.pseudonym, seqs: [spell.startSeq, spell.endSeq ?? 0],
                          reason: "spell ended \(end); on \(later) " + (ok ? "self-supporting or in education" : "not"))
                }
            }
        }
    }

    /// M19, uddannelsesgrad (youth education rate) over the 12 months ending D.
    ///
    /// DOMAIN.md: "citizens under 30 without a vocational or higher education who started ordinary
    /// education in the 12 months ending D while on a-dagpenge, kontanthjælp or uddannelseshjælp (or within
    /// 30 days of leaving one), divided by the average daily number of such citizens on those benefits
    /// over the same 12 months. Our operational definition: the official method was being revised when the
    /// seeds were written".
    ///
    /// FORMAT.md section 10: citizens with education level `none` at registration; the denominator is the
    /// average daily number of them on a-dagpenge, kontanthjælp or uddannelseshjælp while under 30 over
    /// the 12 months ending D (D minus 12 months + 1 day ... D); the numerator counts those who started an
    /// education in that window while under 30, on one of the benefits or within 30 days after one ended.
    /// A citizen counts in the municipality of the last such spell started by D.
    func m19(_ d: Day, _ c: inout Context) {
        let first = d.minusMonths(12).adding(days: 1)
        let windowDays = Double(d.days(since: first) + 1)
        let benefits: CodeSet = [DerivedStates.aDagpenge, DerivedStates.kontanthjaelp, DerivedStates.uddannelseshjaelp]
        state.citizens.withUnsafeBufferPointer { citizens in
            // The cheap tests read the history in place; only a citizen who passes them is copied out.
            for i in citizens.indices where c.walks(citizens[i].pseudonym) && citizens[i].education == 0 && citizens[i].birthDate != nil
                && citizens[i].spells.contains(where: { benefits.contains($0.benefit) }) {
                let h = citizens[i]
                let birth = h.birthDate!
                // The first day of age 30, as `age(on:)` counts it: for a birth on 29 February, 1 March
                // in a year without one.
                let monthDays = Day.daysInMonth(year: birth.year + 30, month: birth.civil.month)
                let thirtieth = birth.civil.day <= monthDays
                    ? Day(year: birth.year + 30, month: birth.civil.month, day: birth.civil.day)!
                    : Day(year: birth.year + 30, month: birth.civil.month, day: monthDays)!.adding(days: 1)
                let spells = h.spells.filter { benefits.contains($0.benefit) }
                guard !spells.isEmpty else { continue }
                // Denominator: days on the benefits while under 30, within the window.
                var daysOn = 0
                var municipality = spells[0].municipality
                for u in DerivedStates.union(spells.map(DerivedStates.interval)) {
                    daysOn += u.days(from: first, through: min(d, thirtieth.adding(days: -1)))
                }
                if let covering = spells.last(where: { DerivedStates.interval($0).start <= d }) { municipality = covering.municipality }
                // Numerator: started education in the window, under 30, while on the benefits or within 30 days of leaving one.
                var started: PeriodRecord?
                for e in h.educations where e.start >= first && e.start <= d && e.start < thirtieth {
                    let near = spells.contains { s in
                        let span = DerivedStates.interval(s)
                        return span.contains(e.start) || (span.end < e.start && e.start.days(since: span.end) <= 30)
                    }
                    if near { started = e; break }
                }
                guard daysOn > 0 || started != nil else { continue }
                c.add(municipality, numerator: started == nil ? 0 : 1, denominator: Double(daysOn) / windowDays, citizen: h.pseudonym,
                      seqs: spells.map(\.startSeq) + (started.map { [$0.startSeq] } ?? []),
                      reason: "\(daysOn) days on benefit in the window" + (started.map { ", started education \($0.start)" } ?? ""))
            }
        }
    }

    /// M22, education dropout: under-30s' educations started in the period, dropped out within 365 days.
    ///
    /// DOMAIN.md: "of educations started in P by citizens under 30 who were on a benefit within the 30
    /// days before the start, the share that ended with reason dropped out within 365 days of the start
    /// (the seeds report 34 % for Frederikssund's 2011 starters)".
    ///
    /// FORMAT.md section 10: educations started in P by citizens under 30 at the start who were on any
    /// benefit on a day of start - 30 ... start - 1; dropped out when ended with reason `dropped-out` at
    /// most 365 days after the start; the education's municipality.
    func m22(_ p: Period, _ c: inout Context) {
        state.citizens.withUnsafeBufferPointer { citizens in
            for h in citizens where c.walks(h.pseudonym) {
                for e in h.educations where p.contains(e.start) {
                    guard let age = h.age(on: e.start), age < 30 else { continue }
                    // "Within the 30 days before the start": start - 30 ... start - 1.
                    let before = e.start.adding(days: -30)
                    guard h.spells.contains(where: { DerivedStates.interval($0).days(from: before, through: e.start.adding(days: -1)) > 0 }) else { continue }
                    let dropped = e.detail == 1 && e.end.map { $0.days(since: e.start) <= 365 } == true
                    c.add(e.municipality, numerator: dropped ? 1 : 0, denominator: 1, citizen: h.pseudonym, seqs: [e.startSeq] + (e.endSeq.map { [$0] } ?? []),
                          reason: "education started \(e.start)" + (dropped ? ", dropped out" : ""))
                }
            }
        }
    }
}
