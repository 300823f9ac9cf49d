// Sickness and what may follow it: sick-leave cases with sygedagpenge, flex jobs with
// ledighedsydelse, and the way to a disability pension.

internal import LedgerCore

extension CitizenSimulator {
    /// A sick-leave case from `start` with sygedagpenge (for employees after the employer's first
    /// three weeks), sometimes partial returns and activations; mostly a few weeks, some over 26 or
    /// 52 weeks. Long cases may lead to jobafklaringsforløb or disability pension unless
    /// `allowsTransitions` is false (the citizen keeps a job placement's employment).
    mutating func sickLeave(status: SickLeaveStatus, start: Day, allowsTransitions: Bool) -> Continuation {
        guard start <= to else { return .stop }
        open(.sickLeaveOpened(status), on: start)
        let length: Int
        let thresholds = profile.sickLeaveThresholds
        switch rng.unit() {
        case ..<thresholds[0]: length = rng.int(7...56)
        case ..<thresholds[1]: length = rng.int(57...182)
        case ..<thresholds[2]: length = rng.int(183...364)
        default: length = rng.int(365...800)
        }
        let last = start.adding(days: length - 1)
        // An employer pays the first weeks of an employee's sickness; the municipality after that.
        let benefitStart = afterGap(status == .employed ? start.adding(days: 21) : start, .sygedagpenge)
        let onBenefit = benefitStart <= last
        if onBenefit {
            open(.benefitStarted(.sygedagpenge, weeklyHours: 0), on: benefitStart)
        }
        if length > 42 && rng.chance(0.35) {
            var day = start.adding(days: rng.int(21...(length - 7)))
            var hours = rng.int(8...24)
            record(.sickLeavePartialReturn(weeklyHours: UInt8(hours)), on: day)
            day = day.adding(days: rng.int(14...60))
            if rng.chance(0.3) && day < last {
                hours = min(37, hours + rng.int(4...12))
                record(.sickLeavePartialReturn(weeklyHours: UInt8(hours)), on: day)
            }
        }
        if onBenefit && length > 90 && rng.chance(0.4) {
            activations(from: benefitStart, through: last, benefit: .sygedagpenge, assessments: [], rate: 0.5)
        }
        guard last <= to else { return .stop }

        let reason: SickLeaveCloseReason
        if length <= 364 || !allowsTransitions {
            reason = rng.pick([(.recovered, 0.85), (.other, 0.15)])
        } else {
            reason = rng.pick([(.jobafklaringsforloeb, 0.45), (.foertidspension, 0.12), (.recovered, 0.33), (.other, 0.10)])
        }
        close(.sickLeaveClosed(reason), on: last)
        if onBenefit {
            let benefitReason: BenefitEndReason
            switch reason {
            case .recovered: benefitReason = status == .employed ? .job : .otherBenefit
            case .jobafklaringsforloeb, .foertidspension: benefitReason = .otherBenefit
            case .other: benefitReason = .other
            }
            closeSpell(.sygedagpenge, reason: benefitReason, on: last)
        }
        let next = last.adding(days: 1)
        switch reason {
        case .jobafklaringsforloeb: return .next(.longTerm(.jobafklaringsforloeb), on: next)
        case .foertidspension: return .next(.disabilityPension, on: next)
        case .recovered where status == .unemployed: return .next(.unemployment(nil), on: next)
        case .recovered: return employed(from: last.adding(days: 1), days: 60...500)
        case .other: return afterOther(last)
        }
    }

    /// Approval for a flex job on `approved`, then rounds of ledighedsydelse and flex jobs: the flex
    /// job starts the day after the ledighedsydelse ends; when a flex job ends, ledighedsydelse
    /// follows again. A few go on to disability pension.
    mutating func flexJob(approved: Day) -> Continuation {
        guard approved <= to else { return .stop }
        record(.flexJobApproved, on: approved)
        var start = approved
        while true {
            start = afterGap(start, .ledighedsydelse)
            guard start <= to else { return .stop }
            open(.benefitStarted(.ledighedsydelse, weeklyHours: 0), on: start)
            let length: Int
            switch rng.unit() {
            case ..<profile.ledighedsydelseThresholds[0]: length = rng.int(30...180)
            case ..<profile.ledighedsydelseThresholds[1]: length = rng.int(181...548)
            default: length = rng.int(549...1_400)
            }
            let end = start.adding(days: length - 1)
            activations(from: start, through: end, benefit: .ledighedsydelse, assessments: [], rate: 0.3)
            guard end <= to else { return .stop }
            if rng.chance(0.1) {
                closeSpell(.ledighedsydelse, reason: .otherBenefit, on: end)
                return .next(.disabilityPension, on: end.adding(days: 1))
            }
            // The flex job starts the day after the ledighedsydelse ends.
            closeSpell(.ledighedsydelse, reason: .job, on: end)
            let flexStart = end.adding(days: 1)
            guard flexStart <= to else { return .stop }
            open(
                .flexJobStarted(employer: world.employer(in: municipalityIndex, rng: &rng), weeklyHours: UInt8(rng.int(10...30))),
                on: flexStart)
            let flexLength = rng.chance(0.4) ? rng.int(90...540) : rng.int(541...2_500)
            let flexEnd = flexStart.adding(days: flexLength - 1)
            guard flexEnd <= to else { return .stop }
            close(.flexJobEnded, on: flexEnd)
            start = flexEnd.adding(days: 1)
        }
    }

    /// A citizen on the way to a disability pension awarded on `award`: on a cash benefit from
    /// registration, assessed aktivitetsparat about quarterly, until the day before the award.
    mutating func pensionPipeline(award: Day) -> Continuation {
        let benefit = cashBenefit(on: registered)
        open(.benefitStarted(benefit, weeklyHours: 0), on: registered)
        let end = award.adding(days: -1)
        var day = registered.adding(days: rng.int(0...5))
        while day <= end && day <= to {
            record(.matchAssessed(.aktivitetsparat), on: day)
            day = day.adding(days: rng.int(80...110))
        }
        guard end <= to else { return .stop }
        closeSpell(benefit, reason: .otherBenefit, on: end)
        return .next(.disabilityPension, on: award)
    }

    /// Disability pension awarded on `day`, with førtidspension from that day: the end of the history.
    mutating func disabilityPension(on day: Day) -> Continuation {
        guard day <= to else { return .stop }
        record(.disabilityPensionAwarded, on: day)
        // Førtidspension is the last benefit: it never ends, and nothing more is simulated.
        open(.benefitStarted(.foertidspension, weeklyHours: 0), on: day)
        return .stop
    }
}
