#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Where a stored line is: segment file, 1-based line number in it, and byte offset of its start.
public struct LineLocation: Sendable, Equatable {
    /// 1-based segment index.
    public var segment: Int
    /// The segment file's name, e.g. `segment-000001.jsonl`.
    public var fileName: String { Ledger.segmentName(segment) }
    /// 1-based line number within the segment.
    public var line: Int
    /// Byte offset of the line's first byte within the segment.
    public var offset: Int64
}

/// The outcome of an append: the sequence range written and what recovery did first.
public struct AppendResult: Sendable {
    /// First sequence number written (nil when the batch was empty).
    public var firstSeq: Int64?
    /// Last sequence number written (the new head).
    public var lastSeq: Int64
    /// The new head.
    public var head: HeadRecord
    /// Bytes of an unacknowledged tail removed before appending (0 when none).
    public var recoveredBytes: Int64
}

/// A ledger directory: its format marker, head, lock and segment files of canonical JSON Lines.
///
/// Layout: `CASELEDGER` (format marker), `head` (``HeadRecord``, two slots), `lock` (advisory lock
/// for writers), `key-location` (where the pseudonym key is, not secret), and `events/segment-NNNNNN.jsonl`.
public final class Ledger: Sendable {
    /// The ledger directory.
    public let path: String

    /// The format marker's content.
    public static let formatMarker = "caseledger ledger format 1\n"
    /// A new segment is started once the current one reaches this size (a batch is never split).
    public static let segmentBytesMax: Int64 = 256 << 20
    /// The size at which appends start a new segment: ``segmentBytesMax``, or, for tests and the
    /// power-loss campaign (small ledgers that cross segment boundaries), the value of
    /// `CASELEDGER_TEST_SEGMENT_BYTES` (1 to ``segmentBytesMax``). Never set it in production.
    public static let segmentRollBytes: Int64 = {
        guard let text = SystemCalls.environment("CASELEDGER_TEST_SEGMENT_BYTES"), let value = Int64(text),
              value >= 1, value <= segmentBytesMax else { return segmentBytesMax }
        return value
    }()
    /// Longest stored line, in bytes.
    public static let storedLineBytesMax = 80_000
    /// Most segment files in one ledger.
    public static let segmentCountMax = 999_999

    /// Opens an existing ledger directory (checks the format marker; reads nothing else).
    public init(path: String) throws(LedgerError) {
        self.path = path
        guard SystemCalls.isDirectory(path) else { throw LedgerError.notALedger(path: path, reason: "no such directory") }
        let marker: [UInt8]
        do { marker = try SystemCalls.readFile(markerPath, bytesMax: 4096) } catch {
            // Only a missing marker means "not a ledger"; any other failure is reported as it is.
            guard error.errno == ENOENT else { throw LedgerError.system(error) }
            throw LedgerError.notALedger(path: path, reason: "it has no CASELEDGER marker file (create one with caseledger init)")
        }
        guard marker == Array(Ledger.formatMarker.utf8) else {
            throw LedgerError.notALedger(path: path, reason: "its CASELEDGER marker is not format 1")
        }
    }

    var markerPath: String { PathNames.join(path, "CASELEDGER") }
    var headPath: String { PathNames.join(path, "head") }
    var lockPath: String { PathNames.join(path, "lock") }
    var keyLocationPath: String { PathNames.join(path, "key-location") }
    /// The directory of segment files.
    public var eventsPath: String { PathNames.join(path, "events") }

    /// A segment file's name: `segment-` and six digits, `.jsonl`.
    public static func segmentName(_ index: Int) -> String { "segment-" + Day.pad(index, 6) + ".jsonl" }

    /// The segment index of a file name, or nil when it is not a segment name.
    public static func segmentIndex(_ name: String) -> Int? {
        guard name.hasPrefix("segment-"), name.hasSuffix(".jsonl"), name.utf8.count == 20 else { return nil }
        let digits = name.dropFirst(8).prefix(6)
        guard digits.utf8.allSatisfy({ $0 >= 48 && $0 <= 57 }), let index = Int(digits), index >= 1 else { return nil }
        return index
    }

    /// A segment file's path.
    public func segmentPath(_ index: Int) -> String { PathNames.join(eventsPath, Ledger.segmentName(index)) }

    // MARK: Creating

