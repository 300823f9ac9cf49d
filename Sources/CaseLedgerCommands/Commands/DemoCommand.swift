import LedgerCore
import Projections
import Reports
import Simulation

/// `caseledger demo`: builds the two bundled demo ledgers (if absent) and prints their goal reports.
enum DemoCommand: LedgerCommand {
    static let name = "demo"
    static let abstract = "Build the demo jobcenters (if absent) and print their goal reports for December 2014."
    static let usage = "[DIR] [--at D] [--plans DIR]"
    static let discussion = """
    Creates, if absent, under DIR (default EventLogs/demo, or ./caseledger-demo outside the
    repository): frederikssund/ (Jobcenter Frederikssund, municipality 250, with the Frederikssund
    2014 plan) and vallensbaek/ (Jobcenter Vallensbæk serving Ishøj 183 and Vallensbæk 187, with its
    2014 plan). Their 2011-2014 histories are synthetic and deterministic (caseledger generate), with
    late registrations and corrections; pseudonym keys live in DIR/keys/. Then verifies both ledgers
    and prints each goal report at --at (default 2014-12-31).
    """
    static let options: [OptionSpec] = [
        .option("at", "D", "Report date (default 2014-12-31)."),
        .option("plans", "DIR", "Where the plan files are (default EventLogs/plans)."),
    ]

    /// A demo jobcenter: its directory name, name, municipalities, plan, size and seed.
    struct DemoJobcenter {
        var directory: String
        var name: String
        var municipalities: [Int]
        var plan: String
        var citizens: Int
        var seed: UInt64
        var profile: GeneratorProfile
    }

    static let jobcenters = [
        DemoJobcenter(directory: "frederikssund", name: "Jobcenter Frederikssund", municipalities: [250], plan: "frederikssund-2014.jsonl", citizens: 6000, seed: 250, profile: .frederikssund2014),
        DemoJobcenter(directory: "vallensbaek", name: "Jobcenter Vallensbæk", municipalities: [183, 187], plan: "vallensbaek-2014.jsonl", citizens: 8500, seed: 183, profile: .vallensbaek2014),
    ]

    static func run(_ arguments: Arguments, console: Console) throws -> Int32 {
        guard arguments.positionals.count <= 1 else { throw UsageError("unexpected argument \(arguments.positionals[1])") }
        let root = arguments.positionals.first ?? (FileAccess.isDirectory("EventLogs") ? "EventLogs/demo" : "caseledger-demo")
        let plans = arguments.value("plans") ?? "EventLogs/plans"
        let at = try Common.day(arguments, "at") ?? Day(year: 2014, month: 12, day: 31)!
        for jobcenter in jobcenters {
            let path = PathNames.join(root, jobcenter.directory)
            if !FileAccess.exists(path) {
                try build(jobcenter, at: path, root: root, plans: plans, console: console)
            }
            let ledger = try Ledger(path: path)
            let verification = try LedgerVerifier.verify(ledger)
            let state = try Replayer.replay(ledger)
            let evaluations = GoalEvaluator(engine: MeasureEngine(state: state)).evaluateAll(at: at)
            console.line(String(repeating: "=", count: 100))
            console.line("\(path): \(verification.events) events, verified; head \(verification.head.hash.hex)")
            console.out(GoalReport.text(evaluations, state: state, at: at, knownAt: nil))
            console.line()
        }
        console.line("Try: swift run -c release caseledger measure \(PathNames.join(root, "frederikssund")) M1 --at 2014-12-31")
        console.line("     swift run -c release caseledger report \(PathNames.join(root, "vallensbaek")) --at 2014-06-30 --known-at 2014-07-15")
        return ExitStatus.success
    }

    /// Creates one demo ledger: init (recorded 2010-12-31), the generated history, then the plan.
    static func build(_ jobcenter: DemoJobcenter, at path: String, root: String, plans: String, console: Console) throws {
        let planPath = PathNames.join(plans, jobcenter.plan)
        let planBytes: [UInt8]
        do { planBytes = try FileAccess.read(planPath, bytesMax: 1 << 20) } catch {
            throw LedgerError.invalidRequest("cannot read the plan \(planPath) (\(error)); run the demo from the repository's top folder or give --plans DIR")
        }
        if console.errorIsTerminal { console.error("building \(path) (\(jobcenter.citizens) citizens, 2011-2014)...") }
        let keyPath = PathNames.join(PathNames.join(root, "keys"), jobcenter.directory + ".key")
        let created = try Ledger.create(at: path, jobcenter: jobcenter.name, municipalities: jobcenter.municipalities, keyPath: keyPath,
                                        recordedAt: Timestamp(iso: "2010-12-31T12:00:00.000Z")!, now: Clock.now())
        let ledger = created.ledger
        var lines: [UInt8] = []
        let options = GeneratorOptions(citizens: jobcenter.citizens, seed: jobcenter.seed, from: GeneratorOptions.defaultFrom, to: GeneratorOptions.defaultTo,
                                       municipalities: jobcenter.municipalities, firstSeq: 2, withRecordedAt: true, profile: jobcenter.profile)
        Generator.generate(options) { line in
            lines.append(contentsOf: line.utf8)
            lines.append(0x0A)
        }
        let noKey: @Sendable (_ digits: [UInt8]) throws(LedgerError) -> Pseudonym = { (_) throws(LedgerError) -> Pseudonym in
            throw LedgerError.invalidRequest("the demo history carries no CPR numbers")
        }
        // The history is decoded one record at a time while it is validated, as `append` does.
        let historyDecoder = InputDecoder(source: "generated history", allowsRecordedAt: true, pseudonymize: noKey)
        _ = try ledger.append(source: "generated history", recordedAt: nil) { (emit) throws(LedgerError) in
            try InputBatch.forEachRecordInParallel(jsonLines: lines, decoder: historyDecoder, emit)
        }
        let plan = try InputBatch.records(jsonLines: planBytes, decoder: InputDecoder(source: planPath, allowsRecordedAt: false, pseudonymize: noKey))
        // The plan is recorded after the history, as of the day after its last recorded event.
        _ = try ledger.append(plan, source: planPath, recordedAt: nil)
        console.error("created \(path)")
    }
}
