#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Dispatch

/// What `verify` found: counts, the head, and any recoverable tail.
public struct VerificationReport: Sendable {
    /// Acknowledged events (lines up to the head).
    public var events: Int64
    /// Segment files holding acknowledged lines.
    public var segments: Int
    /// The head.
    public var head: HeadRecord
    /// The last acknowledged line's recorded-at time.
    public var headRecordedAt: Timestamp
    /// An unacknowledged tail beyond the head, left by an interrupted append; nil when there is none.
    public var tail: Tail?
    /// Bytes checked.
    public var bytes: Int64
    /// Records in the access log (checked like the event files), and bytes of a torn last record.
    public var accessRecords = 0
    /// Bytes of a torn last access record (an interrupted write; nothing was shown for it).
    public var accessTornBytes: Int64 = 0
    /// A damaged head slot (one bit from a valid one); nil when both are intact or one is torn beyond that.
    public var damagedHeadSlot: DamagedHeadSlot?

    /// An unacknowledged tail: where it starts, how long it is, and whether it ends in a torn line.
    public struct Tail: Sendable {
        /// The segment file where the tail starts.
        public var file: String
        /// 1-based line number where it starts.
        public var line: Int
        /// Complete lines in it (they continue the chain but were never acknowledged).
        public var completeLines: Int
        /// Whether it ends with a partial line without newline.
        public var torn: Bool
        /// Bytes in it, across all files.
        public var bytes: Int64
    }
}

/// Checks a whole ledger: every line's hash, its canonical form and catalog shape, the gapless
/// sequence, the chain of `prev` hashes, non-decreasing recorded-at, the segment files, and the head.
///
/// Lines are checked in parallel chunks (each line's hash covers the previous hash as written in the
/// line itself), then the chunks' ends are joined. The first defect is reported with file and line.
public enum LedgerVerifier {
    /// Bytes per parallel chunk.
    public static let chunkBytes: Int64 = 16 << 20

    struct ChunkSummary: Sendable {
        var lines = 0
        var firstSeq: Int64 = 0
        var firstPrev = SHA256Digest.zero
        var firstRecordedAt = Timestamp(milliseconds: 0)
        var lastSeq: Int64 = 0
        var lastHash = SHA256Digest.zero
        var lastRecordedAt = Timestamp(milliseconds: 0)
        /// A defect: 1-based line number within the chunk and the reason.
        var defect: (line: Int, reason: String)?
        /// The type of each line checked, in order (one byte each): a correction is checked
        /// against the type of the line it corrects once the chunks are joined.
        var types: [EventType] = []
        /// The corrections among the lines checked: 1-based line number within the chunk and event.
        var corrections: [(line: Int, event: Event)] = []
        /// The publications among the lines checked: sequence number and event (their report copies
        /// in `publications/` are checked against the digests they record).
        var publications: [(seq: Int64, event: Event)] = []
    }

