import Testing

@testable import WebServer

/// The HTTP request parser: whole requests however they are split, and every malformed, oversized
/// or badly encoded request refused with a 4xx status before more than the limits is kept.
@Suite struct RequestParserTests {
    /// A small SplitMix64, so that every random case can be repeated from its seed.
    struct Generator {
        var state: UInt64
        mutating func next() -> UInt64 {
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
        mutating func below(_ bound: Int) -> Int { Int(next() % UInt64(bound)) }
    }

    static func parse(_ text: String, limits: RequestLimits = RequestLimits()) -> RequestParser.Step {
        var parser = RequestParser(limits: limits)
        parser.append(Array(text.utf8))
        return parser.next()
    }

    static func status(_ step: RequestParser.Step) -> Int? {
        if case .failed(let error) = step { return error.status }
        return nil
    }

    @Test func aWholeRequestIsParsedWithPathQueryHeadersAndBody() throws {
        let body = "a=1&cpr=&name=%C3%A6bler+og+p%C3%A6rer"
        let step = Self.parse("POST /record/job_placement?x=%2Fy&z HTTP/1.1\r\nHost: 127.0.0.1:8\r\nCookie: a=b; caseledger_session=s1\r\n"
                              + "Content-Length: \(body.utf8.count)\r\n\r\n" + body)
        guard case .request(let request) = step else { Issue.record("not parsed: \(step)"); return }
        #expect(request.method == "POST")
        #expect(request.path == "/record/job_placement")
        #expect(request.query.map(\.name) == ["x", "z"])
        #expect(request.queryValue("x") == "/y")
        #expect(request.header("host") == "127.0.0.1:8")
        #expect(request.cookie("caseledger_session") == "s1")
        let form = try #require(request.form())
        #expect(form.first { $0.name == "name" }?.value == "æbler og pærer")
        #expect(request.keepAlive)
    }

    /// A request split into pieces at random places is the same request, and only the whole of it is.
    @Test func aRequestSplitAnywhereArrivesWhole() {
        var random = Generator(state: 24)
        let text = "POST /record?a=1 HTTP/1.1\r\nHost: h\r\nContent-Length: 11\r\n\r\nhello=world" + "GET /goals HTTP/1.1\r\nHost: h\r\nConnection: close\r\n\r\n"
        let bytes = Array(text.utf8)
        for round in 0..<300 {
            var parser = RequestParser()
            var requests: [HTTPRequest] = []
            var position = 0
            while position < bytes.count {
                let piece = 1 + random.below(min(40, bytes.count - position))
                parser.append(Array(bytes[position..<(position + piece)]))
                position += piece
                while case .request(let request) = parser.next() { requests.append(request) }
            }
            #expect(requests.map(\.path) == ["/record", "/goals"], "round \(round)")
            #expect(requests.first?.body == Array("hello=world".utf8))
            #expect(requests.last?.keepAlive == false)
            #expect(!parser.hasPartialRequest)
        }
    }

    @Test(arguments: [
        ("GARBAGE\r\n\r\n", 400),
        ("GET /\r\n\r\n", 400),
        ("GET  / HTTP/1.1\r\n\r\n", 400),
        ("get / HTTP/1.1\r\n\r\n", 400),
        ("DELETE / HTTP/1.1\r\n\r\n", 405),
        ("GET / HTTP/2.0\r\n\r\n", 505),
        ("GET / FTP/1.0\r\n\r\n", 400),
        ("GET http://elsewhere/ HTTP/1.1\r\n\r\n", 400),
        ("GET * HTTP/1.1\r\n\r\n", 400),
        ("GET /a\u{7F}b HTTP/1.1\r\n\r\n", 400),
        ("GET / HTTP/1.1\r\n folded: line\r\n\r\n", 400),
        ("GET / HTTP/1.1\r\nno colon here\r\n\r\n", 400),
        ("GET / HTTP/1.1\r\nbad name: x\r\n\r\n", 400),
        ("GET / HTTP/1.1\r\nx: a\u{01}b\r\n\r\n", 400),
        ("POST / HTTP/1.1\r\nContent-Length: -1\r\n\r\n", 400),
        ("POST / HTTP/1.1\r\nContent-Length: 1e3\r\n\r\n", 400),
        ("POST / HTTP/1.1\r\nContent-Length: 3\r\nContent-Length: 4\r\n\r\nabcd", 400),
        ("POST / HTTP/1.1\r\nContent-Length: 99999999999999999999\r\n\r\n", 400),
        ("POST / HTTP/1.1\r\nContent-Length: 70000\r\n\r\n", 413),
        ("POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n", 501),
        ("GET / HTTP/1.1\r\nContent-Length: 2\r\n\r\nab", 400),
    ])
    func aMalformedRequestIsRefused(text: String, status: Int) {
        #expect(Self.status(Self.parse(text)) == status, "\(text.debugDescription)")
    }

