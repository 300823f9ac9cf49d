// The catalog in Danish, for the caseworker at a terminal (`record`) and `catalog --language da`.
// The English texts beside each field in Catalog.swift stay the reference of the file format
// (EventLogs/FORMAT.md); these say the same in the words a jobcenter uses.

/// A language the catalog's explanations are given in.
public enum CatalogLanguage: String, Sendable, CaseIterable {
    /// English: the file format's reference texts.
    case english = "en"
    /// Danish: the caseworker's texts.
    case danish = "da"
}

extension EventSpec {
    /// What the event records, in a sentence, in `language`.
    public func meaning(in language: CatalogLanguage) -> String {
        switch language {
        case .english: return meaning
        case .danish:
            guard let text = Catalog.danishTypeMeanings[type] else {
                preconditionFailure("every event type has a Danish meaning (CatalogDanishTests)")
            }
            return text
        }
    }

    /// What field `field` holds, in `language`.
    public func meaning(of field: FieldSpec, in language: CatalogLanguage) -> String {
        switch language {
        case .english: return field.meaning
        case .danish:
            guard let text = Catalog.danishFieldMeanings[type.rawValue + "." + field.name] ?? Catalog.danishFieldMeanings[field.name] else {
                preconditionFailure("every field has a Danish meaning (CatalogDanishTests)")
            }
            return text
        }
    }
}

extension FieldKind {
    /// A short description of the kind in `language`, for help and prompts.
    public func summary(in language: CatalogLanguage) -> String {
        guard language == .danish else { return summary }
        switch self {
        case .text(let max): return "tekst (højst \(max) bytes)"
        case .identifier: return "id (1-64 tegn af A-Z a-z 0-9 . _ : / -)"
        case .choice(let values): return "en af: " + values.joined(separator: ", ")
        case .date: return "dato ÅÅÅÅ-MM-DD"
        case .month: return "måned ÅÅÅÅ-MM"
        case .integer(let min, let max): return "helt tal \(min)-\(max)"
        case .decimal: return "decimaltal (punktum som decimaltegn)"
        case .bool: return "ja eller nej"
        case .cvr: return "CVR-nummer (8 cifre)"
        case .sequence: return "løbenummer (seq) i denne ledger"
        case .period: return "periode ÅÅÅÅ, ÅÅÅÅ-MM, ÅÅÅÅKn eller ÅÅÅÅ-MM-DD/ÅÅÅÅ-MM-DD"
        case .municipalityList: return "kommunekoder adskilt af komma"
        case .digest: return "SHA-256 (64 hex-cifre)"
        case .timestamp: return "tidspunkt ÅÅÅÅ-MM-DDTTT:MM:SS.mmmZ"
        }
    }
}

extension Catalog {
    /// Each event type's meaning in Danish.
    static let danishTypeMeanings: [EventType: String] = [
        .ledgerOpened: "Ledgerens første linje: hvilket jobcenter den hører til, og hvilke kommuner det dækker.",
        .citizenRegistered: "En borger bliver kendt af jobcentret.",
        .benefitStarted: "Et forløb på en ydelse begynder på virkningsdatoen.",
        .benefitEnded: "Et forløb på en ydelse slutter; virkningsdatoen er sidste dag.",
        .matchAssessed: "En visitationskategori vurderes; den gælder til næste vurdering.",
        .activationStarted: "En aktivering begynder.",
        .activationEnded: "En aktivering slutter; virkningsdatoen er sidste dag.",
        .jobPlacement: "En borger begynder i et ordinært job, som jobcentret har hjulpet med at besætte.",
        .employmentEnded: "Ansættelsen efter en jobformidling slutter; virkningsdatoen er sidste dag.",
        .jobOrderReceived: "En arbejdsgivers jobordre modtages.",
        .jobOrderReferral: "En borger henvises til en jobordre.",
        .jobOrderFilled: "En jobordre besættes.",
        .flexJobApproved: "En borger visiteres til fleksjob.",
        .flexJobStarted: "Et fleksjob begynder.",
        .flexJobEnded: "Et fleksjob slutter; virkningsdatoen er sidste dag.",
        .sickLeaveOpened: "En sygedagpengesag åbnes; virkningsdatoen er første sygedag.",
        .sickLeavePartialReturn: "Delvis raskmelding; sagen forbliver åben.",
        .sickLeaveClosed: "En sygedagpengesag lukkes; virkningsdatoen er sidste dag.",
        .disabilityPensionAwarded: "Førtidspension tilkendes.",
        .educationStarted: "En ordinær uddannelse med SU begynder.",
        .educationEnded: "En uddannelse slutter; virkningsdatoen er sidste dag.",
        .paidHoursRegistered: "Lønnede timer (småjob) registreres for en måned.",
        .companyRegistered: "En virksomhed (arbejdssted) registreres med sit antal ansatte.",
        .companyVisited: "Jobcentret besøger en virksomhed.",
        .eventHeld: "Jobcentret holder et arrangement, med deltagere.",
        .surveyResponse: "Et svar i en tilfredshedsundersøgelse.",
        .referenceFigure: "Et eksternt tal, som et mål sammenlignes med, med periode og kilde.",
        .goalAdopted: "Et resultatmål vedtages; kommunen er målets område, tom for hele jobcentret.",
        .goalAmended: "Et resultatmål ændres: de felter, der angives, erstatter målets tidligere.",
        .correction: "Tilbagekalder eller erstatter en tidligere hændelse; ved erstatning følger den oprindelige types felter.",
        .publication: "En offentliggjort rapport: dens digest og det ledger-hoved, den er beregnet fra.",
    ]

