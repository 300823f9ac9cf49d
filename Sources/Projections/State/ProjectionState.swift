public import LedgerCore
import CPrefetch

/// The fold of a ledger's events into what the measures need.
///
/// It holds per-citizen histories and the jobcenter's non-person facts, with corrections applied as
/// they were recorded.
///
/// `apply` is a pure function of the state and one event: no I/O. Replaying a ledger in two parts
/// with the state carried over gives the same state as one replay.
public struct ProjectionState: Sendable {
    /// The ledger's id.
    public var ledgerID = ""
    /// The jobcenter's name.
    public var jobcenter = ""
    /// The ledger's municipalities, in init order.
    public var municipalities: [Int] = []
    /// The last sequence number applied.
    public var headSeq: Int64 = 0
    /// Its hash.
    public var headHash = SHA256Digest.zero
    /// Its recorded-at time.
    public var headRecordedAt = Timestamp(milliseconds: 0)
    /// The latest effective date of any event applied (for default evaluation dates).
    public var latestEffective = Day(ordinal: 0)
    /// Citizens, in order of first appearance.
    public var citizens: [CitizenHistory] = []
    /// Citizen index by pseudonym.
    public var citizenIndex = CitizenIndex()
    /// Job orders by id.
    public var jobOrders: [String: JobOrder] = [:]
    /// Company registrations, in recording order (the latest per CVR counts).
    public var companies: [CompanyRegistration] = []
    /// Company visits.
    public var visits: [CompanyVisit] = []
    /// Events held.
    public var heldEvents: [HeldEvent] = []
    /// Survey responses.
    public var surveys: [SurveyResponse] = []
    /// Reference figures, in recording order.
    public var referenceFigures: [ReferenceFigure] = []
    /// Goals by id.
    public var goals: [String: GoalRecord] = [:]
    /// Goal ids in adoption order.
    public var goalOrder: [String] = []
    /// Publications: their facts by publication id, in order.
    public var publications: [(seq: Int64, recordedAt: Timestamp, facts: [Fact])] = []
    /// Retracted events: original sequence number → the correction's.
    public var retracted: [Int64: Int64] = [:]
    /// Superseded events: original sequence number → the latest superseding correction's.
    public var superseded: [Int64: Int64] = [:]
    /// The order id of every job order, referral and fill event, by sequence number, so that a
    /// correction finds its target without scanning every order.
    var orderBySeq = SeqIndex<String>()
    /// For a partial fold (loaded from some of a checkpoint's partitions, see ``ProjectionPartition``):
    /// which partitions it holds. Nil for a whole fold. A partial fold's measures are completed from
    /// the checkpoint's measure parts; nothing else may read it.
    public internal(set) var loadedPartitions: [Bool]?

    /// An empty state.
    public init() {}

    /// The citizen index of a pseudonym, adding an empty history if new.
    mutating func citizen(_ pseudonym: Pseudonym) -> Int {
        if let i = citizenIndex[pseudonym] { return i }
        citizens.append(CitizenHistory(pseudonym: pseudonym))
        citizenIndex[pseudonym] = citizens.count - 1
        return citizens.count - 1
    }

    /// How far ahead of applying an event the fold asks for the memory it will touch, in three
    /// stages (each needs what the one before brought into the cache).
    enum PrefetchStage {
        /// The citizen index's slot for the event's pseudonym.
        case indexSlot
        /// The citizen's history (found through the index).
        case history
        /// The header of the history's array that the event's type appends to or closes.
        case historyArray
    }

