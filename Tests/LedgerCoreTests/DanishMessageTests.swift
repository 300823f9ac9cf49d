// Rejection messages in Danish, for `record` at a terminal: every message the decoder and the
// validator give for input that `record` can produce carries a Danish text, and `append`'s English
// message stays as it was, byte for byte. One bad line per place a message is made, as far as
// append can reach it; the rest (kinds only the ledger writes, a lookup that cannot fail in a
// consistent ledger) through the validator and the fact typing directly.

import Testing

@testable import LedgerCore

extension LedgerFileTests {
    @Suite final class DanishMessageTests {
        let directory = TemporaryDirectory("danish-messages")

        /// A bad line (after `setup` was appended to ``ValidationFixture``), the field it is rejected
        /// in and append's English message in full; `{a}` and `{b}` stand for the test citizens'
        /// pseudonyms. `danish`, where given, is the whole Danish message.
        struct MessageCase: Sendable, CustomTestStringConvertible {
            var label: String
            var setup: [String] = []
            var line: String
            var recordedAt: Timestamp? = nil
            var historical = false
            var errorLine = 2
            var field: String
            var english: String
            /// Only the start of `english` is fixed (the message names the clock's time).
            var englishIsPrefix = false
            var danish: String? = nil
            var testDescription: String { label }
        }

        static let a = TestCPR.first
        static let b = TestCPR.second

        static func correction(_ facts: String, effective: String? = nil, municipality: String? = nil, cpr: String? = nil) -> String {
            inputLine("correction", effective: effective, municipality: municipality, cpr: cpr, facts: facts)
        }

