/// Writes events in the ledger's canonical line encoding (EventLogs/FORMAT.md, "Canonical encoding").
///
/// A line is one JSON object with the keys, in this order: `seq`, `recorded_at`, `type`, `effective`,
/// `municipality`, `citizen`, `facts`, `prev`, `hash`; no whitespace; strings escaped only where
/// JSON requires it; facts in the catalog's order. The line's hash is SHA-256 over the bytes
/// before `,"hash":`, which end with the previous line's hash as written.
public enum CanonicalEncoder {
    /// Bytes in `,"hash":"` + 64 hex digits + `"}`: what follows the hashed part of every line.
    public static let hashSuffixBytes = 75

    /// Appends the hashed part of a line (from `{` to the closing quote of `prev`) to `out`.
    public static func appendBody(seq: Int64, recordedAt: Timestamp, event: Event, prev: SHA256Digest, to out: inout [UInt8]) {
        assert(seq >= 1, "sequence numbers start at 1")
        out.append(contentsOf: #"{"seq":"#.utf8)
        appendInteger(seq, to: &out)
        out.append(contentsOf: #","recorded_at":""#.utf8)
        appendTimestamp(recordedAt, to: &out)
        out.append(contentsOf: #"","type":""#.utf8)
        out.append(contentsOf: event.type.rawValue.utf8)
        out.append(contentsOf: #"","effective":""#.utf8)
        appendDay(event.effective, to: &out)
        out.append(contentsOf: #"","municipality":"#.utf8)
        if let m = event.municipality {
            out.append(UInt8(ascii: "\""))
            out.append(contentsOf: municipalityText(m).utf8)
            out.append(UInt8(ascii: "\""))
        } else {
            out.append(contentsOf: "null".utf8)
        }
        out.append(contentsOf: #","citizen":"#.utf8)
        if let c = event.citizen {
            out.append(UInt8(ascii: "\""))
            c.appendText(to: &out)
            out.append(UInt8(ascii: "\""))
        } else {
            out.append(contentsOf: "null".utf8)
        }
        out.append(contentsOf: #","facts":{"#.utf8)
        for (index, fact) in event.facts.enumerated() {
            if index > 0 { out.append(UInt8(ascii: ",")) }
            appendString(fact.name, to: &out)
            out.append(UInt8(ascii: ":"))
            appendValue(fact.value, to: &out)
        }
        out.append(contentsOf: #"},"prev":""#.utf8)
        let start = out.count
        out.append(contentsOf: repeatElement(0, count: 64))
        out.withUnsafeMutableBytes { prev.writeHex(to: $0.baseAddress! + start) }
        out.append(UInt8(ascii: "\""))
    }

    /// Encodes a whole line, with its hash and a final newline; returns the line's hash.
    @discardableResult
    public static func appendLine(seq: Int64, recordedAt: Timestamp, event: Event, prev: SHA256Digest, to out: inout [UInt8]) -> SHA256Digest {
        let start = out.count
        appendBody(seq: seq, recordedAt: recordedAt, event: event, prev: prev, to: &out)
        let hash = out.withUnsafeBytes { SHA256.hash(UnsafeRawBufferPointer(rebasing: $0[start...])) }
        out.append(contentsOf: #","hash":""#.utf8)
        let hexStart = out.count
        out.append(contentsOf: repeatElement(0, count: 64))
        out.withUnsafeMutableBytes { hash.writeHex(to: $0.baseAddress! + hexStart) }
        out.append(contentsOf: "\"}\n".utf8)
        return hash
    }

    /// A municipality code as written: three digits.
    public static func municipalityText(_ code: Int) -> String {
        code < 10 ? "00\(code)" : code < 100 ? "0\(code)" : String(code)
    }

    /// Appends a fact value in canonical form.
    public static func appendValue(_ value: FactValue, to out: inout [UInt8]) {
        switch value {
        case .text(let s): appendString(s, to: &out)
        case .integer(let i): appendInteger(i, to: &out)
        case .decimal(let d): out.append(contentsOf: d.utf8)
        case .bool(let b): out.append(contentsOf: (b ? "true" : "false").utf8)
        case .date(let d):
            out.append(UInt8(ascii: "\""))
            appendDay(d, to: &out)
            out.append(UInt8(ascii: "\""))
        }
    }

    /// Appends a decimal integer.
    public static func appendInteger(_ value: Int64, to out: inout [UInt8]) {
        if value < 0 {
            out.append(contentsOf: String(value).utf8)
            return
        }
        var digits: (UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8,
                     UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8) = (0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0)
        var count = 0
        var v = value
        withUnsafeMutableBytes(of: &digits) { buffer in
            repeat {
                buffer[19 - count] = UInt8(48 + v % 10)
                v /= 10
                count += 1
            } while v > 0
            out.append(contentsOf: buffer[(20 - count)...])
        }
    }

    /// Appends `value` as exactly `width` decimal digits (zero-padded).
    @inline(__always)
    static func appendDigits(_ value: Int, width: Int, to out: inout [UInt8]) {
        var divisor = 1
        for _ in 1..<width { divisor *= 10 }
        var v = value
        while divisor > 0 {
            out.append(UInt8(48 + v / divisor % 10))
            v %= divisor
            divisor /= 10
        }
    }

    /// Appends a day as `YYYY-MM-DD`.
    public static func appendDay(_ day: Day, to out: inout [UInt8]) {
        let c = day.civil
        appendDigits(c.year, width: 4, to: &out)
        out.append(UInt8(ascii: "-"))
        appendDigits(c.month, width: 2, to: &out)
        out.append(UInt8(ascii: "-"))
        appendDigits(c.day, width: 2, to: &out)
    }

    /// Appends an instant as `YYYY-MM-DDTHH:MM:SS.mmmZ`.
    public static func appendTimestamp(_ t: Timestamp, to out: inout [UInt8]) {
        let day = t.utcDay
        let rest = Int(t.milliseconds - Int64(day.ordinal) * 86_400_000)
        appendDay(day, to: &out)
        out.append(UInt8(ascii: "T"))
        appendDigits(rest / 3_600_000, width: 2, to: &out)
        out.append(UInt8(ascii: ":"))
        appendDigits(rest / 60_000 % 60, width: 2, to: &out)
        out.append(UInt8(ascii: ":"))
        appendDigits(rest / 1000 % 60, width: 2, to: &out)
        out.append(UInt8(ascii: "."))
        appendDigits(rest % 1000, width: 3, to: &out)
        out.append(UInt8(ascii: "Z"))
    }

    static let hexDigits: [UInt8] = Array("0123456789abcdef".utf8)

    /// Appends a JSON string, escaping only `"`, `\` and control characters
    /// (`\b \f \n \r \t` in short form, others as `\u00xx` with lowercase hex).
    public static func appendString(_ s: String, to out: inout [UInt8]) {
        out.append(UInt8(ascii: "\""))
        for b in s.utf8 {
            switch b {
            case 0x22: out.append(0x5C); out.append(0x22)
            case 0x5C: out.append(0x5C); out.append(0x5C)
            case 0x08: out.append(0x5C); out.append(UInt8(ascii: "b"))
            case 0x0C: out.append(0x5C); out.append(UInt8(ascii: "f"))
            case 0x0A: out.append(0x5C); out.append(UInt8(ascii: "n"))
            case 0x0D: out.append(0x5C); out.append(UInt8(ascii: "r"))
            case 0x09: out.append(0x5C); out.append(UInt8(ascii: "t"))
            case 0..<0x20:
                out.append(contentsOf: #"\u00"#.utf8)
                out.append(hexDigits[Int(b >> 4)])
                out.append(hexDigits[Int(b & 15)])
            default: out.append(b)
            }
        }
        out.append(UInt8(ascii: "\""))
    }

    /// Canonical form of a decimal literal (no exponent): nil when it is not a plain decimal
    /// or has more than `fractionDigitsMax` fraction digits. `12.50` becomes `12.5`, `-0.0` becomes `0`.
    public static func canonicalDecimal(_ literal: String, fractionDigitsMax: Int = 6) -> String? {
        var text = Substring(literal)
        var negative = false
        if text.first == "-" { negative = true; text = text.dropFirst() }
        let parts = text.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 1 || parts.count == 2 else { return nil }
        let whole = parts[0]
        guard !whole.isEmpty, whole.allSatisfy({ $0.isASCII && $0.isNumber }) else { return nil }
        guard whole == "0" || whole.first != "0" else { return nil }
        var fraction = parts.count == 2 ? parts[1] : ""
        if parts.count == 2 { guard !fraction.isEmpty, fraction.allSatisfy({ $0.isASCII && $0.isNumber }) else { return nil } }
        while fraction.last == "0" { fraction = fraction.dropLast() }
        guard fraction.count <= fractionDigitsMax, whole.count <= 15 else { return nil }
        var result = String(whole)
        if !fraction.isEmpty { result += "." + fraction }
        if negative && result != "0" { result = "-" + result }
        return result
    }
}
