// `caseledger mirror DIR DEST` through the real binary: a new copy and incremental copies verify
// and are byte-identical; a copy that is not a prefix, or is longer, is refused untouched naming
// its file and line; a crash's partial tail and a failed fsync are completed by the next mirror.

import Foundation
import Testing

@Suite final class MirrorEndToEndTests {
    let sandbox = Sandbox("mirror")
    var source: String { sandbox.file("vallensbaek") }
    var copy: String { sandbox.file("backup") }

    init() throws {
        let created = try E2E.run(["init", source, "--jobcenter", "Jobcenter Vallensbæk", "--municipality", "183", "--municipality", "187"], home: sandbox.home)
        #expect(created.status == 0, "\(created.err)")
    }

    /// Appends `count` survey responses to `ledger`.
    func append(_ count: Int, to ledger: String) throws {
        let lines = (0..<count).map { index in
            inputLine("survey_response", effective: "2014-04-0\(1 + index % 9)", facts: #"{"respondent":"company","satisfied":\#(index % 2 == 0)}"#)
        }
        let run = try E2E.run(["append", ledger], input: Data((lines.joined(separator: "\n") + "\n").utf8), home: sandbox.home)
        #expect(run.status == 0, "\(run.err)")
    }

    func mirror(_ environment: [String: String] = [:]) throws -> E2E.Run {
        try E2E.run(["mirror", source, copy], home: sandbox.home, extraEnvironment: environment)
    }

    func text(_ run: E2E.Run) -> String { String(decoding: run.out, as: UTF8.self) }

    /// `verify --json` of a ledger: exit status and the head's seq and hash.
    func verified(_ ledger: String) throws -> (status: Int32, head: String) {
        let run = try E2E.run(["verify", ledger, "--json"], home: sandbox.home)
        let object = try? JSONSerialization.jsonObject(with: run.out) as? [String: Any]
        return (run.status, "\(object?["head_seq"] ?? "") \(object?["head_hash"] ?? "")")
    }

    func bytes(_ path: String) -> [UInt8] { [UInt8](FileManager.default.contents(atPath: path) ?? Data()) }

    /// The copy verifies, has the source's head and byte-identical segment files.
    func expectIdentical(sourceLocation: SourceLocation = #_sourceLocation) throws {
        let original = try verified(source)
        let mirrored = try verified(copy)
        #expect(mirrored.status == 0 && original.status == 0, sourceLocation: sourceLocation)
        #expect(mirrored.head == original.head, sourceLocation: sourceLocation)
        let names = try FileManager.default.contentsOfDirectory(atPath: source + "/events").sorted()
        #expect(try FileManager.default.contentsOfDirectory(atPath: copy + "/events").sorted() == names, sourceLocation: sourceLocation)
        for name in names {
            #expect(bytes(copy + "/events/" + name) == bytes(source + "/events/" + name), "\(name)", sourceLocation: sourceLocation)
        }
    }

    @Test func newCopyThenOnlyNewLines() throws {
        try append(3, to: source)
        let first = try mirror()
        #expect(first.status == 0, "\(first.err)")
        #expect(text(first) == "mirrored 3 lines: seq 2-4 to \(copy)\n")
        try expectIdentical()
        try append(2, to: source)
        let second = try mirror()
        #expect(text(second) == "mirrored 2 lines: seq 5-6 to \(copy)\n")
        try expectIdentical()
        let third = try mirror()
        #expect(third.status == 0 && text(third) == "\(copy) is up to date at seq 6\n")
        let json = try E2E.run(["mirror", source, copy, "--json"], home: sandbox.home)
        #expect(json.status == 0 && text(json).hasPrefix(#"{"ok":true,"created":false,"first_seq":null,"last_seq":6,"#))
    }

    @Test func alteredCopyRefusedUntouched() throws {
        try append(4, to: source)
        #expect(try mirror().status == 0)
        try append(1, to: source)
        let file = copy + "/events/segment-000001.jsonl"
        var content = bytes(file)
        let lineStarts = [0] + content.indices.filter { content[$0] == 0x0A }.map { $0 + 1 }
        // One byte of line 3 (seq 3) changed.
        let line3 = lineStarts[2]
        let digit = try #require(content[line3...].firstIndex(of: UInt8(ascii: "4")))
        content[digit] = UInt8(ascii: "5")
        #expect(FileManager.default.createFile(atPath: file, contents: Data(content)))
        let head = bytes(copy + "/head")
        let refused = try mirror()
        #expect(refused.status == 1)
        #expect(refused.err.contains("\(file) line 3") && refused.err.contains("seq 3") && refused.err.contains("not a prefix"), "\(refused.err)")
        #expect(bytes(file) == content && bytes(copy + "/head") == head)
    }

    @Test func longerCopyRefused() throws {
        try append(2, to: source)
        #expect(try mirror().status == 0)
        try append(1, to: copy)
        let before = bytes(copy + "/events/segment-000001.jsonl")
        let refused = try mirror()
        #expect(refused.status == 1)
        #expect(refused.err.contains("segment-000001.jsonl line 4") && refused.err.contains("more than the source"), "\(refused.err)")
        #expect(bytes(copy + "/events/segment-000001.jsonl") == before)
    }

    @Test func partialTailFromACrashIsCompleted() throws {
        try append(2, to: source)
        #expect(try mirror().status == 0)
        let segment = "/events/segment-000001.jsonl"
        let old = bytes(copy + segment)
        try append(3, to: source)
        let new = bytes(source + segment)
        // A mirror killed after a line and a half: the copy's head has not moved.
        let firstNewline = try #require(new[old.count...].firstIndex(of: 0x0A))
        #expect(FileManager.default.createFile(atPath: copy + segment, contents: Data(new[0..<(firstNewline + 50)])))
        let tail = try E2E.run(["verify", copy], home: sandbox.home)
        #expect(tail.status == 0 && String(decoding: tail.out, as: UTF8.self).contains("recoverable incomplete tail"))
        let resumed = try mirror()
        #expect(resumed.status == 0, "\(resumed.err)")
        #expect(text(resumed).contains("removed an unacknowledged tail") && text(resumed).contains("mirrored 3 lines: seq 4-6"))
        try expectIdentical()
    }

    @Test func failedFsyncLeavesTheOldHeadAndTheNextMirrorCompletes() throws {
        try append(2, to: source)
        #expect(try mirror().status == 0)
        let before = try verified(copy)
        try append(3, to: source)
        // The first fsync is the copied segment's, the second the head's.
        let failed = try mirror(["CASELEDGER_TEST_FAULTS": "fsync#2=EIO"])
        #expect(failed.status == 1)
        #expect(failed.err.contains("fsync"), "\(failed.err)")
        let after = try verified(copy)
        #expect(after.status == 0 && after.head == before.head)
        let completed = try mirror()
        #expect(completed.status == 0 && text(completed).contains("mirrored 3 lines: seq 4-6"), "\(completed.err)")
        try expectIdentical()
    }
}
