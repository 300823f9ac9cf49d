internal import LedgerCore

/// Builds one JSON input line in a reusable byte buffer: the envelope keys in the order of the
/// input format (`type`, `effective`, `municipality`, `citizen`, `facts`, `recorded_at`), no spaces.
struct LineWriter {
    /// The line so far.
    private(set) var bytes: [UInt8] = []
    /// Whether the next fact is the first in `facts` (no comma before it).
    private var firstFact = true

    /// Longest line made, in bytes (the input format allows 65 536).
    static let lineBytesMax = 4_096

    init() { bytes.reserveCapacity(512) }

    /// Starts a new line: `{"type":"...".
    mutating func begin(type: EventType) {
        bytes.removeAll(keepingCapacity: true)
        append("{\"type\":\"")
        append(type.rawValue)
        append("\"")
    }

    /// `,"effective":"YYYY-MM-DD"`.
    mutating func effective(_ day: Day) {
        append(",\"effective\":\"")
        date(day)
        append("\"")
    }

    /// `,"municipality":"NNN"`.
    mutating func municipality(_ code: Int) {
        precondition(code >= 0 && code <= 999, "a municipality code has three digits")
        append(",\"municipality\":\"")
        padded(code, width: 3)
        append("\"")
    }

    /// `,"citizen":"c-` and 16 lowercase hex digits `"`.
    mutating func citizen(_ pseudonym: UInt64) {
        append(",\"citizen\":\"c-")
        for shift in stride(from: 60, through: 0, by: -4) {
            let nibble = UInt8(truncatingIfNeeded: pseudonym >> UInt64(shift)) & 0xF
            bytes.append(nibble < 10 ? UInt8(ascii: "0") + nibble : UInt8(ascii: "a") + nibble - 10)
        }
        append("\"")
    }

    /// `,"facts":{`; the facts follow.
    mutating func beginFacts() {
        append(",\"facts\":{")
        firstFact = true
    }

    /// `}` after the facts.
    mutating func endFacts() { append("}") }

    /// `,"recorded_at":"YYYY-MM-DDTHH:MM:SS.mmmZ"`.
    mutating func recordedAt(_ milliseconds: Int64) {
        precondition(milliseconds >= 0, "recorded-at times are after 1970")
        let day = Day(ordinal: Int32(milliseconds / RecordingDelays.dayMilliseconds))
        let rest = Int(milliseconds % RecordingDelays.dayMilliseconds)
        append(",\"recorded_at\":\"")
        date(day)
        append("T")
        padded(rest / 3_600_000, width: 2)
        append(":")
        padded(rest / 60_000 % 60, width: 2)
        append(":")
        padded(rest / 1_000 % 60, width: 2)
        append(".")
        padded(rest % 1_000, width: 3)
        append("Z\"")
    }

    /// Ends the line: `}`. Returns it as a string.
    mutating func end() -> String {
        append("}")
        assert(bytes.count <= LineWriter.lineBytesMax)
        return String(decoding: bytes, as: UTF8.self)
    }

    // MARK: Facts

    /// A text fact: `"name":"value"`. The value must need no escaping (the simulation's own tables).
    mutating func fact(_ name: StaticString, text value: String) {
        assert(!value.utf8.contains { $0 == UInt8(ascii: "\"") || $0 == UInt8(ascii: "\\") || $0 < 0x20 }, "no escaping needed")
        key(name)
        append("\"")
        append(value)
        append("\"")
    }

    /// A whole-number fact: `"name":123`.
    mutating func fact(_ name: StaticString, integer value: Int) {
        key(name)
        number(value)
    }

    /// A true/false fact.
    mutating func fact(_ name: StaticString, bool value: Bool) {
        key(name)
        append(value ? "true" : "false")
    }

    /// A date fact: `"name":"YYYY-MM-DD"`.
    mutating func fact(_ name: StaticString, date value: Day) {
        key(name)
        append("\"")
        date(value)
        append("\"")
    }

    /// A month fact from months since year 0: `"name":"YYYY-MM"`.
    mutating func fact(_ name: StaticString, month value: Int32) {
        key(name)
        append("\"")
        padded(Int(value) / 12, width: 4)
        append("-")
        padded(Int(value) % 12 + 1, width: 2)
        append("\"")
    }

    /// A CVR fact: `"name":"NNNNNNNN"`.
    mutating func fact(_ name: StaticString, cvr value: Int32) {
        precondition(value >= 10_000_000 && value <= 99_999_999, "a CVR number has 8 digits")
        key(name)
        append("\"")
        number(Int(value))
        append("\"")
    }

    /// An identifier fact made of a prefix, the history's seed and a number in six or more digits:
    /// `"name":"A-7-000123"` for seed 7. The seed keeps the identifiers of two generated histories
    /// apart when both are appended to one ledger.
    mutating func fact(_ name: StaticString, prefix: StaticString, seed: UInt64, number value: Int) {
        key(name)
        append("\"")
        append(prefix)
        append(String(seed))
        append("-")
        padded(value, width: 6)
        append("\"")
    }

    /// A decimal fact from tenths: `"name":12.5` (or `12` when whole).
    mutating func fact(_ name: StaticString, tenths value: Int) {
        key(name)
        if value < 0 { append("-") }
        let magnitude = abs(value)
        number(magnitude / 10)
        if magnitude % 10 != 0 {
            append(".")
            number(magnitude % 10)
        }
    }

    // MARK: Pieces

    private mutating func key(_ name: StaticString) {
        if !firstFact { append(",") }
        firstFact = false
        append("\"")
        append(name)
        append("\":")
    }

    private mutating func append(_ text: StaticString) {
        text.withUTF8Buffer { bytes.append(contentsOf: $0) }
    }

    private mutating func append(_ text: String) {
        var text = text
        text.withUTF8 { bytes.append(contentsOf: $0) }
    }

    private mutating func date(_ day: Day) {
        let civil = day.civil
        padded(civil.year, width: 4)
        bytes.append(UInt8(ascii: "-"))
        padded(civil.month, width: 2)
        bytes.append(UInt8(ascii: "-"))
        padded(civil.day, width: 2)
    }

    private mutating func number(_ value: Int) {
        if value < 0 {
            bytes.append(UInt8(ascii: "-"))
            number(-value)
            return
        }
        padded(value, width: 1)
    }

    /// `value` (not negative) in decimal, with leading zeros to at least `width` digits.
    private mutating func padded(_ value: Int, width: Int) {
        precondition(value >= 0 && value < 1_000_000_000_000, "the simulation writes no larger numbers")
        var count = 1
        var power = 10
        while power <= value {
            count += 1
            power *= 10
        }
        for _ in count..<max(count, width) { bytes.append(UInt8(ascii: "0")) }
        var divisor = power / 10
        var rest = value
        while divisor > 0 {
            bytes.append(UInt8(ascii: "0") + UInt8(rest / divisor))
            rest %= divisor
            divisor /= 10
        }
    }
}
