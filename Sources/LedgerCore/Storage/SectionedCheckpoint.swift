#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A checkpoint stored in sections that can be read one at a time: the projections' fold, split
/// by citizen (and order, company) into partitions, so that a report after a few new events reads
/// only the partitions those events touch instead of the whole fold.
///
/// Like ``Checkpoint``, it is a cache, never a source of truth: it is used only when the ledger
/// still continues its position and every part read checks against its SHA-256; otherwise it is
/// ignored and the fold is rebuilt from the lines. It is tied to the program that wrote it.
///
/// File layout: the text `CASELEDGER-CHECKPOINT-SECTIONS 1\n`, the kind, the program's fingerprint,
/// the position (seq, hash, recorded-at, segment, offset), the number of sections and each
/// section's length and SHA-256, then the SHA-256 of everything before it (the header's digest),
/// then the sections' bytes, one after another.
public enum SectionedCheckpoint {
    static let magic = Array("CASELEDGER-CHECKPOINT-SECTIONS 1\n".utf8)
    /// Most sections in one checkpoint.
    public static let sectionsMax = 4096
    /// Bytes read first when opening (a header of up to about 1,500 sections fits).
    static let headerReadBytes = 64 << 10

    /// Encodes a checkpoint of `sections`.
    public static func encode(kind: String, program: String, position: CheckpointPosition, sections: [[UInt8]]) -> [UInt8] {
        precondition(sections.count <= sectionsMax, "too many checkpoint sections")
        var w = BinaryWriter()
        w.raw(magic)
        Checkpoint.writeIdentity(kind: kind, program: program, position: position, to: &w)
        w.int(sections.count)
        for section in sections {
            w.int(section.count)
            w.raw(SHA256.hash(section).bytes)
        }
        w.raw(SHA256.hash(w.bytes).bytes)
        let headerBytes = w.bytes.count
        var bytes = w.bytes
        bytes.reserveCapacity(headerBytes + sections.reduce(0) { $0 + $1.count })
        for section in sections { bytes.append(contentsOf: section) }
        return bytes
    }

    /// Where a section lies in the file and what it must hash to.
    struct SectionEntry: Sendable {
        var offset: Int64
        var length: Int
        var digest: [UInt8]
    }

    /// A checkpoint file whose header checked: its position, and its sections, read on demand.
    public struct Opened: Sendable {
        /// Where the checkpoint stands.
        public let position: CheckpointPosition
        /// The file.
        let path: String
        let sections: [SectionEntry]

        /// The number of sections.
        public var sectionCount: Int { sections.count }

        /// Reads sections (by index) in one pass over the file; nil when one cannot be read or
        /// does not match its digest (then the whole checkpoint is to be ignored).
        public func read(_ indexes: [Int]) -> [Int: BinaryReader]? {
            guard indexes.allSatisfy({ $0 >= 0 && $0 < sections.count }) else { return nil }
            guard let fd = try? SystemCalls.open(path, flags: O_RDONLY) else { return nil }
            defer { try? SystemCalls.close(fd, path: path) }
            var result: [Int: BinaryReader] = [:]
            for index in Set(indexes).sorted() {
                let entry = sections[index]
                var bytes = [UInt8](repeating: 0, count: entry.length)
                let path = self.path
                guard let n = entry.length == 0 ? 0 : try? SystemCalls.withBuffer(&bytes, { (base) throws(SystemError) -> Int in
                    try SystemCalls.preadFully(fd, into: base, count: entry.length, offset: entry.offset, path: path)
                }), n == entry.length, SHA256.hash(bytes).bytes == entry.digest else { return nil }
                result[index] = BinaryReader(bytes)
            }
            assert(result.count == Set(indexes).count)
            return result
        }

        /// Reads every section; nil as for ``read(_:)``.
        public func readAll() -> [BinaryReader]? {
            guard let found = read(Array(0..<sections.count)) else { return nil }
            return (0..<sections.count).map { found[$0]! }
        }
    }

