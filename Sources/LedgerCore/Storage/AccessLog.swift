#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// One use of personal data: who looked at which citizens behind which number, and why.
public struct AccessRecord: Sendable, Equatable {
    /// 1-based sequence number in the access log.
    public var seq: Int64
    /// When.
    public var recordedAt: Timestamp
    /// Who (the `--user` given).
    public var user: String
    /// Why (the `--purpose` given).
    public var purpose: String
    /// What was explained, e.g. `M1 at 2014-12-31, jobcenter`.
    public var subject: String
    /// The pseudonyms shown.
    public var citizens: [Pseudonym]
}

/// The ledger's access log: `access/access-log.jsonl`, append-only and hash-chained like the event
/// files (each line's hash is SHA-256 over the bytes before `,"hash":`), one record per `explain`.
///
/// A record is written and fsynced before anything it describes is shown; a torn last line (a write
/// cut by a crash) shows nothing was shown, and the next write removes it.
public struct AccessLog: Sendable {
    /// The ledger directory.
    public let ledgerPath: String

    /// Most bytes in one access record line.
    public static let lineBytesMax = 4 << 20

    /// Opens the access log of a ledger (the file is created on first write).
    public init(ledger: Ledger) { self.ledgerPath = ledger.path }

    var directory: String { PathNames.join(ledgerPath, "access") }
    /// The log file's path.
    public var path: String { PathNames.join(directory, "access-log.jsonl") }
    var lockPath: String { PathNames.join(directory, "lock") }

