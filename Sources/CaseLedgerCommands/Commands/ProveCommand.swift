import LedgerCore
import Reports

/// `caseledger prove`: an inclusion or consistency proof from the ledger's Merkle tree.
enum ProveCommand: LedgerCommand {
    static let name = "prove"
    static let abstract = "Print a Merkle proof: a line is in the ledger of a size, or a later ledger extends an earlier one."
    static let usage = "DIR --seq N [--size M | --publication ID] [--line-out FILE] | DIR --from M1|ID [--to M2|ID]"
    static let discussion = """
    The ledger's lines form an RFC 9162 Merkle tree (EventLogs/FORMAT.md section 5c). With --seq,
    prints an inclusion proof as one line of JSON: the line N is leaf N-1 of the tree of the first M
    lines (default: up to the head; --publication ID: the tree the publication recorded). With
    --from and --to (each a number of lines or a publication id; --to defaults to the head), prints
    a consistency proof: the tree of M1 lines is a prefix of the tree of M2 lines. Proofs are
    checked without the ledger by `caseledger check-proof` or Tools/verify_proof.py.
    Proofs come from the Merkle index in DIR/cache/ (built or brought up to the head when needed).
    Exit 1 when a publication's recorded root differs from the ledger's tree of that size.
    """
    static let options: [OptionSpec] = [
        .option("seq", "N", "Prove that line N is in the tree."),
        .option("size", "M", "The tree of the first M lines (default: the head)."),
        .option("publication", "ID", "The tree a publication recorded (its lines 1 to its head)."),
        .option("from", "M1|ID", "Consistency: the older tree (a number of lines or a publication id)."),
        .option("to", "M2|ID", "Consistency: the newer tree (default: the head)."),
        .option("line-out", "FILE", "Also write line N (as stored, with its newline) to FILE, for check-proof --line."),
        .flag("time", "Print the time the proof took and the index nodes it read on standard error (for Tools/bench)."),
    ]

    /// A tree named on the command line: its size, and the root a publication recorded for it.
    struct Tree { var size: Int64; var recordedRoot: SHA256Digest?; var publication: String? }

    static func run(_ arguments: Arguments, console: Console) throws -> Int32 {
        let directory = try arguments.positionals(["DIR"])[0]
        let inclusion = arguments.value("seq") != nil
        guard inclusion != (arguments.value("from") != nil) else { throw UsageError("give --seq N, or --from M1 [--to M2]") }
        if inclusion, arguments.value("to") != nil { throw UsageError("--to goes with --from, not --seq") }
        if !inclusion, arguments.value("size") != nil || arguments.value("publication") != nil || arguments.value("line-out") != nil {
            throw UsageError("--size, --publication and --line-out go with --seq")
        }
        if arguments.value("size") != nil && arguments.value("publication") != nil { throw UsageError("give --size or --publication, not both") }
        let ledger = try Ledger(path: directory)
        let head = try ledger.readHead()
        if inclusion {
            let seq = try number(arguments, "seq")
            var tree = Tree(size: head.seq, recordedRoot: nil, publication: nil)
            if arguments.value("size") != nil { tree.size = try number(arguments, "size") }
            if let id = arguments.value("publication") { tree = try publicationTree(ledger, id: id, head: head) }
            guard tree.size <= head.seq else { throw LedgerError.invalidRequest("--size \(tree.size) is beyond the head (seq \(head.seq))") }
            guard seq <= tree.size else { throw LedgerError.invalidRequest("--seq \(seq) is not in the tree of \(tree.size) lines") }
            let proof = try prove(ledger, head: head, arguments, console) { (source) throws(LedgerError) in try source.inclusionProof(seq: seq, size: tree.size) }
            if let failure = mismatch(tree, root: proof.rootHash) {
                console.line(failure)
                return ExitStatus.failure
            }
            if let path = arguments.value("line-out") {
                guard let line = try ledger.storedLine(at: seq, head: head), MerkleHash.leaf(line) == proof.leafHash else {
                    console.line("FAILED: line \(seq) as stored does not have the index's leaf hash \(proof.leafHash.hex); run caseledger verify")
                    return ExitStatus.failure
                }
                do { try FileAccess.write(path, bytes: line + [0x0A]) } catch { throw LedgerError.system(error) }
            }
            console.line(proof.json)
            return ExitStatus.success
        }
        let old = try tree(ledger, arguments.value("from")!, option: "from", head: head)
        let new = try arguments.value("to").map { try tree(ledger, $0, option: "to", head: head) } ?? Tree(size: head.seq, recordedRoot: nil, publication: nil)
        guard new.size <= head.seq else { throw LedgerError.invalidRequest("--to \(new.size) is beyond the head (seq \(head.seq))") }
        guard old.size <= new.size else { throw LedgerError.invalidRequest("--from \(old.size) is larger than --to \(new.size)") }
        let proof = try prove(ledger, head: head, arguments, console) { (source) throws(LedgerError) in try source.consistencyProof(old: old.size, new: new.size) }
        for failure in [mismatch(old, root: proof.oldRoot), mismatch(new, root: proof.newRoot)].compactMap({ $0 }) {
            console.line(failure)
            return ExitStatus.failure
        }
        console.line(proof.json)
        return ExitStatus.success
    }

