import LedgerCore

// Placement and job-order measures: M3 (ordinary jobs filled with the jobcenter) and M13 (job
// orders: formidlingsgrad and besættelsesgrad).
// Each rule's doc comment quotes DOMAIN.md's definition and names the choices of FORMAT.md section 10;
// the dispatch from a measure's id to its rule is in MeasureRules.swift.

extension MeasureEngine {
    /// M3, ordinary jobs filled with the jobcenter: placements on employer request in the period.
    ///
    /// DOMAIN.md: "job placements with channel employer request, effective in P".
    ///
    /// FORMAT.md section 10: placements (events), not citizens, with effective date in P; each counts in
    /// the placement's municipality.
    func m3(_ p: Period, _ c: inout Context) {
        state.citizens.withUnsafeBufferPointer { citizens in
            for h in citizens where c.walks(h.pseudonym) {
                for placement in h.placements where placement.detail == 0 && p.contains(placement.start) {
                    c.add(placement.municipality, numerator: 1, citizen: h.pseudonym, seqs: [placement.startSeq], reason: "placement \(placement.start) on employer request")
                }
            }
        }
    }

    /// M13, job orders created in the period: formidlingsgrad or besættelsesgrad.
    ///
    /// DOMAIN.md: "of job orders created in P, the share with at least one referral (formidlingsgrad); of
    /// those with a referral, the share filled by a referred citizen (besættelsesgrad)".
    ///
    /// FORMAT.md section 10: orders by their receiving date; variant `formidlingsgrad` (the default) or
    /// `besaettelsesgrad` (`fillRate`); a fill without a named citizen is not a fill by a referred
    /// citizen; an order counts in the municipality of its receiving event.
    func m13(_ p: Period, fillRate: Bool, _ c: inout Context) {
        for order in state.jobOrders.values.sorted(by: { $0.seq < $1.seq }) where p.contains(order.created) {
            let referred = Set(order.referrals.map(\.citizen))
            let hasReferral = !referred.isEmpty
            if fillRate {
                guard hasReferral else { continue }
                let filled = order.fills.contains { $0.citizen.map(referred.contains) ?? false }
                c.add(order.municipality, numerator: filled ? 1 : 0, denominator: 1, citizen: nil, slot: ProjectionPartition.of(key: order.id), seqs: [order.seq] + order.fills.map(\.seq), reason: "order \(order.id)" + (filled ? " filled by a referred citizen" : ""))
            } else {
                c.add(order.municipality, numerator: hasReferral ? 1 : 0, denominator: 1, citizen: nil, slot: ProjectionPartition.of(key: order.id), seqs: [order.seq] + order.referrals.map(\.seq), reason: "order \(order.id)" + (hasReferral ? " with referral" : ""))
            }
        }
    }
}
