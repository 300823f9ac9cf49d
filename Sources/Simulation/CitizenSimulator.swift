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
    private var education: CompletedEducation
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
    private(set) var events: [SimulatedEvent] = []
    /// Whether a job placement's employment is still open at the end.
    private(set) var employmentOpen = false
    /// Last day of the latest spell of each benefit, by `Benefit.ordinal`.
    private var lastSpellEnd: [Day?] = Array(repeating: nil, count: Benefit.allCases.count)
    /// Last day of the latest employment after a placement.
    private var lastEmploymentEnd: Day?
    /// Period chains currently open (checked by assertions).
    private var openChains: Set<Int64> = []
    /// The latest month with paid hours registered (months since year 0): one registration a month.
    private var lastPaidMonth: Int32 = -1

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
    private mutating func run(_ episode: Episode, on day: Day) -> Continuation {
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
    private mutating func usualEpisode() -> Episode {
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
    private func unemploymentBenefit(on day: Day) -> Benefit {
        switch track {
        case .insured, .sick: return .aDagpenge
        case .cash, .complex, .flex: return cashBenefit(on: day)
        }
    }

    /// The cash benefit on `day`: selvforsørgelsesydelse in the first seven years after arrival,
    /// uddannelseshjælp for under-30s without a vocational or higher education, else kontanthjælp.
    private func cashBenefit(on day: Day) -> Benefit {
        if let arrival, day.days(since: arrival) < 7 * 365 { return .selvforsoergelsesydelse }
        if age(on: day) < 30 && education == .none { return .uddannelseshjaelp }
        return .kontanthjaelp
    }

    // MARK: Episodes

    /// A spell of unemployment on `benefit`: match assessments for the cash benefits (the first
    /// within five days, then about quarterly), activations, referrals to job orders and paid hours
    /// from small jobs; most spells end within three months, a few run for years. The end reason
    /// decides what follows: a job (maybe a placement), an education, another benefit, a move.
    private mutating func unemploymentSpell(_ benefit: Benefit, start: Day) -> Continuation {
        let start = afterGap(start, benefit)
        guard start <= to else { return .stop }
        let weeklyHours = benefit == .aDagpenge && rng.chance(0.05) ? UInt8(rng.int(15...30)) : 0
        open(.benefitStarted(benefit, weeklyHours: weeklyHours), on: start)

        var category: MatchCategory?
        if benefit.isAssessed {
            category = track == .complex ? .aktivitetsparat : firstCategory(youth: benefit == .uddannelseshjaelp)
        }
        let shortShare: Double
        switch category {
        case nil: shortShare = 0.62
        case .jobparat?, .aabenlystUddannelsesparat?: shortShare = 0.55
        case .uddannelsesparat?: shortShare = 0.45
        case .aktivitetsparat?: shortShare = 0.30
        }
        var length = spellLength(shortShare: shortShare - profile.shortSpellShareShift)
        // A-dagpenge run out after two years; the citizen then applies for a cash benefit.
        let exhausted = benefit == .aDagpenge && length > 730
        if exhausted { length = 730 }
        let end = start.adding(days: length - 1)

        var assessments: [(day: Day, category: MatchCategory)] = []
        if var current = category {
            var day = min(end, start.adding(days: rng.int(0...5)))
            assessments.append((day, current))
            record(.matchAssessed(current), on: day)
            day = day.adding(days: rng.int(80...110))
            while day <= end && day <= to {
                if rng.chance(0.9) {
                    if rng.chance(0.2) { current = otherCategory(than: current, youth: benefit == .uddannelseshjaelp) }
                    assessments.append((day, current))
                    record(.matchAssessed(current), on: day)
                }
                day = day.adding(days: rng.int(80...110))
            }
        }
        activations(from: start, through: end, benefit: benefit, assessments: assessments, rate: benefit == .aDagpenge ? 0.4 : 0.6)
        referrals(from: start, through: end, benefit: benefit, assessments: assessments)
        if takesSmallJobs {
            paidHours(from: start, through: end, probability: 0.6, hours: benefit == .aDagpenge ? 20...100 : 4...60)
        }
        guard end <= to else { return .stop }

        let finalCategory = assessments.last?.category
        let young = age(on: end) < 30
        let reason: BenefitEndReason
        if exhausted {
            reason = .otherBenefit
        } else {
            switch (benefit, finalCategory) {
            case (.aDagpenge, _):
                reason = rng.pick([(.job, 0.62), (.education, young ? 0.10 : 0.03), (.otherBenefit, 0.08), (.moved, 0.04), (.other, 0.16)])
            case (.uddannelseshjaelp, _):
                reason = rng.pick([(.education, 0.35), (.job, 0.28), (.otherBenefit, 0.10), (.moved, 0.05), (.other, 0.22)])
            case (_, .aktivitetsparat?), (_, .uddannelsesparat?):
                reason = rng.pick([
                    (.job, 0.15), (.education, young ? 0.10 : 0.01), (.otherBenefit, track == .complex ? 0.6 : 0.35),
                    (.moved, 0.05), (.other, 0.25),
                ])
            default:
                reason = rng.pick([(.job, 0.40), (.education, young ? 0.12 : 0.02), (.otherBenefit, 0.12), (.moved, 0.05), (.other, 0.25)])
            }
        }
        closeSpell(benefit, reason: reason, on: end)
        let next = end.adding(days: 1)
        switch reason {
        case .job:
            return afterJob(from: next, spellStart: start, placementChance: benefit == .aDagpenge ? 0.6 : 0.5)
        case .education:
            return .next(.education, on: next)
        case .otherBenefit:
            if exhausted { return .next(.unemployment(cashBenefit(on: next)), on: next) }
            if benefit == .aDagpenge { return .next(.sickLeave(.unemployed), on: next) }
            if finalCategory == .aktivitetsparat || finalCategory == .uddannelsesparat {
                let longTerm: Benefit = rng.pick([(.ressourceforloeb, 0.55), (.jobafklaringsforloeb, 0.25), (.revalidering, 0.20)])
                return .next(.longTerm(longTerm), on: next)
            }
            return .next(.sickLeave(.unemployed), on: next)
        case .moved:
            return .stop
        case .other:
            return afterOther(end)
        }
    }

    /// A sick-leave case from `start` with sygedagpenge (for employees after the employer's first
    /// three weeks), sometimes partial returns and activations; mostly a few weeks, some over 26 or
    /// 52 weeks. Long cases may lead to jobafklaringsforløb or disability pension unless
    /// `allowsTransitions` is false (the citizen keeps a job placement's employment).
    private mutating func sickLeave(status: SickLeaveStatus, start: Day, allowsTransitions: Bool) -> Continuation {
        guard start <= to else { return .stop }
        open(.sickLeaveOpened(status), on: start)
        let length: Int
        let thresholds = profile.sickLeaveThresholds
        switch rng.unit() {
        case ..<thresholds[0]: length = rng.int(7...56)
        case ..<thresholds[1]: length = rng.int(57...182)
        case ..<thresholds[2]: length = rng.int(183...364)
        default: length = rng.int(365...800)
        }
        let last = start.adding(days: length - 1)
        // An employer pays the first weeks of an employee's sickness; the municipality after that.
        let benefitStart = afterGap(status == .employed ? start.adding(days: 21) : start, .sygedagpenge)
        let onBenefit = benefitStart <= last
        if onBenefit {
            open(.benefitStarted(.sygedagpenge, weeklyHours: 0), on: benefitStart)
        }
        if length > 42 && rng.chance(0.35) {
            var day = start.adding(days: rng.int(21...(length - 7)))
            var hours = rng.int(8...24)
            record(.sickLeavePartialReturn(weeklyHours: UInt8(hours)), on: day)
            day = day.adding(days: rng.int(14...60))
            if rng.chance(0.3) && day < last {
                hours = min(37, hours + rng.int(4...12))
                record(.sickLeavePartialReturn(weeklyHours: UInt8(hours)), on: day)
            }
        }
        if onBenefit && length > 90 && rng.chance(0.4) {
            activations(from: benefitStart, through: last, benefit: .sygedagpenge, assessments: [], rate: 0.5)
        }
        guard last <= to else { return .stop }

        let reason: SickLeaveCloseReason
        if length <= 364 || !allowsTransitions {
            reason = rng.pick([(.recovered, 0.85), (.other, 0.15)])
        } else {
            reason = rng.pick([(.jobafklaringsforloeb, 0.45), (.foertidspension, 0.12), (.recovered, 0.33), (.other, 0.10)])
        }
        close(.sickLeaveClosed(reason), on: last)
        if onBenefit {
            let benefitReason: BenefitEndReason
            switch reason {
            case .recovered: benefitReason = status == .employed ? .job : .otherBenefit
            case .jobafklaringsforloeb, .foertidspension: benefitReason = .otherBenefit
            case .other: benefitReason = .other
            }
            closeSpell(.sygedagpenge, reason: benefitReason, on: last)
        }
        let next = last.adding(days: 1)
        switch reason {
        case .jobafklaringsforloeb: return .next(.longTerm(.jobafklaringsforloeb), on: next)
        case .foertidspension: return .next(.disabilityPension, on: next)
        case .recovered where status == .unemployed: return .next(.unemployment(nil), on: next)
        case .recovered: return employed(from: last.adding(days: 1), days: 60...500)
        case .other: return afterOther(last)
        }
    }

    /// A long spell of ressourceforløb, jobafklaringsforløb or revalidering, aktivitetsparat, with
    /// activations; it leads to a flex job, disability pension, a cash benefit, a job or an education.
    private mutating func longTermSpell(_ benefit: Benefit, start: Day) -> Continuation {
        assert(benefit == .ressourceforloeb || benefit == .jobafklaringsforloeb || benefit == .revalidering)
        let start = afterGap(start, benefit)
        guard start <= to else { return .stop }
        open(.benefitStarted(benefit, weeklyHours: 0), on: start)
        let length: Int
        switch benefit {
        case .ressourceforloeb: length = rng.int(365...1_825)
        case .jobafklaringsforloeb: length = rng.int(120...730)
        default: length = rng.int(180...900)
        }
        let end = start.adding(days: length - 1)
        var assessments: [(day: Day, category: MatchCategory)] = []
        if benefit != .revalidering {
            // Assessed aktivitetsparat at the start, and again at the quarterly follow-ups.
            var day = start.adding(days: rng.int(0...10))
            while day <= end && day <= to {
                assessments.append((day, .aktivitetsparat))
                record(.matchAssessed(.aktivitetsparat), on: day)
                day = day.adding(days: rng.int(80...110))
                while rng.chance(0.3) { day = day.adding(days: rng.int(80...110)) }
            }
        }
        activations(from: start, through: end, benefit: benefit, assessments: assessments, rate: 0.5)
        if takesSmallJobs { paidHours(from: start, through: end, probability: 0.4, hours: 4...40) }
        guard end <= to else { return .stop }

        let next = end.adding(days: 1)
        if benefit == .revalidering {
            let reason: BenefitEndReason = rng.pick([(.job, 0.45), (.education, 0.30), (.other, 0.25)])
            closeSpell(benefit, reason: reason, on: end)
            switch reason {
            case .job: return afterJob(from: next, spellStart: start, placementChance: 0.5)
            case .education: return .next(.education, on: next)
            default: return afterOther(end)
            }
        }
        switch rng.weighted([0.45, profile.longTermPensionWeight, 0.25, 0.15]) {
        case 0:
            closeSpell(benefit, reason: .otherBenefit, on: end)
            return .next(.flexJob, on: next)
        case 1:
            closeSpell(benefit, reason: .otherBenefit, on: end)
            return .next(.disabilityPension, on: next)
        case 2:
            closeSpell(benefit, reason: .otherBenefit, on: end)
            return .next(.unemployment(cashBenefit(on: next)), on: next)
        default:
            closeSpell(benefit, reason: .other, on: end)
            return afterOther(end)
        }
    }

    /// Approval for a flex job on `approved`, then rounds of ledighedsydelse and flex jobs: the flex
    /// job starts the day after the ledighedsydelse ends; when a flex job ends, ledighedsydelse
    /// follows again. A few go on to disability pension.
    private mutating func flexJob(approved: Day) -> Continuation {
        guard approved <= to else { return .stop }
        record(.flexJobApproved, on: approved)
        var start = approved
        while true {
            start = afterGap(start, .ledighedsydelse)
            guard start <= to else { return .stop }
            open(.benefitStarted(.ledighedsydelse, weeklyHours: 0), on: start)
            let length: Int
            switch rng.unit() {
            case ..<profile.ledighedsydelseThresholds[0]: length = rng.int(30...180)
            case ..<profile.ledighedsydelseThresholds[1]: length = rng.int(181...548)
            default: length = rng.int(549...1_400)
            }
            let end = start.adding(days: length - 1)
            activations(from: start, through: end, benefit: .ledighedsydelse, assessments: [], rate: 0.3)
            guard end <= to else { return .stop }
            if rng.chance(0.1) {
                closeSpell(.ledighedsydelse, reason: .otherBenefit, on: end)
                return .next(.disabilityPension, on: end.adding(days: 1))
            }
            // The flex job starts the day after the ledighedsydelse ends.
            closeSpell(.ledighedsydelse, reason: .job, on: end)
            let flexStart = end.adding(days: 1)
            guard flexStart <= to else { return .stop }
            open(
                .flexJobStarted(employer: world.employer(in: municipalityIndex, rng: &rng), weeklyHours: UInt8(rng.int(10...30))),
                on: flexStart)
            let flexLength = rng.chance(0.4) ? rng.int(90...540) : rng.int(541...2_500)
            let flexEnd = flexStart.adding(days: flexLength - 1)
            guard flexEnd <= to else { return .stop }
            close(.flexJobEnded, on: flexEnd)
            start = flexEnd.adding(days: 1)
        }
    }

    /// A citizen on the way to a disability pension awarded on `award`: on a cash benefit from
    /// registration, assessed aktivitetsparat about quarterly, until the day before the award.
    private mutating func pensionPipeline(award: Day) -> Continuation {
        let benefit = cashBenefit(on: registered)
        open(.benefitStarted(benefit, weeklyHours: 0), on: registered)
        let end = award.adding(days: -1)
        var day = registered.adding(days: rng.int(0...5))
        while day <= end && day <= to {
            record(.matchAssessed(.aktivitetsparat), on: day)
            day = day.adding(days: rng.int(80...110))
        }
        guard end <= to else { return .stop }
        closeSpell(benefit, reason: .otherBenefit, on: end)
        return .next(.disabilityPension, on: award)
    }

    /// Disability pension awarded on `day`, with førtidspension from that day: the end of the history.
    private mutating func disabilityPension(on day: Day) -> Continuation {
        guard day <= to else { return .stop }
        record(.disabilityPensionAwarded, on: day)
        // Førtidspension is the last benefit: it never ends, and nothing more is simulated.
        open(.benefitStarted(.foertidspension, weeklyHours: 0), on: day)
        return .stop
    }

    /// An ordinary education from `start`: about a third drop out within the first year, the rest
    /// complete it (which raises the citizen's highest completed education).
    private mutating func education(start: Day) -> Continuation {
        guard start <= to else { return .stop }
        let level: StudyLevel =
            age(on: start) < 30 && education == .none
            ? rng.pick([(.youth, 0.55), (.vocational, 0.45)])
            : rng.pick([(.vocational, 0.55), (.higher, 0.45)])
        open(.educationStarted(level), on: start)
        let planned: Int
        switch level {
        case .youth: planned = rng.int(700...1_100)
        case .vocational: planned = rng.int(700...1_460)
        case .higher: planned = rng.int(1_095...1_825)
        }
        // About a third drop out within the first year (the seeds report 34 %), a few later.
        let reason: EducationEndReason
        let length: Int
        switch rng.unit() {
        case ..<0.34:
            reason = .droppedOut
            length = rng.int(30...364)
        case ..<0.39:
            reason = .droppedOut
            length = rng.int(365...planned)
        default:
            reason = .completed
            length = planned
        }
        let end = start.adding(days: length - 1)
        guard end <= to else { return .stop }
        close(.educationEnded(reason), on: end)
        if reason == .completed {
            switch level {
            case .youth: break
            case .vocational: if education == .none { education = .vocational }
            case .higher: education = .higher
            }
            return employed(from: end.adding(days: 1), days: 200...900)
        }
        return .next(.usual, on: end.adding(days: rng.int(14...120)))
    }

    /// The citizen works (a job found without the jobcenter, the old job after sickness, a job after
    /// an education) from `start` for a number of days in `days`; the wages show up as paid hours.
    /// Then the track's usual episode follows.
    private mutating func employed(from start: Day, days: ClosedRange<Int>) -> Continuation {
        let next = start.adding(days: rng.int(days))
        paidHours(from: start, through: next.adding(days: -1), probability: 0.9, hours: 100...160)
        return .next(.usual, on: next)
    }

    /// After a spell ends for another reason on `last`: most citizens work for a while (paid
    /// hours show), the others are out of the jobcenter's sight; then the usual episode follows.
    /// Citizens on cash benefits mostly come back within weeks.
    private mutating func afterOther(_ last: Day) -> Continuation {
        if track == .cash || track == .complex {
            if rng.chance(0.6) { return .next(.usual, on: last.adding(days: rng.int(7...60))) }
            return employed(from: last.adding(days: 1), days: 30...240)
        }
        if rng.chance(0.6) { return employed(from: last.adding(days: 1), days: 30...240) }
        return .next(.usual, on: last.adding(days: rng.int(30...240)))
    }

    /// After a spell ends because the citizen got a job: a placement the jobcenter helped with
    /// (with probability `placementChance`) or a job found alone.
    private mutating func afterJob(from day: Day, spellStart: Day, placementChance: Double) -> Continuation {
        guard rng.chance(placementChance) else {
            return employed(from: day, days: 30...540)
        }
        switch placement(on: day, spellStart: spellStart) {
        case .ended(let last):
            return .next(.usual, on: last.adding(days: rng.int(1...60)))
        case .open(let start):
            // Employed to the end; some fall sick on the way.
            let sickDay = start.adding(days: rng.int(30...700))
            if rng.chance(0.15) && sickDay <= to {
                _ = sickLeave(status: .employed, start: sickDay, allowsTransitions: false)
            }
            return .stop
        case .notRecorded:
            return .stop
        }
    }

    /// What became of a placement's employment.
    private enum EmploymentOutcome {
        /// It ended on this day.
        case ended(Day)
        /// It started on this day and was still open on `to`.
        case open(Day)
        /// It would start after `to`.
        case notRecorded
    }

    /// A job placement from `day` (or later, after the last placement's employment): about 40 % by
    /// employer request, filling a job order the citizen was referred to when one is open; the
    /// wages show as paid hours; some employments end within the simulation.
    private mutating func placement(on day: Day, spellStart: Day) -> EmploymentOutcome {
        var start = day
        if let last = lastEmploymentEnd { start = max(start, last.adding(days: 2)) }
        guard start <= to else { return .notRecorded }
        let channel: PlacementChannel = rng.chance(profile.employerRequestShare(in: start.civil.year)) ? .employerRequest : .other
        var order: Int32 = -1
        var employer: Int32 = -1
        if channel == .employerRequest {
            let window = start.adding(days: -60)...start.adding(days: -1)
            if let found = world.findOrder(in: municipalityIndex, received: window, needsOpenPosition: true, rng: &rng) {
                order = found
                employer = world.orders[Int(found)].employer
                // The citizen was referred to the order before being hired.
                let earliest = max(world.orders[Int(found)].received, spellStart, registered)
                if earliest < start {
                    record(.jobOrderReferral(order: found), on: earliest.adding(days: rng.int(0...(start.days(since: earliest) - 1))))
                    world.orders[Int(found)].referrals += 1
                }
            } else {
                employer = world.employer(in: municipalityIndex, rng: &rng)
            }
        } else if rng.chance(0.7) {
            employer = world.employer(in: municipalityIndex, rng: &rng)
        }
        open(.jobPlacement(channel: channel, employer: employer, order: order), on: start)
        if order >= 0 {
            record(.jobOrderFilled(order: order, positions: 1), on: start)
            world.orders[Int(order)].filled += 1
        }
        let length: Int
        switch rng.unit() {
        case ..<0.30: length = rng.int(30...180)
        case ..<0.55: length = rng.int(181...540)
        default: length = rng.int(541...2_500)
        }
        let last = start.adding(days: length - 1)
        // The wages show up as paid hours, month by month (the jobcenter follows up on placements).
        paidHours(from: start, through: last, probability: 0.9, hours: 60...160)
        guard last <= to else {
            employmentOpen = true
            return .open(start)
        }
        close(.employmentEnded, on: last)
        lastEmploymentEnd = last
        return .ended(last)
    }

    // MARK: Within a spell

    /// Activations during a spell from `start` through `end` (which may lie after `to`): one after
    /// another, each ending within the spell mostly.
    private mutating func activations(
        from start: Day, through end: Day, benefit: Benefit,
        assessments: [(day: Day, category: MatchCategory)], rate: Double
    ) {
        var day = start.adding(days: rng.int(14...90))
        while day <= end && day <= to {
            guard rng.chance(rate) else {
                day = day.adding(days: rng.int(30...90))
                continue
            }
            let kind = activationKind(benefit: benefit, category: CitizenSimulator.category(on: day, in: assessments))
            var last = day.adding(days: rng.int(kind.lengthDays) - 1)
            if last > end { last = rng.chance(0.85) ? end : end.adding(days: rng.int(1...30)) }
            let activity = world.newActivity()
            let provider: Int16 = rng.chance(0.45) ? Int16(rng.below(Names.providers.count)) : -1
            let employer: Int32 = kind.hasEmployer ? world.partner(in: municipalityIndex, rng: &rng) : -1
            let minutes = Int16(rng.int(kind.weeklyMinutes) / 15 * 15)
            open(.activationStarted(activity: activity, kind: kind, provider: provider, employer: employer, weeklyMinutes: minutes), on: day)
            close(.activationEnded(activity: activity), on: last)
            // Citizens far from the labour market often have a mentor alongside (mentorstøtte).
            if kind != .mentor && CitizenSimulator.category(on: day, in: assessments) == .aktivitetsparat && rng.chance(0.3) {
                let mentor = world.newActivity()
                open(
                    .activationStarted(
                        activity: mentor, kind: .mentor, provider: rng.chance(0.6) ? Int16(rng.below(Names.providers.count)) : -1,
                        employer: -1, weeklyMinutes: Int16(rng.int(ActivationKind.mentor.weeklyMinutes) / 15 * 15)), on: day)
                close(.activationEnded(activity: mentor), on: last)
            }
            day = last.adding(days: rng.int(14...60))
        }
    }

    /// An activation kind fitting the benefit and match category.
    private mutating func activationKind(benefit: Benefit, category: MatchCategory?) -> ActivationKind {
        let weights: [(ActivationKind, Double)]
        switch (benefit, category) {
        case (.sygedagpenge, _):
            weights = [(.vejledningOpkvalificering, 40), (.mentor, 30), (.virksomhedspraktik, 30)]
        case (.ledighedsydelse, _):
            weights = [(.virksomhedspraktik, 60), (.vejledningOpkvalificering, 20), (.mentor, 20)]
        case (.ressourceforloeb, _), (.jobafklaringsforloeb, _), (.revalidering, _):
            weights = [
                (.virksomhedspraktik, 30), (.mentor, 35), (.vejledningOpkvalificering, 30), (.loentilskudOffentlig, 3), (.loentilskudPrivat, 2),
            ]
        case (.aDagpenge, _), (_, .jobparat?), (_, .aabenlystUddannelsesparat?):
            weights = [
                (.virksomhedspraktik, 20), (.loentilskudPrivat, 8), (.loentilskudOffentlig, 6), (.nytteindsats, 5),
                (.vejledningOpkvalificering, 40), (.mentor, 5), (.jobrotation, 8), (.voksenlaerling, 8),
            ]
        default:
            weights = [
                (.virksomhedspraktik, 20), (.loentilskudPrivat, 3), (.loentilskudOffentlig, 4), (.nytteindsats, 10),
                (.vejledningOpkvalificering, 32), (.mentor, 28), (.jobrotation, 1), (.voksenlaerling, 2),
            ]
        }
        return rng.pick(weights)
    }

    /// Referrals to job orders for job-ready citizens, every few weeks now and then.
    private mutating func referrals(
        from start: Day, through end: Day, benefit: Benefit,
        assessments: [(day: Day, category: MatchCategory)]
    ) {
        var day = start.adding(days: rng.int(7...40))
        while day <= end && day <= to {
            let category = CitizenSimulator.category(on: day, in: assessments)
            let jobReady = benefit == .aDagpenge || category == .jobparat || category == .aabenlystUddannelsesparat
            if jobReady && rng.chance(0.2),
                let order = world.findOrder(in: municipalityIndex, received: day.adding(days: -30)...day, needsOpenPosition: false, rng: &rng)
            {
                record(.jobOrderReferral(order: order), on: day)
                world.orders[Int(order)].referrals += 1
            }
            day = day.adding(days: rng.int(10...30))
        }
    }

    /// Paid hours registered for months from `start`'s through `end`'s, each with `probability`,
    /// effective on the month's last day.
    private mutating func paidHours(from start: Day, through end: Day, probability: Double, hours: ClosedRange<Int>) {
        var month = start.firstOfMonth
        while month <= end {
            let last = month.lastOfMonth
            guard last <= to else { return }
            let civil = month.civil
            let monthNumber = Int32(civil.year * 12 + civil.month - 1)
            if monthNumber > lastPaidMonth && rng.chance(probability) {
                record(.paidHoursRegistered(month: monthNumber, hours: Int16(rng.int(hours))), on: last)
                lastPaidMonth = monthNumber
            }
            month = last.adding(days: 1)
        }
    }

    // MARK: Helpers

    /// The match category assessed most recently on or before `day`, or nil before the first.
    static func category(on day: Day, in assessments: [(day: Day, category: MatchCategory)]) -> MatchCategory? {
        assessments.last { $0.day <= day }?.category
    }

    /// The first match category of a cash-benefit spell; `youth` for uddannelseshjælp.
    private mutating func firstCategory(youth: Bool) -> MatchCategory {
        youth
            ? rng.pick([(.aabenlystUddannelsesparat, 0.30), (.uddannelsesparat, 0.45), (.aktivitetsparat, 0.25)])
            : rng.pick([(.jobparat, 0.55), (.aktivitetsparat, 0.45)])
    }

    /// Another category of the same group: for `youth` (on uddannelseshjælp) åbenlyst
    /// uddannelsesparat, uddannelsesparat and aktivitetsparat; else jobparat and aktivitetsparat.
    private mutating func otherCategory(than category: MatchCategory, youth: Bool) -> MatchCategory {
        switch category {
        case .jobparat: return .aktivitetsparat
        case .aktivitetsparat: return youth ? .uddannelsesparat : .jobparat
        case .aabenlystUddannelsesparat: return .uddannelsesparat
        case .uddannelsesparat: return rng.chance(0.5) ? .aabenlystUddannelsesparat : .aktivitetsparat
        }
    }

    /// A spell length in days: `shortShare` end within three months, the rest within a year, two
    /// years or (a few) longer.
    private mutating func spellLength(shortShare: Double) -> Int {
        let u = rng.unit()
        if u < shortShare { return min(91, 7 + rng.exponentialDays(mean: 35)) }
        let rest = (u - shortShare) / (1 - shortShare)
        if rest < profile.spellTailThresholds[0] { return rng.int(92...364) }
        if rest < profile.spellTailThresholds[1] { return rng.int(365...730) }
        return rng.int(731...1_400)
    }

    /// `day`, or later so that a new spell of `benefit` does not touch the last one.
    private func afterGap(_ day: Day, _ benefit: Benefit) -> Day {
        guard let last = lastSpellEnd[benefit.ordinal] else { return day }
        return max(day, last.adding(days: 2))
    }

    /// Ends the spell of `benefit` on `day` (its last day).
    private mutating func closeSpell(_ benefit: Benefit, reason: BenefitEndReason, on day: Day) {
        close(.benefitEnded(benefit, reason: reason), on: day)
        lastSpellEnd[benefit.ordinal] = day
        // Some citizens answer the satisfaction survey after a spell (anonymously: no citizen).
        let answered = day.adding(days: rng.int(1...30))
        if rng.chance(0.1) && answered <= to {
            record(.surveyResponse(.citizen, satisfied: rng.chance(0.78)), on: answered, aboutCitizen: false)
        }
    }

    /// Adds an event on `day` if the day lies within the simulation; returns whether it did.
    @discardableResult
    private mutating func record(_ facts: Facts, on day: Day, aboutCitizen: Bool = true) -> Bool {
        guard day <= to else { return false }
        assert(day >= registered, "nothing happens to a citizen before the registration")
        if case .sickLeavePartialReturn = facts { assert(openChains.contains(facts.chain!), "a partial return needs an open case") }
        events.append(
            SimulatedEvent(
                recordedAt: 0, effective: day, citizen: aboutCitizen ? citizen : -1,
                municipality: municipality, facts: facts))
        return true
    }

    /// Records an event that opens a period.
    private mutating func open(_ facts: Facts, on day: Day) {
        guard record(facts, on: day) else { return }
        let inserted = openChains.insert(facts.chain!).inserted
        assert(inserted, "a period is not opened while it is open")
    }

    /// Records an event that closes a period.
    private mutating func close(_ facts: Facts, on day: Day) {
        guard record(facts, on: day) else { return }
        let removed = openChains.remove(facts.chain!)
        assert(removed != nil, "only an open period is closed")
    }
}
