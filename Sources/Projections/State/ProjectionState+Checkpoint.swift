public import LedgerCore

extension ProjectionState: CheckpointFold {
    /// The kind name of the projections' checkpoint (`cache/projection.bin`).
    public static let checkpointKind = "projection"

    /// The state as checkpoint sections.
    ///
    /// First the whole-jobcenter facts (header, companies, reference figures, goals, publications,
    /// corrections), then one section per partition (its citizens with their places in first-appearance
    /// order, job orders, visits, survey responses and events held). The citizen index and the
    /// order-by-line map are rebuilt on reading.
    public func checkpointSections() -> [[UInt8]] {
        precondition(loadedPartitions == nil, "only a whole fold is saved")
        var w = BinaryWriter()
        foldHeader.write(to: &w)
        w.int32(latestEffective.ordinal)
        w.int(citizens.count)
        w.array(companies) { w, c in w.string(c.cvr); w.int(c.employees); w.int(c.municipality); w.int32(c.day.ordinal); w.int64(c.seq) }
        w.array(referenceFigures) { w, f in
            w.string(f.name); w.string(f.period); w.uint64(f.value.bitPattern); w.string(f.valueText); w.string(f.unit); w.string(f.source)
            w.optional(f.municipality) { $0.int($1) }
            w.int64(f.seq)
        }
        w.array(goalOrder.compactMap { goals[$0] }) { w, g in
            w.string(g.id)
            w.optional(g.scope) { $0.int($1) }
            w.array(g.versions) { w, v in
                w.int64(v.seq); w.int64(v.recordedAt.milliseconds); w.int32(v.effective.ordinal); w.string(v.type.rawValue)
                Self.write(v.facts, to: &w)
            }
        }
        w.array(publications) { w, p in w.int64(p.seq); w.int64(p.recordedAt.milliseconds); Self.write(p.facts, to: &w) }
        w.array(retracted.sorted { $0.key < $1.key }) { w, e in w.int64(e.key); w.int64(e.value) }
        w.array(superseded.sorted { $0.key < $1.key }) { w, e in w.int64(e.key); w.int64(e.value) }
        var sections = [w.bytes]

        typealias P = ProjectionPartition
        var citizensOf = [[Int]](repeating: [], count: P.count)
        for (i, h) in citizens.enumerated() { citizensOf[P.of(h.pseudonym)].append(i) }
        var ordersOf = [[JobOrder]](repeating: [], count: P.count)
        for order in jobOrders.values.sorted(by: { $0.seq < $1.seq }) { ordersOf[P.of(key: order.id)].append(order) }
        var visitsOf = [[CompanyVisit]](repeating: [], count: P.count)
        for v in visits { visitsOf[P.of(key: v.cvr)].append(v) }
        var surveysOf = [[SurveyResponse]](repeating: [], count: P.count)
        for s in surveys { surveysOf[P.of(seq: s.seq)].append(s) }
        var heldOf = [[HeldEvent]](repeating: [], count: P.count)
        for e in heldEvents { heldOf[P.of(seq: e.seq)].append(e) }
        for p in 0..<P.count {
            var w = BinaryWriter()
            w.int(p)
            w.array(citizensOf[p]) { w, i in w.int(i); Self.write(citizens[i], to: &w) }
            w.array(ordersOf[p]) { w, o in
                w.string(o.id)
                w.int32(o.created.ordinal)
                w.int(o.municipality)
                w.int(o.positions)
                w.int64(o.seq)
                w.array(o.referrals) { w, r in w.uint64(r.citizen.value); w.int32(r.day.ordinal); w.int64(r.seq) }
                w.array(o.fills) { w, f in w.optional(f.citizen) { $0.uint64($1.value) }; w.int32(f.day.ordinal); w.int64(f.seq) }
            }
            w.array(visitsOf[p]) { w, v in w.string(v.cvr); w.int32(v.day.ordinal); w.int(v.municipality); w.int64(v.seq) }
            w.array(surveysOf[p]) { w, s in w.bool(s.company); w.bool(s.satisfied); w.int32(s.day.ordinal); w.int(s.municipality); w.int64(s.seq) }
            w.array(heldOf[p]) { w, e in w.string(e.name); w.int32(e.day.ordinal); w.int(e.participants); w.int(e.municipality); w.int64(e.seq) }
            sections.append(w.bytes)
        }
        assert(sections.count == 1 + P.count)
        return sections
    }

