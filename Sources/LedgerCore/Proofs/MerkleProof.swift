// The two proofs of RFC 9162 (inclusion, consistency) as CaseLedger prints and reads them
// (EventLogs/FORMAT.md, section 5c), and their verification without the ledger.

/// An inclusion proof: the line with sequence number `seq` is leaf `seq - 1` of the tree of the
/// ledger's first `treeSize` lines, whose root is `rootHash`.
public struct InclusionProof: Sendable, Equatable {
    /// The line's sequence number (the leaf index + 1).
    public var seq: Int64
    /// The leaf's 0-based index.
    public var leafIndex: Int64 { seq - 1 }
    /// The number of lines (leaves) of the tree.
    public var treeSize: Int64
    /// SHA-256(0x00 || the line's bytes).
    public var leafHash: SHA256Digest
    /// The tree's root.
    public var rootHash: SHA256Digest
    /// The audit path, deepest hash first.
    public var auditPath: [SHA256Digest]

    /// Makes a proof.
    public init(seq: Int64, treeSize: Int64, leafHash: SHA256Digest, rootHash: SHA256Digest, auditPath: [SHA256Digest]) {
        self.seq = seq
        self.treeSize = treeSize
        self.leafHash = leafHash
        self.rootHash = rootHash
        self.auditPath = auditPath
    }

    /// The proof as one line of JSON, keys in the order of FORMAT.md section 5c.
    public var json: String {
        "{\"seq\":\(seq),\"leaf_index\":\(leafIndex),\"tree_size\":\(treeSize),\"leaf_hash\":\"\(leafHash.hex)\",\"root_hash\":\"\(rootHash.hex)\",\"audit_path\":["
            + auditPath.map { "\"\($0.hex)\"" }.joined(separator: ",") + "]}"
    }

    /// Why the proof does not hold (nil when it does): RFC 9162 section 2.1.3.2.
    public func failure() -> String? {
        MerkleVerifier.inclusionFailure(leafIndex: leafIndex, treeSize: treeSize, leafHash: leafHash, rootHash: rootHash, path: auditPath)
    }
}

/// A consistency proof: the tree of the ledger's first `oldSize` lines (root `oldRoot`) is a
/// prefix of the tree of its first `newSize` lines (root `newRoot`).
public struct ConsistencyProof: Sendable, Equatable {
    /// The older tree's size.
    public var oldSize: Int64
    /// The newer tree's size.
    public var newSize: Int64
    /// The older tree's root.
    public var oldRoot: SHA256Digest
    /// The newer tree's root.
    public var newRoot: SHA256Digest
    /// The consistency path, deepest hash first.
    public var consistencyPath: [SHA256Digest]

    /// Makes a proof.
    public init(oldSize: Int64, newSize: Int64, oldRoot: SHA256Digest, newRoot: SHA256Digest, consistencyPath: [SHA256Digest]) {
        self.oldSize = oldSize
        self.newSize = newSize
        self.oldRoot = oldRoot
        self.newRoot = newRoot
        self.consistencyPath = consistencyPath
    }

    /// The proof as one line of JSON, keys in the order of FORMAT.md section 5c.
    public var json: String {
        "{\"old_size\":\(oldSize),\"new_size\":\(newSize),\"old_root\":\"\(oldRoot.hex)\",\"new_root\":\"\(newRoot.hex)\",\"consistency_path\":["
            + consistencyPath.map { "\"\($0.hex)\"" }.joined(separator: ",") + "]}"
    }

    /// Why the proof does not hold (nil when it does): RFC 9162 section 2.1.4.2.
    public func failure() -> String? {
        MerkleVerifier.consistencyFailure(oldSize: oldSize, newSize: newSize, oldRoot: oldRoot, newRoot: newRoot, path: consistencyPath)
    }
}

/// Either proof, as read from a file.
public enum MerkleProofDocument: Sendable, Equatable {
    /// An inclusion proof.
    case inclusion(InclusionProof)
    /// A consistency proof.
    case consistency(ConsistencyProof)

    /// Largest proof file read.
    public static let fileBytesMax = 64 << 10

