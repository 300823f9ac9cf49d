import LedgerCore

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// `caseledger record`: asks for one event at a terminal, field by field, and appends it.
///
/// For a caseworker without an integration. The CPR number is read without echo and never taken
/// from the command line or the environment, which leak into shell history and process lists.
/// Every answer is judged by the same decoder and validator as `append`, so the two accept the same
/// events.
enum RecordCommand: LedgerCommand {
    static let name = "record"
    static let abstract = "Record one event at a terminal, asking for each field in turn."
    static let usage = "DIR TYPE [--municipality CODE] [--key-file PATH] [--json]"
    static let discussion = """
        Asks at the terminal, in Danish (the catalog's Danish texts: `caseledger catalog --language da`),
        for the citizen's CPR number (read without echo: a CPR number
        is never taken from the command line or the environment, which leak into shell history and
        process lists), the effective date (default today), the municipality (default --municipality,
        else the ledger's first), and each fact of TYPE in catalog order, showing what it means, its
        kind and, for closed lists, the allowed values numbered: type the number or the value. Optional
        facts may be left empty. Each answer is checked by the same rules as append and asked again,
        with the reason in Danish, when rejected. The event is then shown as it will be stored, with the
        citizen's pseudonym and never the CPR number, and appended after "Gem? [j/N]" is answered j.
        For a correction, the original's date, municipality and citizen are kept; a superseding
        correction offers the original's facts as defaults ('-' empties an optional one).

        q, or Ctrl-D, at any prompt stops without writing anything. Prompts go to standard error, with
        "Gemt som seq N." at the end; the result for scripts ("appended 1 event: seq N", as append
        prints it) to standard output.

        Standard input must be a terminal. For scripts and integrations use 'caseledger append DIR',
        which reads JSON Lines. Exit status: 0 appended, 1 stopped, declined or rejected (nothing
        written), 2 usage error (also when standard input is not a terminal).
        """
    static let options: [OptionSpec] = [
        .option("municipality", "CODE", "The municipality offered as the default (default: the ledger's first)."),
        .option("key-file", "PATH", "The pseudonym key (default: the location recorded at init)."),
        .flag("json", "Print the result as JSON."),
    ]

    /// Most times one question is asked before the session stops: a person who cannot get an
    /// answer accepted in this many tries needs help, not another prompt.
    static let attemptsMax = 20

    /// The command line, checked.
    struct Request {
        var directory: String
        var type: EventType
        var municipality: Int?
    }

    /// Turns bad usage into a clear message (exit status 2) before anything is read or opened.
    static func validate(_ arguments: Arguments) throws(UsageError) -> Request {
        // A CPR number typed as an argument is already in the shell history; say so, and never use it.
        if arguments.positionals.dropFirst(2).contains(where: { CPR.containsCPRShape($0) }) {
            throw UsageError(
                "a CPR number is never given on the command line (it stays in the shell history and the process list); record asks for it at the terminal, without echo"
            )
        }
        let positionals = try arguments.positionals(["DIR", "TYPE"])
        let recordable = EventType.allCases.filter { $0 != .ledgerOpened && $0 != .publication }
        guard let type = EventType(rawValue: positionals[1]), recordable.contains(type) else {
            throw UsageError("TYPE must be one of: " + recordable.map(\.rawValue).joined(separator: ", "))
        }
        guard isatty(0) == 1 else {
            throw UsageError(
                "standard input is not a terminal; record asks its questions at a terminal. For scripts and integrations, pipe JSON Lines to 'caseledger append DIR' instead"
            )
        }
        var municipality: Int?
        if let text = arguments.value("municipality") {
            guard text.utf8.count == 3, text.utf8.allSatisfy({ $0 >= 48 && $0 <= 57 }), let code = Int(text) else {
                throw UsageError("--municipality expects a three-digit code, e.g. 250")
            }
            municipality = code
        }
        return Request(directory: positionals[0], type: type, municipality: municipality)
    }

