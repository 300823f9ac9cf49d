/// The kind of value a fact field holds, with its limits.
public enum FieldKind: Sendable {
    /// Short text without control characters, at most `bytesMax` UTF-8 bytes. Never free text about a person.
    case text(bytesMax: Int)
    /// An identifier: 1 to 64 of `A-Z a-z 0-9 . _ : / -`.
    case identifier
    /// One value of a closed list.
    case choice([String])
    /// A calendar day, `YYYY-MM-DD`.
    case date
    /// A calendar month, `YYYY-MM`.
    case month
    /// A whole number within a range, both ends included.
    case integer(min: Int64, max: Int64)
    /// A decimal number, at most 6 fraction digits.
    case decimal
    /// true or false.
    case bool
    /// A Danish CVR number: exactly 8 digits.
    case cvr
    /// A sequence number of this ledger (1 or more).
    case sequence
    /// A period: `YYYY`, `YYYY-MM`, `YYYYQn` or `YYYY-MM-DD/YYYY-MM-DD`.
    case period
    /// A comma-separated list of three-digit municipality codes.
    case municipalityList
    /// A SHA-256 digest as 64 lowercase hex digits.
    case digest
    /// A recorded-at instant, `YYYY-MM-DDTHH:MM:SS.mmmZ`.
    case timestamp

    /// A short description for help and error messages.
    public var summary: String {
        switch self {
        case .text(let max): return "text (at most \(max) bytes)"
        case .identifier: return "identifier (1-64 of A-Z a-z 0-9 . _ : / -)"
        case .choice(let values): return "one of: " + values.joined(separator: ", ")
        case .date: return "date YYYY-MM-DD"
        case .month: return "month YYYY-MM"
        case .integer(let min, let max): return "whole number \(min)...\(max)"
        case .decimal: return "decimal number"
        case .bool: return "true or false"
        case .cvr: return "CVR number (8 digits)"
        case .sequence: return "sequence number of this ledger"
        case .period: return "period YYYY, YYYY-MM, YYYYQn or YYYY-MM-DD/YYYY-MM-DD"
        case .municipalityList: return "comma-separated municipality codes"
        case .digest: return "SHA-256 digest (64 lowercase hex digits)"
        case .timestamp: return "instant YYYY-MM-DDTHH:MM:SS.mmmZ"
        }
    }
}

/// One field of an event type's facts.
public struct FieldSpec: Sendable {
    /// The field's name in `facts`.
    public let name: String
    /// The name's UTF-8 bytes (for decoders that match names without building strings).
    public let nameUTF8: [UInt8]
    /// For a closed list: each value's UTF-8 bytes, in the list's order (for decoders that match
    /// values without building strings); empty for other kinds.
    public let choicesUTF8: [[UInt8]]
    /// Its kind and limits.
    public let kind: FieldKind
    /// Whether every event of the type must have it.
    public var required: Bool
    /// What it means, for FORMAT.md and `record`'s prompts.
    public var meaning: String

    /// Makes a field spec.
    public init(name: String, kind: FieldKind, required: Bool, meaning: String) {
        self.name = name
        self.nameUTF8 = Array(name.utf8)
        if case .choice(let values) = kind { choicesUTF8 = values.map { Array($0.utf8) } } else { choicesUTF8 = [] }
        self.kind = kind
        self.required = required
        self.meaning = meaning
    }
}

/// Whether an event type concerns a person or a municipality.
public enum Presence: Sendable {
    /// Must be present.
    case required
    /// May be present or null.
    case optional
    /// Must be null.
    case none
}

/// How an event type takes part in a period (benefit spell, activation, ...).
public enum PeriodRole: Sendable {
    /// Opens a period of `kind`, keyed within the citizen by the value of field `keyField` (or one per citizen).
    case opens(kind: String, keyField: String?)
    /// Closes the citizen's open period of `kind`; its effective date is the period's last day.
    case closes(kind: String, keyField: String?)
    /// Requires an open period of `kind`, which stays open.
    case within(kind: String, keyField: String?)
}

