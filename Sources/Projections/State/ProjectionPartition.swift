public import LedgerCore

/// The partitions the projections' fold is kept in.
///
/// Every citizen's history, job order, company's visits, survey response and event held belongs to
/// exactly one, decided by its own key. A measure's value is the sum of each partition's part (plus a
/// part computed from the whole jobcenter's facts, such as M21's companies), so a report after a few
/// new events recomputes only the partitions those events touch and takes the others' parts from the
/// checkpoint.
public enum ProjectionPartition {
    /// The number of partitions.
    public static let count = 256
    /// The slot of parts that are not split by partition (computed whole every time).
    public static let wholeSlot = count

    /// A citizen's partition: the low bits of the pseudonym (pseudonyms are keyed hashes, so even).
    @inlinable public static func of(_ pseudonym: Pseudonym) -> Int { Int(truncatingIfNeeded: pseudonym.value) & (count - 1) }

    /// The partition of a job order (by its id) or a company's visits (by CVR number): FNV-1a.
    public static func of(key: String) -> Int {
        var hash: UInt32 = 2_166_136_261
        for byte in key.utf8 { hash = (hash ^ UInt32(byte)) &* 16_777_619 }
        return Int(hash ^ (hash >> 16)) & (count - 1)
    }

    /// The partition of a survey response or an event held: its sequence number.
    @inlinable public static func of(seq: Int64) -> Int { Int(truncatingIfNeeded: seq) & (count - 1) }

    /// What applying an event touches.
    public enum Reach: Equatable, Sendable {
        /// Only these partitions (and the whole-jobcenter facts every partial fold has).
        case partitions([Int])
        /// A correction of an earlier line about this citizen: the citizen's partition, provided the
        /// line corrected is in the citizen's history (a referral or fill is in its order's partition).
        case correctionOfCitizen(partition: Int, target: Int64)
        /// Anything: a correction of an earlier line not about a person.
        case unknown
    }

    /// What applying `event` touches in a fold loaded from a checkpoint through line `checkpointSeq`.
    ///
    /// A correction of a later line touches that line's partitions, which its own application has
    /// already loaded.
    public static func reach(of event: RecordedEvent, checkpointSeq: Int64) -> Reach {
        let e = event.event
        var parts: [Int] = []
        if let citizen = e.citizen { parts.append(of(citizen)) }
        switch e.type {
        case .jobOrderReceived, .jobOrderReferral, .jobOrderFilled:
            parts.append(of(key: e.text("order_id") ?? ""))
        case .companyVisited, .companyRegistered:
            parts.append(of(key: e.text("cvr") ?? ""))
        case .surveyResponse, .eventHeld:
            parts.append(of(seq: event.seq))
        case .correction:
            let target = e.integer("corrects") ?? 0
            if target > checkpointSeq { break }
            guard let citizen = e.citizen else { return .unknown }
            return .correctionOfCitizen(partition: of(citizen), target: target)
        default:
            break
        }
        return .partitions(parts)
    }
}

extension CitizenHistory {
    /// Whether a line of this history has sequence number `seq` (what a correction of it finds).
    public func holds(_ seq: Int64) -> Bool {
        registrationSeq == seq
            || spells.contains { $0.startSeq == seq || $0.endSeq == seq }
            || assessments.contains { $0.seq == seq }
            || activations.contains { $0.startSeq == seq || $0.endSeq == seq }
            || [placements, flexJobs, sickLeaves, educations].contains { $0.contains { $0.startSeq == seq || $0.endSeq == seq } }
            || [flexApprovals, awards, paidHours].contains { $0.contains { $0.seq == seq } }
    }
}