    static func run(_ arguments: Arguments, console: Console) throws -> Int32 {
        let request = try validate(arguments)
        let ledger = try Ledger(path: request.directory)
        let head = try ledger.readHead()
        // Loaded once: the append below reuses it unless another writer moved the head meanwhile.
        let loaded = try ledger.loadState(head: head)
        let state = loaded.state
        if let code = request.municipality, !state.municipalities.contains(code) {
            throw UsageError(
                "--municipality \(CanonicalEncoder.municipalityText(code)) is not one of this ledger's: "
                    + state.municipalities.map(CanonicalEncoder.municipalityText).joined(separator: ", "))
        }
        guard let terminal = TerminalInput() else {
            throw UsageError("standard input is not a terminal; for scripts and integrations, pipe JSON Lines to 'caseledger append DIR' instead")
        }
        defer { terminal.close() }
        let pseudonymize = Common.pseudonymizer(ledger: ledger, keyFile: arguments.value("key-file"))
        if Catalog.spec(request.type).citizen != .none && request.type != .correction {
            // Load the key now, so that a missing key stops the session before anyone types a CPR number.
            _ = try pseudonymize([UInt8](repeating: 0, count: 10))
        }
        var session = RecordSession(
            ledger: ledger, head: head, state: state, type: request.type,
            defaultMunicipality: request.municipality ?? state.municipalities.first,
            terminal: terminal, console: console, pseudonymize: pseudonymize)
        let record: InputRecord
        do {
            guard let accepted = try session.run() else {
                console.error("Ikke gemt; intet er skrevet.")
                return ExitStatus.failure
            }
            record = accepted
        } catch let stop as RecordSession.Stop {
            console.error(stop.message)
            return ExitStatus.failure
        }
        // Ctrl-C from here on ends the process the ordinary way; the ledger's own recovery handles
        // an append cut short.
        terminal.close()
        let result: AppendResult
        do {
            result = try ledger.append([record], source: "terminal", recordedAt: nil, reusing: loaded)
        } catch {
            // Judged again at the head: another writer may have appended meanwhile (opened the same
            // period, received the same job order, ...). Said in Danish like every other rejection.
            guard case .input(let input) = error else { throw error }
            console.error("Afvist: \(RecordSession.reason(input))\nIntet er gemt.")
            return ExitStatus.failure
        }
        console.error("Gemt som seq \(result.lastSeq).")
        AppendCommand.report(result, count: 1, json: arguments.flag("json"), console: console)
        return ExitStatus.success
    }
}

/// One `record` session: the questions, the answers so far, and their judging. Kept beside the
/// command because nothing else uses it.
struct RecordSession {
    /// Stops the session without writing; `message` is shown.
    struct Stop: Error { var message: String }

    /// One answer: a value as typed (after a choice number is turned into its value), or left empty.
    enum Answer: Equatable {
        case value(String)
        case empty
    }

    /// One question. `key` is the name the validator gives the field in its messages.
    enum Question {
        case citizen(Presence)
        case effective
        case municipality(Presence)
        case fact(FieldSpec, defaultValue: String?)

        var key: String {
            switch self {
            case .citizen: return "citizen"
            case .effective: return "effective"
            case .municipality: return "municipality"
            case .fact(let field, _): return "facts." + field.name
            }
        }
    }

    let ledger: Ledger
    let head: HeadRecord
    let state: LedgerState
    let type: EventType
    let spec: EventSpec
    let defaultMunicipality: Int?
    let terminal: TerminalInput
    let console: Console
    let pseudonymize: (_ digits: [UInt8]) throws(LedgerError) -> Pseudonym
    let decoder: InputDecoder
    /// Answers by question key; a missing key is a question not yet (or again) to be asked.
    var answers: [String: Answer] = [:]
    /// Events looked up for a correction, by sequence number.
    var originals: [Int64: Event] = [:]

    init(
        ledger: Ledger, head: HeadRecord, state: LedgerState, type: EventType, defaultMunicipality: Int?,
        terminal: TerminalInput, console: Console, pseudonymize: @escaping @Sendable (_ digits: [UInt8]) throws(LedgerError) -> Pseudonym
    ) {
        self.ledger = ledger
        self.head = head
        self.state = state
        self.type = type
        self.spec = Catalog.spec(type)
        self.defaultMunicipality = defaultMunicipality
        self.terminal = terminal
        self.console = console
        self.pseudonymize = pseudonymize
        self.decoder = InputDecoder(source: "terminal", allowsRecordedAt: false, pseudonymize: pseudonymize)
    }

    /// The correction's own fields, which stay when the corrected event changes.
    static let correctionKeys: Set<String> = Set(Catalog.spec(.correction).fields.map { "facts." + $0.name })

    // MARK: The session

