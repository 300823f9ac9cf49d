import LedgerCore

/// `caseledger log`: lists events, optionally of one type or one citizen.
enum LogCommand: LedgerCommand {
    static let name = "log"
    static let abstract = "List recorded events, filtered by type or citizen."
    static let usage = "DIR [--type TYPE] [--citizen PSEUDONYM] [--from-seq N] [--limit N] [--json]"
    static let discussion = """
    Prints one event per line: sequence number, recorded-at, effective date, type, municipality,
    citizen pseudonym and facts. --json prints the stored lines as they are (canonical JSON Lines,
    with their hashes), so they can be piped to other tools.
    """
    static let options: [OptionSpec] = [
        .option("type", "TYPE", "Only events of this type."),
        .option("citizen", "PSEUDONYM", "Only events about this citizen (c-...)."),
        .option("from-seq", "N", "Start at this sequence number."),
        .option("limit", "N", "Print at most N events."),
        .flag("json", "Print the stored JSON lines."),
    ]

    static func run(_ arguments: Arguments, console: Console) throws -> Int32 {
        let directory = try arguments.positionals(["DIR"])[0]
        var type: EventType?
        if let name = arguments.value("type") {
            guard let t = EventType(rawValue: name) else {
                throw UsageError("--type must be one of: " + EventType.allCases.map(\.rawValue).joined(separator: ", "))
            }
            type = t
        }
        var citizen: Pseudonym?
        if let text = arguments.value("citizen") {
            guard let p = Pseudonym(text) else { throw UsageError("--citizen expects a pseudonym c-<16 hex digits>") }
            citizen = p
        }
        let fromSeq = try integer(arguments, "from-seq") ?? 1
        let limit = try integer(arguments, "limit") ?? Int64.max
        let json = arguments.flag("json")
        let ledger = try Ledger(path: directory)
        let head = try ledger.readHead()
        var printed: Int64 = 0
        if !json {
            console.line("seq".padding(toLength: 8) + "recorded_at".padding(toLength: 26) + "effective".padding(toLength: 12)
                         + "type".padding(toLength: 28) + "mun  " + "citizen".padding(toLength: 20) + "facts")
        }
        try ledger.forEachAcknowledgedLine(head: head) { (location, line) throws(LedgerError) in
            guard printed < limit else { return }
            let recorded = try Ledger.decode(line, at: location)
            guard recorded.seq >= fromSeq else { return }
            if let type, recorded.event.type != type { return }
            if let citizen, recorded.event.citizen != citizen { return }
            printed += 1
            if json {
                console.outBytes(line)
                console.out("\n")
                return
            }
            let e = recorded.event
            let municipality = e.municipality.map(CanonicalEncoder.municipalityText) ?? "-"
            let facts = e.facts.map { "\($0.name)=\($0.value.display)" }.joined(separator: " ")
            console.line(String(recorded.seq).padding(toLength: 8) + recorded.recordedAt.iso.padding(toLength: 26)
                         + e.effective.iso.padding(toLength: 12) + e.type.rawValue.padding(toLength: 28)
                         + municipality.padding(toLength: 5) + (e.citizen?.text ?? "-").padding(toLength: 20) + facts)
        }
        return ExitStatus.success
    }

    static func integer(_ arguments: Arguments, _ name: String) throws(UsageError) -> Int64? {
        guard let text = arguments.value(name) else { return nil }
        guard let n = Int64(text), n >= 1 else { throw UsageError("--\(name) expects a whole number, 1 or more") }
        return n
    }
}
