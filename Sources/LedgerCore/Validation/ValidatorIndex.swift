#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The validator's state at a position of the ledger as a file read in place,
/// `cache/ledger-state.bin`: what an append checks new input against (citizens, periods, job
/// orders, goals, publications, corrections) as sorted sections that are searched by reading the
/// pages a binary search needs, when it needs them, so that a one-event append reads a few pages
/// instead of loading the whole state. The lines after the index's position are replayed into a small in-memory overlay
/// (``LedgerState``). (Which period a retracted event opened or closed is not kept: it is read from
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
/// of everything before it. From byte 4096 the sections, each an array of (count + 1) 64-bit offsets
/// into its records followed by the records, each a 32-bit key length, the key and the value, in
/// increasing byte order of the keys. Then the page digests: 32 bytes for each 4 KiB page from
/// byte 4096 up to the digests.
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

    /// Where a section lies in the file.
    struct Extent {
        /// Records in the section.
        var count: Int
        /// File offset of its (count + 1) record offsets.
        var offsetsStart: Int
        /// File offset of its records (the record offsets count from here).
        var recordsStart: Int
        /// Bytes of records.
        var recordsBytes: Int
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
        let file = path(ledger)
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
                guard extent.count >= 0, extent.recordsBytes >= 0, extent.offsetsStart >= pageBytes,
                      extent.recordsStart == extent.offsetsStart + (extent.count + 1) * 8,
                      extent.recordsStart + extent.recordsBytes <= digestsStart else { return nil }
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
        guard trust(extent.offsetsStart, extent.recordsStart + extent.recordsBytes) else { return false }
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

    /// A section being written: records added in increasing key order.
    struct SectionBuilder: Equatable {
        /// Where each record starts in ``records``, and where the last ends.
        var offsets: [UInt64] = [0]
        /// The records: 32-bit key length, key, value.
        var records: [UInt8] = []
        /// The last key added (keys must increase).
        private var lastKey: [UInt8]? = nil

        /// Records added.
        var count: Int { offsets.count - 1 }

        /// Adds a record whose key follows the last one's.
        mutating func add(_ key: UnsafeRawBufferPointer, _ value: UnsafeRawBufferPointer) {
            if let lastKey { precondition(ValidatorIndex.compare(key, lastKey) == .greater, "keys are added in increasing order, each once") }
            lastKey = Array(key)
            withUnsafeBytes(of: UInt32(key.count).littleEndian) { records.append(contentsOf: $0) }
            records.append(contentsOf: key)
            records.append(contentsOf: value)
            offsets.append(UInt64(records.count))
        }

        /// Adds a record whose key follows the last one's.
        mutating func add(_ key: [UInt8], _ value: [UInt8]) {
            key.withUnsafeBytes { k in value.withUnsafeBytes { v in add(k, v) } }
        }
    }

    /// The index file's bytes for the state `sections` hold at `position`, or nil when the header
    /// does not fit its page (a jobcenter name of thousands of bytes: then no index is kept).
    static func encode(sections: [SectionBuilder], fold: CheckpointFoldHeader, position: CheckpointPosition, program: String) -> [UInt8]? {
        precondition(sections.count == Section.allCases.count, "every section is given")
        var file = [UInt8](repeating: 0, count: pageBytes)
        var extents: [Extent] = []
        for section in sections {
            while file.count % 8 != 0 { file.append(0) }
            let offsetsStart = file.count
            for offset in section.offsets { withUnsafeBytes(of: offset.littleEndian) { file.append(contentsOf: $0) } }
            extents.append(Extent(count: section.count, offsetsStart: offsetsStart, recordsStart: file.count, recordsBytes: section.records.count))
            file.append(contentsOf: section.records)
        }
        let digestsStart = file.count
        let pages = (digestsStart - pageBytes + pageBytes - 1) / pageBytes
        var digests: [UInt8] = []
        digests.reserveCapacity(pages * 32)
        file.withUnsafeBytes { all in
            for page in stride(from: 1, through: pages, by: 1) {
                let start = page * pageBytes
                digests.append(contentsOf: SHA256.hash(UnsafeRawBufferPointer(rebasing: all[start..<min(start + pageBytes, digestsStart)])).bytes)
            }
        }
        var header = BinaryWriter()
        Checkpoint.writeIdentity(kind: kind, program: program, position: position, to: &header)
        fold.write(to: &header)
        header.int(digestsStart)
        header.int(pages)
        header.int(extents.count)
        for extent in extents {
            header.int(extent.count)
            header.int(extent.offsetsStart)
            header.int(extent.recordsStart)
            header.int(extent.recordsBytes)
        }
        header.raw(SHA256.hash(digests).bytes)
        var head = magic
        withUnsafeBytes(of: UInt32(header.bytes.count).littleEndian) { head.append(contentsOf: $0) }
        head.append(contentsOf: header.bytes)
        head.append(contentsOf: SHA256.hash(head).bytes)
        guard head.count <= pageBytes else { return nil }
        file.replaceSubrange(0..<head.count, with: head)
        file.append(contentsOf: digests)
        return file
    }

    /// Writes the index of `state` (at `head`) for the ledger: to a temporary file, fsynced, read back
    /// and compared, renamed over the old one, and the directory fsynced. Best effort: an index that
    /// cannot be written (no space, a read-only copy) is skipped and the next append replays more.
    /// Returns whether it was written.
    @discardableResult
    public static func save(_ state: LedgerState, to ledger: Ledger, head: HeadRecord, program: String? = ValidatorIndex.program) -> Bool {
        guard let program, state.headSeq == head.seq, state.headHash == head.hash else { return false }
        guard let sections = state.indexSections() else {
            // The index the state was read from is damaged: it goes, and the next append rebuilds.
            remove(ledger)
            return false
        }
        let position = Checkpoint.position(head: head, recordedAt: state.headRecordedAt)
        guard let bytes = encode(sections: sections, fold: state.foldHeader, position: position, program: program) else { return false }
        let directory = Checkpoint.directory(ledger)
        let file = path(ledger)
        let temporary = file + ".tmp-" + String(getpid())
        do {
            try SystemCalls.mkdir(directory, allowExisting: true)
            let fd = try SystemCalls.open(temporary, flags: O_WRONLY | O_CREAT | O_TRUNC)
            do {
                try SystemCalls.pwriteAll(fd, bytes: bytes, offset: 0, path: temporary)
                try SystemCalls.fsync(fd, path: temporary)
                try SystemCalls.close(fd, path: temporary)
            } catch {
                try? SystemCalls.close(fd, path: temporary)
                throw error
            }
            // Read back: what is renamed into place is what was meant.
            guard try SystemCalls.readFile(temporary, bytesMax: bytes.count) == bytes else {
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

    /// Removes the ledger's index (best effort), so that no later command reads a damaged one.
    static func remove(_ ledger: Ledger) {
        try? SystemCalls.unlink(path(ledger))
    }
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
