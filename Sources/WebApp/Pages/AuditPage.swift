import LedgerCore
import Projections
import Reports

/// The audit page: the publications, `audit`'s result for one, explain behind a number (the
/// access record written first, as the command writes it), and the access log.
enum AuditPage {
    /// The page: publications with an audit button each, and the explain form.
    static func render(publications: [Publication], municipalities: [Int], csrf: String, jobcenter: String, result: String = "") -> String {
        var body = "<h1>Revision <span class=\"en\">Audit</span></h1>\n" + result
        body += "<h2>Offentliggørelser <span class=\"en\">Publications</span></h2>\n"
        if publications.isEmpty { body += "<p class=\"empty\">Ingen offentliggørelser endnu (caseledger publish). <span class=\"en\">No publications yet.</span></p>\n" }
        body += "<table class=\"log\"><thead><tr><th>id</th><th>titel</th><th>rapportdato</th><th>hoved</th><th>Merkle-rod</th><th></th></tr></thead><tbody>\n"
        for p in publications.reversed() {
            body += "<tr><td>" + Layout.escape(p.id) + "</td><td>" + Layout.escape(p.title ?? "–") + "</td><td>" + p.at.iso + "</td><td>\(p.headSeq)</td><td><code class=\"hash\">"
                + Layout.escape(p.rootHash?.hex ?? "–") + "</code></td><td><form method=\"post\" action=\"/audit/run\">" + Layout.csrfField(csrf)
                + "<input type=\"hidden\" name=\"publication\" value=\"" + Layout.escape(p.id) + "\"><button type=\"submit\">Revidér <span class=\"en\">audit</span></button></form></td></tr>\n"
        }
        body += "</tbody></table>\n"
        body += "<h2>Forklar et tal <span class=\"en\">Explain a number</span></h2>\n"
        body += "<p>Viser borgerne (pseudonymer) og hændelserne bag et tal. Det er brug af personoplysninger: adgangen skrives i adgangsloggen, før noget vises. "
            + "<span class=\"en\">An access record is written before anything is shown.</span></p>\n"
        body += "<form class=\"event\" method=\"post\" action=\"/explain\" autocomplete=\"off\">" + Layout.csrfField(csrf)
        body += "<div class=\"field\"><label for=\"measure\">Mål <span class=\"en\">measure</span></label><select id=\"measure\" name=\"measure\">"
        for definition in MeasureDefinition.all { body += "<option value=\"" + definition.id + "\">" + Layout.escape(definition.id + " " + definition.danish) + "</option>" }
        body += "</select></div>"
        body += "<div class=\"field\"><label for=\"at\">Dato <span class=\"en\">at</span></label><input type=\"date\" id=\"at\" name=\"at\"></div>"
        body += "<div class=\"field\"><label for=\"period\">eller periode <span class=\"en\">or period (2014, 2014Q1, 2014-03)</span></label><input type=\"text\" id=\"period\" name=\"period\"></div>"
        body += "<div class=\"field\"><label for=\"municipality\">Kommune</label><select id=\"municipality\" name=\"municipality\"><option value=\"\">(hele jobcentret)</option>"
        for code in municipalities { body += "<option>" + CanonicalEncoder.municipalityText(code) + "</option>" }
        body += "</select></div>"
        body += "<div class=\"field\"><label for=\"user\">Bruger <span class=\"en\">user</span></label><input type=\"text\" id=\"user\" name=\"user\"></div>"
        body += "<div class=\"field\"><label for=\"purpose\">Formål <span class=\"en\">purpose</span></label><input type=\"text\" id=\"purpose\" name=\"purpose\"></div>"
        body += "<button type=\"submit\" id=\"explain\">Forklar <span class=\"en\">explain</span></button></form>\n"
        body += "<p><a href=\"/access-log\">Adgangsloggen <span class=\"en\">the access log</span></a></p>\n"
        return Layout.page(title: "Revision", active: "/audit", jobcenter: jobcenter, body: body)
    }