    /// Asks every question, judges the whole event, shows it and asks for confirmation. Returns the
    /// record to append, or nil when the caseworker declines.
    mutating func run() throws -> InputRecord? {
        say("Ny hændelse: \(type.rawValue) (\(state.jobcenter))")
        say("  \(spec.meaning(in: .danish))")
        say("Svar på hvert spørgsmål og tryk Enter. q eller Ctrl-D afbryder uden at gemme.")
        for _ in 0..<RecordCommand.attemptsMax {
            while let question = try questions(for: answers).first(where: { answers[$0.key] == nil }) {
                try ask(question)
            }
            let verdict = try judge(answers)
            switch verdict {
            case .accepted(let event, let record):
                say("")
                say("Hændelsen, som den gemmes (seq, recorded_at og hash sættes ved gemningen):")
                say(Self.storedForm(event))
                let answer = try readAnswer(prompt: "Gem? [j/N]: ", echo: true) ?? ""
                return ["j", "ja", "y", "yes"].contains(answer.lowercased()) ? record : nil
            case .rejected(let error):
                // The whole event is checked only now (rules between fields, periods): ask the
                // field named again, or stop when no single answer can mend it.
                guard
                    let question = try questions(for: answers).first(where: { $0.key == error.field || (error.field == "cpr" && $0.key == "citizen") }
                    )
                else {
                    throw Stop(message: "Afvist: \(Self.reason(error))\nIntet er gemt.")
                }
                say("")
                say("Afvist, \(label(question)): \(Self.reason(error))")
                answers[question.key] = nil
                if question.key == "facts.corrects" || question.key == "facts.action" {
                    // Another original or action: the superseding facts are asked anew.
                    answers = answers.filter { RecordSession.correctionKeys.contains($0.key) }
                }
            }
        }
        throw Stop(message: "Hændelsen blev afvist for mange gange; intet er gemt.")
    }

    /// The questions for `answers`, in order: for a correction its own fields and, when it
    /// supersedes, the original type's fields; else CPR number, effective date, municipality and facts.
    mutating func questions(for answers: [String: Answer]) throws -> [Question] {
        guard type == .correction else {
            var list: [Question] = []
            if spec.citizen != .none { list.append(.citizen(spec.citizen)) }
            list.append(.effective)
            if spec.municipality != .none { list.append(.municipality(spec.municipality)) }
            list += spec.fields.map { .fact($0, defaultValue: nil) }
            return list
        }
        var list: [Question] = spec.fields.map { .fact($0, defaultValue: nil) }
        guard answers["facts.action"] == .value("supersede"), case .value(let text)? = answers["facts.corrects"],
            let seq = Int64(text), let original = try original(seq)
        else { return list }
        list += Catalog.spec(original.type).fields.map { .fact($0, defaultValue: original[fact: $0.name]?.display) }
        return list
    }

    /// The event with sequence number `seq`, if the ledger has it.
    mutating func original(_ seq: Int64) throws -> Event? {
        if let event = originals[seq] { return event }
        guard let event = try ledger.event(at: seq, head: head)?.event else { return nil }
        originals[seq] = event
        return event
    }

    // MARK: Questions

    mutating func ask(_ question: Question) throws {
        switch question {
        case .citizen(let presence): try askCitizen(presence)
        case .effective: try askEffective()
        case .municipality(let presence): try askMunicipality(presence)
        case .fact(let field, let defaultValue): try askFact(field, defaultValue: defaultValue)
        }
    }

    /// The CPR number, read without echo and turned into the pseudonym at once. It is never shown,
    /// not even in the message saying it is invalid.
    mutating func askCitizen(_ presence: Presence) throws {
        let prompt = presence == .optional ? "CPR-nummer (vises ikke; tomt hvis ingen borger): " : "CPR-nummer (vises ikke): "
        for _ in 0..<RecordCommand.attemptsMax {
            guard let text = try readAnswer(prompt: prompt, echo: false) else { continue }
            if text.isEmpty {
                if presence == .optional {
                    answers["citizen"] = .empty
                    return
                }
                say("  Et CPR-nummer skal angives.")
                continue
            }
            guard let digits = CPR.digits(text) else {
                say("  Ikke et gyldigt CPR-nummer.")
                continue
            }
            let pseudonym = try pseudonymize(digits)
            // The validator's rule, asked here so that a mistyped number is caught before the facts.
            if type != .citizenRegistered && !state.hasCitizen(pseudonym) {
                say("  Borgeren \(pseudonym) er ikke registreret i denne ledger (registrér med citizen_registered først). Prøv igen, eller q.")
                continue
            }
            say("  Borger: \(pseudonym)")
            answers["citizen"] = .value(pseudonym.text)
            return
        }
        throw Stop(message: "For mange forsøg; intet er gemt.")
    }