    /// Reads a proof from its JSON; errors name the source and the field.
    public static func parse(_ bytes: [UInt8], source: String) throws(LedgerError) -> MerkleProofDocument {
        func bad(_ field: String, _ message: String) -> LedgerError {
            LedgerError.input(InputError(source: source, line: 1, field: field, message: message))
        }
        guard bytes.count <= fileBytesMax else { throw bad("", "a proof is at most \(fileBytesMax) bytes") }
        var body = bytes[...]
        while let last = body.last, last == 0x0A || last == 0x0D || last == 0x20 { body.removeLast() }
        let value: JSONValue
        do { value = try JSONParser.parse(Array(body)) } catch { throw bad("", "not JSON: \(error)") }
        guard case .object(let members) = value else { throw bad("", "a proof is a JSON object") }
        var fields: [String: JSONValue] = [:]
        for member in members { fields[member.key] = member.value }
        let isInclusion = fields["audit_path"] != nil
        let expected = isInclusion ? ["seq", "leaf_index", "tree_size", "leaf_hash", "root_hash", "audit_path"]
            : ["old_size", "new_size", "old_root", "new_root", "consistency_path"]
        guard isInclusion || fields["consistency_path"] != nil else {
            throw bad("", "neither an inclusion proof (audit_path) nor a consistency proof (consistency_path)")
        }
        for key in fields.keys.sorted() where !expected.contains(key) { throw bad(key, "unexpected field") }
        func size(_ name: String) throws(LedgerError) -> Int64 {
            guard case .number(let text)? = fields[name] else { throw bad(name, fields[name] == nil ? "missing" : "expected a whole number") }
            guard let n = Int64(text), String(n) == text, n >= 0, n <= MerkleTree.leafCountMax else {
                throw bad(name, "expected a whole number 0...\(MerkleTree.leafCountMax)")
            }
            return n
        }
        func digest(_ name: String) throws(LedgerError) -> SHA256Digest {
            guard case .string(let text)? = fields[name] else { throw bad(name, fields[name] == nil ? "missing" : "expected a string") }
            guard let d = SHA256Digest(hex: text) else { throw bad(name, "expected 64 lowercase hex digits") }
            return d
        }
        func path(_ name: String) throws(LedgerError) -> [SHA256Digest] {
            guard case .array(let items)? = fields[name] else { throw bad(name, "expected an array of hashes") }
            guard items.count <= MerkleTree.pathCountMax else { throw bad(name, "more than \(MerkleTree.pathCountMax) hashes") }
            var hashes: [SHA256Digest] = []
            for (i, item) in items.enumerated() {
                guard case .string(let text) = item, let d = SHA256Digest(hex: text) else { throw bad("\(name)[\(i)]", "expected 64 lowercase hex digits") }
                hashes.append(d)
            }
            return hashes
        }
        if isInclusion {
            let seq = try size("seq"), leafIndex = try size("leaf_index")
            guard seq == leafIndex + 1 else { throw bad("leaf_index", "must be seq - 1 (\(seq - 1)), not \(leafIndex)") }
            return .inclusion(InclusionProof(seq: seq, treeSize: try size("tree_size"), leafHash: try digest("leaf_hash"),
                                             rootHash: try digest("root_hash"), auditPath: try path("audit_path")))
        }
        return .consistency(ConsistencyProof(oldSize: try size("old_size"), newSize: try size("new_size"), oldRoot: try digest("old_root"),
                                             newRoot: try digest("new_root"), consistencyPath: try path("consistency_path")))
    }
}

/// The RFC's verification algorithms: each returns nil when the proof holds, else what failed.
public enum MerkleVerifier {
    /// RFC 9162 section 2.1.3.2: whether `path` proves leaf `leafIndex` with `leafHash` in the tree
    /// of `treeSize` leaves with root `rootHash`.
    public static func inclusionFailure(leafIndex: Int64, treeSize: Int64, leafHash: SHA256Digest, rootHash: SHA256Digest,
                                        path: [SHA256Digest]) -> String? {
        guard treeSize >= 1, treeSize <= MerkleTree.leafCountMax else { return "tree_size must be 1 to \(MerkleTree.leafCountMax)" }
        guard leafIndex >= 0, leafIndex < treeSize else { return "leaf_index \(leafIndex) is not below tree_size \(treeSize)" }
        guard path.count <= MerkleTree.pathCountMax else { return "the audit path has more than \(MerkleTree.pathCountMax) hashes" }
        var fn = leafIndex, sn = treeSize - 1
        var r = leafHash
        for p in path {
            guard sn != 0 else { return "the audit path is longer than a tree of \(treeSize) leaves allows" }
            if fn & 1 == 1 || fn == sn {
                r = MerkleHash.node(p, r)
                while fn & 1 == 0 && fn != 0 {
                    fn >>= 1
                    sn >>= 1
                }
            } else {
                r = MerkleHash.node(r, p)
            }
            fn >>= 1
            sn >>= 1
        }
        guard sn == 0 else { return "the audit path is shorter than a tree of \(treeSize) leaves needs" }
        guard r == rootHash else { return "the root computed from leaf_hash and audit_path is not root_hash" }
        return nil
    }

    /// RFC 9162 section 2.1.4.2: whether `path` proves that the tree of `oldSize` leaves with root
    /// `oldRoot` is a prefix of the tree of `newSize` leaves with root `newRoot`.
    public static func consistencyFailure(oldSize: Int64, newSize: Int64, oldRoot: SHA256Digest, newRoot: SHA256Digest,
                                          path: [SHA256Digest]) -> String? {
        guard oldSize >= 1, newSize <= MerkleTree.leafCountMax, oldSize <= newSize else {
            return "old_size must be 1 to new_size, and new_size at most \(MerkleTree.leafCountMax)"
        }
        guard path.count <= MerkleTree.pathCountMax else { return "the consistency path has more than \(MerkleTree.pathCountMax) hashes" }
        if oldSize == newSize {
            guard path.isEmpty else { return "the consistency path of a tree with itself must be empty" }
            guard oldRoot == newRoot else { return "old_root and new_root differ for trees of the same size" }
            return nil
        }
        guard !path.isEmpty else { return "the consistency path is empty" }
        var hashes = path
        // An old tree of 2^k leaves is a perfect subtree of the new one: its root starts the path.
        if oldSize & (oldSize - 1) == 0 { hashes.insert(oldRoot, at: 0) }
        var fn = oldSize - 1, sn = newSize - 1
        while fn & 1 == 1 {
            fn >>= 1
            sn >>= 1
        }
        var fr = hashes[0], sr = hashes[0]
        for c in hashes.dropFirst() {
            guard sn != 0 else { return "the consistency path is longer than trees of \(oldSize) and \(newSize) leaves allow" }
            if fn & 1 == 1 || fn == sn {
                fr = MerkleHash.node(c, fr)
                sr = MerkleHash.node(c, sr)
                while fn & 1 == 0 && fn != 0 {
                    fn >>= 1
                    sn >>= 1
                }
            } else {
                sr = MerkleHash.node(sr, c)
            }
            fn >>= 1
            sn >>= 1
        }
        guard sn == 0 else { return "the consistency path is shorter than trees of \(oldSize) and \(newSize) leaves need" }
        guard fr == oldRoot else { return "the old root computed from the consistency path is not old_root" }
        guard sr == newRoot else { return "the new root computed from the consistency path is not new_root" }
        return nil
    }
}
