#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Where a checkpoint stands in a ledger: just after the line with sequence number `seq`.
public struct CheckpointPosition: Sendable, Equatable {
    /// The last sequence number folded into the checkpoint.
    public var seq: Int64
    /// That line's hash.
    public var hash: SHA256Digest
    /// That line's recorded-at time (a checkpoint serves a `--known-at` at or after it).
    public var recordedAt: Timestamp
    /// The segment holding that line.
    public var segment: Int
    /// The byte offset just after that line in its segment.
    public var offset: Int64

    /// Makes a position.
    public init(seq: Int64, hash: SHA256Digest, recordedAt: Timestamp, segment: Int, offset: Int64) {
        self.seq = seq
        self.hash = hash
        self.recordedAt = recordedAt
        self.segment = segment
        self.offset = offset
    }
}

/// What the saved folds of a ledger's first lines have in common (the projections' checkpoint,
/// ``SectionedCheckpoint``, and the validator's index, ``ValidatorIndex``), stored beside the
/// ledger in `cache/KIND.bin` so that a command can start from them instead of replaying every line.
///
/// A checkpoint is a cache, never a source of truth: it is used only when its checksum holds and
/// the ledger still continues it (the line after its position has the next sequence number and
/// names its hash as `prev`, or its position is the head); otherwise it is ignored and the state is
/// rebuilt from the lines. `verify` and `audit` never read checkpoints.
///
/// A checkpoint is tied to the program that wrote it: a new build, whose fold may differ, rebuilds
/// its checkpoints instead of trusting an older build's.
public enum Checkpoint {
    /// Largest checkpoint file read (the fold of a very large ledger stays far below).
    public static let fileBytesMax = 8 << 30
    /// Whether a command that folded `folded` lines beyond the checkpoint it started from, up to
    /// line `headSeq`, writes a new one: after 1/64 of the ledger, at least 1,000 and at most 100,000
    /// lines, so that the lines a command replays stay few while a large state is not rewritten by
    /// every small append or report. `CASELEDGER_CHECKPOINT_AFTER_LINES` sets a fixed number (for tests).
    public static func shouldRewrite(folded: Int64, headSeq: Int64) -> Bool {
        folded >= (fixedRewriteAfterLines ?? min(100_000, max(1_000, headSeq / 64)))
    }

    static let fixedRewriteAfterLines: Int64? = {
        guard let text = SystemCalls.environment("CASELEDGER_CHECKPOINT_AFTER_LINES"), let n = Int64(text), n >= 1 else { return nil }
        return n
    }()

    /// The SHA-256 of this program's executable, or nil when it cannot be read (then no checkpoint
    /// is read or written).
    ///
    /// Read in pieces into one buffer and hashed as they come: a buffer of the whole executable
    /// would cost its page faults and zeroing in every command that reads a checkpoint.
    public static let program: String? = {
        let path = "/proc/self/exe"
        guard let fd = try? SystemCalls.open(path, flags: O_RDONLY) else { return nil }
        defer { try? SystemCalls.close(fd, path: path) }
        let pieceBytes = 1 << 20
        let piece = UnsafeMutableRawPointer.allocate(byteCount: pieceBytes, alignment: 64)
        defer { piece.deallocate() }
        var hasher = SHA256()
        var offset: Int64 = 0
        while true {
            guard offset <= programBytesMax, let n = try? SystemCalls.preadFully(fd, into: piece, count: pieceBytes, offset: offset, path: path) else {
                return nil
            }
            assert(n >= 0 && n <= pieceBytes)
            hasher.update(UnsafeRawBufferPointer(start: piece, count: n))
            offset += Int64(n)
            if n < pieceBytes { break }
        }
        return hasher.finalize().hex
    }()

    /// The largest executable hashed (a larger one writes and reads no checkpoint).
    static let programBytesMax: Int64 = 1 << 30

    /// The directory of checkpoint files.
    static func directory(_ ledger: Ledger) -> String { PathNames.join(ledger.path, "cache") }

    /// The path of a kind's checkpoint.
    public static func path(_ ledger: Ledger, kind: String) -> String { PathNames.join(directory(ledger), kind + ".bin") }

    /// Writes what identifies a checkpoint after its magic bytes: its kind, the program that wrote
    /// it and its position (the same in both file layouts, ``SectionedCheckpoint``'s and ``ValidatorIndex``'s).
    static func writeIdentity(kind: String, program: String, position: CheckpointPosition, to w: inout BinaryWriter) {
        w.string(kind)
        w.string(program)
        w.int64(position.seq)
        w.raw(position.hash.bytes)
        w.int64(position.recordedAt.milliseconds)
        w.int(position.segment)
        w.int64(position.offset)
    }

