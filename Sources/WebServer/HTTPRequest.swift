/// One HTTP/1.1 request as the server received it: method, decoded path and query, headers and body.
///
/// Made only by ``RequestParser``, which has checked every limit and encoding, so the fields are
/// plain text (valid UTF-8, no control characters in names) and the body is at most
/// ``RequestLimits/bodyBytesMax`` bytes.
public struct HTTPRequest: Sendable {
    /// The method: GET, HEAD or POST.
    public var method: String
    /// The path, percent-decoded (starts with `/`).
    public var path: String
    /// The query's name and value pairs, decoded, in the order given.
    public var query: [(name: String, value: String)]
    /// The header fields, names lowercased, in the order given.
    public var headers: [(name: String, value: String)]
    /// The body's bytes (empty without one).
    public var body: [UInt8]
    /// Whether the client asked to keep the connection open for another request.
    public var keepAlive: Bool

    /// Makes a request from its parts (tests make requests to hand to an application).
    public init(method: String, path: String, query: [(name: String, value: String)] = [], headers: [(name: String, value: String)] = [],
                body: [UInt8] = [], keepAlive: Bool = true) {
        self.method = method
        self.path = path
        self.query = query
        self.headers = headers
        self.body = body
        self.keepAlive = keepAlive
    }

    /// The first value of a header field (`name` in lower case), or nil.
    public func header(_ name: String) -> String? {
        headers.first { $0.name == name }?.value
    }

    /// The first value of a query parameter, or nil.
    public func queryValue(_ name: String) -> String? {
        query.first { $0.name == name }?.value
    }

    /// A cookie's value from the Cookie header, or nil.
    public func cookie(_ name: String) -> String? {
        for field in headers where field.name == "cookie" {
            for part in field.value.split(separator: ";") {
                let pair = part.split(separator: "=", maxSplits: 1)
                guard pair.count == 2 else { continue }
                if pair[0].trimmingSpaces == name { return String(pair[1].trimmingSpaces) }
            }
        }
        return nil
    }

    /// The body as an HTML form (`application/x-www-form-urlencoded`): name and value pairs in
    /// order; nil when the body is not a valid form (a bad percent-encoding or invalid UTF-8).
    public func form() -> [(name: String, value: String)]? {
        PercentEncoding.decodeForm(body[...])
    }
}

extension Substring {
    /// The text without leading and trailing spaces and tabs.
    var trimmingSpaces: Substring {
        var text = self
        while let first = text.first, first == " " || first == "\t" { text = text.dropFirst() }
        while let last = text.last, last == " " || last == "\t" { text = text.dropLast() }
        return text
    }
}
