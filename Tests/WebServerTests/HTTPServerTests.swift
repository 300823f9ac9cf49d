import Foundation
import Testing

@testable import WebServer

#if canImport(Glibc)
import Glibc
#endif

/// The server on a real socket: keep-alive, a bad request answered and the connection closed, a
/// request sent a byte at a time cut off at the request time limit, and the server serving on.
@Suite(.serialized) struct HTTPServerTests {
    /// A server on a free port of 127.0.0.1 that answers every request with its path, run on its own thread.
    final class RunningServer: @unchecked Sendable {
        let server: HTTPServer

        init(limits: RequestLimits) throws {
            server = try HTTPServer(host: "127.0.0.1", port: 0, limits: limits, securityHeaders: [("X-Test", "1")],
                                    log: { _ in }, handler: { request in .text("path=\(request.path)\n") })
            let server = self.server
            Thread.detachNewThread { server.run() }
        }

        deinit { server.stop() }
    }

    /// A connected client socket.
    struct Client {
        let fd: Int32
        init(port: UInt16) throws {
            fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
            var address = sockaddr_in()
            address.sin_family = sa_family_t(AF_INET)
            address.sin_port = port.bigEndian
            inet_pton(AF_INET, "127.0.0.1", &address.sin_addr)
            let result = withUnsafePointer(to: &address) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) } }
            try #require(result == 0)
            var timeout = timeval(tv_sec: 20, tv_usec: 0)
            setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        }
        func send(_ text: String) { _ = Array(text.utf8).withUnsafeBytes { Glibc.send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) } }
        /// Reads until the peer closes (or `until` is in what was read).
        func receive(until marker: String? = nil) -> String {
            var data: [UInt8] = []
            var buffer = [UInt8](repeating: 0, count: 4096)
            while true {
                let n = recv(fd, &buffer, buffer.count, 0)
                if n <= 0 { break }
                data += buffer[0..<n]
                if let marker, String(decoding: data, as: UTF8.self).contains(marker) { break }
            }
            return String(decoding: data, as: UTF8.self)
        }
        func close() { _ = Glibc.close(fd) }
    }

    @Test func requestsOnOneConnectionAreAnsweredInTurnWithTheSecurityHeaders() throws {
        let running = try RunningServer(limits: RequestLimits())
        let client = try Client(port: running.server.port)
        defer { client.close() }
        client.send("GET /one HTTP/1.1\r\nHost: h\r\n\r\nGET /two HTTP/1.1\r\nHost: h\r\nConnection: close\r\n\r\n")
        let answer = client.receive()
        #expect(answer.components(separatedBy: "HTTP/1.1 200 OK").count == 3)
        #expect(answer.contains("path=/one") && answer.contains("path=/two"))
        #expect(answer.contains("X-Test: 1"))
        #expect(answer.hasSuffix("path=/two\n"))
    }

    @Test func aBadRequestIsAnswered400AndTheServerServesOn() throws {
        let running = try RunningServer(limits: RequestLimits())
        let bad = try Client(port: running.server.port)
        bad.send("GET /%zz HTTP/1.1\r\nHost: h\r\n\r\n")
        let answer = bad.receive()
        bad.close()
        #expect(answer.hasPrefix("HTTP/1.1 400 Bad Request"))
        #expect(answer.contains("Connection: close"))
        #expect(answer.contains("percent-encoded"))
        let good = try Client(port: running.server.port)
        defer { good.close() }
        good.send("GET /after HTTP/1.1\r\nHost: h\r\nConnection: close\r\n\r\n")
        #expect(good.receive().contains("path=/after"))
    }

    /// Slowloris: a client sending a request a byte at a time, never finishing, is answered 408 and
    /// cut off once the request time limit has passed, however steadily it keeps sending.
    @Test func aRequestSentAByteAtATimeIsCutOffAtTheTimeLimit() throws {
        var limits = RequestLimits()
        limits.requestMilliseconds = 400
        let running = try RunningServer(limits: limits)
        let client = try Client(port: running.server.port)
        let dripped = DispatchSemaphore(value: 0)
        // The socket is closed only once the drip has stopped, so its descriptor is not reused under it.
        defer { dripped.wait(); client.close() }
        let started = Date()
        let partial = Array("GET /slow HTTP/1.1\r\nHost: h\r\nX-Drip: ".utf8)
        let drip = Thread {
            for byte in partial + Array(repeating: UInt8(ascii: "a"), count: 200) {
                let sent = [byte].withUnsafeBytes { Glibc.send(client.fd, $0.baseAddress, 1, Int32(MSG_NOSIGNAL)) }
                if sent <= 0 { break }
                usleep(20_000)
            }
            dripped.signal()
        }
        drip.start()
        let answer = client.receive()
        let elapsed = Date().timeIntervalSince(started)
        #expect(answer.hasPrefix("HTTP/1.1 408"), "\(answer)")
        // Cut off near the limit, long before the 5 s the drip would take (a generous bound, not a timing target).
        #expect(elapsed < 4, "cut off after \(elapsed) s")
    }

    /// A client that connects and sends nothing is closed after the idle time, without an answer.
    @Test func anIdleConnectionIsClosedQuietly() throws {
        var limits = RequestLimits()
        limits.idleMilliseconds = 200
        let running = try RunningServer(limits: limits)
        let client = try Client(port: running.server.port)
        defer { client.close() }
        #expect(client.receive() == "")
    }
}