    /// Asks for the memory that applying an event about `pseudonym` of type `type` reads at `stage`
    /// to be brought into the cache. Changes nothing and waits for nothing: a prefetch is a hint.
    /// The fold (``DecodedChunk/fold(lane:into:applied:other:)``) asks 24, 16 and 8 events ahead,
    /// so that the cache misses of a large fold (each event touches a random citizen) overlap with
    /// applying the events before; it calls the last two stages' functions itself, keeping the
    /// index ``prefetchHistory(citizen:type:)`` found for ``prefetchHistoryArray(index:type:)`` and
    /// the apply.
    ///
    /// Marked `mutating` only so that a call on a state held in unsafe memory (a fold lane's) works
    /// in place: a non-mutating call there copies the whole state first.
    @inline(__always)
    mutating func prefetch(_ stage: PrefetchStage, citizen pseudonym: Pseudonym, type: EventType) {
        switch stage {
        case .indexSlot:
            citizenIndex.prefetch(pseudonym)
        case .history:
            _ = prefetchHistory(citizen: pseudonym, type: type)
        case .historyArray:
            if let i = citizenIndex[pseudonym] { prefetchHistoryArray(index: i, type: type) }
        }
    }

    /// The ``PrefetchStage/history`` stage: looks the citizen up, asks for the cache line of its
    /// history with the array `type` touches (a history spans two or three lines; fewer lines asked
    /// for, fewer misses in flight), and returns the citizen's index, or -1 when not in the index.
    @inline(__always)
    mutating func prefetchHistory(citizen pseudonym: Pseudonym, type: EventType) -> Int {
        guard let i = citizenIndex[pseudonym] else { return -1 }
        citizens.withUnsafeBufferPointer { histories in
            cprefetch_read(UnsafeRawPointer(histories.baseAddress! + i) + Self.arrayOffset(for: type))
        }
        return i
    }

    /// The ``PrefetchStage/historyArray`` stage, for citizen index `i`: asks for the header of the
    /// history's array that `type` touches. An array is one reference to its storage: the word is
    /// read as an address (no retain, no read of the storage itself).
    @inline(__always)
    mutating func prefetchHistoryArray(index i: Int, type: EventType) {
        citizens.withUnsafeBufferPointer { histories in
            let history = UnsafeRawPointer(histories.baseAddress! + i)
            let storage = history.load(fromByteOffset: Self.arrayOffset(for: type), as: UInt.self)
            cprefetch_read(UnsafeRawPointer(bitPattern: storage))
        }
    }

    /// The offset in a ``CitizenHistory`` of the array an event type appends to or closes.
    @inline(__always)
    static func arrayOffset(for type: EventType) -> Int {
        switch type {
        case .paidHoursRegistered: return HistoryOffsets.paidHours
        case .benefitStarted, .benefitEnded: return HistoryOffsets.spells
        case .matchAssessed: return HistoryOffsets.assessments
        case .activationStarted, .activationEnded: return HistoryOffsets.activations
        case .sickLeaveOpened, .sickLeavePartialReturn, .sickLeaveClosed: return HistoryOffsets.sickLeaves
        case .flexJobStarted, .flexJobEnded: return HistoryOffsets.flexJobs
        case .flexJobApproved: return HistoryOffsets.flexApprovals
        case .educationStarted, .educationEnded: return HistoryOffsets.educations
        case .disabilityPensionAwarded: return HistoryOffsets.awards
        default: return HistoryOffsets.placements
        }
    }

    /// Offsets of a history's arrays (stored properties of a struct always have one).
    enum HistoryOffsets {
        static let paidHours = MemoryLayout<CitizenHistory>.offset(of: \CitizenHistory.paidHours)!
        static let spells = MemoryLayout<CitizenHistory>.offset(of: \CitizenHistory.spells)!
        static let assessments = MemoryLayout<CitizenHistory>.offset(of: \CitizenHistory.assessments)!
        static let activations = MemoryLayout<CitizenHistory>.offset(of: \CitizenHistory.activations)!
        static let sickLeaves = MemoryLayout<CitizenHistory>.offset(of: \CitizenHistory.sickLeaves)!
        static let placements = MemoryLayout<CitizenHistory>.offset(of: \CitizenHistory.placements)!
        static let flexJobs = MemoryLayout<CitizenHistory>.offset(of: \CitizenHistory.flexJobs)!
        static let flexApprovals = MemoryLayout<CitizenHistory>.offset(of: \CitizenHistory.flexApprovals)!
        static let educations = MemoryLayout<CitizenHistory>.offset(of: \CitizenHistory.educations)!
        static let awards = MemoryLayout<CitizenHistory>.offset(of: \CitizenHistory.awards)!
    }

