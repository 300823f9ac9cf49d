/// A closed range of days `[first, last]`, both included: a year, quarter, month or explicit range.
public struct Period: Hashable, Sendable, CustomStringConvertible {
    /// The first day, included.
    public var first: Day
    /// The last day, included.
    public var last: Day
    /// How the period was written (`2014`, `2014-03`, `2014Q1`, `2014-01-01/2014-06-30`).
    public var text: String

    /// Makes a period from its ends.
    public init(first: Day, last: Day, text: String? = nil) {
        precondition(first <= last, "a period ends on or after its first day")
        self.first = first
        self.last = last
        self.text = text ?? "\(first.iso)/\(last.iso)"
    }

    /// Parses `YYYY`, `YYYY-MM`, `YYYYQn` or `YYYY-MM-DD/YYYY-MM-DD`; nil otherwise.
    public init?(text: String) {
        let bytes = Array(text.utf8)
        func number(_ range: Range<Int>) -> Int? {
            var v = 0
            for i in range { guard bytes[i] >= 48, bytes[i] <= 57 else { return nil }; v = v * 10 + Int(bytes[i] - 48) }
            return v
        }
        switch bytes.count {
        case 4:
            guard let y = number(0..<4), let a = Day(year: y, month: 1, day: 1), let b = Day(year: y, month: 12, day: 31) else { return nil }
            self.init(first: a, last: b, text: text)
        case 6:
            guard let y = number(0..<4), bytes[4] == UInt8(ascii: "Q") || bytes[4] == UInt8(ascii: "q"), let q = number(5..<6), q >= 1, q <= 4,
                  let a = Day(year: y, month: q * 3 - 2, day: 1) else { return nil }
            let b = Day(year: y, month: q * 3, day: 1)!.lastOfMonth
            self.init(first: a, last: b, text: text)
        case 7:
            guard let y = number(0..<4), bytes[4] == UInt8(ascii: "-"), let m = number(5..<7), let a = Day(year: y, month: m, day: 1) else { return nil }
            self.init(first: a, last: a.lastOfMonth, text: text)
        case 21:
            guard bytes[10] == UInt8(ascii: "/"), let a = Day(iso: text.prefix(10)), let b = Day(iso: text.suffix(10)), a <= b else { return nil }
            self.init(first: a, last: b, text: text)
        default:
            return nil
        }
    }

    /// Whether `day` lies in the period.
    public func contains(_ day: Day) -> Bool { day >= first && day <= last }

    /// Number of days, both ends included.
    public var dayCount: Int { last.days(since: first) + 1 }

    /// The period as written.
    public var description: String { text }
}
