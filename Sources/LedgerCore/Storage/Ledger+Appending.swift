#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The validator's state at a head, loaded before an append takes the writer lock
/// (``Ledger/loadState(head:)``); the append reuses it while the head has not moved.
public struct LoadedLedgerState: Sendable {
    /// The head the state is at.
    public let head: HeadRecord
    /// The validator's state at ``head``.
    public let state: LedgerState
    /// The sequence number of the validator's index the state reads (0: none, the state is in memory whole).
    let checkpointSeq: Int64
}

extension Ledger {
    /// Removes an unacknowledged tail left by a writer that died mid-batch: bytes beyond the head in
    /// the head's segment, and segment files after it. Must be called holding the writer lock.
    /// Returns the bytes removed. Data before the head is never touched: a segment shorter than the
    /// head records is corruption, reported and left as it is.
    public func recoverTail(head: HeadRecord) throws(LedgerError) -> Int64 {
        let indexes = try segmentIndexes()
        for index in 1...head.segment where !indexes.contains(index) {
            throw LedgerError.corrupt(file: Ledger.segmentName(index), line: 0, reason: "segment file is missing")
        }
        // Only what an interrupted append leaves is removed: complete lines continuing the chain and
        // a torn last line. Anything else beyond the head is evidence of a defect and is kept.
        let headSegmentSize = try segmentSize(head.segment)
        if indexes.contains(where: { $0 > head.segment }) || headSegmentSize > head.offset {
            let last = try event(at: head.seq, head: head)
            guard let last else { throw LedgerError.corrupt(file: Ledger.segmentName(head.segment), line: 0, reason: "the head's line cannot be found") }
            let genesis = try event(at: 1, head: head)?.event
            let municipalities = Set((genesis?.text("municipalities") ?? "").split(separator: ",").compactMap { Int($0) })
            _ = try LedgerVerifier.checkTail(self, head: head, segments: indexes.last ?? head.segment, headLineCount: 0,
                                             municipalities: municipalities, after: (head.seq, head.hash, last.recordedAt), now: SystemCalls.now())
        }
        return try cutOffBeyondHead(head)
    }

    /// Removes everything beyond `head`: segment files after the head's (fsyncing `events/`) and
    /// the bytes after the head's offset in its segment (fsynced). Returns the bytes removed. Must
    /// be called holding the writer lock, after the caller has decided those bytes may go.
    func cutOffBeyondHead(_ head: HeadRecord) throws(LedgerError) -> Int64 {
        var removed: Int64 = 0
        let indexes = try segmentIndexes()
        do {
            for index in indexes where index > head.segment {
                removed += try segmentSize(index)
                try SystemCalls.unlink(segmentPath(index))
            }
            if indexes.contains(where: { $0 > head.segment }) { try SystemCalls.fsyncDirectory(eventsPath) }
            let file = segmentPath(head.segment)
            let fd = try SystemCalls.open(file, flags: O_RDWR)
            defer { try? SystemCalls.close(fd, path: file) }
            let size = try SystemCalls.fileSize(fd, path: file)
            guard size >= head.offset else {
                throw LedgerError.corrupt(file: Ledger.segmentName(head.segment), line: 0,
                                          reason: "the segment is \(size) bytes but the head records \(head.offset): acknowledged lines are missing")
            }
            if size > head.offset {
                try SystemCalls.ftruncate(fd, length: head.offset, path: file)
                try SystemCalls.fsync(fd, path: file)
                removed += size - head.offset
            }
            let after = try SystemCalls.fileSize(fd, path: file)
            assert(after == head.offset, "after recovery the segment ends at the head")
        } catch {
            throw LedgerError.wrapping(error)
        }
        return removed
    }

    /// Appends a batch durably: under the writer lock, recovers an unacknowledged tail, replays the
    /// ledger, validates every record while writing the lines beyond the head (one bad record
    /// rejects the batch, and what was written of it is cut off again, so nothing of it stays),
    /// fsyncs, reads them back, then moves the head and fsyncs it. Returns only after the batch is
    /// on disk.
    ///
    /// `reusing` is the validator's state as loaded before the call (``loadState(head:)``: what
    /// `record` shows its prompts from). It is used when the head has not moved since, instead of
    /// loading the state again under the lock (which grows with the ledger); otherwise the
    /// state is loaded again, so that another writer's lines are known.
    public func append(_ records: [InputRecord], source: String, recordedAt: Timestamp?,
                       clock: (() -> Timestamp)? = nil, reusing loaded: LoadedLedgerState? = nil) throws(LedgerError) -> AppendResult {
        try append(source: source, recordedAt: recordedAt, clock: clock, chunkBytes: BatchWriter.defaultChunkBytes,
                   reusing: loaded) { (emit) throws(LedgerError) in
            for record in records { try emit(record) }
        }
    }

