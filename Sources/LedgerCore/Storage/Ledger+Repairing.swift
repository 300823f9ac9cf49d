#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The outcome of a repair (``Ledger/repair(at:from:now:)``): which lines were replaced and what
/// was removed so that it is rebuilt.
public struct RepairResult: Sendable {
    /// A run of consecutive lines of one segment replaced from the copy.
    public struct ReplacedRange: Sendable, Equatable {
        /// The segment file's name, e.g. `segment-000002.jsonl`.
        public var file: String
        /// 1-based line number of the first replaced line in the segment.
        public var firstLine: Int
        /// 1-based line number of the last replaced line in the segment.
        public var lastLine: Int
        /// Sequence number of the first replaced line.
        public var firstSeq: Int64
        /// Sequence number of the last replaced line.
        public var lastSeq: Int64
        /// Why the first line of the run was found damaged (what `verify` reports of it).
        public var reason: String
    }

    /// The runs of lines replaced, in ledger order; empty when nothing was damaged.
    public var replaced: [ReplacedRange]
    /// The ledger's head (unchanged by a repair; every replaced line was checked against it).
    public var head: HeadRecord
    /// The copy's head as verified.
    public var copyHead: HeadRecord
    /// Files removed from `cache/` (derived; rebuilt by the next command that needs them).
    public var removedCacheFiles: Int
    /// Temporary files of an interrupted repair removed first (`events/*.repair.tmp`).
    public var removedTemporaryFiles: Int
    /// Whether the copy's writer lock was held (false: a read-only copy).
    public var copyLocked: Bool
}

extension Ledger {
    /// The suffix of a repaired segment's temporary file in `events/`.
    static let repairTemporarySuffix = ".repair.tmp"
    /// Largest segment a repair rewrites: it holds the segment and the copy's in memory.
    public static let repairSegmentBytesMax = 2 << 30

    /// Replaces the damaged acknowledged lines of the ledger at `path` with the same lines of a
    /// verified copy (a mirror, ``mirror(from:to:now:)``: same segments, same byte offsets).
    ///
    /// The copy is verified first (a damaged copy is never used). Holding the ledger's writer lock
    /// (and the copy's, when it can be opened for writing), every acknowledged line of the ledger
    /// is compared with the copy's line at the same place: a line byte for byte the copy's is
    /// intact; a line that differs and fails its own checks (as `verify` would find it: hash,
    /// canonical form, catalog, or bytes missing) is damaged and replaced by the copy's line; a
    /// line that differs but is valid on its own means the copy is of another history, and the
    /// repair is refused. Every line of the result is checked against the chain before it (seq,
    /// `prev`, recorded-at), and the last against the ledger's head, which a repair never changes.
    /// Lines beyond the copy's head must be intact. A refusal names the ledger's (or the copy's)
    /// file and line, and nothing is written.
    ///
    /// Each damaged segment is written whole as `events/<segment>.repair.tmp`, fsynced, read back
    /// and compared, renamed over the segment, and `events/` fsynced; `cache/` is emptied first
    /// (its folds may hold the damaged lines' content). A crash at any point leaves each segment
    /// old or new, and running the repair again completes it. Bytes beyond the head are kept as
    /// they are (not acknowledged; the next append removes a recoverable tail).
    public static func repair(at path: String, from copyPath: String, now: Timestamp = Clock.now()) throws(LedgerError) -> RepairResult {
        let ledger = try Ledger(path: path)
        let copy: Ledger
        do { copy = try Ledger(path: copyPath) } catch {
            throw LedgerError.invalidRequest("the copy \(copyPath) cannot be used: \(error.description)")
        }
        if SystemCalls.sameFile(path, copyPath) {
            throw LedgerError.invalidRequest("\(copyPath) is the ledger itself; give a copy made by caseledger mirror")
        }
        let copyReport: VerificationReport
        do { copyReport = try LedgerVerifier.verify(copy, now: now) } catch {
            guard case .corrupt(let file, let line, let reason) = error else { throw error }
            throw LedgerError.corrupt(file: copy.locatedFile(file), line: line, reason: reason + " (in the copy: a damaged copy is never used; nothing was written)")
        }
        return try ledger.withWriterLock { () throws(LedgerError) -> RepairResult in
            try copy.withSourceLock { (locked) throws(LedgerError) -> RepairResult in
                var result = try ledger.repairLocked(from: copy, copyHead: copyReport.head, now: now)
                result.copyLocked = locked
                return result
            }
        }
    }

