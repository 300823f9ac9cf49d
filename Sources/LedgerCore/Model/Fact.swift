/// The value of one fact of an event, typed by the catalog.
public enum FactValue: Sendable, Hashable {
    /// Text, a closed-list value or an identifier (a JSON string).
    case text(String)
    /// A whole number (a JSON number without fraction).
    case integer(Int64)
    /// A decimal number in canonical form: no exponent, no leading zeros, no trailing fraction zeros.
    case decimal(String)
    /// true or false.
    case bool(Bool)
    /// A calendar day (a JSON string `YYYY-MM-DD`).
    case date(Day)

    /// The value as text for messages and tables.
    public var display: String {
        switch self {
        case .text(let s), .decimal(let s): return s
        case .integer(let i): return String(i)
        case .bool(let b): return b ? "true" : "false"
        case .date(let d): return d.iso
        }
    }
}

/// One named fact of an event.
public struct Fact: Sendable, Hashable {
    /// The field name, as in the catalog.
    public var name: String
    /// The typed value.
    public var value: FactValue

    /// Makes a fact.
    public init(_ name: String, _ value: FactValue) {
        self.name = name
        self.value = value
    }
}

/// A citizen's pseudonym: `c-` followed by 16 lowercase hex digits, derived from the CPR number
/// with HMAC-SHA-256 under the jobcenter's key.
///
/// Held as the 64-bit number the hex digits spell, so that pseudonyms hash and compare as cheaply as
/// integers in the projections' per-citizen tables; ``text`` gives the written form.
public struct Pseudonym: Hashable, Sendable, Comparable, CustomStringConvertible {
    /// The 16 hex digits as a number (the first digit is the most significant).
    public let value: UInt64

    /// Makes a pseudonym from its number.
    public init(value: UInt64) {
        self.value = value
    }

    /// Accepts only the exact pseudonym shape.
    public init?(_ text: some StringProtocol) {
        var text = String(text)
        guard let parsed = text.withUTF8({ Pseudonym(bytes: UnsafeRawBufferPointer($0)) }) else { return nil }
        self = parsed
    }

    /// Accepts only the exact pseudonym shape `c-` + 16 lowercase hex digits, as UTF-8 bytes.
    public init?(bytes: UnsafeRawBufferPointer) {
        guard bytes.count == 18, bytes[0] == UInt8(ascii: "c"), bytes[1] == UInt8(ascii: "-") else { return nil }
        // Sixteen lowercase hex digits, eight at a time (the digest's parser).
        guard let high = SHA256Digest.parseEightHex(UInt64(littleEndian: bytes.loadUnaligned(fromByteOffset: 2, as: UInt64.self))),
              let low = SHA256Digest.parseEightHex(UInt64(littleEndian: bytes.loadUnaligned(fromByteOffset: 10, as: UInt64.self)))
        else { return nil }
        self.value = UInt64(high) << 32 | UInt64(low)
    }

    /// The 18 bytes of the written form, appended to `out`.
    public func appendText(to out: inout [UInt8]) {
        out.append(UInt8(ascii: "c"))
        out.append(UInt8(ascii: "-"))
        var shift: UInt64 = 60
        while true {
            let digit = UInt8(truncatingIfNeeded: (value >> shift) & 0xf)
            out.append(digit < 10 ? 48 + digit : 87 + digit)
            if shift == 0 { break }
            shift -= 4
        }
    }

    /// The pseudonym text, e.g. `c-3fa91c0d22e8b417`.
    public var text: String {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(18)
        appendText(to: &bytes)
        return String(decoding: bytes, as: UTF8.self)
    }

    /// The pseudonym text.
    public var description: String { text }

    /// Orders pseudonyms by text (the same order as by number: the digits are fixed-width lowercase hex).
    public static func < (lhs: Pseudonym, rhs: Pseudonym) -> Bool { lhs.value < rhs.value }
}

/// An event as the ledger stores it, before it has a sequence number.
public struct Event: Sendable, Hashable {
    /// What kind of fact this is.
    public var type: EventType
    /// The day the fact happened in the world (valid time).
    public var effective: Day
    /// The municipality code (e.g. 250), or nil for a jobcenter-wide or national fact.
    public var municipality: Int?
    /// The citizen's pseudonym, for facts about a person.
    public var citizen: Pseudonym?
    /// The facts, in the catalog's field order; optional fields that are absent are left out.
    public var facts: [Fact]

    /// Makes an event.
    public init(type: EventType, effective: Day, municipality: Int?, citizen: Pseudonym?, facts: [Fact]) {
        self.type = type
        self.effective = effective
        self.municipality = municipality
        self.citizen = citizen
        self.facts = facts
    }

    /// The value of a fact by name, or nil.
    public subscript(fact name: String) -> FactValue? {
        facts.first(where: { $0.name == name })?.value
    }

    /// The text of a fact by name, or nil.
    public func text(_ name: String) -> String? {
        if case .text(let s)? = self[fact: name] { return s }
        return nil
    }

    /// The integer of a fact by name, or nil.
    public func integer(_ name: String) -> Int64? {
        if case .integer(let i)? = self[fact: name] { return i }
        return nil
    }

    /// The date of a fact by name, or nil.
    public func date(_ name: String) -> Day? {
        if case .date(let d)? = self[fact: name] { return d }
        return nil
    }

    /// The boolean of a fact by name, or nil.
    public func bool(_ name: String) -> Bool? {
        if case .bool(let b)? = self[fact: name] { return b }
        return nil
    }
}

/// An event with its place in the ledger: sequence number, recorded-at time and hashes.
public struct RecordedEvent: Sendable, Hashable {
    /// Gapless sequence number, from 1.
    public var seq: Int64
    /// When the ledger accepted the event (transaction time).
    public var recordedAt: Timestamp
    /// The event itself.
    public var event: Event
    /// The hash of the previous line (zero for the first line).
    public var prev: SHA256Digest
    /// This line's hash.
    public var hash: SHA256Digest

    /// Makes a recorded event.
    public init(seq: Int64, recordedAt: Timestamp, event: Event, prev: SHA256Digest, hash: SHA256Digest) {
        self.seq = seq
        self.recordedAt = recordedAt
        self.event = event
        self.prev = prev
        self.hash = hash
    }
}
