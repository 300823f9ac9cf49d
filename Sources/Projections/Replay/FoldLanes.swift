import LedgerCore
import Dispatch

/// The replay's fold split over threads by citizen.
///
/// Each lane holds the histories of the citizens whose partition (``ProjectionPartition/of(_:)``)
/// falls to it, and applies only those citizens' parts of the events
/// (``ProjectionState/applyToHistories(_:)``); the jobcenter's part of every event
/// (``ProjectionState/applyToJobcenter(_:)``) is applied on one more thread meanwhile. Neither part
/// reads what the other writes, so the lanes' states put together are the state a serial fold
/// gives. ``merge()`` puts the citizens back in order of first appearance, the serial order.
///
/// The fold of a large ledger is bound by memory: an event touches a random citizen's history. In
/// lanes each thread's histories are a fraction of the whole, and the threads' cache misses overlap.
final class FoldLanes: @unchecked Sendable {
    /// One lane: its citizens' histories, and each citizen's place in the serial order.
    struct Lane {
        var state = ProjectionState()
        /// For each of the lane's citizens: its index in the state the fold started from, minus that
        /// state's citizen count (so negative), or the sequence number of the line it first appeared on.
        var orderKeys: [Int64] = []
    }

    /// The number of lanes.
    let count: Int
    // Lane k is read and written only by lane k's task in ``submit``, and by the caller before the
    // first submission and after ``waitUntilFolded()``.
    private let lanes: UnsafeMutablePointer<Lane>
    // Written only by the jobcenter task in ``submit``, and read by the caller after
    // ``waitUntilFolded()``.
    private var jobcenter: ProjectionState
    /// One serial queue per task: lanes 0..<count, then the jobcenter's.
    private let queues: [DispatchQueue]
    /// Every task submitted.
    private let folding = DispatchGroup()
    /// Counts the submitted waves not yet folded by every task, up to ``wavesInFlight``.
    private let inFlight = DispatchSemaphore(value: FoldLanes.wavesInFlight)

    /// The lane of a citizen.
    @inline(__always)
    func lane(of pseudonym: Pseudonym) -> Int { Self.lane(of: pseudonym, count: count) }

    /// The lane of a citizen among `count` lanes: by the citizen's partition.
    @inline(__always)
    static func lane(of pseudonym: Pseudonym, count: Int) -> Int {
        let partition = ProjectionPartition.of(pseudonym)
        return count & (count - 1) == 0 ? partition & (count - 1) : partition % count
    }

    /// Takes `state` apart: its citizens go to their lanes (in their order, so a lane's order keys
    /// increase), the rest is kept for the jobcenter's part. A partial fold cannot be split.
    init(count: Int, taking state: consuming ProjectionState) {
        precondition(count >= 1 && count <= ProjectionPartition.count, "lane count out of range")
        precondition(state.loadedPartitions == nil, "only a whole fold is folded in lanes")
        self.count = count
        queues = (0...count).map { DispatchQueue(label: $0 == count ? "caseledger.fold.jobcenter" : "caseledger.fold.lane\($0)") }
        lanes = UnsafeMutablePointer<Lane>.allocate(capacity: count)
        lanes.initialize(repeating: Lane(), count: count)
        var citizens = state.citizens
        state.citizens = []
        state.citizenIndex = CitizenIndex()
        jobcenter = state
        let base = Int64(citizens.count)
        for i in citizens.indices {
            // Moved, not copied (see ``merge()``).
            let pseudonym = citizens[i].pseudonym
            var history = CitizenHistory(pseudonym: pseudonym)
            swap(&history, &citizens[i])
            let k = lane(of: pseudonym)
            lanes[k].state.citizenIndex[pseudonym] = lanes[k].state.citizens.count
            lanes[k].state.citizens.append(history)
            lanes[k].orderKeys.append(Int64(i) - base)
        }
    }

    deinit {
        // Every task holds the lanes, so none runs once they are released.
        lanes.deinitialize(count: count)
        lanes.deallocate()
    }

    /// Folds the lines of each chunk, in order: every lane its citizens' parts and one more task
    /// the jobcenter's part, each task on a serial queue of its own. Returns once the tasks are
    /// queued (waiting first while ``wavesInFlight`` submissions are unfinished); the tasks run at
    /// their own pace, so a lane that finishes a wave early goes on with the next instead of
    /// waiting for the others (a wait for every lane after each wave leaves a core idle while the
    /// slowest lane finishes). The lines must continue the head (the caller checks the chain);
    /// ``merge()`` waits for every task.
    func submit(_ chunks: consuming [DecodedChunk]) {
        inFlight.wait()
        let wave = Wave(chunks, tasks: count + 1)
        for task in 0...count {
            queues[task].async(group: folding) { [self] in
                fold(task: task, wave)
                if wave.finishTask() {
                    // The last task frees the wave's events on another thread, off the fold's path.
                    Retirement.free(wave.take())
                    inFlight.signal()
                }
            }
        }
    }

    /// Task `task`'s part of a wave: lane `task`'s, or the jobcenter's (the last task).
    private func fold(task: Int, _ wave: Wave) {
        let chunks = wave.chunks
        for chunk in chunks {
            if task == count {
                foldJobcenter(chunk)
            } else {
                foldLane(task, chunk)
            }
        }
    }

