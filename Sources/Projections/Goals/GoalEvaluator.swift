public import LedgerCore

/// A goal's status in a report.
public enum GoalStatus: String, Sendable {
    /// The measured value meets the target.
    case met
    /// It does not.
    case notMet = "not met"
    /// The plan states no target (yet), or the goal is follow-up only.
    case noTarget = "no target"
    /// The deadline is after the evaluation date: the value shows where things stand.
    case notYetDue = "not yet due"
    /// The goal compares with a reference figure that is not recorded.
    case referenceMissing = "reference missing"
}

/// One goal evaluated: the measured value against the target, with its context.
public struct GoalEvaluation: Sendable {
    /// The goal.
    public var goal: GoalRecord
    /// Its facts in force.
    public var facts: [String: FactValue]
    /// The measure's result (all scopes).
    public var result: MeasureResult
    /// The value in the goal's scope (after dividing by a reference denominator, if any).
    public var value: Double?
    /// The target the value is compared with (absolute, or reference + offset), if any.
    public var target: Double?
    /// The comparison.
    public var comparison: String
    /// The status.
    public var status: GoalStatus
    /// Change against the baseline in percent, where a baseline exists.
    public var changeFromBaselinePercent: Double?
    /// The reference figure used, if any.
    public var reference: ReferenceFigure?
    /// A note for the reader (e.g. which reference figure is missing).
    public var note: String?

    /// A fact's text.
    public func text(_ name: String) -> String? {
        switch facts[name] {
        case .text(let s)?, .decimal(let s)?: return s
        case .integer(let i)?: return String(i)
        case .date(let d)?: return d.iso
        case .bool(let b)?: return b ? "true" : "false"
        case nil: return nil
        }
    }
}

/// Evaluates every goal in force against the measures, at a day.
public struct GoalEvaluator: Sendable {
    /// The measures.
    public let engine: MeasureEngine

    /// Makes an evaluator.
    public init(engine: MeasureEngine) { self.engine = engine }

    /// Evaluates all goals (in adoption order) as of `day`.
    ///
    /// On several threads when the fold is large (`workers` 0) or when `workers` says so: the goals
    /// whose measures are split by partition (``MeasureEngine/splitsByPartition(_:)``, most of them)
    /// are computed in one pass on all threads, each thread computing its share of every one of
    /// them (``MeasureEngine/computeAll(_:defaultDay:threads:recorders:)``); the other goals are
    /// evaluated side by side, one per thread. Each goal notes its measure's parts in a recorder of
    /// its own, and those are added to the engine's recorder in adoption order, so the result and
    /// the recorder's cache are the same as one thread's.
    public func evaluateAll(at day: Day, workers: Int = 0) -> [GoalEvaluation] {
        let engine = self.engine
        let goals = engine.state.goalOrder.compactMap { engine.state.goals[$0] }
        let threads = workers > 0 ? workers
            : (engine.state.citizens.count >= Self.parallelMinimumCitizens ? Parallel.processorCount : 1)
        guard threads > 1 else { return goals.compactMap { try? evaluate($0, at: day) } }
        let recorders = goals.map { _ in engine.recorder.map { MeasureRecorder(notesCompleted: $0.notesCompleted) } }
        let split = goals.map { MeasureEngine.splitsByPartition($0.text("measure") ?? "M1") }
        let whole = goals.indices.filter { !split[$0] }
        var results = [GoalEvaluation?](repeating: nil, count: goals.count)
        for (j, evaluation) in Parallel.map(count: whole.count, workers: threads, { j -> GoalEvaluation? in
            let i = whole[j]
            let alone = GoalEvaluator(engine: MeasureEngine(state: engine.state, cache: engine.cache, recorder: recorders[i]))
            return try? alone.evaluate(goals[i], at: day)
        }).enumerated() {
            results[whole[j]] = evaluation
        }
        let splitGoals = goals.indices.filter { split[$0] }
        let plans = splitGoals.map { plan(goals[$0], at: day) }
        let computed = engine.computeAll(plans.map(\.request), defaultDay: day, threads: threads, recorders: splitGoals.map { recorders[$0] })
        for (j, i) in splitGoals.enumerated() {
            results[i] = (try? computed[j].get()).map { evaluation(goals[i], plans[j], result: $0) }
        }
        if let recorder = engine.recorder {
            for own in recorders { recorder.absorb(own!) }
        }
        return results.compactMap { $0 }
    }

