import Foundation
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// `caseledger serve` through the real binary and raw HTTP on a socket, as a browser talks to it:
/// the token and the cookie, CSRF, the Host check, bad requests, and the goals page's values
/// against `report --json`.
@Suite(.serialized) struct ServeEndToEndTests {
    /// A generated two-municipality ledger with the Vallensbæk 2014 plan, served on a free port.
    final class Served: @unchecked Sendable {
        let temporary: String
        let ledger: String
        let process: Process
        let url: String
        let port: UInt16
        let token: String
        let errPath: String

        init() throws {
            temporary = NSTemporaryDirectory() + "caseledger-serve-e2e-\(UUID().uuidString)"
            try FileManager.default.createDirectory(atPath: temporary, withIntermediateDirectories: true)
            ledger = temporary + "/ledger"
            let codes = ["--municipality", "183", "--municipality", "187"]
            let created = try E2E.run(["init", ledger, "--jobcenter", "Jobcenter Vallensbæk", "--recorded-at", "2010-12-31"] + codes, home: temporary)
            #expect(created.status == 0, "\(created.err)")
            let generated = try E2E.run(["generate", "--citizens", "120", "--seed", "5", "--with-recorded-at", "--to", "2014-12-31"] + codes, home: temporary)
            let appended = try E2E.run(["append", ledger, "--historical"], input: generated.out, home: temporary)
            #expect(appended.status == 0, "\(appended.err)")
            let plan = try Data(contentsOf: E2E.packageRoot.appendingPathComponent("EventLogs/plans/vallensbaek-2014.jsonl"))
            let loaded = try E2E.run(["append", ledger], input: plan, home: temporary)
            #expect(loaded.status == 0, "\(loaded.err)")

            process = Process()
            process.executableURL = try E2E.binary()
            process.arguments = ["serve", ledger, "--port", "0"]
            var environment = ProcessInfo.processInfo.environment
            environment["HOME"] = temporary
            environment.removeValue(forKey: "CASELEDGER_KEY_FILE")
            process.environment = environment
            let out = Pipe()
            errPath = temporary + "/serve.err"
            FileManager.default.createFile(atPath: errPath, contents: nil)
            process.standardOutput = out
            process.standardError = FileHandle(forWritingAtPath: errPath)
            try process.run()
            // The first line of standard output is the address with the token.
            var line = Data()
            while !line.contains(0x0A) {
                let chunk = out.fileHandleForReading.availableData
                if chunk.isEmpty { break }
                line += chunk
            }
            url = String(decoding: line, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
            let pattern = try NSRegularExpression(pattern: "^http://127\\.0\\.0\\.1:([0-9]+)/\\?token=([0-9a-f]{64})$")
            let match = try #require(pattern.firstMatch(in: url, range: NSRange(url.startIndex..., in: url)), "serve printed \(url)")
            port = UInt16(url[Range(match.range(at: 1), in: url)!])!
            token = String(url[Range(match.range(at: 2), in: url)!])
        }

        deinit {
            // SIGKILL: the server holds nothing that must be finished (every append is whole on disk).
            if process.isRunning { sendSignal(process.processIdentifier, SIGKILL) }
            process.waitUntilExit()
            try? FileManager.default.removeItem(atPath: temporary)
        }

        /// What the server wrote on standard error so far.
        var serverErrors: String { (try? String(contentsOfFile: errPath, encoding: .utf8)) ?? "" }

        /// Runs the binary against the served ledger.
        func run(_ arguments: [String], input: Data? = nil) throws -> E2E.Run { try E2E.run(arguments, input: input, home: temporary) }

        /// A session cookie, from the token's URL.
        func login() throws -> String {
            let response = try HTTP.send(port: port, "GET /?token=\(token) HTTP/1.1\r\nHost: 127.0.0.1:\(port)\r\nConnection: close\r\n\r\n")
            #expect(response.status == 303)
            let cookie = try #require(response.header("set-cookie"))
            return String(cookie.split(separator: ";")[0])
        }

        /// GET `path` with the session cookie.
        func get(_ path: String, cookie: String?) throws -> HTTP.Response {
            try HTTP.send(port: port, "GET \(path) HTTP/1.1\r\nHost: 127.0.0.1:\(port)\r\n" + (cookie.map { "Cookie: \($0)\r\n" } ?? "") + "Connection: close\r\n\r\n")
        }

        /// POST a form to `path` with the session cookie.
        func post(_ path: String, cookie: String?, form: [(String, String)]) throws -> HTTP.Response {
            let body = form.map { HTTP.encode($0.0) + "=" + HTTP.encode($0.1) }.joined(separator: "&")
            return try HTTP.send(port: port, "POST \(path) HTTP/1.1\r\nHost: 127.0.0.1:\(port)\r\n" + (cookie.map { "Cookie: \($0)\r\n" } ?? "")
                                 + "Content-Type: application/x-www-form-urlencoded\r\nContent-Length: \(body.utf8.count)\r\nConnection: close\r\n\r\n" + body)
        }
    }

