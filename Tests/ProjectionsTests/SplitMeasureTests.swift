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
