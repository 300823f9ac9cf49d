/// One input line, parsed but not yet checked against the ledger: the envelope and raw facts.
public struct InputRecord: Sendable {
    /// 1-based line number in the input.
    public var line: Int
    /// The event type.
    public var type: EventType
    /// The effective date, if given (a correction may leave it out).
    public var effective: Day?
    /// The municipality code, if given.
    public var municipality: Int?
    /// The citizen pseudonym, given directly or derived from a CPR number.
    public var citizen: Pseudonym?
    /// The facts as given, in input order, typed by their JSON shape.
    public var facts: [(name: String, value: JSONValue)]
    /// A per-line recorded-at time (historical ledgers only).
    public var recordedAt: Timestamp?
    /// The facts typed by the catalog, or why they cannot be, when the decoder did it (every type
    /// but a correction, whose facts are typed against the event it corrects); nil otherwise. The
    /// validator uses it when it reaches the record, so a bad fact is still reported in input order.
    var typedFacts: Result<[Fact], FactTyping.Rejection>? = nil
}

/// Turns input lines (JSON objects or CSV rows) into ``InputRecord``s, checking the envelope.
///
/// Accepted keys of a JSON input line: `type`, `effective`, `municipality`, `citizen` or `cpr`,
/// `facts`, and with `--historical` also `recorded_at`. A CPR number is replaced by its pseudonym
/// here, before anything else sees it.
public struct InputDecoder: Sendable {
    /// Longest input line accepted, in bytes.
    public static let lineBytesMax = 65_536
    /// Most lines in one batch.
    public static let batchLinesMax = 20_000_000

    /// The input's name in messages.
    public var source: String
    /// Whether lines may carry their own `recorded_at`.
    public var allowsRecordedAt: Bool
    /// Derives a pseudonym from a CPR number's digits (loads the key on first use).
    public var pseudonymize: @Sendable (_ digits: [UInt8]) throws(LedgerError) -> Pseudonym

    /// Makes a decoder.
    public init(source: String, allowsRecordedAt: Bool, pseudonymize: @escaping @Sendable (_ digits: [UInt8]) throws(LedgerError) -> Pseudonym) {
        self.source = source
        self.allowsRecordedAt = allowsRecordedAt
        self.pseudonymize = pseudonymize
    }

    /// The input error of line `line`: `message` for `append` and `import`, `danish` for `record`
    /// at a terminal, or nil where only input that `record` never produces leads to it (the JSON
    /// line's syntax and keys, a CSV row's shape, `type`, `cpr`, `recorded_at` and the pseudonym's form:
    /// `record` writes these itself).
    func error(_ line: Int, _ field: String, _ message: String, da danish: String?) -> LedgerError {
        .input(InputError(source: source, line: line, field: field, message: message, danishMessage: danish))
    }

    /// Decodes one JSON input line (without its newline).
    public func decode(jsonLine bytes: UnsafeRawBufferPointer, line: Int) throws(LedgerError) -> InputRecord {
        guard bytes.count <= InputDecoder.lineBytesMax else {
            throw error(line, "", "line is \(bytes.count) bytes, more than the limit of \(InputDecoder.lineBytesMax)",
                        da: "linjen er \(bytes.count) bytes, mere end grænsen på \(InputDecoder.lineBytesMax)")
        }
        let value: JSONValue
        do { value = try JSONParser.parse(bytes) } catch {
            throw self.error(line, "", "not valid JSON: \(error)", da: nil)
        }
        guard case .object(let members) = value else { throw error(line, "", "expected a JSON object, found \(value.kindName)", da: nil) }
        var envelope = Envelope()
        var factsValue: JSONValue?
        for (key, value) in members {
            switch key {
            case "type": envelope.type = value
            case "effective": envelope.effective = value
            case "municipality": envelope.municipality = value
            case "citizen": envelope.citizen = value
            case "cpr": envelope.cpr = value
            case "facts": factsValue = value
            case "recorded_at":
                guard allowsRecordedAt else {
                    throw error(line, key, "recorded_at is assigned by the ledger; per-line times need append --historical", da: nil)
                }
                envelope.recordedAt = value
            default:
                throw error(line, key, "unknown field; allowed: type, effective, municipality, citizen or cpr, facts", da: nil)
            }
        }
        var facts: [(name: String, value: JSONValue)] = []
        if let factsValue {
            guard case .object(let factMembers) = factsValue else { throw error(line, "facts", "expected an object, found \(factsValue.kindName)", da: nil) }
            facts = factMembers.map { (name: $0.key, value: $0.value) }
        }
        return try decodeEnvelope(envelope, facts: facts, line: line)
    }

