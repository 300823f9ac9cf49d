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
    // Lane k is read and written only by the one task that folds lane k in ``apply``, and by the
    // caller between calls.
    private let lanes: UnsafeMutablePointer<Lane>
    // Written only by the jobcenter task in ``apply``, and read by the caller after it.
    private var jobcenter: ProjectionState

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
        lanes.deinitialize(count: count)
        lanes.deallocate()
    }

    /// The sequence number of the last line applied.
    var headSeq: Int64 { jobcenter.headSeq }

    /// Applies the lines of each chunk, in order: every lane its citizens' parts and one more task
    /// the jobcenter's part, on up to `count + 1` threads. The lines must continue the head (the
    /// caller checks the chain).
    func apply(_ chunks: [DecodedChunk]) {
        DispatchQueue.concurrentPerform(iterations: count + 1) { task in
            for chunk in chunks {
                if task == count {
                    foldJobcenter(chunk)
                } else {
                    foldLane(task, chunk)
                }
            }
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
    func merge() -> ProjectionState {
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
