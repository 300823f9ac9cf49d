// `verify` checks a correction against the line it corrects, as Tools/verify_ledger.py does
// (EventLogs/FORMAT.md sections 8 and 9): a superseding correction carries the corrected type's
// facts in full and in the catalog's order, and ledger_opened, publication and correction lines
// are never corrected. Each case rewrites a correction stored by a real append, recomputes its
// hash, chains the lines after it again and moves the head, so only this rule can find it.

import Foundation
import Testing

@testable import LedgerCore

extension Tamper {
    /// Rewrites 1-based line `line` of the ledger's only segment with `change`, recomputes its
    /// hash, chains every later line to it again and writes the head for the new last line: a
    /// forgery that every hash and the chain agree with.
    static func forge(_ test: TestLedger, line: Int, _ change: (inout Event) -> Void) throws {
        var lines = lines(test.segment1)
        var previous: SHA256Digest? = nil
        for index in (line - 1)..<lines.count {
            var recorded = try LineDecoder.decode(lines[index])
            if index == line - 1 { change(&recorded.event) }
            if let previous { recorded.prev = previous }
            var encoded: [UInt8] = []
            previous = CanonicalEncoder.appendLine(seq: recorded.seq, recordedAt: recorded.recordedAt, event: recorded.event,
                                                   prev: recorded.prev, to: &encoded)
            lines[index] = Array(encoded.dropLast())
        }
        let bytes = joinLines(lines)
        writeBytes(test.segment1, bytes)
        let last = try LineDecoder.decode(lines[lines.count - 1])
        let head = HeadRecord(seq: last.seq, hash: try #require(previous), segment: 1, offset: Int64(bytes.count))
        writeBytes(test.headPath, head.slotBytes + head.slotBytes)
    }
}

extension LedgerFileTests {
    @Suite final class CorrectionVerifyTests {
        let directory = TemporaryDirectory("correction-verify")

        /// Lines: 1 ledger_opened, 2 citizen_registered, 3 benefit_started, 4 benefit_ended,
        /// 5 a superseding correction of line 4 (reason job to education), 6 survey_response.
        func ledger() throws -> TestLedger {
            let test = try TestLedger(in: directory)
            let cpr = TestCPR.first
            try test.append([
                inputLine("citizen_registered", effective: "2014-01-02", cpr: cpr, facts: #"{"birth_date":"1990-01-01","education":"none"}"#),
                inputLine("benefit_started", effective: "2014-01-06", cpr: cpr, facts: #"{"benefit":"a-dagpenge"}"#),
                inputLine("benefit_ended", effective: "2014-03-31", cpr: cpr, facts: #"{"benefit":"a-dagpenge","reason":"job"}"#),
            ])
            try test.append([
                inputLine("correction", effective: nil, municipality: nil, cpr: nil,
                          facts: #"{"corrects":4,"action":"supersede","correction_reason":"wrong-facts","benefit":"a-dagpenge","reason":"education"}"#),
                inputLine("survey_response", effective: "2014-04-01", facts: #"{"respondent":"citizen","satisfied":true}"#),
            ])
            #expect(Tamper.lines(test.segment1).count == 6)
            _ = try LedgerVerifier.verify(test.ledger)
            return test
        }

        @Test("a superseding correction that leaves out a required fact of the corrected type is named at its line")
        func supersedeMissingFact() throws {
            let test = try ledger()
            try Tamper.forge(test, line: 5) { event in event.facts.removeAll { $0.name == "reason" } }
            let defect = try #require(corruptLocation(test.ledger))
            #expect(defect.file == "segment-000001.jsonl")
            #expect(defect.line == 5)
            #expect(defect.reason.contains("facts.reason is missing"), "\(defect.reason)")
            #expect(defect.reason.contains("benefit_ended"), "\(defect.reason)")
        }

        @Test("a superseding correction with a fact the corrected type does not have is named at its line")
        func supersedeForeignFact() throws {
            let test = try ledger()
            try Tamper.forge(test, line: 5) { event in event.facts.append(Fact("category", .text("jobparat"))) }
            let defect = try #require(corruptLocation(test.ledger))
            #expect(defect.line == 5)
            #expect(defect.reason.contains("facts.category is not a field of benefit_ended"), "\(defect.reason)")
        }

        @Test("a superseding correction whose fact has the wrong kind for the corrected type is named at its line")
        func supersedeWrongKind() throws {
            let test = try ledger()
            try Tamper.forge(test, line: 5) { event in
                let index = try! #require(event.facts.firstIndex { $0.name == "reason" })
                event.facts[index] = Fact("reason", .text("holiday"))
            }
            let defect = try #require(corruptLocation(test.ledger))
            #expect(defect.line == 5)
            #expect(defect.reason.contains("facts.reason"), "\(defect.reason)")
        }

        @Test("a superseding correction made to replace another type's facts (the target moved) is named at its line")
        func supersedeOtherTarget() throws {
            let test = try ledger()
            // Line 3 is a benefit_started: benefit_ended's reason is not one of its fields.
            try Tamper.forge(test, line: 5) { event in event.facts[0] = Fact("corrects", .integer(3)) }
            let defect = try #require(corruptLocation(test.ledger))
            #expect(defect.line == 5)
            #expect(defect.reason.contains("benefit_started"), "\(defect.reason)")
        }

        @Test("a correction of a correction is named at its line")
        func correctionOfCorrection() throws {
            let test = try ledger()
            // Line 6 becomes a retraction of line 5, itself a correction.
            try Tamper.forge(test, line: 6) { event in
                event.type = .correction
                event.municipality = nil
                event.facts = [Fact("corrects", .integer(5)), Fact("action", .text("retract")), Fact("correction_reason", .text("duplicate"))]
            }
            let defect = try #require(corruptLocation(test.ledger))
            #expect(defect.line == 6)
            #expect(defect.reason.contains("a correction, which cannot be corrected"), "\(defect.reason)")
        }

        @Test("the forged lines are valid in every other respect: the same edit that keeps the rule verifies")
        func forgeryKeepingTheRuleVerifies() throws {
            let test = try ledger()
            // The superseding facts changed to other valid ones: hashes, chain and head all agree.
            try Tamper.forge(test, line: 5) { event in
                let index = try! #require(event.facts.firstIndex { $0.name == "reason" })
                event.facts[index] = Fact("reason", .text("job"))
            }
            let report = try LedgerVerifier.verify(test.ledger)
            #expect(report.events == 6)
        }
    }
}
