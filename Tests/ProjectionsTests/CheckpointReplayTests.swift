import Testing
import LedgerCore
@testable import Projections
import Foundation
import Simulation

/// The projections' checkpoint: a replay that starts from it gives exactly what a replay of every
/// line gives, and a checkpoint that does not fit the ledger or the question is not used.
@Suite struct CheckpointReplayTests {
    typealias GeneratedLedger = ReplayPropertyTests.GeneratedLedger

    /// The position just after line `seq`.
    static func position(after seq: Int64, in ledger: Ledger, state: ProjectionState) throws -> CheckpointPosition {
        let head = try ledger.readHead()
        var found: CheckpointPosition?
        try ledger.forEachAcknowledgedLine(head: head) { (location, line) throws(LedgerError) in
            if found == nil, Replayer.sequenceNumber(line) == seq {
                found = CheckpointPosition(seq: seq, hash: state.headHash, recordedAt: state.headRecordedAt,
                                           segment: location.segment, offset: location.offset + Int64(line.count) + 1)
            }
        }
        return try #require(found)
    }

    /// Writes the state replayed through `seq` as the checkpoint, optionally altered first.
    static func checkpoint(_ ledger: Ledger, through seq: Int64, alter: (inout ProjectionState) -> Void = { _ in }) throws -> CheckpointPosition {
        var state = try Replayer.replay(ledger, throughSeq: seq)
        let position = try position(after: seq, in: ledger, state: state)
        alter(&state)
        write(state, at: position, to: ledger)
        return position
    }

    /// Writes a state as the projections' checkpoint at a position (with an empty measure cache).
    static func write(_ state: ProjectionState, at position: CheckpointPosition, to ledger: Ledger) {
        SectionedCheckpoint.write(ledger, kind: ProjectionState.checkpointKind, position: position,
                                  sections: state.checkpointSections() + [MeasureCache().sectionBytes()])
    }

    /// A state decoded from its sections (all, or the whole-jobcenter one and some partitions).
    static func decode(_ sections: [[UInt8]], partitions: [Int]? = nil) throws -> ProjectionState {
        let chosen = partitions ?? Array(0..<ProjectionPartition.count)
        return try ProjectionState(checkpointWhole: BinaryReader(sections[0]), partitions: chosen.map { BinaryReader(sections[$0 + 1]) })
    }

