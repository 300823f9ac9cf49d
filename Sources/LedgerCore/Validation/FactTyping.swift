/// Turns input facts (JSON values, or CSV cells as strings) into typed, canonical facts by the catalog.
enum FactTyping {
    /// A field-level rejection: the field's name and what is wrong, in English and in Danish.
    struct Rejection: Error { var field: String; var message: String; var danishMessage: String }

    /// Types `given` against `fields`: unknown fields, missing required fields and bad values are rejected.
    /// The result is in the catalog's order.
    static func type(_ given: [(name: String, value: JSONValue)], fields: [FieldSpec], typeName: String) throws(Rejection) -> [Fact] {
        for (name, _) in given where !fields.contains(where: { $0.name == name }) {
            let names = fields.map(\.name).joined(separator: ", ")
            throw Rejection(field: name, message: "unknown field for \(typeName); its fields are: " + (fields.isEmpty ? "none" : names),
                            danishMessage: "ukendt felt for \(typeName); typens felter er: " + (fields.isEmpty ? "ingen" : names))
        }
        var facts: [Fact] = []
        for spec in fields {
            guard let entry = given.first(where: { $0.name == spec.name }), entry.value != .null else {
                if spec.required {
                    throw Rejection(field: spec.name, message: "required field is missing (\(spec.kind.summary))",
                                    danishMessage: "feltet skal udfyldes (\(spec.kind.summary(in: .danish)))")
                }
                continue
            }
            facts.append(Fact(spec.name, try value(entry.value, spec: spec)))
        }
        return facts
    }