    /// Makes a proof from the Merkle index; when `DIR/cache` cannot be written (a read-only copy of
    /// the ledger, where no index can be kept), from the tree built from the lines in memory.
    static func prove<T>(_ ledger: Ledger, head: HeadRecord, _ arguments: Arguments, _ console: Console,
                         _ body: (any MerkleNodeSource) throws(LedgerError) -> T) throws(LedgerError) -> T {
        let index: MerkleIndex
        do {
            index = try MerkleIndex.current(ledger, head: head)
        } catch {
            guard case .system(let failure) = error, failure.isNotWritable else { throw error }
            console.error("note: the Merkle index cannot be kept (\(failure)); the proof is made from the lines in memory")
            return try body(try MerkleMemoryTree.fromLines(ledger, head: head))
        }
        let start = ContinuousClock.now
        let result = try MerkleIndex.withIndex(ledger, head: head, opened: index) { (index) throws(LedgerError) in try body(index) }
        report(arguments, console, start: start, index: index)
        return result
    }

    /// With --time: the proof's time (from the opened index to the checked proof) and node reads.
    static func report(_ arguments: Arguments, _ console: Console, start: ContinuousClock.Instant, index: MerkleIndex) {
        guard arguments.flag("time") else { return }
        let elapsed = ContinuousClock.now - start
        let microseconds = elapsed.components.seconds * 1_000_000 + elapsed.components.attoseconds / 1_000_000_000_000
        console.error("proof: \(microseconds) µs, \(index.reads - index.readsWhenOpened) index nodes read (and \(index.readsWhenOpened) to check the index when opened), \(index.leafCount) lines indexed")
    }

    /// A positive number option (1 or more lines).
    static func number(_ arguments: Arguments, _ name: String) throws(UsageError) -> Int64 {
        guard let text = arguments.value(name), let n = Int64(text), n >= 1, n <= MerkleTree.leafCountMax else {
            throw UsageError("--\(name) expects a number of lines, 1 or more")
        }
        return n
    }

    /// A tree given as a number of lines or a publication id.
    static func tree(_ ledger: Ledger, _ text: String, option: String, head: HeadRecord) throws -> Tree {
        if let n = Int64(text) {
            guard n >= 1, n <= MerkleTree.leafCountMax else { throw UsageError("--\(option) expects a number of lines (1 or more) or a publication id") }
            return Tree(size: n, recordedRoot: nil, publication: nil)
        }
        return try publicationTree(ledger, id: text, head: head)
    }

    /// The tree a publication recorded: its lines 1 to its head, and its root when it recorded one.
    static func publicationTree(_ ledger: Ledger, id: String, head: HeadRecord) throws -> Tree {
        guard id.utf8.count <= 64, let publication = try Publication.find(ledger, id: id, head: head) else {
            throw LedgerError.invalidRequest("no publication \(CPR.redact(String(id.prefix(64)))) in the ledger")
        }
        return Tree(size: publication.treeSize ?? publication.headSeq, recordedRoot: publication.rootHash, publication: publication.id)
    }

    /// The failure when a publication recorded another root than the ledger's tree has (nil: none).
    static func mismatch(_ tree: Tree, root: SHA256Digest) -> String? {
        guard let recorded = tree.recordedRoot, recorded != root, let id = tree.publication else { return nil }
        return "FAILED: publication \(id) recorded root \(recorded.hex) for \(tree.size) lines, but the ledger's tree of \(tree.size) lines has root \(root.hex): the ledger was changed since"
    }
}
