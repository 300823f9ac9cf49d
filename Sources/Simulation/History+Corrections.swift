internal import LedgerCore

extension History {
    /// The corrections the simulation makes: only kinds the validator always accepts.
    enum CorrectionKind: CaseIterable {
        /// A paid-hours registration entered twice; the duplicate is retracted.
        case duplicatePaidHours
        /// A survey response or company visit created in error, retracted.
        case retractSurveyOrVisit
        /// A job placement created in error, retracted while its employment is still open and the
        /// citizen's latest (so that the period it opened can be undone).
        case retractOpenPlacement
        /// A job placement recorded with the wrong channel, superseded with the other one.
        case supersedeChannel
        /// A match assessment recorded with the wrong category, superseded.
        case supersedeCategory

        /// How often each kind is chosen, relative to the others.
        var weight: Double {
            switch self {
            case .duplicatePaidHours: return 0.30
            case .retractSurveyOrVisit: return 0.20
            case .retractOpenPlacement: return 0.15
            case .supersedeChannel: return 0.25
            case .supersedeCategory: return 0.10
            }
        }
    }

    /// Adds about `correctionShare` of the events as corrections, each recorded after the event it
    /// names. The first corrections take one of each kind, so that small histories show every kind.
    mutating func makeCorrections() {
        let count = Int((Double(events.count) * History.correctionShare).rounded())
        guard count > 0 else { return }
        let kinds = CorrectionKind.allCases
        var used = Set<Int32>()
        // A stream of its own: `appendCorrection` mutates the history while drawing from it.
        var random = SplitMix64(seed: rng.next())
        for number in 0..<count {
            let kind = number < kinds.count ? kinds[number] : kinds[random.weighted(kinds.map(\.weight))]
            guard let target = pick(from: candidateList(kind), used: &used, rng: &random) else { continue }
            let original = events[Int(target)]
            switch kind {
            case .duplicatePaidHours:
                var duplicate = original
                duplicate.recordedAt = min(delays.capMilliseconds, original.recordedAt + Int64(random.int(60...7_200)) * 1_000)
                events.append(duplicate)
                let duplicateID = Int32(events.count - 1)
                appendCorrection(of: duplicate, facts: .retraction(target: duplicateID, reason: .duplicate), days: 1...14, rng: &random)
            case .retractSurveyOrVisit, .retractOpenPlacement:
                appendCorrection(of: original, facts: .retraction(target: target, reason: .fejloprettet), days: 1...30, rng: &random)
            case .supersedeChannel:
                guard case .jobPlacement(let channel, _, _) = original.facts else { preconditionFailure("a placement") }
                let other: PlacementChannel = channel == .employerRequest ? .other : .employerRequest
                appendCorrection(of: original, facts: .channelSuperseded(target: target, channel: other), days: 1...30, rng: &random)
            case .supersedeCategory:
                guard case .matchAssessed(let category) = original.facts else { preconditionFailure("an assessment") }
                let other: MatchCategory
                switch category {
                case .jobparat: other = .aktivitetsparat
                case .aktivitetsparat: preconditionFailure("aktivitetsparat assessments are not candidates")
                case .aabenlystUddannelsesparat: other = .uddannelsesparat
                case .uddannelsesparat: other = .aabenlystUddannelsesparat
                }
                appendCorrection(of: original, facts: .categorySuperseded(target: target, category: other), days: 1...30, rng: &random)
            }
        }
    }

    private func candidateList(_ kind: CorrectionKind) -> [Int32] {
        switch kind {
        case .duplicatePaidHours: return candidates.paidHours
        case .retractSurveyOrVisit: return candidates.surveysAndVisits
        case .retractOpenPlacement: return candidates.openPlacements
        case .supersedeChannel: return candidates.placementsWithoutOrder
        case .supersedeCategory: return candidates.matchAssessments
        }
    }

    /// A random element of `list` not used before (a few tries), marked as used; nil if none was found.
    private func pick(from list: [Int32], used: inout Set<Int32>, rng: inout SplitMix64) -> Int32? {
        guard !list.isEmpty else { return nil }
        for _ in 0..<8 {
            let candidate = list[rng.below(list.count)]
            if used.insert(candidate).inserted { return candidate }
        }
        return nil
    }

    /// Appends a correction of `original`, recorded `days` after it (within the cap). A correction
    /// names no municipality, citizen or effective date: the validator takes the original's.
    private mutating func appendCorrection(of original: SimulatedEvent, facts: Facts, days: ClosedRange<Int>, rng: inout SplitMix64) {
        let time = min(delays.capMilliseconds, delays.later(than: original.recordedAt, days: days, rng: &rng))
        assert(time >= original.recordedAt, "a correction is recorded after its original")
        events.append(SimulatedEvent(recordedAt: time, effective: original.effective, citizen: -1, municipality: -1, facts: facts))
    }
}