    /// Verifies the ledger; throws ``LedgerError/corrupt(file:line:reason:)`` at the first defect.
    public static func verify(_ ledger: Ledger, now: Timestamp = Clock.now(), threads: Int = 0,
                              progress: ProgressReporter? = nil) throws(LedgerError) -> VerificationReport {
        defer { progress?.finish() }
        // A damaged head slot (bit rot or a torn write) is reported, not a defect, when the head in
        // force is known: the other slot is valid and later, or the segments confirm the damaged
        // one's head (readHeadInForce); the next append rewrites it.
        let reading = try ledger.readHeadInForce()
        let head = reading.head
        let indexes = try ledger.segmentIndexes()
        guard !indexes.isEmpty else { throw LedgerError.corrupt(file: Ledger.segmentName(1), line: 0, reason: "segment file is missing") }
        for (position, index) in indexes.enumerated() where index != position + 1 {
            throw LedgerError.corrupt(file: Ledger.segmentName(position + 1), line: 0, reason: "segment file is missing (the next one present is \(Ledger.segmentName(index)))")
        }
        guard head.segment <= indexes.count else {
            throw LedgerError.corrupt(file: Ledger.segmentName(head.segment), line: 0, reason: "segment file is missing (the head is in it)")
        }
        var sizes: [Int64] = []
        for index in 1...head.segment { sizes.append(try ledger.segmentSize(index)) }
        // The first line tells which municipalities events may name.
        var genesis: RecordedEvent?
        try ledger.forEachLine(segment: 1, to: min(sizes[0], Int64(Ledger.storedLineBytesMax + 1))) { (location, line) throws(LedgerError) in
            if genesis == nil, location.line == 1 { genesis = try? LineDecoder.decode(line) }
        }
        let municipalities: Set<Int>
        if let g = genesis, g.event.type == .ledgerOpened {
            municipalities = Set((g.event.text("municipalities") ?? "").split(separator: ",").compactMap { Int($0) })
        } else {
            municipalities = []
        }

        // Split the acknowledged bytes into chunks at line boundaries. A head segment shorter than
        // the head records is checked line by line first, so that a removed line is named where the
        // sequence breaks.
        let ends = (1...head.segment).map { $0 == head.segment ? min(head.offset, sizes[$0 - 1]) : sizes[$0 - 1] }
        let chunks = try LedgerChunks.split(ledger, segmentEnds: ends, chunkBytes: chunkBytes)
        let workers = threads > 0 ? threads : Parallel.processorCount
        let chunkList = chunks
        let totalBytes = chunks.reduce(Int64(0)) { $0 + $1.end - $1.start }
        let checkedBytes = AtomicCounter()
        let scanner = CanonicalLineScanner(municipalities: municipalities)
        let results = Parallel.map(count: chunks.count, workers: workers) { i -> Result<ChunkSummary, LedgerError> in
            let result = Result { () throws(LedgerError) -> ChunkSummary in try checkChunk(ledger, chunkList[i], municipalities: municipalities, scanner: scanner, now: now) }
            let megabytes = checkedBytes.add(Int((chunkList[i].end - chunkList[i].start) >> 20))
            progress?.update(done: Int64(megabytes) << 20, total: totalBytes)
            return result
        }
        // Join the chunks in order.
        var expectedSeq: Int64 = 1
        var previousHash = SHA256Digest.zero
        var previousRecordedAt = Timestamp(milliseconds: Int64.min)
        var lineBase = 0
        var currentSegment = 0
        var bytes: Int64 = 0
        // Every acknowledged line's type by seq - 1, for the corrections' checks.
        var types: [EventType] = []
        types.reserveCapacity(Int(clamping: head.seq))
        var publications: [(seq: Int64, event: Event)] = []
        for (i, chunk) in chunks.enumerated() {
            let summary = try results[i].get()
            publications += summary.publications
            if chunk.segment != currentSegment { currentSegment = chunk.segment; lineBase = 0 }
            let file = Ledger.segmentName(chunk.segment)
            // A defect on the chunk's first line is reported as it is; otherwise the first line's link to
            // the line before it is checked first, so that a line swapped in is named where it stands.
            if let defect = summary.defect, defect.line == 1 {
                throw LedgerError.corrupt(file: file, line: lineBase + 1, reason: defect.reason)
            }
            if summary.lines > 0 {
                guard summary.firstSeq == expectedSeq else {
                    throw LedgerError.corrupt(file: file, line: lineBase + 1, reason: "sequence number \(summary.firstSeq) where \(expectedSeq) was expected"
                                              + (summary.firstSeq > expectedSeq ? " (lines or a segment were removed)" : " (lines duplicated or segments reordered)"))
                }
                guard summary.firstPrev == previousHash else {
                    throw LedgerError.corrupt(file: file, line: lineBase + 1, reason: "prev does not match the hash of the line before it; one of the two lines was altered")
                }
                guard summary.firstRecordedAt >= previousRecordedAt else {
                    throw LedgerError.corrupt(file: file, line: lineBase + 1, reason: "recorded_at \(summary.firstRecordedAt) is before the line before it (\(previousRecordedAt))")
                }
                expectedSeq = summary.lastSeq + 1
                previousHash = summary.lastHash
                previousRecordedAt = summary.lastRecordedAt
            }
            // The chunk's lines before any defect continue the chain, so line k of it holds seq
            // types.count + k; each correction's target is before it, so its type is known.
            // A type for every line that passed its own checks: all of them, or all but a defective one.
            assert(summary.types.count == summary.lines || (summary.defect != nil && summary.types.count == summary.lines - 1),
                   "a type for every line checked")
            types.append(contentsOf: summary.types)
            for correction in summary.corrections {
                if let problem = correctionProblem(correction.event, types: types) {
                    throw LedgerError.corrupt(file: file, line: lineBase + correction.line, reason: problem)
                }
            }
            if let defect = summary.defect {
                throw LedgerError.corrupt(file: file, line: lineBase + defect.line, reason: defect.reason)
            }
            lineBase += summary.lines
            bytes += chunk.end - chunk.start
        }
        guard sizes[head.segment - 1] >= head.offset else {
            throw LedgerError.corrupt(file: Ledger.segmentName(head.segment), line: lineBase + 1,
                                      reason: "the segment ends at byte \(sizes[head.segment - 1]) but the head records \(head.offset): acknowledged lines were removed")
        }
        guard expectedSeq - 1 == head.seq, previousHash == head.hash else {
            throw LedgerError.corrupt(file: Ledger.segmentName(head.segment), line: lineBase,
                                      reason: "the last acknowledged line (seq \(expectedSeq - 1)) does not match the head file (seq \(head.seq)); lines were altered or removed")
        }
        let acknowledgedTypes = types
        let checkBeyondHead = { (now: Timestamp) throws(LedgerError) -> VerificationReport.Tail? in
            try checkTail(ledger, head: head, segments: try ledger.segmentIndexes().last ?? indexes.count, headLineCount: lineBase,
                          municipalities: municipalities, after: (head.seq, head.hash, previousRecordedAt), types: acknowledgedTypes, now: now)
        }
        let tail: VerificationReport.Tail?
        do {
            tail = try checkBeyondHead(now)
        } catch {
            // Bytes beyond the head may change while they are read: an append writes its batch
            // there before moving the head (its lines recorded after this verify began), and cuts
            // it off again when a line is refused. So a defect found there is looked at again
            // holding the writer lock, when no writer is at work, with the clock read again; it
            // stands only if it is still there (or the lock cannot be taken, as on a read-only copy).
            let again = Result { () throws(LedgerError) in
                try ledger.withWriterLock { () throws(LedgerError) in try checkBeyondHead(max(now, Clock.now())) }
            }
            guard case .success(let recheckedTail) = again else { throw error }
            tail = recheckedTail
        }
        try checkPublicationCopies(ledger, publications)
        var report = VerificationReport(events: head.seq, segments: head.segment, head: head, headRecordedAt: previousRecordedAt, tail: tail, bytes: bytes)
        report.damagedHeadSlot = reading.damagedSlot
        let access = try AccessLog(ledger: ledger).read()
        report.accessRecords = access.records.count
        report.accessTornBytes = access.tornBytes
        return report
    }

