/// Checks a batch of input records against the ledger, line by line, before the head moves.
///
/// Each accepted record is applied to a working copy of the state, so later lines of the batch see
/// earlier ones (a citizen registered on line 1 may start a benefit on line 2). One rejected line
/// rejects the batch: the caller keeps nothing of it (what it wrote beyond the head is cut off).
public struct BatchValidator {
    /// The state as of the last validated line.
    public private(set) var state: LedgerState
    private let source: String
    private let now: Timestamp
    private let batchRecordedAt: Timestamp?
    private var lastRecordedAt: Timestamp
    /// Events of this batch that a later line's correction may refer to, and their recorded-at times.
    private var pending: [Event] = []
    private var pendingRecordedAt: [Timestamp] = []
    private let firstSeq: Int64
    private let stored: (Int64) throws(LedgerError) -> Event?
    /// The state at the batch's start replayed from every line, for when the index the state reads
    /// turns out damaged (nil: such a state is reported as corruption).
    private let rebuild: (() throws(LedgerError) -> LedgerState)?

    /// Latest effective date accepted, relative to the recorded-at day: plans and reference figures
    /// may look ahead a little; nothing is recorded for years ahead.
    public static let effectiveDaysAheadMax = 1000

    /// Makes a validator over `state`. `recordedAt` is the batch's time (`--recorded-at`) or nil for
    /// the clock; `stored` looks up an earlier event of the ledger by sequence number; `rebuild`
    /// gives the state at the batch's start replayed from every line, used when a page of the
    /// index that `state` reads is found damaged.
    public init(state: LedgerState, source: String, now: Timestamp, recordedAt: Timestamp?,
                stored: @escaping (Int64) throws(LedgerError) -> Event?,
                rebuild: (() throws(LedgerError) -> LedgerState)? = nil) {
        self.state = state
        self.source = source
        self.now = now
        self.batchRecordedAt = recordedAt
        self.lastRecordedAt = state.headRecordedAt
        self.firstSeq = state.headSeq + 1
        self.stored = stored
        self.rebuild = rebuild
    }

    /// The input error of `record`: `message` for `append` and `import`, `danish` for `record` at a terminal.
    private func reject(_ record: InputRecord, _ field: String, _ message: String, da danish: String) -> LedgerError {
        .input(InputError(source: source, line: record.line, field: field, message: message, danishMessage: danish))
    }

    /// A fact that could not be typed by the catalog, as an input error.
    private func reject(_ record: InputRecord, _ rejection: FactTyping.Rejection, superseding: Bool = false) -> LedgerError {
        guard superseding else { return reject(record, "facts." + rejection.field, rejection.message, da: rejection.danishMessage) }
        return reject(record, "facts." + rejection.field, rejection.message + " (a superseding correction carries the original type's facts in full)",
                      da: rejection.danishMessage + " (en erstattende rettelse har alle den oprindelige types felter)")
    }

    /// The period kinds of the catalog (``PeriodRole``) in the jobcenter's words.
    static let danishPeriodKinds: [String: String] = [
        "benefit": "ydelsesforløb", "activation": "aktivering", "employment": "ansættelse",
        "flexjob": "fleksjob", "sickleave": "sygedagpengesag", "education": "uddannelse",
    ]

    /// The event of a sequence number: from this batch or from the ledger.
    private func event(at seq: Int64) throws(LedgerError) -> Event? {
        if seq >= firstSeq { return seq - firstSeq < pending.count ? pending[Int(seq - firstSeq)] : nil }
        return try stored(seq)
    }

    /// Validates one record; on success returns the event and its recorded-at time and applies it to the state.
    ///
    /// When the index the state reads is found damaged while the record is judged, neither the
    /// verdict nor the state may be trusted: the state is rebuilt from the ledger's lines, this
    /// batch's earlier events (judged against pages that were checked) are applied to it again, and
    /// the record is judged once more, against a state that reads no index.
    public mutating func validate(_ record: InputRecord) throws(LedgerError) -> (event: Event, recordedAt: Timestamp) {
        let earlier = pending.count
        do {
            let result = try judge(record)
            if !state.indexDamaged { return result }
        } catch {
            if !state.indexDamaged { throw error }
        }
        try rebuildState(keeping: earlier)
        assert(!state.indexDamaged, "a rebuilt state reads no index")
        return try judge(record)
    }

