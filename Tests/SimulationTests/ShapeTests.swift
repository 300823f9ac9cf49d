// The shape of the simulated history: the distributions the measure tests and the demo rely on
// (ages, education, refugees, spell lengths, assessments, late registration, placements), with
// generous tolerances so that they hold for any reasonable seed.

import LedgerCore
import Testing

@testable import Simulation

@Suite struct ShapeTests {
    /// 600 citizens over the default four years, one municipality, validated in memory.
    static let history: [(event: Event, recordedAt: Timestamp)] = {
        let options = SimulationSupport.options(citizens: 600, seed: 77, withRecordedAt: true)
        let lines = SimulationSupport.lines(options)
        return (try? SimulationSupport.validate(lines, municipalities: [250], allowsRecordedAt: true)) ?? []
    }()

    static var events: [Event] { history.map(\.event) }

    /// The share of `part` in `whole`.
    static func share(_ part: Int, of whole: Int) -> Double { whole == 0 ? 0 : Double(part) / Double(whole) }

    @Test func theHistoryIsValid() {
        #expect(!ShapeTests.history.isEmpty, "the validator rejected the history (see LedgerAcceptanceTests)")
    }

    @Test func citizensAreOfWorkingAgeAndMixed() throws {
        let registrations = ShapeTests.events.filter { $0.type == .citizenRegistered }
        #expect(registrations.count == 600)
        var young = 0
        var refugees = 0
        var educations: [String: Int] = [:]
        for event in registrations {
            let birth = try #require(event.date("birth_date"))
            let age = ageInYears(birth: birth, on: event.effective)
            #expect(age >= 16 && age <= 66)
            if age < 30 { young += 1 }
            educations[event.text("education") ?? "", default: 0] += 1
            if event.bool("refugee") == true {
                refugees += 1
                let arrival = try #require(event.date("arrival_date"))
                #expect(arrival >= Day(year: 2008, month: 1, day: 1)! && arrival <= Day(year: 2014, month: 12, day: 31)!)
                #expect(arrival <= event.effective)
            }
        }
        let total = registrations.count
        #expect((0.22...0.38).contains(ShapeTests.share(young, of: total)))
        #expect((0.04...0.13).contains(ShapeTests.share(refugees, of: total)))
        #expect((0.30...0.50).contains(ShapeTests.share(educations["none"] ?? 0, of: total)))
        #expect((0.30...0.50).contains(ShapeTests.share(educations["vocational"] ?? 0, of: total)))
        #expect((0.12...0.28).contains(ShapeTests.share(educations["higher"] ?? 0, of: total)))
    }

    @Test func unemploymentSpellsAreMostlyShortWithALongTail() {
        var open: [String: Day] = [:]
        var lengths: [Int] = []
        for event in ShapeTests.events where event.text("benefit") == "a-dagpenge" {
            let citizen = event.citizen?.text ?? ""
            if event.type == .benefitStarted {
                #expect(open[citizen] == nil, "two open a-dagpenge spells")
                open[citizen] = event.effective
            } else if event.type == .benefitEnded, let start = open.removeValue(forKey: citizen) {
                lengths.append(event.effective.days(since: start) + 1)
            }
        }
        #expect(lengths.count > 300)
        #expect(ShapeTests.share(lengths.filter { $0 <= 92 }.count, of: lengths.count) > 0.55)
        #expect(lengths.contains { $0 > 365 })
        #expect(open.count > 10, "some spells are still open at the end")
    }

    /// Every benefit spell as (citizen, benefit, first day, last day or `to` when open), paired in
    /// output order (which keeps the order of each citizen's spells of one benefit).
    static var spells: [(citizen: String, benefit: String, days: ClosedRange<Day>)] {
        var open: [String: Day] = [:]
        var spells: [(citizen: String, benefit: String, days: ClosedRange<Day>)] = []
        for event in events where event.type == .benefitStarted || event.type == .benefitEnded {
            let citizen = event.citizen?.text ?? ""
            let benefit = event.text("benefit") ?? ""
            if event.type == .benefitStarted {
                open[citizen + " " + benefit] = event.effective
            } else if let start = open.removeValue(forKey: citizen + " " + benefit) {
                spells.append((citizen, benefit, start...event.effective))
            }
        }
        for (key, start) in open {
            let parts = key.split(separator: " ")
            spells.append((String(parts[0]), String(parts[1]), start...SimulationSupport.to))
        }
        return spells
    }

