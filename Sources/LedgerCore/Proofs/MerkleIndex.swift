#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Where a Merkle index stands and what it holds: read from and written to `cache/merkle-index.bin`.
public struct MerkleIndexRecord: Sendable, Equatable {
    /// The last line folded in (its sequence number is the tree's leaf count), with its hash,
    /// segment and the offset just after it.
    public var position: CheckpointPosition
    /// Nodes in `cache/merkle-nodes.bin` that belong to the index (2·seq − popcount(seq)).
    public var nodeCount: Int64
    /// The root of the tree of the first `position.seq` lines.
    public var root: SHA256Digest

    /// The file's first bytes.
    static let magic = Array("CASELEDGER-MERKLE 1\n".utf8)
    /// The file's exact size.
    static let fileBytes = magic.count + 8 + 32 + 8 + 8 + 8 + 32 + 32

    /// The record's file bytes: magic, seq, hash, segment, offset, node count, root (integers
    /// little-endian 64-bit), then the SHA-256 of everything before.
    var bytes: [UInt8] {
        var w = BinaryWriter()
        w.raw(Self.magic)
        w.int64(position.seq)
        w.raw(position.hash.bytes)
        w.int(position.segment)
        w.int64(position.offset)
        w.int64(nodeCount)
        w.raw(root.bytes)
        w.raw(SHA256.hash(w.bytes).bytes)
        assert(w.bytes.count == Self.fileBytes)
        return w.bytes
    }

    /// Reads a record; nil when the bytes are not one (size, magic, checksum, values out of range).
    init?(bytes: [UInt8]) {
        guard bytes.count == Self.fileBytes, Array(bytes.prefix(Self.magic.count)) == Self.magic else { return nil }
        let body = bytes.count - 32
        guard SHA256.hash(Array(bytes[0..<body])).bytes == Array(bytes[body...]) else { return nil }
        var r = BinaryReader(bytes, position: Self.magic.count, end: body)
        do {
            let seq = try r.int64()
            let hash = SHA256Digest(bytes: try r.raw(32))
            let segment = try r.int()
            let offset = try r.int64()
            let nodeCount = try r.int64()
            let root = SHA256Digest(bytes: try r.raw(32))
            guard r.atEnd, seq >= 1, seq <= MerkleTree.leafCountMax, segment >= 1, segment <= Ledger.segmentCountMax, offset > 0,
                  nodeCount == MerkleTree.storedNodeCount(leafCount: seq) else { return nil }
            position = CheckpointPosition(seq: seq, hash: hash, recordedAt: Timestamp(milliseconds: 0), segment: segment, offset: offset)
            self.nodeCount = nodeCount
            self.root = root
        } catch {
            return nil
        }
    }

    /// Makes a record.
    init(position: CheckpointPosition, nodeCount: Int64, root: SHA256Digest) {
        self.position = position
        self.nodeCount = nodeCount
        self.root = root
    }
}

/// The Merkle index: the tree's nodes over a ledger's lines, stored beside it in `cache/`
/// (EventLogs/FORMAT.md, section 5c), so that a proof reads a few dozen nodes instead of hashing
/// every line.
///
/// Like a checkpoint it is derived: rebuilt from the lines whenever it does not fit (missing,
/// torn, its checksum or root wrong, or its last line no longer continued by the ledger), and
/// never read by `verify` or `audit`. `cache/merkle-nodes.bin` holds 32-byte nodes in post-order
/// (``MerkleTree/storedPosition(level:index:)``) and only grows while the ledger does;
/// `cache/merkle-index.bin` (``MerkleIndexRecord``) says how many of them belong to the index and
/// ties them to a line. Both are written under the writer lock and made durable (fsync, rename,
/// fsync of `cache/`), the nodes before the record that counts them.
public final class MerkleIndex: MerkleNodeSource {
    /// Leaves (lines) the index holds.
    public let leafCount: Int64
    /// The record read.
    public let record: MerkleIndexRecord
    /// The open nodes file.
    private let fd: Int32
    /// Its path (for errors).
    private let nodesPath: String
    /// Nodes read from the file so far (for the benchmark and tests).
    public private(set) var reads = 0
    /// Nodes read when the index was opened (its peaks, to check its root).
    public private(set) var readsWhenOpened = 0
    /// Nodes read so far, by position: a proof and its root share the right edge's subtrees, read once.
    private var known: [Int64: SHA256Digest] = [:]