    /// Applies one recorded event, the next in sequence order.
    ///
    /// Its part in a citizen's history, then the rest (see ``applyToHistories(_:)`` and
    /// ``applyToJobcenter(_:)``, which a fold split over threads by citizen calls apart).
    public mutating func apply(_ recorded: RecordedEvent) {
        precondition(recorded.seq == headSeq + 1, "events are applied in sequence")
        withUnsafePointer(to: recorded) { recorded in
            applyToHistories(recorded)
            applyToJobcenter(recorded)
        }
    }

    /// The part of applying `recorded` that reads and writes citizens' histories (`citizens` and
    /// `citizenIndex`) and nothing else: an event about a person, and a correction's change to the
    /// history that holds the line it corrects. Nothing here reads another citizen's history or
    /// the jobcenter's facts, so citizens can be folded apart and in parallel.
    mutating func applyToHistories(_ recorded: UnsafePointer<RecordedEvent>) {
        // (The type is checked first: the initializer takes its argument owned, so calling it with
        // every other event copied each one.)
        if PersonEvent.isPersonType(recorded.pointee.event.type), let person = PersonEvent(recorded.pointee) {
            applyPerson(person)
            return
        }
        switch recorded.pointee.event.type {
        case .citizenRegistered:
            let i = citizen(recorded.pointee.event.citizen!)
            Self.register(&citizens[i], recorded.pointee.event.facts, municipality: recorded.pointee.event.municipality ?? 0, seq: recorded.pointee.seq)
        case .jobOrderReferral:
            // The referred citizen gets a history (empty if new), as every event about a person does.
            _ = citizen(recorded.pointee.event.citizen!)
        case .jobOrderFilled:
            if let pseudonym = recorded.pointee.event.citizen { _ = citizen(pseudonym) }
        case .correction:
            guard let pseudonym = recorded.pointee.event.citizen else { break }
            let target = recorded.pointee.event.integer("corrects") ?? 0
            if recorded.pointee.event.text("action") == "retract" {
                retractInHistory(target, citizen: pseudonym)
            } else {
                supersedeInHistory(target, citizen: pseudonym, facts: Array(recorded.pointee.event.facts.dropFirst(3)))
            }
        default:
            // A person event without a citizen (the validator lets none through), or an event not
            // about a person.
            break
        }
    }

    /// Applies a person event to its citizen's history (a history is made for a new citizen).
    mutating func applyPerson(_ p: PersonEvent) {
        withUnsafePointer(to: p) { applyPerson(at: $0) }
    }

