#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The validator's state at a position of the ledger as a file read in place,
/// `cache/ledger-state.bin`: what an append checks new input against (citizens, periods, job
/// orders, goals, publications, corrections) as sorted sections that are searched by reading the
/// pages a binary search needs, when it needs them, so that a one-event append reads a few pages
/// instead of loading the whole state. The lines after the index's position are replayed into a
/// small in-memory overlay (``LedgerState``). (Which period a retracted event opened or closed is not kept: it is read from
/// that event's line, found by a binary search, when a retraction needs it.)
///
/// A cache, never trusted over the ledger: it is used only when its header's checksum holds, it was
/// written by this very program (its build id), and the ledger continues its position. Every data
/// page has a SHA-256 in a table at the end of the file, and a page is checked against it before
/// anything in it is used; a page that fails marks the index damaged, and its user then rebuilds
/// the state from the ledger's lines (see ``isDamaged``). Pages are read with `pread` rather than
/// mapped: a disk that fails to read a page gives an error to handle (the index is then damaged),
/// where a mapping would end the process with SIGBUS at every append until the file is deleted;
/// and the reads go through ``SystemCalls``, where faults are injected. The file is replaced whole
/// (written to a temporary name, fsynced, read back, renamed), never changed in place, so the file
/// an append opened stays whole while another writer replaces it.
///
/// Layout (little-endian): page 0 holds the header: the text `CASELEDGER-VALIDATOR-INDEX 1\n`,
/// the header's length (32 bits), the header (kind, program, position as a checkpoint writes them;
/// the fold header; where the page digests begin; the number of data pages; per section its record
/// count and where its offsets and records lie; the SHA-256 of the page digests), then the SHA-256
/// of everything before it. From byte 4096 the sections, each its records, each a 32-bit key length,
/// the key and the value, in increasing byte order of the keys, then (at a multiple of 8 bytes)
/// (count + 1) 64-bit offsets of the records from the first. Then the page digests: 32 bytes for
/// each 4 KiB page from byte 4096 up to the digests.
public final class ValidatorIndex: @unchecked Sendable {
    /// The sections, in file order.
    enum Section: Int, CaseIterable {
        /// Registered citizens: key the pseudonym (8 bytes, big-endian), no value.
        case citizens
        /// The latest period of every key: key ``Key/period(_:)``, value ``Key/periodValue(_:)``.
        case periods
        /// Job orders received: key the order id, no value.
        case jobOrders
        /// Goals adopted: key the goal id, no value.
        case goals
        /// Publications: key the publication id, no value.
        case publications
        /// Retracted events: key the sequence number, no value.
        case retracted
        /// Correction events: key the sequence number, no value.
        case corrections
        /// Job order receipts: key the sequence number, value the order id.
        case orderBySeq
        /// Goal adoptions: key the sequence number, value the goal id.
        case goalBySeq
    }

    /// Where a section lies in the file: its records, then (at the next multiple of 8) its record offsets.
    struct Extent: Equatable {
        /// Records in the section.
        var count: Int
        /// File offset of its (count + 1) record offsets.
        var offsetsStart: Int
        /// File offset of its records (the record offsets count from here).
        var recordsStart: Int
        /// Bytes of records.
        var recordsBytes: Int

        /// The end of the section in the file (after its offsets).
        var end: Int { offsetsStart + (count + 1) * 8 }
    }

    static let magic = Array("CASELEDGER-VALIDATOR-INDEX 1\n".utf8)
    /// Bytes per checked page; page 0 is the header's.
    static let pageBytes = 4096
    /// Largest index file opened.
    static let fileBytesMax = 16 << 30
    /// The kind name: the file is `cache/ledger-state.bin`.
    public static let kind = "ledger-state"

    /// The program an index belongs to: the build id of this executable (the linker's note), so that
    /// a new build, whose validator may differ, rebuilds the index; the SHA-256 of the executable
    /// where there is no build id.
    public static let program: String? = SystemCalls.programBuildID().map { "build-id " + $0 } ?? Checkpoint.program.map { "sha256 " + $0 }

    /// Lines appended after the index's position before an append writes a new one (and the lines a
    /// ledger without an index has before an append writes one): few enough that replaying them is
    /// quick, many enough that the index (a rewrite of the whole state) is written rarely.
    /// `CASELEDGER_CHECKPOINT_AFTER_LINES` sets it (tests).
    public static let rewriteAfterLines: Int64 = Checkpoint.fixedRewriteAfterLines ?? 2_000

