import LedgerCore
import Simulation

/// `caseledger generate`: writes a deterministic synthetic history as input events.
enum GenerateCommand: LedgerCommand {
    static let name = "generate"
    static let abstract = "Write a synthetic jobcenter history (valid input events) to standard output."
    static let usage = "--citizens N --seed S [--from DATE] [--to DATE] [--municipality CODE ...] [--first-seq N | --ledger DIR] [--with-recorded-at]"
    static let discussion = """
    The same seed gives the same output. Every event type appears (goals come from plan files). The
    output is one batch for `caseledger append`; corrections in it refer to sequence numbers counted
    from --first-seq (default 2: a fresh ledger after init). To append to a ledger that holds events
    already, give --ledger DIR: the numbers then follow its head, and the output must be appended to
    it before anything else is. Histories of different seeds can go into one ledger: job order and
    activity ids carry the seed, citizens are drawn anew; company CVR numbers are drawn at random
    per seed, so two seeds may by chance share one, which then counts as one company.
    With --with-recorded-at each line carries
    its own recorded_at (late registration included): append it with --historical into a ledger
    created with an earlier --recorded-at. Citizens are pseudonyms; no CPR numbers are generated.
    """
    static let options: [OptionSpec] = [
        .option("citizens", "N", "Number of citizens (1 to 10,000,000)."),
        .option("seed", "S", "Random seed (a whole number)."),
        .option("from", "DATE", "First effective date (default 2011-01-01)."),
        .option("to", "DATE", "Last effective date (default 2014-12-31)."),
        .option("municipality", "CODE", "Municipalities the citizens live in (default 250).", repeatable: true),
        .option("first-seq", "N", "Sequence number the first line will get (default 2)."),
        .option("ledger", "DIR", "Number the lines to follow this ledger's head (instead of --first-seq)."),
        .flag("with-recorded-at", "Give each line its own recorded_at (for append --historical)."),
    ]

    static func run(_ arguments: Arguments, console: Console) throws -> Int32 {
        guard arguments.positionals.isEmpty else { throw UsageError("unexpected argument \(arguments.positionals[0])") }
        guard let citizensText = arguments.value("citizens"), let citizens = Int(citizensText), citizens >= 1, citizens <= 10_000_000 else {
            throw UsageError("--citizens N is required (1 to 10,000,000)")
        }
        guard let seedText = arguments.value("seed"), let seed = UInt64(seedText) else { throw UsageError("--seed S is required (a whole number)") }
        let from = try Common.day(arguments, "from") ?? GeneratorOptions.defaultFrom
        let to = try Common.day(arguments, "to") ?? GeneratorOptions.defaultTo
        guard from <= to else { throw UsageError("--from must not be after --to") }
        var municipalities = try Common.municipalities(arguments.values["municipality"] ?? [])
        if municipalities.isEmpty { municipalities = [250] }
        var firstSeq: Int64 = 2
        if let text = arguments.value("first-seq") {
            guard arguments.value("ledger") == nil else { throw UsageError("give --first-seq or --ledger, not both") }
            guard let n = Int64(text), n >= 2 else { throw UsageError("--first-seq expects 2 or more") }
            firstSeq = n
        }
        if let directory = arguments.value("ledger") {
            // The head names the last acknowledged line; the output's first line follows it.
            let ledger = try Ledger(path: directory)
            firstSeq = try ledger.readHead().seq + 1
        }
        let options = GeneratorOptions(citizens: citizens, seed: seed, from: from, to: to, municipalities: municipalities,
                                       firstSeq: firstSeq, withRecordedAt: arguments.flag("with-recorded-at"))
        Generator.generate(options) { line in console.line(line) }
        return ExitStatus.success
    }
}
