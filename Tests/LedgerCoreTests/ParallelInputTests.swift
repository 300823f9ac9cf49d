import Testing
@testable import LedgerCore

/// The parallel decoding of a JSON Lines batch gives exactly what the one-thread decoding gives:
/// the same records with the same line numbers, and the same first error.
@Suite struct ParallelInputTests {
    static let decoder = InputDecoder(source: "test input", allowsRecordedAt: false) { (_) throws(LedgerError) -> Pseudonym in
        throw LedgerError.invalidRequest("no CPR in this test")
    }

    /// A batch of `count` lines (several MiB), with blank and CRLF lines mixed in.
    static func batch(count: Int, random: inout SplitMix64) -> [String] {
        (0..<count).map { i in
            switch random.below(40) {
            case 0: return ""
            case 1: return "   "
            default:
                let citizen = "c-" + random.hex(16)
                let line = inputLine("match_assessed", effective: "2014-0\(1 + random.below(9))-1\(random.below(10))", citizen: citizen,
                                     facts: #"{"category":"jobparat","note":"\#(String(repeating: "x", count: random.below(200)))"}"#)
                return random.below(10) == 0 ? line + "\r" : line
            }
        }
    }

    static func run(_ lines: [String], parallel: Bool) -> (records: [String], error: String?) {
        let bytes = Array(lines.joined(separator: "\n").utf8)
        var records: [String] = []
        let body = { (record: InputRecord) throws(LedgerError) -> Void in
            records.append("\(record.line) \(record.type.rawValue) \(record.citizen?.text ?? "-") \(record.effective?.iso ?? "-")")
        }
        let result = Result { () throws(LedgerError) in
            if parallel {
                try InputBatch.forEachRecordInParallel(jsonLines: bytes, decoder: decoder, threads: 3, body)
            } else {
                try InputBatch.forEachRecord(jsonLines: bytes, decoder: decoder, body)
            }
        }
        if case .failure(let error) = result { return (records, "\(error)") }
        return (records, nil)
    }

    @Test("parallel and one-thread decoding agree, on whole batches and with a bad line anywhere", arguments: [UInt64(1), 2, 3])
    func agree(seed: UInt64) {
        var random = SplitMix64(seed: testSeed(seed))
        var lines = Self.batch(count: 12_000, random: &random)
        let whole = Self.run(lines, parallel: true)
        #expect(whole.error == nil)
        #expect(whole.records == Self.run(lines, parallel: false).records)
        #expect(Array(lines.joined(separator: "\n").utf8).count > InputBatch.parallelInputBytesMin)
        // Two bad lines: the first in input order is the one named, whichever chunk holds it.
        for _ in 0..<4 {
            var broken = lines
            let first = random.below(lines.count - 1)
            let second = first + 1 + random.below(lines.count - first - 1)
            broken[first] = #"{"type":"match_assessed","effective":"2014-02-30"}"#
            broken[second] = "{not json"
            let parallel = Self.run(broken, parallel: true)
            let serial = Self.run(broken, parallel: false)
            #expect(parallel.error != nil)
            #expect(parallel.error == serial.error, "bad lines \(first + 1) and \(second + 1)")
            #expect(parallel.error?.contains("line \(first + 1),") == true, "\(parallel.error ?? "")")
            #expect(parallel.records == serial.records)
        }
        lines.removeAll()
    }
}
