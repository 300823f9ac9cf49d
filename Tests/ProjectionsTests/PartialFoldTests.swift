import Testing
import LedgerCore
@testable import Projections
import Simulation
import Foundation

/// The partial fold: a report after a few new lines reads only the checkpoint's partitions those
/// lines touch and takes the other partitions' measure parts from the checkpoint. Every measure
/// must come out exactly (to the last bit) as on the whole fold.
@Suite struct PartialFoldTests {
    typealias GeneratedLedger = ReplayPropertyTests.GeneratedLedger

    static let days = [Day(iso: "2013-06-30")!, Day(iso: "2014-12-31")!]

    /// Every measure and variant at a day and over its year, plus parameterised ones, rendered with
    /// every scope and breakdown entry (doubles as their shortest exact text).
    static func measures(_ engine: MeasureEngine, at day: Day) throws -> [String] {
        var requests: [MeasureRequest] = []
        for definition in MeasureDefinition.all {
            for variant in definition.variants.isEmpty ? [nil] : definition.variants.map(Optional.some) {
                requests.append(MeasureRequest(measure: definition.id, variant: variant, at: definition.evaluation == .period ? nil : day,
                                               period: definition.evaluation == .period ? Period(text: String(day.year)) : nil))
            }
        }
        requests.append(MeasureRequest(measure: "M12", period: Period(text: String(day.year)), benefits: "kontanthjaelp:jobparat+flexjob"))
        requests.append(MeasureRequest(measure: "M20", period: Period(text: String(day.year)), filter: ["kind": "virksomhedspraktik"]))
        return try requests.map { request in
            let result = try engine.compute(request, defaultDay: day)
            var text = "\(request.measure) \(result.variant ?? "-") \(result.evaluation.text): "
            text += result.scopes.map { "\($0.municipality ?? 0):\($0.numerator):\($0.denominator ?? -1):\($0.value ?? -1)" }.joined(separator: ",")
            for group in result.breakdowns {
                text += "; \(group.name) " + group.entries.map { entry in
                    entry.label + "=" + entry.scopes.map { "\($0.numerator)/\($0.denominator ?? -1)" }.joined(separator: ",")
                }.joined(separator: " ")
            }
            return text
        }
    }

    /// Writes the checkpoint at line `cut` with the measure parts of ``measures(_:at:)`` on that fold.
    static func checkpoint(_ ledger: Ledger, through cut: Int64, days: [Day] = days) throws {
        let state = try Replayer.replay(ledger, throughSeq: cut)
        let recorder = MeasureRecorder()
        for day in days { _ = try measures(MeasureEngine(state: state, recorder: recorder), at: day) }
        #expect(!recorder.missed)
        let position = try CheckpointReplayTests.position(after: cut, in: ledger, state: state)
        SectionedCheckpoint.write(ledger, kind: ProjectionState.checkpointKind, position: position,
                                  sections: state.checkpointSections() + [recorder.cache.sectionBytes()])
    }