    mutating func askEffective() throws {
        let today = Self.localToday()
        let header = type == .citizenRegistered || spec.period == nil ? [] : [Self.periodHint(spec.period!)]
        for line in header { say(line) }
        try askValidated(.effective, prompt: "Virkningsdato (ÅÅÅÅ-MM-DD) [\(today.iso)]: ", defaultValue: today.iso, optional: false) { $0 }
    }

    mutating func askMunicipality(_ presence: Presence) throws {
        let codes = state.municipalities.map(CanonicalEncoder.municipalityText)
        let optional = presence == .optional
        let defaultValue = optional ? nil : defaultMunicipality.map(CanonicalEncoder.municipalityText)
        var prompt = "Kommune (" + codes.joined(separator: ", ") + (optional ? "; tom = hele jobcentret" : "") + ")"
        if let defaultValue { prompt += " [\(defaultValue)]" }
        try askValidated(.municipality(presence), prompt: prompt + ": ", defaultValue: defaultValue, optional: optional) { $0 }
    }

    mutating func askFact(_ field: FieldSpec, defaultValue: String?) throws {
        say("")
        say("\(field.name): \(spec.meaning(of: field, in: .danish))")
        var choices: [String] = []
        let need = field.required ? "skal udfyldes" : "kan stå tom" + (defaultValue != nil ? " ('-' tømmer)" : "")
        switch field.kind {
        case .choice(let values):
            choices = values
            say("  \(need); skriv nummeret eller værdien:")
            let width = String(values.count).count
            for (index, value) in values.enumerated() {
                let number = String(index + 1)
                say("    " + String(repeating: " ", count: width - number.count) + number + "  " + value)
            }
        case .bool:
            say("  \(need); \(field.kind.summary(in: .danish))")
        default:
            say("  \(need); \(field.kind.summary(in: .danish))")
        }
        let prompt = "\(field.name)" + (defaultValue.map { " [\($0)]" } ?? "") + ": "
        try askValidated(.fact(field, defaultValue: defaultValue), prompt: prompt, defaultValue: defaultValue, optional: !field.required) { text in
            // A number within the list means that value; anything else is judged as typed.
            guard let number = Int(text), number >= 1, number <= choices.count else { return text }
            return choices[number - 1]
        }
    }

    /// Asks until an answer passes the decoder and validator as far as this field goes: an error
    /// naming another field (a later one still missing) does not hold this answer back.
    mutating func askValidated(
        _ question: Question, prompt: String, defaultValue: String?, optional: Bool,
        interpret: (String) -> String
    ) throws {
        for _ in 0..<RecordCommand.attemptsMax {
            guard let text = try readAnswer(prompt: prompt, echo: true) else { continue }
            let answer: Answer
            if text.isEmpty {
                answer = defaultValue.map { .value($0) } ?? .empty
            } else if text == "-" && optional {
                answer = .empty
            } else {
                let value = interpret(text)
                if value != text { say("  = \(value)") }
                answer = .value(value)
            }
            if case .municipality = question, case .value(let text) = answer,
                let code = Int(text), text.utf8.count == 3, !state.municipalities.contains(code)
            {
                // The validator checks this only once every fact is there; the list was just shown.
                say("  \(text) hører ikke til denne ledger; vælg en af de viste koder.")
                continue
            }
            var trial = answers
            trial[question.key] = answer
            if case .rejected(let error) = try judge(trial), error.field == question.key {
                say("  Afvist: \(Self.reason(error))")
                continue
            }
            if question.key == "facts.corrects", case .value(let text) = answer, let seq = Int64(text) {
                // Show the event to be corrected, so that a mistyped number is seen at once. The
                // validator checks it only when the correction's other fields are there.
                guard let original = try original(seq) else {
                    say("  Afvist: der er ingen hændelse \(seq) (ledgerens sidste løbenummer er \(head.seq))")
                    continue
                }
                say("  = " + Self.summary(seq: seq, original))
            }
            answers[question.key] = answer
            return
        }
        throw Stop(message: "For mange forsøg; intet er gemt.")
    }

