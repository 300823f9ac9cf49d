public import LedgerCore

/// What to compute: a measure, its variant and parameters, and when.
public struct MeasureRequest: Sendable {
    /// The measure's id, e.g. `M1`.
    public var measure: String
    /// The variant (e.g. `52w` for M7); nil for the default.
    public var variant: String?
    /// Evaluation day (`--at`).
    public var at: Day?
    /// Evaluation period (`--period`).
    public var period: Period?
    /// For M12: benefits summed, `a-dagpenge+kontanthjaelp:jobparat` (`flexjob` for flex jobs); nil for all.
    public var benefits: String?
    /// Further parameters: `event=NAME` (M18), `arrival=YYYY-YYYY` (M15), `kind=...` (M20).
    public var filter: [String: String]
    /// Whether to list each citizen's or item's contribution (for `explain`).
    public var recordContributions: Bool

    /// Makes a request.
    public init(measure: String, variant: String? = nil, at: Day? = nil, period: Period? = nil, benefits: String? = nil,
                filter: [String: String] = [:], recordContributions: Bool = false) {
        self.measure = measure
        self.variant = variant
        self.at = at
        self.period = period
        self.benefits = benefits
        self.filter = filter
        self.recordContributions = recordContributions
    }

    /// Parses `key=value;key=value`.
    public static func parseFilter(_ text: String?) -> [String: String] {
        var result: [String: String] = [:]
        for part in (text ?? "").split(separator: ";") {
            let pieces = part.split(separator: "=", maxSplits: 1)
            if pieces.count == 2 { result[String(pieces[0]).trimmingCharacters()] = String(pieces[1]).trimmingCharacters() }
        }
        return result
    }
}

extension String {
    func trimmingCharacters() -> String {
        var s = Substring(self)
        while s.first == " " { s = s.dropFirst() }
        while s.last == " " { s = s.dropLast() }
        return String(s)
    }
}

/// The day or period a measure was evaluated for.
public struct Evaluation: Sendable, Equatable {
    /// The day, for at-a-day measures.
    public var day: Day?
    /// The period: for at-a-day measures the day itself; for M2 the rolling year.
    public var period: Period
    /// How a report writes it.
    public var text: String
}

/// A measure's value in one scope: numerator, denominator (for shares) and the value.
public struct ScopeValue: Sendable, Equatable {
    /// The municipality code, or nil for the jobcenter as a whole.
    public var municipality: Int?
    /// Numerator (the count for count measures).
    public var numerator: Double
    /// Denominator for shares and full-time persons; nil for counts.
    public var denominator: Double?
    /// The value: the count, the share in percent, or full-time persons; nil when a share's denominator is 0.
    public var value: Double?
}

/// One citizen's or item's part in a measure, for `explain`.
public struct Contribution: Sendable, Equatable {
    /// The citizen, when the item is about a person.
    public var citizen: Pseudonym?
    /// The municipality it counts in.
    public var municipality: Int
    /// Its part of the numerator.
    public var numerator: Double
    /// Its part of the denominator.
    public var denominator: Double
    /// The events (sequence numbers) that made it count.
    public var seqs: [Int64]
    /// Why, in a few words (e.g. "312 of 364 days gross unemployed").
    public var reason: String
}

/// A computed measure: per scope (jobcenter first, then each municipality), with breakdowns.
public struct MeasureResult: Sendable {
    /// The measure.
    public var definition: MeasureDefinition
    /// The variant used.
    public var variant: String?
    /// When.
    public var evaluation: Evaluation
    /// Values per scope.
    public var scopes: [ScopeValue]
    /// Breakdowns (M10 per kind and provider, M20 per kind, provider and category): name → label → values.
    public var breakdowns: [(name: String, entries: [(label: String, scopes: [ScopeValue])])]
    /// Contributions, when requested.
    public var contributions: [Contribution]

    /// The value in a scope (nil = jobcenter).
    public func scope(_ municipality: Int?) -> ScopeValue? { scopes.first { $0.municipality == municipality } }
}

/// Errors of a measure request.
public struct MeasureError: Error, CustomStringConvertible, Sendable {
    /// What is wrong.
    public var message: String
    /// The message.
    public var description: String { message }
}

/// Computes measures from a ``ProjectionState``: pure functions, no I/O.
///
/// Every part of a measure is counted in a slot: the partition of the citizen, job order, company
/// or response it comes from (``ProjectionPartition``), or the whole-jobcenter slot. A value is the
/// sum of its slots, taken in slot order, so that a partial fold (a report after a few new events)
/// can take the slots it lacks from the checkpoint's ``MeasureCache`` and give, to the last bit,
/// what the whole fold gives.
public struct MeasureEngine: Sendable {
    /// The state computed from.
    public let state: ProjectionState
    /// For a partial fold: the checkpoint's parts of the partitions it does not hold.
    public let cache: MeasureCache?
    /// Where a whole fold's computed parts, and a partial fold's misses, are noted (nil: nowhere).
    public let recorder: MeasureRecorder?

    /// Makes an engine over a state.
    public init(state: ProjectionState, cache: MeasureCache? = nil, recorder: MeasureRecorder? = nil) {
        self.state = state
        self.cache = cache
        self.recorder = recorder
    }

