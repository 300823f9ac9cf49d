import Testing
import Foundation

/// Checkpoints through the real binary: report and append write them beside the ledger, later
/// commands start from them, and every report equals a replay of every line (`--no-checkpoint`),
/// also after appends, corrections and a damaged checkpoint file.
@Suite struct CheckpointEndToEndTests {
    typealias Fixture = AuditEndToEndTests.Fixture

    @Test("report from checkpoints equals report of every line, after appends, a retraction and a damaged checkpoint")
    func checkpointedReportsEqualFullReplays() throws {
        let f = try Fixture(citizens: 120, seed: 5)
        defer { f.remove() }
        // Checkpoints are rewritten after every line here, so that each command writes one.
        let env = ["CASELEDGER_CHECKPOINT_AFTER_LINES": "1"]
        let projection = f.ledger + "/cache/projection.bin"
        let validator = f.ledger + "/cache/ledger-state.bin"
        func report(_ extra: [String] = []) throws -> String {
            let result = try f.run(["report", f.ledger, "--json", "--at", "2014-12-31"] + extra, environment: env)
            #expect(result.status == 0, "\(result.err)")
            return String(decoding: result.out, as: UTF8.self)
        }
        #expect(!FileManager.default.fileExists(atPath: projection))
        let first = try report()
        #expect(FileManager.default.fileExists(atPath: projection), "report writes the projections' checkpoint")
        #expect(try report() == first, "a report from the checkpoint")
        #expect(try report(["--no-checkpoint"]) == first)

        // A late placement on employer request in November 2014 changes M3 (+1); the checkpoint is two lines behind.
        let late = #"{"type":"citizen_registered","effective":"2014-10-01","municipality":"250","citizen":"c-00000000000000aa","facts":{"birth_date":"1980-05-05","education":"vocational"}}"# + "\n"
            + #"{"type":"job_placement","effective":"2014-11-03","municipality":"250","citizen":"c-00000000000000aa","facts":{"channel":"employer-request"}}"#
        let appended = try f.run(["append", f.ledger, "--json"], input: Data(late.utf8), environment: env)
        #expect(appended.status == 0, "\(appended.err)")
        #expect(FileManager.default.fileExists(atPath: validator), "append writes the validator's index")
        // The report right after reads only the partitions the two new lines touch: it leaves the
        // checkpoint as it is (a report from the whole fold writes a new one).
        let checkpointBefore = FileManager.default.contents(atPath: projection)
        let afterPlacement = try report()
        #expect(FileManager.default.contents(atPath: projection) == checkpointBefore, "a partial fold does not rewrite the checkpoint")
        #expect(afterPlacement != first, "the placement changes the report")
        #expect(afterPlacement == (try report(["--no-checkpoint"])))

        // Its retraction (the placement is the head) restores M3; the same retraction again is refused
        // (the validator's index knows it was retracted).
        let head = try #require(try JSONSerialization.jsonObject(with: appended.out) as? [String: Any])
        let placementSeq = try #require(head["last_seq"] as? Int)
        let retract = #"{"type":"correction","facts":{"corrects":\#(placementSeq),"action":"retract","correction_reason":"fejloprettet"}}"#
        let retracted = try f.run(["append", f.ledger], input: Data(retract.utf8), environment: env)
        #expect(retracted.status == 0, "\(retracted.err)")
        let afterRetraction = try report()
        #expect(afterRetraction == (try report(["--no-checkpoint"])))
        #expect(afterRetraction != afterPlacement)
        let again = try f.run(["append", f.ledger], input: Data(retract.utf8), environment: env)
        #expect(again.status != 0)

        // A damaged checkpoint file is ignored (and rewritten): the report is still the full replay's.
        var bytes = try #require(FileManager.default.contents(atPath: projection))
        bytes[bytes.count / 2] ^= 0x04
        try bytes.write(to: URL(fileURLWithPath: projection))
        #expect(try report() == afterRetraction)
        // A removed checkpoint directory is rebuilt.
        try FileManager.default.removeItem(atPath: f.ledger + "/cache")
        #expect(try report() == afterRetraction)
        #expect(FileManager.default.fileExists(atPath: projection))
        // verify does not depend on checkpoints.
        #expect(try f.run(["verify", f.ledger]).status == 0)
    }
}
