public import LedgerCore
public import Projections

/// Renders the goal report as one self-contained HTML page for a committee (udvalg): every goal
/// with its status, its measured value against the target and a monthly trend chart (inline SVG),
/// then how the numbers were made.
///
/// The page needs no network, no fonts beyond the reader's own and no scripts; it prints on A4
/// with each goal card kept on one page. Labels are Danish, with English in small print. The
/// rendering is a pure function of its arguments: the same evaluations, series and facts give the
/// same bytes (no clock is read), so a published report can be reproduced.
public enum HTMLReport {
    /// The facts about the ledger and the report that the page states, so a reader can trace and
    /// reproduce every number.
    public struct Facts: Sendable {
        /// The ledger's id.
        public var ledgerID: String
        /// The jobcenter's name.
        public var jobcenter: String
        /// The ledger's municipality codes, in init order.
        public var municipalities: [Int]
        /// The sequence number of the last event counted (the ledger head as replayed).
        public var headSeq: Int64
        /// That event's hash, 64 hexadecimal digits.
        public var headHash: String
        /// When that event was recorded.
        public var headRecordedAt: Timestamp
        /// The report date: goals are evaluated as of this day.
        public var reportDate: Day
        /// The knowledge time: only events recorded at or before it count; nil for everything recorded.
        public var knownAt: Timestamp?
        /// The Merkle tree over the lines 1...`headSeq` (EventLogs/FORMAT.md 5c): its size and root
        /// hash in hex, for the minutes; nil leaves the rows out.
        public var merkle: (treeSize: Int64, rootHash: String)?

        /// Makes the facts from their parts.
        public init(
            ledgerID: String, jobcenter: String, municipalities: [Int], headSeq: Int64, headHash: String,
            headRecordedAt: Timestamp, reportDate: Day, knownAt: Timestamp?
        ) {
            self.ledgerID = ledgerID
            self.jobcenter = jobcenter
            self.municipalities = municipalities
            self.headSeq = headSeq
            self.headHash = headHash
            self.headRecordedAt = headRecordedAt
            self.reportDate = reportDate
            self.knownAt = knownAt
        }

        /// The facts of a replayed state, for a report as of `reportDate` known at `knownAt`.
        public init(state: ProjectionState, reportDate: Day, knownAt: Timestamp?) {
            self.init(
                ledgerID: state.ledgerID, jobcenter: state.jobcenter, municipalities: state.municipalities, headSeq: state.headSeq,
                headHash: state.headHash.hex, headRecordedAt: state.headRecordedAt, reportDate: reportDate, knownAt: knownAt)
        }
    }

    /// The whole page.
    ///
    /// - Parameters:
    ///   - evaluations: the goals evaluated as of `facts.reportDate`, in the order to show them.
    ///   - trends: each goal's monthly series by goal id (``GoalTrend/computeAll(_:evaluator:reportDate:)``);
    ///     a goal without one gets an empty chart.
    ///   - facts: the ledger and report facts.
    public static func render(_ evaluations: [GoalEvaluation], trends: [String: GoalTrend], facts: Facts) -> String {
        var out = "<!DOCTYPE html>\n<html lang=\"da\">\n<head>\n<meta charset=\"utf-8\">\n"
        out += "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
        out += "<title>" + escape("Resultatmål — \(facts.jobcenter) — \(DanishText.date(facts.reportDate))") + "</title>\n"
        out += "<style>\n" + stylesheet + "</style>\n</head>\n<body>\n"
        out += header(evaluations, facts: facts)
        if evaluations.isEmpty {
            out +=
                "<p class=\"empty\">Der er ingen resultatmål i denne ledger. <span class=\"en\">No goals are loaded: "
                + "caseledger append DIR &lt; EventLogs/plans/NAME.jsonl</span></p>\n"
        } else {
            out += overview(evaluations, facts: facts)
            var plan: String?
            for evaluation in evaluations {
                let planName = evaluation.text("plan") ?? "Resultatmål"
                if planName != plan {
                    if plan != nil { out += "</section>\n" }
                    plan = planName
                    out += "<section class=\"plan\">\n<h2>" + escape(planName) + "</h2>\n"
                }
                out += card(evaluation, trend: trends[evaluation.goal.id], facts: facts)
            }
            out += "</section>\n"
        }
        out += method(evaluations, facts: facts)
        out += "</body>\n</html>\n"
        return out
    }

    // MARK: - Escaping

    /// Text made safe for HTML element content and for attribute values in double or single quotes.
    public static func escape(_ text: String) -> String {
        var out = ""
        out.reserveCapacity(text.utf8.count)
        for character in text.unicodeScalars {
            switch character {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&#39;"
            default: out.unicodeScalars.append(character)
            }
        }
        return out
    }

    /// A goal id made into a fragment identifier: letters, digits, `-` and `_` kept, anything else `_`.
    static func anchor(_ goalID: String) -> String {
        var out = "goal-"
        for scalar in goalID.unicodeScalars {
            let keep =
                (scalar >= "a" && scalar <= "z") || (scalar >= "A" && scalar <= "Z") || (scalar >= "0" && scalar <= "9") || scalar == "-"
                || scalar == "_"
            out.unicodeScalars.append(keep ? scalar : "_")
        }
        return out
    }

    // MARK: - Status

    /// How a status reads and looks: a CSS class (its colour), a symbol, the Danish label and the English one.
    struct StatusLook {
        var cssClass: String
        var symbol: String
        var danish: String
        var english: String
    }