    /// Largest index record file read.
    static let recordBytesMax = 4096
    /// Bytes of nodes buffered before they are written while the index is built.
    static let writeBufferBytes = 4 << 20

    /// The record's path.
    public static func recordPath(_ ledger: Ledger) -> String { PathNames.join(Checkpoint.directory(ledger), "merkle-index.bin") }
    /// The nodes file's path.
    public static func nodesPath(_ ledger: Ledger) -> String { PathNames.join(Checkpoint.directory(ledger), "merkle-nodes.bin") }

    private init(record: MerkleIndexRecord, fd: Int32, nodesPath: String) {
        self.record = record
        self.leafCount = record.position.seq
        self.fd = fd
        self.nodesPath = nodesPath
    }

    deinit { try? SystemCalls.close(fd, path: nodesPath) }

    /// The root hash of the perfect subtree at `level` and `index`: one read of 32 bytes.
    public func node(level: Int, index: Int64) throws(LedgerError) -> SHA256Digest {
        precondition(level >= 0 && index >= 0 && (index + 1) << level <= leafCount, "a node of the leaves the index holds")
        let position = MerkleTree.storedPosition(level: level, index: index)
        assert(position < record.nodeCount)
        if let node = known[position] { return node }
        var word: (UInt64, UInt64, UInt64, UInt64) = (0, 0, 0, 0)
        let n: Int
        do {
            n = try withUnsafeMutableBytes(of: &word) { (buffer) throws(SystemError) -> Int in
                try SystemCalls.preadFully(fd, into: buffer.baseAddress!, count: 32, offset: position * 32, path: nodesPath)
            }
        } catch {
            throw LedgerError.system(error)
        }
        guard n == 32 else {
            throw LedgerError.corrupt(file: "cache/merkle-nodes.bin", line: 0, reason: "node \(position) cannot be read (the file ends early); delete cache/merkle-* to rebuild")
        }
        reads += 1
        let node = withUnsafeBytes(of: &word) { SHA256Digest(rawBytes: $0.baseAddress!) }
        if known.count < 4096 { known[position] = node }
        return node
    }

    // MARK: Opening

    /// The index at `head` or later, ready for proofs: opened as it is when it fits the ledger at
    /// `head`; otherwise brought up to the head under the writer lock (extended from its last line
    /// when it still fits, else rebuilt from every line).
    public static func current(_ ledger: Ledger, head: HeadRecord) throws(LedgerError) -> MerkleIndex {
        if let index = try open(ledger, head: head), index.leafCount == head.seq { return index }
        return try ledger.withWriterLock { () throws(LedgerError) -> MerkleIndex in
            let locked = try ledger.readHead()
            return try update(ledger, head: locked)
        }
    }

    /// Runs `body` (which makes proofs) with the current index (``current(_:head:)``). When a proof
    /// does not verify before it is handed out (a node damaged on disk), the index is rebuilt from
    /// the lines under the writer lock and `body` runs once more.
    /// `opened` is an index the caller got from ``current(_:head:)`` already.
    public static func withIndex<T>(_ ledger: Ledger, head: HeadRecord, opened: MerkleIndex? = nil,
                                    _ body: (MerkleIndex) throws(LedgerError) -> T) throws(LedgerError) -> T {
        let index: MerkleIndex
        if let opened { index = opened } else { index = try current(ledger, head: head) }
        do {
            return try body(index)
        } catch {
            guard case .corrupt(let file, _, _) = error, file == "cache/merkle-nodes.bin" else { throw error }
            let rebuilt = try ledger.withWriterLock { () throws(LedgerError) -> MerkleIndex in
                try? SystemCalls.unlink(recordPath(ledger))
                return try update(ledger, head: try ledger.readHead())
            }
            return try body(rebuilt)
        }
    }

    /// The index as stored when it fits the ledger up to `head` (its line is continued by the
    /// ledger, its nodes are all there and give its root); nil when it does not.
    static func open(_ ledger: Ledger, head: HeadRecord) throws(LedgerError) -> MerkleIndex? {
        let recordFile = recordPath(ledger)
        guard SystemCalls.exists(recordFile), let bytes = try? SystemCalls.readFile(recordFile, bytesMax: recordBytesMax),
              let record = MerkleIndexRecord(bytes: bytes) else { return nil }
        guard (try? Checkpoint.continues(ledger, record.position, head: head)) == true else { return nil }
        let file = nodesPath(ledger)
        guard let fd = try? SystemCalls.open(file, flags: O_RDONLY) else { return nil }
        let index = MerkleIndex(record: record, fd: fd, nodesPath: file)
        guard let size = try? SystemCalls.fileSize(fd, path: file), size >= record.nodeCount * 32,
              let peaks = try? MerkleAccumulator.peaks(index, leafCount: record.position.seq),
              MerkleAccumulator(leafCount: record.position.seq, peaks: peaks).root == record.root else { return nil }
        index.readsWhenOpened = index.reads
        return index
    }

