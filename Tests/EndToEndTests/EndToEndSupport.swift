// Helpers for the end-to-end tests: find the built `caseledger` binary, run it through
// Foundation's Process with its own HOME, and check outputs and files for CPR numbers.

import Foundation
import Testing

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

// MARK: - The binary

/// Where the `caseledger` executable under test is.
///
/// The test runner is built into the same products directory as `caseledger` (with any
/// `--scratch-path`), so the binary is looked for next to the running test executable first;
/// `CASELEDGER_BINARY` overrides, and `<package>/.build/debug` is the last resort.
enum CaseLedgerBinary {
    /// The binary, or a message saying where it was looked for.
    static let location: Result<URL, BinaryNotFound> = locate()

    struct BinaryNotFound: Error, CustomStringConvertible {
        var places: [String]
        var description: String {
            "the caseledger binary was not found; build it first (swift build, or swift test builds it). Looked in: "
                + places.joined(separator: ", ")
        }
    }

    /// The binary's URL; throws (failing the test with a clear message) when it is missing.
    static func url() throws -> URL {
        switch location {
        case .success(let url): return url
        case .failure(let error):
            Issue.record("\(error)")
            throw error
        }
    }

    static func isExecutable(_ path: String) -> Bool {
        var isDirectory: ObjCBool = false
        return FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) && !isDirectory.boolValue
            && FileManager.default.isExecutableFile(atPath: path)
    }

    static func locate() -> Result<URL, BinaryNotFound> {
        if let explicit = ProcessInfo.processInfo.environment["CASELEDGER_BINARY"], !explicit.isEmpty {
            return isExecutable(explicit) ? .success(URL(fileURLWithPath: explicit)) : .failure(BinaryNotFound(places: [explicit]))
        }
        // Directories that may hold the products: the running executable's directory and a few
        // parents (on macOS the runner is inside an .xctest bundle).
        var starts: [URL] = []
        if let exe = try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe") {
            starts.append(URL(fileURLWithPath: exe).deletingLastPathComponent())
        }
        if let first = CommandLine.arguments.first, first.contains("/") {
            starts.append(URL(fileURLWithPath: first).resolvingSymlinksInPath().deletingLastPathComponent())
        }
        if let executable = Bundle.main.executableURL { starts.append(executable.resolvingSymlinksInPath().deletingLastPathComponent()) }
        starts.append(Bundle.main.bundleURL)
        for bundle in Bundle.allBundles where bundle.bundlePath.hasSuffix(".xctest") {
            starts.append(bundle.bundleURL.deletingLastPathComponent())
        }
        var places: [String] = []
        for start in starts {
            var directory = start
            for _ in 0..<4 {
                let candidate = directory.appendingPathComponent("caseledger").path
                if !places.contains(candidate) { places.append(candidate) }
                if isExecutable(candidate) { return .success(URL(fileURLWithPath: candidate)) }
                directory = directory.deletingLastPathComponent()
            }
        }
        // Tests/EndToEndTests/EndToEndSupport.swift -> the package root.
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        let fallback = root.appendingPathComponent(".build/debug/caseledger").path
        places.append(fallback)
        if isExecutable(fallback) { return .success(URL(fileURLWithPath: fallback)) }
        return .failure(BinaryNotFound(places: places))
    }
}

// MARK: - Running the binary to the end

/// Runs the `caseledger` binary to its end with its own HOME, synchronously: for tests that need
/// no concurrency (``Sandbox`` runs it asynchronously, and starts processes to kill or race).
enum E2E {
    /// The package's root folder (Tests/EndToEndTests/EndToEndSupport.swift, two levels up).
    static let packageRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    /// The built binary (``CaseLedgerBinary``).
    static func binary() throws -> URL { try CaseLedgerBinary.url() }

    /// A finished run: exit status, standard output's bytes and standard error's text.
    struct Run { var status: Int32; var out: Data; var err: String }

