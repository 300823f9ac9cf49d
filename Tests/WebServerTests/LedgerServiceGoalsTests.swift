import Foundation
import Testing
import LedgerCore
import Projections
import Reports
import Simulation

@testable import WebApp

/// The goals the server evaluates after each append (from the measure parts it keeps, walking only
/// the partitions the new events touched) against a fresh evaluation of the ledger as folded from
/// its lines, as `report --json` computes it.
@Suite struct LedgerServiceGoalsTests {
    @Test("after each random batch appended through the service, its goals, trends and report JSON equal a fresh evaluation",
          arguments: [UInt64(71), 72])
    func goalsAfterAppends(seed: UInt64) throws {
        let directory = NSTemporaryDirectory() + "caseledger-service-goals-\(seed)-\(UUID().uuidString)"
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let (ledger, decoder) = try vallensbaekLedger(in: directory)
        let plan = Array(try Data(contentsOf: URL(fileURLWithPath: #filePath).deletingLastPathComponent()
            .appendingPathComponent("../../EventLogs/plans/vallensbaek-2014.jsonl").standardizedFileURL))
        let planned = try ledger.append(try InputBatch.records(jsonLines: plan, decoder: decoder), source: "test", recordedAt: nil)
        var lines: [[UInt8]] = []
        Generator.generate(GeneratorOptions(citizens: 80, seed: seed, from: Day(iso: "2011-01-01")!, to: Day(iso: "2014-12-31")!,
                                            municipalities: [183, 187], firstSeq: planned.lastSeq + 1)) { line in
            lines.append(Array(line.utf8) + [0x0A])
        }
        // The first part before the server starts, the rest in batches through it.
        let first = lines.count * 3 / 5
        _ = try ledger.append(try InputBatch.records(jsonLines: lines[..<first].flatMap { $0 }, decoder: decoder), source: "test", recordedAt: nil)
        let service = try LedgerService(ledger: ledger) { (_) throws(LedgerError) -> Pseudonym in
            throw LedgerError.invalidRequest("no CPR in generated input")
        }
        var random = SplitMix64(seed: seed)
        var next = first
        var batches = 0
        let days: [Day?] = [nil, Day(iso: "2014-06-30")!]
        while next < lines.count {
            let roll = random.next() % 10
            let size = batches == 30 ? lines.count : roll < 5 ? 1 : roll < 8 ? 2 + Int(random.next() % 10) : 20 + Int(random.next() % 100)
            let batch = lines[next..<min(lines.count, next + size)]
            next += batch.count
            batches += 1
            let appended = try service.append(try InputBatch.records(jsonLines: batch.flatMap { $0 }, decoder: decoder))
            let at = days[random.next() % 4 == 0 ? 1 : 0]
            let view = try service.goals(at: at, knownAt: nil)
            let fresh = try Replayer.replay(ledger)
            #expect(fresh.headSeq == appended.lastSeq)
            let expected = LedgerService.evaluate(fresh, evaluator: GoalEvaluator(engine: MeasureEngine(state: fresh)), at: at, knownAt: nil)
            #expect(!expected.evaluations.isEmpty)
            #expect(view.json == expected.json, "seed \(seed), batch \(batches) to seq \(appended.lastSeq)")
            #expect(Self.text(view.trends) == Self.text(expected.trends), "seed \(seed), batch \(batches) to seq \(appended.lastSeq)")
            #expect(view.facts.headSeq == fresh.headSeq && view.facts.headHash == fresh.headHash.hex)
            // The measure's page: the goal in every scope.
            if batches % 7 == 0, let goal = expected.evaluations.first?.goal.id {
                let page = try #require(try service.measure(goalID: goal, at: at, knownAt: nil))
                let evaluator = GoalEvaluator(engine: MeasureEngine(state: fresh))
                let day = at ?? LedgerService.defaultDay(fresh)
                for view in page.views {
                    var scoped = page.goal
                    scoped.scope = view.evaluation.goal.scope
                    #expect(view.evaluation.value == (try evaluator.evaluate(scoped, at: day)).value)
                    #expect(view.trend.points == GoalTrend.compute(scoped, evaluator: evaluator, reportDate: day).points)
                }
            }
        }
        #expect(batches > 10)
    }

    /// Each goal's trend as text, in goal order.
    static func text(_ trends: [String: GoalTrend]) -> [String] {
        trends.keys.sorted().map { id in
            id + ": " + trends[id]!.axis.map(\.iso).joined(separator: ",") + " | "
                + trends[id]!.points.map { "\($0.day.iso)=\($0.value.map { "\($0)" } ?? "-")" }.joined(separator: " ")
        }
    }
}

/// The validator's state the server keeps, brought forward by its appends, follows the validator's
/// index they rewrite, so that the appends after do not rewrite it again.
@Suite struct LedgerServiceIndexTests {
    @Test("after an append through the service rewrites the validator's index, the next appends do not")
    func indexRewrittenOnce() throws {
        let directory = NSTemporaryDirectory() + "caseledger-service-index-\(UUID().uuidString)"
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let (ledger, decoder) = try vallensbaekLedger(in: directory)
        var lines: [[UInt8]] = []
        Generator.generate(GeneratorOptions(citizens: 80, seed: 73, from: Day(iso: "2011-01-01")!, to: Day(iso: "2014-12-31")!,
                                            municipalities: [183, 187])) { line in
            lines.append(Array(line.utf8) + [0x0A])
        }
        let due = Int(ValidatorIndex.rewriteAfterLines)
        try #require(lines.count > due + 10)
        // The service starts on a ledger with too few lines for an index; its first append passes them.
        let service = try LedgerService(ledger: ledger) { (_) throws(LedgerError) -> Pseudonym in
            throw LedgerError.invalidRequest("no CPR in generated input")
        }
        _ = try service.append(try InputBatch.records(jsonLines: lines[..<(due + 5)].flatMap { $0 }, decoder: decoder))
        let index = directory + "/ledger/cache/ledger-state.bin"
        func identity() throws -> Int? { try FileManager.default.attributesOfItem(atPath: index)[.systemFileNumber] as? Int }
        let written = try #require(try identity(), "the append wrote the validator's index")
        for line in lines[(due + 5)..<(due + 10)] {
            _ = try service.append(try InputBatch.records(jsonLines: line, decoder: decoder))
            #expect(try identity() == written, "an append after the index was written wrote it again")
        }
    }
}

/// A new two-municipality ledger in `directory` and a decoder of generated input (which holds no CPR).
private func vallensbaekLedger(in directory: String) throws -> (Ledger, InputDecoder) {
    let created = try Ledger.create(at: directory + "/ledger", jobcenter: "Jobcenter Vallensbæk", municipalities: [183, 187],
                                    keyPath: directory + "/key", recordedAt: Timestamp(iso: "2010-12-31")!, now: Clock.now())
    let decoder = InputDecoder(source: "test", allowsRecordedAt: false) { (_) throws(LedgerError) -> Pseudonym in
        throw LedgerError.invalidRequest("no CPR in generated input")
    }
    return (created.ledger, decoder)
}