    /// The validator's state at `head` (its index and the lines after it, when there is a usable
    /// index), for an append that may reuse it (``append(_:source:recordedAt:clock:reusing:)``).
    public func loadState(head: HeadRecord) throws(LedgerError) -> LoadedLedgerState {
        let (state, checkpointSeq) = try validatorState(head: head, useIndex: true)
        return LoadedLedgerState(head: head, state: state, checkpointSeq: checkpointSeq)
    }

    /// Appends a batch whose records are produced one at a time by `produce` (which calls its
    /// argument with each record, in order) while the lock is held, so that a large input is never
    /// held as decoded records all at once. Same guarantees as ``append(_:source:recordedAt:clock:reusing:)``.
    public func append(source: String, recordedAt: Timestamp?, clock: (() -> Timestamp)? = nil,
                       produce: ((InputRecord) throws(LedgerError) -> Void) throws(LedgerError) -> Void) throws(LedgerError) -> AppendResult {
        try append(source: source, recordedAt: recordedAt, clock: clock, chunkBytes: BatchWriter.defaultChunkBytes, produce: produce)
    }

    /// ``append(source:recordedAt:clock:produce:)`` writing the batch in chunks of `chunkBytes`
    /// (tests use small chunks to write a batch in many).
    func append(source: String, recordedAt: Timestamp?, clock: (() -> Timestamp)? = nil, chunkBytes: Int,
                reusing loaded: LoadedLedgerState? = nil,
                produce: ((InputRecord) throws(LedgerError) -> Void) throws(LedgerError) -> Void) throws(LedgerError) -> AppendResult {
        try withWriterLock { () throws(LedgerError) -> AppendResult in
            let head = try readHead()
            // (A tail removed here lies beyond the head: a state loaded at the head still holds.)
            let recovered = try recoverTail(head: head)
            let state: LedgerState
            let checkpointSeq: Int64
            if let loaded, loaded.head == head {
                state = loaded.state
                checkpointSeq = loaded.checkpointSeq
            } else {
                (state, checkpointSeq) = try validatorState(head: head, useIndex: true)
            }
            assert(state.headSeq == head.seq && state.headHash == head.hash, "the validator starts at the head")
            let stored: (Int64) throws(LedgerError) -> Event? = { [self] (seq) throws(LedgerError) -> Event? in
                try self.event(at: seq, head: head)?.event
            }
            // Should a page of the index turn out damaged while the batch is validated, the state
            // is replayed from every line instead and the record judged again (see BatchValidator).
            let rebuild = { [self] () throws(LedgerError) -> LedgerState in
                ValidatorIndex.remove(self)
                return try self.validatorState(head: head, useIndex: false).state
            }
            var validator = BatchValidator(state: state, source: source, now: clock?() ?? SystemCalls.now(), recordedAt: recordedAt,
                                           stored: stored, rebuild: rebuild)
            // Lines are written beyond the head in chunks while the batch is validated; a bad line
            // abandons the batch, cutting them off again, so nothing of it stays.
            var writer = BatchWriter(ledger: self, after: head, chunkBytes: chunkBytes)
            writer.pending.reserveCapacity(min(chunkBytes, BatchWriter.defaultChunkBytes) + Ledger.storedLineBytesMax)
            var prev = head.hash
            var seq = head.seq
            do throws(LedgerError) {
                try produce { (record) throws(LedgerError) in
                    let (event, time) = try validator.validate(record)
                    seq += 1
                    let lineStart = writer.pending.count
                    prev = CanonicalEncoder.appendLine(seq: seq, recordedAt: time, event: event, prev: prev, to: &writer.pending)
                    guard writer.pending.count - lineStart <= Ledger.storedLineBytesMax else {
                        throw LedgerError.input(InputError(source: source, line: record.line, field: "",
                                                           message: "the stored line would exceed \(Ledger.storedLineBytesMax) bytes"))
                    }
                    try writer.writeIfFull()
                }
            } catch {
                writer.abandon()
                throw error
            }
            guard seq > head.seq else {
                return AppendResult(firstSeq: nil, lastSeq: head.seq, head: head, recoveredBytes: recovered)
            }
            let newHead = try writer.finish(lastSeq: seq, lastHash: prev)
            // The batch is acknowledged. The validator's state is the state at the new head; it
            // becomes the new index when enough lines were appended since the index it read, or,
            // without one, when the ledger has that many lines (replaying fewer costs no more than
            // the lines after an index would).
            if validator.state.index == nil ? seq >= ValidatorIndex.rewriteAfterLines : seq - checkpointSeq >= ValidatorIndex.rewriteAfterLines {
                var final = validator.state
                final.headHash = prev
                assert(final.headSeq == newHead.seq)
                ValidatorIndex.save(final, to: self, head: newHead)
            }
            // The Merkle index, when there is one, takes the batch's lines (hashing only them).
            MerkleIndex.extendIfPresent(self, head: newHead)
            // A large batch's events and state are freed on another thread: the batch is on disk,
            // and the caller need not wait for the memory to be given back.
            Retirement.free(validator.relinquish())
            return AppendResult(firstSeq: head.seq + 1, lastSeq: seq, head: newHead, recoveredBytes: recovered)
        }
    }

