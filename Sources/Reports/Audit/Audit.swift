public import LedgerCore
import Projections

/// One later event that changes a published number: which goal, in which scope, by how much.
public struct Restatement: Sendable {
    /// The event's sequence number.
    public var seq: Int64
    /// When it was recorded.
    public var recordedAt: Timestamp
    /// What it is, e.g. "correction: retract of seq 4000 (job_placement)" or "late job_placement, effective 2014-11-03".
    public var description: String
    /// The changes: goal id, measure, scope, value before and after.
    public var changes: [(goalID: String, measure: String, scope: String, before: Double?, after: Double?)]
}

/// The outcome of an audit of one publication.
public struct AuditResult: Sendable {
    /// The publication audited.
    public var publication: Publication
    /// The ledger verified: events and head.
    public var verification: VerificationReport
    /// Whether the line at the publication's head still has the published hash.
    public var headStillMatches: Bool
    /// The recomputed report's digest.
    public var recomputedDigest: SHA256Digest
    /// Whether the recomputed digest equals the published one.
    public var reproduced: Bool
    /// Differences against the stored report copy, when not reproduced: goal, field, published, recomputed.
    public var differences: [(goalID: String, field: String, published: String, recomputed: String)]
    /// Later events that change a number of the report, in order.
    public var restatements: [Restatement]
    /// Later events examined.
    public var laterEvents: Int
    /// The Merkle root of the lines 1...headSeq, hashed from the lines themselves.
    public var recomputedRoot: SHA256Digest
    /// Whether the publication's `tree_size` and `root_hash` match the lines (nil: it recorded none).
    public var rootMatches: Bool?
}

/// Reproduces a publication from the ledger prefix it names, and lists later restatements.
public enum Auditor {
    /// Audits `publication`: verifies the ledger, checks the published head line, recomputes the report
    /// from exactly that prefix and compares digests, then replays each later event and lists those
    /// that change any goal's value at the publication's date.
    /// `verification` is the ledger's verification when the caller has just made one (nil: verify here).
    public static func audit(_ ledger: Ledger, publication: Publication, verification given: VerificationReport? = nil) throws(LedgerError) -> AuditResult {
        let verification: VerificationReport
        if let given { verification = given } else { verification = try LedgerVerifier.verify(ledger) }
        let head = verification.head
        guard publication.headSeq <= head.seq, let line = try ledger.event(at: publication.headSeq, head: head) else {
            throw LedgerError.corrupt(file: "events", line: 0, reason: "the ledger no longer holds seq \(publication.headSeq), the publication's head")
        }
        let headStillMatches = line.hash == publication.headHash
        // The Merkle root over the same lines, from the lines (never from the index in cache/).
        let root = try MerkleTree.rootFromLines(ledger, head: head, size: publication.headSeq)
        var rootMatches: Bool?
        if publication.treeSize != nil || publication.rootHash != nil {
            rootMatches = publication.treeSize == publication.headSeq && publication.rootHash == root
        }
        let published = try Replayer.replay(ledger, throughSeq: publication.headSeq)
        let json = Publication.reportJSON(published, at: publication.at, knownAt: publication.knownAt)
        let digest = SHA256.hash(json)
        var differences: [(String, String, String, String)] = []
        if digest != publication.reportDigest {
            differences = compare(storedAt: Publication.reportPath(ledger: ledger, id: publication.id), recomputed: json, digest: publication.reportDigest)
        }
        // Restatements: the events after the publication's head, one at a time.
        var state = published
        let evaluator = { (s: ProjectionState) -> [String: (measure: String, scope: String, value: Double?)] in
            var values: [String: (String, String, Double?)] = [:]
            for e in GoalEvaluator(engine: MeasureEngine(state: s)).evaluateAll(at: publication.at) {
                values[e.goal.id] = (e.result.definition.id, MeasureReport.scopeName(e.goal.scope), e.value)
            }
            return values
        }
        var before = evaluator(state)
        var restatements: [Restatement] = []
        var laterEvents = 0
        try ledger.forEachAcknowledgedLine(head: head) { (location, bytes) throws(LedgerError) in
            let recorded = try Ledger.decode(bytes, at: location)
            guard recorded.seq > publication.headSeq else { return }
            laterEvents += 1
            state.apply(recorded)
            guard recorded.event.type != .publication else { return }
            let after = evaluator(state)
            var changes: [(String, String, String, Double?, Double?)] = []
            for (id, now) in after.sorted(by: { $0.key < $1.key }) {
                let old = before[id]?.value
                if !same(old, now.value) { changes.append((id, now.measure, now.scope, old, now.value)) }
            }
            if !changes.isEmpty {
                restatements.append(Restatement(seq: recorded.seq, recordedAt: recorded.recordedAt,
                                                description: try describe(recorded, ledger: ledger, head: head), changes: changes))
            }
            before = after
        }
        return AuditResult(publication: publication, verification: verification, headStillMatches: headStillMatches,
                           recomputedDigest: digest, reproduced: digest == publication.reportDigest, differences: differences,
                           restatements: restatements, laterEvents: laterEvents, recomputedRoot: root, rootMatches: rootMatches)
    }

