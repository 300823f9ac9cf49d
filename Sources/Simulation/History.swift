internal import LedgerCore

/// Events a correction may safely name, gathered while the history is built (each an index into
/// `History.events`).
struct CorrectionCandidates {
    /// Paid-hours registrations (a duplicate of one is made, then retracted).
    var paidHours: [Int32] = []
    /// Survey responses and company visits (retracted as created in error).
    var surveysAndVisits: [Int32] = []
    /// Job placements whose employment is still open at the end and is the citizen's last (retracted).
    var openPlacements: [Int32] = []
    /// Job placements without a job order (superseded with the other channel).
    var placementsWithoutOrder: [Int32] = []
    /// Match assessments other than aktivitetsparat (superseded with the counterpart category).
    var matchAssessments: [Int32] = []
}

/// The whole synthetic history: every event with its recorded-at, in the order made.
struct History {
    /// The options.
    let options: GeneratorOptions
    /// Recorded-at rules.
    let delays: RecordingDelays
    /// Companies, job orders and activity numbers.
    let world: World
    /// Every event, in the order made; an event's index is its identity until the output is ordered.
    var events: [SimulatedEvent] = []
    /// The citizens' pseudonyms: 64 random bits each, written as 16 hex digits.
    var pseudonyms: [UInt64] = []
    /// Events corrections may name.
    var candidates = CorrectionCandidates()
    /// The random stream for recorded-at times and corrections.
    var rng: SplitMix64
    /// The seeds of the citizens' own streams.
    private var master: SplitMix64

    /// Share of events corrected (about 0.2 %).
    static let correctionShare = 0.002

    /// Sets up the world for `options`.
    init(options: GeneratorOptions) {
        self.options = options
        delays = RecordingDelays(to: options.to)
        master = SplitMix64(seed: options.seed)
        var worldRandom = SplitMix64(seed: master.next())
        world = World(options: options, rng: &worldRandom)
        rng = SplitMix64(seed: master.next())
        events.reserveCapacity(max(1_000, options.citizens * 90))
    }

    /// Makes every event: the world's, each citizen's history, then the corrections.
    mutating func build() {
        world.makeEvents(into: &events, delays: delays, rng: &rng)
        for index in events.indices {
            switch events[index].facts {
            case .surveyResponse, .companyVisited: candidates.surveysAndVisits.append(Int32(index))
            default: break
            }
        }
        var seen = Set<UInt64>()
        pseudonyms.reserveCapacity(options.citizens)
        for _ in 0..<options.citizens {
            var pseudonym: UInt64
            repeat { pseudonym = master.next() } while !seen.insert(pseudonym).inserted
            pseudonyms.append(pseudonym)
        }
        for citizen in 0..<options.citizens {
            var simulator = CitizenSimulator(world: world, citizen: Int32(citizen), rng: SplitMix64(seed: master.next()))
            simulator.simulate()
            append(simulator)
        }
        world.makeFillsWithoutReferral(into: &events, delays: delays, rng: &rng)
        makeCorrections()
    }

    /// Adds one citizen's events in causal order, each with a recorded-at that follows the
    /// registration, the earlier events of its period and its job order.
    private mutating func append(_ simulator: CitizenSimulator) {
        let made = simulator.events
        guard !made.isEmpty else { return }
        // Causal order: by effective date, then registration, openings, events within a period,
        // other events and closings, then the order made.
        let causalOrder = made.indices.sorted { a, b in
            let x = made[a]
            let y = made[b]
            if x.effective != y.effective { return x.effective < y.effective }
            if x.facts.sameDayRank != y.facts.sameDayRank { return x.facts.sameDayRank < y.facts.sameDayRank }
            return a < b
        }
        assert(made[causalOrder[0]].facts.type == .citizenRegistered, "a citizen's history starts with the registration")
        var registeredAt: Int64 = 0
        var chainRecordedAt: [Int64: Int64] = [:]
        var lastPlacement: Int32 = -1
        for index in causalOrder {
            var event = made[index]
            var time = delays.recordedAt(effective: event.effective, rng: &rng)
            if event.citizen >= 0 { time = max(time, registeredAt) }
            let chain = event.facts.chain
            if let chain, let before = chainRecordedAt[chain] { time = max(time, before) }
            if let order = event.facts.order { time = max(time, world.orders[Int(order)].recordedAt) }
            if let chain { chainRecordedAt[chain] = time }
            if case .citizenRegistered = event.facts { registeredAt = time }
            assert(time <= delays.capMilliseconds)
            assert(time >= Int64(event.effective.ordinal) * RecordingDelays.dayMilliseconds)
            event.recordedAt = time

            let id = Int32(events.count)
            switch event.facts {
            case .paidHoursRegistered: candidates.paidHours.append(id)
            case .surveyResponse: candidates.surveysAndVisits.append(id)
            case .matchAssessed(let category) where category != .aktivitetsparat:
                // Aktivitetsparat is valid for every group, so its replacement would depend on the
                // benefit; the other categories have an obvious counterpart.
                candidates.matchAssessments.append(id)
            case .jobPlacement(_, _, let jobOrder):
                lastPlacement = id
                if jobOrder < 0 { candidates.placementsWithoutOrder.append(id) }
            default: break
            }
            events.append(event)
        }
        if simulator.employmentOpen {
            assert(lastPlacement >= 0, "an open employment began with a placement")
            candidates.openPlacements.append(lastPlacement)
        }
    }
}