        static let goal = #""goal_id":"g-1","plan":"Beskæftigelsesplan 2014","title":"Færre ledige","measure":"M1","evaluation":"2014","comparison":"no-target","deadline":"2014-12-31","adopted_by":"Beskæftigelsesudvalget","adopted_on":"2014-05-20","source":"Plan 2014, afsnit 3""#
        /// The benefit of seq 3 ended (seq 8) and started again (seq 9).
        static let benefitAgain = [
            inputLine("benefit_ended", effective: "2014-05-31", cpr: a, facts: #"{"benefit":"a-dagpenge","reason":"job"}"#),
            inputLine("benefit_started", effective: "2014-06-01", cpr: a, facts: #"{"benefit":"a-dagpenge"}"#),
        ]
        static let tooLong = inputLine("event_held", effective: "2014-06-02", facts: #"{"name":""# + String(repeating: "x", count: 70_000) + #"","participants":2}"#)

        static let cases: [MessageCase] = [
            // The decoder's envelope checks that record's answers can fail.
            MessageCase(label: "effective not a calendar date", line: inputLine("match_assessed", effective: "2014-02-29", cpr: a, facts: #"{"category":"jobparat"}"#),
                        field: "effective", english: "expected a real calendar date YYYY-MM-DD"),
            MessageCase(label: "effective missing", line: inputLine("match_assessed", cpr: a, facts: #"{"category":"jobparat"}"#),
                        field: "effective", english: "required field is missing"),
            MessageCase(label: "municipality of the wrong JSON type", line: #"{"type":"company_visited","effective":"2014-06-02","municipality":true,"facts":{"cvr":"12345678"}}"#,
                        field: "municipality", english: "expected a three-digit municipality code"),
            MessageCase(label: "municipality not three digits", line: inputLine("match_assessed", effective: "2014-06-02", municipality: "18", cpr: a, facts: #"{"category":"jobparat"}"#),
                        field: "municipality", english: #"expected a three-digit municipality code, e.g. "250""#,
                        danish: #"skal være en kommunekode på tre cifre, fx "250""#),
            MessageCase(label: "line too long", line: tooLong,
                        field: "", english: "line is \(tooLong.utf8.count) bytes, more than the limit of 65536"),

            // Envelope, recorded-at and municipality rules of the validator.
            MessageCase(label: "municipality missing", line: inputLine("match_assessed", effective: "2014-06-02", municipality: nil, cpr: a, facts: #"{"category":"jobparat"}"#),
                        field: "municipality", english: "required for match_assessed"),
            MessageCase(label: "citizen missing", line: inputLine("match_assessed", effective: "2014-06-02", facts: #"{"category":"jobparat"}"#),
                        field: "citizen", english: "a citizen (citizen pseudonym or cpr) is required for match_assessed"),
            MessageCase(label: "citizen on an event not about a person", line: inputLine("company_visited", effective: "2014-06-02", cpr: a, facts: #"{"cvr":"12345678"}"#),
                        field: "citizen", english: "company_visited is not about a person; leave citizen and cpr out"),
            MessageCase(label: "citizen not registered", line: inputLine("match_assessed", effective: "2014-06-02", cpr: b, facts: #"{"category":"jobparat"}"#),
                        field: "citizen", english: "citizen {b} is not registered in this ledger; record citizen_registered first",
                        danish: "borgeren {b} er ikke registreret i denne ledger; registrér med citizen_registered først"),
            MessageCase(label: "effective years after the recording date", line: inputLine("match_assessed", effective: "2017-03-01", cpr: a, facts: #"{"category":"jobparat"}"#),
                        recordedAt: Timestamp(iso: "2014-06-02T00:00:00Z")!,
                        field: "effective", english: "2017-03-01 is more than 1000 days after the recording date 2014-06-02"),
            MessageCase(label: "recorded-at before the head", line: ValidationFixture.goodAfter, recordedAt: Timestamp(iso: "2014-05-31T23:59:59Z")!, errorLine: 1,
                        field: "--recorded-at", english: "2014-05-31T23:59:59.000Z is before the ledger's last recorded-at 2014-06-01T10:00:00.000Z; recorded-at never decreases"),
            MessageCase(label: "recorded-at in the future",
                        line: inputLine("survey_response", effective: "2014-06-02", facts: #"{"respondent":"citizen","satisfied":true}"#, recordedAt: "2999-01-01T00:00:00Z"),
                        historical: true, field: "recorded_at", english: "2999-01-01T00:00:00.000Z is in the future (now is ", englishIsPrefix: true),
            MessageCase(label: "municipality not in the ledger", line: inputLine("match_assessed", effective: "2014-06-02", municipality: "250", cpr: a, facts: #"{"category":"jobparat"}"#),
                        field: "municipality", english: "250 does not belong to this ledger (Jobcenter Vallensbæk: 183, 187)",
                        danish: "250 hører ikke til denne ledger (Jobcenter Vallensbæk: 183, 187)"),

            // Rules between facts.
            MessageCase(label: "birth after the effective date", line: inputLine("citizen_registered", effective: "2014-06-02", cpr: b, facts: #"{"birth_date":"2015-06-15","education":"none"}"#),
                        field: "facts.birth_date", english: "birth date 2015-06-15 is after the effective date 2014-06-02",
                        danish: "fødselsdatoen 2015-06-15 ligger efter virkningsdatoen 2014-06-02"),
            MessageCase(label: "arrival date without refugee", line: inputLine("citizen_registered", effective: "2014-06-02", cpr: b, facts: #"{"birth_date":"1985-06-15","education":"none","arrival_date":"2010-01-01"}"#),
                        field: "facts.arrival_date", english: "only for refugees and family-reunified (refugee: true)"),
            MessageCase(label: "arrival before birth", line: inputLine("citizen_registered", effective: "2014-06-02", cpr: b, facts: #"{"birth_date":"1985-06-15","education":"none","refugee":true,"arrival_date":"1980-01-01"}"#),
                        field: "facts.arrival_date", english: "arrival 1980-01-01 is before the birth date"),
            MessageCase(label: "refugee without arrival date", line: inputLine("citizen_registered", effective: "2014-06-02", cpr: b, facts: #"{"birth_date":"1985-06-15","education":"none","refugee":true}"#),
                        field: "facts.arrival_date", english: "required when refugee is true"),
            MessageCase(label: "another actor without a name", line: inputLine("activation_started", effective: "2014-06-02", cpr: a, facts: #"{"activity_id":"AKT-2","kind":"mentor","provider":"anden-aktoer"}"#),
                        field: "facts.provider_name", english: "required when provider is anden-aktoer"),
            MessageCase(label: "placement in an unknown job order", line: inputLine("job_placement", effective: "2014-06-02", cpr: a, facts: #"{"channel":"employer-request","order_id":"O-9"}"#),
                        field: "facts.order_id", english: "no job order O-9 has been received"),
            MessageCase(label: "job order received twice", line: inputLine("job_order_received", effective: "2014-06-02", facts: #"{"order_id":"O-1","employer_cvr":"12345678","positions":1}"#),
                        field: "facts.order_id", english: "job order O-1 was received already"),
            MessageCase(label: "referral to an unknown job order", line: inputLine("job_order_referral", effective: "2014-06-02", cpr: a, facts: #"{"order_id":"O-9"}"#),
                        field: "facts.order_id", english: "no job order O-9 has been received",
                        danish: "der er ikke modtaget nogen jobordre O-9"),
            MessageCase(label: "goal adopted twice", setup: [inputLine("goal_adopted", effective: "2014-06-02", facts: "{\(goal)}")],
                        line: inputLine("goal_adopted", effective: "2014-06-02", facts: "{\(goal)}"),
                        field: "facts.goal_id", english: "goal g-1 is adopted already; amend it with goal_amended"),
            MessageCase(label: "goal evaluated at neither a date nor a period",
                        line: inputLine("goal_adopted", effective: "2014-06-02", facts: "{\(goal.replacingOccurrences(of: #""evaluation":"2014""#, with: #""evaluation":"snart""#))}"),
                        field: "facts.evaluation", english: "expected a date YYYY-MM-DD or a period YYYY, YYYY-MM or YYYYQn"),
            MessageCase(label: "goal amended before adopted", line: inputLine("goal_amended", effective: "2014-06-02", facts: #"{"goal_id":"g-1","target":3}"#),
                        field: "facts.goal_id", english: "no goal g-1 has been adopted"),

            // Periods.
            MessageCase(label: "opening while open", line: inputLine("benefit_started", effective: "2014-06-02", cpr: a, facts: #"{"benefit":"a-dagpenge"}"#),
                        field: "type", english: "citizen {a} already has an open benefit a-dagpenge since 2014-01-06 (seq 3); end it first",
                        danish: "borgeren {a} har allerede en åben periode (ydelsesforløb a-dagpenge) siden 2014-01-06 (seq 3); afslut den først"),
            MessageCase(label: "closing without an open period", line: inputLine("sickleave_closed", effective: "2014-06-02", cpr: a, facts: #"{"reason":"recovered"}"#),
                        field: "type", english: "citizen {a} has no open sickleave to end",
                        danish: "borgeren {a} har ingen åben periode (sygedagpengesag) at afslutte"),
            MessageCase(label: "partial return without an open sick-leave case", line: inputLine("sickleave_partial_return", effective: "2014-06-02", cpr: a, facts: #"{"weekly_hours":10}"#),
                        field: "type", english: "citizen {a} has no open sickleave to return partially from"),
            MessageCase(label: "end before start", line: inputLine("benefit_ended", effective: "2014-01-05", cpr: a, facts: #"{"benefit":"a-dagpenge","reason":"job"}"#),
                        field: "effective", english: "2014-01-05 is before the start 2014-01-06 of the benefit a-dagpenge opened at seq 3"),

            // Corrections.
            MessageCase(label: "correction with an action not on the list", line: correction(#"{"corrects":7,"action":"delete","correction_reason":"duplicate"}"#),
                        field: "facts.action", english: #""delete" is not one of: retract, supersede"#,
                        danish: #""delete" er ikke en af: retract, supersede"#),
            MessageCase(label: "correction of a sequence number not yet written", line: correction(#"{"corrects":99,"action":"retract","correction_reason":"fejloprettet"}"#),
                        field: "facts.corrects", english: "there is no event 99 (the ledger's last sequence number is 8)",
                        danish: "der er ingen hændelse 99 (ledgerens sidste løbenummer er 8)"),
            MessageCase(label: "correction of the ledger's first line", line: correction(#"{"corrects":1,"action":"retract","correction_reason":"fejloprettet"}"#),
                        field: "facts.corrects", english: "event 1 is a ledger_opened, which cannot be corrected"),
            MessageCase(label: "correction of a correction", line: correction(#"{"corrects":6,"action":"retract","correction_reason":"fejloprettet"}"#),
                        field: "facts.corrects", english: "event 6 is itself a correction; correct the original event instead"),
            MessageCase(label: "retracted twice", setup: [correction(#"{"corrects":7,"action":"retract","correction_reason":"duplicate"}"#)],
                        line: correction(#"{"corrects":7,"action":"retract","correction_reason":"duplicate"}"#),
                        field: "facts.corrects", english: "event 7 was retracted already",
                        danish: "hændelse 7 er allerede tilbagekaldt"),
            MessageCase(label: "correction with another effective date", line: correction(#"{"corrects":7,"action":"retract","correction_reason":"wrong-date"}"#, effective: "2014-03-02"),
                        field: "effective", english: "a correction takes the original's effective date 2014-03-01; to change the date, retract and record anew"),
            MessageCase(label: "correction with another municipality", line: correction(#"{"corrects":7,"action":"retract","correction_reason":"other"}"#, municipality: "187"),
                        field: "municipality", english: "a correction keeps the original's municipality; retract and record anew"),
            MessageCase(label: "correction with another citizen", line: correction(#"{"corrects":3,"action":"retract","correction_reason":"other"}"#, cpr: b),
                        field: "citizen", english: "a correction keeps the original's citizen; retract and record anew"),
            MessageCase(label: "retract carrying other facts", line: correction(#"{"corrects":7,"action":"retract","correction_reason":"duplicate","positions":3}"#),
                        field: "facts.positions", english: "a retracting correction carries no other facts"),
            MessageCase(label: "retract of a citizen registration", line: correction(#"{"corrects":2,"action":"retract","correction_reason":"fejloprettet"}"#),
                        field: "facts.corrects", english: "a citizen registration is not retracted; supersede it with the right facts"),
            MessageCase(label: "retract of an opening whose period is closed", line: correction(#"{"corrects":4,"action":"retract","correction_reason":"fejloprettet"}"#),
                        field: "facts.corrects", english: "event 4 opened a period that was closed at seq 5; retract the closing event first"),
            MessageCase(label: "retract of an earlier period's opening", setup: benefitAgain,
                        line: correction(#"{"corrects":3,"action":"retract","correction_reason":"fejloprettet"}"#),
                        field: "facts.corrects", english: "event 3 opened an earlier period of the same kind; only the latest can be retracted"),
            MessageCase(label: "retract of a closing followed by a new opening", setup: benefitAgain,
                        line: correction(#"{"corrects":8,"action":"retract","correction_reason":"wrong-date"}"#),
                        field: "facts.corrects", english: "event 8 closed a period after which a new one was opened; it can no longer be retracted"),
            MessageCase(label: "supersede without the original's facts in full",
                        line: correction(#"{"corrects":7,"action":"supersede","correction_reason":"wrong-facts","order_id":"O-1","employer_cvr":"12345678"}"#),
                        field: "facts.positions", english: "required field is missing (whole number 1...10000) (a superseding correction carries the original type's facts in full)",
                        danish: "feltet skal udfyldes (helt tal 1-10000) (en erstattende rettelse har alle den oprindelige types felter)"),
            MessageCase(label: "supersede changing the identifying order id",
                        line: correction(#"{"corrects":7,"action":"supersede","correction_reason":"wrong-facts","order_id":"O-2","employer_cvr":"12345678","positions":2}"#),
                        field: "facts.order_id", english: "a superseding correction cannot change order_id, which identifies the period, order or goal; retract and record anew"),
            MessageCase(label: "supersede held to the original type's rules",
                        line: correction(#"{"corrects":4,"action":"supersede","correction_reason":"wrong-facts","activity_id":"AKT-1","kind":"mentor","provider":"anden-aktoer"}"#),
                        field: "facts.provider_name", english: "required when provider is anden-aktoer"),

            // Typing facts by the catalog: each kind's messages.
            MessageCase(label: "unknown fact", line: inputLine("match_assessed", effective: "2014-06-02", cpr: a, facts: #"{"category":"jobparat","mood":"good"}"#),
                        field: "facts.mood", english: "unknown field for match_assessed; its fields are: category",
                        danish: "ukendt felt for match_assessed; typens felter er: category"),
            MessageCase(label: "unknown fact of a type without facts", line: inputLine("flexjob_approved", effective: "2014-06-02", cpr: a, facts: #"{"note":"x"}"#),
                        field: "facts.note", english: "unknown field for flexjob_approved; its fields are: none"),
            MessageCase(label: "missing required fact", line: inputLine("paid_hours_registered", effective: "2014-05-31", cpr: a, facts: #"{"month":"2014-05"}"#),
                        field: "facts.hours", english: "required field is missing (whole number 1...744)"),
            MessageCase(label: "a number for a closed list", line: inputLine("match_assessed", effective: "2014-06-02", cpr: a, facts: #"{"category":7}"#),
                        field: "facts.category", english: "expected one of: jobparat, aktivitetsparat, aabenlyst-uddannelsesparat, uddannelsesparat, found a number"),
            MessageCase(label: "a boolean for a whole number", line: inputLine("paid_hours_registered", effective: "2014-05-31", cpr: a, facts: #"{"month":"2014-05","hours":true}"#),
                        field: "facts.hours", english: "expected whole number 1...744, found a boolean"),
            MessageCase(label: "empty text", line: inputLine("event_held", effective: "2014-06-02", facts: #"{"name":"","participants":2}"#),
                        field: "facts.name", english: "must not be empty"),
            MessageCase(label: "text too long", line: inputLine("event_held", effective: "2014-06-02", facts: #"{"name":""# + String(repeating: "x", count: 201) + #"","participants":2}"#),
                        field: "facts.name", english: "longer than 200 bytes"),
            MessageCase(label: "control character in text", line: inputLine("event_held", effective: "2014-06-02", facts: #"{"name":"Møde\u0007","participants":2}"#),
                        field: "facts.name", english: "control characters are not allowed"),
            MessageCase(label: "CPR-shaped text", line: inputLine("event_held", effective: "2014-06-02", facts: #"{"name":"Møde med \#(b)","participants":2}"#),
                        field: "facts.name", english: "looks like it holds a CPR number; CPR numbers go in the cpr field only"),
            MessageCase(label: "identifier with a space", line: inputLine("activation_started", effective: "2014-06-02", cpr: a, facts: #"{"activity_id":"AKT 2","kind":"mentor","provider":"jobcenter"}"#),
                        field: "facts.activity_id", english: "expected identifier (1-64 of A-Z a-z 0-9 . _ : / -)"),
            MessageCase(label: "CPR-shaped identifier", line: inputLine("activation_started", effective: "2014-06-02", cpr: a, facts: #"{"activity_id":"\#(b)","kind":"mentor","provider":"jobcenter"}"#),
                        field: "facts.activity_id", english: "looks like it holds a CPR number; CPR numbers go in the cpr field only"),
            MessageCase(label: "not on the closed list", line: inputLine("match_assessed", effective: "2014-06-02", cpr: a, facts: #"{"category":"jobklar"}"#),
                        field: "facts.category", english: #""jobklar" is not one of: jobparat, aktivitetsparat, aabenlyst-uddannelsesparat, uddannelsesparat"#,
                        danish: #""jobklar" er ikke en af: jobparat, aktivitetsparat, aabenlyst-uddannelsesparat, uddannelsesparat"#),
            MessageCase(label: "impossible date in a fact", line: inputLine("citizen_registered", effective: "2014-06-02", cpr: b, facts: #"{"birth_date":"1985-02-29","education":"none"}"#),
                        field: "facts.birth_date", english: "expected a real calendar date YYYY-MM-DD"),
            MessageCase(label: "not a month", line: inputLine("paid_hours_registered", effective: "2014-05-31", cpr: a, facts: #"{"month":"2014-13","hours":4}"#),
                        field: "facts.month", english: "expected a month YYYY-MM"),
            MessageCase(label: "text for a whole number", line: inputLine("paid_hours_registered", effective: "2014-05-31", cpr: a, facts: #"{"month":"2014-05","hours":"many"}"#),
                        field: "facts.hours", english: "expected a whole number", danish: "skal være et helt tal"),
            MessageCase(label: "whole number out of range", line: inputLine("paid_hours_registered", effective: "2014-05-31", cpr: a, facts: #"{"month":"2014-05","hours":745}"#),
                        field: "facts.hours", english: "745 is outside 1...744", danish: "745 ligger uden for 1-744"),
            MessageCase(label: "sequence number 0", line: correction(#"{"corrects":0,"action":"retract","correction_reason":"duplicate"}"#),
                        field: "facts.corrects", english: "expected a sequence number (1 or more)"),
            MessageCase(label: "decimal with an exponent",
                        line: inputLine("reference_figure", effective: "2014-06-02", municipality: nil, facts: #"{"name":"labour-force","period":"2014","value":1e3,"unit":"persons","source":"DST"}"#),
                        field: "facts.value", english: "expected a decimal number without exponent, at most 6 fraction digits"),
            MessageCase(label: "CPR-shaped decimal",
                        line: inputLine("reference_figure", effective: "2014-06-02", municipality: nil, facts: #"{"name":"labour-force","period":"2014","value":"\#(TestCPR.digitText(b))","unit":"persons","source":"DST"}"#),
                        field: "facts.value", english: "looks like a CPR number; CPR numbers go in the cpr field only"),
            MessageCase(label: "neither yes nor no", line: inputLine("survey_response", effective: "2014-06-02", facts: #"{"respondent":"citizen","satisfied":"maybe"}"#),
                        field: "facts.satisfied", english: "expected true or false", danish: "skal være ja eller nej"),
            MessageCase(label: "a number for yes or no", line: inputLine("survey_response", effective: "2014-06-02", facts: #"{"respondent":"citizen","satisfied":1}"#),
                        field: "facts.satisfied", english: "expected true or false, found a number"),
            MessageCase(label: "a boolean for a CVR number", line: inputLine("company_visited", effective: "2014-06-02", facts: #"{"cvr":true}"#),
                        field: "facts.cvr", english: "expected a CVR number (8 digits), found a boolean"),
            MessageCase(label: "CVR of seven digits", line: inputLine("company_visited", effective: "2014-06-02", facts: #"{"cvr":"1234567"}"#),
                        field: "facts.cvr", english: "expected a CVR number: exactly 8 digits"),
            MessageCase(label: "not a period",
                        line: inputLine("reference_figure", effective: "2014-06-02", municipality: nil, facts: #"{"name":"labour-force","period":"2014H1","value":"1","unit":"persons","source":"DST"}"#),
                        field: "facts.period", english: "expected period YYYY, YYYY-MM, YYYYQn or YYYY-MM-DD/YYYY-MM-DD"),
        ]

        /// `text` with `{a}` and `{b}` replaced by the test citizens' pseudonyms in `fixture`.
        static func filled(_ text: String, _ fixture: ValidationFixture) -> String {
            text.replacingOccurrences(of: "{a}", with: fixture.test.pseudonym(a).text)
                .replacingOccurrences(of: "{b}", with: fixture.test.pseudonym(b).text)
        }

        @Test("append's English message is unchanged and a Danish one comes with it", arguments: cases)
        func message(_ c: MessageCase) throws {
            let fixture = try ValidationFixture(in: directory)
            if !c.setup.isEmpty { try fixture.test.append(c.setup) }
            let error = try #require(fixture.rejection(of: c.line, recordedAt: c.recordedAt, historical: c.historical))
            #expect(error.line == c.errorLine)
            #expect(error.field == c.field)
            let english = Self.filled(c.english, fixture)
            if c.englishIsPrefix {
                #expect(error.message.hasPrefix(english), "\(error.message)")
            } else {
                #expect(error.message == english)
            }
            let place = c.field.isEmpty ? "test input line \(c.errorLine)" : "test input line \(c.errorLine), field \(c.field)"
            #expect(error.description == place + ": " + CPR.redact(error.message), "the description stays English")
            let danish = try #require(error.danishMessage, "no Danish message for: \(error.message)")
            #expect(!danish.isEmpty)
            #expect(danish != error.message)
            if let expected = c.danish { #expect(danish == Self.filled(expected, fixture)) }
            #expect(cprShapedMatches(Array(danish.utf8)).isEmpty, "the Danish message holds nothing CPR-shaped")
        }

        @Test("the validator's messages that append cannot reach come in Danish too")
        func validatorBeyondAppend() throws {
            let fixture = try ValidationFixture(in: directory)
            let ledger = fixture.test.ledger
            let state = try ledger.loadState(head: try ledger.readHead()).state
            func rejection(_ record: InputRecord) -> InputError? {
                // A lookup that finds nothing: in a consistent ledger every written seq is found.
                var validator = BatchValidator(state: state, source: "test", now: Clock.now(), recordedAt: nil,
                                               stored: { (_) throws(LedgerError) -> Event? in nil })
                do {
                    _ = try validator.validate(record)
                    Issue.record("accepted: \(record.type.rawValue)")
                    return nil
                } catch {
                    guard case .input(let input) = error else {
                        Issue.record("expected an input error, got \(error)")
                        return nil
                    }
                    return input
                }
            }
            let zeros = String(repeating: "0", count: 64)
            let publication: [(name: String, value: JSONValue)] = [
                ("publication_id", .string("p-1")), ("at", .string("2014-06-02")), ("known_at", .string("2014-06-02T00:00:00Z")),
                ("head_seq", .string("7")), ("head_hash", .string(zeros)), ("report_digest", .string(zeros)),
            ]
            let records: [(InputRecord, field: String, english: String)] = [
                (InputRecord(line: 1, type: .publication, effective: Day(iso: "2014-06-02"), municipality: 183, citizen: nil, facts: publication),
                 "municipality", "must be absent for publication"),
                (InputRecord(line: 1, type: .matchAssessed, effective: nil, municipality: 183, citizen: fixture.test.pseudonym(Self.a),
                             facts: [("category", .string("jobparat"))]),
                 "effective", "required field is missing"),
                (InputRecord(line: 1, type: .correction, effective: nil, municipality: nil, citizen: nil,
                             facts: [("corrects", .string("7")), ("action", .string("retract")), ("correction_reason", .string("duplicate"))]),
                 "facts.corrects", "event 7 cannot be found"),
            ]
            for (record, field, english) in records {
                let error = try #require(rejection(record))
                #expect(error.field == field)
                #expect(error.message == english)
                let danish = try #require(error.danishMessage, "no Danish message for: \(error.message)")
                #expect(!danish.isEmpty && danish != english, "\(danish)")
            }
        }
    }
}

@Suite struct DanishFactTypingTests {
    @Test("the kinds only the ledger writes (ledger_opened, publication) reject in Danish too", arguments: [
        (FieldKind.municipalityList, JSONValue.string("183,18"), "expected comma-separated three-digit codes, e.g. 183,187"),
        (.digest, .string("ABC"), "expected 64 lowercase hex digits"),
        (.digest, .number("1"), "expected SHA-256 digest (64 lowercase hex digits), found a number"),
        (.timestamp, .string("2014-06-02 10:00"), "expected YYYY-MM-DDTHH:MM:SS.mmmZ"),
        (.sequence, .string("-1"), "expected a sequence number (1 or more)"),
    ])
    func kind(_ kind: FieldKind, value: JSONValue, english: String) {
        let spec = FieldSpec(name: "x", kind: kind, required: true, meaning: "")
        do {
            _ = try FactTyping.value(value, spec: spec)
            Issue.record("accepted \(value)")
        } catch {
            #expect(error.field == "x")
            #expect(error.message == english)
            #expect(!error.danishMessage.isEmpty && error.danishMessage != error.message, "\(error.danishMessage)")
        }
    }

    @Test("every period kind of the catalog has a Danish name")
    func periodKinds() {
        for type in EventType.allCases {
            guard let role = Catalog.spec(type).period else { continue }
            switch role {
            case .opens(let kind, _), .closes(let kind, _), .within(let kind, _):
                let danish = BatchValidator.danishPeriodKinds[kind]
                #expect(danish != nil && danish != kind, "\(type.rawValue): \(kind)")
            }
        }
    }

    @Test("messages only input that record never writes can cause stay English only")
    func englishOnly() throws {
        let decoder = InputDecoder(source: "test", allowsRecordedAt: false,
                                   pseudonymize: { (_) throws(LedgerError) -> Pseudonym in Pseudonym("c-0123456789abcdef")! })
        for line in [#"{"type":"match_assessed","#, #"["match_assessed"]"#, #"{"type":"benefit_paused","effective":"2014-06-02","facts":{}}"#] {
            do {
                _ = try Array(line.utf8).withUnsafeBytes { (buffer) throws(LedgerError) -> InputRecord in try decoder.decode(jsonLine: buffer, line: 1) }
                Issue.record("accepted \(line)")
            } catch {
                guard case LedgerError.input(let input) = error else { Issue.record("\(error)"); continue }
                #expect(input.danishMessage == nil, "\(input.message)")
            }
        }
    }
}
