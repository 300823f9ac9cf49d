import LedgerCore
import Projections
import Reports

/// `caseledger publish`: records a publication of the goal report.
enum PublishCommand: LedgerCommand {
    static let name = "publish"
    static let abstract = "Publish the goal report: record its digest and the ledger head it was computed from."
    static let usage = "DIR --at D [--title TEXT]"
    static let discussion = """
    Computes the goal report at D from everything recorded up to the head (under the writer lock,
    so nothing slips in between), and appends a publication event holding the report's SHA-256
    digest (of its canonical JSON), the head's sequence number and hash, D and the knowledge time,
    and the Merkle tree's size and root over the lines 1 to the head (EventLogs/FORMAT.md 5c), so
    that `prove` can later tie any line and any later ledger to it. A copy of the report is kept in
    DIR/publications/ID.json. Prints the publication's id; on standard error the details and two
    lines for a committee's minutes (tree size, root hash in groups of eight).
    """
    static let options: [OptionSpec] = [
        .option("at", "D", "The report's evaluation date."),
        .option("title", "TEXT", "A title, e.g. \"Resultatmål december 2014 til udvalget\"."),
        .flag("json", "Print the publication as JSON."),
    ]

    static func run(_ arguments: Arguments, console: Console) throws -> Int32 {
        let directory = try arguments.positionals(["DIR"])[0]
        guard let at = try Common.day(arguments, "at") else { throw UsageError("--at D is required") }
        let title = arguments.value("title")
        if let title, title.isEmpty || title.utf8.count > 300 || CPR.containsCPRShape(title) {
            throw UsageError("--title must be 1 to 300 bytes without CPR numbers")
        }
        let publication = try Publication.publish(try Ledger(path: directory), at: at, title: title)
        if arguments.flag("json") {
            console.line(JSONOut.object([
                ("publication_id", .string(publication.id)), ("seq", .integer(publication.seq)), ("at", .string(at.iso)),
                ("known_at", .string(publication.knownAt.iso)), ("head_seq", .integer(publication.headSeq)),
                ("head_hash", .string(publication.headHash.hex)), ("report_digest", .string(publication.reportDigest.hex)),
                ("tree_size", .integer(publication.treeSize ?? publication.headSeq)), ("root_hash", .optional(publication.rootHash?.hex)),
            ]).render())
        } else {
            console.line(publication.id)
            console.error("published \(publication.id) at seq \(publication.seq): report at \(at.iso) from head seq \(publication.headSeq) \(publication.headHash.hex), digest \(publication.reportDigest.hex)")
            // (On standard error with the details above: standard output is the id alone, for scripts.)
            for line in minutesLines(publication) { console.error(line) }
        }
        return ExitStatus.success
    }

    /// The publication in a form fit for a committee's minutes: what was published, from which
    /// ledger lines, and the Merkle root that ties them (root in groups of 8 for reading aloud).
    static func minutesLines(_ publication: Publication) -> [String] {
        let root = publication.rootHash.map { hex -> String in
            let text = hex.hex
            return stride(from: 0, to: 64, by: 8).map { i in String(text.dropFirst(i).prefix(8)) }.joined(separator: " ")
        } ?? "(none recorded)"
        return [
            "For the minutes: publication \(publication.id), report at \(publication.at.iso), computed from ledger lines 1-\(publication.headSeq);",
            "Merkle tree size \(publication.treeSize ?? publication.headSeq), root hash (SHA-256, RFC 9162) \(root)",
        ]
    }
}

/// `caseledger audit`: reproduces a publication and lists later restatements.
enum AuditCommand: LedgerCommand {
    static let name = "audit"
    static let abstract = "Reproduce a published report from the ledger prefix it names; list later restatements."
    static let usage = "DIR [PUBLICATION] [--json]"
    static let discussion = """
    Verifies the whole ledger, checks that the line at the publication's head still has the published
    hash, replays exactly that prefix, recomputes the report and compares its digest: "reproduced", or
    the differences. Then lists every event recorded after the publication that changes one of its
    numbers (late registrations, corrections), with its effect on each goal. A publication that
    records a Merkle tree size and root must have the root of the lines 1 to its head (hashed from
    the lines); older publications without them are audited as before. PUBLICATION is an id
    (P-...); default: the latest publication. Exit 0 when reproduced, 1 otherwise.
    """
    static let options: [OptionSpec] = [.flag("json", "Print the audit as JSON.")]

