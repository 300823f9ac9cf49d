import Testing
import Foundation

/// The auditor's three commands through the real binary: publish, audit (reproduce, restatements,
/// tampering) and explain (numerators, access records written before anything is shown).
@Suite struct AuditEndToEndTests {

    /// A generated Frederikssund-like ledger with its 2014 plan, in a temporary directory.
    struct Fixture {
        let home: String
        let ledger: String

        init(citizens: Int = 250, seed: Int = 9) throws {
            home = NSTemporaryDirectory() + "caseledger-audit-\(UUID().uuidString)"
            try FileManager.default.createDirectory(atPath: home, withIntermediateDirectories: true)
            ledger = home + "/ledger"
            #expect(try E2E.run(["init", ledger, "--jobcenter", "Jobcenter Frederikssund", "--municipality", "250", "--recorded-at", "2010-12-31"], home: home).status == 0)
            let generated = try E2E.run(["generate", "--citizens", String(citizens), "--seed", String(seed), "--with-recorded-at"], home: home)
            let appended = try E2E.run(["append", ledger, "--historical"], input: generated.out, home: home)
            #expect(appended.status == 0, "\(appended.err)")
            let plan = try Data(contentsOf: E2E.packageRoot.appendingPathComponent("EventLogs/plans/frederikssund-2014.jsonl"))
            #expect(try E2E.run(["append", ledger], input: plan, home: home).status == 0)
        }

        func run(_ arguments: [String], input: Data? = nil, environment extra: [String: String] = [:]) throws -> E2E.Run {
            try E2E.run(arguments, input: input, home: home, extraEnvironment: extra)
        }

        func json(_ arguments: [String]) throws -> [String: Any] {
            let result = try run(arguments)
            #expect(result.status == 0, "\(arguments): \(result.err)")
            return try JSONSerialization.jsonObject(with: result.out) as! [String: Any]
        }

        func remove() { try? FileManager.default.removeItem(atPath: home) }
    }

    /// The last stored line of a type, as JSON.
    static func lastEvent(_ f: Fixture, type: String, where predicate: ([String: Any]) -> Bool = { _ in true }) throws -> [String: Any] {
        let log = try f.run(["log", f.ledger, "--type", type, "--json"])
        let lines = String(decoding: log.out, as: UTF8.self).split(separator: "\n")
        for line in lines.reversed() {
            let object = try JSONSerialization.jsonObject(with: Data(line.utf8)) as! [String: Any]
            if predicate(object) { return object }
        }
        throw CocoaError(.fileNoSuchFile)
    }

