// The Merkle tree of RFC 9162 section 2.1 over a ledger's stored lines (EventLogs/FORMAT.md,
// section 5c): its hashes, the proofs' algorithms over stored nodes, and the nodes' storage order.

/// The two hashes of the tree: a leaf's and an inner node's (RFC 9162 section 2.1.1).
public enum MerkleHash {
    /// A leaf's hash: SHA-256(0x00 || the stored line's bytes without its newline).
    public static func leaf(_ line: UnsafeRawBufferPointer) -> SHA256Digest {
        var hasher = SHA256()
        var prefix: UInt8 = 0x00
        withUnsafeBytes(of: &prefix) { hasher.update($0) }
        hasher.update(line)
        return hasher.finalize()
    }

    /// A leaf's hash of a line given as bytes (without its newline).
    public static func leaf(_ line: [UInt8]) -> SHA256Digest {
        line.withUnsafeBytes { leaf($0) }
    }

    /// An inner node's hash: SHA-256(0x01 || left || right), hashed from 65 bytes on the stack.
    public static func node(_ left: SHA256Digest, _ right: SHA256Digest) -> SHA256Digest {
        // 65 bytes: the prefix and the two children, in a tuple of 9 words (72 bytes).
        var buffer: (UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64) = (0, 0, 0, 0, 0, 0, 0, 0, 0)
        return withUnsafeMutableBytes(of: &buffer) { bytes in
            let base = bytes.baseAddress!
            base.storeBytes(of: 0x01, as: UInt8.self)
            left.writeBytes(to: base + 1)
            right.writeBytes(to: base + 33)
            return SHA256.hash(UnsafeRawBufferPointer(start: base, count: 65))
        }
    }
}

/// Where the roots of the tree's perfect subtrees come from: an index file, or memory.
///
/// The perfect subtree at `level` L and `index` J covers the leaves J·2^L ..< (J+1)·2^L; level 0
/// is the leaves themselves. Every hash a proof needs is one of these or is combined from them.
public protocol MerkleNodeSource {
    /// How many leaves the source holds nodes for: every perfect subtree within them is available.
    var leafCount: Int64 { get }
    /// The root hash of the perfect subtree at `level` and `index`.
    func node(level: Int, index: Int64) throws(LedgerError) -> SHA256Digest
}

/// The tree's algorithms (RFC 9162 sections 2.1.1 to 2.1.4) over a ``MerkleNodeSource``.
public enum MerkleTree {
    /// Most leaves a tree may have (2^48: far beyond any ledger; keeps every shift in range).
    public static let leafCountMax: Int64 = 1 << 48
    /// Most hashes a proof may hold: one per level of the largest tree, and a few to spare.
    public static let pathCountMax = 64

    /// The largest power of two strictly smaller than `n` (n ≥ 2): the RFC's split point k.
    @inline(__always)
    public static func split(_ n: Int64) -> Int64 {
        precondition(n >= 2, "a tree of fewer than two leaves has no split")
        return Int64(1) << (63 - (n - 1).leadingZeroBitCount)
    }

    /// Where the node at `level` and `index` is stored when nodes are written in post-order (each
    /// leaf, then every parent it completes): 0-based, in nodes of 32 bytes.
    public static func storedPosition(level: Int, index: Int64) -> Int64 {
        precondition(level >= 0 && level < 63 && index >= 0, "a node has a level and an index")
        // The node is written right after leaf m-1, where m = (J+1)·2^L: after the 2m - popcount(m)
        // nodes of the first m leaves, counting back from the highest parent that leaf completes.
        let m = (index + 1) << level
        return 2 * m - Int64(m.nonzeroBitCount) - 1 - Int64(m.trailingZeroBitCount - level)
    }

    /// How many nodes the post-order storage holds for `leafCount` leaves.
    public static func storedNodeCount(leafCount: Int64) -> Int64 {
        precondition(leafCount >= 0, "a leaf count is not negative")
        return 2 * leafCount - Int64(leafCount.nonzeroBitCount)
    }

    /// MTH(D[start ..< end]): the hash of leaves start ..< end, for a range the RFC's recursion
    /// produces (start is a multiple of the range's size rounded up to a power of two), from the
    /// perfect subtrees that make it up (one read per bit set in its size).
    public static func hash<Source: MerkleNodeSource>(_ source: Source, _ start: Int64, _ end: Int64) throws(LedgerError) -> SHA256Digest {
        let size = end - start
        precondition(size >= 1 && start >= 0 && end <= source.leafCount, "a range of leaves the source holds")
        if size & (size - 1) == 0 {
            let level = size.trailingZeroBitCount
            precondition(start % size == 0, "a perfect subtree starts at a multiple of its size")
            return try source.node(level: level, index: start >> level)
        }
        let k = split(size)
        let left = try hash(source, start, start + k)
        return MerkleHash.node(left, try hash(source, start + k, end))
    }

    /// The root hash of the tree of the first `size` leaves (RFC 9162 section 2.1.1).
    public static func root<Source: MerkleNodeSource>(_ source: Source, size: Int64) throws(LedgerError) -> SHA256Digest {
        precondition(size >= 1 && size <= source.leafCount, "a tree of 1 or more leaves the source holds")
        return try hash(source, 0, size)
    }

