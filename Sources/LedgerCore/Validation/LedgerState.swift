/// What the validator must know about a ledger to check new input: its municipalities, head,
/// registered citizens, open and last periods, job orders, goals and corrections.
///
/// Built by replaying the ledger with ``apply(_:)``; memory grows with citizens and periods, not
/// with events (except one bit per retracted or corrected event).
public struct LedgerState: Sendable, Equatable, CheckpointFold {
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

    // The state is the index (when there is one: the state at its position, read in place) with
    // what the lines after it changed on top. Without an index, everything is in the sets below.
    // Ask through the lookups (``hasCitizen(_:)``, ``period(for:)``, ...), which consult both.

    /// The index the state continues, or nil when it is held in memory whole.
    public private(set) var index: ValidatorIndex? = nil
    /// With an index: the ledger's event of a sequence number up to the index's position (nil when
    /// it cannot be read), for the period a retracted event opened or closed.
    var storedEvent: (@Sendable (Int64) -> Event?)? = nil
    /// Citizens registered (since the index).
    var citizens: Set<Pseudonym> = []
    /// The latest period of every key (changed since the index).
    var periods = PeriodTable()
    /// Job order ids received (since the index), and those of the index retracted since.
    var jobOrders: Set<String> = []
    var removedJobOrders: Set<String> = []
    /// Goal ids adopted (since the index), and those of the index retracted since.
    var goals: Set<String> = []
    var removedGoals: Set<String> = []
    /// Publication ids (since the index).
    var publications: Set<String> = []
    /// Events retracted by a correction (since the index).
    var retracted: Set<Int64> = []
    /// Sequence numbers of correction events (since the index; corrections are not themselves corrected).
    var corrections: Set<Int64> = []
    /// The period key of every opening or closing event that the periods still refer to, so that a
    /// retraction can be undone without reading the original line again. Without an index it
    /// follows from ``periods`` (each period's start and end sequence numbers), so it is built from
    /// them on the first retraction and kept up to date from then on; nil until then (so an append
    /// with a retraction builds it once, a pass over the periods). Not compared by `==`.
    var periodBySeq: [Int64: PeriodKey]? = nil
    /// With an index: the period key of each opening or closing event since it (whether the period
    /// still refers to the event, its start and end sequence numbers say). For an earlier event,
    /// its line says which period it was.
    var periodKeysSinceIndex: [Int64: PeriodKey] = [:]
    /// The order id of each job order received (since the index), by sequence number, and the
    /// sequence numbers of the index's receipts retracted since.
    var orderBySeq: [Int64: String] = [:]
    var removedOrderSeqs: Set<Int64> = []
    /// The goal id of each goal adopted (since the index), by sequence number, and those retracted since.
    var goalBySeq: [Int64: String] = [:]
    var removedGoalSeqs: Set<Int64> = []

    /// An empty state, before the first line.
    public init() {}

    /// The state an index holds at its position, read in place; the lines after it are applied on
    /// top. `storedEvent` gives the ledger's event of a sequence number up to the index's position.
    public init(index: ValidatorIndex, storedEvent: @escaping @Sendable (Int64) -> Event?) {
        self.index = index
        self.storedEvent = storedEvent
        foldHeader = index.fold
    }

    /// Whether the index the state reads was found damaged: then no answer since may be trusted,
    /// and the state is to be rebuilt from the ledger.
    public var indexDamaged: Bool { index?.isDamaged ?? false }

    // MARK: Lookups

    /// Whether a citizen is registered.
    public func hasCitizen(_ citizen: Pseudonym) -> Bool {
        citizens.contains(citizen) || index?.contains(.citizens, ValidatorIndex.Key.citizen(citizen)) == true
    }

    /// Whether a job order was received (and its receipt not retracted).
    public func hasJobOrder(_ id: String) -> Bool {
        jobOrders.contains(id) || (!removedJobOrders.contains(id) && index?.contains(.jobOrders, ValidatorIndex.Key.text(id)) == true)
    }

    /// Whether a goal was adopted (and its adoption not retracted).
    public func hasGoal(_ id: String) -> Bool {
        goals.contains(id) || (!removedGoals.contains(id) && index?.contains(.goals, ValidatorIndex.Key.text(id)) == true)
    }

    /// Whether a publication of this id exists.
    public func hasPublication(_ id: String) -> Bool {
        publications.contains(id) || index?.contains(.publications, ValidatorIndex.Key.text(id)) == true
    }

    /// Whether the event with sequence number `seq` was retracted.
    public func isRetracted(_ seq: Int64) -> Bool {
        retracted.contains(seq) || index?.contains(.retracted, ValidatorIndex.Key.seq(seq)) == true
    }