    /// Replaces the state by the one replayed from every line, with the batch's first `count` events applied.
    private mutating func rebuildState(keeping count: Int) throws(LedgerError) {
        guard let rebuild else {
            throw LedgerError.corrupt(file: "cache/" + ValidatorIndex.kind + ".bin", line: 0,
                                      reason: "the validator's index is damaged; delete it and append again")
        }
        var fresh = try rebuild()
        assert(fresh.headSeq == firstSeq - 1, "the rebuilt state is at the batch's start")
        pending.removeLast(pending.count - count)
        pendingRecordedAt.removeLast(pendingRecordedAt.count - count)
        for (offset, event) in pending.enumerated() {
            fresh.apply(RecordedEvent(seq: firstSeq + Int64(offset), recordedAt: pendingRecordedAt[offset], event: event, prev: .zero, hash: .zero))
        }
        state = fresh
        lastRecordedAt = pendingRecordedAt.last ?? fresh.headRecordedAt
    }

    /// Judges one record against the state and, when it is valid, applies it.
    private mutating func judge(_ record: InputRecord) throws(LedgerError) -> (event: Event, recordedAt: Timestamp) {
        let recordedAt = try checkRecordedAt(record)
        let spec = Catalog.spec(record.type)
        var municipality = record.municipality
        var citizen = record.citizen
        var effective = record.effective
        var facts: [Fact]

        if record.type == .correction {
            (facts, effective, municipality, citizen) = try checkCorrection(record)
        } else {
            let typed = record.typedFacts ?? Result { () throws(FactTyping.Rejection) in
                try FactTyping.type(record.facts, fields: spec.fields, typeName: record.type.rawValue)
            }
            switch typed {
            case .success(let given): facts = given
            case .failure(let error): throw reject(record, error)
            }
        }
        guard let effective else { throw reject(record, "effective", "required field is missing", da: "feltet skal udfyldes") }

        // Envelope presence rules.
        switch spec.municipality {
        case .required:
            guard let m = municipality else { throw reject(record, "municipality", "required for \(record.type.rawValue)", da: "skal angives for \(record.type.rawValue)") }
            try checkMunicipality(m, record)
        case .optional:
            if let m = municipality { try checkMunicipality(m, record) }
        case .none:
            guard municipality == nil else { throw reject(record, "municipality", "must be absent for \(record.type.rawValue)", da: "skal udelades for \(record.type.rawValue)") }
        }
        switch spec.citizen {
        case .required:
            guard citizen != nil else { throw reject(record, "citizen", "a citizen (citizen pseudonym or cpr) is required for \(record.type.rawValue)", da: "en borger (pseudonym eller CPR-nummer) skal angives for \(record.type.rawValue)") }
        case .optional: break
        case .none:
            guard citizen == nil else { throw reject(record, "citizen", "\(record.type.rawValue) is not about a person; leave citizen and cpr out", da: "\(record.type.rawValue) handler ikke om en borger; udelad citizen og cpr") }
        }
        if let c = citizen, record.type != .citizenRegistered, record.type != .correction, !state.hasCitizen(c) {
            throw reject(record, "citizen", "citizen \(c) is not registered in this ledger; record citizen_registered first", da: "borgeren \(c) er ikke registreret i denne ledger; registrér med citizen_registered først")
        }
        let recordedDay = recordedAt.utcDay
        guard effective.days(since: recordedDay) <= BatchValidator.effectiveDaysAheadMax else {
            throw reject(record, "effective", "\(effective) is more than \(BatchValidator.effectiveDaysAheadMax) days after the recording date \(recordedDay)", da: "virkningsdatoen \(effective) ligger mere end \(BatchValidator.effectiveDaysAheadMax) dage efter registreringsdatoen \(recordedDay)")
        }

        let event = Event(type: record.type, effective: effective, municipality: municipality, citizen: citizen, facts: facts)
        try checkRules(event, record)
        try checkPeriod(event, record)

        let seq = state.headSeq + 1
        assert(seq == firstSeq + Int64(pending.count))
        pending.append(event)
        pendingRecordedAt.append(recordedAt)
        let recorded = RecordedEvent(seq: seq, recordedAt: recordedAt, event: event, prev: .zero, hash: .zero)
        state.apply(recorded)
        lastRecordedAt = recordedAt
        return (event, recordedAt)
    }

