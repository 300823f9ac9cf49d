public import LedgerCore

/// Reads a stored line straight into a ``PersonEvent``, without building the event's facts.
///
/// Most of a ledger's lines are person events written in one of a few exact shapes; the replay
/// reads them here and leaves every other line to ``LineDecoder`` (through ``Ledger/decode(_:at:)``).
/// The contract, which the tests hold it to: when this returns a value, the full decoder accepts
/// the line and ``PersonEvent/init(_:)`` of its result is equal to that value. So it accepts only
/// a subset of the canonical encoding: text values without escapes (printable ASCII, or any UTF-8
/// for a provider's name), whole numbers without sign or leading zeros of at most nine digits,
/// and only the fields the history uses or that it steps over by their shape (a line with any
/// other field, such as an activation's authority, goes to the full decoder).
public enum StoredPersonLine {
    /// The person event of a canonical line (without its newline), or nil.
    ///
    /// Nil when the line is not a person event, not in a shape this reader takes, or not valid (the
    /// full decoder then decides and words it).
    public static func decode(_ line: UnsafeRawBufferPointer) -> PersonEvent? {
        var memo = Memo()
        return decode(line, memo: &memo)
    }

    /// The last texts read of the fields that repeat from line to line, with their values.
    ///
    /// They are a recorded-at (a batch shares one), an effective date, and a hash (the next line's
    /// `prev`).    /// The same text always reads as the same value, so a line whose text equals the memo's takes
    /// the value without parsing it again. Keep one per thread, across a chunk's lines.
    ///
    /// It also holds what the chain check needs of the line read last (``lineRecordedAt``,
    /// ``linePrev``, ``lineHashText``): a person event does not keep its line's hashes.
    public struct Memo: Sendable {
        var recordedAtText: (UInt64, UInt64, UInt64) = (0, 0, 0)
        var recordedAt: Timestamp?
        var effectiveText: (UInt64, UInt16) = (0, 0)
        var effective: Day?
        var hashText = HexText()
        var hash: SHA256Digest?
        var monthText: UInt64 = 0
        var month: Day?

        /// When the line read last was recorded.
        public internal(set) var lineRecordedAt: Timestamp?
        /// The `prev` of the line read last, or nil when it is the text of the hash of the line
        /// read before it (it is then not read as a digest at all).
        public internal(set) var linePrev: SHA256Digest?
        /// The text of the hash of the line read last (checked to be a digest's text).
        public internal(set) var lineHashText = HexText()
        /// Whether a line has been read (``lineHashText`` holds its hash).
        public internal(set) var hasLine = false

        /// An empty memo.
        public init() {}

        /// Notes a line another decoder read (into its full ``RecordedEvent``), as ``decode(_:memo:)``
        /// notes the lines it reads.
        mutating func noteLine(recordedAt: Timestamp, prev: SHA256Digest, hash: SHA256Digest) {
            let prevText = HexText(prev)
            lineRecordedAt = recordedAt
            linePrev = hasLine && prevText == lineHashText ? nil : prev
            lineHashText = HexText(hash)
            hasLine = true
        }
    }