    @Test(arguments: [
        "/%", "/%2", "/%zz", "/%C3", "/%FF%FE", "/a%00b", "/?a=%", "/?a=%C3%28", "/?%E2%82=1", "/?a=%0Ab",
    ])
    func aBadPercentEncodingIsRefused(target: String) {
        #expect(Self.status(Self.parse("GET \(target) HTTP/1.1\r\nHost: h\r\n\r\n")) == 400, "\(target)")
    }

    @Test func aBadlyEncodedFormIsNotAForm() {
        guard case .request(let request) = Self.parse("POST / HTTP/1.1\r\nContent-Length: 5\r\n\r\na=%GG") else {
            Issue.record("not parsed")
            return
        }
        #expect(request.form() == nil)
    }

    /// A request line or header block beyond its limit is refused as soon as the limit is passed,
    /// without waiting for its end (a client sending megabytes gets an answer at the limit).
    @Test func hugeRequestLinesAndHeadersAreRefusedAtTheLimit() {
        var parser = RequestParser()
        parser.append(Array(("GET /" + String(repeating: "a", count: 9_000)).utf8))
        #expect(Self.status(parser.next()) == 414)

        parser = RequestParser()
        parser.append(Array("GET / HTTP/1.1\r\n".utf8))
        var step = parser.next()
        var sent = 0
        while case .needMore = step, sent < 1_000_000 {
            parser.append(Array("X-Filler: \(String(repeating: "b", count: 990))\r\n".utf8))
            sent += 1_000
            step = parser.next()
        }
        #expect(Self.status(step) == 431)
        #expect(sent <= RequestLimits().headerBytesMax + 1_000)

        var many = "GET / HTTP/1.1\r\n"
        for i in 0..<65 { many += "X-\(i): 1\r\n" }
        #expect(Self.status(Self.parse(many + "\r\n")) == 431)
    }

    /// Random mutations of valid requests (bytes replaced, inserted, cut, duplicated): the parser
    /// never traps, refuses with 4xx or 5xx, and never keeps more than one request's worth of bytes
    /// waiting for more.
    @Test func randomMutationsNeverTrapAndStayWithinLimits() {
        let seed = UInt64(2_024)
        var random = Generator(state: seed)
        let samples = [
            "GET /goals?at=2014-12-31&known_at=2015-01-31 HTTP/1.1\r\nHost: 127.0.0.1:8080\r\nCookie: caseledger_session=abc\r\n\r\n",
            "POST /record/activation_started HTTP/1.1\r\nHost: h\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: 27\r\n\r\ncsrf=x&cpr=&effective=2014",
            "HEAD / HTTP/1.0\r\nConnection: keep-alive\r\n\r\n",
        ]
        let alphabet = Array("\r\n :%/?&=+GETPOSTHTTP/1.0aZ\u{0}\u{7F}\u{FF}".utf8)
        var outcomes = [0, 0, 0]
        for round in 0..<4_000 {
            var bytes = Array(samples[random.below(samples.count)].utf8)
            for _ in 0..<(1 + random.below(4)) {
                let at = random.below(bytes.count)
                switch random.below(4) {
                case 0: bytes[at] = random.below(2) == 0 ? alphabet[random.below(alphabet.count)] : UInt8(truncatingIfNeeded: random.next())
                case 1: bytes.insert(alphabet[random.below(alphabet.count)], at: at)
                case 2: bytes.removeSubrange(at..<min(bytes.count, at + 1 + random.below(8)))
                default: bytes.insert(contentsOf: bytes[at..<min(bytes.count, at + random.below(20))], at: at)
                }
                if bytes.isEmpty { bytes = [0x47] }
            }
            var parser = RequestParser()
            parser.append(bytes)
            var steps = 0
            loop: while steps < 10 {
                steps += 1
                switch parser.next() {
                case .request(let request):
                    outcomes[0] += 1
                    #expect(request.path.hasPrefix("/"), "seed \(seed) round \(round)")
                    #expect(request.body.count <= parser.limits.bodyBytesMax)
                case .needMore:
                    outcomes[1] += 1
                    #expect(parser.buffered.count <= parser.requestBytesMax, "seed \(seed) round \(round)")
                    break loop
                case .failed(let error):
                    outcomes[2] += 1
                    #expect((400...599).contains(error.status), "seed \(seed) round \(round)")
                    break loop
                }
            }
        }
        // The mutations reach every outcome (a generator that only ever breaks requests would test less).
        #expect(outcomes.allSatisfy { $0 > 0 }, "outcomes \(outcomes)")
    }
}