/// The specification of one event type: who and where it concerns, and its facts.
public struct EventSpec: Sendable {
    /// The type.
    public var type: EventType
    /// What the event records, in a sentence.
    public var meaning: String
    /// Whether a citizen pseudonym is required.
    public var citizen: Presence
    /// Whether a municipality code is required (nil means jobcenter-wide or national).
    public var municipality: Presence
    /// The facts, in canonical order.
    public var fields: [FieldSpec]
    /// The part the event plays in a period, if any.
    public var period: PeriodRole?

    /// The spec of a field by name.
    public func field(_ name: String) -> FieldSpec? { fields.first { $0.name == name } }
}

/// The catalog of event types: the one definition of what each line may hold.
public enum Catalog {
    /// Benefits (ydelser) of DOMAIN.md fact 2, in ASCII (æ = ae, ø = oe, å = aa).
    public static let benefits = [
        "a-dagpenge", "kontanthjaelp", "uddannelseshjaelp", "selvforsoergelsesydelse", "sygedagpenge",
        "jobafklaringsforloeb", "ressourceforloeb", "ledighedsydelse", "revalidering", "foertidspension",
    ]
    /// Reasons a benefit spell ends.
    public static let benefitEndReasons = ["job", "education", "other-benefit", "moved", "other"]
    /// Match categories (visitationskategorier).
    public static let matchCategories = ["jobparat", "aktivitetsparat", "aabenlyst-uddannelsesparat", "uddannelsesparat"]
    /// Activation kinds (aktiveringstyper).
    public static let activationKinds = [
        "virksomhedspraktik", "loentilskud-privat", "loentilskud-offentlig", "nytteindsats",
        "vejledning-opkvalificering", "mentor", "jobrotation", "voksenlaerling",
    ]
    /// Activation kinds that are company-oriented (virksomhedsrettet aktivering).
    public static let companyOrientedActivationKinds: Set<String> = [
        "virksomhedspraktik", "loentilskud-privat", "loentilskud-offentlig", "nytteindsats",
    ]
    /// Providers: the jobcenter itself or another actor (anden aktør).
    public static let providers = ["jobcenter", "anden-aktoer"]
    /// Placement channels.
    public static let placementChannels = ["employer-request", "other"]
    /// Highest completed education.
    public static let educationLevels = ["none", "vocational", "higher"]
    /// Reasons a sick-leave case closes.
    public static let sickLeaveCloseReasons = ["recovered", "jobafklaringsforloeb", "foertidspension", "other"]
    /// Employment status at the first day of sickness.
    public static let sickLeaveStatuses = ["employed", "unemployed"]
    /// Reasons an education ends.
    public static let educationEndReasons = ["completed", "dropped-out"]
    /// Survey respondents.
    public static let respondents = ["citizen", "company"]
    /// Correction actions.
    public static let correctionActions = ["retract", "supersede"]
    /// Correction reasons: a closed list, so that no free text about a person enters the ledger.
    public static let correctionReasons = ["fejloprettet", "wrong-date", "wrong-facts", "duplicate", "late-information", "other"]
    /// Measures a goal may name (DOMAIN.md, "Measures").
    public static let measures = [
        "M1", "M1b", "M2", "M3", "M4", "M5", "M6", "M7", "M8", "M9", "M10", "M11", "M12", "M13", "M14", "M15",
        "M16", "M17", "M18", "M19", "M20", "M21", "M22",
    ]
    /// Goal comparisons.
    public static let comparisons = [
        "at-most", "at-least", "below-reference", "at-least-reference", "at-most-reference",
        "gap-reduced-by", "follow-up", "no-target",
    ]
    /// Units of targets and reference figures.
    public static let units = ["count", "percent", "pp", "persons", "full-time-persons"]

    static func f(_ name: String, _ kind: FieldKind, _ required: Bool, _ meaning: String) -> FieldSpec {
        FieldSpec(name: name, kind: kind, required: required, meaning: meaning)
    }

