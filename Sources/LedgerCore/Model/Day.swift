/// A calendar day (Europe/Copenhagen civil date), stored as days since 1970-01-01.
///
/// Effective dates, period ends and evaluation dates are days; the ledger never
/// needs a time of day for them. Arithmetic is exact proleptic Gregorian.
public struct Day: Hashable, Comparable, Sendable, CustomStringConvertible {
    /// Days since 1970-01-01 (negative before it).
    public var ordinal: Int32

    /// Makes a day from its ordinal (days since 1970-01-01).
    public init(ordinal: Int32) { self.ordinal = ordinal }

    /// Makes a day from a year, month (1-12) and day of month (1-31); nil when that day does not exist.
    public init?(year: Int, month: Int, day: Int) {
        guard year >= 1800, year <= 9999, month >= 1, month <= 12, day >= 1,
              day <= Day.daysInMonth(year: year, month: month) else { return nil }
        self.ordinal = Int32(Day.daysFromCivil(year: year, month: month, day: day))
    }

    /// Parses `YYYY-MM-DD`; nil unless it is exactly that shape and a real calendar day.
    public init?(iso text: some StringProtocol) {
        var bytes = Array(text.utf8)
        guard let day = bytes.withUnsafeMutableBufferPointer({ Day(isoBytes: UnsafeRawBufferPointer($0)) }) else { return nil }
        self = day
    }

    /// Parses exactly 10 ASCII bytes `YYYY-MM-DD`; nil unless a real calendar day.
    public init?(isoBytes b: UnsafeRawBufferPointer) {
        guard b.count == 10, b[4] == UInt8(ascii: "-"), b[7] == UInt8(ascii: "-") else { return nil }
        guard let y = Day.digits(b, 0, 4), let m = Day.digits(b, 5, 2), let d = Day.digits(b, 8, 2) else { return nil }
        self.init(year: y, month: m, day: d)
    }

    @inline(__always)
    static func digits(_ b: UnsafeRawBufferPointer, _ start: Int, _ count: Int) -> Int? {
        var value = 0
        for i in start..<(start + count) {
            let c = b[i]
            guard c >= 48, c <= 57 else { return nil }
            value = value * 10 + Int(c - 48)
        }
        return value
    }

    /// Whether `year` is a Gregorian leap year.
    public static func isLeapYear(_ year: Int) -> Bool {
        (year % 4 == 0 && year % 100 != 0) || year % 400 == 0
    }

    /// Number of days in a month of a year.
    public static func daysInMonth(year: Int, month: Int) -> Int {
        switch month {
        case 2: return isLeapYear(year) ? 29 : 28
        case 4, 6, 9, 11: return 30
        default: return 31
        }
    }

    // Howard Hinnant's days_from_civil and civil_from_days.
    static func daysFromCivil(year: Int, month: Int, day: Int) -> Int {
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yoe = y - era * 400
        let mp = (month + 9) % 12
        let doy = (153 * mp + 2) / 5 + day - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        return era * 146097 + doe - 719468
    }

    /// The (year, month, day) of this day.
    public var civil: (year: Int, month: Int, day: Int) {
        let z = Int(ordinal) + 719468
        let era = (z >= 0 ? z : z - 146096) / 146097
        let doe = z - era * 146097
        let yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let d = doy - (153 * mp + 2) / 5 + 1
        let m = mp < 10 ? mp + 3 : mp - 9
        return (yoe + era * 400 + (m <= 2 ? 1 : 0), m, d)
    }

    /// The year of this day.
    public var year: Int { civil.year }

    /// `YYYY-MM-DD`.
    public var iso: String {
        let c = civil
        return Day.pad(c.year, 4) + "-" + Day.pad(c.month, 2) + "-" + Day.pad(c.day, 2)
    }

    /// `value` in decimal, left-padded with zeros to `width` digits.
    public static func pad(_ value: Int, _ width: Int) -> String {
        let s = String(value)
        return s.count >= width ? s : String(repeating: "0", count: width - s.count) + s
    }

    /// `YYYY-MM-DD`.
    public var description: String { iso }

    /// Orders days by date.
    public static func < (lhs: Day, rhs: Day) -> Bool { lhs.ordinal < rhs.ordinal }

    /// The day `count` days after this one (before it when negative).
    public func adding(days count: Int) -> Day { Day(ordinal: ordinal + Int32(count)) }

    /// Days from `other` to this day (positive when this day is later).
    public func days(since other: Day) -> Int { Int(ordinal - other.ordinal) }