    @Test func cashBenefitsAreAssessedWithinDaysAndCategoriesFitTheBenefit() {
        let spells = ShapeTests.spells
        var spellsByCitizen: [String: [(benefit: String, days: ClosedRange<Day>)]] = [:]
        for spell in spells { spellsByCitizen[spell.citizen, default: []].append((spell.benefit, spell.days)) }
        var births: [String: Day] = [:]
        var assessments: [String: [Day]] = [:]
        for event in ShapeTests.events {
            let citizen = event.citizen?.text ?? ""
            switch event.type {
            case .citizenRegistered:
                births[citizen] = event.date("birth_date")
            case .matchAssessed:
                assessments[citizen, default: []].append(event.effective)
                let covering = Set((spellsByCitizen[citizen] ?? []).filter { $0.days.contains(event.effective) }.map(\.benefit))
                switch event.text("category") {
                case "aabenlyst-uddannelsesparat", "uddannelsesparat":
                    #expect(covering.contains("uddannelseshjaelp"), "youth categories are for uddannelseshjælp")
                case "jobparat":
                    #expect(
                        !covering.isDisjoint(with: ["kontanthjaelp", "selvforsoergelsesydelse"]),
                        "jobparat is for kontanthjælp and selvforsørgelsesydelse")
                default:
                    #expect(!covering.isEmpty, "assessed while on a benefit")
                }
            default: break
            }
        }
        let cash: Set<String> = ["kontanthjaelp", "uddannelseshjaelp", "selvforsoergelsesydelse"]
        let lastDay = SimulationSupport.to.adding(days: -5)
        var starts = 0
        var assessedSoon = 0
        for spell in spells where cash.contains(spell.benefit) && spell.days.lowerBound <= lastDay {
            let start = spell.days.lowerBound
            if spell.benefit == "uddannelseshjaelp" {
                #expect(ageInYears(birth: births[spell.citizen]!, on: start) < 30, "uddannelseshjælp is for under-30s")
            }
            starts += 1
            if (assessments[spell.citizen] ?? []).contains(where: { $0 >= start && $0.days(since: start) <= 5 }) { assessedSoon += 1 }
        }
        #expect(starts > 50)
        #expect(assessedSoon == starts)
    }

    @Test func flexJobsAndDisabilityPensionFollowTheirApproval() {
        var approved: Set<String> = []
        var awarded: Set<String> = []
        for event in ShapeTests.events {
            let citizen = event.citizen?.text ?? ""
            switch event.type {
            case .flexJobApproved: approved.insert(citizen)
            case .disabilityPensionAwarded:
                #expect(!awarded.contains(citizen), "awarded once")
                awarded.insert(citizen)
            case .benefitStarted where event.text("benefit") == "ledighedsydelse":
                #expect(approved.contains(citizen), "ledighedsydelse after flexjob_approved")
            case .benefitStarted where event.text("benefit") == "foertidspension":
                #expect(awarded.contains(citizen), "førtidspension after the award")
            case .benefitEnded:
                #expect(event.text("benefit") != "foertidspension", "førtidspension never ends")
            default: break
            }
        }
    }

    @Test func mostEventsAreRecordedWithinTwoDays() {
        let history = ShapeTests.history
        let prompt = history.filter { $0.recordedAt.utcDay.days(since: $0.event.effective) <= 2 }.count
        let late = history.filter { $0.recordedAt.utcDay.days(since: $0.event.effective) > 14 }.count
        #expect((0.62...0.80).contains(ShapeTests.share(prompt, of: history.count)))
        #expect(late > 0)
    }

    @Test func placementsActivationsAndCompaniesLookRight() {
        let events = ShapeTests.events
        let placements = events.filter { $0.type == .jobPlacement }
        let byEmployer = placements.filter { $0.text("channel") == "employer-request" }.count
        #expect((0.30...0.50).contains(ShapeTests.share(byEmployer, of: placements.count)))

        let activations = events.filter { $0.type == .activationStarted }
        #expect(Set(activations.compactMap { $0.text("kind") }) == Set(Catalog.activationKinds))
        for activation in activations
        where ["virksomhedspraktik", "loentilskud-privat", "loentilskud-offentlig"].contains(activation.text("kind") ?? "") {
            #expect(activation.text("employer_cvr") != nil)
        }
        let companies = events.filter { $0.type == .companyRegistered }.count
        #expect((40...80).contains(companies), "about ten companies per hundred citizens")
        let perCitizen = ShapeTests.share(events.count, of: 600)
        #expect((30...130).contains(perCitizen), "events per citizen: \(perCitizen)")
    }

    /// Whole years from `birth` to `day`.
    func ageInYears(birth: Day, on day: Day) -> Int {
        let b = birth.civil
        let d = day.civil
        return d.year - b.year - ((d.month, d.day) < (b.month, b.day) ? 1 : 0)
    }
}
