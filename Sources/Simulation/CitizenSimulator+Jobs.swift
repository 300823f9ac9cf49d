// Work: jobs found alone, job placements the jobcenter helped with (job orders, referrals,
// fills) and the paid hours that wages show as.

internal import LedgerCore

extension CitizenSimulator {
    /// The citizen works (a job found without the jobcenter, the old job after sickness, a job after
    /// an education) from `start` for a number of days in `days`; the wages show up as paid hours.
    /// Then the track's usual episode follows.
    mutating func employed(from start: Day, days: ClosedRange<Int>) -> Continuation {
        let next = start.adding(days: rng.int(days))
        paidHours(from: start, through: next.adding(days: -1), probability: 0.9, hours: 100...160)
        return .next(.usual, on: next)
    }

    /// After a spell ends for another reason on `last`: most citizens work for a while (paid
    /// hours show), the others are out of the jobcenter's sight; then the usual episode follows.
    /// Citizens on cash benefits mostly come back within weeks.
    mutating func afterOther(_ last: Day) -> Continuation {
        if track == .cash || track == .complex {
            if rng.chance(0.6) { return .next(.usual, on: last.adding(days: rng.int(7...60))) }
            return employed(from: last.adding(days: 1), days: 30...240)
        }
        if rng.chance(0.6) { return employed(from: last.adding(days: 1), days: 30...240) }
        return .next(.usual, on: last.adding(days: rng.int(30...240)))
    }

    /// After a spell ends because the citizen got a job: a placement the jobcenter helped with
    /// (with probability `placementChance`) or a job found alone.
    mutating func afterJob(from day: Day, spellStart: Day, placementChance: Double) -> Continuation {
        guard rng.chance(placementChance) else {
            return employed(from: day, days: 30...540)
        }
        switch placement(on: day, spellStart: spellStart) {
        case .ended(let last):
            return .next(.usual, on: last.adding(days: rng.int(1...60)))
        case .open(let start):
            // Employed to the end; some fall sick on the way.
            let sickDay = start.adding(days: rng.int(30...700))
            if rng.chance(0.15) && sickDay <= to {
                _ = sickLeave(status: .employed, start: sickDay, allowsTransitions: false)
            }
            return .stop
        case .notRecorded:
            return .stop
        }
    }

    /// What became of a placement's employment.
    enum EmploymentOutcome {
        /// It ended on this day.
        case ended(Day)
        /// It started on this day and was still open on `to`.
        case open(Day)
        /// It would start after `to`.
        case notRecorded
    }

    /// A job placement from `day` (or later, after the last placement's employment): about 40 % by
    /// employer request, filling a job order the citizen was referred to when one is open; the
    /// wages show as paid hours; some employments end within the simulation.
    mutating func placement(on day: Day, spellStart: Day) -> EmploymentOutcome {
        var start = day
        if let last = lastEmploymentEnd { start = max(start, last.adding(days: 2)) }
        guard start <= to else { return .notRecorded }
        let channel: PlacementChannel = rng.chance(profile.employerRequestShare(in: start.civil.year)) ? .employerRequest : .other
        var order: Int32 = -1
        var employer: Int32 = -1
        if channel == .employerRequest {
            let window = start.adding(days: -60)...start.adding(days: -1)
            if let found = world.findOrder(in: municipalityIndex, received: window, needsOpenPosition: true, rng: &rng) {
                order = found
                employer = world.orders[Int(found)].employer
                // The citizen was referred to the order before being hired.
                let earliest = max(world.orders[Int(found)].received, spellStart, registered)
                if earliest < start {
                    record(.jobOrderReferral(order: found), on: earliest.adding(days: rng.int(0...(start.days(since: earliest) - 1))))
                    world.orders[Int(found)].referrals += 1
                }
            } else {
                employer = world.employer(in: municipalityIndex, rng: &rng)
            }
        } else if rng.chance(0.7) {
            employer = world.employer(in: municipalityIndex, rng: &rng)
        }
        open(.jobPlacement(channel: channel, employer: employer, order: order), on: start)
        if order >= 0 {
            record(.jobOrderFilled(order: order, positions: 1), on: start)
            world.orders[Int(order)].filled += 1
        }
        let length: Int
        switch rng.unit() {
        case ..<0.30: length = rng.int(30...180)
        case ..<0.55: length = rng.int(181...540)
        default: length = rng.int(541...2_500)
        }
        let last = start.adding(days: length - 1)
        // The wages show up as paid hours, month by month (the jobcenter follows up on placements).
        paidHours(from: start, through: last, probability: 0.9, hours: 60...160)
        guard last <= to else {
            employmentOpen = true
            return .open(start)
        }
        close(.employmentEnded, on: last)
        lastEmploymentEnd = last
        return .ended(last)
    }

    /// Referrals to job orders for job-ready citizens, every few weeks now and then.
    mutating func referrals(
        from start: Day, through end: Day, benefit: Benefit,
        assessments: [(day: Day, category: MatchCategory)]
    ) {
        var day = start.adding(days: rng.int(7...40))
        while day <= end && day <= to {
            let category = CitizenSimulator.category(on: day, in: assessments)
            let jobReady = benefit == .aDagpenge || category == .jobparat || category == .aabenlystUddannelsesparat
            if jobReady && rng.chance(0.2),
                let order = world.findOrder(in: municipalityIndex, received: day.adding(days: -30)...day, needsOpenPosition: false, rng: &rng)
            {
                record(.jobOrderReferral(order: order), on: day)
                world.orders[Int(order)].referrals += 1
            }
            day = day.adding(days: rng.int(10...30))
        }
    }

    /// Paid hours registered for months from `start`'s through `end`'s, each with `probability`,
    /// effective on the month's last day.
    mutating func paidHours(from start: Day, through end: Day, probability: Double, hours: ClosedRange<Int>) {
        var month = start.firstOfMonth
        while month <= end {
            let last = month.lastOfMonth
            guard last <= to else { return }
            let civil = month.civil
            let monthNumber = Int32(civil.year * 12 + civil.month - 1)
            if monthNumber > lastPaidMonth && rng.chance(probability) {
                record(.paidHoursRegistered(month: monthNumber, hours: Int16(rng.int(hours))), on: last)
                lastPaidMonth = monthNumber
            }
            month = last.adding(days: 1)
        }
    }
}
