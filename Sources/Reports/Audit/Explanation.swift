public import LedgerCore
public import Projections

/// The citizens and events behind a number, shown only after an access record is on disk: what
/// `explain` does, shared by the command and `serve`'s audit page so that both record the same.
public enum Explanation {
    /// An explanation shown: the measure's result, the items in the scope asked, the access record.
    public struct Shown: Sendable {
        /// The measure's result (with contributions).
        public var result: MeasureResult
        /// The contributions in the scope asked (all municipalities when nil).
        public var contributions: [Contribution]
        /// The pseudonyms shown, each once, in order of appearance.
        public var citizens: [Pseudonym]
        /// The scope's name: a municipality code or `jobcenter`.
        public var scope: String
        /// The access record written before anything is shown.
        public var record: AccessRecord
    }

    /// Computes `request` (its contributions recorded) on `state`, writes the access record
    /// (user, purpose, what was explained, the pseudonyms shown) to the ledger's access log and
    /// makes it durable, and only then returns what may be shown. When the record cannot be
    /// written, this throws and nothing is shown.
    public static func explain(_ ledger: Ledger, state: ProjectionState, request: MeasureRequest, municipality: Int?, knownAt: Timestamp?,
                               user: String, purpose: String, defaultDay: Day) throws -> Shown {
        precondition(request.recordContributions, "an explanation records contributions")
        let result = try MeasureEngine(state: state).compute(request, defaultDay: defaultDay)
        let contributions = result.contributions.filter { municipality == nil || $0.municipality == municipality }
        var seen: Set<Pseudonym> = []
        let citizens = contributions.compactMap(\.citizen).filter { seen.insert($0).inserted }
        let scope = municipality.map(CanonicalEncoder.municipalityText) ?? "jobcenter"
        let subject = "\(result.definition.id)\(result.variant.map { " \($0)" } ?? "") \(result.evaluation.text), \(scope)" + (knownAt.map { ", known at \($0.iso)" } ?? "")
        // The access record first: nothing is shown unless it is on disk.
        let record = try AccessLog(ledger: ledger).append(user: user, purpose: purpose, subject: subject, citizens: citizens)
        return Shown(result: result, contributions: contributions, citizens: citizens, scope: scope, record: record)
    }
}