    /// Reads what ``writeIdentity(kind:program:position:to:)`` wrote: the position, or nil when the
    /// kind or program is another or the position cannot be one.
    static func readIdentity(kind: String, program: String, from r: inout BinaryReader) throws(BinaryReadError) -> CheckpointPosition? {
        guard try r.string() == kind, try r.string() == program else { return nil }
        let seq = try r.int64()
        let hash = SHA256Digest(bytes: try r.raw(32))
        let recordedAt = Timestamp(milliseconds: try r.int64())
        let segment = try r.int()
        let offset = try r.int64()
        guard seq >= 1, segment >= 1, offset > 0 else { return nil }
        return CheckpointPosition(seq: seq, hash: hash, recordedAt: recordedAt, segment: segment, offset: offset)
    }

    /// Whether the ledger up to `head` continues a position: the position is the head, or the line
    /// starting at it has the next sequence number and the position's hash as `prev`.
    public static func continues(_ ledger: Ledger, _ position: CheckpointPosition, head: HeadRecord) throws(LedgerError) -> Bool {
        guard position.seq <= head.seq, position.segment <= head.segment else { return false }
        if position.seq == head.seq {
            return position.hash == head.hash && position.segment == head.segment && position.offset == head.offset
        }
        // The next line starts at the position, or at the start of the next segment when the
        // position is the end of its segment.
        var segment = position.segment
        var offset = position.offset
        var end = segment == head.segment ? head.offset : try ledger.segmentSize(segment)
        guard offset <= end else { return false }
        if offset == end {
            guard segment < head.segment else { return false }
            segment += 1
            offset = 0
            end = segment == head.segment ? head.offset : try ledger.segmentSize(segment)
        }
        var next: RecordedEvent?
        try ledger.forEachLine(segment: segment, from: offset, to: min(end, offset + Int64(Ledger.storedLineBytesMax) + 1)) { (location, line) throws(LedgerError) in
            if next == nil { next = try Ledger.decode(line, at: location) }
        }
        guard let next else { return false }
        return next.seq == position.seq + 1 && next.prev == position.hash
    }

    /// The position just after the head.
    public static func position(head: HeadRecord, recordedAt: Timestamp) -> CheckpointPosition {
        CheckpointPosition(seq: head.seq, hash: head.hash, recordedAt: recordedAt, segment: head.segment, offset: head.offset)
    }
}

/// The fields every checkpointed fold begins with: the ledger's identity and the head folded in.
/// Written first in each payload, in this order, by ``write(to:)``, and read back by ``init(reading:)``.
public struct CheckpointFoldHeader: Sendable, Equatable {
    /// The ledger's id.
    public var ledgerID: String
    /// The jobcenter's name.
    public var jobcenter: String
    /// The ledger's municipalities, in init order.
    public var municipalities: [Int]
    /// The last sequence number folded in.
    public var headSeq: Int64
    /// Its hash.
    public var headHash: SHA256Digest
    /// Its recorded-at time.
    public var headRecordedAt: Timestamp
}

extension CheckpointFoldHeader {
    /// Reads a header from the start of a payload.
    public init(reading r: inout BinaryReader) throws(BinaryReadError) {
        ledgerID = try r.string()
        jobcenter = try r.string()
        municipalities = try r.array { (r) throws(BinaryReadError) in try r.int() }
        headSeq = try r.int64()
        headHash = SHA256Digest(bytes: try r.raw(32))
        headRecordedAt = Timestamp(milliseconds: try r.int64())
    }

    /// Writes the header at the start of a payload.
    public func write(to w: inout BinaryWriter) {
        w.string(ledgerID)
        w.string(jobcenter)
        w.array(municipalities) { $0.int($1) }
        w.int64(headSeq)
        w.raw(headHash.bytes)
        w.int64(headRecordedAt.milliseconds)
    }
}

/// A fold that begins with a ``CheckpointFoldHeader``: the validator's state and the projections'.
public protocol CheckpointFold {
    /// The ledger's id.
    var ledgerID: String { get set }
    /// The jobcenter's name.
    var jobcenter: String { get set }
    /// The ledger's municipalities, in init order.
    var municipalities: [Int] { get set }
    /// The last sequence number folded in.
    var headSeq: Int64 { get set }
    /// Its hash.
    var headHash: SHA256Digest { get set }
    /// Its recorded-at time.
    var headRecordedAt: Timestamp { get set }
}

extension CheckpointFold {
    /// The fold's header fields, together.
    public var foldHeader: CheckpointFoldHeader {
        get {
            CheckpointFoldHeader(ledgerID: ledgerID, jobcenter: jobcenter, municipalities: municipalities,
                                 headSeq: headSeq, headHash: headHash, headRecordedAt: headRecordedAt)
        }
        set {
            (ledgerID, jobcenter, municipalities) = (newValue.ledgerID, newValue.jobcenter, newValue.municipalities)
            (headSeq, headHash, headRecordedAt) = (newValue.headSeq, newValue.headHash, newValue.headRecordedAt)
        }
    }
}