    static func run(_ arguments: Arguments, console: Console) throws -> Int32 {
        guard (1...2).contains(arguments.positionals.count) else { throw UsageError(arguments.positionals.isEmpty ? "missing DIR" : "unexpected argument \(arguments.positionals[2])") }
        let ledger = try Ledger(path: arguments.positionals[0])
        // A defect anywhere fails the audit, naming the file and line.
        let replayed = Result { () throws(LedgerError) -> (VerificationReport, ProjectionState) in
            (try LedgerVerifier.verify(ledger, progress: ProgressReporter("verifying")), try Replayer.replay(ledger))
        }
        if case .failure(let failure) = replayed, case .corrupt = failure {
            console.line("audit: FAILED: the ledger has a defect: \(failure.description)")
            return ExitStatus.failure
        }
        let (verification, state) = try replayed.get()
        let publications = Publication.all(in: state)
        let publication: Publication
        if arguments.positionals.count == 2 {
            guard let p = publications.first(where: { $0.id == arguments.positionals[1] }) else {
                throw LedgerError.invalidRequest("no publication \(arguments.positionals[1]); publications: " + (publications.isEmpty ? "none" : publications.map(\.id).joined(separator: ", ")))
            }
            publication = p
        } else {
            guard let p = publications.last else { throw LedgerError.invalidRequest("the ledger has no publications; publish one with caseledger publish") }
            publication = p
        }
        let outcome = Result { () throws(LedgerError) -> AuditResult in try Auditor.audit(ledger, publication: publication, verification: verification) }
        if case .failure(let failure) = outcome, case .corrupt = failure {
            console.line("audit of \(publication.id): FAILED: the ledger has a defect: \(failure.description)")
            return ExitStatus.failure
        }
        let result = try outcome.get()
        let ok = result.reproduced && result.headStillMatches && result.rootMatches != false
        if arguments.flag("json") {
            console.line(JSONOut.object([
                ("publication_id", .string(publication.id)), ("at", .string(publication.at.iso)), ("known_at", .string(publication.knownAt.iso)),
                ("head_seq", .integer(publication.headSeq)), ("head_hash", .string(publication.headHash.hex)),
                ("head_still_matches", .bool(result.headStillMatches)), ("ledger_verified", .bool(true)),
                ("report_digest", .string(publication.reportDigest.hex)), ("recomputed_digest", .string(result.recomputedDigest.hex)),
                ("reproduced", .bool(result.reproduced)),
                ("tree_size", publication.treeSize.map { .integer($0) } ?? .null), ("root_hash", .optional(publication.rootHash?.hex)),
                ("recomputed_root", .string(result.recomputedRoot.hex)), ("root_matches", result.rootMatches.map { .bool($0) } ?? .null),
                ("differences", .array(result.differences.map { .object([("goal_id", .string($0.goalID)), ("field", .string($0.field)), ("published", .string($0.published)), ("recomputed", .string($0.recomputed))]) })),
                ("later_events", .integer(Int64(result.laterEvents))),
                ("restatements", .array(result.restatements.map { r in
                    .object([("seq", .integer(r.seq)), ("recorded_at", .string(r.recordedAt.iso)), ("event", .string(r.description)),
                             ("changes", .array(r.changes.map { c in
                                 .object([("goal_id", .string(c.goalID)), ("measure", .string(c.measure)), ("scope", .string(c.scope)),
                                          ("before", .optional(c.before)), ("after", .optional(c.after)),
                                          ("delta", .optional(c.before.flatMap { b in c.after.map { $0 - b } }))])
                             }))])
                })),
            ]).render())
            return ok ? ExitStatus.success : ExitStatus.failure
        }
        console.line("publication \(publication.id)" + (publication.title.map { " \"\($0)\"" } ?? "") + ": report at \(publication.at.iso), known at \(publication.knownAt.iso)")
        console.line("computed from head seq \(publication.headSeq) \(publication.headHash.hex)")
        console.line("ledger verified: \(result.verification.events) events, head seq \(result.verification.head.seq)")
        switch result.rootMatches {
        case true?: console.line("Merkle root: the lines 1-\(publication.headSeq) have the published tree size \(publication.headSeq) and root \(result.recomputedRoot.hex)")
        case false?: console.line("FAILED: the published Merkle tree size \(publication.treeSize.map(String.init) ?? "(none)") and root \(publication.rootHash?.hex ?? "(none)") do not match the lines 1-\(publication.headSeq), whose root is \(result.recomputedRoot.hex)")
        case nil: console.line("Merkle root: not recorded in this publication (an older one); the lines 1-\(publication.headSeq) have root \(result.recomputedRoot.hex)")
        }
        console.line(result.headStillMatches ? "the line at seq \(publication.headSeq) still has the published hash: the history since only extends it"
                     : "FAILED: the line at seq \(publication.headSeq) no longer has the published hash")
        if result.reproduced {
            console.line("REPRODUCED: the report recomputed from seq 1-\(publication.headSeq) has the published digest \(publication.reportDigest.hex)")
        } else {
            console.line("NOT REPRODUCED: recomputed digest \(result.recomputedDigest.hex), published \(publication.reportDigest.hex)")
            for d in result.differences { console.line("  \(d.goalID) \(d.field): published \(d.published), recomputed \(d.recomputed)") }
        }
        console.line("restatements: \(result.restatements.count) of \(result.laterEvents) later events change a published number")
        for r in result.restatements {
            let effects = r.changes.map { c -> String in
                let delta = c.before.flatMap { b in c.after.map { $0 - b } }
                return "\(c.measure) \(c.goalID) (\(c.scope)) " + (delta.map { ($0 > 0 ? "+" : "") + JSONOut.human($0, digits: 2) } ?? "\(JSONOut.human(c.before)) → \(JSONOut.human(c.after))")
            }.joined(separator: "; ")
            console.line("  seq \(r.seq) (recorded \(r.recordedAt.iso)), \(r.description): \(effects)")
        }
        return ok ? ExitStatus.success : ExitStatus.failure
    }
}