    /// As ``decode(_:)``, reusing and updating `memo`.
    public static func decode(_ line: UnsafeRawBufferPointer, memo: inout Memo) -> PersonEvent? {
        var r = Reader(line)
        guard r.literal(#"{"seq":"#), let seq = r.number(), seq >= 1,
              r.literal(#","recorded_at":""#), let recordedBytes = r.take(24), let recordedAt = recordedAt(recordedBytes, &memo),
              r.literal(#"","type":"#), let typeIndex = r.choice(Choices.personTypes),
              r.literal(#","effective":""#), let effectiveBytes = r.take(10), let effective = effective(effectiveBytes, &memo),
              r.literal(#"","municipality":"#)
        else { return nil }
        var municipality = 0
        if r.literal("null") {
        } else {
            guard r.literal("\""), let code = r.digits(3), r.literal("\"") else { return nil }
            municipality = code
        }
        let type = Choices.personTypeValues[Int(typeIndex)]
        var facts = HistoryFacts()
        guard r.literal(#","citizen":""#), let citizenBytes = r.take(18), let citizen = Pseudonym(bytes: citizenBytes),
              r.literal(#"","facts":{"#), readFacts(type, effective: effective, into: &facts, &r, &memo),
              r.literal(#","prev":""#), let prevBytes = r.take(64),
              r.literal(#"","hash":""#), let hashBytes = r.take(64), SHA256Digest.isHex(hashBytes),
              r.literal(#""}"#), r.atEnd
        else { return nil }
        // The prev is most often the text of the hash the line before read, and then not read
        // again; only another is read as a digest (and must be one).
        let prevText = HexText(prevBytes)
        var prev: SHA256Digest?
        if !(memo.hasLine && prevText == memo.lineHashText) {
            guard let digest = SHA256Digest(hexBytes: prevBytes) else { return nil }
            prev = digest
        }
        memo.lineRecordedAt = recordedAt
        memo.linePrev = prev
        memo.lineHashText = HexText(hashBytes)
        memo.hasLine = true
        return PersonEvent(seq: seq, type: type, effective: effective, municipality: municipality, citizen: citizen, facts: facts)
    }

    @inline(__always)
    static func recordedAt(_ bytes: UnsafeRawBufferPointer, _ memo: inout Memo) -> Timestamp? {
        let text = (bytes.loadUnaligned(fromByteOffset: 0, as: UInt64.self), bytes.loadUnaligned(fromByteOffset: 8, as: UInt64.self),
                    bytes.loadUnaligned(fromByteOffset: 16, as: UInt64.self))
        if let known = memo.recordedAt, text == memo.recordedAtText { return known }
        let value = Timestamp(isoBytes: bytes, canonicalOnly: true)
        if let value { memo.recordedAtText = text; memo.recordedAt = value }
        return value
    }

    @inline(__always)
    static func effective(_ bytes: UnsafeRawBufferPointer, _ memo: inout Memo) -> Day? {
        let text = (bytes.loadUnaligned(fromByteOffset: 0, as: UInt64.self), bytes.loadUnaligned(fromByteOffset: 8, as: UInt16.self))
        if let known = memo.effective, text == memo.effectiveText { return known }
        let value = Day(isoBytes: bytes)
        if let value { memo.effectiveText = text; memo.effective = value }
        return value
    }

    /// A paid-hours month, `YYYY-MM`: as "YYYY-MM" + "-01" read as a day, or the effective date's
    /// month when that is no day (as ``PersonEvent/init(_:)`` reads it).
    @inline(__always)
    private static func month(_ bytes: UnsafeRawBufferPointer, effective: Day, _ memo: inout Memo) -> Day? {
        let text = UInt64(bytes.loadUnaligned(fromByteOffset: 0, as: UInt32.self)) | UInt64(bytes.loadUnaligned(fromByteOffset: 3, as: UInt32.self)) << 32
        if let known = memo.month, text == memo.monthText { return known }
        var year = 0, month = 0
        for i in 0..<7 {
            let c = bytes[i]
            if i == 4 {
                guard c == UInt8(ascii: "-") else { return nil }
                continue
            }
            guard c >= 48, c <= 57 else { return nil }
            if i < 4 { year = year * 10 + Int(c - 48) } else { month = month * 10 + Int(c - 48) }
        }
        guard let value = Day(year: year, month: month, day: 1) else { return effective.firstOfMonth }
        memo.monthText = text
        memo.month = value
        return value
    }

    /// A digest's 64 hex digits: a line's `prev` is the text of the hash the line before it read.
    @inline(__always)
    static func digest(_ bytes: UnsafeRawBufferPointer, _ memo: inout Memo) -> SHA256Digest? {
        let text = HexText(bytes)
        if let known = memo.hash, text == memo.hashText { return known }
        let value = SHA256Digest(hexBytes: bytes)
        if let value { memo.hashText = text; memo.hash = value }
        return value
    }

    /// 64 bytes of text, held as eight words (compared word by word).
    public struct HexText: Equatable, Sendable {
        var a: (UInt64, UInt64, UInt64, UInt64) = (0, 0, 0, 0)
        var b: (UInt64, UInt64, UInt64, UInt64) = (0, 0, 0, 0)

        init() {}

        /// A digest's text.
        init(_ digest: SHA256Digest) {
            withUnsafeMutableBytes(of: &self) { digest.writeHex(to: $0.baseAddress!) }
        }

        /// The digest this text spells, or nil when it spells none.
        public var digest: SHA256Digest? {
            withUnsafeBytes(of: self) { SHA256Digest(hexBytes: $0) }
        }

        @inline(__always)
        init(_ bytes: UnsafeRawBufferPointer) {
            precondition(bytes.count >= 64)
            func word(_ i: Int) -> UInt64 { bytes.loadUnaligned(fromByteOffset: 8 * i, as: UInt64.self) }
            a = (word(0), word(1), word(2), word(3))
            b = (word(4), word(5), word(6), word(7))
        }

        /// Whether the two texts are the same 64 bytes.
        @inline(__always)
        public static func == (x: HexText, y: HexText) -> Bool {
            ((x.a.0 ^ y.a.0) | (x.a.1 ^ y.a.1) | (x.a.2 ^ y.a.2) | (x.a.3 ^ y.a.3)
                | (x.b.0 ^ y.b.0) | (x.b.1 ^ y.b.1) | (x.b.2 ^ y.b.2) | (x.b.3 ^ y.b.3)) == 0
        }
    }

    /// The facts object after its opening brace, through its closing brace, in the catalog's
    /// field order; nil for any shape this reader does not take.
    @inline(__always)
    private static func readFacts(_ type: EventType, effective: Day, into f: inout HistoryFacts, _ r: inout Reader, _ memo: inout Memo) -> Bool {
        switch type {
        case .paidHoursRegistered:
            guard r.literal(#""month":""#), let monthBytes = r.take(7), let month = Self.month(monthBytes, effective: effective, &memo),
                  r.literal(#"","hours":"#), let hours = r.number() else { return false }
            f.month = month
            f.amount = Int(hours)
        case .benefitStarted:
            guard r.literal(#""benefit":"#), let benefit = r.choice(Choices.benefits) else { return false }
            f.code = benefit
            f.amount = 37
            if r.literal(#","weekly_hours":"#) {
                guard let hours = r.number() else { return false }
                f.amount = Int(hours)
            }
        case .benefitEnded:
            guard r.literal(#""benefit":"#), let benefit = r.choice(Choices.benefits),
                  r.literal(#","reason":"#), let reason = r.choice(Choices.benefitEndReasons) else { return false }
            f.code = benefit
            f.reason = reason
        case .matchAssessed:
            guard r.literal(#""category":"#), let category = r.choice(Choices.matchCategories) else { return false }
            f.code = category
        case .activationStarted:
            guard r.literal(#""activity_id":""#), let id = r.plainText(),
                  r.literal(#","kind":"#), let kind = r.choice(Choices.activationKinds),
                  r.literal(#","provider":""#), let provider = r.plainText() else { return false }
            f.activityID = String(decoding: id, as: UTF8.self)
            f.code = kind
            // The jobcenter, or another actor: by name when the line names it (any UTF-8 text).
            let other = Reader.equal(provider, "anden-aktoer")
            f.provider = other ? "anden aktør" : "jobcenter"
            if r.literal(#","provider_name":""#) {
                guard let name = r.text() else { return false }
                if other { f.provider = String(decoding: name, as: UTF8.self) }
            }
            if r.literal(#","employer_cvr":""#) {
                guard let cvr = r.plainText() else { return false }
                f.employerCVR = String(decoding: cvr, as: UTF8.self)
            }
            if r.literal(#","weekly_minutes":"#) {
                guard r.number() != nil else { return false }
            }
        case .activationEnded:
            guard r.literal(#""activity_id":""#), let id = r.plainText() else { return false }
            f.activityID = String(decoding: id, as: UTF8.self)
        case .jobPlacement:
            guard r.literal(#""channel":""#), let channel = r.plainText() else { return false }
            f.code = Reader.equal(channel, "employer-request") ? 0 : 1
            if r.literal(#","employer_cvr":""#) {
                guard r.plainText() != nil else { return false }
            }
            if r.literal(#","order_id":""#) {
                guard r.plainText() != nil else { return false }
            }
        case .sickLeaveOpened:
            guard r.literal(#""status":""#), let status = r.plainText() else { return false }
            f.code = Reader.equal(status, "employed") ? 0 : 1
        case .sickLeaveClosed:
            guard r.literal(#""reason":"#), let reason = r.choice(Choices.sickLeaveCloseReasons) else { return false }
            f.code = reason
        case .educationEnded:
            guard r.literal(#""reason":""#), let reason = r.plainText() else { return false }
            f.code = Reader.equal(reason, "dropped-out") ? 1 : 0
        case .flexJobStarted:
            // Facts the history does not use, read only for their shape.
            if r.literal(#""employer_cvr":""#) {
                guard r.plainText() != nil else { return false }
                if r.literal(",") { guard r.literal(#""weekly_hours":"#), r.number() != nil else { return false } }
            } else if r.literal(#""weekly_hours":"#) {
                guard r.number() != nil else { return false }
            }
        case .sickLeavePartialReturn:
            if r.literal(#""weekly_hours":"#) { guard r.number() != nil else { return false } }
        case .educationStarted:
            if r.literal(#""level":""#) { guard r.plainText() != nil else { return false } }
        default:
            // Types whose facts the history does not use are taken only without facts.
            break
        }
        return r.literal("}")
    }

    /// The closed lists the reader matches, as bytes in memory that is never freed (no reference
    /// counting while several threads decode).
    enum Choices {
        static let benefits = ChoiceList(Catalog.benefits)
        static let benefitEndReasons = ChoiceList(Catalog.benefitEndReasons)
        static let matchCategories = ChoiceList(Catalog.matchCategories)
        static let activationKinds = ChoiceList(Catalog.activationKinds)
        static let sickLeaveCloseReasons = ChoiceList(Catalog.sickLeaveCloseReasons)
        /// The person event types' names, and the types in the same order.
        static let personTypeValues = EventType.allCases.filter(PersonEvent.isPersonType)
        static let personTypes = ChoiceList(personTypeValues.map(\.rawValue))
    }

    /// A closed list's values, concatenated, with their offsets, lengths and first eight bytes.
    struct ChoiceList: @unchecked Sendable {
        // Written once in init and only read afterwards; kept for the life of the process.
        let bytes: UnsafeMutablePointer<UInt8>
        let offsets: UnsafeMutablePointer<Int>
        /// Each value's first eight bytes as a word (zero beyond its end).
        let heads: UnsafeMutablePointer<UInt64>
        let count: Int
        /// A hash table of the values by first eight bytes and length (``slot(_:_:)``): position + 1,
        /// 0 where no value falls, -1 where two do (those are found by walking the list).
        let slots: UnsafeMutablePointer<Int16>

        init(_ values: [String]) {
            precondition(values.count < Int(Int16.max))
            count = values.count
            let total = values.reduce(0) { $0 + $1.utf8.count }
            bytes = .allocate(capacity: max(1, total))
            offsets = .allocate(capacity: values.count + 1)
            heads = .allocate(capacity: max(1, values.count))
            slots = .allocate(capacity: Self.slotCount)
            slots.initialize(repeating: 0, count: Self.slotCount)
            var at = 0
            for (i, value) in values.enumerated() {
                offsets[i] = at
                var head: UInt64 = 0
                for (k, byte) in value.utf8.enumerated() {
                    bytes[at] = byte
                    at += 1
                    if k < 8 { head |= UInt64(byte) << (8 * UInt64(k)) }
                }
                heads[i] = head
                let slot = Self.slot(head, value.utf8.count)
                slots[slot] = slots[slot] == 0 ? Int16(i + 1) : -1
            }
            offsets[values.count] = at
        }

        static let slotCount = 64

        /// A value's slot: its first eight bytes and length, mixed (Fibonacci hashing), top six bits.
        @inline(__always)
        static func slot(_ head: UInt64, _ length: Int) -> Int {
            Int(truncatingIfNeeded: ((head &+ UInt64(truncatingIfNeeded: length)) &* 0x9E37_79B9_7F4A_7C15) >> 58)
        }

        /// Whether value `i` is `text`, whose first eight bytes are `head`.
        @inline(__always)
        private func matches(_ i: Int, _ text: UnsafeRawBufferPointer, head: UInt64) -> Bool {
            let n = text.count
            guard heads[i] == head && offsets[i + 1] - offsets[i] == n else { return false }
            return n <= 8 || Reader.equalBytes(bytes + offsets[i] + 8, text.baseAddress! + 8, n - 8)
        }

        /// The first position whose value is `text`, or nil.
        @inline(__always)
        func index(of text: UnsafeRawBufferPointer) -> Int? {
            let n = text.count
            var head: UInt64 = 0
            if n >= 8 {
                head = text.loadUnaligned(fromByteOffset: 0, as: UInt64.self)
            } else {
                for k in 0..<n { head |= UInt64(text[k]) << (8 * UInt64(k)) }
            }
            let slot = slots[Self.slot(head, n)]
            if slot > 0 { return matches(Int(slot) - 1, text, head: head) ? Int(slot) - 1 : nil }
            if slot == 0 { return nil }
            // Two values share the slot: the first that matches.
            for i in 0..<count where matches(i, text, head: head) { return i }
            return nil
        }
    }

    /// A cursor over a line's bytes.
    struct Reader {
        let b: UnsafeRawBufferPointer
        var p = 0

        init(_ bytes: UnsafeRawBufferPointer) { b = bytes }

        var atEnd: Bool { p == b.count }

        /// Steps over `literal` when the bytes at the cursor are exactly it.
        @inline(__always)
        mutating func literal(_ literal: StaticString) -> Bool {
            let n = literal.utf8CodeUnitCount
            guard p + n <= b.count, Self.equalBytes(UnsafeRawPointer(literal.utf8Start), b.baseAddress! + p, n) else { return false }
            p += n
            return true
        }

        /// Whether the `n` bytes at `x` and `y` are equal: eight at a time, then one at a time.
        @inline(__always)
        static func equalBytes(_ x: UnsafeRawPointer, _ y: UnsafeRawPointer, _ n: Int) -> Bool {
            var i = 0
            while i + 8 <= n {
                guard x.loadUnaligned(fromByteOffset: i, as: UInt64.self) == y.loadUnaligned(fromByteOffset: i, as: UInt64.self) else { return false }
                i += 8
            }
            while i < n {
                guard x.load(fromByteOffset: i, as: UInt8.self) == y.load(fromByteOffset: i, as: UInt8.self) else { return false }
                i += 1
            }
            return true
        }

        /// The next `n` bytes.
        @inline(__always)
        mutating func take(_ n: Int) -> UnsafeRawBufferPointer? {
            guard p + n <= b.count else { return nil }
            defer { p += n }
            return UnsafeRawBufferPointer(rebasing: b[p..<(p + n)])
        }

        /// `n` decimal digits as a number.
        mutating func digits(_ n: Int) -> Int? {
            guard p + n <= b.count else { return nil }
            var value = 0
            for i in p..<(p + n) {
                let c = b[i]
                guard c >= 48, c <= 57 else { return nil }
                value = value * 10 + Int(c - 48)
            }
            p += n
            return value
        }

        /// A whole number: `0`, or 1 to 9 digits not starting with 0, followed by `,` or `}`.
        mutating func number() -> Int64? {
            let start = p
            var value: Int64 = 0
            while p < b.count, b[p] >= 48, b[p] <= 57, p - start < 10 {
                value = value * 10 + Int64(b[p] - 48)
                p += 1
            }
            let n = p - start
            guard n >= 1, n <= 9, !(n > 1 && b[start] == 48), p < b.count, b[p] == UInt8(ascii: ",") || b[p] == UInt8(ascii: "}")
            else { return nil }
            return value
        }

        /// The text up to the next quote, which it steps over: 1 to 64 printable ASCII bytes other
        /// than `"` and `\` (so the full decoder reads the same text).
        mutating func plainText() -> UnsafeRawBufferPointer? {
            let start = p
            // Eight bytes at a time: the first byte that is not plain (``notPlainBytes(_:)``) must be
            // the closing quote.
            while p + 8 <= b.count, p - start < 64 {
                let w = b.loadUnaligned(fromByteOffset: p, as: UInt64.self)
                let notPlain = Self.notPlainBytes(w)
                if notPlain != 0 {
                    let end = p + notPlain.trailingZeroBitCount / 8
                    guard b[end] == UInt8(ascii: "\""), end > start, end - start <= 64 else { return nil }
                    p = end + 1
                    return UnsafeRawBufferPointer(rebasing: b[start..<end])
                }
                p += 8
            }
            // The last bytes of the line, one at a time.
            while p < b.count, p - start <= 64 {
                let c = b[p]
                if c == UInt8(ascii: "\"") {
                    guard p > start else { return nil }
                    defer { p += 1 }
                    return UnsafeRawBufferPointer(rebasing: b[start..<p])
                }
                guard c >= 0x20, c < 0x7f, c != UInt8(ascii: "\\") else { return nil }
                p += 1
            }
            return nil
        }

        /// The text up to the next quote, which it steps over: 1 to 200 bytes of UTF-8 without
        /// escapes or control characters (so the full decoder reads the same text).
        mutating func text() -> UnsafeRawBufferPointer? {
            let start = p
            var ascii = true
            while p < b.count, p - start <= 200 {
                let c = b[p]
                if c == UInt8(ascii: "\"") {
                    guard p > start else { return nil }
                    let text = UnsafeRawBufferPointer(rebasing: b[start..<p])
                    guard ascii || JSONParser.firstInvalidUTF8(text) == nil else { return nil }
                    p += 1
                    return text
                }
                guard c >= 0x20, c != 0x7F, c != UInt8(ascii: "\\") else { return nil }
                if c >= 0x80 { ascii = false }
                p += 1
            }
            return nil
        }

        /// A quoted value of `list`: its position.
        mutating func choice(_ list: ChoiceList) -> UInt8? {
            guard literal("\""), let text = plainText(), let i = list.index(of: text) else { return nil }
            return UInt8(i)
        }

        /// Whether `text` is exactly `literal`.
        @inline(__always)
        static func equal(_ text: UnsafeRawBufferPointer, _ literal: StaticString) -> Bool {
            text.count == literal.utf8CodeUnitCount && equalBytes(text.baseAddress!, UnsafeRawPointer(literal.utf8Start), text.count)
        }

        /// Whether each of the eight bytes of `w` is printable ASCII other than `"` and `\\`.
        @inline(__always)
        static func isPlainWord(_ w: UInt64) -> Bool { notPlainBytes(w) == 0 }

        /// The bytes of `w` that are not plain (not printable ASCII, or `"` or `\\`), each marked by
        /// its high bit (0x80) in the result.
        @inline(__always)
        static func notPlainBytes(_ w: UInt64) -> UInt64 {
            let ones: UInt64 = 0x0101_0101_0101_0101
            let high: UInt64 = 0x8080_8080_8080_8080
            // A byte of 0x80 or more is marked by its own high bit. The others are tested on their
            // low seven bits: with every byte below 0x80, adding 0x80 - k sets a byte's high bit
            // exactly when it is >= k, and no carry crosses into the next byte; a byte equal to k
            // is one whose XOR with k is below 1. (A high byte's low bits may mark it again.)
            let x = w & ~high
            func below(_ x: UInt64, _ k: UInt8) -> UInt64 { ~(x &+ ones &* UInt64(0x80 &- k)) & high }
            let control = below(x, 0x20)
            let quote = below(x ^ (ones &* 0x22), 1)
            let backslash = below(x ^ (ones &* 0x5C), 1)
            let delete = below(x ^ (ones &* 0x7F), 1)
            return (w & high) | control | quote | backslash | delete
        }
    }
}