    static func look(_ evaluation: GoalEvaluation) -> StatusLook {
        switch evaluation.status {
        case .met: return StatusLook(cssClass: "met", symbol: "✓", danish: "Opfyldt", english: "Met")
        case .notMet: return StatusLook(cssClass: "not-met", symbol: "✗", danish: "Ikke opfyldt", english: "Not met")
        case .notYetDue: return StatusLook(cssClass: "due", symbol: "◷", danish: "Ikke forfaldent", english: "Not yet due")
        case .noTarget:
            if evaluation.comparison == "follow-up" {
                return StatusLook(cssClass: "none", symbol: "–", danish: "Intet mål · opfølgning", english: "No target, follow-up only")
            }
            return StatusLook(cssClass: "none", symbol: "–", danish: "Intet mål", english: "No target")
        case .referenceMissing:
            return StatusLook(cssClass: "reference", symbol: "?", danish: "Referencetal mangler", english: "Reference figure missing")
        }
    }

    static func badge(_ evaluation: GoalEvaluation, small: Bool = false) -> String {
        let l = look(evaluation)
        return "<span class=\"badge \(l.cssClass)\(small ? " compact" : "")\"><span class=\"symbol\" aria-hidden=\"true\">\(l.symbol)</span> "
            + "<span class=\"status\">" + escape(l.danish) + "</span>" + (small ? "" : " <span class=\"en\">" + escape(l.english) + "</span>")
            + "</span>"
    }

    // MARK: - Values

    /// How a goal's values are written: as percent, and with how many fraction digits.
    struct ValueFormat {
        var percent: Bool
        var digits: Int

        func text(_ value: Double?) -> String {
            guard let value, value.isFinite else { return "–" }
            let fraction = percent ? digits : (value == value.rounded() ? 0 : digits)
            return DanishText.number(value, digits: fraction) + (percent ? "\u{00A0}%" : "")
        }
    }

    /// Percent when the plan says so (unit `percent`, or `pp` for a gap in percentage points), or,
    /// without a unit, when the measure is a share (but M8's count variant is a count).
    static func format(_ evaluation: GoalEvaluation) -> ValueFormat {
        let definition = evaluation.result.definition
        let percent: Bool
        switch evaluation.text("unit") {
        case "percent"?, "pp"?: percent = true
        case "count"?: percent = false
        default:
            percent =
                (definition.kind == .share && evaluation.result.variant != "count")
                || MeasureRequest.parseFilter(evaluation.text("filter"))["denominator"] != nil
        }
        return ValueFormat(percent: percent, digits: 1)
    }

    static func scopeName(_ scope: Int?, facts: Facts) -> String {
        guard let scope else {
            let names = facts.municipalities.map { MeasureReport.municipalityName($0) }
            return names.count > 1 ? "\(facts.jobcenter) i alt" : facts.jobcenter
        }
        return "\(MeasureReport.municipalityName(scope)) Kommune (\(CanonicalEncoder.municipalityText(scope)))"
    }

    static func measureName(_ evaluation: GoalEvaluation) -> String {
        let definition = evaluation.result.definition
        guard let variant = evaluation.result.variant, definition.variants.count > 1 else { return definition.id + " " + definition.danish }
        // M7's name lists both thresholds ("over 26 / 52 uger"); its variant picks one.
        if definition.id == "M7", let weeks = ["26w": "26", "52w": "52"][variant] {
            return definition.id + " " + definition.danish.replacingFirst("26 / 52", with: weeks)
        }
        return definition.id + " " + definition.danish + " (" + variantName(variant) + ")"
    }

    /// A measure variant in Danish words.
    static func variantName(_ variant: String) -> String {
        switch variant {
        case "share": return "andel"
        case "count": return "antal"
        case "citizens": return "borgere"
        case "companies": return "virksomheder"
        case "besaettelsesgrad": return "besættelsesgrad"
        case "4w", "13w", "26w", "52w": return "efter " + String(variant.dropLast()) + " uger"
        default: return variant
        }
    }

    /// The reference figure's name for people: `national-average/...` is the national average.
    static func referenceName(_ name: String?) -> String {
        guard let name else { return "referencetallet" }
        return name.hasPrefix("national-average") ? "landsgennemsnittet" : name
    }

    /// The target as a committee reads it: "højst 323", "mindst 30 %", "mindst landsgennemsnittet (45,2 %)".
    static func targetText(_ evaluation: GoalEvaluation) -> String {
        let f = format(evaluation)
        let reference = referenceName(evaluation.text("reference"))
        let offset = evaluation.text("offset_pp").flatMap { Double($0) } ?? 0
        let offsetText = offset == 0 ? "" : (offset < 0 ? " − " : " + ") + DanishText.number(abs(offset), digits: 1) + " procentpoint"
        let resolved = evaluation.target.map { " (" + f.text($0) + ")" } ?? " (ikke registreret)"
        switch evaluation.comparison {
        case "at-most": return "højst " + f.text(evaluation.target)
        case "at-least": return "mindst " + f.text(evaluation.target)
        case "no-target": return "intet mål fastsat"
        case "follow-up": return "kun opfølgning, intet mål"
        case "at-least-reference": return "mindst " + reference + offsetText + resolved
        case "at-most-reference": return "højst " + reference + offsetText + resolved
        case "below-reference": return "under " + reference + offsetText + resolved
        case "gap-reduced-by":
            let needed = evaluation.text("target").flatMap { Double($0) }.map { DanishText.number($0, digits: 1) } ?? "?"
            return "afstanden til \(reference) mindskes med mindst \(needed) procentpoint"
                + (evaluation.target.map { " (højst " + f.text($0) + ")" } ?? "")
        default: return evaluation.comparison + (evaluation.target.map { " " + f.text($0) } ?? "")
        }
    }

