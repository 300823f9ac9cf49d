// SIGKILL during appends: whatever moment a writer dies, the ledger verifies (perhaps with a
// recoverable tail), the next append works, every acknowledged event is kept exactly, and no
// batch is ever partly present.

import Foundation
import Testing

@Suite final class CrashTests {
    let sandbox = Sandbox("sigkill")

    static let rounds = 30
    /// Citizens per large batch; each brings 4 events. Small enough that the ledger, which every
    /// verify and append reads in full, stays small in a debug build.
    static let citizensPerBatch = 150

    /// A large batch of fresh citizens (pseudonyms given directly, so the content is known exactly).
    static func batch(round: Int, random: inout SplitMix64) -> [String] {
        var lines: [String] = []
        for index in 0..<citizensPerBatch {
            let citizen = "c-" + random.hex(16)
            let municipality = random.below(2) == 0 ? "183" : "187"
            let birth = "19\(60 + random.below(40))-0\(1 + random.below(9))-1\(random.below(10))"
            lines.append(inputLine("citizen_registered", effective: "2014-01-02", municipality: municipality, citizen: citizen,
                                   facts: #"{"birth_date":"\#(birth)","education":"none"}"#))
            lines.append(inputLine("benefit_started", effective: "2014-01-06", municipality: municipality, citizen: citizen,
                                   facts: #"{"benefit":"kontanthjaelp","weekly_hours":\#(1 + random.below(37))}"#))
            lines.append(inputLine("match_assessed", effective: "2014-01-06", municipality: municipality, citizen: citizen,
                                   facts: #"{"category":"aktivitetsparat"}"#))
            lines.append(inputLine("activation_started", effective: "2014-02-03", municipality: municipality, citizen: citizen,
                                   facts: #"{"activity_id":"R\#(round)-A\#(index)","kind":"mentor","provider":"jobcenter","weekly_minutes":\#(60 + random.below(2000))}"#))
        }
        return lines
    }

    /// A batch found in the ledger: its sequence numbers, its input lines, and whether the writer
    /// acknowledged it (exit 0 with the sequence numbers printed).
    struct PresentBatch {
        var range: ClosedRange<Int64>
        var lines: [String]
        var acknowledged: Bool
    }

    /// Whether a stored line holds the event of an input line: same type, effective date,
    /// municipality, citizen and facts.
    static func sameContent(stored: Substring, input: String) -> Bool {
        guard let s = try? JSONSerialization.jsonObject(with: Data(stored.utf8)) as? NSDictionary,
              let i = try? JSONSerialization.jsonObject(with: Data(input.utf8)) as? NSDictionary else { return false }
        for key in ["type", "effective", "municipality", "citizen", "facts"] where !(s[key] as? NSObject ?? NSNull()).isEqual(i[key] ?? NSNull()) {
            return false
        }
        return true
    }

    @Test("30 rounds of SIGKILL during a large append: acknowledged events kept, nothing partial")
    func sigkillRounds() async throws {
        let seed = testSeed(20_140_301)
        var random = SplitMix64(seed: seed)
        let ledger = try await sandbox.initLedger()
        var present: [PresentBatch] = []
        var head: Int64 = 1
        var killed = 0
        var committedUnacknowledged = 0
        var tails = 0
        // The time a whole large append takes, measured from the last one that finished (the
        // first round is not killed, to measure it). Kills are spread over 0.5 to 1.1 times it:
        // most land while the batch is read and checked, some while it is written, and some
        // appends finish.
        var fullAppendSeconds: Double?

        for round in 0..<Self.rounds {
            let lines = Self.batch(round: round, random: &random)
            let input = sandbox.file("batch-\(Sandbox.letters(round)).jsonl")
            try (lines.joined(separator: "\n") + "\n").write(toFile: input, atomically: true, encoding: .utf8)
            let fraction = 0.5 + Double(random.below(600)) / 1000
            let running = try sandbox.start(["append", ledger], stdinPath: input)
            if let fullAppendSeconds {
                try await Task.sleep(nanoseconds: UInt64(fraction * fullAppendSeconds * 1e9))
                running.kill()
            }
            let result = await running.wait()
            try? FileManager.default.removeItem(atPath: input)
            let context = "round \(round), seed \(seed)"
            if !result.signaled {
                // It finished before the signal: it must have succeeded and printed its sequence numbers.
                #expect(result.status == 0, "\(context): \(result)")
                let range = try #require(appendedRange(result.stdout), "\(context): \(result)")
                #expect(range == (head + 1)...(head + Int64(lines.count)), "\(context)")
                present.append(PresentBatch(range: range, lines: lines, acknowledged: true))
                head = range.upperBound
                if let duration = running.duration { fullAppendSeconds = duration }
            } else {
                killed += 1
            }

            // verify exits 0, perhaps with a recoverable tail.
            let verified = try await sandbox.run(["verify", ledger, "--json"])
            #expect(verified.status == 0, "\(context): \(verified)")
            let summary = try #require(verifySummary(verified.stdout), "\(context): \(verified)")
            let headSeq = Int64(summary["head_seq"] as? Int ?? -1)
            if !(summary["tail"] is NSNull) { tails += 1 }
            if headSeq != head {
                // Only possible when the writer died after moving the head but before printing:
                // then the whole batch is there, never a part of it.
                #expect(result.signaled && headSeq == head + Int64(lines.count), "\(context): head \(headSeq), expected \(head) (batch of \(lines.count))")
                if result.signaled && headSeq == head + Int64(lines.count) {
                    present.append(PresentBatch(range: (head + 1)...headSeq, lines: lines, acknowledged: false))
                    committedUnacknowledged += 1
                    head = headSeq
                } else {
                    break
                }
            }

            // One more append succeeds and continues from the head.
            let extra = inputLine("survey_response", effective: "2014-04-01", facts: #"{"respondent":"citizen","satisfied":\#(round % 2 == 0)}"#)
            let more = try await sandbox.run(["append", ledger], stdin: extra + "\n")
            #expect(more.status == 0, "\(context): \(more)")
            guard let range = appendedRange(more.stdout), range == (head + 1)...(head + 1) else {
                Issue.record("\(context): \(more)")
                break
            }
            present.append(PresentBatch(range: range, lines: [extra], acknowledged: true))
            head += 1
        }

        // Every acknowledged event is present with its content, and the head is exactly the sum
        // of the batches found whole: no unacknowledged batch is partly there.
        let log = try await sandbox.run(["log", ledger, "--json"])
        #expect(log.status == 0)
        let stored = log.stdout.split(separator: "\n")
        #expect(stored.count == Int(head), "seed \(seed)")
        #expect(Int64(stored.count) == 1 + present.reduce(0) { $0 + Int64($1.lines.count) }, "seed \(seed)")
        var mismatches = 0
        for batch in present {
            for (offset, seq) in batch.range.enumerated() where Int(seq) <= stored.count {
                let line = stored[Int(seq) - 1]
                if !line.hasPrefix(#"{"seq":\#(seq),"#) || !Self.sameContent(stored: line, input: batch.lines[offset]) {
                    mismatches += 1
                    if mismatches <= 3 { Issue.record("seed \(seed): seq \(seq) holds \(line), expected \(batch.lines[offset])") }
                }
            }
        }
        #expect(mismatches == 0, "seed \(seed)")
        let final = try await sandbox.run(["verify", ledger, "--json"])
        #expect(final.status == 0, "\(final)")
        #expect(verifySummary(final.stdout)?["tail"] is NSNull)
        // The campaign must have killed some writers, or it tested little.
        #expect(killed > 0, "seed \(seed): \(killed) killed, \(committedUnacknowledged) committed unacknowledged, \(tails) tails")
    }
}
