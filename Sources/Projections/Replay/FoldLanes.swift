import LedgerCore
import Dispatch

/// The replay's fold split over threads by citizen.
///
/// Each lane holds the histories of the citizens whose partition (``ProjectionPartition/of(_:)``)
/// falls to it, and applies only those citizens' parts of the events
/// (``ProjectionState/applyToHistories(_:)``); the jobcenter's part of every event
/// (``ProjectionState/applyToJobcenter(_:)``) is applied on one more thread meanwhile. Neither part
/// reads what the other writes, so the lanes' states put together are the state a serial fold
/// gives. ``merge(into:)`` puts the citizens back in order of first appearance, the serial order.
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
    func lane(of pseudonym: Pseudonym) -> Int { ProjectionPartition.of(pseudonym) % count }

    /// Takes `state` apart: its citizens go to their lanes (in their order, so a lane's order keys
    /// increase), the rest is kept for the jobcenter's part. A partial fold cannot be split.
    init(count: Int, taking state: consuming ProjectionState) {
        precondition(count >= 1 && count <= ProjectionPartition.count, "lane count out of range")
        precondition(state.loadedPartitions == nil, "only a whole fold is folded in lanes")
        self.count = count
        lanes = UnsafeMutablePointer<Lane>.allocate(capacity: count)
        lanes.initialize(repeating: Lane(), count: count)
        let citizens = state.citizens
        state.citizens = []
        state.citizenIndex = CitizenIndex()
        jobcenter = state
        let base = Int64(citizens.count)
        for (i, history) in citizens.enumerated() {
            let k = ProjectionPartition.of(history.pseudonym) % count
            lanes[k].state.citizenIndex[history.pseudonym] = lanes[k].state.citizens.count
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

    /// Applies the first `counts[i]` events of each `waves[i]`, in order: every lane its citizens'
    /// parts and one more task the jobcenter's part, on up to `count + 1` threads. The events must
    /// continue the head (the caller checks the chain).
    func apply(_ waves: [[FoldLine]], counts: [Int]) {
        precondition(waves.count == counts.count)
        DispatchQueue.concurrentPerform(iterations: count + 1) { task in
            for (events, n) in zip(waves, counts) {
                precondition(n <= events.count)
                // Events are read in place: a copy would retain their facts, and the threads would
                // contend for the same reference counts.
                events.withUnsafeBufferPointer { events in
                    if task == count {
                        for j in 0..<n {
                            switch events[j] {
                            case .person(let p):
                                jobcenter.advance(to: p.seq, hash: p.hash, recordedAt: p.recordedAt, effective: p.effective)
                            case .other(let r) where ProjectionState.isInHistoryOnly(r.event.type):
                                jobcenter.advance(to: r.seq, hash: r.hash, recordedAt: r.recordedAt, effective: r.event.effective)
                            case .other(let r):
                                jobcenter.applyToJobcenter(r)
                            }
                        }
                    } else {
                        foldLane(task, events, n)
                    }
                }
            }
        }
    }

    private func foldLane(_ k: Int, _ events: UnsafeBufferPointer<FoldLine>, _ n: Int) {
        let lanes = self.lanes
        var lookAheadReads = 0
        for j in 0..<n {
            // What this lane's event `lookAhead` lines on touches first is read now (see ``Replayer``).
            if j + Replayer.lookAhead < n, let ahead = events[j + Replayer.lookAhead].citizen, lane(of: ahead) == k {
                lookAheadReads &+= lanes[k].state.touch(citizen: ahead, type: events[j + Replayer.lookAhead].type)
            }
            guard let citizen = events[j].citizen, lane(of: citizen) == k else { continue }
            let before = lanes[k].state.citizens.count
            switch events[j] {
            case .person(let p): lanes[k].state.applyPerson(p)
            case .other(let r): lanes[k].state.applyToHistories(r)
            }
            if lanes[k].state.citizens.count > before {
                assert(lanes[k].state.citizens.count == before + 1, "an event adds at most one citizen")
                lanes[k].orderKeys.append(events[j].seq)
            }
        }
        // Keeps the look-ahead reads from being optimized away.
        if lookAheadReads == Int.min { lanes[k].orderKeys.reserveCapacity(0) }
    }

    /// The whole fold: the jobcenter's part with every lane's citizens, in order of first appearance.
    func merge() -> ProjectionState {
        var state = jobcenter
        jobcenter = ProjectionState()
        var total = 0
        for k in 0..<count { total += lanes[k].state.citizens.count }
        var citizens: [CitizenHistory] = []
        citizens.reserveCapacity(total)
        var index = CitizenIndex(capacity: total)
        var next = [Int](repeating: 0, count: count)
        var taken = [Lane]()
        for k in 0..<count {
            taken.append(lanes[k])
            lanes[k] = Lane()
        }
        // A k-way merge by order key; each lane's keys increase.
        while citizens.count < total {
            var best = -1
            for k in 0..<count where next[k] < taken[k].orderKeys.count {
                if best < 0 || taken[k].orderKeys[next[k]] < taken[best].orderKeys[next[best]] { best = k }
            }
            let history = taken[best].state.citizens[next[best]]
            index[history.pseudonym] = citizens.count
            citizens.append(history)
            next[best] += 1
        }
        state.citizens = citizens
        state.citizenIndex = index
        return state
    }
}