    /// Brings the index to `head` (the caller holds the writer lock): hashes only the lines after
    /// the index's last line when it fits, else every line; returns it opened.
    @discardableResult
    public static func update(_ ledger: Ledger, head: HeadRecord) throws(LedgerError) -> MerkleIndex {
        if let index = try open(ledger, head: head) {
            if index.leafCount == head.seq { return index }
            let peaks = try MerkleAccumulator.peaks(index, leafCount: index.leafCount)
            return try build(ledger, head: head, from: index.record, accumulator: MerkleAccumulator(leafCount: index.leafCount, peaks: peaks))
        }
        return try build(ledger, head: head, from: nil, accumulator: MerkleAccumulator())
    }

    /// Extends an index that exists to `head` after an append (the caller holds the writer lock).
    /// Best effort: the batch is acknowledged already, and an index that cannot be written now is
    /// brought up to date by the next command that needs it.
    public static func extendIfPresent(_ ledger: Ledger, head: HeadRecord) {
        guard SystemCalls.exists(recordPath(ledger)) else { return }
        _ = try? update(ledger, head: head)
    }

    /// Folds the lines after `from` (or all, when nil) up to `head` into the tree and writes the
    /// new nodes after the old ones (or a new nodes file), then the record.
    private static func build(_ ledger: Ledger, head: HeadRecord, from: MerkleIndexRecord?, accumulator start: MerkleAccumulator) throws(LedgerError) -> MerkleIndex {
        precondition(head.seq >= 1 && head.seq <= MerkleTree.leafCountMax, "a ledger has 1 or more lines")
        let directory = Checkpoint.directory(ledger)
        let finalPath = nodesPath(ledger)
        let writePath = from == nil ? finalPath + ".tmp" : finalPath
        var accumulator = start
        var nodeCount = from?.nodeCount ?? 0
        assert(nodeCount == MerkleTree.storedNodeCount(leafCount: accumulator.leafCount))
        do {
            try SystemCalls.mkdir(directory, allowExisting: true)
            let fd = try SystemCalls.open(writePath, flags: O_RDWR | O_CREAT | (from == nil ? O_TRUNC : 0), mode: 0o644)
            defer { try? SystemCalls.close(fd, path: writePath) }
            // Nodes beyond the record's count are what an interrupted update left: cut them off.
            try SystemCalls.ftruncate(fd, length: nodeCount * 32, path: writePath)
            var buffer: [UInt8] = []
            buffer.reserveCapacity(writeBufferBytes + 64 * 32)
            var failure: SystemError?
            func flush() {
                guard !buffer.isEmpty, failure == nil else { return }
                let count = buffer.count
                do {
                    try SystemCalls.pwriteAll(fd, bytes: buffer, offset: nodeCount * 32, path: writePath)
                } catch {
                    failure = error
                }
                nodeCount += Int64(count / 32)
                buffer.removeAll(keepingCapacity: true)
            }
            var startSegment = from?.position.segment ?? 1
            var startOffset = from?.position.offset ?? 0
            if from != nil, startSegment < head.segment, try startOffset == ledger.segmentSize(startSegment) {
                // The index's last line ends its segment: the next line starts the next one.
                startSegment += 1
                startOffset = 0
            }
            for segment in startSegment...head.segment {
                let offset: Int64 = segment == startSegment ? startOffset : 0
                let end = segment == head.segment ? head.offset : try ledger.segmentSize(segment)
                try ledger.forEachLine(segment: segment, from: offset, to: end, firstLineNumber: offset == 0 ? 1 : 0) { (_, line) throws(LedgerError) in
                    guard accumulator.leafCount < head.seq else {
                        throw LedgerError.corrupt(file: Ledger.segmentName(segment), line: 0, reason: "more lines than the head's sequence number \(head.seq); run caseledger verify")
                    }
                    accumulator.append(MerkleHash.leaf(line)) { node in
                        var bytes: (UInt64, UInt64, UInt64, UInt64) = (0, 0, 0, 0)
                        withUnsafeMutableBytes(of: &bytes) { node.writeBytes(to: $0.baseAddress!) }
                        withUnsafeBytes(of: bytes) { buffer.append(contentsOf: $0) }
                    }
                    if buffer.count >= writeBufferBytes { flush() }
                }
            }
            flush()
            if let failure { throw failure }
            guard accumulator.leafCount == head.seq else {
                throw LedgerError.corrupt(file: Ledger.segmentName(head.segment), line: 0,
                                          reason: "the ledger holds \(accumulator.leafCount) lines up to the head, not \(head.seq); run caseledger verify")
            }
            assert(nodeCount == MerkleTree.storedNodeCount(leafCount: head.seq))
            try SystemCalls.fsync(fd, path: writePath)
            let written = try SystemCalls.fileSize(fd, path: writePath)
            guard written == nodeCount * 32 else {
                throw LedgerError.corrupt(file: "cache/merkle-nodes.bin", line: 0, reason: "\(written) bytes written where \(nodeCount * 32) were expected")
            }
            if from == nil {
                try SystemCalls.rename(writePath, to: finalPath)
                try SystemCalls.fsyncDirectory(directory)
            }
            let record = MerkleIndexRecord(position: Checkpoint.position(head: head, recordedAt: Timestamp(milliseconds: 0)),
                                           nodeCount: nodeCount, root: accumulator.root!)
            try SystemCalls.writeFileAtomically(recordPath(ledger), bytes: record.bytes, directory: directory)
        } catch {
            throw LedgerError.wrapping(error)
        }
        guard let index = try open(ledger, head: head), index.leafCount == head.seq, index.record.root == accumulator.root else {
            throw LedgerError.corrupt(file: "cache/merkle-index.bin", line: 0, reason: "the index written cannot be read back")
        }
        return index
    }

