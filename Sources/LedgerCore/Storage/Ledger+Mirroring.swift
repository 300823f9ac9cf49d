#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The outcome of a mirror (``Ledger/mirror(from:to:now:)``): what was copied and what was done first.
public struct MirrorResult: Sendable {
    /// First sequence number copied; nil when the copy was up to date already.
    public var firstSeq: Int64?
    /// The copy's head sequence number after the mirror (the source's head as verified).
    public var lastSeq: Int64
    /// The copy's head after the mirror (same segment and offset as the source's).
    public var head: HeadRecord
    /// Whether the copy was created (it was absent, empty, or an interrupted creation).
    public var created: Bool
    /// Whether the source's writer lock was held while copying (false: a read-only source).
    public var sourceLocked: Bool
    /// Bytes of an unacknowledged tail removed from the copy first (an interrupted mirror).
    public var removedTailBytes: Int64
    /// Bytes copied into the copy's segments.
    public var copiedBytes: Int64
}

extension Ledger {
    /// Names a copy may hold while an interrupted creation left it without its `CASELEDGER` marker.
    static let mirrorCreationNames: Set<String> = ["events", "head", "head.tmp", "lock", "lock.tmp", "key-location", "key-location.tmp", "CASELEDGER.tmp"]

    /// Brings the ledger at `destinationPath` up to date with the one at `sourcePath`, appending only.
    ///
    /// The source is verified first (a damaged source is never copied). An absent or empty
    /// destination is created as a copy (marker, `events/`, `lock`, `key-location`, then the lines).
    /// An existing destination must be a ledger whose acknowledged lines are byte for byte the
    /// source's first lines; otherwise nothing is written and the first differing line is named
    /// (``LedgerError/corrupt(file:line:reason:)`` with the destination's file and 1-based line).
    /// Under both writer locks, an unacknowledged tail of the destination (an interrupted mirror)
    /// is removed, the source's bytes after the destination's head are copied into the same
    /// segments, fsynced and read back, and then the destination's head is moved and fsynced.
    /// `cache/` (derived) and the access log (`access/`) are not copied.
    public static func mirror(from sourcePath: String, to destinationPath: String, now: Timestamp = Clock.now()) throws(LedgerError) -> MirrorResult {
        let source = try Ledger(path: sourcePath)
        if SystemCalls.exists(destinationPath), SystemCalls.sameFile(sourcePath, destinationPath) {
            throw LedgerError.invalidRequest("\(destinationPath) is the source ledger itself; give another directory")
        }
        // A damaged source is never copied. The head verified is what is copied: lines up to it
        // never change, whatever is appended to the source meanwhile.
        let report = try LedgerVerifier.verify(source, now: now)
        let sourceHead = report.head
        var created = false
        if try mirrorNeedsCreation(destinationPath) {
            try createMirror(of: source, at: destinationPath)
            created = true
        }
        let destination = try Ledger(path: destinationPath)
        return try destination.withWriterLock { () throws(LedgerError) -> MirrorResult in
            try source.withSourceLock { (locked) throws(LedgerError) -> MirrorResult in
                var result = try destination.mirrorLocked(from: source, upTo: sourceHead)
                result.created = created
                result.sourceLocked = locked
                return result
            }
        }
    }

    /// Whether the destination is to be created: absent, an empty directory, or a directory left
    /// by an interrupted creation (no marker, only the files a creation writes). Anything else
    /// without a marker is refused.
    static func mirrorNeedsCreation(_ path: String) throws(LedgerError) -> Bool {
        guard SystemCalls.exists(path) else { return true }
        guard SystemCalls.isDirectory(path) else { throw LedgerError.notALedger(path: path, reason: "it is not a directory") }
        let names: [String]
        do { names = try SystemCalls.listDirectory(path) } catch { throw LedgerError.system(error) }
        if names.contains("CASELEDGER") { return false }
        let events = PathNames.join(path, "events")
        var eventNames: [String] = []
        if names.contains("events") {
            do { eventNames = try SystemCalls.listDirectory(events) } catch { throw LedgerError.system(error) }
        }
        let firstSegment = Ledger.segmentName(1)
        guard names.allSatisfy({ mirrorCreationNames.contains($0) }),
              eventNames.allSatisfy({ $0 == firstSegment || $0 == firstSegment + ".tmp" }) else {
            throw LedgerError.notALedger(path: path, reason: "it is not empty and has no CASELEDGER marker; give a ledger, a new or an empty directory")
        }
        return true
    }

