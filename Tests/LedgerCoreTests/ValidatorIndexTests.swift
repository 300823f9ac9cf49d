import Testing
@testable import LedgerCore
import Foundation

/// The validator's index (`cache/ledger-state.bin`, read in place): it holds the state a full
/// replay gives, a damaged page is never trusted, a stale index is continued by the lines after it,
/// an index of another program or another ledger is rebuilt, and appends judge every batch the
/// same with and without it. Also the lookup of an event by sequence number it relies on.
@Suite struct ValidatorIndexTests {
    static func citizen(_ i: Int) -> String { "c-" + String(format: "%016x", 0x1000 + i) }

    /// A ledger with citizens, benefit spells (some ended), job orders, a goal and retractions.
    static func populated(_ directory: TemporaryDirectory, citizens: Int) throws -> TestLedger {
        let test = try TestLedger(in: directory)
        try CheckpointTests.appendCitizens(test, from: 0, count: citizens)
        var lines: [String] = []
        for i in stride(from: 0, to: citizens, by: 3) {
            lines.append(inputLine("benefit_ended", effective: "2014-02-28", citizen: citizen(i), facts: #"{"benefit":"kontanthjaelp","reason":"job"}"#))
        }
        for n in 0..<12 {
            lines.append(inputLine("job_order_received", effective: "2014-03-03", facts: #"{"order_id":"O-\#(n)","employer_cvr":"12345678","positions":1}"#))
        }
        lines.append(inputLine("goal_adopted", effective: "2014-03-03", municipality: nil, facts: "{\(LedgerFileTests.DanishMessageTests.goal)}"))
        try test.append(lines)
        let head = try test.ledger.readHead()
        // Retract a job order receipt, the goal, a benefit start and a benefit end.
        try test.append([
            inputLine("correction", municipality: nil, facts: #"{"corrects":\#(head.seq - 1),"action":"retract","correction_reason":"fejloprettet"}"#),
            inputLine("correction", municipality: nil, facts: #"{"corrects":\#(head.seq),"action":"retract","correction_reason":"fejloprettet"}"#),
            inputLine("correction", municipality: nil, facts: #"{"corrects":5,"action":"retract","correction_reason":"fejloprettet"}"#),
        ])
        return test
    }

    @Test("an index holds the state a full replay gives, and its lookups answer as the state in memory")
    func roundTrip() throws {
        let directory = TemporaryDirectory("index-round-trip")
        let test = try Self.populated(directory, citizens: 120)
        let head = try test.ledger.readHead()
        let memory = try test.ledger.replayState(head: head, useCheckpoint: false)
        #expect(memory.index == nil)
        // What a writer that died while writing an index left is removed by the next.
        let stale = test.path + "/cache/ledger-state.bin.tmp-99999"
        try FileManager.default.createDirectory(atPath: test.path + "/cache", withIntermediateDirectories: true)
        writeBytes(stale, [UInt8](repeating: 0x41, count: 5000))
        #expect(ValidatorIndex.save(memory, to: test.ledger, head: head))
        #expect(!FileManager.default.fileExists(atPath: stale))
        #expect(try FileManager.default.contentsOfDirectory(atPath: test.path + "/cache") == ["ledger-state.bin"])
        let index = try #require(ValidatorIndex.open(test.ledger, head: head))
        #expect(index.position.seq == head.seq && index.position.hash == head.hash)
        let ledger = test.ledger
        let mapped = LedgerState(index: index) { (seq) -> Event? in (try? ledger.event(at: seq, head: head))??.event }
        #expect(mapped == memory)
        #expect(mapped.municipalities == testMunicipalities && mapped.jobcenter == "Jobcenter Vallensbæk")
        for i in 0..<130 {
            let c = Pseudonym(Self.citizen(i))!
            #expect(mapped.hasCitizen(c) == memory.hasCitizen(c) && mapped.hasCitizen(c) == (i < 120), "citizen \(i)")
            let key = LedgerState.PeriodKey(citizen: c, kind: "benefit", key: "kontanthjaelp")
            #expect(mapped.period(for: key) == memory.period(for: key), "period of \(i)")
        }
        for n in 0..<13 { #expect(mapped.hasJobOrder("O-\(n)") == memory.hasJobOrder("O-\(n)") && mapped.hasJobOrder("O-\(n)") == (n < 11)) }
        #expect(!mapped.hasGoal("g-1") && !memory.hasGoal("g-1"), "the goal was retracted")
        #expect(mapped.isRetracted(5) && !mapped.isRetracted(6))
        #expect(!mapped.indexDamaged)
        // The index written from the mapped state (the index with nothing on top) is the same file.
        let first = readBytes(ValidatorIndex.path(test.ledger))
        #expect(ValidatorIndex.save(mapped, to: test.ledger, head: head))
        #expect(readBytes(ValidatorIndex.path(test.ledger)) == first)
    }

    @Test("a damaged page of the index is never trusted: the append rebuilds the state and judges the batch as without the index")
    func damagedPagesAreRebuilt() throws {
        let directory = TemporaryDirectory("index-damage")
        let test = try Self.populated(directory, citizens: 150)
        let head = try test.ledger.readHead()
        #expect(ValidatorIndex.save(try test.ledger.replayState(head: head, useCheckpoint: false), to: test.ledger, head: head))
        let file = ValidatorIndex.path(test.ledger)
        let pristine = readBytes(file)
        let digestsStart = try #require(ValidatorIndex.open(test.ledger, head: head)).digestsStart
        let pages = (digestsStart - ValidatorIndex.pageBytes + ValidatorIndex.pageBytes - 1) / ValidatorIndex.pageBytes
        #expect(pages >= 3)
        let unknown = "c-00000000000fffff"
        let refusal = "citizen \(unknown) is not registered in this ledger; record citizen_registered first"
        var rebuilt: [Int] = []
        for page in 1...pages {
            for spot in [0, 1_000, 2_500, 4_000] {
                let at = page * ValidatorIndex.pageBytes + spot
                guard at < digestsStart else { continue }
                var damaged = pristine
                damaged[at] ^= 0x10
                // Directly: a lookup that reads the page reports the damage, and its answer is not used.
                writeBytes(file, damaged)
                let current = try test.ledger.readHead()
                if let index = ValidatorIndex.open(test.ledger, head: current) {
                    var allRead = true
                    for section in ValidatorIndex.Section.allCases { allRead = index.forEachRecord(section) { _, _ in } && allRead }
                    #expect(!allRead && index.isDamaged, "page \(page) byte \(spot): reading every record finds the damage")
                }
                // Through append: registered citizens from the whole key range are accepted, an unknown one refused.
                writeBytes(file, damaged)
                let batch = [0, 75, 149].map { inputLine("match_assessed", effective: "2014-04-01", citizen: Self.citizen($0), facts: #"{"category":"jobparat"}"#) }
                let result = try test.append(batch)
                #expect(result.lastSeq == current.seq + 3, "page \(page) byte \(spot)")
                // A rebuild removes the damaged file (and this small ledger's next index is written later).
                if !FileManager.default.fileExists(atPath: file) { rebuilt.append(page) }
                writeBytes(file, damaged)
                do {
                    try test.append([inputLine("match_assessed", effective: "2014-04-01", citizen: Self.citizen(10), facts: #"{"category":"jobparat"}"#),
                                     inputLine("match_assessed", effective: "2014-04-01", citizen: unknown, facts: #"{"category":"jobparat"}"#)])
                    Issue.record("page \(page) byte \(spot): an unknown citizen was accepted")
                } catch let LedgerError.input(error) {
                    #expect(error.line == 2 && error.field == "citizen" && error.message == refusal, "page \(page) byte \(spot): \(error)")
                }
                #expect(try test.ledger.readHead().seq == current.seq + 3, "the refused batch left nothing")
            }
        }
        // Page 1 holds the citizens' offsets and records: every lookup above read it.
        #expect(rebuilt.contains(1), "pages whose damage led to a rebuild: \(rebuilt)")
        // Without the (last damaged) file, the next append writes a whole index again.
        try FileManager.default.removeItem(atPath: file)
        try test.append([inputLine("match_assessed", effective: "2014-04-01", citizen: Self.citizen(3), facts: #"{"category":"jobparat"}"#)])
        let end = try test.ledger.readHead()
        #expect(try test.ledger.replayState(head: end, useCheckpoint: true) == test.ledger.replayState(head: end, useCheckpoint: false))
        #expect(try LedgerVerifier.verify(test.ledger).events == end.seq)
    }

    @Test("a stale index is continued by the lines after it; one the ledger does not continue is rebuilt")
    func staleIndex() throws {
        let directory = TemporaryDirectory("index-stale")
        let test = try Self.populated(directory, citizens: 30)
        let head = try test.ledger.readHead()
        #expect(ValidatorIndex.save(try test.ledger.replayState(head: head, useCheckpoint: false), to: test.ledger, head: head))
        try CheckpointTests.appendCitizens(test, from: 30, count: 4)
        try test.append([inputLine("correction", municipality: nil, facts: #"{"corrects":7,"action":"retract","correction_reason":"fejloprettet"}"#)])
        let later = try test.ledger.readHead()
        let loaded = try test.ledger.loadState(head: later)
        #expect(loaded.checkpointSeq == head.seq && loaded.state.index?.position.seq == head.seq, "the index at the older head, with an overlay")
        #expect(loaded.state == (try test.ledger.replayState(head: later, useCheckpoint: false)))
        #expect(loaded.state.hasCitizen(Pseudonym(Self.citizen(33))!) && !loaded.state.hasCitizen(Pseudonym(Self.citizen(34))!))

        // Another ledger's index at a position this ledger does not continue (same sequence number, other lines).
        let otherDirectory = TemporaryDirectory("index-stale-other")
        let other = try Self.populated(otherDirectory, citizens: 30)
        let otherHead = try other.ledger.readHead()
        #expect(otherHead.seq == head.seq)
        #expect(ValidatorIndex.save(try other.ledger.replayState(head: otherHead, useCheckpoint: false), to: other.ledger, head: otherHead))
        writeBytes(ValidatorIndex.path(test.ledger), readBytes(ValidatorIndex.path(other.ledger)))
        #expect(ValidatorIndex.open(test.ledger, head: later) == nil)
        let replayed = try test.ledger.loadState(head: later)
        #expect(replayed.checkpointSeq == 0 && replayed.state.index == nil)
        try test.append([inputLine("match_assessed", effective: "2014-04-01", citizen: Self.citizen(31), facts: #"{"category":"jobparat"}"#)])
        let end = try test.ledger.readHead()
        #expect(ValidatorIndex.open(test.ledger, head: end) == nil, "the other ledger's index is never read")
        #expect(try test.ledger.loadState(head: end).state == test.ledger.replayState(head: end, useCheckpoint: false))
    }

    @Test("an index written by another program is not read: the next append rebuilds it")
    func otherProgramRebuilds() throws {
        let directory = TemporaryDirectory("index-program")
        // Enough lines that an append without a usable index writes one.
        let test = try Self.populated(directory, citizens: Int(ValidatorIndex.rewriteAfterLines / 2))
        let head = try test.ledger.readHead()
        let state = try test.ledger.replayState(head: head, useCheckpoint: false)
        #expect(ValidatorIndex.save(state, to: test.ledger, head: head, program: "build-id 00112233"))
        #expect(ValidatorIndex.open(test.ledger, head: head, program: "build-id 00112233") != nil)
        #expect(ValidatorIndex.open(test.ledger, head: head) == nil, "this program does not read another's index")
        #expect(try test.ledger.loadState(head: head).state.index == nil)
        try test.append([inputLine("match_assessed", effective: "2014-04-01", citizen: Self.citizen(1), facts: #"{"category":"jobparat"}"#)])
        let end = try test.ledger.readHead()
        let index = try #require(ValidatorIndex.open(test.ledger, head: end))
        #expect(index.position.seq == end.seq)
        #expect(ValidatorIndex.open(test.ledger, head: end, program: "build-id 00112233") == nil)
    }

    /// What the random batches below steer by: the citizens registered, each one's benefit spell,
    /// and the job orders and goals in force with the lines that made them. Kept up to date with the
    /// accepted batches only; it steers, the two ledgers judge.
    struct Model {
        var citizens = 0
        /// Citizen number: the spell's start and, when ended, its end (sequence numbers).
        var spells: [Int: (start: Int64, end: Int64?)] = [:]
        /// Order number: the receipt's sequence number.
        var orders: [Int: Int64] = [:]
        /// Goal number: the adoption's sequence number.
        var goals: [Int: Int64] = [:]
    }

    /// One random line for sequence number `seq`, mostly one the model says is valid, now and then
    /// one that is not (an unknown citizen, order or goal, a second start, a retraction refused).
    static func randomLine(_ model: inout Model, seq: Int64, random: inout SplitMix64) -> String {
        let known = model.citizens > 0 ? random.below(model.citizens) : 0
        let who = random.below(12) == 0 ? model.citizens + random.below(3) : known
        /// One of a dictionary's keys (sorted first: a dictionary's order differs between runs).
        func pick<Value>(_ dictionary: [Int: Value]) -> (Int, Value)? {
            let keys = dictionary.keys.sorted()
            guard !keys.isEmpty else { return nil }
            let key = keys[random.below(keys.count)]
            return (key, dictionary[key]!)
        }
        func retract(_ target: Int64) -> String {
            inputLine("correction", municipality: nil, facts: #"{"corrects":\#(target),"action":"retract","correction_reason":"fejloprettet"}"#)
        }
        switch random.below(20) {
        case 0, 1, 2:
            model.citizens += 1
            return inputLine("citizen_registered", effective: "2014-01-02", citizen: citizen(model.citizens - 1), facts: #"{"birth_date":"1990-01-01","education":"none"}"#)
        case 3, 4:
            if who < model.citizens, model.spells[who]?.end != nil || model.spells[who] == nil { model.spells[who] = (seq, nil) }
            return inputLine("benefit_started", effective: "2014-01-06", citizen: citizen(who), facts: #"{"benefit":"kontanthjaelp"}"#)
        case 5, 6:
            if who < model.citizens, let spell = model.spells[who], spell.end == nil { model.spells[who] = (spell.start, seq) }
            return inputLine("benefit_ended", effective: "2014-02-28", citizen: citizen(who), facts: #"{"benefit":"kontanthjaelp","reason":"job"}"#)
        case 7:
            let id = random.below(4)
            if model.orders[id] == nil { model.orders[id] = seq }
            return inputLine("job_order_received", effective: "2014-03-03", facts: #"{"order_id":"O-\#(id)","employer_cvr":"12345678","positions":1}"#)
        case 8:
            return inputLine("job_placement", effective: "2014-03-04", citizen: citizen(who), facts: #"{"channel":"employer-request","order_id":"O-\#(random.below(5))"}"#)
        case 9:
            return inputLine("job_order_referral", effective: "2014-03-04", citizen: citizen(who), facts: #"{"order_id":"O-\#(random.below(5))"}"#)
        case 10:
            let id = random.below(3)
            if model.goals[id] == nil { model.goals[id] = seq }
            let goal = LedgerFileTests.DanishMessageTests.goal.replacingOccurrences(of: "g-1", with: "g-\(id)")
            return inputLine("goal_adopted", effective: "2014-03-03", municipality: nil, facts: "{\(goal)}")
        case 11:
            return inputLine("goal_amended", effective: "2014-03-05", municipality: nil, facts: #"{"goal_id":"g-\#(random.below(4))","target":3}"#)
        case 12, 13, 14, 15:
            // Retract what the model holds in force: an order's receipt, a goal's adoption, an open
            // spell's start, a closed spell's end; or, now and then, any line.
            switch random.below(5) {
            case 0:
                if let (id, receipt) = pick(model.orders) {
                    model.orders[id] = nil
                    return retract(receipt)
                }
            case 1:
                if let (id, adoption) = pick(model.goals) {
                    model.goals[id] = nil
                    return retract(adoption)
                }
            case 2, 3:
                if let (who, spell) = pick(model.spells) {
                    if let end = spell.end {
                        model.spells[who] = (spell.start, nil)
                        return retract(end)
                    }
                    model.spells[who] = nil
                    return retract(spell.start)
                }
            default: break
            }
            return retract(2 + Int64(random.below(Int(seq) - 1)))
        default:
            return inputLine("match_assessed", effective: "2014-04-01", citizen: citizen(who), facts: #"{"category":"jobparat"}"#)
        }
    }

    @Test("appends judge random batches the same with and without the index, with the same refusals")
    func sameVerdictsWithAndWithoutIndex() throws {
        let seed = testSeed(0x1D3E_7A11)
        var random = SplitMix64(seed: seed)
        let directory = TemporaryDirectory("index-property")
        let test = try TestLedger(in: directory)
        try test.append([inputLine("citizen_registered", effective: "2014-01-02", citizen: Self.citizen(0), facts: #"{"birth_date":"1990-01-01","education":"none"}"#)])
        var model = Model(citizens: 1)
        // The second ledger is a byte copy that never has an index: its cache is removed before each append.
        let copyPath = directory.file("copy")
        try FileManager.default.copyItem(atPath: test.path, toPath: copyPath)
        let copy = try Ledger(path: copyPath)
        let now = Clock.now()
        var accepted = 0, refused = 0
        for batchNumber in 0..<150 {
            let head = try test.ledger.readHead()
            var changed = model
            var lines: [String] = []
            for _ in 0..<(1 + random.below(3)) {
                lines.append(Self.randomLine(&changed, seq: head.seq + 1 + Int64(lines.count), random: &random))
            }
            let records = try test.records(lines)
            func outcome(_ ledger: Ledger) -> String {
                do {
                    let result = try ledger.append(records, source: "test input", recordedAt: nil, clock: { now })
                    return "appended \(result.firstSeq ?? 0)-\(result.lastSeq)"
                } catch {
                    return "refused: \(error)"
                }
            }
            let withIndex = outcome(test.ledger)
            try? FileManager.default.removeItem(atPath: copyPath + "/cache")
            let without = outcome(copy)
            #expect(withIndex == without, "seed \(seed) batch \(batchNumber): \(lines)")
            if withIndex.hasPrefix("appended") {
                accepted += 1
                model = changed
            } else {
                refused += 1
            }
            // Now and then the index is written from the state it reads with the lines since merged in.
            if batchNumber % 5 == 2 {
                let now = try test.ledger.readHead()
                let state = try test.ledger.replayState(head: now, useCheckpoint: true)
                #expect(ValidatorIndex.save(state, to: test.ledger, head: now))
            }
        }
        // Both kinds of verdict were compared, many times each.
        #expect(accepted >= 40 && refused >= 20, "seed \(seed): \(accepted) accepted, \(refused) refused")
        let end = try test.ledger.readHead()
        #expect(end == (try copy.readHead()), "seed \(seed)")
        #expect(readBytes(test.ledger.segmentPath(1)) == readBytes(copy.segmentPath(1)))
        let fromIndex = try test.ledger.replayState(head: end, useCheckpoint: true)
        #expect(fromIndex.index != nil)
        #expect(fromIndex == (try copy.replayState(head: end, useCheckpoint: false)), "seed \(seed)")
    }

    @Test("an event is found by sequence number in every segment, by a binary search within it")
    func eventBySequenceNumber() throws {
        let directory = TemporaryDirectory("event-at")
        var segmented = try SegmentedLedger(in: directory)
        segmented.addLines(1_400, toSegment: 1)
        segmented.addLines(2_100, toSegment: 2)
        segmented.addLines(3, toSegment: 3)
        let ledger = segmented.base.ledger
        let head = try ledger.readHead()
        let all = try ledger.allEvents()
        #expect(all.count == Int(head.seq))
        var probes = Array(stride(from: Int64(1), through: head.seq, by: 29))
        probes += [1, 2, 1_400, 1_401, 1_402, 3_500, 3_501, 3_502, 3_503, 3_504]
        for seq in probes where seq <= head.seq {
            #expect(try ledger.event(at: seq, head: head) == all[Int(seq - 1)], "seq \(seq)")
        }
        #expect(try ledger.event(at: 0, head: head) == nil)
        #expect(try ledger.event(at: head.seq + 1, head: head) == nil)
    }
}
