import LedgerCore

// Hours and employment measures: M12 (full-time persons), M14 (paid hours) and M15 (refugees in
// employment).
// Each rule's doc comment quotes DOMAIN.md's definition and names the choices of FORMAT.md section 10;
// the dispatch from a measure's id to its rule is in MeasureRules.swift.

extension MeasureEngine {
    /// M12, full-time persons (fuldtidspersoner) on the chosen benefits in the period.
    ///
    /// DOMAIN.md: "sum over citizens of weekdays (Monday to Friday) on benefit b (each benefit of fact 2,
    /// and flex job) within P, weighted by hours/37 where a spell has part-time hours (flex jobs always
    /// count as 37), divided by the number of weekdays in P; per benefit (optionally restricted to a match
    /// category, e.g. jobparate on kontanthjælp) and in total, where a citizen never counts more than 1
    /// per day in the total".
    ///
    /// FORMAT.md section 10: weekdays Monday to Friday (public holidays are not removed); a spell weighs
    /// its `weekly_hours`/37 (37 when not given), a flex job 1; per citizen and day the weights of the
    /// selected benefits are added and capped at 1; `benefits` selects `benefit[:category]+...` (and
    /// `flexjob`), nil selecting every benefit and flex jobs. A day counts in the municipality of the
    /// first selected spell found on it. The rule sums the weighted weekdays; the engine divides them
    /// by the weekdays of P (``ValueKind/fullTimePersons``).
    func m12(_ p: Period, benefits: String?, _ c: inout Context) throws(MeasureError) {
        // Parse "benefit[:category]+...": nil category means any; "flexjob" means flex jobs.
        var selection: [(benefit: UInt8?, category: UInt8?)] = []
        if let benefits {
            for item in benefits.split(separator: "+") {
                let parts = item.split(separator: ":")
                let name = String(parts[0])
                var category: UInt8?
                if parts.count > 1 {
                    guard let k = Catalog.matchCategories.firstIndex(of: String(parts[1])) else { throw MeasureError(message: "unknown match category \(parts[1])") }
                    category = UInt8(k)
                }
                if name == "flexjob" { selection.append((nil, nil)); continue }
                guard let b = Catalog.benefits.firstIndex(of: name) else {
                    throw MeasureError(message: "unknown benefit \(name); benefits: " + Catalog.benefits.joined(separator: ", ") + ", flexjob")
                }
                selection.append((UInt8(b), category))
            }
        } else {
            selection = Catalog.benefits.indices.map { (UInt8($0), nil) } + [(nil, nil)]
        }
        let dayCount = p.dayCount
        var weights = [Double](repeating: 0, count: dayCount)
        var where_ = [Int](repeating: 0, count: dayCount)
        state.citizens.withUnsafeBufferPointer { citizens in
            for h in citizens where c.walks(h.pseudonym) {
                var touched = false
                var categories: [(interval: DayInterval, category: UInt8)]?
                func mark(_ interval: DayInterval, weight: Double, municipality: Int) {
                    let a = max(interval.start, p.first), b = min(interval.end, p.last)
                    guard a <= b else { return }
                    var day = a
                    while day <= b {
                        if day.weekday <= 5 {
                            let i = day.days(since: p.first)
                            if weights[i] == 0 { where_[i] = municipality }
                            weights[i] += weight
                            touched = true
                        }
                        day = day.adding(days: 1)
                    }
                }
                for s in selection {
                    if let b = s.benefit {
                        for spell in h.spells where spell.benefit == b {
                            let weight = Double(min(spell.weeklyHours, 37)) / 37
                            if let category = s.category {
                                if categories == nil { categories = DerivedStates.categoryIntervals(h) }
                                for ci in categories! where ci.category == category {
                                    let a = max(spell.start, ci.interval.start), e = min(spell.end ?? .distantFuture, ci.interval.end)
                                    if a <= e { mark(DayInterval(start: a, end: e), weight: weight, municipality: spell.municipality) }
                                }
                            } else {
                                mark(DerivedStates.interval(spell), weight: weight, municipality: spell.municipality)
                            }
                        }
                    } else {
                        for job in h.flexJobs { mark(DerivedStates.interval(job), weight: 1, municipality: job.municipality) }
                    }
                }
                guard touched else { continue }
                var perMunicipality: [Int: Double] = [:]
                for i in 0..<dayCount where weights[i] > 0 {
                    perMunicipality[where_[i], default: 0] += min(1, weights[i])
                    weights[i] = 0
                }
                for (m, days) in perMunicipality {
                    c.add(m, numerator: days, citizen: h.pseudonym, seqs: h.spells.map(\.startSeq), reason: "\(days) weighted weekdays")
                }
            }
        }
    }