    /// The same day of the month `count` months earlier (later when negative), or that month's
    /// last day when it has no such day (2014-12-31 minus 18 months is 2013-06-30).
    public func minusMonths(_ count: Int) -> Day {
        let c = civil
        let total = c.year * 12 + (c.month - 1) - count
        let y = total / 12
        let m = total % 12 + 1
        let d = min(c.day, Day.daysInMonth(year: y, month: m))
        return Day(year: y, month: m, day: d)!
    }

    /// Day of the week, 1 = Monday ... 7 = Sunday (ISO 8601).
    public var weekday: Int {
        // 1970-01-01 was a Thursday (4).
        let w = (Int(ordinal) % 7 + 7 + 3) % 7  // 0 = Monday
        return w + 1
    }

    /// The first day of this day's month.
    public var firstOfMonth: Day { let c = civil; return Day(year: c.year, month: c.month, day: 1)! }

    /// The last day of this day's month.
    public var lastOfMonth: Day {
        let c = civil
        return Day(year: c.year, month: c.month, day: Day.daysInMonth(year: c.year, month: c.month))!
    }
}

/// An instant, in milliseconds since 1970-01-01T00:00:00Z (UTC): the ledger's recorded-at time.
public struct Timestamp: Hashable, Comparable, Sendable, CustomStringConvertible {
    /// Milliseconds since the Unix epoch, UTC.
    public var milliseconds: Int64

    /// Makes an instant from milliseconds since the epoch.
    public init(milliseconds: Int64) { self.milliseconds = milliseconds }

    /// Orders instants in time.
    public static func < (lhs: Timestamp, rhs: Timestamp) -> Bool { lhs.milliseconds < rhs.milliseconds }

    /// Parses the canonical form `YYYY-MM-DDTHH:MM:SS.mmmZ`, and as input also
    /// `YYYY-MM-DDTHH:MM:SSZ` and a bare `YYYY-MM-DD` (the start of that day, UTC).
    public init?(iso text: some StringProtocol) {
        var bytes = Array(text.utf8)
        guard let t = bytes.withUnsafeMutableBufferPointer({ Timestamp(isoBytes: UnsafeRawBufferPointer($0), canonicalOnly: false) }) else { return nil }
        self = t
    }

    /// Parses ASCII bytes; with `canonicalOnly` only the 24-byte canonical form is accepted.
    public init?(isoBytes b: UnsafeRawBufferPointer, canonicalOnly: Bool) {
        guard b.count >= 10, let day = Day(isoBytes: UnsafeRawBufferPointer(rebasing: b[0..<10])) else { return nil }
        var ms = Int64(day.ordinal) * 86_400_000
        if b.count == 10 {
            guard !canonicalOnly else { return nil }
            self.milliseconds = ms
            return
        }
        guard b.count == 20 || b.count == 24, b[10] == UInt8(ascii: "T"), b[13] == UInt8(ascii: ":"),
              b[16] == UInt8(ascii: ":"), b[b.count - 1] == UInt8(ascii: "Z") else { return nil }
        guard let h = Day.digits(b, 11, 2), let mi = Day.digits(b, 14, 2), let s = Day.digits(b, 17, 2),
              h < 24, mi < 60, s < 60 else { return nil }
        var fraction = 0
        if b.count == 24 {
            guard b[19] == UInt8(ascii: "."), let f = Day.digits(b, 20, 3) else { return nil }
            fraction = f
        } else {
            guard !canonicalOnly else { return nil }
        }
        ms += Int64(h) * 3_600_000 + Int64(mi) * 60_000 + Int64(s) * 1000 + Int64(fraction)
        self.milliseconds = ms
    }

    /// The day (UTC) of this instant.
    public var utcDay: Day {
        Day(ordinal: Int32((milliseconds >= 0 ? milliseconds : milliseconds - 86_399_999) / 86_400_000))
    }

    /// Canonical `YYYY-MM-DDTHH:MM:SS.mmmZ` (24 characters, UTC).
    public var iso: String {
        let day = utcDay
        let rest = Int(milliseconds - Int64(day.ordinal) * 86_400_000)
        let h = rest / 3_600_000, mi = rest / 60_000 % 60, s = rest / 1000 % 60, f = rest % 1000
        return day.iso + "T" + Day.pad(h, 2) + ":" + Day.pad(mi, 2) + ":" + Day.pad(s, 2) + "." + Day.pad(f, 3) + "Z"
    }

    /// Canonical `YYYY-MM-DDTHH:MM:SS.mmmZ`.
    public var description: String { iso }
}