    /// What identifies a request's parts in a ``MeasureCache``: the measure, variant, resolved
    /// evaluation and parameters.
    static func cacheKey(_ definition: MeasureDefinition, variant: String?, evaluation: Evaluation, request: MeasureRequest) -> String {
        let filter = request.filter.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: ";")
        return [definition.id, variant ?? "", String(evaluation.period.first.ordinal), String(evaluation.period.last.ordinal),
                evaluation.day.map { String($0.ordinal) } ?? "", request.benefits ?? "", filter].joined(separator: "|")
    }

    /// Resolves a request's evaluation day or period for a measure.
    public static func evaluation(for definition: MeasureDefinition, at: Day?, period: Period?, defaultDay: Day) -> Evaluation {
        switch definition.evaluation {
        case .atDate:
            let day = at ?? period?.last ?? defaultDay
            return Evaluation(day: day, period: Period(first: day, last: day), text: day.iso)
        case .period:
            if let period { return Evaluation(day: nil, period: period, text: period.text) }
            let day = at ?? defaultDay
            let first = Day(year: day.year, month: 1, day: 1)!
            return Evaluation(day: nil, period: Period(first: first, last: day, text: "\(first.iso)/\(day.iso)"), text: "\(first.iso)/\(day.iso)")
        case .month:
            let day = at ?? period?.last ?? defaultDay
            let c = day.civil
            let month = Period(first: day.firstOfMonth, last: day.lastOfMonth, text: Day.pad(c.year, 4) + "-" + Day.pad(c.month, 2))
            return Evaluation(day: nil, period: month, text: month.text)
        }
    }

    /// Computes a measure.
    ///
    /// With `threads` above 1, a measure whose parts are all citizens' (``splitsByPartition(_:)``)
    /// is computed on that many threads, each walking the citizens of its share of the partitions
    /// (partition modulo `threads`). Every slot is then computed by one thread, in citizen order,
    /// as one thread computes it, so the result is the same to the last bit. Contributions are
    /// recorded on one thread.
    public func compute(_ request: MeasureRequest, defaultDay: Day, threads: Int = 1) throws(MeasureError) -> MeasureResult {
        var prepared = try prepare(request, defaultDay: defaultDay)
        if threads > 1 && prepared.splits {
            try computeSplit(&prepared, threads: threads)
        } else {
            try run(prepared.definition, evaluation: prepared.evaluation, variant: prepared.variant, request: request, &prepared.context)
        }
        return finish(prepared, recorder: recorder)
    }

    /// Computes several measures on `threads` threads in one pass: those split by partition
    /// (``splitsByPartition(_:)``) as ``compute(_:defaultDay:threads:)`` splits one, but thread k
    /// computes its share of every one of them in turn, so the threads wait for one another once
    /// rather than after each measure (a goal report's measures are a few milliseconds each, and
    /// each wait cost a wake-up and the slower share's lead). The others are computed after, one
    /// at a time. Each result is the one ``compute(_:defaultDay:threads:)`` gives (to the bit), and
    /// is noted in `recorders[i]` (nil: none) as that would note it in the engine's recorder.
    public func computeAll(_ requests: [MeasureRequest], defaultDay: Day, threads: Int,
                           recorders: [MeasureRecorder?]) -> [Result<MeasureResult, MeasureError>] {
        precondition(recorders.count == requests.count, "one recorder (or nil) per request")
        var prepared = requests.map { request in Result { () throws(MeasureError) in try prepare(request, defaultDay: defaultDay) } }
        // The requests computed split, by index, with their empty contexts.
        let split: [(index: Int, start: Prepared)] = threads < 2 ? [] : prepared.indices.compactMap { i in
            guard case .success(let start) = prepared[i], start.splits else { return nil }
            return (i, start)
        }
        var computedSplit = [Bool](repeating: false, count: requests.count)
        if !split.isEmpty {
            // shares[k][j]: thread k's share of the j-th split request.
            let shares = Parallel.map(count: threads, workers: threads) { k in
                split.map { computeShare($0.start, index: k, of: threads) }
            }
            for (j, (i, start)) in split.enumerated() {
                var computed = start
                prepared[i] = Result { () throws(MeasureError) in
                    try combine(shares.map { $0[j] }, into: &computed)
                    return computed
                }
                computedSplit[i] = true
            }
        }
        return prepared.indices.map { i in
            Result { () throws(MeasureError) -> MeasureResult in
                var computed = try prepared[i].get()
                if !computedSplit[i] {
                    try run(computed.definition, evaluation: computed.evaluation, variant: computed.variant, request: computed.request, &computed.context)
                }
                return finish(computed, recorder: recorders[i])
            }
        }
    }

    /// A request resolved against its measure's definition, with the parts computed so far.
    struct Prepared: Sendable {
        /// The request as asked.
        let request: MeasureRequest
        /// Its measure.
        let definition: MeasureDefinition
        /// The day or period it is evaluated at.
        let evaluation: Evaluation
        /// The variant asked for, else the measure's first.
        let variant: String?
        /// Its key in the checkpoint's measure cache.
        let key: String
        /// The parts computed so far.
        var context: Context
        /// Whether it may be split over threads: its parts are all citizens' and no contributions
        /// are recorded (those are recorded on one thread).
        var splits: Bool { !context.record && MeasureEngine.splitsByPartition(definition.id) }
    }

    /// Checks a request and makes its empty context (with a partial fold's cached parts).
    func prepare(_ request: MeasureRequest, defaultDay: Day) throws(MeasureError) -> Prepared {
        guard let definition = MeasureDefinition.named(request.measure) else {
            throw MeasureError(message: "unknown measure \(request.measure); known: " + MeasureDefinition.all.map(\.id).joined(separator: ", "))
        }
        if let variant = request.variant, !definition.variants.contains(variant) {
            throw MeasureError(message: definition.variants.isEmpty ? "\(definition.id) has no variants"
                               : "\(definition.id) variant must be one of: " + definition.variants.joined(separator: ", "))
        }
        let evaluation = MeasureEngine.evaluation(for: definition, at: request.at, period: request.period, defaultDay: defaultDay)
        var context = Context(municipalities: state.municipalities, record: request.recordContributions)
        let variant = request.variant ?? definition.variants.first
        let key = Self.cacheKey(definition, variant: variant, evaluation: evaluation, request: request)
        if let loaded = state.loadedPartitions {
            guard let entry = cache?.entries[key], entry.municipalityCount == state.municipalities.count else {
                recorder?.noteMiss()
                throw MeasureError(message: "the checkpoint holds no parts of \(definition.id) for \(evaluation.text); a whole fold is needed")
            }
            context.reuse = (entry, loaded)
        }
        return Prepared(request: request, definition: definition, evaluation: evaluation, variant: variant, key: key, context: context)
    }

    /// The result of a computed request: a partial fold's missing slots from the cache, the
    /// whole fold's parts noted in `recorder`, and the values per scope.
    func finish(_ prepared: Prepared, recorder: MeasureRecorder?) -> MeasureResult {
        let definition = prepared.definition
        let evaluation = prepared.evaluation
        let variant = prepared.variant
        var context = prepared.context
        if context.reuse != nil {
            context.completeFromCache()
        } else if let recorder {
            // The request as resolved: computed again with it, the key is the same.
            let resolved = MeasureRequest(measure: definition.id, variant: variant, at: evaluation.day,
                                          period: evaluation.day == nil ? evaluation.period : nil, benefits: prepared.request.benefits, filter: prepared.request.filter)
            recorder.record(prepared.key, context.cacheEntry(request: resolved))
        }
        let isRatio = definition.kind == .share
        let scale = definition.kind == .fullTimePersons ? 1.0 / Double(max(1, DerivedStates.weekdays(from: evaluation.period.first, through: evaluation.period.last))) : 1.0
        let shareCount = definition.id == "M8" && variant == "count"
        let municipalityCount = state.municipalities.count
        func values(_ tallies: [Tally]) -> [ScopeValue] {
            var total = Tally()
            var perMunicipality: [ScopeValue] = []
            for (k, m) in state.municipalities.enumerated() {
                // The slots are summed in slot order (see the type's summary).
                var t = Tally()
                for slot in 0..<Context.slotCount {
                    t.numerator += tallies[slot * municipalityCount + k].numerator
                    t.denominator += tallies[slot * municipalityCount + k].denominator
                }
                total.numerator += t.numerator
                total.denominator += t.denominator
                perMunicipality.append(MeasureEngine.scopeValue(m, t, ratio: isRatio && !shareCount, scale: scale))
            }
            return [MeasureEngine.scopeValue(nil, total, ratio: isRatio && !shareCount, scale: scale)] + perMunicipality
        }
        // Breakdown labels in name order (first-appearance order would depend on which slots were computed).
        let breakdowns = context.breakdowns.map { group in
            (name: group.name, entries: group.entries.sorted { $0.label < $1.label }.map { (label: $0.label, scopes: values($0.tallies)) })
        }
        return MeasureResult(definition: definition, variant: variant, evaluation: evaluation, scopes: values(context.tallies),
                             breakdowns: breakdowns, contributions: context.contributions)
    }

    /// Runs the measure's computation into `context`.
    func run(_ definition: MeasureDefinition, evaluation: Evaluation, variant: String?, request: MeasureRequest,
             _ context: inout Context) throws(MeasureError) {
        switch definition.id {
        case "M1": m1(evaluation.day!, &context)
        case "M1b": m1b(evaluation.day!, &context)
        case "M2": m2(evaluation.period, &context)
        case "M3": m3(evaluation.period, &context)
        case "M4": m4(evaluation.period, &context)
        case "M5": m5(evaluation.day!, &context)
        case "M6": m6(evaluation.day!, &context)
        case "M7": m7(evaluation.day!, weeks52: variant == "52w", &context)
        case "M8": m8(evaluation.period, &context)
        case "M9": m9(evaluation.period, &context)
        case "M10": m10(evaluation.period, days: variant == "4w" ? 28 : variant == "26w" ? 182 : 91, &context)
        case "M11": m11(evaluation.day!, &context)
        case "M12": try m12(evaluation.period, benefits: request.benefits, &context)
        case "M13": m13(evaluation.period, fillRate: variant == "besaettelsesgrad", &context)
        case "M14": m14(evaluation.period, &context)
        case "M15": try m15(evaluation.day!, arrival: request.filter["arrival"], &context)
        case "M16": m16(evaluation.period, &context)
        case "M17": m17(evaluation.period, companies: variant == "companies", &context)
        case "M18": m18(evaluation.period, name: request.filter["event"], &context)
        case "M19": m19(evaluation.day!, &context)
        case "M20": m20(evaluation.period, kind: request.filter["kind"], &context)
        case "M21": m21(evaluation.period, &context)
        case "M22": m22(evaluation.period, &context)
        default: throw MeasureError(message: "measure \(definition.id) is not implemented")
        }
    }

    /// Whether a measure's parts are all citizens' parts, each counted in the citizen's partition's
    /// slot (no breakdowns), so that it can be computed on several threads by partition. M21's
    /// citizens' part is; its companies' part is computed once, after.
    public static func splitsByPartition(_ measure: String) -> Bool {
        switch measure {
        case "M1", "M1b", "M2", "M3", "M4", "M5", "M6", "M7", "M8", "M9", "M11", "M12", "M14", "M15", "M19", "M21", "M22": return true
        default: return false
        }
    }

    /// Computes a measure of ``splitsByPartition(_:)`` on `threads` threads, each walking the
    /// citizens of the partitions p with p % threads == its number, and puts their parts together:
    /// each partition's slot from the one thread that computed it.
    func computeSplit(_ prepared: inout Prepared, threads: Int) throws(MeasureError) {
        let start = prepared
        let shares = Parallel.map(count: threads, workers: threads) { k in computeShare(start, index: k, of: threads) }
        try combine(shares, into: &prepared)
    }

    /// One thread's share of a split computation: the parts of the partitions p with
    /// p % `count` == `index`, and for M21 the CVR numbers its citizens were placed with.
    func computeShare(_ prepared: Prepared, index: Int, of count: Int) -> Result<(Context, [String: [Int64]]), MeasureError> {
        precondition(count > 1 && prepared.splits, "a split computation records no contributions")
        var share = prepared.context
        share.share = (index, count)
        return Result { () throws(MeasureError) -> (Context, [String: [Int64]]) in
            if prepared.definition.id == "M21" {
                let used = m21Citizens(prepared.evaluation.period, &share)
                return (share, used)
            }
            try run(prepared.definition, evaluation: prepared.evaluation, variant: prepared.variant, request: prepared.request, &share)
            return (share, [:])
        }
    }

    /// Puts the shares of a split computation (``computeShare(_:index:of:)``, share k at index k)
    /// together into `prepared`'s context: each partition's slot from the one share that computed
    /// it; then M21's companies' part, computed once.
    func combine(_ shares: [Result<(Context, [String: [Int64]]), MeasureError>], into prepared: inout Prepared) throws(MeasureError) {
        let start = prepared.context
        let n = start.municipalities.count
        var used: [String: [Int64]] = [:]
        for (k, result) in shares.enumerated() {
            let (share, shareUsed) = try result.get()
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
            for (cvr, seqs) in shareUsed { used[cvr, default: []] += seqs }
        }
        if prepared.definition.id == "M21" {
            m21Companies(prepared.evaluation.period, used: used, &prepared.context)
        }
    }

    static func scopeValue(_ m: Int?, _ t: Tally, ratio: Bool, scale: Double) -> ScopeValue {
        if ratio {
            return ScopeValue(municipality: m, numerator: t.numerator, denominator: t.denominator,
                              value: t.denominator > 0 ? t.numerator / t.denominator * 100 : nil)
        }
        if scale != 1 {
            return ScopeValue(municipality: m, numerator: t.numerator, denominator: 1 / scale, value: t.numerator * scale)
        }
        return ScopeValue(municipality: m, numerator: t.numerator, denominator: nil, value: t.numerator)
    }

    // MARK: Context

    /// A numerator and denominator.
    public struct Tally: Sendable, Equatable { public var numerator = 0.0; public var denominator = 0.0 }

    /// A computation's parts: tallies per slot and municipality (slot-major), breakdowns likewise,
    /// and M21's marks.
    struct Context {
        /// Partition slots, then the whole-jobcenter slot.
        static let slotCount = ProjectionPartition.count + 1
        let municipalities: [Int]
        let record: Bool
        var tallies: [Tally]
        var breakdowns: [(name: String, entries: [(label: String, tallies: [Tally])])] = []
        /// M21: per partition, the CVR numbers its citizens were placed with in activation.
        var marks: [Set<String>]?
        var contributions: [Contribution] = []
        /// For a partial fold: the cached parts, and which partitions the fold holds.
        var reuse: (entry: MeasureCache.Entry, loaded: [Bool])?
        /// The share of a computation split over threads (``MeasureEngine/computeSplit``): the
        /// citizens walked are those whose partition modulo `count` is `index`.
        var share: (index: Int, count: Int) = (0, 1)

        /// Whether this share computes a partition's parts (every one, unless split over threads).
        @inline(__always) func owns(partition: Int) -> Bool {
            share.count == 1 || partition % share.count == share.index
        }

        /// Whether the computation walks this citizen: its partition is the share's.
        @inline(__always) func walks(_ citizen: Pseudonym) -> Bool { owns(partition: ProjectionPartition.of(citizen)) }

        init(municipalities: [Int], record: Bool) {
            self.municipalities = municipalities
            self.record = record
            tallies = [Tally](repeating: Tally(), count: Self.slotCount * municipalities.count)
        }

        /// The index of a municipality of the ledger; parts in another are not counted.
        @inline(__always) func municipalityIndex(_ m: Int) -> Int? {
            for (k, code) in municipalities.enumerated() where code == m { return k }
            return nil
        }

        /// Adds a part: in the citizen's partition's slot, or `slot` for parts not about a person.
        mutating func add(_ m: Int, numerator: Double = 0, denominator: Double = 0, citizen: Pseudonym?, slot: Int? = nil,
                          seqs: @autoclosure () -> [Int64], reason: @autoclosure () -> String) {
            let s = slot ?? citizen.map(ProjectionPartition.of) ?? ProjectionPartition.wholeSlot
            assert(s >= 0 && s < Self.slotCount)
            if let k = municipalityIndex(m) {
                tallies[s * municipalities.count + k].numerator += numerator
                tallies[s * municipalities.count + k].denominator += denominator
            }
            if record {
                var seen: Set<Int64> = []
                let unique = seqs().filter { $0 > 0 && seen.insert($0).inserted }
                contributions.append(Contribution(citizen: citizen, municipality: m, numerator: numerator, denominator: denominator, seqs: unique, reason: reason()))
            }
        }

        /// The index of a breakdown entry, added empty if new.
        mutating func breakdownEntry(_ name: String, _ label: String) -> (group: Int, entry: Int) {
            var g = breakdowns.firstIndex { $0.name == name }
            if g == nil { breakdowns.append((name, [])); g = breakdowns.count - 1 }
            var e = breakdowns[g!].entries.firstIndex { $0.label == label }
            if e == nil {
                breakdowns[g!].entries.append((label, [Tally](repeating: Tally(), count: tallies.count)))
                e = breakdowns[g!].entries.count - 1
            }
            return (g!, e!)
        }

        /// Adds to a breakdown entry, in a citizen's partition's slot.
        mutating func addBreakdown(_ name: String, _ label: String, _ m: Int, numerator: Double, denominator: Double, slot: Int) {
            guard let k = municipalityIndex(m) else { return }
            let (g, e) = breakdownEntry(name, label)
            breakdowns[g].entries[e].tallies[slot * municipalities.count + k].numerator += numerator
            breakdowns[g].entries[e].tallies[slot * municipalities.count + k].denominator += denominator
        }

        /// A partial fold's computation completed: the slots of the partitions it does not hold are
        /// replaced by the cached parts (whatever was computed there from the whole-jobcenter facts
        /// alone, such as a company without its visits, is overwritten).
        mutating func completeFromCache() {
            guard let (entry, loaded) = reuse else { return }
            let n = municipalities.count
            assert(entry.tallies.count == ProjectionPartition.count * n)
            for slot in 0..<ProjectionPartition.count where !loaded[slot] {
                for k in 0..<n { tallies[slot * n + k] = entry.tallies[slot * n + k] }
            }
            for cached in entry.breakdowns {
                let (g, e) = breakdownEntry(cached.name, cached.label)
                for slot in 0..<ProjectionPartition.count where !loaded[slot] {
                    for k in 0..<n { breakdowns[g].entries[e].tallies[slot * n + k] = cached.tallies[slot * n + k] }
                }
            }
            // A label that only the replaced slots counted (and no longer do) is dropped, as a whole
            // fold would not have made it. Every breakdown part is nonzero (M10 counts a denominator
            // of 1, M20 a numerator of 1), so in a whole fold no entry is all zero.
            for g in breakdowns.indices {
                breakdowns[g].entries.removeAll { entry in entry.tallies.allSatisfy { $0 == Tally() } }
            }
        }

        /// The parts of a whole fold's computation, for the cache: the partition slots' tallies,
        /// breakdowns and marks (the whole-jobcenter slot is always computed again).
        func cacheEntry(request: MeasureRequest) -> MeasureCache.Entry {
            let n = municipalities.count
            return MeasureCache.Entry(
                municipalityCount: n,
                tallies: Array(tallies[0..<(ProjectionPartition.count * n)]),
                breakdowns: breakdowns.flatMap { group in
                    group.entries.map { (name: group.name, label: $0.label, tallies: Array($0.tallies[0..<(ProjectionPartition.count * n)])) }
                },
                marks: marks.map { $0.map { $0.sorted() } } ?? [],
                request: request)
        }
    }

    // MARK: Measures
    //
    // The measures walk the histories through `withUnsafeBufferPointer`: a history taken from the
    // array itself (`for h in state.citizens`) is copied, retaining each of its arrays, and a
    // report walks every history dozens of times.

    /// M1: gross unemployed on D and on at least 292 of the 364 days D-363...D.
    func m1(_ d: Day, _ c: inout Context) {
        let first = d.adding(days: -363)
        state.citizens.withUnsafeBufferPointer { citizens in
            // The test reads the spells in place; only a citizen who passes it is copied out.
            for i in citizens.indices where c.walks(citizens[i].pseudonym) && DerivedStates.mayBeGrossUnemployed(spells: citizens[i].spells, on: d) {
                let h = citizens[i]
                let pieces = DerivedStates.grossUnemploymentPieces(h)
                guard let covering = pieces.first(where: { $0.interval.contains(d) }) else { continue }
                let days = DerivedStates.union(pieces.map(\.interval)).reduce(0) { $0 + $1.days(from: first, through: d) }
                if days >= 292 {
                    c.add(covering.municipality, numerator: 1, citizen: h.pseudonym,
                          seqs: pieces.filter { $0.interval.days(from: first, through: d) > 0 }.map(\.seq), reason: "\(days) of 364 days gross unemployed")
                }
            }
        }
    }

    /// M1b: gross unemployed on D with a run ending on D of at least 364 counted days, gaps of at most 28 days not breaking it.
    func m1b(_ d: Day, _ c: inout Context) {
        state.citizens.withUnsafeBufferPointer { citizens in
            // The test reads the spells in place; only a citizen who passes it is copied out.
            for i in citizens.indices where c.walks(citizens[i].pseudonym) && DerivedStates.mayBeGrossUnemployed(spells: citizens[i].spells, on: d) {
                let h = citizens[i]
                let pieces = DerivedStates.grossUnemploymentPieces(h)
                guard let covering = pieces.first(where: { $0.interval.contains(d) }) else { continue }
                let union = DerivedStates.union(pieces.map(\.interval)).filter { $0.start <= d }
                guard var k = union.lastIndex(where: { $0.contains(d) }) else { continue }
                var counted = union[k].days(from: union[k].start, through: d)
                var runStart = union[k].start
                while k > 0 {
                    let gap = union[k].start.days(since: union[k - 1].end) - 1
                    guard gap <= 28 else { break }
                    k -= 1
                    counted += union[k].days(from: union[k].start, through: union[k].end)
                    runStart = union[k].start
                }
                if counted >= 364 {
                    c.add(covering.municipality, numerator: 1, citizen: h.pseudonym,
                          seqs: pieces.filter { $0.interval.end >= runStart && $0.interval.start <= d }.map(\.seq),
                          reason: "run of \(counted) days gross unemployed since \(runStart)")
                }
            }
        }
    }

    /// M2: first-time disability pension awards in the 12 calendar months ending with the month.
    func m2(_ month: Period, _ c: inout Context) {
        let first = month.last.minusMonths(11).firstOfMonth
        state.citizens.withUnsafeBufferPointer { citizens in
            for h in citizens where c.walks(h.pseudonym) {
                guard let award = h.awards.min(by: { ($0.day, $0.seq) < ($1.day, $1.seq) }) else { continue }
                if award.day >= first && award.day <= month.last {
                    c.add(award.municipality, numerator: 1, citizen: h.pseudonym, seqs: [award.seq], reason: "first award \(award.day)")
                }
            }
        }
    }

    /// M3: job placements with channel employer-request effective in the period.
    func m3(_ p: Period, _ c: inout Context) {
        state.citizens.withUnsafeBufferPointer { citizens in
            for h in citizens where c.walks(h.pseudonym) {
                for placement in h.placements where placement.detail == 0 && p.contains(placement.start) {
                    c.add(placement.municipality, numerator: 1, citizen: h.pseudonym, seqs: [placement.startSeq], reason: "placement \(placement.start) on employer request")
                }
            }
        }
    }

    /// M4: flex job starts effective in the period.
    func m4(_ p: Period, _ c: inout Context) {
        state.citizens.withUnsafeBufferPointer { citizens in
            for h in citizens where c.walks(h.pseudonym) {
                for job in h.flexJobs where p.contains(job.start) {
                    c.add(job.municipality, numerator: 1, citizen: h.pseudonym, seqs: [job.startSeq], reason: "flex job started \(job.start)")
                }
            }
        }
    }

    /// M5: in a flex job on D / (in a flex job or on ledighedsydelse on D).
    func m5(_ d: Day, _ c: inout Context) {
        state.citizens.withUnsafeBufferPointer { citizens in
            for h in citizens where c.walks(h.pseudonym) {
                if let job = DerivedStates.flexJob(h, on: d) {
                    c.add(job.municipality, numerator: 1, denominator: 1, citizen: h.pseudonym, seqs: [job.startSeq], reason: "in a flex job since \(job.start)")
                } else if let spell = DerivedStates.spell(h, DerivedStates.ledighedsydelse, on: d) {
                    c.add(spell.municipality, denominator: 1, citizen: h.pseudonym, seqs: [spell.startSeq], reason: "on ledighedsydelse since \(spell.start)")
                }
            }
        }
    }

    /// M6: on ledighedsydelse on D in an unbroken spell that started before D minus 18 months.
    func m6(_ d: Day, _ c: inout Context) {
        let threshold = d.minusMonths(18)
        state.citizens.withUnsafeBufferPointer { citizens in
            for h in citizens where c.walks(h.pseudonym) {
                let spells = h.spells.filter { $0.benefit == DerivedStates.ledighedsydelse }
                guard let covering = spells.first(where: { DerivedStates.interval($0).contains(d) }) else { continue }
                guard let run = DerivedStates.union(spells.map(DerivedStates.interval)).first(where: { $0.contains(d) }) else { continue }
                if run.start < threshold {
                    c.add(covering.municipality, numerator: 1, citizen: h.pseudonym, seqs: spells.filter { DerivedStates.interval($0).start >= run.start && DerivedStates.interval($0).start <= d }.map(\.startSeq),
                          reason: "on ledighedsydelse since \(run.start)")
                }
            }
        }
    }

    /// M7: open sick-leave cases on D lasting more than 182 (26 weeks) or 364 (52 weeks) days.
    func m7(_ d: Day, weeks52: Bool, _ c: inout Context) {
        let limit = weeks52 ? 364 : 182
        state.citizens.withUnsafeBufferPointer { citizens in
            for h in citizens where c.walks(h.pseudonym) {
                for sick in h.sickLeaves where DerivedStates.interval(sick).contains(d) {
                    let length = d.days(since: sick.start) + 1
                    if length > limit {
                        c.add(sick.municipality, numerator: 1, citizen: h.pseudonym, seqs: [sick.startSeq], reason: "case open \(length) days since \(sick.start)")
                    }
                }
            }
        }
    }

    /// M8: spells of under-30s on uddannelseshjælp or kontanthjælp ending in the period: those with reason education, of all.
    /// Spells of the same benefit that touch are one spell: only the run's end is an end.
    func m8(_ p: Period, _ c: inout Context) {
        let education = UInt8(Catalog.benefitEndReasons.firstIndex(of: "education")!)
        state.citizens.withUnsafeBufferPointer { citizens in
            for h in citizens where c.walks(h.pseudonym) {
                for spell in DerivedStates.runs(h, DerivedStates.uddannelseshjaelp) + DerivedStates.runs(h, DerivedStates.kontanthjaelp) {
                    guard let end = spell.end, p.contains(end), let age = h.age(on: end), age < 30 else { continue }
                    let toEducation = spell.endReason == education
                    c.add(spell.municipality, numerator: toEducation ? 1 : 0, denominator: 1, citizen: h.pseudonym, seqs: [spell.startSeq, spell.endSeq ?? 0],
                          reason: "\(Catalog.benefits[Int(spell.benefit)]) ended \(end), age \(age)" + (toEducation ? ", to education" : ""))
                }
            }
        }
    }

    /// M9: uddannelseshjælp spells ending in the period: share self-supporting or in education on end + 92 days.
    func m9(_ p: Period, _ c: inout Context) {
        state.citizens.withUnsafeBufferPointer { citizens in
            for h in citizens where c.walks(h.pseudonym) {
                for spell in DerivedStates.runs(h, DerivedStates.uddannelseshjaelp) {
                    guard let end = spell.end, p.contains(end) else { continue }
                    let later = end.adding(days: 92)
                    let ok = DerivedStates.selfSupporting(h, on: later) || DerivedStates.inEducation(h, on: later)
                    c.add(spell.municipality, numerator: ok ? 1 : 0, denominator: 1, citizen: h.pseudonym, seqs: [spell.startSeq, spell.endSeq ?? 0],
                          reason: "spell ended \(end); on \(later) " + (ok ? "self-supporting or in education" : "not"))
                }
            }
        }
    }

    /// M10: activations started in the period: share self-supporting on start + 28 / 91 / 182 days; per kind and per provider.
    func m10(_ p: Period, days: Int, _ c: inout Context) {
        state.citizens.withUnsafeBufferPointer { citizens in
            for h in citizens where c.walks(h.pseudonym) {
                for a in h.activations where p.contains(a.start) {
                    let later = a.start.adding(days: days)
                    let ok = DerivedStates.selfSupporting(h, on: later)
                    let n: Double = ok ? 1 : 0
                    c.add(a.municipality, numerator: n, denominator: 1, citizen: h.pseudonym, seqs: [a.startSeq], reason: "activation \(a.activityID) started \(a.start); on \(later) " + (ok ? "self-supporting" : "not"))
                    c.addBreakdown("kind", Catalog.activationKinds[Int(a.kind)], a.municipality, numerator: n, denominator: 1, slot: ProjectionPartition.of(h.pseudonym))
                    c.addBreakdown("provider", a.provider, a.municipality, numerator: n, denominator: 1, slot: ProjectionPartition.of(h.pseudonym))
                }
            }
        }
    }

    /// M11: of citizens on a-dagpenge, kontanthjælp, uddannelseshjælp, ledighedsydelse or selvforsørgelsesydelse on D, the share in company-oriented activation.
    func m11(_ d: Day, _ c: inout Context) {
        let benefits: CodeSet = [DerivedStates.aDagpenge, DerivedStates.kontanthjaelp, DerivedStates.uddannelseshjaelp, DerivedStates.ledighedsydelse, DerivedStates.selvforsoergelse]
        state.citizens.withUnsafeBufferPointer { citizens in
            for h in citizens where c.walks(h.pseudonym) {
                guard let spell = h.spells.first(where: { benefits.contains($0.benefit) && DerivedStates.interval($0).contains(d) }) else { continue }
                let active = DerivedStates.inCompanyActivation(h, on: d)
                c.add(spell.municipality, numerator: active ? 1 : 0, denominator: 1, citizen: h.pseudonym, seqs: [spell.startSeq],
                      reason: "on \(Catalog.benefits[Int(spell.benefit)])" + (active ? ", in company-oriented activation" : ""))
            }
        }
    }

    /// M12: full-time persons on the chosen benefits in the period.
    func m12(_ p: Period, benefits: String?, _ c: inout Context) throws(MeasureError) {
        // Parse "benefit[:category]+...": nil category means any; "flexjob" means flex jobs.
        var selection: [(benefit: UInt8?, category: UInt8?)] = []
        if let benefits {
            for item in benefits.split(separator: "+") {
                let parts = item.split(separator: ":")
                let name = String(parts[0])
                var category: UInt8?
                if parts.count > 1 {
                    guard let k = Catalog.matchCategories.firstIndex(of: String(parts[1])) else { throw MeasureError(message: "unknown match category \(parts[1])") }
                    category = UInt8(k)
                }
                if name == "flexjob" { selection.append((nil, nil)); continue }
                guard let b = Catalog.benefits.firstIndex(of: name) else {
                    throw MeasureError(message: "unknown benefit \(name); benefits: " + Catalog.benefits.joined(separator: ", ") + ", flexjob")
                }
                selection.append((UInt8(b), category))
            }
        } else {
            selection = Catalog.benefits.indices.map { (UInt8($0), nil) } + [(nil, nil)]
        }
        let dayCount = p.dayCount
        var weights = [Double](repeating: 0, count: dayCount)
        var where_ = [Int](repeating: 0, count: dayCount)
        state.citizens.withUnsafeBufferPointer { citizens in
            for h in citizens where c.walks(h.pseudonym) {
                var touched = false
                var categories: [(interval: DayInterval, category: UInt8)]?
                func mark(_ interval: DayInterval, weight: Double, municipality: Int) {
                    let a = max(interval.start, p.first), b = min(interval.end, p.last)
                    guard a <= b else { return }
                    var day = a
                    while day <= b {
                        if day.weekday <= 5 {
                            let i = day.days(since: p.first)
                            if weights[i] == 0 { where_[i] = municipality }
                            weights[i] += weight
                            touched = true
                        }
                        day = day.adding(days: 1)
                    }
                }
                for s in selection {
                    if let b = s.benefit {
                        for spell in h.spells where spell.benefit == b {
                            let weight = Double(min(spell.weeklyHours, 37)) / 37
                            if let category = s.category {
                                if categories == nil { categories = DerivedStates.categoryIntervals(h) }
                                for ci in categories! where ci.category == category {
                                    let a = max(spell.start, ci.interval.start), e = min(spell.end ?? .distantFuture, ci.interval.end)
                                    if a <= e { mark(DayInterval(start: a, end: e), weight: weight, municipality: spell.municipality) }
                                }
                            } else {
                                mark(DerivedStates.interval(spell), weight: weight, municipality: spell.municipality)
                            }
                        }
                    } else {
                        for job in h.flexJobs { mark(DerivedStates.interval(job), weight: 1, municipality: job.municipality) }
                    }
                }
                guard touched else { continue }
                var perMunicipality: [Int: Double] = [:]
                for i in 0..<dayCount where weights[i] > 0 {
                    perMunicipality[where_[i], default: 0] += min(1, weights[i])
                    weights[i] = 0
                }
                for (m, days) in perMunicipality {
                    c.add(m, numerator: days, citizen: h.pseudonym, seqs: h.spells.map(\.startSeq), reason: "\(days) weighted weekdays")
                }
            }
        }
    }

    /// M13: job orders created in the period: share with a referral (formidlingsgrad), or of those the share filled by a referred citizen (besættelsesgrad).
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

    /// M14: of aktivitetsparate on kontanthjælp, uddannelseshjælp or selvforsørgelsesydelse, or in ressourceforløb, during the month: share with paid hours or in SU education.
    func m14(_ month: Period, _ c: inout Context) {
        let benefits: CodeSet = [DerivedStates.kontanthjaelp, DerivedStates.uddannelseshjaelp, DerivedStates.selvforsoergelse]
        state.citizens.withUnsafeBufferPointer { citizens in
            for h in citizens where c.walks(h.pseudonym) {
                var qualifying: BenefitSpell?
                for spell in h.spells where spell.benefit == DerivedStates.ressourceforloeb || benefits.contains(spell.benefit) {
                    let span = DerivedStates.interval(spell)
                    guard span.days(from: month.first, through: month.last) > 0 else { continue }
                    if spell.benefit == DerivedStates.ressourceforloeb { qualifying = spell; break }
                    var day = max(span.start, month.first)
                    let last = min(span.end, month.last)
                    while day <= last {
                        if DerivedStates.category(h, on: day) == DerivedStates.aktivitetsparat { qualifying = spell; break }
                        day = day.adding(days: 1)
                    }
                    if qualifying != nil { break }
                }
                guard let spell = qualifying else { continue }
                let hours = h.paidHours.filter { $0.day == month.first }
                let education = h.educations.first { DerivedStates.interval($0).days(from: month.first, through: month.last) > 0 }
                let ok = !hours.isEmpty || education != nil
                c.add(spell.municipality, numerator: ok ? 1 : 0, denominator: 1, citizen: h.pseudonym,
                      seqs: [spell.startSeq] + hours.map(\.seq) + (education.map { [$0.startSeq] } ?? []),
                      reason: ok ? (hours.isEmpty ? "in SU education" : "paid hours registered") : "no paid hours")
            }
        }
    }

    /// M15: refugees and family-reunified (arrived in the range, if given): share in a job on D.
    func m15(_ d: Day, arrival: String?, _ c: inout Context) throws(MeasureError) {
        var range: ClosedRange<Int>?
        if let arrival {
            let parts = arrival.split(separator: "-").compactMap { Int($0) }
            guard parts.count == 2, parts[0] <= parts[1] else { throw MeasureError(message: "arrival expects YYYY-YYYY") }
            range = parts[0]...parts[1]
        }
        state.citizens.withUnsafeBufferPointer { citizens in
            for h in citizens where c.walks(h.pseudonym) && h.refugee {
                guard let a = h.arrival, a <= d else { continue }
                if let range, !range.contains(a.year) { continue }
                let job = DerivedStates.inJob(h, on: d)
                c.add(h.municipality, numerator: job ? 1 : 0, denominator: 1, citizen: h.pseudonym, seqs: [h.registrationSeq], reason: "arrived \(a)" + (job ? ", in a job" : ""))
            }
        }
    }

    /// The latest registration of each company known by the end of the period.
    func companies(until day: Day) -> [CompanyRegistration] {
        // Positions, not registrations, in a table sized up front: growing it rehashed every CVR
        // number, and this is most of a report from the checkpoint (M21 needs it whole).
        var latest: [String: Int] = [:]
        latest.reserveCapacity(state.companies.count)
        for (i, company) in state.companies.enumerated() where company.day <= day { latest[company.cvr] = i }
        return latest.values.sorted { state.companies[$0].seq < state.companies[$1].seq }.map { state.companies[$0] }
    }

    /// M16: companies with 5 or more employees: share visited at least twice in the period.
    func m16(_ p: Period, _ c: inout Context) {
        var visits: [String: [Int64]] = [:]
        for v in state.visits where p.contains(v.day) { visits[v.cvr, default: []].append(v.seq) }
        for company in companies(until: p.last) where company.employees >= 5 {
            let n = visits[company.cvr]?.count ?? 0
            c.add(company.municipality, numerator: n >= 2 ? 1 : 0, denominator: 1, citizen: nil, slot: ProjectionPartition.of(key: company.cvr), seqs: [company.seq] + (visits[company.cvr] ?? []), reason: "company \(company.cvr): \(n) visits")
        }
    }

    /// M17: share of satisfied responses, citizens or companies.
    func m17(_ p: Period, companies: Bool, _ c: inout Context) {
        for s in state.surveys where s.company == companies && p.contains(s.day) {
            c.add(s.municipality, numerator: s.satisfied ? 1 : 0, denominator: 1, citizen: nil, slot: ProjectionPartition.of(seq: s.seq), seqs: [s.seq], reason: s.satisfied ? "satisfied" : "not satisfied")
        }
    }

    /// M18: participants of events (of the given name) held in the period.
    func m18(_ p: Period, name: String?, _ c: inout Context) {
        for e in state.heldEvents where p.contains(e.day) && (name == nil || e.name == name) {
            c.add(e.municipality, numerator: Double(e.participants), citizen: nil, slot: ProjectionPartition.of(seq: e.seq), seqs: [e.seq], reason: "\(e.name) \(e.day)")
        }
    }

    /// M19: uddannelsesgrad over the 12 months ending D.
    func m19(_ d: Day, _ c: inout Context) {
        let first = d.minusMonths(12).adding(days: 1)
        let windowDays = Double(d.days(since: first) + 1)
        let benefits: CodeSet = [DerivedStates.aDagpenge, DerivedStates.kontanthjaelp, DerivedStates.uddannelseshjaelp]
        state.citizens.withUnsafeBufferPointer { citizens in
            // The cheap tests read the history in place; only a citizen who passes them is copied out.
            for i in citizens.indices where c.walks(citizens[i].pseudonym) && citizens[i].education == 0 && citizens[i].birthDate != nil
                && citizens[i].spells.contains(where: { benefits.contains($0.benefit) }) {
                let h = citizens[i]
                let birth = h.birthDate!
                let thirtieth = Day(year: birth.year + 30, month: birth.civil.month, day: min(birth.civil.day, Day.daysInMonth(year: birth.year + 30, month: birth.civil.month)))!
                let spells = h.spells.filter { benefits.contains($0.benefit) }
                guard !spells.isEmpty else { continue }
                // Denominator: days on the benefits while under 30, within the window.
                var daysOn = 0
                var municipality = spells[0].municipality
                for u in DerivedStates.union(spells.map(DerivedStates.interval)) {
                    daysOn += u.days(from: first, through: min(d, thirtieth.adding(days: -1)))
                }
                if let covering = spells.last(where: { DerivedStates.interval($0).start <= d }) { municipality = covering.municipality }
                // Numerator: started education in the window, under 30, while on the benefits or within 30 days of leaving one.
                var started: PeriodRecord?
                for e in h.educations where e.start >= first && e.start <= d && e.start < thirtieth {
                    let near = spells.contains { s in
                        let span = DerivedStates.interval(s)
                        return span.contains(e.start) || (span.end < e.start && e.start.days(since: span.end) <= 30)
                    }
                    if near { started = e; break }
                }
                guard daysOn > 0 || started != nil else { continue }
                c.add(municipality, numerator: started == nil ? 0 : 1, denominator: Double(daysOn) / windowDays, citizen: h.pseudonym,
                      seqs: spells.map(\.startSeq) + (started.map { [$0.startSeq] } ?? []),
                      reason: "\(daysOn) days on benefit in the window" + (started.map { ", started education \($0.start)" } ?? ""))
            }
        }
    }

    /// M20: activations started in the period, per kind, provider and match category.
    func m20(_ p: Period, kind: String?, _ c: inout Context) {
        state.citizens.withUnsafeBufferPointer { citizens in
            for h in citizens where c.walks(h.pseudonym) {
                for a in h.activations where p.contains(a.start) {
                    let kindName = Catalog.activationKinds[Int(a.kind)]
                    if let kind, kind != kindName { continue }
                    c.add(a.municipality, numerator: 1, citizen: h.pseudonym, seqs: [a.startSeq], reason: "\(kindName) started \(a.start)")
                    c.addBreakdown("kind", kindName, a.municipality, numerator: 1, denominator: 0, slot: ProjectionPartition.of(h.pseudonym))
                    c.addBreakdown("provider", a.provider, a.municipality, numerator: 1, denominator: 0, slot: ProjectionPartition.of(h.pseudonym))
                    let category = DerivedStates.category(h, on: a.start).map { Catalog.matchCategories[Int($0)] } ?? "none"
                    c.addBreakdown("category", category, a.municipality, numerator: 1, denominator: 0, slot: ProjectionPartition.of(h.pseudonym))
                }
            }
        }
    }

    /// M21: companies with 2 or more employees: share with a citizen in virksomhedspraktik or løntilskud during the period.
    /// The citizens' part (which companies were used) is kept per partition, so that a partial fold
    /// takes the other partitions' from the cache; the companies' part is computed whole.
    func m21(_ p: Period, _ c: inout Context) {
        let used = m21Citizens(p, &c)
        m21Companies(p, used: used, &c)
    }

    /// M21's citizens' part: the CVR numbers of the companies used, with the activations' sequence
    /// numbers; and per partition, in `c.marks`.
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

    /// M21's companies' part, computed whole from the companies used (and, in a partial fold, those
    /// the partitions it lacks used, from the cache).
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

    /// M22: educations started in the period by under-30s on a benefit within 30 days before: share dropped out within 365 days.
    func m22(_ p: Period, _ c: inout Context) {
        state.citizens.withUnsafeBufferPointer { citizens in
            for h in citizens where c.walks(h.pseudonym) {
                for e in h.educations where p.contains(e.start) {
                    guard let age = h.age(on: e.start), age < 30 else { continue }
                    // "Within the 30 days before the start": start - 30 ... start - 1.
                    let before = e.start.adding(days: -30)
                    guard h.spells.contains(where: { DerivedStates.interval($0).days(from: before, through: e.start.adding(days: -1)) > 0 }) else { continue }
                    let dropped = e.detail == 1 && e.end.map { $0.days(since: e.start) <= 365 } == true
                    c.add(e.municipality, numerator: dropped ? 1 : 0, denominator: 1, citizen: h.pseudonym, seqs: [e.startSeq] + (e.endSeq.map { [$0] } ?? []),
                          reason: "education started \(e.start)" + (dropped ? ", dropped out" : ""))
                }
            }
        }
    }
}