    /// A file name as `verify` reports it (`segment-NNNNNN.jsonl`, `head`, `access/...`) as a path
    /// in this ledger.
    func locatedFile(_ name: String) -> String {
        if name.hasPrefix("/") { return name }
        if Ledger.segmentIndex(name) != nil { return PathNames.join(eventsPath, name) }
        return PathNames.join(path, name)
    }

    /// What a repair decided for one segment: its new bytes (when it is damaged) and the runs replaced.
    struct SegmentRepair {
        var index: Int
        var bytes: [UInt8]
        var replaced: [RepairResult.ReplacedRange]
    }

    /// The repair proper, holding the writer lock: removes an interrupted repair's temporary files,
    /// plans every segment, then (when anything is damaged) empties `cache/` and writes the
    /// repaired segments one by one.
    func repairLocked(from copy: Ledger, copyHead: HeadRecord, now: Timestamp) throws(LedgerError) -> RepairResult {
        let removedTemporary = try removeRepairTemporaries()
        let head: HeadRecord
        do { head = try readHead() } catch {
            throw LedgerError.corrupt(file: PathNames.join(path, "head"), line: 1,
                                      reason: "\(error.description): the repaired lines could not be checked against the head; nothing was written")
        }
        let plans = try planRepair(from: copy, copyHead: copyHead, head: head, now: now)
        var removedCache = 0
        if !plans.isEmpty || removedTemporary > 0 {
            // Folds written from damaged lines must not outlive them: removed before any segment changes.
            removedCache = try removeCacheFiles()
        }
        for plan in plans { try writeRepairedSegment(plan) }
        return RepairResult(replaced: plans.flatMap(\.replaced), head: head, copyHead: copyHead, removedCacheFiles: removedCache,
                            removedTemporaryFiles: removedTemporary, copyLocked: false)
    }

    /// Removes `events/*.repair.tmp` left by an interrupted repair (fsyncing `events/`); returns how many.
    func removeRepairTemporaries() throws(LedgerError) -> Int {
        let names: [String]
        do { names = try SystemCalls.listDirectory(eventsPath) } catch { throw LedgerError.system(error) }
        var removed = 0
        do {
            for name in names where name.hasSuffix(Ledger.repairTemporarySuffix) {
                try SystemCalls.unlink(PathNames.join(eventsPath, name))
                removed += 1
            }
            if removed > 0 { try SystemCalls.fsyncDirectory(eventsPath) }
        } catch {
            throw LedgerError.system(error)
        }
        return removed
    }

    /// Removes every file in `cache/` (checkpoints, the Merkle index: all derived); returns how many.
    func removeCacheFiles() throws(LedgerError) -> Int {
        let cache = PathNames.join(path, "cache")
        guard SystemCalls.isDirectory(cache) else { return 0 }
        var removed = 0
        do {
            for name in try SystemCalls.listDirectory(cache) {
                let file = PathNames.join(cache, name)
                guard !SystemCalls.isDirectory(file) else { continue }
                try SystemCalls.unlink(file)
                removed += 1
            }
            if removed > 0 { try SystemCalls.fsyncDirectory(cache) }
        } catch {
            throw LedgerError.system(error)
        }
        return removed
    }

