// Tests of the synthetic-history generator: repeatability, coverage of the catalog, privacy, and
// the recorded-at rules of historical ledgers.

import LedgerCore
import Testing

@testable import Simulation

@Suite struct GeneratorTests {
    @Test func sameSeedGivesTheSameOutput() {
        let options = SimulationSupport.options(citizens: 60, seed: 42, municipalities: [183, 187], withRecordedAt: true)
        let first = SimulationSupport.lines(options)
        let second = SimulationSupport.lines(options)
        #expect(!first.isEmpty)
        #expect(first == second)
    }

    @Test func differentSeedGivesDifferentOutput() {
        let first = SimulationSupport.lines(SimulationSupport.options(citizens: 60, seed: 42))
        let second = SimulationSupport.lines(SimulationSupport.options(citizens: 60, seed: 43))
        #expect(first != second)
    }

    @Test func splitMix64MatchesTheReferenceSequence() {
        // The first outputs for seed 0 of the reference implementation (Vigna, splitmix64.c).
        var generator = SplitMix64(seed: 0)
        #expect(generator.next() == 0xE220_A839_7B1D_CDAF)
        #expect(generator.next() == 0x6E78_9E6A_A1B9_65F4)
        #expect(generator.next() == 0x06C4_5D18_8009_454F)
    }

    @Test func everyExpectedEventTypeAppears() {
        let lines = SimulationSupport.lines(SimulationSupport.options(citizens: 300, seed: 1))
        let seen = Set(lines.map(SimulationSupport.type(of:)))
        let notGenerated: Set<EventType> = [.ledgerOpened, .publication, .goalAdopted, .goalAmended]
        for type in EventType.allCases where !notGenerated.contains(type) {
            #expect(seen.contains(type.rawValue), "no \(type.rawValue) line")
        }
        for type in notGenerated {
            #expect(!seen.contains(type.rawValue), "\(type.rawValue) is not generated")
        }
    }

    @Test(arguments: [1, 2, 3])
    func noLineLooksLikeItHoldsACPRNumber(seed: UInt64) {
        let options = SimulationSupport.options(citizens: 300, seed: seed, municipalities: [183, 187], withRecordedAt: true)
        let lines = SimulationSupport.lines(options)
        let offending = lines.filter { CPR.containsCPRShape($0) }
        #expect(offending.isEmpty, "seed \(seed): \(offending.prefix(3))")
    }

    @Test func recordedAtNeverDecreasesAndStaysWithinItsLimits() throws {
        let options = SimulationSupport.options(citizens: 200, seed: 5, withRecordedAt: true)
        let lines = SimulationSupport.lines(options)
        let records = try SimulationSupport.records(lines, allowsRecordedAt: true)
        let cap = Timestamp(milliseconds: Int64(options.to.adding(days: 90).ordinal) * 86_400_000)
        let fromStart = Timestamp(milliseconds: Int64(options.from.ordinal) * 86_400_000)
        var previous = Timestamp(milliseconds: 0)
        for record in records {
            let recordedAt = try #require(record.recordedAt)
            #expect(recordedAt >= previous, "line \(record.line)")
            #expect(recordedAt >= fromStart)
            #expect(recordedAt <= cap, "line \(record.line)")
            if let effective = record.effective {
                #expect(effective >= options.from && effective <= options.to, "line \(record.line)")
                #expect(recordedAt.utcDay >= effective, "line \(record.line): recorded before its effective date")
            }
            previous = recordedAt
        }
    }

    @Test func withoutRecordedAtTheLinesAreTheSameOtherwise() {
        let plain = SimulationSupport.lines(SimulationSupport.options(citizens: 40, seed: 9))
        let timed = SimulationSupport.lines(SimulationSupport.options(citizens: 40, seed: 9, withRecordedAt: true))
        #expect(plain.count == timed.count)
        for (a, b) in zip(plain, timed) {
            #expect(!a.contains("recorded_at"))
            #expect(b.hasPrefix(String(a.dropLast())))
        }
    }

    @Test func correctionsNameEarlierSequenceNumbersFromFirstSeq() throws {
        var options = SimulationSupport.options(citizens: 300, seed: 11)
        options.firstSeq = 1_000
        let lines = SimulationSupport.lines(options)
        let corrections = lines.enumerated().filter { SimulationSupport.type(of: $0.element) == "correction" }
        #expect(!corrections.isEmpty)
        for (index, line) in corrections {
            let digits = line.split(separator: "\"corrects\":")[1].prefix { $0.isNumber }
            let target = try #require(Int64(digits))
            #expect(target >= options.firstSeq)
            #expect(target < options.firstSeq + Int64(index))
        }
        // About 0.2 % of the events are corrections.
        let share = Double(corrections.count) / Double(lines.count)
        #expect(share > 0.001 && share < 0.004)
    }

    @Test func closedListsMatchTheCatalog() {
        #expect(Benefit.allCases.map(\.rawValue) == Catalog.benefits)
        #expect(Benefit.allCases.map(\.ordinal) == Array(0..<Catalog.benefits.count))
        #expect(BenefitEndReason.allCases.map(\.rawValue) == Catalog.benefitEndReasons)
        #expect(MatchCategory.allCases.map(\.rawValue) == Catalog.matchCategories)
        #expect(ActivationKind.allCases.map(\.rawValue) == Catalog.activationKinds)
        #expect(PlacementChannel.allCases.map(\.rawValue) == Catalog.placementChannels)
        #expect(CompletedEducation.allCases.map(\.rawValue) == Catalog.educationLevels)
        #expect(SickLeaveStatus.allCases.map(\.rawValue) == Catalog.sickLeaveStatuses)
        #expect(SickLeaveCloseReason.allCases.map(\.rawValue) == Catalog.sickLeaveCloseReasons)
        #expect(EducationEndReason.allCases.map(\.rawValue) == Catalog.educationEndReasons)
        #expect(Respondent.allCases.map(\.rawValue) == Catalog.respondents)
        #expect(CorrectionReason.allCases.map(\.rawValue) == Catalog.correctionReasons)
        for figure in ReferenceFigures.all {
            #expect(Catalog.units.contains(figure.unit))
            #expect(Validators.isIdentifier(figure.name))
        }
    }

    @Test func emptyAndTinyHistoriesAreValid() throws {
        #expect(SimulationSupport.lines(SimulationSupport.options(citizens: 0, seed: 1)).isEmpty)
        let short = GeneratorOptions(
            citizens: 5, seed: 3, from: Day(year: 2014, month: 12, day: 1)!,
            to: Day(year: 2014, month: 12, day: 31)!, municipalities: [270], withRecordedAt: true)
        let lines = SimulationSupport.lines(short)
        #expect(!lines.isEmpty)
        _ = try SimulationSupport.validate(lines, municipalities: [270], allowsRecordedAt: true)
    }
}
