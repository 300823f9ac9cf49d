// Several `caseledger append` processes at once: the writer lock serialises them, every
// acknowledged event gets its own sequence number, and the chain stays gapless and valid.

import Foundation
import Testing

@Suite final class ConcurrentAppendTests {
    let sandbox = Sandbox("concurrent")

    static let writers = 4
    static let appendsPerWriter = 25

    @Test("4 processes appending 25 single-event batches each: gapless, distinct, verified")
    func concurrentAppends() async throws {
        let ledger = try await sandbox.initLedger()
        _ = try CaseLedgerBinary.url()

        /// What each writer saw: the sequence number of each of its appends, and any failure.
        struct WriterOutcome: Sendable {
            var writer: Int
            var seqs: [(index: Int, seq: Int64)] = []
            var failures: [String] = []
        }
        let sandbox = self.sandbox
        // Each writer is a task that awaits its child processes one after another; waiting does
        // not block a thread, so the four run at once.
        let outcomes = await withTaskGroup(of: WriterOutcome.self) { group -> [WriterOutcome] in
            for writer in 0..<Self.writers {
                group.addTask {
                    var outcome = WriterOutcome(writer: writer)
                    for index in 0..<Self.appendsPerWriter {
                        let line = inputLine("company_visited", effective: "2014-02-15", municipality: writer % 2 == 0 ? "183" : "187",
                                             facts: #"{"cvr":"\#(10_000_000 + writer * 1000 + index)"}"#)
                        do {
                            let result = try await sandbox.run(["append", ledger], stdin: line + "\n")
                            if result.status == 0, let range = appendedRange(result.stdout), range.count == 1 {
                                outcome.seqs.append((index, range.lowerBound))
                            } else {
                                outcome.failures.append("writer \(writer) append \(index): \(result)")
                            }
                        } catch {
                            outcome.failures.append("writer \(writer) append \(index): \(error)")
                        }
                    }
                    return outcome
                }
            }
            var all: [WriterOutcome] = []
            for await outcome in group { all.append(outcome) }
            return all
        }
        let outcome = (failures: outcomes.flatMap(\.failures),
                       seqs: Dictionary(uniqueKeysWithValues: outcomes.map { ($0.writer, $0.seqs) }))

        #expect(outcome.failures.isEmpty, "\(outcome.failures.prefix(3))")
        let all = outcome.seqs.values.flatMap { $0.map(\.seq) }
        let total = Self.writers * Self.appendsPerWriter
        #expect(all.count == total)
        #expect(Set(all).count == all.count, "every reported sequence number is distinct")
        #expect(Set(all) == Set((2...Int64(total + 1)).map { $0 }), "gapless after the genesis line")
        // Each writer's own sequence numbers increase: its appends ran one after another.
        for (writer, appends) in outcome.seqs { #expect(appends.map(\.seq) == appends.map(\.seq).sorted(), "writer \(writer)") }

        let verified = try await sandbox.run(["verify", ledger, "--json"])
        #expect(verified.status == 0, "\(verified)")
        let summary = try #require(verifySummary(verified.stdout), "\(verified)")
        #expect(summary["head_seq"] as? Int == total + 1)
        #expect(summary["tail"] is NSNull)

        // The stored line at each reported sequence number is the event that writer sent.
        let log = try await sandbox.run(["log", ledger, "--json"])
        let lines = log.stdout.split(separator: "\n")
        #expect(lines.count == total + 1)
        for (writer, appends) in outcome.seqs {
            for (index, seq) in appends where Int(seq) <= lines.count {
                let line = lines[Int(seq) - 1]
                #expect(line.hasPrefix(#"{"seq":\#(seq),"#))
                #expect(line.contains(#""cvr":"\#(10_000_000 + writer * 1000 + index)""#), "writer \(writer) append \(index) at seq \(seq)")
            }
        }
    }
}
