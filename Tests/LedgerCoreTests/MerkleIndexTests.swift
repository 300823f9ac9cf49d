import Testing
import Foundation
@testable import LedgerCore

/// The Merkle index in cache/: built from the lines, kept current by append, ignored and rebuilt
/// when it does not fit; proofs from it against roots hashed from the lines.
@Suite struct MerkleIndexTests {
    /// `count` survey responses as input lines (no citizen: any number can be appended).
    static func surveys(_ count: Int, salt: Int = 0) -> [String] {
        (0..<count).map { i in
            inputLine("survey_response", effective: "2014-03-\(10 + (i + salt) % 18)", municipality: i % 2 == 0 ? "183" : "187",
                      facts: #"{"respondent":"\#((i + salt) % 3 == 0 ? "company" : "citizen")","satisfied":\#((i + salt) % 5 != 0)}"#)
        }
    }

    /// The stored lines of a ledger (without newlines), read from its segments.
    static func storedLines(_ ledger: Ledger) throws -> [[UInt8]] {
        var lines: [[UInt8]] = []
        try ledger.forEachAcknowledgedLine(head: try ledger.readHead()) { (_, line) throws(LedgerError) in lines.append(Array(line)) }
        return lines
    }

    @Test("the index gives the brute-force tree's roots and proofs at every size, and append extends it without rebuilding")
    func buildAndExtend() throws {
        let directory = TemporaryDirectory("merkle")
        let test = try TestLedger(in: directory)
        try test.append(Self.surveys(40))
        var head = try test.ledger.readHead()
        let index = try MerkleIndex.current(test.ledger, head: head)
        #expect(index.leafCount == 41)
        // A rebuild writes a new nodes file and renames it into place; an extension appends to the same file.
        func inode() -> Int? { (try? FileManager.default.attributesOfItem(atPath: MerkleIndex.nodesPath(test.ledger)))?[.systemFileNumber] as? Int }
        let firstInode = inode()
        #expect(firstInode != nil)
        // Several batches: each append extends the index it finds (the record moves with the head).
        for batch in 1...3 {
            try test.append(Self.surveys(7 * batch + 1, salt: batch))
            head = try test.ledger.readHead()
            let record = MerkleIndexRecord(bytes: readBytes(MerkleIndex.recordPath(test.ledger)))
            #expect(record?.position.seq == head.seq && record?.position.hash == head.hash, "batch \(batch)")
            #expect(inode() == firstInode, "batch \(batch) extended the nodes file in place")
        }
        let lines = try Self.storedLines(test.ledger)
        #expect(Int64(lines.count) == head.seq)
        let brute = BruteForceTree(lines: lines)
        let current = try MerkleIndex.current(test.ledger, head: head)
        #expect(current.leafCount == head.seq)
        #expect(readBytes(MerkleIndex.nodesPath(test.ledger)).count == Int(MerkleTree.storedNodeCount(leafCount: head.seq)) * 32)
        for size in 1...Int(head.seq) {
            #expect(try MerkleTree.root(current, size: Int64(size)) == brute.mth(0, size))
            #expect(try MerkleTree.rootFromLines(test.ledger, head: head, size: Int64(size)) == brute.mth(0, size))
            for seq in stride(from: 1, through: size, by: 5) {
                let proof = try current.inclusionProof(seq: Int64(seq), size: Int64(size))
                #expect(proof.auditPath == brute.path(seq - 1, 0, size) && proof.failure() == nil)
                #expect(proof.leafHash == MerkleHash.leaf(lines[seq - 1]))
                #expect(try test.ledger.storedLine(at: Int64(seq), head: head) == lines[seq - 1])
            }
            let consistency = try current.consistencyProof(old: Int64(max(1, size / 3)), new: Int64(size))
            #expect(consistency.failure() == nil)
        }
    }

    @Test("a proof at the head reads the leaf and at most one stored node per level; below it, O(log n)")
    func readsPerProof() throws {
        let directory = TemporaryDirectory("merkle")
        let test = try TestLedger(in: directory)
        try test.append(Self.surveys(1_000))
        let head = try test.ledger.readHead()
        let lines = try Self.storedLines(test.ledger)
        let brute = BruteForceTree(lines: lines)
        for seq: Int64 in [1, 2, 500, 512, 513, 1000, 1001] {
            let index = try MerkleIndex.current(test.ledger, head: head)
            let before = index.reads
            let proof = try index.inclusionProof(seq: seq, size: head.seq)
            #expect(proof.rootHash == brute.mth(0, Int(head.seq)))
            // At the head: the leaf and one node per level at most (the right edge's subtrees are the
            // peaks read when the index was opened); log2(1001) < 10.
            #expect(index.reads - before <= proof.auditPath.count + 1 && proof.auditPath.count <= 10, "seq \(seq): \(index.reads - before) reads")
            // Below the head, the root and the right edge are combined from perfect subtrees: still O(log n).
            let older = try MerkleIndex.current(test.ledger, head: head)
            let start = older.reads
            let below = try older.inclusionProof(seq: seq == 1001 ? 1 : seq, size: 1000)
            #expect(below.rootHash == brute.mth(0, 1000))
            #expect(older.reads - start <= below.auditPath.count + 1 + 2 * 10, "seq \(seq) below the head: \(older.reads - start) reads")
        }
    }

    @Test("an index that does not fit is ignored and rebuilt: a damaged record, missing or extra nodes, a rewritten ledger")
    func rebuiltWhenItDoesNotFit() throws {
        let directory = TemporaryDirectory("merkle")
        let test = try TestLedger(in: directory)
        try test.append(Self.surveys(60))
        let head = try test.ledger.readHead()
        let root = try MerkleTree.rootFromLines(test.ledger, head: head, size: head.seq)
        _ = try MerkleIndex.current(test.ledger, head: head)
        let recordPath = MerkleIndex.recordPath(test.ledger), nodesPath = MerkleIndex.nodesPath(test.ledger)
        let goodNodes = readBytes(nodesPath), goodRecord = readBytes(recordPath)
        // Junk after the counted nodes (an interrupted update) is not read and is cut off by the next update.
        writeBytes(nodesPath, goodNodes + [UInt8](repeating: 7, count: 100))
        #expect(try MerkleIndex.current(test.ledger, head: head).record.root == root)
        try test.append(Self.surveys(3, salt: 9))
        let later = try test.ledger.readHead()
        #expect(readBytes(nodesPath).count == Int(MerkleTree.storedNodeCount(leafCount: later.seq)) * 32)
        #expect(try MerkleIndex.current(test.ledger, head: later).record.root == MerkleTree.rootFromLines(test.ledger, head: later, size: later.seq))
        // A flipped record byte, a cut nodes file, a changed peak (the 64 leaves' root): each makes
        // it rebuild from the lines.
        let laterRoot = try MerkleTree.rootFromLines(test.ledger, head: later, size: later.seq)
        #expect(later.seq == 64)
        let nodes = readBytes(nodesPath), record = readBytes(recordPath)
        var flippedRecord = record
        flippedRecord[30] ^= 1
        var changedPeak = nodes
        changedPeak[Int(MerkleTree.storedPosition(level: 6, index: 0)) * 32 + 5] ^= 1
        for (name, recordBytes, nodeBytes) in [("record", flippedRecord, nodes), ("cut", record, Array(nodes.prefix(nodes.count - 32))),
                                                ("peak", record, changedPeak)] {
            writeBytes(recordPath, recordBytes)
            writeBytes(nodesPath, nodeBytes)
            #expect(try MerkleIndex.open(test.ledger, head: later) == nil, "\(name)")
            let rebuilt = try MerkleIndex.current(test.ledger, head: later)
            #expect(rebuilt.record.root == laterRoot, "\(name)")
            #expect(Bool(readBytes(nodesPath) == nodes), "\(name)")
        }
        // A changed inner node is not seen when the index is opened, but the proof through it does
        // not verify before it is handed out: the index is rebuilt from the lines and the proof made again.
        var changedInner = nodes
        changedInner[Int(MerkleTree.storedPosition(level: 2, index: 1)) * 32] ^= 0x80
        writeBytes(nodesPath, changedInner)
        #expect(try MerkleIndex.open(test.ledger, head: later) != nil)
        #expect(throws: LedgerError.self) { _ = try MerkleIndex.current(test.ledger, head: later).inclusionProof(seq: 2, size: 64) }
        let repaired = try MerkleIndex.withIndex(test.ledger, head: later) { (index) throws(LedgerError) in try index.inclusionProof(seq: 2, size: 64) }
        #expect(repaired.failure() == nil && repaired.rootHash == laterRoot)
        #expect(Bool(readBytes(nodesPath) == nodes))
        _ = goodRecord
        _ = goodNodes
        // A record of another ledger (a copy whose lines differ) does not fit this one.
        let otherDirectory = TemporaryDirectory("merkle")
        let other = try TestLedger(in: otherDirectory)
        try other.append(Self.surveys(80, salt: 1))
        let otherHead = try other.ledger.readHead()
        _ = try MerkleIndex.current(other.ledger, head: otherHead)
        writeBytes(recordPath, readBytes(MerkleIndex.recordPath(other.ledger)))
        writeBytes(nodesPath, readBytes(MerkleIndex.nodesPath(other.ledger)))
        #expect(try MerkleIndex.open(test.ledger, head: later) == nil)
        #expect(try MerkleIndex.current(test.ledger, head: later).record.root == laterRoot)
    }

    @Test("a tampered line before the head fails its inclusion proof against the published root; a rewritten copy is not consistent")
    func tamperedAndRewritten() throws {
        let directory = TemporaryDirectory("merkle")
        let test = try TestLedger(in: directory)
        try test.append(Self.surveys(50))
        let head = try test.ledger.readHead()
        let publishedRoot = try MerkleTree.rootFromLines(test.ledger, head: head, size: head.seq)
        let published = try MerkleIndex.current(test.ledger, head: head).inclusionProof(seq: 20, size: head.seq)
        #expect(published.rootHash == publishedRoot && published.failure() == nil)
        // Change one byte of line 20 (a fact value, same length), as an editor would.
        var lines = try Self.storedLines(test.ledger)
        let original = lines[19]
        let text = String(decoding: original, as: UTF8.self)
        let changed = text.contains("\"satisfied\":true") ? text.replacingOccurrences(of: "\"satisfied\":true", with: "\"satisfied\":fals")
            : text.replacingOccurrences(of: "\"satisfied\":false", with: "\"satisfied\":truee")
        #expect(changed != text)
        lines[19] = Array(changed.utf8)
        // The changed line is not the published leaf: its leaf hash does not verify on the published path.
        var forged = published
        forged.leafHash = MerkleHash.leaf(lines[19])
        #expect(forged.failure() != nil)
        // Rewrite the segment with the changed line; the index no longer fits (its line's hash is
        // still the head's, but rebuilding from the lines gives another root) once it is deleted.
        writeBytes(test.segment1, joinLines(lines))
        try? FileManager.default.removeItem(atPath: MerkleIndex.recordPath(test.ledger))
        let tamperedHead = try test.ledger.readHead()
        let rebuilt = try MerkleIndex.current(test.ledger, head: tamperedHead)
        #expect(rebuilt.record.root != publishedRoot)
        let proof = try rebuilt.inclusionProof(seq: 20, size: head.seq)
        #expect(proof.failure() == nil)
        #expect(MerkleVerifier.inclusionFailure(leafIndex: 19, treeSize: head.seq, leafHash: proof.leafHash, rootHash: publishedRoot, path: proof.auditPath) != nil)
        // No consistency proof from the published tree to the rewritten one holds.
        for old in [Int64(19), 20, 32, head.seq] {
            let consistency = try rebuilt.consistencyProof(old: old, new: head.seq)
            let publishedOld = try MerkleTree.root(MerkleMemoryTree(leaves: (try Self.originalLines(lines, original)).map(MerkleHash.leaf)), size: old)
            let failure = MerkleVerifier.consistencyFailure(oldSize: old, newSize: head.seq, oldRoot: publishedOld, newRoot: rebuilt.record.root, path: consistency.consistencyPath)
            // Trees of 19 lines are the same in both: only those ending after line 20 differ.
            if old < 20 { #expect(failure == nil) } else { #expect(failure != nil, "old \(old)") }
        }
        #expect(corruptLocation(test.ledger) != nil)
    }

    /// The lines with line 20 put back.
    static func originalLines(_ lines: [[UInt8]], _ original: [UInt8]) throws -> [[UInt8]] {
        var copy = lines
        copy[19] = original
        return copy
    }
}
