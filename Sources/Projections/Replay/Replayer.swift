public import LedgerCore
import Dispatch

/// Reads a ledger's acknowledged lines into a ``ProjectionState``, as known at a moment.
///
/// The only part of the projections that does I/O. Lines are read in order up to the head; since
/// recorded-at never decreases along a ledger, the replay stops at the first line recorded after
/// the knowledge time. Each line's `seq` and `prev` are checked against the line before it.
public enum Replayer {
    /// Replays `ledger` into `state`, as known at `knownAt`.
    ///
    /// `state` is empty, or carried over from an earlier replay of a prefix; the lines applied are
    /// those with seq > state.headSeq and recorded-at at or before `knownAt` (nil: all).
    /// `throughSeq` stops after that sequence number (nil: the head).
    ///
    /// With `checkpoints`, an empty initial state starts from the projections' checkpoint when it
    /// serves (it lies at or before `throughSeq` and its lines were all known at `knownAt`), and a
    /// replay that reaches the head having folded enough lines (``Checkpoint/shouldRewrite(folded:headSeq:)``)
    /// saves a new one (unless `saveCheckpoint` is false: `report` saves it itself, with the measure
    /// parts it computed). Without, every line is replayed (what `audit` and `publish` do).
    ///
    /// `foldLanes` splits the fold over that many threads by citizen (``FoldLanes``); 0 chooses:
    /// one lane per processor (at most ``laneCountMax``) for a fold of ``laneFoldMinimumBytes`` or
    /// more, else one. The state is the same either way, and for any `chunkBytes` (the bytes decoded
    /// per parallel chunk; tests make them small).
    public static func replay(_ ledger: Ledger, knownAt: Timestamp? = nil, throughSeq: Int64? = nil,
                              from initial: ProjectionState = ProjectionState(), threads: Int = 0,
                              progress: ProgressReporter? = nil, checkpoints: Bool = false,
                              saveCheckpoint: Bool = true, foldLanes: Int = 0,
                              chunkBytes: Int64 = Replayer.chunkBytes) throws(LedgerError) -> ProjectionState {
        var state = initial
        let head = try ledger.readHead()
        let stopSeq = min(throughSeq ?? head.seq, head.seq)
        var startSegment = 1
        var startOffset: Int64 = 0
        if checkpoints && state.headSeq == 0, let found = ProjectionCheckpoint.loadWhole(ledger, head: head, accept: { position in
            position.seq <= stopSeq && (knownAt.map { position.recordedAt <= $0 } ?? true)
        }) {
            state = found.state
            startSegment = found.position.segment
            startOffset = found.position.offset
        }
        let startSeq = state.headSeq
        guard state.headSeq < stopSeq else { return state }
        // Lines are decoded in parallel chunks, a wave at a time, and applied in order.
        // Planned without reading; each chunk finds its line boundaries where it is decoded.
        let chunks = try LedgerChunks.plan(ledger, head: head, fromSegment: startSegment, offset: startOffset, chunkBytes: chunkBytes)
        let workers = threads > 0 ? threads : Parallel.processorCount
        let totalBytes = chunks.reduce(Int64(0)) { $0 + $1.end - $1.start }
        var doneBytes: Int64 = 0
        defer { progress?.finish() }
        // A large fold runs in lanes by citizen on several threads (see ``FoldLanes``); the chunks
        // are decoded with their person events split by lane.
        let laneCount = foldLanes > 0 ? foldLanes
            : (workers > 1 && totalBytes >= Self.laneFoldMinimumBytes ? min(workers, Self.laneCountMax) : 1)
        let lanes = laneCount > 1 && state.loadedPartitions == nil ? FoldLanes(count: laneCount, taking: state) : nil
        let decodeLanes = lanes?.count ?? 1
        // Waves are decoded ahead: while the caller applies wave k, waves k+1 and k+2 are being decoded.
        let skipThrough = state.headSeq
        let cut = DecodedChunk.Cut(knownAt: knownAt, stopSeq: stopSeq)
        let waveSize = workers * 2
        let waves = stride(from: 0, to: chunks.count, by: waveSize).map { Array(chunks[$0..<min(chunks.count, $0 + waveSize)]) }
        func decodeAhead(_ w: Int) -> Pending<[Result<DecodedChunk, LedgerError>]>? {
            guard w < waves.count else { return nil }
            let wave = waves[w]
            return Pending {
                Parallel.map(count: wave.count, workers: workers) { i -> Result<DecodedChunk, LedgerError> in
                    Result { () throws(LedgerError) -> DecodedChunk in
                        let chunk = try LedgerChunks.resolved(wave[i], in: ledger)
                        var events = DecodedChunk(bytes: chunk.end - chunk.start, cut: cut, lanes: decodeLanes)
                        try ledger.forEachLine(segment: chunk.segment, from: chunk.start, to: chunk.end, firstLineNumber: chunk.firstLine) { (location, line) throws(LedgerError) in
                            // Lines already in a carried-over state are skipped undecoded (a checkpoint's
                            // lines are not in the chunks at all).
                            if skipThrough > 0, let seq = Replayer.sequenceNumber(line), seq <= skipThrough {
                                events.skip(seq: seq)
                                return
                            }
                            try events.append(line, at: location)
                        }
                        return events
                    }
                }
            }
        }
        // Waves are decoded `decodeDepth` ahead of the one being applied.
        var pending = (0..<Self.decodeDepth).compactMap { decodeAhead($0) }
        var nextWave = pending.count
        var w = 0
        var done = false
        // The chain as checked so far (the state's head is behind it while a wave is applied in lanes).
        var checkedSeq = state.headSeq
        var checkedHash = state.headHash
        // A wave still decoding when the replay stops early is waited for, so no thread outlives it.
        defer {
            for wave in pending { _ = wave.wait() }
            lanes?.waitUntilFolded()
        }
        while !pending.isEmpty, !done {
            let current = pending.removeFirst()
            let decoded = current.wait()
            let wave = waves[w]
            w += 1
            if let next = decodeAhead(nextWave) {
                pending.append(next)
                nextWave += 1
            }
            doneBytes += wave.reduce(Int64(0)) { $0 + $1.end - $1.start }
            progress?.update(done: doneBytes, total: totalBytes)
            // Each chunk's lines were checked against each other as they were read (and cut where
            // the replay stops); what is left is each chunk's first line against the chunk before.
            var batches: [DecodedChunk] = []
            for (i, result) in decoded.enumerated() where !done {
                let chunk = try result.get()
                let file = Ledger.segmentName(wave[i].segment)
                guard let first = chunk.first else {
                    // Every line skipped (already in the state), or the first one beyond the cut.
                    if chunk.reachedCut { done = true }
                    continue
                }
                guard first.seq == checkedSeq + 1 else {
                    throw LedgerError.corrupt(file: file, line: 0,
                                              reason: "sequence number \(first.seq) where \(checkedSeq + 1) was expected; run caseledger verify")
                }
                guard first.prev == checkedHash || checkedSeq == 0 else {
                    throw LedgerError.corrupt(file: file, line: 0, reason: "prev of seq \(first.seq) does not match the line before it; run caseledger verify")
                }
                switch chunk.chainBreak {
                case .sequence(let found, let expected)?:
                    throw LedgerError.corrupt(file: file, line: 0, reason: "sequence number \(found) where \(expected) was expected; run caseledger verify")
                case .prev(let seq)?:
                    throw LedgerError.corrupt(file: file, line: 0, reason: "prev of seq \(seq) does not match the line before it; run caseledger verify")
                case nil:
                    break
                }
                checkedSeq = chunk.lastSeq
                checkedHash = chunk.lastHash
                if chunk.reachedCut || checkedSeq >= stopSeq { done = true }
                batches.append(chunk)
            }
            // The wave's events are freed on another thread, off the fold's serial path.
            if let lanes {
                // Folded on the lanes' threads while the next waves are checked and submitted;
                // the lanes free the events they hold.
                lanes.submit(consume batches)
                Retirement.free(consume decoded)
            } else {
                foldSerially(batches, into: &state)
                Retirement.free((consume decoded, consume batches))
            }
        }
        if let lanes {
            // Waits for the lanes' tasks; the head is checked below.
            state = lanes.merge()
        }
        assert(state.headSeq == checkedSeq && state.headHash == checkedHash, "the fold ends where the checked chain ends")
        if checkpoints && saveCheckpoint && Checkpoint.shouldRewrite(folded: state.headSeq - startSeq, headSeq: state.headSeq) {
            ProjectionCheckpoint.saveCarryingEarlier(state, to: ledger, head: head, current: MeasureCache())
        }
        return state
    }

