import Testing
import Foundation

/// Runs the real `caseledger` binary: each bundled plan loads into a generated ledger and the report
/// lists every goal of it; FORMAT.md's catalog equals `caseledger catalog --markdown`.
@Suite struct PlanReportEndToEndTests {
    static let plans = [
        ("frederikssund-2014.jsonl", ["250"]), ("frederikssund-2024.jsonl", ["250"]), ("frederikssund-vaekstudvalget-2014.jsonl", ["250"]),
        ("vallensbaek-2014.jsonl", ["183", "187"]), ("gribskov-2015.jsonl", ["270"]),
    ]

    @Test("every bundled plan loads into a generated ledger and the report lists all its goals", arguments: plans)
    func planReport(plan: String, municipalities: [String]) throws {
        let temporary = NSTemporaryDirectory() + "caseledger-plan-e2e-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: temporary, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: temporary) }
        let ledger = temporary + "/ledger"
        let codes = municipalities.flatMap { ["--municipality", $0] }
        let created = try E2E.run(["init", ledger, "--jobcenter", "Test", "--recorded-at", "2010-12-31"] + codes, home: temporary)
        #expect(created.status == 0, "\(created.err)")
        let generated = try E2E.run(["generate", "--citizens", "120", "--seed", "5", "--with-recorded-at", "--to", "2015-12-31"] + codes, home: temporary)
        #expect(generated.status == 0, "\(generated.err)")
        let appended = try E2E.run(["append", ledger, "--historical"], input: generated.out, home: temporary)
        #expect(appended.status == 0, "\(appended.err)")
        let planData = try Data(contentsOf: E2E.packageRoot.appendingPathComponent("EventLogs/plans/" + plan))
        let loaded = try E2E.run(["append", ledger], input: planData, home: temporary)
        #expect(loaded.status == 0, "\(plan): \(loaded.err)")

        var expected: Set<String> = []
        for line in String(decoding: planData, as: UTF8.self).split(separator: "\n") {
            let object = try JSONSerialization.jsonObject(with: Data(line.utf8)) as! [String: Any]
            if object["type"] as? String == "goal_adopted", let facts = object["facts"] as? [String: Any], let id = facts["goal_id"] as? String {
                expected.insert(id)
            }
        }
        #expect(!expected.isEmpty)
        for at in ["2014-12-31", "2015-12-31"] {
            let report = try E2E.run(["report", ledger, "--at", at, "--json"], home: temporary)
            #expect(report.status == 0, "\(report.err)")
            let json = try JSONSerialization.jsonObject(with: report.out) as! [String: Any]
            let goals = json["goals"] as! [[String: Any]]
            #expect(Set(goals.compactMap { $0["goal_id"] as? String }) == expected, "\(plan) at \(at)")
            for goal in goals {
                let status = goal["status"] as? String
                #expect(["met", "not met", "no target", "not yet due", "reference missing"].contains(status ?? ""), "\(goal["goal_id"] ?? "?"): \(status ?? "nil")")
                #expect(goal["source"] is String)
            }
            let text = try E2E.run(["report", ledger, "--at", at], home: temporary)
            for id in expected { #expect(String(decoding: text.out, as: UTF8.self).contains(id), "text report lists \(id)") }
        }
    }

    @Test("FORMAT.md's catalog section is what caseledger catalog --markdown prints")
    func formatCatalogIsCurrent() throws {
        let format = try String(contentsOf: E2E.packageRoot.appendingPathComponent("EventLogs/FORMAT.md"), encoding: .utf8)
        let begin = try #require(format.range(of: "<!-- catalog:begin -->\n"))
        let end = try #require(format.range(of: "<!-- catalog:end -->"))
        let section = String(format[begin.upperBound..<end.lowerBound])
        let printed = try E2E.run(["catalog", "--markdown"], home: NSTemporaryDirectory())
        #expect(printed.status == 0)
        #expect(section == String(decoding: printed.out, as: UTF8.self), "regenerate FORMAT.md's catalog with caseledger catalog --markdown")
    }
}