    /// Largest report copy `verify` reads from `publications/`.
    static let publicationCopyBytesMax = 256 << 20

    /// Checks each acknowledged publication's report copy, `publications/ID.json` (the report's
    /// canonical JSON and a newline), against the `report_digest` its line records. A missing copy
    /// is no defect (a copy made by `mirror` has none; `audit` computes the report again).
    static func checkPublicationCopies(_ ledger: Ledger, _ publications: [(seq: Int64, event: Event)]) throws(LedgerError) {
        for (seq, event) in publications {
            guard let id = event.text("publication_id"), let digestText = event.text("report_digest") else { continue }
            let name = "publications/" + id + ".json"
            let bytes: [UInt8]
            do { bytes = try SystemCalls.readFile(PathNames.join(ledger.path, name), bytesMax: publicationCopyBytesMax) } catch {
                if error.errno == ENOENT { continue }
                throw LedgerError.corrupt(file: name, line: 1, reason: "the report copy of publication seq \(seq) cannot be read (\(error))")
            }
            let matches = bytes.last == 0x0A && bytes.withUnsafeBytes { SHA256.hash(UnsafeRawBufferPointer(rebasing: $0[0..<(bytes.count - 1)])) }.hex == digestText
            guard matches else {
                throw LedgerError.corrupt(file: name, line: 1, reason: "the report copy does not match the report_digest recorded by publication seq \(seq): the file was altered or damaged (caseledger audit computes the report again)")
            }
        }
    }

