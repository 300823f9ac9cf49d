// Goal evaluation (DOMAIN.md, "Result goals"): comparisons, no target, not yet due, change from the
// baseline, and relative goals against a recorded reference figure.

import LedgerCore
import Testing

@testable import Projections

/// Frederikssund (250). M3: placements on employer request 2014-02-01, 2014-05-01 and 2014-09-01: 3 in 2014,
/// 2 in 2014-01-01 ... 06-30. M11 at 2014-12-31: citizens 4-8 on a-dagpenge, 4, 5, 6 in virksomhedspraktik: 3 / 5 = 60 %.
/// Reference figure national-average/M11 for 2014: 50 (%).
private let goals: LedgerBuilder = {
    var b = LedgerBuilder(municipalities: "250")
    for n in 1...8 { b.register(n) }
    b.placement(1, on: "2014-02-01")
    b.placement(2, on: "2014-05-01")
    b.placement(3, on: "2014-09-01")
    for n in 4...8 { b.benefit(n, "a-dagpenge", from: "2014-01-01") }
    for n in 4...6 { b.activation(n, id: "p\(n)", kind: "virksomhedspraktik", from: "2014-12-01") }
    b.referenceFigure("national-average/M11", period: "2014", value: "50")
    b.goal(
        "m3-at-least-3", scope: 250,
        [
            "measure": "M3", "evaluation": "2014", "comparison": "at-least", "target": "3", "unit": "count",
            "deadline": "2014-12-31",
        ])
    b.goal(
        "m3-at-least-4", scope: 250,
        [
            "measure": "M3", "evaluation": "2014", "comparison": "at-least", "target": "4", "unit": "count",
            "deadline": "2014-12-31",
        ])
    b.goal(
        "m3-at-most-3", scope: nil,
        [
            "measure": "M3", "evaluation": "2014", "comparison": "at-most", "target": "3", "unit": "count",
            "deadline": "2014-12-31",
        ])
    b.goal(
        "m3-at-most-2", scope: nil,
        [
            "measure": "M3", "evaluation": "2014", "comparison": "at-most", "target": "2", "unit": "count",
            "deadline": "2014-12-31",
        ])
    b.goal("m3-no-target", scope: 250, ["measure": "M3", "evaluation": "2014", "comparison": "no-target", "deadline": "2014-12-31"])
    b.goal("m3-at-least-xx", scope: 250, ["measure": "M3", "evaluation": "2014", "comparison": "at-least", "deadline": "2014-12-31"])
    b.goal("m3-follow-up", scope: 250, ["measure": "M3", "evaluation": "2014", "comparison": "follow-up", "deadline": "2014-12-31"])
    b.goal(
        "m3-baseline-2", scope: 250,
        [
            "measure": "M3", "evaluation": "2014", "comparison": "at-least", "target": "3",
            "deadline": "2014-12-31", "baseline_at": "2012", "baseline_value": "2",
        ])
    b.goal(
        "m3-baseline-4", scope: 250,
        [
            "measure": "M3", "evaluation": "2014", "comparison": "at-most", "target": "3.6",
            "deadline": "2014-12-31", "baseline_at": "2012", "baseline_value": "4",
        ])
    b.goal(
        "m11-ref-plus-1", scope: 250,
        [
            "measure": "M11", "evaluation": "2014-12-31", "comparison": "at-least-reference",
            "reference": "national-average/M11", "offset_pp": "1", "unit": "percent", "deadline": "2014-12-31",
        ])
    b.goal(
        "m11-ref-plus-15", scope: 250,
        [
            "measure": "M11", "evaluation": "2014-12-31", "comparison": "at-least-reference",
            "reference": "national-average/M11", "offset_pp": "15", "unit": "percent", "deadline": "2014-12-31",
        ])
    b.goal(
        "m11-ref-minus-1", scope: nil,
        [
            "measure": "M11", "evaluation": "2014-12-31", "comparison": "at-least-reference",
            "reference": "national-average/M11", "offset_pp": "-1", "unit": "percent", "deadline": "2014-12-31",
        ])
    b.goal(
        "m17-ref-missing", scope: 250,
        [
            "measure": "M11", "evaluation": "2014-12-31", "comparison": "at-least-reference",
            "reference": "national-average/M17", "unit": "percent", "deadline": "2014-12-31",
        ])
    return b
}()

