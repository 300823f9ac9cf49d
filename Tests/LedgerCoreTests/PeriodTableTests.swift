// The validator's period table (a sorted base from the checkpoint plus hashed changes) behaves
// as a dictionary would, whatever the mix of loaded and changed periods.

import Testing

@testable import LedgerCore

@Suite struct PeriodTableTests {
    typealias Key = LedgerState.PeriodKey
    typealias State = LedgerState.PeriodState

    /// A key among few citizens, kinds and keys, so that operations hit the same keys often.
    static func key(_ random: inout SplitMix64) -> Key {
        Key(citizen: Pseudonym(value: random.next() % 40), kind: ["benefit", "activation", "sickleave"][Int(random.next() % 3)],
            key: ["", "a-dagpenge", "kontanthjaelp", "kontanthjaelp:jobparat"][Int(random.next() % 4)])
    }

    static func period(_ random: inout SplitMix64, seq: Int64) -> State {
        let start = Day(ordinal: Int32(15_000 + random.next() % 2_000))
        return State(start: start, startSeq: seq, end: random.next() % 2 == 0 ? nil : start, endSeq: random.next() % 2 == 0 ? nil : seq + 1)
    }

    @Test("a table from a sorted base, then set, changed and removed, holds what a dictionary holds", arguments: [UInt64(1), 2, 3, 4, 5])
    func matchesDictionary(seed: UInt64) throws {
        var random = SplitMix64(seed: seed)
        var reference: [Key: State] = [:]
        for seq in 1...200 { reference[Self.key(&random)] = Self.period(&random, seq: Int64(seq)) }
        let sorted = reference.map { (key: $0.key, period: $0.value) }.sorted { $0.key.precedes($1.key) }
        var table = try #require(PeriodTable(sorted: sorted))
        for step in 0..<2_000 {
            let key = Self.key(&random)
            switch random.next() % 4 {
            case 0:
                let period = Self.period(&random, seq: Int64(1_000 + step))
                table[key] = period
                reference[key] = period
            case 1:
                table[key]?.end = Day(ordinal: 18_000)
                reference[key]?.end = Day(ordinal: 18_000)
            case 2:
                table[key] = nil
                reference[key] = nil
            default:
                #expect(table[key] == reference[key], "seed \(seed), step \(step)")
            }
        }
        for key in reference.keys { #expect(table[key] == reference[key]) }
        let expected = reference.map { (key: $0.key, period: $0.value) }.sorted { $0.key.precedes($1.key) }
        let entries = table.sortedEntries
        #expect(entries.map(\.key) == expected.map(\.key))
        #expect(entries.map(\.period) == expected.map(\.period))
        // Saved and loaded again (the checkpoint's way), it is equal, and so is a table built by sets alone.
        #expect(PeriodTable(sorted: entries) == table)
        var built = PeriodTable()
        for (key, period) in reference { built[key] = period }
        #expect(built == table)
    }

    @Test("a base out of order or with a repeated key is refused")
    func unsortedRefused() {
        let a = Key(citizen: Pseudonym(value: 1), kind: "benefit", key: "a-dagpenge")
        let b = Key(citizen: Pseudonym(value: 1), kind: "benefit", key: "kontanthjaelp")
        let state = State(start: Day(ordinal: 15_000), startSeq: 2, end: nil, endSeq: nil)
        #expect(PeriodTable(sorted: [(a, state), (b, state)]) != nil)
        #expect(PeriodTable(sorted: [(b, state), (a, state)]) == nil)
        #expect(PeriodTable(sorted: [(a, state), (a, state)]) == nil)
    }
}