    /// The index file's path.
    public static func path(_ ledger: Ledger) -> String { Checkpoint.path(ledger, kind: kind) }

    /// The file, open for the index's life: its pages are read when first needed (through
    /// SystemCalls, so that a read error is an error to handle, and faults can be injected).
    private let fd: Int32
    private let file: String
    /// The pages read so far, each at its offset in the file: a private buffer of the file's size
    /// whose other pages are never touched (so they cost no memory). The header and the page
    /// digests are read when the index is opened.
    let address: UnsafeMutableRawPointer
    /// The file's size.
    let bytes: Int
    /// The position the index holds the state at.
    public let position: CheckpointPosition
    /// The ledger's identity and the head folded in (the same as ``position``).
    let fold: CheckpointFoldHeader
    let extents: [Extent]
    /// File offset of the page digests; the checked pages cover [pageBytes, digestsStart).
    let digestsStart: Int
    private let lock = Mutex()
    /// One bit per page: read, checked against its digest and found whole.
    private var trusted: [UInt64]
    private var damaged = false

    private init(fd: Int32, file: String, address: UnsafeMutableRawPointer, bytes: Int, position: CheckpointPosition,
                 fold: CheckpointFoldHeader, extents: [Extent], digestsStart: Int) {
        self.fd = fd
        self.file = file
        self.address = address
        self.bytes = bytes
        self.position = position
        self.fold = fold
        self.extents = extents
        self.digestsStart = digestsStart
        trusted = [UInt64](repeating: 0, count: (digestsStart / ValidatorIndex.pageBytes + 64) / 64)
    }

    deinit {
        address.deallocate()
        try? SystemCalls.close(fd, path: file)
    }

    /// Whether a page read so far failed its digest or could not be read (or held what the writer
    /// never writes): nothing looked up since may be trusted, and the state is to be rebuilt from
    /// the ledger.
    public var isDamaged: Bool { lock.locked { damaged } }

    /// Marks the index damaged: an answer it gave could not be completed (a line it relies on could not be read).
    func markDamaged() { lock.locked { damaged = true } }

    // MARK: Opening

    /// The ledger's index, when the file is there, whole in its header and page digests, written by
    /// `program`, and continued by the ledger up to `head`; nil otherwise (then the state is replayed).
    static func open(_ ledger: Ledger, head: HeadRecord, program: String? = ValidatorIndex.program) -> ValidatorIndex? {
        guard let program else { return nil }
        guard let index = load(path(ledger), program: program) else { return nil }
        guard (try? Checkpoint.continues(ledger, index.position, head: head)) == true else { return nil }
        return index
    }

    /// The index of an open file, when its header and page digests check out; nil otherwise (the
    /// caller closes the file and frees the buffer).
    private static func make(fd: Int32, file: String, address: UnsafeMutableRawPointer, bytes: Int, program: String) -> ValidatorIndex? {
        guard (try? SystemCalls.preadFully(fd, into: address, count: pageBytes, offset: 0, path: file)) == pageBytes else { return nil }
        let header = UnsafeRawBufferPointer(start: address, count: pageBytes)
        guard memcmp(address, magic, magic.count) == 0 else { return nil }
        let headerLength = Int(UInt32(littleEndian: header.loadUnaligned(fromByteOffset: magic.count, as: UInt32.self)))
        let headerEnd = magic.count + 4 + headerLength
        guard headerEnd + 32 <= pageBytes else { return nil }
        let digest = SHA256.hash(UnsafeRawBufferPointer(rebasing: header[0..<headerEnd]))
        guard digest == SHA256Digest(rawBytes: address + headerEnd) else { return nil }
        var r = BinaryReader(Array(header[(magic.count + 4)..<headerEnd]))
        do {
            guard let position = try Checkpoint.readIdentity(kind: kind, program: program, from: &r) else { return nil }
            let fold = try CheckpointFoldHeader(reading: &r)
            guard fold.headSeq == position.seq, fold.headHash == position.hash else { return nil }
            let digestsStart = try r.int()
            let pages = try r.int()
            let sectionCount = try r.int()
            guard digestsStart >= pageBytes, digestsStart <= bytes, sectionCount == Section.allCases.count,
                  pages == (digestsStart - pageBytes + pageBytes - 1) / pageBytes, digestsStart + pages * 32 == bytes else { return nil }
            var extents: [Extent] = []
            for _ in 0..<sectionCount {
                let extent = Extent(count: try r.int(), offsetsStart: try r.int(), recordsStart: try r.int(), recordsBytes: try r.int())
                guard extent.count >= 0, extent.count <= bytes, extent.recordsBytes >= 0, extent.recordsStart >= pageBytes,
                      extent.offsetsStart >= extent.recordsStart + extent.recordsBytes, extent.offsetsStart % 8 == 0,
                      extent.end <= digestsStart else { return nil }
                extents.append(extent)
            }
            let digestsDigest = SHA256Digest(bytes: try r.raw(32))
            guard r.atEnd else { return nil }
            let digestBytes = bytes - digestsStart
            if digestBytes > 0 {
                guard (try? SystemCalls.preadFully(fd, into: address + digestsStart, count: digestBytes, offset: Int64(digestsStart), path: file)) == digestBytes
                else { return nil }
            }
            guard SHA256.hash(UnsafeRawBufferPointer(start: address + digestsStart, count: digestBytes)) == digestsDigest else { return nil }
            return ValidatorIndex(fd: fd, file: file, address: address, bytes: bytes, position: position, fold: fold, extents: extents,
                                  digestsStart: digestsStart)
        } catch {
            return nil
        }
    }