    /// When a result was measured: "pr. 31. december 2014", "2014", "12 måneder til og med december 2014".
    static func measuredWhen(_ result: MeasureResult) -> String {
        if let day = result.evaluation.day { return "pr. " + DanishText.date(day) }
        let period = result.evaluation.period
        if result.definition.id == "M2" { return "12 måneder til og med " + DanishText.month(period.last) }
        return DanishText.period(period)
    }

    // MARK: - Page parts

    static func header(_ evaluations: [GoalEvaluation], facts: Facts) -> String {
        var out = "<header class=\"page\">\n"
        out +=
            "<p class=\"kicker\">Beskæftigelsesplan · status for udvalget <span class=\"en\">Employment plan · status for the committee</span></p>\n"
        out += "<h1>Resultatmål <span class=\"en\">Result goals</span></h1>\n"
        let municipalities = facts.municipalities.map { "\(MeasureReport.municipalityName($0)) (\(CanonicalEncoder.municipalityText($0)))" }
        out +=
            "<p class=\"who\"><strong>" + escape(facts.jobcenter) + "</strong>"
            + (municipalities.isEmpty ? "" : " · " + escape(municipalities.joined(separator: ", "))) + "</p>\n"
        out +=
            "<p class=\"when\">Status pr. <strong>" + DanishText.date(facts.reportDate) + "</strong> · "
            + (facts.knownAt.map { "som kendt " + escape(DanishText.instant($0)) } ?? "alt registreret til og med hændelse nr. \(facts.headSeq)")
            + " <span class=\"en\">status as of the report date, " + (facts.knownAt == nil ? "everything recorded" : "as known at that time")
            + "</span></p>\n"
        if !evaluations.isEmpty {
            let order: [(GoalStatus, String)] = [
                (.met, "opfyldt"), (.notMet, "ikke opfyldt"), (.notYetDue, "ikke forfaldent"),
                (.noTarget, "intet mål"), (.referenceMissing, "referencetal mangler"),
            ]
            let parts = order.compactMap { status, label -> String? in
                let count = evaluations.filter { $0.status == status }.count
                return count == 0 ? nil : "<strong>\(count)</strong> \(label)"
            }
            out += "<p class=\"tally\">\(evaluations.count) resultatmål: " + parts.joined(separator: ", ") + "</p>\n"
        }
        out += "</header>\n"
        return out
    }

    package static func overview(_ evaluations: [GoalEvaluation], facts: Facts) -> String {
        var out = "<section class=\"overview\">\n<h2>Oversigt <span class=\"en\">Overview</span></h2>\n<table>\n<thead><tr>"
        out +=
            "<th>Status</th><th>Resultatmål <span class=\"en\">measure, scope</span></th><th class=\"num\">Målt værdi</th><th>Mål</th><th>Frist</th>"
        out += "</tr></thead>\n<tbody>\n"
        for e in evaluations {
            let f = format(e)
            out += "<tr><td>" + badge(e, small: true) + "</td>"
            out +=
                "<td><a href=\"#" + anchor(e.goal.id) + "\">" + escape(measureName(e)) + "</a><br><span class=\"scope\">"
                + escape(scopeName(e.goal.scope, facts: facts)) + "</span></td>"
            out += "<td class=\"num\">" + escape(f.text(e.value)) + "</td>"
            out += "<td>" + escape(targetText(e)) + "</td>"
            out += "<td class=\"nowrap\">" + escape(e.text("deadline").flatMap { Day(iso: $0) }.map(DanishText.shortDate) ?? "–") + "</td></tr>\n"
        }
        out += "</tbody>\n</table>\n</section>\n"
        return out
    }

