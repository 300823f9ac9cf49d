import Foundation
import LedgerCore
import Projections
import Simulation
import Testing

@testable import Reports

/// The HTML goal report of a generated ledger with the Vallensbæk 2014 plan: every goal is on the
/// page with one chart, the page is self-contained and well-formed, text is escaped, the monthly
/// series follow the goal evaluator, and (when Chromium is installed) a browser reads it.
@Suite struct HTMLReportTests {
    static let packageRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    static let planPath = packageRoot.appendingPathComponent("EventLogs/plans/vallensbaek-2014.jsonl").path
    static let reportDate = Day(iso: "2014-12-31")!

    /// A generated two-municipality ledger (Ishøj 183, Vallensbæk 187) in its own temporary
    /// directory, 2011-2014, with the Vallensbæk 2014 plan appended; removed when released.
    final class PlanLedger {
        let directory: String
        let ledger: Ledger

        init(seed: UInt64 = 187, citizens: Int = 150) throws {
            directory = NSTemporaryDirectory() + "caseledger-html-\(seed)-\(UUID().uuidString)"
            let created = try Ledger.create(
                at: directory + "/ledger", jobcenter: "Jobcenter Vallensbæk", municipalities: [183, 187],
                keyPath: directory + "/key", recordedAt: Timestamp(iso: "2010-12-31")!, now: Clock.now())
            ledger = created.ledger
            var lines: [UInt8] = []
            Generator.generate(
                GeneratorOptions(
                    citizens: citizens, seed: seed, from: Day(iso: "2011-01-01")!, to: Day(iso: "2014-12-31")!,
                    municipalities: [183, 187], withRecordedAt: true)
            ) { line in
                lines += Array(line.utf8) + [0x0A]
            }
            let noKey: @Sendable ([UInt8]) throws(LedgerError) -> Pseudonym = { (_: [UInt8]) throws(LedgerError) -> Pseudonym in throw LedgerError.invalidRequest("no CPR in test input") }
            _ = try ledger.append(
                try InputBatch.records(jsonLines: lines, decoder: InputDecoder(source: "generated", allowsRecordedAt: true, pseudonymize: noKey)),
                source: "generated", recordedAt: nil)
            let plan = Array(try Data(contentsOf: URL(fileURLWithPath: HTMLReportTests.planPath)))
            _ = try ledger.append(
                try InputBatch.records(jsonLines: plan, decoder: InputDecoder(source: "plan", allowsRecordedAt: false, pseudonymize: noKey)),
                source: "plan", recordedAt: nil)
        }

        deinit { try? FileManager.default.removeItem(atPath: directory) }

        /// The goals evaluated at `day`, their series and the page.
        func report(at day: Day = HTMLReportTests.reportDate) throws -> (
            evaluations: [GoalEvaluation], trends: [String: GoalTrend], html: String, evaluator: GoalEvaluator
        ) {
            let state = try Replayer.replay(ledger)
            let evaluator = GoalEvaluator(engine: MeasureEngine(state: state))
            let evaluations = evaluator.evaluateAll(at: day)
            let trends = GoalTrend.computeAll(evaluations, evaluator: evaluator, reportDate: day)
            let html = HTMLReport.render(evaluations, trends: trends, facts: HTMLReport.Facts(state: state, reportDate: day, knownAt: nil))
            return (evaluations, trends, html, evaluator)
        }
    }

