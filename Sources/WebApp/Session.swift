import LedgerCore

/// Who may use the server: the access token printed at start, the sessions it opened (a cookie
/// each) and their CSRF tokens.
///
/// The token is 32 random bytes, shown once as part of the URL printed by `serve`. Opening that URL
/// opens a session: a random id in an HttpOnly, SameSite=Strict cookie, so that no script and no
/// other site can use it. Every POST carries the session's CSRF token (an HMAC of the session id
/// under a key of this run) in a hidden form field, so a form on another page cannot post here.
final class Sessions: @unchecked Sendable {
    /// The cookie's name.
    static let cookieName = "caseledger_session"
    /// The form field carrying the CSRF token.
    static let csrfField = "csrf"
    /// Most sessions open at once (the oldest is closed beyond it).
    static let sessionsMax = 64

    /// The access token, 64 hex digits.
    let accessToken: String
    private let csrfKey: [UInt8]
    private let open = Locked<[String]>([])

    /// Makes fresh random tokens from the kernel's random source.
    init() throws(SystemError) {
        accessToken = Sessions.hex(try SystemCalls.randomBytes(32))
        csrfKey = try SystemCalls.randomBytes(32)
    }

    /// Opens a session when `token` is the access token; returns the new session's id.
    func login(token: String) throws(SystemError) -> String? {
        guard Sessions.equalInConstantTime(token, accessToken) else { return nil }
        let id = Sessions.hex(try SystemCalls.randomBytes(32))
        open.withLock { sessions in
            sessions.append(id)
            if sessions.count > Sessions.sessionsMax { sessions.removeFirst() }
        }
        return id
    }

    /// Whether `id` is an open session.
    func isOpen(_ id: String?) -> Bool {
        guard let id, id.utf8.count == 64 else { return false }
        return open.withLock { sessions in sessions.contains { Sessions.equalInConstantTime($0, id) } }
    }

    /// The CSRF token of session `id`.
    func csrfToken(session id: String) -> String {
        HMACSHA256.authenticationCode(key: csrfKey, message: Array(("csrf:" + id).utf8)).hex
    }

    /// The Set-Cookie value of a session: HttpOnly (no script reads it), SameSite=Strict (no other
    /// site's link or form sends it), for the whole server.
    static func cookie(_ id: String) -> String {
        "\(cookieName)=\(id); Path=/; HttpOnly; SameSite=Strict"
    }

    /// Lower-case hex of `bytes`.
    static func hex(_ bytes: [UInt8]) -> String {
        let digits = Array("0123456789abcdef")
        var text = ""
        for byte in bytes {
            text.append(digits[Int(byte >> 4)])
            text.append(digits[Int(byte & 15)])
        }
        return text
    }

    /// Whether two tokens are equal, in a time that does not depend on where they first differ.
    static func equalInConstantTime(_ a: String, _ b: String) -> Bool {
        let x = Array(a.utf8), y = Array(b.utf8)
        guard x.count == y.count else { return false }
        var difference: UInt8 = 0
        for i in x.indices { difference |= x[i] ^ y[i] }
        return difference == 0
    }
}
