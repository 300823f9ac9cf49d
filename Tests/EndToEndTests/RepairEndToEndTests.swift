// `caseledger repair DIR --from COPY` through the real binary: a flipped bit and a zeroed block
// found by verify are replaced from a mirror and the ledger verifies with the copy's bytes; a
// repair whose rename fails leaves the damaged segment and the next repair completes it; damage
// the copy does not cover is refused naming the file and line, with nothing written.

import Foundation
import Testing

@Suite final class RepairEndToEndTests {
    let sandbox = Sandbox("repair")
    var ledger: String { sandbox.file("frederikssund") }
    var copy: String { sandbox.file("backup") }
    var segment: String { ledger + "/events/segment-000001.jsonl" }

    init() throws {
        let created = try E2E.run(["init", ledger, "--jobcenter", "Jobcenter Frederikssund", "--municipality", "250"], home: sandbox.home)
        #expect(created.status == 0, "\(created.err)")
    }

    /// Appends `count` survey responses.
    func append(_ count: Int) throws {
        let lines = (0..<count).map { index in
            inputLine("survey_response", effective: "2014-05-0\(1 + index % 9)", municipality: "250", facts: #"{"respondent":"citizen","satisfied":\#(index % 3 == 0)}"#)
        }
        let run = try E2E.run(["append", ledger], input: Data((lines.joined(separator: "\n") + "\n").utf8), home: sandbox.home)
        #expect(run.status == 0, "\(run.err)")
    }

    func bytes(_ path: String) -> [UInt8] { [UInt8](FileManager.default.contents(atPath: path) ?? Data()) }
    func write(_ path: String, _ content: [UInt8]) { #expect(FileManager.default.createFile(atPath: path, contents: Data(content))) }
    func text(_ run: E2E.Run) -> String { String(decoding: run.out, as: UTF8.self) }

    /// The byte offset where 1-based line `line` of `content` starts.
    func lineStart(_ content: [UInt8], _ line: Int) -> Int {
        line == 1 ? 0 : content.indices.filter { content[$0] == 0x0A }[line - 2] + 1
    }

    /// Flips a bit in line 3 and zeroes 300 bytes from the middle of line 5 into line 6.
    func damage() -> [UInt8] {
        var content = bytes(segment)
        content[lineStart(content, 3) + 70] ^= 0x10
        let from = lineStart(content, 5) + 80
        for at in from..<(from + 300) { content[at] = 0 }
        write(segment, content)
        return content
    }

    @Test func damagedLinesReplacedFromTheMirror() throws {
        try append(8)
        let mirrored = try E2E.run(["mirror", ledger, copy], home: sandbox.home)
        #expect(mirrored.status == 0, "\(mirrored.err)")
        let original = bytes(segment)
        _ = damage()
        let found = try E2E.run(["verify", ledger], home: sandbox.home)
        #expect(found.status == 1 && found.err.contains("segment-000001.jsonl line 3"), "\(found.err)")

        let repaired = try E2E.run(["repair", ledger, "--from", copy], home: sandbox.home)
        #expect(repaired.status == 0, "\(repaired.err)")
        let lines = text(repaired).split(separator: "\n").map(String.init)
        #expect(lines.count == 3, "\(text(repaired))")
        #expect(lines.first?.hasPrefix("replaced segment-000001.jsonl line 3 (seq 3) from \(copy): hash does not match") == true, "\(lines)")
        #expect(lines.dropFirst().first?.hasPrefix("replaced segment-000001.jsonl lines 5-6 (seq 5-6) from \(copy):") == true, "\(lines)")
        #expect(lines.last?.hasPrefix("verified: 9 events, head seq 9 ") == true, "\(lines)")
        #expect(bytes(segment) == original)
        #expect(try E2E.run(["verify", ledger], home: sandbox.home).status == 0)

        let json = try E2E.run(["repair", ledger, "--from", copy, "--json"], home: sandbox.home)
        #expect(json.status == 0 && text(json).hasPrefix(#"{"ok":true,"replaced":[],"head_seq":9,"#), "\(text(json))")
    }

    @Test func failedRenameLeavesTheDamagedSegmentAndTheNextRepairCompletes() throws {
        try append(8)
        #expect(try E2E.run(["mirror", ledger, copy], home: sandbox.home).status == 0)
        let original = bytes(segment)
        let damaged = damage()
        let failed = try E2E.run(["repair", ledger, "--from", copy], home: sandbox.home, extraEnvironment: ["CASELEDGER_TEST_FAULTS": "rename#1=EIO"])
        #expect(failed.status == 1 && failed.err.contains("rename"), "\(failed.err)")
        #expect(bytes(segment) == damaged)
        #expect(try E2E.run(["verify", ledger], home: sandbox.home).status == 1)
        let completed = try E2E.run(["repair", ledger, "--from", copy], home: sandbox.home)
        #expect(completed.status == 0, "\(completed.err)")
        #expect(text(completed).contains("removed 1 temporary file of an interrupted repair"), "\(text(completed))")
        #expect(bytes(segment) == original)
        #expect(try FileManager.default.contentsOfDirectory(atPath: ledger + "/events") == ["segment-000001.jsonl"])
    }

    @Test func damageTheCopyDoesNotCoverRefused() throws {
        try append(4)
        #expect(try E2E.run(["mirror", ledger, copy], home: sandbox.home).status == 0)
        try append(4)
        var content = bytes(segment)
        content[lineStart(content, 7) + 70] ^= 0x01
        write(segment, content)
        let refused = try E2E.run(["repair", ledger, "--from", copy], home: sandbox.home)
        #expect(refused.status == 1)
        #expect(refused.err.contains("\(segment) line 7") && refused.err.contains("does not cover it (its head is seq 5)"), "\(refused.err)")
        #expect(bytes(segment) == content)
        let usage = try E2E.run(["repair", ledger], home: sandbox.home)
        #expect(usage.status == 2 && usage.err.contains("--from"), "\(usage.err)")
    }
}
