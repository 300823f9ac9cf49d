import LedgerCore

/// A JSON value to print, with a stable rendering: keys in the order given, no whitespace,
/// numbers with at most 4 fraction digits and no trailing zeros. Reports' JSON is canonical in this
/// sense, so its SHA-256 digest is reproducible.
public indirect enum JSONOut: Sendable {
    /// A string.
    case string(String)
    /// A number.
    case number(Double)
    /// A whole number.
    case integer(Int64)
    /// true or false.
    case bool(Bool)
    /// null.
    case null
    /// An array.
    case array([JSONOut])
    /// An object, keys in order.
    case object([(String, JSONOut)])

    /// A string or null.
    public static func optional(_ s: String?) -> JSONOut { s.map { .string($0) } ?? .null }
    /// A number or null.
    public static func optional(_ d: Double?) -> JSONOut { d.map { .number($0) } ?? .null }

    /// The compact rendering.
    public func render() -> String {
        var out: [UInt8] = []
        render(into: &out)
        return String(decoding: out, as: UTF8.self)
    }

    func render(into out: inout [UInt8]) {
        switch self {
        case .string(let s): CanonicalEncoder.appendString(s, to: &out)
        case .number(let d): out.append(contentsOf: JSONOut.format(d).utf8)
        case .integer(let i): out.append(contentsOf: String(i).utf8)
        case .bool(let b): out.append(contentsOf: (b ? "true" : "false").utf8)
        case .null: out.append(contentsOf: "null".utf8)
        case .array(let items):
            out.append(UInt8(ascii: "["))
            for (i, item) in items.enumerated() {
                if i > 0 { out.append(UInt8(ascii: ",")) }
                item.render(into: &out)
            }
            out.append(UInt8(ascii: "]"))
        case .object(let members):
            out.append(UInt8(ascii: "{"))
            for (i, (key, value)) in members.enumerated() {
                if i > 0 { out.append(UInt8(ascii: ",")) }
                CanonicalEncoder.appendString(key, to: &out)
                out.append(UInt8(ascii: ":"))
                value.render(into: &out)
            }
            out.append(UInt8(ascii: "}"))
        }
    }

    /// A number rounded to 4 fraction digits, without trailing zeros (`null` when not finite).
    public static func format(_ d: Double) -> String {
        guard d.isFinite else { return "null" }
        let scaled = (d * 10_000).rounded()
        var negative = scaled < 0
        let magnitude = Int64(abs(scaled))
        if magnitude == 0 { negative = false }
        let whole = magnitude / 10_000
        var fraction = magnitude % 10_000
        var text = (negative ? "-" : "") + String(whole)
        if fraction != 0 {
            var digits = 4
            while fraction % 10 == 0 { fraction /= 10; digits -= 1 }
            let f = String(fraction)
            text += "." + String(repeating: "0", count: digits - f.count) + f
        }
        return text
    }

    /// A number for people: rounded to `digits` fraction digits (trailing zeros removed).
    public static func human(_ d: Double?, digits: Int = 1) -> String {
        guard let d, d.isFinite else { return "-" }
        var p = 1.0
        for _ in 0..<digits { p *= 10 }
        return format((d * p).rounded() / p)
    }
}
