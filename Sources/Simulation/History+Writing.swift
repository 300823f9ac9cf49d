internal import LedgerCore

extension History {
    /// An event's place in the output order: by recorded-at, then by the order made (which keeps
    /// each citizen's causal order and puts a correction after its original).
    struct OutputKey: Comparable {
        /// Recorded-at, milliseconds since the epoch.
        var recordedAt: Int64
        /// The event's index in `History.events`.
        var index: Int32

        static func < (lhs: OutputKey, rhs: OutputKey) -> Bool {
            lhs.recordedAt != rhs.recordedAt ? lhs.recordedAt < rhs.recordedAt : lhs.index < rhs.index
        }
    }

    /// Orders the events by recorded-at and calls `emit` with each line.
    func write(_ emit: (String) -> Void) {
        precondition(events.count < Int(Int32.max), "event indexes fit in 32 bits")
        var keys = events.indices.map { OutputKey(recordedAt: events[$0].recordedAt, index: Int32($0)) }
        keys.sort()
        var position = [Int32](repeating: 0, count: events.count)
        for (place, key) in keys.enumerated() { position[Int(key.index)] = Int32(place) }
        var writer = LineWriter()
        for (place, key) in keys.enumerated() {
            let event = events[Int(key.index)]
            emit(line(for: event, place: place, position: position, writer: &writer))
        }
    }

    /// The input line of `event`, the `place`-th (0-based) of the output.
    private func line(for event: SimulatedEvent, place: Int, position: [Int32], writer: inout LineWriter) -> String {
        writer.begin(type: event.facts.type)
        switch event.facts {
        case .retraction(let target, let reason):
            writer.beginFacts()
            writeCorrection(target: target, action: "retract", reason: reason, place: place, position: position, writer: &writer)
        case .channelSuperseded(let target, let channel):
            writer.beginFacts()
            writeCorrection(target: target, action: "supersede", reason: .wrongFacts, place: place, position: position, writer: &writer)
            guard case .jobPlacement(_, let employer, let order) = events[Int(target)].facts else { preconditionFailure("a placement") }
            writeFacts(.jobPlacement(channel: channel, employer: employer, order: order), writer: &writer)
        case .categorySuperseded(let target, let category):
            writer.beginFacts()
            writeCorrection(target: target, action: "supersede", reason: .wrongFacts, place: place, position: position, writer: &writer)
            writeFacts(.matchAssessed(category), writer: &writer)
        default:
            writer.effective(event.effective)
            if event.municipality >= 0 { writer.municipality(Int(event.municipality)) }
            if event.citizen >= 0 { writer.citizen(pseudonyms[Int(event.citizen)]) }
            writer.beginFacts()
            writeFacts(event.facts, writer: &writer)
        }
        writer.endFacts()
        if options.withRecordedAt { writer.recordedAt(event.recordedAt) }
        return writer.end()
    }

    private func writeCorrection(
        target: Int32, action: String, reason: CorrectionReason, place: Int, position: [Int32],
        writer: inout LineWriter
    ) {
        let targetPlace = Int(position[Int(target)])
        precondition(targetPlace < place, "a correction follows the event it corrects")
        writer.fact("corrects", integer: Int(options.firstSeq) + targetPlace)
        writer.fact("action", text: action)
        writer.fact("correction_reason", text: reason.rawValue)
    }

