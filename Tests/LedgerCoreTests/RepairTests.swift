// `Ledger.repair`: damaged lines (a flipped bit, a zeroed block, a cut segment) are replaced
// from a verified copy and the ledger verifies again with the original bytes; a copy that does not
// cover the damage, is of another history, is damaged itself or ends elsewhere than the head is
// refused naming file and line, with nothing written; a repair interrupted at any failing system
// call leaves every segment old or new, and the next repair completes it.

import Foundation
import Testing

@testable import LedgerCore

/// A ledger of three segments, its mirror, and the original bytes of every segment.
struct RepairFixture {
    let source: SegmentedLedger
    let copyPath: String
    let original: [Int: [UInt8]]

    init(in directory: TemporaryDirectory, extraLines: Int = 0) throws {
        var built = try SegmentedLedger.standard(in: directory)
        copyPath = directory.file("copy")
        _ = try Ledger.mirror(from: built.base.path, to: copyPath)
        if extraLines > 0 { built.addLines(extraLines, toSegment: 3) }
        source = built
        var bytes: [Int: [UInt8]] = [:]
        for index in 1...3 { bytes[index] = readBytes(built.base.ledger.segmentPath(index)) }
        original = bytes
    }

    var ledger: Ledger { source.base.ledger }
    func segment(_ index: Int) -> String { ledger.segmentPath(index) }

    /// The byte offset where 1-based line `line` of segment `index` starts.
    func lineStart(_ index: Int, _ line: Int) -> Int {
        let bytes = original[index]!
        var count = 1
        for (at, byte) in bytes.enumerated() where count < line && byte == 0x0A {
            count += 1
            if count == line { return at + 1 }
        }
        return 0
    }

    /// Flips bit `bit` of the byte `offset` bytes into line `line` of segment `index`.
    func flip(_ index: Int, line: Int, offset: Int, bit: Int = 0) {
        var bytes = readBytes(segment(index))
        bytes[lineStart(index, line) + offset] ^= UInt8(1 << bit)
        writeBytes(segment(index), bytes)
    }

    /// Every segment, the head and `cache/`'s names, for "nothing was written" checks.
    func snapshot() -> [String: [UInt8]] {
        var files: [String: [UInt8]] = ["head": readBytes(source.base.headPath)]
        for name in (try? FileManager.default.contentsOfDirectory(atPath: ledger.eventsPath)) ?? [] {
            files["events/" + name] = readBytes(ledger.eventsPath + "/" + name)
        }
        for name in (try? FileManager.default.contentsOfDirectory(atPath: source.base.path + "/cache")) ?? [] {
            files["cache/" + name] = []
        }
        return files
    }

    /// The ledger verifies and every segment holds its original bytes.
    func expectRestored(sourceLocation: SourceLocation = #_sourceLocation) throws {
        let report = try LedgerVerifier.verify(ledger)
        #expect(report.tail == nil, sourceLocation: sourceLocation)
        for (index, bytes) in original {
            #expect(readBytes(segment(index)) == bytes, "segment \(index)", sourceLocation: sourceLocation)
        }
        let names = try FileManager.default.contentsOfDirectory(atPath: ledger.eventsPath)
        #expect(!names.contains { $0.hasSuffix(".tmp") }, "\(names)", sourceLocation: sourceLocation)
    }
}

/// The refusal's file, line and reason, or nil when `body` did not throw a defect.
func refusal(_ body: () throws -> Void) -> (file: String, line: Int, reason: String)? {
    do { try body() } catch {
        if case .corrupt(let file, let line, let reason)? = error as? LedgerError { return (file, line, reason) }
        Issue.record("expected a defect, got \(error)")
    }
    return nil
}

extension LedgerFileTests {
    @Suite final class RepairTests {
        let directory = TemporaryDirectory("repair")

