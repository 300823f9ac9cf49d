/// CPR numbers: checked, turned into pseudonyms, and kept out of every message.
///
/// A CPR number is never stored, printed or put in an error message. Only its keyed pseudonym
/// (HMAC-SHA-256 under the jobcenter's key, see ``PseudonymKey``) enters the ledger.
public enum CPR {
    /// The ten digits of a CPR number written `DDMMYY-SSSS` or `DDMMYYSSSS`, if its date part is a
    /// real date (the century follows from the 7th digit, as the CPR office assigns it); else nil.
    public static func digits(_ text: String) -> [UInt8]? {
        var digits: [UInt8] = []
        let bytes = Array(text.utf8)
        guard bytes.count == 10 || (bytes.count == 11 && bytes[6] == UInt8(ascii: "-")) else { return nil }
        for (i, b) in bytes.enumerated() {
            if bytes.count == 11 && i == 6 { continue }
            guard b >= 48, b <= 57 else { return nil }
            digits.append(b - 48)
        }
        let day = Int(digits[0]) * 10 + Int(digits[1])
        let month = Int(digits[2]) * 10 + Int(digits[3])
        let yy = Int(digits[4]) * 10 + Int(digits[5])
        let seventh = digits[6]
        let century: Int
        switch seventh {
        case 0...3: century = 1900
        case 4, 9: century = yy <= 36 ? 2000 : 1900
        default: century = yy <= 57 ? 2000 : 1800
        }
        guard Day(year: century + yy, month: month, day: day) != nil else { return nil }
        return digits
    }

    /// Whether `text` contains anything shaped like a CPR number: six digits, an optional dash or
    /// space, four digits, not part of a longer run of digits or hex. Used to keep CPR numbers out of
    /// text fields and messages; it errs on the side of caution.
    public static func containsCPRShape(_ text: some StringProtocol) -> Bool {
        firstCPRShape(Array(text.utf8)) != nil
    }

    static func isDigit(_ b: UInt8) -> Bool { b >= 48 && b <= 57 }
    static func isHexOrDigit(_ b: UInt8) -> Bool { isDigit(b) || (b >= 97 && b <= 102) || (b >= 65 && b <= 70) }

    /// The range of the first CPR-shaped run in `bytes`, or nil.
    static func firstCPRShape<Bytes: RandomAccessCollection<UInt8>>(_ bytes: Bytes) -> Range<Int>? where Bytes.Index == Int {
        var i = 0
        let n = bytes.count
        while i < n {
            guard isDigit(bytes[i]), i == 0 || !isHexOrDigit(bytes[i - 1]) else { i += 1; continue }
            var j = i
            while j < n && isDigit(bytes[j]) { j += 1 }
            let run = j - i
            if run == 10 && (j == n || !isHexOrDigit(bytes[j])) {
                return i..<j
            }
            if run == 6 && j < n && (bytes[j] == UInt8(ascii: "-") || bytes[j] == UInt8(ascii: " ")) {
                var k = j + 1
                while k < n && isDigit(bytes[k]) { k += 1 }
                if k - (j + 1) == 4 && (k == n || !isHexOrDigit(bytes[k])) { return i..<k }
            }
            i = j
        }
        return nil
    }

    /// `text` with every CPR-shaped run replaced by `[CPR removed]`: applied to every message the
    /// product prints, so that a CPR number put in a wrong field never reaches a screen or a log.
    public static func redact(_ text: String) -> String {
        var bytes = Array(text.utf8)
        var changed = false
        while let range = firstCPRShape(bytes) {
            bytes.replaceSubrange(range, with: Array("[CPR removed]".utf8))
            changed = true
        }
        return changed ? String(decoding: bytes, as: UTF8.self) : text
    }
}

/// The jobcenter's pseudonym key: 32 random bytes in a file outside the ledger directory, mode 0600.
///
/// Its location is, in order: the `--key-file PATH` option, the environment variable
/// `CASELEDGER_KEY_FILE`, or `$HOME/.caseledger/keys/<ledger_id>.key`. Destroying the key makes every
/// pseudonym anonymous without touching the hash chain.
public struct PseudonymKey: Sendable {
    /// The key's bytes.
    let bytes: [UInt8]

    /// Makes a key from its bytes (tests).
    package init(bytes: [UInt8]) {
        precondition(bytes.count == 32, "a pseudonym key is 32 bytes")
        self.bytes = bytes
    }

    /// The default key path for a ledger id.
    public static func defaultPath(ledgerID: String) -> String {
        if let explicit = SystemCalls.environment("CASELEDGER_KEY_FILE"), !explicit.isEmpty { return explicit }
        let home = SystemCalls.environment("HOME") ?? "/root"
        return home + "/.caseledger/keys/" + ledgerID + ".key"
    }

    /// Creates a new random key file with mode 0600; refuses to overwrite an existing one.
    public static func create(at path: String) throws(LedgerError) -> PseudonymKey {
        guard !SystemCalls.exists(path) else {
            throw LedgerError.keyFile(path: path, reason: "a key file already exists there; it is never overwritten")
        }
        do {
            let directory = PathNames.parent(of: path)
            try PathNames.makeDirectories(directory, mode: 0o700)
            let key = try SystemCalls.randomBytes(32)
            let hex = Array(SHA256Digest(bytes: key).hex.utf8) + [0x0A]
            try SystemCalls.writeFileAtomically(path, bytes: hex, mode: 0o600, directory: directory)
            try SystemCalls.chmod(path, mode: 0o600)
            return PseudonymKey(bytes: key)
        } catch {
            throw LedgerError.system(error)
        }
    }

    /// Loads a key file.
    public static func load(from path: String) throws(LedgerError) -> PseudonymKey {
        let bytes: [UInt8]
        do { bytes = try SystemCalls.readFile(path, bytesMax: 4096) } catch {
            throw LedgerError.keyFile(path: path, reason: "cannot be read (\(error)); give its location with --key-file or CASELEDGER_KEY_FILE")
        }
        var text = String(decoding: bytes, as: UTF8.self)
        while text.last == "\n" || text.last == "\r" || text.last == " " { text.removeLast() }
        guard let digest = SHA256Digest(hex: text) else {
            throw LedgerError.keyFile(path: path, reason: "is not 64 lowercase hex digits")
        }
        return PseudonymKey(bytes: digest.bytes)
    }

    /// The pseudonym of a CPR number's ten digits: `c-` and the first 16 hex digits of HMAC-SHA-256(key, digits).
    public func pseudonym(cprDigits digits: [UInt8]) -> Pseudonym {
        precondition(digits.count == 10)
        let ascii = digits.map { $0 + 48 }
        let code = HMACSHA256.authenticationCode(key: bytes, message: ascii)
        let first8 = code.bytes.prefix(8).reduce(UInt64(0)) { $0 << 8 | UInt64($1) }
        return Pseudonym(value: first8)
    }
}