    /// Decodes a header from the first bytes of a file of `fileSize` bytes; nil when it is not a
    /// sectioned checkpoint of `kind` by `program`, its header digest fails, or its sections do not
    /// exactly fill the file. `needed` is set when the header is longer than `bytes`.
    static func decodeHeader(_ bytes: [UInt8], fileSize: Int64, kind: String, program: String, path: String,
                             needed: inout Int) -> Opened? {
        guard bytes.count > magic.count + 32, Array(bytes.prefix(magic.count)) == magic else { return nil }
        var r = BinaryReader(bytes, position: magic.count)
        do {
            guard let position = try Checkpoint.readIdentity(kind: kind, program: program, from: &r) else { return nil }
            let count = try r.int()
            guard count >= 0, count <= sectionsMax else { return nil }
            let headerEnd = r.position + count * 40 + 32
            guard headerEnd <= bytes.count else {
                needed = headerEnd
                return nil
            }
            var lengths: [(Int, [UInt8])] = []
            for _ in 0..<count {
                let length = try r.int()
                guard length >= 0 else { return nil }
                lengths.append((length, try r.raw(32)))
            }
            let digest = bytes.withUnsafeBytes { SHA256.hash(UnsafeRawBufferPointer(rebasing: $0[0..<r.position])) }
            guard digest.bytes == (try r.raw(32)) else { return nil }
            assert(r.position == headerEnd)
            var sections: [SectionEntry] = []
            var at = Int64(headerEnd)
            for (length, digest) in lengths {
                sections.append(SectionEntry(offset: at, length: length, digest: digest))
                at += Int64(length)
            }
            guard at == fileSize else { return nil }
            return Opened(position: position,
                          path: path, sections: sections)
        } catch {
            return nil
        }
    }

    /// Opens a kind's sectioned checkpoint if present, its header whole and its position continued
    /// by the ledger up to `head`. Reads only the header.
    public static func open(_ ledger: Ledger, kind: String, head: HeadRecord) -> Opened? {
        let file = Checkpoint.path(ledger, kind: kind)
        guard let program = Checkpoint.program, SystemCalls.exists(file),
              let fd = try? SystemCalls.open(file, flags: O_RDONLY) else { return nil }
        defer { try? SystemCalls.close(fd, path: file) }
        // An empty file (a power cut before the unsynced cache write landed) is no checkpoint.
        guard let size = try? SystemCalls.fileSize(fd, path: file), size > 0, size <= Int64(Checkpoint.fileBytesMax) else { return nil }
        var want = Int(min(size, Int64(headerReadBytes)))
        for _ in 0..<2 {
            var bytes = [UInt8](repeating: 0, count: want)
            let count = want
            guard let n = try? SystemCalls.withBuffer(&bytes, { (base) throws(SystemError) -> Int in
                try SystemCalls.preadFully(fd, into: base, count: count, offset: 0, path: file)
            }), n == count else { return nil }
            var needed = 0
            if let opened = decodeHeader(bytes, fileSize: size, kind: kind, program: program, path: file, needed: &needed) {
                guard (try? Checkpoint.continues(ledger, opened.position, head: head)) == true else { return nil }
                return opened
            }
            guard needed > want, Int64(needed) <= size else { return nil }
            want = needed
        }
        return nil
    }

    /// Writes a kind's sectioned checkpoint (best effort, as ``Checkpoint/write(_:kind:position:payload:)``).
    public static func write(_ ledger: Ledger, kind: String, position: CheckpointPosition, sections: [[UInt8]]) {
        guard let program = Checkpoint.program else { return }
        let bytes = encode(kind: kind, program: program, position: position, sections: sections)
        try? SystemCalls.mkdir(Checkpoint.directory(ledger), allowExisting: true)
        try? SystemCalls.writeCacheFile(Checkpoint.path(ledger, kind: kind), bytes: bytes)
    }
}
