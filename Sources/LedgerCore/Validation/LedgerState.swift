/// What the validator must know about a ledger to check new input: its municipalities, head,
/// registered citizens, open and last periods, job orders, goals and corrections.
///
/// Built by replaying the ledger with ``apply(_:)``; memory grows with citizens and periods, not
/// with events (except one bit per retracted or corrected event).
public struct LedgerState: Sendable, Equatable {
    /// Identifies a period within a citizen: kind (benefit, activation, ...) and key (e.g. the benefit).
    public struct PeriodKey: Hashable, Sendable {
        /// The citizen.
        public var citizen: Pseudonym
        /// The period kind from ``PeriodRole``.
        public var kind: String
        /// The key field's value, or empty when one period of the kind per citizen.
        public var key: String
    }

    /// The latest period of a key: its start and, when closed, its end.
    public struct PeriodState: Sendable, Equatable {
        /// First day.
        public var start: Day
        /// Sequence number of the opening event.
        public var startSeq: Int64
        /// Last day, when closed.
        public var end: Day?
        /// Sequence number of the closing event, when closed.
        public var endSeq: Int64?
    }

    /// The ledger's id (from its first line).
    public var ledgerID = ""
    /// The jobcenter's name.
    public var jobcenter = ""
    /// Municipality codes the ledger serves, in the order given at init.
    public var municipalities: [Int] = []
    /// The last sequence number (0 for an empty ledger).
    public var headSeq: Int64 = 0
    /// The last line's hash.
    public var headHash = SHA256Digest.zero
    /// The last line's recorded-at time.
    public var headRecordedAt = Timestamp(milliseconds: 0)
    /// Citizens registered.
    public var citizens: Set<Pseudonym> = []
    /// The latest period of every key.
    public var periods = PeriodTable()
    /// Job order ids received.
    public var jobOrders: Set<String> = []
    /// Goal ids adopted.
    public var goals: Set<String> = []
    /// Publication ids.
    public var publications: Set<String> = []
    /// Events retracted by a correction.
    public var retracted: Set<Int64> = []
    /// Sequence numbers of correction events (corrections are not themselves corrected).
    public var corrections: Set<Int64> = []
    /// The period key of every opening or closing event that ``periods`` still refers to, so that a
    /// retraction can be undone without reading the original line again. It follows from
    /// ``periods`` (each period's start and end sequence numbers), so it is built from them on the
    /// first retraction and kept up to date from then on; nil until then (so an append with a
    /// retraction builds it once, a pass over the periods). Not in the checkpoint, where it would be
    /// more than half the bytes, and not compared by `==`.
    var periodBySeq: [Int64: PeriodKey]? = nil
    /// The order id of each job order received, by sequence number.
    var orderBySeq: [Int64: String] = [:]
    /// The goal id of each goal adopted, by sequence number.
    var goalBySeq: [Int64: String] = [:]

    /// An empty state, before the first line.
    public init() {}

    /// The period key an event opens, closes or lies within, if any.
    public static func periodKey(of event: Event) -> (role: PeriodRole, key: PeriodKey)? {
        guard let role = Catalog.spec(event.type).period, let citizen = event.citizen else { return nil }
        let kind: String, keyField: String?
        switch role {
        case .opens(let k, let f), .closes(let k, let f), .within(let k, let f): kind = k; keyField = f
        }
        let key = keyField.flatMap { event.text($0) } ?? ""
        return (role, PeriodKey(citizen: citizen, kind: kind, key: key))
    }

    /// Applies a recorded, valid event.
    public mutating func apply(_ recorded: RecordedEvent) {
        assert(recorded.seq == headSeq + 1, "events are applied in sequence")
        let event = recorded.event
        switch event.type {
        case .ledgerOpened:
            ledgerID = event.text("ledger_id") ?? ""
            jobcenter = event.text("jobcenter") ?? ""
            municipalities = (event.text("municipalities") ?? "").split(separator: ",").compactMap { Int($0) }
        case .citizenRegistered:
            if let c = event.citizen { citizens.insert(c) }
        case .jobOrderReceived:
            if let id = event.text("order_id") { jobOrders.insert(id); orderBySeq[recorded.seq] = id }
        case .goalAdopted:
            if let id = event.text("goal_id") { goals.insert(id); goalBySeq[recorded.seq] = id }
        case .publication:
            if let id = event.text("publication_id") { publications.insert(id) }
        case .correction:
            corrections.insert(recorded.seq)
            if let target = event.integer("corrects"), event.text("action") == "retract" {
                retracted.insert(target)
                unapply(seq: target)
            }
        default:
            break
        }
        if let (role, key) = LedgerState.periodKey(of: event) {
            switch role {
            case .opens:
                if let old = periods[key] {
                    periodBySeq?[old.startSeq] = nil
                    if let endSeq = old.endSeq { periodBySeq?[endSeq] = nil }
                }
                periods[key] = PeriodState(start: event.effective, startSeq: recorded.seq, end: nil, endSeq: nil)
                periodBySeq?[recorded.seq] = key
            case .closes:
                guard periods[key] != nil else { break }
                periods[key]?.end = event.effective
                periods[key]?.endSeq = recorded.seq
                periodBySeq?[recorded.seq] = key
            case .within:
                break
            }
        }
        headSeq = recorded.seq
        headHash = recorded.hash
        headRecordedAt = recorded.recordedAt
    }

    /// Undoes the state effects of a retracted event (the validator has checked that this is possible).
    mutating func unapply(seq: Int64) {
        if let id = orderBySeq.removeValue(forKey: seq) { jobOrders.remove(id) }
        if let id = goalBySeq.removeValue(forKey: seq) { goals.remove(id) }
        if periodBySeq == nil { periodBySeq = LedgerState.periodIndex(periods) }
        if let key = periodBySeq?[seq], let current = periods[key] {
            if current.startSeq == seq && current.end == nil {
                periods[key] = nil
                periodBySeq?[seq] = nil
            } else if current.endSeq == seq {
                periods[key]?.end = nil
                periods[key]?.endSeq = nil
                periodBySeq?[seq] = nil
            }
        }
    }

    /// The period key of each period's opening and closing event.
    static func periodIndex(_ periods: PeriodTable) -> [Int64: PeriodKey] {
        let entries = periods.sortedEntries
        var index: [Int64: PeriodKey] = [:]
        index.reserveCapacity(entries.count * 2)
        for (key, period) in entries {
            index[period.startSeq] = key
            if let endSeq = period.endSeq { index[endSeq] = key }
        }
        return index
    }

    /// Equal when everything but the derived ``periodBySeq`` is equal.
    public static func == (a: LedgerState, b: LedgerState) -> Bool {
        a.ledgerID == b.ledgerID && a.jobcenter == b.jobcenter && a.municipalities == b.municipalities
            && a.headSeq == b.headSeq && a.headHash == b.headHash && a.headRecordedAt == b.headRecordedAt
            && a.citizens == b.citizens && a.periods == b.periods && a.jobOrders == b.jobOrders && a.goals == b.goals
            && a.publications == b.publications && a.retracted == b.retracted && a.corrections == b.corrections
            && a.orderBySeq == b.orderBySeq && a.goalBySeq == b.goalBySeq
    }
}
