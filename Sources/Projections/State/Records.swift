public import LedgerCore

/// A benefit spell (ydelsesforløb) as recorded: start, optional end, where, and the events behind it.
public struct BenefitSpell: Sendable, Equatable {
    /// Index into ``Catalog/benefits``.
    public var benefit: UInt8
    /// First day on the benefit.
    public var start: Day
    /// Last day, or nil while open.
    public var end: Day?
    /// The municipality of the spell (its opening event's).
    public var municipality: Int
    /// Hours a week for a part-time spell; 37 is full time.
    public var weeklyHours: Int
    /// Why it ended (index into ``Catalog/benefitEndReasons``), when ended.
    public var endReason: UInt8?
    /// Sequence number of the opening event.
    public var startSeq: Int64
    /// Sequence number of the closing event, when ended.
    public var endSeq: Int64?
}

/// A match-category assessment (visitation): holds from its day until the next assessment.
public struct Assessment: Sendable, Equatable {
    /// The day it takes effect.
    public var day: Day
    /// Index into ``Catalog/matchCategories``.
    public var category: UInt8
    /// Its event's sequence number.
    public var seq: Int64
}

/// An activation (aktivering).
public struct ActivationRecord: Sendable, Equatable {
    /// The case system's activity id.
    public var activityID: String
    /// Index into ``Catalog/activationKinds``.
    public var kind: UInt8
    /// "jobcenter" or the other actor's name.
    public var provider: String
    /// The employer's CVR number, if any.
    public var employerCVR: String?
    /// First day.
    public var start: Day
    /// Last day, or nil while open.
    public var end: Day?
    /// The activation's municipality.
    public var municipality: Int
    /// Opening event.
    public var startSeq: Int64
    /// Closing event.
    public var endSeq: Int64?
}

/// A period without more facts than its dates: a placement's employment, a flex job, an education.
public struct PeriodRecord: Sendable, Equatable {
    /// First day.
    public var start: Day
    /// Last day, or nil while open.
    public var end: Day?
    /// The municipality of the opening event.
    public var municipality: Int
    /// A detail: placement channel (0 employer-request, 1 other); education end reason (0 completed,
    /// 1 dropped-out); sick-leave status (0 employed, 1 unemployed); otherwise 0.
    public var detail: UInt8
    /// A second detail: sick-leave close reason; otherwise 0.
    public var closeDetail: UInt8
    /// Opening event.
    public var startSeq: Int64
    /// Closing event.
    public var endSeq: Int64?
}

/// A dated fact of a citizen: a disability pension award, a flex-job approval, paid hours.
public struct DatedRecord: Sendable, Equatable {
    /// The effective day (for paid hours: the first day of the month).
    public var day: Day
    /// The event's municipality.
    public var municipality: Int
    /// A number: paid hours; otherwise 0.
    public var amount: Int
    /// The event's sequence number.
    public var seq: Int64
}

/// What the ledger knows about one citizen, folded from their events.
public struct CitizenHistory: Sendable {
    /// The pseudonym.
    public var pseudonym: Pseudonym
    /// Birth date, when registered.
    public var birthDate: Day?
    /// Highest completed education: index into ``Catalog/educationLevels`` (0 none).
    public var education: UInt8 = 0
    /// Refugee or family-reunified.
    public var refugee = false
    /// Arrival date, for refugees.
    public var arrival: Day?
    /// Municipality at registration.
    public var municipality = 0
    /// Sequence number of the (latest) registration.
    public var registrationSeq: Int64 = 0
    /// Benefit spells, in recording order.
    public var spells: [BenefitSpell] = []
    /// Match-category assessments, in recording order.
    public var assessments: [Assessment] = []
    /// Activations, in recording order.
    public var activations: [ActivationRecord] = []
    /// Employments from job placements (detail: channel 0 employer-request, 1 other).
    public var placements: [PeriodRecord] = []
    /// Flex jobs.
    public var flexJobs: [PeriodRecord] = []
    /// Flex-job approvals.
    public var flexApprovals: [DatedRecord] = []
    /// Sick-leave cases (detail: 0 employed, 1 unemployed; closeDetail: close reason index).
    public var sickLeaves: [PeriodRecord] = []
    /// Disability pension awards.
    public var awards: [DatedRecord] = []
    /// Ordinary educations (detail: end reason 0 completed, 1 dropped-out).
    public var educations: [PeriodRecord] = []
    /// Paid hours per month (day is the month's first day; amount is hours).
    public var paidHours: [DatedRecord] = []

    /// An empty history.
    public init(pseudonym: Pseudonym) { self.pseudonym = pseudonym }

    /// Age in whole years on `day`, or nil when the birth date is unknown.
    public func age(on day: Day) -> Int? {
        guard let birth = birthDate else { return nil }
        let b = birth.civil, d = day.civil
        var years = d.year - b.year
        if d.month < b.month || (d.month == b.month && d.day < b.day) { years -= 1 }
        return years
    }
}

/// A job order (fact 6) with its referrals and fills.
public struct JobOrder: Sendable {
    /// The order's id.
    public var id: String
    /// The day it was received.
    public var created: Day
    /// Its municipality.
    public var municipality: Int
    /// Positions to fill.
    public var positions: Int
    /// The receiving event.
    public var seq: Int64
    /// Referrals: citizen and event.
    public var referrals: [(citizen: Pseudonym, day: Day, seq: Int64)] = []
    /// Fills: citizen if named, and event.
    public var fills: [(citizen: Pseudonym?, day: Day, seq: Int64)] = []
}

/// A company registration (a non-person fact): its CVR number, employees and municipality.
public struct CompanyRegistration: Sendable {
    /// CVR number.
    public var cvr: String
    /// Employees.
    public var employees: Int
    /// Municipality.
    public var municipality: Int
    /// Effective day.
    public var day: Day
    /// Event.
    public var seq: Int64
}

/// A company visit.
public struct CompanyVisit: Sendable {
    /// CVR number.
    public var cvr: String
    /// Day visited.
    public var day: Day
    /// Municipality.
    public var municipality: Int
    /// Event.
    public var seq: Int64
}

/// An event held, with participants.
public struct HeldEvent: Sendable {
    /// Its name.
    public var name: String
    /// Day held.
    public var day: Day
    /// Participants.
    public var participants: Int
    /// Municipality.
    public var municipality: Int
    /// Event.
    public var seq: Int64
}

/// A survey response.
public struct SurveyResponse: Sendable {
    /// True for a company, false for a citizen.
    public var company: Bool
    /// Satisfied or not.
    public var satisfied: Bool
    /// Day.
    public var day: Day
    /// Municipality.
    public var municipality: Int
    /// Event.
    public var seq: Int64
}

/// A recorded reference figure.
public struct ReferenceFigure: Sendable {
    /// Name, e.g. `national-average/M11`.
    public var name: String
    /// Period text as recorded.
    public var period: String
    /// Value.
    public var value: Double
    /// Value as recorded (canonical decimal).
    public var valueText: String
    /// Unit.
    public var unit: String
    /// Source.
    public var source: String
    /// Municipality, or nil for national or jobcenter-wide figures.
    public var municipality: Int?
    /// Event.
    public var seq: Int64
}
