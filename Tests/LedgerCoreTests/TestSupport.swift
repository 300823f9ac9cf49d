// Shared helpers for the LedgerCore unit tests: a seeded random generator, temporary
// directories, test CPR numbers built at run time, ledgers made from JSON input lines, and
// a hand-built multi-segment ledger for the storage and tamper tests.

import Foundation
import Testing

@testable import LedgerCore

// MARK: - Tests that touch the file system

/// The tests that read and write ledgers through LedgerCore's `SystemCalls`, each in a temporary
/// directory of its own. (The fault-injection tests among them run in a process of their own:
/// see FaultInjectionTests.swift.)
@Suite struct LedgerFileTests {}

/// The end of a child process, signalled from its termination handler, awaited without blocking
/// a thread of the test's cooperative pool.
final class ProcessEnd: @unchecked Sendable {
    private let lock = NSLock()
    private var ended = false
    private var waiters: [CheckedContinuation<Void, Never>] = []

    /// Marks the process ended and wakes every waiter.
    func signal() {
        lock.lock()
        ended = true
        let waiting = waiters
        waiters = []
        lock.unlock()
        for waiter in waiting { waiter.resume() }
    }

    /// Returns once the process has ended.
    func wait() async {
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            lock.lock()
            if ended {
                lock.unlock()
                continuation.resume()
            } else {
                waiters.append(continuation)
                lock.unlock()
            }
        }
    }
}

// MARK: - Seeded randomness

/// SplitMix64 (Steele, Lea, Flood 2014): a tiny, fast, seedable generator. Tests use it so that
/// every random run can be repeated from its seed; `below(_:)` is used instead of the standard
/// library's `random(in:using:)` so that generated data never depends on the toolchain version.
struct SplitMix64: RandomNumberGenerator {
    /// The generator's state (the seed before the first call).
    private(set) var state: UInt64

    /// Makes a generator from a seed.
    init(seed: UInt64) { state = seed }

    /// The next 64 random bits.
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// A number in `0..<bound` (bound > 0); modulo bias is irrelevant for tests.
    mutating func below(_ bound: Int) -> Int {
        precondition(bound > 0)
        return Int(next() % UInt64(bound))
    }

    /// One element of a non-empty array.
    mutating func pick<T>(_ values: [T]) -> T { values[below(values.count)] }

    /// `count` lowercase hex digits.
    mutating func hex(_ count: Int) -> String {
        let digits = Array("0123456789abcdef")
        return String((0..<count).map { _ in digits[below(16)] })
    }
}

/// The seed of a random test: `CASELEDGER_TEST_SEED` when set (to repeat a failure), else `fixed`.
func testSeed(_ fixed: UInt64) -> UInt64 {
    if let text = ProcessInfo.processInfo.environment["CASELEDGER_TEST_SEED"], let seed = UInt64(text) { return seed }
    return fixed
}

// MARK: - Temporary directories

/// A unique directory under /tmp, removed when the value is released.
///
/// Names use letters g-z only, so that no path ever looks like a CPR number or a hex digest.
final class TemporaryDirectory: @unchecked Sendable {
    /// The directory's absolute path.
    let path: String

    /// Creates `/tmp/caseledger-<label>-<random letters>`.
    init(_ label: String) {
        let letters = Array("ghijklmnopqrstuvwxyz")
        var generator = SystemRandomNumberGenerator()
        let suffix = String((0..<12).map { _ in letters[Int(generator.next() % UInt64(letters.count))] })
        path = "/tmp/caseledger-\(label)-\(suffix)"
        try! FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    }

    deinit { try? FileManager.default.removeItem(atPath: path) }

    /// A path inside the directory.
    func file(_ name: String) -> String { path + "/" + name }
}

// MARK: - Files as bytes

/// The bytes of a file (empty when it cannot be read, which the caller's expectations then catch).
func readBytes(_ path: String) -> [UInt8] {
    guard let data = FileManager.default.contents(atPath: path) else { return [] }
    return [UInt8](data)
}

/// Replaces a file's content (no fsync: tests only).
func writeBytes(_ path: String, _ bytes: [UInt8]) {
    let ok = FileManager.default.createFile(atPath: path, contents: Data(bytes))
    precondition(ok, "cannot write \(path)")
}

