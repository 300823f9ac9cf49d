// The verifier's fast path, `CanonicalLineScanner`, may leave any line to the full check but must
// never accept a line the full check (decode, re-encode, catalog) refuses. Seeded properties on
// catalog-driven events and on mutated lines hold it to that, and to accepting the common lines.

import Testing

@testable import LedgerCore

@Suite struct CanonicalLineScannerTests {
    static let municipalities: Set<Int> = [183, 187]
    let scanner = CanonicalLineScanner(municipalities: Self.municipalities)

    /// The full check of one line (hash, canonical form, catalog), with no clock limit.
    static func fullCheck(_ line: [UInt8]) -> RecordedEvent? {
        var scratch: [UInt8] = []
        let result = line.withUnsafeBytes {
            LedgerVerifier.checkLine($0, municipalities: municipalities, now: Timestamp(milliseconds: Int64.max / 2), scratch: &scratch)
        }
        return try? result.get()
    }

    /// The line with its hash field rewritten to the hash of its body (after an edit of the body).
    static func rehashed(_ line: [UInt8]) -> [UInt8] {
        let suffix = CanonicalEncoder.hashSuffixBytes
        guard line.count > suffix else { return line }
        var out = line
        let digest = SHA256.hash(Array(line[0..<(line.count - suffix)]))
        out.withUnsafeMutableBytes { digest.writeHex(to: $0.baseAddress! + line.count - 66) }
        return out
    }

    /// Random events from the catalog's own specs: every type, every field kind, values at and
    /// beyond their limits, ASCII and non-ASCII text, escapes, CPR-shaped runs.
    struct CatalogEvents {
        var random: SplitMix64
        var milliseconds = Timestamp(iso: "2014-01-01T08:00:00.000Z")!.milliseconds

        mutating func day() -> Day { Day(ordinal: Day(year: 2010, month: 1, day: 1)!.ordinal + Int32(random.below(3000))) }

        mutating func text(_ bytesMax: Int) -> String {
            random.pick(["Virksomhedsservice ApS", "Jobcenter Nord", "A", "Aktør \"Nord\" ApS", "back\\slash", "æøå",
                         "kontakt 123456-7890", "ref 12345", String(repeating: "x", count: bytesMax), String(repeating: "y", count: bytesMax + 1),
                         "tab\there", "del\u{7F}", "~!@#$%^&*()_+{}|:<>?"])
        }

        mutating func value(_ kind: FieldKind) -> FactValue {
            switch kind {
            case .text(let max): return .text(text(max))
            case .identifier: return .text(random.pick(["A-001269", "AKT-2014-0042", "O-" + random.hex(5), "id_with.dots:and/slashes",
                                                        "A-1234567890", "x", String(repeating: "i", count: 64), String(repeating: "i", count: 65), "has space"]))
            case .choice(let values): return .text(random.below(20) == 0 ? "not-in-the-list" : random.pick(values))
            case .date: return .date(day())
            case .month: return .text(random.pick(["2014-01", "2014-12", "2014-13", "2014-00", "1799-05", "2014-1"]))
            case .integer(let min, let max):
                return .integer(random.pick([min, max, min + Int64(random.below(Int(Swift.min(max - min, 1000)) + 1)), max + 1, min - 1]))
            case .decimal: return .decimal(random.pick(["12.5", "0", "-3.25", "100"]))
            case .bool: return .bool(random.below(2) == 0)
            case .cvr: return .text(random.pick(["12345678", "1234567", "1234567a"]))
            case .sequence: return .integer(Int64(random.below(5)))
            case .period: return .text(random.pick(["2014", "2014Q2", "2014-03"]))
            case .municipalityList: return .text("183,187")
            case .digest: return .text(random.hex(64))
            case .timestamp: return .text("2014-01-01T08:00:00.000Z")
            }
        }

        /// The next line: its bytes without the newline.
        mutating func nextLine(seq: Int64, prev: SHA256Digest) -> [UInt8] {
            milliseconds += Int64(random.below(90_000_000))
            let type = random.pick(EventType.allCases)
            let spec = Catalog.spec(type)
            func presence(_ p: Presence) -> Bool {
                // Now and then the rule is broken on purpose.
                if random.below(25) == 0 { return random.below(2) == 0 }
                switch p { case .required: return true; case .none: return false; case .optional: return random.below(2) == 0 }
            }
            let municipality = presence(spec.municipality) ? random.pick([183, 187, 187, 250]) : nil
            let citizen = presence(spec.citizen) ? Pseudonym("c-" + random.hex(16)) : nil
            var facts: [Fact] = []
            for field in spec.fields where field.required ? random.below(30) != 0 : random.below(2) == 0 {
                facts.append(Fact(field.name, value(field.kind)))
            }
            if random.below(40) == 0, !facts.isEmpty { facts.swapAt(0, facts.count - 1) }
            let event = Event(type: type, effective: day(), municipality: municipality, citizen: citizen, facts: facts)
            var bytes: [UInt8] = []
            CanonicalEncoder.appendLine(seq: seq, recordedAt: Timestamp(milliseconds: milliseconds), event: event, prev: prev, to: &bytes)
            bytes.removeLast()
            return bytes
        }
    }