    /// The root of the tree of the first `size` lines: the recorded root at the index's own size
    /// (checked against its peaks when opened), else combined from the stored subtrees.
    public func root(size: Int64) throws(LedgerError) -> SHA256Digest {
        size == leafCount ? record.root : try MerkleTree.root(self, size: size)
    }
}

extension MerkleNodeSource {
    /// The root of the tree of the first `size` lines, combined from the source's perfect subtrees.
    public func root(size: Int64) throws(LedgerError) -> SHA256Digest {
        try MerkleTree.root(self, size: size)
    }

    /// The inclusion proof of the line `seq` in the tree of the first `size` lines, checked before
    /// it is handed out: a damaged node shows here, not at the reader's.
    public func inclusionProof(seq: Int64, size: Int64) throws(LedgerError) -> InclusionProof {
        precondition(seq >= 1 && seq <= size && size <= leafCount, "a line of a tree the source holds")
        let path = try MerkleTree.inclusionPath(self, leaf: seq - 1, size: size)
        let proof = InclusionProof(seq: seq, treeSize: size, leafHash: try node(level: 0, index: seq - 1),
                                   rootHash: try rootOf(size: size), auditPath: path)
        try Self.selfCheck(proof.failure())
        return proof
    }

    /// The consistency proof between the trees of the first `old` and first `new` lines, checked
    /// before it is handed out.
    public func consistencyProof(old: Int64, new: Int64) throws(LedgerError) -> ConsistencyProof {
        precondition(old >= 1 && old <= new && new <= leafCount, "two trees the source holds")
        let path = try MerkleTree.consistencyPath(self, old: old, new: new)
        let proof = ConsistencyProof(oldSize: old, newSize: new, oldRoot: try rootOf(size: old), newRoot: try rootOf(size: new),
                                     consistencyPath: path)
        try Self.selfCheck(proof.failure())
        return proof
    }

    /// The root at `size`: the index's recorded root when it is the index's own size. A smaller
    /// tree's root, combined from stored nodes, is bound to the recorded root by a consistency
    /// proof made from the same nodes: otherwise a damaged node would give a wrong root and a proof
    /// that agrees with it, which no self-check could tell from a right one.
    private func rootOf(size: Int64) throws(LedgerError) -> SHA256Digest {
        guard let index = self as? MerkleIndex else { return try MerkleTree.root(self, size: size) }
        let root = try index.root(size: size)
        if size < index.leafCount {
            let path = try MerkleTree.consistencyPath(self, old: size, new: index.leafCount)
            let binding = ConsistencyProof(oldSize: size, newSize: index.leafCount, oldRoot: root, newRoot: index.record.root, consistencyPath: path)
            try Self.selfCheck(binding.failure())
        }
        return root
    }