    /// As ``applyPerson(_:)``, reading the event where it lies: its fields are read one by one, so
    /// the event is not copied (a copy retains its texts, and a fold applies millions).
    ///
    /// The arrays most events append to get room for several records on their first append
    /// (paid hours come monthly, assessments every few months), so that a history's arrays are
    /// not copied each time they double while small.
    ///
    /// `knownIndex` is the citizen's index when the caller has just looked it up (the fold's
    /// prefetch), or -1.
    mutating func applyPerson(at p: UnsafePointer<PersonEvent>, knownIndex: Int = -1) {
        let i = knownIndex >= 0 ? knownIndex : citizen(p.pointee.citizen)
        assert(citizens[i].pseudonym == p.pointee.citizen, "a known index is the event's citizen's")
        let seq = p.pointee.seq
        let m = p.pointee.municipality
        let effective = p.pointee.effective
        // The facts that are plain values (the texts are read in place where a record keeps them).
        let code = p.pointee.facts.code
        let reason = p.pointee.facts.reason
        let amount = p.pointee.facts.amount
        switch p.pointee.type {
        case .benefitStarted:
            if citizens[i].spells.isEmpty { citizens[i].spells.reserveCapacity(4) }
            citizens[i].spells.append(BenefitSpell(benefit: code, start: effective, end: nil, municipality: m, weeklyHours: amount,
                                                   endReason: nil, startSeq: seq, endSeq: nil))
        case .benefitEnded:
            if let k = citizens[i].spells.lastIndex(where: { $0.benefit == code && $0.end == nil }) {
                citizens[i].spells[k].end = effective
                citizens[i].spells[k].endSeq = seq
                citizens[i].spells[k].endReason = reason
            }
        case .matchAssessed:
            if citizens[i].assessments.isEmpty { citizens[i].assessments.reserveCapacity(8) }
            citizens[i].assessments.append(Assessment(day: effective, category: code, seq: seq))
        case .activationStarted:
            if citizens[i].activations.isEmpty { citizens[i].activations.reserveCapacity(4) }
            citizens[i].activations.append(ActivationRecord(
                activityID: p.pointee.facts.activityID, kind: code, provider: p.pointee.facts.provider, employerCVR: p.pointee.facts.employerCVR, start: effective, end: nil,
                municipality: m, startSeq: seq, endSeq: nil))
        case .activationEnded:
            if let k = citizens[i].activations.lastIndex(where: { $0.activityID == p.pointee.facts.activityID && $0.end == nil }) {
                citizens[i].activations[k].end = effective
                citizens[i].activations[k].endSeq = seq
            }
        case .jobPlacement:
            citizens[i].placements.append(PeriodRecord(start: effective, end: nil, municipality: m, detail: code, closeDetail: 0,
                                                       startSeq: seq, endSeq: nil))
        case .employmentEnded:
            Self.close(&citizens[i].placements, on: effective, seq: seq)
        case .flexJobApproved:
            citizens[i].flexApprovals.append(DatedRecord(day: effective, municipality: m, amount: 0, seq: seq))
        case .flexJobStarted:
            citizens[i].flexJobs.append(PeriodRecord(start: effective, end: nil, municipality: m, detail: 0, closeDetail: 0, startSeq: seq, endSeq: nil))
        case .flexJobEnded:
            Self.close(&citizens[i].flexJobs, on: effective, seq: seq)
        case .sickLeaveOpened:
            citizens[i].sickLeaves.append(PeriodRecord(start: effective, end: nil, municipality: m, detail: code, closeDetail: 0,
                                                       startSeq: seq, endSeq: nil))
        case .sickLeavePartialReturn:
            break
        case .sickLeaveClosed:
            Self.close(&citizens[i].sickLeaves, on: effective, seq: seq)
            if let k = citizens[i].sickLeaves.lastIndex(where: { $0.endSeq == seq }) { citizens[i].sickLeaves[k].closeDetail = code }
        case .disabilityPensionAwarded:
            citizens[i].awards.append(DatedRecord(day: effective, municipality: m, amount: 0, seq: seq))
        case .educationStarted:
            citizens[i].educations.append(PeriodRecord(start: effective, end: nil, municipality: m, detail: 0, closeDetail: 0, startSeq: seq, endSeq: nil))
        case .educationEnded:
            Self.close(&citizens[i].educations, on: effective, seq: seq)
            if let k = citizens[i].educations.lastIndex(where: { $0.endSeq == seq }) { citizens[i].educations[k].detail = code }
        case .paidHoursRegistered:
            if citizens[i].paidHours.isEmpty { citizens[i].paidHours.reserveCapacity(16) }
            citizens[i].paidHours.append(DatedRecord(day: p.pointee.facts.month, municipality: m, amount: amount, seq: seq))
        default:
            preconditionFailure("\(p.pointee.type.rawValue) is not a person event type")
        }
    }

    /// Whether an event of this type changes nothing outside its citizen's history (its jobcenter
    /// part is ``advance(to:hash:recordedAt:effective:)``): a person event, or a registration.
    @inline(__always)
    static func isInHistoryOnly(_ type: EventType) -> Bool {
        type == .citizenRegistered || PersonEvent.isPersonType(type)
    }

    /// The jobcenter's part of an event that is in a citizen's history only: the latest effective
    /// date and the head. Takes the fields, not the event, so that a fold in lanes reads them in
    /// place (a copy of the event would retain its facts, which a lane's thread is reading).
    @inline(__always)
    mutating func advance(to seq: Int64, hash: SHA256Digest, recordedAt: Timestamp, effective: Day) {
        precondition(seq == headSeq + 1, "events are applied in sequence")
        if effective > latestEffective { latestEffective = effective }
        headSeq = seq
        headHash = hash
        headRecordedAt = recordedAt
    }