    /// Whether the scanner is expected to decide a line the full check accepts: a decided type,
    /// no field of a kind it leaves undecided, strings of printable ASCII without escapes.
    func decidable(_ recorded: RecordedEvent) -> Bool {
        guard recorded.seq >= 2, !CanonicalLineScanner.undecidedTypes.contains(recorded.event.type) else { return false }
        let spec = Catalog.spec(recorded.event.type)
        for fact in recorded.event.facts {
            switch spec.field(fact.name)?.kind {
            case .decimal?, .sequence?, .period?, .municipalityList?, .digest?, .timestamp?, nil: return false
            default: break
            }
            if case .text(let s) = fact.value, !s.utf8.allSatisfy({ $0 >= 0x20 && $0 < 0x7F && $0 != UInt8(ascii: "\"") && $0 != UInt8(ascii: "\\") }) {
                return false
            }
        }
        return true
    }

    @Test("on catalog-driven lines the scanner accepts exactly the decidable lines the full check accepts")
    func agreesWithTheFullCheck() throws {
        var events = CatalogEvents(random: SplitMix64(seed: 2014))
        var prev = SHA256Digest.zero
        var accepted = 0, valid = 0
        for seq in Int64(1)...4000 {
            let line = events.nextLine(seq: seq, prev: prev)
            let full = Self.fullCheck(line)
            let fast = line.withUnsafeBytes { scanner.scan($0) }
            if let fast {
                let full = try #require(full, "accepted by the scanner, refused by the full check: \(String(decoding: line, as: UTF8.self))")
                #expect(fast.seq == full.seq && fast.recordedAt == full.recordedAt)
                #expect(line.withUnsafeBytes { full.prev.equalsHex(UnsafeRawBufferPointer(rebasing: $0[fast.prevOffset..<(fast.prevOffset + 64)])) })
                #expect(line.withUnsafeBytes { full.hash.equalsHex(UnsafeRawBufferPointer(rebasing: $0[fast.hashOffset..<(fast.hashOffset + 64)])) })
                accepted += 1
            }
            if let full {
                valid += 1
                #expect((fast != nil) == decidable(full), "\(String(decoding: line, as: UTF8.self))")
                prev = full.hash
            }
        }
        // The generator breaks rules often; enough lines of both outcomes are seen.
        #expect(valid > 1000 && accepted > 500, "valid \(valid), accepted \(accepted)")
    }

