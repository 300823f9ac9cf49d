internal import LedgerCore

/// The kind of life a citizen's contact with the jobcenter follows.
enum Track {
    /// Insured unemployed (a-dagpenge) between jobs.
    case insured
    /// On cash benefits (kontanthjælp, uddannelseshjælp, selvforsørgelsesydelse).
    case cash
    /// Employed, with spells of sickness (sygedagpenge).
    case sick
    /// Far from the labour market: aktivitetsparat, then ressourceforløb, flex job or disability pension.
    case complex
    /// Approved for a flex job (fleksjobvisiteret): ledighedsydelse and flex jobs.
    case flex
}

/// What a citizen does next.
enum Episode {
    /// A spell of unemployment on a benefit; nil means the benefit that the citizen's track and age give.
    case unemployment(Benefit?)
    /// A sick-leave case, with sygedagpenge.
    case sickLeave(SickLeaveStatus)
    /// A long spell of ressourceforløb, jobafklaringsforløb or revalidering.
    case longTerm(Benefit)
    /// Approval for a flex job, ledighedsydelse and flex jobs.
    case flexJob
    /// Disability pension (førtidspension) awarded: the last episode.
    case disabilityPension
    /// An ordinary education with SU.
    case education
    /// The track's usual next episode.
    case usual
}

/// Where an episode leaves the citizen: the next episode and its first day, or the end of the history.
enum Continuation {
    /// The next episode, starting on the day given.
    case next(Episode, on: Day)
    /// Nothing more happens within the simulated days.
    case stop
}

/// Simulates one citizen's history with the jobcenter, from registration to the end of the
/// simulated days, as events (not yet ordered or timed).
///
/// The life courses are in files of their own: benefit spells (`CitizenSimulator+Benefits`),
/// sickness, flex jobs and pensions (`+Sickness`), education (`+Youth`), work and placements
/// (`+Jobs`), activations (`+Activations`), and the recording helpers they share (`+Recording`).
///
/// Every period opened is closed at most once, a benefit's next spell starts at least two days
/// after its last one ended (so that spells never touch), and events after `to` are left out, which
/// leaves their periods open.
struct CitizenSimulator {
    /// Shared companies and job orders.
    let world: World
    /// The first simulated day.
    let from: Day
    /// The last simulated day.
    let to: Day
    /// The citizen's index (pseudonym table).
    let citizen: Int32
    /// Index of the citizen's municipality in the options.
    let municipalityIndex: Int
    /// The municipality code.
    let municipality: Int16
    /// The citizen's own random stream.
    var rng: SplitMix64

    /// The day the citizen became known to the jobcenter.
    let registered: Day
    /// Birth date.
    let birth: Day
    /// Highest completed education (changes when an education is completed).
    var education: CompletedEducation
    /// Arrival date, for refugees and family-reunified.
    let arrival: Day?
    /// The citizen's track.
    let track: Track
    /// Whether the citizen takes small paid jobs (småjob) while on benefit.
    let takesSmallJobs: Bool
    /// The day of a disability pension award the citizen is on the way to from registration, if any.
    let pensionAward: Day?
    /// The rates the history is drawn with.
    let profile: GeneratorProfile

    /// Events made so far, in the order made.
    var events: [SimulatedEvent] = []
    /// Whether a job placement's employment is still open at the end.
    var employmentOpen = false
    /// Last day of the latest spell of each benefit, by `Benefit.ordinal`.
    var lastSpellEnd: [Day?] = Array(repeating: nil, count: Benefit.allCases.count)
    /// Last day of the latest employment after a placement.
    var lastEmploymentEnd: Day?
    /// Period chains currently open (checked by assertions).
    var openChains: Set<Int64> = []
    /// The latest month with paid hours registered (months since year 0): one registration a month.
    var lastPaidMonth: Int32 = -1

    /// Share of citizens aged 16 to 29 at registration.
    static let youngShare = 0.30
    /// Share of refugees and family-reunified.
    static let refugeeShare = 0.08

