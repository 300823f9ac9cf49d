import LedgerCore

/// How a measure is evaluated: at a day, or over a period.
public enum EvaluationKind: Sendable {
    /// At a day D (`--at D`; with `--period P` the last day of P).
    case atDate
    /// Over a period P (`--period P`; with `--at D` the calendar year of D up to D).
    case period
    /// For a month M (`--period YYYY-MM`; with `--at D` the month of D; with a longer period its last month).
    case month
}

/// What kind of number a measure gives.
public enum ValueKind: String, Sendable {
    /// A count of citizens, cases or events.
    case count
    /// A share in percent: numerator / denominator × 100.
    case share
    /// Full-time persons (fuldtidspersoner).
    case fullTimePersons = "full-time-persons"
    /// Participants.
    case participants
}

/// A measure of DOMAIN.md: its id, names, how it is evaluated and what it gives.
public struct MeasureDefinition: Sendable {
    /// The id, e.g. `M1`.
    public var id: String
    /// The name as a Danish report reads it.
    public var danish: String
    /// The name in English.
    public var english: String
    /// How it is evaluated.
    public var evaluation: EvaluationKind
    /// What it gives.
    public var kind: ValueKind
    /// Variants it accepts (the first is the default), e.g. 26w and 52w for M7.
    public var variants: [String]
    /// The definition in plain words (Danish and English), for reports.
    public var definition: String