    /// Creates the destination as a one-line copy of the source (its first line, `ledger_opened`),
    /// writing the marker last as `init` does, so that a crash leaves nothing that looks like a
    /// ledger; the rest is copied by the mirror that follows.
    static func createMirror(of source: Ledger, at path: String) throws(LedgerError) {
        var first: [UInt8] = []
        let firstEnd = min(try source.segmentSize(1), Int64(Ledger.storedLineBytesMax + 1))
        try source.forEachLine(segment: 1, to: firstEnd) { (location, line) throws(LedgerError) in
            if location.line == 1 { first = Array(line) }
        }
        guard !first.isEmpty else { throw LedgerError.corrupt(file: Ledger.segmentName(1), line: 1, reason: "the source's first line cannot be read") }
        let decoded = first.withUnsafeBytes { bytes in
            Result { () throws(LedgerError) in try Ledger.decode(bytes, at: LineLocation(segment: 1, line: 1, offset: 0)) }
        }
        let recorded = try decoded.get()
        guard recorded.seq == 1, recorded.event.type == .ledgerOpened else {
            throw LedgerError.corrupt(file: Ledger.segmentName(1), line: 1, reason: "the source's first line is not ledger_opened")
        }
        first.append(0x0A)
        assert(first.count <= Ledger.storedLineBytesMax + 1, "no line over the format's maximum")
        let keyLocation: [UInt8]?
        do { keyLocation = try SystemCalls.readFile(source.keyLocationPath, bytesMax: 4096) } catch {
            guard error.errno == ENOENT else { throw LedgerError.system(error) }
            keyLocation = nil
        }
        try Ledger.writeNewLedger(at: path, firstLine: first, firstHash: recorded.hash, keyLocation: keyLocation, eventsMayExist: true)
    }

    /// Runs `body` holding the source's writer lock, so that its head does not move while it is
    /// copied; `body` gets false when the lock file cannot be opened for writing (a read-only
    /// source, where no writer can be at work either).
    func withSourceLock<T>(_ body: (Bool) throws(LedgerError) -> T) throws(LedgerError) -> T {
        let fd: Int32
        do { fd = try SystemCalls.open(lockPath, flags: O_RDWR | O_CREAT, mode: 0o644) } catch {
            guard error.isNotWritable else { throw LedgerError.system(error) }
            return try body(false)
        }
        defer { try? SystemCalls.close(fd, path: lockPath) }
        do { try SystemCalls.lockExclusive(fd, path: lockPath) } catch { throw LedgerError.system(error) }
        return try body(true)
    }

    /// The mirror proper, on the destination (`self`), holding both locks: checks the prefix,
    /// removes an unacknowledged tail, copies the source's bytes up to `sourceHead`, then moves
    /// the head.
    func mirrorLocked(from source: Ledger, upTo sourceHead: HeadRecord) throws(LedgerError) -> MirrorResult {
        let head = try readHead()
        try checkMirrorPrefix(of: source, head: head, sourceHead: sourceHead)
        assert(head.seq <= sourceHead.seq && head.segment <= sourceHead.segment, "the copy is a prefix of the source")
        // An interrupted mirror's bytes were never acknowledged: cut off without being looked at.
        let removed = try cutOffBeyondHead(head)
        guard head != sourceHead else {
            return MirrorResult(firstSeq: nil, lastSeq: head.seq, head: head, created: false, sourceLocked: false,
                                removedTailBytes: removed, copiedBytes: 0)
        }
        var copied: Int64 = 0
        for index in head.segment...sourceHead.segment {
            let start = index == head.segment ? head.offset : 0
            let end = index == sourceHead.segment ? sourceHead.offset : try source.segmentSize(index)
            guard end > start else { continue }
            copied += try copySegmentRange(from: source, segment: index, start: start, end: end, create: index > head.segment)
        }
        try writeHead(sourceHead, replacing: head)
        let readBack = try readHead()
        guard readBack == sourceHead else {
            throw LedgerError.corrupt(file: PathNames.join(path, "head"), line: 1, reason: "the head read back differs from the head written")
        }
        return MirrorResult(firstSeq: head.seq + 1, lastSeq: sourceHead.seq, head: sourceHead, created: false, sourceLocked: false,
                            removedTailBytes: removed, copiedBytes: copied)
    }