    static func value(_ json: JSONValue, spec: FieldSpec) throws(Rejection) -> FactValue {
        func reject(_ message: String, da danish: String) -> Rejection { Rejection(field: spec.name, message: message, danishMessage: danish) }
        // Built only for a rejection: typing is on append's hot path.
        func danishKind() -> String { spec.kind.summary(in: .danish) }
        func string() throws(Rejection) -> String {
            guard case .string(let s) = json else {
                throw reject("expected \(spec.kind.summary), found \(json.kindName)", da: "skal være \(danishKind()), ikke \(danishKindName(json))")
            }
            return s
        }
        func cprShaped() -> Rejection {
            reject("looks like it holds a CPR number; CPR numbers go in the cpr field only",
                   da: "ser ud til at indeholde et CPR-nummer; et CPR-nummer angives kun som borgerens CPR-nummer (feltet cpr)")
        }
        func numberText() throws(Rejection) -> String {
            switch json {
            case .number(let n): return n
            case .string(let s): return s.trimmingSpaces
            default: throw reject("expected \(spec.kind.summary), found \(json.kindName)", da: "skal være \(danishKind()), ikke \(danishKindName(json))")
            }
        }
        switch spec.kind {
        case .text(let bytesMax):
            let s = try string()
            guard !s.isEmpty else { throw reject("must not be empty", da: "må ikke være tom") }
            guard s.utf8.count <= bytesMax else { throw reject("longer than \(bytesMax) bytes", da: "længere end \(bytesMax) bytes") }
            guard !s.unicodeScalars.contains(where: { $0.value < 0x20 || (0x7F...0x9F).contains($0.value) }) else {
                throw reject("control characters are not allowed", da: "kontroltegn er ikke tilladt")
            }
            guard !CPR.containsCPRShape(s) else { throw cprShaped() }
            return .text(s)
        case .identifier:
            let s = try string()
            guard Validators.isIdentifier(s) else { throw reject("expected \(spec.kind.summary)", da: "skal være \(danishKind())") }
            guard !CPR.containsCPRShape(s) else { throw cprShaped() }
            return .text(s)
        case .choice(let values):
            let s = try string()
            guard values.contains(s) else {
                throw reject("\"\(String(s.prefix(40)))\" is not \(spec.kind.summary)", da: "\"\(String(s.prefix(40)))\" er ikke \(danishKind())")
            }
            return .text(s)
        case .date:
            guard let day = Day(iso: try string()) else {
                throw reject("expected a real calendar date YYYY-MM-DD", da: "skal være en gyldig dato ÅÅÅÅ-MM-DD")
            }
            return .date(day)
        case .month:
            let s = try string()
            guard s.utf8.count == 7, Day(iso: s + "-01") != nil else { throw reject("expected a month YYYY-MM", da: "skal være en måned ÅÅÅÅ-MM") }
            return .text(s)
        case .integer(let min, let max):
            let text = try numberText()
            guard let v = Int64(text), String(v) == text else { throw reject("expected a whole number", da: "skal være et helt tal") }
            guard v >= min, v <= max else { throw reject("\(v) is outside \(min)...\(max)", da: "\(v) ligger uden for \(min)-\(max)") }
            return .integer(v)
        case .sequence:
            let text = try numberText()
            guard let v = Int64(text), String(v) == text, v >= 1 else {
                throw reject("expected a sequence number (1 or more)", da: "skal være et løbenummer (seq, 1 eller derover)")
            }
            return .integer(v)
        case .decimal:
            let text = try numberText()
            guard let canonical = CanonicalEncoder.canonicalDecimal(text) else {
                throw reject("expected a decimal number without exponent, at most 6 fraction digits",
                             da: "skal være et decimaltal uden eksponent med højst 6 decimaler (punktum som decimaltegn)")
            }
            // Ten digits in a row could be a CPR number put in the wrong field; no figure needs them.
            guard !CPR.containsCPRShape(canonical) else {
                throw reject("looks like a CPR number; CPR numbers go in the cpr field only", da: "ligner et CPR-nummer; et CPR-nummer angives kun som borgerens CPR-nummer (feltet cpr)")
            }
            return .decimal(canonical)
        case .bool:
            switch json {
            case .bool(let b): return .bool(b)
            case .string(let s):
                switch s.lowercased() {
                case "true", "ja", "yes", "1": return .bool(true)
                case "false", "nej", "no", "0": return .bool(false)
                default: throw reject("expected true or false", da: "skal være ja eller nej")
                }
            default: throw reject("expected true or false, found \(json.kindName)", da: "skal være ja eller nej, ikke \(danishKindName(json))")
            }
        case .cvr:
            let s: String
            switch json {
            case .string(let text): s = text
            case .number(let text): s = text
            default: throw reject("expected a CVR number (8 digits), found \(json.kindName)", da: "skal være et CVR-nummer (8 cifre), ikke \(danishKindName(json))")
            }
            guard s.utf8.count == 8, s.utf8.allSatisfy({ $0 >= 48 && $0 <= 57 }) else {
                throw reject("expected a CVR number: exactly 8 digits", da: "skal være et CVR-nummer: præcis 8 cifre")
            }
            return .text(s)
        case .period:
            let s = try string()
            guard Period(text: s) != nil else { throw reject("expected \(spec.kind.summary)", da: "skal være \(danishKind())") }
            return .text(s)
        case .municipalityList:
            let s = try string()
            let codes = s.split(separator: ",", omittingEmptySubsequences: false)
            guard !codes.isEmpty, codes.allSatisfy({ $0.utf8.count == 3 && $0.utf8.allSatisfy { $0 >= 48 && $0 <= 57 } }) else {
                throw reject("expected comma-separated three-digit codes, e.g. 183,187", da: "skal være kommunekoder på tre cifre adskilt af komma, fx 183,187")
            }
            return .text(s)
        case .digest:
            let s = try string()
            guard SHA256Digest(hex: s) != nil else { throw reject("expected 64 lowercase hex digits", da: "skal være 64 hex-cifre med små bogstaver") }
            return .text(s)
        case .timestamp:
            guard let t = Timestamp(iso: try string()) else { throw reject("expected YYYY-MM-DDTHH:MM:SS.mmmZ", da: "skal være et tidspunkt ÅÅÅÅ-MM-DDTTT:MM:SS.mmmZ") }
            return .text(t.iso)
        }
    }

    /// What a JSON value is, in Danish, for "ikke ..." (the counterpart of ``JSONValue/kindName``).
    static func danishKindName(_ json: JSONValue) -> String {
        switch json {
        case .null: return "null"
        case .bool: return "en sandhedsværdi"
        case .number: return "et tal"
        case .string: return "en tekst"
        case .array: return "en liste"
        case .object: return "et objekt"
        }
    }
}

/// Small shape checks shared by the validator and the commands.
public enum Validators {
    /// Whether `s` is 1 to 64 of `A-Z a-z 0-9 . _ : / -`.
    public static func isIdentifier(_ s: String) -> Bool {
        let bytes = s.utf8
        guard !bytes.isEmpty, bytes.count <= 64 else { return false }
        return bytes.allSatisfy { b in
            (b >= 48 && b <= 57) || (b >= 65 && b <= 90) || (b >= 97 && b <= 122)
                || b == UInt8(ascii: ".") || b == UInt8(ascii: "_") || b == UInt8(ascii: ":") || b == UInt8(ascii: "/") || b == UInt8(ascii: "-")
        }
    }
}

extension String {
    var trimmingSpaces: String {
        var s = Substring(self)
        while s.first == " " { s = s.dropFirst() }
        while s.last == " " { s = s.dropLast() }
        return String(s)
    }
}
