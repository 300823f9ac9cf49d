#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Why a stored line could not be read.
public struct LineDecodingError: Error, Sendable, CustomStringConvertible {
    /// 1-based byte column in the line.
    public var column: Int
    /// What is wrong.
    public var message: String
    /// "column N: message".
    public var description: String { "column \(column): \(message)" }
}

/// Reads one stored line in the canonical encoding with a byte scanner (no general JSON parser).
///
/// The scanner expects the keys in canonical order and reads values by the catalog's field kinds.
/// It accepts only what the canonical encoder writes, except that it does not itself check that
/// string escapes are minimal: ``LedgerVerifier`` re-encodes every line and compares bytes.
public struct LineDecoder {
    private let b: UnsafeRawBufferPointer
    private var p = 0

    private init(_ bytes: UnsafeRawBufferPointer) { self.b = bytes }

    /// Decodes a line (without its newline).
    public static func decode(_ line: UnsafeRawBufferPointer) throws(LineDecodingError) -> RecordedEvent {
        var decoder = LineDecoder(line)
        return try decoder.decodeLine()
    }

    /// Decodes a line given as bytes (without its newline).
    public static func decode(_ line: [UInt8]) throws(LineDecodingError) -> RecordedEvent {
        var result: Result<RecordedEvent, LineDecodingError>!
        line.withUnsafeBytes { buffer in result = Result { () throws(LineDecodingError) -> RecordedEvent in try decode(buffer) } }
        return try result.get()
    }

    private func fail(_ message: String) -> LineDecodingError { LineDecodingError(column: min(p, b.count) + 1, message: message) }

    @inline(__always)
    private mutating func expect(_ literal: StaticString) throws(LineDecodingError) {
        let n = literal.utf8CodeUnitCount
        guard p + n <= b.count else { throw fail("line ends early, expected \(literal)") }
        guard memcmp(b.baseAddress! + p, literal.utf8Start, n) == 0 else { throw fail("expected \(literal)") }
        p += n
    }

    /// Whether the bytes at the cursor are `"` + `name` + `"` (a name needing no escapes).
    @inline(__always)
    private func peekQuoted(_ name: [UInt8]) -> Bool {
        let n = name.count
        guard p + n + 2 <= b.count, b[p] == UInt8(ascii: "\""), b[p + n + 1] == UInt8(ascii: "\"") else { return false }
        for i in 0..<n where b[p + 1 + i] != name[i] { return false }
        return true
    }

    /// The offset of the closing quote of a string at the cursor that has no escapes or control
    /// characters, or nil (then the general string reader decides).
    private func quotedPlainEnd() -> Int? {
        guard p < b.count, b[p] == UInt8(ascii: "\"") else { return nil }
        var i = p + 1
        while i < b.count {
            let c = b[i]
            if c == UInt8(ascii: "\"") { return i }
            if c == UInt8(ascii: "\\") || c < 0x20 { return nil }
            i += 1
        }
        return nil
    }

    /// The index of the value among `choices` that the bytes at the cursor spell as `"value"`, or nil.
    private func peekQuotedChoice(_ choices: [[UInt8]]) -> Int? {
        guard p < b.count, b[p] == UInt8(ascii: "\"") else { return nil }
        for (i, choice) in choices.enumerated() {
            let n = choice.count
            guard p + n + 2 <= b.count, b[p + n + 1] == UInt8(ascii: "\"") else { continue }
            if choice.withUnsafeBytes({ memcmp(b.baseAddress! + p + 1, $0.baseAddress!, n) == 0 }) { return i }
        }
        return nil
    }

    private mutating func peekLiteral(_ literal: StaticString) -> Bool {
        let n = literal.utf8CodeUnitCount
        guard p + n <= b.count else { return false }
        let start = literal.utf8Start
        for i in 0..<n where b[p + i] != start[i] { return false }
        return true
    }

    @inline(__always)
    private mutating func integer() throws(LineDecodingError) -> Int64 {
        let start = p
        var negative = false
        if p < b.count && b[p] == UInt8(ascii: "-") { negative = true; p += 1 }
        var value: Int64 = 0
        var digits = 0
        while p < b.count, b[p] >= 48, b[p] <= 57 {
            if digits == 0 && b[p] == 48 && p + 1 < b.count && b[p + 1] >= 48 && b[p + 1] <= 57 {
                throw fail("leading zero")
            }
            guard digits < 18 else { throw fail("number too long") }
            value = value * 10 + Int64(b[p] - 48)
            digits += 1
            p += 1
        }
        guard digits > 0 else { p = start; throw fail("expected a number") }
        return negative ? -value : value
    }