    /// Checks that the destination's acknowledged lines (up to `head`) are byte for byte the
    /// source's first lines, segment by segment, and that the head matches them. Throws naming
    /// the destination's file, line and seq of the first differing line, or that it is longer.
    func checkMirrorPrefix(of source: Ledger, head: HeadRecord, sourceHead: HeadRecord) throws(LedgerError) {
        var linesBefore: Int64 = 0
        for index in 1...head.segment {
            let destinationEnd = index == head.segment ? head.offset : try segmentSize(index)
            let destinationSize = try segmentSize(index)
            guard destinationSize >= destinationEnd else {
                throw LedgerError.corrupt(file: PathNames.join(eventsPath, Ledger.segmentName(index)), line: 0,
                                          reason: "the segment is \(destinationSize) bytes but the head records \(destinationEnd): the copy is damaged; nothing was written")
            }
            let sourceEnd: Int64 = index < sourceHead.segment ? try source.segmentSize(index) : index == sourceHead.segment ? sourceHead.offset : 0
            let common = min(destinationEnd, sourceEnd)
            let compared = try compareMirrorBytes(source.segmentPath(index), segmentPath(index), length: common)
            let file = PathNames.join(eventsPath, Ledger.segmentName(index))
            if let at = compared.differsAt {
                let line = Int(compared.newlines) + 1
                throw LedgerError.corrupt(file: file, line: line, reason: "differs from the source \(source.path) (seq \(linesBefore + Int64(line)), byte \(at) of the segment): \(path) is not a prefix of the source; nothing was written")
            }
            if destinationEnd > sourceEnd {
                let line = Int(compared.newlines) + 1
                if index > sourceHead.segment || (index == sourceHead.segment && sourceEnd == sourceHead.offset) {
                    throw LedgerError.corrupt(file: file, line: line, reason: "\(path) holds \(head.seq) acknowledged lines, more than the source \(source.path) (\(sourceHead.seq)): it is not a prefix of the source; nothing was written")
                }
                throw LedgerError.corrupt(file: file, line: line, reason: "the source's segment ends before this line (seq \(linesBefore + Int64(line))): \(path) is not a prefix of the source; nothing was written")
            }
            if destinationEnd < sourceEnd && index < head.segment {
                let line = Int(compared.newlines) + 1
                throw LedgerError.corrupt(file: file, line: line, reason: "the segment ends where the source's goes on (seq \(linesBefore + Int64(line))): \(path) is not a prefix of the source; nothing was written")
            }
            linesBefore += compared.newlines
        }
        // The acknowledged bytes are the source's; the head must name their last line.
        guard linesBefore == head.seq, try lastLineHash(segment: head.segment, end: head.offset) == head.hash else {
            throw LedgerError.corrupt(file: PathNames.join(path, "head"), line: 1,
                                      reason: "the head (seq \(head.seq)) does not match the copy's \(linesBefore) lines: the copy is damaged; nothing was written")
        }
    }

    /// Bytes compared at a time.
    static let mirrorChunkBytes = 8 << 20

    /// Compares the first `length` bytes of two files. Returns the offset of the first differing
    /// byte (nil: equal; a file shorter than `length` differs where it ends) and the newlines in
    /// the second file before that offset (or in all `length` bytes).
    func compareMirrorBytes(_ sourceFile: String, _ destinationFile: String, length: Int64) throws(LedgerError) -> (differsAt: Int64?, newlines: Int64) {
        guard length > 0 else { return (nil, 0) }
        let chunk = Ledger.mirrorChunkBytes
        let a = UnsafeMutableRawPointer.allocate(byteCount: chunk, alignment: 64)
        let b = UnsafeMutableRawPointer.allocate(byteCount: chunk, alignment: 64)
        defer { a.deallocate(); b.deallocate() }
        do {
            let sourceFD = try SystemCalls.open(sourceFile, flags: O_RDONLY)
            defer { try? SystemCalls.close(sourceFD, path: sourceFile) }
            let destinationFD = try SystemCalls.open(destinationFile, flags: O_RDONLY)
            defer { try? SystemCalls.close(destinationFD, path: destinationFile) }
            var offset: Int64 = 0
            var newlines: Int64 = 0
            while offset < length {
                let want = Int(min(Int64(chunk), length - offset))
                let gotA = try SystemCalls.preadFully(sourceFD, into: a, count: want, offset: offset, path: sourceFile)
                let gotB = try SystemCalls.preadFully(destinationFD, into: b, count: want, offset: offset, path: destinationFile)
                let both = min(gotA, gotB)
                var differs = both < want ? both : -1
                if memcmp(a, b, both) != 0 {
                    var i = 0
                    while i < both && a.load(fromByteOffset: i, as: UInt8.self) == b.load(fromByteOffset: i, as: UInt8.self) { i += 1 }
                    differs = i
                }
                let counted = differs >= 0 ? differs : want
                newlines += Ledger.countNewlines(UnsafeRawBufferPointer(start: b, count: counted))
                if differs >= 0 { return (offset + Int64(differs), newlines) }
                offset += Int64(want)
            }
            assert(offset == length)
            return (nil, newlines)
        } catch {
            throw LedgerError.system(error)
        }
    }

