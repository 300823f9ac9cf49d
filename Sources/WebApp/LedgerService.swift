import LedgerCore
import Projections
import Reports

/// The ledger as the server keeps it: the validator's state and the projection in memory, both
/// brought forward by each batch appended (by the server or by a command-line writer) instead of
/// being loaded again, and the goals evaluated per (head, date, knowledge time), kept until the
/// head moves. The measures' parts per partition are kept with the projection
/// (``KeptMeasureParts``), so that evaluating the goals after an append walks only the partitions
/// the new events touched.
///
/// Everything is behind one lock: requests are served one at a time against one state, and a
/// projection is never copied (a copy of a large one costs more than a request may take).
final class LedgerService: @unchecked Sendable {
    /// The ledger.
    let ledger: Ledger
    /// The pseudonym function of the ledger (the key loaded on first use).
    let pseudonymize: @Sendable (_ digits: [UInt8]) throws(LedgerError) -> Pseudonym
    private let lock = Mutex()
    /// The validator's state at ``head``.
    private var loaded: LoadedLedgerState
    /// The head before which ``loaded`` is not loaded again for a new validator's index (see ``catchUp()``).
    private var reloadNotBefore: Int64 = 0
    /// The projection of everything recorded up to ``head``.
    private var projection: ProjectionState
    /// The measures' parts computed on ``projection``, brought forward with it.
    private var kept: KeptMeasureParts
    /// The goals evaluated, by date and knowledge time, at ``head`` (cleared when it moves).
    private var goalsCache: [GoalsKey: GoalsView] = [:]
    /// Most evaluations kept at one head (a committee looks at a few dates).
    static let goalsCacheMax = 16
    /// Projections as known at an earlier moment, by knowledge time, at ``head`` (cleared when it moves).
    private var knownAtStates: [Timestamp: ProjectionState] = [:]
    /// Most earlier-knowledge projections kept at one head (each is a whole fold).
    static let knownAtStatesMax = 2

    /// Loads the ledger at its head: the validator's state and the projection (from their checkpoints where they fit).
    init(ledger: Ledger, pseudonymize: @escaping @Sendable (_ digits: [UInt8]) throws(LedgerError) -> Pseudonym) throws(LedgerError) {
        self.ledger = ledger
        self.pseudonymize = pseudonymize
        let head = try ledger.readHead()
        loaded = try ledger.loadState(head: head)
        projection = try Replayer.replay(ledger, throughSeq: head.seq, checkpoints: true)
        precondition(projection.headSeq == head.seq, "the projection is at the head it was loaded to")
        kept = KeptMeasureParts(projection)
    }

    /// The key of an evaluation of the goals.
    struct GoalsKey: Hashable {
        var at: Day?
        var knownAt: Timestamp?
    }

    /// The goals evaluated at a date as known at a moment, with their trends and the report's facts.
    struct GoalsView {
        var evaluations: [GoalEvaluation]
        var trends: [String: GoalTrend]
        var facts: HTMLReport.Facts
        /// The report's JSON (as `report --json` prints it), for the figures the page states.
        var json: String
        /// The evaluator's projection's municipalities, in init order.
        var municipalities: [Int]
    }

    // MARK: Following the head

    /// Brings the states to the ledger's current head; returns it. Must hold the lock.
    private func catchUp() throws(LedgerError) -> HeadRecord {
        let head = try ledger.readHead()
        guard head != loaded.head else { return head }
        goalsCache = [:]
        knownAtStates = [:]
        if let events = try ledger.events(after: loaded.head, through: head) {
            loaded = ledger.advance(loaded, by: events, to: head)
            kept.apply(events, to: &projection)
            // An append reusing the state rewrites the validator's index once enough lines follow
            // the index the state was loaded from (all lines, without one), and, the state still
            // naming that one, would rewrite it at every append after (the whole state each time).
            // So the state is loaded again from the new index; when there is none newer (a cache/
            // that cannot be written), not again for as many lines.
            let due = ValidatorIndex.rewriteAfterLines
            if head.seq - loaded.indexSeq >= due && head.seq >= reloadNotBefore {
                loaded = try ledger.loadState(head: head)
                if head.seq - loaded.indexSeq >= due { reloadNotBefore = head.seq + due }
            }
        } else {
            // The head did not move forward (another ledger in its place): load afresh.
            loaded = try ledger.loadState(head: head)
            projection = try Replayer.replay(ledger, throughSeq: head.seq, checkpoints: true)
            kept = KeptMeasureParts(projection)
        }
        assert(projection.headSeq == head.seq && loaded.head == head && kept.headSeq == head.seq, "the states are at the head")
        return head
    }

    /// Runs `body` with the current states, under the lock.
    func read<T>(_ body: (HeadRecord, LedgerState, ProjectionState) throws -> T) throws -> T {
        try lock.locked {
            let head = try catchUp()
            return try body(head, loaded.state, projection)
        }
    }

    // MARK: Appending

    /// Judges a draft against the current state in a dry run; nothing is written.
    func judge(_ line: [UInt8], decoder: InputDecoder) throws(LedgerError) -> EventDraft.Verdict {
        let result = lock.locked { () -> Result<EventDraft.Verdict, LedgerError> in
            Result { () throws(LedgerError) -> EventDraft.Verdict in
                let head = try catchUp()
                let ledger = self.ledger
                return try EventDraft.judge(line, decoder: decoder, state: loaded.state, source: "form", now: Clock.now(),
                                            stored: { (seq) throws(LedgerError) -> Event? in try ledger.event(at: seq, head: head)?.event })
            }
        }
        return try result.get()
    }