    static func same(_ a: Double?, _ b: Double?) -> Bool {
        switch (a, b) {
        case (nil, nil): return true
        case let (x?, y?): return abs(x - y) < 1e-9
        default: return false
        }
    }

    /// A short description of a later event for the restatement list.
    static func describe(_ recorded: RecordedEvent, ledger: Ledger, head: HeadRecord) throws(LedgerError) -> String {
        let e = recorded.event
        let place = e.municipality.map { " in " + CanonicalEncoder.municipalityText($0) } ?? ""
        if e.type == .correction, let target = e.integer("corrects") {
            let original = try ledger.event(at: target, head: head)?.event.type.rawValue ?? "?"
            return "correction: \(e.text("action") ?? "?") of seq \(target) (\(original), \(e.text("correction_reason") ?? ""))\(place)"
        }
        return "late \(e.type.rawValue), effective \(e.effective.iso)\(place)"
    }

    /// Compares the stored report copy with the recomputed report, goal by goal.
    static func compare(storedAt path: String, recomputed: String, digest: SHA256Digest) -> [(String, String, String, String)] {
        guard let bytes = try? FileAccess.read(path, bytesMax: 64 << 20) else {
            return [("(report)", "digest", digest.hex, "the published report's copy \(path) is missing; only the digest can be compared")]
        }
        var text = String(decoding: bytes, as: UTF8.self)
        while text.last == "\n" { text.removeLast() }
        guard SHA256.hash(text) == digest else {
            return [("(report)", "copy", path, "the stored copy does not match the published digest either")]
        }
        func goals(_ json: String) -> [String: [(String, JSONValue)]] {
            guard case .object(let top)? = try? JSONParser.parse(Array(json.utf8)),
                  case .array(let list)? = top.first(where: { $0.key == "goals" })?.value else { return [:] }
            var result: [String: [(String, JSONValue)]] = [:]
            for case .object(let members) in list {
                if case .string(let id)? = members.first(where: { $0.key == "goal_id" })?.value { result[id] = members.map { ($0.key, $0.value) } }
            }
            return result
        }
        let old = goals(text), new = goals(recomputed)
        var differences: [(String, String, String, String)] = []
        for id in Set(old.keys).union(new.keys).sorted() {
            let a = old[id] ?? [], b = new[id] ?? []
            for key in Set(a.map(\.0)).union(b.map(\.0)).sorted() {
                let x = a.first { $0.0 == key }?.1, y = b.first { $0.0 == key }?.1
                if x != y { differences.append((id, key, render(x), render(y))) }
            }
        }
        if differences.isEmpty { differences.append(("(report)", "header", "published header", "recomputed header differs")) }
        return differences
    }

    static func render(_ v: JSONValue?) -> String {
        switch v {
        case nil: return "(absent)"
        case .string(let s)?: return s
        case .number(let n)?: return n
        case .bool(let b)?: return b ? "true" : "false"
        case .null?: return "null"
        default: return "(structure)"
        }
    }
}
