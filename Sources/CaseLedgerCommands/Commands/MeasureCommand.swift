import LedgerCore
import Projections
import Reports

/// `caseledger measure`: computes one measure per municipality and for the jobcenter.
enum MeasureCommand: LedgerCommand {
    static let name = "measure"
    static let abstract = "Compute one measure (M1 ... M22) at a date or for a period, as known at a moment."
    static let usage = "DIR MEASURE [--at D | --period P] [--municipality CODE] [--known-at T] [--variant V] [--benefits B] [--filter K=V] [--json]"
    static let discussion = """
    MEASURE is one of M1, M1b, M2 ... M22 (EventLogs/FORMAT.md, "Measures"). --at D evaluates on day D;
    --period P over 2014, 2014-03, 2014Q1 or 2014-01-01/2014-06-30. --known-at T counts only events
    recorded at or before T (a bare date means the end of that day, UTC); default: everything
    recorded. Prints the value for the jobcenter and each municipality (or only --municipality).
    """
    static let options: [OptionSpec] = Common.evaluationOptions + [
        .option("municipality", "CODE", "Only this municipality (and not the jobcenter total)."),
        .option("variant", "V", "The measure's variant, e.g. 52w for M7, companies for M17."),
        .option("benefits", "B", "M12: benefits summed, e.g. a-dagpenge+kontanthjaelp:jobparat."),
        .option("filter", "K=V", "Further parameters, e.g. event=Virksomhedernes Dag (M18), arrival=2011-2014 (M15)."),
        .flag("json", "Print JSON (documented in EventLogs/REPORTS.md)."),
        Common.checkpointOption,
    ]

    static func run(_ arguments: Arguments, console: Console) throws -> Int32 {
        let positionals = try arguments.positionals(["DIR", "MEASURE"])
        guard MeasureDefinition.named(positionals[1]) != nil else {
            throw UsageError("unknown measure \(positionals[1]); known: " + MeasureDefinition.all.map(\.id).joined(separator: ", "))
        }
        let when = try Common.evaluation(arguments)
        var municipality: Int?
        if let text = arguments.value("municipality") { municipality = try Common.municipalities([text])[0] }
        let ledger = try Ledger(path: positionals[0])
        let state = try Common.replay(ledger, knownAt: when.knownAt, arguments)
        if let municipality, !state.municipalities.contains(municipality) {
            throw UsageError("municipality \(CanonicalEncoder.municipalityText(municipality)) does not belong to this ledger")
        }
        let request = MeasureRequest(measure: positionals[1], variant: arguments.value("variant"), at: when.at, period: when.period,
                                     benefits: arguments.value("benefits"), filter: MeasureRequest.parseFilter(arguments.value("filter")))
        let result: MeasureResult
        do { result = try MeasureEngine(state: state).compute(request, defaultDay: Common.defaultDay(state)) } catch {
            throw UsageError(error.message)
        }
        var shown = result
        if let municipality { shown.scopes = result.scopes.filter { $0.municipality == municipality } }
        if arguments.flag("json") {
            console.line(MeasureReport.json(shown, state: state, knownAt: when.knownAt).render())
        } else {
            console.out(MeasureReport.text(shown, state: state, knownAt: when.knownAt))
        }
        return ExitStatus.success
    }
}

