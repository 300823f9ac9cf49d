public import LedgerCore

/// The projections' checkpoint (`cache/projection.bin`): the fold saved in sections.
///
/// The sections are the whole-jobcenter facts, one section per ``ProjectionPartition``, then the
/// report's ``MeasureCache``, so that a command may read the whole fold or only the partitions a
/// few new lines touch. See EventLogs/FORMAT.md, "Checkpoints".
public enum ProjectionCheckpoint {
    /// Sections: the whole-jobcenter one, the partitions', the measure cache.
    static let sectionCount = 1 + ProjectionPartition.count + 1
    static var cacheSection: Int { sectionCount - 1 }

    /// Most lines after the checkpoint that a partial fold replays; beyond, the whole fold is read
    /// (a partial fold then touches most partitions anyway).
    public static let partialTailLinesMax: Int64 = 20_000

    /// The whole fold saved beside the ledger, with its position and its measure cache, or nil.
    ///
    /// Nil unless the file is usable (its header and every section check, the ledger continues its
    /// position) and `accept` takes its position.
    public static func loadWhole(_ ledger: Ledger, head: HeadRecord, accept: (CheckpointPosition) -> Bool)
        -> (state: ProjectionState, position: CheckpointPosition, cache: MeasureCache)? {
        guard let opened = SectionedCheckpoint.open(ledger, kind: ProjectionState.checkpointKind, head: head),
              opened.sectionCount == sectionCount, accept(opened.position),
              let sections = opened.readAll(),
              let state = try? ProjectionState(checkpointWhole: sections[0], partitions: Array(sections[1...ProjectionPartition.count])),
              state.loadedPartitions == nil, state.headSeq == opened.position.seq, state.headHash == opened.position.hash,
              let cache = try? MeasureCache(section: sections[cacheSection]) else { return nil }
        return (state, opened.position, cache)
    }

    /// Saves a whole fold at the head, with a measure cache of that same fold (best effort).
    public static func save(_ state: ProjectionState, to ledger: Ledger, head: HeadRecord, cache: MeasureCache) {
        guard state.loadedPartitions == nil, state.headSeq == head.seq, state.headHash == head.hash else { return }
        let sections = state.checkpointSections() + [cache.sectionBytes()]
        assert(sections.count == sectionCount)
        SectionedCheckpoint.write(ledger, kind: ProjectionState.checkpointKind,
                                  position: Checkpoint.position(head: head, recordedAt: state.headRecordedAt), sections: sections)
    }

    /// Most requests of the previous checkpoint computed again for a new one (each is a pass over
    /// the citizens).
    public static let carriedRequestsMax = 100

    /// Saves a whole fold at the head with this command's measure parts and the earlier checkpoint's.
    ///
    /// It saves `current` (the parts this command computed) and, computed again on `state`, the parts
    /// of the requests the checkpoint being replaced held and this command did not ask for (the most
    /// recent ``carriedRequestsMax``), so that reports of other days or goals, run in turn, keep
    /// finding their parts instead of each refolding the ledger.
    public static func saveCarryingEarlier(_ state: ProjectionState, to ledger: Ledger, head: HeadRecord, current: MeasureCache) {
        guard state.loadedPartitions == nil, state.headSeq == head.seq, state.headHash == head.hash else { return }
        save(state, to: ledger, head: head, cache: carried(ledger, head: head, state: state, skipping: current).merging(current))
    }

    /// The parts of the requests the saved checkpoint holds, computed on `state` (empty when there is
    /// no usable checkpoint).
    static func carried(_ ledger: Ledger, head: HeadRecord, state: ProjectionState, skipping current: MeasureCache = MeasureCache()) -> MeasureCache {
        guard let opened = SectionedCheckpoint.open(ledger, kind: ProjectionState.checkpointKind, head: head),
              opened.sectionCount == sectionCount,
              let section = opened.read([cacheSection])?[cacheSection],
              let earlier = try? MeasureCache(section: section) else { return MeasureCache() }
        let keys = earlier.order.filter { current.entries[$0] == nil }.suffix(carriedRequestsMax)
        let recorder = MeasureRecorder()
        let engine = MeasureEngine(state: state, recorder: recorder)
        for key in keys {
            let request = earlier.entries[key]!.request
            guard let day = request.at ?? request.period?.last else { continue }
            _ = try? engine.compute(request, defaultDay: day)
        }
        return recorder.cache
    }

