import LedgerCore
import WebServer

/// The record page: a form per event type built from the catalog, judged by the same decoder and
/// validator as `append` (``EventDraft``), a confirmation showing the event as it will be stored,
/// then one batch appended under the ledger's writer lock.
///
/// The CPR number is typed into a password field (never filled in by the page, not remembered by
/// the browser) and sent only by POST; it is turned into the pseudonym at once, and from then on
/// the form carries the pseudonym. No page, address, message or log line holds the number.
enum RecordPage {
    /// The event types a caseworker records (not the ledger's own).
    static let recordable = EventType.allCases.filter { $0 != .ledgerOpened && $0 != .publication }

    /// What the form holds: the pseudonym (once a CPR number was typed), envelope and facts as typed.
    struct Draft {
        var citizen: String = ""
        var effective: String = ""
        var municipality: String = ""
        var facts: [String: String] = [:]

        /// The draft of a posted form; the CPR number, when typed, is turned into the pseudonym here.
        static func from(_ context: PageContext, pseudonymize: (_ digits: [UInt8]) throws(LedgerError) -> Pseudonym) throws -> (Draft, cprProblem: String?) {
            var draft = Draft()
            draft.citizen = context.field("citizen") ?? ""
            draft.effective = context.field("effective") ?? ""
            draft.municipality = context.field("municipality") ?? ""
            for (name, value) in context.form where name.hasPrefix("fact.") {
                draft.facts[String(name.dropFirst(5))] = value
            }
            var problem: String?
            let cpr = String(Substring(context.field("cpr") ?? "").filter { $0 != " " && $0 != "\t" })
            if !cpr.isEmpty {
                if let digits = CPR.digits(cpr) {
                    draft.citizen = try pseudonymize(digits).text
                } else {
                    problem = "Ikke et gyldigt CPR-nummer (DDMMÅÅ-SSSS)."
                }
            }
            if !draft.citizen.isEmpty && Pseudonym(draft.citizen) == nil { draft.citizen = "" }
            return (draft, problem)
        }
    }

    /// The facts asked for `type`: its own fields, and for a superseding correction the original's.
    static func fields(_ type: EventType, draft: Draft, original: (Int64) throws -> Event?) rethrows -> [FieldSpec] {
        var list = Catalog.spec(type).fields
        if type == .correction, draft.facts["action"] == "supersede", let seq = Int64(draft.facts["corrects"] ?? ""), let event = try original(seq) {
            list += Catalog.spec(event.type).fields
        }
        return list
    }

    /// The JSON input line of a draft, as `record` builds it.
    static func line(_ type: EventType, draft: Draft, fields: [FieldSpec]) -> [UInt8] {
        var envelope: [(name: String, value: String)] = []
        if type != .correction {
            if !draft.effective.isEmpty { envelope.append(("effective", draft.effective)) }
            if !draft.municipality.isEmpty { envelope.append(("municipality", draft.municipality)) }
            if !draft.citizen.isEmpty { envelope.append(("citizen", draft.citizen)) }
        }
        var facts: [(name: String, value: String)] = []
        var seen: Set<String> = []
        for field in fields where seen.insert(field.name).inserted {
            if let value = draft.facts[field.name], !value.isEmpty { facts.append((field.name, value)) }
        }
        return EventDraft.jsonLine(type: type, envelope: envelope, facts: facts)
    }

    // MARK: Pages

    static func list(jobcenter: String) -> String {
        var body = "<h1>Registrér en hændelse <span class=\"en\">Record an event</span></h1>\n<ul class=\"types\">\n"
        for type in recordable {
            body += "<li><a href=\"/record/" + type.rawValue + "\">" + type.rawValue + "</a> — " + Layout.escape(Catalog.spec(type).meaning(in: .danish)) + "</li>\n"
        }
        body += "</ul>\n"
        return Layout.page(title: "Registrér", active: "/record", jobcenter: jobcenter, body: body)
    }

    /// The form, with the values so far and the validator's message next to the field it names.
    static func form(_ type: EventType, draft: Draft, fields: [FieldSpec], municipalities: [Int], errors: [String: String], csrf: String, jobcenter: String) -> String {
        let spec = Catalog.spec(type)
        var body = "<h1>" + type.rawValue + "</h1>\n<p>" + Layout.escape(spec.meaning(in: .danish)) + "</p>\n"
        if let general = errors[""] { body += "<p class=\"error\" id=\"error-general\">" + Layout.escape(general) + "</p>\n" }
        body += "<form class=\"event\" method=\"post\" action=\"/record/" + type.rawValue + "\" autocomplete=\"off\">\n" + Layout.csrfField(csrf)
        body += "<input type=\"hidden\" name=\"step\" value=\"check\">\n"
        if type != .correction {
            if spec.citizen != .none {
                body += "<div class=\"field\"><label for=\"cpr\">CPR-nummer <span class=\"en\">CPR number (never shown)</span></label>"
                body += "<input type=\"password\" id=\"cpr\" name=\"cpr\" autocomplete=\"off\" inputmode=\"numeric\" value=\"\">"
                if !draft.citizen.isEmpty {
                    body += "<input type=\"hidden\" name=\"citizen\" value=\"" + Layout.escape(draft.citizen) + "\">"
                    body += "<span class=\"meaning\">Borger: <span class=\"pseudonym\">" + Layout.escape(draft.citizen) + "</span> (tomt felt beholder borgeren)</span>"
                }
                body += error(errors["citizen"]) + "</div>\n"
            }
            body += "<div class=\"field\"><label for=\"effective\">Virkningsdato <span class=\"en\">effective</span></label>"
            body += "<input type=\"date\" id=\"effective\" name=\"effective\" value=\"" + Layout.escape(draft.effective) + "\">" + error(errors["effective"]) + "</div>\n"
            if spec.municipality != .none {
                body += "<div class=\"field\"><label for=\"municipality\">Kommune <span class=\"en\">municipality</span></label><select id=\"municipality\" name=\"municipality\">"
                if spec.municipality == .optional { body += "<option value=\"\">(hele jobcentret)</option>" }
                for code in municipalities {
                    let text = CanonicalEncoder.municipalityText(code)
                    body += "<option value=\"" + text + "\"" + (draft.municipality == text ? " selected" : "") + ">" + text + "</option>"
                }
                body += "</select>" + error(errors["municipality"]) + "</div>\n"
            }
        }
        var seen: Set<String> = []
        for field in fields where seen.insert(field.name).inserted {
            body += fieldInput(field, value: draft.facts[field.name] ?? "", meaning: Catalog.spec(type).fields.contains { $0.name == field.name }
                               ? spec.meaning(of: field, in: .danish) : field.meaning, error: errors["facts." + field.name])
        }
        body += "<button type=\"submit\" id=\"check\">Kontrollér <span class=\"en\">check</span></button>\n</form>\n"
        return Layout.page(title: type.rawValue, active: "/record", jobcenter: jobcenter, body: body)
    }