    // MARK: Reading in place

    /// Whether the bytes [start, end) lie in checked pages, reading and checking those not checked
    /// yet (runs of them in one read); a page that cannot be read or fails its digest marks the
    /// index damaged.
    private func trust(_ start: Int, _ end: Int) -> Bool {
        guard start >= ValidatorIndex.pageBytes, start <= end, end <= digestsStart else {
            markDamaged()
            return false
        }
        if start == end { return true }
        let first = start / ValidatorIndex.pageBytes, last = (end - 1) / ValidatorIndex.pageBytes
        func isTrusted(_ page: Int) -> Bool { trusted[page >> 6] & (1 << UInt64(page & 63)) != 0 }
        return lock.locked { () -> Bool in
            guard !damaged else { return false }
            var page = first
            while page <= last {
                if isTrusted(page) {
                    page += 1
                    continue
                }
                var runEnd = page + 1
                while runEnd <= last && !isTrusted(runEnd) { runEnd += 1 }
                let readStart = page * ValidatorIndex.pageBytes
                let readBytes = min(runEnd * ValidatorIndex.pageBytes, digestsStart) - readStart
                guard (try? SystemCalls.preadFully(fd, into: address + readStart, count: readBytes, offset: Int64(readStart), path: file)) == readBytes else {
                    damaged = true
                    return false
                }
                page = runEnd
            }
            for page in first...last where !isTrusted(page) {
                let pageStart = page * ValidatorIndex.pageBytes
                let pageEnd = min(pageStart + ValidatorIndex.pageBytes, digestsStart)
                let digest = SHA256.hash(UnsafeRawBufferPointer(start: address + pageStart, count: pageEnd - pageStart))
                guard digest == SHA256Digest(rawBytes: address + digestsStart + (page - 1) * 32) else {
                    damaged = true
                    return false
                }
                trusted[page >> 6] |= 1 << UInt64(page & 63)
            }
            return true
        }
    }

    /// Record `i` of a section as its key and value, or nil when a page is damaged or the record is
    /// not one the writer makes (then the index is marked damaged too).
    private func record(_ extent: Extent, _ i: Int) -> (key: UnsafeRawBufferPointer, value: UnsafeRawBufferPointer)? {
        assert(i >= 0 && i < extent.count)
        let entry = extent.offsetsStart + i * 8
        guard trust(entry, entry + 16) else { return nil }
        let start = Int(UInt64(littleEndian: (address + entry).loadUnaligned(as: UInt64.self)))
        let end = Int(UInt64(littleEndian: (address + entry + 8).loadUnaligned(as: UInt64.self)))
        guard start >= 0, start + 4 <= end, end <= extent.recordsBytes else {
            markDamaged()
            return nil
        }
        guard trust(extent.recordsStart + start, extent.recordsStart + end) else { return nil }
        let base = address + extent.recordsStart + start
        let keyBytes = Int(UInt32(littleEndian: base.loadUnaligned(as: UInt32.self)))
        guard keyBytes <= end - start - 4 else {
            markDamaged()
            return nil
        }
        return (UnsafeRawBufferPointer(start: base + 4, count: keyBytes),
                UnsafeRawBufferPointer(start: base + 4 + keyBytes, count: end - start - 4 - keyBytes))
    }