    /// A partial fold at the head (or at the last line known at `knownAt`), or nil.
    ///
    /// It holds the checkpoint's whole-jobcenter facts and only the partitions that the lines after it
    /// touch, with those lines applied, and the checkpoint's measure cache for the other partitions.
    /// Nil when there is no usable checkpoint, it holds no measure cache, more than
    /// ``partialTailLinesMax`` lines follow it, or a line corrects an earlier line the partial fold
    /// cannot place; then the caller folds the whole ledger.
    public static func replayPartially(_ ledger: Ledger, knownAt: Timestamp?) throws(LedgerError) -> (state: ProjectionState, cache: MeasureCache)? {
        let head = try ledger.readHead()
        guard let opened = SectionedCheckpoint.open(ledger, kind: ProjectionState.checkpointKind, head: head),
              opened.sectionCount == sectionCount else { return nil }
        let position = opened.position
        guard knownAt.map({ position.recordedAt <= $0 }) ?? true, head.seq - position.seq <= partialTailLinesMax else { return nil }
        // The lines after the checkpoint, up to the knowledge time.
        var tail: [RecordedEvent] = []
        if position.seq < head.seq {
            let chunks = try LedgerChunks.split(ledger, head: head, fromSegment: position.segment, offset: position.offset, chunkBytes: Replayer.chunkBytes)
            var done = false
            for chunk in chunks where !done {
                try ledger.forEachLine(segment: chunk.segment, from: chunk.start, to: chunk.end, firstLineNumber: chunk.firstLine) { (location, line) throws(LedgerError) in
                    if done { return }
                    let recorded = try Ledger.decode(line, at: location)
                    if let knownAt, recorded.recordedAt > knownAt { done = true; return }
                    tail.append(recorded)
                }
            }
        }
        // The partitions they touch.
        var needed = Set<Int>()
        var corrected: [(citizen: Pseudonym, target: Int64)] = []
        for recorded in tail {
            switch ProjectionPartition.reach(of: recorded, checkpointSeq: position.seq) {
            case .partitions(let parts): needed.formUnion(parts)
            case .correctionOfCitizen(let partition, let target):
                needed.insert(partition)
                corrected.append((recorded.event.citizen!, target))
            case .unknown: return nil
            }
        }
        let indexes = [0] + needed.sorted().map { $0 + 1 } + [cacheSection]
        guard let sections = opened.read(indexes),
              var state = try? ProjectionState(checkpointWhole: sections[0]!, partitions: needed.sorted().map { sections[$0 + 1]! }),
              state.headSeq == position.seq, state.headHash == position.hash,
              let cache = try? MeasureCache(section: sections[cacheSection]!), !cache.entries.isEmpty else { return nil }
        if state.loadedPartitions == nil { state.loadedPartitions = [Bool](repeating: true, count: ProjectionPartition.count) }
        // A correction of a line before the checkpoint is applied here only when the line is in its
        // citizen's history (a referral or fill lies in its order's partition, which may not be loaded).
        for (citizen, target) in corrected {
            guard let i = state.citizenIndex[citizen], state.citizens[i].holds(target) else { return nil }
        }
        for recorded in tail {
            guard recorded.seq == state.headSeq + 1, recorded.prev == state.headHash else {
                throw LedgerError.corrupt(file: Ledger.segmentName(head.segment), line: 0,
                                          reason: "seq \(recorded.seq) does not continue the line before it; run caseledger verify")
            }
            state.apply(recorded)
        }
        assert(state.loadedPartitions != nil)
        return (state, cache)
    }
}
