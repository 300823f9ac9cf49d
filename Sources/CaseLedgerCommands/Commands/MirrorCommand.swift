import LedgerCore

/// `caseledger mirror`: brings a second copy of a ledger up to date, appending only.
enum MirrorCommand: LedgerCommand {
    static let name = "mirror"
    static let abstract = "Bring a second copy (DEST) up to date with a ledger, appending only."
    static let usage = "DIR DEST [--json]"
    static let discussion = """
    Verifies DIR first (a damaged ledger is never copied: exit 1 naming the defect). An absent or
    empty DEST is created as a copy (CASELEDGER, events/, lock, key-location, then the lines). An
    existing DEST must be a ledger whose acknowledged lines are byte for byte DIR's first lines;
    otherwise nothing is written and exit 1 names DEST's file and line (and seq) of the first
    differing line, or says that DEST holds more lines than DIR. Holding both writer locks (DIR's
    only when its lock file can be opened for writing; a read-only DIR is copied without it), DIR's
    lines after DEST's head are copied into the same segment files (same numbering and
    boundaries), fsynced and read back, and then DEST's head is moved and fsynced. Bytes beyond
    DEST's head (an interrupted mirror) are not acknowledged and are cut off first, so a mirror
    interrupted at any point is completed by running it again.
    Not copied: cache/ (derived, rebuilt when needed) and the access log (access/), which records
    uses of personal data at DIR and stays there.
    """
    static let options: [OptionSpec] = [
        .flag("json", "Print the result as JSON."),
    ]

    static func run(_ arguments: Arguments, console: Console) throws -> Int32 {
        let names = try arguments.positionals(["DIR", "DEST"])
        let (directory, destination) = (names[0], names[1])
        let result = try Ledger.mirror(from: directory, to: destination)
        if arguments.flag("json") {
            let first = result.firstSeq.map(String.init) ?? "null"
            console.line(#"{"ok":true,"created":\#(result.created),"first_seq":\#(first),"last_seq":\#(result.lastSeq),"head_hash":"\#(result.head.hash.hex)","copied_bytes":\#(result.copiedBytes),"removed_tail_bytes":\#(result.removedTailBytes),"source_locked":\#(result.sourceLocked)}"#)
        } else {
            if !result.sourceLocked {
                console.line("note: \(directory)'s lock file cannot be opened for writing; copied without its lock (a read-only ledger)")
            }
            if result.removedTailBytes > 0 {
                console.line("removed an unacknowledged tail of \(result.removedTailBytes) bytes from \(destination) (an interrupted mirror)")
            }
            if let first = result.firstSeq {
                let count = result.lastSeq - first + 1
                console.line("mirrored \(count) line\(count == 1 ? "" : "s"): seq \(first)-\(result.lastSeq) to \(destination)")
            } else {
                console.line("\(destination) is up to date at seq \(result.lastSeq)")
            }
        }
        return ExitStatus.success
    }
}
