// The canonical line encoding and its decoder: round trips for every event type, string
// escaping, canonical decimals, and lines the decoder must refuse. Also the CSV reader.

import Foundation
import Testing

@testable import LedgerCore

@Suite struct CanonicalEncodingTests {
    static let prev = SHA256.hash("the previous line")
    static let recordedAt = Timestamp(iso: "2014-03-05T09:15:00.250Z")!

    /// Encodes one line; returns it without its newline.
    static func encode(_ event: Event, seq: Int64 = 5) -> (line: [UInt8], hash: SHA256Digest) {
        var bytes: [UInt8] = []
        let hash = CanonicalEncoder.appendLine(seq: seq, recordedAt: recordedAt, event: event, prev: prev, to: &bytes)
        #expect(bytes.last == 0x0A)
        bytes.removeLast()
        return (bytes, hash)
    }

    static func decode(_ line: [UInt8]) -> Result<RecordedEvent, LineDecodingError> {
        Result { () throws(LineDecodingError) -> RecordedEvent in try LineDecoder.decode(line) }
    }

    @Test("every event type round trips through encoder and decoder", arguments: EventType.allCases)
    func roundTrip(_ type: EventType) throws {
        for variant in 0..<4 {
            let event = SampleFacts.event(type, variant: variant)
            // The sample must itself be valid, or the round trip would prove little.
            #expect(CatalogCheck.problem(in: event, municipalities: [183]) == nil)
            let (line, hash) = Self.encode(event)
            let decoded = try Self.decode(line).get()
            #expect(decoded.event == event)
            #expect(decoded.seq == 5)
            #expect(decoded.recordedAt == Self.recordedAt)
            #expect(decoded.prev == Self.prev)
            #expect(decoded.hash == hash)
            // The hash covers the bytes before ,"hash": and the last 75 bytes are the hash suffix.
            let body = Array(line[0..<(line.count - CanonicalEncoder.hashSuffixBytes)])
            #expect(SHA256.hash(body) == hash)
            #expect(String(decoding: line.suffix(CanonicalEncoder.hashSuffixBytes), as: UTF8.self) == #","hash":"\#(hash.hex)"}"#)
            // Re-encoding the decoded event gives the same bytes.
            let (again, _) = Self.encode(decoded.event)
            #expect(again == line)
        }
    }

    @Test("a superseding correction round trips byte for byte")
    func supersedingCorrection() throws {
        // The superseding facts are those of the original type (here reference_figure and
        // citizen_registered); the decoder reads them by JSON shape, so compare bytes.
        let events = [
            Event(type: .correction, effective: Day(iso: "2014-03-03")!, municipality: 183, citizen: nil, facts: [
                Fact("corrects", .integer(12)), Fact("action", .text("supersede")), Fact("correction_reason", .text("wrong-facts")),
                Fact("name", .text("labour-force")), Fact("period", .text("2014")), Fact("value", .decimal("-12.5")),
                Fact("unit", .text("persons")), Fact("source", .text("Danmarks Statistik \"RAS\"")),
            ]),
            Event(type: .correction, effective: Day(iso: "2014-03-03")!, municipality: 187, citizen: Pseudonym("c-0123456789abcdef"), facts: [
                Fact("corrects", .integer(3)), Fact("action", .text("supersede")), Fact("correction_reason", .text("fejloprettet")),
                Fact("birth_date", .date(Day(iso: "1990-01-01")!)), Fact("education", .text("none")), Fact("refugee", .bool(false)),
            ]),
        ]
        for event in events {
            let (line, hash) = Self.encode(event)
            let decoded = try Self.decode(line).get()
            #expect(decoded.hash == hash)
            #expect(decoded.event.facts.map(\.name) == event.facts.map(\.name))
            #expect(decoded.event.facts.map(\.value.display) == event.facts.map(\.value.display))
            #expect(Self.encode(decoded.event).line == line)
        }
    }

    @Test("strings escape only quote, backslash and control characters")
    func stringEscaping() {
        let input = "a\"b\\c\nd\re\tf\u{08}g\u{0C}h\u{01}i\u{1B}j\u{1F}kæøå/\u{7F}😀"
        var out: [UInt8] = []
        CanonicalEncoder.appendString(input, to: &out)
        let expected = #""a\"b\\c\nd\re\tf\bg\fh\u0001i\u001bj\u001fkæøå/"# + "\u{7F}😀\""
        #expect(String(decoding: out, as: UTF8.self) == expected)
        #expect(out == Array(expected.utf8))
        // Non-ASCII stays raw UTF-8: æ is two bytes, not \u00e6.
        var ae: [UInt8] = []
        CanonicalEncoder.appendString("æ", to: &ae)
        #expect(ae == [0x22, 0xC3, 0xA6, 0x22])
    }

