#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Checks a stored line's canonical form and catalog shape by reading its bytes once, without
/// building any value: the fast path of `verify`.
///
/// The scanner decides only what it can decide cheaply. It accepts a line when every byte is what
/// the canonical encoder writes for an event that fits the catalog, for the common event types and
/// field kinds (closed lists, dates, months, whole numbers, booleans, CVR numbers, identifiers and
/// printable ASCII text). Everything else — corrections, the first line, goals, publications,
/// decimals, periods, strings with escapes or non-ASCII bytes, anything malformed — it leaves
/// undecided, and the full check (decode, re-encode, ``CatalogCheck``) decides and words the defect.
///
/// So the scanner must never accept a line the full check refuses; it may leave any line
/// undecided. Tests hold it to that on generated ledgers and on mutated lines
/// (`CanonicalLineScannerTests`), and the `ledgerline` fuzz target checks it on every input.
///
/// It checks neither the hash's value nor the chain (`prev` is checked to be 64 lowercase hex
/// digits): the verifier does that with the offsets returned.
public struct CanonicalLineScanner: Sendable {
    /// What the scanner read from a line it accepted.
    public struct Accepted: Equatable, Sendable {
        /// The line's sequence number (at least 2).
        public var seq: Int64
        /// Its recorded-at time.
        public var recordedAt: Timestamp
        /// Byte offset of the 64 hex digits of `prev` in the line.
        public var prevOffset: Int
        /// Byte offset of the 64 hex digits of `hash` in the line.
        public var hashOffset: Int
        /// The line's event type.
        public var type: EventType
    }

    /// A field kind as the scanner checks it.
    enum Kind: Sendable {
        case choice([[UInt8]])
        case date
        case month
        case integer(min: Int64, max: Int64)
        case bool
        case cvr
        case identifier
        case text(bytesMax: Int)
        /// Left to the full check when present.
        case undecided
    }

    /// A field: `"name":` as bytes, its kind and whether it must be present.
    struct Field: Sendable {
        var key: [UInt8]
        var kind: Kind
        var required: Bool
    }

    /// An event type the scanner decides.
    struct TypeEntry: Sendable {
        var type: EventType
        var name: [UInt8]
        var citizen: Presence
        var municipality: Presence
        var fields: [Field]
    }

    /// Decided types by the length of their name.
    let typesByNameLength: [[TypeEntry]]
    /// `municipalityAllowed[code]` for codes 0...999.
    let municipalityAllowed: [Bool]

    /// Types left wholly to the full check: the first line, corrections (their facts depend on the
    /// corrected event's type), goals and publications (rare, with decimals and free text).
    static let undecidedTypes: Set<EventType> = [.ledgerOpened, .correction, .goalAdopted, .goalAmended, .publication]

    /// A scanner for a ledger whose first line names `municipalities`.
    public init(municipalities: Set<Int>) {
        var byLength: [[TypeEntry]] = []
        for type in EventType.allCases where !Self.undecidedTypes.contains(type) {
            let spec = Catalog.spec(type)
            let fields = spec.fields.map { field -> Field in
                let kind: Kind
                switch field.kind {
                case .choice(let values): kind = .choice(values.map { Array($0.utf8) })
                case .date: kind = .date
                case .month: kind = .month
                case .integer(let min, let max): kind = .integer(min: min, max: max)
                case .bool: kind = .bool
                case .cvr: kind = .cvr
                case .identifier: kind = .identifier
                case .text(let bytesMax): kind = .text(bytesMax: bytesMax)
                case .decimal, .sequence, .period, .municipalityList, .digest, .timestamp: kind = .undecided
                }
                return Field(key: Array("\"\(field.name)\":".utf8), kind: kind, required: field.required)
            }
            let name = Array(type.rawValue.utf8)
            while byLength.count <= name.count { byLength.append([]) }
            byLength[name.count].append(TypeEntry(type: type, name: name, citizen: spec.citizen, municipality: spec.municipality, fields: fields))
        }
        typesByNameLength = byLength
        municipalityAllowed = (0..<1000).map { municipalities.contains($0) }
    }