    /// The part of applying `recorded` that is not in a citizen's history: the ledger's identity,
    /// job orders, companies, events held, surveys, reference figures, goals, publications, the
    /// corrections' bookkeeping and their changes outside histories, and the head.
    mutating func applyToJobcenter(_ recorded: UnsafePointer<RecordedEvent>) {
        precondition(recorded.pointee.seq == headSeq + 1, "events are applied in sequence")
        if Self.isInHistoryOnly(recorded.pointee.event.type) {
            advance(to: recorded.pointee.seq, hash: recorded.pointee.hash, recordedAt: recorded.pointee.recordedAt, effective: recorded.pointee.event.effective)
            return
        }
        let seq = recorded.pointee.seq
        let m = recorded.pointee.event.municipality ?? 0
        if recorded.pointee.event.type != .correction && recorded.pointee.event.type != .publication && recorded.pointee.event.type != .ledgerOpened && recorded.pointee.event.effective > latestEffective {
            latestEffective = recorded.pointee.event.effective
        }
        switch recorded.pointee.event.type {
        case .ledgerOpened:
            ledgerID = recorded.pointee.event.text("ledger_id") ?? ""
            jobcenter = recorded.pointee.event.text("jobcenter") ?? ""
            municipalities = (recorded.pointee.event.text("municipalities") ?? "").split(separator: ",").compactMap { Int($0) }
        case .jobOrderReceived:
            let id = recorded.pointee.event.text("order_id") ?? ""
            jobOrders[id] = JobOrder(id: id, created: recorded.pointee.event.effective, municipality: m, positions: Int(recorded.pointee.event.integer("positions") ?? 1), seq: seq)
            orderBySeq[seq] = id
        case .jobOrderReferral:
            let id = recorded.pointee.event.text("order_id") ?? ""
            // Changed in place through the dictionary's values: `jobOrders[id]?.referrals.append`
            // copied the order (and then its whole referral list) for each referral.
            if let k = jobOrders.index(forKey: id) {
                jobOrders.values[k].referrals.append((recorded.pointee.event.citizen!, recorded.pointee.event.effective, seq))
            }
            orderBySeq[seq] = id
        case .jobOrderFilled:
            let id = recorded.pointee.event.text("order_id") ?? ""
            if let k = jobOrders.index(forKey: id) {
                jobOrders.values[k].fills.append((recorded.pointee.event.citizen, recorded.pointee.event.effective, seq))
            }
            orderBySeq[seq] = id
        case .companyRegistered:
            companies.append(CompanyRegistration(cvr: recorded.pointee.event.text("cvr") ?? "", employees: Int(recorded.pointee.event.integer("employees") ?? 0), municipality: m, day: recorded.pointee.event.effective, seq: seq))
        case .companyVisited:
            visits.append(CompanyVisit(cvr: recorded.pointee.event.text("cvr") ?? "", day: recorded.pointee.event.effective, municipality: m, seq: seq))
        case .eventHeld:
            heldEvents.append(HeldEvent(name: recorded.pointee.event.text("name") ?? "", day: recorded.pointee.event.effective, participants: Int(recorded.pointee.event.integer("participants") ?? 0), municipality: m, seq: seq))
        case .surveyResponse:
            surveys.append(SurveyResponse(company: recorded.pointee.event.text("respondent") == "company", satisfied: recorded.pointee.event.bool("satisfied") ?? false, day: recorded.pointee.event.effective, municipality: m, seq: seq))
        case .referenceFigure:
            referenceFigures.append(Self.referenceFigure(recorded.pointee.event.facts, municipality: recorded.pointee.event.municipality, seq: seq))
        case .goalAdopted:
            let id = recorded.pointee.event.text("goal_id") ?? ""
            goals[id] = GoalRecord(id: id, scope: recorded.pointee.event.municipality,
                                   versions: [GoalVersion(seq: seq, recordedAt: recorded.pointee.recordedAt, effective: recorded.pointee.event.effective, type: recorded.pointee.event.type, facts: recorded.pointee.event.facts)])
            goalOrder.append(id)
        case .goalAmended:
            let id = recorded.pointee.event.text("goal_id") ?? ""
            goals[id]?.versions.append(GoalVersion(seq: seq, recordedAt: recorded.pointee.recordedAt, effective: recorded.pointee.event.effective, type: recorded.pointee.event.type, facts: recorded.pointee.event.facts))
        case .correction:
            let target = recorded.pointee.event.integer("corrects") ?? 0
            if recorded.pointee.event.text("action") == "retract" {
                retracted[target] = seq
                retractElsewhere(target)
            } else {
                superseded[target] = seq
                supersedeElsewhere(target, facts: Array(recorded.pointee.event.facts.dropFirst(3)))
            }
        case .publication:
            publications.append((seq, recorded.pointee.recordedAt, recorded.pointee.event.facts))
        default:
            break
        }
        headSeq = seq
        headHash = recorded.pointee.hash
        headRecordedAt = recorded.pointee.recordedAt
    }