    /// Interesting bytes for mutations: structure, escapes, digits, letters, controls, UTF-8 lead bytes.
    static let mutationBytes: [UInt8] = Array(#"{}[]":,\-.0123456789aefnrtuxc "#.utf8) + [0x00, 0x09, 0x0A, 0x1F, 0x7F, 0x80, 0xC3, 0xE2, 0xFF]

    @Test("a mutated line the scanner accepts is accepted by the full check (20,000 seeded mutations)")
    func neverAcceptsWhatTheFullCheckRefuses() throws {
        var events = CatalogEvents(random: SplitMix64(seed: 7))
        var random = SplitMix64(seed: 99)
        var lines: [[UInt8]] = []
        var prev = SHA256Digest.zero
        var seq: Int64 = 1
        while lines.count < 400 {
            let line = events.nextLine(seq: seq, prev: prev)
            if let full = Self.fullCheck(line), line.withUnsafeBytes({ scanner.scan($0) }) != nil {
                lines.append(line)
                prev = full.hash
            }
            seq += 1
        }
        var stillAccepted = 0
        for _ in 0..<20_000 {
            var line = random.pick(lines)
            let bodyEnd = line.count - CanonicalEncoder.hashSuffixBytes
            for _ in 0...random.below(3) {
                let at = random.below(bodyEnd)
                switch random.below(6) {
                case 0: line[at] = random.pick(Self.mutationBytes)
                case 1: line[at] = UInt8(truncatingIfNeeded: random.next())
                case 2: line.remove(at: at)
                case 3: line.insert(random.pick(Self.mutationBytes), at: at)
                case 4: if at + 1 < bodyEnd { line.swapAt(at, at + 1) }
                default:
                    let length = 1 + random.below(12)
                    if at + length < bodyEnd { line.insert(contentsOf: line[at..<(at + length)], at: at) }
                }
            }
            line = Self.rehashed(line)
            guard let fast = line.withUnsafeBytes({ scanner.scan($0) }) else { continue }
            stillAccepted += 1
            let full = try #require(Self.fullCheck(line), "accepted by the scanner, refused by the full check: \(String(decoding: line, as: UTF8.self))")
            #expect(fast.seq == full.seq && fast.recordedAt == full.recordedAt)
        }
        // Some mutations keep a line valid (a digit for a digit); most do not.
        #expect(stillAccepted > 100 && stillAccepted < 20_000, "\(stillAccepted) accepted")
    }

    @Test("hand-made lines: what the scanner leaves to the full check")
    func handMadeLines() throws {
        let prev = SHA256Digest.zero
        func line(_ type: EventType, municipality: Int? = 183, citizen: String? = "c-0123456789abcdef", _ facts: [Fact], seq: Int64 = 5) -> [UInt8] {
            var bytes: [UInt8] = []
            let event = Event(type: type, effective: Day(iso: "2014-03-03")!, municipality: municipality,
                              citizen: citizen.flatMap { Pseudonym($0) }, facts: facts)
            CanonicalEncoder.appendLine(seq: seq, recordedAt: Timestamp(iso: "2014-03-05T09:15:00.250Z")!, event: event, prev: prev, to: &bytes)
            bytes.removeLast()
            return bytes
        }
        func scans(_ bytes: [UInt8]) -> Bool { bytes.withUnsafeBytes { scanner.scan($0) } != nil }
        let benefit = line(.benefitStarted, [Fact("benefit", .text("a-dagpenge"))])
        #expect(scans(benefit) && Self.fullCheck(benefit) != nil)
        // Seq 1, corrections and non-ASCII text are left to the full check, though valid.
        #expect(!scans(line(.benefitStarted, [Fact("benefit", .text("a-dagpenge"))], seq: 1)))
        let correction = line(.correction, [Fact("corrects", .integer(3)), Fact("action", .text("retract")), Fact("correction_reason", .text("duplicate"))])
        #expect(!scans(correction) && Self.fullCheck(correction) != nil)
        let nonASCII = line(.eventHeld, citizen: nil, [Fact("name", .text("Virksomhedernes Dag på rådhuset")), Fact("participants", .integer(130))])
        #expect(!scans(nonASCII) && Self.fullCheck(nonASCII) != nil)
        // Refused by both: a municipality outside the ledger, a missing required field, a value
        // outside its range, a CPR-shaped identifier, a citizen on a company fact.
        for bad in [
            line(.benefitStarted, municipality: 250, [Fact("benefit", .text("a-dagpenge"))]),
            line(.benefitEnded, [Fact("benefit", .text("a-dagpenge"))]),
            line(.benefitStarted, [Fact("benefit", .text("a-dagpenge")), Fact("weekly_hours", .integer(38))]),
            line(.activationEnded, [Fact("activity_id", .text("A-0101901234"))]),
            line(.companyVisited, [Fact("cvr", .text("12345678"))]),
        ] {
            #expect(!scans(bad) && Self.fullCheck(bad) == nil, "\(String(decoding: bad, as: UTF8.self))")
        }
    }
}

extension CanonicalLineScannerTests {
    /// Found by the `ledgerline` fuzz target: a seq of 19 or more digits overflowed while being read.
    @Test("a seq of 18 digits is read, 19 and more are refused without overflow")
    func longSequenceNumbers() {
        let rest = #","recorded_at":"2014-03-05T09:15:00.250Z","type":"employment_ended","effective":"2014-03-03","municipality":"183","citizen":"c-0123456789abcdef","facts":{},"prev":""#
            + String(repeating: "0", count: 64) + #"","hash":""# + String(repeating: "0", count: 64) + #""}"#
        for digits in [18, 19, 20, 40] {
            let line = Array((#"{"seq":"# + String(repeating: "9", count: digits) + rest).utf8)
            let scanned = line.withUnsafeBytes { scanner.scan($0) }
            #expect((scanned?.seq) == (digits == 18 ? 999_999_999_999_999_999 : nil), "\(digits) digits")
        }
    }
}