    /// Scans one line (without its newline); nil when the line is left to the full check.
    public func scan(_ line: UnsafeRawBufferPointer) -> Accepted? {
        guard let base = line.baseAddress else { return nil }
        var cursor = Cursor(base: base, end: line.count)
        return scanLine(&cursor)
    }

    /// A read position in a line.
    struct Cursor {
        let base: UnsafeRawPointer
        let end: Int
        var p = 0

        @inline(__always) func byte(_ i: Int) -> UInt8 { base.load(fromByteOffset: i, as: UInt8.self) }

        /// Consumes `literal` when the bytes at the cursor are exactly it.
        @inline(__always) mutating func take(_ literal: StaticString) -> Bool {
            let n = literal.utf8CodeUnitCount
            guard p + n <= end, memcmp(base + p, literal.utf8Start, n) == 0 else { return false }
            p += n
            return true
        }

        /// Consumes `bytes` when the bytes at the cursor are exactly them.
        @inline(__always) mutating func take(_ bytes: [UInt8]) -> Bool {
            let n = bytes.count
            guard p + n <= end else { return false }
            let equal = bytes.withUnsafeBytes { memcmp(base + p, $0.baseAddress!, n) == 0 }
            if equal { p += n }
            return equal
        }

        /// A quoted string without escapes: the offset and length of its content, the cursor after
        /// the closing quote. Nil for a backslash, a control character or no closing quote.
        mutating func plainString() -> (start: Int, count: Int)? {
            guard p < end, byte(p) == UInt8(ascii: "\"") else { return nil }
            let start = p + 1
            var i = start
            while i < end {
                let c = byte(i)
                if c == UInt8(ascii: "\"") { p = i + 1; return (start, i - start) }
                if c == UInt8(ascii: "\\") || c < 0x20 { return nil }
                i += 1
            }
            return nil
        }

        /// A canonical whole number: digits without a leading zero (or a single 0), at most 18.
        mutating func wholeNumber() -> Int64? {
            var value: Int64 = 0
            let start = p
            // 18 digits always fit an Int64; a 19th digit is refused before it is multiplied in.
            while p < end, p - start < 18 {
                let c = byte(p)
                guard c >= 48, c <= 57 else { break }
                value = value * 10 + Int64(c - 48)
                p += 1
            }
            let digits = p - start
            guard digits >= 1, !(digits > 1 && byte(start) == 48) else { return nil }
            if p < end, byte(p) >= 48, byte(p) <= 57 { return nil }
            return value
        }

        /// A fixed-length quoted value: the offset of its content.
        mutating func quoted(_ count: Int) -> Int? {
            guard p + count + 2 <= end, byte(p) == UInt8(ascii: "\""), byte(p + count + 1) == UInt8(ascii: "\"") else { return nil }
            defer { p += count + 2 }
            return p + 1
        }

        func bytes(_ start: Int, _ count: Int) -> UnsafeRawBufferPointer { UnsafeRawBufferPointer(start: base + start, count: count) }
    }