    /// Runs `caseledger arguments` with `input` on standard input and HOME set to `home`.
    static func run(_ arguments: [String], input: Data? = nil, home: String, extraEnvironment: [String: String] = [:]) throws -> Run {
        let process = Process()
        process.executableURL = try binary()
        process.arguments = arguments
        var environment = ProcessInfo.processInfo.environment
        environment["HOME"] = home
        environment.removeValue(forKey: "CASELEDGER_KEY_FILE")
        environment.removeValue(forKey: "CASELEDGER_TEST_FAULTS")
        for (key, value) in extraEnvironment { environment[key] = value }
        process.environment = environment
        // Standard input, output and error go through files, so no pipe can fill up and block.
        let base = NSTemporaryDirectory() + "caseledger-run-\(UUID().uuidString)"
        let inPath = base + ".in", outPath = base + ".out", errPath = base + ".err"
        defer { for path in [inPath, outPath, errPath] { try? FileManager.default.removeItem(atPath: path) } }
        _ = FileManager.default.createFile(atPath: inPath, contents: input ?? Data())
        _ = FileManager.default.createFile(atPath: outPath, contents: nil)
        _ = FileManager.default.createFile(atPath: errPath, contents: nil)
        process.standardInput = FileHandle(forReadingAtPath: inPath)
        process.standardOutput = FileHandle(forWritingAtPath: outPath)
        process.standardError = FileHandle(forWritingAtPath: errPath)
        try process.run()
        process.waitUntilExit()
        let out = try Data(contentsOf: URL(fileURLWithPath: outPath))
        let err = try Data(contentsOf: URL(fileURLWithPath: errPath))
        return Run(status: process.terminationStatus, out: out, err: String(decoding: err, as: UTF8.self))
    }
}

extension E2E {
    /// A python3 interpreter, for the independent Python tools; nil where there is none.
    static var python: String? {
        ["/usr/bin/python3", "/usr/local/bin/python3"].first { FileManager.default.isExecutableFile(atPath: $0) }
            ?? (ProcessInfo.processInfo.environment["PATH"] ?? "").split(separator: ":").map { "\($0)/python3" }.first { FileManager.default.isExecutableFile(atPath: $0) }
    }

    /// Runs the Python tool at `script` (relative to the package root) with `arguments`; its exit
    /// status and its standard output and error together.
    static func runTool(_ script: String, _ arguments: [String]) throws -> (status: Int32, out: String) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: python!)
        process.arguments = [packageRoot.appendingPathComponent(script).path] + arguments
        let out = Pipe()
        process.standardOutput = out
        process.standardError = out
        try process.run()
        let data = out.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (process.terminationStatus, String(decoding: data, as: UTF8.self))
    }
}

// MARK: - Seeded randomness

/// SplitMix64: a small seedable generator, so that every random run can be repeated from its seed.
struct SplitMix64: RandomNumberGenerator {
    private(set) var state: UInt64
    init(seed: UInt64) { state = seed }

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// A number in `0..<bound`.
    mutating func below(_ bound: Int) -> Int { Int(next() % UInt64(bound)) }

    /// `count` lowercase hex digits.
    mutating func hex(_ count: Int) -> String {
        let digits = Array("0123456789abcdef")
        return String((0..<count).map { _ in digits[below(16)] })
    }
}

/// The seed of a random test: `CASELEDGER_TEST_SEED` when set (to repeat a failure), else `fixed`.
func testSeed(_ fixed: UInt64) -> UInt64 {
    if let text = ProcessInfo.processInfo.environment["CASELEDGER_TEST_SEED"], let seed = UInt64(text) { return seed }
    return fixed
}

// MARK: - Test CPR numbers

/// Test CPR numbers, assembled at run time so that no CPR-shaped literal is in a test file.
enum TestCPR {
    static func dashed(_ date: String, _ serial: String) -> String { date + "-" + serial }
    static let first = dashed("0101" + "90", "12" + "34")
    static let second = dashed("1506" + "85", "23" + "45")
    static let third = dashed("2902" + "92", "34" + "56")
    static let impossible = dashed("2902" + "90", "12" + "34")
    /// Every number used by the tests, for scanning outputs.
    static let all = [first, second, third, impossible]
    static func digitText(_ cpr: String) -> String { cpr.filter { $0 != "-" } }
}

/// Every CPR-shaped run in `text`: DDMMYY, an optional dash, SSSS, not preceded or followed by a
/// hex digit (so that hashes and pseudonyms do not count).
func cprShapedMatches(_ text: String) -> [String] {
    let regex = try! NSRegularExpression(pattern: "(?<![0-9a-fA-F])[0-3][0-9][01][0-9][0-9]{2}-?[0-9]{4}(?![0-9a-fA-F])")
    return regex.matches(in: text, range: NSRange(text.startIndex..., in: text)).map { String(text[Range($0.range, in: text)!]) }
}

// MARK: - Running the binary

/// The outcome of one run.
struct RunResult: CustomStringConvertible {
    /// The exit status, or the signal number when `signaled`.
    var status: Int32
    /// Whether the process was ended by a signal.
    var signaled: Bool
    var stdout: String
    var stderr: String
    var arguments: [String]

    var description: String { "caseledger \(arguments.joined(separator: " ")) -> \(signaled ? "signal" : "exit") \(status)\nstdout: \(stdout)\nstderr: \(stderr)" }
}