/// `caseledger report`: every goal of every loaded plan, per scope.
enum ReportCommand: LedgerCommand {
    static let name = "report"
    static let abstract = "Evaluate every goal of every loaded plan: value, target, status, baseline, source."
    static let usage = "DIR [--at D] [--known-at T] [--json] [--html FILE]"
    static let discussion = """
    For each goal in force: the measured value in its scope (municipality or jobcenter), the target
    and comparison, the status (met, not met, no target, not yet due, reference missing), the change
    against the baseline in percent where the plan gives one, who adopted it and when, and its source.
    Goals whose deadline is after --at show where things stand at --at ("not yet due").
    --at defaults to the latest effective date in the ledger.
    --html FILE writes the report as one self-contained HTML page for a committee (Danish labels,
    a monthly trend chart per goal, how the numbers were made; prints on A4) instead of printing
    the text report; with --json the JSON is still printed.
    """
    static let options: [OptionSpec] = [
        .option("at", "D", "Evaluate as of day D (default: the latest effective date recorded)."),
        .option("known-at", "T", "Count only events recorded at or before T."),
        .flag("json", "Print JSON (documented in EventLogs/REPORTS.md)."),
        .option("html", "FILE", "Write the report as a self-contained HTML page to FILE (replaced atomically)."),
        Common.checkpointOption,
    ]

    static func run(_ arguments: Arguments, console: Console) throws -> Int32 {
        let directory = try arguments.positionals(["DIR"])[0]
        let knownAt = try Common.knownAt(arguments)
        let at = try Common.day(arguments, "at")
        let htmlPath = arguments.value("html")
        if let htmlPath {
            guard !htmlPath.isEmpty else { throw UsageError("--html expects the path of the file to write") }
            guard !FileAccess.isDirectory(htmlPath) else { throw UsageError("--html \(htmlPath) is a directory; give the path of the file to write") }
        }
        let ledger = try Ledger(path: directory)
        let useCheckpoint = !arguments.flag("no-checkpoint")
        // Right after a few new lines: the checkpoint's partitions those lines touch, the other
        // partitions' measure parts from the checkpoint (the same report to the last bit).
        if useCheckpoint, let partial = try ProjectionCheckpoint.replayPartially(ledger, knownAt: knownAt) {
            let recorder = MeasureRecorder()
            let evaluator = GoalEvaluator(engine: MeasureEngine(state: partial.state, cache: partial.cache, recorder: recorder))
            let day = at ?? Common.defaultDay(partial.state)
            let evaluations = evaluator.evaluateAll(at: day)
            let trends = htmlPath == nil ? [:] : GoalTrend.computeAll(evaluations, evaluator: evaluator, reportDate: day)
            if !recorder.missed {
                try output(evaluations, trends: trends, state: partial.state, day: day, knownAt: knownAt, htmlPath: htmlPath, ledger: ledger, arguments, console)
                return ExitStatus.success
            }
        }
        // The whole fold (from the checkpoint when it serves), whose measure parts are saved with a
        // new checkpoint for the next report.
        let head = try ledger.readHead()
        let state = try Replayer.replay(ledger, knownAt: knownAt, progress: ProgressReporter("replaying"), checkpoints: useCheckpoint, saveCheckpoint: false)
        let recorder = MeasureRecorder()
        let evaluator = GoalEvaluator(engine: MeasureEngine(state: state, recorder: recorder))
        let day = at ?? Common.defaultDay(state)
        let evaluations = evaluator.evaluateAll(at: day)
        let trends = htmlPath == nil ? [:] : GoalTrend.computeAll(evaluations, evaluator: evaluator, reportDate: day)
        if useCheckpoint && state.headSeq == head.seq {
            ProjectionCheckpoint.saveCarryingEarlier(state, to: ledger, head: head, current: recorder.cache)
        }
        try output(evaluations, trends: trends, state: state, day: day, knownAt: knownAt, htmlPath: htmlPath, ledger: ledger, arguments, console)
        // A large fold's histories are freed on another thread (or not at all, when the process
        // exits first), not on the way out.
        Retirement.free((consume state, consume evaluator))
        return ExitStatus.success
    }