    /// Writes encoded lines after the head, fsyncs and reads them back, then moves the head.
    /// When any step fails, the batch is not acknowledged: the head is left (or put back) where it
    /// was and the written bytes are cut off again where possible; what cannot be undone is an
    /// unacknowledged tail that the next append removes.
    func writeBatch(_ bytes: [UInt8], after head: HeadRecord, lastSeq: Int64, lastHash: SHA256Digest) throws(LedgerError) -> HeadRecord {
        precondition(!bytes.isEmpty && bytes.last == 0x0A, "a batch is whole lines")
        var writer = BatchWriter(ledger: self, after: head)
        writer.pending = bytes
        return try writer.finish(lastSeq: lastSeq, lastHash: lastHash)
    }

    /// Writes the new head into the slot that does not hold `previous` and fsyncs. If the write or
    /// fsync fails, the slot is overwritten with `previous` again (best effort), so that the head in
    /// force stays `previous`. When `previous` was read from a damaged slot (one bit from valid,
    /// confirmed by the segments), the new head is then written into that slot too, so that the
    /// damage is gone and the next head can go into the other slot as usual.
    func writeHead(_ head: HeadRecord, replacing previous: HeadRecord) throws(LedgerError) {
        let fd: Int32
        do { fd = try SystemCalls.open(headPath, flags: O_RDWR) } catch { throw LedgerError.system(error) }
        defer { try? SystemCalls.close(fd, path: headPath) }
        let inForce = try readHeadInForce()
        guard inForce.head == previous else {
            throw LedgerError.corrupt(file: "head", line: 1, reason: "the head changed under the writer lock")
        }
        let slotOffset = Int64(1 - inForce.slot) * Int64(HeadRecord.slotBytes)
        var slot = head.slotBytes
        do {
            try SystemCalls.withBuffer(&slot) { (base) throws(SystemError) in
                try SystemCalls.pwriteAll(fd, from: base, count: HeadRecord.slotBytes, offset: slotOffset, path: headPath)
            }
            try SystemCalls.fsync(fd, path: headPath)
        } catch {
            var old = previous.slotBytes
            try? SystemCalls.withBuffer(&old) { (base) throws(SystemError) in
                try SystemCalls.pwriteAll(fd, from: base, count: HeadRecord.slotBytes, offset: slotOffset, path: headPath)
            }
            throw LedgerError.system(error)
        }
        // The new head is in force and durable in the other slot: the damaged slot can be rewritten.
        // A failure here leaves it damaged (still recoverable), not the head in doubt.
        if inForce.damagedSlot?.holdsHeadInForce == true {
            let damagedOffset = Int64(inForce.slot) * Int64(HeadRecord.slotBytes)
            var again = head.slotBytes
            try? SystemCalls.withBuffer(&again) { (base) throws(SystemError) in
                try SystemCalls.pwriteAll(fd, from: base, count: HeadRecord.slotBytes, offset: damagedOffset, path: headPath)
            }
            try? SystemCalls.fsync(fd, path: headPath)
        }
    }
}

extension Ledger {
    /// Appends one event that the ledger itself writes (a publication), built under the writer lock
    /// from the head it will follow, so that nothing can be appended between reading and writing.
    /// The builder gets the head and returns the event; it is checked against the catalog before writing.
    public func appendLedgerEvent(clock: (() -> Timestamp)? = nil,
                                  _ build: (HeadRecord) throws(LedgerError) -> Event) throws(LedgerError) -> (seq: Int64, recordedAt: Timestamp, head: HeadRecord) {
        try withWriterLock { () throws(LedgerError) -> (seq: Int64, recordedAt: Timestamp, head: HeadRecord) in
            let head = try readHead()
            _ = try recoverTail(head: head)
            let event = try build(head)
            var state = try replayState(head: head)
            if let problem = CatalogCheck.problem(in: event, municipalities: Set(state.municipalities)) {
                throw LedgerError.invalidRequest("the ledger's own event is malformed: \(problem)")
            }
            if event.type == .publication, let id = event.text("publication_id") {
                var exists = state.hasPublication(id)
                if state.indexDamaged {
                    // Not an answer to trust: asked again of the state replayed from every line.
                    ValidatorIndex.remove(self)
                    state = try replayState(head: head, useCheckpoint: false)
                    exists = state.hasPublication(id)
                }
                if exists { throw LedgerError.invalidRequest("publication \(id) exists already") }
            }
            let recordedAt = max(clock?() ?? SystemCalls.now(), state.headRecordedAt)
            var bytes: [UInt8] = []
            let hash = CanonicalEncoder.appendLine(seq: head.seq + 1, recordedAt: recordedAt, event: event, prev: head.hash, to: &bytes)
            let newHead = try writeBatch(bytes, after: head, lastSeq: head.seq + 1, lastHash: hash)
            MerkleIndex.extendIfPresent(self, head: newHead)
            return (head.seq + 1, recordedAt, newHead)
        }
    }
}