    package static func card(_ e: GoalEvaluation, trend: GoalTrend?, facts: Facts) -> String {
        let l = look(e)
        let f = format(e)
        let definition = e.result.definition
        var out = "<article class=\"goal \(l.cssClass)\" id=\"" + anchor(e.goal.id) + "\">\n"
        out +=
            "<div class=\"goal-head\">" + badge(e) + "<span class=\"measure\">" + escape(measureName(e)) + " <span class=\"en\">"
            + escape(definition.english) + "</span></span><span class=\"scope\">" + escape(scopeName(e.goal.scope, facts: facts)) + "</span></div>\n"
        out += "<h3>" + escape(e.text("title") ?? measureName(e)) + "</h3>\n"
        out += "<div class=\"goal-body\">\n<dl class=\"figures\">\n"
        out += "<dt>Målt værdi <span class=\"en\">Measured</span></dt><dd><span class=\"value\">" + escape(f.text(e.value)) + "</span>"
        out += " <span class=\"when\">" + escape(measuredWhen(e.result))
        if definition.kind == .share, e.result.variant != "count", let scope = e.result.scope(e.goal.scope), let denominator = scope.denominator {
            out += " · " + DanishText.number(scope.numerator, digits: 0) + " af " + DanishText.number(denominator, digits: 0)
        }
        out += "</span>"
        out += "</dd>\n"
        out += "<dt>Mål <span class=\"en\">Target</span></dt><dd>" + escape(targetText(e)) + "</dd>\n"
        if let reference = e.reference {
            out +=
                "<dt>Referencetal <span class=\"en\">Reference</span></dt><dd>" + escape(referenceName(reference.name)) + ", "
                + escape(DanishText.periodText(reference.period)) + ": " + escape(f.text(reference.value)) + "</dd>\n"
        }
        out +=
            "<dt>Frist <span class=\"en\">Deadline</span></dt><dd>" + escape(e.text("deadline").flatMap { Day(iso: $0) }.map(DanishText.date) ?? "–")
            + "</dd>\n"
        if let baseline = e.text("baseline_value").flatMap({ Double($0) }) {
            let when = e.text("baseline_at").map { DanishText.periodText($0) } ?? ""
            var change = ""
            if let value = e.value {
                if f.percent {
                    change = "ændring " + DanishText.signed(value - baseline, digits: 1) + " pct.-point"
                } else if let percent = e.changeFromBaselinePercent {
                    change = "ændring " + DanishText.signed(percent, digits: 1) + "\u{00A0}%"
                }
            }
            out +=
                "<dt>Udgangspunkt <span class=\"en\">Baseline</span></dt><dd>" + escape(f.text(baseline))
                + (when.isEmpty ? "" : " (" + escape(when) + ")")
                + (change.isEmpty ? "" : "<br><span class=\"when\">" + escape(change) + "</span>") + "</dd>\n"
        }
        out += "</dl>\n"
        out +=
            "<figure class=\"chart\">" + TrendChart.svg(trend, evaluation: e, format: f, scope: scopeName(e.goal.scope, facts: facts)) + "</figure>\n"
        out += "</div>\n<p class=\"provenance\"><span class=\"id\">" + escape(e.goal.id) + "</span>"
        out += "<strong>Vedtaget af</strong> " + escape(e.text("adopted_by") ?? "–")
        // Plans often name the date in "adopted by" already ("Byrådet 1. oktober 2013"); say it once.
        if let on = e.text("adopted_on").flatMap({ Day(iso: $0) }), !(e.text("adopted_by") ?? "").contains(DanishText.date(on)) {
            out += " den " + DanishText.date(on)
        }
        if e.goal.versions.count > 1 { out += " · ændret \(e.goal.versions.count - 1) gang" + (e.goal.versions.count > 2 ? "e" : "") }
        out += "<br><strong>Kilde</strong> " + escape(e.text("source") ?? "–")
        if let reference = e.reference {
            out +=
                "<br><strong>Referencetal</strong> " + escape(reference.name) + " (" + escape(reference.period) + "), kilde: "
                + escape(reference.source)
                + ", hændelse nr. \(reference.seq)"
        }
        if let note = e.note { out += "<br><strong>Bemærkning</strong> <span class=\"en\">" + escape(note) + "</span>" }
        out += "</p>\n</article>\n"
        return out
    }

    static func method(_ evaluations: [GoalEvaluation], facts: Facts) -> String {
        var out =
            "<section class=\"method\">\n<h2>Sådan er tallene lavet <span class=\"en\">How the numbers were made</span></h2>\n<dl class=\"facts\">\n"
        func row(_ danish: String, _ english: String, _ value: String) {
            out += "<dt>" + danish + " <span class=\"en\">" + english + "</span></dt><dd>" + value + "</dd>\n"
        }
        row("Jobcenter", "Jobcenter", escape(facts.jobcenter))
        row(
            "Kommuner", "Municipalities",
            escape(
                facts.municipalities.map { "\(MeasureReport.municipalityName($0)) (\(CanonicalEncoder.municipalityText($0)))" }.joined(
                    separator: ", ")))
        row("Ledger-id", "Ledger id", "<code>" + escape(facts.ledgerID) + "</code>")
        row("Seneste hændelse talt med", "Head sequence", "nr. \(facts.headSeq), registreret " + escape(DanishText.instant(facts.headRecordedAt)))
        row("Hash (SHA-256)", "Head hash", "<code class=\"hash\">" + escape(facts.headHash) + "</code>")
        if let merkle = facts.merkle {
            // The root in groups of eight hex digits, as it is read aloud or copied into minutes.
            let grouped = stride(from: 0, to: merkle.rootHash.count, by: 8).map { String(merkle.rootHash.dropFirst($0).prefix(8)) }.joined(separator: " ")
            row("Merkle-træets størrelse", "Merkle tree size", "\(merkle.treeSize) hændelser (nr. 1-\(merkle.treeSize)) <span class=\"en\">lines</span>")
            row("Merkle-rod (SHA-256, RFC 9162)", "Merkle root hash", "<code class=\"hash\">" + escape(grouped) + "</code>")
        }
        row(
            "Vidensstidspunkt", "Knowledge time",
            facts.knownAt.map { escape(DanishText.instant($0)) + " <span class=\"en\">only events recorded at or before this instant count</span>" }
                ?? "alt registreret <span class=\"en\">everything recorded</span>")
        row("Rapportdato", "Report date", DanishText.date(facts.reportDate))
        out += "</dl>\n"
        out +=
            "<p>Tallene kan genskabes med <code>caseledger report DIR --at \(facts.reportDate.iso)"
            + (facts.knownAt.map { " --known-at " + escape($0.iso) } ?? "")
            + "</code>: samme hændelser, samme dato og samme vidensstidspunkt giver de samme tal. "
            + "<code>caseledger verify DIR</code> viser, at loggen ikke er ændret, når dens hash stemmer med ovenstående. "
            + "<span class=\"en\">The same log prefix, date and knowledge time give the same numbers; verify checks the hash chain up to the hash above.</span></p>\n"
        if let merkle = facts.merkle {
            out +=
                "<p>Med træets størrelse og rod kan enhver uden loggen kontrollere et bevis: <code>caseledger prove DIR --seq N --size \(merkle.treeSize)</code> "
                + "viser, at hændelse nr. N indgår, og <code>caseledger prove DIR --from \(merkle.treeSize)</code> at en senere log kun har tilføjet; "
                + "<code>caseledger check-proof</code> eller <code>Tools/verify_proof.py</code> kontrollerer beviset mod roden. "
                + "<span class=\"en\">With the tree size and root anyone can check, without the log, that an event is in it (prove --seq) and that a later log only appended to it (prove --from).</span></p>\n"
        }
        out += "<h3>Status og udvikling <span class=\"en\">Status and trend</span></h3>\n<ul>\n"
        out +=
            "<li><strong>Opfyldt / Ikke opfyldt</strong>: fristen er nået, og den målte værdi er sammenlignet med målet. "
            + "<span class=\"en\">The deadline has passed; the value is compared with the target.</span></li>\n"
        out +=
            "<li><strong>Ikke forfaldent</strong>: fristen er efter rapportdatoen; værdien viser, hvor det står på rapportdatoen. "
            + "<span class=\"en\">The deadline is after the report date; the value shows where things stand.</span></li>\n"
        out +=
            "<li><strong>Intet mål</strong>: planen har (endnu) intet måltal eller følger kun op; værdien er målt alligevel. "
            + "<span class=\"en\">The plan sets no target (yet) or follows up only; the value is measured anyway.</span></li>\n"
        out +=
            "<li><strong>Udviklingen</strong> viser en værdi pr. måned i planperioden, beregnet efter samme regler som målets status: "
            + "for mål over en periode værdien fra periodens start til og med månedens sidste dag (år til dato); for mål på en dato værdien på månedens sidste dag; "
            + "for tilgang til førtidspension (M2) de 12 måneder til og med måneden. Den stiplede linje er målet. "
            + "<span class=\"en\">One value per month of the plan period: year to date for period goals, the month's last day for goals at a date, "
            + "the rolling year for M2. The dashed line is the target.</span></li>\n</ul>\n"
        guard !evaluations.isEmpty else { return out + "</section>\n" }
        out += "<h3>Målenes definitioner <span class=\"en\">Definitions of the measures used</span></h3>\n<dl class=\"definitions\">\n"
        var seen: Set<String> = []
        for e in evaluations where seen.insert(e.result.definition.id).inserted {
            let definition = e.result.definition
            let (danish, english) = DanishText.split(definition.definition)
            out += "<dt>" + escape(definition.id + " " + definition.danish) + " <span class=\"en\">" + escape(definition.english) + "</span></dt>\n"
            out += "<dd>" + escape(danish) + (english.isEmpty ? "" : "<br><span class=\"en\">" + escape(english) + "</span>") + "</dd>\n"
        }
        out += "</dl>\n</section>\n"
        return out
    }