    @Test func withoutTheTokenOrCookieNothingIsShownAndTheTokenOpensASession() throws {
        let served = try Served()
        let bare = try served.get("/goals", cookie: nil)
        #expect(bare.status == 401)
        #expect(bare.body.contains("adgangsnøglen"))
        #expect(!bare.body.contains("goal-wrap"))
        let wrong = try served.get("/?token=" + String(repeating: "0", count: 64), cookie: nil)
        #expect(wrong.status == 401)
        let forged = try served.get("/goals", cookie: "caseledger_session=" + String(repeating: "a", count: 64))
        #expect(forged.status == 401)
        let opened = try HTTP.send(port: served.port, "GET /?token=\(served.token) HTTP/1.1\r\nHost: 127.0.0.1:\(served.port)\r\nConnection: close\r\n\r\n")
        #expect(opened.status == 303)
        let setCookie = try #require(opened.header("set-cookie"))
        #expect(setCookie.contains("HttpOnly") && setCookie.contains("SameSite=Strict"))
        let cookie = String(setCookie.split(separator: ";")[0])
        let page = try served.get("/goals", cookie: cookie)
        #expect(page.status == 200)
        let policy = try #require(page.header("content-security-policy"))
        #expect(policy.contains("default-src 'none'") && !policy.contains("script-src") && !policy.contains("unsafe"))
        #expect(!page.body.contains("<script"))
        #expect(!page.body.contains("http://") && !page.body.contains("https://"), "no external resources")
        withExtendedLifetime(served) {}
    }

    @Test func aPostWithoutTheCSRFTokenIsRefusedAndAForeignHostToo() throws {
        let served = try Served()
        let cookie = try served.login()
        let post = try served.post("/goals", cookie: cookie, form: [("at", "2014-12-31")])
        #expect(post.status == 403)
        #expect(post.body.contains("CSRF"))
        let wrong = try served.post("/goals", cookie: cookie, form: [("csrf", String(repeating: "b", count: 64))])
        #expect(wrong.status == 403)
        let foreign = try HTTP.send(port: served.port, "GET /goals HTTP/1.1\r\nHost: attacker.example:\(served.port)\r\nCookie: \(cookie)\r\nConnection: close\r\n\r\n")
        #expect(foreign.status == 421)
        withExtendedLifetime(served) {}
    }

    @Test func badRequestsGet4xxAndTheServerServesOn() throws {
        let served = try Served()
        let cookie = try served.login()
        for raw in ["GARBAGE\r\n\r\n", "GET /goals?at=%ZZ HTTP/1.1\r\nHost: x\r\n\r\n", "GET /" + String(repeating: "x", count: 20_000) + " HTTP/1.1\r\n\r\n",
                    "POST /record HTTP/1.1\r\nHost: x\r\nContent-Length: 999999999\r\n\r\n"] {
            let response = try HTTP.send(port: served.port, raw)
            #expect((400...499).contains(response.status), "\(raw.prefix(40)): \(response.status)")
        }
        let badDate = try served.get("/goals?at=2014-13-45", cookie: cookie)
        #expect(badDate.status == 400)
        #expect(badDate.body.contains("ÅÅÅÅ-MM-DD"))
        #expect(try served.get("/no-such-page", cookie: cookie).status == 404)
        #expect(try served.get("/goals", cookie: cookie).status == 200)
        #expect(served.process.isRunning)
    }