    /// Creates a ledger: the directory, its marker, the first line (`ledger_opened`) and the head.
    /// Returns the ledger and the ledger id.
    public static func create(at path: String, jobcenter: String, municipalities: [Int], keyPath: String?,
                              recordedAt: Timestamp?, now: Timestamp) throws(LedgerError) -> (ledger: Ledger, ledgerID: String, keyPath: String, keyCreated: Bool) {
        if SystemCalls.exists(path) {
            guard SystemCalls.isDirectory(path) else { throw LedgerError.alreadyExists(path: path) }
            let names: [String]
            do { names = try SystemCalls.listDirectory(path) } catch { throw LedgerError.system(error) }
            guard names.isEmpty else {
                throw names.contains("CASELEDGER") ? LedgerError.alreadyExists(path: path)
                    : LedgerError.invalidRequest("\(path) exists and is not empty; give a new or empty directory")
            }
        }
        let when = recordedAt ?? now
        guard when <= now else { throw LedgerError.invalidRequest("--recorded-at \(when) is in the future") }
        guard !municipalities.isEmpty, municipalities.count <= 100 else {
            throw LedgerError.invalidRequest("give 1 to 100 municipalities")
        }
        let idBytes: [UInt8]
        do { idBytes = try SystemCalls.randomBytes(8) } catch { throw LedgerError.system(error) }
        let ledgerID = "L-" + SHA256Digest(bytes: idBytes + [UInt8](repeating: 0, count: 24)).hex.prefix(16)
        let resolvedKeyPath = keyPath ?? PseudonymKey.defaultPath(ledgerID: ledgerID)
        var keyCreated = false
        if SystemCalls.exists(resolvedKeyPath) {
            _ = try PseudonymKey.load(from: resolvedKeyPath)
        } else {
            _ = try PseudonymKey.create(at: resolvedKeyPath)
            keyCreated = true
        }
        let genesis = Event(type: .ledgerOpened, effective: when.utcDay, municipality: nil, citizen: nil, facts: [
            Fact("ledger_id", .text(ledgerID)),
            Fact("jobcenter", .text(jobcenter)),
            Fact("municipalities", .text(municipalities.map(CanonicalEncoder.municipalityText).joined(separator: ","))),
        ])
        var line: [UInt8] = []
        let hash = CanonicalEncoder.appendLine(seq: 1, recordedAt: when, event: genesis, prev: .zero, to: &line)
        try writeNewLedger(at: path, firstLine: line, firstHash: hash, keyLocation: Array((resolvedKeyPath + "\n").utf8), eventsMayExist: false)
        return (try Ledger(path: path), ledgerID, resolvedKeyPath, keyCreated)
    }

    /// Writes a new ledger's files at `path`: `events/` with segment 1 holding `firstLine` (the
    /// `ledger_opened` line, with its newline), the head naming it, `key-location` (when given),
    /// `lock`, and the marker last, each durably: a directory without the marker is not a ledger,
    /// so a crash meanwhile leaves nothing that looks like one. `eventsMayExist` lets a creation
    /// that was interrupted be done again.
    static func writeNewLedger(at path: String, firstLine: [UInt8], firstHash: SHA256Digest, keyLocation: [UInt8]?,
                               eventsMayExist: Bool) throws(LedgerError) {
        assert(firstLine.last == 0x0A && firstLine.count <= storedLineBytesMax + 1, "one whole line within the format's maximum")
        do {
            try PathNames.makeDirectories(path)
            let events = PathNames.join(path, "events")
            try SystemCalls.mkdir(events, allowExisting: eventsMayExist)
            try SystemCalls.writeFileAtomically(PathNames.join(events, segmentName(1)), bytes: firstLine, directory: events)
            let head = HeadRecord(seq: 1, hash: firstHash, segment: 1, offset: Int64(firstLine.count))
            try SystemCalls.writeFileAtomically(PathNames.join(path, "head"), bytes: head.slotBytes + head.slotBytes, directory: path)
            if let keyLocation {
                try SystemCalls.writeFileAtomically(PathNames.join(path, "key-location"), bytes: keyLocation, directory: path)
            }
            try SystemCalls.writeFileAtomically(PathNames.join(path, "lock"), bytes: [], directory: path)
            try SystemCalls.writeFileAtomically(PathNames.join(path, "CASELEDGER"), bytes: Array(formatMarker.utf8), directory: path)
            try SystemCalls.fsyncDirectory(PathNames.parent(of: path))
        } catch {
            throw LedgerError.system(error)
        }
    }