    /// Reads a JSON string starting at a quote; returns its unescaped UTF-8 text.
    private mutating func string() throws(LineDecodingError) -> String {
        guard p < b.count, b[p] == UInt8(ascii: "\"") else { throw fail("expected a string") }
        p += 1
        let start = p
        var hasEscape = false
        while p < b.count {
            let c = b[p]
            if c == UInt8(ascii: "\"") { break }
            if c < 0x20 { throw fail("control character in a string") }
            if c == UInt8(ascii: "\\") { hasEscape = true; p += 2; continue }
            p += 1
        }
        guard p < b.count else { throw fail("unterminated string") }
        let raw = UnsafeRawBufferPointer(rebasing: b[start..<p])
        p += 1
        if !hasEscape {
            if let bad = JSONParser.firstInvalidUTF8(raw) { throw LineDecodingError(column: start + bad + 1, message: "invalid UTF-8") }
            return String(decoding: raw, as: UTF8.self)
        }
        // Rare: a string with escapes goes through the strict JSON parser.
        let quoted = UnsafeRawBufferPointer(rebasing: b[(start - 1)..<p])
        do {
            if case .string(let s) = try JSONParser.parse(quoted) { return s }
        } catch {
            throw LineDecodingError(column: start + error.column, message: error.message)
        }
        throw fail("expected a string")
    }

    @inline(__always)
    private mutating func fixedString(_ count: Int) throws(LineDecodingError) -> UnsafeRawBufferPointer {
        guard p < b.count, b[p] == UInt8(ascii: "\"") else { throw fail("expected a string") }
        guard p + count + 1 < b.count, b[p + count + 1] == UInt8(ascii: "\"") else { throw fail("expected a string of \(count) characters") }
        let slice = UnsafeRawBufferPointer(rebasing: b[(p + 1)..<(p + 1 + count)])
        p += count + 2
        return slice
    }