    /// Waits until every submitted wave is folded by every task.
    func waitUntilFolded() {
        folding.wait()
    }

    /// At most this many submitted waves are being folded (so the decoded events held are bounded).
    static let wavesInFlight = 4

    /// A submitted wave's chunks, read by every task; the task that finishes last takes them.
    private final class Wave: @unchecked Sendable {
        // Written at init and by ``take()``, which only the last task to finish calls (after every
        // task's reads, by ``finishTask()``'s lock).
        private var held: [DecodedChunk]?
        private let unfinished: Locked<Int>

        init(_ chunks: consuming [DecodedChunk], tasks: Int) {
            held = chunks
            unfinished = Locked(tasks)
        }

        /// The chunks (until taken).
        var chunks: [DecodedChunk] {
            guard let held else { preconditionFailure("a wave is read only before it is taken") }
            return held
        }

        /// Marks one task finished; true for the last.
        func finishTask() -> Bool {
            unfinished.withLock { left in
                precondition(left > 0, "each task finishes a wave once")
                left -= 1
                return left == 0
            }
        }

        /// The chunks, moved out.
        func take() -> [DecodedChunk] {
            guard let chunks = held.take() else { preconditionFailure("a wave is taken once") }
            return chunks
        }
    }

    /// The jobcenter's part of a chunk's lines: its other events, and the head. A person event's
    /// part is only the head and the latest effective date, which the chunk holds for them all.
    private func foldJobcenter(_ chunk: DecodedChunk) {
        for o in chunk.others.indices {
            jobcenter.applyToJobcenter(chunk, other: o)
        }
        jobcenter.finish(chunk)
    }

    /// Lane `k`'s part of a chunk's lines: its citizens' person events and their other events' parts.
    private func foldLane(_ k: Int, _ chunk: DecodedChunk) {
        precondition(chunk.laneCount == count, "a chunk decoded for this many lanes")
        // The lane's state where it lies (a mutating call through `lanes[k].state` works in place
        // too, but a closure holding that access would overlap `applied`'s).
        let state = (UnsafeMutableRawPointer(lanes + k) + MemoryLayout<Lane>.offset(of: \Lane.state)!)
            .assumingMemoryBound(to: ProjectionState.self)
        let orderKeys = (UnsafeMutableRawPointer(lanes + k) + MemoryLayout<Lane>.offset(of: \Lane.orderKeys)!)
            .assumingMemoryBound(to: [Int64].self)
        func applied(_ seq: Int64, _ before: Int) {
            if state.pointee.citizens.count > before {
                assert(state.pointee.citizens.count == before + 1, "an event adds at most one citizen")
                orderKeys.pointee.append(seq)
            }
        }
        // Events are applied where they lie in the chunk (see ``ProjectionState/applyPerson(at:knownIndex:)``).
        // Other events are passed by pointer: passed as a borrow from the chunk's array while the
        // lane's state was being changed, each one was copied whole.
        chunk.others.withUnsafeBufferPointer { others in
            chunk.fold(lane: k, into: state, applied: applied, other: { o in
                let event = others.baseAddress! + o
                guard let citizen = event.pointee.event.citizen, lane(of: citizen) == k else { return }
                let before = state.pointee.citizens.count
                state.pointee.applyToHistories(event)
                applied(event.pointee.seq, before)
            })
        }
    }

    /// The whole fold: the jobcenter's part with every lane's citizens, in order of first appearance.
    /// Waits for the submitted waves first.
    func merge() -> ProjectionState {
        waitUntilFolded()
        var state = jobcenter
        jobcenter = ProjectionState()
        var total = 0
        for k in 0..<count { total += lanes[k].state.citizens.count }
        var citizens: [CitizenHistory] = []
        citizens.reserveCapacity(total)
        var next = [Int](repeating: 0, count: count)
        // The lanes' arrays are taken over (uniquely referenced here), so that moving a history out
        // of one does not copy the array.
        var laneCitizens: [[CitizenHistory]] = []
        var laneKeys: [[Int64]] = []
        for k in 0..<count {
            laneCitizens.append(lanes[k].state.citizens)
            laneKeys.append(lanes[k].orderKeys)
            lanes[k] = Lane()
        }
        // A k-way merge by order key; each lane's keys increase.
        while citizens.count < total {
            var best = -1
            for k in 0..<count where next[k] < laneKeys[k].count {
                if best < 0 || laneKeys[k][next[k]] < laneKeys[best][next[best]] { best = k }
            }
            // Moved out, an empty history left in its place: no reference counting, and the lane's
            // array frees nothing but placeholders.
            var history = CitizenHistory(pseudonym: Pseudonym(value: 0))
            swap(&history, &laneCitizens[best][next[best]])
            citizens.append(consume history)
            next[best] += 1
        }
        // The index is built after the moves, reading the pseudonyms in order, so that its slots can
        // be asked for ahead (see ``CitizenIndex/init(indexing:)``).
        state.citizenIndex = citizens.withUnsafeBufferPointer { CitizenIndex(indexing: $0) }
        state.citizens = citizens
        // The placeholders (14 empty arrays each) are released on another thread.
        Retirement.free(consume laneCitizens)
        return state
    }
}