/// Splits bytes into lines without their newlines; a final piece without newline is kept.
func splitLines(_ bytes: [UInt8]) -> [[UInt8]] {
    var lines: [[UInt8]] = []
    var start = 0
    for (index, byte) in bytes.enumerated() where byte == 0x0A {
        lines.append(Array(bytes[start..<index]))
        start = index + 1
    }
    if start < bytes.count { lines.append(Array(bytes[start...])) }
    return lines
}

/// Joins lines, each followed by a newline.
func joinLines(_ lines: [[UInt8]]) -> [UInt8] {
    var out: [UInt8] = []
    for line in lines { out += line; out.append(0x0A) }
    return out
}

/// Whether `haystack` contains `needle` as a byte sequence.
func containsBytes(_ haystack: [UInt8], _ needle: [UInt8]) -> Bool {
    guard !needle.isEmpty, haystack.count >= needle.count else { return false }
    for start in 0...(haystack.count - needle.count) where haystack[start] == needle[0] {
        if Array(haystack[start..<(start + needle.count)]) == needle { return true }
    }
    return false
}

// MARK: - Test CPR numbers

/// Test CPR numbers, always assembled at run time: no CPR-shaped literal appears in a test file
/// (a pre-commit check scans committed files for them).
enum TestCPR {
    /// `DDMMYY-SSSS` from its two parts, e.g. `dashed("0101" + "90", "1234")`.
    static func dashed(_ date: String, _ serial: String) -> String { date + "-" + serial }

    /// `DDMMYYSSSS` from its two parts.
    static func plain(_ date: String, _ serial: String) -> String { date + serial }

    /// A valid number: 1 January 1990, serial 1234 (7th digit 1: born in the 1900s).
    static let first = dashed("0101" + "90", "12" + "34")
    /// Another valid number: 15 June 1985.
    static let second = dashed("1506" + "85", "23" + "45")
    /// A third valid number, written without the dash: 29 February 1992 (a leap year).
    static let third = plain("2902" + "92", "34" + "56")
    /// Shaped like a CPR number but not a real date: 29 February 1990.
    static let impossible = dashed("2902" + "90", "12" + "34")

    /// The ten digits of a number, as ASCII text.
    static func digitText(_ cpr: String) -> String { cpr.filter { $0 != "-" } }
}

// MARK: - Ledgers for tests

/// Municipalities of the test ledgers: Ishøj and Vallensbæk.
let testMunicipalities = [183, 187]

/// A ledger in a temporary directory, with its key, and helpers to append JSON input lines.
struct TestLedger: CustomTestStringConvertible, CustomStringConvertible, CustomDebugStringConvertible {
    /// The ledger.
    let ledger: Ledger
    /// The ledger directory.
    let path: String
    /// The pseudonym key file (outside the ledger directory).
    let keyPath: String
    /// The loaded key.
    let key: PseudonymKey

    /// Only the path: the key's bytes are never printed, not even in a failing expectation.
    var testDescription: String { "TestLedger(\(path))" }
    var description: String { testDescription }
    var debugDescription: String { testDescription }

    /// Creates a ledger in `directory/ledger` with its key in `directory/keys/test.key`.
    /// `recordedAt` dates the first line (historical ledgers); nil means now.
    init(in directory: TemporaryDirectory, recordedAt: Timestamp? = nil, municipalities: [Int] = testMunicipalities) throws {
        path = directory.file("ledger")
        keyPath = directory.file("keys/test.key")
        let created = try Ledger.create(at: path, jobcenter: "Jobcenter Vallensbæk", municipalities: municipalities,
                                        keyPath: keyPath, recordedAt: recordedAt, now: Clock.now())
        ledger = created.ledger
        key = try PseudonymKey.load(from: keyPath)
    }

    /// The pseudonym of a test CPR number under this ledger's key.
    func pseudonym(_ cpr: String) -> Pseudonym {
        key.pseudonym(cprDigits: CPR.digits(cpr)!)
    }

    /// A decoder like the command line's, turning CPR numbers into pseudonyms with this ledger's key.
    func decoder(historical: Bool = false) -> InputDecoder {
        let key = self.key
        return InputDecoder(source: "test input", allowsRecordedAt: historical,
                            pseudonymize: { (digits) throws(LedgerError) -> Pseudonym in key.pseudonym(cprDigits: digits) })
    }