/// `caseledger explain`: the citizens and events behind a number, with an access record first.
enum ExplainCommand: LedgerCommand {
    static let name = "explain"
    static let abstract = "Show the citizens (pseudonyms) and events behind a measure; records the access first."
    static let usage = "DIR MEASURE --at D | --period P [--municipality CODE] [--known-at T] --user NAME --purpose TEXT [--json]"
    static let discussion = """
    For each citizen or item in the numerator and denominator: its municipality, its part of each,
    the events (sequence numbers) that made it count, and why. This is a use of personal data: an
    access record (time, user, purpose, measure, the pseudonyms shown) is appended to the ledger's
    access log and made durable before anything is shown; when it cannot be written, nothing is shown.
    """
    static let options: [OptionSpec] = Common.evaluationOptions + [
        .option("municipality", "CODE", "Only this municipality."),
        .option("variant", "V", "The measure's variant."),
        .option("benefits", "B", "M12: benefits."),
        .option("filter", "K=V", "Further parameters."),
        .option("user", "NAME", "Who is looking (recorded in the access log)."),
        .option("purpose", "TEXT", "Why (recorded in the access log)."),
        .flag("json", "Print JSON."),
    ]

    static func run(_ arguments: Arguments, console: Console) throws -> Int32 {
        let positionals = try arguments.positionals(["DIR", "MEASURE"])
        guard let user = arguments.value("user"), !user.isEmpty else { throw UsageError("--user NAME is required: every explain is recorded") }
        guard let purpose = arguments.value("purpose"), !purpose.isEmpty else { throw UsageError("--purpose TEXT is required: every explain is recorded") }
        guard MeasureDefinition.named(positionals[1]) != nil else { throw UsageError("unknown measure \(positionals[1])") }
        let when = try Common.evaluation(arguments)
        guard when.at != nil || when.period != nil else { throw UsageError("give --at D or --period P") }
        var municipality: Int?
        if let text = arguments.value("municipality") { municipality = try Common.municipalities([text])[0] }
        let ledger = try Ledger(path: positionals[0])
        let state = try Replayer.replay(ledger, knownAt: when.knownAt, progress: ProgressReporter("replaying"))
        let request = MeasureRequest(measure: positionals[1], variant: arguments.value("variant"), at: when.at, period: when.period,
                                     benefits: arguments.value("benefits"), filter: MeasureRequest.parseFilter(arguments.value("filter")), recordContributions: true)
        let shown: Explanation.Shown
        do {
            shown = try Explanation.explain(ledger, state: state, request: request, municipality: municipality, knownAt: when.knownAt,
                                            user: user, purpose: purpose, defaultDay: Common.defaultDay(state))
        } catch let error as MeasureError {
            throw UsageError(error.message)
        }
        let (result, contributions, citizens, scope, record) = (shown.result, shown.contributions, shown.citizens, shown.scope, shown.record)
        let value = result.scope(municipality)
        if arguments.flag("json") {
            console.line(JSONOut.object([
                ("measure", .string(result.definition.id)), ("variant", .optional(result.variant)), ("evaluation", .string(result.evaluation.text)),
                ("scope", .string(scope)), ("value", .optional(value?.value)), ("numerator", .optional(value?.numerator)),
                ("denominator", .optional(value?.denominator ?? nil)), ("access_record", .integer(record.seq)),
                ("items", .array(contributions.map { c in
                    .object([("citizen", .optional(c.citizen?.text)), ("municipality", .string(CanonicalEncoder.municipalityText(c.municipality))),
                             ("numerator", .number(c.numerator)), ("denominator", .number(c.denominator)),
                             ("seqs", .array(c.seqs.map { .integer($0) })), ("reason", .string(c.reason))])
                })),
            ]).render())
            return ExitStatus.success
        }
        console.line("\(result.definition.id) \(result.definition.danish) \(result.evaluation.text), \(MeasureReport.municipalityName(municipality)): value \(MeasureReport.valueText(value?.value, kind: result.definition.kind)), numerator \(JSONOut.human(value?.numerator, digits: 2)), denominator \(value?.denominator.map { JSONOut.human($0, digits: 2) } ?? "-")")
        console.line("access record \(record.seq) written (user \(user), purpose \(purpose)); \(citizens.count) citizens shown")
        console.line()
        console.line("citizen".padding(toLength: 20) + "mun  " + "num".padding(toLength: 8) + "den".padding(toLength: 8) + "events".padding(toLength: 28) + "why")
        for c in contributions {
            let events = c.seqs.filter { $0 > 0 }.map(String.init).joined(separator: ",")
            console.line((c.citizen?.text ?? "-").padding(toLength: 20) + CanonicalEncoder.municipalityText(c.municipality).padding(toLength: 5)
                         + JSONOut.human(c.numerator, digits: 2).padding(toLength: 8) + JSONOut.human(c.denominator, digits: 3).padding(toLength: 8)
                         + String(events.prefix(26)).padding(toLength: 28) + c.reason)
        }
        return ExitStatus.success
    }
}

