/// Percent-encoding (RFC 3986) and HTML form encoding, strict: a `%` not followed by two hex
/// digits, a decoded control character other than tab, or bytes that are not UTF-8 are refused.
public enum PercentEncoding {
    /// The decoded text of `bytes`, or nil when the encoding is bad. With `plusIsSpace` (forms and
    /// queries) `+` means a space.
    public static func decode(_ bytes: ArraySlice<UInt8>, plusIsSpace: Bool) -> String? {
        var out: [UInt8] = []
        out.reserveCapacity(bytes.count)
        var i = bytes.startIndex
        while i < bytes.endIndex {
            let byte = bytes[i]
            if byte == UInt8(ascii: "%") {
                guard i + 2 < bytes.endIndex, let high = hexValue(bytes[i + 1]), let low = hexValue(bytes[i + 2]) else { return nil }
                out.append(high << 4 | low)
                i += 3
                continue
            }
            out.append(plusIsSpace && byte == UInt8(ascii: "+") ? UInt8(ascii: " ") : byte)
            i += 1
        }
        // Control characters (other than tab) are never meaningful in a path, a query or a form
        // field here: every value is one line of an event or a choice.
        for byte in out where (byte < 0x20 && byte != 0x09) || byte == 0x7F { return nil }
        return String(validating: out, as: UTF8.self)
    }

    /// The name and value pairs of a form or query (`a=1&b=two+words`), decoded; nil when any part
    /// is badly encoded. Empty parts (`a=1&&b=2`) are skipped; a part without `=` has an empty value.
    public static func decodeForm(_ bytes: ArraySlice<UInt8>) -> [(name: String, value: String)]? {
        var pairs: [(name: String, value: String)] = []
        for part in bytes.split(separator: UInt8(ascii: "&"), omittingEmptySubsequences: true) {
            let equals = part.firstIndex(of: UInt8(ascii: "="))
            let nameBytes = equals.map { part[part.startIndex..<$0] } ?? part
            let valueBytes = equals.map { part[($0 + 1)...] } ?? []
            guard let name = decode(nameBytes, plusIsSpace: true), let value = decode(valueBytes, plusIsSpace: true) else { return nil }
            pairs.append((name, value))
        }
        return pairs
    }

    /// `text` encoded for a query or form value: letters, digits and `-._~` kept, everything else `%XX`.
    public static func encode(_ text: String) -> String {
        var out = ""
        for byte in text.utf8 {
            switch byte {
            case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "0")...UInt8(ascii: "9"),
                 UInt8(ascii: "-"), UInt8(ascii: "."), UInt8(ascii: "_"), UInt8(ascii: "~"):
                out.unicodeScalars.append(Unicode.Scalar(byte))
            default:
                let digits = Array("0123456789ABCDEF")
                out += "%" + String(digits[Int(byte >> 4)]) + String(digits[Int(byte & 15)])
            }
        }
        return out
    }

    static func hexValue(_ byte: UInt8) -> UInt8? {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): return byte - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): return byte - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): return byte - UInt8(ascii: "A") + 10
        default: return nil
        }
    }
}