    /// The goal ids of the plan file, in file order.
    static func planGoalIDs() throws -> [String] {
        let text = try String(contentsOfFile: planPath, encoding: .utf8)
        return try text.split(separator: "\n").compactMap { line in
            let object = try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any]
            guard object?["type"] as? String == "goal_adopted" else { return nil }
            return (object?["facts"] as? [String: Any])?["goal_id"] as? String
        }
    }

    /// Occurrences of `needle` in `text`.
    static func count(_ needle: String, in text: String) -> Int {
        text.components(separatedBy: needle).count - 1
    }

    /// Checks that elements nest properly: every start tag is closed by the matching end tag, except
    /// void elements (`meta`, `br`) and self-closed ones (`<circle .../>`); `<style>` content is skipped.
    /// Returns the first problem, or nil.
    static func nestingProblem(_ html: String) -> String? {
        let bytes = Array(html.utf8)
        var stack: [String] = []
        var i = 0
        while i < bytes.count {
            guard bytes[i] == UInt8(ascii: "<") else {
                i += 1
                continue
            }
            guard let close = bytes[i...].firstIndex(of: UInt8(ascii: ">")) else { return "a tag is not closed by >" }
            let tag = String(decoding: bytes[(i + 1)..<close], as: UTF8.self)
            i = close + 1
            if tag.hasPrefix("!") { continue }
            let isEnd = tag.hasPrefix("/")
            let name = String((isEnd ? tag.dropFirst() : Substring(tag)).prefix { $0.isLetter || $0.isNumber }).lowercased()
            if name.isEmpty { return "a bare < in the text: <\(tag)>" }
            if isEnd {
                guard stack.last == name else { return "</\(name)> closes <\(stack.last ?? "nothing")>" }
                stack.removeLast()
            } else if tag.hasSuffix("/") || name == "meta" || name == "br" {
                continue
            } else {
                stack.append(name)
                if name == "style" {
                    let rest = String(decoding: bytes[i...], as: UTF8.self)
                    guard let end = rest.firstRange(of: "</style>") else { return "<style> is not closed" }
                    i += rest.utf8.distance(from: rest.startIndex, to: end.lowerBound)
                }
            }
        }
        return stack.isEmpty ? nil : "unclosed: " + stack.joined(separator: ", ")
    }

    @Test("the page lists every goal of the plan, with exactly one chart each")
    func everyGoalWithOneChart() throws {
        let ledger = try PlanLedger()
        let report = try ledger.report()
        let ids = try Self.planGoalIDs()
        #expect(ids.count == 25)
        #expect(report.evaluations.count == ids.count)
        for id in ids {
            #expect(report.html.contains(id), "the page names goal \(id)")
            #expect(report.html.contains("id=\"goal-\(id)\""), "goal \(id) has its card")
        }
        #expect(Self.count("<svg", in: report.html) == ids.count)
        for label in ["Resultatmål", "Målt værdi", "Mål", "Frist", "Kilde", "Vedtaget af", "Sådan er tallene lavet"] {
            #expect(report.html.contains(label), "label \(label)")
        }
        // Each goal carries its status in words, so the page reads in black and white: in the overview and on its card.
        let statusWords = ["Opfyldt", "Ikke opfyldt", "Ikke forfaldent", "Intet mål", "Referencetal mangler"]
            .map { Self.count("<span class=\"status\">\($0)</span>", in: report.html) }.reduce(0, +)
        #expect(statusWords == 2 * ids.count)
    }

    @Test("the page is self-contained: no scripts, no addresses, fonts and charts inline")
    func selfContained() throws {
        let html = try PlanLedger().report().html
        #expect(!html.lowercased().contains("<script"))
        #expect(!html.contains("http://"))
        #expect(!html.contains("https://"))
        #expect(!html.lowercased().contains("<link"))
        #expect(!html.lowercased().contains("<img"))
        #expect(!html.contains("@import"))
        #expect(!html.contains("url("))
        #expect(html.contains("@page"))
        #expect(html.contains("size: A4"))
        #expect(html.contains("page-break-inside: avoid"))
    }

    @Test("the page is well-formed: html, head and body present, every element closed in order")
    func wellFormed() throws {
        let html = try PlanLedger().report().html
        #expect(html.hasPrefix("<!DOCTYPE html>"))
        for tag in ["<html", "</html>", "<head>", "</head>", "<body>", "</body>", "<meta charset=\"utf-8\">"] {
            #expect(html.contains(tag), "has \(tag)")
        }
        #expect(Self.count("<svg", in: html) == Self.count("</svg>", in: html))
        #expect(Self.nestingProblem(html) == nil, "\(Self.nestingProblem(html) ?? "")")
    }

    @Test("text from the plan is escaped: a title with < & \" cannot make markup")
    func escapesTitles() throws {
        let ledger = try PlanLedger()
        var report = try ledger.report()
        let hostile = "Ledige < 30 år & \"unge\" <script>alert(1)</script> </svg>"
        report.evaluations[0].facts["title"] = .text(hostile)
        report.evaluations[0].facts["source"] = .text("<b>kilde</b>")
        let state = try Replayer.replay(ledger.ledger)
        let html = HTMLReport.render(
            report.evaluations, trends: report.trends, facts: HTMLReport.Facts(state: state, reportDate: Self.reportDate, knownAt: nil))
        #expect(html.contains("Ledige &lt; 30 år &amp; &quot;unge&quot; &lt;script&gt;alert(1)&lt;/script&gt; &lt;/svg&gt;"))
        #expect(html.contains("&lt;b&gt;kilde&lt;/b&gt;"))
        #expect(!html.contains("<script"))
        #expect(!html.contains("<b>kilde"))
        #expect(Self.count("<svg", in: html) == Self.count("</svg>", in: html))
        #expect(Self.nestingProblem(html) == nil, "\(Self.nestingProblem(html) ?? "")")
        #expect(HTMLReport.escape("a<b>&'\"") == "a&lt;b&gt;&amp;&#39;&quot;")
    }

    @Test("each month's value in the chart is the goal evaluator's value at that month's end")
    func seriesFollowTheEvaluator() throws {
        let ledger = try PlanLedger()
        let report = try ledger.report()
        for evaluation in report.evaluations {
            let trend = try #require(report.trends[evaluation.goal.id])
            let id = evaluation.goal.id
            if id == "vallensbaek-2014-m18" {
                // A one-month period (March 2014): one point.
                #expect(trend.axis == [Day(iso: "2014-03-31")!])
            } else {
                #expect(trend.axis.count == 12, "\(id): twelve months")
                #expect(trend.axis.first == Day(iso: "2014-01-31"), "\(id) starts in January 2014")
                #expect(trend.axis.last == Day(iso: "2014-12-31"), "\(id) ends in December 2014")
            }
            #expect(trend.points.map(\.day) == trend.axis, "\(id): every month evaluated, the report date being the last month end")
            // The last point is the value the report shows.
            #expect(trend.points.last?.value == evaluation.value, "\(id): the chart ends at the reported value")
        }
        // At-date goals: the value at each month's last day.
        let m1 = try #require(report.evaluations.first { $0.goal.id == "vallensbaek-2014-m1-ishoej" })
        for point in try #require(report.trends[m1.goal.id]).points {
            #expect(point.value == (try report.evaluator.evaluate(m1.goal, at: point.day)).value)
            let direct = try report.evaluator.engine.compute(MeasureRequest(measure: "M1", at: point.day), defaultDay: point.day)
            #expect(point.value == direct.scope(183)?.value, "M1 Ishøj at \(point.day.iso)")
        }
        // Period goals: the year-to-date value.
        let m8 = try #require(report.evaluations.first { $0.goal.id == "vallensbaek-2014-m8-count" })
        for point in try #require(report.trends[m8.goal.id]).points {
            let yearToDate = Period(first: Day(iso: "2014-01-01")!, last: point.day)
            let direct = try report.evaluator.engine.compute(
                MeasureRequest(measure: "M8", variant: "count", period: yearToDate), defaultDay: point.day)
            #expect(point.value == direct.scope(nil)?.value, "M8 count, 2014 to \(point.day.iso)")
        }
        // M2: the rolling year to each month, a value in every month.
        let m2 = try #require(report.evaluations.first { $0.goal.id == "vallensbaek-2014-m2" })
        for point in try #require(report.trends[m2.goal.id]).points {
            let direct = try report.evaluator.engine.compute(MeasureRequest(measure: "M2", at: point.day), defaultDay: point.day)
            #expect(point.value != nil)
            #expect(point.value == direct.scope(nil)?.value, "M2 rolling year to \(point.day.iso)")
        }
    }

    @Test("before the deadline the series stops at the report date, which is its last point")
    func seriesStopsAtTheReportDate() throws {
        let ledger = try PlanLedger()
        let day = Day(iso: "2014-06-15")!
        let report = try ledger.report(at: day)
        let m1 = try #require(report.evaluations.first { $0.goal.id == "vallensbaek-2014-m1" })
        #expect(m1.status == .notYetDue)
        let trend = try #require(report.trends[m1.goal.id])
        #expect(trend.axis.count == 12)
        #expect(trend.points.map(\.day.iso) == ["2014-01-31", "2014-02-28", "2014-03-31", "2014-04-30", "2014-05-31", "2014-06-15"])
        #expect(trend.points.last?.value == m1.value)
        #expect(report.html.contains("Ikke forfaldent"))
        #expect(Self.nestingProblem(report.html) == nil, "\(Self.nestingProblem(report.html) ?? "")")
    }

    @Test("a chart breaks its line at a month without a value and draws the target")
    func chartWithGaps() throws {
        let ledger = try PlanLedger()
        let report = try ledger.report()
        let evaluation = try #require(report.evaluations.first { $0.goal.id == "vallensbaek-2014-m19" })
        let axis = GoalTrend.axis(for: evaluation.goal)
        let values: [Double?] = [10, 12, nil, 14, nil, nil, 15, 16, nil, 18, 19, 20]
        let trend = GoalTrend(goalID: evaluation.goal.id, axis: axis, points: zip(axis, values).map { TrendPoint(day: $0, value: $1) })
        let svg = HTMLReport.TrendChart.svg(trend, evaluation: evaluation, format: HTMLReport.format(evaluation), scope: "Jobcenter Vallensbæk i alt")
        #expect(Self.count("<polyline", in: svg) == 3, "runs of 2, 2 and 3 values are lines; the lone 14 is only a dot")
        #expect(Self.count("<circle", in: svg) == 8)
        #expect(svg.contains("stroke-dasharray"))
        #expect(svg.contains("Mål 20,0\u{00A0}%"))
        #expect(svg.contains("<title id="))
        #expect(svg.contains("jan. 2014"))
        #expect(svg.contains("dec. 2014"))
        let empty = HTMLReport.TrendChart.svg(nil, evaluation: evaluation, format: HTMLReport.format(evaluation), scope: "x")
        #expect(empty.hasPrefix("<svg") && empty.hasSuffix("</svg>"))
    }

    @Test("Danish numbers and dates")
    func danishText() {
        #expect(DanishText.number(1234.5, digits: 1) == "1.234,5")
        #expect(DanishText.number(-0.25, digits: 1) == "−0,3")
        #expect(DanishText.number(12, digits: 1) == "12,0")
        #expect(DanishText.number(1_234_567, digits: 0) == "1.234.567")
        #expect(DanishText.date(Day(iso: "2014-12-31")!) == "31. december 2014")
        #expect(DanishText.periodText("2012-12") == "december 2012")
        #expect(DanishText.periodText("2014") == "2014")
        let (danish, english) = DanishText.split(MeasureDefinition.named("M7")!.definition)
        #expect(danish.hasSuffix("182 / 364 dage."))
        #expect(english.hasPrefix("Open sick-leave cases"))
    }

    // MARK: - In a browser

    /// Chromium on PATH (`chromium`, else `chromium-browser`), or nil.
    static let chromium: String? = {
        let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin"
        for name in ["chromium", "chromium-browser"] {
            for directory in path.split(separator: ":") {
                let candidate = "\(directory)/\(name)"
                if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
            }
        }
        return nil
    }()

    @Test("note whether the browser test runs")
    func browserNote() {
        if Self.chromium == nil {
            print(
                "note: HTMLReportTests: chromium (or chromium-browser) is not on PATH, so the browser test is skipped; "
                    + "install it with apt-get install -y chromium to run it")
        }
    }

    @Test(
        "headless Chromium reads the page: its DOM names every goal and shows no error",
        .enabled(if: HTMLReportTests.chromium != nil, "chromium is not on PATH (apt-get install -y chromium)"),
        .timeLimit(.minutes(1)))
    func browserReadsThePage() throws {
        let ledger = try PlanLedger()
        let html = try ledger.report().html
        let page = ledger.directory + "/report.html"
        let dom = ledger.directory + "/dom.html"
        try Data(html.utf8).write(to: URL(fileURLWithPath: page))
        #expect(FileManager.default.createFile(atPath: dom, contents: nil))
        let output = try FileHandle(forWritingTo: URL(fileURLWithPath: dom))
        defer { try? output.close() }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: try #require(Self.chromium))
        process.arguments = [
            "--headless", "--no-sandbox", "--disable-gpu", "--user-data-dir=" + ledger.directory + "/profile", "--dump-dom", "file://" + page,
        ]
        process.standardOutput = output
        process.standardError = FileHandle.nullDevice
        try process.run()
        // The DOM goes to a file, not a pipe, so a large page cannot block the browser while we wait.
        let deadline = Date().addingTimeInterval(50)
        while process.isRunning && Date() < deadline { Thread.sleep(forTimeInterval: 0.1) }
        if process.isRunning {
            process.terminate()
            Issue.record("chromium did not finish within 50 s")
            return
        }
        #expect(process.terminationStatus == 0)
        let text = try String(contentsOfFile: dom, encoding: .utf8)
        #expect(text.contains("<body>"), "chromium printed a DOM")
        for id in try Self.planGoalIDs() { #expect(text.contains(id), "the DOM names goal \(id)") }
        #expect(!text.lowercased().contains("error"))
        #expect(Self.count("<svg", in: text) == 25)
    }
}