    /// A segment's bytes, or none when the file is missing (all its lines are then damaged).
    func segmentBytesForRepair(_ ledger: Ledger, _ index: Int) throws(LedgerError) -> [UInt8] {
        do { return try SystemCalls.readFile(ledger.segmentPath(index), bytesMax: Ledger.repairSegmentBytesMax) } catch {
            if error.errno == ENOENT { return [] }
            if error.errno == EFBIG {
                throw LedgerError.invalidRequest("\(ledger.segmentPath(index)) is larger than \(Ledger.repairSegmentBytesMax) bytes, the most a repair rewrites")
            }
            throw LedgerError.system(error)
        }
    }

    /// Compares every acknowledged line with the copy's and decides the damaged segments' new
    /// bytes, checking the chain through every line and its end against `head`. Writes nothing.
    func planRepair(from copy: Ledger, copyHead: HeadRecord, head: HeadRecord, now: Timestamp) throws(LedgerError) -> [SegmentRepair] {
        let copyGenesis = try copy.event(at: 1, head: copyHead)
        let municipalities = Set((copyGenesis?.event.text("municipalities") ?? "").split(separator: ",").compactMap { Int($0) })
        var chain = (seq: Int64(0), hash: SHA256Digest.zero, recordedAt: Timestamp(milliseconds: Int64.min))
        var scratch: [UInt8] = []
        var plans: [SegmentRepair] = []
        for index in 1...head.segment {
            let file = PathNames.join(eventsPath, Ledger.segmentName(index))
            let own = try segmentBytesForRepair(self, index)
            let theirs = index <= copyHead.segment ? try segmentBytesForRepair(copy, index) : []
            // The copy's acknowledged bytes of this segment.
            let copyEnd = index < copyHead.segment ? theirs.count : index == copyHead.segment ? Int(copyHead.offset) : 0
            guard copyEnd <= theirs.count else {
                throw LedgerError.corrupt(file: copy.locatedFile(Ledger.segmentName(index)), line: 0, reason: "the copy's segment is shorter than its head records")
            }
            // Where this segment's acknowledged lines end: the head's offset; a closed segment's
            // length is the copy's where the copy has closed it too, else the ledger's own.
            let end = index == head.segment ? Int(head.offset) : index < copyHead.segment ? copyEnd : own.count
            var repaired: [UInt8] = []
            repaired.reserveCapacity(end)
            var replaced: [RepairResult.ReplacedRange] = []
            var offset = 0
            var lineNumber = 1
            while offset < end {
                let ownLine = Ledger.lineSpan(own, from: offset)
                // The ledger's own line checked on its own, as `verify` checks it (only where it
                // is not byte for byte the verified copy's).
                func checkOwn() -> Result<RecordedEvent, LedgerVerifier.LineFailure> {
                    guard let span = ownLine, span.upperBound < end else {
                        return .failure(LedgerVerifier.LineFailure(offset >= own.count ? "the line is missing (the segment ends at byte \(own.count))"
                            : "no newline before the end of the acknowledged lines, or a line longer than \(Ledger.storedLineBytesMax) bytes"))
                    }
                    return own.withUnsafeBytes { bytes in
                        LedgerVerifier.checkLine(UnsafeRawBufferPointer(rebasing: bytes[span]), municipalities: municipalities, now: now, scratch: &scratch)
                    }
                }
                let theirLine = offset < copyEnd ? Ledger.lineSpan(theirs, from: offset) : nil
                if let their = theirLine, their.upperBound < copyEnd {
                    let lineEnd = their.upperBound + 1
                    guard lineEnd <= end else {
                        throw LedgerError.corrupt(file: PathNames.join(path, "head"), line: 1, reason: "the head's offset \(head.offset) in \(Ledger.segmentName(index)) is not at the end of a line of the copy: the copy does not match the head; nothing was written")
                    }
                    let identical = lineEnd <= own.count && own[offset..<lineEnd].elementsEqual(theirs[offset..<lineEnd])
                    let record: RecordedEvent
                    if identical {
                        // Intact: byte for byte the verified copy's line.
                        record = try Ledger.decodeForRepair(theirs, their, file: file, line: lineNumber)
                        try Ledger.checkRepairLink(record, after: chain, file: file, line: lineNumber, replacement: false)
                    } else {
                        let reason: String
                        switch checkOwn() {
                        case .success(let intact):
                            throw LedgerError.corrupt(file: file, line: lineNumber, reason: "the line (seq \(intact.seq)) is intact but differs from the copy's line at the same place in \(copy.segmentPath(index)): the copy is not of this ledger's history; nothing was written")
                        case .failure(let failure): reason = failure.reason
                        }
                        // Damaged: the copy's line, checked on its own and against the chain before it.
                        let checked = theirs.withUnsafeBytes { bytes in
                            LedgerVerifier.checkLine(UnsafeRawBufferPointer(rebasing: bytes[their]), municipalities: municipalities, now: now, scratch: &scratch)
                        }
                        switch checked {
                        case .success(let r): record = r
                        case .failure(let failure):
                            throw LedgerError.corrupt(file: copy.segmentPath(index), line: lineNumber, reason: "the copy's line fails its check (\(failure.reason)); nothing was written")
                        }
                        try Ledger.checkRepairLink(record, after: chain, file: file, line: lineNumber, replacement: true)
                        if let last = replaced.last, last.lastLine == lineNumber - 1 {
                            replaced[replaced.count - 1].lastLine = lineNumber
                            replaced[replaced.count - 1].lastSeq = record.seq
                        } else {
                            replaced.append(RepairResult.ReplacedRange(file: Ledger.segmentName(index), firstLine: lineNumber, lastLine: lineNumber,
                                                                       firstSeq: record.seq, lastSeq: record.seq, reason: reason))
                        }
                    }
                    chain = (record.seq, record.hash, record.recordedAt)
                    repaired.append(contentsOf: theirs[offset..<lineEnd])
                    offset = lineEnd
                } else {
                    // Beyond the copy: the ledger's own line must be intact.
                    let record: RecordedEvent
                    switch checkOwn() {
                    case .success(let r): record = r
                    case .failure(let failure):
                        throw LedgerError.corrupt(file: file, line: lineNumber, reason: "\(failure.reason), and the copy \(copy.path) does not cover it (its head is seq \(copyHead.seq)); nothing was written")
                    }
                    try Ledger.checkRepairLink(record, after: chain, file: file, line: lineNumber, replacement: false)
                    chain = (record.seq, record.hash, record.recordedAt)
                    let lineEnd = ownLine!.upperBound + 1
                    repaired.append(contentsOf: own[offset..<lineEnd])
                    offset = lineEnd
                }
                lineNumber += 1
            }
            assert(repaired.count == end, "the repaired segment holds exactly its acknowledged bytes")
            if index < head.segment && own.count > end {
                throw LedgerError.corrupt(file: file, line: lineNumber, reason: "the segment is \(own.count) bytes where the copy's is \(end): the copy is not of this ledger's history; nothing was written")
            }
            if !replaced.isEmpty {
                // Bytes beyond the head (a tail) are kept; in a closed segment there are none.
                if index == head.segment && own.count > end { repaired.append(contentsOf: own[end...]) }
                plans.append(SegmentRepair(index: index, bytes: repaired, replaced: replaced))
            }
        }
        guard chain.seq == head.seq, chain.hash == head.hash else {
            throw LedgerError.corrupt(file: PathNames.join(path, "head"), line: 1, reason: "the repaired lines end at seq \(chain.seq) but the head records seq \(head.seq) with another hash: the copy does not match the head; nothing was written")
        }
        return plans
    }

