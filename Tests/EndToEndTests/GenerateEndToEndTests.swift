// `caseledger generate`: two histories of different seeds go into one ledger (their identifiers
// carry the seed, and --ledger numbers their corrections from the ledger's head).

import Foundation
import Testing

@Suite final class GenerateEndToEndTests {
    let sandbox = Sandbox("generate")

    /// The values of `"name":"..."` in JSON Lines text.
    static func values(_ name: String, in text: String) -> Set<String> {
        let regex = try! NSRegularExpression(pattern: "\"\(name)\":\"([^\"]*)\"")
        var found: Set<String> = []
        for match in regex.matches(in: text, range: NSRange(text.startIndex..., in: text)) {
            if let range = Range(match.range(at: 1), in: text) { found.insert(String(text[range])) }
        }
        return found
    }

    @Test("two seeds' histories append to one ledger with --ledger, their ids apart, and the ledger verifies")
    func twoSeedsInOneLedger() async throws {
        let ledger = sandbox.file("ledger")
        let created = try await sandbox.run(["init", ledger, "--jobcenter", "Frederikssund", "--municipality", "250"])
        #expect(created.status == 0, "\(created)")
        var total: Int64 = 1
        var ordersBySeed: [Set<String>] = []
        var activitiesBySeed: [Set<String>] = []
        for seed in ["11", "12"] {
            let generated = try await sandbox.run(["generate", "--citizens", "150", "--seed", seed, "--ledger", ledger])
            #expect(generated.status == 0, "\(generated)")
            let lines = generated.stdout.split(separator: "\n")
            #expect(generated.stdout.contains(#""type":"correction""#), "the history has corrections to resolve")
            ordersBySeed.append(Self.values("order_id", in: generated.stdout))
            activitiesBySeed.append(Self.values("activity_id", in: generated.stdout))
            #expect(ordersBySeed.last!.allSatisfy { $0.hasPrefix("JO-\(seed)-") }, "\(ordersBySeed.last!.prefix(3))")
            let appended = try await sandbox.run(["append", ledger], stdin: generated.stdout)
            #expect(appended.status == 0, "seed \(seed): \(appended)")
            #expect(appendedRange(appended.stdout) == (total + 1)...(total + Int64(lines.count)), "\(appended.stdout)")
            total += Int64(lines.count)
        }
        #expect(!ordersBySeed[0].isEmpty && !activitiesBySeed[0].isEmpty)
        #expect(ordersBySeed[0].isDisjoint(with: ordersBySeed[1]))
        #expect(activitiesBySeed[0].isDisjoint(with: activitiesBySeed[1]))
        let verified = try await sandbox.run(["verify", ledger])
        #expect(verified.status == 0, "\(verified)")
        #expect(verified.stdout.hasPrefix("ok: \(total) events"), "\(verified)")
    }

    @Test("--ledger and --first-seq together are a usage error")
    func ledgerAndFirstSeq() async throws {
        let ledger = try await sandbox.initLedger()
        let result = try await sandbox.run(["generate", "--citizens", "5", "--seed", "1", "--ledger", ledger, "--first-seq", "9"])
        #expect(result.status == 2, "\(result)")
        #expect(result.stderr.contains("--first-seq or --ledger"), "\(result)")
    }
}
