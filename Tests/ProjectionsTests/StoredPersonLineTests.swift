import Testing
import LedgerCore
@testable import Projections
import Simulation
import Foundation

/// The replay's fast reader of person events (``StoredPersonLine``) may leave any line to the full
/// decoder, but a value it returns must equal ``PersonEvent/init(_:)`` of the full decoding, and it
/// must never take a line the full decoder refuses.
@Suite struct StoredPersonLineTests {
    /// The full decoder's person event of a line: nil when it refuses the line, .some(nil) when the
    /// line is not a person event.
    static func full(_ line: [UInt8]) -> PersonEvent?? {
        guard let recorded = try? LineDecoder.decode(line) else { return nil }
        return .some(PersonEvent(recorded))
    }

    static func fast(_ line: [UInt8]) -> PersonEvent? {
        line.withUnsafeBytes { StoredPersonLine.decode($0) }
    }

    /// A canonical line (without its newline) of an event.
    static func line(_ type: EventType, facts: [Fact], municipality: Int? = 187, citizen: String = "c-0123456789abcdef",
                     effective: String = "2014-03-03", seq: Int64 = 42) -> [UInt8] {
        var bytes: [UInt8] = []
        let event = Event(type: type, effective: Day(iso: effective)!, municipality: municipality, citizen: Pseudonym(citizen), facts: facts)
        _ = CanonicalEncoder.appendLine(seq: seq, recordedAt: Timestamp(iso: "2014-03-05T09:15:00.250Z")!, event: event,
                                        prev: SHA256.hash(Array("x".utf8)), to: &bytes)
        bytes.removeLast()
        return bytes
    }

    /// The lines of a generated ledger's first segment.
    static func storedLines(seed: UInt64, citizens: Int) throws -> [[UInt8]] {
        let generated = try ReplayPropertyTests.GeneratedLedger(seed: seed, citizens: citizens)
        let data = try Data(contentsOf: URL(fileURLWithPath: generated.ledger.segmentPath(1)))
        return data.split(separator: 0x0A).map { Array($0) }
    }

    @Test("on a generated ledger's lines it equals the full decoder and takes most person events", arguments: [UInt64(41), 42])
    func generatedLines(seed: UInt64) throws {
        var taken = 0, persons = 0
        // One memo across the lines, as the replay keeps one per chunk: most lines reuse the line
        // before's recorded-at, effective date or hash.
        var memo = StoredPersonLine.Memo()
        var hashBefore: SHA256Digest?
        for line in try Self.storedLines(seed: seed, citizens: 80) {
            let full = try #require(Self.full(line), "the full decoder refuses a stored line")
            let recorded = try LineDecoder.decode(line)
            let fast = line.withUnsafeBytes { StoredPersonLine.decode($0, memo: &memo) }
            #expect(fast == Self.fast(line), "with and without the memo")
            if let fast {
                #expect(fast == full, "\(String(decoding: line, as: UTF8.self))")
                // What the chain check takes from the memo: the recording time, the hash, and the
                // prev (nil when it is the hash of the line read before).
                #expect(memo.lineRecordedAt == recorded.recordedAt && memo.lineHashText.digest == recorded.hash)
                #expect(memo.linePrev == (recorded.prev == hashBefore ? nil : recorded.prev))
                taken += 1
            } else {
                memo.noteLine(recordedAt: recorded.recordedAt, prev: recorded.prev, hash: recorded.hash)
                #expect(memo.linePrev == (recorded.prev == hashBefore ? nil : recorded.prev))
            }
            hashBefore = recorded.hash
            if full != nil { persons += 1 }
        }
        // A change that quietly sends every line to the full decoder is caught here.
        #expect(persons > 1000 && taken * 10 >= persons * 9, "\(taken) of \(persons) person events taken")
    }