    /// Checks each line of a chunk on its own and the links between consecutive lines.
    ///
    /// Each line first goes through the fast path (``CanonicalLineScanner``, the hash compared as
    /// text, `prev` compared with the text of the line before's hash); a line it leaves undecided or
    /// that fails any of it goes through the full check, which decides and words the defect.
    static func checkChunk(_ ledger: Ledger, _ chunk: LedgerChunk, municipalities: Set<Int>, scanner: CanonicalLineScanner,
                           now: Timestamp) throws(LedgerError) -> ChunkSummary {
        var summary = ChunkSummary()
        var scratch: [UInt8] = []
        scratch.reserveCapacity(1024)
        // The hash of the line before, as its 64 hex digits (a line's prev is compared as written).
        var lastHashHex = [UInt8](repeating: 0, count: 64)
        let end = try ledger.forEachLine(segment: chunk.segment, from: chunk.start, to: chunk.end) { (location, line) throws(LedgerError) in
            guard summary.defect == nil else { return }
            summary.lines += 1
            if fastCheck(line, scanner: scanner, now: now, summary: &summary, lastHashHex: &lastHashHex) {
                if summary.types.last == .publication, let recorded = try? LineDecoder.decode(line) {
                    summary.publications.append((recorded.seq, recorded.event))
                }
                return
            }
            let recorded: RecordedEvent
            switch checkLine(line, municipalities: municipalities, now: now, scratch: &scratch) {
            case .failure(let failure): summary.defect = (summary.lines, failure.reason); return
            case .success(let r): recorded = r
            }
            if summary.lines == 1 {
                summary.firstSeq = recorded.seq
                summary.firstPrev = recorded.prev
                summary.firstRecordedAt = recorded.recordedAt
            } else {
                guard recorded.seq == summary.lastSeq + 1 else {
                    summary.defect = (summary.lines, "sequence number \(recorded.seq) where \(summary.lastSeq + 1) was expected"
                                      + (recorded.seq > summary.lastSeq + 1 ? " (lines removed)" : " (lines duplicated or reordered)"))
                    return
                }
                guard recorded.prev == summary.lastHash else {
                    summary.defect = (summary.lines, "prev does not match the hash of the line before it; one of the two lines was altered")
                    return
                }
                guard recorded.recordedAt >= summary.lastRecordedAt else {
                    summary.defect = (summary.lines, "recorded_at \(recorded.recordedAt) is before the line before it (\(summary.lastRecordedAt))")
                    return
                }
            }
            summary.lastSeq = recorded.seq
            summary.lastHash = recorded.hash
            summary.lastRecordedAt = recorded.recordedAt
            summary.types.append(recorded.event.type)
            if recorded.event.type == .correction { summary.corrections.append((summary.lines, recorded.event)) }
            if recorded.event.type == .publication { summary.publications.append((recorded.seq, recorded.event)) }
            lastHashHex.withUnsafeMutableBytes { recorded.hash.writeHex(to: $0.baseAddress!) }
        }
        if summary.defect == nil && end != chunk.end {
            summary.defect = (summary.lines + 1, "the line does not end with a newline where the head says acknowledged data ends")
        }
        return summary
    }

