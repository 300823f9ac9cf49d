public import LedgerCore

/// The measure parts of a whole fold kept in memory and brought forward with it, so that goals
/// evaluated after a few new events compute only the partitions those events touched.
///
/// What the checkpoint's ``MeasureCache`` is to a partial fold read from disk
/// (``ProjectionCheckpoint/replayPartially(_:knownAt:)``), this is to a process that keeps the
/// whole fold current (`caseledger serve`): each request's parts per partition, as the last
/// evaluation that asked for it left them, with the partitions changed since. An evaluation
/// (``evaluate(_:_:)``) walks a partial view of the fold holding the partitions changed since any
/// kept part was computed (``ProjectionState/partialView(holding:citizensOf:)``), takes the other
/// partitions' parts from here, and keeps the completed parts for the next one. Its values are a
/// whole evaluation's to the last bit, for the reason the checkpoint's partial fold's are: a
/// partition's part depends only on that partition's items and the whole-jobcenter facts (which
/// the view shares), and an event changes only the partitions it reaches
/// (``ProjectionPartition/reach(of:checkpointSeq:)``). Where that is not known (a correction of
/// a line outside a citizen's history), or more than ``changedPartitionsMax`` partitions changed,
/// the parts are dropped and the next evaluation is whole.
///
/// Measures stay pure: this only chooses which partitions a measure walks and which parts it
/// takes as computed before.
public struct KeptMeasureParts: Sendable {
    /// The parts by request key.
    private var parts = MeasureCache()
    /// Per request key of ``parts``, the partitions changed since its parts were computed.
    private var changed: [String: Set<Int>] = [:]
    /// Per partition, the positions of its citizens in the fold's `citizens`, ascending.
    private var citizensOf: [[Int]]
    /// How many of the fold's citizens ``citizensOf`` lists.
    private var citizensListed = 0
    /// The directory of the fold's companies, extended as registrations are appended (nil: to be
    /// made, after a correction may have changed one); its numbers are those of the kept marks.
    private var companies: CompanyDirectory?
    /// The sequence number of the fold's head that the parts are brought to.
    public private(set) var headSeq: Int64
    /// How many partitions the last evaluation walked; nil when it walked the whole fold.
    public private(set) var lastWalked: Int?

    /// Most partitions a request's parts may lag behind in before they are dropped: an evaluation
    /// walks every partition some kept part lags behind in, so this bounds its cost (1/8 of the
    /// fold), and after that a whole evaluation is about as quick.
    public static let changedPartitionsMax = ProjectionPartition.count / 8

    /// Keeps parts for `state`, a whole fold; nothing computed yet (the first evaluation is whole).
    public init(_ state: ProjectionState) {
        precondition(state.loadedPartitions == nil, "parts are kept for a whole fold")
        citizensOf = [[Int]](repeating: [], count: ProjectionPartition.count)
        headSeq = state.headSeq
        listNewCitizens(state)
    }

    /// The number of request keys whose parts are kept (for tests and diagnostics).
    public var keptRequests: Int { parts.entries.count }

    /// Applies `events` (the next ones in sequence) to `state`, the fold the parts are kept for, and
    /// notes the partitions they change.
    public mutating func apply(_ events: some Sequence<RecordedEvent>, to state: inout ProjectionState) {
        precondition(state.headSeq == headSeq && state.loadedPartitions == nil, "the fold the parts are kept for")
        var touched = Set<Int>()
        var unknown = false
        for recorded in events {
            if !unknown {
                // Every correction is placed as one of a line before the parts (which it may be).
                switch ProjectionPartition.reach(of: recorded, checkpointSeq: .max) {
                case .partitions(let partitions):
                    touched.formUnion(partitions)
                case .correctionOfCitizen(let partition, let target):
                    // Its citizen's partition, when the line corrected is in that citizen's history
                    // (looked at before the correction is applied: a retraction removes the line).
                    if let citizen = recorded.event.citizen, let i = state.citizenIndex[citizen], state.citizens[i].holds(target) {
                        touched.insert(partition)
                    } else {
                        unknown = true
                    }
                case .unknown:
                    unknown = true
                }
                if touched.count > Self.changedPartitionsMax { unknown = true }
            }
            state.apply(recorded)
        }
        listNewCitizens(state)
        headSeq = state.headSeq
        if unknown {
            parts = MeasureCache()
            changed = [:]
            companies = nil
        } else if let numbered = companies?.numbers.count, numbered < state.companies.count {
            // Only registrations were added (a correction of one is a line outside any history).
            companies!.extend(with: state.companies[numbered...])
        }
        if !unknown && !touched.isEmpty {
            for key in Array(changed.keys) {
                changed[key]!.formUnion(touched)
                if changed[key]!.count > Self.changedPartitionsMax { drop(key) }
            }
        }
        assert(companies.map { $0.numbers.count == state.companies.count } ?? true, "the directory of the fold's companies")
    }

