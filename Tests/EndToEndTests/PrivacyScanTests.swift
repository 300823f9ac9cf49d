// No CPR number anywhere: after a session of init, append and import with CPR numbers, verify,
// log and a series of mistakes that put CPR numbers where they do not belong, no file of the
// ledger and no line the program printed holds a CPR number or anything shaped like one.

import Foundation
import Testing

@Suite final class PrivacyScanTests {
    let sandbox = Sandbox("privacy")

    @Test("no CPR number or CPR-shaped text in the ledger's files, standard output or standard error")
    func scan() async throws {
        var results: [RunResult] = []
        func run(_ arguments: [String], stdin: String? = nil) async throws -> RunResult {
            let result = try await sandbox.run(arguments, stdin: stdin)
            results.append(result)
            return result
        }
        let ledger = sandbox.file("ledger")
        let a = TestCPR.first, b = TestCPR.second, c = TestCPR.third

        // A normal session.
        #expect(try await run(["init", ledger, "--jobcenter", "Jobcenter Vallensbæk", "--municipality", "183", "--municipality", "187"]).status == 0)
        let appended = try await run(["append", ledger], stdin: [
            inputLine("citizen_registered", effective: "2014-01-02", cpr: a, facts: #"{"birth_date":"1990-01-01","education":"none"}"#),
            inputLine("benefit_started", effective: "2014-01-06", cpr: a, facts: #"{"benefit":"kontanthjaelp"}"#),
            inputLine("match_assessed", effective: "2014-01-06", cpr: TestCPR.digitText(a), facts: #"{"category":"jobparat"}"#),
        ].joined(separator: "\n"))
        #expect(appended.status == 0, "\(appended)")
        let csv = sandbox.file("borgere.csv")
        try ("effective,municipality,cpr,birth_date,education\n2014-01-02,187,\(b),1985-06-15,vocational\n"
            + "2014-01-02,183,\(TestCPR.digitText(c)),1992-02-29,higher\n").write(toFile: csv, atomically: true, encoding: .utf8)
        let imported = try await run(["import", ledger, csv, "--type", "citizen_registered"])
        #expect(imported.status == 0, "\(imported)")
        #expect(try await run(["verify", ledger]).status == 0)
        #expect(try await run(["verify", ledger, "--json"]).status == 0)
        #expect(try await run(["log", ledger]).status == 0)
        #expect(try await run(["log", ledger, "--json"]).status == 0)

        // Mistakes that put CPR numbers in the wrong place: all must fail without echoing them.
        let mistakes: [(arguments: [String], stdin: String?)] = [
            (["append", ledger], inputLine("match_assessed", effective: "2014-01-07", cpr: TestCPR.impossible, facts: #"{"category":"jobparat"}"#)),
            (["append", ledger], inputLine("match_assessed", effective: "2014-01-07", cpr: a, facts: #"{"category":"\#(b)"}"#)),
            (["append", ledger], inputLine("event_held", effective: "2014-01-07", facts: #"{"name":"Møde med \#(b)","participants":2}"#)),
            (["append", ledger], inputLine("event_held", effective: "2014-01-07", facts: #"{"name":"Møde \#(TestCPR.digitText(c))","participants":2}"#)),
            (["append", ledger], inputLine(TestCPR.digitText(b), effective: "2014-01-07", facts: "{}")),
            (["append", ledger], #"{"type":"match_assessed","\#(a)":1}"#),
            (["append", ledger], #"{"type":"match_assessed","cpr":"\#(a)","cpr":"\#(b)"}"#),
            (["append", ledger], inputLine("match_assessed", effective: "2014-01-07", citizen: a, facts: #"{"category":"jobparat"}"#)),
            (["append", ledger], inputLine("paid_hours_registered", effective: "2014-01-07", cpr: a, facts: #"{"month":"2014-01","hours":\#(TestCPR.digitText(b))}"#)),
            (["append", ledger, "--\(TestCPR.digitText(a))"], nil),
            (["append", ledger, a], nil),
            (["append", ledger, "--recorded-at", b], nil),
            (["log", ledger, "--citizen", a], nil),
            (["log", ledger, "--type", b], nil),
            ([TestCPR.digitText(c)], nil),
            (["init", sandbox.file("second"), "--jobcenter", "Jobcenter \(a)", "--municipality", "183"], nil),
        ]
        for (index, mistake) in mistakes.enumerated() {
            let result = try await run(mistake.arguments, stdin: mistake.stdin)
            #expect(result.status != 0 && !result.signaled, "mistake \(index) was accepted: exit \(result.status)")
        }
        // Import mistakes: a bad CPR cell, and a CPR number in a text column.
        let badCSV = sandbox.file("fejl.csv")
        try "effective,municipality,cpr,birth_date,education\n2014-01-02,187,\(TestCPR.impossible),1985-06-15,none\n"
            .write(toFile: badCSV, atomically: true, encoding: .utf8)
        #expect(try await run(["import", ledger, badCSV, "--type", "citizen_registered"]).status == 1)
        let textCSV = sandbox.file("tekst.csv")
        try "effective;municipality;name;participants\n2014-03-20;187;Samtale \(b);1\n".write(toFile: textCSV, atomically: true, encoding: .utf8)
        #expect(try await run(["import", ledger, textCSV, "--type", "event_held"]).status == 1)
        #expect(!FileManager.default.fileExists(atPath: sandbox.file("second")))

        // The ledger still verifies and holds exactly the five accepted events (and its first line).
        let final = try await run(["verify", ledger, "--json"])
        #expect(verifySummary(final.stdout)?["head_seq"] as? Int == 6, "\(final)")

        // The scan: outputs first, then every file under the ledger directory.
        let forbidden = TestCPR.all.flatMap { [$0, TestCPR.digitText($0)] }
        for (index, result) in results.enumerated() {
            for (stream, text) in [("stdout", result.stdout), ("stderr", result.stderr)] {
                let label = "\(stream) of run \(index)"
                #expect(!forbidden.contains { text.contains($0) }, "\(label) holds a test CPR number")
                #expect(cprShapedMatches(text).isEmpty, "\(label) holds CPR-shaped text")
            }
        }
        #expect(results.contains { $0.stderr.contains("[CPR removed]") }, "some message had a number to remove")
        let files = try FileManager.default.subpathsOfDirectory(atPath: ledger)
        #expect(files.contains("events/segment-000001.jsonl"))
        for file in files {
            var isDirectory: ObjCBool = false
            guard FileManager.default.fileExists(atPath: ledger + "/" + file, isDirectory: &isDirectory), !isDirectory.boolValue else { continue }
            let text = String(decoding: sandbox.bytes(ledger + "/" + file), as: UTF8.self)
            #expect(!forbidden.contains { text.contains($0) }, "\(file) holds a test CPR number")
            #expect(cprShapedMatches(text).isEmpty, "\(file) holds CPR-shaped text")
        }
        // The key is outside the ledger, under the HOME given to the program.
        let keyLocation = String(decoding: sandbox.bytes(ledger + "/key-location"), as: UTF8.self)
        #expect(keyLocation.hasPrefix(sandbox.home + "/.caseledger/keys/"))
    }
}