    /// The fast path for one line (the `summary.lines`-th of its chunk): true when the scanner
    /// accepts it, its hash matches, and it continues the line before; then `summary` and
    /// `lastHashHex` describe it. False leaves both unchanged, for the full check.
    @inline(__always)
    static func fastCheck(_ line: UnsafeRawBufferPointer, scanner: CanonicalLineScanner, now: Timestamp,
                          summary: inout ChunkSummary, lastHashHex: inout [UInt8]) -> Bool {
        guard let accepted = scanner.scan(line), accepted.recordedAt <= now else { return false }
        let base = line.baseAddress!
        let hashText = UnsafeRawBufferPointer(start: base + accepted.hashOffset, count: 64)
        let prevText = UnsafeRawBufferPointer(start: base + accepted.prevOffset, count: 64)
        let computed = SHA256.hash(UnsafeRawBufferPointer(rebasing: line[0..<(line.count - CanonicalEncoder.hashSuffixBytes)]))
        guard computed.equalsHex(hashText) else { return false }
        if summary.lines == 1 {
            guard let prev = SHA256Digest(hexBytes: prevText) else { return false }
            summary.firstSeq = accepted.seq
            summary.firstPrev = prev
            summary.firstRecordedAt = accepted.recordedAt
        } else {
            guard accepted.seq == summary.lastSeq + 1, accepted.recordedAt >= summary.lastRecordedAt,
                  lastHashHex.withUnsafeBytes({ memcmp($0.baseAddress!, prevText.baseAddress!, 64) == 0 }) else { return false }
        }
        summary.lastSeq = accepted.seq
        summary.lastHash = computed
        summary.lastRecordedAt = accepted.recordedAt
        summary.types.append(accepted.type)
        lastHashHex.withUnsafeMutableBytes { _ = memcpy($0.baseAddress!, hashText.baseAddress!, 64) }
        return true
    }

    /// What is wrong with a correction given the types of the lines before it (`types[seq - 1]`),
    /// or nil. The correction's own checks (``checkLine(_:municipalities:now:scratch:)``) have
    /// already placed its target before it.
    static func correctionProblem(_ correction: Event, types: [EventType]) -> String? {
        guard let target = correction.integer("corrects"), target >= 1, target <= types.count else {
            return "facts.corrects names a line that is not before the correction"
        }
        return CatalogCheck.correctionProblem(in: correction, correctedType: types[Int(target) - 1])
    }

    /// Checks one line on its own: hash, canonical form, catalog shape, genesis rules.
    static func checkLine(_ line: UnsafeRawBufferPointer, municipalities: Set<Int>, now: Timestamp, scratch: inout [UInt8]) -> Result<RecordedEvent, LineFailure> {
        let suffix = CanonicalEncoder.hashSuffixBytes
        guard line.count > suffix else { return .failure(LineFailure("line too short to hold a hash")) }
        let body = UnsafeRawBufferPointer(rebasing: line[0..<(line.count - suffix)])
        let computed = SHA256.hash(body)
        let hexStart = line.count - 66
        // The hash text is compared where it must stand only when the line does not decode or its
        // decoded hash differs (the decoder has parsed it already otherwise).
        func altered() -> Bool { !computed.equalsHex(UnsafeRawBufferPointer(rebasing: line[hexStart..<(hexStart + 64)])) }
        let recorded: RecordedEvent
        do { recorded = try LineDecoder.decode(line) } catch {
            if altered() { return .failure(LineFailure("hash does not match the line's content (the line was altered)")) }
            return .failure(LineFailure("unreadable line: \(error)"))
        }
        guard recorded.hash == computed else {
            if altered() { return .failure(LineFailure("hash does not match the line's content (the line was altered)")) }
            return .failure(LineFailure("hash field is misplaced"))
        }
        scratch.removeAll(keepingCapacity: true)
        CanonicalEncoder.appendBody(seq: recorded.seq, recordedAt: recorded.recordedAt, event: recorded.event, prev: recorded.prev, to: &scratch)
        let canonical = scratch.count == body.count
            && scratch.withUnsafeBytes { memcmp($0.baseAddress!, body.baseAddress!, body.count) == 0 }
        guard canonical else { return .failure(LineFailure("line is not in canonical form")) }
        if let problem = CatalogCheck.problem(in: recorded.event, municipalities: municipalities, seq: recorded.seq) {
            return .failure(LineFailure(problem))
        }
        if (recorded.seq == 1) != (recorded.event.type == .ledgerOpened) {
            return .failure(LineFailure(recorded.seq == 1 ? "the first line must be ledger_opened" : "ledger_opened may only be the first line"))
        }
        guard recorded.recordedAt <= now else {
            return .failure(LineFailure("recorded_at \(recorded.recordedAt) is in the future"))
        }
        return .success(recorded)
    }

