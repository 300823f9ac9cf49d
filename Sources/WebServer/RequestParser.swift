/// The limits on one request, each checked before more is read or kept.
public struct RequestLimits: Sendable {
    /// Longest request line (method, target, version), in bytes without the line end.
    public var requestLineBytesMax = 8_192
    /// Most header fields.
    public var headerCountMax = 64
    /// Most bytes of all header lines together (after the request line).
    public var headerBytesMax = 16_384
    /// Largest body, in bytes (a form of one event is a few kilobytes).
    public var bodyBytesMax = 65_536
    /// Most time from a request's first byte to its last, in milliseconds: a client that sends a
    /// request a byte at a time (slowloris) is cut off here, however often it sends.
    public var requestMilliseconds = 10_000
    /// Most time a kept-open connection may wait for its next request, in milliseconds.
    public var idleMilliseconds = 5_000

    /// The default limits.
    public init() {}
}

/// Why a request was refused: the status to answer and a message for a person.
public struct HTTPError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The HTTP status, 400 to 599.
    public var status: Int
    /// What was wrong, in a sentence (never the request's own bytes, which may hold anything).
    public var message: String

    /// Makes an error.
    public init(status: Int, message: String) {
        precondition(status >= 400 && status <= 599, "an error is a 4xx or 5xx status")
        self.status = status
        self.message = message
    }

    /// The status and message.
    public var description: String { "\(status) \(message)" }
}

/// Parses HTTP/1.1 requests from the bytes of one connection, as they arrive.
///
/// Bytes are added with ``append(_:)``; ``next()`` returns the next whole request, says that more
/// bytes are needed, or refuses the request with the status to answer. Every limit of
/// ``RequestLimits`` is checked on what has arrived so far, so a request that will be too large is
/// refused before it is read whole, and nothing the parser keeps grows beyond the limits. Only what
/// this server needs is accepted: GET, HEAD and POST, origin-form targets (`/path?query`),
/// `Content-Length` bodies (no chunked encoding), HTTP/1.0 and 1.1.
public struct RequestParser: Sendable {
    /// The limits checked.
    public let limits: RequestLimits
    /// Bytes received and not yet parsed into a request.
    public private(set) var buffered: [UInt8] = []

    /// Makes a parser with `limits`.
    public init(limits: RequestLimits = RequestLimits()) {
        self.limits = limits
    }

    /// What ``next()`` found.
    public enum Step: Sendable {
        /// A whole request (its bytes are taken out of the buffer).
        case request(HTTPRequest)
        /// Not a whole request yet: read more.
        case needMore
        /// A request that is refused; the connection is to be closed after the answer.
        case failed(HTTPError)
    }

    /// Whether part of a request has arrived (so a timeout cuts a request short, not an idle wait).
    public var hasPartialRequest: Bool { !buffered.isEmpty }

    /// The most bytes a request can take: request line, headers, body and line ends.
    public var requestBytesMax: Int { limits.requestLineBytesMax + limits.headerBytesMax + limits.bodyBytesMax + 4 * (limits.headerCountMax + 2) }

    /// Adds bytes received.
    public mutating func append(_ bytes: UnsafeRawBufferPointer) {
        buffered.append(contentsOf: bytes)
    }

    /// Adds bytes received.
    public mutating func append(_ bytes: [UInt8]) {
        buffered.append(contentsOf: bytes)
    }