    /// The state the sections hold: the whole-jobcenter section and partition sections.
    ///
    /// With every partition it is the whole fold; with some, a partial fold (``loadedPartitions``) that
    /// only a report's measures, completed from the checkpoint's measure parts, may use.
    public init(checkpointWhole global: BinaryReader, partitions: [BinaryReader]) throws(BinaryReadError) {
        typealias E = BinaryReadError
        typealias P = ProjectionPartition
        var r = global
        self.init()
        foldHeader = try CheckpointFoldHeader(reading: &r)
        latestEffective = Day(ordinal: try r.int32())
        let citizenCount = try r.int()
        companies = try r.array { (r) throws(E) in
            CompanyRegistration(cvr: try r.string(), employees: try r.int(), municipality: try r.int(), day: Day(ordinal: try r.int32()), seq: try r.int64())
        }
        referenceFigures = try r.array { (r) throws(E) in
            ReferenceFigure(name: try r.string(), period: try r.string(), value: Double(bitPattern: try r.uint64()), valueText: try r.string(),
                            unit: try r.string(), source: try r.string(), municipality: try r.optional { (r) throws(E) in try r.int() }, seq: try r.int64())
        }
        let goalList = try r.array { (r) throws(E) -> GoalRecord in
            let id = try r.string()
            let scope = try r.optional { (r) throws(E) in try r.int() }
            let versions = try r.array { (r) throws(E) -> GoalVersion in
                let seq = try r.int64()
                let recordedAt = Timestamp(milliseconds: try r.int64())
                let effective = Day(ordinal: try r.int32())
                let typeName = try r.string()
                guard let type = EventType(rawValue: typeName) else { throw E(offset: r.position, message: "unknown type \(typeName)") }
                return GoalVersion(seq: seq, recordedAt: recordedAt, effective: effective, type: type, facts: try Self.readFacts(&r))
            }
            return GoalRecord(id: id, scope: scope, versions: versions)
        }
        for g in goalList {
            goals[g.id] = g
            goalOrder.append(g.id)
        }
        publications = try r.array { (r) throws(E) in
            (seq: try r.int64(), recordedAt: Timestamp(milliseconds: try r.int64()), facts: try Self.readFacts(&r))
        }
        retracted = Dictionary(try r.array { (r) throws(E) in (try r.int64(), try r.int64()) }, uniquingKeysWith: { a, _ in a })
        superseded = Dictionary(try r.array { (r) throws(E) in (try r.int64(), try r.int64()) }, uniquingKeysWith: { a, _ in a })
        guard r.atEnd else { throw E(offset: r.position, message: "bytes after the whole-jobcenter section") }

        var loaded = [Bool](repeating: false, count: P.count)
        var placed: [(ordinal: Int, history: CitizenHistory)] = []
        // The job order events by sequence number, indexed once all are read (partitions are not in line order).
        var orderEntries: [(seq: Int64, value: String)] = []
        for section in partitions {
            var r = section
            let p = try r.int()
            guard p >= 0, p < P.count, !loaded[p] else { throw E(offset: 0, message: "partition \(p) out of range or twice") }
            loaded[p] = true
            // Every item is checked to belong where it is read: a misplaced one would make a
            // partial fold's measures silently wrong.
            placed += try r.array { (r) throws(E) in
                let ordinal = try r.int()
                let history = try Self.readHistory(&r)
                guard ordinal >= 0, ordinal < citizenCount, P.of(history.pseudonym) == p else { throw E(offset: r.position, message: "a citizen out of place") }
                return (ordinal, history)
            }
            let orders = try r.array { (r) throws(E) -> JobOrder in
                var o = JobOrder(id: try r.string(), created: Day(ordinal: try r.int32()), municipality: try r.int(), positions: try r.int(), seq: try r.int64())
                o.referrals = try r.array { (r) throws(E) in (citizen: Pseudonym(value: try r.uint64()), day: Day(ordinal: try r.int32()), seq: try r.int64()) }
                o.fills = try r.array { (r) throws(E) in
                    (citizen: try r.optional { (r) throws(E) in Pseudonym(value: try r.uint64()) }, day: Day(ordinal: try r.int32()), seq: try r.int64())
                }
                guard P.of(key: o.id) == p, jobOrders[o.id] == nil else { throw E(offset: r.position, message: "a job order out of place or twice") }
                return o
            }
            for o in orders {
                jobOrders[o.id] = o
                orderEntries.append((o.seq, o.id))
                for item in o.referrals { orderEntries.append((item.seq, o.id)) }
                for item in o.fills { orderEntries.append((item.seq, o.id)) }
            }
            visits += try r.array { (r) throws(E) in
                let v = CompanyVisit(cvr: try r.string(), day: Day(ordinal: try r.int32()), municipality: try r.int(), seq: try r.int64())
                guard P.of(key: v.cvr) == p else { throw E(offset: r.position, message: "a visit out of place") }
                return v
            }
            surveys += try r.array { (r) throws(E) in
                let s = SurveyResponse(company: try r.bool(), satisfied: try r.bool(), day: Day(ordinal: try r.int32()), municipality: try r.int(), seq: try r.int64())
                guard P.of(seq: s.seq) == p else { throw E(offset: r.position, message: "a survey response out of place") }
                return s
            }
            heldEvents += try r.array { (r) throws(E) in
                let e = HeldEvent(name: try r.string(), day: Day(ordinal: try r.int32()), participants: try r.int(), municipality: try r.int(), seq: try r.int64())
                guard P.of(seq: e.seq) == p else { throw E(offset: r.position, message: "an event held out of place") }
                return e
            }
            guard r.atEnd else { throw E(offset: r.position, message: "bytes after partition \(p)") }
        }
        // Citizens in first-appearance order; the arrays that corrections search by binary search in
        // line order.
        placed.sort { $0.ordinal < $1.ordinal }
        for i in placed.indices.dropFirst() where placed[i].ordinal == placed[i - 1].ordinal {
            throw E(offset: 0, message: "a citizen's place twice")
        }
        citizens = placed.map(\.history)
        citizenIndex = citizens.withUnsafeBufferPointer { CitizenIndex(indexing: $0) }
        guard citizenIndex.count == citizens.count else { throw E(offset: 0, message: "a citizen twice") }
        orderBySeq = SeqIndex(sorting: orderEntries)
        visits.sort { $0.seq < $1.seq }
        surveys.sort { $0.seq < $1.seq }
        heldEvents.sort { $0.seq < $1.seq }
        if loaded.allSatisfy({ $0 }) {
            guard citizens.count == citizenCount else { throw E(offset: 0, message: "\(citizens.count) citizens where \(citizenCount) were saved") }
        } else {
            loadedPartitions = loaded
        }
    }

