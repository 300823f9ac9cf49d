import Testing
import LedgerCore
@testable import Projections
import Simulation
import Foundation

/// The fold split over threads by citizen (``FoldLanes``) must give the state the serial fold
/// gives, byte for byte: the same histories in the same order, the same jobcenter facts and head.
@Suite struct FoldLanesTests {
    typealias GeneratedLedger = ReplayPropertyTests.GeneratedLedger

    /// The state's checkpoint sections and its citizens' order: everything a report reads.
    static func fingerprint(_ state: ProjectionState) -> [[UInt8]] {
        var order: [UInt8] = []
        for history in state.citizens { history.pseudonym.appendText(to: &order) }
        return state.checkpointSections() + [order]
    }

    /// Nil when two states have the same fingerprint, else where they first differ (the sections
    /// themselves are too long to print).
    static func difference(_ a: ProjectionState, _ b: ProjectionState) -> String? {
        let (x, y) = (fingerprint(a), fingerprint(b))
        guard x != y else { return nil }
        guard x.count == y.count else { return "\(x.count) sections against \(y.count)" }
        let k = x.indices.first { x[$0] != y[$0] }!
        return k == x.count - 1 ? "the citizens' order differs" : "section \(k) differs (\(x[k].count) bytes against \(y[k].count))"
    }