    // MARK: - Style

    /// The page's style sheet: screen and A4 print. Status colours are dark enough to read as grey in
    /// black and white, and every status also has a symbol and a word.
    package static let stylesheet = """
        @page { size: A4; margin: 12mm 14mm 13mm 14mm;
          @bottom-right { content: "Side " counter(page) " af " counter(pages); font: 8pt "Liberation Sans", Arial, sans-serif; color: #555; } }
        :root { --met: #1b6e31; --not-met: #b0211b; --due: #a55d00; --none: #5f6368; --reference: #5b4a9e; --ink: #16191d; --rule: #c9ced6; }
        * { box-sizing: border-box; }
        html { -webkit-print-color-adjust: exact; print-color-adjust: exact; }
        body { font-family: "Liberation Sans", Arial, Helvetica, sans-serif; font-size: 10pt; line-height: 1.38; color: var(--ink);
          background: #fff; max-width: 186mm; margin: 0 auto; padding: 10mm 0; }
        @media print { body { max-width: none; padding: 0; } a { color: inherit; text-decoration: none; } }
        h1 { font-size: 22pt; margin: 0 0 1mm; line-height: 1.1; }
        h2 { font-size: 14pt; margin: 7mm 0 3mm; padding-bottom: 1mm; border-bottom: 2px solid var(--ink); break-after: avoid; page-break-after: avoid; }
        h3 { font-size: 11pt; margin: 1.5mm 0 2mm; line-height: 1.3; }
        .en { font-size: 7.5pt; font-weight: normal; color: #5a5f66; }
        h1 .en { font-size: 11pt; }
        h2 .en { font-size: 9pt; }
        code { font-family: "DejaVu Sans Mono", "Liberation Mono", monospace; font-size: 8.5pt; }
        .hash { word-break: break-all; }
        header.page { border-bottom: 3px solid var(--ink); padding-bottom: 3mm; margin-bottom: 2mm; }
        .kicker { margin: 0 0 1mm; text-transform: uppercase; letter-spacing: .06em; font-size: 8pt; color: #444; }
        .who { font-size: 12pt; margin: 1mm 0 0; }
        .when, .tally { margin: 1mm 0 0; }
        .badge { display: inline-block; padding: .4mm 2.2mm; border-radius: 2mm; color: #fff; font-weight: bold; white-space: nowrap; font-size: 9.5pt; }
        .badge .en { color: #fff; opacity: .9; }
        .badge.compact { font-size: 8pt; padding: .2mm 1.6mm; }
        .badge.met { background: var(--met); } .badge.not-met { background: var(--not-met); } .badge.due { background: var(--due); }
        .badge.none { background: var(--none); } .badge.reference { background: var(--reference); }
        .overview table { width: 100%; border-collapse: collapse; font-size: 8.8pt; }
        .overview th { text-align: left; font-size: 8pt; border-bottom: 1.5px solid var(--ink); padding: 1mm 1.5mm; }
        .overview td { border-bottom: 1px solid var(--rule); padding: 1mm 1.5mm; vertical-align: top; }
        .overview tr { break-inside: avoid; page-break-inside: avoid; }
        .overview a { color: var(--ink); text-decoration: none; font-weight: bold; }
        .overview .scope { color: #444; }
        .num { text-align: right; white-space: nowrap; }
        .nowrap { white-space: nowrap; }
        article.goal { border: 1px solid var(--rule); border-left: 5px solid var(--none); border-radius: 1.5mm; padding: 2.5mm 3.5mm 2mm;
          margin: 0 0 3.5mm; break-inside: avoid; page-break-inside: avoid; }
        article.goal.met { border-left-color: var(--met); } article.goal.not-met { border-left-color: var(--not-met); }
        article.goal.due { border-left-color: var(--due); } article.goal.reference { border-left-color: var(--reference); }
        .goal-head { display: flex; align-items: center; gap: 3mm; }
        .goal-head .measure { flex: 1; font-size: 8.5pt; color: #333; }
        .goal-head .scope { font-weight: bold; font-size: 9.5pt; text-align: right; }
        .id { font-family: "DejaVu Sans Mono", "Liberation Mono", monospace; font-size: 7.5pt; color: #5a5f66; white-space: nowrap; }
        p.provenance .id { float: right; margin-left: 3mm; }
        .goal-body { display: grid; grid-template-columns: 66mm 1fr; gap: 4mm; align-items: start; }
        dl.figures { margin: 0; display: grid; grid-template-columns: 23mm 1fr; gap: 1.6mm 2mm; align-items: baseline; }
        dl.figures dt { font-size: 8pt; font-weight: bold; color: #333; }
        dl.figures dt .en { display: block; font-size: 7pt; }
        dl.figures dd { margin: 0; }
        dl.figures .when { display: block; }
        .value { font-size: 17pt; font-weight: bold; line-height: 1.1; }
        .when, .parts, .small { font-size: 8pt; color: #444; }
        figure.chart { margin: 0; }
        figure.chart svg { width: 100%; height: auto; display: block; }
        p.provenance { margin: 1.5mm 0 0; padding-top: 1.2mm; border-top: 1px solid var(--rule); font-size: 7.8pt; color: #333; }
        section.method { break-before: page; page-break-before: always; }
        section.method dl.facts { display: grid; grid-template-columns: 52mm 1fr; gap: .8mm 3mm; margin: 0 0 3mm; }
        section.method dl.facts dt { font-weight: bold; }
        section.method dl.facts dd { margin: 0; }
        section.method ul { padding-left: 5mm; }
        section.method li { margin-bottom: 1mm; }
        dl.definitions dt { font-weight: bold; margin-top: 2mm; break-after: avoid; page-break-after: avoid; }
        dl.definitions dd { margin: .5mm 0 0 0; break-inside: avoid; page-break-inside: avoid; }
        p.empty { font-size: 12pt; margin: 8mm 0; }

        """
}

