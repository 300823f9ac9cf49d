internal import LedgerCore

/// The facts of one simulated event, compact: numbers index the simulation's tables (companies,
/// job orders, names) and enumerations stand for the catalog's closed lists. Rendered as JSON only
/// when the line is written, so that millions of events fit in memory.
enum Facts {
    /// `citizen_registered`: birth date, highest completed education, arrival date for refugees.
    case citizenRegistered(birth: Day, education: CompletedEducation, arrival: Day?)
    /// `benefit_started`; `weeklyHours` is 0 for a full-time spell.
    case benefitStarted(Benefit, weeklyHours: UInt8)
    /// `benefit_ended`.
    case benefitEnded(Benefit, reason: BenefitEndReason)
    /// `match_assessed`.
    case matchAssessed(MatchCategory)
    /// `activation_started`; `provider` indexes `Names.providers` or is -1 for the jobcenter itself;
    /// `employer` indexes the companies or is -1.
    case activationStarted(activity: Int32, kind: ActivationKind, provider: Int16, employer: Int32, weeklyMinutes: Int16)
    /// `activation_ended`.
    case activationEnded(activity: Int32)
    /// `job_placement`; `employer` and `order` are -1 when not given.
    case jobPlacement(channel: PlacementChannel, employer: Int32, order: Int32)
    /// `employment_ended`.
    case employmentEnded
    /// `job_order_received`.
    case jobOrderReceived(order: Int32, employer: Int32, positions: Int16)
    /// `job_order_referral`.
    case jobOrderReferral(order: Int32)
    /// `job_order_filled`.
    case jobOrderFilled(order: Int32, positions: Int16)
    /// `flexjob_approved`.
    case flexJobApproved
    /// `flexjob_started`.
    case flexJobStarted(employer: Int32, weeklyHours: UInt8)
    /// `flexjob_ended`.
    case flexJobEnded
    /// `sickleave_opened`.
    case sickLeaveOpened(SickLeaveStatus)
    /// `sickleave_partial_return`.
    case sickLeavePartialReturn(weeklyHours: UInt8)
    /// `sickleave_closed`.
    case sickLeaveClosed(SickLeaveCloseReason)
    /// `disability_pension_awarded`.
    case disabilityPensionAwarded
    /// `education_started`.
    case educationStarted(StudyLevel)
    /// `education_ended`.
    case educationEnded(EducationEndReason)
    /// `paid_hours_registered`; `month` counts months since year 0 (year * 12 + month - 1).
    case paidHoursRegistered(month: Int32, hours: Int16)
    /// `company_registered`.
    case companyRegistered(company: Int32, employees: Int32)
    /// `company_visited`.
    case companyVisited(company: Int32)
    /// `event_held`; `name` indexes `Names.events`.
    case eventHeld(name: UInt8, participants: Int32)
    /// `survey_response`.
    case surveyResponse(Respondent, satisfied: Bool)
    /// `reference_figure`; `figure` indexes `ReferenceFigures.all`; the value is in tenths.
    case referenceFigure(figure: UInt8, year: Int16, tenths: Int32)
    /// A `correction` retracting the event generated as number `target`.
    case retraction(target: Int32, reason: CorrectionReason)
    /// A `correction` superseding the job placement generated as number `target` with another channel.
    case channelSuperseded(target: Int32, channel: PlacementChannel)
    /// A `correction` superseding the match assessment generated as number `target` with another category.
    case categorySuperseded(target: Int32, category: MatchCategory)

    /// The event type these facts belong to.
    var type: EventType {
        switch self {
        case .citizenRegistered: return .citizenRegistered
        case .benefitStarted: return .benefitStarted
        case .benefitEnded: return .benefitEnded
        case .matchAssessed: return .matchAssessed
        case .activationStarted: return .activationStarted
        case .activationEnded: return .activationEnded
        case .jobPlacement: return .jobPlacement
        case .employmentEnded: return .employmentEnded
        case .jobOrderReceived: return .jobOrderReceived
        case .jobOrderReferral: return .jobOrderReferral
        case .jobOrderFilled: return .jobOrderFilled
        case .flexJobApproved: return .flexJobApproved
        case .flexJobStarted: return .flexJobStarted
        case .flexJobEnded: return .flexJobEnded
        case .sickLeaveOpened: return .sickLeaveOpened
        case .sickLeavePartialReturn: return .sickLeavePartialReturn
        case .sickLeaveClosed: return .sickLeaveClosed
        case .disabilityPensionAwarded: return .disabilityPensionAwarded
        case .educationStarted: return .educationStarted
        case .educationEnded: return .educationEnded
        case .paidHoursRegistered: return .paidHoursRegistered
        case .companyRegistered: return .companyRegistered
        case .companyVisited: return .companyVisited
        case .eventHeld: return .eventHeld
        case .surveyResponse: return .surveyResponse
        case .referenceFigure: return .referenceFigure
        case .retraction, .channelSuperseded, .categorySuperseded: return .correction
        }
    }

    /// The chain the event belongs to within its citizen, or nil: events of one chain are recorded
    /// in causal order. A period's events form a chain (benefits by benefit, activations by
    /// activity); an approval for a flex job leads the ledighedsydelse chain, and a disability
    /// pension award the førtidspension chain, so that neither benefit is known before its decision.
    var chain: Int64? {
        switch self {
        case .benefitStarted(let benefit, _), .benefitEnded(let benefit, _):
            return Int64(benefit.ordinal)
        case .flexJobApproved: return Int64(Benefit.ledighedsydelse.ordinal)
        case .disabilityPensionAwarded: return Int64(Benefit.foertidspension.ordinal)
        case .jobPlacement, .employmentEnded: return 20
        case .flexJobStarted, .flexJobEnded: return 21
        case .sickLeaveOpened, .sickLeavePartialReturn, .sickLeaveClosed: return 22
        case .educationStarted, .educationEnded: return 23
        case .activationStarted(let activity, _, _, _, _), .activationEnded(let activity): return 100 + Int64(activity)
        default: return nil
        }
    }

    /// Where the event goes among a citizen's events of the same day: the registration first, then
    /// decisions and openings, events within a period, other events, and closings last (a period
    /// may open and close on one day). Ties keep the order made.
    var sameDayRank: UInt8 {
        switch self {
        case .citizenRegistered: return 0
        case .flexJobApproved, .disabilityPensionAwarded: return 1
        case .benefitStarted, .activationStarted, .jobPlacement, .flexJobStarted, .sickLeaveOpened, .educationStarted: return 1
        case .sickLeavePartialReturn: return 2
        case .benefitEnded, .activationEnded, .employmentEnded, .flexJobEnded, .sickLeaveClosed, .educationEnded: return 4
        default: return 3
        }
    }

    /// The job order the event depends on (it must be recorded after the order was received), or nil.
    var order: Int32? {
        switch self {
        case .jobOrderReferral(let order), .jobOrderFilled(let order, _): return order
        case .jobPlacement(_, _, let order): return order >= 0 ? order : nil
        default: return nil
        }
    }
}

/// One simulated event: when it was recorded, its envelope and its facts.
struct SimulatedEvent {
    /// Recorded-at, milliseconds since 1970-01-01T00:00:00Z.
    var recordedAt: Int64
    /// The effective date.
    var effective: Day
    /// Index of the citizen in the simulation's pseudonym table, or -1 for an event about no person.
    var citizen: Int32
    /// The municipality code, or -1 for a national figure or a correction.
    var municipality: Int16
    /// The facts.
    var facts: Facts
}
