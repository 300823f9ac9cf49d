// The closed lists of the event catalog as Swift enumerations, so that the simulation cannot
// misspell a value. Each raw value is exactly the catalog's (`Catalog` in LedgerCore); the tests
// check that every case is in the catalog's list.

/// A benefit (ydelse), `Catalog.benefits`.
enum Benefit: String, CaseIterable {
    case aDagpenge = "a-dagpenge"
    case kontanthjaelp
    case uddannelseshjaelp
    case selvforsoergelsesydelse
    case sygedagpenge
    case jobafklaringsforloeb
    case ressourceforloeb
    case ledighedsydelse
    case revalidering
    case foertidspension

    /// The benefit's position in `Catalog.benefits` (0-based).
    var ordinal: Int {
        switch self {
        case .aDagpenge: return 0
        case .kontanthjaelp: return 1
        case .uddannelseshjaelp: return 2
        case .selvforsoergelsesydelse: return 3
        case .sygedagpenge: return 4
        case .jobafklaringsforloeb: return 5
        case .ressourceforloeb: return 6
        case .ledighedsydelse: return 7
        case .revalidering: return 8
        case .foertidspension: return 9
        }
    }

    /// Whether a match category (visitationskategori) is assessed for recipients: the cash benefits.
    var isAssessed: Bool {
        self == .kontanthjaelp || self == .uddannelseshjaelp || self == .selvforsoergelsesydelse
    }
}

/// Why a benefit spell ends, `Catalog.benefitEndReasons`.
enum BenefitEndReason: String, CaseIterable {
    case job
    case education
    case otherBenefit = "other-benefit"
    case moved
    case other
}

/// A match category (visitationskategori), `Catalog.matchCategories`.
enum MatchCategory: String, CaseIterable {
    case jobparat
    case aktivitetsparat
    case aabenlystUddannelsesparat = "aabenlyst-uddannelsesparat"
    case uddannelsesparat
}

/// An activation kind (aktiveringstype), `Catalog.activationKinds`.
enum ActivationKind: String, CaseIterable {
    case virksomhedspraktik
    case loentilskudPrivat = "loentilskud-privat"
    case loentilskudOffentlig = "loentilskud-offentlig"
    case nytteindsats
    case vejledningOpkvalificering = "vejledning-opkvalificering"
    case mentor
    case jobrotation
    case voksenlaerling

    /// Whether the activation takes place at an employer, whose CVR number the event then names.
    var hasEmployer: Bool {
        switch self {
        case .virksomhedspraktik, .loentilskudPrivat, .loentilskudOffentlig, .jobrotation, .voksenlaerling: return true
        case .nytteindsats, .vejledningOpkvalificering, .mentor: return false
        }
    }

    /// Typical length in days, both ends included.
    var lengthDays: ClosedRange<Int> {
        switch self {
        case .virksomhedspraktik: return 14...91
        case .loentilskudPrivat, .loentilskudOffentlig: return 91...365
        case .nytteindsats: return 28...91
        case .vejledningOpkvalificering: return 10...90
        case .mentor: return 30...180
        case .jobrotation: return 60...365
        case .voksenlaerling: return 365...900
        }
    }

    /// Typical hours a week, in minutes.
    var weeklyMinutes: ClosedRange<Int> {
        switch self {
        case .virksomhedspraktik, .loentilskudPrivat, .loentilskudOffentlig, .jobrotation, .voksenlaerling: return 1_110...2_220
        case .nytteindsats: return 600...1_110
        case .vejledningOpkvalificering: return 600...2_220
        case .mentor: return 60...300
        }
    }
}

/// A placement channel, `Catalog.placementChannels`.
enum PlacementChannel: String, CaseIterable {
    case employerRequest = "employer-request"
    case other
}

/// Highest completed education, `Catalog.educationLevels`.
enum CompletedEducation: String, CaseIterable {
    case none
    case vocational
    case higher
}

/// Employment status on the first day of sickness, `Catalog.sickLeaveStatuses`.
enum SickLeaveStatus: String, CaseIterable {
    case employed
    case unemployed
}

/// Why a sick-leave case closes, `Catalog.sickLeaveCloseReasons`.
enum SickLeaveCloseReason: String, CaseIterable {
    case recovered
    case jobafklaringsforloeb
    case foertidspension
    case other
}

/// The level of an ordinary education started (`education_started` field `level`).
enum StudyLevel: String, CaseIterable {
    case youth
    case vocational
    case higher
}

/// Why an education ends, `Catalog.educationEndReasons`.
enum EducationEndReason: String, CaseIterable {
    case completed
    case droppedOut = "dropped-out"
}

/// Who answered a survey, `Catalog.respondents`.
enum Respondent: String, CaseIterable {
    case citizen
    case company
}

/// Why an event is corrected, `Catalog.correctionReasons`.
enum CorrectionReason: String, CaseIterable {
    case fejloprettet
    case wrongDate = "wrong-date"
    case wrongFacts = "wrong-facts"
    case duplicate
    case lateInformation = "late-information"
    case other
}

/// Names the simulation gives to things that are not closed lists: external providers (anden
/// aktør) and events held. Invented names, about no real person or company.
enum Names {
    /// External providers of activations (anden aktør).
    static let providers = [
        "Jobhuset Nord", "Aktivitetscentret", "Mentorkorpset", "Kompetencecenter Øst", "Virksomhedsservice ApS",
        "Uddannelsesvejen", "Karrierecentret", "Sprogcentret", "Projekt Ny Start", "Beskæftigelseshuset",
    ]

    /// Events a jobcenter holds, and the month (1-12) each is held in; 0 means every month.
    static let events: [(name: String, month: Int)] = [
        ("Virksomhedernes Dag", 3), ("Karrieredag for unge", 5), ("Jobmesse", 9), ("Informationsmøde for nyledige", 0),
    ]
}