/// One goal's expected evaluation.
struct GoalCase: Sendable, CustomTestStringConvertible {
    var goal: String
    var day: String
    var status: GoalStatus
    var value: Double?
    var target: Double?
    var change: Double?
    var testDescription: String { "\(goal) at \(day): \(status.rawValue)" }
}

@Suite("Goal evaluation")
struct GoalEvaluatorTests {
    static let cases: [GoalCase] = [
        // M3 in 2014 is 3. At least 3: 3 >= 3, met. At least 4: not met. At most 3: met. At most 2: not met.
        GoalCase(goal: "m3-at-least-3", day: "2015-01-15", status: .met, value: 3, target: 3),
        GoalCase(goal: "m3-at-least-4", day: "2015-01-15", status: .notMet, value: 3, target: 4),
        GoalCase(goal: "m3-at-most-3", day: "2015-01-15", status: .met, value: 3, target: 3),
        GoalCase(goal: "m3-at-most-2", day: "2015-01-15", status: .notMet, value: 3, target: 2),
        // On the deadline day itself the goal is due.
        GoalCase(goal: "m3-at-least-3", day: "2014-12-31", status: .met, value: 3, target: 3),
        // Before the deadline: where things stand, 2014-01-01 ... 06-30: 2 placements; status not yet due.
        GoalCase(goal: "m3-at-least-3", day: "2014-06-30", status: .notYetDue, value: 2, target: 3),
        GoalCase(goal: "m3-at-most-2", day: "2014-06-30", status: .notYetDue, value: 2, target: 2),
        // No target yet: listed with the measure computed (3), status no target; also before the deadline.
        GoalCase(goal: "m3-no-target", day: "2015-01-15", status: .noTarget, value: 3),
        GoalCase(goal: "m3-at-least-xx", day: "2015-01-15", status: .noTarget, value: 3),
        GoalCase(goal: "m3-follow-up", day: "2015-01-15", status: .noTarget, value: 3),
        GoalCase(goal: "m3-no-target", day: "2014-06-30", status: .noTarget, value: 2),
        // Change from the baseline: (3 - 2) / 2 x 100 = +50 %; (3 - 4) / 4 x 100 = -25 % (at most 3.6: met).
        GoalCase(goal: "m3-baseline-2", day: "2015-01-15", status: .met, value: 3, target: 3, change: 50),
        GoalCase(goal: "m3-baseline-4", day: "2015-01-15", status: .met, value: 3, target: 3.6, change: -25),
        // M11 at 2014-12-31 is 60 %. Reference 50 + 1 pp = 51: 60 >= 51, met. 50 + 15 = 65: not met. 50 - 1 = 49: met.
        GoalCase(goal: "m11-ref-plus-1", day: "2015-01-15", status: .met, value: 60, target: 51),
        GoalCase(goal: "m11-ref-plus-15", day: "2015-01-15", status: .notMet, value: 60, target: 65),
        GoalCase(goal: "m11-ref-minus-1", day: "2015-01-15", status: .met, value: 60, target: 49),
        // No reference figure national-average/M17 is recorded: reference missing, the value still computed.
        GoalCase(goal: "m17-ref-missing", day: "2015-01-15", status: .referenceMissing, value: 60),
    ]