    @Test("escaped text facts round trip through the line decoder")
    func escapedTextRoundTrip() throws {
        let name = "Møde \"Nord\" \\ linje\nto\ttab \u{01}slut"
        let event = Event(type: .eventHeld, effective: Day(iso: "2014-03-03")!, municipality: 183, citizen: nil,
                          facts: [Fact("name", .text(name)), Fact("participants", .integer(130))])
        let (line, _) = Self.encode(event)
        #expect(String(decoding: line, as: UTF8.self).contains(#""name":"Møde \"Nord\" \\ linje\nto\ttab \u0001slut""#))
        let decoded = try Self.decode(line).get()
        #expect(decoded.event.text("name") == name)
    }

    @Test("canonical decimals", arguments: [
        ("12.50", "12.5"), ("-0.0", "0"), ("-0", "0"), ("0", "0"), ("0.5", "0.5"), ("-12.500", "-12.5"), ("100", "100"),
        ("1.0000000", "1"), ("0.000001", "0.000001"), ("1e3", nil), ("1E3", nil), ("01", nil), ("00.5", nil), (".5", nil),
        ("5.", nil), ("+5", nil), ("1,5", nil), ("", nil), ("-", nil), ("--1", nil), ("1.2.3", nil), ("0.0000001", nil),
        ("1.1234567", nil), (" 1", nil), ("١٢", nil),
    ] as [(String, String?)])
    func canonicalDecimal(_ literal: String, _ expected: String?) {
        #expect(CanonicalEncoder.canonicalDecimal(literal) == expected)
    }

    @Test("canonical decimals: at most 15 whole digits and a fraction limit")
    func decimalLimits() {
        #expect(CanonicalEncoder.canonicalDecimal(String(repeating: "7", count: 15)) == String(repeating: "7", count: 15))
        #expect(CanonicalEncoder.canonicalDecimal(String(repeating: "7", count: 16)) == nil)
        #expect(CanonicalEncoder.canonicalDecimal("1.25", fractionDigitsMax: 1) == nil)
        #expect(CanonicalEncoder.canonicalDecimal("1.20", fractionDigitsMax: 1) == "1.2")
    }

    @Test("municipality codes are written with three digits")
    func municipalityText() {
        #expect(CanonicalEncoder.municipalityText(7) == "007")
        #expect(CanonicalEncoder.municipalityText(47) == "047")
        #expect(CanonicalEncoder.municipalityText(183) == "183")
    }

    /// A valid line to mutate: a match assessment.
    static var validLine: String {
        let event = Event(type: .matchAssessed, effective: Day(iso: "2014-03-03")!, municipality: 183, citizen: Pseudonym("c-0123456789abcdef"),
                          facts: [Fact("category", .text("jobparat"))])
        return String(decoding: encode(event).line, as: UTF8.self)
    }

