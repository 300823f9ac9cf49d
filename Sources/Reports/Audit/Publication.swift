public import LedgerCore
public import Projections

/// A published report, as its `publication` event records it.
public struct Publication: Sendable {
    /// The publication's id.
    public var id: String
    /// Its title.
    public var title: String?
    /// The evaluation date.
    public var at: Day
    /// The knowledge time the report was computed with.
    public var knownAt: Timestamp
    /// The last sequence number the report was computed from.
    public var headSeq: Int64
    /// That line's hash.
    public var headHash: SHA256Digest
    /// SHA-256 of the report's canonical JSON.
    public var reportDigest: SHA256Digest
    /// The Merkle tree's size: the lines 1...`headSeq` (nil in publications written before the
    /// tree was recorded).
    public var treeSize: Int64?
    /// The Merkle tree's root over those lines (EventLogs/FORMAT.md section 5c); nil in older publications.
    public var rootHash: SHA256Digest?
    /// The publication event's own sequence number.
    public var seq: Int64
    /// When it was recorded.
    public var recordedAt: Timestamp

    /// Reads the publications recorded in a state.
    public static func all(in state: ProjectionState) -> [Publication] {
        state.publications.compactMap { Publication(facts: $0.facts, seq: $0.seq, recordedAt: $0.recordedAt) }
    }

    /// The publication with id `id` in the ledger up to `head`, or nil. An id `P-` + the
    /// publication's own sequence number (as `publish` names them) is looked up at that line
    /// (only that line is decoded); any other id by replaying the ledger.
    public static func find(_ ledger: Ledger, id: String, head: HeadRecord) throws(LedgerError) -> Publication? {
        if id.hasPrefix("P-"), let seq = Int64(id.dropFirst(2)), seq >= 1, seq <= head.seq,
           let line = try ledger.storedLine(at: seq, head: head), let recorded = try? LineDecoder.decode(line), recorded.event.type == .publication,
           let publication = Publication(facts: recorded.event.facts, seq: recorded.seq, recordedAt: recorded.recordedAt), publication.id == id {
            return publication
        }
        return all(in: try Replayer.replay(ledger, throughSeq: head.seq)).first { $0.id == id }
    }

    /// The canonical JSON of the goal report at `at`, known at `knownAt`, from `state`: what a
    /// publication's digest is computed over.
    public static func reportJSON(_ state: ProjectionState, at: Day, knownAt: Timestamp) -> String {
        let evaluations = GoalEvaluator(engine: MeasureEngine(state: state)).evaluateAll(at: at)
        return GoalReport.json(evaluations, state: state, at: at, knownAt: knownAt).render()
    }

    /// The path of a publication's report copy beside the ledger (its digest is in the chain).
    public static func reportPath(ledger: Ledger, id: String) -> String {
        PathNames.join(PathNames.join(ledger.path, "publications"), id + ".json")
    }

    /// Computes the report from everything up to the head and records a publication event for it,
    /// under the writer lock. Writes the report's JSON to `publications/ID.json`. Returns the publication.
    public static func publish(_ ledger: Ledger, at: Day, title: String?, clock: (() -> Timestamp)? = nil) throws(LedgerError) -> Publication {
        var published: Publication?
        let written = try ledger.appendLedgerEvent(clock: clock) { (head) throws(LedgerError) -> Event in
            let knownAt = max(clock?() ?? Clock.now(), Timestamp(milliseconds: 0))
            let state = try Replayer.replay(ledger, throughSeq: head.seq)
            precondition(state.headSeq == head.seq, "the report is computed from the head it will follow")
            let json = reportJSON(state, at: at, knownAt: knownAt)
            let digest = SHA256.hash(json)
            let id = "P-" + Day.pad(Int(head.seq + 1), 9)
            // The tree over the lines the report was computed from, from the index (brought to the head here).
            let root = try MerkleIndex.update(ledger, head: head).record.root
            do {
                try SystemCalls.makeDirectoryDurably(PathNames.join(ledger.path, "publications"))
                try FileAccess.write(reportPath(ledger: ledger, id: id), bytes: Array((json + "\n").utf8))
            } catch {
                throw LedgerError.wrapping(error)
            }
            var facts = [Fact("publication_id", .text(id))]
            if let title { facts.append(Fact("title", .text(title))) }
            facts += [
                Fact("at", .date(at)), Fact("known_at", .text(knownAt.iso)), Fact("head_seq", .integer(head.seq)),
                Fact("head_hash", .text(head.hash.hex)), Fact("report_digest", .text(digest.hex)),
                Fact("tree_size", .integer(head.seq)), Fact("root_hash", .text(root.hex)),
            ]
            published = Publication(id: id, title: title, at: at, knownAt: knownAt, headSeq: head.seq, headHash: head.hash,
                                    reportDigest: digest, treeSize: head.seq, rootHash: root, seq: head.seq + 1, recordedAt: knownAt)
            return Event(type: .publication, effective: at, municipality: nil, citizen: nil, facts: facts)
        }
        published!.recordedAt = written.recordedAt
        return published!
    }
}

extension Publication {
    /// A publication from its event's facts; nil when they are not a publication's.
    public init?(facts: [Fact], seq: Int64, recordedAt: Timestamp) {
        func text(_ name: String) -> String? { facts.first { $0.name == name }?.value.display }
        guard let id = text("publication_id"), let at = text("at").flatMap({ Day(iso: $0) }),
              let knownAt = text("known_at").flatMap({ Timestamp(iso: $0) }), let headSeq = text("head_seq").flatMap({ Int64($0) }),
              let headHash = text("head_hash").flatMap({ SHA256Digest(hex: $0) }), let digest = text("report_digest").flatMap({ SHA256Digest(hex: $0) }) else {
            return nil
        }
        self.init(id: id, title: text("title"), at: at, knownAt: knownAt, headSeq: headSeq, headHash: headHash,
                  reportDigest: digest, treeSize: text("tree_size").flatMap { Int64($0) }, rootHash: text("root_hash").flatMap { SHA256Digest(hex: $0) },
                  seq: seq, recordedAt: recordedAt)
    }
}
