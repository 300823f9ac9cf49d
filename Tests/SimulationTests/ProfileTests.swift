// Tests of the generator profiles: `generic` keeps the original output, and the calibrated
// profiles of the demo jobcenters move their figures the way their calibration needs (at a
// smaller scale than the demo; the demo's own figures are in EventLogs/README.md).

import Foundation
import LedgerCore
import Testing

@testable import Simulation

@Suite struct ProfileTests {
    /// FNV-1a over the lines, each followed by a newline.
    static func digest(_ lines: [String]) -> UInt64 {
        var hash: UInt64 = 0xCBF2_9CE4_8422_2325
        for line in lines {
            for byte in line.utf8 {
                hash ^= UInt64(byte)
                hash = hash &* 0x0000_0100_0000_01B3
            }
            hash ^= 0x0A
            hash = hash &* 0x0000_0100_0000_01B3
        }
        return hash
    }

    /// Options for `citizens` citizens of the default four years with `profile`.
    static func options(_ citizens: Int, seed: UInt64, _ municipalities: [Int], _ profile: GeneratorProfile) -> GeneratorOptions {
        GeneratorOptions(
            citizens: citizens, seed: seed, from: SimulationSupport.from, to: SimulationSupport.to, municipalities: municipalities,
            profile: profile)
    }

    /// Lines of event type `type` whose effective date starts with `prefix` (e.g. a year).
    static func count(_ lines: [String], _ type: String, effective prefix: String = "", containing text: String = "") -> Int {
        let head = "{\"type\":\"\(type)\",\"effective\":\"\(prefix)"
        return lines.count { $0.hasPrefix(head) && (text.isEmpty || $0.contains(text)) }
    }

    @Test func genericIsTheDefaultAndKeepsTheOriginalOutput() {
        let options = SimulationSupport.options(citizens: 300, seed: 3, municipalities: [183, 187])
        var generic = options
        generic.profile = .generic
        let lines = SimulationSupport.lines(options)
        #expect(options.profile == .generic)
        #expect(lines == SimulationSupport.lines(generic))
        // The digest of `caseledger generate --citizens 300 --seed 3 --municipality 183
        // --municipality 187` before profiles existed, when job order and activity ids did not
        // carry the seed yet ("JO-000001" where it is now "JO-3-000001"): the seed in the ids is
        // the only change since.
        let withoutSeed = lines.map { $0.replacingOccurrences(of: "\"A-3-", with: "\"A-").replacingOccurrences(of: "\"JO-3-", with: "\"JO-") }
        #expect(withoutSeed != lines)
        #expect(ProfileTests.digest(withoutSeed) == ProfileTests.goldenDigestBeforeSeededIdentifiers)
        #expect(ProfileTests.digest(lines) == ProfileTests.goldenDigest)
    }

    static let goldenDigestBeforeSeededIdentifiers: UInt64 = 0x3699_A0E2_76EC_8A75
    static let goldenDigest: UInt64 = 0x0197_16EF_5918_1C6D

    @Test func frederikssundProfileMovesItsFiguresTheCalibratedWay() {
        let generic = SimulationSupport.lines(ProfileTests.options(2_000, seed: 250, [250], .generic))
        let calibrated = SimulationSupport.lines(ProfileTests.options(2_000, seed: 250, [250], .frederikssund2014))
        let employerRequest = "\"channel\":\"employer-request\""
        // M3: far fewer placements on the employer's request (the seed: 57 in 2012 against 310).
        #expect(
            ProfileTests.count(calibrated, "job_placement", effective: "2012", containing: employerRequest) * 2
                < ProfileTests.count(generic, "job_placement", effective: "2012", containing: employerRequest))
        // M4: fewer flex-job starts in 2014.
        #expect(ProfileTests.count(calibrated, "flexjob_started", effective: "2014") < ProfileTests.count(generic, "flexjob_started", effective: "2014"))
        // M2: many more disability pension awards in 2011 (the caseload on the way to a pension).
        let awards2011 = ProfileTests.count(calibrated, "disability_pension_awarded", effective: "2011")
        #expect(awards2011 > 2 * ProfileTests.count(generic, "disability_pension_awarded", effective: "2011"))
        // ... and at the demo's scale (6,000 citizens: 57) about 19 for 2,000 citizens.
        #expect((10...30).contains(awards2011), "\(awards2011)")
    }

    @Test func vallensbaekProfileSplitsItsCitizensAndLengthensSickLeave() {
        let generic = SimulationSupport.lines(ProfileTests.options(2_000, seed: 183, [183, 187], .generic))
        let calibrated = SimulationSupport.lines(ProfileTests.options(2_000, seed: 183, [183, 187], .vallensbaek2014))
        // Ishøj has about three quarters of the citizens.
        let ishoej = ProfileTests.count(calibrated, "citizen_registered", containing: "\"municipality\":\"183\"")
        #expect(ProfileTests.count(calibrated, "citizen_registered") == 2_000)
        #expect(ishoej == 1_500)
        // M7: sick-leave cases run longer, so more of them are still open at the end.
        let openShare = { (lines: [String]) -> Double in
            let opened = ProfileTests.count(lines, "sickleave_opened")
            return Double(opened - ProfileTests.count(lines, "sickleave_closed")) / Double(max(1, opened))
        }
        #expect(openShare(calibrated) > openShare(generic))
    }
}