    // MARK: Citizens

    private static func write(_ h: CitizenHistory, to w: inout BinaryWriter) {
        w.uint64(h.pseudonym.value)
        w.optional(h.birthDate) { $0.int32($1.ordinal) }
        w.uint8(h.education)
        w.bool(h.refugee)
        w.optional(h.arrival) { $0.int32($1.ordinal) }
        w.int(h.municipality)
        w.int64(h.registrationSeq)
        w.array(h.spells) { w, s in
            w.uint8(s.benefit); w.int32(s.start.ordinal); w.optional(s.end) { $0.int32($1.ordinal) }; w.int(s.municipality)
            w.int(s.weeklyHours); w.optional(s.endReason) { $0.uint8($1) }; w.int64(s.startSeq); w.optional(s.endSeq) { $0.int64($1) }
        }
        w.array(h.assessments) { w, a in w.int32(a.day.ordinal); w.uint8(a.category); w.int64(a.seq) }
        w.array(h.activations) { w, a in
            w.string(a.activityID); w.uint8(a.kind); w.string(a.provider); w.optional(a.employerCVR) { $0.string($1) }
            w.int32(a.start.ordinal); w.optional(a.end) { $0.int32($1.ordinal) }; w.int(a.municipality)
            w.int64(a.startSeq); w.optional(a.endSeq) { $0.int64($1) }
        }
        for periods in [h.placements, h.flexJobs, h.sickLeaves, h.educations] {
            w.array(periods) { w, p in
                w.int32(p.start.ordinal); w.optional(p.end) { $0.int32($1.ordinal) }; w.int(p.municipality)
                w.uint8(p.detail); w.uint8(p.closeDetail); w.int64(p.startSeq); w.optional(p.endSeq) { $0.int64($1) }
            }
        }
        for dated in [h.flexApprovals, h.awards, h.paidHours] {
            w.array(dated) { w, d in w.int32(d.day.ordinal); w.int(d.municipality); w.int(d.amount); w.int64(d.seq) }
        }
    }

