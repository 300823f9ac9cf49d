// Helpers shared by the simulation tests: generating lines, decoding them and validating them in
// memory with the ledger's own validator.

import Foundation
import LedgerCore
import Testing

@testable import Simulation

enum SimulationSupport {
    /// 2011-01-01, the default first day.
    static let from = Day(year: 2011, month: 1, day: 1)!
    /// 2014-12-31, the default last day.
    static let to = Day(year: 2014, month: 12, day: 31)!
    /// A recorded-at before every generated line (for the ledger's first line).
    static let before = Timestamp(iso: "2010-12-31T08:00:00.000Z")!

    /// The lines generated for `options`.
    static func lines(_ options: GeneratorOptions) -> [String] {
        var lines: [String] = []
        Generator.generate(options) { lines.append($0) }
        return lines
    }

    /// Options for the default four years.
    static func options(citizens: Int, seed: UInt64, municipalities: [Int] = [250], withRecordedAt: Bool = false) -> GeneratorOptions {
        GeneratorOptions(
            citizens: citizens, seed: seed, from: from, to: to, municipalities: municipalities,
            withRecordedAt: withRecordedAt)
    }

    /// The event type named at the start of a generated line.
    static func type(of line: String) -> String {
        let prefix = "{\"type\":\""
        precondition(line.hasPrefix(prefix))
        return String(line.dropFirst(prefix.count).prefix { $0 != "\"" })
    }

    /// A decoder that accepts no CPR numbers (the generator never writes any).
    static func decoder(allowsRecordedAt: Bool) -> InputDecoder {
        InputDecoder(source: "generated", allowsRecordedAt: allowsRecordedAt) { (_: [UInt8]) throws(LedgerError) -> Pseudonym in
            throw LedgerError.invalidRequest("the generator writes no CPR numbers")
        }
    }

    /// Decodes every line (1-based line numbers).
    static func records(_ lines: [String], allowsRecordedAt: Bool) throws -> [InputRecord] {
        let decoder = decoder(allowsRecordedAt: allowsRecordedAt)
        return try lines.enumerated().map { index, line in
            var bytes = Array(line.utf8)
            return try bytes.withUnsafeMutableBytes { buffer in
                try decoder.decode(jsonLine: UnsafeRawBufferPointer(buffer), line: index + 1)
            }
        }
    }

    /// Validates the lines in memory as one batch after a ledger's first line, and returns the
    /// accepted events with their recorded-at times (sequence numbers from 2).
    static func validate(_ lines: [String], municipalities: [Int], allowsRecordedAt: Bool) throws -> [(event: Event, recordedAt: Timestamp)] {
        var state = LedgerState()
        let genesis = Event(
            type: .ledgerOpened, effective: before.utcDay, municipality: nil, citizen: nil,
            facts: [
                Fact("ledger_id", .text("L-0000000000000000")),
                Fact("jobcenter", .text("Jobcenter Test")),
                Fact("municipalities", .text(municipalities.map { String(format: "%03d", $0) }.joined(separator: ","))),
            ])
        state.apply(RecordedEvent(seq: 1, recordedAt: before, event: genesis, prev: .zero, hash: .zero))
        var validator = BatchValidator(state: state, source: "generated", now: Clock.now(), recordedAt: nil) { _ in nil }
        var accepted: [(event: Event, recordedAt: Timestamp)] = []
        for record in try records(lines, allowsRecordedAt: allowsRecordedAt) {
            accepted.append(try validator.validate(record))
        }
        return accepted
    }

    /// A new empty temporary directory.
    static func temporaryDirectory() throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("simulation-tests-" + UUID().uuidString)
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }
}
