import Testing
import LedgerCore
@testable import Projections
import Reports
import Simulation
import Foundation

/// Properties of the replay on random ledgers from the generator: split replays, knowledge time,
/// and municipalities adding up to the jobcenter.
@Suite struct ReplayPropertyTests {
    /// A generated two-municipality ledger in a temporary directory, with the Vallensbæk plan loaded.
    final class GeneratedLedger {
        let directory: String
        let ledger: Ledger

        init(seed: UInt64, citizens: Int) throws {
            directory = NSTemporaryDirectory() + "caseledger-props-\(seed)-\(UUID().uuidString)"
            let created = try Ledger.create(at: directory + "/ledger", jobcenter: "Jobcenter Vallensbæk", municipalities: [183, 187],
                                            keyPath: directory + "/key", recordedAt: Timestamp(iso: "2010-12-31")!, now: Clock.now())
            ledger = created.ledger
            var lines: [UInt8] = []
            Generator.generate(GeneratorOptions(citizens: citizens, seed: seed, from: Day(iso: "2011-01-01")!, to: Day(iso: "2014-12-31")!,
                                                municipalities: [183, 187], withRecordedAt: true)) { line in
                lines += Array(line.utf8) + [0x0A]
            }
            let decoder = InputDecoder(source: "generated", allowsRecordedAt: true) { (_) throws(LedgerError) -> Pseudonym in
                throw LedgerError.invalidRequest("no CPR in generated input")
            }
            _ = try ledger.append(try InputBatch.records(jsonLines: lines, decoder: decoder), source: "generated", recordedAt: nil)
        }

        deinit { try? FileManager.default.removeItem(atPath: directory) }
    }

    /// Every measure (with every variant) at a day and over a year, rendered as JSON without the head fields.
    static func allMeasures(_ state: ProjectionState, at day: Day) throws -> [String] {
        let engine = MeasureEngine(state: state)
        var out: [String] = []
        for definition in MeasureDefinition.all {
            for variant in definition.variants.isEmpty ? [nil] : definition.variants.map(Optional.some) {
                let request = MeasureRequest(measure: definition.id, variant: variant, at: definition.evaluation == .period ? nil : day,
                                             period: definition.evaluation == .period ? Period(text: String(day.year)) : nil)
                let result = try engine.compute(request, defaultDay: day)
                var scopes = result.scopes.map { "\($0.municipality ?? 0):\($0.numerator):\($0.denominator ?? -1)" }.joined(separator: ",")
                for group in result.breakdowns {
                    scopes += ";" + group.entries.map { "\($0.label)=\($0.scopes[0].numerator)/\($0.scopes[0].denominator ?? -1)" }.joined(separator: ",")
                }
                out.append("\(definition.id) \(variant ?? "-") \(result.evaluation.text): \(scopes)")
            }
        }
        return out
    }

    @Test("replaying in two parts with the state carried over equals one replay", arguments: [UInt64(11), 12, 13])
    func splitReplay(seed: UInt64) throws {
        let generated = try GeneratedLedger(seed: seed, citizens: 150)
        let whole = try Replayer.replay(generated.ledger)
        var random = SplitMix64(seed: seed)
        for _ in 0..<3 {
            let cut = Int64(random.next() % UInt64(whole.headSeq - 1)) + 1
            let first = try Replayer.replay(generated.ledger, throughSeq: cut)
            #expect(first.headSeq == cut, "seed \(seed): first part ends at \(cut)")
            let both = try Replayer.replay(generated.ledger, from: first)
            #expect(both.headSeq == whole.headSeq)
            #expect(both.headHash == whole.headHash)
            for day in [Day(iso: "2013-06-30")!, Day(iso: "2014-12-31")!] {
                #expect(try Self.allMeasures(both, at: day) == Self.allMeasures(whole, at: day), "seed \(seed), cut at seq \(cut)")
            }
        }
    }

    @Test("a report known at T is unchanged by events recorded after T", arguments: [UInt64(21), 22])
    func knownAtIgnoresLaterEvents(seed: UInt64) throws {
        let generated = try GeneratedLedger(seed: seed, citizens: 150)
        let events = try generated.ledger.allEvents()
        var random = SplitMix64(seed: seed)
        for _ in 0..<3 {
            let pick = events[Int(random.next() % UInt64(events.count))]
            let knownAt = pick.recordedAt
            let lastKnown = events.last { $0.recordedAt <= knownAt }!.seq
            // Known at T over the whole ledger, versus the ledger as it was when T was the latest time.
            let known = try Replayer.replay(generated.ledger, knownAt: knownAt)
            let prefix = try Replayer.replay(generated.ledger, throughSeq: lastKnown)
            #expect(known.headSeq == lastKnown, "seed \(seed), known at \(knownAt)")
            let day = Day(iso: "2014-06-30")!
            #expect(try Self.allMeasures(known, at: day) == Self.allMeasures(prefix, at: day), "seed \(seed), known at \(knownAt)")
        }
    }

    @Test("municipalities add up to the jobcenter for every count measure", arguments: [UInt64(31), 32])
    func municipalitiesAddUp(seed: UInt64) throws {
        let generated = try GeneratedLedger(seed: seed, citizens: 200)
        let state = try Replayer.replay(generated.ledger)
        let engine = MeasureEngine(state: state)
        for definition in MeasureDefinition.all {
            for day in [Day(iso: "2012-12-31")!, Day(iso: "2014-12-31")!] {
                let result = try engine.compute(MeasureRequest(measure: definition.id, at: day), defaultDay: day)
                let jobcenter = try #require(result.scope(nil))
                let parts = result.scopes.filter { $0.municipality != nil }
                #expect(parts.count == 2)
                #expect(abs(parts.map(\.numerator).reduce(0, +) - jobcenter.numerator) < 1e-9, "\(definition.id) numerators, seed \(seed)")
                if definition.kind == .share {
                    #expect(abs(parts.map { $0.denominator ?? 0 }.reduce(0, +) - (jobcenter.denominator ?? 0)) < 1e-9, "\(definition.id) denominators, seed \(seed)")
                }
                if definition.kind == .count {
                    #expect(jobcenter.value == jobcenter.numerator, "\(definition.id): a count's value is its numerator")
                }
            }
        }
    }

    @Test("the generated history makes the long-term measures non-trivial")
    func generatedHistoryIsNotEmpty() throws {
        let generated = try GeneratedLedger(seed: 41, citizens: 400)
        let state = try Replayer.replay(generated.ledger)
        let engine = MeasureEngine(state: state)
        let day = Day(iso: "2014-12-31")!
        for id in ["M1", "M3", "M4", "M11", "M12"] {
            let request = MeasureRequest(measure: id, at: MeasureDefinition.named(id)!.evaluation == .period ? nil : day,
                                         period: MeasureDefinition.named(id)!.evaluation == .period ? Period(text: "2014") : nil)
            let value = try #require(try engine.compute(request, defaultDay: day).scope(nil)?.value)
            #expect(value > 0, "\(id) should be positive on a 400-citizen history")
        }
    }
}