    @Test("goal table", arguments: cases)
    func table(_ c: GoalCase) throws {
        let state = goals.state
        let goal = try #require(state.goals[c.goal])
        let evaluation = try GoalEvaluator(engine: MeasureEngine(state: state)).evaluate(goal, at: date(c.day))
        #expect(evaluation.status == c.status)
        #expect(evaluation.value == c.value)
        if let target = c.target {
            #expect(evaluation.target.map { abs($0 - target) < 1e-9 } == true, "target \(String(describing: evaluation.target))")
        }
        if let change = c.change {
            #expect(
                evaluation.changeFromBaselinePercent.map { abs($0 - change) < 1e-9 } == true,
                "change \(String(describing: evaluation.changeFromBaselinePercent))")
        } else {
            #expect(evaluation.changeFromBaselinePercent == nil)
        }
    }

    @Test("the reference figure used is the recorded one")
    func referenceUsed() throws {
        let state = goals.state
        let evaluation = try GoalEvaluator(engine: MeasureEngine(state: state)).evaluate(
            try #require(state.goals["m11-ref-plus-1"]),
            at: date("2015-01-15"))
        #expect(evaluation.reference?.value == 50)
        #expect(evaluation.reference?.name == "national-average/M11")
    }

    @Test("a relative goal is reference-missing until the figure is recorded, then evaluated")
    func referenceRecordedLater() throws {
        var b = LedgerBuilder(municipalities: "250")
        for n in 1...2 { b.register(n) }
        for n in 1...2 { b.benefit(n, "a-dagpenge", from: "2014-01-01") }
        b.activation(1, id: "p1", kind: "nytteindsats", from: "2014-12-01")  // M11 at 2014-12-31: 1 / 2 = 50 %
        b.goal(
            "m11", scope: 250,
            [
                "measure": "M11", "evaluation": "2014-12-31", "comparison": "at-least-reference",
                "reference": "national-average/M11", "offset_pp": "0", "deadline": "2014-12-31",
            ])
        b.recorded(at: "2015-03-01T00:00:00.000Z")
        b.referenceFigure("national-average/M11", period: "2014", value: "48.5")  // 50 >= 48.5 + 0: met
        let before = b.state(knownAt: "2015-02-01T00:00:00.000Z")
        let after = b.state
        let missing = try GoalEvaluator(engine: MeasureEngine(state: before)).evaluate(try #require(before.goals["m11"]), at: date("2015-01-15"))
        #expect(missing.status == .referenceMissing)
        let met = try GoalEvaluator(engine: MeasureEngine(state: after)).evaluate(try #require(after.goals["m11"]), at: date("2015-01-15"))
        #expect(met.status == .met)
        #expect(met.target == 48.5)
    }

    @Test("evaluateAll lists every goal in adoption order")
    func all() {
        let state = goals.state
        let evaluations = GoalEvaluator(engine: MeasureEngine(state: state)).evaluateAll(at: date("2015-01-15"))
        #expect(evaluations.map(\.goal.id) == state.goalOrder)
        #expect(evaluations.count == 13)
    }

    @Test("evaluateAll on several threads: the same evaluations, and the same recorder cache in the same order")
    func allOnThreads() {
        let state = goals.state
        func run(workers: Int) -> (evaluations: [String], cache: [UInt8]) {
            let recorder = MeasureRecorder()
            let evaluations = GoalEvaluator(engine: MeasureEngine(state: state, recorder: recorder)).evaluateAll(at: date("2015-01-15"), workers: workers)
            let rendered = evaluations.map { "\($0.goal.id) \($0.status.rawValue) \($0.value ?? -1) \($0.target ?? -1) \($0.result.scopes.map(\.numerator))" }
            return (rendered, recorder.cache.sectionBytes())
        }
        let serial = run(workers: 1)
        #expect(serial.evaluations.count == 13)
        #expect(serial.cache.count > 100, "the recorder noted the measures' parts")
        for workers in [2, 4] {
            let threaded = run(workers: workers)
            #expect(threaded.evaluations == serial.evaluations, "\(workers) threads")
            #expect(threaded.cache == serial.cache, "\(workers) threads")
        }
    }
}
