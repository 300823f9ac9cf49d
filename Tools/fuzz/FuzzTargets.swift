// libFuzzer targets for CaseLedger's input parsers (issue #7, "Bad input").
//
// Not part of the package: Tools/fuzz/run compiles this file together with a snapshot of
// Sources/LedgerCore into ONE module named LedgerCore (swiftc -sanitize=fuzzer,address), so the
// targets may use internal API (LedgerVerifier.checkLine, CPR.firstCPRShape, PseudonymKey(bytes:)).
//
// One binary serves three targets; the target is chosen by CASELEDGER_FUZZ_TARGET or by the
// binary's name, `caseledger-fuzz-TARGET`:
//
//   jsonlines   the input is a JSON Lines batch for `append`: InputBatch.forEachRecord(jsonLines:)
//               -> BatchValidator -> CanonicalEncoder, the way Ledger.append wires them.
//   csv         the first byte picks an event type (modulo EventType.allCases.count), the rest is a
//               CSV file for `import --type`: InputBatch.forEachRecord(csv:type:) -> BatchValidator.
//   ledgerline  the input is one stored ledger line: LineDecoder.decode, then the canonical round trip.
//
// Thrown errors are the expected outcome. Findings trap (fatalError), so that libFuzzer stops and
// writes the input:
//   - any crash in product code (trap, precondition, out of bounds, ASan report, leak, timeout, OOM);
//   - jsonlines/csv: an error whose description does not name a line ("line N" with N within the
//     input's lines), that contains a CPR-shaped run, or that contains the digits of any run of the
//     input that the product's own rule (CPR.firstCPRShape) calls CPR-shaped (see fuzzCPRLeak);
//   - jsonlines/csv: a record the validator accepted whose stored line `verify` would reject
//     (LedgerVerifier.checkLine) or that does not decode back to the same event;
//   - ledgerline: decode(encode(x)) != x, or encode(decode(encode(x))) != encode(x); a decoding
//     error that reaches a person (as Ledger.decode wraps it) carrying a CPR-shaped input run;
//     a line verify's fast path (CanonicalLineScanner) accepts that the full check refuses.
//
// Environment, read once at start: CASELEDGER_FUZZ_TARGET (jsonlines, csv, ledgerline),
// CASELEDGER_FUZZ_VERBOSE=1 (print each input's outcome) and CASELEDGER_FUZZ_INFO (info, ledger,
// dict: print seed material for Tools/fuzz/run; selftest: check the property checks; then exit).
// Run the binary with SWIFT_BACKTRACE=enable=no (see README.md).

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

// MARK: - The fixed world every input is checked against

enum FuzzTarget: String, CaseIterable {
    case jsonlines, csv, ledgerline
}

/// A small ledger: ledger_opened plus a setup batch that registers citizens and opens periods,
/// so that validation reaches its deeper rules. Built once, through the product's own validator.
struct FuzzWorld {
    /// The input's name in messages.
    static let source = "fuzz input"
    /// The fixed clock: 2025-06-01T00:00:00.000Z.
    static let now = Timestamp(milliseconds: 1_748_736_000_000)
    /// The recorded-at of every setup line: 2010-01-01T00:00:00.000Z.
    static let setupRecordedAt = Timestamp(milliseconds: 1_262_304_000_000)
    /// Municipalities the ledger serves (Ishøj, Vallensbæk, Frederikssund, Gribskov).
    static let municipalityCodes = [183, 187, 250, 270]

    /// The validator's state after the setup (head = last setup line, with its real hash).
    var state: LedgerState
    /// Setup events by sequence number, for corrections (what Ledger.event(at:) would return).
    var stored: [Int64: Event]
    /// The pseudonym key (fixed bytes).
    var key: PseudonymKey
    /// The canonical lines of the setup ledger, each without its newline.
    var lines: [[UInt8]]

