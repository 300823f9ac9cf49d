import LedgerCore

/// `caseledger import`: appends a CSV file of one event type as one batch.
enum ImportCommand: LedgerCommand {
    static let name = "import"
    static let abstract = "Import a CSV export (header row names the fields) as one batch."
    static let usage = "DIR FILE.csv --type TYPE [--recorded-at T] [--historical] [--key-file PATH] [--json]"
    static let discussion = """
    The header row names the columns: effective, municipality, cpr (or citizen), and the facts of
    TYPE (see EventLogs/FORMAT.md); a type column may override --type per row. Cells may be quoted;
    ';' separates cells when the header uses it. Empty cells are absent fields. The whole file is one
    batch: one bad row rejects it, naming the file, line and field, and nothing is written.
    """
    static let options: [OptionSpec] = [
        .option("type", "TYPE", "The event type of the rows, e.g. activation_started."),
        .option("recorded-at", "T", "Recorded-at for the whole batch (historical ledgers)."),
        .flag("historical", "Accept a recorded_at column (historical ledgers)."),
        .option("key-file", "PATH", "The pseudonym key (default: the location recorded at init)."),
        .flag("json", "Print the result as JSON."),
    ]

    static func run(_ arguments: Arguments, console: Console) throws -> Int32 {
        let positionals = try arguments.positionals(["DIR", "FILE.csv"])
        guard let typeName = arguments.value("type") else { throw UsageError("--type TYPE is required") }
        guard let type = EventType(rawValue: typeName), type != .ledgerOpened, type != .publication else {
            throw UsageError("--type must be one of: " + EventType.allCases.filter { $0 != .ledgerOpened && $0 != .publication }.map(\.rawValue).joined(separator: ", "))
        }
        let recordedAt = try Common.recordedAt(arguments)
        let ledger = try Ledger(path: positionals[0])
        let file = positionals[1]
        let bytes: [UInt8]
        do { bytes = try FileAccess.read(file, bytesMax: InputBatch.inputBytesMax) } catch {
            throw LedgerError.invalidRequest("cannot read \(file): \(error)")
        }
        let decoder = InputDecoder(source: file, allowsRecordedAt: arguments.flag("historical"),
                                   pseudonymize: Common.pseudonymizer(ledger: ledger, keyFile: arguments.value("key-file")))
        // Rows are read, decoded and validated in order, so the first bad row is the one named.
        let result = try ledger.append(source: file, recordedAt: recordedAt) { (emit) throws(LedgerError) in
            try InputBatch.forEachRecord(csv: bytes, type: type, decoder: decoder, emit)
        }
        AppendCommand.report(result, count: Int((result.firstSeq.map { result.lastSeq - $0 + 1 }) ?? 0), json: arguments.flag("json"), console: console)
        return ExitStatus.success
    }
}