    /// Hands over what the validator holds (the batch's events, kept for corrections within it,
    /// and the state), leaving it empty, so that the caller can free them where it costs no wait.
    public mutating func relinquish() -> (events: [Event], state: LedgerState) {
        defer { pending = []; pendingRecordedAt = []; state = LedgerState() }
        return (pending, state)
    }

    private mutating func checkRecordedAt(_ record: InputRecord) throws(LedgerError) -> Timestamp {
        let t = record.recordedAt ?? batchRecordedAt ?? max(now, lastRecordedAt)
        let field = record.recordedAt != nil ? "recorded_at" : "--recorded-at"
        guard t >= lastRecordedAt else {
            throw reject(record, field, "\(t) is before the ledger's last recorded-at \(lastRecordedAt); recorded-at never decreases", da: "registreringstidspunktet \(t) ligger før ledgerens seneste \(lastRecordedAt); registreringstidspunktet går aldrig tilbage")
        }
        guard t <= now else { throw reject(record, field, "\(t) is in the future (now is \(now))", da: "registreringstidspunktet \(t) ligger i fremtiden (nu er \(now))") }
        return t
    }

    private func checkMunicipality(_ m: Int, _ record: InputRecord) throws(LedgerError) {
        guard state.municipalities.contains(m) else {
            let codes = state.municipalities.map(CanonicalEncoder.municipalityText).joined(separator: ", ")
            throw reject(record, "municipality", "\(CanonicalEncoder.municipalityText(m)) does not belong to this ledger (\(state.jobcenter): " + codes + ")",
                         da: "\(CanonicalEncoder.municipalityText(m)) hører ikke til denne ledger (\(state.jobcenter): " + codes + ")")
        }
    }

    private func text(_ event: Event, _ name: String) -> String { event.text(name) ?? "" }

    private func checkRules(_ event: Event, _ record: InputRecord, superseding: Bool = false) throws(LedgerError) {
        switch event.type {
        case .citizenRegistered:
            if let birth = event.date("birth_date"), birth > event.effective {
                throw reject(record, "facts.birth_date", "birth date \(birth) is after the effective date \(event.effective)", da: "fødselsdatoen \(birth) ligger efter virkningsdatoen \(event.effective)")
            }
            let refugee = event.bool("refugee") ?? false
            if let arrival = event.date("arrival_date") {
                guard refugee else { throw reject(record, "facts.arrival_date", "only for refugees and family-reunified (refugee: true)", da: "kun for flygtninge og familiesammenførte (refugee: ja)") }
                if let birth = event.date("birth_date"), arrival < birth {
                    throw reject(record, "facts.arrival_date", "arrival \(arrival) is before the birth date", da: "indrejsedatoen \(arrival) ligger før fødselsdatoen")
                }
            } else if refugee {
                throw reject(record, "facts.arrival_date", "required when refugee is true", da: "skal udfyldes, når refugee er ja")
            }
        case .activationStarted:
            if text(event, "provider") == "anden-aktoer" && event.text("provider_name") == nil {
                throw reject(record, "facts.provider_name", "required when provider is anden-aktoer", da: "skal udfyldes, når provider er anden-aktoer")
            }
        case .jobPlacement:
            if let order = event.text("order_id"), !state.hasJobOrder(order) {
                throw reject(record, "facts.order_id", "no job order \(order) has been received", da: "der er ikke modtaget nogen jobordre \(order)")
            }
        case .jobOrderReceived:
            guard superseding || !state.hasJobOrder(text(event, "order_id")) else {
                throw reject(record, "facts.order_id", "job order \(text(event, "order_id")) was received already", da: "jobordren \(text(event, "order_id")) er allerede modtaget")
            }
        case .jobOrderReferral, .jobOrderFilled:
            guard state.hasJobOrder(text(event, "order_id")) else {
                throw reject(record, "facts.order_id", "no job order \(text(event, "order_id")) has been received", da: "der er ikke modtaget nogen jobordre \(text(event, "order_id"))")
            }
        case .goalAdopted:
            guard superseding || !state.hasGoal(text(event, "goal_id")) else {
                throw reject(record, "facts.goal_id", "goal \(text(event, "goal_id")) is adopted already; amend it with goal_amended", da: "målet \(text(event, "goal_id")) er allerede vedtaget; ændr det med goal_amended")
            }
            try checkGoalDates(event, record)
        case .goalAmended:
            guard state.hasGoal(text(event, "goal_id")) else {
                throw reject(record, "facts.goal_id", "no goal \(text(event, "goal_id")) has been adopted", da: "der er ikke vedtaget noget mål \(text(event, "goal_id"))")
            }
            try checkGoalDates(event, record)
        default:
            break
        }
    }

