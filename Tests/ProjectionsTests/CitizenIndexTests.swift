// The replay's citizen table agrees with a Dictionary on seeded keys, including keys that share
// their first probe slot, across growth and replaced values.

import LedgerCore
import Simulation
import Testing

@testable import Projections

@Suite struct CitizenIndexTests {
    @Test("agrees with a Dictionary over inserts, replacements, growth and misses", arguments: [UInt64(1), 2, 3])
    func agreesWithDictionary(seed: UInt64) {
        var random = SplitMix64(seed: seed)
        var index = CitizenIndex(capacity: seed == 1 ? 0 : 1000)
        var reference: [UInt64: Int] = [:]
        for step in 0..<20_000 {
            // Every third key differs from an earlier one only in its low bits, so that keys share
            // home slots (the home is taken from the high bits of key × constant, not the low bits).
            let key: UInt64
            if step % 3 == 0, let earlier = reference.keys.first {
                key = earlier ^ random.next() % 8
            } else {
                key = random.next()
            }
            let value = Int(random.next() % 1_000_000)
            index[Pseudonym(value: key)] = value
            reference[key] = value
            let probe = random.next()
            #expect(index[Pseudonym(value: probe)] == reference[probe])
        }
        #expect(index.count == reference.count)
        for (key, value) in reference { #expect(index[Pseudonym(value: key)] == value) }
        // Zero is an ordinary key.
        #expect(index[Pseudonym(value: 0)] == reference[0])
        index[Pseudonym(value: 0)] = 7
        #expect(index[Pseudonym(value: 0)] == 7)
    }

    @Test("indexing histories gives each pseudonym its last position, as inserting them one by one does", arguments: [UInt64(4), 5])
    func indexingHistories(seed: UInt64) {
        var random = SplitMix64(seed: seed)
        var keys: [UInt64] = []
        for i in 0..<5_000 {
            // Some keys come again, and some share home slots with an earlier key.
            keys.append(i > 0 && i % 7 == 0 ? keys[Int(random.next() % UInt64(i))] ^ (i % 2 == 0 ? 0 : random.next() % 4) : random.next())
        }
        let histories = keys.map { CitizenHistory(pseudonym: Pseudonym(value: $0)) }
        let index = histories.withUnsafeBufferPointer { CitizenIndex(indexing: $0) }
        var reference: [UInt64: Int] = [:]
        for (i, key) in keys.enumerated() { reference[key] = i }
        #expect(index.count == reference.count)
        for (key, position) in reference { #expect(index[Pseudonym(value: key)] == position) }
        #expect(index[Pseudonym(value: random.next())] == nil)
        // No histories, no entries.
        #expect([CitizenHistory]().withUnsafeBufferPointer { CitizenIndex(indexing: $0) }.count == 0)
    }
}