    /// The value stored under `key` in a section, or nil when there is none (or the index is damaged:
    /// the caller checks ``isDamaged`` before trusting an answer).
    func value(_ section: Section, _ key: [UInt8]) -> [UInt8]? {
        let extent = extents[section.rawValue]
        var low = 0, high = extent.count
        while low < high {
            let middle = (low + high) / 2
            guard let found = record(extent, middle) else { return nil }
            switch ValidatorIndex.compare(found.key, key) {
            case .equal: return Array(found.value)
            case .less: low = middle + 1
            case .greater: high = middle
            }
        }
        return nil
    }

    /// Whether a section holds `key` (see ``value(_:_:)`` on damage).
    func contains(_ section: Section, _ key: [UInt8]) -> Bool { value(section, key) != nil }

    /// Calls `body` with every record of a section in key order; false when a page is damaged.
    func forEachRecord(_ section: Section, _ body: (UnsafeRawBufferPointer, UnsafeRawBufferPointer) -> Void) -> Bool {
        let extent = extents[section.rawValue]
        // The whole section at once: a few large reads instead of one per page.
        guard trust(extent.recordsStart, extent.end) else { return false }
        for i in 0..<extent.count {
            guard let found = record(extent, i) else { return false }
            body(found.key, found.value)
        }
        return true
    }

    /// Records in a section.
    func count(_ section: Section) -> Int { extents[section.rawValue].count }

    enum Order { case less, equal, greater }

    /// Byte-wise order of two keys, a shorter key before a longer one it begins.
    static func compare(_ a: UnsafeRawBufferPointer, _ b: [UInt8]) -> Order {
        b.withUnsafeBytes { b in compare(a, b) }
    }

    /// Byte-wise order of two keys.
    static func compare(_ a: UnsafeRawBufferPointer, _ b: UnsafeRawBufferPointer) -> Order {
        let common = min(a.count, b.count)
        let c = common == 0 ? 0 : memcmp(a.baseAddress!, b.baseAddress!, common)
        if c < 0 { return .less }
        if c > 0 { return .greater }
        return a.count < b.count ? .less : a.count == b.count ? .equal : .greater
    }

    // MARK: Writing

    /// A section being written in memory (to compare states): records added in increasing key order.
    struct SectionBuilder: Equatable {
        /// Where each record starts in ``records``, and where the last ends.
        var offsets: [UInt64] = [0]
        /// The records: 32-bit key length, key, value.
        var records: [UInt8] = []

        /// Records added.
        var count: Int { offsets.count - 1 }

        /// Adds a record whose key follows the last one's.
        mutating func add(_ key: UnsafeRawBufferPointer, _ value: UnsafeRawBufferPointer) {
            withUnsafeBytes(of: UInt32(key.count).littleEndian) { records.append(contentsOf: $0) }
            records.append(contentsOf: key)
            records.append(contentsOf: value)
            offsets.append(UInt64(records.count))
        }
    }

    /// The sections in memory, for ``LedgerState/indexSections()``.
    struct MemorySink: SectionSink {
        var sections: [SectionBuilder] = []
        var order = KeyOrder()
        mutating func beginSection() {
            sections.append(SectionBuilder())
            order = KeyOrder()
        }
        mutating func add(_ key: UnsafeRawBufferPointer, _ value: UnsafeRawBufferPointer) {
            order.check(key)
            sections[sections.count - 1].add(key, value)
        }
        mutating func endSection() {}
    }

    /// The last key of a section, to check that each key follows it (the binary search relies on it).
    struct KeyOrder {
        private var last: [UInt8] = []
        private var started = false

        /// Stops the program when `key` does not follow the last key checked.
        mutating func check(_ key: UnsafeRawBufferPointer) {
            if started { precondition(ValidatorIndex.compare(key, last) == .greater, "keys are added in increasing order, each once") }
            started = true
            last.removeAll(keepingCapacity: true)
            last.append(contentsOf: key)
        }
    }