    /// The goals page states each goal's value and status as `report --json` computes them, at the
    /// chosen date and knowledge time, and links each goal to its measure per municipality.
    @Test func theGoalsPageHasReportJSONsValues() throws {
        let served = try Served()
        let cookie = try served.login()
        // (The plan is recorded today: a knowledge time before today would know no goals.)
        let today = String(ISO8601DateFormatter().string(from: Date()).prefix(10))
        for (at, knownAt) in [("2014-12-31", nil), ("2014-06-30", today), (nil, nil)] as [(String?, String?)] {
            var query: [String] = []
            var arguments = ["report", served.ledger, "--json"]
            if let at { query.append("at=" + at); arguments += ["--at", at] }
            if let knownAt { query.append("known_at=" + knownAt); arguments += ["--known-at", knownAt] }
            let report = try served.run(arguments)
            #expect(report.status == 0, "\(report.err)")
            let json = try JSONSerialization.jsonObject(with: report.out) as! [String: Any]
            let goals = json["goals"] as! [[String: Any]]
            #expect(!goals.isEmpty)
            let page = try served.get("/goals" + (query.isEmpty ? "" : "?" + query.joined(separator: "&")), cookie: cookie)
            #expect(page.status == 200)
            let shown = HTTP.goalFigures(page.body)
            #expect(shown.count == goals.count)
            for goal in goals {
                let id = goal["goal_id"] as! String
                let figure = try #require(shown[id], "\(id) on the page")
                #expect(figure.status == goal["status"] as? String, "\(id)")
                let value = goal["value"] as? Double
                #expect(figure.value == value, "\(id): page \(String(describing: figure.value)), report \(String(describing: value))")
            }
            #expect(page.body.contains("<svg"), "the trend charts")
        }
        let page = try served.get("/goals?at=2014-12-31", cookie: cookie)
        let link = try #require(page.body.range(of: "href=\"/measure?goal=").map { page.body[$0.upperBound...].prefix { $0 != "&" && $0 != "\"" } })
        let measure = try served.get("/measure?goal=\(link)&at=2014-12-31", cookie: cookie)
        #expect(measure.status == 200)
        for scope in ["jobcenter", "183", "187"] { #expect(measure.body.contains("data-scope=\"\(scope)\""), "\(scope)") }
        withExtendedLifetime(served) {}
    }
}

extension ServeEndToEndTests {
    static func csrf(_ page: String) throws -> String {
        let pattern = try NSRegularExpression(pattern: "name=\"csrf\" value=\"([0-9a-f]{64})\"")
        let match = try #require(pattern.firstMatch(in: page, range: NSRange(page.startIndex..., in: page)), "a CSRF field")
        return String(page[Range(match.range(at: 1), in: page)!])
    }

    /// Recording through the form: check, confirm (showing the pseudonym, never the CPR number),
    /// save; the event is in `log` and `verify` passes; a wrong value shows the validator's message
    /// next to its field and writes nothing; the CPR number is in no page, output or file; a
    /// correction from the log page retracts the event.
    @Test func anEventRecordedThroughTheFormIsInTheLogAndVerifies() throws {
        let served = try Served()
        let cookie = try served.login()
        let form = try served.get("/record/citizen_registered", cookie: cookie)
        #expect(form.status == 200)
        #expect(form.body.contains("type=\"password\" id=\"cpr\" name=\"cpr\" autocomplete=\"off\""))
        let token = try Self.csrf(form.body)
        let headBefore = try served.run(["log", served.ledger, "--json"]).out.split(separator: 0x0A).count
        let cpr = TestCPR.second
        var fields: [(String, String)] = [("csrf", token), ("step", "check"), ("cpr", cpr), ("effective", "2014-12-01"), ("municipality", "183"),
                                          ("fact.birth_date", "1985-06-15"), ("fact.education", "vocational")]
        // A wrong value: the validator's message next to the field, nothing written.
        var wrong = fields
        wrong[6] = ("fact.education", "doctorate")
        let rejected = try served.post("/record/citizen_registered", cookie: cookie, form: wrong)
        #expect(rejected.status == 422)
        let errorNextToField = try NSRegularExpression(pattern: "id=\"fact-education\".*?</select><span class=\"error\" role=\"alert\">[^<]+</span>")
        #expect(errorNextToField.firstMatch(in: rejected.body, range: NSRange(rejected.body.startIndex..., in: rejected.body)) != nil, "\(rejected.body)")
        #expect(try served.run(["log", served.ledger, "--json"]).out.split(separator: 0x0A).count == headBefore, "nothing written")
        // Check, confirm, save.
        let confirmation = try served.post("/record/citizen_registered", cookie: cookie, form: fields)
        #expect(confirmation.status == 200)
        #expect(confirmation.body.contains("id=\"stored\""))
        let pseudonym = try #require(confirmation.body.range(of: "c-[0-9a-f]{16}", options: .regularExpression).map { String(confirmation.body[$0]) })
        fields = [("csrf", token), ("step", "save"), ("citizen", pseudonym), ("effective", "2014-12-01"), ("municipality", "183"),
                  ("fact.birth_date", "1985-06-15"), ("fact.education", "vocational")]
        let saved = try served.post("/record/citizen_registered", cookie: cookie, form: fields)
        #expect(saved.status == 303)
        let location = try #require(saved.header("location"))
        let seq = try #require(Int(location.split(separator: "=").last ?? ""))
        let shown = try served.get(location, cookie: cookie)
        #expect(shown.body.contains("Gemt som seq \(seq)."))
        let log = try served.run(["log", served.ledger, "--citizen", pseudonym])
        #expect(String(decoding: log.out, as: UTF8.self).contains("citizen_registered"))
        #expect(try served.run(["verify", served.ledger]).status == 0)
        // The log page shows it, filtered by the pseudonym, with its corrections.
        let logPage = try served.get("/log?citizen=\(pseudonym)", cookie: cookie)
        #expect(logPage.body.contains("data-seq=\"\(seq)\""))
        let retract = try served.get("/record/correction?corrects=\(seq)&action=retract", cookie: cookie)
        #expect(retract.status == 200)
        // The CPR number nowhere: pages, the server's output, the ledger's files.
        for page in [form.body, rejected.body, confirmation.body, shown.body, logPage.body, served.serverErrors] {
            #expect(cprShapedMatches(page).isEmpty)
            #expect(!page.contains(TestCPR.digitText(cpr)))
        }
        let files = FileManager.default.enumerator(atPath: served.ledger)!.compactMap { $0 as? String }
        for file in files {
            let data = (try? Data(contentsOf: URL(fileURLWithPath: served.ledger + "/" + file))) ?? Data()
            #expect(!String(decoding: data, as: UTF8.self).contains(TestCPR.digitText(cpr)), "\(file)")
        }
        withExtendedLifetime(served) {}
    }