    /// Applies the lines of each chunk, in order, on the calling thread (a fold not in lanes: a
    /// small one, a partial one, or one on a single processor).
    ///
    /// A function of its own, with the state `inout`: applied inside `replay`'s loop, every access
    /// to its local state went through the runtime's exclusivity check.
    static func foldSerially(_ chunks: [DecodedChunk], into state: inout ProjectionState) {
        withUnsafeMutablePointer(to: &state) { state in
            for chunk in chunks {
                chunk.others.withUnsafeBufferPointer { others in
                    chunk.fold(lane: 0, into: state, applied: { _, _ in }, other: { o in
                        state.pointee.applyToHistories(others.baseAddress! + o)
                        state.pointee.applyToJobcenter(chunk, other: o)
                    })
                }
                state.pointee.finish(chunk)
            }
        }
    }

    /// Folds of fewer bytes than this run on one thread (unless `foldLanes` says otherwise).
    static let laneFoldMinimumBytes: Int64 = 32 << 20

    /// The most lanes an automatic choice folds in.
    static let laneCountMax = 8

    /// How many waves are decoded ahead of the one being applied.
    static let decodeDepth = 2

    /// The distance in person events between the prefetch stages (``ProjectionState/prefetch(_:citizen:type:)``):
    /// the index slot is asked for three distances ahead of applying an event, the history two,
    /// the history's array one.
    static let prefetchDistance = 8

    /// Bytes decoded per parallel chunk.
    public static let chunkBytes: Int64 = 2 << 20

    /// The `seq` of a canonical line, read from its first bytes, or nil.
    static func sequenceNumber(_ line: UnsafeRawBufferPointer) -> Int64? {
        let prefix = #"{"seq":"#.utf8
        guard line.count > prefix.count + 1, line.starts(with: prefix) else { return nil }
        var value: Int64 = 0
        var i = prefix.count
        while i < line.count, line[i] >= 48, line[i] <= 57, i < prefix.count + 18 {
            value = value * 10 + Int64(line[i] - 48)
            i += 1
        }
        return i > prefix.count ? value : nil
    }
}
