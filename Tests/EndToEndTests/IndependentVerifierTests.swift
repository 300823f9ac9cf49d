import Testing
import Foundation

/// Tools/verify_ledger.py, written from EventLogs/FORMAT.md alone, agrees with caseledger on a
/// generated ledger: the chain verifies and M4 is the same; an altered line fails both.
@Suite struct IndependentVerifierTests {

    static var python: String? { E2E.python }

    static func runPython(_ arguments: [String]) throws -> (status: Int32, out: String) {
        try E2E.runTool("Tools/verify_ledger.py", arguments)
    }

    @Test("the Python verifier checks the chain and recomputes M4 like caseledger", .enabled(if: python != nil, "python3 is not installed"))
    func agreesWithCaseLedger() throws {
        let home = NSTemporaryDirectory() + "caseledger-pyverify-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: home, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: home) }
        let ledger = home + "/L"
        #expect(try E2E.run(["init", ledger, "--jobcenter", "X", "--municipality", "250", "--municipality", "270", "--recorded-at", "2010-12-31"], home: home).status == 0)
        let generated = try E2E.run(["generate", "--citizens", "300", "--seed", "17", "--with-recorded-at", "--municipality", "250", "--municipality", "270"], home: home)
        #expect(try E2E.run(["append", ledger, "--historical"], input: generated.out, home: home).status == 0)

        for period in ["2012", "2014", "2013Q2"] {
            let python = try Self.runPython([ledger, "--m4", period])
            #expect(python.status == 0, "\(python.out)")
            let jsonLine = try #require(python.out.split(separator: "\n").last { $0.hasPrefix("{") })
            let independent = try JSONSerialization.jsonObject(with: Data(jsonLine.utf8)) as! [String: Any]
            let scopes = independent["scopes"] as! [String: Int]
            let measured = try JSONSerialization.jsonObject(with: try E2E.run(["measure", ledger, "M4", "--period", period, "--json"], home: home).out) as! [String: Any]
            for scope in measured["scopes"] as! [[String: Any]] {
                #expect(scopes[scope["scope"] as! String] == (scope["value"] as! NSNumber).intValue, "M4 \(period) \(scope["scope"]!)")
            }
        }
        // Alter one byte of line 10: both verifiers fail and name the line.
        let path = ledger + "/events/segment-000001.jsonl"
        var bytes = try Data(contentsOf: URL(fileURLWithPath: path))
        var newlines = 0, index = 0
        while newlines < 9 { if bytes[index] == 0x0A { newlines += 1 }; index += 1 }
        let digit = bytes[index...].firstRange(of: Data(#""effective":"20"#.utf8))!.upperBound + 1
        bytes[digit] = bytes[digit] == UInt8(ascii: "1") ? UInt8(ascii: "2") : UInt8(ascii: "1")
        try bytes.write(to: URL(fileURLWithPath: path))
        let python = try Self.runPython([ledger])
        #expect(python.status == 1)
        #expect(python.out.contains("segment-000001.jsonl line 10"), "\(python.out)")
        let swift = try E2E.run(["verify", ledger], home: home)
        #expect(swift.status == 1)
        #expect(swift.err.contains("segment-000001.jsonl line 10"))
    }

    @Test("a head slot with a flipped bit is recoverable for both verifiers when the head is known, a defect when not, named by its line", .enabled(if: python != nil, "python3 is not installed"))
    func flippedHeadSlot() throws {
        let home = NSTemporaryDirectory() + "caseledger-pyhead-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: home, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: home) }
        let ledger = home + "/L"
        #expect(try E2E.run(["init", ledger, "--jobcenter", "X", "--municipality", "250"], home: home).status == 0)
        for day in ["01", "02"] {
            let line = inputLine("survey_response", effective: "2014-05-\(day)", municipality: "250", facts: #"{"respondent":"citizen","satisfied":true}"#)
            #expect(try E2E.run(["append", ledger], input: Data((line + "\n").utf8), home: home).status == 0)
        }
        let original = try Data(contentsOf: URL(fileURLWithPath: ledger + "/head"))
        // Each slot in turn (one names the head in force, the other the one before): one bit of its
        // sequence number, then one of its padding. Both verifiers find the head in force (the
        // damaged newer slot's head confirmed by the line ending at its offset) and name the slot.
        for offset in [19, 147, 126, 254] {
            var bytes = original
            bytes[offset] ^= 0x01
            try bytes.write(to: URL(fileURLWithPath: ledger + "/head"))
            let python = try Self.runPython([ledger])
            #expect(python.status == 0 && python.out.contains("ok: 3 events") && python.out.contains("recoverable damaged head slot: head line \(1 + offset / 128)"), "\(offset): \(python.out)")
            let swift = try E2E.run(["verify", ledger], home: home)
            let out = String(decoding: swift.out, as: UTF8.self)
            #expect(swift.status == 0 && out.contains("head: seq 3") && out.contains("recoverable damaged head slot: head line \(1 + offset / 128)"), "\(offset): \(out) \(swift.err)")
        }
        // The newer slot (seq 3) damaged, and seq 3's line cut off the segment: the slot names a
        // head no line carries, so the head is not known for certain: a defect for both.
        let newer = original[0..<128].starts(with: Array("00000000000000000003".utf8)) ? 0 : 128
        var unconfirmed = original
        unconfirmed[newer + 19] ^= 0x01
        try unconfirmed.write(to: URL(fileURLWithPath: ledger + "/head"))
        let segment = ledger + "/events/segment-000001.jsonl"
        let lines = try Data(contentsOf: URL(fileURLWithPath: segment))
        let withoutLast = lines.dropLast()
        try Data(withoutLast[...withoutLast.lastIndex(of: 0x0A)!]).write(to: URL(fileURLWithPath: segment))
        let python = try Self.runPython([ledger])
        #expect(python.status == 1 && python.out.contains("head line \(1 + newer / 128):") && python.out.contains("not known for certain"), "\(python.out)")
        let swift = try E2E.run(["verify", ledger], home: home)
        #expect(swift.status == 1 && swift.err.contains("head line \(1 + newer / 128):") && swift.err.contains("not known for certain"), "\(swift.err)")
        try lines.write(to: URL(fileURLWithPath: segment))
        try original.write(to: URL(fileURLWithPath: ledger + "/head"))
        #expect(try Self.runPython([ledger]).status == 0)
    }
}