    @Test("a fold in 2, 3 or 5 lanes equals the serial fold", arguments: [UInt64(31), 32, 33])
    func lanesEqualSerial(seed: UInt64) throws {
        let generated = try GeneratedLedger(seed: seed, citizens: 120)
        let serial = try Replayer.replay(generated.ledger, foldLanes: 1)
        #expect(serial.citizens.count > 100)
        #expect(serial.retracted.count + serial.superseded.count > 0, "the generated ledger holds corrections")
        for lanes in [2, 3, 5] {
            let split = try Replayer.replay(generated.ledger, foldLanes: lanes)
            #expect(Self.difference(split, serial) == nil, "seed \(seed), \(lanes) lanes")
            for day in PartialFoldTests.days {
                #expect(try PartialFoldTests.measures(MeasureEngine(state: split), at: day)
                        == PartialFoldTests.measures(MeasureEngine(state: serial), at: day), "seed \(seed), \(lanes) lanes")
            }
        }
    }

    @Test("lanes stop where the serial fold stops, and carry a state over as it does")
    func cutsAndCarriedState() throws {
        let generated = try GeneratedLedger(seed: 34, citizens: 100)
        let events = try generated.ledger.allEvents()
        var random = SplitMix64(seed: 34)
        for _ in 0..<4 {
            let cut = Int64(random.next() % UInt64(events.count - 1)) + 1
            // Through a sequence number.
            let serialPart = try Replayer.replay(generated.ledger, throughSeq: cut, foldLanes: 1)
            let lanePart = try Replayer.replay(generated.ledger, throughSeq: cut, foldLanes: 2)
            #expect(lanePart.headSeq == cut)
            #expect(Self.difference(lanePart, serialPart) == nil, "through seq \(cut)")
            // As known at a moment.
            let knownAt = events[Int(cut) - 1].recordedAt
            #expect(Self.difference(try Replayer.replay(generated.ledger, knownAt: knownAt, foldLanes: 3),
                                    try Replayer.replay(generated.ledger, knownAt: knownAt, foldLanes: 1)) == nil, "known at \(knownAt)")
            // The rest folded in lanes onto the first part (its citizens go to their lanes first).
            let whole = try Replayer.replay(generated.ledger, foldLanes: 1)
            let carried = try Replayer.replay(generated.ledger, from: serialPart, foldLanes: 4)
            #expect(Self.difference(carried, whole) == nil, "carried over from seq \(cut)")
        }
    }

    @Test("small chunks, each finding its line boundaries where it is decoded, give the state one chunk gives", arguments: [UInt64(37), 38])
    func smallChunksEqualOneChunk(seed: UInt64) throws {
        let generated = try GeneratedLedger(seed: seed, citizens: 60)
        let size = try FileManager.default.attributesOfItem(atPath: generated.ledger.segmentPath(1))[.size] as! Int
        let whole = try Replayer.replay(generated.ledger, foldLanes: 1)
        #expect(Int64(size) < Replayer.chunkBytes, "the default replay reads the ledger as one chunk")
        // Chunks smaller than a line (boundaries resolved to the same line start, empty chunks),
        // of a few lines, and of many, in one lane and in two, whole and cut at a sequence number.
        for chunkBytes: Int64 in [97, 1_000, 7_777, 100_000] {
            for lanes in [1, 2] {
                let chunked = try Replayer.replay(generated.ledger, foldLanes: lanes, chunkBytes: chunkBytes)
                #expect(Self.difference(chunked, whole) == nil, "seed \(seed), \(chunkBytes)-byte chunks, \(lanes) lanes")
            }
            let cut = whole.headSeq * 2 / 3
            #expect(Self.difference(try Replayer.replay(generated.ledger, throughSeq: cut, foldLanes: 1, chunkBytes: chunkBytes),
                                    try Replayer.replay(generated.ledger, throughSeq: cut, foldLanes: 1)) == nil, "through \(cut), \(chunkBytes)-byte chunks")
        }
    }

    @Test("prefetching changes nothing, and the array offsets it reads are where the arrays are")
    func prefetchIsOnlyAHint() throws {
        let generated = try GeneratedLedger(seed: 36, citizens: 40)
        var state = try Replayer.replay(generated.ledger, foldLanes: 1)
        let before = Self.fingerprint(state)
        let stages: [ProjectionState.PrefetchStage] = [.indexSlot, .history, .historyArray]
        let types = EventType.allCases
        // Known citizens and unknown pseudonyms, every stage and kind of array.
        let pseudonyms = state.citizens.map(\.pseudonym) + [Pseudonym(value: 1), Pseudonym(value: UInt64.max)]
        for pseudonym in pseudonyms {
            for stage in stages {
                for type in types { state.prefetch(stage, citizen: pseudonym, type: type) }
            }
        }
        #expect(Self.difference(state, try Replayer.replay(generated.ledger, foldLanes: 1)) == nil)
        #expect(Self.fingerprint(state) == before)
        // The word at each offset is the array's reference (its storage's address).
        let history = try #require(state.citizens.first { !$0.paidHours.isEmpty && !$0.spells.isEmpty })
        withUnsafeBytes(of: history) { raw in
            func word(_ offset: Int) -> UInt { raw.load(fromByteOffset: offset, as: UInt.self) }
            #expect(word(ProjectionState.HistoryOffsets.paidHours) == unsafeBitCast(history.paidHours, to: UInt.self))
            #expect(word(ProjectionState.HistoryOffsets.spells) == unsafeBitCast(history.spells, to: UInt.self))
            #expect(word(ProjectionState.HistoryOffsets.assessments) == unsafeBitCast(history.assessments, to: UInt.self))
            #expect(word(ProjectionState.HistoryOffsets.activations) == unsafeBitCast(history.activations, to: UInt.self))
            #expect(word(ProjectionState.HistoryOffsets.awards) == unsafeBitCast(history.awards, to: UInt.self))
            #expect(word(ProjectionState.HistoryOffsets.flexJobs) == unsafeBitCast(history.flexJobs, to: UInt.self))
        }
    }

    @Test("lines swapped in the file are refused in lanes as in the serial fold: two person events, and a person event with another")
    func brokenChainRefused() throws {
        for mixed in [false, true] {
            let generated = try GeneratedLedger(seed: 35, citizens: 20)
            let segment = generated.ledger.segmentPath(1)
            var lines = try String(contentsOfFile: segment, encoding: .utf8).split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
            // Two neighbours whose kinds (person event or not) are equal, or differ when `mixed`.
            func isPerson(_ line: String) throws -> Bool { PersonEvent(try LineDecoder.decode(Array(line.utf8))) != nil }
            var at = 10
            while try (isPerson(lines[at]) != isPerson(lines[at + 1])) != mixed { at += 1 }
            lines.swapAt(at, at + 1)
            try lines.joined(separator: "\n").write(toFile: segment, atomically: false, encoding: .utf8)
            for lanes in [1, 2] {
                #expect(throws: LedgerError.self, "\(lanes) lanes, mixed \(mixed)") { try Replayer.replay(generated.ledger, foldLanes: lanes) }
            }
            // A replay that stops before the swap is not refused.
            #expect(try Replayer.replay(generated.ledger, throughSeq: Int64(at), foldLanes: 2).headSeq == Int64(at))
        }
    }

    @Test("a prev that is not the hash of the line before is refused: inside a chunk, at a chunk's first line and its second")
    func wrongPrevRefused() throws {
        let original = try GeneratedLedger(seed: 36, citizens: 200)
        let segment = original.ledger.segmentPath(1)
        let text = try String(contentsOfFile: segment, encoding: .utf8)
        let bytes = Array(text.utf8)
        try #require(bytes.count > Int(Replayer.chunkBytes) + 100_000, "the segment spans two chunks")
        var lines = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        // The second chunk starts after the first newline at or after the chunk size.
        let newline = try #require(bytes[Int(Replayer.chunkBytes)...].firstIndex(of: 0x0A))
        let secondChunkFirst = bytes[..<newline].filter { $0 == 0x0A }.count + 1
        for at in [10, secondChunkFirst, secondChunkFirst + 1] {
            let generated = try GeneratedLedger(seed: 36, citizens: 200)
            // The prev of the line two before: a digest, but not the hash of the line before.
            let earlier = try LineDecoder.decode(Array(lines[at - 2].utf8))
            let recorded = try LineDecoder.decode(Array(lines[at].utf8))
            var tampered = lines
            tampered[at] = lines[at].replacingOccurrences(of: "\"prev\":\"\(recorded.prev.hex)\"", with: "\"prev\":\"\(earlier.prev.hex)\"")
            #expect(tampered[at] != lines[at])
            try tampered.joined(separator: "\n").write(toFile: generated.ledger.segmentPath(1), atomically: false, encoding: .utf8)
            for lanes in [1, 2] {
                #expect(throws: LedgerError.self, "line \(at), \(lanes) lanes") { try Replayer.replay(generated.ledger, foldLanes: lanes) }
            }
            // A replay that stops before the line is not refused.
            #expect(try Replayer.replay(generated.ledger, throughSeq: recorded.seq - 1, foldLanes: 2).headSeq == recorded.seq - 1)
        }
        lines = []
    }
}