    private func checkGoalDates(_ event: Event, _ record: InputRecord) throws(LedgerError) {
        for name in ["evaluation", "baseline_at"] {
            if let value = event.text(name), Day(iso: value) == nil, Period(text: value) == nil {
                throw reject(record, "facts.\(name)", "expected a date YYYY-MM-DD or a period YYYY, YYYY-MM or YYYYQn", da: "skal være en dato ÅÅÅÅ-MM-DD eller en periode ÅÅÅÅ, ÅÅÅÅ-MM eller ÅÅÅÅKn")
            }
        }
    }

    private func checkPeriod(_ event: Event, _ record: InputRecord) throws(LedgerError) {
        guard let (role, key) = LedgerState.periodKey(of: event) else { return }
        let label = key.key.isEmpty ? key.kind : "\(key.kind) \(key.key)"
        func danishLabel() -> String {
            let kind = BatchValidator.danishPeriodKinds[key.kind] ?? key.kind
            return key.key.isEmpty ? kind : "\(kind) \(key.key)"
        }
        let current = state.period(for: key)
        switch role {
        case .opens:
            if let current, current.end == nil {
                throw reject(record, "type", "citizen \(key.citizen) already has an open \(label) since \(current.start) (seq \(current.startSeq)); end it first", da: "borgeren \(key.citizen) har allerede en åben periode (\(danishLabel())) siden \(current.start) (seq \(current.startSeq)); afslut den først")
            }
        case .closes, .within:
            guard let current, current.end == nil else {
                throw reject(record, "type", "citizen \(key.citizen) has no open \(label) to \(event.type == .sickLeavePartialReturn ? "return partially from" : "end")", da: "borgeren \(key.citizen) har ingen åben periode (\(danishLabel())) at \(event.type == .sickLeavePartialReturn ? "raskmelde sig delvis fra" : "afslutte")")
            }
            guard event.effective >= current.start else {
                throw reject(record, "effective", "\(event.effective) is before the start \(current.start) of the \(label) opened at seq \(current.startSeq)", da: "\(event.effective) ligger før starten \(current.start) af perioden (\(danishLabel())), der blev åbnet ved seq \(current.startSeq)")
            }
        }
    }