    /// The inclusion proof (audit path) of leaf `leaf` (0-based) in the tree of the first `size`
    /// leaves, deepest hash first: PATH(m, D[n]) of RFC 9162 section 2.1.3.1.
    public static func inclusionPath<Source: MerkleNodeSource>(_ source: Source, leaf: Int64, size: Int64) throws(LedgerError) -> [SHA256Digest] {
        precondition(leaf >= 0 && leaf < size && size <= source.leafCount, "a leaf of a tree the source holds")
        var path: [SHA256Digest] = []
        var start: Int64 = 0, end = size
        // From the root down: the sibling of the side holding the leaf, at each level.
        while end - start > 1 {
            let k = split(end - start)
            if leaf - start < k {
                path.append(try hash(source, start + k, end))
                end = start + k
            } else {
                path.append(try hash(source, start, start + k))
                start += k
            }
        }
        assert(path.count <= pathCountMax)
        return path.reversed()
    }

    /// The consistency proof between the trees of the first `old` and the first `new` leaves
    /// (1 ≤ old ≤ new), deepest hash first: PROOF(m, D[n]) of RFC 9162 section 2.1.4.1 (empty
    /// when old = new).
    public static func consistencyPath<Source: MerkleNodeSource>(_ source: Source, old: Int64, new: Int64) throws(LedgerError) -> [SHA256Digest] {
        precondition(old >= 1 && old <= new && new <= source.leafCount, "two trees the source holds, the old one not larger")
        var path: [SHA256Digest] = []
        // SUBPROOF(m, D[start ..< end], complete), from the top down.
        var start: Int64 = 0, end = new, m = old, complete = true
        while true {
            let size = end - start
            if m == size {
                if !complete { path.append(try hash(source, start, end)) }
                break
            }
            let k = split(size)
            if m <= k {
                path.append(try hash(source, start + k, end))
                end = start + k
            } else {
                path.append(try hash(source, start, start + k))
                start += k
                m -= k
                complete = false
            }
        }
        assert(path.count <= pathCountMax)
        return path.reversed()
    }
}

/// Builds the tree leaf by leaf, keeping only the roots of its perfect subtrees (one per bit set
/// in the leaf count), and hands out every node in post-order as it is completed.
public struct MerkleAccumulator: Sendable {
    /// Leaves added so far.
    public private(set) var leafCount: Int64
    /// The roots of the perfect subtrees that make up the tree so far, largest (leftmost) first.
    public private(set) var peaks: [SHA256Digest]

    /// An empty tree.
    public init() {
        leafCount = 0
        peaks = []
    }

    /// A tree of `leafCount` leaves given by its perfect subtrees' roots, largest first.
    public init(leafCount: Int64, peaks: [SHA256Digest]) {
        precondition(leafCount >= 0 && peaks.count == leafCount.nonzeroBitCount, "one peak per bit set in the leaf count")
        self.leafCount = leafCount
        self.peaks = peaks
    }

    /// The roots of the perfect subtrees of the first `leafCount` leaves, largest first, read from `source`.
    public static func peaks<Source: MerkleNodeSource>(_ source: Source, leafCount: Int64) throws(LedgerError) -> [SHA256Digest] {
        precondition(leafCount >= 0 && leafCount <= source.leafCount, "a tree the source holds")
        var peaks: [SHA256Digest] = []
        var start: Int64 = 0
        for level in stride(from: 62, through: 0, by: -1) where leafCount & (Int64(1) << level) != 0 {
            peaks.append(try source.node(level: level, index: start >> level))
            start += Int64(1) << level
        }
        return peaks
    }

    /// Adds a leaf hash; calls `emit` with it and then with each parent it completes, lowest first
    /// (the post-order of ``MerkleTree/storedPosition(level:index:)``).
    public mutating func append(_ leaf: SHA256Digest, emit: (SHA256Digest) -> Void) {
        precondition(leafCount < MerkleTree.leafCountMax, "the tree is full")
        emit(leaf)
        var hash = leaf
        var n = leafCount
        while n & 1 == 1 {
            hash = MerkleHash.node(peaks.removeLast(), hash)
            emit(hash)
            n >>= 1
        }
        peaks.append(hash)
        leafCount += 1
        assert(peaks.count == leafCount.nonzeroBitCount)
    }

    /// The root of the tree so far (nil when it has no leaves): the peaks combined from the right.
    public var root: SHA256Digest? {
        guard var hash = peaks.last else { return nil }
        for peak in peaks.dropLast().reversed() { hash = MerkleHash.node(peak, hash) }
        return hash
    }
}

/// A tree held in memory: its nodes in post-order (small ledgers and tests).
public struct MerkleMemoryTree: MerkleNodeSource, Sendable {
    /// The nodes, in the order of ``MerkleTree/storedPosition(level:index:)``.
    public private(set) var nodes: [SHA256Digest] = []
    /// The accumulator that produced them.
    public private(set) var accumulator = MerkleAccumulator()

    /// An empty tree.
    public init() {}

    /// A tree of the given leaf hashes.
    public init(leaves: [SHA256Digest]) {
        for leaf in leaves { append(leaf) }
    }

    /// Adds a leaf hash.
    public mutating func append(_ leaf: SHA256Digest) {
        var added: [SHA256Digest] = []
        accumulator.append(leaf) { added.append($0) }
        nodes += added
        assert(Int64(nodes.count) == MerkleTree.storedNodeCount(leafCount: accumulator.leafCount))
    }

    /// Leaves held.
    public var leafCount: Int64 { accumulator.leafCount }

    /// A perfect subtree's root.
    public func node(level: Int, index: Int64) throws(LedgerError) -> SHA256Digest {
        let position = MerkleTree.storedPosition(level: level, index: index)
        precondition((index + 1) << level <= leafCount && position < Int64(nodes.count), "a node of the leaves held")
        return nodes[Int(position)]
    }
}
