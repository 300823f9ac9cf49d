// Appending and verifying: a batch of every appendable event type round trips through the
// ledger; CPR numbers become pseudonyms and never reach the files; ledgers of several segments
// verify and accept appends; a torn head slot falls back to the other slot.

import Foundation
import Testing

@testable import LedgerCore

/// One input line of the every-type batch, with what the stored event must hold.
struct BatchLine {
    var type: String
    var effective: String?
    var municipality: String?
    var cpr: String?
    var facts: String

    var json: String { inputLine(type, effective: effective, municipality: municipality, cpr: cpr, facts: facts) }
}

/// A batch containing every event type `append` accepts, in an order the validator accepts.
/// Line n of the batch becomes sequence number n + 1 (the ledger's first line is seq 1).
func everyTypeBatch() -> [BatchLine] {
    let a = TestCPR.first, b = TestCPR.second, r = TestCPR.third
    return [
        BatchLine(type: "citizen_registered", effective: "2014-01-02", municipality: "183", cpr: a,
                  facts: #"{"birth_date":"1990-01-01","education":"none"}"#),
        BatchLine(type: "citizen_registered", effective: "2014-01-02", municipality: "187", cpr: b,
                  facts: #"{"birth_date":"1985-06-15","education":"vocational"}"#),
        BatchLine(type: "citizen_registered", effective: "2014-01-02", municipality: "183", cpr: r,
                  facts: #"{"birth_date":"1992-02-29","education":"higher","refugee":true,"arrival_date":"2010-05-01"}"#),
        BatchLine(type: "benefit_started", effective: "2014-01-06", municipality: "183", cpr: a, facts: #"{"benefit":"a-dagpenge","weekly_hours":20}"#),
        BatchLine(type: "match_assessed", effective: "2014-01-06", municipality: "183", cpr: a, facts: #"{"category":"jobparat"}"#),
        BatchLine(type: "activation_started", effective: "2014-02-03", municipality: "183", cpr: a,
                  facts: #"{"activity_id":"AKT-1","kind":"virksomhedspraktik","provider":"anden-aktoer","provider_name":"Aktør \"Nord\" ApS","employer_cvr":"12345678","weekly_minutes":1110,"authority":"Jobcenter Ishøj"}"#),
        BatchLine(type: "activation_ended", effective: "2014-03-28", municipality: "183", cpr: a, facts: #"{"activity_id":"AKT-1"}"#),
        BatchLine(type: "job_order_received", effective: "2014-03-01", municipality: "183", cpr: nil,
                  facts: #"{"order_id":"O-1","employer_cvr":"12345678","positions":2}"#),
        BatchLine(type: "job_order_referral", effective: "2014-03-05", municipality: "183", cpr: a, facts: #"{"order_id":"O-1"}"#),
        BatchLine(type: "job_placement", effective: "2014-04-01", municipality: "183", cpr: a,
                  facts: #"{"channel":"employer-request","employer_cvr":"12345678","order_id":"O-1"}"#),
        BatchLine(type: "job_order_filled", effective: "2014-04-01", municipality: "183", cpr: a, facts: #"{"order_id":"O-1","positions":1}"#),
        BatchLine(type: "benefit_ended", effective: "2014-03-31", municipality: "183", cpr: a, facts: #"{"benefit":"a-dagpenge","reason":"job"}"#),
        BatchLine(type: "employment_ended", effective: "2014-09-30", municipality: "183", cpr: a, facts: "{}"),
        BatchLine(type: "flexjob_approved", effective: "2014-02-01", municipality: "187", cpr: b, facts: "{}"),
        BatchLine(type: "flexjob_started", effective: "2014-03-01", municipality: "187", cpr: b, facts: #"{"employer_cvr":"87654321","weekly_hours":15}"#),
        BatchLine(type: "flexjob_ended", effective: "2014-08-31", municipality: "187", cpr: b, facts: "{}"),
        BatchLine(type: "sickleave_opened", effective: "2014-09-01", municipality: "187", cpr: b, facts: #"{"status":"unemployed"}"#),
        BatchLine(type: "sickleave_partial_return", effective: "2014-10-01", municipality: "187", cpr: b, facts: #"{"weekly_hours":10}"#),
        BatchLine(type: "sickleave_closed", effective: "2014-11-30", municipality: "187", cpr: b, facts: #"{"reason":"foertidspension"}"#),
        BatchLine(type: "disability_pension_awarded", effective: "2014-12-01", municipality: "187", cpr: b, facts: "{}"),
        BatchLine(type: "education_started", effective: "2014-08-15", municipality: "183", cpr: r, facts: #"{"level":"youth"}"#),
        BatchLine(type: "education_ended", effective: "2014-12-19", municipality: "183", cpr: r, facts: #"{"reason":"dropped-out"}"#),
        BatchLine(type: "paid_hours_registered", effective: "2014-05-31", municipality: "183", cpr: r, facts: #"{"month":"2014-05","hours":40}"#),
        BatchLine(type: "company_registered", effective: "2014-01-15", municipality: "183", cpr: nil, facts: #"{"cvr":"12345678","employees":12}"#),
        BatchLine(type: "company_visited", effective: "2014-02-15", municipality: "183", cpr: nil, facts: #"{"cvr":"12345678"}"#),
        BatchLine(type: "event_held", effective: "2014-03-20", municipality: "187", cpr: nil, facts: #"{"name":"Virksomhedernes Dag","participants":130}"#),
        BatchLine(type: "survey_response", effective: "2014-04-01", municipality: "183", cpr: nil, facts: #"{"respondent":"citizen","satisfied":true}"#),
        BatchLine(type: "reference_figure", effective: "2014-12-31", municipality: nil, cpr: nil,
                  facts: #"{"name":"national-average/M11","period":"2014","value":"12.5","unit":"percent","source":"Jobindsats.dk"}"#),
        BatchLine(type: "goal_adopted", effective: "2014-01-01", municipality: "183", cpr: nil,
                  facts: #"{"goal_id":"ishoej-2014-1","plan":"Beskæftigelsesplan 2014","title":"Færre langtidsledige","measure":"M1","evaluation":"2014-12-31","comparison":"at-most","target":401,"unit":"persons","deadline":"2014-12-31","baseline_at":"2012-12","baseline_value":"447","adopted_by":"Beskæftigelsesudvalget","adopted_on":"2013-06-12","source":"Beskæftigelsesplan 2014, afsnit 3"}"#),
        BatchLine(type: "goal_amended", effective: "2014-06-01", municipality: "183", cpr: nil, facts: #"{"goal_id":"ishoej-2014-1","target":395}"#),
        // Retracts the company visit (line 25, seq 26): effective date and municipality come from it.
        BatchLine(type: "correction", effective: nil, municipality: nil, cpr: nil, facts: #"{"corrects":26,"action":"retract","correction_reason":"duplicate"}"#),
        // Supersedes the match assessment (line 5, seq 6) with another category.
        BatchLine(type: "correction", effective: nil, municipality: nil, cpr: nil,
                  facts: #"{"corrects":6,"action":"supersede","correction_reason":"wrong-facts","category":"aktivitetsparat"}"#),
    ]
}

/// The display text of a JSON input value, as the stored fact shows it.
func displayText(_ value: JSONValue) -> String {
    switch value {
    case .string(let s): return s
    case .number(let n): return n
    case .bool(let b): return b ? "true" : "false"
    case .null: return "null"
    default: return "\(value)"
    }
}

/// Scans bytes for anything shaped like a CPR number, independently of `CPR.containsCPRShape`:
/// DDMMYY, an optional dash, SSSS, not preceded or followed by a hex digit.
func cprShapedMatches(_ bytes: [UInt8]) -> [String] {
    let text = String(decoding: bytes, as: UTF8.self)
    let regex = try! NSRegularExpression(pattern: "(?<![0-9a-fA-F])[0-3][0-9][01][0-9][0-9]{2}-?[0-9]{4}(?![0-9a-fA-F])")
    let range = NSRange(text.startIndex..., in: text)
    return regex.matches(in: text, range: range).map { String(text[Range($0.range, in: text)!]) }
}

extension LedgerFileTests {
    @Suite final class AppendVerifyTests {
        let directory = TemporaryDirectory("append")

        @Test("a batch of every appendable type appends, verifies and reads back")
        func everyTypeRoundTrip() throws {
            let test = try TestLedger(in: directory)
            let batch = everyTypeBatch()
            // Every type except the ledger's own records is in the batch.
            let covered = Set(batch.map(\.type))
            let appendable = Set(EventType.allCases.filter { $0 != .ledgerOpened && $0 != .publication }.map(\.rawValue))
            #expect(covered == appendable)

            let result = try test.append(batch.map(\.json))
            #expect(result.firstSeq == 2)
            #expect(result.lastSeq == Int64(batch.count) + 1)
            #expect(result.recoveredBytes == 0)
            #expect(result.head.seq == result.lastSeq)

            let report = try LedgerVerifier.verify(test.ledger)
            #expect(report.events == Int64(batch.count) + 1)
            #expect(report.segments == 1)
            #expect(report.tail == nil)
            #expect(report.head == result.head)

            let events = try test.ledger.allEvents()
            try #require(events.count == batch.count + 1)
            #expect(events[0].event.type == .ledgerOpened)
            #expect(events.map(\.seq) == (1...Int64(batch.count + 1)).map { $0 })
            for (index, line) in batch.enumerated() {
                let stored = events[index + 1]
                let label = "line \(index + 1) (\(line.type))"
                #expect(stored.event.type.rawValue == line.type, "\(label)")
                // A correction takes its original's envelope.
                var original = line
                if line.type == "correction", case .object(let members) = try JSONParser.parse(Array(line.facts.utf8)),
                   let corrects = members.first(where: { $0.key == "corrects" }), case .number(let n) = corrects.value {
                    original = batch[Int(n)! - 2]
                }
                #expect(stored.event.effective.iso == original.effective, "\(label)")
                #expect(stored.event.municipality.map(CanonicalEncoder.municipalityText) == original.municipality, "\(label)")
                #expect(stored.event.citizen == original.cpr.map(test.pseudonym), "\(label)")
                guard case .object(let members) = try JSONParser.parse(Array(line.facts.utf8)) else {
                    Issue.record("\(label): facts are not an object")
                    continue
                }
                #expect(stored.event.facts.map(\.name) == members.map(\.key), "\(label)")
                #expect(stored.event.facts.map(\.value.display) == members.map { displayText($0.value) }, "\(label)")
                #expect(stored.recordedAt >= events[index].recordedAt, "\(label)")
                #expect(stored.prev == events[index].hash, "\(label)")
            }
        }

        @Test("a CPR number becomes the same pseudonym each time and never reaches the files")
        func cprNeverStored() throws {
            let test = try TestLedger(in: directory)
            let cpr = TestCPR.first
            try test.append([
                inputLine("citizen_registered", effective: "2014-01-02", cpr: cpr, facts: #"{"birth_date":"1990-01-01","education":"none"}"#),
                inputLine("benefit_started", effective: "2014-01-06", cpr: cpr, facts: #"{"benefit":"kontanthjaelp"}"#),
            ])
            // The same number without its dash is the same person.
            try test.append([inputLine("match_assessed", effective: "2014-01-07", cpr: TestCPR.digitText(cpr), facts: #"{"category":"jobparat"}"#)])
            let events = try test.ledger.allEvents()
            let citizens = events.dropFirst().map(\.event.citizen)
            #expect(citizens.count == 3)
            #expect(Set(citizens).count == 1)
            #expect(citizens.first! == test.pseudonym(cpr))

            // No file of the ledger holds the number, in either form, or anything CPR-shaped.
            let files = try FileManager.default.subpathsOfDirectory(atPath: test.path)
            #expect(files.contains("events/segment-000001.jsonl"))
            for file in files {
                let bytes = readBytes(test.path + "/" + file)
                #expect(!containsBytes(bytes, Array(cpr.utf8)), "\(file)")
                #expect(!containsBytes(bytes, Array(TestCPR.digitText(cpr).utf8)), "\(file)")
                #expect(cprShapedMatches(bytes).isEmpty, "\(file)")
            }
            // The key lives outside the ledger directory.
            #expect(!test.keyPath.hasPrefix(test.path + "/"))
        }

        @Test("an empty batch writes nothing")
        func emptyBatch() throws {
            let test = try TestLedger(in: directory)
            let before = readBytes(test.segment1)
            let result = try test.ledger.append([], source: "test input", recordedAt: nil)
            #expect(result.firstSeq == nil)
            #expect(result.lastSeq == 1)
            let unchanged = readBytes(test.segment1) == before
            #expect(unchanged)
        }

        @Test("appends continue the chain across batches")
        func severalBatches() throws {
            let test = try TestLedger(in: directory)
            var expectedSeq: Int64 = 2
            for batch in 0..<5 {
                let lines = (0..<(batch + 1)).map { index in
                    inputLine("company_registered", effective: "2014-01-15", facts: #"{"cvr":"1234\#(5000 + batch * 10 + index)","employees":\#(index)}"#)
                }
                let result = try test.append(lines)
                #expect(result.firstSeq == expectedSeq)
                expectedSeq += Int64(lines.count)
                #expect(result.lastSeq == expectedSeq - 1)
            }
            let report = try LedgerVerifier.verify(test.ledger)
            #expect(report.events == expectedSeq - 1)
        }

        @Test("creating a ledger: an existing ledger or a non-empty directory is refused")
        func createRefusals() throws {
            let test = try TestLedger(in: directory)
            let existing = #expect(throws: LedgerError.self) {
                _ = try Ledger.create(at: test.path, jobcenter: "X", municipalities: [183], keyPath: self.directory.file("keys/other.key"),
                                      recordedAt: nil, now: Clock.now())
            }
            if case .alreadyExists? = existing {} else { Issue.record("expected alreadyExists, got \(String(describing: existing))") }
            let other = directory.file("other")
            try FileManager.default.createDirectory(atPath: other, withIntermediateDirectories: true)
            writeBytes(other + "/notes.txt", Array("x".utf8))
            let nonEmpty = #expect(throws: LedgerError.self) {
                _ = try Ledger.create(at: other, jobcenter: "X", municipalities: [183], keyPath: self.directory.file("keys/other.key"),
                                      recordedAt: nil, now: Clock.now())
            }
            if case .invalidRequest? = nonEmpty {} else { Issue.record("expected invalidRequest, got \(String(describing: nonEmpty))") }
            let notLedger = #expect(throws: LedgerError.self) { _ = try Ledger(path: other) }
            if case .notALedger? = notLedger {} else { Issue.record("expected notALedger, got \(String(describing: notLedger))") }
        }

        @Test("a second ledger can share an existing key file")
        func sharedKey() throws {
            let test = try TestLedger(in: directory)
            let created = try Ledger.create(at: directory.file("second"), jobcenter: "Jobcenter Frederikssund", municipalities: [250],
                                            keyPath: test.keyPath, recordedAt: nil, now: Clock.now())
            #expect(!created.keyCreated)
            #expect(created.keyPath == test.keyPath)
            #expect(created.ledger.recordedKeyPath() == test.keyPath)
        }

        // MARK: Several segments

        @Test("a ledger of three hand-built segments verifies")
        func threeSegments() throws {
            let built = try SegmentedLedger.standard(in: directory)
            let report = try LedgerVerifier.verify(built.base.ledger)
            #expect(report.events == 14)
            #expect(report.segments == 3)
            #expect(report.head.segment == 3)
            #expect(report.tail == nil)
            #expect(try built.base.ledger.allEvents().map(\.seq) == Array(1...14))
            #expect(try built.base.ledger.event(at: 8, head: report.head)?.seq == 8)
        }

        @Test("an append to a ledger of three segments goes to the head's segment")
        func appendToThirdSegment() throws {
            let built = try SegmentedLedger.standard(in: directory)
            let sizeBefore = readBytes(built.base.ledger.segmentPath(3)).count
            let result = try built.base.append([inputLine("survey_response", effective: "2014-02-01", facts: #"{"respondent":"company","satisfied":false}"#)])
            #expect(result.firstSeq == 15)
            #expect(result.head.segment == 3)
            #expect(readBytes(built.base.ledger.segmentPath(3)).count > sizeBefore)
            let report = try LedgerVerifier.verify(built.base.ledger)
            #expect(report.events == 15)
        }

        @Test("an unacknowledged tail in a later segment is recoverable and removed by the next append")
        func tailInLaterSegment() throws {
            var built = try SegmentedLedger.standard(in: directory)
            built.addLines(2, toSegment: 4, moveHead: false)
            let tailBytes = Int64(readBytes(built.base.ledger.segmentPath(4)).count)
            let report = try LedgerVerifier.verify(built.base.ledger)
            #expect(report.events == 14)
            let tail = try #require(report.tail)
            #expect(tail.file == "segment-000004.jsonl")
            #expect(tail.line == 1)
            #expect(tail.completeLines == 2)
            #expect(!tail.torn)
            #expect(tail.bytes == tailBytes)

            let result = try built.base.append([inputLine("survey_response", effective: "2014-02-01", facts: #"{"respondent":"citizen","satisfied":true}"#)])
            #expect(result.recoveredBytes == tailBytes)
            #expect(result.firstSeq == 15)
            #expect(!FileManager.default.fileExists(atPath: built.base.ledger.segmentPath(4)))
            #expect(try LedgerVerifier.verify(built.base.ledger).tail == nil)
        }

        // MARK: Head slots

        @Test("a torn write of the newer head slot falls back to the other slot")
        func tornHeadSlot() throws {
            let test = try TestLedger(in: directory)
            try test.append([inputLine("survey_response", effective: "2014-02-01", facts: #"{"respondent":"citizen","satisfied":true}"#)])
            let older = try test.ledger.readHead()
            let result = try test.append([inputLine("survey_response", effective: "2014-02-02", facts: #"{"respondent":"company","satisfied":true}"#)])
            // Tear the slot the last append wrote (the one holding the newest head): half new bytes, half garbage.
            var head = readBytes(test.headPath)
            let newest = try #require(HeadRecord.readWithSlot(fileBytes: head))
            #expect(newest.head == result.head)
            let slot = newest.slot * HeadRecord.slotBytes
            for index in (slot + 40)..<(slot + HeadRecord.slotBytes) { head[index] = 0x00 }
            writeBytes(test.headPath, head)
            #expect(try test.ledger.readHead() == older)
            // The last batch is now beyond the head: an unacknowledged, recoverable tail.
            let report = try LedgerVerifier.verify(test.ledger)
            #expect(report.head == older)
            #expect(report.tail?.completeLines == 1)
        }

        @Test("head slots: bytes round trip, and a bad checksum makes a slot invalid")
        func headSlots() throws {
            let record = HeadRecord(seq: 12, hash: SHA256.hash("x"), segment: 2, offset: 4096)
            let bytes = record.slotBytes
            #expect(bytes.count == HeadRecord.slotBytes)
            #expect(bytes.last == 0x0A)
            #expect(HeadRecord(slot: bytes[...]) == record)
            var bad = bytes
            bad[3] = UInt8(ascii: "9")  // a digit of the sequence number changes: the check no longer matches
            #expect(HeadRecord(slot: bad[...]) == nil)
            let newer = HeadRecord(seq: 13, hash: SHA256.hash("y"), segment: 2, offset: 4300)
            #expect(HeadRecord.read(fileBytes: bytes + newer.slotBytes) == newer)
            #expect(HeadRecord.read(fileBytes: newer.slotBytes + bytes) == newer)
            #expect(HeadRecord.read(fileBytes: bytes + bad) == record)
            #expect(HeadRecord.read(fileBytes: bad + bad) == nil)
            #expect(HeadRecord.read(fileBytes: []) == nil)
        }
    }
}
