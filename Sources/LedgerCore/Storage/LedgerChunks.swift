/// A byte range of one segment that starts and ends at line boundaries: a unit of parallel work.
public struct LedgerChunk: Sendable {
    /// 1-based segment index.
    public var segment: Int
    /// First byte (a line start).
    public var start: Int64
    /// End, exclusive (just after a newline, or the acknowledged end).
    public var end: Int64
    /// 1-based line number of the line at `start` — known only for the first chunk of a segment
    /// (1); later chunks get 0 and report line numbers relative to their start.
    public var firstLine: Int
    /// Whether `start` is a line start. A planned chunk's (``LedgerChunks/plan(_:head:fromSegment:offset:chunkBytes:)``)
    /// is a byte offset until ``LedgerChunks/resolved(_:in:)`` moves it to one.
    public var startIsLineStart = true
    /// Whether `end` is a line's end (just after its newline, or the acknowledged end); as `startIsLineStart`.
    public var endIsLineEnd = true
    /// The segment's acknowledged end, which a boundary is never moved past.
    public var limit: Int64 = 0
}

/// Splits a ledger's acknowledged bytes into chunks at line boundaries.
public enum LedgerChunks {
    /// The chunks of everything after byte `offset` of segment `segment` up to `head`, in order,
    /// each at line boundaries (the rest of a ledger after a checkpoint; line numbers in that first
    /// segment are relative): ``plan(_:head:fromSegment:offset:chunkBytes:)``, each chunk resolved
    /// on the calling thread.
    public static func split(_ ledger: Ledger, head: HeadRecord, fromSegment segment: Int, offset: Int64, chunkBytes: Int64) throws(LedgerError) -> [LedgerChunk] {
        try resolvedAll(try plan(ledger, head: head, fromSegment: segment, offset: offset, chunkBytes: chunkBytes), in: ledger)
    }

    /// The chunks of segments 1, 2, ... up to the given byte ends, in order, each at line
    /// boundaries and none empty; segments before `firstSegment` are skipped and that one starts
    /// at `firstOffset`. Reads a few kilobytes at every boundary on the calling thread.
    public static func split(_ ledger: Ledger, segmentEnds: [Int64], chunkBytes: Int64,
                             firstSegment: Int = 1, firstOffset: Int64 = 0) throws(LedgerError) -> [LedgerChunk] {
        try resolvedAll(plan(segmentEnds: segmentEnds, chunkBytes: chunkBytes, firstSegment: firstSegment, firstOffset: firstOffset), in: ledger)
    }

    /// Each chunk resolved, in order, the empty ones left out.
    private static func resolvedAll(_ planned: [LedgerChunk], in ledger: Ledger) throws(LedgerError) -> [LedgerChunk] {
        var chunks: [LedgerChunk] = []
        for chunk in planned {
            let atLines = try resolved(chunk, in: ledger)
            if atLines.end > atLines.start { chunks.append(atLines) }
        }
        return chunks
    }

    /// The chunks of everything after byte `offset` of segment `segment` up to `head`, cut every
    /// `chunkBytes` bytes without reading anything: each chunk's boundaries are moved to line starts
    /// by ``resolved(_:in:)`` where the chunk is read, so that no serial pass of random reads at
    /// every boundary comes before the first line is decoded.
    public static func plan(_ ledger: Ledger, head: HeadRecord, fromSegment segment: Int, offset: Int64, chunkBytes: Int64) throws(LedgerError) -> [LedgerChunk] {
        var ends: [Int64] = []
        for index in 1...head.segment { ends.append(index < segment ? 0 : index == head.segment ? head.offset : try ledger.segmentSize(index)) }
        return plan(segmentEnds: ends, chunkBytes: chunkBytes, firstSegment: segment, firstOffset: offset)
    }

    /// As ``plan(_:head:fromSegment:offset:chunkBytes:)``, for segments 1, 2, ... ending at the given
    /// offsets; segments before `firstSegment` are skipped, and that one starts at `firstOffset` (a line start).
    static func plan(segmentEnds: [Int64], chunkBytes: Int64, firstSegment: Int = 1, firstOffset: Int64 = 0) -> [LedgerChunk] {
        precondition(chunkBytes > 0, "chunks hold bytes")
        var chunks: [LedgerChunk] = []
        for (position, end) in segmentEnds.enumerated() where position + 1 >= firstSegment {
            let index = position + 1
            let first: Int64 = index == firstSegment ? firstOffset : 0
            var start = first
            while start < end {
                let stop = min(end, start + chunkBytes)
                chunks.append(LedgerChunk(segment: index, start: start, end: stop, firstLine: start == 0 ? 1 : 0,
                                          startIsLineStart: start == first, endIsLineEnd: stop == end, limit: end))
                start = stop
            }
        }
        return chunks
    }

    /// `chunk` with its boundaries moved to line starts: a boundary that is not one moves to
    /// ``nextLineStart(_:segment:after:limit:)``, as the neighbouring chunk moves the same boundary,
    /// so that every line is in exactly one chunk (an empty chunk when a line is longer than the chunks).
    public static func resolved(_ chunk: LedgerChunk, in ledger: Ledger) throws(LedgerError) -> LedgerChunk {
        var resolved = chunk
        if !chunk.startIsLineStart {
            resolved.start = try nextLineStart(ledger, segment: chunk.segment, after: chunk.start, limit: chunk.limit)
            resolved.startIsLineStart = true
        }
        if !chunk.endIsLineEnd {
            resolved.end = try nextLineStart(ledger, segment: chunk.segment, after: chunk.end, limit: chunk.limit)
            resolved.endIsLineEnd = true
        }
        // nextLineStart grows with its offset, so a chunk never ends before it starts.
        assert(resolved.start <= resolved.end, "a resolved chunk does not end before it starts")
        return resolved
    }

    /// The offset just after the first newline at or after `offset` (or `limit`).
    ///
    /// A small window is read first, and the longest line's only when it holds no newline: every
    /// chunk's inner boundaries are resolved this way, so the common case reads a few kilobytes.
    public static func nextLineStart(_ ledger: Ledger, segment: Int, after offset: Int64, limit: Int64) throws(LedgerError) -> Int64 {
        for window in [Self.firstWindowBytes, Int64(Ledger.storedLineBytesMax) + 1] {
            var result: Int64?
            try ledger.forEachLine(segment: segment, from: offset, to: min(limit, offset + window)) { (location, line) throws(LedgerError) in
                if result == nil { result = location.offset + Int64(line.count) + 1 }
            }
            if let result { return result }
            if offset + window >= limit { break }
        }
        return limit
    }

    /// The window ``nextLineStart(_:segment:after:limit:)`` reads first.
    static let firstWindowBytes: Int64 = 4096
}