    /// The next request, or what stands in its way.
    public mutating func next() -> Step {
        // Empty lines before a request are allowed (RFC 9112 2.2).
        var start = 0
        while start < buffered.count, buffered[start] == 0x0D || buffered[start] == 0x0A { start += 1 }
        if start > 0 { buffered.removeFirst(start) }
        if buffered.isEmpty { return .needMore }
        // The request line.
        guard let lineEnd = buffered.firstIndex(of: 0x0A) else {
            if buffered.count > limits.requestLineBytesMax + 1 {
                return .failed(HTTPError(status: 414, message: "the request line is longer than \(limits.requestLineBytesMax) bytes"))
            }
            return .needMore
        }
        let requestLine = Self.stripCR(buffered[0..<lineEnd])
        guard requestLine.count <= limits.requestLineBytesMax else {
            return .failed(HTTPError(status: 414, message: "the request line is longer than \(limits.requestLineBytesMax) bytes"))
        }
        // A malformed request line is refused at once, without waiting for the header fields.
        let parsedLine: (method: String, target: ArraySlice<UInt8>, http10: Bool)
        switch Self.requestLine(requestLine) {
        case .success(let parsed): parsedLine = parsed
        case .failure(let error): return .failed(error)
        }
        // The header lines, up to the empty line.
        var fields: [(name: String, value: String)] = []
        var position = lineEnd + 1
        var headerBytes = 0
        var headerEnd: Int?
        while position < buffered.count {
            guard let end = buffered[position...].firstIndex(of: 0x0A) else { break }
            let line = Self.stripCR(buffered[position..<end])
            headerBytes += end + 1 - position
            guard headerBytes <= limits.headerBytesMax else {
                return .failed(HTTPError(status: 431, message: "the header fields are larger than \(limits.headerBytesMax) bytes together"))
            }
            position = end + 1
            if line.isEmpty {
                headerEnd = position
                break
            }
            guard fields.count < limits.headerCountMax else {
                return .failed(HTTPError(status: 431, message: "more than \(limits.headerCountMax) header fields"))
            }
            switch Self.headerField(line) {
            case .success(let field): fields.append(field)
            case .failure(let error): return .failed(error)
            }
        }
        guard let bodyStart = headerEnd else {
            if buffered.count - (lineEnd + 1) > limits.headerBytesMax {
                return .failed(HTTPError(status: 431, message: "the header fields are larger than \(limits.headerBytesMax) bytes together"))
            }
            return .needMore
        }
        // The body's length.
        if fields.contains(where: { $0.name == "transfer-encoding" }) {
            return .failed(HTTPError(status: 501, message: "a body in Transfer-Encoding is not accepted; send it with Content-Length"))
        }
        var bodyLength = 0
        let lengths = fields.filter { $0.name == "content-length" }.map(\.value)
        if let first = lengths.first {
            guard lengths.allSatisfy({ $0 == first }) else {
                return .failed(HTTPError(status: 400, message: "Content-Length is given twice with different values"))
            }
            guard !first.isEmpty, first.utf8.count <= 12, first.utf8.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }), let length = Int(first) else {
                return .failed(HTTPError(status: 400, message: "Content-Length is not a whole number of bytes"))
            }
            guard length <= limits.bodyBytesMax else {
                return .failed(HTTPError(status: 413, message: "the body is larger than \(limits.bodyBytesMax) bytes"))
            }
            bodyLength = length
        }
        if parsedLine.method != "POST" && bodyLength > 0 {
            return .failed(HTTPError(status: 400, message: "a \(parsedLine.method) request has no body"))
        }
        guard buffered.count - bodyStart >= bodyLength else { return .needMore }
        // The target: path and query, percent-decoded.
        let target = parsedLine.target
        let question = target.firstIndex(of: UInt8(ascii: "?"))
        let pathBytes = question.map { target[target.startIndex..<$0] } ?? target
        guard let path = PercentEncoding.decode(pathBytes, plusIsSpace: false), path.hasPrefix("/") else {
            return .failed(HTTPError(status: 400, message: "the request's path is not validly percent-encoded UTF-8"))
        }
        var query: [(name: String, value: String)] = []
        if let question {
            guard let pairs = PercentEncoding.decodeForm(target[(question + 1)...]) else {
                return .failed(HTTPError(status: 400, message: "the request's query is not validly percent-encoded UTF-8"))
            }
            query = pairs
        }
        let connection = fields.first { $0.name == "connection" }?.value.lowercased() ?? ""
        let keepAlive = parsedLine.http10 ? connection.contains("keep-alive") : !connection.contains("close")
        let body = Array(buffered[bodyStart..<(bodyStart + bodyLength)])
        buffered.removeFirst(bodyStart + bodyLength)
        return .request(HTTPRequest(method: parsedLine.method, path: path, query: query, headers: fields, body: body, keepAlive: keepAlive))
    }

    // MARK: Pieces

    static func stripCR(_ line: ArraySlice<UInt8>) -> ArraySlice<UInt8> {
        line.last == 0x0D ? line.dropLast() : line
    }

    /// `METHOD SP target SP HTTP/1.x`.
    static func requestLine(_ line: ArraySlice<UInt8>) -> Result<(method: String, target: ArraySlice<UInt8>, http10: Bool), HTTPError> {
        let parts = line.split(separator: UInt8(ascii: " "), omittingEmptySubsequences: false)
        guard parts.count == 3, !parts[0].isEmpty, !parts[1].isEmpty else {
            return .failure(HTTPError(status: 400, message: "the request line is not METHOD TARGET HTTP/1.1"))
        }
        let version = String(decoding: parts[2], as: UTF8.self)
        guard version == "HTTP/1.1" || version == "HTTP/1.0" else {
            return .failure(HTTPError(status: version.hasPrefix("HTTP/") ? 505 : 400, message: "only HTTP/1.1 and HTTP/1.0 are spoken here"))
        }
        guard parts[0].allSatisfy({ $0 >= UInt8(ascii: "A") && $0 <= UInt8(ascii: "Z") }) else {
            return .failure(HTTPError(status: 400, message: "the method is not a word in capital letters"))
        }
        let method = String(decoding: parts[0], as: UTF8.self)
        guard ["GET", "HEAD", "POST"].contains(method) else {
            return .failure(HTTPError(status: 405, message: "only GET, HEAD and POST are accepted"))
        }
        let target = parts[1]
        guard target.first == UInt8(ascii: "/"), target.allSatisfy({ $0 > 0x20 && $0 < 0x7F }) else {
            return .failure(HTTPError(status: 400, message: "the target must be a path beginning with / in printable ASCII"))
        }
        return .success((method, target, version == "HTTP/1.0"))
    }

    /// `name: value`, the name a token, the value without control characters.
    static func headerField(_ line: ArraySlice<UInt8>) -> Result<(name: String, value: String), HTTPError> {
        if line.first == UInt8(ascii: " ") || line.first == UInt8(ascii: "\t") {
            return .failure(HTTPError(status: 400, message: "a header field continued on the next line is not accepted"))
        }
        guard let colon = line.firstIndex(of: UInt8(ascii: ":")), colon > line.startIndex else {
            return .failure(HTTPError(status: 400, message: "a header line is not NAME: VALUE"))
        }
        let nameBytes = line[line.startIndex..<colon]
        guard nameBytes.allSatisfy(isTokenByte) else {
            return .failure(HTTPError(status: 400, message: "a header field's name has a character not allowed there"))
        }
        let valueBytes = line[(colon + 1)...]
        guard valueBytes.allSatisfy({ $0 == 0x09 || ($0 >= 0x20 && $0 != 0x7F) }),
              let value = String(validating: Array(valueBytes), as: UTF8.self) else {
            return .failure(HTTPError(status: 400, message: "a header field's value has a control character or is not UTF-8"))
        }
        return .success((String(decoding: nameBytes, as: UTF8.self).lowercased(), String(Substring(value).trimmingSpaces)))
    }

    static func isTokenByte(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "0")...UInt8(ascii: "9"): return true
        default: return Array("!#$%&'*+-.^_`|~".utf8).contains(byte)
        }
    }
}
