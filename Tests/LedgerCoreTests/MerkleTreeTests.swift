import Testing
import Foundation
@testable import LedgerCore

/// A tree written straight from RFC 9162's recursive definitions over an array of leaves, with
/// hashes of its own (no ``MerkleHash``): what the stored-node algorithms are compared with.
final class BruteForceTree {
    let leaves: [SHA256Digest]
    private var memo: [Int: SHA256Digest] = [:]

    init(lines: [[UInt8]]) {
        leaves = lines.map { SHA256.hash([0x00] + $0) }
    }

    /// The largest power of two below n, by counting.
    static func k(_ n: Int) -> Int {
        var k = 1
        while k * 2 < n { k *= 2 }
        return k
    }

    /// MTH(D[a ..< b]).
    func mth(_ a: Int, _ b: Int) -> SHA256Digest {
        if b - a == 1 { return leaves[a] }
        if let known = memo[a * 4096 + b] { return known }
        let k = Self.k(b - a)
        let hash = SHA256.hash([0x01] + mth(a, a + k).bytes + mth(a + k, b).bytes)
        memo[a * 4096 + b] = hash
        return hash
    }

    /// PATH(m, D[a ..< b]).
    func path(_ m: Int, _ a: Int, _ b: Int) -> [SHA256Digest] {
        let n = b - a
        if n == 1 { return [] }
        let k = Self.k(n)
        return m < k ? path(m, a, a + k) + [mth(a + k, b)] : path(m - k, a + k, b) + [mth(a, a + k)]
    }

    /// SUBPROOF(m, D[a ..< b], complete).
    func subproof(_ m: Int, _ a: Int, _ b: Int, _ complete: Bool) -> [SHA256Digest] {
        let n = b - a
        if m == n { return complete ? [] : [mth(a, b)] }
        let k = Self.k(n)
        return m <= k ? subproof(m, a, a + k, complete) + [mth(a + k, b)] : subproof(m - k, a + k, b, false) + [mth(a, a + k)]
    }
}

/// Flips bit `bit` (0...255) of a digest.
func flipped(_ digest: SHA256Digest, bit: Int) -> SHA256Digest {
    var bytes = digest.bytes
    bytes[bit / 8] ^= UInt8(1 << (bit % 8))
    return SHA256Digest(bytes: bytes)
}

/// The RFC 9162 tree: hashes, stored-node order, proofs and their verification.
@Suite struct MerkleTreeTests {
    static let lines: [[UInt8]] = (1...300).map { Array("{\"seq\":\($0),\"line\":\"synthetic \($0 * 7919 % 300)\"}".utf8) }

    @Test("leaf and node hashes are RFC 9162's: 0x00 and 0x01 prefixes")
    func hashes() {
        let line = Array("abc".utf8)
        #expect(MerkleHash.leaf(line) == SHA256.hash([0x00, 0x61, 0x62, 0x63]))
        #expect(MerkleHash.leaf(line) != SHA256.hash(line))
        let l = SHA256.hash("l"), r = SHA256.hash("r")
        #expect(MerkleHash.node(l, r) == SHA256.hash([0x01] + l.bytes + r.bytes))
        #expect(MerkleHash.node(l, r) != MerkleHash.node(r, l))
        // The empty line is a leaf too (never stored, but the rule holds).
        #expect(MerkleHash.leaf([]) == SHA256.hash([0x00]))
    }

    @Test("post-order positions match the order the accumulator writes nodes in")
    func storedPositions() throws {
        var tree = MerkleMemoryTree()
        let brute = BruteForceTree(lines: Self.lines)
        for leaf in brute.leaves.prefix(130) { tree.append(leaf) }
        // Every perfect subtree's node sits at its computed position and is its MTH.
        for level in 0...7 {
            let size = 1 << level
            for index in 0..<(130 / size) {
                let node = try tree.node(level: level, index: Int64(index))
                #expect(node == brute.mth(index * size, (index + 1) * size), "level \(level) index \(index)")
            }
        }
        for n: Int64 in [0, 1, 2, 3, 4, 5, 7, 8, 130, 1 << 40, (1 << 40) + 5] {
            #expect(MerkleTree.storedNodeCount(leafCount: n) == 2 * n - Int64(n.nonzeroBitCount))
        }
        #expect(MerkleTree.storedPosition(level: 0, index: 0) == 0)
        #expect(MerkleTree.storedPosition(level: 1, index: 0) == 2)
        #expect(MerkleTree.storedPosition(level: 2, index: 0) == 6)
        #expect(MerkleTree.storedPosition(level: 0, index: 4) == 7)
    }