    /// Each field's meaning in Danish, by `type.field` where one name means different things in
    /// different types, else by the field's name.
    static let danishFieldMeanings: [String: String] = [
        // ledger_opened
        "ledger_id": "ledgerens tilfældige id",
        "jobcenter": "jobcentrets navn",
        "municipalities": "de kommunekoder, jobcentret dækker",
        // citizen_registered
        "birth_date": "borgerens fødselsdato (til aldersregler)",
        "education": "højeste fuldførte uddannelse",
        "refugee": "flygtning eller familiesammenført",
        "arrival_date": "indrejsedato, for flygtninge og familiesammenførte",
        // benefits
        "benefit": "ydelsen",
        "benefit_started.weekly_hours": "timer om ugen ved et deltidsforløb (fuld tid er 37)",
        "benefit_ended.reason": "hvorfor forløbet sluttede",
        "category": "visitationskategorien",
        // activations
        "activity_id": "aktivitetens id i sagssystemet",
        "kind": "aktiveringstype",
        "provider": "jobcentret selv eller en anden aktør",
        "provider_name": "den anden aktørs navn",
        "activation_started.employer_cvr": "arbejdsgiverens CVR-nummer, ved aktivering på en arbejdsplads",
        "weekly_minutes": "timer og minutter om ugen, i minutter",
        "authority": "den ansvarlige myndighed",
        // placements and job orders
        "channel": "employer-request (en arbejdsgiver bad om hjælp) eller other",
        "employer_cvr": "arbejdsgiverens CVR-nummer",
        "order_id": "jobordrens id",
        "job_placement.order_id": "den jobordre, der blev besat, hvis nogen",
        "job_order_received.positions": "antal stillinger, der skal besættes",
        "job_order_filled.positions": "antal besatte stillinger (standard 1)",
        // flex jobs and sickness
        "flexjob_started.weekly_hours": "faktisk arbejdstid, timer om ugen",
        "status": "i beskæftigelse (employed) eller ledig (unemployed) på første sygedag",
        "sickleave_partial_return.weekly_hours": "timer om ugen, borgeren arbejder igen",
        "sickleave_closed.reason": "hvorfor sagen blev lukket",
        // education and paid hours
        "level": "uddannelsens niveau",
        "education_ended.reason": "fuldført (completed) eller afbrudt (dropped-out)",
        "month": "den måned, timerne blev arbejdet",
        "hours": "lønnede timer i måneden",
        // companies, events, surveys
        "cvr": "virksomhedens CVR-nummer",
        "employees": "antal ansatte",
        "event_held.name": "arrangementets navn, fx Virksomhedernes Dag",
        "participants": "antal deltagere",
        "respondent": "borger (citizen) eller virksomhed (company)",
        "satisfied": "tilfreds eller ej",
        // reference figures
        "reference_figure.name": "tallets navn, fx national-average/M11 eller labour-force",
        "period": "den periode, tallet gælder",
        "value": "tallet",
        "reference_figure.unit": "enheden",
        "reference_figure.source": "hvor tallet kommer fra",
        // goals
        "goal_id": "målets id, entydigt i ledgeren (fx frederikssund-2014-1)",
        "plan": "den plan, målet hører til (fx Beskæftigelsesplan 2014, Frederikssund)",
        "title": "målet, som planen formulerer det",
        "measure": "det mål-tal (M1-M22), målet måles med (DOMAIN.md)",
        "variant": "mål-tallets variant, fx 26w eller 52w for M7, citizens eller companies for M17",
        "benefits": "M12: de ydelser, der lægges sammen, fx a-dagpenge+kontanthjaelp:jobparat",
        "filter": "yderligere parametre, nøgle=værdi;nøgle=værdi",
        "evaluation": "den dato (ÅÅÅÅ-MM-DD) eller periode (ÅÅÅÅ, ÅÅÅÅ-MM, ÅÅÅÅKn), målet måles på",
        "comparison": "hvordan værdien sammenlignes med målsætningen",
        "target": "målsætningens værdi; udelades, når planen ikke har en endnu",
        "unit": "målsætningens enhed",
        "reference": "det eksterne tal, der sammenlignes med, ved relative mål",
        "offset_pp": "afstand i procentpoint fra det eksterne tal",
        "deadline": "den dag, målet skal være nået",
        "baseline_at": "dato eller periode for udgangsværdien",
        "baseline_value": "den udgangsværdi, planen angiver",
        "adopted_by": "hvem der vedtog målet (fx Beskæftigelsesudvalget)",
        "adopted_on": "den dag, målet blev vedtaget",
        "source": "kildedokument og afsnit",
        // corrections
        "corrects": "løbenummeret (seq) på den hændelse, der rettes",
        "action": "retract (tilbagekald) eller supersede (erstat med de felter, der følger)",
        "correction_reason": "hvorfor (en lukket liste: ingen fritekst om en person)",
        // publications
        "publication_id": "publikationens id",
        "publication.title": "dens titel",
        "at": "opgørelsesdatoen",
        "known_at": "vidensdatoen (hvad der var registreret til og med)",
        "head_seq": "det sidste løbenummer, rapporten er beregnet fra",
        "head_hash": "den linjes hash",
        "report_digest": "SHA-256 af rapportens kanoniske JSON",
        "tree_size": "Merkle-træets størrelse: linjerne 1 til head_seq (mangler i ældre publikationer)",
        "root_hash": "Merkle-træets rod over de linjer (FORMAT.md afsnit 5c)",
    ]
}
