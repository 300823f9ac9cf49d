// Validation: each rule with a bad input line, the field and message it is rejected with, and
// the guarantee that a rejected batch writes nothing.

import Foundation
import Testing

@testable import LedgerCore

/// The ledger every validation case starts from: historical, created on 2014-01-01 with the batch
/// below recorded on 2014-06-01. Sequence numbers: 1 ledger_opened, 2 citizen A registered,
/// 3 benefit a-dagpenge started, 4 activation AKT-1 started, 5 activation AKT-1 ended,
/// 6 correction superseding seq 2, 7 job order O-1 received.
struct ValidationFixture: CustomTestStringConvertible {
    let test: TestLedger
    var testDescription: String { test.testDescription }

    static let setup = [
        inputLine("citizen_registered", effective: "2014-01-02", cpr: TestCPR.first, facts: #"{"birth_date":"1990-01-01","education":"none"}"#),
        inputLine("benefit_started", effective: "2014-01-06", cpr: TestCPR.first, facts: #"{"benefit":"a-dagpenge"}"#),
        inputLine("activation_started", effective: "2014-02-03", cpr: TestCPR.first, facts: #"{"activity_id":"AKT-1","kind":"mentor","provider":"jobcenter"}"#),
        inputLine("activation_ended", effective: "2014-03-28", cpr: TestCPR.first, facts: #"{"activity_id":"AKT-1"}"#),
        inputLine("correction", municipality: nil, facts: #"{"corrects":2,"action":"supersede","correction_reason":"wrong-facts","birth_date":"1990-01-01","education":"vocational"}"#),
        inputLine("job_order_received", effective: "2014-03-01", facts: #"{"order_id":"O-1","employer_cvr":"12345678","positions":2}"#),
    ]

    /// The time the setup batch was recorded.
    static let setupRecordedAt = Timestamp(iso: "2014-06-01T10:00:00Z")!

    init(in directory: TemporaryDirectory) throws {
        test = try TestLedger(in: directory, recordedAt: Timestamp(iso: "2014-01-01T08:00:00Z")!)
        try test.append(Self.setup, recordedAt: Self.setupRecordedAt)
    }

    /// Good lines placed around a bad one.
    static let goodBefore = inputLine("survey_response", effective: "2014-06-02", facts: #"{"respondent":"citizen","satisfied":true}"#)
    static let goodAfter = inputLine("company_visited", effective: "2014-06-03", facts: #"{"cvr":"12345678"}"#)

    /// Appends `[goodBefore, bad, goodAfter]`; returns the input error, checking that nothing was written.
    func rejection(of bad: String, recordedAt: Timestamp? = nil, historical: Bool = false,
                   sourceLocation: SourceLocation = #_sourceLocation) -> InputError? {
        let segment = readBytes(test.segment1)
        let head = readBytes(test.headPath)
        defer {
            let segmentUnchanged = readBytes(test.segment1) == segment
            let headUnchanged = readBytes(test.headPath) == head
            #expect(segmentUnchanged, "the segment is unchanged", sourceLocation: sourceLocation)
            #expect(headUnchanged, "the head is unchanged", sourceLocation: sourceLocation)
        }
        do {
            try test.append([Self.goodBefore, bad, Self.goodAfter], recordedAt: recordedAt, historical: historical)
            Issue.record("the batch was accepted", sourceLocation: sourceLocation)
            return nil
        } catch LedgerError.input(let error) {
            return error
        } catch {
            Issue.record("expected an input error, got \(error)", sourceLocation: sourceLocation)
            return nil
        }
    }
}

extension LedgerFileTests {
    @Suite final class ValidationTests {
        let directory = TemporaryDirectory("validation")

        /// A bad line, the field it must be rejected in and a fragment of the message.
        struct RuleCase: Sendable, CustomTestStringConvertible {
            let label: String
            let line: String
            let field: String
            let fragment: String
            var testDescription: String { label }
        }

        static let a = TestCPR.first
        static let b = TestCPR.second

        static let ruleCases: [RuleCase] = [
            RuleCase(label: "missing required fact", line: inputLine("citizen_registered", effective: "2014-06-02", cpr: b, facts: #"{"birth_date":"1985-06-15"}"#),
                     field: "facts.education", fragment: "required field is missing"),
            RuleCase(label: "missing effective date", line: inputLine("match_assessed", cpr: a, facts: #"{"category":"jobparat"}"#),
                     field: "effective", fragment: "required field is missing"),
            RuleCase(label: "missing type", line: #"{"effective":"2014-06-02","municipality":"183","facts":{}}"#,
                     field: "type", fragment: "required field is missing"),
            RuleCase(label: "unknown fact", line: inputLine("match_assessed", effective: "2014-06-02", cpr: a, facts: #"{"category":"jobparat","mood":"good"}"#),
                     field: "facts.mood", fragment: "unknown field for match_assessed"),
            RuleCase(label: "wrong JSON type for a choice", line: inputLine("match_assessed", effective: "2014-06-02", cpr: a, facts: #"{"category":7}"#),
                     field: "facts.category", fragment: "found a number"),
            RuleCase(label: "wrong JSON type for a date", line: inputLine("citizen_registered", effective: "2014-06-02", cpr: b, facts: #"{"birth_date":19850615,"education":"none"}"#),
                     field: "facts.birth_date", fragment: "found a number"),
            RuleCase(label: "text for a whole number", line: inputLine("paid_hours_registered", effective: "2014-05-31", cpr: a, facts: #"{"month":"2014-05","hours":"many"}"#),
                     field: "facts.hours", fragment: "expected a whole number"),
            RuleCase(label: "fraction for a whole number", line: inputLine("paid_hours_registered", effective: "2014-05-31", cpr: a, facts: #"{"month":"2014-05","hours":4.5}"#),
                     field: "facts.hours", fragment: "expected a whole number"),
            RuleCase(label: "number out of range", line: inputLine("paid_hours_registered", effective: "2014-05-31", cpr: a, facts: #"{"month":"2014-05","hours":745}"#),
                     field: "facts.hours", fragment: "outside 1...744"),
            RuleCase(label: "not a choice", line: inputLine("match_assessed", effective: "2014-06-02", cpr: a, facts: #"{"category":"jobklar"}"#),
                     field: "facts.category", fragment: "is not one of"),
            RuleCase(label: "facts not an object", line: inputLine("match_assessed", effective: "2014-06-02", cpr: a, facts: #"["jobparat"]"#),
                     field: "facts", fragment: "expected an object"),
            RuleCase(label: "impossible effective date", line: inputLine("match_assessed", effective: "2014-02-29", cpr: a, facts: #"{"category":"jobparat"}"#),
                     field: "effective", fragment: "real calendar date"),
            RuleCase(label: "impossible date in a fact", line: inputLine("citizen_registered", effective: "2014-06-02", cpr: b, facts: #"{"birth_date":"1985-02-29","education":"none"}"#),
                     field: "facts.birth_date", fragment: "real calendar date"),
            RuleCase(label: "effective date years ahead", line: inputLine("match_assessed", effective: "2099-01-01", cpr: a, facts: #"{"category":"jobparat"}"#),
                     field: "effective", fragment: "more than 1000 days after"),
            RuleCase(label: "end before start", line: inputLine("benefit_ended", effective: "2014-01-05", cpr: a, facts: #"{"benefit":"a-dagpenge","reason":"job"}"#),
                     field: "effective", fragment: "is before the start 2014-01-06"),
            RuleCase(label: "municipality not in the ledger", line: inputLine("match_assessed", effective: "2014-06-02", municipality: "250", cpr: a, facts: #"{"category":"jobparat"}"#),
                     field: "municipality", fragment: "does not belong to this ledger"),
            RuleCase(label: "municipality not three digits", line: inputLine("match_assessed", effective: "2014-06-02", municipality: "18", cpr: a, facts: #"{"category":"jobparat"}"#),
                     field: "municipality", fragment: "three-digit municipality code"),
            RuleCase(label: "municipality missing", line: inputLine("match_assessed", effective: "2014-06-02", municipality: nil, cpr: a, facts: #"{"category":"jobparat"}"#),
                     field: "municipality", fragment: "required for match_assessed"),
            RuleCase(label: "closing without an open period", line: inputLine("sickleave_closed", effective: "2014-06-02", cpr: a, facts: #"{"reason":"recovered"}"#),
                     field: "type", fragment: "has no open sickleave"),
            RuleCase(label: "closing a period already closed", line: inputLine("activation_ended", effective: "2014-06-02", cpr: a, facts: #"{"activity_id":"AKT-1"}"#),
                     field: "type", fragment: "has no open activation AKT-1"),
            RuleCase(label: "partial return without an open sick-leave case", line: inputLine("sickleave_partial_return", effective: "2014-06-02", cpr: a, facts: #"{"weekly_hours":10}"#),
                     field: "type", fragment: "no open sickleave to return partially from"),
            RuleCase(label: "opening while open", line: inputLine("benefit_started", effective: "2014-06-02", cpr: a, facts: #"{"benefit":"a-dagpenge"}"#),
                     field: "type", fragment: "already has an open benefit a-dagpenge since 2014-01-06 (seq 3)"),
            RuleCase(label: "correction of a sequence number that does not exist", line: inputLine("correction", municipality: nil, facts: #"{"corrects":99,"action":"retract","correction_reason":"fejloprettet"}"#),
                     field: "facts.corrects", fragment: "there is no event 99"),
            RuleCase(label: "correction of a correction", line: inputLine("correction", municipality: nil, facts: #"{"corrects":6,"action":"retract","correction_reason":"fejloprettet"}"#),
                     field: "facts.corrects", fragment: "is itself a correction"),
            RuleCase(label: "correction of the ledger's first line", line: inputLine("correction", municipality: nil, facts: #"{"corrects":1,"action":"retract","correction_reason":"fejloprettet"}"#),
                     field: "facts.corrects", fragment: "cannot be corrected"),
            RuleCase(label: "retract of an opening whose period is closed", line: inputLine("correction", municipality: nil, facts: #"{"corrects":4,"action":"retract","correction_reason":"fejloprettet"}"#),
                     field: "facts.corrects", fragment: "opened a period that was closed at seq 5"),
            RuleCase(label: "retract of a citizen registration", line: inputLine("correction", municipality: nil, facts: #"{"corrects":2,"action":"retract","correction_reason":"fejloprettet"}"#),
                     field: "facts.corrects", fragment: "is not retracted"),
            RuleCase(label: "retract carrying other facts", line: inputLine("correction", municipality: nil, facts: #"{"corrects":7,"action":"retract","correction_reason":"duplicate","positions":3}"#),
                     field: "facts.positions", fragment: "carries no other facts"),
            RuleCase(label: "correction with another effective date", line: inputLine("correction", effective: "2014-03-02", municipality: nil, facts: #"{"corrects":7,"action":"retract","correction_reason":"wrong-date"}"#),
                     field: "effective", fragment: "takes the original's effective date"),
            RuleCase(label: "supersede changing the identifying order id", line: inputLine("correction", municipality: nil, facts: #"{"corrects":7,"action":"supersede","correction_reason":"wrong-facts","order_id":"O-2","employer_cvr":"12345678","positions":2}"#),
                     field: "facts.order_id", fragment: "cannot change order_id"),
            RuleCase(label: "unknown event type", line: inputLine("benefit_paused", effective: "2014-06-02", cpr: a, facts: "{}"),
                     field: "type", fragment: "unknown event type"),
            RuleCase(label: "ledger_opened by append", line: inputLine("ledger_opened", effective: "2014-06-02", municipality: nil, facts: "{}"),
                     field: "type", fragment: "written by the ledger itself"),
            RuleCase(label: "unknown top-level key", line: #"{"type":"match_assessed","effective":"2014-06-02","municipality":"183","comment":"x","facts":{"category":"jobparat"}}"#,
                     field: "comment", fragment: "unknown field; allowed"),
            RuleCase(label: "recorded_at without --historical", line: inputLine("match_assessed", effective: "2014-06-02", cpr: a, facts: #"{"category":"jobparat"}"#, recordedAt: "2014-06-02T00:00:00Z"),
                     field: "recorded_at", fragment: "append --historical"),
            RuleCase(label: "not JSON", line: #"{"type":"match_assessed","#, field: "", fragment: "not valid JSON"),
            RuleCase(label: "not an object", line: #"["match_assessed"]"#, field: "", fragment: "expected a JSON object"),
            RuleCase(label: "citizen not registered", line: inputLine("match_assessed", effective: "2014-06-02", cpr: b, facts: #"{"category":"jobparat"}"#),
                     field: "citizen", fragment: "is not registered in this ledger"),
            RuleCase(label: "citizen missing", line: inputLine("match_assessed", effective: "2014-06-02", facts: #"{"category":"jobparat"}"#),
                     field: "citizen", fragment: "is required for match_assessed"),
            RuleCase(label: "citizen on an event not about a person", line: inputLine("company_visited", effective: "2014-06-02", cpr: a, facts: #"{"cvr":"12345678"}"#),
                     field: "citizen", fragment: "not about a person"),
            RuleCase(label: "both citizen and cpr", line: inputLine("match_assessed", effective: "2014-06-02", cpr: a, citizen: "c-0123456789abcdef", facts: #"{"category":"jobparat"}"#),
                     field: "cpr", fragment: "either citizen or cpr"),
            RuleCase(label: "malformed pseudonym", line: inputLine("match_assessed", effective: "2014-06-02", citizen: "c-XYZ", facts: #"{"category":"jobparat"}"#),
                     field: "citizen", fragment: "expected a pseudonym"),
            RuleCase(label: "CPR-shaped text in a text field", line: inputLine("event_held", effective: "2014-06-02", facts: #"{"name":"Møde med \#(b)","participants":2}"#),
                     field: "facts.name", fragment: "looks like it holds a CPR number"),
            RuleCase(label: "CPR-shaped text without dash in a text field", line: inputLine("activation_started", effective: "2014-06-02", cpr: a, facts: #"{"activity_id":"AKT-2","kind":"mentor","provider":"anden-aktoer","provider_name":"Aktør \#(TestCPR.digitText(b))"}"#),
                     field: "facts.provider_name", fragment: "looks like it holds a CPR number"),
            RuleCase(label: "CPR-shaped identifier", line: inputLine("activation_started", effective: "2014-06-02", cpr: a, facts: #"{"activity_id":"\#(b)","kind":"mentor","provider":"jobcenter"}"#),
                     field: "facts.activity_id", fragment: "looks like it holds a CPR number"),
            RuleCase(label: "control character in a text field", line: inputLine("event_held", effective: "2014-06-02", facts: #"{"name":"Møde\u0007","participants":2}"#),
                     field: "facts.name", fragment: "control characters"),
            RuleCase(label: "another actor without a name", line: inputLine("activation_started", effective: "2014-06-02", cpr: a, facts: #"{"activity_id":"AKT-2","kind":"mentor","provider":"anden-aktoer"}"#),
                     field: "facts.provider_name", fragment: "required when provider is anden-aktoer"),
            RuleCase(label: "referral to an unknown job order", line: inputLine("job_order_referral", effective: "2014-06-02", cpr: a, facts: #"{"order_id":"O-9"}"#),
                     field: "facts.order_id", fragment: "no job order O-9"),
            RuleCase(label: "job order received twice", line: inputLine("job_order_received", effective: "2014-06-02", facts: #"{"order_id":"O-1","employer_cvr":"12345678","positions":1}"#),
                     field: "facts.order_id", fragment: "was received already"),
            RuleCase(label: "refugee without arrival date", line: inputLine("citizen_registered", effective: "2014-06-02", cpr: b, facts: #"{"birth_date":"1985-06-15","education":"none","refugee":true}"#),
                     field: "facts.arrival_date", fragment: "required when refugee is true"),
            RuleCase(label: "birth after the effective date", line: inputLine("citizen_registered", effective: "2014-06-02", cpr: b, facts: #"{"birth_date":"2015-06-15","education":"none"}"#),
                     field: "facts.birth_date", fragment: "is after the effective date"),
            RuleCase(label: "goal amended before adopted", line: inputLine("goal_amended", effective: "2014-06-02", facts: #"{"goal_id":"g-1","target":3}"#),
                     field: "facts.goal_id", fragment: "no goal g-1"),
            RuleCase(label: "CVR of seven digits", line: inputLine("company_visited", effective: "2014-06-02", facts: #"{"cvr":"1234567"}"#),
                     field: "facts.cvr", fragment: "exactly 8 digits"),
            RuleCase(label: "decimal with an exponent", line: inputLine("reference_figure", effective: "2014-06-02", municipality: nil, facts: #"{"name":"labour-force","period":"2014","value":1e3,"unit":"persons","source":"DST"}"#),
                     field: "facts.value", fragment: "without exponent"),
        ]

        @Test("each rule rejects its bad line with field and message, and nothing is written", arguments: ruleCases)
        func rule(_ c: RuleCase) throws {
            let fixture = try ValidationFixture(in: directory)
            let error = try #require(fixture.rejection(of: c.line))
            #expect(error.line == 2)
            #expect(error.source == "test input")
            #expect(error.field == c.field)
            #expect(error.message.contains(c.fragment), "\(error.message)")
            #expect(error.description.hasPrefix(c.field.isEmpty ? "test input line 2: " : "test input line 2, field \(c.field): "), "\(error.description)")
        }

        @Test("an invalid CPR number is rejected without showing its digits")
        func invalidCPR() throws {
            let fixture = try ValidationFixture(in: directory)
            for cpr in [TestCPR.impossible, TestCPR.digitText(TestCPR.impossible), TestCPR.dashed("3102" + "90", "1234")] {
                let error = try #require(fixture.rejection(of: inputLine("match_assessed", effective: "2014-06-02", cpr: cpr, facts: #"{"category":"jobparat"}"#)))
                #expect(error.field == "cpr")
                #expect(error.line == 2)
                #expect(error.message.contains("not a valid CPR number"), "\(error.message)")
                for text in [error.message, error.description, LedgerError.input(error).description] {
                    #expect(!text.contains(String(cpr.prefix(6))))
                    #expect(!text.contains(TestCPR.digitText(cpr)))
                }
            }
        }

        @Test("a CPR number put in a text field never appears in the error's description")
        func cprInTextFieldIsNotEchoed() throws {
            let fixture = try ValidationFixture(in: directory)
            let cpr = TestCPR.second
            // A choice field echoes the value it refuses; the description must remove the number.
            let error = try #require(fixture.rejection(of: inputLine("match_assessed", effective: "2014-06-02", cpr: TestCPR.first, facts: #"{"category":"\#(cpr)"}"#)))
            #expect(error.field == "facts.category")
            #expect(!error.description.contains(cpr))
            #expect(!LedgerError.input(error).description.contains(cpr))
            #expect(cprShapedMatches(Array(error.description.utf8)).isEmpty)
        }

        @Test("recorded-at before the head is rejected")
        func recordedAtBeforeHead() throws {
            let fixture = try ValidationFixture(in: directory)
            let error = try #require(fixture.rejection(of: ValidationFixture.goodBefore, recordedAt: Timestamp(iso: "2014-05-31T23:59:59Z")))
            #expect(error.field == "--recorded-at")
            #expect(error.line == 1)
            #expect(error.message.contains("is before the ledger's last recorded-at 2014-06-01T10:00:00.000Z"), "\(error.message)")
        }

        @Test("recorded-at equal to the head is accepted (it never decreases, it may stay)")
        func recordedAtEqualToHead() throws {
            let fixture = try ValidationFixture(in: directory)
            let result = try fixture.test.append([ValidationFixture.goodBefore], recordedAt: ValidationFixture.setupRecordedAt)
            #expect(result.firstSeq == 8)
        }

        @Test("recorded-at in the future is rejected")
        func recordedAtInFuture() throws {
            let fixture = try ValidationFixture(in: directory)
            let future = Timestamp(milliseconds: Clock.now().milliseconds + 86_400_000)
            let error = try #require(fixture.rejection(of: ValidationFixture.goodBefore, recordedAt: future))
            #expect(error.field == "--recorded-at")
            #expect(error.message.contains("is in the future"), "\(error.message)")
        }

        @Test("per-line recorded-at: before the head, decreasing within the batch, in the future")
        func perLineRecordedAt() throws {
            let fixture = try ValidationFixture(in: directory)
            func line(_ time: String) -> String {
                inputLine("survey_response", effective: "2014-06-02", facts: #"{"respondent":"citizen","satisfied":true}"#, recordedAt: time)
            }
            let before = try #require(fixture.rejection(of: line("2014-05-01T00:00:00Z"), historical: true))
            #expect(before.field == "recorded_at")
            #expect(before.line == 2)
            #expect(before.message.contains("before the ledger's last recorded-at"))

            // Decreasing: line 1 at 2014-07-01, line 2 at 2014-06-15.
            let segment = readBytes(fixture.test.segment1)
            do {
                try fixture.test.append([line("2014-07-01T00:00:00Z"), line("2014-06-15T00:00:00Z")], historical: true)
                Issue.record("a decreasing recorded-at was accepted")
            } catch LedgerError.input(let error) {
                #expect(error.field == "recorded_at")
                #expect(error.line == 2)
            }
            let unchanged = readBytes(fixture.test.segment1) == segment
            #expect(unchanged)

            let future = try #require(fixture.rejection(of: line("2999-01-01T00:00:00Z"), historical: true))
            #expect(future.field == "recorded_at")
            #expect(future.message.contains("in the future"))

            // Non-decreasing per-line times are accepted and stored as given.
            try fixture.test.append([line("2014-06-02T08:00:00Z"), line("2014-06-02T08:00:00.500Z")], historical: true)
            let events = try fixture.test.ledger.allEvents()
            #expect(events.suffix(2).map(\.recordedAt.iso) == ["2014-06-02T08:00:00.000Z", "2014-06-02T08:00:00.500Z"])
        }

        @Test("one bad line in the middle of a large batch writes nothing")
        func badLineInLargeBatch() throws {
            let fixture = try ValidationFixture(in: directory)
            let segment = readBytes(fixture.test.segment1)
            let head = readBytes(fixture.test.headPath)
            var lines = (0..<60).map { index in
                inputLine("company_registered", effective: "2014-06-02", facts: #"{"cvr":"\#(20_000_000 + index)","employees":\#(index)}"#)
            }
            lines[30] = inputLine("company_registered", effective: "2014-06-31", facts: #"{"cvr":"12345678","employees":1}"#)
            do {
                try fixture.test.append(lines)
                Issue.record("accepted")
            } catch LedgerError.input(let error) {
                #expect(error.line == 31)
                #expect(error.field == "effective")
            }
            let segmentUnchanged = readBytes(fixture.test.segment1) == segment
            let headUnchanged = readBytes(fixture.test.headPath) == head
            #expect(segmentUnchanged)
            #expect(headUnchanged)
            // A later good batch continues from the unchanged head.
            let result = try fixture.test.append(Array(lines[0..<30]))
            #expect(result.firstSeq == 8)
            #expect(try LedgerVerifier.verify(fixture.test.ledger).events == 37)
        }

        @Test("later lines of a batch see earlier ones: register, open, close and correct within one batch")
        func batchSeesItself() throws {
            let fixture = try ValidationFixture(in: directory)
            let b = TestCPR.second
            let result = try fixture.test.append([
                inputLine("citizen_registered", effective: "2014-06-02", cpr: b, facts: #"{"birth_date":"1985-06-15","education":"none"}"#),
                inputLine("sickleave_opened", effective: "2014-06-03", cpr: b, facts: #"{"status":"employed"}"#),
                inputLine("sickleave_partial_return", effective: "2014-06-10", cpr: b, facts: #"{"weekly_hours":10}"#),
                inputLine("sickleave_closed", effective: "2014-06-20", cpr: b, facts: #"{"reason":"recovered"}"#),
                // Retract the closing (seq 11), then the case can be closed again.
                inputLine("correction", municipality: nil, facts: #"{"corrects":11,"action":"retract","correction_reason":"wrong-date"}"#),
                inputLine("sickleave_closed", effective: "2014-06-25", cpr: b, facts: #"{"reason":"recovered"}"#),
            ])
            #expect(result.firstSeq == 8)
            #expect(result.lastSeq == 13)
            #expect(try LedgerVerifier.verify(fixture.test.ledger).events == 13)
        }

        @Test("a retracted opening can be opened again; a retracted closing reopens the period")
        func retractions() throws {
            let fixture = try ValidationFixture(in: directory)
            // Retract the open benefit (seq 3): a new spell may start.
            try fixture.test.append([
                inputLine("correction", municipality: nil, facts: #"{"corrects":3,"action":"retract","correction_reason":"fejloprettet"}"#),
                inputLine("benefit_started", effective: "2014-02-01", cpr: TestCPR.first, facts: #"{"benefit":"a-dagpenge"}"#),
            ])
            // A retracted event cannot be retracted again.
            let again = try #require(fixture.rejection(of: inputLine("correction", municipality: nil, facts: #"{"corrects":3,"action":"retract","correction_reason":"fejloprettet"}"#)))
            #expect(again.field == "facts.corrects")
            #expect(again.message.contains("was retracted already"))
        }

        @Test(
            "a benefit end can be superseded with corrected facts")
        func supersedeBenefitEnd() throws {
            let fixture = try ValidationFixture(in: directory)
            try fixture.test.append([inputLine("benefit_ended", effective: "2014-05-31", cpr: TestCPR.first, facts: #"{"benefit":"a-dagpenge","reason":"job"}"#)])
            // Seq 8 ended the spell with reason job; it was education. The correction's own reason is
            // correction_reason, so the original's reason can be given in full.
            let result = try fixture.test.append([
                inputLine("correction", municipality: nil, facts: #"{"corrects":8,"action":"supersede","correction_reason":"wrong-facts","benefit":"a-dagpenge","reason":"education"}"#),
            ])
            #expect(result.firstSeq == 9)
        }

        @Test(
            "a superseding correction is held to the original type's rules between facts")
        func supersedeFollowsRules() throws {
            let fixture = try ValidationFixture(in: directory)
            // Seq 4 is activation AKT-1 with provider jobcenter; as another actor it needs provider_name.
            let error = try #require(fixture.rejection(of: inputLine("correction", municipality: nil,
                facts: #"{"corrects":4,"action":"supersede","correction_reason":"wrong-facts","activity_id":"AKT-1","kind":"mentor","provider":"anden-aktoer"}"#)))
            #expect(error.field == "facts.provider_name")
        }

        @Test(
            "a CPR-shaped number in a decimal fact is rejected like CPR-shaped text")
        func cprShapedDecimal() throws {
            let fixture = try ValidationFixture(in: directory)
            let digits = TestCPR.digitText(TestCPR.second)
            let error = try #require(fixture.rejection(of: inputLine("reference_figure", effective: "2014-06-02", municipality: nil,
                                                                     facts: #"{"name":"labour-force","period":"2014","value":"\#(digits)","unit":"persons","source":"DST"}"#)))
            #expect(error.field == "facts.value")
        }
    }
}

/// Messages about bad input never carry the input's control characters (terminal escapes, false new lines).
@Suite struct PrintableMessageTests {
    @Test("control characters in a field name or CSV header are shown as escapes")
    func controlsEscaped() throws {
        let directory = TemporaryDirectory("printable")
        let test = try TestLedger(in: directory)
        let line = #"{"type":"match_assessed","effective":"2014-01-07","municipality":"183","citizen":"c-0000000000000001","facts":{"category":"jobparat","\u001b[2J\u001b[31mX\n line 99":1}}"#
        var message = ""
        do { try test.append([line]) } catch { message = "\(error)" }
        #expect(message.contains("line 1"))
        #expect(message.contains("\\u{1B}[2J") && message.contains("\\u{A}"))
        #expect(!message.unicodeScalars.contains { $0.value < 0x20 || $0.value == 0x7F })

        let csv = Array("effective;municipality;citizen;category;\u{1B}[31mtitle\u{7}\n2014-01-07;183;c-0000000000000001;jobparat;x\n".utf8)
        let result = Result { () throws(LedgerError) in
            try InputBatch.forEachRecord(csv: csv, type: .matchAssessed, decoder: test.decoder()) { (_) throws(LedgerError) in }
        }
        guard case .failure(let error) = result else { Issue.record("the unknown column is refused"); return }
        #expect(!"\(error)".unicodeScalars.contains { $0.value < 0x20 || $0.value == 0x7F }, "\(error)")
        #expect("\(error)".contains("\\u{1B}[31mtitle\\u{7}"))
    }

    @Test("the escaping leaves ordinary text, Danish letters and CPR redaction alone")
    func ordinaryText() {
        #expect(PrintableText.escapingControls("Jobcenter Vallensbæk, æøå ÆØÅ") == "Jobcenter Vallensbæk, æøå ÆØÅ")
        #expect(PrintableText.escapingControls("a\tb\u{7F}c\u{85}") == "a\\u{9}b\\u{7F}c\\u{85}")
    }
}
