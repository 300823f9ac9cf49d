import LedgerCore

extension MeasureEngine {
    /// Computes a measure of ``splitsByPartition(_:)`` on `threads` threads, each walking the
    /// citizens of the partitions p with p % threads == its number, and puts their parts together:
    /// each partition's slot from the one thread that computed it.
    func computeSplit(_ prepared: inout Prepared, threads: Int) throws(MeasureError) {
        let start = prepared
        let shares = Parallel.map(count: threads, workers: threads) { k in computeShare(start, index: k, of: threads) }
        try combine(shares, into: &prepared)
    }

    /// One thread's share of a split computation: the parts of the partitions p with
    /// p % `count` == `index`, and the items its citizens touched (``runShare(_:_:)``).
    func computeShare(_ prepared: Prepared, index: Int, of count: Int) -> Result<(Context, [String: [Int64]]), MeasureError> {
        precondition(count > 1 && prepared.splits, "a split computation records no contributions")
        var share = prepared.context
        share.share = (index, count)
        return Result { () throws(MeasureError) -> (Context, [String: [Int64]]) in
            let touched = try runShare(prepared, &share)
            return (share, touched)
        }
    }

    /// Puts the shares of a split computation (``computeShare(_:index:of:)``, share k at index k)
    /// together into `prepared`'s context: each partition's slot from the one share that computed
    /// it; then the measure's part computed once, from the items the shares touched
    /// (``completeSplit(_:evaluation:touched:_:)``).
    func combine(_ shares: [Result<(Context, [String: [Int64]]), MeasureError>], into prepared: inout Prepared) throws(MeasureError) {
        let start = prepared.context
        let n = start.municipalities.count
        var touched: [String: [Int64]] = [:]
        for (k, result) in shares.enumerated() {
            let (share, shareTouched) = try result.get()
            assert(share.share == (k, shares.count), "share k at index k")
            assert(share.breakdowns.isEmpty && share.contributions.isEmpty, "a split measure has only tallies")
            for slot in 0..<Context.slotCount {
                let owned = slot < ProjectionPartition.count && share.owns(partition: slot)
                for m in 0..<n where owned {
                    prepared.context.tallies[slot * n + m] = share.tallies[slot * n + m]
                }
                assert(owned || (0..<n).allSatisfy { share.tallies[slot * n + $0] == start.tallies[slot * n + $0] },
                       "a share counts only in its own partitions' slots")
            }
            if let marks = share.marks {
                if prepared.context.marks == nil { prepared.context.marks = marks }
                for slot in 0..<ProjectionPartition.count where share.owns(partition: slot) { prepared.context.marks![slot] = marks[slot] }
            }
            for (key, seqs) in shareTouched { touched[key, default: []] += seqs }
        }
        completeSplit(prepared.definition, evaluation: prepared.evaluation, touched: touched, &prepared.context)
    }
}