    /// A `serve` and an `append` writing at once stay gapless: both take the ledger's writer lock,
    /// and the server brings its state forward by the other writer's lines.
    @Test func theServerAndTheCommandLineAppendAtOnceGaplessly() throws {
        let served = try Served()
        let cookie = try served.login()
        let token = try Self.csrf(try served.get("/record/citizen_registered", cookie: cookie).body)
        let group = DispatchGroup()
        final class Statuses: @unchecked Sendable { let lock = NSLock(); var list: [Int32] = [] }
        let statuses = Statuses()
        DispatchQueue.global().async(group: group) {
            for _ in 0..<5 {
                let line = "{\"type\":\"company_registered\",\"effective\":\"2014-12-02\",\"municipality\":\"183\",\"facts\":{\"cvr\":\"\(Int.random(in: 10_000_000...99_999_999))\",\"employees\":\"5\"}}\n"
                let run = try? served.run(["append", served.ledger], input: Data(line.utf8))
                statuses.lock.lock(); statuses.list.append(run?.status ?? -1); statuses.lock.unlock()
            }
        }
        var savedCount = 0
        for i in 0..<5 {
            let digits = "1506" + "85" + String(format: "%04d", 3000 + i)
            let check = try served.post("/record/citizen_registered", cookie: cookie, form: [("csrf", token), ("step", "check"), ("cpr", digits), ("effective", "2014-12-01"),
                                                                                             ("municipality", "187"), ("fact.birth_date", "1985-06-15"), ("fact.education", "none")])
            guard let pseudonym = check.body.range(of: "c-[0-9a-f]{16}", options: .regularExpression).map({ String(check.body[$0]) }) else { continue }
            let saved = try served.post("/record/citizen_registered", cookie: cookie, form: [("csrf", token), ("step", "save"), ("citizen", pseudonym), ("effective", "2014-12-01"),
                                                                                             ("municipality", "187"), ("fact.birth_date", "1985-06-15"), ("fact.education", "none")])
            if saved.status == 303 { savedCount += 1 }
        }
        group.wait()
        #expect(savedCount == 5)
        #expect(statuses.list == [0, 0, 0, 0, 0])
        #expect(try served.run(["verify", served.ledger]).status == 0)
        let seqs = try served.run(["log", served.ledger, "--json"]).out.split(separator: 0x0A).map { line -> Int in
            let object = try! JSONSerialization.jsonObject(with: Data(line)) as! [String: Any]
            return object["seq"] as! Int
        }
        #expect(seqs == Array(1...seqs.count), "gapless")
        withExtendedLifetime(served) {}
    }
}

extension ServeEndToEndTests {
    /// explain from the audit page writes its access record (as the command does) before the page
    /// shows a citizen; without the CSRF token nothing is written; the access log lists it.
    @Test func explainWritesItsAccessRecordBeforeShowingAnything() throws {
        let served = try Served()
        let cookie = try served.login()
        let audit = try served.get("/audit", cookie: cookie)
        #expect(audit.status == 200)
        let token = try Self.csrf(audit.body)
        let before = try served.run(["access-log", served.ledger, "--json"]).out.split(separator: 0x0A).count
        let form = [("measure", "M1"), ("at", "2014-12-31"), ("municipality", "183"), ("user", "revisor"), ("purpose", "revision 2014")]
        let refused = try served.post("/explain", cookie: cookie, form: form)
        #expect(refused.status == 403)
        #expect(try served.run(["access-log", served.ledger, "--json"]).out.split(separator: 0x0A).count == before, "nothing recorded without the CSRF token")
        let shown = try served.post("/explain", cookie: cookie, form: [("csrf", token)] + form)
        #expect(shown.status == 200)
        let recordSeq = try #require(shown.body.range(of: "data-seq=\"[0-9]+\"", options: .regularExpression).map { Int(shown.body[$0].dropFirst(10).dropLast()) ?? -1 })
        let log = try served.run(["access-log", served.ledger, "--json"])
        let records = log.out.split(separator: 0x0A).map { try! JSONSerialization.jsonObject(with: Data($0)) as! [String: Any] }
        #expect(records.count == before + 1)
        let record = try #require(records.last)
        #expect(record["seq"] as? Int == recordSeq)
        #expect(record["user"] as? String == "revisor")
        #expect((record["subject"] as? String)?.hasPrefix("M1 2014-12-31, 183") == true, "\(record)")
        let pseudonyms = Set((shown.body.matches(of: /c-[0-9a-f]{16}/)).map { String($0.output) })
        #expect(Set(record["citizens"] as! [String]) == pseudonyms, "the record names exactly the pseudonyms shown")
        let command = try served.run(["explain", served.ledger, "M1", "--at", "2014-12-31", "--municipality", "183", "--user", "revisor", "--purpose", "revision 2014", "--json"])
        let json = try JSONSerialization.jsonObject(with: command.out) as! [String: Any]
        let items = json["items"] as! [[String: Any]]
        #expect(Set(items.compactMap { $0["citizen"] as? String }) == pseudonyms, "the same citizens as the command shows")
        let accessPage = try served.get("/access-log", cookie: cookie)
        #expect(accessPage.body.contains("data-access=\"\(recordSeq)\""))
        withExtendedLifetime(served) {}
    }
}

/// A minimal HTTP/1.1 client on a raw socket (one request per connection).
enum HTTP {
    struct Response {
        var status: Int
        var headers: [(String, String)]
        var body: String
        func header(_ name: String) -> String? { headers.first { $0.0 == name }?.1 }
    }