    @Test("the decoder refuses lines that are not in the stored shape", arguments: [
        ("keys out of order", #"{"recorded_at":"2014-03-05T09:15:00.250Z","seq":5"#, #"{"seq":5,"recorded_at":"2014-03-05T09:15:00.250Z""#, "expected"),
        ("sequence number 0", #"{"seq":0"#, #"{"seq":5"#, "at least 1"),
        ("leading zero in seq", #"{"seq":05"#, #"{"seq":5"#, "leading zero"),
        ("recorded_at without milliseconds", #""2014-03-05T09:15:00Z""#, #""2014-03-05T09:15:00.250Z""#, "24 characters"),
        ("unknown type", #""type":"match_guessed""#, #""type":"match_assessed""#, "unknown event type"),
        ("impossible effective date", #""effective":"2014-02-29""#, #""effective":"2014-03-03""#, "not a real date"),
        ("two-digit municipality", #""municipality":"18""#, #""municipality":"183""#, "expected"),
        ("malformed pseudonym", #""citizen":"c-0123456789ABCDEF""#, #""citizen":"c-0123456789abcdef""#, "pseudonym"),
        ("field of another type", #""facts":{"benefit":"jobparat"}"#, #""facts":{"category":"jobparat"}"#, "not a field of match_assessed"),
        ("uppercase hex in prev", #""prev":"\#(CanonicalEncodingTests.prev.hex.uppercased())""#, #""prev":"\#(CanonicalEncodingTests.prev.hex)""#, "prev"),
    ] as [(String, String, String, String)])
    func decoderRejects(_ label: String, _ replacement: String, _ original: String, _ fragment: String) throws {
        let line = Self.validLine
        #expect(line.contains(original), "test setup: \(label)")
        let bad = line.replacingFirst(original, with: replacement)
        switch Self.decode(Array(bad.utf8)) {
        case .success: Issue.record("\(label): decoded")
        case .failure(let error): #expect(error.message.contains(fragment), "\(label): \(error)")
        }
    }

    @Test("the decoder refuses trailing data and a missing brace")
    func decoderRejectsEnds() {
        let line = Self.validLine
        if case .success = Self.decode(Array((line + " ").utf8)) { Issue.record("trailing space decoded") }
        if case .success = Self.decode(Array(line.dropLast().utf8)) { Issue.record("missing brace decoded") }
        if case .failure(let error) = Self.decode(Array(line.utf8)) { Issue.record("valid line refused: \(error)") }
    }
}

extension String {
    /// The string with the first occurrence of `target` replaced.
    func replacingFirst(_ target: String, with replacement: String) -> String {
        guard let range = range(of: target) else { return self }
        return replacingCharacters(in: range, with: replacement)
    }
}

@Suite struct CSVReaderTests {
    static func parse(_ text: String) -> Result<[CSVReader.Row], CSVSyntaxError> {
        Result { () throws(CSVSyntaxError) -> [CSVReader.Row] in try CSVReader.parse(Array(text.utf8)) }
    }

    @Test("quoted cells, doubled quotes, CRLF and blank lines")
    func commaSeparated() throws {
        let rows = try Self.parse("effective,name,participants\r\n2014-03-03,\"Møde, \"\"Nord\"\"\",130\r\n\r\n2014-03-04,Dag,12\n").get()
        #expect(rows.map(\.cells) == [["effective", "name", "participants"], ["2014-03-03", "Møde, \"Nord\"", "130"], ["2014-03-04", "Dag", "12"]])
        #expect(rows.map(\.line) == [1, 2, 4])
    }

    @Test("semicolons separate cells when the header uses them")
    func semicolonSeparated() throws {
        let rows = try Self.parse("\u{FEFF}effective;name;value\n2014-03-03;a,b;12,5\n").get()
        #expect(rows.map(\.cells) == [["effective", "name", "value"], ["2014-03-03", "a,b", "12,5"]])
    }

    @Test("a quoted newline keeps the line numbers of later rows")
    func quotedNewline() throws {
        let rows = try Self.parse("a,b\n\"x\ny\",2\nz,3").get()
        #expect(rows.map(\.line) == [1, 2, 4])
        #expect(rows[1].cells == ["x\ny", "2"])
    }

    @Test("syntax errors name the line", arguments: [
        ("a,b\n1,\"open\n", 2, "not closed"),
        ("a,b\n1,2\n3,x\"y\n", 3, "quote inside an unquoted cell"),
        ("a,b\n\"q\"x,2\n", 2, "after a closing quote"),
        ("a,b\n1,2\r3,4\n", 2, "carriage return"),
    ] as [(String, Int, String)])
    func errors(_ text: String, _ line: Int, _ fragment: String) {
        switch Self.parse(text) {
        case .success(let rows): Issue.record("parsed: \(rows.map(\.cells))")
        case .failure(let error):
            #expect(error.line == line, "\(error)")
            #expect(error.message.contains(fragment), "\(error)")
        }
    }

    @Test("invalid UTF-8 is refused with its line")
    func invalidUTF8() {
        let bytes = Array("a,b\n1,2\n".utf8) + [0xFF] + Array(",3\n".utf8)
        switch Result(catching: { () throws(CSVSyntaxError) -> [CSVReader.Row] in try CSVReader.parse(bytes) }) {
        case .success: Issue.record("parsed")
        case .failure(let error): #expect(error.line == 3 && error.message.contains("UTF-8"), "\(error)")
        }
    }
}