    /// Prints the report, or writes the HTML page.
    static func output(_ evaluations: [GoalEvaluation], trends: [String: GoalTrend], state: ProjectionState, day: Day, knownAt: Timestamp?,
                       htmlPath: String?, ledger: Ledger, _ arguments: Arguments, _ console: Console) throws {
        if let htmlPath {
            var facts = HTMLReport.Facts(state: state, reportDate: day, knownAt: knownAt)
            // The Merkle tree over the lines the page counts, from the index (brought up to the head
            // when behind), or hashed from the lines where cache/ cannot be written.
            if state.headSeq >= 1 {
                let head = try ledger.readHead()
                do {
                    let index = try MerkleIndex.current(ledger, head: head)
                    if state.headSeq <= index.leafCount { facts.merkle = (state.headSeq, try index.root(size: state.headSeq).hex) }
                } catch {
                    guard case .system(let failure) = error, failure.isNotWritable, state.headSeq <= head.seq else { throw error }
                    facts.merkle = (state.headSeq, try MerkleTree.rootFromLines(ledger, head: head, size: state.headSeq).hex)
                }
            }
            let page = HTMLReport.render(evaluations, trends: trends, facts: facts)
            try FileAccess.write(htmlPath, bytes: Array(page.utf8))
            console.error("wrote \(htmlPath)")
            if arguments.flag("json") { console.line(GoalReport.json(evaluations, state: state, at: day, knownAt: knownAt).render()) }
            return
        }
        if arguments.flag("json") {
            console.line(GoalReport.json(evaluations, state: state, at: day, knownAt: knownAt).render())
        } else {
            console.out(GoalReport.text(evaluations, state: state, at: day, knownAt: knownAt))
        }
    }
}

/// `caseledger goals`: the goals in force and their history of amendments.
enum GoalsCommand: LedgerCommand {
    static let name = "goals"
    static let abstract = "List the goals in force and their history of amendments."
    static let usage = "DIR [--known-at T] [--json]"
    static let discussion = "Each goal with its facts in force, then each version (adopted, amended) with its sequence number and recording time."
    static let options: [OptionSpec] = [
        .option("known-at", "T", "Goals as known at T."),
        .flag("json", "Print JSON."),
        Common.checkpointOption,
    ]

    static func run(_ arguments: Arguments, console: Console) throws -> Int32 {
        let directory = try arguments.positionals(["DIR"])[0]
        let knownAt = try Common.knownAt(arguments)
        let state = try Common.replay(try Ledger(path: directory), knownAt: knownAt, arguments)
        let goals = state.goalOrder.compactMap { state.goals[$0] }
        if arguments.flag("json") {
            let items: [JSONOut] = goals.map { goal in
                .object([
                    ("goal_id", .string(goal.id)),
                    ("scope", .string(MeasureReport.scopeName(goal.scope))),
                    ("in_force", .object(goal.current.sorted { $0.key < $1.key }.map { ($0.key, .string($0.value.display)) })),
                    ("history", .array(goal.versions.map { v in
                        .object([("seq", .integer(v.seq)), ("type", .string(v.type.rawValue)), ("effective", .string(v.effective.iso)),
                                 ("recorded_at", .string(v.recordedAt.iso)),
                                 ("facts", .object(v.facts.map { ($0.name, .string($0.value.display)) }))])
                    })),
                ])
            }
            console.line(JSONOut.object([("goals", .array(items))]).render())
            return ExitStatus.success
        }
        if goals.isEmpty { console.line("No goals are loaded. Load a plan: caseledger append DIR < EventLogs/plans/NAME.jsonl") }
        for goal in goals {
            console.line("\(goal.id) [\(MeasureReport.municipalityName(goal.scope))] \(goal.text("measure") ?? "") \(goal.text("comparison") ?? "") \(goal.text("target") ?? "") at \(goal.text("evaluation") ?? "")")
            console.line("    \(goal.text("title") ?? "")")
            for v in goal.versions {
                console.line("    seq \(v.seq) \(v.type == .goalAdopted ? "adopted" : "amended") \(v.effective.iso) (recorded \(v.recordedAt.iso)): "
                             + v.facts.filter { $0.name != "goal_id" && $0.name != "title" }.map { "\($0.name)=\($0.value.display)" }.joined(separator: " "))
            }
        }
        return ExitStatus.success
    }
}
