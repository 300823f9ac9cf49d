import Testing
import Foundation

/// The validator's index through the real binary, with the disk failing one read at a time
/// (`CASELEDGER_TEST_FAULTS=read#N=EIO`): a page of the index that cannot be read is never taken for
/// an answer. Whatever read fails, a valid event is either appended or the append fails naming the
/// error, and an event about an unknown citizen is refused or fails, never appended.
@Suite struct ValidatorIndexEndToEndTests {
    typealias Fixture = AuditEndToEndTests.Fixture

    /// The pseudonym of the first citizen registered in the ledger.
    static func registeredCitizen(_ f: Fixture) throws -> String {
        let segment = try String(contentsOfFile: f.ledger + "/events/segment-000001.jsonl", encoding: .utf8)
        let line = try #require(segment.split(separator: "\n").first { $0.contains(#""type":"citizen_registered""#) })
        let object = try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
        return try #require(object["citizen"] as? String)
    }

    static func assessed(_ citizen: String) -> Data {
        Data((#"{"type":"match_assessed","effective":"2014-06-02","municipality":"250","citizen":"\#(citizen)","facts":{"category":"jobparat"}}"# + "\n").utf8)
    }

    @Test("a read error on any page of the index: the append judges as without the index, or fails naming the error")
    func readErrorsNeverGiveAWrongVerdict() throws {
        let f = try Fixture(citizens: 120, seed: 5)
        defer { f.remove() }
        let index = f.ledger + "/cache/ledger-state.bin"
        #expect(FileManager.default.fileExists(atPath: index), "the ledger has enough lines for an index")
        let known = try Self.registeredCitizen(f)
        let unknown = "c-00000000000fffff"
        var rebuilt = 0
        for n in 1...30 {
            let before = FileManager.default.contents(atPath: index)
            let fault = ["CASELEDGER_TEST_FAULTS": "read#\(n)=EIO"]
            let valid = try f.run(["append", f.ledger], input: Self.assessed(known), environment: fault)
            if valid.status == 0 {
                #expect(String(decoding: valid.out, as: UTF8.self).hasPrefix("appended 1 event"), "read #\(n)")
                if FileManager.default.contents(atPath: index) != before { rebuilt += 1 }
            } else {
                #expect(valid.status == 1 && valid.err.contains("input/output error") && !valid.err.contains("not registered"), "read #\(n): \(valid.err)")
            }
            let refused = try f.run(["append", f.ledger], input: Self.assessed(unknown), environment: fault)
            #expect(refused.status == 1, "read #\(n): \(refused.err)")
            #expect(refused.err.contains("is not registered in this ledger") || refused.err.contains("input/output error"), "read #\(n): \(refused.err)")
            #expect(try f.run(["verify", f.ledger]).status == 0, "read #\(n)")
        }
        // Some of those reads were the index's pages: the append read the state from every line and wrote the index again.
        #expect(rebuilt >= 1)
        let report = try f.run(["verify", f.ledger])
        #expect(report.status == 0)
    }
}