    /// The setup batch: citizens of EventLogs/examples, and one citizen with open periods of every kind.
    static let setupBatch = #"""
    {"type":"citizen_registered","effective":"2010-01-01","municipality":"183","citizen":"c-1a2b3c4d5e6f7081","facts":{"birth_date":"1991-04-17","education":"none"}}
    {"type":"citizen_registered","effective":"2010-01-01","municipality":"183","citizen":"c-2b3c4d5e6f708192","facts":{"birth_date":"1967-11-03","education":"vocational"}}
    {"type":"citizen_registered","effective":"2010-01-01","municipality":"187","citizen":"c-3c4d5e6f708192a3","facts":{"birth_date":"1984-02-29","education":"higher","refugee":true,"arrival_date":"2009-06-15"}}
    {"type":"citizen_registered","effective":"2010-01-01","municipality":"187","citizen":"c-4d5e6f708192a3b4","facts":{"birth_date":"1975-08-31","education":"none","refugee":false}}
    {"type":"citizen_registered","effective":"2010-01-04","municipality":"250","citizen":"c-f0f0f0f0f0f0f0f0","facts":{"birth_date":"1988-12-24","education":"vocational"}}
    {"type":"citizen_registered","effective":"2010-01-04","municipality":"270","citizen":"c-0e0e0e0e0e0e0e0e","facts":{"birth_date":"1993-05-01","education":"none"}}
    {"type":"benefit_started","effective":"2010-01-05","municipality":"250","citizen":"c-f0f0f0f0f0f0f0f0","facts":{"benefit":"kontanthjaelp"}}
    {"type":"benefit_started","effective":"2010-01-05","municipality":"270","citizen":"c-0e0e0e0e0e0e0e0e","facts":{"benefit":"a-dagpenge","weekly_hours":30}}
    {"type":"benefit_ended","effective":"2010-03-31","municipality":"270","citizen":"c-0e0e0e0e0e0e0e0e","facts":{"benefit":"a-dagpenge","reason":"job"}}
    {"type":"match_assessed","effective":"2010-01-06","municipality":"250","citizen":"c-f0f0f0f0f0f0f0f0","facts":{"category":"aktivitetsparat"}}
    {"type":"activation_started","effective":"2010-01-11","municipality":"250","citizen":"c-f0f0f0f0f0f0f0f0","facts":{"activity_id":"ACT-1","kind":"virksomhedspraktik","provider":"anden-aktoer","provider_name":"Fuzz ApS","employer_cvr":"12345678","weekly_minutes":900}}
    {"type":"sickleave_opened","effective":"2010-02-01","municipality":"250","citizen":"c-f0f0f0f0f0f0f0f0","facts":{"status":"unemployed"}}
    {"type":"job_order_received","effective":"2010-02-02","municipality":"250","facts":{"order_id":"JO-1","employer_cvr":"87654321","positions":2}}
    {"type":"job_order_referral","effective":"2010-02-03","municipality":"250","citizen":"c-f0f0f0f0f0f0f0f0","facts":{"order_id":"JO-1"}}
    {"type":"job_placement","effective":"2010-04-01","municipality":"270","citizen":"c-0e0e0e0e0e0e0e0e","facts":{"channel":"employer-request","employer_cvr":"87654321","order_id":"JO-1"}}
    {"type":"flexjob_approved","effective":"2010-02-04","municipality":"183","citizen":"c-1a2b3c4d5e6f7081"}
    {"type":"flexjob_started","effective":"2010-02-05","municipality":"183","citizen":"c-1a2b3c4d5e6f7081","facts":{"weekly_hours":15}}
    {"type":"education_started","effective":"2010-02-06","municipality":"187","citizen":"c-4d5e6f708192a3b4","facts":{"level":"vocational"}}
    {"type":"paid_hours_registered","effective":"2010-02-28","municipality":"250","citizen":"c-f0f0f0f0f0f0f0f0","facts":{"month":"2010-02","hours":12}}
    {"type":"company_registered","effective":"2010-02-07","municipality":"250","facts":{"cvr":"12345678","employees":40}}
    {"type":"goal_adopted","effective":"2010-02-08","facts":{"goal_id":"fuzz-goal-1","plan":"Fuzz plan","title":"Fuzz goal","measure":"M11","evaluation":"2012","comparison":"at-least","target":"40","unit":"percent","deadline":"2012-12-31","adopted_by":"Fuzz","adopted_on":"2010-02-08","source":"Tools/fuzz"}}
    {"type":"reference_figure","effective":"2010-02-09","facts":{"name":"national-average/M11","period":"2011","value":"38.5","unit":"percent","source":"Tools/fuzz"}}
    {"type":"match_assessed","effective":"2010-02-10","municipality":"183","citizen":"c-2b3c4d5e6f708192","facts":{"category":"jobparat"}}
    {"type":"correction","facts":{"corrects":24,"action":"supersede","correction_reason":"wrong-facts","category":"aktivitetsparat"}}
    """#

    static func build() -> FuzzWorld {
        var state = LedgerState()
        var stored: [Int64: Event] = [:]
        var lines: [[UInt8]] = []
        let key = PseudonymKey(bytes: (0..<32).map { UInt8(truncatingIfNeeded: $0 &* 37 &+ 11) })

        // seq 1: ledger_opened, as `init` writes it.
        let day = setupRecordedAt.utcDay
        let opened = Event(type: .ledgerOpened, effective: day, municipality: nil, citizen: nil, facts: [
            Fact("ledger_id", .text("fuzz-ledger")),
            Fact("jobcenter", .text("Jobcenter Fuzz")),
            Fact("municipalities", .text(municipalityCodes.map(CanonicalEncoder.municipalityText).joined(separator: ","))),
        ])
        var line: [UInt8] = []
        var prev = CanonicalEncoder.appendLine(seq: 1, recordedAt: setupRecordedAt, event: opened, prev: .zero, to: &line)
        lines.append(Array(line.dropLast()))
        state.apply(RecordedEvent(seq: 1, recordedAt: setupRecordedAt, event: opened, prev: .zero, hash: prev))
        stored[1] = opened

        // The setup batch, through the product's validator.
        let box = StoredBox()
        box.events = stored
        var validator = BatchValidator(state: state, source: "fuzz setup", now: now, recordedAt: setupRecordedAt,
                                       stored: { (seq) throws(LedgerError) -> Event? in box.events[seq] })
        let decoder = InputDecoder(source: "fuzz setup", allowsRecordedAt: false,
                                   pseudonymize: { (digits) throws(LedgerError) -> Pseudonym in key.pseudonym(cprDigits: digits) })
        var seq: Int64 = 1
        do {
            try InputBatch.forEachRecord(jsonLines: Array(setupBatch.utf8), decoder: decoder) { (record) throws(LedgerError) in
                let (event, time) = try validator.validate(record)
                seq += 1
                line.removeAll(keepingCapacity: true)
                prev = CanonicalEncoder.appendLine(seq: seq, recordedAt: time, event: event, prev: prev, to: &line)
                lines.append(Array(line.dropLast()))
                box.events[seq] = event
            }
        } catch {
            fatalError("Tools/fuzz: the setup batch does not validate (fix FuzzTargets.swift): \(error)")
        }
        state = validator.state
        state.headHash = prev
        return FuzzWorld(state: state, stored: box.events, key: key, lines: lines)
    }

    final class StoredBox { var events: [Int64: Event] = [:] }
}

nonisolated(unsafe) var fuzzTarget: FuzzTarget = .jsonlines
nonisolated(unsafe) var fuzzWorld: FuzzWorld! = nil
nonisolated(unsafe) var fuzzScratch: [UInt8] = []
/// CASELEDGER_FUZZ_VERBOSE=1: print each input's outcome (for reproducing and for checking seeds).
nonisolated(unsafe) var fuzzVerbose = false

// MARK: - libFuzzer entry points

/// Picks the target, builds the world, and answers CASELEDGER_FUZZ_INFO requests.
@_cdecl("LLVMFuzzerInitialize")
public func fuzzInitialize(_ argc: UnsafeMutablePointer<CInt>,
                           _ argv: UnsafeMutablePointer<UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?>) -> CInt {
    var chosen: FuzzTarget?
    if let env = getenv("CASELEDGER_FUZZ_TARGET"), let t = FuzzTarget(rawValue: String(cString: env)) {
        chosen = t
    } else if argc.pointee > 0, let args = argv.pointee, let arg0 = args[0] {
        let name = String(cString: arg0).split(separator: "/").last.map(String.init) ?? ""
        chosen = FuzzTarget.allCases.first { name.hasSuffix("-" + $0.rawValue) }
    }
    fuzzWorld = FuzzWorld.build()
    if let info = getenv("CASELEDGER_FUZZ_INFO") {
        fuzzPrintInfo(String(cString: info))
        fuzzExit(0)
    }
    guard let chosen else {
        fuzzWriteError("caseledger-fuzz: set CASELEDGER_FUZZ_TARGET to one of: "
                       + FuzzTarget.allCases.map(\.rawValue).joined(separator: ", ") + "\n")
        fuzzExit(2)
    }
    fuzzTarget = chosen
    fuzzVerbose = getenv("CASELEDGER_FUZZ_VERBOSE").map { String(cString: $0) == "1" } ?? false
    return 0
}

/// One input.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let input = UnsafeRawBufferPointer(start: size > 0 ? UnsafeRawPointer(data) : nil, count: size)
    switch fuzzTarget {
    case .jsonlines: fuzzJSONLines(input)
    case .csv: fuzzCSV(input)
    case .ledgerline: fuzzLedgerLine(input)
    }
    return 0
}

// MARK: - jsonlines and csv

func fuzzJSONLines(_ input: UnsafeRawBufferPointer) {
    let bytes = Array(input)
    // Per-line recorded_at needs --historical; inputs that mention it are tried both ways.
    let modes = fuzzContains(bytes, "recorded_at") ? [false, true] : [false]
    for historical in modes {
        fuzzCheckBatch(bytes, allowsRecordedAt: historical) { (decoder, emit) throws(LedgerError) in
            try InputBatch.forEachRecord(jsonLines: bytes, decoder: decoder, emit)
        }
    }
}

func fuzzCSV(_ input: UnsafeRawBufferPointer) {
    guard input.count > 0 else { return }
    let types = EventType.allCases
    let type = types[Int(input[0]) % types.count]
    let file = Array(input[1...])
    let modes = fuzzContains(file, "recorded_at") ? [false, true] : [false]
    for historical in modes {
        fuzzCheckBatch(file, allowsRecordedAt: historical) { (decoder, emit) throws(LedgerError) in
            try InputBatch.forEachRecord(csv: file, type: type, decoder: decoder, emit)
        }
    }
}

/// Runs a batch the way `Ledger.append(source:recordedAt:clock:produce:)` does (validate, encode,
/// check the stored line's size), without the disk; then checks the properties.
func fuzzCheckBatch(_ input: [UInt8], allowsRecordedAt: Bool,
                    _ produce: (InputDecoder, (InputRecord) throws(LedgerError) -> Void) throws(LedgerError) -> Void) {
    let world = fuzzWorld!
    let key = world.key
    let decoder = InputDecoder(source: FuzzWorld.source, allowsRecordedAt: allowsRecordedAt,
                               pseudonymize: { (digits) throws(LedgerError) -> Pseudonym in key.pseudonym(cprDigits: digits) })
    let stored = world.stored
    var validator = BatchValidator(state: world.state, source: FuzzWorld.source, now: FuzzWorld.now, recordedAt: nil,
                                   stored: { (seq) throws(LedgerError) -> Event? in stored[seq] })
    var prev = world.state.headHash
    var seq = world.state.headSeq
    var line: [UInt8] = []
    do {
        try produce(decoder) { (record) throws(LedgerError) in
            let (event, time) = try validator.validate(record)
            seq += 1
            line.removeAll(keepingCapacity: true)
            prev = CanonicalEncoder.appendLine(seq: seq, recordedAt: time, event: event, prev: prev, to: &line)
            guard line.count <= Ledger.storedLineBytesMax else {
                throw LedgerError.input(InputError(source: FuzzWorld.source, line: record.line, field: "",
                                                   message: "the stored line would exceed \(Ledger.storedLineBytesMax) bytes"))
            }
            fuzzCheckStoredLine(line, seq: seq, recordedAt: time, event: event, inputLine: record.line)
        }
        if fuzzVerbose { fuzzLog("outcome\(allowsRecordedAt ? " (historical)" : ""): accepted \(seq - world.state.headSeq) records") }
    } catch {
        if fuzzVerbose { fuzzLog("outcome\(allowsRecordedAt ? " (historical)" : ""): after \(seq - world.state.headSeq) records: \(error)") }
        fuzzCheckError(error, input: input)
    }
}

/// What the validator accepted must be what `verify` accepts and reads back.
func fuzzCheckStoredLine(_ line: [UInt8], seq: Int64, recordedAt: Timestamp, event: Event, inputLine: Int) {
    let municipalities = Set(FuzzWorld.municipalityCodes)
    let result = line.withUnsafeBytes { buffer in
        LedgerVerifier.checkLine(UnsafeRawBufferPointer(rebasing: buffer[0..<(buffer.count - 1)]),
                                 municipalities: municipalities, now: FuzzWorld.now, scratch: &fuzzScratch)
    }
    switch result {
    case .failure(let failure):
        fatalError("FINDING: input line \(inputLine) was accepted by BatchValidator, but verify rejects its stored line: \(failure.reason)")
    case .success(let read):
        guard read.seq == seq, read.recordedAt == recordedAt, read.event == event else {
            fatalError("FINDING: input line \(inputLine): the stored line decodes to a different event (\(read.event.type.rawValue), \(read.event.facts.count) facts; expected \(event.facts.count))")
        }
    }
}

/// Every rejection names a line of the input and carries no CPR number from it.
func fuzzCheckError(_ error: LedgerError, input: [UInt8]) {
    let text = error.description
    guard text.contains("line ") else { fatalError("FINDING: an error names no line: \(fuzzMasked(text))") }
    if case .input(let e) = error {
        let lines = input.reduce(1) { $0 + ($1 == 0x0A ? 1 : 0) }
        guard e.line >= 1, e.line <= lines else {
            fatalError("FINDING: an error names line \(e.line), but the input has \(lines) lines: \(fuzzMasked(text))")
        }
    } else {
        fatalError("FINDING: input gave a \(error) error rather than an input error: \(fuzzMasked(text))")
    }
    fuzzCheckNoCPR(text, input: input)
}

// MARK: - ledgerline

/// The verifier's fast path, for the ledger of FuzzWorld.
let fuzzScanner = CanonicalLineScanner(municipalities: Set(FuzzWorld.municipalityCodes))

func fuzzLedgerLine(_ input: UnsafeRawBufferPointer) {
    // The verifier's fast path never accepts what the full check refuses: a line the scanner
    // accepts, with its hash field made right, passes LedgerVerifier.checkLine.
    if let accepted = fuzzScanner.scan(input) {
        var line = Array(input)
        let digest = SHA256.hash(Array(line[0..<(line.count - CanonicalEncoder.hashSuffixBytes)]))
        line.withUnsafeMutableBytes { digest.writeHex(to: $0.baseAddress! + accepted.hashOffset) }
        let full = line.withUnsafeBytes {
            LedgerVerifier.checkLine($0, municipalities: Set(FuzzWorld.municipalityCodes), now: Timestamp(milliseconds: Int64.max / 2), scratch: &fuzzScratch)
        }
        guard case .success(let read) = full, read.seq == accepted.seq, read.recordedAt == accepted.recordedAt else {
            fatalError("FINDING: the verifier's fast path (CanonicalLineScanner) accepted a line the full check refuses")
        }
        if fuzzVerbose { fuzzLog("scanner: accepted seq \(accepted.seq)") }
    }
    let decoded: RecordedEvent
    do {
        decoded = try LineDecoder.decode(input)
    } catch {
        if fuzzVerbose { fuzzLog("outcome: \(error)") }
        // As a reader reports it (Ledger.decode wraps it into a corruption error).
        do {
            _ = try Ledger.decode(input, at: LineLocation(segment: 1, line: 1, offset: 0))
            fatalError("FINDING: Ledger.decode accepted a line that LineDecoder.decode rejects")
        } catch let wrapped {
            let text = wrapped.description
            guard text.contains("line ") else { fatalError("FINDING: a decoding error names no line: \(fuzzMasked(text))") }
            fuzzCheckNoCPR(text, input: Array(input))
        }
        return
    }
    if fuzzVerbose { fuzzLog("outcome: decoded seq \(decoded.seq), \(decoded.event.type.rawValue)") }
    // Round trip: decode(encode(x)) == x, keeping the line's hash as read.
    let encoded = fuzzEncodeLine(decoded)
    let again: RecordedEvent
    do { again = try LineDecoder.decode(encoded) } catch {
        fatalError("FINDING: the canonical encoding of a decoded line does not decode: \(error)")
    }
    guard again == decoded else {
        fatalError("FINDING: decode(encode(x)) != x for a \(decoded.event.type.rawValue) line (seq \(decoded.seq))")
    }
    guard fuzzEncodeLine(again) == encoded else {
        fatalError("FINDING: the canonical encoding is not stable: encode(decode(encode(x))) != encode(x)")
    }
    // What verify does with the line once its hash is right: hash, canonical form, catalog check.
    var fixed: [UInt8] = []
    CanonicalEncoder.appendLine(seq: decoded.seq, recordedAt: decoded.recordedAt, event: decoded.event, prev: decoded.prev, to: &fixed)
    let municipalities = Set(FuzzWorld.municipalityCodes)
    let checked = fixed.withUnsafeBytes { buffer in
        LedgerVerifier.checkLine(UnsafeRawBufferPointer(rebasing: buffer[0..<(buffer.count - 1)]),
                                 municipalities: municipalities, now: FuzzWorld.now, scratch: &fuzzScratch)
    }
    if case .success(let read) = checked, read.event != decoded.event {
        fatalError("FINDING: verify read a different event from the canonical line")
    }
}

/// A decoded line in canonical form, with the hash it was read with.
func fuzzEncodeLine(_ r: RecordedEvent) -> [UInt8] {
    var out: [UInt8] = []
    CanonicalEncoder.appendBody(seq: r.seq, recordedAt: r.recordedAt, event: r.event, prev: r.prev, to: &out)
    out.append(contentsOf: #","hash":""#.utf8)
    out.append(contentsOf: r.hash.hex.utf8)
    out.append(contentsOf: #""}"#.utf8)
    return out
}

// MARK: - CPR property

/// The ten digits of every run of `input` that the product's rule calls CPR-shaped.
func fuzzCPRDigits(_ input: [UInt8]) -> Set<[UInt8]> {
    var found: Set<[UInt8]> = []
    // A CPR shape is made of digits, '-' and ' ' only, and its neighbours count only as "hex or
    // digit or not": cutting the input at any other byte keeps every shape and its context, so each
    // piece can be handed to CPR.firstCPRShape (which always scans from the piece's start).
    func isPart(_ b: UInt8) -> Bool { CPR.isHexOrDigit(b) || b == UInt8(ascii: "-") || b == UInt8(ascii: " ") }
    var i = 0
    while i < input.count {
        guard isPart(input[i]) else { i += 1; continue }
        var j = i
        while j < input.count && isPart(input[j]) { j += 1 }
        if j - i >= 10 {
            var piece = Array(input[i..<j])
            while let range = CPR.firstCPRShape(piece) {
                found.insert(piece[range].filter(CPR.isDigit))
                // The byte after a shape is never hex or a digit, so the rest keeps its context.
                piece = Array(piece[range.upperBound...])
            }
        }
        i = j
    }
    return found
}

/// Traps when ``fuzzCPRLeak(_:input:)`` finds a CPR number of the input in a message, or when the
/// message carries a control character (a terminal escape or a false new line from the input).
func fuzzCheckNoCPR(_ text: String, input: [UInt8]) {
    if let leak = fuzzCPRLeak(text, input: input) { fatalError("FINDING: \(leak): \(fuzzMasked(text))") }
    if text.unicodeScalars.contains(where: { $0.value < 0x20 || ($0.value >= 0x7F && $0.value <= 0x9F) }) {
        fatalError("FINDING: a message carries a control character: \(fuzzMasked(PrintableText.escapingControls(text)))")
    }
}

/// Why `text` leaks a CPR number, or nil: it carries a CPR-shaped run (the product's redaction
/// should have removed it), or the digits of a CPR-shaped run of the input in any spelling the
/// product recognises (ten digits, or six and four around '-' or ' '), whatever surrounds them,
/// unless the input itself holds that spelling glued to the same hex letter, i.e. not CPR-shaped by
/// the product's rule (like a digest or pseudonym): then the message echoes that other occurrence,
/// which the product's rule deliberately leaves alone.
func fuzzCPRLeak(_ text: String, input: [UInt8]) -> String? {
    if CPR.containsCPRShape(text) { return "an error message carries a CPR-shaped run" }
    let digits = fuzzCPRDigits(input)
    guard !digits.isEmpty else { return nil }
    let t = Array(text.utf8)
    var runs: [(start: Int, end: Int)] = []
    var i = 0
    while i < t.count {
        guard CPR.isDigit(t[i]) else { i += 1; continue }
        var j = i
        while j < t.count && CPR.isDigit(t[j]) { j += 1 }
        runs.append((i, j))
        i = j
    }
    func leaks(_ start: Int, _ end: Int, _ number: [UInt8]) -> Bool {
        guard digits.contains(number) else { return false }
        // Not CPR-shaped in the message (checked above), so a hex letter touches it on one side
        // at least; it is an echo of another occurrence when the input has the same spelling
        // touching the same letter on that side.
        let spelling = Array(t[start..<end])
        if start > 0, CPR.isHexOrDigit(t[start - 1]), fuzzContains(input, [t[start - 1]] + spelling) { return false }
        if end < t.count, CPR.isHexOrDigit(t[end]), fuzzContains(input, spelling + [t[end]]) { return false }
        return true
    }
    for (k, run) in runs.enumerated() {
        if run.end - run.start == 10 && leaks(run.start, run.end, Array(t[run.start..<run.end])) {
            return "an error message carries the digits of a CPR-shaped input run"
        }
        if run.end - run.start == 6, k + 1 < runs.count, runs[k + 1].start == run.end + 1,
           runs[k + 1].end - runs[k + 1].start == 4, t[run.end] == UInt8(ascii: "-") || t[run.end] == UInt8(ascii: " "),
           leaks(run.start, runs[k + 1].end, Array(t[run.start..<run.end]) + Array(t[runs[k + 1].start..<runs[k + 1].end])) {
            return "an error message carries the digits of a CPR-shaped input run"
        }
    }
    return nil
}

/// `text` with every digit replaced by '#', for crash messages (which land in logs).
func fuzzMasked(_ text: String) -> String {
    String(decoding: text.utf8.map { CPR.isDigit($0) ? UInt8(ascii: "#") : $0 }, as: UTF8.self)
}

func fuzzContains(_ bytes: [UInt8], _ word: String) -> Bool { fuzzContains(bytes, Array(word.utf8)) }

func fuzzContains(_ bytes: [UInt8], _ w: [UInt8]) -> Bool {
    guard !w.isEmpty, bytes.count >= w.count else { return w.isEmpty }
    for i in 0...(bytes.count - w.count) where bytes[i] == w[0] && Array(bytes[i..<(i + w.count)]) == w { return true }
    return false
}

// MARK: - Seed material for Tools/fuzz/run

/// Prints and flushes (a finding traps right after).
func fuzzLog(_ text: String) {
    print(text)
    fflush(nil)
}

/// Ends an information run without exit handlers (LeakSanitizer would report the locals of the
/// frames that `exit` never returns to).
func fuzzExit(_ code: Int32) -> Never {
    fflush(nil)
    _exit(code)
}

func fuzzWriteError(_ text: String) {
    var bytes = Array(text.utf8)
    _ = bytes.withUnsafeMutableBytes { write(2, $0.baseAddress, $0.count) }
}

func fuzzPrintInfo(_ what: String) {
    let world = fuzzWorld!
    switch what {
    case "info":
        print("first_seq=\(world.state.headSeq + 1)")
        print("types=" + EventType.allCases.map(\.rawValue).joined(separator: ","))
        print("municipalities=" + FuzzWorld.municipalityCodes.map(CanonicalEncoder.municipalityText).joined(separator: ","))
        print("citizens=" + world.state.citizens.map(\.text).sorted().joined(separator: ","))
    case "ledger":
        for line in world.lines { print(String(decoding: line, as: UTF8.self)) }
    case "dict":
        // Catalog words, one per line: type names, field names, closed-list values.
        var words: [String] = []
        for type in EventType.allCases {
            words.append(type.rawValue)
            for field in Catalog.spec(type).fields {
                words.append(field.name)
                if case .choice(let values) = field.kind { words += values }
            }
        }
        var seen: Set<String> = []
        for w in words where seen.insert(w).inserted { print(w) }
    case "selftest":
        fuzzSelfTest()
    default:
        fuzzWriteError("caseledger-fuzz: CASELEDGER_FUZZ_INFO is one of info, ledger, dict, selftest\n")
        fuzzExit(2)
    }
}

/// Checks that the property checks would fire (Tools/fuzz/run runs this after every build).
/// CPR-shaped test numbers are assembled at run time, so that none is written in the repository.
func fuzzSelfTest() {
    var failures = 0
    func expect(_ ok: Bool, _ what: String) {
        print((ok ? "ok   " : "FAIL ") + what)
        if !ok { failures += 1 }
    }
    let six = String(repeating: "0", count: 1) + "10190", four = "12" + "34"   // a real date, 01-01-90
    let dashed = Array((six + "-" + four).utf8), plain = Array((six + four).utf8)
    expect(fuzzCPRDigits(Array("x \(six)-\(four) y".utf8)) == [Array(plain.map { $0 })], "an input CPR with a dash is found")
    expect(fuzzCPRDigits(Array("{\"cpr\":\"\(six)\(four)\"}".utf8)).count == 1, "an input CPR without a dash is found")
    expect(fuzzCPRDigits(Array("a\(six)\(four)".utf8)).isEmpty, "digits after a hex letter are not CPR-shaped (product rule)")
    expect(fuzzCPRDigits(Array("\(six)\(four)5".utf8)).isEmpty, "eleven digits are not CPR-shaped")
    expect(fuzzCPRDigits(Array("\(six) \(four), \(four)\(six)".utf8)).count == 2, "every shape of an input is found")
    let input = Array("{\"cpr\":\"".utf8) + dashed + Array("\"}".utf8)
    expect(fuzzCPRLeak("fuzz input line 1: ok", input: input) == nil, "a message without the number passes")
    expect(fuzzCPRLeak("fuzz input line 1: [CPR removed]", input: input) == nil, "a redacted message passes")
    expect(fuzzCPRLeak("fuzz input line 1: \(six)-\(four)", input: input) != nil, "the number as given is a leak")
    expect(fuzzCPRLeak("fuzz input line 1: x\(six)\(four)", input: input) != nil, "the number's digits are a leak")
    expect(fuzzCPRLeak("fuzz input line 1: c-\(six)\(four)ab", input: input) != nil, "the digits between hex letters are a leak")
    expect(fuzzCPRLeak("fuzz input line 1: \(six)\(four)", input: Array("none".utf8)) != nil, "a CPR-shaped message is a leak")
    let twice = Array("{\"cpr\":\"\(six)\(four)\",\"x\":\"c-\(six)\(four)df\"}".utf8)
    expect(fuzzCPRLeak("fuzz input line 1: c-\(six)\(four)df", input: twice) == nil, "an echo of the same digits glued to hex in the input is no leak (product rule)")
    expect(fuzzCPRLeak("fuzz input line 1: c-\(six)\(four)ab", input: twice) != nil, "the digits in a context the input does not hold are a leak")
    let header = Array("B\(six)\(four)\n,\(six)\(four)\n".utf8)
    expect(fuzzCPRLeak("fuzz input line 1, field B\(six)\(four): unknown column", input: header) == nil, "an echo of the digits glued to a hex letter on the same side is no leak")
    expect(fuzzCPRLeak("fuzz input line 1, field \(six)\(four)B: unknown column", input: header) != nil, "the digits glued to a letter the input does not hold there are a leak")
    let error = LedgerError.input(InputError(source: FuzzWorld.source, line: 1, field: "cpr", message: "\(six)-\(four) is wrong"))
    expect(fuzzCPRLeak(error.description, input: input) == nil, "InputError.description redacts the number")
    expect(fuzzWorld.state.headSeq == 25 && fuzzWorld.state.citizens.count == 6, "the world's setup batch validated (head seq 25, 6 citizens)")
    print(failures == 0 ? "selftest: ok" : "selftest: \(failures) FAILED")
    fuzzExit(failures == 0 ? 0 : 1)
}