    /// The byte range of the line starting at `start` without its newline (whose index is the
    /// range's upper bound), or nil when no newline follows within the longest line allowed.
    static func lineSpan(_ bytes: [UInt8], from start: Int) -> Range<Int>? {
        guard start < bytes.count else { return nil }
        let limit = min(bytes.count, start + Ledger.storedLineBytesMax + 1)
        var at = start
        while at < limit {
            if bytes[at] == 0x0A { return start..<at }
            at += 1
        }
        return nil
    }

    /// Decodes a line of the verified copy (it decodes: the copy was verified).
    static func decodeForRepair(_ bytes: [UInt8], _ span: Range<Int>, file: String, line: Int) throws(LedgerError) -> RecordedEvent {
        let decoded = bytes.withUnsafeBytes { buffer in
            Result { () throws(LedgerError) in try Ledger.decode(UnsafeRawBufferPointer(rebasing: buffer[span]), at: LineLocation(segment: 0, line: line, offset: Int64(span.lowerBound))) }
        }
        do { return try decoded.get() } catch {
            throw LedgerError.corrupt(file: file, line: line, reason: "\(error.description); nothing was written")
        }
    }

    /// Checks that `record` continues the chain: the next seq, `prev` the line before's hash, and
    /// recorded-at not before it.
    static func checkRepairLink(_ record: RecordedEvent, after chain: (seq: Int64, hash: SHA256Digest, recordedAt: Timestamp),
                                file: String, line: Int, replacement: Bool) throws(LedgerError) {
        let what = replacement ? "the copy's line replacing it" : "the line"
        guard record.seq == chain.seq + 1 else {
            throw LedgerError.corrupt(file: file, line: line, reason: "\(what) has seq \(record.seq) where \(chain.seq + 1) follows the line before: the copy does not fit this ledger's chain; nothing was written")
        }
        guard record.prev == chain.hash else {
            throw LedgerError.corrupt(file: file, line: line, reason: "\(what) (seq \(record.seq)) does not name the line before's hash as prev: the copy does not fit this ledger's chain; nothing was written")
        }
        guard record.recordedAt >= chain.recordedAt else {
            throw LedgerError.corrupt(file: file, line: line, reason: "\(what) (seq \(record.seq)) was recorded before the line before it; nothing was written")
        }
    }

