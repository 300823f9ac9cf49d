// The generated output is appended to a real ledger as one batch and verified: for one and two
// municipalities, with and without per-line recorded-at.

import Foundation
import LedgerCore
import Testing

@testable import Simulation

@Suite struct LedgerAcceptanceTests {
    /// One way of appending the output.
    struct Setup: Sendable, CustomTestStringConvertible {
        var municipalities: [Int]
        var withRecordedAt: Bool
        var seed: UInt64
        var testDescription: String {
            "municipalities \(municipalities.map(String.init).joined(separator: ",")), "
                + (withRecordedAt ? "historical" : "clock") + ", seed \(seed)"
        }
    }

    static let setups = [
        Setup(municipalities: [250], withRecordedAt: false, seed: 21),
        Setup(municipalities: [250], withRecordedAt: true, seed: 22),
        Setup(municipalities: [183, 187], withRecordedAt: false, seed: 23),
        Setup(municipalities: [183, 187], withRecordedAt: true, seed: 24),
    ]

    @Test(arguments: setups)
    func outputIsAppendedAsOneBatchAndVerifies(setup: Setup) throws {
        let options = SimulationSupport.options(
            citizens: 150, seed: setup.seed, municipalities: setup.municipalities,
            withRecordedAt: setup.withRecordedAt)
        let lines = SimulationSupport.lines(options)
        let directory = try SimulationSupport.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }

        let created = try Ledger.create(
            at: directory.appendingPathComponent("ledger").path, jobcenter: "Jobcenter Test",
            municipalities: setup.municipalities, keyPath: directory.appendingPathComponent("key").path,
            recordedAt: SimulationSupport.before, now: Clock.now())
        let records = try SimulationSupport.records(lines, allowsRecordedAt: setup.withRecordedAt)
        do {
            let result = try created.ledger.append(records, source: "generated", recordedAt: nil)
            #expect(result.firstSeq == options.firstSeq)
            #expect(result.lastSeq == options.firstSeq + Int64(lines.count) - 1)
        } catch {
            Issue.record("seed \(setup.seed): the validator rejected the output: \(error)")
            return
        }
        let report = try LedgerVerifier.verify(created.ledger)
        #expect(report.events == Int64(lines.count) + 1)
        #expect(report.tail == nil)
        // verify's fast path decides nearly every generated line (the rest, such as corrections and
        // the first line, go through the full check): a guard against the fast path going unused.
        let scanner = CanonicalLineScanner(municipalities: Set(setup.municipalities))
        var scanned = 0, stored = 0
        try created.ledger.forEachAcknowledgedLine(head: report.head) { (_, line) throws(LedgerError) in
            stored += 1
            if scanner.scan(line) != nil { scanned += 1 }
        }
        #expect(stored == lines.count + 1)
        #expect(Double(scanned) >= 0.95 * Double(stored), "\(scanned) of \(stored) lines on the fast path")
    }

    /// Other date ranges and municipality sets, validated in memory (faster than a ledger on disk).
    @Test(arguments: [101, 102, 103, 104, 105, 106] as [UInt64])
    func manySeedsAndRangesPassTheValidator(seed: UInt64) throws {
        let ranges = [
            (SimulationSupport.from, SimulationSupport.to),
            (Day(year: 2013, month: 6, day: 15)!, Day(year: 2014, month: 2, day: 1)!),
            (Day(year: 2016, month: 1, day: 1)!, Day(year: 2024, month: 12, day: 31)!),
        ]
        let (from, to) = ranges[Int(seed % 3)]
        let municipalities = seed % 2 == 0 ? [183, 187] : [250, 270, 183]
        let options = GeneratorOptions(citizens: 150, seed: seed, from: from, to: to, municipalities: municipalities, withRecordedAt: true)
        let lines = SimulationSupport.lines(options)
        do {
            let accepted = try SimulationSupport.validate(lines, municipalities: municipalities, allowsRecordedAt: true)
            #expect(accepted.count == lines.count)
        } catch {
            Issue.record("seed \(seed), \(from) to \(to): \(error)")
        }
    }
}