    /// Folds with fewer citizens evaluate their goals on one thread (it takes milliseconds).
    static let parallelMinimumCitizens = 5_000

    /// Evaluates one goal as of `day`.
    ///
    /// When the deadline has passed, at the goal's own evaluation date or period; before it, up to
    /// `day` (where things stand), with status "not yet due".
    ///
    /// A measure split by partition is computed on `threads` threads (the value is the same).
    public func evaluate(_ goal: GoalRecord, at day: Day, threads: Int = 1) throws(MeasureError) -> GoalEvaluation {
        let plan = plan(goal, at: day)
        return evaluation(goal, plan, result: try engine.compute(plan.request, defaultDay: day, threads: threads))
    }

    /// What a goal's evaluation at a day asks of the measures, and what it knows before the answer.
    struct Plan {
        /// The measure request: at the goal's date or period, or up to the day before the deadline.
        var request: MeasureRequest
        /// The day evaluated at.
        var day: Day
        /// Whether the deadline has passed.
        var due: Bool
        /// Whether the goal's date or period has begun (and the goal was adopted) by the day.
        var begun: Bool
        /// The day the goal was adopted, if the plan says.
        var adopted: Day?
    }

    /// The measure request of a goal at `day` (see ``evaluate(_:at:threads:)``).
    func plan(_ goal: GoalRecord, at day: Day) -> Plan {
        func text(_ name: String) -> String? { goal.text(name) }
        let measure = text("measure") ?? "M1"
        let deadline = text("deadline").flatMap { Day(iso: $0) } ?? day
        let evaluationText = text("evaluation") ?? day.iso
        var at: Day?
        var period: Period?
        if let d = Day(iso: evaluationText) { at = d } else if let p = Period(text: evaluationText) { period = p }
        let due = day >= deadline
        // Before the goal's own date or period has begun there is nothing to measure yet.
        // A month measure (M2, M14) stands for the rolling or current month, so it has begun whenever
        // the goal is not yet due; a goal adopted after the day is not yet in force at all.
        let adopted = text("adopted_on").flatMap { Day(iso: $0) }
        let isMonthMeasure = MeasureDefinition.named(measure)?.evaluation == .month
        let begun = (adopted.map { $0 <= day } ?? true) && (isMonthMeasure || (period.map { $0.first <= day } ?? true))
        if !due && begun {
            if let a = at, a > day { at = day }
            if let p = period, p.last > day {
                if MeasureDefinition.named(measure)?.evaluation == .month {
                    period = nil
                    at = day
                } else {
                    period = Period(first: p.first, last: day, text: "\(p.first.iso)/\(day.iso)")
                }
            }
        }
        let request = MeasureRequest(measure: measure, variant: text("variant"), at: at, period: period, benefits: text("benefits"),
                                     filter: MeasureRequest.parseFilter(text("filter")))
        return Plan(request: request, day: day, due: due, begun: begun, adopted: adopted)
    }