    /// Decodes one CSV row: `header` names the columns; `type` comes from the import's `--type`
    /// unless a `type` column exists. Columns other than the envelope's are facts; empty cells are absent.
    public func decode(csvRow cells: [String], header: [String], type defaultType: EventType?, line: Int) throws(LedgerError) -> InputRecord {
        guard cells.count == header.count else {
            throw error(line, "", "row has \(cells.count) cells but the header names \(header.count) columns", da: nil)
        }
        var envelope = Envelope()
        var facts: [(name: String, value: JSONValue)] = []
        for (name, cell) in zip(header, cells) {
            if cell.isEmpty { continue }
            switch name {
            case "type": envelope.type = .string(cell)
            case "effective": envelope.effective = .string(cell)
            case "municipality": envelope.municipality = .string(cell)
            case "citizen": envelope.citizen = .string(cell)
            case "cpr": envelope.cpr = .string(cell)
            case "recorded_at":
                guard allowsRecordedAt else { throw error(line, name, "recorded_at is assigned by the ledger; per-line times need --historical", da: nil) }
                envelope.recordedAt = .string(cell)
            default:
                facts.append((name: name, value: .string(cell)))
            }
        }
        if envelope.type == nil, let defaultType { envelope.type = .string(defaultType.rawValue) }
        return try decodeEnvelope(envelope, facts: facts, line: line)
    }

    /// The envelope members of an input line, as given (nil: absent).
    private struct Envelope {
        var type: JSONValue?
        var effective: JSONValue?
        var municipality: JSONValue?
        var citizen: JSONValue?
        var cpr: JSONValue?
        var recordedAt: JSONValue?
    }

    private func decodeEnvelope(_ envelope: Envelope, facts: [(name: String, value: JSONValue)], line: Int) throws(LedgerError) -> InputRecord {
        guard let typeValue = envelope.type else { throw error(line, "type", "required field is missing", da: nil) }
        guard case .string(let typeName) = typeValue else { throw error(line, "type", "expected a string, found \(typeValue.kindName)", da: nil) }
        guard let type = EventType(rawValue: typeName) else {
            throw error(line, "type", "unknown event type \"\(String(typeName.prefix(40)))\"; known: " + EventType.allCases.map(\.rawValue).joined(separator: ", "), da: nil)
        }
        guard type != .ledgerOpened && type != .publication else {
            throw error(line, "type", "\(type.rawValue) is written by the ledger itself (init, publish), not by append", da: nil)
        }
        var effective: Day?
        if let value = envelope.effective {
            guard case .string(let text) = value, let day = Day(iso: text) else {
                throw error(line, "effective", "expected a real calendar date YYYY-MM-DD", da: "skal være en gyldig dato ÅÅÅÅ-MM-DD")
            }
            effective = day
        } else if type != .correction {
            throw error(line, "effective", "required field is missing", da: "feltet skal udfyldes")
        }
        var municipality: Int?
        if let value = envelope.municipality, value != .null {
            let text: String
            switch value {
            case .string(let s): text = s
            case .number(let n): text = n
            default: throw error(line, "municipality", "expected a three-digit municipality code", da: "skal være en kommunekode på tre cifre")
            }
            guard text.utf8.count == 3, let code = Int(text), code >= 0 else {
                throw error(line, "municipality", "expected a three-digit municipality code, e.g. \"250\"",
                            da: "skal være en kommunekode på tre cifre, fx \"250\"")
            }
            municipality = code
        }
        var citizen: Pseudonym?
        if let value = envelope.citizen, value != .null {
            guard envelope.cpr == nil else { throw error(line, "cpr", "give either citizen or cpr, not both", da: nil) }
            guard case .string(let text) = value, let pseudonym = Pseudonym(text) else {
                throw error(line, "citizen", "expected a pseudonym c-<16 lowercase hex digits>; give a CPR number in the cpr field instead", da: nil)
            }
            citizen = pseudonym
        }
        if let value = envelope.cpr, value != .null {
            // The value is never echoed: it may be a real CPR number.
            guard case .string(let text) = value, let digits = CPR.digits(text) else {
                throw error(line, "cpr", "not a valid CPR number (expected DDMMYY-SSSS with a real date); the value is not shown", da: nil)
            }
            citizen = try pseudonymize(digits)
        }
        var recordedAt: Timestamp?
        if let value = envelope.recordedAt {
            guard case .string(let text) = value, let instant = Timestamp(iso: text) else {
                throw error(line, "recorded_at", "expected YYYY-MM-DDTHH:MM:SS.mmmZ, YYYY-MM-DDTHH:MM:SSZ or YYYY-MM-DD (UTC)", da: nil)
            }
            recordedAt = instant
        }
        // Typing the facts depends on the record alone, so it is done here, where a large batch is
        // decoded on several threads, rather than in the validator, which goes line by line.
        var typedFacts: Result<[Fact], FactTyping.Rejection>?
        if type != .correction {
            typedFacts = Result { () throws(FactTyping.Rejection) in
                try FactTyping.type(facts, fields: Catalog.spec(type).fields, typeName: type.rawValue)
            }
        }
        return InputRecord(line: line, type: type, effective: effective, municipality: municipality, citizen: citizen,
                           facts: facts, recordedAt: recordedAt, typedFacts: typedFacts)
    }
}
