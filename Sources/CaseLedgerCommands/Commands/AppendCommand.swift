import LedgerCore

/// `caseledger append`: appends a batch of JSON Lines events from standard input.
enum AppendCommand: LedgerCommand {
    static let name = "append"
    static let abstract = "Append events (JSON Lines on standard input) as one batch."
    static let usage = "DIR [--recorded-at T] [--historical] [--key-file PATH] [--json]"
    static let discussion = """
    Reads one event per line: {"type":"...","effective":"YYYY-MM-DD","municipality":"250",
    "cpr":"DDMMYY-SSSS" or "citizen":"c-...","facts":{...}} (see EventLogs/FORMAT.md). The whole input
    is one batch: it is validated in full first, and one bad line rejects it all, naming the line and
    field; nothing is written then. On success prints the sequence numbers assigned, after the batch
    is on disk. Concurrent appends are serialised by a lock. A CPR number is replaced by its
    pseudonym before anything is written.

    --recorded-at sets the batch's recorded-at (historical ledgers): not before the head's, not in the
    future. --historical allows a per-line "recorded_at" instead, non-decreasing along the input.
    """
    static let options: [OptionSpec] = [
        .option("recorded-at", "T", "Recorded-at for the whole batch (historical ledgers)."),
        .flag("historical", "Accept a per-line recorded_at (historical ledgers)."),
        .option("key-file", "PATH", "The pseudonym key (default: the location recorded at init)."),
        .flag("json", "Print the result as JSON."),
    ]

    static func run(_ arguments: Arguments, console: Console) throws -> Int32 {
        let directory = try arguments.positionals(["DIR"])[0]
        let recordedAt = try Common.recordedAt(arguments)
        if recordedAt != nil && arguments.flag("historical") { throw UsageError("give --recorded-at or --historical, not both") }
        let ledger = try Ledger(path: directory)
        let input = try Console.readStandardInput(bytesMax: InputBatch.inputBytesMax)
        let decoder = InputDecoder(source: "standard input", allowsRecordedAt: arguments.flag("historical"),
                                   pseudonymize: Common.pseudonymizer(ledger: ledger, keyFile: arguments.value("key-file")))
        // Records are decoded one at a time while the batch is validated and encoded, so a large
        // input is never held as decoded records all at once.
        let result = try ledger.append(source: "standard input", recordedAt: recordedAt) { (emit) throws(LedgerError) in
            try InputBatch.forEachRecordInParallel(jsonLines: input, decoder: decoder, emit)
        }
        report(result, count: Int((result.firstSeq.map { result.lastSeq - $0 + 1 }) ?? 0), json: arguments.flag("json"), console: console)
        return ExitStatus.success
    }

    /// Prints an append's result.
    static func report(_ result: AppendResult, count: Int, json: Bool, console: Console) {
        if result.recoveredBytes > 0 {
            console.error("note: removed an unacknowledged tail of \(result.recoveredBytes) bytes left by an interrupted append")
        }
        if json {
            let first = result.firstSeq.map(String.init) ?? "null"
            console.line(#"{"appended":\#(count),"first_seq":\#(first),"last_seq":\#(result.lastSeq),"head_hash":"\#(result.head.hash.hex)"}"#)
        } else if let first = result.firstSeq {
            let range = first == result.lastSeq ? "seq \(first)" : "seq \(first)-\(result.lastSeq)"
            console.line("appended \(count) event\(count == 1 ? "" : "s"): \(range)")
        } else {
            console.line("appended 0 events (empty input); head is seq \(result.lastSeq)")
        }
    }
}