    @Test("roots, inclusion and consistency proofs equal the brute-force tree's for every size 1...300, every leaf and every pair, and verify")
    func everySizeIndexAndPair() throws {
        let brute = BruteForceTree(lines: Self.lines)
        let tree = MerkleMemoryTree(leaves: brute.leaves)
        var accumulator = MerkleAccumulator()
        var inclusions = 0, consistencies = 0
        for n in 1...300 {
            accumulator.append(brute.leaves[n - 1]) { _ in }
            let root = brute.mth(0, n)
            #expect(accumulator.root == root, "accumulator root at \(n)")
            #expect(try MerkleTree.root(tree, size: Int64(n)) == root, "root at \(n)")
            #expect(try MerkleAccumulator.peaks(tree, leafCount: Int64(n)) == accumulator.peaks, "peaks at \(n)")
            for m in 0..<n {
                let path = try MerkleTree.inclusionPath(tree, leaf: Int64(m), size: Int64(n))
                #expect(path == brute.path(m, 0, n), "inclusion \(m) in \(n)")
                let failure = MerkleVerifier.inclusionFailure(leafIndex: Int64(m), treeSize: Int64(n), leafHash: brute.leaves[m], rootHash: root, path: path)
                #expect(failure == nil, "inclusion \(m) in \(n): \(failure ?? "")")
                // Another leaf's hash never verifies on this path.
                if n > 1 {
                    #expect(MerkleVerifier.inclusionFailure(leafIndex: Int64(m), treeSize: Int64(n), leafHash: brute.leaves[(m + 1) % n], rootHash: root, path: path) != nil)
                }
                inclusions += 1
            }
            for old in 1...n {
                let path = try MerkleTree.consistencyPath(tree, old: Int64(old), new: Int64(n))
                #expect(path == brute.subproof(old, 0, n, true), "consistency \(old) to \(n)")
                let failure = MerkleVerifier.consistencyFailure(oldSize: Int64(old), newSize: Int64(n), oldRoot: brute.mth(0, old), newRoot: root, path: path)
                #expect(failure == nil, "consistency \(old) to \(n): \(failure ?? "")")
                consistencies += 1
            }
        }
        #expect(inclusions == 300 * 301 / 2 && consistencies == 300 * 301 / 2)
    }

    @Test("any flipped bit of a leaf, root or path hash makes a proof fail")
    func flippedBits() throws {
        let brute = BruteForceTree(lines: Self.lines)
        let tree = MerkleMemoryTree(leaves: brute.leaves)
        for (m, n) in [(0, 1), (0, 2), (1, 3), (5, 7), (7, 8), (12, 13), (0, 64), (99, 100), (128, 257), (299, 300), (150, 300)] {
            let proof = InclusionProof(seq: Int64(m + 1), treeSize: Int64(n), leafHash: brute.leaves[m], rootHash: brute.mth(0, n),
                                       auditPath: try MerkleTree.inclusionPath(tree, leaf: Int64(m), size: Int64(n)))
            #expect(proof.failure() == nil)
            for bit in 0..<256 {
                var p = proof
                p.leafHash = flipped(p.leafHash, bit: bit)
                #expect(p.failure() != nil, "leaf bit \(bit), \(m) in \(n)")
                p = proof
                p.rootHash = flipped(p.rootHash, bit: bit)
                #expect(p.failure() != nil, "root bit \(bit), \(m) in \(n)")
                for i in proof.auditPath.indices {
                    p = proof
                    p.auditPath[i] = flipped(p.auditPath[i], bit: bit)
                    #expect(p.failure() != nil, "path[\(i)] bit \(bit), \(m) in \(n)")
                }
            }
            // A hash left out or added is refused too.
            if !proof.auditPath.isEmpty {
                var p = proof
                p.auditPath.removeLast()
                #expect(p.failure() != nil)
            }
            var longer = proof
            longer.auditPath.append(brute.leaves[0])
            #expect(longer.failure() != nil)
        }
        for (old, n) in [(1, 1), (1, 2), (2, 3), (3, 7), (4, 8), (8, 13), (63, 64), (64, 100), (100, 257), (256, 300), (299, 300)] {
            let proof = ConsistencyProof(oldSize: Int64(old), newSize: Int64(n), oldRoot: brute.mth(0, old), newRoot: brute.mth(0, n),
                                         consistencyPath: try MerkleTree.consistencyPath(tree, old: Int64(old), new: Int64(n)))
            #expect(proof.failure() == nil)
            for bit in 0..<256 {
                var p = proof
                p.oldRoot = flipped(p.oldRoot, bit: bit)
                #expect(p.failure() != nil, "old root bit \(bit), \(old) to \(n)")
                p = proof
                p.newRoot = flipped(p.newRoot, bit: bit)
                #expect(p.failure() != nil, "new root bit \(bit), \(old) to \(n)")
                for i in proof.consistencyPath.indices {
                    p = proof
                    p.consistencyPath[i] = flipped(p.consistencyPath[i], bit: bit)
                    #expect(p.failure() != nil, "path[\(i)] bit \(bit), \(old) to \(n)")
                }
            }
        }
    }

