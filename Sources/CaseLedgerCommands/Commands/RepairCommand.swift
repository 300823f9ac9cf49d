import LedgerCore

/// `caseledger repair`: replaces a ledger's damaged lines with the same lines of a verified copy.
enum RepairCommand: LedgerCommand {
    static let name = "repair"
    static let abstract = "Replace a ledger's damaged lines with the same lines of a verified copy."
    static let usage = "DIR --from COPY [--json]"
    static let discussion = """
    COPY is a second copy kept by caseledger mirror (same segment files, same byte offsets). It is
    verified first; a damaged copy is never used. Holding DIR's writer lock (and COPY's, when its
    lock file can be opened for writing), every acknowledged line of DIR is compared with COPY's
    line at the same place: a line that differs and fails its own checks (what verify reports: a
    flipped bit, a zeroed block, missing bytes) is replaced by COPY's line, which is checked on its
    own and against the chain before it (seq, prev, recorded_at); the last line must match DIR's
    head, which a repair never changes. Refused, naming the file and line, with nothing written:
    a damaged line COPY does not cover (beyond COPY's head), a line of DIR that is intact but
    differs from COPY's (another history), or a COPY that does not end where DIR's head does.
    Each damaged segment is written as events/<segment>.repair.tmp, fsynced, read back and
    compared, renamed over the segment, and events/ is fsynced; cache/ is emptied first (it is
    rebuilt). A repair interrupted at any point leaves each segment old or new: run it again to
    complete it. DIR is verified afterwards; exit 1 when it still has a defect (for example in
    the access log, which a copy does not hold).
    """
    static let options: [OptionSpec] = [
        .option("from", "COPY", "The verified copy to take the damaged lines from (made by caseledger mirror)."),
        .flag("json", "Print the result as JSON."),
    ]

    static func run(_ arguments: Arguments, console: Console) throws -> Int32 {
        let directory = try arguments.positionals(["DIR"])[0]
        guard let copy = arguments.value("from") else { throw UsageError("missing --from COPY (a copy made by caseledger mirror)") }
        let result = try Ledger.repair(at: directory, from: copy)
        let verified = Result { () throws(LedgerError) -> VerificationReport in try LedgerVerifier.verify(try Ledger(path: directory)) }
        if arguments.flag("json") {
            let ranges = result.replaced.map { range in
                #"{"file":\#(JSONText.quote(range.file)),"first_line":\#(range.firstLine),"last_line":\#(range.lastLine),"first_seq":\#(range.firstSeq),"last_seq":\#(range.lastSeq),"reason":\#(JSONText.quote(CPR.redact(range.reason)))}"#
            }
            var verifiedText = "true"
            if case .failure(let failure) = verified { verifiedText = JSONText.quote(failure.description) }
            console.line(#"{"ok":\#(verifiedText == "true"),"replaced":[\#(ranges.joined(separator: ","))],"head_seq":\#(result.head.seq),"head_hash":"\#(result.head.hash.hex)","copy_head_seq":\#(result.copyHead.seq),"removed_cache_files":\#(result.removedCacheFiles),"removed_temporary_files":\#(result.removedTemporaryFiles),"copy_locked":\#(result.copyLocked),"verified":\#(verifiedText)}"#)
        } else {
            if !result.copyLocked {
                console.line("note: \(copy)'s lock file cannot be opened for writing; read without its lock (a read-only copy)")
            }
            if result.removedTemporaryFiles > 0 {
                console.line("removed \(result.removedTemporaryFiles) temporary file\(result.removedTemporaryFiles == 1 ? "" : "s") of an interrupted repair")
            }
            if result.replaced.isEmpty {
                console.line("no damaged lines in \(directory) up to its head (seq \(result.head.seq))")
            }
            for range in result.replaced {
                let lines = range.firstLine == range.lastLine ? "line \(range.firstLine) (seq \(range.firstSeq))"
                    : "lines \(range.firstLine)-\(range.lastLine) (seq \(range.firstSeq)-\(range.lastSeq))"
                console.line("replaced \(range.file) \(lines) from \(copy): \(range.reason)")
            }
            if result.removedCacheFiles > 0 {
                console.line("removed \(result.removedCacheFiles) file\(result.removedCacheFiles == 1 ? "" : "s") from cache/ (rebuilt when needed)")
            }
        }
        switch verified {
        case .success(let report):
            if !arguments.flag("json") { console.line("verified: \(report.events) events, head seq \(report.head.seq) \(report.head.hash.hex)") }
            return ExitStatus.success
        case .failure(let failure):
            console.error("caseledger repair: \(directory) still has a defect: \(failure.description)")
            return ExitStatus.failure
        }
    }
}
