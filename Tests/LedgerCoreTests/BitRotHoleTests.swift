// The holes the bit-rot property (EndToEndTests/BitRotTests) found, one test each: a head slot
// with a flipped bit is never passed over for the other slot when it names a later head (the head
// it names is in force when the segment confirms it, else nothing is chosen); the access log's last piece without newline is a torn tail only when it can begin the
// next record (NUL bytes as unwritten holes); a publication's report copy is checked against its
// digest; a damaged node of the Merkle index never gives a proof below the index's size.

import Foundation
import Testing

@testable import LedgerCore

extension LedgerFileTests {
    @Suite final class BitRotHoleTests {
        let directory = TemporaryDirectory("bitrot-holes")

        static let survey = inputLine("survey_response", effective: "2014-02-01", facts: #"{"respondent":"citizen","satisfied":true}"#)

        /// The defect's file and line, or nil when `body` did not throw one.
        func defect(_ body: () throws -> Void) -> (file: String, line: Int, reason: String)? {
            do { try body() } catch {
                if case .corrupt(let file, let line, let reason)? = error as? LedgerError { return (file, line, reason) }
                Issue.record("expected a defect, got \(error)")
            }
            return nil
        }

        @Test func headSlotWithAFlippedBitNamingALaterHeadConfirmedByTheSegmentIsTheHead() throws {
            let test = try TestLedger(in: directory)
            try test.append([Self.survey])
            let result = try test.append([Self.survey])
            var head = readBytes(test.headPath)
            let newest = try #require(HeadRecord.readWithSlot(fileBytes: head))
            #expect(newest.head == result.head)
            // One bit of the newest slot's sequence number: its check no longer holds, and without
            // the rule the older slot would be the head and the last batch a tail to cut off.
            head[newest.slot * HeadRecord.slotBytes + 19] ^= 0x01
            writeBytes(test.headPath, head)
            #expect(HeadRecord.read(fileBytes: head)?.seq == result.head.seq - 1, "the valid slot is the older one")
            let reading = try test.ledger.readHeadInForce()
            #expect(reading.head == result.head && reading.slot == newest.slot)
            #expect(reading.damagedSlot == DamagedHeadSlot(slot: newest.slot, names: result.head, holdsHeadInForce: true))
            let report = try LedgerVerifier.verify(test.ledger)
            #expect(report.head == result.head && report.tail == nil && report.damagedHeadSlot == reading.damagedSlot)
            // The next append writes the other slot, then the damaged one: both valid again.
            let next = try test.append([Self.survey])
            #expect(next.firstSeq == result.head.seq + 1)
            let mended = readBytes(test.headPath)
            for slot in 0..<2 {
                #expect(HeadRecord(slot: mended[(slot * HeadRecord.slotBytes)..<((slot + 1) * HeadRecord.slotBytes)]) == next.head, "slot \(slot)")
            }
            #expect(try LedgerVerifier.verify(test.ledger).damagedHeadSlot == nil)
        }

        @Test func headSlotWithAFlippedBitNamingALaterHeadNoLineConfirmsIsADefectNotPassedOver() throws {
            let test = try TestLedger(in: directory)
            try test.append([Self.survey])
            let result = try test.append([Self.survey])
            var head = readBytes(test.headPath)
            let newest = try #require(HeadRecord.readWithSlot(fileBytes: head))
            // The newest slot names a head one line further on that no line carries, with a bit
            // flipped: on the valid slot's rule the last batch would be a tail to cut off.
            let phantom = HeadRecord(seq: result.head.seq + 1, hash: result.head.hash, segment: result.head.segment, offset: result.head.offset + 300)
            var slot = phantom.slotBytes
            slot[19] ^= 0x01
            head.replaceSubrange((newest.slot * HeadRecord.slotBytes)..<((newest.slot + 1) * HeadRecord.slotBytes), with: slot)
            writeBytes(test.headPath, head)
            let named = try #require(HeadRecord.inspect(fileBytes: head).flippedSlots.first?.names)
            #expect(named == phantom)
            let refused = try #require(defect { _ = try test.ledger.readHead() })
            #expect(refused.file == "head" && refused.line == newest.slot + 1 && refused.reason.contains("not known for certain"), "\(refused)")
            #expect(defect { _ = try LedgerVerifier.verify(test.ledger) }?.line == newest.slot + 1)
            let segment = readBytes(test.segment1)
            #expect(throws: LedgerError.self) { try test.append([Self.survey]) }
            #expect(readBytes(test.segment1) == segment, "the acknowledged batch was not cut off")
        }

        @Test func headSlotWithAFlippedBitNamingAnEarlierHeadIsReportedAndRewrittenByTheNextAppend() throws {
            let test = try TestLedger(in: directory)
            try test.append([Self.survey])
            let result = try test.append([Self.survey])
            var head = readBytes(test.headPath)
            let older = 1 - (try #require(HeadRecord.readWithSlot(fileBytes: head))).slot
            // A bit of the padding: the text still reads, but the slot is not as written.
            head[older * HeadRecord.slotBytes + 126] ^= 0x02
            writeBytes(test.headPath, head)
            #expect(try test.ledger.readHead() == result.head)
            let damaged = try #require(try LedgerVerifier.verify(test.ledger).damagedHeadSlot)
            #expect(damaged.slot == older && damaged.line == older + 1 && !damaged.holdsHeadInForce && damaged.names.seq == result.head.seq - 1)
            try test.append([Self.survey])
            let report = try LedgerVerifier.verify(test.ledger)
            #expect(report.events == 4 && report.damagedHeadSlot == nil)
        }

        @Test func aHeadFileWithBothSlotsDamagedIsADefect() throws {
            let test = try TestLedger(in: directory)
            try test.append([Self.survey])
            try test.append([Self.survey])
            var head = readBytes(test.headPath)
            head[19] ^= 0x01
            head[HeadRecord.slotBytes + 19] ^= 0x01
            writeBytes(test.headPath, head)
            #expect(HeadRecord.inspect(fileBytes: head).flippedSlots.count == 2)
            let refused = try #require(defect { _ = try test.ledger.readHead() })
            #expect(refused.file == "head" && refused.line == 1 && refused.reason.contains("neither slot"), "\(refused)")
        }

        /// A ledger with an access log of two records; returns the log's path and bytes.
        func accessLog() throws -> (test: TestLedger, path: String, bytes: [UInt8]) {
            let test = try TestLedger(in: directory)
            let log = AccessLog(ledger: test.ledger)
            _ = try log.append(user: "revisor", purpose: "revision 2014", subject: "M3 2014", citizens: [Pseudonym("c-3fa91c0d22e8b417")!])
            _ = try log.append(user: "revisor", purpose: "opfølgning", subject: "M1 at 2014-12-31", citizens: [])
            return (test, log.path, readBytes(log.path))
        }

        @Test func accessLogLastNewlineFlippedIsADefect() throws {
            let (test, path, bytes) = try accessLog()
            var flipped = bytes
            flipped[flipped.count - 1] ^= 0x01
            writeBytes(path, flipped)
            let found = try #require(defect { _ = try LedgerVerifier.verify(test.ledger) })
            #expect(found.file == "access/access-log.jsonl" && found.line == 2 && found.reason.contains("cannot be the beginning"), "\(found)")
            #expect(throws: LedgerError.self) { _ = try AccessLog(ledger: test.ledger).append(user: "u", purpose: "p", subject: "s", citizens: []) }
            #expect(readBytes(path) == flipped, "the damaged record was not cut off as a torn one")
        }

        @Test func accessLogTornTailsThatCanBeginARecord() throws {
            let (test, path, bytes) = try accessLog()
            let second = bytes.firstIndex(of: 0x0A)! + 1
            let record = Array(bytes[second..<(bytes.count - 1)])
            // Pieces a crash or a power cut leaves: a beginning, the whole record without its
            // newline, that and a NUL where the newline was not written, and holes of NULs.
            var holed = record
            for at in 30..<90 { holed[at] = 0 }
            let pieces: [[UInt8]] = [Array(record.prefix(25)), record, record + [0], holed, [UInt8](repeating: 0, count: 200)]
            for piece in pieces {
                writeBytes(path, Array(bytes[0..<second]) + piece)
                let report = try LedgerVerifier.verify(test.ledger)
                #expect(report.accessRecords == 1 && report.accessTornBytes == Int64(piece.count))
            }
            // Pieces no write leaves: another sequence number, a byte after the record, a byte out of shape.
            var wrongSeq = record
            wrongSeq[7] = UInt8(ascii: "7")
            var outOfShape = Array(record.prefix(40))
            outOfShape[20] = UInt8(ascii: "x")
            for piece in [wrongSeq, record + [0x0B], record + [0, 0], outOfShape] {
                writeBytes(path, Array(bytes[0..<second]) + piece)
                let found = try #require(defect { _ = try LedgerVerifier.verify(test.ledger) })
                #expect(found.file == "access/access-log.jsonl" && found.line == 2, "\(found)")
            }
        }

        @Test func publicationCopyCheckedAgainstItsDigest() throws {
            let test = try TestLedger(in: directory)
            try test.append([Self.survey])
            let json = #"{"report":"a report's canonical JSON"}"#
            let head = try test.ledger.readHead()
            let publication = Event(type: .publication, effective: Day(year: 2014, month: 12, day: 31)!, municipality: nil, citizen: nil, facts: [
                Fact("publication_id", .text("P-000000003")), Fact("at", .date(Day(year: 2014, month: 12, day: 31)!)),
                Fact("known_at", .text("2015-01-05T10:00:00.000Z")), Fact("head_seq", .integer(head.seq)), Fact("head_hash", .text(head.hash.hex)),
                Fact("report_digest", .text(SHA256.hash(json).hex)),
            ])
            _ = try test.ledger.appendLedgerEvent { _ in publication }
            // No copy: nothing to check (a mirror holds none).
            #expect(try LedgerVerifier.verify(test.ledger).events == 3)
            try FileManager.default.createDirectory(atPath: test.path + "/publications", withIntermediateDirectories: true)
            let copy = test.path + "/publications/P-000000003.json"
            writeBytes(copy, Array((json + "\n").utf8))
            #expect(try LedgerVerifier.verify(test.ledger).events == 3)
            var damaged = Array((json + "\n").utf8)
            damaged[12] ^= 0x20
            writeBytes(copy, damaged)
            let found = try #require(defect { _ = try LedgerVerifier.verify(test.ledger) })
            #expect(found.file == "publications/P-000000003.json" && found.line == 1 && found.reason.contains("seq 3"), "\(found)")
        }

        @Test func damagedMerkleNodeNeverGivesAProofBelowTheIndexSize() throws {
            let test = try TestLedger(in: directory)
            try test.append(MerkleIndexTests.surveys(99))
            let head = try test.ledger.readHead()
            _ = try MerkleIndex.update(test.ledger, head: head)
            let lines = try MerkleIndexTests.storedLines(test.ledger)
            let memory = MerkleMemoryTree(leaves: lines.map(MerkleHash.leaf))
            let expected = try memory.consistencyProof(old: 5, new: 70)
            let expectedInclusion = try memory.inclusionProof(seq: 3, size: 40)
            // Node 0 of level 2 (leaves 1-4), at position 2m - popcount(m) - 1 - (tz(m) - 2) with m = 4:
            // inside the tree, not on the index's right edge, so opening the index does not read it.
            let nodes = MerkleIndex.nodesPath(test.ledger)
            var bytes = readBytes(nodes)
            bytes[6 * 32 + 5] ^= 0x40
            writeBytes(nodes, bytes)
            let consistency = try MerkleIndex.withIndex(test.ledger, head: head) { (index) throws(LedgerError) in try index.consistencyProof(old: 5, new: 70) }
            #expect(consistency == expected)
            writeBytes(nodes, bytes)
            let inclusion = try MerkleIndex.withIndex(test.ledger, head: head) { (index) throws(LedgerError) in try index.inclusionProof(seq: 3, size: 40) }
            #expect(inclusion == expectedInclusion)
        }
    }
}