    /// Writes an index file as the records come, so that the state is never held whole as bytes:
    /// data from byte 4096 in pages, each page's SHA-256 taken as it is written; then the page
    /// digests, and the header in page 0 last.
    struct FileWriter: SectionSink {
        let fd: Int32
        let path: String
        /// Bytes not yet written, from file offset ``written`` (a page boundary).
        private var pending: [UInt8] = []
        private var written = ValidatorIndex.pageBytes
        /// The SHA-256 of each page written, in order.
        private(set) var digests: [UInt8] = []
        private(set) var extents: [Extent] = []
        private var offsets: [UInt64] = []
        private var recordsStart = 0
        private var order = KeyOrder()
        /// The first write that failed; nothing is written after it.
        private(set) var failure: SystemError?

        init(fd: Int32, path: String) {
            self.fd = fd
            self.path = path
            pending.reserveCapacity(ValidatorIndex.writeBytes + ValidatorIndex.pageBytes)
        }

        /// The file offset of the next byte.
        var position: Int { written + pending.count }

        mutating func beginSection() {
            offsets = [0]
            recordsStart = position
            order = KeyOrder()
        }

        mutating func add(_ key: UnsafeRawBufferPointer, _ value: UnsafeRawBufferPointer) {
            order.check(key)
            withUnsafeBytes(of: UInt32(key.count).littleEndian) { pending.append(contentsOf: $0) }
            pending.append(contentsOf: key)
            pending.append(contentsOf: value)
            offsets.append(UInt64(position - recordsStart))
            if pending.count >= ValidatorIndex.writeBytes { flush(last: false) }
        }

        mutating func endSection() {
            let recordsBytes = position - recordsStart
            while position % 8 != 0 { pending.append(0) }
            let offsetsStart = position
            for offset in offsets {
                withUnsafeBytes(of: offset.littleEndian) { pending.append(contentsOf: $0) }
                if pending.count >= ValidatorIndex.writeBytes { flush(last: false) }
            }
            extents.append(Extent(count: offsets.count - 1, offsetsStart: offsetsStart, recordsStart: recordsStart, recordsBytes: recordsBytes))
            assert(extents.last!.end == position)
        }

        /// Writes the whole pages pending (and with `last`, the final partial page), taking their digests.
        private mutating func flush(last: Bool) {
            let count = last ? pending.count : pending.count / ValidatorIndex.pageBytes * ValidatorIndex.pageBytes
            guard count > 0, failure == nil else { return }
            pending.withUnsafeBytes { bytes in
                for start in stride(from: 0, to: count, by: ValidatorIndex.pageBytes) {
                    let page = UnsafeRawBufferPointer(rebasing: bytes[start..<min(start + ValidatorIndex.pageBytes, count)])
                    digests.append(contentsOf: SHA256.hash(page).bytes)
                }
            }
            var result: Result<Void, SystemError> = .success(())
            pending.withUnsafeBytes { bytes in
                result = Result { () throws(SystemError) in
                    try SystemCalls.pwriteAll(fd, from: bytes.baseAddress!, count: count, offset: Int64(written), path: path)
                }
            }
            if case .failure(let error) = result { failure = error }
            pending.removeFirst(count)
            written += count
        }

        /// Writes the rest, the page digests and the header; nil when the header does not fit its
        /// page (a jobcenter name of thousands of bytes: then no index is kept). Throws the first
        /// write that failed.
        mutating func finish(fold: CheckpointFoldHeader, position checkpoint: CheckpointPosition, program: String) throws(SystemError) -> Bool {
            precondition(extents.count == Section.allCases.count, "every section is written")
            flush(last: true)
            if let failure { throw failure }
            let digestsStart = written
            let pages = digests.count / 32
            assert(pages == (digestsStart - ValidatorIndex.pageBytes + ValidatorIndex.pageBytes - 1) / ValidatorIndex.pageBytes)
            guard let header = ValidatorIndex.header(extents: extents, digestsStart: digestsStart, digests: digests, fold: fold,
                                                     position: checkpoint, program: program) else { return false }
            try SystemCalls.pwriteAll(fd, bytes: digests, offset: Int64(digestsStart), path: path)
            try SystemCalls.pwriteAll(fd, bytes: header, offset: 0, path: path)
            return true
        }
    }

    /// Bytes written at a time while an index is written.
    static let writeBytes = 1 << 20