    // MARK: Head

    /// Reads the head in force (``readHeadInForce()``).
    public func readHead() throws(LedgerError) -> HeadRecord {
        try readHeadInForce().head
    }

    /// Reads the head in force: the valid slot with the higher seq, unless the other slot is damaged
    /// (one flipped bit from a valid one: bit rot, or a write of it torn by a power cut) and names a
    /// later head. That head is in force when the line ending at its offset of its segment carries
    /// its hash: its lines were fsynced before any slot named them, so a torn write of the new head
    /// always finds them, and bit rot in the head in force is read as the head it was. When no line
    /// confirms it, the head is not known for certain and neither slot is chosen (choosing the
    /// valid one would hand the last acknowledged batch to the next append as a tail to cut off).
    /// A head file without a valid slot is corruption (a write only ever tears one slot, so two
    /// damaged slots are not a power cut's doing). Line N of `head` is slot N - 1.
    public func readHeadInForce() throws(LedgerError) -> HeadInForce {
        let state = try readHeadFile()
        guard let valid = state.inForce else {
            throw LedgerError.corrupt(file: "head", line: 1, reason: "neither slot of the head file is valid")
        }
        // With one slot valid, a damaged slot can only be the other one.
        guard let damaged = state.flippedSlots.first else {
            return HeadInForce(head: valid.head, slot: valid.slot, damagedSlot: nil)
        }
        assert(damaged.slot != valid.slot, "a valid slot is not damaged")
        guard damaged.names.seq > valid.head.seq else {
            return HeadInForce(head: valid.head, slot: valid.slot, damagedSlot: DamagedHeadSlot(slot: damaged.slot, names: damaged.names, holdsHeadInForce: false))
        }
        let written = (try? lastLineHash(segment: damaged.names.segment, end: damaged.names.offset)) ?? nil
        guard written == damaged.names.hash else {
            throw LedgerError.corrupt(file: "head", line: damaged.slot + 1, reason: "the slot is damaged (one bit from a valid slot: bit rot or a torn write); it names seq \(damaged.names.seq), later than the other slot's seq \(valid.head.seq), but no line of \(Ledger.segmentName(damaged.names.segment)) ends at its offset with its hash, so the head is not known for certain and neither slot is chosen; compare it with a copy's head (caseledger mirror)")
        }
        return HeadInForce(head: damaged.names, slot: damaged.slot, damagedSlot: DamagedHeadSlot(slot: damaged.slot, names: damaged.names, holdsHeadInForce: true))
    }

    /// The hash written in the line that ends at byte `end` of segment `segment` (nil when the bytes
    /// there do not end a line as the format writes it).
    func lastLineHash(segment: Int, end: Int64) throws(LedgerError) -> SHA256Digest? {
        guard end >= 67 else { return nil }
        let file = segmentPath(segment)
        var bytes = [UInt8](repeating: 0, count: 67)
        do {
            let fd = try SystemCalls.open(file, flags: O_RDONLY)
            defer { try? SystemCalls.close(fd, path: file) }
            let got = try SystemCalls.withBuffer(&bytes) { (base) throws(SystemError) -> Int in
                try SystemCalls.preadFully(fd, into: base, count: 67, offset: end - 67, path: file)
            }
            guard got == 67 else { return nil }
        } catch {
            throw LedgerError.system(error)
        }
        // `...,"hash":"` + 64 hex + `"}` + LF
        guard bytes[64] == UInt8(ascii: "\""), bytes[65] == UInt8(ascii: "}"), bytes[66] == 0x0A else { return nil }
        return SHA256Digest(hex: String(decoding: bytes[0..<64], as: UTF8.self))
    }

    /// The head file's slots as ``HeadRecord/inspect(fileBytes:)`` reads them.
    func readHeadFile() throws(LedgerError) -> HeadRecord.FileState {
        let bytes: [UInt8]
        do { bytes = try SystemCalls.readFile(headPath, bytesMax: 4096) } catch {
            throw LedgerError.corrupt(file: "head", line: 1, reason: "the head file cannot be read (\(error))")
        }
        return HeadRecord.inspect(fileBytes: bytes)
    }