        @Test func flippedBitZeroedBlockAndCutSegmentAreReplaced() throws {
            let fixture = try RepairFixture(in: directory)
            // Segment 1: a bit of line 3's facts; segment 2: lines 2 to 4 zeroed across their
            // newlines; segment 3: its last 10 bytes cut off.
            fixture.flip(1, line: 3, offset: 60, bit: 3)
            var two = readBytes(fixture.segment(2))
            let zeroFrom = fixture.lineStart(2, 2) + 5
            let zeroTo = fixture.lineStart(2, 4) + 20
            for at in zeroFrom..<zeroTo { two[at] = 0 }
            writeBytes(fixture.segment(2), two)
            let three = readBytes(fixture.segment(3))
            writeBytes(fixture.segment(3), Array(three.dropLast(10)))
            try FileManager.default.createDirectory(atPath: fixture.source.base.path + "/cache", withIntermediateDirectories: true)
            writeBytes(fixture.source.base.path + "/cache/projection.bin", Array("a fold of damaged lines".utf8))
            #expect(throws: LedgerError.self) { _ = try LedgerVerifier.verify(fixture.ledger) }

            let result = try Ledger.repair(at: fixture.source.base.path, from: fixture.copyPath)
            let ranges = result.replaced.map { "\($0.file) \($0.firstLine)-\($0.lastLine) seq \($0.firstSeq)-\($0.lastSeq)" }
            #expect(ranges == ["segment-000001.jsonl 3-3 seq 3-3", "segment-000002.jsonl 2-4 seq 7-9", "segment-000003.jsonl 3-3 seq 14-14"])
            #expect(result.replaced[0].reason.contains("hash does not match"))
            #expect(result.replaced[2].reason.contains("missing") || result.replaced[2].reason.contains("newline"))
            #expect(result.removedCacheFiles == 1 && result.copyLocked)
            #expect(!FileManager.default.fileExists(atPath: fixture.source.base.path + "/cache/projection.bin"))
            try fixture.expectRestored()

            // Nothing is damaged any more: a second repair changes nothing.
            let again = try Ledger.repair(at: fixture.source.base.path, from: fixture.copyPath)
            #expect(again.replaced.isEmpty && again.removedCacheFiles == 0)
        }

        @Test func missingSegmentRestoredAndTailKept() throws {
            var fixture = try RepairFixture(in: directory)
            try FileManager.default.removeItem(atPath: fixture.segment(2))
            // An unacknowledged tail beyond the head stays as it is.
            var built = fixture.source
            built.addLines(1, toSegment: 3, moveHead: false)
            let withTail = readBytes(fixture.segment(3))
            fixture = RepairFixture(copy: fixture, source: built)
            let result = try Ledger.repair(at: fixture.source.base.path, from: fixture.copyPath)
            #expect(result.replaced.map(\.file) == ["segment-000002.jsonl"])
            #expect(result.replaced[0].firstLine == 1 && result.replaced[0].lastLine == 6)
            #expect(readBytes(fixture.segment(2)) == fixture.original[2])
            #expect(readBytes(fixture.segment(3)) == withTail)
            #expect(try LedgerVerifier.verify(fixture.ledger).tail?.completeLines == 1)
        }

        @Test func damageBeyondTheCopyRefusedNamingFileAndLine() throws {
            // The copy holds 14 lines; the ledger 17, and line 16 (segment 3, line 5) is damaged.
            let fixture = try RepairFixture(in: directory, extraLines: 3)
            fixture.flip(3, line: 5, offset: 40)
            fixture.flip(1, line: 2, offset: 30)
            let untouched = fixture.snapshot()
            let refused = try #require(refusal { _ = try Ledger.repair(at: fixture.source.base.path, from: fixture.copyPath) })
            #expect(refused.file == fixture.segment(3) && refused.line == 5, "\(refused)")
            #expect(refused.reason.contains("does not cover") && refused.reason.contains("seq 14"), "\(refused.reason)")
            #expect(fixture.snapshot() == untouched)
        }

        @Test func linesBeyondTheCopyIntactAreKept() throws {
            let fixture = try RepairFixture(in: directory, extraLines: 3)
            fixture.flip(2, line: 4, offset: 10)
            let result = try Ledger.repair(at: fixture.source.base.path, from: fixture.copyPath)
            #expect(result.replaced.map(\.firstSeq) == [9] && result.copyHead.seq == 14 && result.head.seq == 17)
            try fixture.expectRestored()
        }

        @Test func copyOfAnotherHistoryRefused() throws {
            let fixture = try RepairFixture(in: directory)
            fixture.flip(2, line: 2, offset: 50)
            // The copy's line 3 of segment 1 is another valid line (re-hashed), and so is every
            // line after it in its chain: a copy of another history.
            let other = TemporaryDirectory("repair-other")
            var built = try SegmentedLedger(in: other)
            built.addLines(4, toSegment: 1)
            built.addLines(6, toSegment: 2)
            built.addLines(3, toSegment: 3)
            let untouched = fixture.snapshot()
            let refused = try #require(refusal { _ = try Ledger.repair(at: fixture.source.base.path, from: built.base.path) })
            #expect(refused.file == fixture.segment(1) && refused.line == 1, "\(refused)")
            #expect(refused.reason.contains("intact but differs"), "\(refused.reason)")
            #expect(fixture.snapshot() == untouched)
        }