/// `caseledger access-log`: lists the access records (a citizen's right of access).
enum AccessLogCommand: LedgerCommand {
    static let name = "access-log"
    static let abstract = "List the access records of explain (optionally those showing one citizen)."
    static let usage = "DIR [--citizen PSEUDONYM] [--json]"
    static let discussion = "Each record: sequence number, time, user, purpose, what was explained, and how many citizens were shown. The log's hash chain is checked while reading; a defect exits 1."
    static let options: [OptionSpec] = [
        .option("citizen", "PSEUDONYM", "Only records that showed this citizen."),
        .flag("json", "Print JSON Lines."),
    ]

    static func run(_ arguments: Arguments, console: Console) throws -> Int32 {
        let directory = try arguments.positionals(["DIR"])[0]
        var citizen: Pseudonym?
        if let text = arguments.value("citizen") {
            guard let p = Pseudonym(text) else { throw UsageError("--citizen expects a pseudonym c-<16 hex digits>") }
            citizen = p
        }
        let log = AccessLog(ledger: try Ledger(path: directory))
        let (records, _, _, torn) = try log.read()
        if torn > 0 { console.error("note: a torn last record of \(torn) bytes (an interrupted write; nothing was shown for it)") }
        for r in records where citizen == nil || r.citizens.contains(citizen!) {
            if arguments.flag("json") {
                console.line(JSONOut.object([("seq", .integer(r.seq)), ("recorded_at", .string(r.recordedAt.iso)), ("user", .string(r.user)),
                                             ("purpose", .string(r.purpose)), ("subject", .string(r.subject)),
                                             ("citizens", .array(r.citizens.map { .string($0.text) }))]).render())
            } else {
                console.line("\(r.seq)  \(r.recordedAt.iso)  \(r.user)  \"\(r.purpose)\"  \(r.subject)  \(r.citizens.count) citizens")
            }
        }
        return ExitStatus.success
    }
}