    static func index(_ value: String?, _ list: [String]) -> UInt8 {
        guard let value, let i = list.firstIndex(of: value) else { return 0 }
        return UInt8(i)
    }

    static func provider(_ facts: [Fact]) -> String {
        let kind = facts.first { $0.name == "provider" }?.value.display ?? "jobcenter"
        if kind == "anden-aktoer" { return facts.first { $0.name == "provider_name" }?.value.display ?? "anden aktør" }
        return "jobcenter"
    }

    static func register(_ history: inout CitizenHistory, _ facts: [Fact], municipality: Int, seq: Int64) {
        for fact in facts {
            switch (fact.name, fact.value) {
            case ("birth_date", .date(let d)): history.birthDate = d
            case ("birth_date", .text(let t)): history.birthDate = Day(iso: t)
            case ("education", .text(let t)): history.education = index(t, Catalog.educationLevels)
            case ("refugee", .bool(let b)): history.refugee = b
            case ("arrival_date", .date(let d)): history.arrival = d
            case ("arrival_date", .text(let t)): history.arrival = Day(iso: t)
            default: break
            }
        }
        if !facts.contains(where: { $0.name == "refugee" }) { history.refugee = false }
        if !facts.contains(where: { $0.name == "arrival_date" }) { history.arrival = nil }
        history.municipality = municipality
        history.registrationSeq = seq
    }

    static func referenceFigure(_ facts: [Fact], municipality: Int?, seq: Int64) -> ReferenceFigure {
        func text(_ name: String) -> String { facts.first { $0.name == name }?.value.display ?? "" }
        return ReferenceFigure(name: text("name"), period: text("period"), value: Double(text("value")) ?? 0, valueText: text("value"),
                               unit: text("unit"), source: text("source"), municipality: municipality, seq: seq)
    }

    static func close(_ periods: inout [PeriodRecord], on day: Day, seq: Int64) {
        if let k = periods.lastIndex(where: { $0.end == nil }) {
            periods[k].end = day
            periods[k].endSeq = seq
        }
    }

    static func reopenOrRemove(_ periods: inout [PeriodRecord], seq: Int64) -> Bool {
        if let k = periods.firstIndex(where: { $0.startSeq == seq }) { periods.remove(at: k); return true }
        if let k = periods.firstIndex(where: { $0.endSeq == seq }) { periods[k].end = nil; periods[k].endSeq = nil; periods[k].closeDetail = 0; return true }
        return false
    }

    /// The index of the element with sequence number `seq` in an array kept in sequence order
    /// (appended as applied; removals keep the order), by binary search.
    static func position<T>(of seq: Int64, in array: [T], _ key: KeyPath<T, Int64>) -> Int? {
        var low = 0, high = array.count
        while low < high {
            let mid = (low + high) / 2
            if array[mid][keyPath: key] < seq { low = mid + 1 } else { high = mid }
        }
        return low < array.count && array[low][keyPath: key] == seq ? low : nil
    }

