import LedgerCore

/// `caseledger init`: creates a ledger directory and its pseudonym key.
enum InitCommand: LedgerCommand {
    static let name = "init"
    static let abstract = "Create a ledger for a jobcenter and its municipalities."
    static let usage = "DIR --jobcenter NAME --municipality CODE [--municipality CODE ...] [--key-file PATH] [--recorded-at T]"
    static let discussion = """
    Creates DIR (new or empty) with its first line, ledger_opened, naming the jobcenter and the
    municipalities it serves (three-digit codes: Frederikssund 250, Ishøj 183, Vallensbæk 187,
    Gribskov 270). Creates the pseudonym key (32 random bytes, mode 0600) outside the ledger, at
    --key-file, else $CASELEDGER_KEY_FILE, else $HOME/.caseledger/keys/LEDGER_ID.key; an existing key
    file given with --key-file is used as it is, so ledgers can share pseudonyms.
    """
    static let options: [OptionSpec] = [
        .option("jobcenter", "NAME", "The jobcenter's name."),
        .option("municipality", "CODE", "A municipality the jobcenter serves.", repeatable: true),
        .option("key-file", "PATH", "Where the pseudonym key is (created if absent)."),
        .option("recorded-at", "T", "Recorded-at of the first line, for historical ledgers (not in the future)."),
    ]

    static func run(_ arguments: Arguments, console: Console) throws -> Int32 {
        let directory = try arguments.positionals(["DIR"])[0]
        guard let jobcenter = arguments.value("jobcenter"), !jobcenter.isEmpty else { throw UsageError("--jobcenter NAME is required") }
        let municipalities = try Common.municipalities(arguments.values["municipality"] ?? [])
        guard !municipalities.isEmpty else { throw UsageError("at least one --municipality CODE is required") }
        guard !CPR.containsCPRShape(jobcenter), jobcenter.utf8.count <= 200,
              !jobcenter.unicodeScalars.contains(where: { $0.value < 0x20 || (0x7F...0x9F).contains($0.value) }) else {
            throw UsageError("--jobcenter must be a name of at most 200 bytes, without control characters or CPR numbers")
        }
        let recordedAt = try Common.recordedAt(arguments)
        let keyPath = arguments.value("key-file")
        if let keyPath, keyPath.hasPrefix(directory.hasSuffix("/") ? directory : directory + "/") {
            throw UsageError("the key file must live outside the ledger directory")
        }
        let created = try Ledger.create(at: directory, jobcenter: jobcenter, municipalities: municipalities, keyPath: keyPath,
                                        recordedAt: recordedAt, now: Clock.now())
        let head = try created.ledger.readHead()
        console.line("created ledger \(created.ledgerID) in \(directory) for \(jobcenter) (municipalities "
                     + municipalities.map(CanonicalEncoder.municipalityText).joined(separator: ", ") + ")")
        console.line("head: seq \(head.seq) \(head.hash.hex)")
        console.line("pseudonym key: \(created.keyPath)" + (created.keyCreated ? " (created, mode 0600)" : " (existing)"))
        return ExitStatus.success
    }
}
