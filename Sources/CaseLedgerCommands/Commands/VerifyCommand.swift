import LedgerCore

/// `caseledger verify`: checks the whole ledger and prints a summary or the first defect.
enum VerifyCommand: LedgerCommand {
    static let name = "verify"
    static let abstract = "Check every line's hash, the chain, the sequence and the head."
    static let usage = "DIR [--json] [--threads N]"
    static let discussion = """
    Exit 0 with a summary (events, segments, head sequence and hash) when every acknowledged line is
    intact. Exit 1 naming the segment file, line and reason at the first defect: a changed byte, a
    removed, inserted, duplicated or reordered line, a removed or reordered segment, a line out of the
    catalog; a head slot one bit from valid that names a later head no line confirms, or no valid
    head slot (head line 1 or 2); an access record altered, or a last access piece without newline
    that cannot be the beginning of a record; a report copy in publications/ that does not match the
    digest its publication recorded. An unacknowledged tail left by an interrupted append (complete
    lines of an unfinished batch and perhaps a torn line, all beyond the head) is reported as
    recoverable, not as a defect: the next append removes it. So is a damaged head slot (one bit
    from valid: bit rot, or its write torn by a power cut) when the head in force is known (the
    other slot, or the damaged slot's head confirmed by the line ending at its offset): the next
    append rewrites it. Verify takes no lock, except when it finds something else beyond the
    head: an append may be writing its batch there, or cutting off a refused one, so it looks again
    holding the writer lock (waiting for that append) before it reports a defect.
    """
    static let options: [OptionSpec] = [
        .flag("json", "Print the summary as JSON."),
        .option("threads", "N", "Threads to verify with (default: all processors)."),
    ]

    static func run(_ arguments: Arguments, console: Console) throws -> Int32 {
        let directory = try arguments.positionals(["DIR"])[0]
        var threads = 0
        if let text = arguments.value("threads") {
            guard let n = Int(text), n >= 1, n <= 256 else { throw UsageError("--threads expects 1 to 256") }
            threads = n
        }
        let ledger = try Ledger(path: directory)
        let outcome = Result { () throws(LedgerError) -> VerificationReport in try LedgerVerifier.verify(ledger, threads: threads, progress: ProgressReporter("verifying \(directory)")) }
        guard case .success(let report) = outcome else {
            guard case .failure(let failure) = outcome else { return ExitStatus.failure }
            if arguments.flag("json"), case .corrupt(let file, let line, let reason) = failure {
                console.line(#"{"ok":false,"file":\#(JSONText.quote(file)),"line":\#(line),"reason":\#(JSONText.quote(CPR.redact(reason)))}"#)
            }
            console.error("caseledger verify: DEFECT: \(failure.description)")
            return ExitStatus.failure
        }
        if arguments.flag("json") {
            var tail = "null"
            if let t = report.tail {
                tail = #"{"file":\#(JSONText.quote(t.file)),"line":\#(t.line),"complete_lines":\#(t.completeLines),"torn":\#(t.torn),"bytes":\#(t.bytes),"recoverable":true}"#
            }
            // The damaged slot's key is there only when one is (a summary of intact files is as it was).
            var damaged = ""
            if let d = report.damagedHeadSlot {
                damaged = #","head_slot_damaged":{"file":"head","line":\#(d.line),"names_seq":\#(d.names.seq),"holds_head_in_force":\#(d.holdsHeadInForce),"recoverable":true}"#
            }
            console.line(#"{"ok":true,"events":\#(report.events),"segments":\#(report.segments),"head_seq":\#(report.head.seq),"head_hash":"\#(report.head.hash.hex)","head_recorded_at":"\#(report.headRecordedAt.iso)","bytes":\#(report.bytes),"tail":\#(tail),"access_records":\#(report.accessRecords)\#(damaged)}"#)
        } else {
            console.line("ok: \(report.events) events in \(report.segments) segment\(report.segments == 1 ? "" : "s"), \(report.bytes) bytes")
            console.line("head: seq \(report.head.seq) \(report.head.hash.hex) recorded \(report.headRecordedAt.iso)")
            if report.accessRecords > 0 || report.accessTornBytes > 0 {
                console.line("access log: \(report.accessRecords) records, chain intact" + (report.accessTornBytes > 0 ? "; a torn last record at access/access-log.jsonl line \(report.accessRecords + 1), \(report.accessTornBytes) bytes (interrupted; nothing was shown for it)" : ""))
            }
            if let d = report.damagedHeadSlot {
                console.line("recoverable damaged head slot: head line \(d.line): one bit from a valid slot (bit rot, or its write torn by a power cut); it names seq \(d.names.seq), "
                             + (d.holdsHeadInForce ? "the head in force: the line ending at byte \(d.names.offset) of \(Ledger.segmentName(d.names.segment)) carries its hash"
                                                   : "not later than the head in force in the other slot")
                             + "; the next append rewrites it")
            }
            if let t = report.tail {
                console.line("recoverable incomplete tail: \(t.file) from line \(t.line): \(t.completeLines) complete unacknowledged line\(t.completeLines == 1 ? "" : "s")"
                             + (t.torn ? " and a torn line" : "") + ", \(t.bytes) bytes beyond the head; the next append removes it")
            }
        }
        return ExitStatus.success
    }
}

/// Small JSON text helpers for the commands' output.
enum JSONText {
    /// A JSON string literal.
    static func quote(_ s: String) -> String {
        var out: [UInt8] = []
        CanonicalEncoder.appendString(s, to: &out)
        return String(decoding: out, as: UTF8.self)
    }
}