extension String {
    /// The string with the first occurrence of `target` replaced by `replacement`.
    func replacingFirst(_ target: String, with replacement: String) -> String {
        guard let range = firstRange(of: target) else { return self }
        return String(self[..<range.lowerBound]) + replacement + String(self[range.upperBound...])
    }
}

/// Danish text for numbers, dates and periods in reports: decimal comma, thousands point, month names.
package enum DanishText {
    static let months = ["januar", "februar", "marts", "april", "maj", "juni", "juli", "august", "september", "oktober", "november", "december"]
    static let shortMonths = ["jan.", "feb.", "mar.", "apr.", "maj", "jun.", "jul.", "aug.", "sep.", "okt.", "nov.", "dec."]

    /// A number rounded to `digits` fraction digits, with a decimal comma, a point between thousands
    /// and a minus sign (U+2212): 1234.5 → "1.234,5".
    static func number(_ value: Double, digits: Int) -> String {
        guard value.isFinite else { return "–" }
        let text = JSONOut.human(value, digits: digits)
        let negative = text.hasPrefix("-")
        let unsigned = negative ? String(text.dropFirst()) : text
        let parts = unsigned.split(separator: ".", maxSplits: 1)
        let whole = Array(parts[0])
        var grouped = ""
        for (i, digit) in whole.enumerated() {
            if i > 0 && (whole.count - i) % 3 == 0 { grouped += "." }
            grouped.append(digit)
        }
        var fraction = parts.count > 1 ? String(parts[1]) : ""
        // Show the fraction digits asked for, so a column of shares lines up (12,0 % beside 12,5 %).
        while fraction.count < digits { fraction += "0" }
        return (negative ? "−" : "") + grouped + (fraction.isEmpty ? "" : "," + fraction)
    }

    /// A number with its sign: "+1,2", "−0,4", "0,0".
    static func signed(_ value: Double, digits: Int) -> String {
        let text = number(value, digits: digits)
        return value > 0 && text.contains(where: { $0 != "0" && $0 != "," && $0 != "." }) ? "+" + text : text
    }

    /// "31. december 2014".
    package static func date(_ day: Day) -> String {
        let c = day.civil
        return "\(c.day). \(months[c.month - 1]) \(c.year)"
    }

    /// "31.12.2014".
    static func shortDate(_ day: Day) -> String {
        let c = day.civil
        return "\(c.day).\(c.month).\(c.year)"
    }

    /// "december 2014".
    static func month(_ day: Day) -> String {
        let c = day.civil
        return "\(months[c.month - 1]) \(c.year)"
    }

    /// "dec. 2014".
    static func shortMonth(_ day: Day) -> String {
        let c = day.civil
        return "\(shortMonths[c.month - 1]) \(c.year)"
    }

    /// A period: "2014" for a whole year, "december 2014" for a month, else "1. januar 2014 – 30. juni 2014".
    static func period(_ period: Period) -> String {
        let first = period.first.civil
        let last = period.last.civil
        if first.month == 1, first.day == 1, last.month == 12, last.day == 31, first.year == last.year { return String(first.year) }
        if period.first == period.first.firstOfMonth, period.last == period.first.lastOfMonth { return month(period.first) }
        return date(period.first) + " – " + date(period.last)
    }

    /// A date or period as written in a plan (`2012-12`, `2012`, `2012-12-31`), for people.
    static func periodText(_ text: String) -> String {
        if let day = Day(iso: text) { return date(day) }
        if let p = Period(text: text) { return period(p) }
        return text
    }

    /// An instant for people: "2015-01-10 12:00 UTC".
    package static func instant(_ t: Timestamp) -> String {
        let iso = t.iso
        return String(iso.prefix(10)) + " " + String(iso.dropFirst(11).prefix(8)) + " UTC"
    }

    /// A measure definition's Danish and English halves: the text before and after the first ". / ".
    static func split(_ definition: String) -> (danish: String, english: String) {
        guard let range = definition.firstRange(of: ". / ") else { return (definition, "") }
        return (String(definition[..<range.lowerBound]) + ".", String(definition[range.upperBound...]))
    }
}