        @Test func damagedCopyNeverUsed() throws {
            let fixture = try RepairFixture(in: directory)
            fixture.flip(2, line: 2, offset: 50)
            let copySegment = fixture.copyPath + "/events/segment-000003.jsonl"
            var bytes = readBytes(copySegment)
            bytes[20] ^= 4
            writeBytes(copySegment, bytes)
            let untouched = fixture.snapshot()
            let refused = try #require(refusal { _ = try Ledger.repair(at: fixture.source.base.path, from: fixture.copyPath) })
            #expect(refused.file == copySegment && refused.line == 1, "\(refused)")
            #expect(refused.reason.contains("in the copy"), "\(refused.reason)")
            #expect(fixture.snapshot() == untouched)
        }

        @Test func copyNotEndingAtTheHeadRefused() throws {
            let fixture = try RepairFixture(in: directory)
            fixture.flip(3, line: 3, offset: 50)
            // The head names another last line than the copy's (its hash altered, checksum renewed).
            let head = try fixture.ledger.readHead()
            let altered = HeadRecord(seq: head.seq, hash: SHA256.hash("another line"), segment: head.segment, offset: head.offset)
            writeBytes(fixture.source.base.headPath, altered.slotBytes + altered.slotBytes)
            let untouched = fixture.snapshot()
            let refused = try #require(refusal { _ = try Ledger.repair(at: fixture.source.base.path, from: fixture.copyPath) })
            #expect(refused.file.hasSuffix("/head") && refused.reason.contains("does not match the head"), "\(refused)")
            #expect(fixture.snapshot() == untouched)
        }

        @Test func interruptedRepairCompleted() throws {
            let fixture = try RepairFixture(in: directory)
            fixture.flip(1, line: 2, offset: 30)
            fixture.flip(3, line: 1, offset: 30)
            // A repair that died after writing segment 1's temporary file and renaming segment 3's.
            writeBytes(fixture.segment(1) + ".repair.tmp", Array(fixture.original[1]!.prefix(100)))
            writeBytes(fixture.segment(3), fixture.original[3]!)
            let result = try Ledger.repair(at: fixture.source.base.path, from: fixture.copyPath)
            #expect(result.removedTemporaryFiles == 1)
            #expect(result.replaced.map(\.file) == ["segment-000001.jsonl"])
            try fixture.expectRestored()
        }
    }
}

extension RepairFixture {
    /// The same copy and original bytes with another state of the source.
    init(copy fixture: RepairFixture, source: SegmentedLedger) {
        self.source = source
        copyPath = fixture.copyPath
        original = fixture.original
    }
}

// A repair whose N-th system call of a kind fails, for every N up to the first repair that makes
// fewer calls: each segment is then old (damaged) or new (repaired), never a mixture, and the
// next repair completes it. Runs with the other fault-injection tests in a process of their own.
extension LedgerFileTests.FaultInjectionTests {
    @Test(arguments: [FaultInjection.Kind.open, .read, .write, .fsync, .rename])
    func repairInterruptedAtEveryCallIsCompletedByTheNext(kind: FaultInjection.Kind) throws {
        var ordinal = 1
        while ordinal <= 400 {
            let place = TemporaryDirectory("repair-fault-\(kind.rawValue)-\(ordinal)")
            let fixture = try RepairFixture(in: place)
            fixture.flip(1, line: 2, offset: 30)
            fixture.flip(3, line: 2, offset: 30)
            let damaged = [1: readBytes(fixture.segment(1)), 3: readBytes(fixture.segment(3))]
            FaultInjection.install("\(kind.rawValue)#\(ordinal)=EIO")
            let outcome = Result { try Ledger.repair(at: fixture.source.base.path, from: fixture.copyPath) }
            FaultInjection.install("")
            for index in [1, 3] {
                let now = readBytes(fixture.segment(index))
                #expect(now == damaged[index] || now == fixture.original[index], "\(kind)#\(ordinal): segment \(index) is neither old nor new")
            }
            #expect(readBytes(fixture.segment(2)) == fixture.original[2])
            if case .success = outcome {
                try fixture.expectRestored()
                #expect(ordinal > 1, "\(kind): the first call already failed nothing")
                return
            }
            let completed = try Ledger.repair(at: fixture.source.base.path, from: fixture.copyPath)
            #expect(completed.replaced.count <= 2)
            try fixture.expectRestored()
            ordinal += 1
        }
        Issue.record("\(kind): a repair made more than 400 calls")
    }
}