/// Sends a signal to one process this test started.
func sendSignal(_ pid: Int32, _ signal: Int32) {
    #if canImport(Glibc)
    _ = Glibc.kill(pid, signal)
    #else
    _ = Darwin.kill(pid, signal)
    #endif
}

/// When a process ended, set from its termination handler (another thread); tasks can await it
/// without blocking a thread of the test's cooperative pool.
final class EndTime: @unchecked Sendable {
    private let lock = NSLock()
    private var date: Date?
    private var waiters: [CheckedContinuation<Void, Never>] = []

    /// Records the end and wakes every waiter.
    func finish() {
        lock.lock()
        date = Date()
        let waiting = waiters
        waiters = []
        lock.unlock()
        for waiter in waiting { waiter.resume() }
    }

    /// The moment the process ended, if it has.
    var value: Date? { lock.lock(); defer { lock.unlock() }; return date }

    /// Returns once the process has ended.
    func wait() async {
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            lock.lock()
            if date != nil {
                lock.unlock()
                continuation.resume()
            } else {
                waiters.append(continuation)
                lock.unlock()
            }
        }
    }
}

/// A process started and not yet waited for.
final class RunningProcess {
    let process: Process
    let arguments: [String]
    let outPath: String
    let errPath: String
    /// When it was started, and when it ended (once it has).
    let startedAt: Date
    let endTime: EndTime
    private let handles: [FileHandle]
    private let temporaryFiles: [String]

    init(process: Process, arguments: [String], outPath: String, errPath: String, handles: [FileHandle], temporaryFiles: [String],
         startedAt: Date, endTime: EndTime) {
        self.temporaryFiles = temporaryFiles
        self.process = process
        self.arguments = arguments
        self.outPath = outPath
        self.errPath = errPath
        self.handles = handles
        self.startedAt = startedAt
        self.endTime = endTime
    }

    /// How long the process ran, once it has ended.
    var duration: TimeInterval? { endTime.value.map { $0.timeIntervalSince(startedAt) } }

    /// Sends SIGKILL if the process is still running. (Between the check and the signal the
    /// process may end; its pid is not handed to another process within that instant.)
    func kill() {
        if process.isRunning { sendSignal(process.processIdentifier, SIGKILL) }
    }

    /// Waits for the end (without blocking a thread) and collects the outputs.
    func wait() async -> RunResult {
        await endTime.wait()
        process.waitUntilExit()  // returns at once: the process has ended
        for handle in handles { try? handle.close() }
        let out = (try? String(contentsOfFile: outPath, encoding: .utf8)) ?? ""
        let err = (try? String(contentsOfFile: errPath, encoding: .utf8)) ?? ""
        for file in temporaryFiles { try? FileManager.default.removeItem(atPath: file) }
        return RunResult(status: process.terminationStatus, signaled: process.terminationReason == .uncaughtSignal,
                         stdout: out, stderr: err, arguments: arguments)
    }
}

/// A temporary directory with its own HOME (so pseudonym keys land inside it), where the
/// binary is run. Removed when released. Names use letters g-z only, never digits.
final class Sandbox: @unchecked Sendable {
    let path: String
    let home: String
    private let lock = NSLock()
    private var counter = 0

    init(_ label: String) {
        let letters = Array("ghijklmnopqrstuvwxyz")
        var generator = SystemRandomNumberGenerator()
        let suffix = String((0..<12).map { _ in letters[Int(generator.next() % UInt64(letters.count))] })
        path = "/tmp/caseledger-e2e-\(label)-\(suffix)"
        home = path + "/home"
        try! FileManager.default.createDirectory(atPath: home, withIntermediateDirectories: true)
    }

    deinit { try? FileManager.default.removeItem(atPath: path) }

    /// A path inside the sandbox.
    func file(_ name: String) -> String { path + "/" + name }

    /// A unique name for a temporary file (safe across threads).
    func uniqueName(_ stem: String) -> String {
        lock.lock()
        defer { lock.unlock() }
        counter += 1
        return file("io/\(stem)-\(Self.letters(counter))")
    }

    /// A number written with letters, so that file names hold no digits.
    static func letters(_ number: Int) -> String {
        var n = number
        var text = ""
        repeat {
            text = String(UnicodeScalar(UInt8(ascii: "g") + UInt8(n % 20))) + text
            n /= 20
        } while n > 0
        return text
    }

