// An interrupted append leaves bytes beyond the head. Whatever prefix of a batch reached the
// disk, `verify` reports it as a recoverable tail and the next append removes it; anything beyond
// the head that an interrupted append cannot have written is corruption.

import Foundation
import Testing

@testable import LedgerCore

extension LedgerFileTests {
    @Suite final class IncompleteTailTests {
        let directory = TemporaryDirectory("tail")

        /// Batch B1, committed: a citizen and a company.
        static let batch1 = [
            inputLine("citizen_registered", effective: "2014-01-02", cpr: TestCPR.first, facts: #"{"birth_date":"1990-01-01","education":"none"}"#),
            inputLine("company_registered", effective: "2014-01-15", facts: #"{"cvr":"12345678","employees":12}"#),
        ]
        /// Batch B2, interrupted: three events.
        static let batch2 = [
            inputLine("benefit_started", effective: "2014-01-06", cpr: TestCPR.first, facts: #"{"benefit":"a-dagpenge","weekly_hours":30}"#),
            inputLine("match_assessed", effective: "2014-01-06", cpr: TestCPR.first, facts: #"{"category":"jobparat"}"#),
            inputLine("event_held", effective: "2014-03-20", municipality: "187", facts: #"{"name":"Virksomhedernes Dag \"Syd\"","participants":130}"#),
        ]
        /// The batch appended after the crash: valid whatever part of B2 was on disk.
        static let batch3 = [inputLine("survey_response", effective: "2014-04-01", facts: #"{"respondent":"company","satisfied":false}"#)]

        /// The state after B1, and B2's encoded bytes as a real append wrote them.
        struct Scenario {
            let test: TestLedger
            let segmentAfterB1: [UInt8]
            let headFileAfterB1: [UInt8]
            let headAfterB1: HeadRecord
            let batch2Bytes: [UInt8]

            /// Puts the files back to "B1 committed, then `cut` bytes of B2 written, head not moved".
            func crash(at cut: Int) {
                writeBytes(test.segment1, segmentAfterB1 + batch2Bytes[0..<cut])
                writeBytes(test.headPath, headFileAfterB1)
            }
        }

        func scenario() throws -> Scenario {
            let test = try TestLedger(in: directory)
            try test.append(Self.batch1)
            let segment = readBytes(test.segment1)
            let headFile = readBytes(test.headPath)
            let head = try test.ledger.readHead()
            try test.append(Self.batch2)
            let full = readBytes(test.segment1)
            try #require(full.count > segment.count && Array(full[0..<segment.count]) == segment)
            return Scenario(test: test, segmentAfterB1: segment, headFileAfterB1: headFile, headAfterB1: head,
                            batch2Bytes: Array(full[segment.count...]))
        }

        @Test("a crash at every byte of a 3-event batch leaves a recoverable tail that the next append removes")
        func everyCut() throws {
            let s = try scenario()
            let b2 = s.batch2Bytes
            let lineEnds = Set(b2.indices.filter { b2[$0] == 0x0A }.map { $0 + 1 })
            #expect(lineEnds.count == 3)
            let b1Lines = splitLines(s.segmentAfterB1).count
            var failures = 0
            for cut in 0...b2.count where failures < 3 {
                s.crash(at: cut)
                let newlines = b2[0..<cut].filter { $0 == 0x0A }.count
                do {
                    let report = try LedgerVerifier.verify(s.test.ledger, threads: 1)
                    var ok = report.events == s.headAfterB1.seq && report.head == s.headAfterB1
                    if cut == 0 {
                        ok = ok && report.tail == nil
                    } else if let tail = report.tail {
                        ok = ok && tail.file == "segment-000001.jsonl" && tail.line == b1Lines + 1 && tail.completeLines == newlines
                            && tail.torn == !lineEnds.contains(cut) && tail.bytes == Int64(cut)
                    } else {
                        ok = false
                    }
                    let result = try s.test.append(Self.batch3)
                    ok = ok && result.recoveredBytes == Int64(cut) && result.firstSeq == s.headAfterB1.seq + 1
                    let after = try LedgerVerifier.verify(s.test.ledger, threads: 1)
                    ok = ok && after.tail == nil && after.events == s.headAfterB1.seq + 1
                    let segment = readBytes(s.test.segment1)
                    ok = ok && Array(segment[0..<s.segmentAfterB1.count]) == s.segmentAfterB1
                    let last = try LineDecoder.decode(splitLines(segment).last!)
                    ok = ok && last.event.type == .surveyResponse && last.seq == s.headAfterB1.seq + 1
                    if !ok {
                        failures += 1
                        Issue.record("cut \(cut) of \(b2.count): tail \(report.tail.map { "\($0)" } ?? "none"), recovered \(result.recoveredBytes)")
                    }
                } catch {
                    failures += 1
                    Issue.record("cut \(cut) of \(b2.count): \(error)")
                }
            }
            #expect(failures == 0)
        }

        @Test("a complete line beyond the head with a changed byte is corruption, not a tail")
        func alteredLineBeyondHead() throws {
            let s = try scenario()
            s.crash(at: s.batch2Bytes.count)
            let b1Lines = splitLines(s.segmentAfterB1).count
            Tamper.flipByte(s.test.segment1, line: b1Lines + 2)
            let defect = try #require(corruptLocation(s.test.ledger))
            #expect(defect.file == "segment-000001.jsonl")
            #expect(defect.line == b1Lines + 2)
            #expect(defect.reason.contains("beyond the head"), "\(defect.reason)")
        }

        @Test("a complete line beyond the head that does not continue the chain is corruption")
        func foreignLineBeyondHead() throws {
            let s = try scenario()
            s.crash(at: 0)
            // A copy of the head line itself: valid on its own, but not the next in the chain.
            let last = splitLines(s.segmentAfterB1).last!
            writeBytes(s.test.segment1, s.segmentAfterB1 + last + [0x0A])
            let defect = try #require(corruptLocation(s.test.ledger))
            #expect(defect.file == "segment-000001.jsonl")
            #expect(defect.line == splitLines(s.segmentAfterB1).count + 1)
            #expect(defect.reason.contains("does not continue the chain"), "\(defect.reason)")
        }

        @Test("a garbage line with a newline beyond the head is corruption; the same bytes without newline are a torn tail")
        func garbageBeyondHead() throws {
            let s = try scenario()
            s.crash(at: 0)
            let garbage = Array(#"{"seq":"not a line"}"#.utf8)
            writeBytes(s.test.segment1, s.segmentAfterB1 + garbage + [0x0A])
            let defect = try #require(corruptLocation(s.test.ledger))
            #expect(defect.line == splitLines(s.segmentAfterB1).count + 1)
            writeBytes(s.test.segment1, s.segmentAfterB1 + garbage)
            let report = try LedgerVerifier.verify(s.test.ledger)
            #expect(report.tail?.torn == true)
            #expect(report.tail?.completeLines == 0)
        }

        @Test("zero-filled holes in the batch's bytes (sectors of an unsynced write lost in a power cut, newlines landed) are a recoverable tail")
        func zeroFilledHoles() throws {
            let s = try scenario()
            let b2 = s.batch2Bytes
            let b1Lines = splitLines(s.segmentAfterB1).count
            let start = s.segmentAfterB1.count
            var failures = 0
            // Holes at 512-byte sector boundaries of the file and at every 37th byte, of 1 to 700 bytes.
            var holes: [(Int, Int)] = []
            var sector = (start / 512 + 1) * 512
            while sector < start + b2.count { holes.append((sector - start, 512)); holes.append((sector - start, 1)); sector += 512 }
            for from in stride(from: 0, to: b2.count, by: 37) { holes.append((from, 1 + from % 700)) }
            for (from, length) in holes where failures < 3 {
                var holed = b2
                for i in from..<min(b2.count, from + length) { holed[i] = 0 }
                writeBytes(s.test.segment1, s.segmentAfterB1 + holed)
                writeBytes(s.test.headPath, s.headFileAfterB1)
                do {
                    let report = try LedgerVerifier.verify(s.test.ledger, threads: 1)
                    let tail = try #require(report.tail)
                    var ok = report.head == s.headAfterB1 && tail.line == b1Lines + 1 && tail.bytes == Int64(b2.count)
                    let result = try s.test.append(Self.batch3)
                    ok = ok && result.recoveredBytes == Int64(b2.count) && result.firstSeq == s.headAfterB1.seq + 1
                    let after = try LedgerVerifier.verify(s.test.ledger, threads: 1)
                    ok = ok && after.tail == nil && after.events == s.headAfterB1.seq + 1
                    if !ok {
                        failures += 1
                        Issue.record("hole \(from)+\(length): tail \(tail), recovered \(result.recoveredBytes)")
                    }
                } catch {
                    failures += 1
                    Issue.record("hole \(from)+\(length): \(error)")
                }
            }
            #expect(failures == 0)
        }

        @Test("after a zero-filled hole beyond the head, a line that is neither holed nor a line of the chain is corruption")
        func garbageAfterHole() throws {
            let s = try scenario()
            var lines = splitLines(s.batch2Bytes)
            lines[0] = [UInt8](repeating: 0, count: lines[0].count)
            lines[1] = Array(#"{"seq":"not a line"}"#.utf8)
            writeBytes(s.test.segment1, s.segmentAfterB1 + joinLines(lines))
            writeBytes(s.test.headPath, s.headFileAfterB1)
            let defect = try #require(corruptLocation(s.test.ledger))
            #expect(defect.line == splitLines(s.segmentAfterB1).count + 2)
            #expect(defect.reason.contains("after a zero-filled hole"), "\(defect.reason)")
        }

        @Test("complete unacknowledged lines followed by a torn one are one recoverable tail")
        func completeAndTornLines() throws {
            let s = try scenario()
            let firstEnd = s.batch2Bytes.firstIndex(of: 0x0A)! + 1
            let cut = firstEnd + 9
            s.crash(at: cut)
            let report = try LedgerVerifier.verify(s.test.ledger)
            let tail = try #require(report.tail)
            #expect(tail.completeLines == 1)
            #expect(tail.torn)
            #expect(tail.bytes == Int64(cut))
            // Only the append removes it: verify leaves the files as they are.
            #expect(readBytes(s.test.segment1).count == s.segmentAfterB1.count + cut)
        }
    }
}