    /// Writes the facts of an event (not a correction's own three) in the catalog's order.
    private func writeFacts(_ facts: Facts, writer: inout LineWriter) {
        switch facts {
        case .citizenRegistered(let birth, let education, let arrival):
            writer.fact("birth_date", date: birth)
            writer.fact("education", text: education.rawValue)
            writer.fact("refugee", bool: arrival != nil)
            if let arrival { writer.fact("arrival_date", date: arrival) }
        case .benefitStarted(let benefit, let weeklyHours):
            writer.fact("benefit", text: benefit.rawValue)
            if weeklyHours > 0 { writer.fact("weekly_hours", integer: Int(weeklyHours)) }
        case .benefitEnded(let benefit, let reason):
            writer.fact("benefit", text: benefit.rawValue)
            writer.fact("reason", text: reason.rawValue)
        case .matchAssessed(let category):
            writer.fact("category", text: category.rawValue)
        case .activationStarted(let activity, let kind, let provider, let employer, let weeklyMinutes):
            writer.fact("activity_id", prefix: "A-", seed: world.options.seed, number: Int(activity))
            writer.fact("kind", text: kind.rawValue)
            writer.fact("provider", text: provider >= 0 ? "anden-aktoer" : "jobcenter")
            if provider >= 0 { writer.fact("provider_name", text: Names.providers[Int(provider)]) }
            if employer >= 0 { writer.fact("employer_cvr", cvr: world.companies[Int(employer)].cvr) }
            writer.fact("weekly_minutes", integer: Int(weeklyMinutes))
        case .activationEnded(let activity):
            writer.fact("activity_id", prefix: "A-", seed: world.options.seed, number: Int(activity))
        case .jobPlacement(let channel, let employer, let order):
            writer.fact("channel", text: channel.rawValue)
            if employer >= 0 { writer.fact("employer_cvr", cvr: world.companies[Int(employer)].cvr) }
            if order >= 0 { writer.fact("order_id", prefix: "JO-", seed: world.options.seed, number: Int(order) + 1) }
        case .employmentEnded, .flexJobApproved, .flexJobEnded, .disabilityPensionAwarded:
            break
        case .jobOrderReceived(let order, let employer, let positions):
            writer.fact("order_id", prefix: "JO-", seed: world.options.seed, number: Int(order) + 1)
            writer.fact("employer_cvr", cvr: world.companies[Int(employer)].cvr)
            writer.fact("positions", integer: Int(positions))
        case .jobOrderReferral(let order):
            writer.fact("order_id", prefix: "JO-", seed: world.options.seed, number: Int(order) + 1)
        case .jobOrderFilled(let order, let positions):
            writer.fact("order_id", prefix: "JO-", seed: world.options.seed, number: Int(order) + 1)
            writer.fact("positions", integer: Int(positions))
        case .flexJobStarted(let employer, let weeklyHours):
            writer.fact("employer_cvr", cvr: world.companies[Int(employer)].cvr)
            writer.fact("weekly_hours", integer: Int(weeklyHours))
        case .sickLeaveOpened(let status):
            writer.fact("status", text: status.rawValue)
        case .sickLeavePartialReturn(let weeklyHours):
            writer.fact("weekly_hours", integer: Int(weeklyHours))
        case .sickLeaveClosed(let reason):
            writer.fact("reason", text: reason.rawValue)
        case .educationStarted(let level):
            writer.fact("level", text: level.rawValue)
        case .educationEnded(let reason):
            writer.fact("reason", text: reason.rawValue)
        case .paidHoursRegistered(let month, let hours):
            writer.fact("month", month: month)
            writer.fact("hours", integer: Int(hours))
        case .companyRegistered(let company, let employees):
            writer.fact("cvr", cvr: world.companies[Int(company)].cvr)
            writer.fact("employees", integer: Int(employees))
        case .companyVisited(let company):
            writer.fact("cvr", cvr: world.companies[Int(company)].cvr)
        case .eventHeld(let name, let participants):
            writer.fact("name", text: Names.events[Int(name)].name)
            writer.fact("participants", integer: Int(participants))
        case .surveyResponse(let respondent, let satisfied):
            writer.fact("respondent", text: respondent.rawValue)
            writer.fact("satisfied", bool: satisfied)
        case .referenceFigure(let figure, let year, let tenths):
            let spec = ReferenceFigures.all[Int(figure)]
            writer.fact("name", text: spec.name)
            writer.fact("period", text: String(year))
            writer.fact("value", tenths: Int(tenths))
            writer.fact("unit", text: spec.unit)
            writer.fact("source", text: ReferenceFigures.source)
        case .retraction, .channelSuperseded, .categorySuperseded:
            preconditionFailure("corrections are written by line(for:)")
        }
    }
}