    /// Every measure, M1 to M22.
    public static let all: [MeasureDefinition] = [
        .init(id: "M1", danish: "Langtidsledige (Jobindsats)", english: "Long-term unemployed (Jobindsats rule)", evaluation: .atDate, kind: .count, variants: [],
              definition: "Bruttoledige på dagen og i mindst 292 af de 364 dage til og med dagen (80 % af 52 uger). / Gross unemployed on D and on at least 292 of the 364 days D-363...D."),
        .init(id: "M1b", danish: "Langtidsledige (Danmarks Statistik)", english: "Long-term unemployed (Statistics Denmark rule)", evaluation: .atDate, kind: .count, variants: [],
              definition: "Bruttoledige på dagen, hvis ledighedsforløb til og med dagen er mindst 364 dage; afbrydelser på højst 28 dage bryder ikke forløbet og tælles ikke med. / Gross unemployed on D whose run ending on D is at least 364 days, gaps of at most 28 days not breaking it (gap days not counted)."),
        .init(id: "M2", danish: "Tilgang til førtidspension (løbende år)", english: "Disability pension inflow, rolling year", evaluation: .month, kind: .count, variants: [],
              definition: "Førstegangstilkendelser af førtidspension i de 12 kalendermåneder til og med måneden. / First-time disability pension awards in the 12 calendar months ending with the month."),
        .init(id: "M3", danish: "Ordinære job besat med jobcentrets hjælp", english: "Ordinary jobs filled with the jobcenter", evaluation: .period, kind: .count, variants: [],
              definition: "Jobformidlinger på virksomhedens anmodning med virkning i perioden. / Job placements with channel employer request, effective in the period."),
        .init(id: "M4", danish: "Nye fleksjob", english: "New flex jobs", evaluation: .period, kind: .count, variants: [],
              definition: "Fleksjob startet i perioden. / Flex job starts effective in the period."),
        .init(id: "M5", danish: "Andel fleksjobvisiterede i beskæftigelse", english: "Flex-job-approved in a flex job", evaluation: .atDate, kind: .share, variants: [],
              definition: "I fleksjob på dagen / (i fleksjob eller på ledighedsydelse på dagen). / In a flex job on D / (in a flex job or on ledighedsydelse on D)."),
        .init(id: "M6", danish: "Lange forløb på ledighedsydelse", english: "Long ledighedsydelse spells", evaluation: .atDate, kind: .count, variants: [],
              definition: "På ledighedsydelse på dagen i et uafbrudt forløb begyndt før dagen minus 18 måneder. / On ledighedsydelse on D in an unbroken spell started before D minus 18 calendar months."),
        .init(id: "M7", danish: "Sygedagpengesager over 26 / 52 uger", english: "Sick-leave cases over 26 / 52 weeks", evaluation: .atDate, kind: .count, variants: ["26w", "52w"],
              definition: "Åbne sygedagpengesager på dagen, hvor dagen minus første fraværsdag plus 1 er over 182 / 364 dage. / Open sick-leave cases on D with D - first day + 1 > 182 / > 364 days."),
        .init(id: "M8", danish: "Unge der går fra ydelse til uddannelse", english: "Youth exits to education", evaluation: .period, kind: .share, variants: ["share", "count"],
              definition: "Forløb på uddannelseshjælp eller kontanthjælp for unge under 30, der slutter i perioden med årsag uddannelse: antal og andel af alle sådanne afsluttede forløb. / Spells of under-30s on uddannelseshjælp or kontanthjælp ending in the period with reason education: count and share of all such spells ending."),
        .init(id: "M9", danish: "Unge i uddannelse eller selvforsørgende 3 måneder efter uddannelseshjælp", english: "Youth in education or self-supporting 3 months after uddannelseshjælp", evaluation: .period, kind: .share, variants: [],
              definition: "Af forløb på uddannelseshjælp afsluttet i perioden: andelen, hvor borgeren er selvforsørgende eller i uddannelse 92 dage efter. / Of uddannelseshjælp spells ending in the period, the share self-supporting or in education on end + 92 days."),
        .init(id: "M10", danish: "Selvforsørgelse efter aktiveringsstart", english: "Self-support after activation start", evaluation: .period, kind: .share, variants: ["13w", "4w", "26w"],
              definition: "Af aktiveringer startet i perioden: andelen selvforsørgende 28 / 91 / 182 dage efter start; pr. aktiveringstype og pr. aktør. / Of activations started in the period, the share self-supporting on start + 28 / 91 / 182 days; per kind and per provider."),
        .init(id: "M11", danish: "Andel i virksomhedsrettet aktivering", english: "Share in company-oriented activation", evaluation: .atDate, kind: .share, variants: [],
              definition: "Af borgere på a-dagpenge, kontanthjælp, uddannelseshjælp, ledighedsydelse eller selvforsørgelses- og hjemrejseydelse på dagen: andelen i virksomhedspraktik, løntilskud eller nytteindsats. / Of citizens on those benefits on D, the share in company-oriented activation on D."),
        .init(id: "M12", danish: "Fuldtidspersoner", english: "Full-time persons", evaluation: .period, kind: .fullTimePersons, variants: [],
              definition: "Hverdage på ydelsen i perioden, vægtet med timer/37 (fleksjob altid 37), divideret med hverdage i perioden; højst 1 pr. borger pr. dag i alt. / Weekdays on the benefit in the period weighted by hours/37, divided by the weekdays of the period; at most 1 per citizen per day in the total."),
        .init(id: "M13", danish: "Jobordrer: formidlingsgrad og besættelsesgrad", english: "Job orders: referral rate and fill rate", evaluation: .period, kind: .share, variants: ["formidlingsgrad", "besaettelsesgrad"],
              definition: "Af jobordrer oprettet i perioden: andelen med mindst én henvisning (formidlingsgrad); af dem andelen besat af en henvist borger (besættelsesgrad). / Of job orders created in the period, the share with a referral; of those, the share filled by a referred citizen."),
        .init(id: "M14", danish: "Lønnede timer", english: "Paid hours", evaluation: .month, kind: .share, variants: [],
              definition: "Af aktivitetsparate på kontanthjælp, uddannelseshjælp eller selvforsørgelses- og hjemrejseydelse og borgere i ressourceforløb i måneden: andelen med lønnede timer i måneden eller i SU-uddannelse. / Of aktivitetsparate citizens on those benefits or in ressourceforløb during the month, the share with paid hours for the month or in SU education."),
        .init(id: "M15", danish: "Flygtninge i beskæftigelse", english: "Refugees in employment", evaluation: .atDate, kind: .share, variants: [],
              definition: "Af flygtninge og familiesammenførte (evt. med indrejse i et årsinterval): andelen i job på dagen. / Of refugees and family-reunified (optionally arrived in a year range), the share in a job on D."),
        .init(id: "M16", danish: "Virksomhedsbesøg", english: "Company visit coverage", evaluation: .period, kind: .share, variants: [],
              definition: "Af virksomheder med mindst 5 ansatte: andelen besøgt mindst to gange i perioden. / Of companies with 5 or more employees, the share visited at least twice."),
        .init(id: "M17", danish: "Tilfredshed", english: "Satisfaction", evaluation: .period, kind: .share, variants: ["citizens", "companies"],
              definition: "Andelen af tilfredse svar, borgere og virksomheder hver for sig. / Share of satisfied survey responses, citizens and companies separately."),
        .init(id: "M18", danish: "Deltagere i arrangement", english: "Event participants", evaluation: .period, kind: .participants, variants: [],
              definition: "Deltagere i navngivne arrangementer i perioden. / Participants of named events in the period."),
        .init(id: "M19", danish: "Uddannelsesgrad", english: "Youth education rate", evaluation: .atDate, kind: .share, variants: [],
              definition: "Unge under 30 uden erhvervskompetencegivende uddannelse, der begyndte på uddannelse i de 12 måneder til og med dagen, mens de var på a-dagpenge, kontanthjælp eller uddannelseshjælp (eller inden 30 dage efter), divideret med det gennemsnitlige daglige antal sådanne unge på ydelserne. / Under-30s without vocational or higher education who started education in the 12 months ending D while on those benefits (or within 30 days of leaving), divided by their average daily number on the benefits."),
        .init(id: "M20", danish: "Aktiveringer og henvisninger", english: "Activations started", evaluation: .period, kind: .count, variants: [],
              definition: "Aktiveringer startet i perioden, pr. type, pr. aktør og pr. målgruppe. / Activations started in the period, per kind, per provider and per match category."),
        .init(id: "M21", danish: "Samarbejdsgrad", english: "Cooperation rate", evaluation: .period, kind: .share, variants: [],
              definition: "Af registrerede virksomheder med mindst 2 ansatte: andelen med mindst én borger i virksomhedspraktik eller løntilskud i perioden. / Of registered companies with 2 or more employees, the share with a citizen in virksomhedspraktik or løntilskud during the period."),
        .init(id: "M22", danish: "Frafald på uddannelse", english: "Education dropout", evaluation: .period, kind: .share, variants: [],
              definition: "Af uddannelser startet i perioden af unge under 30, der var på ydelse inden for 30 dage før start: andelen afbrudt inden for 365 dage. / Of educations started in the period by under-30s on a benefit within 30 days before, the share dropped out within 365 days."),
    ]

    /// A measure by id (case-insensitive), or nil.
    public static func named(_ id: String) -> MeasureDefinition? {
        all.first { $0.id.lowercased() == id.lowercased() }
    }
}
