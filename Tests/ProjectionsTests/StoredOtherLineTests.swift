import Testing
import LedgerCore
@testable import Projections
import Simulation

/// The replay's fast reader of referrals, registrations, company visits and survey responses
/// (``StoredOtherLine``) may leave any line to the full decoder, but a value it returns must equal
/// the full decoding, and it must never take a line the full decoder refuses.
@Suite struct StoredOtherLineTests {
    static func fast(_ line: [UInt8]) -> RecordedEvent? {
        var memo = StoredPersonLine.Memo()
        return line.withUnsafeBytes { StoredOtherLine.decode($0, memo: &memo) }
    }

    static let typesRead: Set<EventType> = Set(StoredOtherLine.Names.typeValues)

    @Test("on a generated ledger's lines it equals the full decoder and takes its types' lines", arguments: [UInt64(41), 42])
    func generatedLines(seed: UInt64) throws {
        var taken: [EventType: Int] = [:], seen: [EventType: Int] = [:]
        // One memo across the lines, shared with the person reader, as a chunk's decoding shares it.
        var memo = StoredPersonLine.Memo()
        var hashBefore: SHA256Digest?
        for line in try StoredPersonLineTests.storedLines(seed: seed, citizens: 80) {
            let full = try LineDecoder.decode(line)
            defer { hashBefore = full.hash }
            if line.withUnsafeBytes({ StoredPersonLine.decode($0, memo: &memo) }) != nil { continue }
            let fast = line.withUnsafeBytes { StoredOtherLine.decode($0, memo: &memo) }
            #expect(fast == Self.fast(line), "with and without the memo")
            if let fast {
                #expect(fast == full, "\(String(decoding: line, as: UTF8.self))")
                #expect(Self.typesRead.contains(fast.event.type))
                // What the chain check takes from the memo.
                #expect(memo.lineRecordedAt == full.recordedAt && memo.lineHashText.digest == full.hash)
                #expect(memo.linePrev == (full.prev == hashBefore ? nil : full.prev))
                taken[fast.event.type, default: 0] += 1
            } else {
                memo.noteLine(recordedAt: full.recordedAt, prev: full.prev, hash: full.hash)
            }
            if Self.typesRead.contains(full.event.type) { seen[full.event.type, default: 0] += 1 }
        }
        // Every type it reads is met, and its lines are taken (a change that quietly sends them to
        // the full decoder is caught here).
        for type in Self.typesRead {
            let count = seen[type] ?? 0
            #expect(count > 10 && (taken[type] ?? 0) == count, "\(type.rawValue): \(taken[type] ?? 0) of \(count) taken")
        }
    }

    @Test("a mutated line it takes is read the same by the full decoder (20,000 seeded mutations)")
    func mutatedLines() throws {
        let lines = try StoredPersonLineTests.storedLines(seed: 43, citizens: 80).filter { Self.fast($0) != nil }
        #expect(lines.count > 100)
        var random = SplitMix64(seed: 45)
        var memo = StoredPersonLine.Memo()
        var stillTaken = 0
        for _ in 0..<20_000 {
            let line = StoredPersonLineTests.mutated(lines[Int(random.next() % UInt64(lines.count))], &random)
            guard let fast = line.withUnsafeBytes({ StoredOtherLine.decode($0, memo: &memo) }) else { continue }
            stillTaken += 1
            let full = try #require(try? LineDecoder.decode(line), "taken by the fast reader, refused by the full decoder: \(String(decoding: line, as: UTF8.self))")
            #expect(fast == full, "\(String(decoding: line, as: UTF8.self))")
        }
        #expect(stillTaken > 100 && stillTaken < 20_000, "\(stillTaken) taken")
    }

    @Test("hand-made lines: optional facts, no municipality, and what it leaves to the full decoder")
    func handMadeLines() throws {
        func line(_ type: EventType, _ facts: [Fact], municipality: Int? = 187, citizen: String? = "c-0123456789abcdef") -> [UInt8] {
            var bytes: [UInt8] = []
            let event = Event(type: type, effective: Day(iso: "2014-03-03")!, municipality: municipality, citizen: citizen.flatMap { Pseudonym($0) }, facts: facts)
            _ = CanonicalEncoder.appendLine(seq: 7, recordedAt: Timestamp(iso: "2014-03-05T09:15:00.250Z")!, event: event,
                                            prev: SHA256.hash(Array("x".utf8)), to: &bytes)
            bytes.removeLast()
            return bytes
        }
        func check(_ bytes: [UInt8], taken: Bool, _ comment: Comment) throws {
            let full = try LineDecoder.decode(bytes)
            let fast = Self.fast(bytes)
            #expect((fast != nil) == taken, comment)
            if let fast { #expect(fast == full, comment) }
        }
        let birth = Fact("birth_date", .date(Day(iso: "1980-01-31")!))
        try check(line(.citizenRegistered, [birth, Fact("education", .text("vocational"))]), taken: true, "registration, required facts")
        try check(line(.citizenRegistered, [birth, Fact("education", .text("none")), Fact("refugee", .bool(true)),
                                            Fact("arrival_date", .date(Day(iso: "2013-06-01")!))]), taken: true, "refugee with arrival")
        try check(line(.citizenRegistered, [birth, Fact("education", .text("none")), Fact("arrival_date", .date(Day(iso: "2013-06-01")!))]),
                  taken: true, "arrival without the refugee fact")
        try check(line(.jobOrderReferral, [Fact("order_id", .text("JO-000001"))], municipality: nil), taken: true, "no municipality")
        try check(line(.companyVisited, [Fact("cvr", .text("12345678"))], citizen: nil), taken: true, "no citizen")
        try check(line(.surveyResponse, [Fact("respondent", .text("citizen")), Fact("satisfied", .bool(false))], citizen: nil), taken: true, "survey")
        // Left to the full decoder: an escape, a value of another JSON shape, another type.
        try check(line(.jobOrderReferral, [Fact("order_id", .text("JO-\"1"))]), taken: false, "escaped quote")
        try check(line(.surveyResponse, [Fact("respondent", .text("citizen")), Fact("satisfied", .integer(1))], citizen: nil), taken: false,
                  "a number for a bool")
        try check(line(.jobOrderReceived, [Fact("order_id", .text("JO-1")), Fact("employer_cvr", .text("12345678")), Fact("positions", .integer(2))],
                       citizen: nil), taken: false, "a job order received")
        try check(line(.matchAssessed, [Fact("category", .text("jobparat"))]), taken: false, "a person event")
    }
}
