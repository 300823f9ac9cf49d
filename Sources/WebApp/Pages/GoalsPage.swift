import LedgerCore
import Projections
import Reports
import WebServer

/// The goals page: every goal with its status, value against target and monthly trend (the HTML
/// report's cards, the same evaluation as `report`), at a chosen date as known at a chosen moment;
/// each goal links to its measure's page.
enum GoalsPage {
    /// The page for `view`; `at` and `knownAtText` are the values chosen (empty: the defaults).
    static func render(_ view: LedgerService.GoalsView, atText: String, knownAtText: String, jobcenter: String) -> String {
        var body = "<h1>Resultatmål <span class=\"en\">Goals</span></h1>\n"
        body += choiceForm(action: "/goals", atText: atText, knownAtText: knownAtText, hidden: [])
        body += "<p class=\"when\">Status pr. " + Layout.escape(DanishText.date(view.facts.reportDate)) + ", "
        body += view.facts.knownAt.map { "som kendt " + Layout.escape(DanishText.instant($0)) } ?? "alt registreret"
        body += "; hændelse nr. \(view.facts.headSeq) <span class=\"en\">head seq</span></p>\n"
        if view.evaluations.isEmpty {
            body += "<p class=\"empty\">Der er ingen resultatmål i denne ledger. <span class=\"en\">No goals are loaded.</span></p>\n"
            return Layout.page(title: "Resultatmål", active: "/goals", jobcenter: jobcenter, body: body)
        }
        body += HTMLReport.overview(view.evaluations, facts: view.facts)
        for evaluation in view.evaluations {
            body += "<div class=\"goal-wrap\" data-goal=\"" + Layout.escape(evaluation.goal.id) + "\" data-value=\""
                + (evaluation.value.map { JSONOut.number($0).render() } ?? "null") + "\" data-status=\"" + evaluation.status.rawValue + "\">\n"
            body += HTMLReport.card(evaluation, trend: view.trends[evaluation.goal.id], facts: view.facts)
            body += "<p class=\"drill\"><a class=\"measure-link\" href=\"" + Layout.escape(measureLink(evaluation.goal.id, atText: atText, knownAtText: knownAtText))
                + "\">" + Layout.escape(evaluation.result.definition.id) + " pr. kommune <span class=\"en\">per municipality</span> →</a></p>\n</div>\n"
        }
        return Layout.page(title: "Resultatmål", active: "/goals", jobcenter: jobcenter, body: body)
    }

    /// The measure page's address for a goal, keeping the date and knowledge time chosen.
    static func measureLink(_ goalID: String, atText: String, knownAtText: String) -> String {
        var link = "/measure?goal=" + PercentEncoding.encode(goalID)
        if !atText.isEmpty { link += "&at=" + PercentEncoding.encode(atText) }
        if !knownAtText.isEmpty { link += "&known_at=" + PercentEncoding.encode(knownAtText) }
        return link
    }

    /// The form choosing the date and knowledge time (GET: the choice is in the address, which
    /// holds nothing about a person).
    static func choiceForm(action: String, atText: String, knownAtText: String, hidden: [(String, String)]) -> String {
        var out = "<form class=\"inline\" method=\"get\" action=\"" + action + "\">"
        for (name, value) in hidden { out += "<input type=\"hidden\" name=\"" + Layout.escape(name) + "\" value=\"" + Layout.escape(value) + "\">" }
        out += "<div><label for=\"at\">Dato <span class=\"en\">date</span></label><input type=\"date\" id=\"at\" name=\"at\" value=\"" + Layout.escape(atText) + "\"></div>"
        out += "<div><label for=\"known_at\">Kendt pr. <span class=\"en\">known at</span></label><input type=\"date\" id=\"known_at\" name=\"known_at\" value=\""
            + Layout.escape(knownAtText) + "\"></div>"
        out += "<button type=\"submit\">Vis <span class=\"en\">show</span></button></form>\n"
        return out
    }