    /// Starts `caseledger arguments` with standard input from `stdin` bytes or the file `stdinPath`.
    func start(_ arguments: [String], stdin: [UInt8]? = nil, stdinPath: String? = nil, environment extra: [String: String] = [:]) throws -> RunningProcess {
        let binary = try CaseLedgerBinary.url()
        try FileManager.default.createDirectory(atPath: file("io"), withIntermediateDirectories: true)
        let process = Process()
        process.executableURL = binary
        process.arguments = arguments
        var environment = ProcessInfo.processInfo.environment
        environment["HOME"] = home
        environment["CASELEDGER_KEY_FILE"] = nil
        environment["CASELEDGER_TEST_FAULTS"] = nil
        environment.merge(extra) { _, new in new }
        process.environment = environment
        process.currentDirectoryURL = URL(fileURLWithPath: path)
        var handles: [FileHandle] = []
        var temporaryFiles: [String] = []
        if let stdin {
            let inPath = uniqueName("stdin")
            _ = FileManager.default.createFile(atPath: inPath, contents: Data(stdin))
            temporaryFiles.append(inPath)
            let handle = try FileHandle(forReadingFrom: URL(fileURLWithPath: inPath))
            process.standardInput = handle
            handles.append(handle)
        } else if let stdinPath {
            let handle = try FileHandle(forReadingFrom: URL(fileURLWithPath: stdinPath))
            process.standardInput = handle
            handles.append(handle)
        } else {
            process.standardInput = FileHandle.nullDevice
        }
        let outPath = uniqueName("stdout")
        let errPath = uniqueName("stderr")
        _ = FileManager.default.createFile(atPath: outPath, contents: nil)
        _ = FileManager.default.createFile(atPath: errPath, contents: nil)
        temporaryFiles += [outPath, errPath]
        let out = try FileHandle(forWritingTo: URL(fileURLWithPath: outPath))
        let err = try FileHandle(forWritingTo: URL(fileURLWithPath: errPath))
        process.standardOutput = out
        process.standardError = err
        handles += [out, err]
        let endTime = EndTime()
        process.terminationHandler = { _ in endTime.finish() }
        let startedAt = Date()
        try process.run()
        return RunningProcess(process: process, arguments: arguments, outPath: outPath, errPath: errPath, handles: handles,
                              temporaryFiles: temporaryFiles, startedAt: startedAt, endTime: endTime)
    }

    /// Runs `caseledger arguments` to the end.
    @discardableResult
    func run(_ arguments: [String], stdin: String? = nil, environment: [String: String] = [:]) async throws -> RunResult {
        try await start(arguments, stdin: stdin.map { Array($0.utf8) }, environment: environment).wait()
    }


    /// The bytes of a file (empty when missing).
    func bytes(_ path: String) -> [UInt8] {
        FileManager.default.contents(atPath: path).map { [UInt8]($0) } ?? []
    }

    /// Creates a ledger at `file(name)` for Ishøj and Vallensbæk; returns its path.
    func initLedger(_ name: String = "ledger") async throws -> String {
        let ledger = file(name)
        let result = try await run(["init", ledger, "--jobcenter", "Jobcenter Vallensbæk", "--municipality", "183", "--municipality", "187"])
        #expect(result.status == 0 && !result.signaled, "\(result)")
        return ledger
    }
}

/// One JSON input line, built from its parts (facts as raw JSON text).
func inputLine(_ type: String, effective: String? = nil, municipality: String? = "183", cpr: String? = nil,
               citizen: String? = nil, facts: String = "{}") -> String {
    var parts = [#""type":"\#(type)""#]
    if let effective { parts.append(#""effective":"\#(effective)""#) }
    if let municipality { parts.append(#""municipality":"\#(municipality)""#) }
    if let cpr { parts.append(#""cpr":"\#(cpr)""#) }
    if let citizen { parts.append(#""citizen":"\#(citizen)""#) }
    parts.append(#""facts":\#(facts)"#)
    return "{" + parts.joined(separator: ",") + "}"
}

/// The sequence range of an append's summary line "appended N events: seq A-B" (or "seq A").
func appendedRange(_ stdout: String) -> ClosedRange<Int64>? {
    let regex = try! NSRegularExpression(pattern: #"^appended ([0-9]+) events?: seq ([0-9]+)(?:-([0-9]+))?\n$"#)
    guard let match = regex.firstMatch(in: stdout, range: NSRange(stdout.startIndex..., in: stdout)) else { return nil }
    func group(_ index: Int) -> Int64? {
        guard let range = Range(match.range(at: index), in: stdout) else { return nil }
        return Int64(stdout[range])
    }
    guard let count = group(1), let first = group(2) else { return nil }
    let last = group(3) ?? first
    guard last - first + 1 == count else { return nil }
    return first...last
}

/// Parses `verify --json` output.
func verifySummary(_ stdout: String) -> [String: Any]? {
    guard let data = stdout.data(using: .utf8), let object = try? JSONSerialization.jsonObject(with: data) as? [String: Any] else { return nil }
    return object
}
