// CPR numbers: which are accepted, how they are kept out of text, and their pseudonyms.
// Every CPR-shaped string here is assembled at run time from parts.

import Testing

@testable import LedgerCore

@Suite struct CPRTests {
    /// A date part (DDMMYY), a serial part (SSSS) and whether the number is accepted.
    struct DigitsCase: Sendable, CustomTestStringConvertible {
        let label: String
        let date: String
        let serial: String
        let valid: Bool
        var testDescription: String { label }
    }

    static let digitsCases: [DigitsCase] = [
        DigitsCase(label: "1 January 1990", date: "0101" + "90", serial: "1234", valid: true),
        DigitsCase(label: "31 February is never a date", date: "3102" + "90", serial: "1234", valid: false),
        DigitsCase(label: "29 February 1990: not a leap year", date: "2902" + "90", serial: "1234", valid: false),
        DigitsCase(label: "29 February 1992: a leap year", date: "2902" + "92", serial: "1234", valid: true),
        DigitsCase(label: "29 February 1900 (7th digit 0): not a leap year", date: "2902" + "00", serial: "0123", valid: false),
        DigitsCase(label: "29 February 2000 (7th digit 4, year 00): a leap year", date: "2902" + "00", serial: "4123", valid: true),
        DigitsCase(label: "29 February 2000 (7th digit 5, year 00)", date: "2902" + "00", serial: "5123", valid: true),
        DigitsCase(label: "29 February 2056 (7th digit 5, year 56)", date: "2902" + "56", serial: "5123", valid: true),
        DigitsCase(label: "29 February 1858 (7th digit 5, year 58): not a leap year", date: "2902" + "58", serial: "5123", valid: false),
        DigitsCase(label: "29 February 2036 (7th digit 9, year 36)", date: "2902" + "36", serial: "9123", valid: true),
        DigitsCase(label: "31 April", date: "3104" + "90", serial: "1234", valid: false),
        DigitsCase(label: "day 32", date: "3201" + "90", serial: "1234", valid: false),
        DigitsCase(label: "month 13", date: "0113" + "90", serial: "1234", valid: false),
        DigitsCase(label: "day 0", date: "0001" + "90", serial: "1234", valid: false),
        DigitsCase(label: "month 0", date: "0100" + "90", serial: "1234", valid: false),
    ]

    @Test("digits: real dates accepted, impossible ones rejected, with and without dash", arguments: digitsCases)
    func digits(_ c: DigitsCase) {
        let dashed = TestCPR.dashed(c.date, c.serial)
        let plain = TestCPR.plain(c.date, c.serial)
        let expected: [UInt8]? = c.valid ? Array(plain.utf8).map { $0 - 48 } : nil
        #expect(CPR.digits(dashed) == expected)
        #expect(CPR.digits(plain) == expected)
    }

    @Test("digits: malformed text is rejected")
    func malformed() {
        let date = "0101" + "90"
        for text in [
            date + " " + "1234",  // a space instead of the dash
            date + "/" + "1234",
            date + "-" + "123",  // too short
            date + "-" + "12345",  // too long
            date + "123",
            date + "12345",
            date + "-" + "12a4",
            "a" + date + "1234",
            date + "-" + "1234" + " ",
            "",
        ] {
            #expect(CPR.digits(text) == nil, "\(text.count) characters")
        }
    }

    @Test("shapes: six digits, dash or space, four digits, or ten digits, not inside longer digit or hex runs")
    func shapes() {
        let date = "0101" + "90"
        let shaped = [
            date + "-" + "1234", date + " " + "1234", date + "1234", "Borger " + date + "-" + "1234" + " ringede",
            "x" + date + "1234" + "y", "(" + date + "1234" + ")",
            "3102" + "90" + "1234",  // not a real date, still the shape: errs on the side of caution
        ]
        for text in shaped { #expect(CPR.containsCPRShape(text), "\(text.count) characters") }
        let notShaped = [
            date + "12345",  // eleven digits
            "1" + date + "1234",  // eleven digits
            "a" + date + "1234",  // inside a hex run
            date + "1234" + "f",  // inside a hex run
            date + "-" + "12345", date + "--" + "1234", date + "-" + "123", "2014-01-01", "12345678", "c-3fa91c0d22e8b417",
            SHA256.hash("x").hex, "",
        ]
        for text in notShaped { #expect(!CPR.containsCPRShape(text), "\(text)") }
    }

    @Test("redact removes every CPR shape and leaves other text alone")
    func redact() {
        let first = TestCPR.first
        let second = TestCPR.plain("1506" + "85", "2345")
        let text = "a " + first + " b " + second + " c"
        let redacted = CPR.redact(text)
        #expect(redacted == "a [CPR removed] b [CPR removed] c")
        #expect(!redacted.contains(TestCPR.digitText(first)))
        #expect(CPR.redact("seq 12 at 2014-01-01, cvr 12345678") == "seq 12 at 2014-01-01, cvr 12345678")
        #expect(CPR.redact("") == "")
        #expect(CPR.redact("æ" + "0101" + "90" + " " + "1234" + "ø") == "æ[CPR removed]ø")
    }

    @Test("pseudonyms are deterministic per key and differ between keys")
    func pseudonyms() throws {
        let key = PseudonymKey(bytes: (0..<32).map { UInt8($0) })
        let otherKey = PseudonymKey(bytes: [UInt8](repeating: 0xFF, count: 32))
        let digits = try #require(CPR.digits(TestCPR.first))
        let pseudonym = key.pseudonym(cprDigits: digits)
        // Cross-checked outside Swift: "c-" + the first 16 hex digits of HMAC-SHA-256(key, ASCII digits).
        #expect(pseudonym.text == "c-ec8ee9f1171562dc")
        #expect(key.pseudonym(cprDigits: digits) == pseudonym)
        #expect(otherKey.pseudonym(cprDigits: digits).text == "c-7547e9b23310b119")
        #expect(otherKey.pseudonym(cprDigits: digits) != pseudonym)
        // The dashed and plain forms are the same person.
        #expect(key.pseudonym(cprDigits: try #require(CPR.digits(TestCPR.digitText(TestCPR.first)))) == pseudonym)
        // Different people get different pseudonyms.
        #expect(key.pseudonym(cprDigits: try #require(CPR.digits(TestCPR.second))) != pseudonym)
        #expect(Pseudonym(pseudonym.text) == pseudonym)
    }

    @Test("pseudonym shape", arguments: [
        ("c-3fa91c0d22e8b417", true), ("c-3FA91C0D22E8B417", false), ("c-3fa91c0d22e8b41", false), ("c-3fa91c0d22e8b4170", false),
        ("d-3fa91c0d22e8b417", false), ("c_3fa91c0d22e8b417", false), ("c-3fa91c0d22e8b41g", false),
    ])
    func pseudonymShape(_ text: String, _ valid: Bool) {
        #expect((Pseudonym(text) != nil) == valid)
    }
}
