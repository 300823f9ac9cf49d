#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The system calls of `caseledger serve`'s HTTP server: a listening TCP socket, accepting
/// connections, reading with a deadline and writing whole responses.
///
/// Kept next to ``SystemCalls`` (the rule: every system call of the product goes through
/// `System/`). Calls retry on `EINTR`, writes loop on partial writes, and `errno` is saved the
/// moment a call fails. Sockets carry no ledger data that must be durable, so they are not part
/// of ``FaultInjection``.
package enum SocketCalls {
    /// What a read with a deadline gave.
    package enum ReadOutcome: Equatable, Sendable {
        /// This many bytes (at least 1) were read.
        case bytes(Int)
        /// The peer closed its side.
        case closed
        /// The deadline passed with nothing to read.
        case timedOut
    }

    /// A socket listening on `host` (an IPv4 address such as 127.0.0.1) and `port` (0: one the
    /// kernel picks); returns the descriptor and the port it listens on.
    package static func listen(host: String, port: UInt16, backlog: Int32 = 128) throws(SystemError) -> (fd: Int32, port: UInt16) {
        let place = "\(host):\(port)"
        #if canImport(Glibc)
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        #else
        let fd = socket(AF_INET, SOCK_STREAM, 0)
        #endif
        guard fd >= 0 else { throw SystemError(call: "socket", path: place, errno: errno) }
        var yes: Int32 = 1
        // A restarted server may listen again at once on the port its last run used.
        if setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &yes, socklen_t(MemoryLayout<Int32>.size)) != 0 {
            let saved = errno
            _ = Glibc.close(fd)
            throw SystemError(call: "setsockopt", path: place, errno: saved)
        }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = port.bigEndian
        guard inet_pton(AF_INET, host, &address.sin_addr) == 1 else {
            _ = Glibc.close(fd)
            throw SystemError(call: "inet_pton", path: place, errno: EINVAL)
        }
        let bound = withUnsafePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        if bound != 0 {
            let saved = errno
            _ = Glibc.close(fd)
            throw SystemError(call: "bind", path: place, errno: saved)
        }
        if Glibc.listen(fd, backlog) != 0 {
            let saved = errno
            _ = Glibc.close(fd)
            throw SystemError(call: "listen", path: place, errno: saved)
        }
        var actual = sockaddr_in()
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let named = withUnsafeMutablePointer(to: &actual) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &length) }
        }
        if named != 0 {
            let saved = errno
            _ = Glibc.close(fd)
            throw SystemError(call: "getsockname", path: place, errno: saved)
        }
        return (fd, UInt16(bigEndian: actual.sin_port))
    }

    /// Waits for the next connection on a listening socket; returns its descriptor. Connections
    /// that fail before they are accepted (`ECONNABORTED`) are skipped.
    package static func accept(_ listener: Int32) throws(SystemError) -> Int32 {
        while true {
            let fd = Glibc.accept(listener, nil, nil)
            if fd >= 0 {
                // Not inherited by a process the server might start.
                _ = fcntl(fd, F_SETFD, FD_CLOEXEC)
                var yes: Int32 = 1
                // Responses are written whole; sending them at once saves a round trip's delay.
                _ = setsockopt(fd, Int32(IPPROTO_TCP), TCP_NODELAY, &yes, socklen_t(MemoryLayout<Int32>.size))
                return fd
            }
            let saved = errno
            if saved == EINTR || saved == ECONNABORTED { continue }
            throw SystemError(call: "accept", path: "listening socket", errno: saved)
        }
    }

    /// Reads what has arrived, waiting at most `milliseconds` (at least 0) for something to arrive.
    package static func read(_ fd: Int32, into buffer: UnsafeMutableRawPointer, count: Int, milliseconds: Int) throws(SystemError) -> ReadOutcome {
        precondition(count > 0, "a read asks for at least one byte")
        var entry = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
        while true {
            let ready = poll(&entry, 1, Int32(clamping: max(0, milliseconds)))
            if ready == 0 { return .timedOut }
            if ready < 0 {
                let saved = errno
                if saved == EINTR { continue }
                throw SystemError(call: "poll", path: "connection", errno: saved)
            }
            break
        }
        while true {
            let n = recv(fd, buffer, count, 0)
            if n > 0 { return .bytes(n) }
            if n == 0 { return .closed }
            let saved = errno
            if saved == EINTR { continue }
            if saved == EAGAIN || saved == EWOULDBLOCK { return .timedOut }
            if saved == ECONNRESET { return .closed }
            throw SystemError(call: "recv", path: "connection", errno: saved)
        }
    }

    /// Writes all of `bytes`, looping on partial writes; a peer gone away is an error (`EPIPE`),
    /// never a signal.
    package static func writeAll(_ fd: Int32, _ bytes: [UInt8]) throws(SystemError) {
        var done = 0
        let count = bytes.count
        while done < count {
            let n = bytes.withUnsafeBytes { buffer in send(fd, buffer.baseAddress! + done, count - done, Int32(MSG_NOSIGNAL)) }
            if n < 0 {
                let saved = errno
                if saved == EINTR { continue }
                throw SystemError(call: "send", path: "connection", errno: saved)
            }
            done += n
        }
        assert(done == count, "a response is written whole")
    }

    /// Sets how long a blocking send may wait (a client that stops reading cannot hold a worker).
    package static func setSendTimeout(_ fd: Int32, milliseconds: Int) {
        var value = timeval(tv_sec: milliseconds / 1000, tv_usec: (milliseconds % 1000) * 1000)
        _ = setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &value, socklen_t(MemoryLayout<timeval>.size))
    }

    /// Closes a socket (errors ignored: the connection is gone either way).
    package static func close(_ fd: Int32) {
        _ = Glibc.close(fd)
    }

    /// Shuts down a listening socket so that a thread blocked in ``accept(_:)`` returns.
    package static func shutdown(_ fd: Int32) {
        _ = Glibc.shutdown(fd, Int32(SHUT_RDWR))
    }

    /// Milliseconds on a clock that only goes forward (for deadlines).
    package static func monotonicMilliseconds() -> Int64 {
        var spec = timespec()
        clock_gettime(CLOCK_MONOTONIC, &spec)
        return Int64(spec.tv_sec) * 1000 + Int64(spec.tv_nsec) / 1_000_000
    }

    /// Nanoseconds on a clock that only goes forward (for timing figures).
    package static func monotonicNanoseconds() -> UInt64 {
        var spec = timespec()
        clock_gettime(CLOCK_MONOTONIC, &spec)
        return UInt64(spec.tv_sec) * 1_000_000_000 + UInt64(spec.tv_nsec)
    }

    /// Ignores SIGPIPE for the process (a client that closes early must not end the server), and
    /// unblocks SIGINT and SIGTERM, which a parent may have left blocked, so that the server stops
    /// when asked.
    package static func prepareSignals() {
        _ = signal(SIGPIPE, SIG_IGN)
        var set = sigset_t()
        sigemptyset(&set)
        sigaddset(&set, SIGINT)
        sigaddset(&set, SIGTERM)
        _ = pthread_sigmask(SIG_UNBLOCK, &set, nil)
        _ = signal(SIGINT, SIG_DFL)
        _ = signal(SIGTERM, SIG_DFL)
    }
}