    /// Decodes JSON input lines (line numbers from 1).
    func records(_ lines: [String], historical: Bool = false) throws -> [InputRecord] {
        let decoder = decoder(historical: historical)
        var records: [InputRecord] = []
        for (index, line) in lines.enumerated() {
            let bytes = Array(line.utf8)
            let record = try bytes.withUnsafeBytes { buffer in try decoder.decode(jsonLine: buffer, line: index + 1) }
            records.append(record)
        }
        return records
    }

    /// Decodes and appends JSON input lines as one batch.
    @discardableResult
    func append(_ lines: [String], recordedAt: Timestamp? = nil, historical: Bool = false,
                now: Timestamp? = nil) throws -> AppendResult {
        let records = try records(lines, historical: historical)
        let clock: (() -> Timestamp)? = now.map { time in { time } }
        return try ledger.append(records, source: "test input", recordedAt: recordedAt, clock: clock)
    }

    /// The first segment's path.
    var segment1: String { ledger.segmentPath(1) }
    /// The head file's path.
    var headPath: String { path + "/head" }
}

/// One JSON input line, built from its parts (facts as raw JSON text, keeping their order).
func inputLine(_ type: String, effective: String? = nil, municipality: String? = "183", cpr: String? = nil,
               citizen: String? = nil, facts: String = "{}", recordedAt: String? = nil) -> String {
    var parts = [#""type":"\#(type)""#]
    if let effective { parts.append(#""effective":"\#(effective)""#) }
    if let municipality { parts.append(#""municipality":"\#(municipality)""#) }
    if let cpr { parts.append(#""cpr":"\#(cpr)""#) }
    if let citizen { parts.append(#""citizen":"\#(citizen)""#) }
    parts.append(#""facts":\#(facts)"#)
    if let recordedAt { parts.append(#""recorded_at":"\#(recordedAt)""#) }
    return "{" + parts.joined(separator: ",") + "}"
}

/// The `LedgerError.corrupt` location of a verify run, or nil (with an issue recorded) when verify
/// passed or failed otherwise.
func corruptLocation(_ ledger: Ledger, sourceLocation: SourceLocation = #_sourceLocation) -> (file: String, line: Int, reason: String)? {
    do {
        _ = try LedgerVerifier.verify(ledger, threads: 2)
        Issue.record("verify passed but a defect was expected", sourceLocation: sourceLocation)
        return nil
    } catch let error {
        guard case .corrupt(let file, let line, let reason) = error else {
            Issue.record("verify threw \(error), not .corrupt", sourceLocation: sourceLocation)
            return nil
        }
        return (file, line, reason)
    }
}

// MARK: - A hand-built ledger of several segments

/// A ledger whose lines are written with `CanonicalEncoder.appendLine` straight into segment
/// files, and whose head is written with `HeadRecord.slotBytes`: the only way to get several
/// segments in a test, as a segment holds 256 MiB before the ledger starts the next.
///
/// The first line is the real `ledger_opened` written by `Ledger.create` (dated 2014-01-01); the
/// other lines are catalog-valid events about companies and surveys, one second apart from
/// 2014-01-02, so that every line is in the past and recorded-at never decreases.
struct SegmentedLedger: CustomTestStringConvertible {
    /// The underlying test ledger.
    let base: TestLedger
    /// The last line written: its sequence number, hash and recorded-at time.
    private(set) var seq: Int64
    private(set) var hash: SHA256Digest
    private var time: Timestamp
    /// Lines per segment, by 1-based segment index (index 0 unused).
    private(set) var linesPerSegment: [Int] = [0, 1]

    var testDescription: String { "SegmentedLedger(\(base.path), \(linesPerSegment.dropFirst()) lines)" }

    /// Creates the ledger; its first segment holds the genesis line.
    init(in directory: TemporaryDirectory) throws {
        base = try TestLedger(in: directory, recordedAt: Timestamp(iso: "2014-01-01T08:00:00.000Z")!)
        let head = try base.ledger.readHead()
        seq = head.seq
        hash = head.hash
        time = Timestamp(iso: "2014-01-02T08:00:00.000Z")!
    }

    /// An event for line `seq`: alternately a company registration, visit and survey response.
    static func event(seq: Int64) -> Event {
        let cvr = String(10_000_000 + Int(seq) * 7919)
        switch seq % 3 {
        case 0:
            return Event(type: .companyRegistered, effective: Day(year: 2014, month: 1, day: 2)!, municipality: 183, citizen: nil,
                         facts: [Fact("cvr", .text(cvr)), Fact("employees", .integer(seq))])
        case 1:
            return Event(type: .companyVisited, effective: Day(year: 2014, month: 1, day: 3)!, municipality: 187, citizen: nil,
                         facts: [Fact("cvr", .text(cvr))])
        default:
            return Event(type: .surveyResponse, effective: Day(year: 2014, month: 1, day: 4)!, municipality: 183, citizen: nil,
                         facts: [Fact("respondent", .text("company")), Fact("satisfied", .bool(seq % 2 == 0))])
        }
    }

    /// Encodes the next `count` lines and appends them to segment `index` (created if needed).
    /// With `moveHead` the head then points at the last of them; otherwise they lie beyond the head.
    mutating func addLines(_ count: Int, toSegment index: Int, moveHead: Bool = true) {
        var bytes: [UInt8] = []
        for _ in 0..<count {
            seq += 1
            time = Timestamp(milliseconds: time.milliseconds + 1000)
            hash = CanonicalEncoder.appendLine(seq: seq, recordedAt: time, event: SegmentedLedger.event(seq: seq), prev: hash, to: &bytes)
        }
        let path = base.ledger.segmentPath(index)
        writeBytes(path, readBytes(path) + bytes)
        while linesPerSegment.count <= index { linesPerSegment.append(0) }
        linesPerSegment[index] += count
        if moveHead { writeHead(segment: index) }
    }

    /// Writes both head slots for the current last line, in segment `index`.
    func writeHead(segment index: Int) {
        let size = Int64(readBytes(base.ledger.segmentPath(index)).count)
        let head = HeadRecord(seq: seq, hash: hash, segment: index, offset: size)
        writeBytes(base.headPath, head.slotBytes + head.slotBytes)
    }

    /// The ledger used by the tamper tests: segment 1 with the genesis line and 4 more (5 lines),
    /// segment 2 with 6 lines, segment 3 with 3 lines; the head is the last line of segment 3.
    static func standard(in directory: TemporaryDirectory) throws -> SegmentedLedger {
        var built = try SegmentedLedger(in: directory)
        built.addLines(4, toSegment: 1)
        built.addLines(6, toSegment: 2)
        built.addLines(3, toSegment: 3)
        return built
    }
}

// MARK: - Sample facts for every event type

/// Valid facts for every field of a spec (required and optional), chosen by kind.
enum SampleFacts {
    /// A valid value of a field's kind; `variant` varies text and numbers.
    static func value(for field: FieldSpec, variant: Int = 0) -> FactValue {
        switch field.kind {
        case .text: return .text("Tekst \(variant) æøå \"citat\" \\ / ok")
        case .identifier: return .text("id-\(variant).a_b:c/d")
        case .choice(let values): return .text(values[variant % values.count])
        case .date: return .date(Day(year: 2014, month: 3, day: 1 + variant % 28)!)
        case .month: return .text("2014-0\(1 + variant % 9)")
        case .integer(let min, let max): return .integer(Swift.min(max, min + Int64(variant)))
        case .decimal: return .decimal(["12.5", "-0.25", "100", "0"][variant % 4])
        case .bool: return .bool(variant % 2 == 0)
        case .cvr: return .text("1234567\(variant % 10)")
        case .sequence: return .integer(3 + Int64(variant))
        case .period: return .text(["2014", "2014-03", "2014Q2", "2014-01-01/2014-06-30"][variant % 4])
        case .municipalityList: return .text("183,187")
        case .digest: return .text(SHA256.hash("sample \(variant)").hex)
        case .timestamp: return .text("2014-03-01T10:00:00.000Z")
        }
    }

    /// An event of `type` with every field of its spec filled in, in catalog order.
    static func event(_ type: EventType, variant: Int = 0) -> Event {
        let spec = Catalog.spec(type)
        let facts = spec.fields.map { Fact($0.name, value(for: $0, variant: variant)) }
        let citizen: Pseudonym? = spec.citizen == .none ? nil : Pseudonym("c-3fa91c0d22e8b417")
        let municipality: Int? = spec.municipality == .none ? nil : 183
        return Event(type: type, effective: Day(year: 2014, month: 3, day: 3)!, municipality: municipality, citizen: citizen, facts: facts)
    }
}
