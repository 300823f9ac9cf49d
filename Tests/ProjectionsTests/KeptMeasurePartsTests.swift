import Testing
import LedgerCore
@testable import Projections
import Reports
import Simulation
import Foundation

/// The measure parts kept with a whole fold (`caseledger serve`): after each batch of new events,
/// an evaluation that walks only the partitions the events touched must give every measure, goal
/// and trend exactly (to the last bit) as a fresh evaluation of the same events.
@Suite struct KeptMeasurePartsTests {
    /// A two-municipality ledger: the Vallensbæk 2014 plan, then a generated population (its
    /// corrections among the lines), all recorded now.
    final class PlannedLedger {
        let directory: String
        let ledger: Ledger

        init(seed: UInt64, citizens: Int) throws {
            directory = NSTemporaryDirectory() + "caseledger-kept-\(seed)-\(UUID().uuidString)"
            let created = try Ledger.create(at: directory + "/ledger", jobcenter: "Jobcenter Vallensbæk", municipalities: [183, 187],
                                            keyPath: directory + "/key", recordedAt: Timestamp(iso: "2010-12-31")!, now: Clock.now())
            ledger = created.ledger
            let decoder = InputDecoder(source: "test", allowsRecordedAt: false) { (_) throws(LedgerError) -> Pseudonym in
                throw LedgerError.invalidRequest("no CPR in generated input")
            }
            let plan = Array(try Data(contentsOf: URL(fileURLWithPath: #filePath).deletingLastPathComponent()
                .appendingPathComponent("../../EventLogs/plans/vallensbaek-2014.jsonl").standardizedFileURL))
            let planned = try ledger.append(try InputBatch.records(jsonLines: plan, decoder: decoder), source: "test", recordedAt: nil)
            var lines: [UInt8] = []
            Generator.generate(GeneratorOptions(citizens: citizens, seed: seed, from: Day(iso: "2011-01-01")!, to: Day(iso: "2014-12-31")!,
                                                municipalities: [183, 187], firstSeq: planned.lastSeq + 1)) { line in
                lines += Array(line.utf8) + [0x0A]
            }
            _ = try ledger.append(try InputBatch.records(jsonLines: lines, decoder: decoder), source: "test", recordedAt: nil)
        }

        deinit { try? FileManager.default.removeItem(atPath: directory) }
    }

    /// Every measure with every variant at `day` and over its year (``PartialFoldTests/measures(_:at:)``),
    /// then every goal evaluated at `day` with its trend and the goal report's JSON; a measure the
    /// evaluator lacks parts for gives an error line (the keeper then evaluates again, whole).
    static func evaluation(_ evaluator: GoalEvaluator, state: ProjectionState, at day: Day) -> [String] {
        var out: [String]
        do { out = try PartialFoldTests.measures(evaluator.engine, at: day) } catch { out = ["error: \(error)"] }
        let evaluations = evaluator.evaluateAll(at: day)
        let trends = GoalTrend.computeAll(evaluations, evaluator: evaluator, reportDate: day)
        out.append(GoalReport.json(evaluations, state: state, at: day, knownAt: nil).render())
        for evaluation in evaluations {
            let trend = trends[evaluation.goal.id]!
            out.append(evaluation.goal.id + ": " + trend.points.map { "\($0.day.iso)=\($0.value.map { "\($0)" } ?? "-")" }.joined(separator: " "))
        }
        return out
    }

    @Test("after each random batch, the kept parts give every measure, goal and trend exactly as a fresh evaluation",
          arguments: [UInt64(61), 62, 63])
    func keptEqualsFresh(seed: UInt64) throws {
        let planned = try PlannedLedger(seed: seed, citizens: 100)
        let events = try planned.ledger.allEvents()
        var random = SplitMix64(seed: seed)
        // The fold the parts are kept with, from a random point on; a second fold of the same
        // events, evaluated fresh each time.
        let start = 20 + Int(random.next() % UInt64(events.count / 2))
        var state = ProjectionState()
        for recorded in events[..<start] { state.apply(recorded) }
        var fresh = state
        var kept = KeptMeasureParts(state)
        let days = [Day(iso: "2014-12-31")!, Day(iso: "2013-06-30")!]
        var next = start
        var (partial, whole, batches) = (0, 0, 0)
        while next < events.count {
            // Batches of one line, a few, dozens, and now and then hundreds.
            let roll = random.next() % 10
            let size = roll < 4 ? 1 : roll < 7 ? 2 + Int(random.next() % 8) : roll < 9 ? 10 + Int(random.next() % 60) : 100 + Int(random.next() % 400)
            let batch = events[next..<min(events.count, next + size)]
            next += batch.count
            batches += 1
            kept.apply(batch, to: &state)
            for recorded in batch { fresh.apply(recorded) }
            #expect(state.headSeq == fresh.headSeq && kept.headSeq == fresh.headSeq)
            // Mostly the day asked before; now and then the other, whose parts may lag further behind.
            let day = days[random.next() % 5 == 0 ? 1 : 0]
            let current = state
            let got = kept.evaluate(current) { evaluator in Self.evaluation(evaluator, state: current, at: day) }
            if kept.lastWalked != nil { partial += 1 } else { whole += 1 }
            let expected = Self.evaluation(GoalEvaluator(engine: MeasureEngine(state: fresh)), state: fresh, at: day)
            #expect(got == expected, "seed \(seed), batch \(batches) (\(batch.count) lines to seq \(fresh.headSeq)), \(day)")
            if got != expected { break }
        }
        // Most evaluations walked only the partitions their batches touched.
        #expect(partial > whole, "seed \(seed): \(partial) partial and \(whole) whole evaluations")
        #expect(kept.keptRequests > 0)
    }

    @Test("a correction of a line outside a citizen's history drops the parts: the next evaluation is whole, and exact")
    func correctionElsewhereDropsParts() throws {
        let planned = try PlannedLedger(seed: 64, citizens: 60)
        let events = try planned.ledger.allEvents()
        var state = ProjectionState()
        for recorded in events { state.apply(recorded) }
        var kept = KeptMeasureParts(state)
        let day = Day(iso: "2014-12-31")!
        let current = state
        _ = kept.evaluate(current) { Self.evaluation($0, state: current, at: day) }
        #expect(kept.lastWalked == nil && kept.keptRequests > 0)
        // A retraction of a company's registration (a line in no citizen's history).
        let company = try #require(state.companies.first)
        let last = events[events.count - 1]
        let retraction = Event(type: .correction, effective: day, municipality: company.municipality, citizen: nil,
                               facts: [Fact("corrects", .integer(company.seq)), Fact("action", .text("retract")),
                                       Fact("reason", .text("registreret ved en fejl"))])
        let recorded = RecordedEvent(seq: last.seq + 1, recordedAt: last.recordedAt, event: retraction, prev: last.hash, hash: SHA256Digest.zero)
        kept.apply([recorded], to: &state)
        #expect(kept.keptRequests == 0)
        let after = state
        let got = kept.evaluate(after) { Self.evaluation($0, state: after, at: day) }
        #expect(kept.lastWalked == nil)
        #expect(got == Self.evaluation(GoalEvaluator(engine: MeasureEngine(state: after)), state: after, at: day))
    }
}
