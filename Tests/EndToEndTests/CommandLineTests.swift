// The command line as a user sees it: init, append, verify, log, import, help and usage errors,
// each with its standard output, standard error and exit status.

import Foundation
import Testing

@Suite final class CommandLineTests {
    let sandbox = Sandbox("cli")

    static let registrations = [
        inputLine("citizen_registered", effective: "2014-01-02", cpr: TestCPR.first, facts: #"{"birth_date":"1990-01-01","education":"none"}"#),
        inputLine("benefit_started", effective: "2014-01-06", cpr: TestCPR.first, facts: #"{"benefit":"a-dagpenge"}"#),
        inputLine("match_assessed", effective: "2014-01-06", municipality: "187", cpr: TestCPR.first, facts: #"{"category":"jobparat"}"#),
    ]

    @Test("init, append, verify and log --json")
    func initAppendVerifyLog() async throws {
        let ledger = sandbox.file("ledger")
        let created = try await sandbox.run(["init", ledger, "--jobcenter", "Jobcenter Vallensbæk", "--municipality", "183", "--municipality", "187"])
        #expect(created.status == 0, "\(created)")
        #expect(created.stdout.hasPrefix("created ledger L-"), "\(created)")
        #expect(created.stdout.contains("for Jobcenter Vallensbæk (municipalities 183, 187)"))
        #expect(created.stdout.contains("pseudonym key: \(sandbox.home)/.caseledger/keys/L-"), "\(created)")
        #expect(created.stderr.isEmpty)
        for name in ["CASELEDGER", "head", "lock", "key-location", "events/segment-000001.jsonl"] {
            #expect(FileManager.default.fileExists(atPath: ledger + "/" + name), "\(name)")
        }

        let appended = try await sandbox.run(["append", ledger], stdin: Self.registrations.joined(separator: "\n") + "\n")
        #expect(appended.status == 0, "\(appended)")
        #expect(appended.stdout == "appended 3 events: seq 2-4\n")
        #expect(appended.stderr.isEmpty)

        // A single event, given without a final newline and with CRLF-free blank lines around it.
        let one = try await sandbox.run(["append", ledger], stdin: "\n" + inputLine("survey_response", effective: "2014-02-01", facts: #"{"respondent":"citizen","satisfied":true}"#))
        #expect(one.status == 0, "\(one)")
        #expect(one.stdout == "appended 1 event: seq 5\n")

        let verified = try await sandbox.run(["verify", ledger])
        #expect(verified.status == 0, "\(verified)")
        #expect(verified.stdout.hasPrefix("ok: 5 events in 1 segment, "), "\(verified)")
        #expect(verified.stdout.contains("head: seq 5 "))
        #expect(!verified.stdout.contains("recoverable"))

        let json = try await sandbox.run(["verify", ledger, "--json", "--threads", "1"])
        #expect(json.status == 0, "\(json)")
        let summary = try #require(verifySummary(json.stdout), "\(json)")
        #expect(summary["ok"] as? Bool == true)
        #expect(summary["head_seq"] as? Int == 5)
        #expect(summary["events"] as? Int == 5)
        #expect(summary["tail"] is NSNull)

        // log --json prints the stored lines exactly.
        let log = try await sandbox.run(["log", ledger, "--json"])
        #expect(log.status == 0, "\(log)")
        let stored = String(decoding: sandbox.bytes(ledger + "/events/segment-000001.jsonl"), as: UTF8.self)
        #expect(log.stdout == stored)
        #expect(log.stdout.split(separator: "\n").count == 5)

        let filtered = try await sandbox.run(["log", ledger, "--json", "--type", "match_assessed"])
        #expect(filtered.stdout.split(separator: "\n").count == 1)
        #expect(filtered.stdout.contains(#""seq":4,"#))
        let range = try await sandbox.run(["log", ledger, "--json", "--from-seq", "3", "--limit", "2"])
        #expect(range.stdout.split(separator: "\n").map { $0.prefix(9) } == [#"{"seq":3,"#, #"{"seq":4,"#])

        // The text listing: a header and one line per event.
        let text = try await sandbox.run(["log", ledger])
        #expect(text.status == 0)
        let lines = text.stdout.split(separator: "\n")
        #expect(lines.count == 6)
        #expect(lines.first?.hasPrefix("seq") == true)
        #expect(lines.last?.contains("survey_response") == true)

        // The same citizen in three lines has one pseudonym, also selectable with --citizen.
        let pseudonyms = Set(stored.split(separator: "\n").compactMap { line -> String? in
            guard let range = line.range(of: #""citizen":"c-"#) else { return nil }
            return String(line[range.upperBound...].prefix(16))
        })
        #expect(pseudonyms.count == 1)
        let byCitizen = try await sandbox.run(["log", ledger, "--json", "--citizen", "c-" + pseudonyms.first!])
        #expect(byCitizen.stdout.split(separator: "\n").count == 3)
    }

    @Test("--help for every command exits 0 and shows its usage", arguments: ["init", "append", "import", "verify", "log"])
    func help(command: String) async throws {
        let result = try await sandbox.run([command, "--help"])
        #expect(result.status == 0, "\(result)")
        #expect(result.stdout.contains("Usage: caseledger \(command) "), "\(result)")
        #expect(result.stdout.contains("--help"))
        #expect(result.stderr.isEmpty)
        let viaHelp = try await sandbox.run(["help", command])
        #expect(viaHelp.status == 0)
        #expect(viaHelp.stdout == result.stdout)
    }

    @Test("the overview lists every command")
    func overview() async throws {
        let result = try await sandbox.run(["--help"])
        #expect(result.status == 0)
        for command in ["init", "append", "import", "verify", "log"] {
            #expect(result.stdout.contains("  \(command) "), "\(command)")
        }
        let bare = try await sandbox.run([])
        #expect(bare.status == 2)
        #expect(bare.stderr.contains("Usage: caseledger COMMAND"))
    }

    @Test("usage errors exit 2 with the usage on standard error", arguments: [
        ["verify", "LEDGER", "--bogus"],
        ["append", "LEDGER", "--recorded-at"],
        ["append", "LEDGER", "--recorded-at", "yesterday"],
        ["log", "LEDGER", "--limit", "0"],
        ["verify"],
        ["verify", "LEDGER", "extra"],
        ["import", "LEDGER", "file.csv"],
        ["frobnicate"],
        ["init", "NEWLEDGER", "--municipality", "183"],
        ["init", "NEWLEDGER", "--jobcenter", "X", "--municipality", "18"],
    ])
    func usageErrors(arguments: [String]) async throws {
        let ledger = try await sandbox.initLedger()
        let resolved = arguments.map { $0 == "LEDGER" ? ledger : $0 == "NEWLEDGER" ? sandbox.file("new") : $0 }
        let result = try await sandbox.run(resolved)
        #expect(result.status == 2, "\(result)")
        #expect(result.stdout.isEmpty, "\(result)")
        #expect(result.stderr.contains("Usage: caseledger"), "\(result)")
        if arguments.contains("--bogus") {
            #expect(result.stderr.contains("unknown option --bogus"))
            #expect(result.stderr.contains("Usage: caseledger verify DIR"))
        }
        #expect(!FileManager.default.fileExists(atPath: sandbox.file("new")))
    }

    @Test("bad input exits 1 naming the line and field, and writes nothing")
    func badInput() async throws {
        let ledger = try await sandbox.initLedger()
        let segment = sandbox.bytes(ledger + "/events/segment-000001.jsonl")
        let head = sandbox.bytes(ledger + "/head")
        let input = [
            Self.registrations[0],
            inputLine("match_assessed", effective: "2014-01-06", municipality: "250", cpr: TestCPR.first, facts: #"{"category":"jobparat"}"#),
            Self.registrations[1],
        ].joined(separator: "\n")
        let result = try await sandbox.run(["append", ledger], stdin: input)
        #expect(result.status == 1, "\(result)")
        #expect(result.stdout.isEmpty)
        #expect(result.stderr.contains("standard input line 2, field municipality: 250 does not belong to this ledger"), "\(result)")
        let segmentUnchanged = sandbox.bytes(ledger + "/events/segment-000001.jsonl") == segment
        let headUnchanged = sandbox.bytes(ledger + "/head") == head
        #expect(segmentUnchanged)
        #expect(headUnchanged)

        let syntax = try await sandbox.run(["append", ledger], stdin: Self.registrations[0] + "\n{\"type\":")
        #expect(syntax.status == 1)
        #expect(syntax.stderr.contains("standard input line 2: not valid JSON"), "\(syntax)")
    }

    @Test("a directory that is not a ledger exits 1")
    func notALedger() async throws {
        let result = try await sandbox.run(["verify", sandbox.file("nowhere")])
        #expect(result.status == 1)
        #expect(result.stderr.contains("is not a ledger"), "\(result)")
    }

    @Test("verify names the defect's file and line and exits 1")
    func verifyDefect() async throws {
        let ledger = try await sandbox.initLedger()
        try await sandbox.run(["append", ledger], stdin: Self.registrations.joined(separator: "\n"))
        let segmentPath = ledger + "/events/segment-000001.jsonl"
        var lines = String(decoding: sandbox.bytes(segmentPath), as: UTF8.self).split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        lines[2] = lines[2].replacingOccurrences(of: "a-dagpenge", with: "kontanthjaelp")
        _ = FileManager.default.createFile(atPath: segmentPath, contents: Data(lines.joined(separator: "\n").utf8))
        let result = try await sandbox.run(["verify", ledger])
        #expect(result.status == 1, "\(result)")
        #expect(result.stderr.contains("DEFECT: segment-000001.jsonl line 3: hash does not match"), "\(result)")
        let json = try await sandbox.run(["verify", ledger, "--json"])
        #expect(json.status == 1)
        let summary = try #require(verifySummary(json.stdout), "\(json)")
        #expect(summary["ok"] as? Bool == false)
        #expect(summary["file"] as? String == "segment-000001.jsonl")
        #expect(summary["line"] as? Int == 3)
    }

    @Test("a torn tail is reported as recoverable and removed by the next append")
    func recoverableTail() async throws {
        let ledger = try await sandbox.initLedger()
        try await sandbox.run(["append", ledger], stdin: Self.registrations.joined(separator: "\n"))
        let segmentPath = ledger + "/events/segment-000001.jsonl"
        let before = sandbox.bytes(segmentPath)
        let torn = Array(#"{"seq":5,"recorded_at":"2014"#.utf8)
        _ = FileManager.default.createFile(atPath: segmentPath, contents: Data(before + torn))
        let verified = try await sandbox.run(["verify", ledger])
        #expect(verified.status == 0, "\(verified)")
        #expect(verified.stdout.contains("recoverable incomplete tail: segment-000001.jsonl from line 5: 0 complete unacknowledged lines and a torn line"), "\(verified)")
        let appended = try await sandbox.run(["append", ledger], stdin: inputLine("survey_response", effective: "2014-02-01", facts: #"{"respondent":"company","satisfied":false}"#))
        #expect(appended.status == 0, "\(appended)")
        #expect(appended.stdout == "appended 1 event: seq 5\n")
        #expect(appended.stderr.contains("removed an unacknowledged tail of \(torn.count) bytes"), "\(appended)")
        #expect(try await sandbox.run(["verify", ledger]).status == 0)
    }

    @Test("a failing disk (CASELEDGER_TEST_FAULTS) fails the append with exit 1; the ledger verifies and the next append works",
          arguments: [("fsync#1=EIO", "input/output error"), ("write#2=ENOSPC", "out of disk space")])
    func injectedFault(rule: String, message: String) async throws {
        let ledger = try await sandbox.initLedger()
        try await sandbox.run(["append", ledger], stdin: Self.registrations.joined(separator: "\n"))
        let failed = try await sandbox.run(["append", ledger], stdin: inputLine("event_held", effective: "2014-03-20", facts: #"{"name":"Den tabte batch","participants":1}"#),
                                           environment: ["CASELEDGER_TEST_FAULTS": rule])
        #expect(failed.status == 1, "\(failed)")
        #expect(failed.stdout.isEmpty)
        #expect(failed.stderr.contains("caseledger append: error: "), "\(failed)")
        #expect(failed.stderr.contains(message), "\(failed)")
        let verified = try await sandbox.run(["verify", ledger])
        #expect(verified.status == 0, "\(verified)")
        #expect(verified.stdout.contains("ok: 4 events"))
        let next = try await sandbox.run(["append", ledger], stdin: inputLine("survey_response", effective: "2014-02-01", facts: #"{"respondent":"company","satisfied":true}"#))
        #expect(next.stdout == "appended 1 event: seq 5\n", "\(next)")
        let log = try await sandbox.run(["log", ledger, "--json"])
        #expect(!log.stdout.contains("Den tabte batch"))
    }

    // MARK: Import

    @Test("import: a comma-separated CSV with a quoted comma, and a semicolon-separated one")
    func importCSV() async throws {
        let ledger = try await sandbox.initLedger()
        let citizens = sandbox.file("borgere.csv")
        try ("effective,municipality,cpr,birth_date,education\r\n"
            + "2014-01-02,183,\(TestCPR.first),1990-01-01,none\r\n"
            + "2014-01-02,187,\(TestCPR.second),1985-06-15,vocational\r\n").write(toFile: citizens, atomically: true, encoding: .utf8)
        let first = try await sandbox.run(["import", ledger, citizens, "--type", "citizen_registered"])
        #expect(first.status == 0, "\(first)")
        #expect(first.stdout == "appended 2 events: seq 2-3\n")

        let activations = sandbox.file("aktiveringer.csv")
        try ("effective,municipality,cpr,activity_id,kind,provider,provider_name,employer_cvr,weekly_minutes\n"
            + "2014-02-03,183,\(TestCPR.first),AKT-1,virksomhedspraktik,anden-aktoer,\"Aktør, \"\"Nord\"\" ApS\",12345678,1110\n"
            + "2014-02-04,187,\(TestCPR.second),AKT-2,mentor,jobcenter,,,\n").write(toFile: activations, atomically: true, encoding: .utf8)
        let second = try await sandbox.run(["import", ledger, activations, "--type", "activation_started", "--json"])
        #expect(second.status == 0, "\(second)")
        let result = try #require(verifySummary(second.stdout), "\(second)")
        #expect(result["first_seq"] as? Int == 4)
        #expect(result["last_seq"] as? Int == 5)

        let events = sandbox.file("arrangementer.csv")
        try "effective;municipality;name;participants\n2014-03-20;187;Virksomhedernes Dag, Vallensbæk;130\n2014-03-21;183;Jobmesse;45\n"
            .write(toFile: events, atomically: true, encoding: .utf8)
        let third = try await sandbox.run(["import", ledger, events, "--type", "event_held"])
        #expect(third.status == 0, "\(third)")
        #expect(third.stdout == "appended 2 events: seq 6-7\n")

        let log = try await sandbox.run(["log", ledger, "--json"])
        #expect(log.stdout.contains(#""provider_name":"Aktør, \"Nord\" ApS","employer_cvr":"12345678","weekly_minutes":1110"#), "\(log)")
        #expect(log.stdout.contains(#""facts":{"activity_id":"AKT-2","kind":"mentor","provider":"jobcenter"}"#))
        #expect(log.stdout.contains(#""name":"Virksomhedernes Dag, Vallensbæk","participants":130"#))
        #expect(try await sandbox.run(["verify", ledger]).status == 0)
    }

    @Test("import: a bad row names the file, line and field, and nothing is written")
    func importBadRow() async throws {
        let ledger = try await sandbox.initLedger()
        let segment = sandbox.bytes(ledger + "/events/segment-000001.jsonl")
        let file = sandbox.file("virksomheder.csv")
        try "effective,municipality,cvr,employees\n2014-01-15,183,12345678,12\n2014-02-30,183,87654321,3\n2014-01-16,187,11223344,40\n"
            .write(toFile: file, atomically: true, encoding: .utf8)
        let result = try await sandbox.run(["import", ledger, file, "--type", "company_registered"])
        #expect(result.status == 1, "\(result)")
        #expect(result.stderr.contains("\(file) line 3, field effective"), "\(result)")
        let unchanged = sandbox.bytes(ledger + "/events/segment-000001.jsonl") == segment
        #expect(unchanged)

        let badColumn = sandbox.file("kolonner.csv")
        try "effective,municipality,cvr,staff\n2014-01-15,183,12345678,12\n".write(toFile: badColumn, atomically: true, encoding: .utf8)
        let column = try await sandbox.run(["import", ledger, badColumn, "--type", "company_registered"])
        #expect(column.status == 1)
        #expect(column.stderr.contains("\(badColumn) line 1, field staff: unknown column"), "\(column)")

        let value = sandbox.file("vaerdier.csv")
        try "effective;municipality;cvr;employees\n2014-01-15;183;12345678;12\n2014-01-16;183;1234;3\n".write(toFile: value, atomically: true, encoding: .utf8)
        let badValue = try await sandbox.run(["import", ledger, value, "--type", "company_registered"])
        #expect(badValue.status == 1)
        #expect(badValue.stderr.contains("\(value) line 3, field facts.cvr"), "\(badValue)")

        let missingType = try await sandbox.run(["import", ledger, file])
        #expect(missingType.status == 2)
        #expect(missingType.stderr.contains("--type TYPE is required"))
    }
}
