// Tamper detection: every alteration of acknowledged data is reported by `verify` as
// `LedgerError.corrupt` naming the right segment file and 1-based line.

import Foundation
import Testing

@testable import LedgerCore

/// Byte-level edits of segment files.
enum Tamper {
    /// The lines of a segment file (without newlines).
    static func lines(_ path: String) -> [[UInt8]] { splitLines(readBytes(path)) }

    /// Flips one bit of the byte at `offsetInLine` (negative: from the line's end) in 1-based line `line`.
    static func flipByte(_ path: String, line: Int, offsetInLine: Int? = nil) {
        var lines = lines(path)
        let index = line - 1
        let position = offsetInLine.map { $0 >= 0 ? $0 : lines[index].count + $0 } ?? lines[index].count / 2
        lines[index][position] ^= 0x01
        precondition(lines[index][position] != 0x0A)
        writeBytes(path, joinLines(lines))
    }

    /// Rewrites 1-based line `line`: decodes it, changes its event, encodes it again with the same
    /// sequence number, time and prev, so that its own hash is right again.
    static func rewriteLine(_ path: String, line: Int, _ change: (inout Event) -> Void) throws {
        var lines = lines(path)
        var recorded = try LineDecoder.decode(lines[line - 1])
        change(&recorded.event)
        var bytes: [UInt8] = []
        CanonicalEncoder.appendLine(seq: recorded.seq, recordedAt: recorded.recordedAt, event: recorded.event, prev: recorded.prev, to: &bytes)
        bytes.removeLast()
        precondition(bytes.count == lines[line - 1].count, "the edit keeps the line's length, so the head offset still fits")
        lines[line - 1] = bytes
        writeBytes(path, joinLines(lines))
    }

    /// Moves the effective date one day later (same length for these test dates).
    static func nextDay(_ event: inout Event) { event.effective = event.effective.adding(days: 1) }
}

extension LedgerFileTests {
    @Suite final class TamperTests {
        let directory = TemporaryDirectory("tamper")

