import LedgerCore
import Projections

/// One `caseledger` subcommand: its name, abstract, options and how it runs.
public protocol LedgerCommand: SendableMetatype {
    /// The subcommand's name, e.g. `append`.
    static var name: String { get }
    /// One line saying what it does.
    static var abstract: String { get }
    /// The usage line after `caseledger NAME`, e.g. `DIR [--json]`.
    static var usage: String { get }
    /// Longer help: arguments, behaviour, exit status.
    static var discussion: String { get }
    /// The options it accepts.
    static var options: [OptionSpec] { get }
    /// Runs with parsed arguments; returns the exit status.
    static func run(_ arguments: Arguments, console: Console) throws -> Int32
}

extension LedgerCommand {
    /// The help text shown by `--help`.
    public static var help: String {
        var text = "caseledger \(name): \(abstract)\n\nUsage: caseledger \(name) \(usage)\n"
        if !discussion.isEmpty { text += "\n" + discussion + "\n" }
        if !options.isEmpty {
            text += "\nOptions:\n"
            for option in options {
                let left = "  --\(option.name)" + (option.value.map { " \($0)" } ?? "")
                text += left.padding(toLength: 30) + option.help + (option.repeatable ? " (repeatable)" : "") + "\n"
            }
        }
        text += "  --help".padding(toLength: 30) + "Show this help.\n"
        return text
    }
}

extension String {
    func padding(toLength length: Int) -> String {
        count >= length ? self + "  " : self + String(repeating: " ", count: length - count)
    }
}

/// Exit statuses: 0 success, 1 rejected input or defect found, 2 usage error.
public enum ExitStatus {
    /// Success.
    public static let success: Int32 = 0
    /// Rejected input, a defect found, or a failure.
    public static let failure: Int32 = 1
    /// A usage error.
    public static let usage: Int32 = 2
}

/// Shared argument handling.
enum Common {
    /// Parses a `--recorded-at` value.
    static func recordedAt(_ arguments: Arguments) throws(UsageError) -> Timestamp? {
        guard let text = arguments.value("recorded-at") else { return nil }
        guard let t = Timestamp(iso: text) else { throw UsageError("--recorded-at expects YYYY-MM-DDTHH:MM:SSZ, YYYY-MM-DDTHH:MM:SS.mmmZ or YYYY-MM-DD (UTC)") }
        return t
    }

    /// Parses a day option.
    static func day(_ arguments: Arguments, _ name: String) throws(UsageError) -> Day? {
        guard let text = arguments.value(name) else { return nil }
        guard let d = Day(iso: text) else { throw UsageError("--\(name) expects a date YYYY-MM-DD") }
        return d
    }

    /// The options of an evaluation: date or period, and knowledge time.
    static let evaluationOptions: [OptionSpec] = [
        .option("at", "D", "Evaluate on day D (YYYY-MM-DD)."),
        .option("period", "P", "Evaluate over period P: 2014, 2014-03, 2014Q1 or 2014-01-01/2014-06-30."),
        .option("known-at", "T", "Count only events recorded at or before T (a date means the end of that day, UTC)."),
    ]

    /// The option that turns the projections' checkpoint off.
    static let checkpointOption: OptionSpec = .flag("no-checkpoint", "Replay every line; do not read or write cache/projection.bin.")

    /// Replays a ledger for a manager's command: from the projections' checkpoint unless
    /// `--no-checkpoint` is given (see EventLogs/FORMAT.md, "Checkpoints").
    static func replay(_ ledger: Ledger, knownAt: Timestamp?, _ arguments: Arguments) throws(LedgerError) -> ProjectionState {
        try Replayer.replay(ledger, knownAt: knownAt, progress: ProgressReporter("replaying"), checkpoints: !arguments.flag("no-checkpoint"))
    }

    /// A parsed evaluation: day or period, and knowledge time.
    struct When { var at: Day?; var period: Period?; var knownAt: Timestamp? }

    /// Parses `--at`, `--period` and `--known-at`.
    static func evaluation(_ arguments: Arguments) throws(UsageError) -> When {
        let at = try day(arguments, "at")
        var period: Period?
        if let text = arguments.value("period") {
            guard let p = Period(text: text) else { throw UsageError("--period expects 2014, 2014-03, 2014Q1 or 2014-01-01/2014-06-30") }
            period = p
        }
        if at != nil && period != nil { throw UsageError("give --at or --period, not both") }
        return When(at: at, period: period, knownAt: try knownAt(arguments))
    }

    /// Parses `--known-at`: an instant, or a date meaning the end of that day (UTC).
    static func knownAt(_ arguments: Arguments) throws(UsageError) -> Timestamp? {
        guard let text = arguments.value("known-at") else { return nil }
        guard let t = Timestamp(iso: text) else { throw UsageError("--known-at expects YYYY-MM-DDTHH:MM:SSZ or YYYY-MM-DD") }
        return text.utf8.count == 10 ? Timestamp(milliseconds: t.milliseconds + 86_399_999) : t
    }

    /// The default evaluation day: the latest effective date recorded (or today for an empty ledger).
    static func defaultDay(_ state: ProjectionState) -> Day {
        state.latestEffective.ordinal > 0 ? state.latestEffective : Clock.now().utcDay
    }

    /// Parses municipality codes.
    static func municipalities(_ values: [String]) throws(UsageError) -> [Int] {
        var codes: [Int] = []
        for value in values {
            for part in value.split(separator: ",") {
                guard part.utf8.count == 3, let code = Int(part) else { throw UsageError("--municipality expects a three-digit code, e.g. 250") }
                guard !codes.contains(code) else { throw UsageError("municipality \(part) given twice") }
                codes.append(code)
            }
        }
        return codes
    }

    /// The pseudonym function for a ledger: loads the key on first use.
    static func pseudonymizer(ledger: Ledger, keyFile: String?) -> @Sendable (_ digits: [UInt8]) throws(LedgerError) -> Pseudonym {
        // Input is decoded on several threads: the key is loaded once, under a lock.
        let box = Locked<PseudonymKey?>(nil)
        let path = keyFile ?? SystemEnvironment.value("CASELEDGER_KEY_FILE") ?? ledger.recordedKeyPath()
        return { (digits) throws(LedgerError) -> Pseudonym in
            let key = try box.withLock { (key) throws(LedgerError) -> PseudonymKey in
                if let key { return key }
                guard let path else {
                    throw LedgerError.keyFile(path: "(unknown)", reason: "no key location recorded; give --key-file")
                }
                let loaded = try PseudonymKey.load(from: path)
                key = loaded
                return loaded
            }
            return key.pseudonym(cprDigits: digits)
        }
    }

}
