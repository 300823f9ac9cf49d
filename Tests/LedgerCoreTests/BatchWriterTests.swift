// A batch is written beyond the head in chunks while it is validated (BatchWriter): many chunks
// give the same ledger as one, a bad line or a failed write after some chunks leaves the segment
// as it was, and the read-back checksum notices changed bytes.

import Foundation
import Testing

@testable import LedgerCore

extension LedgerFileTests {
    @Suite struct BatchWriterTests {
        let directory = TemporaryDirectory("batchwriter")

        /// `count` event_held lines (no citizen, so any ledger accepts them), numbered in their name.
        static func lines(_ count: Int, badAt: Int? = nil) -> [String] {
            (1...count).map { i in
                let participants = i == badAt ? #""many""# : String(i % 40 + 1)
                return inputLine("event_held", effective: "2014-03-20", facts: #"{"name":"Informationsmøde nr. \#(i)","participants":\#(participants)}"#)
            }
        }

        /// Appends `lines` as one batch written in chunks of `chunkBytes`.
        @discardableResult
        static func append(_ test: TestLedger, _ lines: [String], chunkBytes: Int) throws -> AppendResult {
            let records = try test.records(lines)
            return try test.ledger.append(source: "test input", recordedAt: nil, chunkBytes: chunkBytes) { (emit) throws(LedgerError) in
                for record in records { try emit(record) }
            }
        }

        @Test("a batch written in many small chunks verifies and holds every line in order")
        func manyChunks() throws {
            let test = try TestLedger(in: directory)
            let lines = Self.lines(600)
            let result = try Self.append(test, lines, chunkBytes: 4096)
            #expect(result.firstSeq == 2 && result.lastSeq == 601)
            let report = try LedgerVerifier.verify(test.ledger)
            #expect(report.events == 601)
            #expect(report.tail == nil)
            let head = try test.ledger.readHead()
            #expect(try fileSize(test.segment1) == head.offset)
            // About 600 lines of some 300 bytes: far more than one chunk of 4 KiB.
            #expect(head.offset > 40 * 4096)
            let names = try test.ledger.allEvents().dropFirst().map { $0.event.text("name") ?? "" }
            #expect(names == (1...600).map { "Informationsmøde nr. \($0)" })
        }

        @Test("a bad line after several chunks were written leaves the segment as it was", arguments: [1, 300, 599])
        func badLineAfterChunks(_ badAt: Int) throws {
            let test = try TestLedger(in: directory)
            try Self.append(test, Self.lines(3), chunkBytes: 4096)
            let headBefore = try test.ledger.readHead()
            let segmentBefore = readBytes(test.segment1)

            let thrown = #expect(throws: LedgerError.self) { try Self.append(test, Self.lines(600, badAt: badAt), chunkBytes: 4096) }
            guard case .input(let error)? = thrown else {
                Issue.record("expected an input error, got \(String(describing: thrown))")
                return
            }
            #expect(error.line == badAt)
            #expect(error.field == "facts.participants")
            #expect(try test.ledger.readHead() == headBefore)
            let unchanged = readBytes(test.segment1) == segmentBefore
            #expect(unchanged)
            #expect(try LedgerVerifier.verify(test.ledger).tail == nil)
            // The next batch continues from the head.
            let next = try Self.append(test, Self.lines(2), chunkBytes: 4096)
            #expect(next.firstSeq == headBefore.seq + 1)
        }

        @Test("verify run while large batches are written and refused beyond the head never reports a defect")
        func verifyBesideRefusedBatches() async throws {
            let test = try TestLedger(in: directory)
            try Self.append(test, Self.lines(5), chunkBytes: 4096)
            let refused = try test.records(Self.lines(400, badAt: 400))
            let finished = Locked(false)
            let writer = Task.detached {
                var refusals = 0
                for _ in 0..<25 {
                    do {
                        _ = try test.ledger.append(source: "test input", recordedAt: nil, chunkBytes: 4096) { (emit) throws(LedgerError) in
                            for record in refused { try emit(record) }
                        }
                    } catch { refusals += 1 }
                }
                finished.withLock { $0 = true }
                return refusals
            }
            var verified = 0
            var failures: [String] = []
            while verified < 25 || !finished.withLock({ $0 }) {
                do {
                    let report = try LedgerVerifier.verify(test.ledger)
                    #expect(report.events == 6)
                } catch {
                    failures.append("\(error)")
                }
                verified += 1
                if verified > 2_000 { break }
            }
            #expect(await writer.value == 25)
            #expect(failures.isEmpty, "\(failures.prefix(3))")
            let unchanged = try LedgerVerifier.verify(test.ledger)
            #expect(unchanged.events == 6 && unchanged.tail == nil)
        }

        @Test("the read-back checksum changes with any changed byte, swapped words or a length change")
        func checksum() {
            var generator = SplitMix64(seed: 17)
            let bytes = (0..<1_003).map { _ in UInt8(truncatingIfNeeded: generator.next()) }
            let sum = bytes.withUnsafeBytes { ChunkChecksum.of($0) }
            #expect(bytes.withUnsafeBytes { ChunkChecksum.of($0) } == sum)
            var changedBytes = 0
            for i in bytes.indices {
                var changed = bytes
                changed[i] ^= UInt8(1 << (i % 8))
                if changed.withUnsafeBytes({ ChunkChecksum.of($0) }) != sum { changedBytes += 1 }
            }
            #expect(changedBytes == bytes.count)
            var swapped = bytes
            for k in 0..<8 { swapped.swapAt(8 + k, 64 + k) }
            #expect(swapped.withUnsafeBytes { ChunkChecksum.of($0) } != sum)
            #expect((bytes + [0]).withUnsafeBytes { ChunkChecksum.of($0) } != sum)
            #expect(Array(bytes.dropLast()).withUnsafeBytes { ChunkChecksum.of($0) } != sum)
        }
    }
}

/// A file's size in bytes.
private func fileSize(_ path: String) throws -> Int64 {
    let attributes = try FileManager.default.attributesOfItem(atPath: path)
    return (attributes[.size] as? NSNumber)?.int64Value ?? -1
}