    static let goalFields: [FieldSpec] = [
        f("goal_id", .identifier, true, "the goal's id, unique in the ledger (e.g. frederikssund-2014-1)"),
        f("plan", .text(bytesMax: 200), true, "the plan it belongs to (e.g. Beskæftigelsesplan 2014, Frederikssund)"),
        f("title", .text(bytesMax: 300), true, "the goal as the plan words it"),
        f("measure", .choice(measures), true, "the measure behind the goal (DOMAIN.md)"),
        f("variant", .identifier, false, "the measure's variant, e.g. 26w or 52w for M7, citizens or companies for M17"),
        f("benefits", .text(bytesMax: 200), false, "M12: benefits summed, e.g. a-dagpenge+kontanthjaelp:jobparat"),
        f("filter", .text(bytesMax: 200), false, "further measure parameters, key=value;key=value"),
        f("evaluation", .text(bytesMax: 40), true, "the date (YYYY-MM-DD) or period (YYYY, YYYY-MM, YYYYQn) the goal is measured at"),
        f("comparison", .choice(comparisons), true, "how the value is compared with the target"),
        f("target", .decimal, false, "the target value; absent when the plan has none yet"),
        f("unit", .choice(units), false, "the unit of the target"),
        f("reference", .identifier, false, "the reference figure compared with, for relative goals"),
        f("offset_pp", .decimal, false, "offset in percentage points from the reference figure"),
        f("deadline", .date, true, "the day by which the goal is to be met"),
        f("baseline_at", .text(bytesMax: 40), false, "the date or period of the baseline value"),
        f("baseline_value", .decimal, false, "the baseline value the plan states"),
        f("adopted_by", .text(bytesMax: 200), true, "who adopted the goal (e.g. Beskæftigelsesudvalget)"),
        f("adopted_on", .date, true, "the day it was adopted"),
        f("source", .text(bytesMax: 300), true, "the source document and section"),
    ]