    /// The number of LF bytes in `bytes`.
    static func countNewlines(_ bytes: UnsafeRawBufferPointer) -> Int64 {
        guard let base = bytes.baseAddress, bytes.count > 0 else { return 0 }
        var count: Int64 = 0
        var at = 0
        while at < bytes.count, let found = memchr(base + at, 0x0A, bytes.count - at) {
            count += 1
            at = base.distance(to: UnsafeRawPointer(found)) + 1
        }
        return count
    }

    /// Copies bytes `start ..< end` of the source's segment `segment` to the same place in the
    /// copy's (creating the file and fsyncing `events/` when `create`), fsyncs, reads them back
    /// and compares. Returns the bytes copied.
    func copySegmentRange(from source: Ledger, segment: Int, start: Int64, end: Int64, create: Bool) throws(LedgerError) -> Int64 {
        precondition(end > start && start >= 0)
        let sourceFile = source.segmentPath(segment)
        let file = segmentPath(segment)
        let chunk = Ledger.mirrorChunkBytes
        let buffer = UnsafeMutableRawPointer.allocate(byteCount: chunk, alignment: 64)
        defer { buffer.deallocate() }
        var checksums: [(length: Int, checksum: UInt64)] = []
        var lastByte: UInt8 = 0
        var lineBytes = 0  // bytes since the last LF, across chunks
        do {
            if create {
                guard segment <= Ledger.segmentCountMax else { throw LedgerError.invalidRequest("more than \(Ledger.segmentCountMax) segments") }
                let created = try SystemCalls.open(file, flags: O_WRONLY | O_CREAT | O_EXCL, mode: 0o644)
                try SystemCalls.close(created, path: file)
                try SystemCalls.fsyncDirectory(eventsPath)
            }
            let sourceFD = try SystemCalls.open(sourceFile, flags: O_RDONLY)
            defer { try? SystemCalls.close(sourceFD, path: sourceFile) }
            let fd = try SystemCalls.open(file, flags: O_RDWR)
            defer { try? SystemCalls.close(fd, path: file) }
            let before = try SystemCalls.fileSize(fd, path: file)
            guard before == start else {
                throw LedgerError.corrupt(file: file, line: 0, reason: "the segment is \(before) bytes where the copy continues at \(start)")
            }
            var offset = start
            while offset < end {
                let want = Int(min(Int64(chunk), end - offset))
                let got = try SystemCalls.preadFully(sourceFD, into: buffer, count: want, offset: offset, path: sourceFile)
                guard got == want else {
                    throw LedgerError.corrupt(file: sourceFile, line: 0, reason: "the source segment ended at byte \(offset + Int64(got)) while it was copied")
                }
                let bytes = UnsafeRawBufferPointer(start: buffer, count: want)
                // No line over the format's maximum.
                var at = 0
                while at < want {
                    guard let found = memchr(buffer + at, 0x0A, want - at) else { lineBytes += want - at; break }
                    let newline = buffer.distance(to: found)
                    lineBytes += newline - at
                    guard lineBytes <= Ledger.storedLineBytesMax else { break }
                    lineBytes = 0
                    at = newline + 1
                }
                guard lineBytes <= Ledger.storedLineBytesMax else {
                    throw LedgerError.corrupt(file: sourceFile, line: 0, reason: "a line longer than \(Ledger.storedLineBytesMax) bytes near byte \(offset)")
                }
                checksums.append((want, ChunkChecksum.of(bytes)))
                lastByte = bytes[want - 1]
                try SystemCalls.pwriteAll(fd, from: buffer, count: want, offset: offset, path: file)
                offset += Int64(want)
            }
            guard lastByte == 0x0A else {
                throw LedgerError.corrupt(file: sourceFile, line: 0, reason: "the bytes copied do not end with a whole line")
            }
            try SystemCalls.fsync(fd, path: file)
            // Read back and compare before the head moves over the bytes.
            offset = start
            for written in checksums {
                let got = try SystemCalls.preadFully(fd, into: buffer, count: written.length, offset: offset, path: file)
                guard got == written.length, ChunkChecksum.of(UnsafeRawBufferPointer(start: buffer, count: got)) == written.checksum else {
                    throw LedgerError.corrupt(file: file, line: 0, reason: "the bytes read back differ from the bytes written; the copy's head was not moved")
                }
                offset += Int64(written.length)
            }
            assert(offset == end, "the read-back covers the whole range")
            let after = try SystemCalls.fileSize(fd, path: file)
            guard after == end else {
                throw LedgerError.corrupt(file: file, line: 0, reason: "the segment is \(after) bytes after the copy, not \(end)")
            }
        } catch {
            throw LedgerError.wrapping(error)
        }
        return end - start
    }
}