    /// A goal's evaluation from its plan and its measure's result: the value in the goal's scope
    /// against the target, and the status.
    func evaluation(_ goal: GoalRecord, _ plan: Plan, result: MeasureResult) -> GoalEvaluation {
        let facts = goal.current
        func text(_ name: String) -> String? { goal.text(name) }
        let (day, due, begun, adopted) = (plan.day, plan.due, plan.begun, plan.adopted)
        var value = begun || due ? result.scope(goal.scope)?.value : nil
        var note: String? = begun || due ? nil
            : (adopted.map { $0 > day } ?? false) ? "the goal was adopted after \(day.iso)" : "the goal's period begins after \(day.iso)"
        // A denominator from a reference figure (e.g. M12 per labour force).
        let filter = MeasureRequest.parseFilter(text("filter"))
        if let denominatorName = filter["denominator"] {
            if let figure = referenceFigure(denominatorName, scope: goal.scope, period: result.evaluation.period) , figure.value > 0 {
                value = value.map { $0 / figure.value * 100 }
            } else {
                value = nil
                note = "reference figure \(denominatorName) is not recorded"
            }
        }
        let comparison = text("comparison") ?? "no-target"
        let targetValue = text("target").flatMap { Double($0) }
        let offset = text("offset_pp").flatMap { Double($0) } ?? 0
        var target: Double?
        var status: GoalStatus
        var reference: ReferenceFigure?
        switch comparison {
        case "at-most", "at-least":
            target = targetValue
            if let t = targetValue, let v = value {
                status = comparison == "at-most" ? (v <= t + 1e-9 ? .met : .notMet) : (v >= t - 1e-9 ? .met : .notMet)
            } else {
                status = targetValue == nil ? .noTarget : .notMet
            }
        case "below-reference", "at-least-reference", "at-most-reference", "gap-reduced-by":
            if let name = text("reference"), let figure = referenceFigure(name, scope: nil, period: result.evaluation.period) {
                reference = figure
                if comparison == "gap-reduced-by" {
                    let baselineFigure = text("baseline_at").flatMap { Period(text: $0) }.flatMap { referenceFigure(name, scope: nil, period: $0, exact: true) }
                    if let baselineValue = text("baseline_value").flatMap({ Double($0) }), let baselineFigure, let v = value, let needed = targetValue {
                        let baselineGap = baselineValue - baselineFigure.value
                        target = figure.value + baselineGap - needed
                        status = v - figure.value <= baselineGap - needed + 1e-9 ? .met : .notMet
                    } else {
                        status = .referenceMissing
                        note = "needs the baseline value and the reference figure \(name) for the baseline period"
                    }
                } else {
                    target = figure.value + offset
                    if let v = value, let t = target {
                        switch comparison {
                        case "below-reference": status = v < t ? .met : .notMet
                        case "at-least-reference": status = v >= t - 1e-9 ? .met : .notMet
                        default: status = v <= t + 1e-9 ? .met : .notMet
                        }
                    } else {
                        status = .notMet
                    }
                }
            } else {
                status = .referenceMissing
                note = note ?? "reference figure \(text("reference") ?? "(none named)") is not recorded"
            }
        default:
            status = .noTarget
        }
        if !due && status != .noTarget { status = .notYetDue }
        var change: Double?
        if let baseline = text("baseline_value").flatMap({ Double($0) }), baseline != 0, let v = value {
            change = (v - baseline) / baseline * 100
        }
        return GoalEvaluation(goal: goal, facts: facts, result: result, value: value, target: target, comparison: comparison, status: status,
                              changeFromBaselinePercent: change, reference: reference, note: note)
    }

    /// The reference figure of a name for a scope and period.
    ///
    /// The latest recorded whose period equals the evaluation period's year or text, else (unless
    /// `exact`) the latest recorded of that name.
    public func referenceFigure(_ name: String, scope: Int?, period: Period, exact: Bool = false) -> ReferenceFigure? {
        let candidates = engine.state.referenceFigures.filter { $0.name == name && ($0.municipality == scope || $0.municipality == nil) }
        let matching = candidates.filter { figure in
            guard let p = Period(text: figure.period) else { return false }
            return p.contains(period.last) || p == period
        }
        if let best = matching.last(where: { $0.municipality == scope }) ?? matching.last { return best }
        return exact ? nil : candidates.last
    }
}
