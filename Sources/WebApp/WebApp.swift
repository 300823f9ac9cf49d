import LedgerCore
public import WebServer
import Projections
import Reports

/// `caseledger serve`'s application: the pages over one ledger, who may see them, and the checks
/// every request passes before a page is made.
///
/// Every request must name this server in its Host field (a page of another site that resolves its
/// name to 127.0.0.1 cannot reach it), carry an open session's cookie (opened by the access token's
/// URL) and, when it posts, the session's CSRF token. A request that fails a check, or that the
/// page cannot serve, gets a 4xx page with a message; a failure inside gets a 500 page; nothing a
/// client sends ends the server.
public final class WebApp: Sendable {
    /// The access token (64 hex digits), for the URL printed at start.
    public var accessToken: String { sessions.accessToken }
    /// The jobcenter's name.
    public let jobcenter: String
    let sessions: Sessions
    let service: LedgerService
    let log: @Sendable (String) -> Void
    private let allowedHosts = Locked<Set<String>>([])

    /// Opens the ledger at `path` with its pseudonym key (`keyFile`, else `CASELEDGER_KEY_FILE`,
    /// else the location recorded at init) and loads its state. `log` receives one line per
    /// request refused or failed, never a request's content.
    public init(ledgerPath: String, keyFile: String?, log: @escaping @Sendable (String) -> Void) throws {
        let ledger = try Ledger(path: ledgerPath)
        guard let keyPath = keyFile ?? SystemEnvironment.value("CASELEDGER_KEY_FILE") ?? ledger.recordedKeyPath() else {
            throw LedgerError.keyFile(path: "(unknown)", reason: "no key location recorded; give --key-file")
        }
        // Loaded now, so that a missing key stops the server before anyone types a CPR number.
        let key = try PseudonymKey.load(from: keyPath)
        service = try LedgerService(ledger: ledger, pseudonymize: { (digits) throws(LedgerError) -> Pseudonym in key.pseudonym(cprDigits: digits) })
        sessions = try Sessions()
        jobcenter = try service.read { _, state, _ in state.jobcenter }
        self.log = log
    }

    /// Says which Host values name this server: `host:port`, and `localhost:port` when `host` is
    /// the loopback address.
    public func listening(host: String, port: UInt16) {
        var names: Set<String> = ["\(host):\(port)"]
        if host == "127.0.0.1" { names.insert("localhost:\(port)") }
        allowedHosts.withLock { $0 = names }
    }

    /// The header fields every response carries: a Content-Security-Policy that allows this
    /// server's style sheet and nothing else (no scripts, no other origin, no framing, forms only
    /// to this server), no caching (pages hold pseudonyms), no referrer, no type sniffing.
    public static let securityHeaders: [(name: String, value: String)] = [
        ("Content-Security-Policy", "default-src 'none'; style-src 'self'; img-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'"),
        ("X-Content-Type-Options", "nosniff"),
        ("X-Frame-Options", "DENY"),
        ("Referrer-Policy", "no-referrer"),
        ("Cache-Control", "no-store"),
    ]

    /// Answers one request.
    public func handle(_ request: HTTPRequest) -> HTTPResponse {
        do {
            return try route(request)
        } catch let problem as WebProblem {
            log("\(request.method) \(request.path): \(problem.status) \(problem.english)")
            return problemPage(problem)
        } catch let error as LedgerError {
            let text = CPR.redact(error.description)
            log("\(request.method) \(request.path): 500 \(text)")
            return problemPage(WebProblem(status: 500, danish: "Ledgeren kunne ikke læses eller skrives: " + text, english: "The ledger could not be read or written."))
        } catch {
            let text = CPR.redact(String(describing: error))
            log("\(request.method) \(request.path): 500 \(text)")
            return problemPage(WebProblem(status: 500, danish: "Fejl: " + text, english: "An error inside the server."))
        }
    }

    func problemPage(_ problem: WebProblem) -> HTTPResponse {
        let title = problem.status == 401 ? "Adgang kræves" : problem.status == 403 ? "Afvist" : problem.status == 404 ? "Ikke fundet" : "Fejl \(problem.status)"
        return .html(Layout.message(problem.status, title: title, danish: problem.danish, english: problem.english, jobcenter: jobcenter), status: problem.status)
    }

    // MARK: Checks and routes

