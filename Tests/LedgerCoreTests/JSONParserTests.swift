// The strict JSON parser for input lines: valid values, and errors with their column.

import Testing

@testable import LedgerCore

@Suite struct JSONParserTests {
    /// Parses bytes; returns the value or the syntax error.
    static func parse(_ bytes: [UInt8]) -> Result<JSONValue, JSONSyntaxError> {
        Result { () throws(JSONSyntaxError) -> JSONValue in try JSONParser.parse(bytes) }
    }

    static func parse(_ text: String) -> Result<JSONValue, JSONSyntaxError> { parse(Array(text.utf8)) }

    @Test("scalars and containers parse to the expected values")
    func validValues() throws {
        let text = #" {"a" : [1, -2.50e+3, 0, -0.5, true, false, null, "x\u00e6\ud83d\ude00\/\n"], "b": {}, "c": [], "d": "æøå"} "#
        let value = try Self.parse(text).get()
        let expected: JSONValue = .object([
            (key: "a", value: .array([
                .number("1"), .number("-2.50e+3"), .number("0"), .number("-0.5"), .bool(true), .bool(false), .null,
                .string("xæ\u{1F600}/\n"),
            ])),
            (key: "b", value: .object([])),
            (key: "c", value: .array([])),
            (key: "d", value: .string("æøå")),
        ])
        #expect(value == expected)
    }

    @Test("object members keep their input order")
    func memberOrder() throws {
        guard case .object(let members) = try Self.parse(#"{"z":1,"a":2,"m":3}"#).get() else {
            Issue.record("not an object")
            return
        }
        #expect(members.map(\.key) == ["z", "a", "m"])
    }

    @Test("numbers keep their literal text")
    func numberLiterals() throws {
        for literal in ["12.50", "-0", "1E5", String(repeating: "9", count: 40), "0.000001"] {
            #expect(try Self.parse(literal).get() == .number(literal))
        }
    }

    @Test("exactly 16 levels of nesting are accepted")
    func depthLimit() throws {
        let text = String(repeating: "[", count: JSONParser.depthMax) + String(repeating: "]", count: JSONParser.depthMax)
        #expect(throws: Never.self) { try Self.parse(text).get() }
    }

    /// An input that must fail, the 1-based column expected and a fragment of the message.
    struct ErrorCase: Sendable, CustomTestStringConvertible {
        let label: String
        let bytes: [UInt8]
        let column: Int
        let fragment: String
        var testDescription: String { label }

        init(_ label: String, _ text: String, column: Int, _ fragment: String) {
            self.init(label, Array(text.utf8), column: column, fragment)
        }

        init(_ label: String, _ bytes: [UInt8], column: Int, _ fragment: String) {
            self.label = label
            self.bytes = bytes
            self.column = column
            self.fragment = fragment
        }
    }

    static let errorCases: [ErrorCase] = [
        ErrorCase("trailing data", #"{"a":1} x"#, column: 9, "after the JSON value"),
        ErrorCase("a second value", #"{"a":1}{}"#, column: 8, "after the JSON value"),
        ErrorCase("duplicate key", #"{"a":1,"a":2}"#, column: 8, "duplicate member"),
        ErrorCase("duplicate key in a nested object", #"{"f":{"x":1, "x":1}}"#, column: 14, "duplicate member"),
        ErrorCase("invalid UTF-8 byte", Array(#"["a"#.utf8) + [0xFF] + Array(#""]"#.utf8), column: 4, "invalid UTF-8"),
        ErrorCase("overlong UTF-8", Array(#"["ab"#.utf8) + [0xC0, 0x80] + Array(#""]"#.utf8), column: 5, "invalid UTF-8"),
        ErrorCase("UTF-8 encoded surrogate", Array(#"[""#.utf8) + [0xED, 0xA0, 0x80] + Array(#""]"#.utf8), column: 3, "invalid UTF-8"),
        ErrorCase("truncated UTF-8 sequence", Array(#"[""#.utf8) + [0xC3], column: 3, "invalid UTF-8"),
        ErrorCase("lone high surrogate", #"["\ud800"]"#, column: 9, "lone surrogate"),
        ErrorCase("lone low surrogate", #"["\udc00"]"#, column: 9, "lone surrogate"),
        ErrorCase("high surrogate without a low one", #"["\ud800\u0041"]"#, column: 15, "invalid surrogate pair"),
        ErrorCase("leading zero", "[01]", column: 3, "leading zero"),
        ErrorCase("leading zero after minus", #"{"n":-007}"#, column: 8, "leading zero"),
        ErrorCase("raw tab in a string", "[\"a\tb\"]", column: 4, "control character"),
        ErrorCase("raw newline in a string", "{\"k\":\"a\nb\"}", column: 8, "control character"),
        ErrorCase("raw NUL in a string", Array("[\"".utf8) + [0x00] + Array("\"]".utf8), column: 3, "control character"),
        ErrorCase("depth 17", String(repeating: "[", count: 17) + String(repeating: "]", count: 17), column: 17, "nesting deeper than 16"),
        ErrorCase("depth 17 in objects", String(repeating: #"{"a":"#, count: 17) + "1" + String(repeating: "}", count: 17), column: 81, "nesting deeper than 16"),
        ErrorCase("unterminated string", #"{"a":"b"#, column: 8, "unterminated string"),
        ErrorCase("invalid escape", #"["\x"]"#, column: 5, "invalid escape"),
        ErrorCase("single quotes", "{'a':1}", column: 2, "member name"),
        ErrorCase("trailing comma", "[1,]", column: 4, "unexpected character"),
        ErrorCase("no digit after the point", "[1.]", column: 4, "no digit after"),
        ErrorCase("empty input", "", column: 1, "unexpected end"),
        ErrorCase("bare word", "[nul]", column: 2, "unexpected"),
        ErrorCase("number longer than 40 characters", "[" + String(repeating: "9", count: 41) + "]", column: 2, "longer than 40"),
    ]

    @Test("syntax errors name the column", arguments: errorCases)
    func errors(_ c: ErrorCase) {
        switch Self.parse(c.bytes) {
        case .success(let value):
            Issue.record("parsed as \(value)")
        case .failure(let error):
            #expect(error.column == c.column, "\(error)")
            #expect(error.message.contains(c.fragment), "\(error)")
            #expect(error.description.hasPrefix("column \(c.column): "))
        }
    }

    @Test("the first invalid UTF-8 offset is found")
    func firstInvalidUTF8() {
        func offset(_ bytes: [UInt8]) -> Int? { bytes.withUnsafeBytes { JSONParser.firstInvalidUTF8($0) } }
        #expect(offset(Array("æøå 😀 ok".utf8)) == nil)
        #expect(offset([0x61, 0x62, 0x80]) == 2)  // a continuation byte with no lead
        #expect(offset([0xF4, 0x90, 0x80, 0x80]) == 0)  // above U+10FFFF
        #expect(offset([0xE0, 0x80, 0x80]) == 0)  // overlong
    }
}