    /// Reads one answer, trimmed of spaces. q or Ctrl-D stops the session; nil means "ask again"
    /// (the line was too long or not UTF-8, and the reason has been shown).
    func readAnswer(prompt: String, echo: Bool) throws -> String? {
        let line: String
        do {
            line = try terminal.readLine(prompt: prompt, echo: echo)
        } catch .endOfInput {
            throw Stop(message: "Afbrudt; intet er gemt.")
        } catch .tooLong {
            say("  Svaret er længere end \(TerminalInput.lineBytesMax) bytes; prøv igen.")
            return nil
        } catch .notUTF8 {
            say("  Svaret er ikke gyldig UTF-8; tjek terminalens tegnsæt og prøv igen.")
            return nil
        } catch .failed(let failure) {
            throw LedgerError.invalidRequest("cannot read the terminal (errno \(failure)); nothing was written")
        }
        var text = Substring(line)
        while let first = text.first, first == " " || first == "\t" { text = text.dropFirst() }
        while let last = text.last, last == " " || last == "\t" { text = text.dropLast() }
        if text == "q" || text == "Q" { throw Stop(message: "Afbrudt; intet er gemt.") }
        return String(text)
    }

    // MARK: Judging

    /// What the decoder and validator say about a set of answers.
    typealias Verdict = EventDraft.Verdict

    /// Builds the JSON input line of `answers`, exactly as `append` would read it, and lets the
    /// decoder and a dry-run validator over the replayed state judge it. Nothing is written.
    mutating func judge(_ answers: [String: Answer]) throws -> Verdict {
        let line = try jsonLine(answers)
        let ledger = self.ledger
        let head = self.head
        return try EventDraft.judge(line, decoder: decoder, state: state, source: "terminal", now: Clock.now(),
                                    stored: { (seq) throws(LedgerError) -> Event? in try ledger.event(at: seq, head: head)?.event })
    }

    /// The JSON input line of `answers`: values as strings, which the validator types by the
    /// catalog exactly as it types CSV cells.
    mutating func jsonLine(_ answers: [String: Answer]) throws -> [UInt8] {
        var envelope: [(name: String, value: String)] = []
        for key in ["effective", "municipality", "citizen"] {
            guard case .value(let value)? = answers[key] else { continue }
            envelope.append((key, value))
        }
        var facts: [(name: String, value: String)] = []
        for question in try questions(for: answers) {
            guard case .fact(let field, _) = question, case .value(let value)? = answers[question.key] else { continue }
            facts.append((field.name, value))
        }
        return EventDraft.jsonLine(type: type, envelope: envelope, facts: facts)
    }

    // MARK: Showing

    /// The event in the stored line's canonical form (``EventDraft/storedForm(_:)``).
    static func storedForm(_ event: Event) -> String { EventDraft.storedForm(event) }

    /// One event in a line, as `log` shows it: for a correction, the event it corrects.
    static func summary(seq: Int64, _ event: Event) -> String {
        var parts = ["seq \(seq)", event.type.rawValue, event.effective.iso]
        if let m = event.municipality { parts.append(CanonicalEncoder.municipalityText(m)) }
        if let c = event.citizen { parts.append(c.text) }
        parts += event.facts.map { "\($0.name)=\($0.value.display)" }
        return parts.joined(separator: " ")
    }

    /// Why the decoder or validator rejected an answer (``EventDraft/reason(_:)``).
    static func reason(_ error: InputError) -> String { EventDraft.reason(error) }

    /// How a question is named in a message.
    func label(_ question: Question) -> String {
        switch question {
        case .citizen: return "CPR-nummer"
        case .effective: return "virkningsdato"
        case .municipality: return "kommune"
        case .fact(let field, _): return field.name
        }
    }

    /// What the effective date means for a type that opens or closes a period.
    static func periodHint(_ role: PeriodRole) -> String {
        switch role {
        case .opens: return "Virkningsdato: periodens første dag."
        case .closes: return "Virkningsdato: periodens sidste dag."
        case .within: return "Virkningsdato: dagen det sker."
        }
    }

    /// Today in the local time zone: the day the caseworker sees on the calendar (recorded-at
    /// stays UTC; this is only the effective date offered as the default).
    static func localToday() -> Day {
        var now = time(nil)
        var parts = tm()
        guard localtime_r(&now, &parts) != nil,
            let day = Day(year: Int(parts.tm_year) + 1900, month: Int(parts.tm_mon) + 1, day: Int(parts.tm_mday))
        else {
            return Clock.now().utcDay
        }
        return day
    }

    /// A line to the caseworker, on standard error.
    func say(_ text: String) { console.error(text) }
}