    func route(_ request: HTTPRequest) throws -> HTTPResponse {
        let hosts = allowedHosts.withLock { $0 }
        guard let host = request.header("host"), hosts.isEmpty || hosts.contains(host.lowercased()) else {
            throw WebProblem(status: 421, danish: "Denne server svarer kun på sin egen adresse.", english: "This server answers only to its own address (Host).")
        }
        if request.path == "/style.css" {
            return HTTPResponse(status: 200, headers: [("Content-Type", "text/css; charset=utf-8")], body: Array(Layout.stylesheet.utf8))
        }
        // The access token's URL opens a session; the token leaves the address at once.
        if request.path == "/", let token = request.queryValue("token") {
            guard request.method == "GET", let session = try sessions.login(token: token) else {
                throw WebProblem(status: 401, danish: "Adgangsnøglen passer ikke. Åbn adressen, som caseledger serve skrev, da den startede.",
                                 english: "Wrong access token. Open the URL caseledger serve printed when it started.")
            }
            return HTTPResponse(status: 303, headers: [("Location", "/goals"), ("Set-Cookie", Sessions.cookie(session))])
        }
        guard let session = request.cookie(Sessions.cookieName), sessions.isOpen(session) else {
            throw WebProblem(status: 401, danish: "Ingen adgang. Åbn adressen med adgangsnøglen, som caseledger serve skrev, da den startede.",
                             english: "No access. Open the URL with the access token that caseledger serve printed when it started.")
        }
        let csrf = sessions.csrfToken(session: session)
        var form: [(name: String, value: String)] = []
        if request.method == "POST" {
            guard let fields = request.form() else {
                throw WebProblem(status: 400, danish: "Formularens data er ikke gyldigt kodet.", english: "The form's data is not validly encoded.")
            }
            guard let given = fields.first(where: { $0.name == Sessions.csrfField })?.value, Sessions.equalInConstantTime(given, csrf) else {
                throw WebProblem(status: 403, danish: "Formularen mangler en gyldig CSRF-nøgle; indsend den fra denne servers egen side.",
                                 english: "The form lacks a valid CSRF token; send it from this server's own page.")
            }
            form = fields
        }
        let context = PageContext(request: request, form: form, csrf: csrf)
        switch (request.method, request.path) {
        case ("GET", "/"), ("HEAD", "/"):
            return .redirect("/goals")
        case ("GET", "/goals"), ("HEAD", "/goals"):
            return try goalsPage(context)
        case ("GET", "/measure"), ("HEAD", "/measure"):
            return try measurePage(context)
        default:
            return try routeMore(context)
        }
    }

    /// Routes of the pages beyond the goals.
    func routeMore(_ context: PageContext) throws -> HTTPResponse {
        let request = context.request
        if request.path == "/record" && request.method != "POST" {
            return .html(RecordPage.list(jobcenter: jobcenter))
        }
        if request.path == "/record/saved" && request.method != "POST" {
            guard let seq = request.queryValue("seq").flatMap({ Int64($0) }) else {
                throw WebProblem(status: 400, danish: "Mangler seq.", english: "seq is missing.")
            }
            return .html(RecordPage.saved(seq: seq, jobcenter: jobcenter))
        }
        if request.path.hasPrefix("/record/") {
            guard let type = EventType(rawValue: String(request.path.dropFirst(8))), RecordPage.recordable.contains(type) else {
                throw WebProblem(status: 404, danish: "Ukendt hændelsestype.", english: "Unknown event type.")
            }
            return try recordPage(type, context)
        }
        if request.path == "/log" && request.method != "POST" {
            return try logPage(context)
        }
        if request.path == "/audit" && request.method != "POST" {
            return try auditPage(context, result: "")
        }
        if request.path == "/audit/run" && request.method == "POST" {
            return try auditRun(context)
        }
        if request.path == "/explain" && request.method == "POST" {
            return try explain(context)
        }
        if request.path == "/access-log" && request.method != "POST" {
            let (records, _, _, _) = try AccessLog(ledger: service.ledger).read()
            return .html(AuditPage.accessLog(records, jobcenter: jobcenter))
        }
        throw WebProblem(status: 404, danish: "Siden findes ikke.", english: "No such page.")
    }

    // MARK: Record