    static func send(port: UInt16, _ raw: String) throws -> Response {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(fd) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = port.bigEndian
        inet_pton(AF_INET, "127.0.0.1", &address.sin_addr)
        let connected = withUnsafePointer(to: &address) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) } }
        try #require(connected == 0)
        var timeout = timeval(tv_sec: 120, tv_usec: 0)
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        _ = Array(raw.utf8).withUnsafeBytes { Glibc.send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
        var data: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 65_536)
        while true {
            let n = recv(fd, &buffer, buffer.count, 0)
            if n <= 0 { break }
            data += buffer[0..<n]
        }
        let text = String(decoding: data, as: UTF8.self)
        guard let split = text.range(of: "\r\n\r\n") else { return Response(status: 0, headers: [], body: text) }
        let lines = text[..<split.lowerBound].components(separatedBy: "\r\n")
        let status = Int(lines[0].split(separator: " ")[1]) ?? 0
        let headers = lines.dropFirst().compactMap { line -> (String, String)? in
            guard let colon = line.firstIndex(of: ":") else { return nil }
            return (line[..<colon].lowercased(), line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces))
        }
        return Response(status: status, headers: headers, body: String(text[split.upperBound...]))
    }

    static func encode(_ text: String) -> String {
        var allowed = CharacterSet.alphanumerics
        allowed.insert(charactersIn: "-._~")
        return text.addingPercentEncoding(withAllowedCharacters: allowed)!
    }

    /// The figures the goals page states per goal (`data-goal`, `data-value`, `data-status`).
    static func goalFigures(_ page: String) -> [String: (value: Double?, status: String)] {
        let pattern = try! NSRegularExpression(pattern: "data-goal=\"([^\"]*)\" data-value=\"([^\"]*)\" data-status=\"([^\"]*)\"")
        var figures: [String: (value: Double?, status: String)] = [:]
        for match in pattern.matches(in: page, range: NSRange(page.startIndex..., in: page)) {
            let id = String(page[Range(match.range(at: 1), in: page)!]).replacingOccurrences(of: "&amp;", with: "&")
            let value = String(page[Range(match.range(at: 2), in: page)!])
            figures[id] = (value == "null" ? nil : Double(value), String(page[Range(match.range(at: 3), in: page)!]))
        }
        return figures
    }
}