extension HTMLReport {
    /// A goal's monthly trend as an inline SVG line chart: the values as a line with dots (broken
    /// where a month has no value), the target as a dashed line labelled with its value, the first
    /// and last month under the x axis, the lowest and highest value at the y axis, and a `<title>`
    /// and `<desc>` that say the same in words for a screen reader.
    enum TrendChart {
        /// The drawing's size in SVG user units; it scales to the width of its column (about 110 mm on A4).
        static let width = 400.0
        static let height = 150.0
        /// The plot area inside the drawing: room on the left for the lowest and highest value, on the
        /// right for the target's and the latest value's labels, below for the months.
        static let left = 50.0, right = 318.0, top = 10.0, bottom = 124.0

        static func svg(_ trend: GoalTrend?, evaluation e: GoalEvaluation, format f: ValueFormat, scope: String) -> String {
            let id = anchor(e.goal.id)
            let axis = trend?.axis ?? []
            let points = trend?.points ?? []
            let values = points.compactMap(\.value)
            let span = axis.isEmpty ? "" : DanishText.shortMonth(axis[0]) + (axis.count > 1 ? "–" + DanishText.shortMonth(axis[axis.count - 1]) : "")
            var title = "Udvikling pr. måned: \(e.result.definition.id) \(e.result.definition.danish), \(scope)"
            if !span.isEmpty { title += ", " + span }
            title += e.target.map { "; mål " + f.text($0) } ?? "; intet mål"
            let description =
                points.isEmpty
                ? "Ingen værdier endnu."
                : points.map {
                    DanishText.shortMonth($0.day) + ($0.day == $0.day.lastOfMonth ? "" : " (\(DanishText.shortDate($0.day)))") + ": "
                        + f.text($0.value)
                }.joined(separator: "; ")
            // Inline SVG in HTML needs no namespace declaration, so the page holds no address at all.
            var out =
                "<svg viewBox=\"0 0 \(n(width)) \(n(height))\" role=\"img\" aria-labelledby=\"\(id)-title \(id)-desc\" "
                + "font-family=\"Liberation Sans, Arial, sans-serif\" font-size=\"12\">"
            out += "<title id=\"\(id)-title\">" + escape(title) + "</title>"
            out += "<desc id=\"\(id)-desc\">" + escape(description) + "</desc>"
            // Plot frame: the x axis as a solid rule, the plot area faintly shaded.
            out += "<rect x=\"\(n(left))\" y=\"\(n(top))\" width=\"\(n(right - left))\" height=\"\(n(bottom - top))\" fill=\"#f6f7f9\"/>"
            out += "<line x1=\"\(n(left))\" y1=\"\(n(bottom))\" x2=\"\(n(right))\" y2=\"\(n(bottom))\" stroke=\"#444\" stroke-width=\"1\"/>"
            guard let firstDay = ([axis.first, points.first?.day].compactMap { $0 }).min(),
                let lastDay = ([axis.last, points.last?.day].compactMap { $0 }).max()
            else {
                out +=
                    "<text x=\"\(n((left + right) / 2))\" y=\"\(n((top + bottom) / 2))\" text-anchor=\"middle\" fill=\"#555\">Ingen udvikling at vise</text></svg>"
                return out
            }
            func x(_ day: Day) -> Double {
                let days = Double(lastDay.days(since: firstDay))
                return days == 0 ? (left + right) / 2 : left + Double(day.days(since: firstDay)) / days * (right - left)
            }
            // The y range covers the values and the target, with a margin; counts and shares that
            // cannot be negative do not go below zero.
            var low = (values + [e.target].compactMap { $0 }).min() ?? 0
            var high = (values + [e.target].compactMap { $0 }).max() ?? 1
            let nonNegative = low >= 0
            let spread = high - low
            let pad = spread > 0 ? spread * 0.12 : max(abs(high) * 0.1, 1)
            low -= pad
            high += pad
            if nonNegative && low < 0 { low = 0 }
            func y(_ value: Double) -> Double { bottom - (value - low) / (high - low) * (bottom - top) }
            // Month ticks and the first and last month's names.
            for day in axis {
                out +=
                    "<line x1=\"\(n(x(day)))\" y1=\"\(n(bottom))\" x2=\"\(n(x(day)))\" y2=\"\(n(bottom + 4))\" stroke=\"#444\" stroke-width=\"1\"/>"
            }
            if let first = axis.first {
                let single = axis.count == 1
                out +=
                    "<text x=\"\(n(x(first)))\" y=\"\(n(bottom + 17))\" text-anchor=\"\(single ? "middle" : "start")\" fill=\"#222\">"
                    + escape(DanishText.shortMonth(first)) + "</text>"
                if !single, let last = axis.last {
                    out +=
                        "<text x=\"\(n(x(last)))\" y=\"\(n(bottom + 17))\" text-anchor=\"end\" fill=\"#222\">" + escape(DanishText.shortMonth(last))
                        + "</text>"
                }
            }
            // The lowest and highest value, each with a faint guide line; one label when they coincide.
            if let minimum = values.min(), let maximum = values.max() {
                var guides = [(maximum, "maks.")]
                if abs(y(minimum) - y(maximum)) >= 12 { guides.append((minimum, "min.")) }
                for (value, _) in guides {
                    out +=
                        "<line x1=\"\(n(left))\" y1=\"\(n(y(value)))\" x2=\"\(n(right))\" y2=\"\(n(y(value)))\" stroke=\"#c9ced6\" stroke-width=\"0.8\"/>"
                    out +=
                        "<text x=\"\(n(left - 5))\" y=\"\(n(y(value) + 4))\" text-anchor=\"end\" fill=\"#222\">" + escape(f.text(value)) + "</text>"
                }
            }
            // The target and the latest value are labelled to the right of their lines; when the two
            // labels would overlap, they are pushed apart (the higher value's label upwards).
            let lastValued = points.last { $0.value != nil }
            var targetLabelY = e.target.map { y($0) + 4 }
            var valueLabelY = lastValued.flatMap { $0.value }.map { y($0) + 4 }
            let lastX = lastValued.map { x($0.day) } ?? right
            if let t = targetLabelY, let v = valueLabelY, lastX > right - 1, abs(t - v) < 14 {
                let middle = (t + v) / 2
                let valueAbove = (lastValued?.value ?? 0) > (e.target ?? 0)
                valueLabelY = middle + (valueAbove ? -7 : 7)
                targetLabelY = middle + (valueAbove ? 7 : -7)
            }
            if let target = e.target, let labelY = targetLabelY {
                out +=
                    "<line x1=\"\(n(left))\" y1=\"\(n(y(target)))\" x2=\"\(n(right))\" y2=\"\(n(y(target)))\" stroke=\"#111\" stroke-width=\"1.6\" stroke-dasharray=\"6 4\"/>"
                out += "<text x=\"\(n(right + 8))\" y=\"\(n(labelY))\" fill=\"#111\">Mål " + escape(f.text(target)) + "</text>"
            }
            // The line, broken where a month has no value.
            var runs: [[TrendPoint]] = [[]]
            for point in points {
                if point.value == nil {
                    if !runs[runs.count - 1].isEmpty { runs.append([]) }
                } else {
                    runs[runs.count - 1].append(point)
                }
            }
            for run in runs where run.count >= 2 {
                out +=
                    "<polyline fill=\"none\" stroke=\"#1f4e79\" stroke-width=\"2.2\" stroke-linejoin=\"round\" points=\""
                    + run.map { "\(n(x($0.day))),\(n(y($0.value!)))" }.joined(separator: " ") + "\"/>"
            }
            for point in points {
                guard let value = point.value else { continue }
                let isLast = point.day == lastValued?.day
                out +=
                    "<circle cx=\"\(n(x(point.day)))\" cy=\"\(n(y(value)))\" r=\"\(isLast ? "4.2" : "2.8")\" fill=\"\(isLast ? "#fff" : "#1f4e79")\" stroke=\"#1f4e79\" stroke-width=\"\(isLast ? "2.2" : "1")\">"
                    + "<title>" + escape(DanishText.shortMonth(point.day) + ": " + f.text(value)) + "</title></circle>"
            }
            // The latest value, written just right of its dot (in the right margin when it is the last month).
            if let value = lastValued?.value, let labelY = valueLabelY {
                out += "<text x=\"\(n(lastX + 8))\" y=\"\(n(labelY))\" fill=\"#1f4e79\" font-weight=\"bold\">" + escape(f.text(value)) + "</text>"
            }
            if values.isEmpty {
                // On a white label, so a target line behind it does not strike it through.
                out +=
                    "<rect x=\"\(n((left + right) / 2 - 66))\" y=\"\(n((top + bottom) / 2 - 13))\" width=\"132\" height=\"19\" fill=\"#fff\" stroke=\"#c9ced6\"/>"
                out +=
                    "<text x=\"\(n((left + right) / 2))\" y=\"\(n((top + bottom) / 2))\" text-anchor=\"middle\" fill=\"#444\">Ingen værdier endnu</text>"
            }
            out += "</svg>"
            return out
        }

        /// A coordinate with at most one fraction digit.
        static func n(_ value: Double) -> String { JSONOut.format((value * 10).rounded() / 10) }
    }
}
