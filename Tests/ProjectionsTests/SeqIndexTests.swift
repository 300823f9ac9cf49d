import Testing
@testable import Projections
import Simulation

/// ``SeqIndex`` against a `Dictionary` fed the same seeded operations.
@Suite struct SeqIndexTests {
    @Test("adds in order and out of order, replaces, removes and looks up as a dictionary does", arguments: [UInt64(1), 2, 3])
    func likeADictionary(seed: UInt64) {
        var random = SplitMix64(seed: seed)
        var index = SeqIndex<String>()
        var dictionary: [Int64: String] = [:]
        var next: Int64 = 1
        for step in 0..<5_000 {
            let seq: Int64
            switch random.next() % 4 {
            case 0, 1:
                // Mostly the next sequence number, as a fold adds them.
                next += Int64(1 + random.next() % 3)
                seq = next
            default:
                seq = Int64(1 + random.next() % UInt64(next + 5))
            }
            switch random.next() % 5 {
            case 0:
                #expect(index.removeValue(forKey: seq) == dictionary.removeValue(forKey: seq))
            case 1:
                index[seq] = nil
                dictionary[seq] = nil
            default:
                index[seq] = "v\(step)"
                dictionary[seq] = "v\(step)"
            }
            let probe = Int64(random.next() % UInt64(next + 5))
            #expect(index[probe] == dictionary[probe])
            #expect(index.count == dictionary.count)
        }
        for seq in 0...(next + 5) { #expect(index[seq] == dictionary[seq]) }
        // Made at once from the entries in any order, the later of two equal keys kept.
        let entries = dictionary.map { (seq: $0.key, value: $0.value) }.shuffled(using: &random) + [(seq: 3, value: "last")]
        let sorted = SeqIndex(sorting: entries)
        dictionary[3] = "last"
        for seq in 0...(next + 5) { #expect(sorted[seq] == dictionary[seq]) }
        #expect(sorted.count == dictionary.count)
    }
}