    /// Encodes a record's line (with hash and newline); returns its hash.
    static func encode(_ r: AccessRecord, prev: SHA256Digest, to out: inout [UInt8]) -> SHA256Digest {
        let start = out.count
        out.append(contentsOf: #"{"seq":"#.utf8)
        out.append(contentsOf: String(r.seq).utf8)
        out.append(contentsOf: #","recorded_at":""#.utf8)
        out.append(contentsOf: r.recordedAt.iso.utf8)
        out.append(contentsOf: #"","user":"#.utf8)
        CanonicalEncoder.appendString(r.user, to: &out)
        out.append(contentsOf: #","purpose":"#.utf8)
        CanonicalEncoder.appendString(r.purpose, to: &out)
        out.append(contentsOf: #","subject":"#.utf8)
        CanonicalEncoder.appendString(r.subject, to: &out)
        out.append(contentsOf: #","citizens":["#.utf8)
        for (i, c) in r.citizens.enumerated() {
            if i > 0 { out.append(UInt8(ascii: ",")) }
            CanonicalEncoder.appendString(c.text, to: &out)
        }
        out.append(contentsOf: #"],"prev":""#.utf8)
        out.append(contentsOf: prev.hex.utf8)
        out.append(UInt8(ascii: "\""))
        let hash = out.withUnsafeBytes { SHA256.hash(UnsafeRawBufferPointer(rebasing: $0[start...])) }
        out.append(contentsOf: #","hash":""#.utf8)
        out.append(contentsOf: hash.hex.utf8)
        out.append(contentsOf: "\"}\n".utf8)
        return hash
    }

    /// Reads and checks every record: hashes, chain, sequence. Returns the records, the last hash,
    /// the byte length of the complete records and of a torn last line (not counted).
    public func read() throws(LedgerError) -> (records: [AccessRecord], lastHash: SHA256Digest, validBytes: Int64, tornBytes: Int64) {
        guard SystemCalls.exists(path) else { return ([], .zero, 0, 0) }
        let bytes: [UInt8]
        do { bytes = try SystemCalls.readFile(path, bytesMax: 1 << 32) } catch { throw LedgerError.system(error) }
        var records: [AccessRecord] = []
        var previous = SHA256Digest.zero
        var start = 0
        var lineNumber = 0
        while start < bytes.count {
            guard let newline = bytes[start...].firstIndex(of: 0x0A) else {
                // A torn write leaves the beginning of a record (section 5a); anything else is damage.
                guard AccessLog.couldBeginRecord(bytes[start...], seq: Int64(records.count) + 1, prev: previous) else {
                    throw LedgerError.corrupt(file: "access/access-log.jsonl", line: lineNumber + 1, reason: "the last line has no newline and cannot be the beginning of record \(records.count + 1) (a torn write leaves one): the log was damaged")
                }
                return (records, previous, Int64(start), Int64(bytes.count - start))
            }
            lineNumber += 1
            let line = Array(bytes[start..<newline])
            start = newline + 1
            let record = try decode(line, lineNumber: lineNumber)
            guard record.seq == Int64(records.count) + 1 else {
                throw LedgerError.corrupt(file: "access/access-log.jsonl", line: lineNumber, reason: "sequence number \(record.seq) where \(records.count + 1) was expected")
            }
            var encoded: [UInt8] = []
            let hash = AccessLog.encode(record, prev: previous, to: &encoded)
            guard encoded.dropLast() == line[...] else {
                throw LedgerError.corrupt(file: "access/access-log.jsonl", line: lineNumber, reason: "the record was altered (its hash or chain does not match)")
            }
            previous = hash
            records.append(record)
        }
        return (records, previous, Int64(bytes.count), 0)
    }

    func decode(_ line: [UInt8], lineNumber: Int) throws(LedgerError) -> AccessRecord {
        func fail(_ reason: String) -> LedgerError { .corrupt(file: "access/access-log.jsonl", line: lineNumber, reason: reason) }
        let value: JSONValue
        do { value = try JSONParser.parse(line) } catch { throw fail("unreadable record: \(error)") }
        guard case .object(let members) = value else { throw fail("not an object") }
        var fields: [String: JSONValue] = [:]
        for (k, v) in members { fields[k] = v }
        guard case .number(let seqText)? = fields["seq"], let seq = Int64(seqText),
              case .string(let recordedText)? = fields["recorded_at"], let recordedAt = Timestamp(iso: recordedText),
              case .string(let user)? = fields["user"], case .string(let purpose)? = fields["purpose"],
              case .string(let subject)? = fields["subject"], case .array(let list)? = fields["citizens"] else {
            throw fail("a field is missing or of the wrong type")
        }
        var citizens: [Pseudonym] = []
        for item in list {
            guard case .string(let s) = item, let p = Pseudonym(s) else { throw fail("citizens holds something that is not a pseudonym") }
            citizens.append(p)
        }
        return AccessRecord(seq: seq, recordedAt: recordedAt, user: user, purpose: purpose, subject: subject, citizens: citizens)
    }

    /// Appends a record durably (write, fsync, read back) under the access log's lock; returns it.
    /// Only after this returns may what it describes be shown.
    public func append(user: String, purpose: String, subject: String, citizens: [Pseudonym], now: Timestamp = Clock.now()) throws(LedgerError) -> AccessRecord {
        for (name, text) in [("user", user), ("purpose", purpose)] {
            guard !text.isEmpty, text.utf8.count <= 300 else { throw LedgerError.invalidRequest("--\(name) must be 1 to 300 bytes") }
            guard !CPR.containsCPRShape(text), !text.unicodeScalars.contains(where: { $0.value < 0x20 }) else {
                throw LedgerError.invalidRequest("--\(name) must not hold a CPR number or control characters")
            }
        }
        do {
            try SystemCalls.makeDirectoryDurably(directory)
            let lockFD = try SystemCalls.open(lockPath, flags: O_RDWR | O_CREAT)
            defer { try? SystemCalls.close(lockFD, path: lockPath) }
            try SystemCalls.lockExclusive(lockFD, path: lockPath)
            let (records, previous, validBytes, _) = try read()
            let recordedAt = max(now, records.last?.recordedAt ?? now)
            let record = AccessRecord(seq: Int64(records.count) + 1, recordedAt: recordedAt, user: user, purpose: purpose, subject: subject, citizens: citizens)
            var line: [UInt8] = []
            _ = AccessLog.encode(record, prev: previous, to: &line)
            guard line.count <= AccessLog.lineBytesMax else { throw LedgerError.invalidRequest("the access record would exceed \(AccessLog.lineBytesMax) bytes; narrow the request") }
            let fd = try SystemCalls.open(path, flags: O_RDWR | O_CREAT, mode: 0o600)
            defer { try? SystemCalls.close(fd, path: path) }
            // The first record: the file's name is made durable too (an earlier process may have
            // created the file and been cut off before its directory was fsynced).
            let first = records.isEmpty
            // A torn last line (an earlier write cut by a crash) is removed first.
            try SystemCalls.ftruncate(fd, length: validBytes, path: path)
            // The record, then its newline, each fsynced: a power cut may tear or zero-fill any
            // unsynced part of a write, and a line that ends in a newline must never be such a
            // piece (a newline-terminated line that does not decode is a defect, not a torn tail).
            let count = line.count
            try SystemCalls.withBuffer(&line) { (base) throws(SystemError) in
                try SystemCalls.pwriteAll(fd, from: base, count: count - 1, offset: validBytes, path: path)
            }
            try SystemCalls.fsync(fd, path: path)
            try SystemCalls.pwriteAll(fd, bytes: [0x0A], offset: validBytes + Int64(count - 1), path: path)
            try SystemCalls.fsync(fd, path: path)
            if first { try SystemCalls.fsyncDirectory(directory) }
            let check = try read()
            guard check.records.last == record else { throw LedgerError.corrupt(file: "access/access-log.jsonl", line: Int(record.seq), reason: "the record read back differs") }
            return record
        } catch {
            throw LedgerError.wrapping(error)
        }
    }
}