    func recordPage(_ type: EventType, _ context: PageContext) throws -> HTTPResponse {
        let municipalities = try service.read { _, state, _ in state.municipalities }
        let original: (Int64) throws -> Event? = { [service] seq in try service.event(at: seq)?.event }
        guard context.request.method == "POST" else {
            var draft = RecordPage.Draft()
            // A correction opened from the log: the event and the action chosen there.
            for name in ["corrects", "action"] { if let value = context.request.queryValue(name) { draft.facts[name] = value } }
            let fields = try RecordPage.fields(type, draft: draft, original: original)
            return .html(RecordPage.form(type, draft: draft, fields: fields, municipalities: municipalities, errors: [:], csrf: context.csrf, jobcenter: jobcenter))
        }
        let (draft, cprProblem) = try RecordPage.Draft.from(context, pseudonymize: service.pseudonymize)
        let fields = try RecordPage.fields(type, draft: draft, original: original)
        if let cprProblem {
            return .html(RecordPage.form(type, draft: draft, fields: fields, municipalities: municipalities, errors: ["citizen": cprProblem],
                                         csrf: context.csrf, jobcenter: jobcenter), status: 422)
        }
        let decoder = InputDecoder(source: "form", allowsRecordedAt: false, pseudonymize: service.pseudonymize)
        let line = RecordPage.line(type, draft: draft, fields: fields)
        switch try service.judge(line, decoder: decoder) {
        case .rejected(let error):
            var field = error.field == "cpr" ? "citizen" : error.field
            if field != "citizen" && field != "effective" && field != "municipality" && !fields.contains(where: { "facts." + $0.name == field }) { field = "" }
            return .html(RecordPage.form(type, draft: draft, fields: fields, municipalities: municipalities, errors: [field: EventDraft.reason(error)],
                                         csrf: context.csrf, jobcenter: jobcenter), status: 422)
        case .accepted(let event, let record):
            guard context.field("step") == "save" else {
                return .html(RecordPage.confirmation(type, event: event, draft: draft, fields: fields, csrf: context.csrf, jobcenter: jobcenter))
            }
            do {
                let result = try service.append([record])
                log("appended seq \(result.lastSeq) (\(type.rawValue)) from the record page")
                return .redirect("/record/saved?seq=\(result.lastSeq)")
            } catch {
                // Judged again at the head under the writer lock: another writer may have come first.
                guard case .input(let input) = error else { throw error }
                return .html(RecordPage.form(type, draft: draft, fields: fields, municipalities: municipalities, errors: ["": "Afvist: " + EventDraft.reason(input)],
                                             csrf: context.csrf, jobcenter: jobcenter), status: 409)
            }
        }
    }

    // MARK: Audit

    func auditPage(_ context: PageContext, result: String) throws -> HTTPResponse {
        let (publications, municipalities) = try service.read { _, _, projection in (Publication.all(in: projection), projection.municipalities) }
        return .html(AuditPage.render(publications: publications, municipalities: municipalities, csrf: context.csrf, jobcenter: jobcenter, result: result))
    }

    /// `audit` of one publication: the whole ledger verified, the prefix replayed, the report's digest compared.
    func auditRun(_ context: PageContext) throws -> HTTPResponse {
        let id = context.field("publication") ?? ""
        let publications = try service.read { _, _, projection in Publication.all(in: projection) }
        guard let publication = publications.first(where: { $0.id == id }) else {
            throw WebProblem(status: 404, danish: "Der er ingen offentliggørelse med det id.", english: "No publication has that id.")
        }
        let verification = try LedgerVerifier.verify(service.ledger)
        let result = try Auditor.audit(service.ledger, publication: publication, verification: verification)
        return try auditPage(context, result: AuditPage.result(result))
    }

    /// explain: the access record written and durable before the page is made.
    func explain(_ context: PageContext) throws -> HTTPResponse {
        let user = context.field("user") ?? "", purpose = context.field("purpose") ?? ""
        guard !user.isEmpty, !purpose.isEmpty, !CPR.containsCPRShape(user), !CPR.containsCPRShape(purpose) else {
            throw WebProblem(status: 400, danish: "Bruger og formål skal udfyldes (hver forklaring skrives i adgangsloggen).",
                             english: "User and purpose are required: every explain is recorded.")
        }
        guard let measure = context.field("measure"), MeasureDefinition.named(measure) != nil else {
            throw WebProblem(status: 400, danish: "Ukendt mål.", english: "Unknown measure.")
        }
        let at = (context.field("at") ?? "").isEmpty ? nil : Day(iso: context.field("at")!)
        let period = (context.field("period") ?? "").isEmpty ? nil : Period(text: context.field("period")!)
        guard (at == nil) != (period == nil) else {
            throw WebProblem(status: 400, danish: "Angiv enten en dato eller en periode.", english: "Give a date or a period (not both).")
        }
        var municipality: Int?
        if let text = context.field("municipality"), !text.isEmpty {
            guard let code = Int(text), text.utf8.count == 3 else { throw WebProblem(status: 400, danish: "Ukendt kommune.", english: "Unknown municipality.") }
            municipality = code
        }
        let request = MeasureRequest(measure: measure, variant: nil, at: at, period: period, benefits: nil, filter: [:], recordContributions: true)
        let ledger = service.ledger
        let shown: Explanation.Shown
        do {
            shown = try service.read { _, _, projection in
            try Explanation.explain(ledger, state: projection, request: request, municipality: municipality, knownAt: nil,
                                    user: user, purpose: purpose, defaultDay: LedgerService.defaultDay(projection))
            }
        } catch let error as MeasureError {
            throw WebProblem(status: 400, danish: error.message, english: "The measure cannot be computed so.")
        }
        log("explain \(measure): access record \(shown.record.seq) written")
        return .html(AuditPage.explanation(shown, municipality: municipality, user: user, purpose: purpose, jobcenter: jobcenter))
    }