    private mutating func decodeLine() throws(LineDecodingError) -> RecordedEvent {
        try expect(#"{"seq":"#)
        let seq = try integer()
        guard seq >= 1 else { throw fail("sequence number must be at least 1") }
        try expect(#","recorded_at":"#)
        let recordedColumn = p
        guard let recordedAt = Timestamp(isoBytes: try fixedString(24), canonicalOnly: true) else {
            throw LineDecodingError(column: recordedColumn + 1, message: "recorded_at is not YYYY-MM-DDTHH:MM:SS.mmmZ")
        }
        try expect(#","type":"#)
        let typeColumn = p
        // Type names need no escapes: the name is matched as bytes (an escaped one is read as a string).
        var knownType: EventType?
        if let close = quotedPlainEnd() {
            knownType = EventType(nameBytes: UnsafeRawBufferPointer(rebasing: b[(p + 1)..<close]))
            p = close + 1
        } else {
            knownType = EventType(rawValue: try string())
        }
        guard let type = knownType else {
            throw LineDecodingError(column: typeColumn + 1, message: "unknown event type")
        }
        try expect(#","effective":"#)
        let effectiveColumn = p
        guard let effective = Day(isoBytes: try fixedString(10)) else {
            throw LineDecodingError(column: effectiveColumn + 1, message: "effective is not a real date YYYY-MM-DD")
        }
        try expect(#","municipality":"#)
        var municipality: Int?
        if peekLiteral("null") {
            p += 4
        } else {
            let column = p
            let text = try fixedString(3)
            guard let code = Day.digits(text, 0, 3) else { throw LineDecodingError(column: column + 1, message: "municipality is not three digits") }
            municipality = code
        }
        try expect(#","citizen":"#)
        var citizen: Pseudonym?
        if peekLiteral("null") {
            p += 4
        } else {
            let column = p
            let notPseudonym = LineDecodingError(column: column + 1, message: "citizen is not a pseudonym c-<16 hex>")
            guard let raw = try? fixedString(18), let pseudonym = Pseudonym(bytes: raw) else { throw notPseudonym }
            citizen = pseudonym
        }
        try expect(#","facts":{"#)
        let spec = Catalog.spec(type)
        var facts: [Fact] = []
        facts.reserveCapacity(spec.fields.count)
        var fieldIndex = 0
        if b.count > p && b[p] != UInt8(ascii: "}") {
            while true {
                let nameColumn = p
                // Most names are the spec's next field, written as is: the spec's string is reused.
                let name: String
                if fieldIndex < spec.fields.count, peekQuoted(spec.fields[fieldIndex].nameUTF8) {
                    name = spec.fields[fieldIndex].name
                    p += spec.fields[fieldIndex].nameUTF8.count + 2
                } else {
                    name = try string()
                }
                try expect(":")
                let valueColumn = p
                // Fields are looked up in the type's spec; a correction's superseding facts come from
                // the original type, which is not known here, so they are read by their JSON shape.
                var kind: FieldKind?
                var choices: [[UInt8]] = []
                while fieldIndex < spec.fields.count && spec.fields[fieldIndex].name != name { fieldIndex += 1 }
                if fieldIndex < spec.fields.count {
                    kind = spec.fields[fieldIndex].kind
                    choices = spec.fields[fieldIndex].choicesUTF8
                    fieldIndex += 1
                } else if type != .correction {
                    throw LineDecodingError(column: nameColumn + 1, message: "field \"\(name)\" is not a field of \(type.rawValue) here")
                }
                // A closed-list value written as one of the list's values reuses the catalog's string.
                let value: FactValue
                if !choices.isEmpty, case .choice(let values) = kind, let i = peekQuotedChoice(choices) {
                    value = .text(values[i])
                    p += choices[i].count + 2
                } else {
                    value = try readValue(kind: kind, column: valueColumn)
                }
                facts.append(Fact(name, value))
                if p < b.count && b[p] == UInt8(ascii: ",") { p += 1; continue }
                break
            }
        }
        try expect(#"},"prev":"#)
        let prevColumn = p
        guard let prev = SHA256Digest(hexBytes: try fixedString(64)) else {
            throw LineDecodingError(column: prevColumn + 1, message: "prev is not 64 lowercase hex digits")
        }
        try expect(#","hash":"#)
        let hashColumn = p
        guard let hash = SHA256Digest(hexBytes: try fixedString(64)) else {
            throw LineDecodingError(column: hashColumn + 1, message: "hash is not 64 lowercase hex digits")
        }
        try expect("}")
        guard p == b.count else { throw fail("unexpected data after the line's object") }
        let event = Event(type: type, effective: effective, municipality: municipality, citizen: citizen, facts: facts)
        return RecordedEvent(seq: seq, recordedAt: recordedAt, event: event, prev: prev, hash: hash)
    }

    private mutating func readValue(kind: FieldKind?, column: Int) throws(LineDecodingError) -> FactValue {
        guard p < b.count else { throw fail("line ends early") }
        let c = b[p]
        if c == UInt8(ascii: "t") && peekLiteral("true") { p += 4; return .bool(true) }
        if c == UInt8(ascii: "f") && peekLiteral("false") { p += 5; return .bool(false) }
        if c == UInt8(ascii: "\"") {
            let s = try string()
            if case .date? = kind {
                guard let d = Day(iso: s) else { throw LineDecodingError(column: column + 1, message: "not a real date") }
                return .date(d)
            }
            return .text(s)
        }
        if c == UInt8(ascii: "-") || (c >= 48 && c <= 57) {
            let start = p
            if case .decimal? = kind {
                p += 1
                while p < b.count, (b[p] >= 48 && b[p] <= 57) || b[p] == UInt8(ascii: ".") { p += 1 }
                return .decimal(String(decoding: UnsafeRawBufferPointer(rebasing: b[start..<p]), as: UTF8.self))
            }
            let value = try integer()
            if p < b.count && b[p] == UInt8(ascii: ".") {
                // A decimal among a correction's superseding facts.
                p += 1
                while p < b.count, b[p] >= 48, b[p] <= 57 { p += 1 }
                return .decimal(String(decoding: UnsafeRawBufferPointer(rebasing: b[start..<p]), as: UTF8.self))
            }
            return .integer(value)
        }
        throw fail("expected a value")
    }
}
