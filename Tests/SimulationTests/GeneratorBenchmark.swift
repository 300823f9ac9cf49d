// A timing of the generator, run on request only (it is meant for release builds):
//   SIMULATION_BENCHMARK=20000 swift test -c release -Xswiftc -enable-testing --filter GeneratorBenchmark

import Foundation
import Testing

@testable import Simulation

@Suite struct GeneratorBenchmark {
    /// Citizens to simulate, from the environment variable; nil skips the benchmark.
    static let citizens = ProcessInfo.processInfo.environment["SIMULATION_BENCHMARK"].flatMap { Int($0) }

    @Test(.enabled(if: citizens != nil, "set SIMULATION_BENCHMARK to a number of citizens"))
    func generationSpeed() throws {
        let citizens = try #require(GeneratorBenchmark.citizens)
        let options = SimulationSupport.options(citizens: citizens, seed: 2024, municipalities: [183, 187], withRecordedAt: true)
        var lines = 0
        var bytes = 0
        let clock = ContinuousClock()
        let elapsed = clock.measure {
            Generator.generate(options) { line in
                lines += 1
                bytes += line.utf8.count
            }
        }
        let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) * 1e-18
        print(
            "seed 2024, \(citizens) citizens: \(lines) events (\(bytes / 1_000_000) MB) in \(seconds) s,"
                + " \(Int(Double(lines) / seconds)) events/s")
        #expect(lines > 0)
    }
}