    /// The date and knowledge time of a request: `at` a date, `known_at` a date (the end of that
    /// day, UTC, as `--known-at` reads a date) or an instant; a message when either is malformed.
    static func choice(_ request: HTTPRequest) -> Result<(at: Day?, knownAt: Timestamp?, atText: String, knownAtText: String), WebProblem> {
        let atText = request.queryValue("at") ?? ""
        let knownAtText = request.queryValue("known_at") ?? ""
        var at: Day?
        if !atText.isEmpty {
            guard let day = Day(iso: atText) else {
                return .failure(WebProblem(status: 400, danish: "Datoen skal skrives ÅÅÅÅ-MM-DD.", english: "The date must be YYYY-MM-DD."))
            }
            at = day
        }
        var knownAt: Timestamp?
        if !knownAtText.isEmpty {
            guard let t = Timestamp(iso: knownAtText) else {
                return .failure(WebProblem(status: 400, danish: "Vidensstidspunktet skal skrives ÅÅÅÅ-MM-DD eller ÅÅÅÅ-MM-DDTTT:MM:SSZ.",
                                           english: "The knowledge time must be YYYY-MM-DD or YYYY-MM-DDTHH:MM:SSZ."))
            }
            knownAt = knownAtText.utf8.count == 10 ? Timestamp(milliseconds: t.milliseconds + 86_399_999) : t
        }
        return .success((at, knownAt, atText, knownAtText))
    }
}

/// The measure page: a goal's measure, evaluated by the goal's rules, in the jobcenter as a whole
/// and in each municipality, each with its monthly trend.
enum MeasurePage {
    /// The page.
    static func render(goal: GoalRecord, views: [(evaluation: GoalEvaluation, trend: GoalTrend)], facts: HTMLReport.Facts,
                       atText: String, knownAtText: String, jobcenter: String) -> String {
        let measure = views.first?.evaluation.result.definition
        var body = "<h1>" + Layout.escape((measure.map { $0.id + " " + $0.danish }) ?? (goal.text("measure") ?? "")) + " <span class=\"en\">"
            + Layout.escape(measure?.english ?? "") + "</span></h1>\n"
        body += "<p>Målets regler for <a href=\"/goals#" + Layout.escape(anchor(goal.id)) + "\">" + Layout.escape(goal.id) + "</a>: "
            + Layout.escape(goal.text("title") ?? "") + "</p>\n"
        body += GoalsPage.choiceForm(action: "/measure", atText: atText, knownAtText: knownAtText, hidden: [("goal", goal.id)])
        body += "<section class=\"plan\">\n<h2>Pr. kommune <span class=\"en\">Per municipality</span></h2>\n"
        for view in views {
            body += "<div class=\"scope-wrap\" data-scope=\"" + (view.evaluation.goal.scope.map(CanonicalEncoder.municipalityText) ?? "jobcenter")
                + "\" data-value=\"" + (view.evaluation.value.map { JSONOut.number($0).render() } ?? "null") + "\">\n"
            body += HTMLReport.card(view.evaluation, trend: view.trend, facts: facts)
            body += "</div>\n"
        }
        body += "</section>\n"
        return Layout.page(title: measure?.id ?? "Mål", active: "/goals", jobcenter: jobcenter, body: body)
    }

    /// The HTML report's fragment identifier of a goal's card.
    static func anchor(_ goalID: String) -> String {
        var out = "goal-"
        for scalar in goalID.unicodeScalars {
            let keep = (scalar >= "a" && scalar <= "z") || (scalar >= "A" && scalar <= "Z") || (scalar >= "0" && scalar <= "9") || scalar == "-" || scalar == "_"
            out.unicodeScalars.append(keep ? scalar : "_")
        }
        return out
    }
}

/// A request the application refuses, with the status and a message in Danish and English.
struct WebProblem: Error {
    var status: Int
    var danish: String
    var english: String
}
