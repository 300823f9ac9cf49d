// Education: an ordinary education with SU, which raises the citizen's highest completed
// education when it is completed.

internal import LedgerCore

extension CitizenSimulator {
    /// An ordinary education from `start`: about a third drop out within the first year, the rest
    /// complete it (which raises the citizen's highest completed education).
    mutating func education(start: Day) -> Continuation {
        guard start <= to else { return .stop }
        let level: StudyLevel =
            age(on: start) < 30 && education == .none
            ? rng.pick([(.youth, 0.55), (.vocational, 0.45)])
            : rng.pick([(.vocational, 0.55), (.higher, 0.45)])
        open(.educationStarted(level), on: start)
        let planned: Int
        switch level {
        case .youth: planned = rng.int(700...1_100)
        case .vocational: planned = rng.int(700...1_460)
        case .higher: planned = rng.int(1_095...1_825)
        }
        // About a third drop out within the first year (the seeds report 34 %), a few later.
        let reason: EducationEndReason
        let length: Int
        switch rng.unit() {
        case ..<0.34:
            reason = .droppedOut
            length = rng.int(30...364)
        case ..<0.39:
            reason = .droppedOut
            length = rng.int(365...planned)
        default:
            reason = .completed
            length = planned
        }
        let end = start.adding(days: length - 1)
        guard end <= to else { return .stop }
        close(.educationEnded(reason), on: end)
        if reason == .completed {
            switch level {
            case .youth: break
            case .vocational: if education == .none { education = .vocational }
            case .higher: education = .higher
            }
            return employed(from: end.adding(days: 1), days: 200...900)
        }
        return .next(.usual, on: end.adding(days: rng.int(14...120)))
    }
}