    /// Runs `body`, an evaluation of goals or measures, with an evaluator over `state` (the fold the
    /// parts are kept for) that computes from the kept parts where it can; keeps the parts computed.
    ///
    /// From kept parts: on a partial view holding the partitions that changed since (nothing walked
    /// when none did). When the view lacks a request's parts (a day not evaluated before), or no
    /// parts are kept, `body` runs again on the whole fold, and its parts are kept. `body` must be a
    /// pure function of the evaluator (it may run twice).
    public mutating func evaluate<T>(_ state: ProjectionState, _ body: (GoalEvaluator) -> T) -> T {
        precondition(state.headSeq == headSeq && state.loadedPartitions == nil, "the fold the parts are kept for")
        assert(state.citizens.count == citizensListed, "every citizen is listed in its partition")
        if companies == nil { companies = CompanyDirectory(state.companies, generation: CompanyDirectory.newGeneration()) }
        if !parts.entries.isEmpty {
            var holding = [Bool](repeating: false, count: ProjectionPartition.count)
            for partitions in changed.values { for p in partitions { holding[p] = true } }
            let view = state.partialView(holding: holding, citizensOf: citizensOf)
            let recorder = MeasureRecorder(notesCompleted: true)
            let result = body(GoalEvaluator(engine: MeasureEngine(state: view, cache: parts, recorder: recorder, companyDirectory: companies)))
            if !recorder.missed {
                keep(recorder.cache)
                lastWalked = holding.filter { $0 }.count
                return result
            }
        }
        let recorder = MeasureRecorder()
        let result = body(GoalEvaluator(engine: MeasureEngine(state: state, cache: nil, recorder: recorder, companyDirectory: companies)))
        keep(recorder.cache)
        lastWalked = nil
        return result
    }

    /// Keeps parts computed at the head, replacing those of the same requests.
    private mutating func keep(_ computed: MeasureCache) {
        for key in computed.order {
            parts.insert(key, numbered(computed.entries[key]!, previous: parts.entries[key]))
            changed[key] = []
        }
        // Requests the cache let go of beyond its size.
        if changed.count > parts.entries.count {
            for key in Array(changed.keys) where parts.entries[key] == nil { changed[key] = nil }
        }
        assert(changed.count == parts.entries.count, "a changed set per kept request")
    }

    /// An entry with its marks numbered in the kept directory: a partition's as before where its
    /// marks are the same as in `previous` (most are: only the partitions walked were computed).
    private func numbered(_ entry: MeasureCache.Entry, previous: MeasureCache.Entry?) -> MeasureCache.Entry {
        guard !entry.marks.isEmpty, let companies else { return entry }
        let count = ProjectionPartition.count
        assert(entry.marks.count == count, "marks of every partition")
        let before = previous.flatMap { p in p.numberedMarks.map { (p.marks, $0) } }.flatMap { $0.1.generation == companies.generation ? $0 : nil }
        var marks = NumberedMarks(generation: companies.generation, registered: [[Int]](repeating: [], count: count),
                                  unregistered: [[String]](repeating: [], count: count))
        for slot in 0..<count {
            if let (previousMarks, previousNumbered) = before, previousMarks.count == count, previousMarks[slot] == entry.marks[slot] {
                marks.registered[slot] = previousNumbered.registered[slot]
                marks.unregistered[slot] = previousNumbered.unregistered[slot]
                continue
            }
            for cvr in entry.marks[slot] {
                if let number = companies.number[cvr] { marks.registered[slot].append(number) } else { marks.unregistered[slot].append(cvr) }
            }
        }
        var kept = entry
        kept.numberedMarks = marks
        return kept
    }

    /// Drops a request's parts.
    private mutating func drop(_ key: String) {
        parts.remove(key)
        changed[key] = nil
    }

    /// Lists the citizens added to the fold since the last call in their partitions.
    private mutating func listNewCitizens(_ state: ProjectionState) {
        guard state.citizens.count > citizensListed else { return }
        state.citizens.withUnsafeBufferPointer { citizens in
            for i in citizensListed..<citizens.count { citizensOf[ProjectionPartition.of(citizens[i].pseudonym)].append(i) }
        }
        citizensListed = state.citizens.count
    }
}
