#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Dispatch

/// Writes one batch's encoded lines after the head, in chunks while they are produced, then makes
/// the batch durable: fsync, read back, move the head. Used under the writer lock only.
///
/// Lines go into ``pending``; once it holds ``chunkBytes`` they are written beyond the head, so a
/// large batch is never held whole in memory. A chunk is written (and its checksum taken) on a
/// thread of its own while the caller encodes the next one; at most one write is in flight, and
/// it is waited for before the next, before the fsync and before anything is cut off. Bytes beyond the head are not part of the ledger
/// until the head moves over them: if the batch fails before that (a bad line, a failed write),
/// ``abandon()`` cuts them off again, and what a crash leaves there is an unacknowledged tail that
/// the next append removes (``Ledger/recoverTail(head:)``).
///
/// The read-back compares each written chunk's checksum (``ChunkChecksum``), computed from the
/// bytes in memory when they were written, with one computed from the bytes read back after the
/// fsync, so that a write the disk did not keep is caught before the head moves over it.
struct BatchWriter {
    /// Bytes collected before they are written (the default of ``chunkBytes``).
    static let defaultChunkBytes = 8 << 20
    /// Bytes collected before they are written (small in tests, to write many chunks).
    let chunkBytes: Int

    /// Encoded lines not yet written: the caller appends whole lines here and then calls
    /// ``writeIfFull()``.
    var pending: [UInt8] = []

    private let ledger: Ledger
    private let head: HeadRecord
    /// The segment the batch goes into (the head's, or a new one when the head's is full).
    private let segment: Int
    /// Where the batch starts in that segment.
    private let startOffset: Int64
    /// Bytes handed to writes so far (all written once ``collectWrite()`` has returned).
    private var written: Int64 = 0
    /// Each written chunk's length and checksum, in order.
    private var chunks: [(length: Int, checksum: UInt64)] = []
    /// The segment's descriptor, once the first chunk is written.
    private var fd: Int32?
    /// Whether this batch created the segment file.
    private var createdSegment = false
    /// The chunk being written, if any: its bytes (for reuse) and checksum, or the write's error.
    private var inFlight: Pending<Result<(bytes: [UInt8], checksum: UInt64), LedgerError>>?
    /// An empty buffer with capacity, from the last chunk written.
    private var spare: [UInt8] = []
    /// The first error: once set, the batch is abandoned and every later call throws it again, so
    /// that a caller that went on could never write after a gap.
    private var failure: LedgerError?

    /// The thread chunks are written on (a serial queue of its own, so that a write never waits
    /// for a thread of the shared pool busy decoding).
    private static let queue = DispatchQueue(label: "caseledger.batch-writer")

    /// Prepares a batch after `head`: into the head's segment, or a new one when it has reached
    /// ``Ledger/segmentRollBytes``. Nothing is touched on disk until the first write.
    init(ledger: Ledger, after head: HeadRecord, chunkBytes: Int = BatchWriter.defaultChunkBytes) {
        precondition(chunkBytes > 0)
        self.chunkBytes = chunkBytes
        self.ledger = ledger
        self.head = head
        if head.offset >= Ledger.segmentRollBytes {
            segment = head.segment + 1
            startOffset = 0
        } else {
            segment = head.segment
            startOffset = head.offset
        }
    }

    /// Bytes of the batch so far, written and pending.
    var byteCount: Int64 { written + Int64(pending.count) }

    /// Writes the pending lines once they reach ``chunkBytes``. On failure the batch is abandoned.
    mutating func writeIfFull() throws(LedgerError) {
        if let failure { throw failure }
        if pending.count >= chunkBytes { try writePending() }
    }

    /// Abandons the batch for `error` and returns it, to be thrown.
    private mutating func fail(_ error: LedgerError) -> LedgerError {
        abandon()
        failure = failure ?? error
        return failure!
    }

    /// Starts writing the pending lines beyond the head (opening or creating the segment first),
    /// after the write in flight has ended; the caller goes on with an empty ``pending``.
    private mutating func writePending() throws(LedgerError) {
        guard !pending.isEmpty else { return }
        precondition(pending.last == 0x0A, "a chunk is whole lines")
        try collectWrite()
        let file = ledger.segmentPath(segment)
        let descriptor: Int32
        do {
            if let fd {
                descriptor = fd
            } else {
                if segment != head.segment {
                    guard segment <= Ledger.segmentCountMax else {
                        throw LedgerError.invalidRequest("the ledger has reached \(Ledger.segmentCountMax) segments")
                    }
                    let created = try SystemCalls.open(file, flags: O_WRONLY | O_CREAT | O_EXCL, mode: 0o644)
                    createdSegment = true
                    try SystemCalls.close(created, path: file)
                    try SystemCalls.fsyncDirectory(ledger.eventsPath)
                }
                descriptor = try SystemCalls.open(file, flags: O_RDWR)
                fd = descriptor
            }
        } catch {
            throw fail(LedgerError.wrapping(error))
        }
        let chunk = pending
        let offset = startOffset + written
        written += Int64(chunk.count)
        pending = spare
        spare = []
        if pending.capacity == 0 { pending.reserveCapacity(chunkBytes + Ledger.storedLineBytesMax) }
        inFlight = Pending(on: BatchWriter.queue) { () -> Result<(bytes: [UInt8], checksum: UInt64), LedgerError> in
            do throws(SystemError) {
                try SystemCalls.pwriteAll(descriptor, bytes: chunk, offset: offset, path: file)
            } catch {
                return .failure(.system(error))
            }
            return .success((chunk, chunk.withUnsafeBytes { ChunkChecksum.of($0) }))
        }
    }