    /// Writes a repaired segment durably: `<segment>.repair.tmp`, fsync, read back and compare,
    /// rename over the segment, fsync `events/`. A crash leaves the old segment or the new one.
    func writeRepairedSegment(_ plan: SegmentRepair) throws(LedgerError) {
        precondition(!plan.bytes.isEmpty && plan.bytes.count <= Ledger.repairSegmentBytesMax)
        let file = segmentPath(plan.index)
        let temporary = file + Ledger.repairTemporarySuffix
        do {
            let fd = try SystemCalls.open(temporary, flags: O_RDWR | O_CREAT | O_TRUNC, mode: 0o644)
            do {
                try SystemCalls.pwriteAll(fd, bytes: plan.bytes, offset: 0, path: temporary)
                try SystemCalls.fsync(fd, path: temporary)
                // Read back and compare before the segment is replaced.
                var back = [UInt8](repeating: 0, count: plan.bytes.count + 1)
                let count = back.count
                let got = try SystemCalls.withBuffer(&back) { (base) throws(SystemError) -> Int in
                    try SystemCalls.preadFully(fd, into: base, count: count, offset: 0, path: temporary)
                }
                guard got == plan.bytes.count, back[0..<got].elementsEqual(plan.bytes) else {
                    throw LedgerError.corrupt(file: temporary, line: 0, reason: "the bytes read back differ from the bytes written; the segment was not replaced")
                }
                try SystemCalls.close(fd, path: temporary)
            } catch {
                try? SystemCalls.close(fd, path: temporary)
                throw error
            }
            try SystemCalls.rename(temporary, to: file)
            try SystemCalls.fsyncDirectory(eventsPath)
        } catch {
            throw LedgerError.wrapping(error)
        }
    }
}
