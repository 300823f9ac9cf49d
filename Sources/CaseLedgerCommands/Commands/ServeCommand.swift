import LedgerCore
import WebApp
import WebServer

/// `caseledger serve`: a local web application over one ledger (goals, recording, the log, audit).
enum ServeCommand: LedgerCommand {
    static let name = "serve"
    static let abstract = "Serve one ledger as a local web application: goals, recording, the log and audit."
    static let usage = "DIR [--port P] [--host ADDRESS] [--key-file PATH]"
    static let discussion = """
        Listens on 127.0.0.1 (this machine only) unless --host says otherwise, and prints the address to
        open, with a random access token: the first visit turns it into a session cookie (HttpOnly,
        SameSite=Strict), and a request without that cookie is refused. Every form that changes
        something carries a CSRF token. Pages: the goals (as `report`, at a chosen date and knowledge
        time, each goal's trend, its measure per municipality), recording an event (a form per event
        type, judged by the same validator as `append`; the CPR number is typed into a password field,
        turned into the pseudonym and never shown, logged or put in an address), the log with
        corrections, and audit (publications, `audit`'s result, explain with its access record first,
        the access log). Appends take the ledger's writer lock, as `append` does, so both can write at
        once. Runs until stopped (Ctrl-C). Exit status: 1 when the ledger or key cannot be opened or the
        port is taken, 2 usage error.
        """
    static let options: [OptionSpec] = [
        .option("port", "P", "The TCP port (default 8080; 0 picks a free one)."),
        .option("host", "ADDRESS", "The IPv4 address to listen on (default 127.0.0.1; another exposes the ledger to the network)."),
        .option("key-file", "PATH", "The pseudonym key (default: the location recorded at init)."),
    ]

    /// The command line, checked.
    struct Request {
        var directory: String
        var port: UInt16
        var host: String
    }

    /// Turns bad usage into a clear message (exit status 2) before the ledger is opened.
    static func validate(_ arguments: Arguments) throws(UsageError) -> Request {
        let directory = try arguments.positionals(["DIR"])[0]
        var port: UInt16 = 8080
        if let text = arguments.value("port") {
            guard let value = UInt16(text) else { throw UsageError("--port expects a whole number 0 to 65535") }
            port = value
        }
        let host = arguments.value("host") ?? "127.0.0.1"
        let parts = host.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 4, parts.allSatisfy({ !$0.isEmpty && $0.count <= 3 && UInt8($0) != nil }) else {
            throw UsageError("--host expects an IPv4 address such as 127.0.0.1")
        }
        return Request(directory: directory, port: port, host: host)
    }

    static func run(_ arguments: Arguments, console: Console) throws -> Int32 {
        let request = try validate(arguments)
        // Lines for the operator on standard error, from any connection's thread (one write each).
        let log: @Sendable (String) -> Void = { line in Console.writeAll(2, Array(("caseledger serve: " + line + "\n").utf8)) }
        let app = try WebApp(ledgerPath: request.directory, keyFile: arguments.value("key-file"), log: log)
        let server: HTTPServer
        do {
            server = try HTTPServer(host: request.host, port: request.port, securityHeaders: WebApp.securityHeaders, log: log, handler: app.handle)
        } catch {
            throw LedgerError.invalidRequest("cannot listen on \(request.host):\(request.port): \(error)")
        }
        app.listening(host: request.host, port: server.port)
        if request.host != "127.0.0.1" {
            console.error("caseledger serve: listening on \(request.host), not only on this machine: anyone who can reach it and has the address below can use the ledger")
        }
        console.error("caseledger serve: \(app.jobcenter), \(request.directory); open this address (it holds the access token; stop with Ctrl-C):")
        console.line("http://\(request.host):\(server.port)/?token=\(app.accessToken)")
        console.flush()
        server.run()
        return ExitStatus.failure
    }
}
