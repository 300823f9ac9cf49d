// Late-recorded events and corrections under "known at T": replaying only the events recorded at or
// before T gives the value as known at T (DOMAIN.md, "Time" and "Retracted events").

import LedgerCore
import Testing

@testable import Projections

/// Placements in January 2014, recorded over time:
/// seq 6 at 2014-01-06T09:00: citizen 1, 2014-01-02, employer-request.
/// seq 7 at 2014-01-06T09:00: citizen 2, 2014-01-03, channel other.
/// seq 8 at 2014-02-03T09:00 (three and a half weeks late): citizen 3, 2014-01-10, employer-request.
/// seq 9 at 2014-02-10T09:00: retracts seq 6 (fejloprettet).
/// seq 10 at 2014-02-15T09:00: supersedes seq 7 with channel employer-request.
private let placements: LedgerBuilder = {
    var b = LedgerBuilder(municipalities: "250")
    for n in 1...4 { b.register(n) }  // seqs 2-5
    b.recorded(at: "2014-01-06T09:00:00.000Z")
    let first = b.placement(1, on: "2014-01-02", channel: "employer-request")
    let other = b.placement(2, on: "2014-01-03", channel: "other")
    b.recorded(at: "2014-02-03T09:00:00.000Z")
    b.placement(3, on: "2014-01-10", channel: "employer-request")
    b.recorded(at: "2014-02-10T09:00:00.000Z")
    b.retract(seq: first)
    b.recorded(at: "2014-02-15T09:00:00.000Z")
    b.supersede(seq: other, facts: [Fact("channel", .text("employer-request"))])
    precondition(first == 6 && other == 7 && b.nextSeq == 11, "the sequence numbers the comments name")
    return b
}()

@Suite("Known at T: late events, retractions and supersedes")
struct KnownAtTests {
    @Test(
        "M3 for 2014-01 as known at T",
        arguments: [
            ("2014-01-05T23:59:59.999Z", 0.0),  // nothing recorded yet
            ("2014-01-06T09:00:00.000Z", 1),  // seq 6 counts; seq 7 is channel other (recorded-at exactly T is included)
            ("2014-01-31T00:00:00.000Z", 1),  // the late placement seq 8 is not yet known
            ("2014-02-05T00:00:00.000Z", 2),  // seqs 6 and 8
            ("2014-02-12T00:00:00.000Z", 1),  // seq 6 retracted: seq 8 only
            ("2014-02-20T00:00:00.000Z", 2),  // seq 7 superseded to employer-request: seqs 7 and 8
        ])
    func m3KnownAt(_ knownAt: String, _ expected: Double) throws {
        check(try compute(placements.state(knownAt: knownAt), "M3", period: "2014-01"), [total(expected), municipality(250, expected)])
    }

    @Test("a retracted placement is gone from a state that includes the retraction, present in one without it")
    func retractedPlacement() throws {
        let without = placements.state(through: 8)
        let with = placements.state(through: 9)
        let one = try #require(without.citizenIndex[citizen(1)])
        #expect(without.citizens[one].placements.count == 1)
        #expect(with.citizens[one].placements.isEmpty)
        #expect(with.retracted[6] == 9)
        // Citizen 1's placement made M3 2 before the retraction (seqs 6, 8) and 1 after it (seq 8).
        check(try compute(without, "M3", period: "2014"), [total(2)])
        check(try compute(with, "M3", period: "2014"), [total(1)])
    }

    @Test("a superseded channel changes M3 only from the supersede on")
    func supersededChannel() throws {
        check(try compute(placements.state(through: 9), "M3", period: "2014"), [total(1)])  // seq 7 still channel other
        check(try compute(placements.state(through: 10), "M3", period: "2014"), [total(2)])  // seq 7 now employer-request
        // The supersede keeps the original's effective date: the placement stays in January.
        check(try compute(placements.state, "M3", period: "2014-02"), [total(0)])
    }

    @Test("a supersede to channel other removes the placement from M3")
    func supersededToOther() throws {
        var b = LedgerBuilder(municipalities: "250")
        b.register(1)
        let seq = b.placement(1, on: "2014-03-01", channel: "employer-request")
        b.recorded(at: "2014-04-01T00:00:00.000Z")
        b.supersede(seq: seq, facts: [Fact("channel", .text("other"))])
        check(try compute(b.state(knownAt: "2014-03-31T00:00:00.000Z"), "M3", period: "2014"), [total(1)])
        check(try compute(b.state, "M3", period: "2014"), [total(0)])
    }

