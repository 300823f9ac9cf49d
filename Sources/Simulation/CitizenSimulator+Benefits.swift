// The benefit spells of a citizen's life course: unemployment on a-dagpenge or a cash benefit,
// and the long spells of ressourceforløb, jobafklaringsforløb and revalidering.

internal import LedgerCore

extension CitizenSimulator {
    /// A spell of unemployment on `benefit`: match assessments for the cash benefits (the first
    /// within five days, then about quarterly), activations, referrals to job orders and paid hours
    /// from small jobs; most spells end within three months, a few run for years. The end reason
    /// decides what follows: a job (maybe a placement), an education, another benefit, a move.
    mutating func unemploymentSpell(_ benefit: Benefit, start: Day) -> Continuation {
        let start = afterGap(start, benefit)
        guard start <= to else { return .stop }
        let weeklyHours = benefit == .aDagpenge && rng.chance(0.05) ? UInt8(rng.int(15...30)) : 0
        open(.benefitStarted(benefit, weeklyHours: weeklyHours), on: start)

        var category: MatchCategory?
        if benefit.isAssessed {
            category = track == .complex ? .aktivitetsparat : firstCategory(youth: benefit == .uddannelseshjaelp)
        }
        let shortShare: Double
        switch category {
        case nil: shortShare = 0.62
        case .jobparat?, .aabenlystUddannelsesparat?: shortShare = 0.55
        case .uddannelsesparat?: shortShare = 0.45
        case .aktivitetsparat?: shortShare = 0.30
        }
        var length = spellLength(shortShare: shortShare - profile.shortSpellShareShift)
        // A-dagpenge run out after two years; the citizen then applies for a cash benefit.
        let exhausted = benefit == .aDagpenge && length > 730
        if exhausted { length = 730 }
        let end = start.adding(days: length - 1)

        var assessments: [(day: Day, category: MatchCategory)] = []
        if var current = category {
            var day = min(end, start.adding(days: rng.int(0...5)))
            assessments.append((day, current))
            record(.matchAssessed(current), on: day)
            day = day.adding(days: rng.int(80...110))
            while day <= end && day <= to {
                if rng.chance(0.9) {
                    if rng.chance(0.2) { current = otherCategory(than: current, youth: benefit == .uddannelseshjaelp) }
                    assessments.append((day, current))
                    record(.matchAssessed(current), on: day)
                }
                day = day.adding(days: rng.int(80...110))
            }
        }
        activations(from: start, through: end, benefit: benefit, assessments: assessments, rate: benefit == .aDagpenge ? 0.4 : 0.6)
        referrals(from: start, through: end, benefit: benefit, assessments: assessments)
        if takesSmallJobs {
            paidHours(from: start, through: end, probability: 0.6, hours: benefit == .aDagpenge ? 20...100 : 4...60)
        }
        guard end <= to else { return .stop }

        let finalCategory = assessments.last?.category
        let young = age(on: end) < 30
        let reason: BenefitEndReason
        if exhausted {
            reason = .otherBenefit
        } else {
            switch (benefit, finalCategory) {
            case (.aDagpenge, _):
                reason = rng.pick([(.job, 0.62), (.education, young ? 0.10 : 0.03), (.otherBenefit, 0.08), (.moved, 0.04), (.other, 0.16)])
            case (.uddannelseshjaelp, _):
                reason = rng.pick([(.education, 0.35), (.job, 0.28), (.otherBenefit, 0.10), (.moved, 0.05), (.other, 0.22)])
            case (_, .aktivitetsparat?), (_, .uddannelsesparat?):
                reason = rng.pick([
                    (.job, 0.15), (.education, young ? 0.10 : 0.01), (.otherBenefit, track == .complex ? 0.6 : 0.35),
                    (.moved, 0.05), (.other, 0.25),
                ])
            default:
                reason = rng.pick([(.job, 0.40), (.education, young ? 0.12 : 0.02), (.otherBenefit, 0.12), (.moved, 0.05), (.other, 0.25)])
            }
        }
        closeSpell(benefit, reason: reason, on: end)
        let next = end.adding(days: 1)
        switch reason {
        case .job:
            return afterJob(from: next, spellStart: start, placementChance: benefit == .aDagpenge ? 0.6 : 0.5)
        case .education:
            return .next(.education, on: next)
        case .otherBenefit:
            if exhausted { return .next(.unemployment(cashBenefit(on: next)), on: next) }
            if benefit == .aDagpenge { return .next(.sickLeave(.unemployed), on: next) }
            if finalCategory == .aktivitetsparat || finalCategory == .uddannelsesparat {
                let longTerm: Benefit = rng.pick([(.ressourceforloeb, 0.55), (.jobafklaringsforloeb, 0.25), (.revalidering, 0.20)])
                return .next(.longTerm(longTerm), on: next)
            }
            return .next(.sickLeave(.unemployed), on: next)
        case .moved:
            return .stop
        case .other:
            return afterOther(end)
        }
    }

    /// A long spell of ressourceforløb, jobafklaringsforløb or revalidering, aktivitetsparat, with
    /// activations; it leads to a flex job, disability pension, a cash benefit, a job or an education.
    mutating func longTermSpell(_ benefit: Benefit, start: Day) -> Continuation {
        assert(benefit == .ressourceforloeb || benefit == .jobafklaringsforloeb || benefit == .revalidering)
        let start = afterGap(start, benefit)
        guard start <= to else { return .stop }
        open(.benefitStarted(benefit, weeklyHours: 0), on: start)
        let length: Int
        switch benefit {
        case .ressourceforloeb: length = rng.int(365...1_825)
        case .jobafklaringsforloeb: length = rng.int(120...730)
        default: length = rng.int(180...900)
        }
        let end = start.adding(days: length - 1)
        var assessments: [(day: Day, category: MatchCategory)] = []
        if benefit != .revalidering {
            // Assessed aktivitetsparat at the start, and again at the quarterly follow-ups.
            var day = start.adding(days: rng.int(0...10))
            while day <= end && day <= to {
                assessments.append((day, .aktivitetsparat))
                record(.matchAssessed(.aktivitetsparat), on: day)
                day = day.adding(days: rng.int(80...110))
                while rng.chance(0.3) { day = day.adding(days: rng.int(80...110)) }
            }
        }
        activations(from: start, through: end, benefit: benefit, assessments: assessments, rate: 0.5)
        if takesSmallJobs { paidHours(from: start, through: end, probability: 0.4, hours: 4...40) }
        guard end <= to else { return .stop }

        let next = end.adding(days: 1)
        if benefit == .revalidering {
            let reason: BenefitEndReason = rng.pick([(.job, 0.45), (.education, 0.30), (.other, 0.25)])
            closeSpell(benefit, reason: reason, on: end)
            switch reason {
            case .job: return afterJob(from: next, spellStart: start, placementChance: 0.5)
            case .education: return .next(.education, on: next)
            default: return afterOther(end)
            }
        }
        switch rng.weighted([0.45, profile.longTermPensionWeight, 0.25, 0.15]) {
        case 0:
            closeSpell(benefit, reason: .otherBenefit, on: end)
            return .next(.flexJob, on: next)
        case 1:
            closeSpell(benefit, reason: .otherBenefit, on: end)
            return .next(.disabilityPension, on: next)
        case 2:
            closeSpell(benefit, reason: .otherBenefit, on: end)
            return .next(.unemployment(cashBenefit(on: next)), on: next)
        default:
            closeSpell(benefit, reason: .other, on: end)
            return afterOther(end)
        }
    }
}