    @Test("publish, then late events and a correction: the audit reproduces and lists exactly the restatements")
    func publishThenAudit() throws {
        let f = try Fixture()
        defer { f.remove() }
        let published = try f.run(["publish", f.ledger, "--at", "2014-12-31", "--title", "Resultatmål december 2014"])
        #expect(published.status == 0, "\(published.err)")
        let id = String(decoding: published.out, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
        #expect(id.hasPrefix("P-"))
        var audit = try f.json(["audit", f.ledger, id, "--json"])
        #expect(audit["reproduced"] as? Bool == true)
        #expect(audit["head_still_matches"] as? Bool == true)
        #expect((audit["restatements"] as? [Any])?.isEmpty == true)

        // A late placement on employer request in 2014, and a retraction of an employer-request placement of 2014.
        let placement = try Self.lastEvent(f, type: "job_placement") { o in
            (o["facts"] as? [String: Any])?["channel"] as? String == "employer-request" && (o["effective"] as? String ?? "").hasPrefix("2014")
        }
        // A citizen registered late, with a placement in November 2014 (one batch).
        let late = #"{"type":"citizen_registered","effective":"2014-10-01","municipality":"250","citizen":"c-00000000000000aa","facts":{"birth_date":"1980-05-05","education":"vocational"}}"# + "\n"
            + #"{"type":"job_placement","effective":"2014-11-03","municipality":"250","citizen":"c-00000000000000aa","facts":{"channel":"employer-request"}}"#
        let lateResult = try f.run(["append", f.ledger], input: Data(late.utf8))
        #expect(lateResult.status == 0, "\(lateResult.err)")
        let retract = #"{"type":"correction","facts":{"corrects":\#(placement["seq"] as! Int),"action":"retract","correction_reason":"fejloprettet"}}"#
        #expect(try f.run(["append", f.ledger], input: Data(retract.utf8)).status == 0)
        // An event that changes nothing published: a company visit in 2015.
        let neutral = #"{"type":"company_visited","effective":"2015-01-05","municipality":"250","facts":{"cvr":"12345678"}}"#
        #expect(try f.run(["append", f.ledger], input: Data(neutral.utf8)).status == 0)

        audit = try f.json(["audit", f.ledger, id, "--json"])
        #expect(audit["reproduced"] as? Bool == true)
        #expect(audit["later_events"] as? Int == 5)  // the publication itself, the registration, the placement, the correction, the visit
        let restatements = try #require(audit["restatements"] as? [[String: Any]])
        #expect(restatements.count == 2)
        let headSeq = audit["head_seq"] as! Int
        #expect(restatements.map { $0["seq"] as? Int } == [headSeq + 3, headSeq + 4])
        for (restatement, delta) in zip(restatements, [1.0, -1.0]) {
            let changes = try #require(restatement["changes"] as? [[String: Any]])
            #expect(changes.count == 1)
            #expect(changes.first?["goal_id"] as? String == "frederikssund-2014-m3")
            #expect(changes.first?["delta"] as? Double == delta)
        }
        let text = String(decoding: try f.run(["audit", f.ledger]).out, as: UTF8.self)
        #expect(text.contains("REPRODUCED"))
        #expect(text.contains("seq \(headSeq + 4)") && text.contains("retract of seq \(placement["seq"] as! Int)"))
    }

    @Test("a line altered before the publication's head fails the audit, naming the file and line")
    func tamperBeforeHead() throws {
        let f = try Fixture(citizens: 80)
        defer { f.remove() }
        #expect(try f.run(["publish", f.ledger, "--at", "2014-12-31"]).status == 0)
        let path = f.ledger + "/events/segment-000001.jsonl"
        var bytes = try Data(contentsOf: URL(fileURLWithPath: path))
        // Change one digit of line 50's effective date: still valid JSON, but the hash no longer matches.
        var newlines = 0, index = 0
        while newlines < 49 { if bytes[index] == 0x0A { newlines += 1 }; index += 1 }
        let effective = bytes[index...].firstRange(of: Data(#""effective":"20"#.utf8))!.upperBound + 1
        bytes[effective] = bytes[effective] == UInt8(ascii: "1") ? UInt8(ascii: "2") : UInt8(ascii: "1")
        try bytes.write(to: URL(fileURLWithPath: path))
        let audit = try f.run(["audit", f.ledger])
        #expect(audit.status == 1)
        let text = String(decoding: audit.out, as: UTF8.self) + audit.err
        #expect(text.contains("segment-000001.jsonl line 50"), "\(text)")
        #expect(text.contains("FAILED"))
    }

    @Test("explain's numerator equals the measure's for every measure, and the access record lists whom it showed")
    func explainMatchesMeasure() throws {
        let f = try Fixture(citizens: 200, seed: 4)
        defer { f.remove() }
        var accessRecords = 0
        for measure in ["M1", "M1b", "M2", "M3", "M4", "M5", "M6", "M7", "M8", "M9", "M10", "M11", "M12", "M13", "M14", "M15", "M16", "M17", "M18", "M19", "M20", "M21", "M22"] {
            let when = ["M1", "M1b", "M5", "M6", "M7", "M11", "M15", "M19"].contains(measure) ? ["--at", "2014-06-30"] : ["--period", measure == "M2" || measure == "M14" ? "2014-06" : "2014"]
            let value = try f.json(["measure", f.ledger, measure, "--json"] + when)
            let jobcenter = (value["scopes"] as! [[String: Any]])[0]
            let explained = try f.json(["explain", f.ledger, measure, "--json", "--user", "test", "--purpose", "check"] + when)
            accessRecords += 1
            let numerator = jobcenter["numerator"] as! Double
            #expect(abs((explained["numerator"] as! Double) - numerator) < 1e-9, "\(measure)")
            let items = explained["items"] as! [[String: Any]]
            let sum = items.reduce(0.0) { $0 + ($1["numerator"] as! Double) }
            #expect(abs(sum - numerator) < 0.0001 * Double(items.count + 1), "\(measure): items add up to the numerator")
            if let denominator = jobcenter["denominator"] as? Double, measure != "M12" {
                // JSON numbers carry 4 fraction digits, so fractional parts (M19's days) add up within rounding.
                #expect(abs(items.reduce(0.0) { $0 + ($1["denominator"] as! Double) } - denominator) < 0.0001 * Double(items.count + 1), "\(measure): items add up to the denominator")
            }
            // The access record of this explain holds exactly the citizens shown.
            let log = try f.run(["access-log", f.ledger, "--json"])
            let records = String(decoding: log.out, as: UTF8.self).split(separator: "\n")
            #expect(records.count == accessRecords)
            let last = try JSONSerialization.jsonObject(with: Data(records.last!.utf8)) as! [String: Any]
            #expect(Set(last["citizens"] as! [String]) == Set(items.compactMap { $0["citizen"] as? String }), "\(measure)")
            #expect(explained["access_record"] as? Int == accessRecords)
        }
        #expect(try f.run(["verify", f.ledger]).status == 0)
    }

    @Test("an access record that cannot be written means explain shows nothing")
    func unwritableAccessLogShowsNothing() throws {
        let f = try Fixture(citizens: 60)
        defer { f.remove() }
        for fault in ["fsync#1=EIO", "write#1=ENOSPC", "open#1+=EACCES"] {
            let result = try f.run(["explain", f.ledger, "M3", "--period", "2014", "--user", "u", "--purpose", "p"], environment: ["CASELEDGER_TEST_FAULTS": fault])
            #expect(result.status == 1, "\(fault)")
            #expect(result.out.isEmpty, "\(fault): nothing on standard output")
            #expect(!result.err.contains("c-"), "\(fault): no pseudonym in the error")
        }
        let ok = try f.run(["explain", f.ledger, "M3", "--period", "2014", "--user", "u", "--purpose", "p"])
        #expect(ok.status == 0)
        #expect(!ok.out.isEmpty)
    }

    @Test("the access log is verified like the event files: an altered record is named by verify")
    func accessLogTamper() throws {
        let f = try Fixture(citizens: 40)
        defer { f.remove() }
        for purpose in ["first look", "second look"] {
            #expect(try f.run(["explain", f.ledger, "M3", "--period", "2014", "--user", "revisor", "--purpose", purpose]).status == 0)
        }
        let verified = try f.json(["verify", f.ledger, "--json"])
        #expect(verified["access_records"] as? Int == 2)
        let path = f.ledger + "/access/access-log.jsonl"
        let text = try String(contentsOfFile: path, encoding: .utf8)
        try text.replacingOccurrences(of: "first look", with: "other look").write(toFile: path, atomically: false, encoding: .utf8)
        let result = try f.run(["verify", f.ledger])
        #expect(result.status == 1)
        #expect(result.err.contains("access/access-log.jsonl line 1"), "\(result.err)")
        #expect(try f.run(["access-log", f.ledger]).status == 1)
    }
}