    /// Page 0 of an index file (the header, its checksum, zeros), or nil when the header does not fit.
    static func header(extents: [Extent], digestsStart: Int, digests: [UInt8], fold: CheckpointFoldHeader,
                       position: CheckpointPosition, program: String) -> [UInt8]? {
        var header = BinaryWriter()
        Checkpoint.writeIdentity(kind: kind, program: program, position: position, to: &header)
        fold.write(to: &header)
        header.int(digestsStart)
        header.int(digests.count / 32)
        header.int(extents.count)
        for extent in extents {
            header.int(extent.count)
            header.int(extent.offsetsStart)
            header.int(extent.recordsStart)
            header.int(extent.recordsBytes)
        }
        header.raw(SHA256.hash(digests).bytes)
        var page = magic
        withUnsafeBytes(of: UInt32(header.bytes.count).littleEndian) { page.append(contentsOf: $0) }
        page.append(contentsOf: header.bytes)
        page.append(contentsOf: SHA256.hash(page).bytes)
        guard page.count <= pageBytes else { return nil }
        page.append(contentsOf: [UInt8](repeating: 0, count: pageBytes - page.count))
        return page
    }

    /// Writes the index of `state` (at `head`) for the ledger: to a temporary file as the state's
    /// sections are merged, fsynced, read back (its header, and every page against its digest),
    /// renamed over the old one, and the directory fsynced. Best effort: an index that cannot be
    /// written (no space, a read-only copy) is skipped and the next append replays more. Returns
    /// whether it was written. Called under the writer lock (or where no other writer can run):
    /// temporary files of earlier writers of the index, which died before renaming theirs, are
    /// removed first.
    @discardableResult
    public static func save(_ state: LedgerState, to ledger: Ledger, head: HeadRecord, program: String? = ValidatorIndex.program) -> Bool {
        guard let program, state.headSeq == head.seq, state.headHash == head.hash else { return false }
        let position = Checkpoint.position(head: head, recordedAt: state.headRecordedAt)
        let directory = Checkpoint.directory(ledger)
        let file = path(ledger)
        let temporary = file + ".tmp-" + String(getpid())
        do {
            try SystemCalls.mkdir(directory, allowExisting: true)
            let stalePrefix = kind + ".bin.tmp-"
            for name in (try? SystemCalls.listDirectory(directory)) ?? [] where name.hasPrefix(stalePrefix) {
                try? SystemCalls.unlink(PathNames.join(directory, name))
            }
            let fd = try SystemCalls.open(temporary, flags: O_WRONLY | O_CREAT | O_TRUNC)
            var writer = FileWriter(fd: fd, path: temporary)
            let whole: Bool
            let written: Bool
            do {
                whole = state.writeSections(to: &writer)
                written = whole ? try writer.finish(fold: state.foldHeader, position: position, program: program) : false
                if written { try SystemCalls.fsync(fd, path: temporary) }
                try SystemCalls.close(fd, path: temporary)
            } catch {
                try? SystemCalls.close(fd, path: temporary)
                throw error
            }
            guard written else {
                try? SystemCalls.unlink(temporary)
                // The index the state was read from is damaged: it goes, and the next append rebuilds.
                if !whole { remove(ledger) }
                return false
            }
            // Read back: what is renamed into place opens as this position's index, page by page whole.
            guard readsBack(temporary, position: position, program: program) else {
                throw SystemError(call: "read", path: temporary, errno: EIO)
            }
            try SystemCalls.rename(temporary, to: file)
            try SystemCalls.fsyncDirectory(directory)
            return true
        } catch {
            try? SystemCalls.unlink(temporary)
            return false
        }
    }

    /// The index in the file at `file` when its size is within bounds and its header and page digests
    /// are whole and name `program`; nil otherwise. Pages are read on first use.
    private static func load(_ file: String, program: String) -> ValidatorIndex? {
        guard let fd = try? SystemCalls.open(file, flags: O_RDONLY) else { return nil }
        guard let size = try? SystemCalls.fileSize(fd, path: file), size >= Int64(pageBytes), size <= Int64(fileBytesMax) else {
            try? SystemCalls.close(fd, path: file)
            return nil
        }
        let buffer = UnsafeMutableRawPointer.allocate(byteCount: Int(size), alignment: pageBytes)
        guard let index = make(fd: fd, file: file, address: buffer, bytes: Int(size), program: program) else {
            buffer.deallocate()
            try? SystemCalls.close(fd, path: file)
            return nil
        }
        return index
    }

    /// Whether the file at `path` opens as the index of `position` and every page matches its digest.
    static func readsBack(_ path: String, position: CheckpointPosition, program: String) -> Bool {
        guard let index = load(path, program: program) else { return false }
        return index.position == position && index.checkEveryPage()
    }