    // MARK: Log

    func logPage(_ context: PageContext) throws -> HTTPResponse {
        let request = context.request
        var filter = LogPage.Filter()
        let typeText = request.queryValue("type") ?? ""
        let citizenText = request.queryValue("citizen") ?? ""
        let fromText = request.queryValue("from") ?? ""
        let toText = request.queryValue("to") ?? ""
        if !typeText.isEmpty {
            guard let type = EventType(rawValue: typeText) else { throw WebProblem(status: 400, danish: "Ukendt type.", english: "Unknown type.") }
            filter.type = type
        }
        if !citizenText.isEmpty {
            guard let citizen = Pseudonym(citizenText) else {
                throw WebProblem(status: 400, danish: "Borgeren angives med sit pseudonym, c- og 16 hex-cifre (aldrig CPR-nummeret).",
                                 english: "Give the citizen's pseudonym, c- and 16 hex digits (never the CPR number).")
            }
            filter.citizen = citizen
        }
        for (text, name) in [(fromText, "from"), (toText, "to")] where !text.isEmpty {
            guard let day = Day(iso: text) else { throw WebProblem(status: 400, danish: "Datoen skal skrives ÅÅÅÅ-MM-DD.", english: "The date must be YYYY-MM-DD.") }
            if name == "from" { filter.from = day } else { filter.to = day }
        }
        var before: LogPage.Position?
        if let text = request.queryValue("before") {
            let parts = text.split(separator: ":")
            guard parts.count == 2, let segment = Int(parts[0]), let offset = Int64(parts[1]), segment >= 1, offset >= 0 else {
                throw WebProblem(status: 400, danish: "Ugyldig side.", english: "Bad page position.")
            }
            before = LogPage.Position(segment: segment, offset: offset)
        }
        let head = try service.ledger.readHead()
        let (events, next) = try LogPage.read(service.ledger, head: head, before: before, filter: filter)
        return .html(LogPage.render(events: events, next: next, query: request.query.map { ($0.name, $0.value) }, typeText: typeText, citizenText: citizenText,
                                    fromText: fromText, toText: toText, jobcenter: jobcenter))
    }

    // MARK: Goals

    func goalsPage(_ context: PageContext) throws -> HTTPResponse {
        let choice = try GoalsPage.choice(context.request).get()
        let view = try service.goals(at: choice.at, knownAt: choice.knownAt)
        return .html(GoalsPage.render(view, atText: choice.atText, knownAtText: choice.knownAtText, jobcenter: jobcenter))
    }

    func measurePage(_ context: PageContext) throws -> HTTPResponse {
        let choice = try GoalsPage.choice(context.request).get()
        guard let goalID = context.request.queryValue("goal"), !goalID.isEmpty,
              let found = try service.measure(goalID: goalID, at: choice.at, knownAt: choice.knownAt) else {
            throw WebProblem(status: 404, danish: "Der er intet resultatmål med det id.", english: "No goal has that id.")
        }
        return .html(MeasurePage.render(goal: found.goal, views: found.views, facts: found.facts, atText: choice.atText,
                                        knownAtText: choice.knownAtText, jobcenter: jobcenter))
    }
}

/// What a page needs of a request that passed the checks.
struct PageContext {
    /// The request.
    var request: HTTPRequest
    /// A POST's form fields (checked for the CSRF token); empty for GET.
    var form: [(name: String, value: String)]
    /// The session's CSRF token, for the forms the page shows.
    var csrf: String

    /// A form field's first value, or nil.
    func field(_ name: String) -> String? { form.first { $0.name == name }?.value }
}