    /// The pseudonym key's location recorded at init, if any.
    public func recordedKeyPath() -> String? {
        guard let bytes = try? SystemCalls.readFile(keyLocationPath, bytesMax: 4096) else { return nil }
        var text = String(decoding: bytes, as: UTF8.self)
        while text.last == "\n" { text.removeLast() }
        return text.isEmpty ? nil : text
    }

    /// The segment indexes present, sorted; unexpected files in `events/` are an error.
    public func segmentIndexes() throws(LedgerError) -> [Int] {
        let names: [String]
        do { names = try SystemCalls.listDirectory(eventsPath) } catch { throw LedgerError.system(error) }
        var indexes: [Int] = []
        for name in names {
            if name.hasSuffix(".tmp") { continue }
            guard let index = Ledger.segmentIndex(name) else {
                throw LedgerError.corrupt(file: "events/" + name, line: 0, reason: "unexpected file among the segments")
            }
            indexes.append(index)
        }
        guard indexes.count <= Ledger.segmentCountMax else { throw LedgerError.invalidRequest("more than \(Ledger.segmentCountMax) segments") }
        return indexes.sorted()
    }

    // MARK: Reading

    /// Bytes read from a segment at a time.
    public static let readChunkBytes = 8 << 20

    /// Calls `body` with every complete line of segment `index` from byte `start` up to byte `end`
    /// (exclusive), without the newline. Returns the offset after the last complete line (a final
    /// piece without newline is not passed). `firstLineNumber` is the 1-based number of the line at `start`.
    @discardableResult
    public func forEachLine(segment index: Int, from start: Int64 = 0, to end: Int64, firstLineNumber: Int = 1,
                            _ body: (LineLocation, UnsafeRawBufferPointer) throws(LedgerError) -> Void) throws(LedgerError) -> Int64 {
        let file = segmentPath(index)
        let fd: Int32
        do { fd = try SystemCalls.open(file, flags: O_RDONLY) } catch {
            if error.errno == ENOENT { throw LedgerError.corrupt(file: Ledger.segmentName(index), line: 0, reason: "segment file is missing") }
            throw LedgerError.system(error)
        }
        defer { try? SystemCalls.close(fd, path: file) }
        let capacity = ReadBuffers.capacity
        let buffer = ReadBuffers.take()
        defer { ReadBuffers.give(buffer) }
        var filled = 0            // bytes in buffer
        var bufferStart = start   // file offset of buffer[0]
        var lineNumber = firstLineNumber
        var consumedEnd = start
        while bufferStart + Int64(filled) < end {
            let want = min(capacity - filled, Int(end - (bufferStart + Int64(filled))))
            guard want > 0 else {
                throw LedgerError.corrupt(file: Ledger.segmentName(index), line: lineNumber,
                                          reason: "line longer than \(Ledger.storedLineBytesMax) bytes (or no newline)")
            }
            let n: Int
            do { n = try SystemCalls.pread(fd, into: buffer + filled, count: want, offset: bufferStart + Int64(filled), path: file) } catch {
                throw LedgerError.system(error)
            }
            if n == 0 { break }
            filled += n
            var lineStart = 0
            let bytes = UnsafeRawBufferPointer(start: buffer, count: filled)
            while lineStart < filled {
                guard let newline = memchr(buffer + lineStart, 0x0A, filled - lineStart) else { break }
                let lineEnd = buffer.distance(to: newline)
                let location = LineLocation(segment: index, line: lineNumber, offset: bufferStart + Int64(lineStart))
                try body(location, UnsafeRawBufferPointer(rebasing: bytes[lineStart..<lineEnd]))
                lineNumber += 1
                lineStart = lineEnd + 1
            }
            consumedEnd = bufferStart + Int64(lineStart)
            // Keep the incomplete rest at the front of the buffer.
            let rest = filled - lineStart
            if rest > 0 && lineStart > 0 { memmove(buffer, buffer + lineStart, rest) }
            bufferStart += Int64(lineStart)
            filled = rest
        }
        return consumedEnd
    }

    /// Calls `body` with every acknowledged line, up to and including the head's, in order.
    public func forEachAcknowledgedLine(head: HeadRecord, _ body: (LineLocation, UnsafeRawBufferPointer) throws(LedgerError) -> Void) throws(LedgerError) {
        for index in 1...head.segment {
            let end: Int64
            if index == head.segment {
                end = head.offset
            } else {
                end = try segmentSize(index)
            }
            try forEachLine(segment: index, to: end, body)
        }
    }