    /// Throws when a proof made from the source does not verify.
    private static func selfCheck(_ failure: String?) throws(LedgerError) {
        guard let failure else { return }
        throw LedgerError.corrupt(file: "cache/merkle-nodes.bin", line: 0, reason: "the index gives a proof that does not verify (\(failure)); delete cache/merkle-* to rebuild it")
    }
}

extension MerkleMemoryTree {
    /// The tree of a ledger's lines up to `head`, held in memory (64 bytes a line): for a ledger
    /// whose `cache/` cannot be written (a read-only copy), where no index can be kept.
    public static func fromLines(_ ledger: Ledger, head: HeadRecord) throws(LedgerError) -> MerkleMemoryTree {
        guard head.seq <= memoryLeafCountMax else {
            throw LedgerError.invalidRequest("the ledger has \(head.seq) lines, more than \(memoryLeafCountMax) can be proven in memory; make DIR/cache writable for the index")
        }
        var tree = MerkleMemoryTree()
        for segment in 1...head.segment {
            let end = segment == head.segment ? head.offset : try ledger.segmentSize(segment)
            try ledger.forEachLine(segment: segment, to: end) { (_, line) throws(LedgerError) in
                guard tree.leafCount < head.seq else { return }
                tree.append(MerkleHash.leaf(line))
            }
        }
        guard tree.leafCount == head.seq else {
            throw LedgerError.corrupt(file: Ledger.segmentName(head.segment), line: 0, reason: "the ledger holds \(tree.leafCount) lines, not \(head.seq); run caseledger verify")
        }
        return tree
    }

    /// Most lines a tree in memory is built for (4 GiB of nodes).
    public static let memoryLeafCountMax: Int64 = 64 << 20
}

extension MerkleTree {
    /// The root of the tree of the ledger's first `size` lines, hashed from the lines themselves
    /// (no index): what `audit` compares a publication's `root_hash` with.
    public static func rootFromLines(_ ledger: Ledger, head: HeadRecord, size: Int64) throws(LedgerError) -> SHA256Digest {
        precondition(size >= 1 && size <= head.seq, "a tree of the acknowledged lines")
        var accumulator = MerkleAccumulator()
        for segment in 1...head.segment where accumulator.leafCount < size {
            let end = segment == head.segment ? head.offset : try ledger.segmentSize(segment)
            try ledger.forEachLine(segment: segment, to: end) { (_, line) throws(LedgerError) in
                guard accumulator.leafCount < size else { return }
                accumulator.append(MerkleHash.leaf(line)) { _ in }
            }
        }
        guard accumulator.leafCount == size, let root = accumulator.root else {
            throw LedgerError.corrupt(file: Ledger.segmentName(head.segment), line: 0, reason: "the ledger holds \(accumulator.leafCount) lines, not \(size)")
        }
        return root
    }
}

extension Ledger {
    /// The stored bytes of the acknowledged line `seq` (without its newline), or nil: found from the
    /// first line of each segment, then counted within the segment holding it (nothing decoded but
    /// each segment's first line). For `prove --line-out`, so a line can be checked against its proof.
    public func storedLine(at seq: Int64, head: HeadRecord) throws(LedgerError) -> [UInt8]? {
        guard seq >= 1, seq <= head.seq else { return nil }
        var chosen = 1
        var chosenFirst: Int64 = 1
        for index in 1...head.segment {
            var first: Int64 = 0
            let end = index == head.segment ? head.offset : try segmentSize(index)
            try forEachLine(segment: index, to: min(end, Int64(Ledger.storedLineBytesMax + 1))) { (location, line) throws(LedgerError) in
                if first == 0 { first = try Ledger.decode(line, at: location).seq }
            }
            if first != 0 && first <= seq { (chosen, chosenFirst) = (index, first) } else { break }
        }
        let end = chosen == head.segment ? head.offset : try segmentSize(chosen)
        var found: [UInt8]?
        var current = chosenFirst
        try forEachLine(segment: chosen, to: end) { (_, line) throws(LedgerError) in
            if current == seq { found = Array(line) }
            current += 1
        }
        return found
    }
}
