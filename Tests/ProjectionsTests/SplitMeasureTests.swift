import Testing
import LedgerCore
@testable import Projections
import Simulation

/// Measures computed on several threads by partition (``MeasureEngine/computeSplit``) give, to the
/// last bit, what one thread gives: the values, and the parts noted for the checkpoint's cache.
@Suite struct SplitMeasureTests {
    /// The measures split by partition, with every variant.
    static let requests: [(definition: MeasureDefinition, variant: String?)] = MeasureDefinition.all
        .filter { MeasureEngine.splitsByPartition($0.id) }
        .flatMap { definition in (definition.variants.isEmpty ? [nil] : definition.variants.map(Optional.some)).map { (definition, $0) } }

    /// A measure's scopes as bit patterns, and the parts the recorder noted, computed on `threads` threads.
    static func computed(_ state: ProjectionState, _ definition: MeasureDefinition, variant: String?, at day: Day,
                         threads: Int) throws -> (scopes: [String], cache: [UInt8]) {
        let recorder = MeasureRecorder()
        let engine = MeasureEngine(state: state, recorder: recorder)
        let request = MeasureRequest(measure: definition.id, variant: variant, at: definition.evaluation == .period ? nil : day,
                                     period: definition.evaluation == .period ? Period(text: String(day.year)) : nil)
        let result = try engine.compute(request, defaultDay: day, threads: threads)
        let scopes = result.scopes.map { "\($0.municipality ?? 0):\($0.numerator.bitPattern):\(($0.denominator ?? -1).bitPattern)" }
        return (scopes, recorder.cache.sectionBytes())
    }

    @Test("every measure split by partition gives one thread's value and cached parts, on 2, 3 and 8 threads",
          arguments: [UInt64(31), 32])
    func splitEqualsSerial(seed: UInt64) throws {
        let generated = try ReplayPropertyTests.GeneratedLedger(seed: seed, citizens: 400)
        let state = try Replayer.replay(generated.ledger)
        #expect(Self.requests.count >= 17)
        var nonzero = 0
        for day in ["2012-06-30", "2013-12-31", "2014-12-31"].map({ Day(iso: $0)! }) {
            for (definition, variant) in Self.requests {
                let serial = try Self.computed(state, definition, variant: variant, at: day, threads: 1)
                if serial.scopes.first != "0:\(0.0.bitPattern):\((-1.0).bitPattern)" { nonzero += 1 }
                for threads in [2, 3, 8] {
                    let split = try Self.computed(state, definition, variant: variant, at: day, threads: threads)
                    #expect(split.scopes == serial.scopes, "\(definition.id) \(variant ?? "-") at \(day.iso) on \(threads) threads")
                    #expect(split.cache == serial.cache, "\(definition.id) \(variant ?? "-") at \(day.iso) on \(threads) threads: cached parts")
                }
            }
        }
        // Most measures count something in a generated ledger, so the comparison is not of zeros.
        #expect(nonzero >= Self.requests.count * 3 / 2)
    }

    @Test("measures computed together in one pass give what each computed alone gives, and note the same parts",
          arguments: [2, 3])
    func computedTogether(threads: Int) throws {
        let generated = try ReplayPropertyTests.GeneratedLedger(seed: 34, citizens: 300)
        let state = try Replayer.replay(generated.ledger)
        let day = Day(iso: "2014-12-31")!
        // Every split measure and variant, two measures computed whole (M13, M20), one that fails
        // (an unknown variant) and one whose contributions are recorded (so computed whole).
        var requests = Self.requests.map { definition, variant in
            MeasureRequest(measure: definition.id, variant: variant, at: definition.evaluation == .period ? nil : day,
                           period: definition.evaluation == .period ? Period(text: "2014") : nil)
        }
        requests.insert(MeasureRequest(measure: "M13", variant: nil, at: nil, period: Period(text: "2014")), at: 3)
        requests.insert(MeasureRequest(measure: "M2", variant: "no-such-variant", at: nil, period: Period(text: "2014")), at: 5)
        requests.append(MeasureRequest(measure: "M20", variant: nil, at: nil, period: Period(text: "2014")))
        requests.append(MeasureRequest(measure: "M3", variant: nil, at: nil, period: Period(text: "2014"), recordContributions: true))
        func bits(_ result: MeasureResult) -> [String] {
            result.scopes.map { "\($0.municipality ?? 0):\($0.numerator.bitPattern):\(($0.denominator ?? -1).bitPattern)" }
                + result.breakdowns.flatMap { group in group.entries.flatMap { entry in entry.scopes.map { "\(group.name)/\(entry.label):\($0.numerator.bitPattern)" } } }
        }
        let recorders = requests.map { _ in MeasureRecorder() }
        let together = MeasureEngine(state: state).computeAll(requests, defaultDay: day, threads: threads, recorders: recorders)
        #expect(together.count == requests.count)
        var failures = 0
        var nonzero = 0
        for (i, request) in requests.enumerated() {
            let own = MeasureRecorder()
            let alone = Result { () throws(MeasureError) in try MeasureEngine(state: state, recorder: own).compute(request, defaultDay: day, threads: 1) }
            switch (together[i], alone) {
            case (.success(let a), .success(let b)):
                #expect(bits(a) == bits(b), "\(request.measure) \(request.variant ?? "-") on \(threads) threads")
                #expect(a.contributions == b.contributions, "\(request.measure): contributions")
                #expect(recorders[i].cache.sectionBytes() == own.cache.sectionBytes(), "\(request.measure) \(request.variant ?? "-"): noted parts")
                if (a.scopes.first?.numerator ?? 0) != 0 { nonzero += 1 }
            case (.failure(let a), .failure(let b)):
                #expect(a.message == b.message)
                failures += 1
            default:
                Issue.record("\(request.measure) \(request.variant ?? "-"): one way failed, the other did not")
            }
        }
        #expect(failures == 1)
        #expect(nonzero >= requests.count / 2, "the comparison is not of zeros")
    }

    @Test("contributions are recorded on one thread, in citizen order, whatever the threads asked for")
    func contributionsOnOneThread() throws {
        let generated = try ReplayPropertyTests.GeneratedLedger(seed: 33, citizens: 200)
        let state = try Replayer.replay(generated.ledger)
        let day = Day(iso: "2014-12-31")!
        for measure in ["M1", "M3", "M21"] {
            func explained(threads: Int) throws -> [Contribution] {
                let request = MeasureRequest(measure: measure, variant: nil, at: measure == "M1" ? day : nil,
                                             period: measure == "M1" ? nil : Period(text: "2014"), recordContributions: true)
                return try MeasureEngine(state: state).compute(request, defaultDay: day, threads: threads).contributions
            }
            let serial = try explained(threads: 1)
            #expect(!serial.isEmpty, "\(measure) has contributions")
            #expect(try explained(threads: 4) == serial, "\(measure)")
        }
    }

    @Test("a code set holds exactly its codes")
    func codeSet() {
        var random = SplitMix64(seed: 5)
        for _ in 0..<200 {
            let codes = (0..<Int(random.next() % 6)).map { _ in UInt8(random.next() % 64) }
            let set = CodeSet(codes)
            for code in UInt8(0)...UInt8(255) {
                #expect(set.contains(code) == codes.contains(code), "\(codes) \(code)")
            }
        }
        let literal: CodeSet = [DerivedStates.aDagpenge, DerivedStates.kontanthjaelp]
        #expect(literal.contains(DerivedStates.aDagpenge) && literal.contains(DerivedStates.kontanthjaelp))
        #expect(!literal.contains(DerivedStates.uddannelseshjaelp))
    }
}