    /// Appends one batch under the ledger's writer lock (the one the command-line writers take),
    /// validated again at the head; then brings the states forward by it.
    func append(_ records: [InputRecord]) throws(LedgerError) -> AppendResult {
        let result = lock.locked { () -> Result<AppendResult, LedgerError> in
            Result { () throws(LedgerError) -> AppendResult in
                _ = try catchUp()
                let appended = try ledger.append(records, source: "form", recordedAt: nil, reusing: loaded)
                _ = try catchUp()
                return appended
            }
        }
        return try result.get()
    }

    /// The event with sequence number `seq`, if the ledger has it.
    func event(at seq: Int64) throws(LedgerError) -> RecordedEvent? {
        try ledger.event(at: seq, head: ledger.readHead())
    }

    // MARK: Goals

    /// The goals evaluated at `at` (nil: the latest effective date recorded, as `report` defaults)
    /// as known at `knownAt` (nil: everything recorded), with their monthly trends.
    func goals(at: Day?, knownAt: Timestamp?) throws -> GoalsView {
        try lock.locked {
            _ = try catchUp()
            let key = GoalsKey(at: at, knownAt: knownAt)
            if let view = goalsCache[key] { return view }
            let view = try withEvaluator(knownAt: knownAt) { state, evaluator in
                LedgerService.evaluate(state, evaluator: evaluator, at: at, knownAt: knownAt)
            }
            if goalsCache.count >= LedgerService.goalsCacheMax { goalsCache = [:] }
            goalsCache[key] = view
            return view
        }
    }

    /// Runs `body` with the projection as known at `knownAt` and an evaluator of its goals: the
    /// projection kept when every line is known by then, evaluated from its kept measure parts
    /// (`body` may then run twice, see ``KeptMeasureParts/evaluate(_:_:)``); else a fold up to
    /// `knownAt` (kept for the next request at the same head), evaluated whole. Must hold the lock.
    private func withEvaluator<T>(knownAt: Timestamp?, _ body: (ProjectionState, GoalEvaluator) throws -> T) throws -> T {
        guard let knownAt, knownAt < projection.headRecordedAt else {
            let state = projection
            return try kept.evaluate(state) { evaluator in Result { try body(state, evaluator) } }.get()
        }
        if let state = knownAtStates[knownAt] { return try body(state, GoalEvaluator(engine: MeasureEngine(state: state))) }
        let state = try Replayer.replay(ledger, knownAt: knownAt, throughSeq: projection.headSeq, checkpoints: true, saveCheckpoint: false)
        if knownAtStates.count >= LedgerService.knownAtStatesMax { knownAtStates = [:] }
        knownAtStates[knownAt] = state
        return try body(state, GoalEvaluator(engine: MeasureEngine(state: state)))
    }

    /// Evaluates every goal and its trend on `state` with `evaluator` (over `state`, or over a
    /// partial view of it with the kept measure parts), as `report --html` does.
    static func evaluate(_ state: ProjectionState, evaluator: GoalEvaluator, at: Day?, knownAt: Timestamp?) -> GoalsView {
        let day = at ?? defaultDay(state)
        let evaluations = evaluator.evaluateAll(at: day)
        let trends = GoalTrend.computeAll(evaluations, evaluator: evaluator, reportDate: day)
        let json = GoalReport.json(evaluations, state: state, at: day, knownAt: knownAt).render()
        return GoalsView(evaluations: evaluations, trends: trends, facts: HTMLReport.Facts(state: state, reportDate: day, knownAt: knownAt),
                         json: json, municipalities: state.municipalities)
    }

    /// A goal's evaluation and trend in each of the ledger's municipalities and the jobcenter as a
    /// whole, at `at` as known at `knownAt`: the measure's page.
    func measure(goalID: String, at: Day?, knownAt: Timestamp?) throws -> (goal: GoalRecord, views: [(evaluation: GoalEvaluation, trend: GoalTrend)], facts: HTMLReport.Facts)? {
        try lock.locked {
            _ = try catchUp()
            return try withEvaluator(knownAt: knownAt) { state, evaluator in
                guard let goal = state.goals[goalID] else { return nil }
                let day = at ?? LedgerService.defaultDay(state)
                let scopes: [Int?] = [nil] + state.municipalities.map { Optional($0) }
                var views: [(evaluation: GoalEvaluation, trend: GoalTrend)] = []
                for scope in scopes {
                    var scoped = goal
                    scoped.scope = scope
                    guard let evaluation = try? evaluator.evaluate(scoped, at: day) else { continue }
                    views.append((evaluation, GoalTrend.compute(scoped, evaluator: evaluator, reportDate: day)))
                }
                return (goal, views, HTMLReport.Facts(state: state, reportDate: day, knownAt: knownAt))
            }
        }
    }

    /// The default evaluation day: the latest effective date recorded (today for an empty ledger),
    /// as `report` chooses it.
    static func defaultDay(_ state: ProjectionState) -> Day {
        state.latestEffective.ordinal > 0 ? state.latestEffective : Clock.now().utcDay
    }
}