    /// Every event type's specification, in `EventType` order.
    public static let specs: [EventType: EventSpec] = {
        var all: [EventType: EventSpec] = [:]
        func add(_ type: EventType, _ meaning: String, citizen: Presence, municipality: Presence = .required,
                 _ fields: [FieldSpec], period: PeriodRole? = nil) {
            all[type] = EventSpec(type: type, meaning: meaning, citizen: citizen, municipality: municipality,
                                  fields: fields, period: period)
        }
        add(.ledgerOpened, "The ledger's first line: which jobcenter it belongs to and which municipalities it serves.",
            citizen: .none, municipality: .none, [
                f("ledger_id", .identifier, true, "a random id of this ledger"),
                f("jobcenter", .text(bytesMax: 200), true, "the jobcenter's name"),
                f("municipalities", .municipalityList, true, "the municipality codes the jobcenter serves"),
            ])
        add(.citizenRegistered, "A citizen becomes known to the jobcenter.", citizen: .required, [
            f("birth_date", .date, true, "the citizen's birth date (for age rules)"),
            f("education", .choice(educationLevels), true, "highest completed education"),
            f("refugee", .bool, false, "refugee or family-reunified (flygtning / familiesammenført)"),
            f("arrival_date", .date, false, "date of arrival, for refugees and family-reunified"),
        ])
        add(.benefitStarted, "A benefit spell (ydelse) starts on the effective date.", citizen: .required, [
            f("benefit", .choice(benefits), true, "the benefit"),
            f("weekly_hours", .integer(min: 1, max: 37), false, "hours a week for a part-time spell (full time is 37)"),
        ], period: .opens(kind: "benefit", keyField: "benefit"))
        add(.benefitEnded, "A benefit spell ends; the effective date is its last day.", citizen: .required, [
            f("benefit", .choice(benefits), true, "the benefit"),
            f("reason", .choice(benefitEndReasons), true, "why it ended"),
        ], period: .closes(kind: "benefit", keyField: "benefit"))
        add(.matchAssessed, "A match category (visitationskategori) is assessed; it holds until the next assessment.",
            citizen: .required, [
                f("category", .choice(matchCategories), true, "the category"),
            ])
        add(.activationStarted, "An activation (aktivering) starts.", citizen: .required, [
            f("activity_id", .identifier, true, "the activity's id in the case system"),
            f("kind", .choice(activationKinds), true, "activation type"),
            f("provider", .choice(providers), true, "the jobcenter itself or another actor (anden aktør)"),
            f("provider_name", .text(bytesMax: 200), false, "the other actor's name"),
            f("employer_cvr", .cvr, false, "the employer's CVR number, for workplace activations"),
            f("weekly_minutes", .integer(min: 1, max: 3360), false, "hours and minutes per week, in minutes"),
            f("authority", .text(bytesMax: 100), false, "the responsible authority"),
        ], period: .opens(kind: "activation", keyField: "activity_id"))
        add(.activationEnded, "An activation ends; the effective date is its last day.", citizen: .required, [
            f("activity_id", .identifier, true, "the activity's id"),
        ], period: .closes(kind: "activation", keyField: "activity_id"))
        add(.jobPlacement, "A citizen starts an ordinary job that the jobcenter helped fill.", citizen: .required, [
            f("channel", .choice(placementChannels), true, "employer-request (an employer asked for help) or other"),
            f("employer_cvr", .cvr, false, "the employer's CVR number"),
            f("order_id", .identifier, false, "the job order filled, if any"),
        ], period: .opens(kind: "employment", keyField: nil))
        add(.employmentEnded, "The employment of a job placement ends; the effective date is its last day.",
            citizen: .required, [], period: .closes(kind: "employment", keyField: nil))
        add(.jobOrderReceived, "An employer's job order is received.", citizen: .none, [
            f("order_id", .identifier, true, "the order's id"),
            f("employer_cvr", .cvr, true, "the employer's CVR number"),
            f("positions", .integer(min: 1, max: 10000), true, "positions to fill"),
        ])
        add(.jobOrderReferral, "A citizen is referred to a job order.", citizen: .required, [
            f("order_id", .identifier, true, "the order's id"),
        ])
        add(.jobOrderFilled, "A job order is filled.", citizen: .optional, [
            f("order_id", .identifier, true, "the order's id"),
            f("positions", .integer(min: 1, max: 10000), false, "positions filled (default 1)"),
        ])
        add(.flexJobApproved, "A citizen is approved for a flex job (visiteret til fleksjob).", citizen: .required, [])
        add(.flexJobStarted, "A flex job starts.", citizen: .required, [
            f("employer_cvr", .cvr, false, "the employer's CVR number"),
            f("weekly_hours", .integer(min: 1, max: 37), false, "hours a week actually worked"),
        ], period: .opens(kind: "flexjob", keyField: nil))
        add(.flexJobEnded, "A flex job ends; the effective date is its last day.", citizen: .required, [],
            period: .closes(kind: "flexjob", keyField: nil))
        add(.sickLeaveOpened, "A sick-leave case opens; the effective date is the first day of sickness.",
            citizen: .required, [
                f("status", .choice(sickLeaveStatuses), true, "employed or unemployed at the first day"),
            ], period: .opens(kind: "sickleave", keyField: nil))
        add(.sickLeavePartialReturn, "Partial return to work (delvis raskmelding); the case stays open.",
            citizen: .required, [
                f("weekly_hours", .integer(min: 1, max: 37), false, "hours a week worked again"),
            ], period: .within(kind: "sickleave", keyField: nil))
        add(.sickLeaveClosed, "A sick-leave case closes; the effective date is its last day.", citizen: .required, [
            f("reason", .choice(sickLeaveCloseReasons), true, "why it closed"),
        ], period: .closes(kind: "sickleave", keyField: nil))
        add(.disabilityPensionAwarded, "Disability pension (førtidspension) awarded.", citizen: .required, [])
        add(.educationStarted, "Ordinary education with SU starts.", citizen: .required, [
            f("level", .choice(["youth", "vocational", "higher"]), false, "the education's level"),
        ], period: .opens(kind: "education", keyField: nil))
        add(.educationEnded, "An education ends; the effective date is its last day.", citizen: .required, [
            f("reason", .choice(educationEndReasons), true, "completed or dropped-out"),
        ], period: .closes(kind: "education", keyField: nil))
        add(.paidHoursRegistered, "Paid hours (lønnede timer, småjob) registered for a month.", citizen: .required, [
            f("month", .month, true, "the month the hours were worked"),
            f("hours", .integer(min: 1, max: 744), true, "paid hours in that month"),
        ])
        add(.companyRegistered, "A company (workplace) registered, with its number of employees.", citizen: .none, [
            f("cvr", .cvr, true, "the company's CVR number"),
            f("employees", .integer(min: 0, max: 1_000_000), true, "number of employees"),
        ])
        add(.companyVisited, "A company visited by the jobcenter.", citizen: .none, [
            f("cvr", .cvr, true, "the company's CVR number"),
        ])
        add(.eventHeld, "An event held by the jobcenter, with its participants.", citizen: .none, [
            f("name", .text(bytesMax: 200), true, "the event's name, e.g. Virksomhedernes Dag"),
            f("participants", .integer(min: 0, max: 1_000_000), true, "number of participants"),
        ])
        add(.surveyResponse, "A satisfaction survey response.", citizen: .none, [
            f("respondent", .choice(respondents), true, "citizen or company"),
            f("satisfied", .bool, true, "satisfied or not"),
        ])
        add(.referenceFigure, "An outside figure a goal compares with, with its period and source.",
            citizen: .none, municipality: .optional, [
                f("name", .identifier, true, "the figure's name, e.g. national-average/M11 or labour-force"),
                f("period", .period, true, "the period the figure is for"),
                f("value", .decimal, true, "the figure"),
                f("unit", .choice(units), true, "its unit"),
                f("source", .text(bytesMax: 300), true, "where it comes from"),
            ])
        add(.goalAdopted, "A result goal (resultatmål) adopted; the municipality is its scope, null for the jobcenter.",
            citizen: .none, municipality: .optional, goalFields)
        add(.goalAmended, "A result goal amended: the fields given replace the goal's earlier ones.",
            citizen: .none, municipality: .optional,
            goalFields.map { FieldSpec(name: $0.name, kind: $0.kind, required: $0.name == "goal_id", meaning: $0.meaning) })
        add(.correction, "Retracts or supersedes an earlier event; for supersede, the original type's facts follow.",
            citizen: .optional, municipality: .optional, [
                f("corrects", .sequence, true, "the sequence number of the event corrected"),
                f("action", .choice(correctionActions), true, "retract, or supersede with the facts that follow"),
                f("correction_reason", .choice(correctionReasons), true, "why (a closed list: no free text about a person)"),
            ])
        add(.publication, "A published report: its digest and the ledger head it was computed from.",
            citizen: .none, municipality: .none, [
                f("publication_id", .identifier, true, "the publication's id"),
                f("title", .text(bytesMax: 300), false, "its title"),
                f("at", .date, true, "the evaluation date"),
                f("known_at", .timestamp, true, "the knowledge time"),
                f("head_seq", .sequence, true, "the last sequence number the report was computed from"),
                f("head_hash", .digest, true, "that line's hash"),
                f("report_digest", .digest, true, "SHA-256 of the report's canonical JSON"),
                f("tree_size", .sequence, false, "the Merkle tree's size: the lines 1 to head_seq (absent in older publications)"),
                f("root_hash", .digest, false, "the Merkle tree's root over those lines (FORMAT.md section 5c)"),
            ])
        assert(all.count == EventType.allCases.count, "every event type has a spec")
        return all
    }()

    /// Every type's specification by ``EventType/ordinal`` (a lookup without hashing).
    static let specsByOrdinal: [EventSpec] = EventType.allCases.map { specs[$0]! }

    /// The spec of a type.
    public static func spec(_ type: EventType) -> EventSpec { specsByOrdinal[type.ordinal] }
}
