// Activations during a spell (virksomhedspraktik, løntilskud, nytteindsats, mentor, ...).

internal import LedgerCore

extension CitizenSimulator {
    /// Activations during a spell from `start` through `end` (which may lie after `to`): one after
    /// another, each ending within the spell mostly.
    mutating func activations(
        from start: Day, through end: Day, benefit: Benefit,
        assessments: [(day: Day, category: MatchCategory)], rate: Double
    ) {
        var day = start.adding(days: rng.int(14...90))
        while day <= end && day <= to {
            guard rng.chance(rate) else {
                day = day.adding(days: rng.int(30...90))
                continue
            }
            let kind = activationKind(benefit: benefit, category: CitizenSimulator.category(on: day, in: assessments))
            var last = day.adding(days: rng.int(kind.lengthDays) - 1)
            if last > end { last = rng.chance(0.85) ? end : end.adding(days: rng.int(1...30)) }
            let activity = world.newActivity()
            let provider: Int16 = rng.chance(0.45) ? Int16(rng.below(Names.providers.count)) : -1
            let employer: Int32 = kind.hasEmployer ? world.partner(in: municipalityIndex, rng: &rng) : -1
            let minutes = Int16(rng.int(kind.weeklyMinutes) / 15 * 15)
            open(.activationStarted(activity: activity, kind: kind, provider: provider, employer: employer, weeklyMinutes: minutes), on: day)
            close(.activationEnded(activity: activity), on: last)
            // Citizens far from the labour market often have a mentor alongside (mentorstøtte).
            if kind != .mentor && CitizenSimulator.category(on: day, in: assessments) == .aktivitetsparat && rng.chance(0.3) {
                let mentor = world.newActivity()
                open(
                    .activationStarted(
                        activity: mentor, kind: .mentor, provider: rng.chance(0.6) ? Int16(rng.below(Names.providers.count)) : -1,
                        employer: -1, weeklyMinutes: Int16(rng.int(ActivationKind.mentor.weeklyMinutes) / 15 * 15)), on: day)
                close(.activationEnded(activity: mentor), on: last)
            }
            day = last.adding(days: rng.int(14...60))
        }
    }

    /// An activation kind fitting the benefit and match category.
    mutating func activationKind(benefit: Benefit, category: MatchCategory?) -> ActivationKind {
        let weights: [(ActivationKind, Double)]
        switch (benefit, category) {
        case (.sygedagpenge, _):
            weights = [(.vejledningOpkvalificering, 40), (.mentor, 30), (.virksomhedspraktik, 30)]
        case (.ledighedsydelse, _):
            weights = [(.virksomhedspraktik, 60), (.vejledningOpkvalificering, 20), (.mentor, 20)]
        case (.ressourceforloeb, _), (.jobafklaringsforloeb, _), (.revalidering, _):
            weights = [
                (.virksomhedspraktik, 30), (.mentor, 35), (.vejledningOpkvalificering, 30), (.loentilskudOffentlig, 3), (.loentilskudPrivat, 2),
            ]
        case (.aDagpenge, _), (_, .jobparat?), (_, .aabenlystUddannelsesparat?):
            weights = [
                (.virksomhedspraktik, 20), (.loentilskudPrivat, 8), (.loentilskudOffentlig, 6), (.nytteindsats, 5),
                (.vejledningOpkvalificering, 40), (.mentor, 5), (.jobrotation, 8), (.voksenlaerling, 8),
            ]
        default:
            weights = [
                (.virksomhedspraktik, 20), (.loentilskudPrivat, 3), (.loentilskudOffentlig, 4), (.nytteindsats, 10),
                (.vejledningOpkvalificering, 32), (.mentor, 28), (.jobrotation, 1), (.voksenlaerling, 2),
            ]
        }
        return rng.pick(weights)
    }
}