    /// Waits for the write in flight, if any: records its checksum and keeps its buffer for the
    /// next chunk, or abandons the batch and throws its error.
    private mutating func collectWrite() throws(LedgerError) {
        guard let write = inFlight else { return }
        inFlight = nil
        // Taken out of the Pending, so that the buffer is referenced once and is reused in place.
        switch write.take() {
        case .success(var done):
            chunks.append((done.bytes.count, done.checksum))
            done.bytes.removeAll(keepingCapacity: true)
            spare = done.bytes
        case .failure(let error):
            throw fail(error)
        }
    }

    /// Writes what is pending, fsyncs, reads every chunk back and compares, then moves the head to
    /// the batch's last line. Returns the new head; from then on the batch is acknowledged. When a
    /// step before the head is on disk fails, the batch is abandoned and the error thrown.
    mutating func finish(lastSeq: Int64, lastHash: SHA256Digest) throws(LedgerError) -> HeadRecord {
        precondition(byteCount > 0, "a batch has at least one line")
        if let failure { throw failure }
        try writePending()
        try collectWrite()
        guard let fd else { preconditionFailure("a written batch has an open segment") }
        let file = ledger.segmentPath(segment)
        let newHead = HeadRecord(seq: lastSeq, hash: lastHash, segment: segment, offset: startOffset + written)
        do {
            try SystemCalls.fsync(fd, path: file)
            try readBack(fd, file: file)
            try ledger.writeHead(newHead, replacing: head)
        } catch {
            // The head in force was never replaced on disk (writeHead writes the other slot), so
            // cutting the lines off again only tidies up.
            throw fail(LedgerError.wrapping(error))
        }
        try? SystemCalls.close(fd, path: file)
        self.fd = nil
        // The head is on disk (written and fsynced): from here on the batch is acknowledged and
        // nothing is undone. The read-back is a check of the disk; a read that fails for another
        // reason does not make an acknowledged batch look failed (a retry would store it twice).
        if let readBack = try? ledger.readHead() {
            guard readBack == newHead else {
                throw LedgerError.corrupt(file: "head", line: 1, reason: "the head read back differs from the head written")
            }
        }
        return newHead
    }

    /// Reads each written chunk back and compares its checksum with the one taken when it was written.
    private func readBack(_ fd: Int32, file: String) throws(LedgerError) {
        let longest = chunks.map(\.length).max() ?? 0
        let buffer = UnsafeMutableRawPointer.allocate(byteCount: max(1, longest), alignment: 64)
        defer { buffer.deallocate() }
        var offset = startOffset
        for chunk in chunks {
            let got: Int
            do { got = try SystemCalls.preadFully(fd, into: buffer, count: chunk.length, offset: offset, path: file) } catch {
                throw LedgerError.system(error)
            }
            guard got == chunk.length,
                  ChunkChecksum.of(UnsafeRawBufferPointer(start: buffer, count: chunk.length)) == chunk.checksum else {
                throw LedgerError.corrupt(file: Ledger.segmentName(segment), line: 0,
                                          reason: "the bytes read back differ from the bytes written; the batch is not acknowledged")
            }
            offset += Int64(chunk.length)
        }
        assert(offset == startOffset + written, "the read-back covers the whole batch")
    }

    /// Cuts the batch's written bytes off again (truncated to where the batch began, or the segment
    /// it created removed) and makes the cut durable (fsync of the segment or of `events/`), so that
    /// a crash afterwards cannot bring back part of a refused batch; closes the segment. Best
    /// effort: what a failed call leaves is an unacknowledged tail the next append removes. Safe to
    /// call more than once.
    mutating func abandon() {
        if let write = inFlight {
            _ = write.take()
            inFlight = nil
        }
        let file = ledger.segmentPath(segment)
        if let fd {
            if !createdSegment {
                try? SystemCalls.ftruncate(fd, length: startOffset, path: file)
                try? SystemCalls.fsync(fd, path: file)
            }
            try? SystemCalls.close(fd, path: file)
            self.fd = nil
        }
        if createdSegment {
            try? SystemCalls.unlink(file)
            try? SystemCalls.fsyncDirectory(ledger.eventsPath)
            createdSegment = false
        }
        written = 0
        chunks = []
    }
}

/// A fast checksum of a chunk of bytes, for the read-back after a write (not a defence against
/// tampering: the hash chain is). Two running sums over 8-byte words (Fletcher's scheme), so that a
/// changed, lost or moved word changes the result, mixed at the end; the last bytes of a chunk
/// that do not fill a word are taken one by one.
enum ChunkChecksum {
    /// The checksum of `bytes`.
    static func of(_ bytes: UnsafeRawBufferPointer) -> UInt64 {
        var a: UInt64 = 0x6A09_E667_F3BC_C908
        var b: UInt64 = 0xBB67_AE85_84CA_A73B
        let words = bytes.count / 8
        var i = 0
        while i < words {
            a &+= bytes.loadUnaligned(fromByteOffset: i &* 8, as: UInt64.self)
            b &+= a
            i &+= 1
        }
        var j = words &* 8
        while j < bytes.count {
            a &+= UInt64(bytes[j]) &+ 1
            b &+= a
            j &+= 1
        }
        // Each sum goes through a mixing function, so that a change of one cannot cancel the
        // other's (with a ^ b·k, flipping a word's top bit changed a and b·k in the same bit).
        return mix(a ^ mix(b ^ UInt64(bytes.count)))
    }

    /// MurmurHash3's 64-bit finalizer: every input bit affects every output bit.
    private static func mix(_ value: UInt64) -> UInt64 {
        var x = value
        x ^= x >> 33
        x &*= 0xFF51_AFD7_ED55_8CCD
        x ^= x >> 33
        x &*= 0xC4CE_B9FE_1A85_EC53
        x ^= x >> 33
        return x
    }
}
