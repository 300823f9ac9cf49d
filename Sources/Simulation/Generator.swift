internal import LedgerCore

/// Makes a deterministic synthetic history of a jobcenter's events (DOMAIN.md): citizens with
/// benefit spells, match assessments, activations, placements, flex jobs, sick leave, education,
/// paid hours; companies, job orders, events held, surveys, reference figures; and a few corrections.
///
/// The output is input lines for `caseledger append` (with `withRecordedAt`, `append --historical`),
/// in an order the validator accepts as one batch: by recorded-at, each citizen's events in causal
/// order. The same options always give the same lines.
public enum Generator {
    /// Calls `emit` with each input line (JSON, no newline) in an order that the validator accepts as one batch.
    public static func generate(_ options: GeneratorOptions, emit: (String) -> Void) {
        precondition(options.citizens >= 0, "citizens is not negative")
        precondition(!options.municipalities.isEmpty, "at least one municipality")
        precondition(options.municipalities.allSatisfy { $0 >= 0 && $0 <= 999 }, "municipality codes have three digits")
        precondition(options.from <= options.to, "from is not after to")
        precondition(options.from >= Day(year: 1970, month: 1, day: 1)!, "recorded-at times are after 1970")
        precondition(options.firstSeq >= 1, "sequence numbers start at 1")
        precondition(
            options.profile.spellTailThresholds.count == 2 && options.profile.sickLeaveThresholds.count == 3
                && options.profile.ledighedsydelseThresholds.count == 2, "the profile's thresholds are complete")
        var history = History(options: options)
        history.build()
        history.write(emit)
    }
}