    private func checkCorrection(_ record: InputRecord) throws(LedgerError) -> ([Fact], Day?, Int?, Pseudonym?) {
        let spec = Catalog.spec(.correction)
        let own = record.facts.filter { entry in spec.fields.contains { $0.name == entry.name } }
        let rest = record.facts.filter { entry in !spec.fields.contains { $0.name == entry.name } }
        var facts: [Fact]
        do { facts = try FactTyping.type(own, fields: spec.fields, typeName: "correction") } catch {
            throw reject(record, error)
        }
        let target = Int64(facts[0].value.display)!
        guard target <= state.headSeq else {
            throw reject(record, "facts.corrects", "there is no event \(target) (the ledger's last sequence number is \(state.headSeq))", da: "der er ingen hændelse \(target) (ledgerens sidste løbenummer er \(state.headSeq))")
        }
        guard let original = try event(at: target) else {
            throw reject(record, "facts.corrects", "event \(target) cannot be found", da: "hændelse \(target) kan ikke findes")
        }
        switch original.type {
        case .ledgerOpened, .publication:
            throw reject(record, "facts.corrects", "event \(target) is a \(original.type.rawValue), which cannot be corrected", da: "hændelse \(target) er en \(original.type.rawValue), som ikke kan rettes")
        case .correction:
            throw reject(record, "facts.corrects", "event \(target) is itself a correction; correct the original event instead", da: "hændelse \(target) er selv en rettelse; ret den oprindelige hændelse i stedet")
        default: break
        }
        guard !state.isRetracted(target) else {
            throw reject(record, "facts.corrects", "event \(target) was retracted already", da: "hændelse \(target) er allerede tilbagekaldt")
        }
        if let effective = record.effective, effective != original.effective {
            throw reject(record, "effective", "a correction takes the original's effective date \(original.effective); to change the date, retract and record anew", da: "en rettelse har den oprindelige hændelses virkningsdato \(original.effective); skal datoen ændres, så tilbagekald og registrér på ny")
        }
        if let m = record.municipality, m != original.municipality {
            throw reject(record, "municipality", "a correction keeps the original's municipality; retract and record anew", da: "en rettelse beholder den oprindelige hændelses kommune; tilbagekald og registrér på ny")
        }
        if let c = record.citizen, c != original.citizen {
            throw reject(record, "citizen", "a correction keeps the original's citizen; retract and record anew", da: "en rettelse beholder den oprindelige hændelses borger; tilbagekald og registrér på ny")
        }
        let action = facts[1].value.display
        let originalKey = LedgerState.periodKey(of: original)
        if action == "retract" {
            if let field = rest.first?.name {
                throw reject(record, "facts.\(field)", "a retracting correction carries no other facts", da: "en tilbagekaldende rettelse har ingen andre felter")
            }
            if original.type == .citizenRegistered {
                throw reject(record, "facts.corrects", "a citizen registration is not retracted; supersede it with the right facts", da: "en borgerregistrering tilbagekaldes ikke; erstat den med de rigtige oplysninger")
            }
            if let (role, key) = originalKey, let current = state.period(for: key) {
                switch role {
                case .opens where current.startSeq == target && current.end != nil:
                    throw reject(record, "facts.corrects", "event \(target) opened a period that was closed at seq \(current.endSeq!); retract the closing event first", da: "hændelse \(target) åbnede en periode, der blev afsluttet ved seq \(current.endSeq!); tilbagekald den afsluttende hændelse først")
                case .opens where current.startSeq != target:
                    throw reject(record, "facts.corrects", "event \(target) opened an earlier period of the same kind; only the latest can be retracted", da: "hændelse \(target) åbnede en tidligere periode af samme slags; kun den seneste kan tilbagekaldes")
                case .closes where current.endSeq != target:
                    throw reject(record, "facts.corrects", "event \(target) closed a period after which a new one was opened; it can no longer be retracted", da: "hændelse \(target) afsluttede en periode, hvorefter en ny blev åbnet; den kan ikke længere tilbagekaldes")
                default: break
                }
            }
        } else {
            let originalSpec = Catalog.spec(original.type)
            let replacement: [Fact]
            do { replacement = try FactTyping.type(rest, fields: originalSpec.fields, typeName: original.type.rawValue) } catch {
                throw reject(record, error, superseding: true)
            }
            // The original type's own rules apply to the new facts (uniqueness aside: it is the same event).
            var replaced = original
            replaced.facts = replacement
            try checkRules(replaced, record, superseding: true)
            for name in ["benefit", "activity_id", "order_id", "goal_id"] where original[fact: name] != nil {
                guard replacement.first(where: { $0.name == name })?.value == original[fact: name] else {
                    throw reject(record, "facts.\(name)", "a superseding correction cannot change \(name), which identifies the period, order or goal; retract and record anew", da: "en erstattende rettelse kan ikke ændre \(name), som identificerer forløbet, jobordren eller målet; tilbagekald og registrér på ny")
                }
            }
            facts += replacement
        }
        return (facts, original.effective, original.municipality, original.citizen)
    }
}
