public import LedgerCore

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
    /// The state's company directory, once made (``companyDirectory()``); shared by the engine's copies.
    let madeCompanyDirectory: Locked<CompanyDirectory?>

    /// Makes an engine over a state.
    public init(state: ProjectionState, cache: MeasureCache? = nil, recorder: MeasureRecorder? = nil) {
        self.init(state: state, cache: cache, recorder: recorder, companyDirectory: nil)
    }

    /// Makes an engine over a state with the directory of its companies, when one is kept.
    init(state: ProjectionState, cache: MeasureCache?, recorder: MeasureRecorder?, companyDirectory: CompanyDirectory?) {
        assert(companyDirectory.map { $0.numbers.count == state.companies.count } ?? true, "the directory of the state's companies")
        self.state = state
        self.cache = cache
        self.recorder = recorder
        madeCompanyDirectory = Locked(companyDirectory)
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

    /// Computes several measures on `threads` threads in one pass.
    ///
    /// Those split by partition (``splitsByPartition(_:)``) are split as
    /// ``compute(_:defaultDay:threads:)`` splits one, but thread k computes its share of every one
    /// of them in turn, so the threads wait for one another once rather than after each measure (a
    /// goal report's measures are short, and each wait costs a wake-up and the slower share's
    /// lead). The others are computed after, one at a time. Each result is the one ``compute(_:defaultDay:threads:)`` gives (to the bit), and
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
        // The request as resolved: computed again with it, the key is the same.
        func resolved() -> MeasureRequest {
            MeasureRequest(measure: definition.id, variant: variant, at: evaluation.day,
                           period: evaluation.day == nil ? evaluation.period : nil, benefits: prepared.request.benefits, filter: prepared.request.filter)
        }
        if let (cached, loaded) = context.reuse {
            context.completeFromCache()
            if let recorder, recorder.notesCompleted {
                // The parts at this fold's head: the partitions held as computed, the others (and
                // their marks) as cached.
                var entry = context.cacheEntry(request: resolved())
                if !cached.marks.isEmpty {
                    if entry.marks.isEmpty { entry.marks = [[String]](repeating: [], count: ProjectionPartition.count) }
                    for slot in 0..<ProjectionPartition.count where !loaded[slot] { entry.marks[slot] = cached.marks[slot] }
                }
                recorder.record(prepared.key, entry)
            }
        } else if let recorder {
            recorder.record(prepared.key, context.cacheEntry(request: resolved()))
        }
        let isRatio = definition.kind == .share
        let scale = definition.kind == .fullTimePersons ? 1.0 / Double(max(1, DerivedStates.weekdays(from: evaluation.period.first, through: evaluation.period.last))) : 1.0
        let shareCount = MeasureEngine.givesCount(definition, variant: variant)
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

    /// A scope's value from its tally: a share in percent, full-time persons (`scale` per day), or a count.
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
}
