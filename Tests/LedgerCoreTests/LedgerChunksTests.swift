import Testing
@testable import LedgerCore

extension LedgerFileTests {
    /// A ledger is split into chunks at line starts: the replay decodes each chunk on its own.
    @Suite final class LedgerChunksTests {
        let directory = TemporaryDirectory("chunks")

        /// A ledger whose first segment is replaced by lines that are short, a few kilobytes and
        /// tens of kilobytes long: longer than the first window that
        /// ``LedgerChunks/nextLineStart(_:segment:after:limit:)`` reads, and than any line an append
        /// writes today (texts are at most 300 bytes). Splitting reads bytes only, not events.
        func ledgerWithLongLines(seed: UInt64) throws -> (test: TestLedger, bytes: [UInt8]) {
            let test = try TestLedger(in: directory)
            var random = SplitMix64(seed: seed)
            var bytes: [UInt8] = []
            for _ in 0..<300 {
                let length = random.pick([0, 10, 200, 3_000, 4_094, 4_095, 4_096, 4_200, 9_000, 30_000, 60_000])
                bytes += [UInt8](repeating: UInt8(ascii: "x"), count: length) + [0x0A]
            }
            writeBytes(test.segment1, bytes)
            return (test, bytes)
        }

        /// The offset just after the first newline at or after `offset`, found by a plain scan.
        static func expectedNextLineStart(_ bytes: [UInt8], after offset: Int) -> Int64 {
            var i = offset
            while i < bytes.count {
                if bytes[i] == 0x0A { return Int64(i + 1) }
                i += 1
            }
            return Int64(bytes.count)
        }

        @Test("the next line start is found after every kind of offset, whatever the line's length")
        func nextLineStartMatchesAScan() throws {
            let seed = testSeed(4_711)
            let (test, bytes) = try ledgerWithLongLines(seed: seed)
            let size = Int64(bytes.count)
            var random = SplitMix64(seed: seed)
            var offsets = Set<Int>()
            for (i, byte) in bytes.enumerated() where byte == 0x0A {
                // Just before, at and after each newline, and at a random place in the line after it.
                for d in [-4_097, -4_096, -4_095, -1, 0, 1] where i + d >= 0 && i + d < bytes.count { offsets.insert(i + d) }
                offsets.insert(min(bytes.count - 1, i + 1 + random.below(70_000)))
            }
            for offset in offsets.sorted() {
                let found = try LedgerChunks.nextLineStart(test.ledger, segment: 1, after: Int64(offset), limit: size)
                #expect(found == Self.expectedNextLineStart(bytes, after: offset), "offset \(offset), seed \(seed)")
            }
            // A limit before the newline is the answer.
            let firstNewline = bytes.firstIndex(of: 0x0A)!
            #expect(try LedgerChunks.nextLineStart(test.ledger, segment: 1, after: 0, limit: Int64(firstNewline)) == Int64(firstNewline))
        }

        @Test("chunks tile the ledger at line starts, for chunk sizes below and above the line lengths")
        func chunksTileAtLineStarts() throws {
            let (test, bytes) = try ledgerWithLongLines(seed: testSeed(815))
            let size = Int64(bytes.count)
            let lineStarts = Set([0] + bytes.indices.filter { bytes[$0] == 0x0A }.map { $0 + 1 })
            for chunkBytes: Int64 in [1, 1_000, 4_096, 50_000, 1 << 20] {
                let chunks = try LedgerChunks.split(test.ledger, segmentEnds: [size], chunkBytes: chunkBytes)
                #expect(chunks.first?.start == 0)
                #expect(chunks.last?.end == size)
                for (a, b) in zip(chunks, chunks.dropFirst()) { #expect(a.end == b.start) }
                for chunk in chunks {
                    #expect(chunk.end > chunk.start)
                    #expect(lineStarts.contains(Int(chunk.start)), "chunk \(chunk.start) of \(chunkBytes)-byte chunks")
                }
            }
        }

        @Test("planned chunks, resolved one by one, tile the lines from any line start, each line in exactly one chunk")
        func plannedChunksResolveToTheLines() throws {
            let (test, bytes) = try ledgerWithLongLines(seed: testSeed(2_024))
            let size = Int64(bytes.count)
            let lineStarts = [0] + bytes.indices.filter { bytes[$0] == 0x0A }.map { $0 + 1 }.dropLast()
            for firstOffset in [0, lineStarts[lineStarts.count / 3], lineStarts[lineStarts.count - 1]] {
                for chunkBytes: Int64 in [999, 4_096, 50_000, 1 << 20] {
                    let label = "from \(firstOffset), \(chunkBytes)-byte chunks"
                    let planned = LedgerChunks.plan(segmentEnds: [size], chunkBytes: chunkBytes, firstSegment: 1, firstOffset: Int64(firstOffset))
                    let chunks = try planned.map { try LedgerChunks.resolved($0, in: test.ledger) }
                    #expect(chunks.first?.start == Int64(firstOffset), "\(label)")
                    #expect(chunks.last?.end == size, "\(label)")
                    for (a, b) in zip(chunks, chunks.dropFirst()) { #expect(a.end == b.start, "\(label)") }
                    // The lines the chunks hold, read chunk by chunk, are the file's lines from the first offset.
                    var lines: [Int64] = []
                    for chunk in chunks {
                        #expect(chunk.start <= chunk.end, "\(label)")
                        try test.ledger.forEachLine(segment: 1, from: chunk.start, to: chunk.end, firstLineNumber: chunk.firstLine) { (location, _) throws(LedgerError) in
                            lines.append(location.offset)
                        }
                    }
                    #expect(lines == lineStarts.filter { $0 >= firstOffset }.map { Int64($0) }, "\(label)")
                }
            }
        }
    }
}