    @Test("a tree over a changed line has another root: the old proofs fail against it, and no consistency proof joins them")
    func changedLine() throws {
        var lines = Self.lines
        let original = BruteForceTree(lines: lines)
        lines[41][10] ^= 0x01
        let changed = BruteForceTree(lines: lines)
        let tree = MerkleMemoryTree(leaves: changed.leaves)
        for n in [42, 43, 100, 300] {
            #expect(changed.mth(0, n) != original.mth(0, n))
            // The changed line's proof in the changed tree does not verify against the original root.
            let path = try MerkleTree.inclusionPath(tree, leaf: 41, size: Int64(n))
            #expect(MerkleVerifier.inclusionFailure(leafIndex: 41, treeSize: Int64(n), leafHash: changed.leaves[41], rootHash: original.mth(0, n), path: path) != nil)
            // Consistency from the original's prefix to the changed tree fails.
            for old in [42, 64, n] where old <= n {
                let consistency = try MerkleTree.consistencyPath(tree, old: Int64(old), new: Int64(n))
                #expect(MerkleVerifier.consistencyFailure(oldSize: Int64(old), newSize: Int64(n), oldRoot: original.mth(0, old), newRoot: changed.mth(0, n), path: consistency) != nil)
            }
            // A prefix before the change is still consistent.
            let before = try MerkleTree.consistencyPath(tree, old: 41, new: Int64(n))
            #expect(MerkleVerifier.consistencyFailure(oldSize: 41, newSize: Int64(n), oldRoot: original.mth(0, 41), newRoot: changed.mth(0, n), path: before) == nil)
        }
    }

    @Test("proof JSON reads back as written; bad fields are named")
    func proofJSON() throws {
        let brute = BruteForceTree(lines: Self.lines)
        let tree = MerkleMemoryTree(leaves: brute.leaves)
        let inclusion = InclusionProof(seq: 8, treeSize: 13, leafHash: brute.leaves[7], rootHash: brute.mth(0, 13),
                                       auditPath: try MerkleTree.inclusionPath(tree, leaf: 7, size: 13))
        #expect(inclusion.json.hasPrefix("{\"seq\":8,\"leaf_index\":7,\"tree_size\":13,\"leaf_hash\":\""))
        #expect(try MerkleProofDocument.parse(Array((inclusion.json + "\n").utf8), source: "p.json") == .inclusion(inclusion))
        let consistency = ConsistencyProof(oldSize: 5, newSize: 13, oldRoot: brute.mth(0, 5), newRoot: brute.mth(0, 13),
                                           consistencyPath: try MerkleTree.consistencyPath(tree, old: 5, new: 13))
        #expect(try MerkleProofDocument.parse(Array(consistency.json.utf8), source: "p.json") == .consistency(consistency))
        func field(_ text: String) -> String? {
            do { _ = try MerkleProofDocument.parse(Array(text.utf8), source: "p.json"); return nil } catch {
                if case .input(let e) = error { return e.field }
                return "?"
            }
        }
        let json = inclusion.json
        #expect(field(json.replacingOccurrences(of: "\"leaf_index\":7", with: "\"leaf_index\":6")) == "leaf_index")
        #expect(field(json.replacingOccurrences(of: "\"tree_size\":13", with: "\"tree_size\":-1")) == "tree_size")
        #expect(field(json.replacingOccurrences(of: inclusion.rootHash.hex, with: inclusion.rootHash.hex.uppercased())) == "root_hash")
        #expect(field(json.replacingOccurrences(of: inclusion.auditPath[1].hex, with: "00")) == "audit_path[1]")
        #expect(field(json.replacingOccurrences(of: "\"seq\":8,", with: "\"seq\":8,\"extra\":1,")) == "extra")
        #expect(field("{\"seq\":1}") == "")
        #expect(field("[1,2]") == "")
        #expect(field(String(repeating: " ", count: MerkleProofDocument.fileBytesMax + 1)) == "")
    }
}