    /// The latest period of a key, if any.
    public func period(for key: PeriodKey) -> PeriodState? {
        if let changed = periods.change(for: key) { return changed }
        guard let index, let value = index.value(.periods, ValidatorIndex.Key.period(key)) else { return nil }
        return ValidatorIndex.Key.period(value: value)
    }

    /// The order id received by event `seq`, if it is a receipt still in force.
    func orderID(receivedAt seq: Int64) -> String? {
        if let id = orderBySeq[seq] { return id }
        guard !removedOrderSeqs.contains(seq), let value = index?.value(.orderBySeq, ValidatorIndex.Key.seq(seq)) else { return nil }
        return String(decoding: value, as: UTF8.self)
    }

    /// The goal id adopted by event `seq`, if it is an adoption still in force.
    func goalID(adoptedAt seq: Int64) -> String? {
        if let id = goalBySeq[seq] { return id }
        guard !removedGoalSeqs.contains(seq), let value = index?.value(.goalBySeq, ValidatorIndex.Key.seq(seq)) else { return nil }
        return String(decoding: value, as: UTF8.self)
    }

    /// The period key that the opening or closing event `seq` refers to, if its period still does.
    mutating func periodKey(openedOrClosedAt seq: Int64) -> PeriodKey? {
        guard let index else {
            if periodBySeq == nil { periodBySeq = LedgerState.periodIndex(periods) }
            return periodBySeq?[seq]
        }
        guard seq <= index.position.seq else { return periodKeysSinceIndex[seq] }
        // The period the event's line names; whether the period still refers to this event is for
        // the caller to see (its start or end sequence number), as it does with the in-memory map.
        guard let event = storedEvent?(seq) else {
            index.markDamaged()
            return nil
        }
        return LedgerState.periodKey(of: event)?.key
    }

    /// Records that event `seq` refers to period `key` (nil: to none any more). With an index only
    /// the events since it are kept, and kept when no longer referred to: the caller compares the
    /// period's start and end sequence numbers.
    private mutating func setPeriodKey(_ key: PeriodKey?, forSeq seq: Int64) {
        if index != nil {
            if let key { periodKeysSinceIndex[seq] = key }
        } else {
            periodBySeq?[seq] = key
        }
    }

    /// Sets the latest period of a key (nil removes it).
    private mutating func setPeriod(_ period: PeriodState?, for key: PeriodKey) {
        periods[key] = period
    }

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
            if let id = event.text("order_id") {
                jobOrders.insert(id)
                removedJobOrders.remove(id)
                orderBySeq[recorded.seq] = id
            }
        case .goalAdopted:
            if let id = event.text("goal_id") {
                goals.insert(id)
                removedGoals.remove(id)
                goalBySeq[recorded.seq] = id
            }
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
                if let old = period(for: key) {
                    setPeriodKey(nil, forSeq: old.startSeq)
                    if let endSeq = old.endSeq { setPeriodKey(nil, forSeq: endSeq) }
                }
                setPeriod(PeriodState(start: event.effective, startSeq: recorded.seq, end: nil, endSeq: nil), for: key)
                setPeriodKey(key, forSeq: recorded.seq)
            case .closes:
                guard var current = period(for: key) else { break }
                // (A period is closed once: the validator refuses to close a closed one.)
                if let endSeq = current.endSeq { setPeriodKey(nil, forSeq: endSeq) }
                current.end = event.effective
                current.endSeq = recorded.seq
                setPeriod(current, for: key)
                setPeriodKey(key, forSeq: recorded.seq)
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
        if let id = orderID(receivedAt: seq) {
            orderBySeq[seq] = nil
            jobOrders.remove(id)
            if index != nil {
                removedOrderSeqs.insert(seq)
                removedJobOrders.insert(id)
            }
        }
        if let id = goalID(adoptedAt: seq) {
            goalBySeq[seq] = nil
            goals.remove(id)
            if index != nil {
                removedGoalSeqs.insert(seq)
                removedGoals.insert(id)
            }
        }
        if let key = periodKey(openedOrClosedAt: seq), var current = period(for: key) {
            if current.startSeq == seq && current.end == nil {
                setPeriod(nil, for: key)
                setPeriodKey(nil, forSeq: seq)
            } else if current.endSeq == seq {
                current.end = nil
                current.endSeq = nil
                setPeriod(current, for: key)
                setPeriodKey(nil, forSeq: seq)
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

    /// Equal when they hold the same state, however they hold it (in memory, or an index and the
    /// changes since): the header fields and every section as the index would write it.
    public static func == (a: LedgerState, b: LedgerState) -> Bool {
        guard a.foldHeader == b.foldHeader, let x = a.indexSections(), let y = b.indexSections() else { return false }
        return x == y
    }
}
