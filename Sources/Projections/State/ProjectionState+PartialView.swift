extension ProjectionState {
    /// A partial fold holding some partitions of this whole fold: what a partial fold read from the
    /// checkpoint holds (``init(checkpointWhole:partitions:)``), taken from memory.
    ///
    /// It has every whole-jobcenter fact of this fold (the ledger's identity and head, companies,
    /// reference figures, goals, publications, corrections) and, of the partitions `holding` marks,
    /// the citizens (in first-appearance order), job orders, visits, survey responses and events
    /// held. Like a partial fold from the checkpoint, only measures completed from kept parts may
    /// read it (``KeptMeasureParts``). The arrays of whole-jobcenter facts are shared, not copied.
    ///
    /// - Parameters:
    ///   - holding: per partition, whether the view holds it (``ProjectionPartition/count`` flags).
    ///   - citizensOf: per partition, the positions of its citizens in ``citizens``, ascending, for
    ///     every citizen of this fold (kept by ``KeptMeasureParts`` as citizens are added).
    func partialView(holding: [Bool], citizensOf: [[Int]]) -> ProjectionState {
        typealias P = ProjectionPartition
        precondition(loadedPartitions == nil, "a view is taken of a whole fold")
        precondition(holding.count == P.count && citizensOf.count == P.count, "one flag and one list per partition")
        var view = ProjectionState()
        view.foldHeader = foldHeader
        view.latestEffective = latestEffective
        view.companies = companies
        view.referenceFigures = referenceFigures
        view.goals = goals
        view.goalOrder = goalOrder
        view.publications = publications
        view.retracted = retracted
        view.superseded = superseded
        // The citizens of the partitions held, in the whole fold's order (as a checkpoint's partial
        // fold places them), so that every slot's parts are added up in the same order.
        var positions: [Int] = []
        for p in 0..<P.count where holding[p] { positions += citizensOf[p] }
        positions.sort()
        view.citizens.reserveCapacity(positions.count)
        for i in positions {
            assert(holding[P.of(citizens[i].pseudonym)], "a citizen listed in its own partition")
            view.citizens.append(citizens[i])
        }
        view.citizenIndex = view.citizens.withUnsafeBufferPointer { CitizenIndex(indexing: $0) }
        if holding.contains(true) {
            view.jobOrders = jobOrders.filter { holding[P.of(key: $0.key)] }
            view.visits = visits.filter { holding[P.of(key: $0.cvr)] }
            view.surveys = surveys.filter { holding[P.of(seq: $0.seq)] }
            view.heldEvents = heldEvents.filter { holding[P.of(seq: $0.seq)] }
        }
        view.loadedPartitions = holding
        return view
    }
}
