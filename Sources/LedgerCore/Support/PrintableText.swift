/// Text from input made safe to print in a message: control characters are shown as escapes, so
/// that a field name or cell in bad input cannot move the terminal's cursor, change its colours or
/// start a false new line in a log.
public enum PrintableText {
    /// `text` with every C0 and C1 control character (and DEL) written as `\u{1B}`-style escapes.
    public static func escapingControls(_ text: String) -> String {
        guard text.unicodeScalars.contains(where: isControl) else { return text }
        var out = ""
        out.reserveCapacity(text.utf8.count + 8)
        for scalar in text.unicodeScalars {
            if isControl(scalar) {
                out += "\\u{" + String(scalar.value, radix: 16, uppercase: true) + "}"
            } else {
                out.unicodeScalars.append(scalar)
            }
        }
        return out
    }

    static func isControl(_ scalar: Unicode.Scalar) -> Bool {
        scalar.value < 0x20 || (scalar.value >= 0x7F && scalar.value <= 0x9F)
    }
}