    static func fieldInput(_ field: FieldSpec, value: String, meaning: String, error message: String?) -> String {
        let id = "fact-" + field.name
        var out = "<div class=\"field\"><label for=\"" + id + "\">" + Layout.escape(field.name) + (field.required ? " *" : "") + "</label>"
        out += "<span class=\"meaning\">" + Layout.escape(meaning) + "</span>"
        let name = "fact." + field.name
        switch field.kind {
        case .choice(let values):
            out += "<select id=\"" + id + "\" name=\"" + Layout.escape(name) + "\"><option value=\"\"></option>"
            for choice in values { out += "<option value=\"" + Layout.escape(choice) + "\"" + (choice == value ? " selected" : "") + ">" + Layout.escape(choice) + "</option>" }
            out += "</select>"
        case .bool:
            out += "<select id=\"" + id + "\" name=\"" + Layout.escape(name) + "\"><option value=\"\"></option>"
            for choice in ["true", "false"] { out += "<option value=\"" + choice + "\"" + (choice == value ? " selected" : "") + ">" + (choice == "true" ? "ja" : "nej") + "</option>" }
            out += "</select>"
        case .date:
            out += "<input type=\"date\" id=\"" + id + "\" name=\"" + Layout.escape(name) + "\" value=\"" + Layout.escape(value) + "\">"
        default:
            out += "<input type=\"text\" id=\"" + id + "\" name=\"" + Layout.escape(name) + "\" value=\"" + Layout.escape(value) + "\">"
        }
        return out + error(message) + "</div>\n"
    }

    static func error(_ message: String?) -> String {
        guard let message else { return "" }
        return "<span class=\"error\" role=\"alert\">" + Layout.escape(message) + "</span>"
    }

    /// The confirmation: the event as it will be stored, and a form that saves it.
    static func confirmation(_ type: EventType, event: Event, draft: Draft, fields: [FieldSpec], csrf: String, jobcenter: String) -> String {
        var body = "<h1>Bekræft <span class=\"en\">Confirm</span>: " + type.rawValue + "</h1>\n"
        body += "<p>Hændelsen, som den gemmes (seq, recorded_at og hash sættes ved gemningen):</p>\n"
        body += "<pre class=\"stored\" id=\"stored\">" + Layout.escape(EventDraft.storedForm(event)) + "</pre>\n"
        body += "<form method=\"post\" action=\"/record/" + type.rawValue + "\" autocomplete=\"off\">" + Layout.csrfField(csrf)
        body += "<input type=\"hidden\" name=\"step\" value=\"save\">"
        var hidden: [(String, String)] = [("citizen", draft.citizen), ("effective", draft.effective), ("municipality", draft.municipality)]
        var seen: Set<String> = []
        for field in fields where seen.insert(field.name).inserted { hidden.append(("fact." + field.name, draft.facts[field.name] ?? "")) }
        for (name, value) in hidden where !value.isEmpty {
            body += "<input type=\"hidden\" name=\"" + Layout.escape(name) + "\" value=\"" + Layout.escape(value) + "\">"
        }
        body += "<button type=\"submit\" id=\"save\">Gem <span class=\"en\">save</span></button></form>\n"
        body += "<p><a href=\"/record/" + type.rawValue + "\">Fortryd <span class=\"en\">cancel</span></a></p>\n"
        return Layout.page(title: "Bekræft", active: "/record", jobcenter: jobcenter, body: body)
    }

    static func saved(seq: Int64, jobcenter: String) -> String {
        let body = "<h1>Gemt <span class=\"en\">Saved</span></h1>\n<p class=\"saved\" id=\"saved-seq\" data-seq=\"\(seq)\">Gemt som seq \(seq).</p>\n"
            + "<p><a href=\"/log\">Se hændelserne <span class=\"en\">the log</span></a> · <a href=\"/record\">Registrér en til</a></p>\n"
        return Layout.page(title: "Gemt", active: "/record", jobcenter: jobcenter, body: body)
    }
}
