public import LedgerCore
public import Projections

/// One point of a goal's monthly series: the goal's value as evaluated on a day.
public struct TrendPoint: Sendable, Equatable {
    /// The day evaluated: a month's last day, or the report date when it is not one.
    public var day: Day
    /// The goal's value on that day in its scope; nil when there is none (a share with no
    /// denominator, a reference figure not recorded, a period not begun).
    public var value: Double?

    /// Makes a point.
    public init(day: Day, value: Double?) {
        self.day = day
        self.value = value
    }
}

/// A goal's monthly series over its plan period, for the trend chart of the HTML report.
///
/// Every value comes from ``GoalEvaluator/evaluate(_:at:)`` at the point's day, so the chart uses
/// the same request parameters and the same rules as the goal's own status: a period goal's value
/// month by month is its year-to-date value (the period from its start up to the month's end), an
/// at-date goal's value is taken on each month's last day, and M2 (a rolling year to a month) uses
/// each month. From the deadline on, the evaluator gives the goal's own evaluation, so the series
/// stops at the end of the goal's evaluation date or period.
public struct GoalTrend: Sendable {
    /// The goal's id.
    public var goalID: String
    /// The chart's x axis: every month end of the plan period, first to last, including those after
    /// the report date (shown empty, so a reader sees how far into the period the report is).
    public var axis: [Day]
    /// The points evaluated, in day order: the month ends up to the report date, then the report
    /// date itself when it falls inside the axis and is not a month end.
    public var points: [TrendPoint]

    /// Makes a series.
    public init(goalID: String, axis: [Day], points: [TrendPoint]) {
        self.goalID = goalID
        self.axis = axis
        self.points = points
    }

    /// The most month ends a series spans: three years, so a mistyped period cannot make a report
    /// evaluate a measure hundreds of times.
    public static let monthsMax = 36

    /// The month ends of a goal's plan period.
    ///
    /// For a goal evaluated over a period (`2014`, `2014Q1`, `2015-01-01/2016-12-31`) of a measure
    /// taken over a period: from the period's first month to its last. For a goal evaluated at a date
    /// (`2014-12-31`), or for a month (`2014-12`) of a measure taken per month (M2, M14): the plan
    /// year, i.e. the 12 months ending with that date's or month's end. At most ``monthsMax`` months,
    /// the latest kept.
    public static func axis(for goal: GoalRecord) -> [Day] {
        let evaluationText = goal.text("evaluation") ?? ""
        let measure = MeasureDefinition.named(goal.text("measure") ?? "M1")
        let last: Day
        var first: Day
        if let day = Day(iso: evaluationText) {
            last = day.lastOfMonth
            first = day.minusMonths(11).firstOfMonth
        } else if let period = Period(text: evaluationText) {
            last = period.last.lastOfMonth
            if measure?.evaluation == .month {
                first = period.last.minusMonths(11).firstOfMonth
            } else {
                first = period.first.firstOfMonth
            }
        } else {
            return []
        }
        let earliest = last.minusMonths(monthsMax - 1).firstOfMonth
        if first < earliest { first = earliest }
        var monthEnds: [Day] = []
        var month = first
        while month <= last {
            monthEnds.append(month.lastOfMonth)
            month = month.lastOfMonth.adding(days: 1)
        }
        assert(monthEnds.count <= monthsMax, "the axis is capped at monthsMax months")
        return monthEnds
    }

    /// The days to evaluate for a report on `reportDate`: the axis's month ends up to the report
    /// date, and the report date itself when it lies inside the axis between two month ends.
    public static func days(axis: [Day], reportDate: Day) -> [Day] {
        var days = axis.filter { $0 <= reportDate }
        if let first = axis.first, let last = axis.last, reportDate >= first.firstOfMonth, reportDate < last, reportDate != reportDate.lastOfMonth {
            days.append(reportDate)
        }
        return days
    }

    /// A goal's series as of `reportDate`, each value from `evaluator.evaluate(goal, at:)`.
    public static func compute(_ goal: GoalRecord, evaluator: GoalEvaluator, reportDate: Day) -> GoalTrend {
        let axis = axis(for: goal)
        let points = days(axis: axis, reportDate: reportDate).map { day in
            // A measure that cannot be computed for a month (an unknown variant, say) leaves a gap in
            // the line; the goal's own evaluation reports the problem.
            TrendPoint(day: day, value: (try? evaluator.evaluate(goal, at: day))?.value)
        }
        return GoalTrend(goalID: goal.id, axis: axis, points: points)
    }

    /// The series of every evaluated goal, by goal id.
    public static func computeAll(_ evaluations: [GoalEvaluation], evaluator: GoalEvaluator, reportDate: Day) -> [String: GoalTrend] {
        var trends: [String: GoalTrend] = [:]
        for evaluation in evaluations {
            trends[evaluation.goal.id] = compute(evaluation.goal, evaluator: evaluator, reportDate: reportDate)
        }
        return trends
    }
}
