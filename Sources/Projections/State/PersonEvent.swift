public import LedgerCore

/// An event about a person that only adds to or closes something in the citizen's history.
///
/// It is one of benefit spells, assessments, activations, placements, flex jobs, sick leave,
/// awards, educations and paid hours, with the few facts the history keeps already decoded.
///
/// ``ProjectionState/applyPerson(_:)`` applies it. Every fold reaches it the same way: the replay
/// decodes most stored lines straight into one (``StoredPersonLine``), and ``init(_:)`` makes one
/// from a decoded event (every other path, and lines the fast decoder leaves to the full decoder).
///
/// It holds the event, not its line: the line's recording time and hashes go to the chain check
/// and the head (``DecodedChunk``), which the histories do not need.
public struct PersonEvent: Sendable, Equatable {
    /// The line's sequence number.
    public var seq: Int64
    /// The event type (one of ``isPersonType(_:)``).
    public var type: EventType
    /// The effective date.
    public var effective: Day
    /// The municipality code, 0 for none.
    public var municipality: Int
    /// The citizen.
    public var citizen: Pseudonym
    /// The facts the history keeps.
    public var facts: HistoryFacts

    /// Makes a person event from its parts.
    public init(seq: Int64, type: EventType, effective: Day, municipality: Int, citizen: Pseudonym, facts: HistoryFacts) {
        self.seq = seq
        self.type = type
        self.effective = effective
        self.municipality = municipality
        self.citizen = citizen
        self.facts = facts
    }

    /// Whether a person event can have this type.
    ///
    /// Every event about a person can, except the registration (which sets the history's own
    /// fields), job order events and corrections.
    @inline(__always)
    public static func isPersonType(_ type: EventType) -> Bool {
        switch type {
        case .benefitStarted, .benefitEnded, .matchAssessed, .activationStarted, .activationEnded, .jobPlacement,
             .employmentEnded, .flexJobApproved, .flexJobStarted, .flexJobEnded, .sickLeaveOpened, .sickLeavePartialReturn,
             .sickLeaveClosed, .disabilityPensionAwarded, .educationStarted, .educationEnded, .paidHoursRegistered:
            return true
        case .ledgerOpened, .citizenRegistered, .jobOrderReceived, .jobOrderReferral, .jobOrderFilled, .companyRegistered,
             .companyVisited, .eventHeld, .surveyResponse, .referenceFigure, .goalAdopted, .goalAmended, .correction, .publication:
            return false
        }
    }

    /// The person event of a decoded event, or nil.
    ///
    /// Nil when its type is not a person type (or it names no citizen, which the validator never
    /// lets through).
    public init?(_ recorded: RecordedEvent) {
        let e = recorded.event
        guard Self.isPersonType(e.type), let citizen = e.citizen else { return nil }
        var f = HistoryFacts()
        switch e.type {
        case .benefitStarted:
            f.code = ProjectionState.index(e.text("benefit"), Catalog.benefits)
            f.amount = Int(e.integer("weekly_hours") ?? 37)
        case .benefitEnded:
            f.code = ProjectionState.index(e.text("benefit"), Catalog.benefits)
            f.reason = ProjectionState.index(e.text("reason"), Catalog.benefitEndReasons)
        case .matchAssessed:
            f.code = ProjectionState.index(e.text("category"), Catalog.matchCategories)
        case .activationStarted:
            f.activityID = e.text("activity_id") ?? ""
            f.code = ProjectionState.index(e.text("kind"), Catalog.activationKinds)
            f.provider = ProjectionState.provider(e.facts)
            f.employerCVR = e.text("employer_cvr")
        case .activationEnded:
            f.activityID = e.text("activity_id") ?? ""
        case .jobPlacement:
            f.code = e.text("channel") == "employer-request" ? 0 : 1
        case .sickLeaveOpened:
            f.code = e.text("status") == "employed" ? 0 : 1
        case .sickLeaveClosed:
            f.code = ProjectionState.index(e.text("reason"), Catalog.sickLeaveCloseReasons)
        case .educationEnded:
            f.code = e.text("reason") == "dropped-out" ? 1 : 0
        case .paidHoursRegistered:
            f.month = Day(iso: (e.text("month") ?? "") + "-01") ?? e.effective.firstOfMonth
            f.amount = Int(e.integer("hours") ?? 0)
        default:
            break
        }
        self.init(seq: recorded.seq, type: e.type, effective: e.effective, municipality: e.municipality ?? 0, citizen: citizen, facts: f)
    }
}

/// The facts of a person event that its citizen's history keeps, decoded.
///
/// Which fields a type uses is in ``PersonEvent/init(_:)``; the others keep their defaults.
public struct HistoryFacts: Sendable, Equatable {
    /// A closed-list position or a detail code: the benefit, match category or activation kind; a
    /// placement's channel (0 employer-request, 1 other); a sick leave's status (0 employed,
    /// 1 unemployed) or close reason; an education's end (1 dropped out, 0 completed).
    public var code: UInt8 = 0
    /// A benefit spell's end reason.
    public var reason: UInt8 = 0
    /// A benefit spell's weekly hours, or paid hours.
    public var amount = 0
    /// The first day of the month paid hours were worked.
    public var month = Day(ordinal: 0)
    /// An activation's id.
    public var activityID = ""
    /// An activation's provider: "jobcenter" or the other actor's name.
    public var provider = ""
    /// An activation's employer.
    public var employerCVR: String?

    /// Empty facts.
    public init() {}
}