    /// The size of segment `index` in bytes.
    public func segmentSize(_ index: Int) throws(LedgerError) -> Int64 {
        let file = segmentPath(index)
        do {
            let fd = try SystemCalls.open(file, flags: O_RDONLY)
            defer { try? SystemCalls.close(fd, path: file) }
            return try SystemCalls.fileSize(fd, path: file)
        } catch {
            if error.errno == ENOENT { throw LedgerError.corrupt(file: Ledger.segmentName(index), line: 0, reason: "segment file is missing") }
            throw LedgerError.system(error)
        }
    }

    /// Decodes a stored line, turning a decoding error into corruption at its location.
    public static func decode(_ line: UnsafeRawBufferPointer, at location: LineLocation) throws(LedgerError) -> RecordedEvent {
        do { return try LineDecoder.decode(line) } catch {
            throw LedgerError.corrupt(file: location.fileName, line: location.line, reason: "unreadable line: \(error)")
        }
    }

    /// Every acknowledged event in order (reads all into memory: for small ledgers and tests).
    public func allEvents() throws(LedgerError) -> [RecordedEvent] {
        let head = try readHead()
        var events: [RecordedEvent] = []
        try forEachAcknowledgedLine(head: head) { (location, line) throws(LedgerError) in
            events.append(try Ledger.decode(line, at: location))
        }
        return events
    }

    /// The validator's state at `head`: the validator's index (``ValidatorIndex``) when there is a
    /// usable one, with the lines after it applied on top, otherwise every line replayed.
    public func replayState(head: HeadRecord, useCheckpoint: Bool = true) throws(LedgerError) -> LedgerState {
        try validatorState(head: head, useIndex: useCheckpoint).state
    }

    /// The validator's state at `head`, and the sequence number of the index it reads (0: none, the
    /// state is in memory whole). An index found damaged while the lines after it are applied is
    /// removed, and the state replayed from every line instead.
    func validatorState(head: HeadRecord, useIndex: Bool) throws(LedgerError) -> (state: LedgerState, indexSeq: Int64) {
        if useIndex, let index = ValidatorIndex.open(self, head: head) {
            var state = LedgerState(index: index) { [self] (seq) -> Event? in (try? self.event(at: seq, head: head))??.event }
            try replayLines(into: &state, from: index.position.segment, offset: index.position.offset, head: head)
            if !state.indexDamaged { return (state, index.position.seq) }
            ValidatorIndex.remove(self)
        }
        var state = LedgerState()
        try replayLines(into: &state, from: 1, offset: 0, head: head)
        return (state, 0)
    }

    /// Applies the lines from `offset` in segment `segment` up to the head to `state`.
    private func replayLines(into state: inout LedgerState, from startSegment: Int, offset startOffset: Int64, head: HeadRecord) throws(LedgerError) {
        for index in startSegment...head.segment {
            let end = index == head.segment ? head.offset : try segmentSize(index)
            let from = index == startSegment ? startOffset : 0
            // Line numbers are known only from a segment's start; from an index they are relative (0).
            try forEachLine(segment: index, from: from, to: end, firstLineNumber: from == 0 ? 1 : 0) { (location, line) throws(LedgerError) in
                let recorded = try Ledger.decode(line, at: location)
                guard recorded.seq == state.headSeq + 1 else {
                    throw LedgerError.corrupt(file: location.fileName, line: location.line, reason: "sequence number \(recorded.seq) where \(state.headSeq + 1) was expected; run caseledger verify")
                }
                guard recorded.prev == state.headHash || state.headSeq == 0 else {
                    throw LedgerError.corrupt(file: location.fileName, line: location.line, reason: "prev of seq \(recorded.seq) does not match the line before it; run caseledger verify")
                }
                state.apply(recorded)
            }
        }
        guard state.headSeq == head.seq, state.headHash == head.hash else {
            throw LedgerError.corrupt(file: Ledger.segmentName(head.segment), line: 0, reason: "the last line does not match the head file; run caseledger verify")
        }
    }

