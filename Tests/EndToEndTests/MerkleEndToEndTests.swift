import Testing
import Foundation

/// Merkle proofs through the real binary: publish, append 1,000 events, publish again; the
/// consistency proof between the two publications and inclusion proofs of a seeded sample of
/// lines against both, checked by `caseledger check-proof` and by Tools/verify_proof.py.
@Suite struct MerkleEndToEndTests {
    typealias Fixture = AuditEndToEndTests.Fixture

    static var python: String? { E2E.python }

    /// Runs Tools/verify_proof.py; its status and output.
    static func verifyProof(_ arguments: [String]) throws -> (status: Int32, out: String) {
        try E2E.runTool("Tools/verify_proof.py", arguments)
    }

    /// A publication's recorded facts (from its stored line).
    static func publicationFacts(_ f: Fixture, id: String) throws -> [String: Any] {
        let event = try AuditEndToEndTests.lastEvent(f, type: "publication") { ($0["facts"] as? [String: Any])?["publication_id"] as? String == id }
        return event["facts"] as! [String: Any]
    }

    /// Publishes; returns the id, the recorded tree size and root.
    static func publish(_ f: Fixture) throws -> (id: String, size: Int, root: String) {
        let published = try f.run(["publish", f.ledger, "--at", "2014-12-31"])
        #expect(published.status == 0, "\(published.err)")
        let id = String(decoding: published.out, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
        let facts = try publicationFacts(f, id: id)
        let size = try #require(facts["tree_size"] as? Int), root = try #require(facts["root_hash"] as? String)
        // The minutes' lines: tree size and the root in groups of eight hex digits.
        let grouped = stride(from: 0, to: 64, by: 8).map { String(root.dropFirst($0).prefix(8)) }.joined(separator: " ")
        #expect(published.err.contains("Merkle tree size \(size), root hash (SHA-256, RFC 9162) \(grouped)"), "\(published.err)")
        return (id, size, root)
    }

    /// Writes `data` to a file in the fixture's home; returns its path.
    static func write(_ f: Fixture, _ name: String, _ data: Data) throws -> String {
        let path = f.home + "/" + name
        try data.write(to: URL(fileURLWithPath: path))
        return path
    }

    /// Both checkers' verdicts on a proof file with extra arguments: (caseledger status, python status).
    static func check(_ f: Fixture, _ proof: String, _ extra: [String]) throws -> (Int32, Int32?) {
        let swift = try f.run(["check-proof", proof] + extra)
        let py = python == nil ? nil : try verifyProof([proof] + extra).status
        return (swift.status, py)
    }

    @Test("publish, append 1,000 events, publish again: consistency and sampled inclusion proofs verify in both checkers; verify still passes",
          .enabled(if: python != nil, "python3 is not installed"))
    func publishAppendPublish() throws {
        let f = try Fixture(citizens: 80, seed: 21)
        defer { f.remove() }
        let first = try Self.publish(f)
        let input = (0..<1_000).map { i in
            #"{"type":"survey_response","effective":"2014-\#(String(format: "%02d", 1 + i % 12))-15","municipality":"250","facts":{"respondent":"\#(i % 3 == 0 ? "company" : "citizen")","satisfied":\#(i % 4 != 0)}}"#
        }.joined(separator: "\n") + "\n"
        let appended = try f.run(["append", f.ledger], input: Data(input.utf8))
        #expect(appended.status == 0, "\(appended.err)")
        let second = try Self.publish(f)
        #expect(second.size == first.size + 1 + 1_000)

        // Consistency between the two publications, by id and by size.
        let consistency = try f.run(["prove", f.ledger, "--from", first.id, "--to", second.id])
        #expect(consistency.status == 0, "\(consistency.err)")
        #expect(consistency.out == (try f.run(["prove", f.ledger, "--from", String(first.size), "--to", String(second.size)])).out)
        let consistencyPath = try Self.write(f, "consistency.json", consistency.out)
        var verdict = try Self.check(f, consistencyPath, ["--old-root", first.root, "--root", second.root])
        #expect(verdict.0 == 0 && verdict.1 == 0)
        // A root copied from the minutes, in groups of eight digits, is accepted as it is printed.
        let minutesRoot = stride(from: 0, to: 64, by: 8).map { String(second.root.dropFirst($0).prefix(8)) }.joined(separator: " ")
        verdict = try Self.check(f, consistencyPath, ["--root", minutesRoot])
        #expect(verdict.0 == 0 && verdict.1 == 0)
        // The wrong roots are refused by both.
        verdict = try Self.check(f, consistencyPath, ["--old-root", second.root])
        #expect(verdict.0 == 1 && verdict.1 == 1)

        // Inclusion proofs for a seeded sample of lines against both publications.
        var random = SplitMix64(seed: testSeed(0x6d65_726b))
        let lines = String(decoding: try Data(contentsOf: URL(fileURLWithPath: f.ledger + "/events/segment-000001.jsonl")), as: UTF8.self)
            .split(separator: "\n", omittingEmptySubsequences: false)
        var checked = 0
        for publication in [first, second] {
            let sample = [1, publication.size] + (0..<10).map { _ in 1 + random.below(publication.size) }
            for seq in sample {
                let linePath = f.home + "/line-\(seq).txt"
                let proved = try f.run(["prove", f.ledger, "--seq", String(seq), "--publication", publication.id, "--line-out", linePath])
                #expect(proved.status == 0, "\(proved.err)")
                // The line written is the stored line.
                #expect(try Data(contentsOf: URL(fileURLWithPath: linePath)) == Data((lines[seq - 1] + "\n").utf8), "seq \(seq)")
                let proof = try JSONSerialization.jsonObject(with: proved.out) as! [String: Any]
                #expect(proof["tree_size"] as? Int == publication.size && proof["root_hash"] as? String == publication.root)
                let proofPath = try Self.write(f, "inclusion-\(seq).json", proved.out)
                verdict = try Self.check(f, proofPath, ["--line", linePath, "--root", publication.root])
                #expect(verdict.0 == 0 && verdict.1 == 0, "seq \(seq) in \(publication.id)")
                // Another line, or a proof with one hex digit changed, is refused by both.
                let other = seq == 1 ? 2 : seq - 1
                let otherPath = try Self.write(f, "other-\(seq).txt", Data((lines[other - 1] + "\n").utf8))
                verdict = try Self.check(f, proofPath, ["--line", otherPath])
                #expect(verdict.0 == 1 && verdict.1 == 1, "seq \(seq) with line \(other)")
                var text = String(decoding: proved.out, as: UTF8.self)
                let digit = text.range(of: "\"root_hash\":\"")!.upperBound
                text.replaceSubrange(digit...digit, with: text[digit] == "0" ? "1" : "0")
                let changed = try Self.write(f, "changed-\(seq).json", Data(text.utf8))
                verdict = try Self.check(f, changed, [])
                #expect(verdict.0 == 1 && verdict.1 == 1, "seq \(seq) with a changed root")
                checked += 1
            }
        }
        #expect(checked == 24)
        #expect(try f.run(["verify", f.ledger]).status == 0)
        // The audit checks both publications' roots against the lines.
        for publication in [first, second] {
            let audit = try f.json(["audit", f.ledger, publication.id, "--json"])
            #expect(audit["root_matches"] as? Bool == true && audit["recomputed_root"] as? String == publication.root)
        }
        // The HTML report shows the tree over the lines it counts (all, up to the head): size and root.
        let toHead = try JSONSerialization.jsonObject(with: try f.run(["prove", f.ledger, "--from", "1"]).out) as! [String: Any]
        let headSize = toHead["new_size"] as! Int, headRoot = toHead["new_root"] as! String
        #expect(headSize == second.size + 1)
        let htmlPath = f.home + "/report.html"
        let html = try f.run(["report", f.ledger, "--at", "2014-12-31", "--html", htmlPath])
        #expect(html.status == 0, "\(html.err)")
        let page = String(decoding: try Data(contentsOf: URL(fileURLWithPath: htmlPath)), as: UTF8.self)
        let groupedHeadRoot = stride(from: 0, to: 64, by: 8).map { String(headRoot.dropFirst($0).prefix(8)) }.joined(separator: " ")
        #expect(page.contains("\(headSize) hændelser (nr. 1-\(headSize))") && page.contains(groupedHeadRoot))
        // Usage errors exit 2; a size beyond the head exits 1.
        #expect(try f.run(["prove", f.ledger]).status == 2)
        #expect(try f.run(["prove", f.ledger, "--seq", "x"]).status == 2)
        #expect(try f.run(["prove", f.ledger, "--seq", "1", "--from", "1"]).status == 2)
        #expect(try f.run(["prove", f.ledger, "--seq", "1", "--size", String(second.size + 5)]).status == 1)
        #expect(try f.run(["check-proof"]).status == 2)
    }

    @Test("a changed line before the head, or a rewritten copy: its proofs no longer meet the published root")
    func tamperedCopy() throws {
        let f = try Fixture(citizens: 40, seed: 5)
        defer { f.remove() }
        let published = try Self.publish(f)
        // A copy of the ledger (with its cache) in which line 30 says another effective date.
        let copy = f.home + "/copy"
        try FileManager.default.copyItem(atPath: f.ledger, toPath: copy)
        let segment = copy + "/events/segment-000001.jsonl"
        var bytes = try Data(contentsOf: URL(fileURLWithPath: segment))
        var newlines = 0, index = 0
        while newlines < 29 { if bytes[index] == 0x0A { newlines += 1 }; index += 1 }
        let digit = bytes[index...].firstRange(of: Data(#""effective":"20"#.utf8))!.upperBound + 1
        bytes[digit] = bytes[digit] == UInt8(ascii: "1") ? UInt8(ascii: "2") : UInt8(ascii: "1")
        try bytes.write(to: URL(fileURLWithPath: segment))
        // The copied index still holds the published leaf: the stored line no longer matches it.
        var proved = try f.run(["prove", copy, "--seq", "30", "--publication", published.id, "--line-out", f.home + "/l30.txt"])
        #expect(proved.status == 1)
        #expect(String(decoding: proved.out, as: UTF8.self).contains("line 30 as stored does not have the index's leaf hash"))
        // Rebuilt from the lines, the tree has another root than the publication recorded.
        try FileManager.default.removeItem(atPath: copy + "/cache")
        proved = try f.run(["prove", copy, "--seq", "30", "--publication", published.id])
        #expect(proved.status == 1)
        #expect(String(decoding: proved.out, as: UTF8.self).contains("recorded root \(published.root)"))
        // The copy's own proof of line 30 does not meet the published root.
        proved = try f.run(["prove", copy, "--seq", "30", "--size", String(published.size)])
        #expect(proved.status == 0)
        let proofPath = try Self.write(f, "copy-30.json", proved.out)
        var verdict = try Self.check(f, proofPath, ["--root", published.root])
        #expect(verdict.0 == 1 && (verdict.1 ?? 1) == 1)
        // Nor does a consistency proof from the publication to the rewritten copy.
        let consistency = try f.run(["prove", copy, "--from", "20", "--to", String(published.size + 1)])
        #expect(consistency.status == 0)
        let consistencyPath = try Self.write(f, "copy-consistency.json", consistency.out)
        verdict = try Self.check(f, consistencyPath, [])
        #expect(verdict.0 == 0, "the copy is consistent with itself")
        let original = try f.run(["prove", f.ledger, "--from", "20", "--to", String(published.size)])
        let oldRoot = (try JSONSerialization.jsonObject(with: original.out) as! [String: Any])["new_root"] as! String
        #expect(oldRoot == published.root)
        let fromPublished = try f.run(["prove", copy, "--from", published.id])
        #expect(fromPublished.status == 1)
        let rewritten = try f.run(["prove", copy, "--from", String(published.size)])
        let rewrittenPath = try Self.write(f, "rewritten.json", rewritten.out)
        verdict = try Self.check(f, rewrittenPath, ["--old-root", published.root])
        #expect(verdict.0 == 1 && (verdict.1 ?? 1) == 1)
        #expect(try f.run(["verify", copy]).status == 1)
        #expect(try f.run(["audit", copy, published.id]).status == 1)
    }

    @Test("an index update that fails after an append leaves the append acknowledged; the next proof brings the index to the head")
    func failedIndexUpdate() throws {
        let f = try Fixture(citizens: 30, seed: 3)
        defer { f.remove() }
        let published = try Self.publish(f)
        let recordPath = f.ledger + "/cache/merkle-index.bin", nodesPath = f.ledger + "/cache/merkle-nodes.bin"
        let record = try Data(contentsOf: URL(fileURLWithPath: recordPath))
        let nodes = try Data(contentsOf: URL(fileURLWithPath: nodesPath))
        // Every rename fails: the index's record cannot be replaced (its new nodes are written first).
        let line = #"{"type":"survey_response","effective":"2014-06-15","municipality":"250","facts":{"respondent":"citizen","satisfied":true}}"# + "\n"
        let appended = try f.run(["append", f.ledger], input: Data(line.utf8), environment: ["CASELEDGER_TEST_FAULTS": "rename#1+=EIO"])
        #expect(appended.status == 0, "\(appended.err)")
        #expect(try Data(contentsOf: URL(fileURLWithPath: recordPath)) == record)
        #expect(try Data(contentsOf: URL(fileURLWithPath: nodesPath)).count > nodes.count)
        // The next proof extends the index from its record (cutting off the uncounted nodes first).
        let seq = published.size + 2
        let proved = try f.run(["prove", f.ledger, "--seq", String(seq), "--line-out", f.home + "/appended.txt"])
        #expect(proved.status == 0, "\(proved.err)")
        let proof = try JSONSerialization.jsonObject(with: proved.out) as! [String: Any]
        #expect(proof["tree_size"] as? Int == seq)
        let proofPath = try Self.write(f, "appended.json", proved.out)
        #expect(try f.run(["check-proof", proofPath, "--line", f.home + "/appended.txt"]).status == 0)
        #expect(try Data(contentsOf: URL(fileURLWithPath: recordPath)) != record)
        #expect(try f.run(["verify", f.ledger]).status == 0)
    }

    @Test("where cache/ cannot be written (a read-only copy), proofs are made from the lines in memory, the same as the index's")
    func withoutIndex() throws {
        let f = try Fixture(citizens: 30, seed: 4)
        defer { f.remove() }
        let denied = ["CASELEDGER_TEST_FAULTS": "mkdir#1+=EACCES"]
        for arguments in [["--seq", "7"], ["--seq", "1", "--size", "300"], ["--from", "100"], ["--from", "64", "--to", "300"]] {
            let memory = try f.run(["prove", f.ledger] + arguments, environment: denied)
            #expect(memory.status == 0, "\(memory.err)")
            #expect(memory.err.contains("the proof is made from the lines in memory"))
            #expect(!FileManager.default.fileExists(atPath: f.ledger + "/cache/merkle-index.bin"))
            let proofPath = try Self.write(f, "memory.json", memory.out)
            #expect(try f.run(["check-proof", proofPath]).status == 0)
            // The index, once it can be written, gives the same proof.
            let indexed = try f.run(["prove", f.ledger] + arguments)
            #expect(indexed.status == 0 && indexed.out == memory.out && !indexed.err.contains("in memory"), "\(arguments)")
            try FileManager.default.removeItem(atPath: f.ledger + "/cache/merkle-index.bin")
        }
    }
}