    private static func readHistory(_ r: inout BinaryReader) throws(BinaryReadError) -> CitizenHistory {
        typealias E = BinaryReadError
        var h = CitizenHistory(pseudonym: Pseudonym(value: try r.uint64()))
        h.birthDate = try r.optional { (r) throws(E) in Day(ordinal: try r.int32()) }
        h.education = try r.uint8()
        h.refugee = try r.bool()
        h.arrival = try r.optional { (r) throws(E) in Day(ordinal: try r.int32()) }
        h.municipality = try r.int()
        h.registrationSeq = try r.int64()
        h.spells = try r.array { (r) throws(E) in
            BenefitSpell(benefit: try r.uint8(), start: Day(ordinal: try r.int32()), end: try r.optional { (r) throws(E) in Day(ordinal: try r.int32()) },
                         municipality: try r.int(), weeklyHours: try r.int(), endReason: try r.optional { (r) throws(E) in try r.uint8() },
                         startSeq: try r.int64(), endSeq: try r.optional { (r) throws(E) in try r.int64() })
        }
        h.assessments = try r.array { (r) throws(E) in Assessment(day: Day(ordinal: try r.int32()), category: try r.uint8(), seq: try r.int64()) }
        h.activations = try r.array { (r) throws(E) in
            ActivationRecord(activityID: try r.string(), kind: try r.uint8(), provider: try r.string(),
                             employerCVR: try r.optional { (r) throws(E) in try r.string() }, start: Day(ordinal: try r.int32()),
                             end: try r.optional { (r) throws(E) in Day(ordinal: try r.int32()) }, municipality: try r.int(),
                             startSeq: try r.int64(), endSeq: try r.optional { (r) throws(E) in try r.int64() })
        }
        func periods(_ r: inout BinaryReader) throws(E) -> [PeriodRecord] {
            try r.array { (r) throws(E) in
                PeriodRecord(start: Day(ordinal: try r.int32()), end: try r.optional { (r) throws(E) in Day(ordinal: try r.int32()) },
                             municipality: try r.int(), detail: try r.uint8(), closeDetail: try r.uint8(),
                             startSeq: try r.int64(), endSeq: try r.optional { (r) throws(E) in try r.int64() })
            }
        }
        h.placements = try periods(&r)
        h.flexJobs = try periods(&r)
        h.sickLeaves = try periods(&r)
        h.educations = try periods(&r)
        func dated(_ r: inout BinaryReader) throws(E) -> [DatedRecord] {
            try r.array { (r) throws(E) in DatedRecord(day: Day(ordinal: try r.int32()), municipality: try r.int(), amount: try r.int(), seq: try r.int64()) }
        }
        h.flexApprovals = try dated(&r)
        h.awards = try dated(&r)
        h.paidHours = try dated(&r)
        return h
    }

    // MARK: Facts

    private static func write(_ facts: [Fact], to w: inout BinaryWriter) {
        w.array(facts) { w, f in
            w.string(f.name)
            switch f.value {
            case .text(let s): w.uint8(0); w.string(s)
            case .integer(let i): w.uint8(1); w.int64(i)
            case .decimal(let s): w.uint8(2); w.string(s)
            case .bool(let b): w.uint8(3); w.bool(b)
            case .date(let d): w.uint8(4); w.int32(d.ordinal)
            }
        }
    }

    private static func readFacts(_ r: inout BinaryReader) throws(BinaryReadError) -> [Fact] {
        try r.array { (r) throws(BinaryReadError) -> Fact in
            let name = try r.string()
            switch try r.uint8() {
            case 0: return Fact(name, .text(try r.string()))
            case 1: return Fact(name, .integer(try r.int64()))
            case 2: return Fact(name, .decimal(try r.string()))
            case 3: return Fact(name, .bool(try r.bool()))
            case 4: return Fact(name, .date(Day(ordinal: try r.int32())))
            default: throw BinaryReadError(offset: r.position, message: "unknown fact kind")
            }
        }
    }
}
