// Calendar days, month arithmetic, weekdays, instants and periods.

import Testing

@testable import LedgerCore

@Suite struct DayTests {
    /// A date text and whether it is a real calendar day.
    struct ParseCase: Sendable, CustomTestStringConvertible {
        let text: String
        let valid: Bool
        var testDescription: String { "\(text) \(valid ? "accepted" : "rejected")" }
    }

    static let parseCases: [ParseCase] = [
        ParseCase(text: "2014-02-29", valid: false),  // 2014 is not a leap year
        ParseCase(text: "2016-02-29", valid: true),  // 2016 is
        ParseCase(text: "1900-02-29", valid: false),  // a century that is not a leap year
        ParseCase(text: "2000-02-29", valid: true),  // a century that is
        ParseCase(text: "2014-13-01", valid: false),
        ParseCase(text: "2014-00-10", valid: false),
        ParseCase(text: "2014-04-31", valid: false),  // April has 30 days
        ParseCase(text: "2014-04-30", valid: true),
        ParseCase(text: "2014-01-00", valid: false),
        ParseCase(text: "2014-12-32", valid: false),
        ParseCase(text: "2014-1-01", valid: false),
        ParseCase(text: "2014/01/01", valid: false),
        ParseCase(text: " 2014-01-01", valid: false),
        ParseCase(text: "2014-01-01 ", valid: false),
        ParseCase(text: "2014-01-0a", valid: false),
        ParseCase(text: "+014-01-01", valid: false),
        ParseCase(text: "1799-12-31", valid: false),  // before the supported range
        ParseCase(text: "1800-01-01", valid: true),
        ParseCase(text: "9999-12-31", valid: true),
        ParseCase(text: "", valid: false),
    ]

    @Test("parsing real and impossible dates", arguments: parseCases)
    func parsing(_ c: ParseCase) {
        let day = Day(iso: c.text)
        #expect((day != nil) == c.valid)
        if let day { #expect(day.iso == c.text) }
    }

    /// A day minus a number of months, and the expected day.
    struct MonthsCase: Sendable, CustomTestStringConvertible {
        let from: String
        let months: Int
        let expected: String
        var testDescription: String { "\(from) minus \(months) months is \(expected)" }
    }

    static let monthsCases: [MonthsCase] = [
        MonthsCase(from: "2014-12-31", months: 18, expected: "2013-06-30"),  // DOMAIN.md's example
        MonthsCase(from: "2014-03-31", months: 1, expected: "2014-02-28"),
        MonthsCase(from: "2016-03-31", months: 1, expected: "2016-02-29"),
        MonthsCase(from: "2014-03-15", months: 1, expected: "2014-02-15"),
        MonthsCase(from: "2014-01-31", months: 1, expected: "2013-12-31"),  // across a year end
        MonthsCase(from: "2014-01-15", months: 12, expected: "2013-01-15"),
        MonthsCase(from: "2014-01-15", months: 13, expected: "2012-12-15"),
        MonthsCase(from: "2016-02-29", months: 12, expected: "2015-02-28"),
        MonthsCase(from: "2016-02-29", months: 48, expected: "2012-02-29"),
        MonthsCase(from: "2014-05-31", months: 0, expected: "2014-05-31"),
        MonthsCase(from: "2013-06-30", months: -18, expected: "2014-12-30"),  // negative: later
        MonthsCase(from: "2014-01-31", months: -1, expected: "2014-02-28"),
    ]

    @Test("minus months keeps the day or takes the month's last day", arguments: monthsCases)
    func minusMonths(_ c: MonthsCase) throws {
        let day = try #require(Day(iso: c.from))
        #expect(day.minusMonths(c.months).iso == c.expected)
    }

    @Test("weekday is ISO 8601 (1 Monday ... 7 Sunday)", arguments: [
        ("1970-01-01", 4), ("1969-12-31", 3), ("2014-12-31", 3), ("2016-02-29", 1), ("2024-01-01", 1),
        ("2014-03-09", 7), ("1800-01-01", 3), ("9999-12-31", 5),
    ])
    func weekday(_ text: String, _ expected: Int) throws {
        let day = try #require(Day(iso: text))
        #expect(day.weekday == expected)
    }

    @Test("weekdays follow each other over a range")
    func weekdaySequence() throws {
        var day = try #require(Day(iso: "2013-12-30"))  // a Monday
        for index in 0..<800 {
            #expect(day.weekday == index % 7 + 1)
            day = day.adding(days: 1)
        }
    }

    /// Walks every day from 1800-01-01 to 2200-12-31 with an independent calendar (counting
    /// month lengths by hand) and checks ordinal, ISO text, parsing and civil fields.
    @Test("ISO text round trips over every day of four centuries")
    func isoRoundTrip() throws {
        func isLeap(_ y: Int) -> Bool { (y % 4 == 0 && y % 100 != 0) || y % 400 == 0 }
        let lengths = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31]
        var ordinal = try #require(Day(year: 1800, month: 1, day: 1)).ordinal
        #expect(ordinal == -62_091)  // days from 1800-01-01 to 1970-01-01
        var failures = 0
        for year in 1800...2200 {
            for month in 1...12 {
                let length = month == 2 && isLeap(year) ? 29 : lengths[month - 1]
                for dayOfMonth in 1...length {
                    let text = String(year) + "-" + (month < 10 ? "0" : "") + String(month) + "-" + (dayOfMonth < 10 ? "0" : "") + String(dayOfMonth)
                    let day = Day(ordinal: ordinal)
                    if day.iso != text || Day(iso: text) != day || Day(year: year, month: month, day: dayOfMonth) != day
                        || day.civil != (year, month, dayOfMonth) {
                        failures += 1
                        if failures <= 5 { Issue.record("ordinal \(ordinal): \(day.iso), expected \(text)") }
                    }
                    ordinal += 1
                }
                #expect(Day(year: year, month: month, day: length + 1) == nil)
            }
        }
        #expect(failures == 0)
        #expect(Day(iso: "1970-01-01")?.ordinal == 0)
    }

