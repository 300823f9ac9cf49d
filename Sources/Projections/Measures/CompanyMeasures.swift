import LedgerCore

// Company measures: M16 (company visit coverage), M17 (satisfaction), M18 (event participants) and
// M21 (samarbejdsgrad), with the companies they count.
// Each rule's doc comment quotes DOMAIN.md's definition and names the choices of FORMAT.md section 10;
// the dispatch from a measure's id to its rule is in MeasureRules.swift.

extension MeasureEngine {
    /// The latest registration of each company known by `day`, in the order of those registrations.
    ///
    /// FORMAT.md section 10, M16 and M21: "a company's latest registration effective by the end of P;
    /// its municipality".
    func companies(until day: Day) -> [CompanyRegistration] {
        // Positions, not registrations, in a table sized up front: growing it rehashed every CVR
        // number, and this is most of a report from the checkpoint (M21 needs it whole).
        var latest: [String: Int] = [:]
        latest.reserveCapacity(state.companies.count)
        for (i, company) in state.companies.enumerated() where company.day <= day { latest[company.cvr] = i }
        return latest.values.sorted { state.companies[$0].seq < state.companies[$1].seq }.map { state.companies[$0] }
    }

    /// M16, company visit coverage: companies of 5 or more employees visited at least twice.
    ///
    /// DOMAIN.md: "of companies with 5 or more employees, the share visited at least twice in Y".
    ///
    /// FORMAT.md section 10: a company's latest registration effective by the end of P, and its
    /// municipality (``companies(until:)``); visits with effective date in P (a year, or any period).
    func m16(_ p: Period, _ c: inout Context) {
        var visits: [String: [Int64]] = [:]
        for v in state.visits where p.contains(v.day) { visits[v.cvr, default: []].append(v.seq) }
        for company in companies(until: p.last) where company.employees >= 5 {
            let n = visits[company.cvr]?.count ?? 0
            c.add(company.municipality, numerator: n >= 2 ? 1 : 0, denominator: 1, citizen: nil, slot: ProjectionPartition.of(key: company.cvr), seqs: [company.seq] + (visits[company.cvr] ?? []), reason: "company \(company.cvr): \(n) visits")
        }
    }

    /// M17, satisfaction: the share of satisfied responses, of citizens or of companies.
    ///
    /// DOMAIN.md: "share of satisfied survey responses, citizens and companies separately".
    ///
    /// FORMAT.md section 10: variants `citizens` (the default) and `companies`; responses with effective
    /// date in P, each in the municipality of its response event.
    func m17(_ p: Period, companies: Bool, _ c: inout Context) {
        for s in state.surveys where s.company == companies && p.contains(s.day) {
            c.add(s.municipality, numerator: s.satisfied ? 1 : 0, denominator: 1, citizen: nil, slot: ProjectionPartition.of(seq: s.seq), seqs: [s.seq], reason: s.satisfied ? "satisfied" : "not satisfied")
        }
    }

    /// M18, event participants: participants of the events held in the period.
    ///
    /// DOMAIN.md: "participants of a named event".
    ///
    /// FORMAT.md section 10: the sum of participants of the events held in P, of the one named by
    /// `event=NAME` (every event without it).
    func m18(_ p: Period, name: String?, _ c: inout Context) {
        for e in state.heldEvents where p.contains(e.day) && (name == nil || e.name == name) {
            c.add(e.municipality, numerator: Double(e.participants), citizen: nil, slot: ProjectionPartition.of(seq: e.seq), seqs: [e.seq], reason: "\(e.name) \(e.day)")
        }
    }

    /// M21, cooperation rate (samarbejdsgrad): companies of 2 or more employees with a citizen placed.
    ///
    /// DOMAIN.md: "of registered companies with 2 or more employees, the share that had at least one
    /// citizen in virksomhedspraktik or løntilskud during P".
    ///
    /// FORMAT.md section 10: a company's latest registration effective by the end of P, and its
    /// municipality (``companies(until:)``); an activation whose days overlap P names the company by its
    /// employer's CVR number. The citizens' part (which companies were used) is kept per partition, so
    /// that a partial fold takes the other partitions' from the cache; the companies' part is computed
    /// whole.
    func m21(_ p: Period, _ c: inout Context) {
        let used = m21Citizens(p, &c)
        m21Companies(p, used: used, &c)
    }

    /// M21's citizens' part: the companies used, each with the activations' sequence numbers.
    ///
    /// Per partition, the companies used are also noted in `c.marks`.
    func m21Citizens(_ p: Period, _ c: inout Context) -> [String: [Int64]] {
        var used: [String: [Int64]] = [:]
        var marks = [Set<String>](repeating: [], count: ProjectionPartition.count)
        // The histories and their activations are read in place: copied out, each activation's
        // texts were retained and released (M21 walks every activation of every citizen).
        state.citizens.withUnsafeBufferPointer { citizens in
            for i in citizens.indices where c.walks(citizens[i].pseudonym) {
                let partition = ProjectionPartition.of(citizens[i].pseudonym)
                citizens[i].activations.withUnsafeBufferPointer { activations in
                    for k in activations.indices where DerivedStates.praktikOrLoentilskud.contains(activations[k].kind) {
                        let a = activations.baseAddress! + k
                        guard a.pointee.start <= p.last, (a.pointee.end ?? .distantFuture) >= p.first, let cvr = a.pointee.employerCVR else { continue }
                        used[cvr, default: []].append(a.pointee.startSeq)
                        marks[partition].insert(cvr)
                    }
                }
            }
        }
        c.marks = marks
        return used
    }

    /// M21's companies' part, computed whole from the companies used.
    ///
    /// In a partial fold, the companies used by the partitions it lacks come from the cache.
    func m21Companies(_ p: Period, used: [String: [Int64]], _ c: inout Context) {
        var used = used
        if let (entry, loaded) = c.reuse {
            for slot in 0..<ProjectionPartition.count where !loaded[slot] && slot < entry.marks.count {
                for cvr in entry.marks[slot] where used[cvr] == nil { used[cvr] = [] }
            }
        }
        for company in companies(until: p.last) where company.employees >= 2 {
            let seqs = used[company.cvr]
            c.add(company.municipality, numerator: seqs == nil ? 0 : 1, denominator: 1, citizen: nil, slot: ProjectionPartition.wholeSlot, seqs: [company.seq] + (seqs ?? []),
                  reason: "company \(company.cvr)" + (seqs == nil ? "" : " cooperated"))
        }
    }
}
