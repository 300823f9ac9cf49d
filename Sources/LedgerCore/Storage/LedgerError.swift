/// Everything that can go wrong in the ledger, with a message for a person.
///
/// No message carries a CPR number: every description passes through ``CPR/redact(_:)``.
public enum LedgerError: Error, Sendable, CustomStringConvertible {
    /// A system call failed (disk full, I/O error, permission).
    case system(SystemError)
    /// Input was rejected; nothing was written.
    case input(InputError)
    /// The pseudonym key file is missing, unreadable or malformed.
    case keyFile(path: String, reason: String)
    /// The directory is not a ledger.
    case notALedger(path: String, reason: String)
    /// A ledger already exists where one was to be created.
    case alreadyExists(path: String)
    /// A defect in the stored lines: tampering or a disk fault. Never repaired silently.
    case corrupt(file: String, line: Int, reason: String)
    /// A request that cannot be carried out as asked.
    case invalidRequest(String)

    /// Any error as a ledger error: system and ledger errors as they are, anything else as a request error.
    public static func wrapping(_ error: any Error) -> LedgerError {
        switch error {
        case let e as LedgerError: return e
        case let e as SystemError: return .system(e)
        default: return .invalidRequest("\(error)")
        }
    }

    /// A message for a person, naming the file, line and field where there is one.
    public var description: String {
        let text: String
        switch self {
        case .system(let error): text = error.description
        case .input(let error): text = error.description
        case .keyFile(let path, let reason): text = "pseudonym key file \(path): \(reason)"
        case .notALedger(let path, let reason): text = "\(path) is not a ledger: \(reason)"
        case .alreadyExists(let path): text = "\(path) already holds a ledger"
        case .corrupt(let file, let line, let reason): text = "\(file) line \(line): \(reason)"
        case .invalidRequest(let message): text = message
        }
        return PrintableText.escapingControls(CPR.redact(text))
    }
}

/// A rejected input line: where it is, which field, and what is wrong.
public struct InputError: Error, Sendable, CustomStringConvertible {
    /// The input's name: a file path or "standard input".
    public var source: String
    /// 1-based line number in the input (for CSV, counting the header as line 1).
    public var line: Int
    /// The field, e.g. `facts.benefit` or `effective`; empty for the line as a whole.
    public var field: String
    /// What is wrong and, where it helps, what is allowed.
    public var message: String
    /// ``message`` in Danish, for the caseworker at a terminal (`record`); nil where only input that
    /// `record` never produces leads to the error (JSON syntax, envelope keys, CSV shape). Set where
    /// the error is made; ``description`` stays English, as `append` and `import` print it.
    public var danishMessage: String?

    /// Makes an input error.
    public init(source: String, line: Int, field: String, message: String, danishMessage: String? = nil) {
        self.source = source
        self.line = line
        self.field = field
        self.message = message
        self.danishMessage = danishMessage
    }

    /// "SOURCE line N, field F: message" (CPR-shaped text removed).
    public var description: String {
        let place = field.isEmpty ? "\(source) line \(line)" : "\(source) line \(line), field \(field)"
        return PrintableText.escapingControls(CPR.redact(place + ": " + message))
    }
}
