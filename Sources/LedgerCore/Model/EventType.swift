#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Every kind of fact the ledger records (DOMAIN.md, "Event facts", 1 to 17, plus the ledger's own
/// opening and publication records). The raw value is the `type` written in each line.
public enum EventType: String, CaseIterable, Sendable, Hashable {
    /// The first line of every ledger: its id, jobcenter and municipalities.
    case ledgerOpened = "ledger_opened"
    /// Fact 1: a citizen's birth date, education and refugee status.
    case citizenRegistered = "citizen_registered"
    /// Fact 2: a benefit spell (ydelse) starts.
    case benefitStarted = "benefit_started"
    /// Fact 2: a benefit spell ends; the effective date is its last day.
    case benefitEnded = "benefit_ended"
    /// Fact 3: match category assessed (visitation); holds until the next assessment.
    case matchAssessed = "match_assessed"
    /// Fact 4: an activation (aktivering) starts.
    case activationStarted = "activation_started"
    /// Fact 4: an activation ends; the effective date is its last day.
    case activationEnded = "activation_ended"
    /// Fact 5: a citizen starts an ordinary job the jobcenter helped fill.
    case jobPlacement = "job_placement"
    /// Fact 5: that employment ends; the effective date is its last day.
    case employmentEnded = "employment_ended"
    /// Fact 6: an employer's job order received.
    case jobOrderReceived = "job_order_received"
    /// Fact 6: a citizen referred to a job order (henvisning).
    case jobOrderReferral = "job_order_referral"
    /// Fact 6: a job order filled.
    case jobOrderFilled = "job_order_filled"
    /// Fact 7: a citizen approved for a flex job (visiteret til fleksjob).
    case flexJobApproved = "flexjob_approved"
    /// Fact 7: a flex job starts.
    case flexJobStarted = "flexjob_started"
    /// Fact 7: a flex job ends; the effective date is its last day.
    case flexJobEnded = "flexjob_ended"
    /// Fact 8: a sick-leave case opens; the effective date is the first day of sickness.
    case sickLeaveOpened = "sickleave_opened"
    /// Fact 8: partial return to work (delvis raskmelding); the case stays open.
    case sickLeavePartialReturn = "sickleave_partial_return"
    /// Fact 8: a sick-leave case closes; the effective date is its last day.
    case sickLeaveClosed = "sickleave_closed"
    /// Fact 9: disability pension awarded (førtidspension tilkendt).
    case disabilityPensionAwarded = "disability_pension_awarded"
    /// Fact 10: ordinary education with SU starts.
    case educationStarted = "education_started"
    /// Fact 10: that education ends (completed or dropped out); the effective date is its last day.
    case educationEnded = "education_ended"
    /// Fact 11: paid hours (lønnede timer) registered for a month.
    case paidHoursRegistered = "paid_hours_registered"
    /// Fact 12: a company registered, with its number of employees.
    case companyRegistered = "company_registered"
    /// Fact 12: a company visited by the jobcenter.
    case companyVisited = "company_visited"
    /// Fact 13: an event held (e.g. Virksomhedernes Dag) with its participants.
    case eventHeld = "event_held"
    /// Fact 14: a survey response, citizen or company, satisfied yes or no.
    case surveyResponse = "survey_response"
    /// Fact 15: an outside reference figure (national average, labour force, population).
    case referenceFigure = "reference_figure"
    /// Fact 16: a result goal (resultatmål) adopted.
    case goalAdopted = "goal_adopted"
    /// Fact 16: a result goal amended; fields given replace the goal's earlier ones.
    case goalAmended = "goal_amended"
    /// Fact 17: a correction that retracts or supersedes an earlier event by its sequence number.
    case correction = "correction"
    /// A published report: its digest and the ledger head it was computed from.
    case publication = "publication"
}

extension EventType {
    /// The type's position in `allCases` (declaration order), for tables indexed by type.
    @inline(__always)
    public var ordinal: Int {
        // A payload-free enum of fewer than 256 cases is stored as its case's number, in
        // declaration order; `EventTypeTests` checks this against `allCases` for every case.
        Int(unsafeBitCast(self, to: UInt8.self))
    }

    /// Every type, by ordinal (`allCases` builds a new array on each use).
    static let byOrdinal: [EventType] = allCases
    /// Every type's name as UTF-8 bytes, by ordinal.
    static let namesUTF8: [[UInt8]] = allCases.map { Array($0.rawValue.utf8) }

    /// The type whose name is exactly these UTF-8 bytes, found without building a string.
    public init?(nameBytes: UnsafeRawBufferPointer) {
        for (i, name) in Self.namesUTF8.enumerated() where name.count == nameBytes.count {
            if name.withUnsafeBytes({ memcmp($0.baseAddress!, nameBytes.baseAddress!, nameBytes.count) == 0 }) {
                self = Self.byOrdinal[i]
                return
            }
        }
        return nil
    }
}