    /// `audit`'s result for a publication, as a section of the page.
    static func result(_ r: AuditResult) -> String {
        let p = r.publication
        var out = "<section class=\"audit\" id=\"audit-result\" data-reproduced=\"\(r.reproduced && r.headStillMatches && r.rootMatches != false)\">\n<h2>Revision af " + Layout.escape(p.id) + "</h2>\n<ul>\n"
        out += "<li>Ledgeren er verificeret: \(r.verification.events) hændelser, hoved nr. \(r.verification.head.seq).</li>\n"
        out += "<li>" + (r.headStillMatches ? "Linjen nr. \(p.headSeq) har stadig den offentliggjorte hash." : "FEJL: linjen nr. \(p.headSeq) har ikke længere den offentliggjorte hash.") + "</li>\n"
        switch r.rootMatches {
        case true?: out += "<li>Merkle-roden over linjerne 1-\(p.headSeq) passer.</li>\n"
        case false?: out += "<li>FEJL: Merkle-roden passer ikke med linjerne 1-\(p.headSeq).</li>\n"
        case nil: out += "<li>Merkle-rod ikke registreret i denne (ældre) offentliggørelse.</li>\n"
        }
        out += "<li>" + (r.reproduced ? "GENSKABT: rapporten beregnet fra nr. 1-\(p.headSeq) har den offentliggjorte digest." : "IKKE GENSKABT: ny digest " + r.recomputedDigest.hex) + "</li>\n"
        for d in r.differences { out += "<li>" + Layout.escape("\(d.goalID) \(d.field): offentliggjort \(d.published), genberegnet \(d.recomputed)") + "</li>\n" }
        out += "<li>Senere ændringer: \(r.restatements.count) af \(r.laterEvents) senere hændelser ændrer et offentliggjort tal.</li>\n</ul>\n</section>\n"
        return out
    }

    /// An explanation shown after its access record.
    static func explanation(_ shown: Explanation.Shown, municipality: Int?, user: String, purpose: String, jobcenter: String) -> String {
        let result = shown.result
        let value = result.scope(municipality)
        var body = "<h1>" + Layout.escape("\(result.definition.id) \(result.definition.danish) \(result.evaluation.text)") + "</h1>\n"
        body += "<p class=\"saved\" id=\"access-record\" data-seq=\"\(shown.record.seq)\">Adgangspost nr. \(shown.record.seq) skrevet (bruger " + Layout.escape(user)
            + ", formål " + Layout.escape(purpose) + "); \(shown.citizens.count) borgere vises.</p>\n"
        body += "<p>" + Layout.escape(MeasureReport.municipalityName(municipality)) + ": værdi " + Layout.escape(MeasureReport.valueText(value?.value, kind: result.definition.kind))
            + ", tæller " + Layout.escape(JSONOut.human(value?.numerator, digits: 2)) + ", nævner " + Layout.escape(value?.denominator.map { JSONOut.human($0, digits: 2) } ?? "–") + "</p>\n"
        body += "<table class=\"log\"><thead><tr><th>borger</th><th>kom.</th><th>tæller</th><th>nævner</th><th>hændelser</th><th>hvorfor</th></tr></thead><tbody>\n"
        for c in shown.contributions {
            body += "<tr><td>" + Layout.escape(c.citizen?.text ?? "–") + "</td><td>" + CanonicalEncoder.municipalityText(c.municipality) + "</td><td>"
                + JSONOut.human(c.numerator, digits: 2) + "</td><td>" + JSONOut.human(c.denominator, digits: 3) + "</td><td>"
                + c.seqs.filter { $0 > 0 }.map(String.init).joined(separator: ", ") + "</td><td>" + Layout.escape(c.reason) + "</td></tr>\n"
        }
        body += "</tbody></table>\n"
        return Layout.page(title: "Forklaring", active: "/audit", jobcenter: jobcenter, body: body)
    }

    /// The access log.
    static func accessLog(_ records: [AccessRecord], jobcenter: String) -> String {
        var body = "<h1>Adgangslog <span class=\"en\">Access log</span></h1>\n<table class=\"log\"><thead><tr><th>nr.</th><th>tid</th><th>bruger</th><th>formål</th><th>hvad</th><th>borgere</th></tr></thead><tbody>\n"
        for r in records.reversed() {
            body += "<tr data-access=\"\(r.seq)\"><td>\(r.seq)</td><td>" + Layout.escape(r.recordedAt.iso) + "</td><td>" + Layout.escape(r.user) + "</td><td>" + Layout.escape(r.purpose)
                + "</td><td>" + Layout.escape(r.subject) + "</td><td>\(r.citizens.count)</td></tr>\n"
        }
        body += "</tbody></table>\n"
        return Layout.page(title: "Adgangslog", active: "/audit", jobcenter: jobcenter, body: body)
    }
}