    private func scanLine(_ c: inout Cursor) -> Accepted? {
        guard c.take(#"{"seq":"#), let seq = c.wholeNumber(), seq >= 2 else { return nil }
        guard c.take(#","recorded_at":"#), let at = c.quoted(24),
              let recordedAt = Timestamp(isoBytes: c.bytes(at, 24), canonicalOnly: true) else { return nil }
        guard c.take(#","type":"#), let name = c.plainString(), let type = entry(c.bytes(name.start, name.count)) else { return nil }
        guard c.take(#","effective":"#), let effective = c.quoted(10), Day(isoBytes: c.bytes(effective, 10)) != nil else { return nil }
        guard c.take(#","municipality":"#) else { return nil }
        if c.take("null") {
            guard type.municipality != .required else { return nil }
        } else {
            guard type.municipality != .none, let code = c.quoted(3), let m = Day.digits(c.bytes(code, 3), 0, 3), municipalityAllowed[m] else { return nil }
        }
        guard c.take(#","citizen":"#) else { return nil }
        if c.take("null") {
            guard type.citizen != .required else { return nil }
        } else {
            guard type.citizen != .none, let pseudonym = c.quoted(18), Pseudonym(bytes: c.bytes(pseudonym, 18)) != nil else { return nil }
        }
        guard c.take(#","facts":{"#), scanFacts(&c, type.fields) else { return nil }
        guard c.take(#"},"prev":""#), c.p + 64 <= c.end, SHA256Digest(hexBytes: c.bytes(c.p, 64)) != nil else { return nil }
        let prevOffset = c.p
        c.p += 64
        guard c.take(#"","hash":""#), c.p + 64 <= c.end else { return nil }
        let hashOffset = c.p
        c.p += 64
        guard c.take(#""}"#), c.p == c.end else { return nil }
        return Accepted(seq: seq, recordedAt: recordedAt, prevOffset: prevOffset, hashOffset: hashOffset, type: type.type)
    }

    /// The decided type named by `name`, or nil.
    private func entry(_ name: UnsafeRawBufferPointer) -> TypeEntry? {
        guard name.count < typesByNameLength.count else { return nil }
        for entry in typesByNameLength[name.count] where entry.name.withUnsafeBytes({ memcmp($0.baseAddress!, name.baseAddress!, name.count) == 0 }) {
            return entry
        }
        return nil
    }

    /// The facts object's members, in catalog order, up to (not including) its closing brace.
    private func scanFacts(_ c: inout Cursor, _ fields: [Field]) -> Bool {
        var first = true
        for field in fields {
            let before = c.p
            if !first {
                guard c.p < c.end, c.byte(c.p) == UInt8(ascii: ",") else {
                    if field.required { return false }
                    continue
                }
                c.p += 1
            }
            guard c.take(field.key) else {
                c.p = before
                if field.required { return false }
                continue
            }
            guard scanValue(&c, field.kind) else { return false }
            first = false
        }
        return c.p < c.end && c.byte(c.p) == UInt8(ascii: "}")
    }

    private func scanValue(_ c: inout Cursor, _ kind: Kind) -> Bool {
        switch kind {
        case .choice(let values):
            guard let s = c.plainString() else { return false }
            let text = c.bytes(s.start, s.count)
            return values.contains { $0.count == s.count && $0.withUnsafeBytes { memcmp($0.baseAddress!, text.baseAddress!, s.count) == 0 } }
        case .date:
            guard let at = c.quoted(10) else { return false }
            return Day(isoBytes: c.bytes(at, 10)) != nil
        case .month:
            guard let at = c.quoted(7), c.byte(at + 4) == UInt8(ascii: "-"),
                  let year = Day.digits(c.bytes(at, 4), 0, 4), let month = Day.digits(c.bytes(at + 5, 2), 0, 2) else { return false }
            return Day(year: year, month: month, day: 1) != nil
        case .integer(let min, let max):
            guard let value = c.wholeNumber() else { return false }
            return value >= min && value <= max
        case .bool:
            return c.take("true") || c.take("false")
        case .cvr:
            guard let at = c.quoted(8) else { return false }
            return Day.digits(c.bytes(at, 8), 0, 8) != nil
        case .identifier:
            guard let s = c.plainString(), s.count >= 1, s.count <= 64 else { return false }
            let text = c.bytes(s.start, s.count)
            guard text.allSatisfy(Self.isIdentifierByte) else { return false }
            return CPR.firstCPRShape(text) == nil
        case .text(let bytesMax):
            guard let s = c.plainString(), s.count >= 1, s.count <= bytesMax else { return false }
            let text = c.bytes(s.start, s.count)
            // Printable ASCII only: anything else (UTF-8, DEL) is left to the full check.
            guard text.allSatisfy({ $0 >= 0x20 && $0 < 0x7F }) else { return false }
            return CPR.firstCPRShape(text) == nil
        case .undecided:
            return false
        }
    }

    /// `A-Z a-z 0-9 . _ : / -` (``Validators/isIdentifier(_:)``).
    @inline(__always)
    static func isIdentifierByte(_ b: UInt8) -> Bool {
        (b >= 48 && b <= 57) || (b >= 65 && b <= 90) || (b >= 97 && b <= 122)
            || b == UInt8(ascii: ".") || b == UInt8(ascii: "_") || b == UInt8(ascii: ":") || b == UInt8(ascii: "/") || b == UInt8(ascii: "-")
    }
}
