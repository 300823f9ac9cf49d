import Foundation
import LedgerCore
import Projections
import Simulation
import Testing

@testable import Reports

/// Publications and the Merkle tree: a new publication records the root of the lines it was
/// computed from and the audit checks it; an older publication without one is still audited; a
/// recorded root that does not match the lines fails the audit.
@Suite struct PublicationMerkleTests {
    /// A small generated ledger in its own temporary directory.
    final class SmallLedger {
        let directory: String
        let ledger: Ledger

        init() throws {
            directory = NSTemporaryDirectory() + "caseledger-pubmerkle-\(UUID().uuidString)"
            ledger = try Ledger.create(at: directory + "/ledger", jobcenter: "Jobcenter Vallensbæk", municipalities: [183, 187],
                                       keyPath: directory + "/key", recordedAt: Timestamp(iso: "2010-12-31")!, now: Clock.now()).ledger
            var lines: [UInt8] = []
            Generator.generate(GeneratorOptions(citizens: 20, seed: 3, from: Day(iso: "2013-01-01")!, to: Day(iso: "2014-12-31")!,
                                                municipalities: [183, 187], withRecordedAt: true)) { lines += Array($0.utf8) + [0x0A] }
            let noKey: @Sendable ([UInt8]) throws(LedgerError) -> Pseudonym = { (_: [UInt8]) throws(LedgerError) -> Pseudonym in throw LedgerError.invalidRequest("no CPR in test input") }
            _ = try ledger.append(try InputBatch.records(jsonLines: lines, decoder: InputDecoder(source: "generated", allowsRecordedAt: true, pseudonymize: noKey)),
                                  source: "generated", recordedAt: nil)
        }

        deinit { try? FileManager.default.removeItem(atPath: directory) }

        /// Appends a publication event as `publish` writes it, with the Merkle facts given (none: as
        /// publications were written before the tree was recorded).
        func publishByHand(id: String, merkle: (Int64, SHA256Digest)?) throws -> Publication {
            let at = Day(iso: "2014-12-31")!
            let knownAt = Clock.now()
            var digest = SHA256Digest.zero
            _ = try ledger.appendLedgerEvent { (head) throws(LedgerError) -> Event in
                digest = SHA256.hash(Publication.reportJSON(try Replayer.replay(ledger, throughSeq: head.seq), at: at, knownAt: knownAt))
                var facts = [Fact("publication_id", .text(id)), Fact("at", .date(at)), Fact("known_at", .text(knownAt.iso)),
                             Fact("head_seq", .integer(head.seq)), Fact("head_hash", .text(head.hash.hex)), Fact("report_digest", .text(digest.hex))]
                if let (size, root) = merkle { facts += [Fact("tree_size", .integer(size)), Fact("root_hash", .text(root.hex))] }
                return Event(type: .publication, effective: at, municipality: nil, citizen: nil, facts: facts)
            }
            return try #require(Publication.all(in: try Replayer.replay(ledger)).first { $0.id == id })
        }
    }

    @Test("a new publication records the root of its lines; the audit recomputes it from the lines")
    func newPublication() throws {
        let small = try SmallLedger()
        let head = try small.ledger.readHead()
        let publication = try Publication.publish(small.ledger, at: Day(iso: "2014-12-31")!, title: nil)
        #expect(publication.treeSize == head.seq)
        #expect(publication.rootHash == (try MerkleTree.rootFromLines(small.ledger, head: head, size: head.seq)))
        // Read back from the stored line.
        let stored = try #require(Publication.all(in: try Replayer.replay(small.ledger)).first { $0.id == publication.id })
        #expect(stored.treeSize == publication.treeSize && stored.rootHash == publication.rootHash)
        let result = try Auditor.audit(small.ledger, publication: stored)
        #expect(result.reproduced && result.headStillMatches && result.rootMatches == true)
    }

    @Test("an older publication without tree_size and root_hash is still audited; a wrong recorded root fails")
    func olderAndWrongRoots() throws {
        let small = try SmallLedger()
        let older = try small.publishByHand(id: "OLD-1", merkle: nil)
        #expect(older.treeSize == nil && older.rootHash == nil)
        let olderResult = try Auditor.audit(small.ledger, publication: older)
        #expect(olderResult.reproduced && olderResult.headStillMatches && olderResult.rootMatches == nil)
        #expect(olderResult.recomputedRoot == (try MerkleTree.rootFromLines(small.ledger, head: try small.ledger.readHead(), size: older.headSeq)))
        let head = try small.ledger.readHead()
        let right = try MerkleTree.rootFromLines(small.ledger, head: head, size: head.seq)
        var wrongBytes = right.bytes
        wrongBytes[0] ^= 1
        let wrongRoot = try small.publishByHand(id: "WRONG-ROOT", merkle: (head.seq, SHA256Digest(bytes: wrongBytes)))
        #expect(try Auditor.audit(small.ledger, publication: wrongRoot).rootMatches == false)
        let wrongSize = try small.publishByHand(id: "WRONG-SIZE", merkle: (head.seq, right))
        #expect(try Auditor.audit(small.ledger, publication: wrongSize).rootMatches == false, "the root of another size")
    }
}