    /// Whether every page reads and matches its digest, read in pieces into a scratch buffer (the
    /// pages are not kept: this is the writer's read-back, not a lookup).
    func checkEveryPage() -> Bool {
        let scratch = UnsafeMutableRawPointer.allocate(byteCount: ValidatorIndex.writeBytes, alignment: ValidatorIndex.pageBytes)
        defer { scratch.deallocate() }
        var start = ValidatorIndex.pageBytes
        while start < digestsStart {
            let count = min(ValidatorIndex.writeBytes, digestsStart - start)
            guard (try? SystemCalls.preadFully(fd, into: scratch, count: count, offset: Int64(start), path: file)) == count else { return false }
            for offset in stride(from: 0, to: count, by: ValidatorIndex.pageBytes) {
                let page = (start + offset) / ValidatorIndex.pageBytes
                let digest = SHA256.hash(UnsafeRawBufferPointer(start: scratch + offset, count: min(ValidatorIndex.pageBytes, count - offset)))
                guard digest == SHA256Digest(rawBytes: address + digestsStart + (page - 1) * 32) else { return false }
            }
            start += count
        }
        return true
    }

    /// Removes the ledger's index (best effort), so that no later command reads a damaged one.
    static func remove(_ ledger: Ledger) {
        try? SystemCalls.unlink(path(ledger))
    }
}

/// Where a state's sections go as they are merged (``LedgerState/writeSections(to:)``): the index
/// file, or memory.
protocol SectionSink {
    /// Starts the next section (in ``ValidatorIndex/Section`` order).
    mutating func beginSection()
    /// Adds a record whose key follows the section's last one.
    mutating func add(_ key: UnsafeRawBufferPointer, _ value: UnsafeRawBufferPointer)
    /// Ends the section.
    mutating func endSection()
}

extension ValidatorIndex {
    /// How the state's keys and values are written as bytes: keys so that byte order is a total
    /// order (big-endian numbers, length-prefixed strings where another field follows).
    enum Key {
        /// A sequence number (at least 1), big-endian.
        static func seq(_ seq: Int64) -> [UInt8] { withUnsafeBytes(of: UInt64(bitPattern: seq).bigEndian) { Array($0) } }

        /// A pseudonym, big-endian.
        static func citizen(_ citizen: Pseudonym) -> [UInt8] { withUnsafeBytes(of: citizen.value.bigEndian) { Array($0) } }

        /// A text id, its UTF-8.
        static func text(_ text: String) -> [UInt8] { Array(text.utf8) }

        /// A period key: the citizen (8 bytes, big-endian), the kind's length (32 bits, big-endian)
        /// and UTF-8, then the key's UTF-8.
        static func period(_ key: LedgerState.PeriodKey) -> [UInt8] {
            var bytes = citizen(key.citizen)
            let kind = Array(key.kind.utf8)
            withUnsafeBytes(of: UInt32(kind.count).bigEndian) { bytes.append(contentsOf: $0) }
            bytes.append(contentsOf: kind)
            bytes.append(contentsOf: key.key.utf8)
            return bytes
        }

        /// Bytes of a period value.
        static let periodValueBytes = 25

        /// A period's start day and sequence number, and its end (a closed flag, day and sequence number).
        static func periodValue(_ period: LedgerState.PeriodState) -> [UInt8] {
            var w = BinaryWriter()
            w.int32(period.start.ordinal)
            w.int64(period.startSeq)
            w.bool(period.end != nil)
            w.int32(period.end?.ordinal ?? 0)
            w.int64(period.endSeq ?? 0)
            assert(w.bytes.count == periodValueBytes)
            return w.bytes
        }

        /// The period that ``periodValue(_:)`` wrote, or nil when the bytes are not one.
        static func period(value bytes: [UInt8]) -> LedgerState.PeriodState? {
            guard bytes.count == periodValueBytes else { return nil }
            var r = BinaryReader(bytes)
            guard let start = try? r.int32(), let startSeq = try? r.int64(), let closed = try? r.uint8(),
                  let end = try? r.int32(), let endSeq = try? r.int64(), closed <= 1 else { return nil }
            return LedgerState.PeriodState(start: Day(ordinal: start), startSeq: startSeq,
                                           end: closed == 1 ? Day(ordinal: end) : nil, endSeq: closed == 1 ? endSeq : nil)
        }
    }
}