    /// Undoes an event in a citizen's history, as if it had never been recorded (nothing when the
    /// history holds no line `seq`).
    ///
    /// A line's effect lies in exactly one place: a citizen's history, or a job order, a company, a
    /// visit, an event held, a survey response, a reference figure or a goal (a referral or fill
    /// only creates its citizen's history, with no line in it). So ``retractInHistory(_:citizen:)``
    /// and ``retractElsewhere(_:)`` together undo a line whichever of them runs first, and the fold
    /// may run them apart.
    mutating func retractInHistory(_ seq: Int64, citizen pseudonym: Pseudonym) {
        guard let i = citizenIndex[pseudonym] else { return }
        // The history is swapped out (not copied: a copy retains each of its arrays), so its
        // arrays stay uniquely referenced and the edits below do not copy them.
        var h = CitizenHistory(pseudonym: pseudonym)
        swap(&h, &citizens[i])
        defer { swap(&h, &citizens[i]) }
        if let k = h.spells.firstIndex(where: { $0.startSeq == seq }) { h.spells.remove(at: k); return }
        if let k = h.spells.firstIndex(where: { $0.endSeq == seq }) {
            h.spells[k].end = nil; h.spells[k].endSeq = nil; h.spells[k].endReason = nil; return
        }
        if let k = h.assessments.firstIndex(where: { $0.seq == seq }) { h.assessments.remove(at: k); return }
        if let k = h.activations.firstIndex(where: { $0.startSeq == seq }) { h.activations.remove(at: k); return }
        if let k = h.activations.firstIndex(where: { $0.endSeq == seq }) { h.activations[k].end = nil; h.activations[k].endSeq = nil; return }
        if Self.reopenOrRemove(&h.placements, seq: seq) || Self.reopenOrRemove(&h.flexJobs, seq: seq)
            || Self.reopenOrRemove(&h.sickLeaves, seq: seq) || Self.reopenOrRemove(&h.educations, seq: seq) { return }
        if let k = h.flexApprovals.firstIndex(where: { $0.seq == seq }) { h.flexApprovals.remove(at: k); return }
        if let k = h.awards.firstIndex(where: { $0.seq == seq }) { h.awards.remove(at: k); return }
        if let k = h.paidHours.firstIndex(where: { $0.seq == seq }) { h.paidHours.remove(at: k); return }
    }

    /// Undoes an event outside citizens' histories (see ``retractInHistory(_:citizen:)``).
    mutating func retractElsewhere(_ seq: Int64) {
        if let id = orderBySeq.removeValue(forKey: seq), let o = jobOrders.index(forKey: id) {
            if jobOrders.values[o].seq == seq { jobOrders.remove(at: o); return }
            if let k = jobOrders.values[o].referrals.firstIndex(where: { $0.seq == seq }) { jobOrders.values[o].referrals.remove(at: k); return }
            if let k = jobOrders.values[o].fills.firstIndex(where: { $0.seq == seq }) { jobOrders.values[o].fills.remove(at: k); return }
        }
        if let k = Self.position(of: seq, in: companies, \.seq) { companies.remove(at: k); return }
        if let k = Self.position(of: seq, in: visits, \.seq) { visits.remove(at: k); return }
        if let k = Self.position(of: seq, in: heldEvents, \.seq) { heldEvents.remove(at: k); return }
        if let k = Self.position(of: seq, in: surveys, \.seq) { surveys.remove(at: k); return }
        if let k = Self.position(of: seq, in: referenceFigures, \.seq) { referenceFigures.remove(at: k); return }
        for (id, goal) in goals {
            if goal.versions.first?.seq == seq { goals[id] = nil; goalOrder.removeAll { $0 == id }; return }
            if let k = goal.versions.firstIndex(where: { $0.seq == seq }) { goals[id]!.versions.remove(at: k); return }
        }
    }

