import Testing
import Foundation

/// The example case-system exports in EventLogs/examples import as the README there says.
@Suite struct ExamplesEndToEndTests {

    @Test("the example CSV exports import in order into a fresh ledger, which then verifies")
    func examplesImport() throws {
        let home = NSTemporaryDirectory() + "caseledger-examples-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: home, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: home) }
        let ledger = home + "/v"
        #expect(try E2E.run(["init", ledger, "--jobcenter", "Jobcenter Vallensbæk", "--municipality", "183", "--municipality", "187"], home: home).status == 0)
        let files = [("citizens", "citizen_registered", 4), ("benefits", "benefit_started", 4), ("assessments", "match_assessed", 3),
                     ("activations", "activation_started", 3), ("placements", "job_placement", 2), ("sickleave", "sickleave_opened", 1)]
        for (file, type, count) in files {
            let path = E2E.packageRoot.appendingPathComponent("EventLogs/examples/\(file).csv").path
            let result = try E2E.run(["import", ledger, path, "--type", type], home: home)
            #expect(result.status == 0, "\(file): \(result.err)")
            #expect(String(decoding: result.out, as: UTF8.self).hasPrefix("appended \(count) event"), "\(file)")
        }
        #expect(try E2E.run(["verify", ledger], home: home).status == 0)
        // Importing a file twice is rejected whole: the citizens' benefit spells are open already.
        let again = try E2E.run(["import", ledger, E2E.packageRoot.appendingPathComponent("EventLogs/examples/benefits.csv").path, "--type", "benefit_started"], home: home)
        #expect(again.status == 1)
        #expect(again.err.contains("benefits.csv line 2, field type"), "\(again.err)")
    }
}