    /// Draws the profile of citizen `citizen` of municipality `municipalityIndex`.
    init(world: World, citizen: Int32, rng: SplitMix64) {
        self.world = world
        self.from = world.options.from
        self.to = world.options.to
        self.citizen = citizen
        self.municipalityIndex = world.citizenMunicipality[Int(citizen)]
        self.municipality = world.code(municipalityIndex)
        var rng = rng
        let profile = world.options.profile
        self.profile = profile

        let span = to.days(since: from)
        // Most are already clients at the start (the caseload); the rest come later.
        registered =
            rng.chance(0.6)
            ? from.adding(days: rng.int(0...min(30, span)))
            : from.adding(days: rng.int(0...max(0, span - 60)))
        let age = rng.chance(CitizenSimulator.youngShare) ? rng.int(16...29) : rng.int(30...66)
        let civil = registered.civil
        // The birthday `age` years before registration, moved back by up to 360 days: the citizen
        // is `age` years old when registered.
        birth = Day(year: civil.year - age, month: civil.month, day: min(civil.day, 28))!.adding(days: -rng.int(0...360))
        education =
            age < 22
            ? rng.pick([(.none, 0.75), (.vocational, 0.23), (.higher, 0.02)])
            : rng.pick([(.none, 0.33), (.vocational, 0.45), (.higher, 0.22)])
        if rng.chance(CitizenSimulator.refugeeShare) {
            var earliest = max(birth.adding(days: 1), Day(year: 2008, month: 1, day: 1)!)
            var latest = min(registered, Day(year: 2014, month: 12, day: 31)!)
            if earliest > latest {
                earliest = max(birth.adding(days: 1), registered.adding(days: -6 * 365))
                latest = registered
            }
            arrival = earliest.adding(days: rng.int(0...latest.days(since: earliest)))
        } else {
            arrival = nil
        }
        if arrival != nil {
            track = rng.pick([(.cash, 0.70), (.insured, 0.15), (.complex, 0.15)])
        } else if age < 30 && education == .none {
            track = rng.pick([(.cash, 0.55), (.insured, 0.30), (.sick, 0.05), (.complex, 0.10)])
        } else {
            track = rng.pick([(.insured, 0.51), (.cash, 0.15), (.sick, 0.15), (.complex, 0.14), (.flex, profile.flexTrackWeight)])
        }
        takesSmallJobs = rng.chance(0.35)
        if profile.pensionPipelineShare > 0 && age >= 35 && arrival == nil && registered.days(since: from) <= 30 && rng.chance(profile.pensionPipelineShare) {
            pensionAward = registered.adding(days: 1 + rng.exponentialDays(mean: profile.pensionPipelineMeanDays))
        } else {
            pensionAward = nil
        }
        self.rng = rng
    }

    // MARK: The history

    /// Makes the citizen's events: the registration, then episode after episode until `to`.
    mutating func simulate() {
        record(.citizenRegistered(birth: birth, education: education, arrival: arrival), on: registered)
        let first: Episode
        switch track {
        case .insured: first = .unemployment(.aDagpenge)
        case .cash, .complex: first = .unemployment(nil)
        case .sick: first = .sickLeave(.employed)
        case .flex: first = .flexJob
        }
        var continuation = Continuation.next(first, on: registered)
        if let pensionAward { continuation = pensionPipeline(award: pensionAward) }
        var episodes = 0
        while case .next(let episode, let day) = continuation, day <= to {
            episodes += 1
            assert(episodes < 10_000, "every episode moves time forward")
            continuation = run(episode, on: day)
        }
    }

    /// Runs one episode starting on `day` and says what follows.
    mutating func run(_ episode: Episode, on day: Day) -> Continuation {
        switch episode {
        case .usual: return run(usualEpisode(), on: day)
        case .unemployment(let benefit): return unemploymentSpell(benefit ?? unemploymentBenefit(on: day), start: day)
        case .sickLeave(let status): return sickLeave(status: status, start: day, allowsTransitions: true)
        case .longTerm(let benefit): return longTermSpell(benefit, start: day)
        case .flexJob: return flexJob(approved: day)
        case .disabilityPension: return disabilityPension(on: day)
        case .education: return education(start: day)
        }
    }

    /// The episode the track leads to when nothing else does.
    mutating func usualEpisode() -> Episode {
        switch track {
        case .insured: return rng.chance(0.88) ? .unemployment(.aDagpenge) : .sickLeave(.employed)
        case .cash: return rng.chance(0.92) ? .unemployment(nil) : .sickLeave(.unemployed)
        case .sick: return rng.chance(0.70) ? .sickLeave(.employed) : .unemployment(.aDagpenge)
        case .complex: return rng.chance(0.5) ? .unemployment(nil) : .longTerm(.ressourceforloeb)
        case .flex: return .flexJob
        }
    }

    /// The citizen's age in whole years on `day`.
    func age(on day: Day) -> Int {
        let b = birth.civil
        let d = day.civil
        var years = d.year - b.year
        if (d.month, d.day) < (b.month, b.day) { years -= 1 }
        return years
    }

    /// The benefit an unemployed citizen of this track gets on `day`.
    func unemploymentBenefit(on day: Day) -> Benefit {
        switch track {
        case .insured, .sick: return .aDagpenge
        case .cash, .complex, .flex: return cashBenefit(on: day)
        }
    }

    /// The cash benefit on `day`: selvforsørgelsesydelse in the first seven years after arrival,
    /// uddannelseshjælp for under-30s without a vocational or higher education, else kontanthjælp.
    func cashBenefit(on day: Day) -> Benefit {
        if let arrival, day.days(since: arrival) < 7 * 365 { return .selvforsoergelsesydelse }
        if age(on: day) < 30 && education == .none { return .uddannelseshjaelp }
        return .kontanthjaelp
    }
}
