import Testing
@testable import LedgerCore
import Foundation

/// The binary codec, the validator's index used by append, and a state loaded before an append
/// reused by it.
@Suite struct CheckpointTests {
    @Test("the binary codec reads back what it wrote, and refuses every cut of it")
    func codecRoundTrip() throws {
        var w = BinaryWriter()
        w.int64(-1); w.int64(Int64.max); w.uint64(0xdead_beef_0123_4567); w.int(42); w.int32(-7); w.uint8(200); w.bool(true)
        w.string("Jobcenter Vallensbæk"); w.string(""); w.raw([1, 2, 3])
        w.optional(Int64(5)) { $0.int64($1) }; w.optional(Int64?.none) { $0.int64($1) }
        w.array(["a", "bc", "æøå"]) { $0.string($1) }
        let bytes = w.bytes
        func read(_ r: inout BinaryReader) throws(BinaryReadError) -> [String] {
            var out: [String] = []
            out.append(String(try r.int64())); out.append(String(try r.int64())); out.append(String(try r.uint64(), radix: 16))
            out.append(String(try r.int())); out.append(String(try r.int32())); out.append(String(try r.uint8())); out.append(String(try r.bool()))
            out.append(try r.string()); out.append(try r.string()); out.append(try r.raw(3).map(String.init).joined(separator: ","))
            out.append(String(describing: try r.optional { (r) throws(BinaryReadError) in try r.int64() }))
            out.append(String(describing: try r.optional { (r) throws(BinaryReadError) in try r.int64() }))
            out.append(try r.array { (r) throws(BinaryReadError) in try r.string() }.joined(separator: "|"))
            return out
        }
        var r = BinaryReader(bytes)
        #expect(try read(&r) == ["-1", String(Int64.max), "deadbeef01234567", "42", "-7", "200", "true", "Jobcenter Vallensbæk", "", "1,2,3",
                                 "Optional(5)", "nil", "a|bc|æøå"])
        #expect(r.atEnd)
        for cut in 0..<bytes.count {
            var short = BinaryReader(Array(bytes.prefix(cut)))
            #expect(throws: BinaryReadError.self, "cut at \(cut)") { _ = try read(&short) }
        }
        // A count beyond the bytes left is refused before anything is allocated.
        var huge = BinaryWriter()
        huge.int32(Int32.max)
        var hr = BinaryReader(huge.bytes)
        #expect(throws: BinaryReadError.self) { _ = try hr.array { (r) throws(BinaryReadError) in try r.uint8() } }
    }

    /// Appends `count` registrations and benefit starts, one citizen per pair.
    static func appendCitizens(_ test: TestLedger, from first: Int, count: Int) throws {
        var lines: [String] = []
        for i in first..<(first + count) {
            let citizen = "c-" + String(format: "%016x", 0x1000 + i)
            lines.append(inputLine("citizen_registered", effective: "2014-01-02", citizen: citizen, facts: #"{"birth_date":"1990-01-01","education":"none"}"#))
            lines.append(inputLine("benefit_started", effective: "2014-01-06", citizen: citizen, facts: #"{"benefit":"kontanthjaelp"}"#))
        }
        try test.append(lines)
    }

    @Test("append starts from the validator's index when it fits, and the state equals a full replay")
    func appendUsesCheckpoint() throws {
        let directory = TemporaryDirectory("checkpoint")
        let test = try TestLedger(in: directory)
        try Self.appendCitizens(test, from: 0, count: 20)
        let head = try test.ledger.readHead()
        let state = try test.ledger.replayState(head: head, useCheckpoint: false)
        #expect(state.index == nil)

        // An index without the municipalities: append uses it, so a valid event is refused.
        var marked = state
        marked.municipalities = []
        #expect(ValidatorIndex.save(marked, to: test.ledger, head: head))
        #expect(throws: LedgerError.self) { try Self.appendCitizens(test, from: 100, count: 1) }
        // The true state as index: appends continue it, and the state equals a full replay.
        #expect(ValidatorIndex.save(state, to: test.ledger, head: head))
        try Self.appendCitizens(test, from: 20, count: 5)
        let later = try test.ledger.readHead()
        let fromIndex = try test.ledger.replayState(head: later, useCheckpoint: true)
        #expect(fromIndex.index?.position.seq == head.seq, "the index is not rewritten for a few lines")
        #expect(fromIndex == (try test.ledger.replayState(head: later, useCheckpoint: false)))
        // A citizen registered before the index is known after it, and so is the benefit spell
        // opened then: a second start of it is refused. An unknown citizen is refused.
        let known = "c-" + String(format: "%016x", 0x1000 + 3)
        try test.append([inputLine("match_assessed", effective: "2014-02-01", citizen: known, facts: #"{"category":"jobparat"}"#)])
        #expect(throws: LedgerError.self) {
            try test.append([inputLine("benefit_started", effective: "2014-03-03", citizen: known, facts: #"{"benefit":"kontanthjaelp"}"#)])
        }
        #expect(throws: LedgerError.self) {
            try test.append([inputLine("match_assessed", effective: "2014-02-01", citizen: "c-00000000000fffff", facts: #"{"category":"jobparat"}"#)])
        }
        // An index whose header was altered is ignored: the marked one, with one byte changed.
        let file = ValidatorIndex.path(test.ledger)
        let now = try test.ledger.readHead()
        var nowMarked = try test.ledger.replayState(head: now, useCheckpoint: false)
        nowMarked.municipalities = []
        #expect(ValidatorIndex.save(nowMarked, to: test.ledger, head: now))
        var bytes = readBytes(file)
        bytes[40] ^= 0x01
        writeBytes(file, bytes)
        try Self.appendCitizens(test, from: 200, count: 1)
        #expect(try test.ledger.replayState(head: try test.ledger.readHead(), useCheckpoint: true).municipalities == testMunicipalities)
    }

    @Test("an append reuses a state loaded before it while the head has not moved, and loads it again when it has")
    func appendReusesLoadedState() throws {
        let directory = TemporaryDirectory("reused-state")
        let test = try TestLedger(in: directory)
        try Self.appendCitizens(test, from: 0, count: 3)
        let head = try test.ledger.readHead()
        let loaded = try test.ledger.loadState(head: head)
        #expect(loaded.head == head)
        #expect(loaded.state == (try test.ledger.replayState(head: head, useCheckpoint: false)))
        let known = "c-" + String(format: "%016x", 0x1000 + 1)
        let assessed = try test.records([inputLine("match_assessed", effective: "2014-02-01", citizen: known, facts: #"{"category":"jobparat"}"#)])

        // A state marked (no municipalities) at the same head is the one the validator uses: the
        // valid event is refused, which it would not be against a state loaded again.
        var marked = loaded.state
        marked.municipalities = []
        let markedLoaded = LoadedLedgerState(head: head, state: marked, checkpointSeq: loaded.checkpointSeq)
        #expect(throws: LedgerError.self) { try test.ledger.append(assessed, source: "test input", recordedAt: nil, reusing: markedLoaded) }
        #expect(try test.ledger.readHead() == head)

        // Once another append moved the head, the marked state is ignored and the state loaded
        // again: the same event is accepted, after the other append's lines, and a citizen
        // registered by that append is known.
        try Self.appendCitizens(test, from: 10, count: 1)
        let moved = try test.ledger.readHead()
        let other = "c-" + String(format: "%016x", 0x1000 + 10)
        let both = try test.records([
            inputLine("match_assessed", effective: "2014-02-01", citizen: known, facts: #"{"category":"jobparat"}"#),
            inputLine("match_assessed", effective: "2014-02-01", citizen: other, facts: #"{"category":"jobparat"}"#),
        ])
        let result = try test.ledger.append(both, source: "test input", recordedAt: nil, reusing: markedLoaded)
        #expect(result.firstSeq == moved.seq + 1 && result.lastSeq == moved.seq + 2)

        // The true state reused: the append continues the ledger as one that loads it would, and
        // the state after it equals a full replay.
        let now = try test.ledger.readHead()
        let reusable = try test.ledger.loadState(head: now)
        let again = try test.records([inputLine("match_assessed", effective: "2014-03-01", citizen: other, facts: #"{"category":"aktivitetsparat"}"#)])
        let last = try test.ledger.append(again, source: "test input", recordedAt: nil, reusing: reusable)
        #expect(last.firstSeq == now.seq + 1)
        let end = try test.ledger.readHead()
        #expect(try test.ledger.replayState(head: end, useCheckpoint: true) == test.ledger.replayState(head: end, useCheckpoint: false))
        let report = try LedgerVerifier.verify(test.ledger)
        #expect(report.head == end && report.events == end.seq && report.tail == nil)
    }

    @Test("a retraction after the state came from the index undoes the period it opened or closed")
    func retractionAfterCheckpoint() throws {
        let directory = TemporaryDirectory("checkpoint-retract")
        let test = try TestLedger(in: directory)
        try Self.appendCitizens(test, from: 0, count: 3)
        let c0 = "c-" + String(format: "%016x", 0x1000)
        let c1 = "c-" + String(format: "%016x", 0x1001)
        try test.append([inputLine("benefit_ended", effective: "2014-02-28", citizen: c1, facts: #"{"benefit":"kontanthjaelp","reason":"job"}"#)])
        let head = try test.ledger.readHead()
        let state = try test.ledger.replayState(head: head, useCheckpoint: false)
        #expect(ValidatorIndex.save(state, to: test.ledger, head: head))
        // Lines 2-7: three citizens, each registered and starting a benefit; line 8 ends c1's.
        // Retract c0's start (3) and c1's end (8): c0 may start the benefit again, c1's spell is open again.
        try test.append([inputLine("correction", municipality: nil, facts: #"{"corrects":3,"action":"retract","correction_reason":"fejloprettet"}"#),
                         inputLine("correction", municipality: nil, facts: #"{"corrects":8,"action":"retract","correction_reason":"fejloprettet"}"#)])
        let after = try test.ledger.readHead()
        let fromCheckpoint = try test.ledger.replayState(head: after, useCheckpoint: true)
        let replayed = try test.ledger.replayState(head: after, useCheckpoint: false)
        #expect(fromCheckpoint.index?.position.seq == head.seq)
        #expect(fromCheckpoint == replayed)
        let key0 = LedgerState.PeriodKey(citizen: Pseudonym(c0)!, kind: "benefit", key: "kontanthjaelp")
        let key1 = LedgerState.PeriodKey(citizen: Pseudonym(c1)!, kind: "benefit", key: "kontanthjaelp")
        #expect(fromCheckpoint.period(for: key0) == nil)
        #expect(fromCheckpoint.period(for: key1)?.end == nil && fromCheckpoint.period(for: key1)?.startSeq == 5)
        // And the validator (from the checkpoint) sees it so: c0 starts again, c1's second start is refused.
        try test.append([inputLine("benefit_started", effective: "2014-03-03", citizen: c0, facts: #"{"benefit":"kontanthjaelp"}"#)])
        #expect(throws: LedgerError.self) {
            try test.append([inputLine("benefit_started", effective: "2014-03-03", citizen: c1, facts: #"{"benefit":"kontanthjaelp"}"#)])
        }
    }
}