    /// M14, paid hours (lønnede timer): aktivitetsparate with paid hours or in SU education in the month.
    ///
    /// DOMAIN.md: "of aktivitetsparate citizens on kontanthjælp, uddannelseshjælp, selvforsørgelses- og
    /// hjemrejseydelse or in ressourceforløb during M, the share with paid hours registered for M or in SU
    /// education during M (løntilskud and flex jobs are not paid hours)".
    ///
    /// FORMAT.md section 10: in ressourceforløb on any day of the month, or aktivitetsparat on any day of
    /// the month while on one of the three benefits; paid hours registered for that month, or an
    /// education covering a day of it; the municipality of the spell that qualifies.
    func m14(_ month: Period, _ c: inout Context) {
        let benefits: CodeSet = [DerivedStates.kontanthjaelp, DerivedStates.uddannelseshjaelp, DerivedStates.selvforsoergelse]
        state.citizens.withUnsafeBufferPointer { citizens in
            for h in citizens where c.walks(h.pseudonym) {
                var qualifying: BenefitSpell?
                for spell in h.spells where spell.benefit == DerivedStates.ressourceforloeb || benefits.contains(spell.benefit) {
                    let span = DerivedStates.interval(spell)
                    guard span.days(from: month.first, through: month.last) > 0 else { continue }
                    if spell.benefit == DerivedStates.ressourceforloeb { qualifying = spell; break }
                    var day = max(span.start, month.first)
                    let last = min(span.end, month.last)
                    while day <= last {
                        if DerivedStates.category(h, on: day) == DerivedStates.aktivitetsparat { qualifying = spell; break }
                        day = day.adding(days: 1)
                    }
                    if qualifying != nil { break }
                }
                guard let spell = qualifying else { continue }
                let hours = h.paidHours.filter { $0.day == month.first }
                let education = h.educations.first { DerivedStates.interval($0).days(from: month.first, through: month.last) > 0 }
                let ok = !hours.isEmpty || education != nil
                c.add(spell.municipality, numerator: ok ? 1 : 0, denominator: 1, citizen: h.pseudonym,
                      seqs: [spell.startSeq] + hours.map(\.seq) + (education.map { [$0.startSeq] } ?? []),
                      reason: ok ? (hours.isEmpty ? "in SU education" : "paid hours registered") : "no paid hours")
            }
        }
    }

    /// M15, refugees in employment: refugees and family-reunified in a job at D.
    ///
    /// DOMAIN.md: "of refugees / family-reunified with arrival in a given year range, the share in a job
    /// (placement not ended, or flex job) on D".
    ///
    /// FORMAT.md section 10: refugees and family-reunified who had arrived by D (optionally
    /// `arrival=YYYY-YYYY`, by arrival year); in a job = a placement's employment or a flex job covers D;
    /// municipality of registration.
    func m15(_ d: Day, arrival: String?, _ c: inout Context) throws(MeasureError) {
        var range: ClosedRange<Int>?
        if let arrival {
            let parts = arrival.split(separator: "-").compactMap { Int($0) }
            guard parts.count == 2, parts[0] <= parts[1] else { throw MeasureError(message: "arrival expects YYYY-YYYY") }
            range = parts[0]...parts[1]
        }
        state.citizens.withUnsafeBufferPointer { citizens in
            for h in citizens where c.walks(h.pseudonym) && h.refugee {
                guard let a = h.arrival, a <= d else { continue }
                if let range, !range.contains(a.year) { continue }
                let job = DerivedStates.inJob(h, on: d)
                c.add(h.municipality, numerator: job ? 1 : 0, denominator: 1, citizen: h.pseudonym, seqs: [h.registrationSeq], reason: "arrived \(a)" + (job ? ", in a job" : ""))
            }
        }
    }
}
