internal import LedgerCore

/// Turns effective dates into recorded-at times the way a jobcenter registers events: about 70 %
/// the same day or within two days, the rest days or weeks late (late registration), always during
/// office hours, never before the effective day and never after the cap.
struct RecordingDelays {
    /// Milliseconds in a day.
    static let dayMilliseconds: Int64 = 86_400_000
    /// The first office hour recorded, UTC.
    static let officeStartHour: Int64 = 7
    /// Office hours in a day.
    static let officeHours: Int64 = 10

    /// The latest recorded-at of any line: the start of `to` + 90 days minus one hour.
    let capMilliseconds: Int64

    /// Delays for a simulation ending on `to`.
    init(to: Day) {
        capMilliseconds = Int64(to.adding(days: 90).ordinal) * RecordingDelays.dayMilliseconds - 3_600_000
    }

    /// A recorded-at time for an event effective on `day`, at or after that day's start.
    func recordedAt(effective day: Day, rng: inout SplitMix64) -> Int64 {
        let u = rng.unit()
        let delayDays: Int
        switch u {
        case ..<0.50: delayDays = 0
        case ..<0.67: delayDays = 1
        case ..<0.74: delayDays = 2
        case ..<0.92: delayDays = rng.int(3...14)
        case ..<0.985: delayDays = rng.int(15...45)
        default: delayDays = rng.int(46...120)
        }
        return atOfficeHours(day.adding(days: delayDays), rng: &rng)
    }

    /// A time `days` after `time` (at office hours of that day, and not before `time`), within the cap.
    func later(than time: Int64, days: ClosedRange<Int>, rng: inout SplitMix64) -> Int64 {
        let day = Day(ordinal: Int32(time / RecordingDelays.dayMilliseconds)).adding(days: rng.int(days))
        return max(time, atOfficeHours(day, rng: &rng))
    }

    /// A random office-hours instant of `day` (whole seconds), within the cap.
    func atOfficeHours(_ day: Day, rng: inout SplitMix64) -> Int64 {
        let seconds = Int64(rng.below(Int(RecordingDelays.officeHours * 3600)))
        let time =
            Int64(day.ordinal) * RecordingDelays.dayMilliseconds
            + RecordingDelays.officeStartHour * 3_600_000 + seconds * 1000
        return min(time, capMilliseconds)
    }
}
