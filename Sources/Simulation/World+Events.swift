internal import LedgerCore

extension World {
    /// Makes the events about no person that do not depend on the citizens: company registrations,
    /// visits and company surveys, job orders received, events held and reference figures. Records
    /// each job order's and company's recorded-at, which later events must follow.
    func makeEvents(into events: inout [SimulatedEvent], delays: RecordingDelays, rng: inout SplitMix64) {
        makeCompanyEvents(into: &events, delays: delays, rng: &rng)
        for index in orders.indices {
            let order = orders[index]
            let recordedAt = delays.recordedAt(effective: order.received, rng: &rng)
            orders[index].recordedAt = recordedAt
            events.append(
                SimulatedEvent(
                    recordedAt: recordedAt, effective: order.received, citizen: -1, municipality: code(order.municipalityIndex),
                    facts: .jobOrderReceived(order: Int32(index), employer: order.employer, positions: order.positions)))
        }
        guard options.citizens > 0 else { return }
        makeEventsHeld(into: &events, delays: delays, rng: &rng)
        makeReferenceFigures(into: &events, delays: delays, rng: &rng)
    }

    /// Records the filling of some orders that got no referral (the employer found someone else
    /// through the jobcenter's job bank): the job order is filled without a citizen. Call after the
    /// citizens, which make the referrals.
    func makeFillsWithoutReferral(into events: inout [SimulatedEvent], delays: RecordingDelays, rng: inout SplitMix64) {
        for index in orders.indices where orders[index].referrals == 0 && orders[index].filled == 0 {
            guard rng.chance(0.4) else { continue }
            let order = orders[index]
            let day = order.received.adding(days: rng.int(7...60))
            guard day <= options.to else { continue }
            let recordedAt = max(order.recordedAt, delays.recordedAt(effective: day, rng: &rng))
            let positions = Int16(rng.int(1...Int(order.positions)))
            orders[index].filled = positions
            events.append(
                SimulatedEvent(
                    recordedAt: recordedAt, effective: day, citizen: -1, municipality: code(order.municipalityIndex),
                    facts: .jobOrderFilled(order: Int32(index), positions: positions)))
        }
    }

    /// The municipality code of index `m`.
    func code(_ m: Int) -> Int16 { Int16(options.municipalities[m]) }

    private func makeCompanyEvents(into events: inout [SimulatedEvent], delays: RecordingDelays, rng: inout SplitMix64) {
        for index in companies.indices {
            let company = companies[index]
            let registeredAt = delays.recordedAt(effective: company.registered, rng: &rng)
            events.append(
                SimulatedEvent(
                    recordedAt: registeredAt, effective: company.registered, citizen: -1, municipality: code(company.municipalityIndex),
                    facts: .companyRegistered(company: Int32(index), employees: company.employees)))
            // Visits, year by year: workplaces with 5 or more employees are visited more often.
            var year = company.registered.year
            while let first = Day(year: year, month: 1, day: 1), first <= options.to {
                let start = max(first, company.registered)
                let end = min(Day(year: year, month: 12, day: 31)!, options.to)
                year += 1
                guard start <= end else { continue }
                let visits =
                    company.employees >= 5
                    ? rng.pick([(0, 0.15), (1, 0.30), (2, 0.35), (3, 0.15), (4, 0.05)])
                    : rng.pick([(0, 0.70), (1, 0.25), (2, 0.05)])
                for _ in 0..<visits {
                    let day = start.adding(days: rng.int(0...end.days(since: start)))
                    let visitedAt = max(registeredAt, delays.recordedAt(effective: day, rng: &rng))
                    events.append(
                        SimulatedEvent(
                            recordedAt: visitedAt, effective: day, citizen: -1, municipality: code(company.municipalityIndex),
                            facts: .companyVisited(company: Int32(index))))
                    // Some visited companies answer the satisfaction survey.
                    let answered = day.adding(days: rng.int(1...20))
                    if rng.chance(0.35), answered <= options.to {
                        events.append(
                            SimulatedEvent(
                                recordedAt: delays.recordedAt(effective: answered, rng: &rng), effective: answered, citizen: -1,
                                municipality: code(company.municipalityIndex),
                                facts: .surveyResponse(.company, satisfied: rng.chance(0.86))))
                    }
                }
            }
        }
    }

    private func makeEventsHeld(into events: inout [SimulatedEvent], delays: RecordingDelays, rng: inout SplitMix64) {
        let participants: [ClosedRange<Int>] = [80...220, 40...120, 150...400, 8...40]
        assert(participants.count == Names.events.count)
        for m in options.municipalities.indices {
            var month = options.from.firstOfMonth
            while month <= options.to {
                let civil = month.civil
                for (nameIndex, event) in Names.events.enumerated() where event.month == 0 || event.month == civil.month {
                    let start = max(month, options.from)
                    let end = min(month.lastOfMonth, options.to)
                    let day = start.adding(days: rng.int(0...end.days(since: start)))
                    events.append(
                        SimulatedEvent(
                            recordedAt: delays.later(than: Int64(day.ordinal) * RecordingDelays.dayMilliseconds, days: 0...10, rng: &rng),
                            effective: day, citizen: -1, municipality: code(m),
                            facts: .eventHeld(name: UInt8(nameIndex), participants: Int32(rng.int(participants[nameIndex])))))
                }
                month = month.lastOfMonth.adding(days: 1)
            }
        }
    }

    private func makeReferenceFigures(into events: inout [SimulatedEvent], delays: RecordingDelays, rng: inout SplitMix64) {
        let citizens = citizensByMunicipality
        for year in options.from.year...options.to.year {
            // The figure for a year is known at its end (or at the end of the simulation).
            let day = max(options.from, min(options.to, Day(year: year, month: 12, day: 31)!))
            let yearsIn = year - options.from.year
            for (figureIndex, figure) in ReferenceFigures.all.enumerated() {
                let scopes: [Int] = figure.perMunicipality ? Array(options.municipalities.indices) : [-1]
                for m in scopes {
                    let base = m >= 0 ? figure.baseTenths * citizens[m] : figure.baseTenths
                    let spread = m >= 0 ? figure.spreadTenths * citizens[m] : figure.spreadTenths
                    var tenths = max(1, base + figure.yearlyChangeTenths * yearsIn + rng.int(-spread...spread))
                    // Head counts are whole persons.
                    if figure.unit == "persons" { tenths = max(10, tenths / 10 * 10) }
                    events.append(
                        SimulatedEvent(
                            recordedAt: delays.later(than: Int64(day.ordinal) * RecordingDelays.dayMilliseconds, days: 5...40, rng: &rng),
                            effective: day, citizen: -1, municipality: m >= 0 ? code(m) : -1,
                            facts: .referenceFigure(figure: UInt8(figureIndex), year: Int16(year), tenths: Int32(tenths))))
                }
            }
        }
    }
}