    /// The acknowledged event with sequence number `seq`, or nil: the segment holding it is found
    /// by the segments' first lines, and the line in it by a binary search over byte offsets (the
    /// lines' sequence numbers increase), so a lookup reads a few pieces of one segment.
    public func event(at seq: Int64, head: HeadRecord) throws(LedgerError) -> RecordedEvent? {
        guard seq >= 1, seq <= head.seq else { return nil }
        // Find the last segment whose first line is at or before seq.
        var chosen = 1
        for index in 1...head.segment {
            var first: Int64 = 0
            let end = index == head.segment ? head.offset : try segmentSize(index)
            // Read only as far as the first line can reach.
            try forEachLine(segment: index, to: min(end, Int64(Ledger.storedLineBytesMax + 1))) { (location, line) throws(LedgerError) in
                if first == 0 { first = try Ledger.decode(line, at: location).seq }
            }
            if first != 0 && first <= seq { chosen = index } else { break }
        }
        let end = chosen == head.segment ? head.offset : try segmentSize(chosen)
        // The line sought starts in [low, high): `low` starts a line numbered at most `seq`, and
        // every line starting at or after `high` is numbered above it.
        var low: Int64 = 0
        var high = end
        let window = Int64(Ledger.storedLineBytesMax + 1)
        while high - low > 2 * window {
            let middle = low + (high - low) / 2
            // The first line starting after `middle`: after the first newline at or after it.
            var next: (offset: Int64, event: RecordedEvent)?
            var start: Int64 = -1
            try forEachLine(segment: chosen, from: middle, to: min(end, middle + 2 * window), firstLineNumber: 0) { (location, line) throws(LedgerError) in
                if start < 0 {
                    start = location.offset + Int64(line.count) + 1
                } else if next == nil {
                    next = (location.offset, try Ledger.decode(line, at: location))
                }
            }
            guard let next, next.offset < high else {
                // No line starts in (middle, high): the one sought starts at or before middle.
                high = middle + 1
                continue
            }
            if next.event.seq == seq { return next.event }
            if next.event.seq < seq { low = next.offset } else { high = next.offset }
        }
        var found: RecordedEvent?
        try forEachLine(segment: chosen, from: low, to: min(end, high + window), firstLineNumber: low == 0 ? 1 : 0) { (location, line) throws(LedgerError) in
            guard found == nil else { return }
            let recorded = try Ledger.decode(line, at: location)
            if recorded.seq == seq { found = recorded }
        }
        return found
    }

    // MARK: Locking

    /// Runs `body` holding the ledger's exclusive writer lock (flock on `lock`).
    public func withWriterLock<T>(_ body: () throws(LedgerError) -> T) throws(LedgerError) -> T {
        let fd: Int32
        do {
            fd = try SystemCalls.open(lockPath, flags: O_RDWR | O_CREAT, mode: 0o644)
            try SystemCalls.lockExclusive(fd, path: lockPath)
        } catch {
            throw LedgerError.system(error)
        }
        // Closing the descriptor releases the lock, also when the process dies.
        defer { try? SystemCalls.close(fd, path: lockPath) }
        return try body()
    }
}

/// Read buffers kept for reuse by ``Ledger/forEachLine(segment:from:to:firstLineNumber:_:)``.
///
/// A freshly allocated buffer of this size is a fresh mapping, and the kernel zeroes each of its
/// pages on first touch: with a new buffer per chunk, that zeroing was a fifth of `verify`'s time.
/// Buffers are handed out one per concurrent reader and kept for the life of the process (one per
/// thread that reads at the same time; each is ``capacity`` bytes).
enum ReadBuffers {
    /// Bytes per buffer: a read chunk plus room for the longest line.
    static let capacity = Ledger.readChunkBytes + Ledger.storedLineBytesMax + 1
    /// Buffers not in use, as addresses (a pointer is not Sendable).
    private static let free = Locked<[UInt]>([])

    /// A buffer of ``capacity`` bytes, reused when one is free.
    static func take() -> UnsafeMutableRawPointer {
        if let address = free.withLock({ $0.popLast() }), let buffer = UnsafeMutableRawPointer(bitPattern: address) { return buffer }
        return UnsafeMutableRawPointer.allocate(byteCount: capacity, alignment: 64)
    }

    /// Returns a buffer from ``take()`` for reuse.
    static func give(_ buffer: UnsafeMutableRawPointer) {
        free.withLock { $0.append(UInt(bitPattern: buffer)) }
    }
}