    /// a-dagpenge from 2013-06-01; its end on 2014-11-30 recorded 2014-12-01, retracted 2015-01-05.
    /// M1 at 2014-12-31: known at 2014-06-30 the spell is open (2014-01-02 ... 12-31, 364 days): 1.
    /// Known at 2014-12-31 it ended 11-30, so not gross unemployed on D: 0. Known at 2015-01-10 the end is retracted,
    /// the spell is open again: 364 days, 1.
    @Test(
        "a retracted benefit_ended reopens the spell: M1 counts the citizen again",
        arguments: [
            ("2014-06-30T00:00:00.000Z", 1.0), ("2014-12-31T23:59:59.999Z", 0), ("2015-01-10T00:00:00.000Z", 1),
        ])
    func retractedEnd(_ knownAt: String, _ expected: Double) throws {
        var b = LedgerBuilder(municipalities: "250")
        b.register(1)
        b.recorded(at: "2013-06-03T00:00:00.000Z")
        b.benefit(1, "a-dagpenge", from: "2013-06-01")
        b.recorded(at: "2014-12-01T00:00:00.000Z")
        let end = b.endBenefit(1, "a-dagpenge", on: "2014-11-30", reason: "job")
        b.recorded(at: "2015-01-05T00:00:00.000Z")
        b.retract(seq: end)
        check(try compute(b.state(knownAt: knownAt), "M1", at: "2014-12-31"), [total(expected)])
        check(try compute(b.state(knownAt: knownAt), "M1b", at: "2014-12-31"), [total(expected)])
    }

    /// Kontanthjælp since 2013-06-01; the jobparat assessment effective 2014-03-15 is recorded only on 2015-01-20.
    /// M1 at 2014-12-31: known at 2015-01-15 there is no assessment: 0. Known at 2015-01-31: 2014-03-15 ... 12-31 = 292 days: 1.
    @Test(
        "a late-recorded assessment changes M1 only once known",
        arguments: [
            ("2015-01-15T00:00:00.000Z", 0.0), ("2015-01-31T00:00:00.000Z", 1),
        ])
    func lateAssessment(_ knownAt: String, _ expected: Double) throws {
        var b = LedgerBuilder(municipalities: "250")
        b.register(1)
        b.recorded(at: "2013-06-03T00:00:00.000Z")
        b.benefit(1, "kontanthjaelp", from: "2013-06-01")
        b.recorded(at: "2015-01-20T00:00:00.000Z")
        b.assess(1, "jobparat", on: "2014-03-15")
        check(try compute(b.state(knownAt: knownAt), "M1", at: "2014-12-31"), [total(expected)])
    }

    /// Kontanthjælp since 2013-06-01 assessed aktivitetsparat on 2014-03-15; superseded to jobparat (recorded 2015-01-20):
    /// the category holds from the original's date, 2014-03-15 ... 12-31 = 292 days.
    @Test(
        "a superseded assessment category counts from the original's effective date",
        arguments: [
            ("2015-01-15T00:00:00.000Z", 0.0), ("2015-01-31T00:00:00.000Z", 1),
        ])
    func supersededAssessment(_ knownAt: String, _ expected: Double) throws {
        var b = LedgerBuilder(municipalities: "250")
        b.register(1)
        b.recorded(at: "2014-03-20T00:00:00.000Z")
        b.benefit(1, "kontanthjaelp", from: "2013-06-01")
        let assessment = b.assess(1, "aktivitetsparat", on: "2014-03-15")
        b.recorded(at: "2015-01-20T00:00:00.000Z")
        b.supersede(seq: assessment, facts: [Fact("category", .text("jobparat"))])
        check(try compute(b.state(knownAt: knownAt), "M1", at: "2014-12-31"), [total(expected)])
    }

    /// Citizen 1: an award on 2013-05-01 (later retracted as created in error) and one on 2014-05-01.
    /// M2 for 2014-12 before the retraction: the first award is before the window, 0. After it the 2014 award is the
    /// first ever: 1. Citizen 2: an award effective 2014-12-20 recorded 2015-01-10: known only from then.
    @Test(
        "M2: a retracted first award and a late award",
        arguments: [
            ("2014-12-31T00:00:00.000Z", 0.0), ("2015-01-06T00:00:00.000Z", 1), ("2015-01-15T00:00:00.000Z", 2),
        ])
    func awards(_ knownAt: String, _ expected: Double) throws {
        var b = LedgerBuilder(municipalities: "250")
        b.register(1)
        b.register(2)
        b.recorded(at: "2014-05-02T00:00:00.000Z")
        let wrong = b.award(1, on: "2013-05-01")
        b.award(1, on: "2014-05-01")
        b.recorded(at: "2015-01-05T00:00:00.000Z")
        b.retract(seq: wrong)
        b.recorded(at: "2015-01-10T00:00:00.000Z")
        b.award(2, on: "2014-12-20")
        check(try compute(b.state(knownAt: knownAt), "M2", period: "2014-12"), [total(expected)])
    }

    /// Replaying a ledger in two parts with the state carried over gives the same values as one replay.
    @Test("replaying in two parts gives the same M3 as one replay")
    func twoParts() throws {
        var state = placements.state(through: 7)
        for recorded in placements.events where recorded.seq > 7 { state.apply(recorded) }
        check(try compute(state, "M3", period: "2014-01"), [total(2)])
        #expect(state.headSeq == 10)
    }
}