    /// Replaces the facts of a line in a citizen's history (the period it belongs to does not
    /// change); nothing when the history holds no line `seq` (see ``retractInHistory(_:citizen:)``).
    mutating func supersedeInHistory(_ seq: Int64, citizen pseudonym: Pseudonym, facts: [Fact]) {
        func text(_ name: String) -> String? { facts.first { $0.name == name }?.value.display }
        func int(_ name: String) -> Int? { text(name).flatMap { Int($0) } }
        if let i = citizenIndex[pseudonym] {
            // Swapped out and back, as in ``retractInHistory(_:citizen:)``.
            var h = CitizenHistory(pseudonym: pseudonym)
            swap(&h, &citizens[i])
            defer { swap(&h, &citizens[i]) }
            if h.registrationSeq == seq { Self.register(&h, facts, municipality: h.municipality, seq: seq); return }
            if let k = h.spells.firstIndex(where: { $0.startSeq == seq }) { h.spells[k].weeklyHours = int("weekly_hours") ?? 37; return }
            if let k = h.spells.firstIndex(where: { $0.endSeq == seq }) { h.spells[k].endReason = Self.index(text("reason"), Catalog.benefitEndReasons); return }
            if let k = h.assessments.firstIndex(where: { $0.seq == seq }) { h.assessments[k].category = Self.index(text("category"), Catalog.matchCategories); return }
            if let k = h.activations.firstIndex(where: { $0.startSeq == seq }) {
                h.activations[k].kind = Self.index(text("kind"), Catalog.activationKinds)
                h.activations[k].provider = Self.provider(facts)
                h.activations[k].employerCVR = text("employer_cvr")
                return
            }
            if let k = h.placements.firstIndex(where: { $0.startSeq == seq }) { h.placements[k].detail = text("channel") == "employer-request" ? 0 : 1; return }
            if let k = h.sickLeaves.firstIndex(where: { $0.startSeq == seq }) { h.sickLeaves[k].detail = text("status") == "employed" ? 0 : 1; return }
            if let k = h.sickLeaves.firstIndex(where: { $0.endSeq == seq }) { h.sickLeaves[k].closeDetail = Self.index(text("reason"), Catalog.sickLeaveCloseReasons); return }
            if let k = h.educations.firstIndex(where: { $0.endSeq == seq }) { h.educations[k].detail = text("reason") == "dropped-out" ? 1 : 0; return }
            if let k = h.paidHours.firstIndex(where: { $0.seq == seq }) {
                h.paidHours[k].amount = int("hours") ?? 0
                if let month = text("month").flatMap({ Day(iso: $0 + "-01") }) { h.paidHours[k].day = month }
                return
            }
        }
    }

    /// Replaces the facts of a line outside citizens' histories (the order or goal it belongs to
    /// does not change).
    mutating func supersedeElsewhere(_ seq: Int64, facts: [Fact]) {
        func text(_ name: String) -> String? { facts.first { $0.name == name }?.value.display }
        func int(_ name: String) -> Int? { text(name).flatMap { Int($0) } }
        if let id = orderBySeq[seq], let o = jobOrders.index(forKey: id), jobOrders.values[o].seq == seq {
            jobOrders.values[o].positions = int("positions") ?? jobOrders.values[o].positions
            return
        }
        if let k = Self.position(of: seq, in: companies, \.seq) {
            companies[k].employees = int("employees") ?? companies[k].employees
            companies[k].cvr = text("cvr") ?? companies[k].cvr
            return
        }
        if let k = Self.position(of: seq, in: visits, \.seq) { visits[k].cvr = text("cvr") ?? visits[k].cvr; return }
        if let k = Self.position(of: seq, in: heldEvents, \.seq) {
            heldEvents[k].participants = int("participants") ?? 0
            heldEvents[k].name = text("name") ?? heldEvents[k].name
            return
        }
        if let k = Self.position(of: seq, in: surveys, \.seq) {
            surveys[k].company = text("respondent") == "company"
            surveys[k].satisfied = text("satisfied") == "true"
            return
        }
        if let k = Self.position(of: seq, in: referenceFigures, \.seq) {
            referenceFigures[k] = Self.referenceFigure(facts, municipality: referenceFigures[k].municipality, seq: seq)
            return
        }
        for (id, goal) in goals {
            if let k = goal.versions.firstIndex(where: { $0.seq == seq }) { goals[id]!.versions[k].facts = facts; return }
        }
    }
}