    @Test("a replay from a checkpoint equals a replay of every line, for every measure", arguments: [UInt64(31), 32])
    func checkpointedEqualsFull(seed: UInt64) throws {
        let generated = try GeneratedLedger(seed: seed, citizens: 150)
        let whole = try Replayer.replay(generated.ledger)
        var random = SplitMix64(seed: seed)
        for _ in 0..<2 {
            let cut = Int64(random.next() % UInt64(whole.headSeq - 1)) + 1
            _ = try Self.checkpoint(generated.ledger, through: cut)
            let resumed = try Replayer.replay(generated.ledger, checkpoints: true)
            #expect(resumed.headSeq == whole.headSeq)
            #expect(resumed.headHash == whole.headHash)
            for day in [Day(iso: "2013-06-30")!, Day(iso: "2014-12-31")!] {
                #expect(try ReplayPropertyTests.allMeasures(resumed, at: day) == ReplayPropertyTests.allMeasures(whole, at: day),
                        "seed \(seed), checkpoint at seq \(cut)")
            }
        }
    }

    @Test("the sections hold the whole state: a decoded state measures the same")
    func sectionsRoundTrip() throws {
        let generated = try GeneratedLedger(seed: 33, citizens: 120)
        let state = try Replayer.replay(generated.ledger)
        let sections = state.checkpointSections()
        let decoded = try Self.decode(sections)
        #expect(decoded.loadedPartitions == nil)
        #expect(decoded.citizens.map(\.pseudonym) == state.citizens.map(\.pseudonym), "citizens in first-appearance order")
        #expect(decoded.visits.map(\.seq) == state.visits.map(\.seq) && decoded.surveys.map(\.seq) == state.surveys.map(\.seq))
        #expect(decoded.jobOrders.count == state.jobOrders.count && decoded.orderBySeq.count <= state.orderBySeq.count)
        #expect(decoded.headSeq == state.headSeq && decoded.headHash == state.headHash && decoded.headRecordedAt == state.headRecordedAt)
        #expect(decoded.citizens.count == state.citizens.count)
        #expect(decoded.goalOrder == state.goalOrder)
        #expect(decoded.publications.count == state.publications.count)
        #expect(decoded.retracted == state.retracted && decoded.superseded == state.superseded)
        for day in [Day(iso: "2012-03-31")!, Day(iso: "2014-12-31")!] {
            #expect(try ReplayPropertyTests.allMeasures(decoded, at: day) == ReplayPropertyTests.allMeasures(state, at: day))
        }
        // A cut section is refused, never half-read.
        for index in [0, 1 + ProjectionPartition.of(state.citizens[0].pseudonym)] {
            let section = sections[index]
            for cut in stride(from: 0, to: section.count, by: max(1, section.count / 300)) {
                var damaged = sections
                damaged[index] = Array(section.prefix(cut))
                #expect(throws: BinaryReadError.self) { try Self.decode(damaged) }
            }
        }
        // A partition's section given twice, or claiming to be another's, is refused (its items are
        // checked to belong there).
        let p = ProjectionPartition.of(state.citizens[0].pseudonym)
        let q = (p + 1) % ProjectionPartition.count
        var twice = sections
        twice[1 + q] = sections[1 + p]
        #expect(throws: BinaryReadError.self) { try Self.decode(twice) }
        var claim = BinaryWriter()
        claim.int(q)
        var forged = sections[1 + p]
        forged.replaceSubrange(0..<8, with: claim.bytes)
        var relabelled = sections
        relabelled[1 + q] = forged
        #expect(throws: BinaryReadError.self) { try Self.decode(relabelled, partitions: [q]) }
    }

    @Test("a checkpoint is used only when it fits: same chain, lines known at the knowledge time, not beyond throughSeq")
    func usedOnlyWhenItFits() throws {
        let generated = try GeneratedLedger(seed: 34, citizens: 80)
        let ledger = generated.ledger
        let whole = try Replayer.replay(ledger)
        let cut = whole.headSeq / 2
        // A marked checkpoint shows whether it was used. It is written again before each replay,
        // since a replay that folds many lines after it saves a newer one.
        func mark() throws -> CheckpointPosition { try Self.checkpoint(ledger, through: cut) { $0.jobcenter = "FROM-CHECKPOINT" } }
        let position = try mark()
        #expect(try Replayer.replay(ledger, checkpoints: true).jobcenter == "FROM-CHECKPOINT")
        _ = try mark()
        #expect(try Replayer.replay(ledger, checkpoints: false).jobcenter == whole.jobcenter)
        // Not for a knowledge time before its last line, nor for a replay that stops before it.
        let before = Timestamp(milliseconds: position.recordedAt.milliseconds - 1)
        #expect(try Replayer.replay(ledger, knownAt: before, checkpoints: true).jobcenter == whole.jobcenter)
        _ = try mark()
        #expect(try Replayer.replay(ledger, knownAt: position.recordedAt, checkpoints: true).jobcenter == "FROM-CHECKPOINT")
        _ = try mark()
        #expect(try Replayer.replay(ledger, throughSeq: cut - 1, checkpoints: true).jobcenter == whole.jobcenter)
        _ = try mark()
        // Not when a byte of the file changed.
        let file = Checkpoint.path(ledger, kind: ProjectionState.checkpointKind)
        var bytes = try #require(FileManager.default.contents(atPath: file)).map { $0 }
        let original = bytes
        bytes[bytes.count / 2] ^= 0x01
        #expect(FileManager.default.createFile(atPath: file, contents: Data(bytes)))
        #expect(try Replayer.replay(ledger, checkpoints: true).jobcenter == whole.jobcenter)
        // Not when the ledger does not continue it (its hash is not the next line's prev).
        #expect(FileManager.default.createFile(atPath: file, contents: Data(original)))
        var state = try Replayer.replay(ledger, throughSeq: cut)
        state.jobcenter = "FROM-CHECKPOINT"
        var wrong = position
        wrong.hash = SHA256.hash(Array("another ledger".utf8))
        state.headHash = wrong.hash
        Self.write(state, at: wrong, to: ledger)
        #expect(try Replayer.replay(ledger, checkpoints: true).jobcenter == whole.jobcenter)
        // Not when its position is not a line boundary of this ledger.
        var shifted = position
        shifted.offset -= 1
        Self.write(try Replayer.replay(ledger, throughSeq: cut), at: shifted, to: ledger)
        let resumed = try Replayer.replay(ledger, checkpoints: true)
        #expect(try ReplayPropertyTests.allMeasures(resumed, at: Day(iso: "2014-12-31")!) == ReplayPropertyTests.allMeasures(whole, at: Day(iso: "2014-12-31")!))
    }
}