    /// Classifies bytes beyond the head: complete lines continuing the chain and a torn last part
    /// are a recoverable tail; anything else is corruption. The torn part is a last piece without
    /// a newline, or, from the first line holding a NUL byte on, lines that each hold a NUL byte
    /// or are well-formed lines further along (a power cut may leave unsynced sectors of the
    /// batch's writes as zero-filled holes, also in lines whose newline did land). With `types` (every acknowledged
    /// line's type by seq - 1) the tail's corrections are checked against what they correct.
    static func checkTail(_ ledger: Ledger, head: HeadRecord, segments: Int, headLineCount: Int, municipalities: Set<Int>,
                          after: (seq: Int64, hash: SHA256Digest, recordedAt: Timestamp), types acknowledgedTypes: [EventType]? = nil,
                          now: Timestamp) throws(LedgerError) -> VerificationReport.Tail? {
        var tail: VerificationReport.Tail?
        var types = acknowledgedTypes
        var expectedSeq = after.seq + 1
        var previousHash = after.hash
        var previousRecordedAt = after.recordedAt
        var scratch: [UInt8] = []
        for index in head.segment...segments {
            let size = try ledger.segmentSize(index)
            let start: Int64 = index == head.segment ? head.offset : 0
            guard size > start || index > head.segment else { continue }
            let firstLine = index == head.segment ? headLineCount + 1 : 1
            if tail == nil { tail = VerificationReport.Tail(file: Ledger.segmentName(index), line: firstLine, completeLines: 0, torn: false, bytes: 0) }
            guard tail?.torn == false else {
                throw LedgerError.corrupt(file: Ledger.segmentName(index), line: 1, reason: "a segment follows a torn line")
            }
            var holed = false
            let end = try ledger.forEachLine(segment: index, from: start, to: size, firstLineNumber: firstLine) { (location, line) throws(LedgerError) in
                let hasNUL = line.contains(0)
                let recorded: RecordedEvent
                switch checkLine(line, municipalities: municipalities, now: now, scratch: &scratch) {
                case .failure(let failure):
                    guard hasNUL || holed else {
                        throw LedgerError.corrupt(file: location.fileName, line: location.line, reason: failure.reason + " (beyond the head)")
                    }
                    guard hasNUL else {
                        throw LedgerError.corrupt(file: location.fileName, line: location.line, reason: failure.reason + " (beyond the head, after a zero-filled hole)")
                    }
                    holed = true
                    return
                case .success(let r): recorded = r
                }
                if holed {
                    // After a hole: whole lines of the same batch, further along the chain.
                    guard recorded.seq > expectedSeq else {
                        throw LedgerError.corrupt(file: location.fileName, line: location.line, reason: "a line beyond the head does not continue the chain")
                    }
                    return
                }
                guard recorded.seq == expectedSeq, recorded.prev == previousHash, recorded.recordedAt >= previousRecordedAt else {
                    throw LedgerError.corrupt(file: location.fileName, line: location.line, reason: "a line beyond the head does not continue the chain")
                }
                // The types of the lines before the head are known to `verify`, not to an append
                // removing an interrupted tail (which removes these lines whatever they hold).
                if types != nil {
                    if recorded.event.type == .correction, let problem = correctionProblem(recorded.event, types: types!) {
                        throw LedgerError.corrupt(file: location.fileName, line: location.line, reason: problem + " (beyond the head)")
                    }
                    types!.append(recorded.event.type)
                }
                expectedSeq += 1
                previousHash = recorded.hash
                previousRecordedAt = recorded.recordedAt
                tail?.completeLines += 1
            }
            if end < size || holed { tail?.torn = true }
            tail?.bytes += size - start
        }
        return tail
    }

    /// Why a line failed its own checks.
    struct LineFailure: Error { var reason: String; init(_ reason: String) { self.reason = reason } }
}

/// A counter shared by worker threads.
final class AtomicCounter: @unchecked Sendable {
    private let lock = Mutex()
    private var value = 0
    /// Adds one and returns the new value.
    func increment() -> Int { lock.locked { value += 1; return value } }
    /// Adds `amount` and returns the new value.
    func add(_ amount: Int) -> Int { lock.locked { value += amount; return value } }
}
