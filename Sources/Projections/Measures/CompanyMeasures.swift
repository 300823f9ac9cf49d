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
        latestCompanies(until: day).map { state.companies[$0] }
    }

    /// The positions in `state.companies` of ``companies(until:)``, ascending.
    ///
    /// The registrations are kept in line order (appended as applied; a retraction removes one, a
    /// correction changes one in place), so the latest of a company is the last position with its
    /// number, and positions ascending are the registrations' order. Found by the numbers of the
    /// ``companyDirectory()`` from the end: no CVR number is hashed per day asked (a goal's trend
    /// asks for a dozen days).
    func latestCompanies(until day: Day) -> [Int] {
        let directory = companyDirectory()
        var seen = [Bool](repeating: false, count: directory.count)
        var latest: [Int] = []
        state.companies.withUnsafeBufferPointer { companies in
            assert(companies.indices.dropFirst().allSatisfy { companies[$0 - 1].seq < companies[$0].seq }, "registrations in line order")
            for i in companies.indices.reversed() where companies[i].day <= day {
                let number = directory.numbers[i]
                if !seen[number] {
                    seen[number] = true
                    latest.append(i)
                }
            }
        }
        latest.reverse()
        return latest
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
        // Which registered companies were used, by their numbers in the directory (a company used
        // but not registered counts nowhere).
        let directory = companyDirectory()
        var isUsed = [Bool](repeating: false, count: directory.count)
        for cvr in used.keys { if let number = directory.number[cvr] { isUsed[number] = true } }
        if let (entry, loaded) = c.reuse {
            if let numbered = entry.numberedMarks, numbered.generation == directory.generation {
                // Numbered when kept (``KeptMeasureParts``): no CVR number hashed but those not registered then.
                for slot in 0..<ProjectionPartition.count where !loaded[slot] {
                    for number in numbered.registered[slot] { isUsed[number] = true }
                    for cvr in numbered.unregistered[slot] { if let number = directory.number[cvr] { isUsed[number] = true } }
                }
            } else {
                for slot in 0..<ProjectionPartition.count where !loaded[slot] && slot < entry.marks.count {
                    for cvr in entry.marks[slot] { if let number = directory.number[cvr] { isUsed[number] = true } }
                }
            }
        }
        for i in latestCompanies(until: p.last) where state.companies[i].employees >= 2 {
            let company = state.companies[i]
            let cooperated = isUsed[directory.numbers[i]]
            c.add(company.municipality, numerator: cooperated ? 1 : 0, denominator: 1, citizen: nil, slot: ProjectionPartition.wholeSlot,
                  seqs: [company.seq] + (used[company.cvr] ?? []), reason: "company \(company.cvr)" + (cooperated ? " cooperated" : ""))
        }
    }
}

/// The CVR numbers of a fold's company registrations, numbered 0, 1, ... in order of first
/// registration, so that the company measures look a registration's company up by position
/// instead of hashing its number for every day they are evaluated at.
struct CompanyDirectory: Sendable {
    /// The number of each CVR number registered.
    private(set) var number: [String: Int] = [:]
    /// The number of each registration's company, by position in `state.companies`.
    private(set) var numbers: [Int] = []
    /// Which directory this is: numbers taken from one are valid in another of the same
    /// generation (the same directory, extended); 0 for one made by an engine for itself.
    let generation: Int
    /// How many companies.
    var count: Int { number.count }

    /// The directory of `companies`.
    init(_ companies: [CompanyRegistration], generation: Int = 0) {
        self.generation = generation
        number.reserveCapacity(companies.count)
        numbers.reserveCapacity(companies.count)
        extend(with: companies[...])
    }

    /// Adds registrations appended after those numbered (a company's number does not change).
    mutating func extend(with companies: ArraySlice<CompanyRegistration>) {
        for company in companies {
            if let known = number[company.cvr] {
                numbers.append(known)
            } else {
                number[company.cvr] = number.count
                numbers.append(number.count - 1)
            }
        }
    }

    /// A generation no directory had before in this process.
    static func newGeneration() -> Int { generations.withLock { $0 += 1; return $0 } }
    private static let generations = Locked(0)
}

/// For a request's kept parts (``KeptMeasureParts``): the companies each partition's citizens
/// marked (``MeasureCache/Entry/marks``), by their numbers in a ``CompanyDirectory`` generation,
/// so that M21 does not hash every mark again for each evaluation.
struct NumberedMarks: Sendable {
    /// The directory's generation the numbers are of.
    var generation: Int
    /// Per partition, the numbers of the companies marked that were registered when numbered.
    var registered: [[Int]]
    /// Per partition, the CVR numbers marked that were not (looked up when used: they may be since).
    var unregistered: [[String]]
}

extension MeasureEngine {
    /// The directory of the state's companies, made on first use by this engine and kept with it.
    func companyDirectory() -> CompanyDirectory {
        madeCompanyDirectory.withLock { directory in
            if let directory { return directory }
            let made = CompanyDirectory(state.companies)
            directory = made
            return made
        }
    }
}
