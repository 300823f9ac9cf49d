// The on-disk format is set in stone: fixed test vectors for single lines, and a stability test
// that hashes a long chain of generated events to one recorded constant.
//
// If one of these tests fails, the bytes the encoder writes have changed. Every ledger already
// written would then fail `verify`. Do not update the constants unless the format is being
// changed on purpose, with a new format version in the CASELEDGER marker.

import Testing

@testable import LedgerCore

@Suite struct ChainStabilityTests {
    // MARK: Fixed vectors

    /// The hash of a fixed `prev`, so that the vector does not depend on another line.
    static let vectorPrev = SHA256.hash("CaseLedger test vector")

    /// A hand-written activation line: every envelope field, an escaped quote, non-ASCII text.
    @Test("test vector: an activation line, byte for byte, and its hash")
    func activationVector() throws {
        let event = Event(
            type: .activationStarted, effective: try #require(Day(iso: "2014-03-03")), municipality: 183,
            citizen: Pseudonym("c-3fa91c0d22e8b417"),
            facts: [
                Fact("activity_id", .text("AKT-2014-0042")), Fact("kind", .text("virksomhedspraktik")),
                Fact("provider", .text("anden-aktoer")), Fact("provider_name", .text("Aktør \"Nord\" ApS")),
                Fact("employer_cvr", .text("12345678")), Fact("weekly_minutes", .integer(1110)),
            ])
        var bytes: [UInt8] = []
        let hash = CanonicalEncoder.appendLine(
            seq: 7, recordedAt: try #require(Timestamp(iso: "2014-03-05T09:15:00.250Z")), event: event, prev: Self.vectorPrev, to: &bytes)
        // Cross-checked outside Swift: the hash is `sha256sum` of the line up to (not including) ,"hash":
        let expectedHash = "56ae19da70a21e7750e3d279a8532629e62c3a72e8f6f9238dcf9cf3548d8988"
        let expectedLine = #"{"seq":7,"recorded_at":"2014-03-05T09:15:00.250Z","type":"activation_started","effective":"2014-03-03","#
            + #""municipality":"183","citizen":"c-3fa91c0d22e8b417","facts":{"activity_id":"AKT-2014-0042","kind":"virksomhedspraktik","#
            + #""provider":"anden-aktoer","provider_name":"Aktør \"Nord\" ApS","employer_cvr":"12345678","weekly_minutes":1110},"#
            + #""prev":"\#(Self.vectorPrev.hex)","hash":"\#(expectedHash)"}"# + "\n"
        #expect(String(decoding: bytes, as: UTF8.self) == expectedLine)
        #expect(hash.hex == expectedHash)
        #expect(Self.vectorPrev.hex == "7e927962ff16a237e40900f23de288ebcd03e724d52cc2b2069661f4603950cf")
    }

    /// A genesis line: seq 1, null municipality and citizen, zero prev.
    @Test("test vector: a ledger_opened line")
    func genesisVector() throws {
        let event = Event(type: .ledgerOpened, effective: try #require(Day(iso: "2014-01-01")), municipality: nil, citizen: nil, facts: [
            Fact("ledger_id", .text("L-feedc0ffee5a1ad0")), Fact("jobcenter", .text("Jobcenter Vallensbæk")),
            Fact("municipalities", .text("183,187")),
        ])
        var bytes: [UInt8] = []
        let hash = CanonicalEncoder.appendLine(
            seq: 1, recordedAt: try #require(Timestamp(iso: "2014-01-01T08:00:00.000Z")), event: event, prev: .zero, to: &bytes)
        // Cross-checked outside Swift with sha256sum, like the vector above.
        let expectedHash = "39de0f1dd9ce6a04ee35a183da1b1e485a2198af888468cfabe34606539108b2"
        let expectedLine = #"{"seq":1,"recorded_at":"2014-01-01T08:00:00.000Z","type":"ledger_opened","effective":"2014-01-01","#
            + #""municipality":null,"citizen":null,"facts":{"ledger_id":"L-feedc0ffee5a1ad0","jobcenter":"Jobcenter Vallensbæk","#
            + #""municipalities":"183,187"},"prev":""# + String(repeating: "0", count: 64) + #"","hash":"\#(expectedHash)"}"# + "\n"
        #expect(String(decoding: bytes, as: UTF8.self) == expectedLine)
        #expect(hash.hex == expectedHash)
    }

    // MARK: Stability over a long chain

    /// Generates events from a seed with templates written out here (not derived from the catalog),
    /// so that adding an event type or an optional field to the catalog does not change the data,
    /// and only a change of the encoding changes the chain hash.
    struct StableGenerator {
        var random: SplitMix64
        var milliseconds: Int64

        init(seed: UInt64) {
            random = SplitMix64(seed: seed)
            milliseconds = Timestamp(iso: "2014-01-01T08:00:00.000Z")!.milliseconds
        }

        static let benefits = ["a-dagpenge", "kontanthjaelp", "uddannelseshjaelp", "selvforsoergelsesydelse", "sygedagpenge",
                               "jobafklaringsforloeb", "ressourceforloeb", "ledighedsydelse", "revalidering", "foertidspension"]
        static let pieces = ["a", "B", "z", "0", "7", " ", "æ", "ø", "å", "Æ", "é", "\"", "\\", "/", "\n", "\t", "\r", "\u{01}", "\u{1F}",
                             "\u{7F}", "😀", "-", ".", ":", "{", "}", ","]

        mutating func text() -> String {
            (0..<(1 + random.below(24))).map { _ in random.pick(Self.pieces) }.joined()
        }

        mutating func day() -> Day { Day(ordinal: Day(year: 2010, month: 1, day: 1)!.ordinal + Int32(random.below(3000))) }

        mutating func cvr() -> String { String(10_000_000 + random.below(90_000_000)) }

        mutating func decimal() -> String {
            let whole = String(random.below(100_000))
            let fraction = random.below(3) == 0 ? "" : "." + String(1 + random.below(999))
            let candidate = (random.below(4) == 0 ? "-" : "") + whole + fraction
            return CanonicalEncoder.canonicalDecimal(candidate) ?? whole
        }

        mutating func citizen() -> Pseudonym { Pseudonym("c-" + random.hex(16))! }

        mutating func municipality() -> Int? { random.pick([183, 187, 250, 270, nil]) }

        /// The next line's recorded-at time and event.
        mutating func next(seq: Int64) -> (Timestamp, Event) {
            milliseconds += Int64(random.below(90_000_000))
            let time = Timestamp(milliseconds: milliseconds)
            if seq == 1 {
                return (time, Event(type: .ledgerOpened, effective: time.utcDay, municipality: nil, citizen: nil, facts: [
                    Fact("ledger_id", .text("L-" + random.hex(16))), Fact("jobcenter", .text("Jobcenter " + text())),
                    Fact("municipalities", .text("183,187,250,270")),
                ]))
            }
            let effective = day()
            func make(_ type: String, _ facts: [Fact], person: Bool = true) -> Event {
                Event(type: EventType(rawValue: type)!, effective: effective, municipality: municipality(),
                      citizen: person ? citizen() : nil, facts: facts)
            }
            let event: Event
            switch random.below(17) {
            case 0:
                var facts = [Fact("birth_date", .date(day())), Fact("education", .text(random.pick(["none", "vocational", "higher"])))]
                if random.below(2) == 0 { facts += [Fact("refugee", .bool(true)), Fact("arrival_date", .date(day()))] }
                event = make("citizen_registered", facts)
            case 1:
                var facts = [Fact("benefit", .text(random.pick(Self.benefits)))]
                if random.below(3) == 0 { facts.append(Fact("weekly_hours", .integer(Int64(1 + random.below(37))))) }
                event = make("benefit_started", facts)
            case 2:
                event = make("benefit_ended", [Fact("benefit", .text(random.pick(Self.benefits))),
                                               Fact("reason", .text(random.pick(["job", "education", "other-benefit", "moved", "other"])))])
            case 3:
                event = make("match_assessed", [Fact("category", .text(random.pick(["jobparat", "aktivitetsparat", "uddannelsesparat"])))])
            case 4:
                event = make("activation_started", [
                    Fact("activity_id", .text("AKT-" + random.hex(6))), Fact("kind", .text(random.pick(["virksomhedspraktik", "mentor", "nytteindsats"]))),
                    Fact("provider", .text("anden-aktoer")), Fact("provider_name", .text(text())), Fact("employer_cvr", .text(cvr())),
                    Fact("weekly_minutes", .integer(Int64(1 + random.below(3360)))),
                ])
            case 5:
                event = make("activation_ended", [Fact("activity_id", .text("AKT-" + random.hex(6)))])
            case 6:
                event = make("job_placement", [Fact("channel", .text(random.pick(["employer-request", "other"]))), Fact("employer_cvr", .text(cvr()))])
            case 7:
                event = make("employment_ended", [])
            case 8:
                event = make("job_order_received", [Fact("order_id", .text("O-" + random.hex(5))), Fact("employer_cvr", .text(cvr())),
                                                    Fact("positions", .integer(Int64(1 + random.below(50))))], person: false)
            case 9:
                event = make("event_held", [Fact("name", .text(text())), Fact("participants", .integer(Int64(random.below(500))))], person: false)
            case 10:
                event = make("survey_response", [Fact("respondent", .text(random.pick(["citizen", "company"]))),
                                                 Fact("satisfied", .bool(random.below(2) == 0))], person: false)
            case 11:
                event = make("reference_figure", [
                    Fact("name", .text("national-average/M" + String(1 + random.below(22)))), Fact("period", .text("2014Q" + String(1 + random.below(4)))),
                    Fact("value", .decimal(decimal())), Fact("unit", .text(random.pick(["count", "percent", "pp"]))), Fact("source", .text(text())),
                ], person: false)
            case 12:
                event = make("paid_hours_registered", [Fact("month", .text("2014-0" + String(1 + random.below(9)))),
                                                       Fact("hours", .integer(Int64(1 + random.below(744))))])
            case 13:
                var facts = [Fact("corrects", .integer(Int64(1 + random.below(Int(seq - 1))))),
                             Fact("action", .text(random.pick(["retract", "supersede"]))), Fact("correction_reason", .text("fejloprettet"))]
                if facts[1].value == .text("supersede") { facts.append(Fact("category", .text("aktivitetsparat"))) }
                event = make("correction", facts)
            case 14:
                event = make("goal_adopted", [
                    Fact("goal_id", .text("goal-" + random.hex(4))), Fact("plan", .text(text())), Fact("title", .text(text())),
                    Fact("measure", .text("M" + String(1 + random.below(22)))), Fact("evaluation", .text("2014-12-31")),
                    Fact("comparison", .text("at-most")), Fact("target", .decimal(decimal())), Fact("unit", .text("count")),
                    Fact("deadline", .date(day())), Fact("adopted_by", .text(text())), Fact("adopted_on", .date(day())), Fact("source", .text(text())),
                ], person: false)
            case 15:
                event = make("sickleave_opened", [Fact("status", .text(random.pick(["employed", "unemployed"])))])
            default:
                event = Event(type: .publication, effective: effective, municipality: nil, citizen: nil, facts: [
                    Fact("publication_id", .text("P-" + random.hex(8))), Fact("at", .date(day())),
                    Fact("known_at", .text(Timestamp(milliseconds: milliseconds - 1000).iso)), Fact("head_seq", .integer(seq - 1)),
                    Fact("head_hash", .text(random.hex(64))), Fact("report_digest", .text(random.hex(64))),
                ])
            }
            return (time, event)
        }
    }

    /// Encodes `count` generated lines in a fresh chain from the zero hash; returns the last hash,
    /// the total bytes and the hash of all bytes.
    static func chain(seed: UInt64, count: Int) -> (last: SHA256Digest, bytes: Int, all: SHA256Digest) {
        var generator = StableGenerator(seed: seed)
        var prev = SHA256Digest.zero
        var bytes: [UInt8] = []
        for seq in 1...Int64(count) {
            let (time, event) = generator.next(seq: seq)
            prev = CanonicalEncoder.appendLine(seq: seq, recordedAt: time, event: event, prev: prev, to: &bytes)
        }
        return (prev, bytes.count, SHA256.hash(bytes))
    }

    @Test("1000 generated events hash to the recorded chain hash")
    func stability() {
        // Recorded once from this generator. An accidental change of the canonical encoding (key
        // order, escaping, number or date formats, the hash input) must fail here. (Re-recorded once,
        // before any release, when the correction's own reason became correction_reason.)
        let result = Self.chain(seed: 20_140_101, count: 1000)
        #expect(result.last.hex == "3580f69ec4d29fbe3b94138efa1e1b9790a5604888360d137b4978e13eb5a7fa", "seed 20140101")
        #expect(result.bytes == 392_993)
        #expect(result.all.hex == "220a906fdc2c8fe962b8a0c2fb4fd2200544b62da5325c7c0afbd97847e8c5f2")
    }

    @Test("the generated chain decodes, and re-encodes to the same bytes")
    func generatedLinesDecode() throws {
        var generator = StableGenerator(seed: 20_140_101)
        var prev = SHA256Digest.zero
        for seq in 1...Int64(300) {
            let (time, event) = generator.next(seq: seq)
            var line: [UInt8] = []
            let hash = CanonicalEncoder.appendLine(seq: seq, recordedAt: time, event: event, prev: prev, to: &line)
            line.removeLast()
            let decoded = try Result { () throws(LineDecodingError) -> RecordedEvent in try LineDecoder.decode(line) }.get()
            #expect(decoded.seq == seq && decoded.prev == prev && decoded.hash == hash && decoded.recordedAt == time)
            var again: [UInt8] = []
            CanonicalEncoder.appendLine(seq: seq, recordedAt: decoded.recordedAt, event: decoded.event, prev: decoded.prev, to: &again)
            again.removeLast()
            #expect(again == line, "seq \(seq): \(String(decoding: line, as: UTF8.self))")
            prev = hash
        }
    }
}
