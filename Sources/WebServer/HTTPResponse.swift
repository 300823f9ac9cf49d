/// One HTTP response: status, header fields and body.
public struct HTTPResponse: Sendable {
    /// The status code.
    public var status: Int
    /// Header fields beyond those the server adds (Content-Length, Connection and the security
    /// fields of ``HTTPServer/securityHeaders``).
    public var headers: [(name: String, value: String)]
    /// The body's bytes.
    public var body: [UInt8]

    /// Makes a response.
    public init(status: Int, headers: [(name: String, value: String)] = [], body: [UInt8] = []) {
        self.status = status
        self.headers = headers
        self.body = body
    }

    /// An HTML page (UTF-8).
    public static func html(_ page: String, status: Int = 200) -> HTTPResponse {
        HTTPResponse(status: status, headers: [("Content-Type", "text/html; charset=utf-8")], body: Array(page.utf8))
    }

    /// Plain text (UTF-8).
    public static func text(_ text: String, status: Int = 200) -> HTTPResponse {
        HTTPResponse(status: status, headers: [("Content-Type", "text/plain; charset=utf-8")], body: Array(text.utf8))
    }

    /// A redirect to `location` (303: the client follows it with GET, so a form is not sent twice).
    public static func redirect(_ location: String, status: Int = 303) -> HTTPResponse {
        HTTPResponse(status: status, headers: [("Location", location)])
    }

    /// The reason phrase of a status.
    public static func reason(_ status: Int) -> String {
        switch status {
        case 200: return "OK"
        case 303: return "See Other"
        case 304: return "Not Modified"
        case 400: return "Bad Request"
        case 401: return "Unauthorized"
        case 403: return "Forbidden"
        case 404: return "Not Found"
        case 405: return "Method Not Allowed"
        case 408: return "Request Timeout"
        case 409: return "Conflict"
        case 413: return "Content Too Large"
        case 414: return "URI Too Long"
        case 421: return "Misdirected Request"
        case 422: return "Unprocessable Content"
        case 431: return "Request Header Fields Too Large"
        case 500: return "Internal Server Error"
        case 501: return "Not Implemented"
        case 503: return "Service Unavailable"
        case 505: return "HTTP Version Not Supported"
        default: return "Status"
        }
    }

    /// The response's bytes: status line, header fields (with `extra` after the response's own),
    /// and the body unless `headOnly` (the answer to HEAD keeps Content-Length).
    public func serialized(keepAlive: Bool, extra: [(name: String, value: String)], headOnly: Bool) -> [UInt8] {
        var text = "HTTP/1.1 \(status) \(HTTPResponse.reason(status))\r\n"
        for field in headers + extra {
            // A field's value never holds a line end (it would split the response).
            precondition(!field.value.contains("\r") && !field.value.contains("\n"), "a header value is one line")
            text += field.name + ": " + field.value + "\r\n"
        }
        text += "Content-Length: \(body.count)\r\n"
        text += keepAlive ? "Connection: keep-alive\r\n" : "Connection: close\r\n"
        text += "\r\n"
        var bytes = Array(text.utf8)
        if !headOnly { bytes += body }
        return bytes
    }
}
