internal import LedgerCore

/// A company (workplace) the jobcenter knows: its CVR number, municipality and size.
struct Company {
    /// The CVR number, 8 digits (10000000 to 99999999).
    var cvr: Int32
    /// Index of its municipality in `GeneratorOptions.municipalities`.
    var municipalityIndex: Int
    /// Number of employees.
    var employees: Int32
    /// The day it was registered.
    var registered: Day
}

/// An employer's job order: when it came in, how many positions, and what became of it.
struct JobOrder {
    /// Index of its municipality in `GeneratorOptions.municipalities`.
    var municipalityIndex: Int
    /// The day it was received.
    var received: Day
    /// Index of the employer in the companies.
    var employer: Int32
    /// Positions to fill.
    var positions: Int16
    /// Whether the employer asked the jobcenter to refer candidates (others are only posted).
    var acceptsReferrals: Bool
    /// When its receipt was recorded: referrals and fills are recorded after it.
    var recordedAt: Int64 = 0
    /// Referrals made to it so far.
    var referrals: Int32 = 0
    /// Positions filled so far.
    var filled: Int16 = 0
}

/// Everything the citizens share: companies, job orders and the activity-id counter; and the
/// events about no person (company registrations and visits, job orders, events held, surveys of
/// companies, reference figures).
final class World {
    /// The simulation's options.
    let options: GeneratorOptions
    /// Companies, by index.
    private(set) var companies: [Company] = []
    /// For each municipality, the companies with 2 or more employees (workplaces for jobs).
    private var employersByMunicipality: [[Int32]]
    /// For each municipality, the employers that take citizens in activation (virksomhedspraktik,
    /// løntilskud): about a third of them, so that the cooperation rate (M21) is not everyone.
    private var partnersByMunicipality: [[Int32]]
    /// Job orders; order number `n` is index `n`, written `JO-` and `n + 1` in six digits.
    var orders: [JobOrder] = []
    /// For each municipality, its job orders' indexes sorted by the day received.
    private var ordersByMunicipality: [[Int32]]
    /// The municipality index of every citizen, fixed up front so that the world can be sized.
    let citizenMunicipality: [Int]
    /// The next activity number (written `A-` and six digits).
    private var nextActivity: Int32 = 1

    /// Job orders a year per citizen of a municipality.
    static let ordersPerCitizenYear = 0.08
    /// Share of job orders for which the employer wants candidates referred.
    static let referralOrderShare = 0.7
    /// Companies per citizen (about ten per hundred citizens).
    static let companiesPerCitizen = 0.1

    /// Sets up the world for `options`: assigns citizens to municipalities and makes the companies
    /// and job orders (their events are made by ``makeEvents(into:delays:rng:)``).
    init(options: GeneratorOptions, rng: inout SplitMix64) {
        self.options = options
        let municipalityCount = options.municipalities.count
        employersByMunicipality = Array(repeating: [], count: municipalityCount)
        partnersByMunicipality = Array(repeating: [], count: municipalityCount)
        ordersByMunicipality = Array(repeating: [], count: municipalityCount)
        // Round-robin from a random offset, then shuffled: an even spread in a random order.
        let offset = rng.below(municipalityCount)
        var assignment: [Int]
        if let weights = options.profile.municipalityWeights, weights.count == municipalityCount, weights.reduce(0, +) > 0 {
            // Whole numbers of citizens in proportion to the weights, the remainder to the first.
            let total = weights.reduce(0, +)
            var counts = weights.map { Int((Double(options.citizens) * $0 / total).rounded(.down)) }
            counts[0] += options.citizens - counts.reduce(0, +)
            assignment = counts.enumerated().flatMap { Array(repeating: $0.offset, count: $0.element) }
        } else {
            assignment = (0..<options.citizens).map { ($0 + offset) % municipalityCount }
        }
        for i in stride(from: assignment.count - 1, to: 0, by: -1) {
            assignment.swapAt(i, rng.below(i + 1))
        }
        citizenMunicipality = assignment
        makeCompanies(rng: &rng)
        makeOrders(rng: &rng)
    }

    /// The number of citizens of each municipality.
    var citizensByMunicipality: [Int] {
        var counts = Array(repeating: 0, count: options.municipalities.count)
        for m in citizenMunicipality { counts[m] += 1 }
        return counts
    }

    /// Simulated years, as a fraction (at least one day's worth).
    var years: Double { Double(options.to.days(since: options.from) + 1) / 365.25 }