        /// A real ledger of one segment: the genesis line and a batch of 8 events (9 lines).
        func singleSegmentLedger() throws -> TestLedger {
            let test = try TestLedger(in: directory)
            let cpr = TestCPR.first
            try test.append([
                inputLine("citizen_registered", effective: "2014-01-02", cpr: cpr, facts: #"{"birth_date":"1990-01-01","education":"none"}"#),
                inputLine("benefit_started", effective: "2014-01-06", cpr: cpr, facts: #"{"benefit":"a-dagpenge"}"#),
                inputLine("match_assessed", effective: "2014-01-06", cpr: cpr, facts: #"{"category":"jobparat"}"#),
                inputLine("company_registered", effective: "2014-01-15", facts: #"{"cvr":"12345678","employees":12}"#),
            ])
            try test.append([
                inputLine("company_visited", effective: "2014-02-15", facts: #"{"cvr":"12345678"}"#),
                inputLine("event_held", effective: "2014-03-20", municipality: "187", facts: #"{"name":"Virksomhedernes Dag","participants":130}"#),
                inputLine("survey_response", effective: "2014-04-01", facts: #"{"respondent":"citizen","satisfied":true}"#),
                inputLine("benefit_ended", effective: "2014-03-31", cpr: cpr, facts: #"{"benefit":"a-dagpenge","reason":"job"}"#),
            ])
            #expect(Tamper.lines(test.segment1).count == 9)
            _ = try LedgerVerifier.verify(test.ledger)
            return test
        }

        // MARK: One segment

        @Test("a flipped byte is reported at its line", arguments: [1, 2, 5, 8, 9])
        func flippedByte(line: Int) throws {
            let test = try singleSegmentLedger()
            Tamper.flipByte(test.segment1, line: line)
            let defect = try #require(corruptLocation(test.ledger))
            #expect(defect.file == "segment-000001.jsonl")
            #expect(defect.line == line)
            #expect(defect.reason.contains("hash does not match"), "\(defect.reason)")
        }

        @Test("a flipped byte in a line's hash or prev is reported at its line", arguments: [-10, -100])
        func flippedHashByte(offset: Int) throws {
            let test = try singleSegmentLedger()
            Tamper.flipByte(test.segment1, line: 4, offsetInLine: offset)
            let defect = try #require(corruptLocation(test.ledger))
            #expect(defect.file == "segment-000001.jsonl")
            #expect(defect.line == 4)
        }

        @Test("a line removed from the head's segment, with the head moved to match, is reported where the sequence breaks")
        func removedLineHeadAdjusted() throws {
            let test = try singleSegmentLedger()
            var lines = Tamper.lines(test.segment1)
            lines.remove(at: 3)  // line 4
            writeBytes(test.segment1, joinLines(lines))
            let head = try test.ledger.readHead()
            let moved = HeadRecord(seq: head.seq, hash: head.hash, segment: 1, offset: Int64(joinLines(lines).count))
            writeBytes(test.headPath, moved.slotBytes + moved.slotBytes)
            let defect = try #require(corruptLocation(test.ledger))
            #expect(defect.file == "segment-000001.jsonl")
            #expect(defect.line == 4)
            #expect(defect.reason.contains("sequence number 5 where 4 was expected"), "\(defect.reason)")
        }

        @Test("a line removed from the head's segment is a defect even when the head is left as it was")
        func removedLineHeadUntouched() throws {
            let test = try singleSegmentLedger()
            var lines = Tamper.lines(test.segment1)
            lines.remove(at: 3)
            writeBytes(test.segment1, joinLines(lines))
            let defect = try #require(corruptLocation(test.ledger))
            #expect(defect.file == "segment-000001.jsonl")
            #expect(defect.reason.contains("removed"), "\(defect.reason)")
        }

        @Test(
            "a line removed from the head's segment is reported at the line where the sequence breaks")
        func removedLineReportedAtGap() throws {
            let test = try singleSegmentLedger()
            var lines = Tamper.lines(test.segment1)
            lines.remove(at: 3)  // line 4
            writeBytes(test.segment1, joinLines(lines))
            let defect = try #require(corruptLocation(test.ledger))
            #expect(defect.file == "segment-000001.jsonl")
            #expect(defect.line == 4)
        }

        @Test("a duplicated line is reported at the copy", arguments: [2, 5])
        func duplicatedLine(line: Int) throws {
            let test = try singleSegmentLedger()
            var lines = Tamper.lines(test.segment1)
            lines.insert(lines[line - 1], at: line)
            writeBytes(test.segment1, joinLines(lines))
            let defect = try #require(corruptLocation(test.ledger))
            #expect(defect.file == "segment-000001.jsonl")
            #expect(defect.line == line + 1)
            #expect(defect.reason.contains("sequence number"), "\(defect.reason)")
        }

        @Test("two swapped lines are reported at the first of them", arguments: [2, 7])
        func swappedLines(line: Int) throws {
            let test = try singleSegmentLedger()
            var lines = Tamper.lines(test.segment1)
            lines.swapAt(line - 1, line)
            writeBytes(test.segment1, joinLines(lines))
            let defect = try #require(corruptLocation(test.ledger))
            #expect(defect.file == "segment-000001.jsonl")
            #expect(defect.line == line)
            #expect(defect.reason.contains("sequence number"), "\(defect.reason)")
        }

        @Test("a file truncated in the middle of acknowledged data is a defect of that file")
        func truncatedHeadSegment() throws {
            let test = try singleSegmentLedger()
            let bytes = readBytes(test.segment1)
            let lines = Tamper.lines(test.segment1)
            let cut = joinLines(Array(lines[0..<5])).count + 17  // in the middle of line 6
            writeBytes(test.segment1, Array(bytes[0..<cut]))
            let defect = try #require(corruptLocation(test.ledger))
            #expect(defect.file == "segment-000001.jsonl")
            // The lines are checked first: the cut line 6 is named.
            #expect(defect.line == 6)
            #expect(defect.reason.contains("newline") || defect.reason.contains("removed"), "\(defect.reason)")
        }

        @Test("a line edited with its own hash recomputed is reported at the next line", arguments: [1, 3, 6])
        func rehashedLine(line: Int) throws {
            let test = try singleSegmentLedger()
            if line == 1 {
                // The genesis line: the jobcenter's name spelt with "ae" for "æ" (the same byte length).
                try Tamper.rewriteLine(test.segment1, line: 1) { event in
                    event.facts[1] = Fact("jobcenter", .text("Jobcenter Vallensbaek"))
                }
            } else {
                try Tamper.rewriteLine(test.segment1, line: line, Tamper.nextDay)
            }
            let defect = try #require(corruptLocation(test.ledger))
            #expect(defect.file == "segment-000001.jsonl")
            #expect(defect.line == line + 1)
            #expect(defect.reason.contains("prev does not match"), "\(defect.reason)")
        }

        @Test("the head line edited with its hash recomputed no longer matches the head file")
        func rehashedHeadLine() throws {
            let test = try singleSegmentLedger()
            try Tamper.rewriteLine(test.segment1, line: 9, Tamper.nextDay)
            let defect = try #require(corruptLocation(test.ledger))
            #expect(defect.file == "segment-000001.jsonl")
            #expect(defect.line == 9)
            #expect(defect.reason.contains("does not match the head"), "\(defect.reason)")
        }

        @Test("a line rewritten with a valid hash but not in canonical form is reported")
        func nonCanonicalLine() throws {
            let test = try singleSegmentLedger()
            // Line 7 holds "Virksomhedernes Dag"; write its V as \u0056, rehash, and fix the next prev and the head.
            var lines = Tamper.lines(test.segment1)
            var text = String(decoding: lines[6], as: UTF8.self)
            text = text.replacingFirst("Virksomhedernes", with: #"\u0056irksomhedernes"#)
            let body = Array(text.utf8.dropLast(CanonicalEncoder.hashSuffixBytes))
            let hash = SHA256.hash(body)
            lines[6] = body + Array(#","hash":"\#(hash.hex)"}"#.utf8)
            var next = try LineDecoder.decode(lines[7])
            next.prev = hash
            var encoded: [UInt8] = []
            let nextHash = CanonicalEncoder.appendLine(seq: next.seq, recordedAt: next.recordedAt, event: next.event, prev: hash, to: &encoded)
            lines[7] = Array(encoded.dropLast())
            var rest = nextHash
            for index in 8..<lines.count {
                var recorded = try LineDecoder.decode(lines[index])
                var out: [UInt8] = []
                recorded.prev = rest
                rest = CanonicalEncoder.appendLine(seq: recorded.seq, recordedAt: recorded.recordedAt, event: recorded.event, prev: rest, to: &out)
                lines[index] = Array(out.dropLast())
            }
            writeBytes(test.segment1, joinLines(lines))
            let head = HeadRecord(seq: 9, hash: rest, segment: 1, offset: Int64(joinLines(lines).count))
            writeBytes(test.headPath, head.slotBytes + head.slotBytes)
            let defect = try #require(corruptLocation(test.ledger))
            #expect(defect.file == "segment-000001.jsonl")
            #expect(defect.line == 7)
            #expect(defect.reason.contains("canonical"), "\(defect.reason)")
        }

        @Test("a head file with no valid slot is a defect of the head")
        func brokenHeadFile() throws {
            let test = try singleSegmentLedger()
            var head = readBytes(test.headPath)
            head[5] ^= 0x01
            head[HeadRecord.slotBytes + 5] ^= 0x01
            writeBytes(test.headPath, head)
            let defect = try #require(corruptLocation(test.ledger))
            #expect(defect.file == "head")
            #expect(defect.line == 1)
        }

        @Test("an unexpected file among the segments is reported")
        func strayFile() throws {
            let test = try singleSegmentLedger()
            writeBytes(test.ledger.eventsPath + "/notes.txt", Array("x\n".utf8))
            let defect = try #require(corruptLocation(test.ledger))
            #expect(defect.file == "events/notes.txt")
        }

        // MARK: Three segments

        /// One alteration of the standard three-segment ledger and where it must be reported.
        struct SegmentCase: Sendable, CustomTestStringConvertible {
            let label: String
            let file: String
            let line: Int
            let reason: String
            let alter: @Sendable (SegmentedLedger) throws -> Void
            var testDescription: String { label }
        }

        static func segment(_ built: SegmentedLedger, _ index: Int) -> String { built.base.ledger.segmentPath(index) }

        static let segmentCases: [SegmentCase] = [
            SegmentCase(label: "flipped byte in segment 1 line 1", file: "segment-000001.jsonl", line: 1, reason: "hash does not match") {
                Tamper.flipByte(segment($0, 1), line: 1)
            },
            SegmentCase(label: "flipped byte in segment 1 line 3", file: "segment-000001.jsonl", line: 3, reason: "hash does not match") {
                Tamper.flipByte(segment($0, 1), line: 3)
            },
            SegmentCase(label: "flipped byte in segment 2 line 1", file: "segment-000002.jsonl", line: 1, reason: "hash does not match") {
                Tamper.flipByte(segment($0, 2), line: 1)
            },
            SegmentCase(label: "flipped byte in segment 2 line 6", file: "segment-000002.jsonl", line: 6, reason: "hash does not match") {
                Tamper.flipByte(segment($0, 2), line: 6)
            },
            SegmentCase(label: "flipped byte in the head line", file: "segment-000003.jsonl", line: 3, reason: "hash does not match") {
                Tamper.flipByte(segment($0, 3), line: 3)
            },
            SegmentCase(label: "line removed from segment 2", file: "segment-000002.jsonl", line: 3, reason: "sequence number 9 where 8 was expected") {
                var lines = Tamper.lines(segment($0, 2))
                lines.remove(at: 2)
                writeBytes(segment($0, 2), joinLines(lines))
            },
            SegmentCase(label: "first line removed from segment 2", file: "segment-000002.jsonl", line: 1, reason: "sequence number 7 where 6 was expected") {
                var lines = Tamper.lines(segment($0, 2))
                lines.remove(at: 0)
                writeBytes(segment($0, 2), joinLines(lines))
            },
            SegmentCase(label: "line duplicated in segment 2", file: "segment-000002.jsonl", line: 4, reason: "sequence number") {
                var lines = Tamper.lines(segment($0, 2))
                lines.insert(lines[2], at: 3)
                writeBytes(segment($0, 2), joinLines(lines))
            },
            SegmentCase(label: "line duplicated in the head segment", file: "segment-000003.jsonl", line: 2, reason: "sequence number") {
                var lines = Tamper.lines(segment($0, 3))
                lines.insert(lines[0], at: 1)
                writeBytes(segment($0, 3), joinLines(lines))
            },
            SegmentCase(label: "last line of segment 1 repeated at the start of segment 2", file: "segment-000002.jsonl", line: 1, reason: "sequence number") {
                let last = Tamper.lines(segment($0, 1)).last!
                writeBytes(segment($0, 2), joinLines([last] + Tamper.lines(segment($0, 2))))
            },
            SegmentCase(label: "lines 2 and 3 of segment 2 swapped", file: "segment-000002.jsonl", line: 2, reason: "sequence number") {
                var lines = Tamper.lines(segment($0, 2))
                lines.swapAt(1, 2)
                writeBytes(segment($0, 2), joinLines(lines))
            },
            SegmentCase(label: "segment 2 truncated in line 4", file: "segment-000002.jsonl", line: 4, reason: "newline") {
                let lines = Tamper.lines(segment($0, 2))
                let cut = joinLines(Array(lines[0..<3])).count + 20
                writeBytes(segment($0, 2), Array(readBytes(segment($0, 2))[0..<cut]))
            },
            SegmentCase(label: "segment 2 truncated at a line end", file: "segment-000003.jsonl", line: 1, reason: "sequence number 12 where 10 was expected") {
                let lines = Tamper.lines(segment($0, 2))
                writeBytes(segment($0, 2), joinLines(Array(lines[0..<4])))
            },
            SegmentCase(label: "segment 2 removed", file: "segment-000002.jsonl", line: 0, reason: "missing") {
                try FileManager.default.removeItem(atPath: segment($0, 2))
            },
            SegmentCase(label: "the head's segment removed", file: "segment-000003.jsonl", line: 0, reason: "missing") {
                try FileManager.default.removeItem(atPath: segment($0, 3))
            },
            SegmentCase(label: "segments 2 and 3 renamed into each other's places", file: "segment-000002.jsonl", line: 1, reason: "sequence number 12 where 6 was expected") {
                try FileManager.default.moveItem(atPath: segment($0, 2), toPath: segment($0, 2) + ".swap")
                try FileManager.default.moveItem(atPath: segment($0, 3), toPath: segment($0, 2))
                try FileManager.default.moveItem(atPath: segment($0, 2) + ".swap", toPath: segment($0, 3))
            },
            SegmentCase(label: "segments 1 and 2 renamed into each other's places", file: "segment-000001.jsonl", line: 1,
                        reason: "does not belong to this ledger") {
                try FileManager.default.moveItem(atPath: segment($0, 1), toPath: segment($0, 1) + ".swap")
                try FileManager.default.moveItem(atPath: segment($0, 2), toPath: segment($0, 1))
                try FileManager.default.moveItem(atPath: segment($0, 1) + ".swap", toPath: segment($0, 2))
            },
            SegmentCase(label: "segment 2 line 2 edited, its hash recomputed", file: "segment-000002.jsonl", line: 3, reason: "prev does not match") {
                try Tamper.rewriteLine(segment($0, 2), line: 2, Tamper.nextDay)
            },
            SegmentCase(label: "the last line of segment 2 edited, its hash recomputed", file: "segment-000003.jsonl", line: 1, reason: "prev does not match") {
                try Tamper.rewriteLine(segment($0, 2), line: 6, Tamper.nextDay)
            },
            SegmentCase(label: "the head line edited, its hash recomputed", file: "segment-000003.jsonl", line: 3, reason: "does not match the head") {
                try Tamper.rewriteLine(segment($0, 3), line: 3, Tamper.nextDay)
            },
        ]

        @Test("alterations of a three-segment ledger are reported at the right file and line", arguments: segmentCases)
        func threeSegments(_ c: SegmentCase) throws {
            let built = try SegmentedLedger.standard(in: directory)
            _ = try LedgerVerifier.verify(built.base.ledger)
            try c.alter(built)
            let defect = try #require(corruptLocation(built.base.ledger))
            #expect(defect.file == c.file)
            #expect(defect.line == c.line)
            #expect(defect.reason.contains(c.reason), "\(defect.reason)")
        }
    }
}