    /// Bytes for mutations: structure, escapes, digits, letters, controls, UTF-8 lead bytes.
    static let mutationBytes: [UInt8] = Array(#"{}[]":,\-.0123456789aefnrtuxc "#.utf8) + [0x00, 0x09, 0x0A, 0x1F, 0x7F, 0x80, 0xC3, 0xE2, 0xFF]

    /// `line` with one to three seeded mutations: a byte replaced (by one of ``mutationBytes`` or
    /// any byte), removed, inserted or swapped with the next, or a short run repeated.
    static func mutated(_ line: [UInt8], _ random: inout SplitMix64) -> [UInt8] {
        var line = line
        for _ in 0...Int(random.next() % 3) {
            let at = Int(random.next() % UInt64(line.count))
            switch random.next() % 6 {
            case 0: line[at] = mutationBytes[Int(random.next() % UInt64(mutationBytes.count))]
            case 1: line[at] = UInt8(truncatingIfNeeded: random.next())
            case 2: line.remove(at: at)
            case 3: line.insert(mutationBytes[Int(random.next() % UInt64(mutationBytes.count))], at: at)
            case 4: if at + 1 < line.count { line.swapAt(at, at + 1) }
            default:
                let length = 1 + Int(random.next() % 12)
                if at + length < line.count { line.insert(contentsOf: line[at..<(at + length)], at: at) }
            }
        }
        return line
    }

    @Test("a mutated line it takes is read the same by the full decoder (20,000 seeded mutations)")
    func mutatedLines() throws {
        let lines = try Self.storedLines(seed: 43, citizens: 30).filter { Self.fast($0) != nil }
        #expect(lines.count > 300)
        var random = SplitMix64(seed: 44)
        var memo = StoredPersonLine.Memo()
        var stillTaken = 0
        for _ in 0..<20_000 {
            let line = Self.mutated(lines[Int(random.next() % UInt64(lines.count))], &random)
            // A memo shared across the mutated lines too: a text it holds reads as the value it holds.
            let hashBefore = memo.hasLine ? memo.lineHashText.digest : nil
            guard let fast = line.withUnsafeBytes({ StoredPersonLine.decode($0, memo: &memo) }) else { continue }
            stillTaken += 1
            let full = try #require(Self.full(line), "taken by the fast reader, refused by the full decoder: \(String(decoding: line, as: UTF8.self))")
            #expect(fast == full, "\(String(decoding: line, as: UTF8.self))")
            let recorded = try LineDecoder.decode(line)
            #expect(memo.lineRecordedAt == recorded.recordedAt && memo.lineHashText.digest == recorded.hash)
            #expect(memo.linePrev == (recorded.prev == hashBefore ? nil : recorded.prev))
        }
        // Some mutations keep a line readable (a digit for a digit); most do not.
        #expect(stillTaken > 100 && stillTaken < 20_000, "\(stillTaken) taken")
    }

    @Test("hand-made lines: defaults, the provider, months, and what it leaves to the full decoder")
    func handMadeLines() throws {
        func check(_ line: [UInt8], taken: Bool, _ comment: Comment) throws {
            let full = try #require(Self.full(line) ?? nil, comment)
            let fast = Self.fast(line)
            #expect((fast != nil) == taken, comment)
            if let fast { #expect(fast == full, comment) }
        }
        // Weekly hours default to 37; part-time spells keep theirs.
        try check(Self.line(.benefitStarted, facts: [Fact("benefit", .text("kontanthjaelp"))]), taken: true, "full-time spell")
        try check(Self.line(.benefitStarted, facts: [Fact("benefit", .text("a-dagpenge")), Fact("weekly_hours", .integer(20))]), taken: true, "part time")
        #expect(Self.fast(Self.line(.benefitStarted, facts: [Fact("benefit", .text("kontanthjaelp"))]))?.facts.amount == 37)
        // A paid-hours month that is no month falls back to the effective date's month, as the full path does.
        let badMonth = Self.line(.paidHoursRegistered, facts: [Fact("month", .text("2014-13")), Fact("hours", .integer(12))], effective: "2014-05-20")
        try check(badMonth, taken: true, "month 13")
        #expect(Self.fast(badMonth)?.facts.month == Day(iso: "2014-05-01"))
        #expect(Self.fast(Self.line(.paidHoursRegistered, facts: [Fact("month", .text("2014-02")), Fact("hours", .integer(1))]))?.facts.month
                == Day(iso: "2014-02-01"))
        // The provider: the jobcenter, an unnamed other actor, and a named one (left to the full decoder).
        let activity: [Fact] = [Fact("activity_id", .text("A-000017")), Fact("kind", .text("mentor"))]
        try check(Self.line(.activationStarted, facts: activity + [Fact("provider", .text("jobcenter")), Fact("employer_cvr", .text("12345678"))]),
                  taken: true, "jobcenter, with employer")
        try check(Self.line(.activationStarted, facts: activity + [Fact("provider", .text("anden-aktoer"))]), taken: true, "unnamed other actor")
        #expect(Self.fast(Self.line(.activationStarted, facts: activity + [Fact("provider", .text("anden-aktoer"))]))?.facts.provider == "anden aktør")
        try check(Self.line(.activationStarted, facts: activity + [Fact("provider", .text("anden-aktoer")), Fact("provider_name", .text("Aktør Nord"))]),
                  taken: true, "named other actor")
        #expect(Self.fast(Self.line(.activationStarted, facts: activity + [Fact("provider", .text("anden-aktoer")),
                                                                           Fact("provider_name", .text("Aktør Nord"))]))?.facts.provider == "Aktør Nord")
        try check(Self.line(.activationStarted, facts: activity + [Fact("provider", .text("jobcenter")), Fact("provider_name", .text("Aktør Nord"))]),
                  taken: true, "a name beside the jobcenter is not its provider")
        // A name that is not UTF-8, or has a control character, is left to the full decoder (which refuses it).
        var badName = Self.line(.activationStarted, facts: activity + [Fact("provider", .text("anden-aktoer")), Fact("provider_name", .text("Aktør"))])
        let o = badName.firstRange(of: Array("ø".utf8))!
        badName[o.lowerBound + 1] = 0x41
        #expect(Self.fast(badName) == nil && Self.full(badName) == nil)
        try check(Self.line(.activationStarted, facts: activity + [Fact("provider", .text("anden-aktoer")), Fact("provider_name", .text("A")),
                                                                   Fact("authority", .text("Region"))]), taken: false, "an authority")
        // No municipality; a value outside its closed list; text with an escape; facts the history does not use.
        try check(Self.line(.matchAssessed, facts: [Fact("category", .text("jobparat"))], municipality: nil), taken: true, "no municipality")
        try check(Self.line(.matchAssessed, facts: [Fact("category", .text("ikke-en-kategori"))]), taken: false, "not in the list")
        try check(Self.line(.activationEnded, facts: [Fact("activity_id", .text("A\"1"))]), taken: false, "escaped quote")
        try check(Self.line(.flexJobStarted, facts: []), taken: true, "flex job without facts")
        try check(Self.line(.flexJobStarted, facts: [Fact("weekly_hours", .integer(15))]), taken: true, "flex job with hours")
        try check(Self.line(.flexJobStarted, facts: [Fact("employer_cvr", .text("12345678")), Fact("weekly_hours", .integer(15))]), taken: true,
                  "flex job with employer and hours")
        try check(Self.line(.flexJobStarted, facts: [Fact("employer_cvr", .text("12345678"))]), taken: true, "flex job with employer")
        try check(Self.line(.sickLeavePartialReturn, facts: [Fact("weekly_hours", .integer(20))]), taken: true, "partial return with hours")
        try check(Self.line(.educationStarted, facts: [Fact("level", .text("higher"))]), taken: true, "education with level")
        try check(Self.line(.educationStarted, facts: [Fact("level", .integer(3))]), taken: false, "a level that is a number")
        // Not person events: the registration, referrals, corrections.
        #expect(Self.fast(Self.line(.citizenRegistered, facts: [Fact("birth_date", .date(Day(iso: "1980-01-01")!)), Fact("education", .text("none"))])) == nil)
        #expect(Self.fast(Self.line(.jobOrderReferral, facts: [Fact("order_id", .text("JO-1"))])) == nil)
        // Numbers: a leading zero or a sign is refused by both; ten digits are left to the full decoder.
        var zero = Self.line(.paidHoursRegistered, facts: [Fact("month", .text("2014-02")), Fact("hours", .integer(7))])
        let hours = zero.firstRange(of: Array(#""hours":7"#.utf8))!
        zero.insert(UInt8(ascii: "0"), at: hours.upperBound - 1)
        #expect(Self.fast(zero) == nil && Self.full(zero) == nil)
        try check(Self.line(.paidHoursRegistered, facts: [Fact("month", .text("2014-02")), Fact("hours", .integer(1_000_000_000))]),
                  taken: false, "ten digits")
    }

    @Test("a word is plain exactly when each of its bytes is printable ASCII other than quote and backslash")
    func plainWords() {
        func plain(_ byte: UInt8) -> Bool { byte >= 0x20 && byte < 0x7F && byte != UInt8(ascii: "\"") && byte != UInt8(ascii: "\\") }
        // Every byte value at every position of a word of plain bytes, and next to a neighbour
        // that could borrow or carry into it.
        for position in 0..<8 {
            for byte in 0...255 {
                for filler in [UInt8(ascii: "a"), 0x20, 0x7E, UInt8(ascii: "#"), UInt8(ascii: "]")] {
                    var bytes = [UInt8](repeating: filler, count: 8)
                    bytes[position] = UInt8(byte)
                    let word = bytes.withUnsafeBytes { $0.loadUnaligned(as: UInt64.self) }
                    #expect(StoredPersonLine.Reader.isPlainWord(word) == plain(UInt8(byte)), "byte \(byte) at \(position)")
                    // The first byte that is not plain is the one marked lowest, whatever follows it.
                    if !plain(UInt8(byte)) {
                        for after in [UInt8(ascii: "\""), 0xFF, 0x00] where position < 7 {
                            var two = bytes
                            two[7] = after
                            let marks = StoredPersonLine.Reader.notPlainBytes(two.withUnsafeBytes { $0.loadUnaligned(as: UInt64.self) })
                            #expect(marks.trailingZeroBitCount / 8 == position, "byte \(byte) at \(position), then \(after)")
                        }
                    }
                }
            }
        }
    }

    @Test("a closed list finds each value, and nothing for a prefix, an extension or a changed byte")
    func choiceLists() {
        let lists = [Catalog.benefits, Catalog.benefitEndReasons, Catalog.matchCategories, Catalog.activationKinds,
                     Catalog.sickLeaveCloseReasons, EventType.allCases.map(\.rawValue),
                     // More values than hash slots, so slots are shared; and a value listed twice.
                     (0..<200).map { "value-\($0)" } + ["value-7", "a", "ab", "abcdefgh", "abcdefghi"]]
        for values in lists {
            let list = StoredPersonLine.ChoiceList(values)
            func find(_ text: String) -> Int? { Array(text.utf8).withUnsafeBytes { list.index(of: $0) } }
            for value in values {
                #expect(find(value) == values.firstIndex(of: value), "\(value)")
                for other in [String(value.dropLast()), value + "x", String(value.dropFirst()), "x" + value.dropFirst()] {
                    #expect(find(other) == values.firstIndex(of: other), "\(other)")
                }
            }
            #expect(find("") == values.firstIndex(of: ""))
        }
    }
}
