import Testing
import Foundation

/// Runs the real `caseledger` binary: each bundled plan loads into a generated ledger and the report
/// lists every goal of it; FORMAT.md's catalog equals `caseledger catalog --markdown`.
@Suite struct PlanReportEndToEndTests {
    static let packageRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    /// The built binary: beside this test bundle in the products directory.
    static func binary() throws -> URL {
        var directory = Bundle.main.bundleURL
        for _ in 0..<4 {
            let candidate = directory.appendingPathComponent("caseledger")
            if FileManager.default.isExecutableFile(atPath: candidate.path) { return candidate }
            directory = directory.deletingLastPathComponent()
        }
        let fallback = packageRoot.appendingPathComponent(".build/debug/caseledger")
        guard FileManager.default.isExecutableFile(atPath: fallback.path) else {
            throw CocoaError(.fileNoSuchFile, userInfo: [NSLocalizedDescriptionKey: "caseledger binary not found; run swift build first"])
        }
        return fallback
    }

    struct Run { var status: Int32; var out: Data; var err: String }

    static func run(_ arguments: [String], input: Data? = nil, home: String, extraEnvironment: [String: String] = [:]) throws -> Run {
        let process = Process()
        process.executableURL = try binary()
        process.arguments = arguments
        var environment = ProcessInfo.processInfo.environment
        environment["HOME"] = home
        environment.removeValue(forKey: "CASELEDGER_KEY_FILE")
        environment.removeValue(forKey: "CASELEDGER_TEST_FAULTS")
        for (key, value) in extraEnvironment { environment[key] = value }
        process.environment = environment
        // Standard input, output and error go through files, so no pipe can fill up and block.
        let base = NSTemporaryDirectory() + "caseledger-run-\(UUID().uuidString)"
        let inPath = base + ".in", outPath = base + ".out", errPath = base + ".err"
        defer { for path in [inPath, outPath, errPath] { try? FileManager.default.removeItem(atPath: path) } }
        FileManager.default.createFile(atPath: inPath, contents: input ?? Data())
        FileManager.default.createFile(atPath: outPath, contents: nil)
        FileManager.default.createFile(atPath: errPath, contents: nil)
        process.standardInput = FileHandle(forReadingAtPath: inPath)
        process.standardOutput = FileHandle(forWritingAtPath: outPath)
        process.standardError = FileHandle(forWritingAtPath: errPath)
        try process.run()
        process.waitUntilExit()
        let out = try Data(contentsOf: URL(fileURLWithPath: outPath))
        let err = try Data(contentsOf: URL(fileURLWithPath: errPath))
        return Run(status: process.terminationStatus, out: out, err: String(decoding: err, as: UTF8.self))
    }

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
        let created = try Self.run(["init", ledger, "--jobcenter", "Test", "--recorded-at", "2010-12-31"] + codes, home: temporary)
        #expect(created.status == 0, "\(created.err)")
        let generated = try Self.run(["generate", "--citizens", "120", "--seed", "5", "--with-recorded-at", "--to", "2015-12-31"] + codes, home: temporary)
        #expect(generated.status == 0, "\(generated.err)")
        let appended = try Self.run(["append", ledger, "--historical"], input: generated.out, home: temporary)
        #expect(appended.status == 0, "\(appended.err)")
        let planData = try Data(contentsOf: Self.packageRoot.appendingPathComponent("EventLogs/plans/" + plan))
        let loaded = try Self.run(["append", ledger], input: planData, home: temporary)
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
            let report = try Self.run(["report", ledger, "--at", at, "--json"], home: temporary)
            #expect(report.status == 0, "\(report.err)")
            let json = try JSONSerialization.jsonObject(with: report.out) as! [String: Any]
            let goals = json["goals"] as! [[String: Any]]
            #expect(Set(goals.compactMap { $0["goal_id"] as? String }) == expected, "\(plan) at \(at)")
            for goal in goals {
                let status = goal["status"] as? String
                #expect(["met", "not met", "no target", "not yet due", "reference missing"].contains(status ?? ""), "\(goal["goal_id"] ?? "?"): \(status ?? "nil")")
                #expect(goal["source"] is String)
            }
            let text = try Self.run(["report", ledger, "--at", at], home: temporary)
            for id in expected { #expect(String(decoding: text.out, as: UTF8.self).contains(id), "text report lists \(id)") }
        }
    }

    @Test("FORMAT.md's catalog section is what caseledger catalog --markdown prints")
    func formatCatalogIsCurrent() throws {
        let format = try String(contentsOf: Self.packageRoot.appendingPathComponent("EventLogs/FORMAT.md"), encoding: .utf8)
        let begin = try #require(format.range(of: "<!-- catalog:begin -->\n"))
        let end = try #require(format.range(of: "<!-- catalog:end -->"))
        let section = String(format[begin.upperBound..<end.lowerBound])
        let printed = try Self.run(["catalog", "--markdown"], home: NSTemporaryDirectory())
        #expect(printed.status == 0)
        #expect(section == String(decoding: printed.out, as: UTF8.self), "regenerate FORMAT.md's catalog with caseledger catalog --markdown")
    }
}
