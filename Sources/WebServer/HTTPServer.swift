public import LedgerCore
import Foundation

/// A small HTTP/1.1 server on the system's sockets: one listening socket, one thread per
/// connection (at most ``connectionsMax`` at a time), keep-alive, and the limits of
/// ``RequestLimits`` on every request.
///
/// The handler is called on the connection's thread with each whole request and returns the
/// response; a request the parser refuses is answered with its status and a message and the
/// connection is closed. The server never ends because of what a client sends.
public final class HTTPServer: @unchecked Sendable {
    /// The handler of whole requests.
    public typealias Handler = @Sendable (HTTPRequest) -> HTTPResponse

    /// Most connections served at once; beyond it a connection is answered 503 and closed.
    public static let connectionsMax = 64
    /// Most requests on one kept-open connection.
    public static let requestsPerConnectionMax = 100_000
    /// How long a write of a response may block on a client that does not read, in milliseconds.
    public static let sendMilliseconds = 10_000

    /// The header fields sent with every response: a Content-Security-Policy that allows nothing
    /// from elsewhere and no scripts at all, no framing, no caching, no referrer, no type sniffing.
    public let securityHeaders: [(name: String, value: String)]
    /// The port listened on.
    public let port: UInt16
    /// The address listened on.
    public let host: String
    private let listener: Int32
    private let limits: RequestLimits
    private let handler: Handler
    private let active = Locked(0)
    private let log: @Sendable (String) -> Void

    /// Listens on `host`:`port` (0: a free port the kernel picks) with the given limits, headers
    /// and handler. `log` receives one line per refused request or failure (never a request's bytes).
    public init(host: String, port: UInt16, limits: RequestLimits = RequestLimits(), securityHeaders: [(name: String, value: String)],
                log: @escaping @Sendable (String) -> Void, handler: @escaping Handler) throws(SystemError) {
        SocketCalls.prepareSignals()
        let (fd, actual) = try SocketCalls.listen(host: host, port: port)
        self.listener = fd
        self.port = actual
        self.host = host
        self.limits = limits
        self.securityHeaders = securityHeaders
        self.handler = handler
        self.log = log
    }

    /// Accepts connections until the listening socket fails (or ``stop()`` is called); each is
    /// served on its own thread. Returns only then.
    public func run() {
        while true {
            let connection: Int32
            do { connection = try SocketCalls.accept(listener) } catch {
                log("stopped accepting connections: \(error)")
                return
            }
            let admitted = active.withLock { (count: inout Int) -> Bool in
                guard count < HTTPServer.connectionsMax else { return false }
                count += 1
                return true
            }
            guard admitted else {
                let busy = HTTPResponse.text("Der er for mange forbindelser lige nu; prøv igen. (Too many connections; try again.)\n", status: 503)
                try? SocketCalls.writeAll(connection, busy.serialized(keepAlive: false, extra: securityHeaders, headOnly: false))
                SocketCalls.close(connection)
                continue
            }
            // A thread per connection: it blocks on the network for as long as the client keeps the
            // connection open, which Dispatch's pool of short tasks is not made for.
            Thread.detachNewThread { [self] in
                serve(connection)
                active.withLock { $0 -= 1 }
            }
        }
    }

    /// Stops accepting connections (those being served finish their request).
    public func stop() {
        SocketCalls.shutdown(listener)
    }

    /// Serves one connection: requests in turn until the client closes, asks to close, sends a bad
    /// request or is too slow.
    func serve(_ fd: Int32) {
        defer { SocketCalls.close(fd) }
        SocketCalls.setSendTimeout(fd, milliseconds: HTTPServer.sendMilliseconds)
        var parser = RequestParser(limits: limits)
        let capacity = 16_384
        let buffer = UnsafeMutableRawPointer.allocate(byteCount: capacity, alignment: 16)
        defer { buffer.deallocate() }
        var served = 0
        // The deadline of the request under way: from its first byte, or the idle wait before it.
        var deadline = SocketCalls.monotonicMilliseconds() + Int64(limits.idleMilliseconds)
        var requestStarted = false
        while served < HTTPServer.requestsPerConnectionMax {
            switch parser.next() {
            case .request(let request):
                served += 1
                let response = handler(request)
                let keepAlive = request.keepAlive && served < HTTPServer.requestsPerConnectionMax
                let bytes = response.serialized(keepAlive: keepAlive, extra: securityHeaders, headOnly: request.method == "HEAD")
                do { try SocketCalls.writeAll(fd, bytes) } catch { return }
                guard keepAlive else { return }
                requestStarted = false
                deadline = SocketCalls.monotonicMilliseconds() + Int64(limits.idleMilliseconds)
                continue
            case .failed(let error):
                log("refused a request: \(error)")
                refuse(fd, error)
                return
            case .needMore:
                break
            }
            if !requestStarted && parser.hasPartialRequest {
                requestStarted = true
                deadline = SocketCalls.monotonicMilliseconds() + Int64(limits.requestMilliseconds)
            }
            let remaining = deadline - SocketCalls.monotonicMilliseconds()
            let outcome: SocketCalls.ReadOutcome
            if remaining <= 0 {
                outcome = .timedOut
            } else {
                do { outcome = try SocketCalls.read(fd, into: buffer, count: capacity, milliseconds: Int(remaining)) } catch { return }
            }
            switch outcome {
            case .bytes(let n):
                parser.append(UnsafeRawBufferPointer(start: buffer, count: n))
                if !requestStarted {
                    requestStarted = true
                    deadline = SocketCalls.monotonicMilliseconds() + Int64(limits.requestMilliseconds)
                }
            case .closed:
                return
            case .timedOut:
                // An idle kept-open connection is closed quietly; a request cut short is answered.
                if parser.hasPartialRequest {
                    let error = HTTPError(status: 408, message: "the request did not arrive whole within \(limits.requestMilliseconds / 1000) seconds")
                    log("refused a request: \(error)")
                    refuse(fd, error)
                }
                return
            }
        }
    }

    /// Answers a refused request with its status and message, and closes.
    func refuse(_ fd: Int32, _ error: HTTPError) {
        let response = HTTPResponse.text("\(error.status) \(HTTPResponse.reason(error.status)): \(error.message)\n", status: error.status)
        try? SocketCalls.writeAll(fd, response.serialized(keepAlive: false, extra: securityHeaders, headOnly: false))
    }
}