    @Test("first and last day of a month, day differences")
    func monthEnds() throws {
        let day = try #require(Day(iso: "2016-02-17"))
        #expect(day.firstOfMonth.iso == "2016-02-01")
        #expect(day.lastOfMonth.iso == "2016-02-29")
        #expect(try #require(Day(iso: "2014-12-31")).days(since: try #require(Day(iso: "2014-01-01"))) == 364)
        #expect(day.adding(days: -17).iso == "2016-01-31")
    }
}

@Suite struct TimestampTests {
    @Test("the canonical form round trips")
    func canonical() throws {
        let t = try #require(Timestamp(iso: "2014-03-01T10:20:30.456Z"))
        #expect(t.iso == "2014-03-01T10:20:30.456Z")
        let day = try #require(Day(iso: "2014-03-01"))
        #expect(t.milliseconds == Int64(day.ordinal) * 86_400_000 + ((10 * 60 + 20) * 60 + 30) * 1000 + 456)
        #expect(t.utcDay == day)
    }

    @Test("input forms: whole seconds and a bare date")
    func inputForms() throws {
        #expect(Timestamp(iso: "2014-03-01T10:20:30Z")?.iso == "2014-03-01T10:20:30.000Z")
        #expect(Timestamp(iso: "2014-03-01")?.iso == "2014-03-01T00:00:00.000Z")
        #expect(Timestamp(iso: "1970-01-01T00:00:00.000Z")?.milliseconds == 0)
    }

    @Test("impossible or malformed instants are rejected", arguments: [
        "2014-02-29T10:00:00Z", "2014-03-01T24:00:00Z", "2014-03-01T10:60:00Z", "2014-03-01T10:00:60Z",
        "2014-03-01T10:00:00.45Z", "2014-03-01T10:00:00", "2014-03-01 10:00:00Z", "2014-03-01T10:00:00.000+01:00",
        "2014-03-01T1:00:00Z", "",
    ])
    func rejected(_ text: String) {
        #expect(Timestamp(iso: text) == nil)
    }

    @Test("canonical-only parsing accepts just the 24-byte form")
    func canonicalOnly() {
        func parse(_ text: String) -> Timestamp? {
            Array(text.utf8).withUnsafeBytes { Timestamp(isoBytes: $0, canonicalOnly: true) }
        }
        #expect(parse("2014-03-01T10:20:30.456Z") != nil)
        #expect(parse("2014-03-01T10:20:30Z") == nil)
        #expect(parse("2014-03-01") == nil)
    }

    @Test("instants before 1970 format correctly")
    func beforeEpoch() {
        #expect(Timestamp(milliseconds: -1).iso == "1969-12-31T23:59:59.999Z")
        #expect(Timestamp(milliseconds: -86_400_000).iso == "1969-12-31T00:00:00.000Z")
        #expect(Timestamp(iso: "1969-12-31T23:59:59.999Z")?.milliseconds == -1)
    }

    @Test("round trip over a range of instants")
    func roundTrip() {
        var generator = SplitMix64(seed: testSeed(11))
        let start = Timestamp(iso: "1990-01-01")!.milliseconds
        for _ in 0..<2000 {
            let t = Timestamp(milliseconds: start + Int64(generator.below(60 * 365 * 86_400_000)))
            #expect(Timestamp(iso: t.iso) == t, "seed \(testSeed(11))")
        }
    }
}

@Suite struct PeriodTests {
    @Test("periods: year, quarter, month and explicit range", arguments: [
        ("2014", "2014-01-01", "2014-12-31"), ("2014Q1", "2014-01-01", "2014-03-31"), ("2016Q1", "2016-01-01", "2016-03-31"),
        ("2014Q4", "2014-10-01", "2014-12-31"), ("2016-02", "2016-02-01", "2016-02-29"),
        ("2014-01-01/2014-06-30", "2014-01-01", "2014-06-30"),
    ])
    func periods(_ text: String, _ first: String, _ last: String) throws {
        let period = try #require(Period(text: text))
        #expect(period.first.iso == first)
        #expect(period.last.iso == last)
        #expect(period.dayCount == period.last.days(since: period.first) + 1)
    }

    @Test("malformed periods are rejected", arguments: ["2014Q5", "2014Q0", "2014-13", "2014-06-30/2014-01-01", "14", "2014-02-30/2014-03-01"])
    func rejected(_ text: String) {
        #expect(Period(text: text) == nil)
    }
}