    @Test("a partial fold with the checkpoint's measure parts gives every measure exactly as the whole fold",
          arguments: [UInt64(41), 42, 43])
    func partialEqualsWhole(seed: UInt64) throws {
        let generated = try GeneratedLedger(seed: seed, citizens: 150)
        let ledger = generated.ledger
        let whole = try Replayer.replay(ledger)
        let expected = try Self.days.map { try Self.measures(MeasureEngine(state: whole), at: $0) }
        var random = SplitMix64(seed: seed)
        var partialRuns = 0
        // Tails of no line, one line, a few and many lines (all kinds of events, corrections among them).
        for back in [Int64(0), 1, 3] + (0..<5).map({ _ in Int64(random.next() % 1_500) + 4 }) {
            try Self.checkpoint(ledger, through: whole.headSeq - back)
            guard let partial = try ProjectionCheckpoint.replayPartially(ledger, knownAt: nil) else {
                // Only a correction of an earlier line not in a citizen's history sends a report to the whole fold.
                let tail = try ledger.allEvents().filter { $0.seq > whole.headSeq - back }
                #expect(tail.contains { $0.event.type == .correction && ($0.event.integer("corrects") ?? 0) <= whole.headSeq - back },
                        "seed \(seed): no partial fold for a tail of \(back) lines without such a correction")
                continue
            }
            partialRuns += 1
            let loaded = try #require(partial.state.loadedPartitions)
            #expect(partial.state.headSeq == whole.headSeq && partial.state.headHash == whole.headHash)
            // Each line touches at most two partitions (its citizen's and its order's or company's).
            #expect(loaded.filter { $0 }.count <= Int(2 * back), "seed \(seed): \(loaded.filter { $0 }.count) partitions for \(back) lines")
            let recorder = MeasureRecorder()
            let engine = MeasureEngine(state: partial.state, cache: partial.cache, recorder: recorder)
            for (k, day) in Self.days.enumerated() {
                #expect(try Self.measures(engine, at: day) == expected[k], "seed \(seed), tail of \(back) lines, \(day)")
            }
            #expect(!recorder.missed)
        }
        #expect(partialRuns >= 3, "seed \(seed): only \(partialRuns) partial folds")
    }

    @Test("a request whose parts the checkpoint lacks is refused by a partial fold and noted as missed")
    func missIsNoted() throws {
        let generated = try GeneratedLedger(seed: 44, citizens: 60)
        let ledger = generated.ledger
        let whole = try Replayer.replay(ledger)
        try Self.checkpoint(ledger, through: whole.headSeq - 2)
        let partial = try #require(try ProjectionCheckpoint.replayPartially(ledger, knownAt: nil))
        let recorder = MeasureRecorder()
        let engine = MeasureEngine(state: partial.state, cache: partial.cache, recorder: recorder)
        #expect(throws: MeasureError.self) { try engine.compute(MeasureRequest(measure: "M3", period: Period(text: "2012")), defaultDay: Self.days[0]) }
        #expect(recorder.missed)
    }

    @Test("a partial fold known at a time in its tail equals the whole fold known at that time")
    func knownAtInTail() throws {
        let generated = try GeneratedLedger(seed: 45, citizens: 100)
        let ledger = generated.ledger
        let events = try ledger.allEvents()
        let cut = events[events.count - 400].seq
        try Self.checkpoint(ledger, through: cut)
        let knownAt = events[events.count - 200].recordedAt
        let partial = try #require(try ProjectionCheckpoint.replayPartially(ledger, knownAt: knownAt))
        let known = try Replayer.replay(ledger, knownAt: knownAt)
        #expect(partial.state.headSeq == known.headSeq)
        let engine = MeasureEngine(state: partial.state, cache: partial.cache)
        for day in Self.days { #expect(try Self.measures(engine, at: day) == Self.measures(MeasureEngine(state: known), at: day)) }
        // Not for a knowledge time before the checkpoint's last line.
        #expect(try ProjectionCheckpoint.replayPartially(ledger, knownAt: events[events.count - 500].recordedAt) == nil)
    }

    @Test("a new checkpoint carries the parts of the requests the old one held, computed again, so reports of two days run in turn both stay partial")
    func carriedRequests() throws {
        let generated = try GeneratedLedger(seed: 46, citizens: 120)
        let ledger = generated.ledger
        let head = try ledger.readHead()
        let whole = try Replayer.replay(ledger)
        let expected = try Self.days.map { try Self.measures(MeasureEngine(state: whole), at: $0) }
        let cut = whole.headSeq - 40
        // The report of the first day wrote the checkpoint; the report of the second day folds and
        // computes its own parts, and carries the first day's.
        try Self.checkpoint(ledger, through: cut, days: [Self.days[0]])
        let state = try Replayer.replay(ledger, throughSeq: cut)
        let second = MeasureRecorder()
        let requests = try Self.measures(MeasureEngine(state: state, recorder: second), at: Self.days[1]).count
        let carried = ProjectionCheckpoint.carried(ledger, head: head, state: state, skipping: second.cache)
        #expect(carried.entries.count == requests)
        #expect(Set(carried.entries.keys).isDisjoint(with: Set(second.cache.entries.keys)))
        let position = try CheckpointReplayTests.position(after: cut, in: ledger, state: state)
        SectionedCheckpoint.write(ledger, kind: ProjectionState.checkpointKind, position: position,
                                  sections: state.checkpointSections() + [carried.merging(second.cache).sectionBytes()])
        // After the 40 lines that follow, both days' reports are partial and exact.
        let partial = try #require(try ProjectionCheckpoint.replayPartially(ledger, knownAt: nil))
        #expect(partial.state.loadedPartitions != nil)
        let recorder = MeasureRecorder()
        let engine = MeasureEngine(state: partial.state, cache: partial.cache, recorder: recorder)
        for (k, day) in Self.days.enumerated() { #expect(try Self.measures(engine, at: day) == expected[k], "\(day)") }
        #expect(!recorder.missed)
        // And saved at the head, the whole fold's checkpoint carries both days' parts as well.
        ProjectionCheckpoint.saveCarryingEarlier(whole, to: ledger, head: head, current: MeasureCache())
        let atHead = try #require(try ProjectionCheckpoint.replayPartially(ledger, knownAt: nil))
        #expect(atHead.cache.entries.count == 2 * requests)
        let again = MeasureRecorder()
        let headEngine = MeasureEngine(state: atHead.state, cache: atHead.cache, recorder: again)
        for (k, day) in Self.days.enumerated() { #expect(try Self.measures(headEngine, at: day) == expected[k], "\(day) at the head") }
        #expect(!again.missed)
    }
}