    private func makeCompanies(rng: inout SplitMix64) {
        guard options.citizens > 0 else { return }
        let perMunicipality = citizensByMunicipality.map { max(3, Int((Double($0) * World.companiesPerCitizen).rounded())) }
        var used = Set<Int32>()
        let lastStart = options.to.days(since: options.from)
        for (m, count) in perMunicipality.enumerated() {
            for _ in 0..<count {
                var cvr: Int32
                repeat { cvr = Int32(rng.int(10_000_000...99_999_999)) } while !used.insert(cvr).inserted
                let employees: Int
                switch rng.unit() {
                case ..<0.40: employees = rng.int(0...4)
                case ..<0.85: employees = rng.int(5...49)
                case ..<0.97: employees = rng.int(50...249)
                default: employees = rng.int(250...2_000)
                }
                // Most are known from the start; some are registered later.
                let registered =
                    rng.chance(0.85)
                    ? options.from.adding(days: rng.int(0...min(60, lastStart)))
                    : options.from.adding(days: rng.int(0...lastStart))
                companies.append(Company(cvr: cvr, municipalityIndex: m, employees: Int32(employees), registered: registered))
                if employees >= 2 {
                    employersByMunicipality[m].append(Int32(companies.count - 1))
                    // Larger workplaces cooperate more often.
                    if rng.chance(employees >= 50 ? 0.6 : 0.3) { partnersByMunicipality[m].append(Int32(companies.count - 1)) }
                }
            }
            if employersByMunicipality[m].isEmpty {
                employersByMunicipality[m] = companies.indices.filter { companies[$0].municipalityIndex == m }.map { Int32($0) }
            }
        }
    }

    private func makeOrders(rng: inout SplitMix64) {
        let lastStart = options.to.days(since: options.from)
        for (m, citizens) in citizensByMunicipality.enumerated() where citizens > 0 {
            let count = max(2, Int((Double(citizens) * World.ordersPerCitizenYear * years).rounded()))
            var days = (0..<count).map { _ in options.from.adding(days: rng.int(0...lastStart)) }
            days.sort()
            for day in days {
                let positions: Int
                switch rng.unit() {
                case ..<0.60: positions = 1
                case ..<0.80: positions = 2
                case ..<0.95: positions = rng.int(3...5)
                default: positions = rng.int(6...20)
                }
                orders.append(
                    JobOrder(
                        municipalityIndex: m, received: day, employer: employer(in: m, rng: &rng),
                        positions: Int16(positions), acceptsReferrals: rng.chance(World.referralOrderShare)))
                ordersByMunicipality[m].append(Int32(orders.count - 1))
            }
        }
    }

    /// A workplace for an activation in municipality `m`: nearly always one of the cooperating
    /// employers, now and then another one.
    func partner(in m: Int, rng: inout SplitMix64) -> Int32 {
        let list = partnersByMunicipality[m]
        if list.isEmpty || rng.chance(0.05) { return employer(in: m, rng: &rng) }
        return list[rng.below(list.count)]
    }

    /// A workplace in municipality `m` (a company with 2 or more employees when there is one).
    func employer(in m: Int, rng: inout SplitMix64) -> Int32 {
        let list = employersByMunicipality[m]
        precondition(!list.isEmpty, "every municipality with citizens has companies")
        return list[rng.below(list.count)]
    }

    /// A new activity number.
    func newActivity() -> Int32 {
        defer { nextActivity += 1 }
        return nextActivity
    }

    /// A job order of municipality `m` received within `window` for which the employer wants
    /// candidates referred, or nil when there is none. With `needsOpenPosition` only orders with a
    /// position left count. Of a few random candidates, the one with the fewest referrals is taken,
    /// so that referrals spread over the orders.
    func findOrder(in m: Int, received window: ClosedRange<Day>, needsOpenPosition: Bool, rng: inout SplitMix64) -> Int32? {
        let list = ordersByMunicipality[m]
        let lower = firstIndex(in: list) { self.orders[Int($0)].received >= window.lowerBound }
        let upper = firstIndex(in: list) { self.orders[Int($0)].received > window.upperBound }
        guard lower < upper else { return nil }
        var best: Int32?
        for _ in 0..<4 {
            let candidate = list[lower + rng.below(upper - lower)]
            let order = orders[Int(candidate)]
            if !order.acceptsReferrals || (needsOpenPosition && order.filled >= order.positions) { continue }
            if let current = best, orders[Int(current)].referrals <= order.referrals { continue }
            best = candidate
        }
        return best
    }

    /// The first index of sorted `list` whose element satisfies the monotone predicate `isAfter`.
    private func firstIndex(in list: [Int32], where isAfter: (Int32) -> Bool) -> Int {
        var low = 0
        var high = list.count
        while low < high {
            let middle = (low + high) / 2
            if isAfter(list[middle]) { high = middle } else { low = middle + 1 }
        }
        return low
    }
}
