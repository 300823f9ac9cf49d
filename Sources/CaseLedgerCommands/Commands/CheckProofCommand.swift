import LedgerCore

/// `caseledger check-proof`: verifies a proof from `prove` without the ledger.
enum CheckProofCommand: LedgerCommand {
    static let name = "check-proof"
    static let abstract = "Verify an inclusion or consistency proof without the ledger (optionally against a line and roots)."
    static let usage = "FILE [--line FILE] [--root HEX] [--old-root HEX]"
    static let discussion = """
    Reads a proof printed by `caseledger prove` (EventLogs/FORMAT.md section 5c) and checks it with
    RFC 9162's algorithms. --line FILE: the stored line (as `prove --line-out` writes it) must be
    the proven leaf. --root HEX: the proof's root (an inclusion proof's root_hash, a consistency
    proof's new_root) must be this one, e.g. the root in a committee's minutes; --old-root HEX: a
    consistency proof's old_root must be this one. Exit 0 when valid, 1 naming what failed.
    """
    static let options: [OptionSpec] = [
        .option("line", "FILE", "The stored line the inclusion proof is about."),
        .option("root", "HEX", "The root the proof must end at (root_hash, or new_root)."),
        .option("old-root", "HEX", "A consistency proof's old_root must be this one."),
    ]

    static func run(_ arguments: Arguments, console: Console) throws -> Int32 {
        let file = try arguments.positionals(["FILE"])[0]
        func digest(_ name: String) throws(UsageError) -> SHA256Digest? {
            // Spaces are allowed: the minutes print a root in groups of eight digits.
            guard let text = arguments.value(name)?.filter({ $0 != " " }) else { return nil }
            guard let d = SHA256Digest(hex: text) else { throw UsageError("--\(name) expects 64 lowercase hex digits (spaces between them allowed)") }
            return d
        }
        let expectedRoot = try digest("root"), expectedOldRoot = try digest("old-root")
        let bytes: [UInt8]
        do { bytes = try FileAccess.read(file, bytesMax: MerkleProofDocument.fileBytesMax) } catch {
            throw LedgerError.invalidRequest("the proof \(file) cannot be read (\(error))")
        }
        let document = try MerkleProofDocument.parse(bytes, source: file)
        func invalid(_ what: String) -> Int32 {
            console.line("INVALID: \(file): \(what)")
            return ExitStatus.failure
        }
        switch document {
        case .inclusion(let proof):
            if expectedOldRoot != nil { throw UsageError("--old-root goes with a consistency proof") }
            if let failure = proof.failure() { return invalid(failure) }
            if let expectedRoot, expectedRoot != proof.rootHash { return invalid("root_hash \(proof.rootHash.hex) is not the given root \(expectedRoot.hex)") }
            if let path = arguments.value("line") {
                var line: [UInt8]
                do { line = try FileAccess.read(path, bytesMax: Ledger.storedLineBytesMax + 1) } catch {
                    throw LedgerError.invalidRequest("the line file \(path) cannot be read (\(error))")
                }
                if line.last == 0x0A { line.removeLast() }
                guard !line.contains(0x0A) else { return invalid("the line file \(path) holds more than one line") }
                let prefix = Array("{\"seq\":\(proof.seq),".utf8)
                guard line.starts(with: prefix) else { return invalid("the line in \(path) is not line \(proof.seq) (it does not begin {\"seq\":\(proof.seq),)") }
                let leaf = MerkleHash.leaf(line)
                guard leaf == proof.leafHash else { return invalid("the line in \(path) has leaf hash \(leaf.hex), not leaf_hash \(proof.leafHash.hex)") }
            }
            console.line("valid: line \(proof.seq) is leaf \(proof.leafIndex) of the tree of \(proof.treeSize) lines with root \(proof.rootHash.hex)"
                         + (arguments.value("line") != nil ? "; the line given is that leaf" : ""))
        case .consistency(let proof):
            if arguments.value("line") != nil { throw UsageError("--line goes with an inclusion proof") }
            if let failure = proof.failure() { return invalid(failure) }
            if let expectedOldRoot, expectedOldRoot != proof.oldRoot { return invalid("old_root \(proof.oldRoot.hex) is not the given old root \(expectedOldRoot.hex)") }
            if let expectedRoot, expectedRoot != proof.newRoot { return invalid("new_root \(proof.newRoot.hex) is not the given root \(expectedRoot.hex)") }
            console.line("valid: the tree of \(proof.oldSize) lines (root \(proof.oldRoot.hex)) is a prefix of the tree of \(proof.newSize) lines (root \(proof.newRoot.hex))")
        }
        return ExitStatus.success
    }
}
