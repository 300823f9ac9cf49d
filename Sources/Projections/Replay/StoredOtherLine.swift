import LedgerCore

/// Reads the most common stored lines that are not person events straight into a
/// ``RecordedEvent``: a job order referral, a citizen's registration, a company visit and a survey
/// response (together about four in five of the lines ``StoredPersonLine`` leaves).
///
/// The contract, as for ``StoredPersonLine`` and held by the same kind of tests: when this returns
/// a value, ``LineDecoder`` accepts the line and decodes it to an equal value. So it takes only a
/// subset of the canonical encoding: the type's fields in the catalog's order, text values of
/// printable ASCII without escapes; every other line goes to the full decoder.
enum StoredOtherLine {
    /// The decoded line, or nil: not one of the types read here, not in a shape this reader takes,
    /// or not valid (the full decoder then decides and words it). `memo` is shared with
    /// ``StoredPersonLine/decode(_:memo:)`` over a chunk's lines, and notes the line read as it does.
    static func decode(_ line: UnsafeRawBufferPointer, memo: inout StoredPersonLine.Memo) -> RecordedEvent? {
        var r = StoredPersonLine.Reader(line)
        guard r.literal(#"{"seq":"#), let seq = r.number(), seq >= 1,
              r.literal(#","recorded_at":""#), let recordedBytes = r.take(24),
              let recordedAt = StoredPersonLine.recordedAt(recordedBytes, &memo),
              r.literal(#"","type":"#), let typeIndex = r.choice(Names.types),
              r.literal(#","effective":""#), let effectiveBytes = r.take(10),
              let effective = StoredPersonLine.effective(effectiveBytes, &memo),
              r.literal(#"","municipality":"#)
        else { return nil }
        let type = Names.typeValues[Int(typeIndex)]
        var municipality: Int?
        if !r.literal("null") {
            guard r.literal("\""), let code = r.digits(3), r.literal("\"") else { return nil }
            municipality = code
        }
        guard r.literal(#","citizen":"#) else { return nil }
        var citizen: Pseudonym?
        if !r.literal("null") {
            guard r.literal("\""), let citizenBytes = r.take(18), let pseudonym = Pseudonym(bytes: citizenBytes), r.literal("\"")
            else { return nil }
            citizen = pseudonym
        }
        guard r.literal(#","facts":{"#), let facts = readFacts(type, &r),
              r.literal(#","prev":""#), let prevBytes = r.take(64), let prev = StoredPersonLine.digest(prevBytes, &memo),
              r.literal(#"","hash":""#), let hashBytes = r.take(64), let hash = StoredPersonLine.digest(hashBytes, &memo),
              r.literal(#""}"#), r.atEnd
        else { return nil }
        // What the chain check takes from the memo, as ``StoredPersonLine/decode(_:memo:)`` notes it.
        let prevText = StoredPersonLine.HexText(prevBytes)
        memo.lineRecordedAt = recordedAt
        memo.linePrev = memo.hasLine && prevText == memo.lineHashText ? nil : prev
        memo.lineHashText = StoredPersonLine.HexText(hashBytes)
        memo.hasLine = true
        return RecordedEvent(seq: seq, recordedAt: recordedAt,
                             event: Event(type: type, effective: effective, municipality: municipality, citizen: citizen, facts: facts),
                             prev: prev, hash: hash)
    }

    /// The facts object after its opening brace, through its closing brace, as the full decoder
    /// reads it (text as text, a date as a day, `true`/`false` as a bool); nil for any other shape.
    private static func readFacts(_ type: EventType, _ r: inout StoredPersonLine.Reader) -> [Fact]? {
        var facts: [Fact] = []
        switch type {
        case .jobOrderReferral:
            guard r.literal(#""order_id":""#), let id = r.plainText() else { return nil }
            facts = [Fact(Names.orderID, .text(String(decoding: id, as: UTF8.self)))]
        case .companyVisited:
            guard r.literal(#""cvr":""#), let cvr = r.plainText() else { return nil }
            facts = [Fact(Names.cvr, .text(String(decoding: cvr, as: UTF8.self)))]
        case .surveyResponse:
            guard r.literal(#""respondent":""#), let respondent = r.plainText(),
                  r.literal(#","satisfied":"#), let satisfied = bool(&r) else { return nil }
            facts = [Fact(Names.respondent, .text(String(decoding: respondent, as: UTF8.self))), Fact(Names.satisfied, .bool(satisfied))]
        case .citizenRegistered:
            guard r.literal(#""birth_date":""#), let birth = r.take(10), let birthDate = Day(isoBytes: birth),
                  r.literal(#"","education":""#), let education = r.plainText() else { return nil }
            facts.reserveCapacity(4)
            facts.append(Fact(Names.birthDate, .date(birthDate)))
            facts.append(Fact(Names.education, .text(String(decoding: education, as: UTF8.self))))
            if r.literal(#","refugee":"#) {
                guard let refugee = bool(&r) else { return nil }
                facts.append(Fact(Names.refugee, .bool(refugee)))
            }
            if r.literal(#","arrival_date":""#) {
                guard let arrival = r.take(10), let arrivalDate = Day(isoBytes: arrival), r.literal("\"") else { return nil }
                facts.append(Fact(Names.arrivalDate, .date(arrivalDate)))
            }
        default:
            return nil
        }
        return r.literal("}") ? facts : nil
    }

    /// `true` or `false`.
    @inline(__always)
    private static func bool(_ r: inout StoredPersonLine.Reader) -> Bool? {
        if r.literal("true") { return true }
        if r.literal("false") { return false }
        return nil
    }

    /// The types read here, and the field names as the catalog spells them.
    enum Names {
        static let typeValues: [EventType] = [.jobOrderReferral, .citizenRegistered, .companyVisited, .surveyResponse]
        static let types = StoredPersonLine.ChoiceList(typeValues.map(\.rawValue))
        static let orderID = "order_id"
        static let cvr = "cvr"
        static let respondent = "respondent"
        static let satisfied = "satisfied"
        static let birthDate = "birth_date"
        static let education = "education"
        static let refugee = "refugee"
        static let arrivalDate = "arrival_date"
    }
}
