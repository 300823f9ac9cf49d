// `caseledger record` through a real pseudo-terminal, typed the way a person types: util-linux
// script(1) runs the built binary on a pty, and what the test writes to script's standard input
// reaches the pty one keystroke at a time (Enter is a carriage return, Ctrl-C and Ctrl-D are their
// control bytes). The pty echoes as a terminal does, so the captured output is what a person sees.

import Foundation
import Testing

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

// MARK: - The pseudo-terminal

/// One command run on a pseudo-terminal by util-linux `script -qfec COMMAND /dev/null`.
final class PseudoTerminalSession: @unchecked Sendable {
    /// util-linux script(1); the BSD script of macOS takes other options.
    static let scriptPath = "/usr/bin/script"

    /// Whether util-linux script(1) is here to make a pseudo-terminal.
    static var isAvailable: Bool {
        #if os(Linux)
            return FileManager.default.isExecutableFile(atPath: scriptPath)
        #else
            return false
        #endif
    }

    /// Longest wait for an expected text, so that a hung session fails the test instead of hanging it.
    static let expectTimeout: Duration = .seconds(10)
    /// Pause between keystrokes: a fast typist, and enough for the pty to see separate keys.
    static let keystrokePause: Duration = .milliseconds(3)

    private let process = Process()
    private let input: FileHandle
    private let outputHandle: FileHandle
    private let lock = NSLock()
    private var output: [UInt8] = []
    /// How far `expect` has matched: each expected text is looked for after the previous one.
    private var cursor = 0
    private var ended = false

    /// Starts `command` (run by /bin/sh on the pty) with HOME in `sandbox`.
    init(_ command: String, sandbox: Sandbox) throws {
        let stdinPipe = Pipe()
        let stdoutPipe = Pipe()
        input = stdinPipe.fileHandleForWriting
        outputHandle = stdoutPipe.fileHandleForReading
        process.executableURL = URL(fileURLWithPath: PseudoTerminalSession.scriptPath)
        process.arguments = ["-qfec", command, "/dev/null"]
        var environment = ProcessInfo.processInfo.environment
        environment["HOME"] = sandbox.home
        environment["SHELL"] = "/bin/sh"
        environment["LANG"] = "C.UTF-8"
        environment["CASELEDGER_KEY_FILE"] = nil
        environment["CASELEDGER_TEST_FAULTS"] = nil
        process.environment = environment
        process.currentDirectoryURL = URL(fileURLWithPath: sandbox.path)
        process.standardInput = stdinPipe
        process.standardOutput = stdoutPipe
        process.standardError = stdoutPipe
        outputHandle.readabilityHandler = { [weak self] handle in
            let data = handle.availableData
            guard let self else { return }
            self.lock.lock()
            if data.isEmpty {
                self.ended = true
                handle.readabilityHandler = nil
            } else {
                self.output.append(contentsOf: data)
            }
            self.lock.unlock()
        }
        try process.run()
    }

    /// Everything the terminal showed so far.
    var transcript: String {
        lock.lock()
        defer { lock.unlock() }
        return String(decoding: output, as: UTF8.self)
    }

    /// Waits until `text` shows after the previously expected text.
    func expect(_ text: String, sourceLocation: SourceLocation = #_sourceLocation) async throws {
        let wanted = Array(text.utf8)
        let clock = ContinuousClock()
        let deadline = clock.now + PseudoTerminalSession.expectTimeout
        while true {
            let (found, finished) = advance(past: wanted)
            if found { return }
            if finished || clock.now > deadline {
                stop()
                Issue.record(
                    "did not see \(text.debugDescription) \(finished ? "before the session ended" : "within \(PseudoTerminalSession.expectTimeout)"); the terminal showed:\n\(transcript)",
                    sourceLocation: sourceLocation)
                throw ExpectationFailed()
            }
            try await Task.sleep(for: .milliseconds(10))
        }
    }

    struct ExpectationFailed: Error {}

    /// Moves the cursor past the next `wanted` in the output, if it is there; says whether it was
    /// found and whether the output has ended.
    private func advance(past wanted: [UInt8]) -> (found: Bool, ended: Bool) {
        lock.lock()
        defer { lock.unlock() }
        guard let found = Self.find(wanted, in: output, from: cursor) else { return (false, ended) }
        cursor = found + wanted.count
        return (true, ended)
    }

    /// Whether the output has ended (script closed it).
    private var outputEnded: Bool {
        lock.lock()
        defer { lock.unlock() }
        return ended
    }

    static func find(_ needle: [UInt8], in haystack: [UInt8], from start: Int) -> Int? {
        guard !needle.isEmpty, haystack.count >= needle.count, start <= haystack.count - needle.count else { return nil }
        for i in start...(haystack.count - needle.count) where haystack[i] == needle[0] {
            if haystack[i..<(i + needle.count)].elementsEqual(needle) { return i }
        }
        return nil
    }

    /// Types `text` key by key.
    func type(_ text: String) async throws {
        for byte in text.utf8 { try await press(byte) }
    }

    /// Pastes `text`: all of it at once, as a terminal passes on a paste.
    func paste(_ text: String) async throws {
        try input.write(contentsOf: Array(text.utf8))
        try await Task.sleep(for: PseudoTerminalSession.keystrokePause)
    }

    /// Presses one key (a byte: 0x0D Enter, 0x03 Ctrl-C, 0x04 Ctrl-D, 0x7F Backspace).
    func press(_ byte: UInt8) async throws {
        try input.write(contentsOf: [byte])
        try await Task.sleep(for: PseudoTerminalSession.keystrokePause)
    }

    /// Waits for `prompt`, then types `text` and Enter.
    func answer(_ prompt: String, _ text: String, sourceLocation: SourceLocation = #_sourceLocation) async throws {
        try await expect(prompt, sourceLocation: sourceLocation)
        try await type(text)
        try await press(0x0D)
    }

    /// Waits for the command to end; returns script's exit status (the command's, with -e).
    func finish() async throws -> Int32 {
        let clock = ContinuousClock()
        let deadline = clock.now + PseudoTerminalSession.expectTimeout
        while process.isRunning {
            if clock.now > deadline {
                stop()
                Issue.record("the session did not end; the terminal showed:\n\(transcript)")
                throw ExpectationFailed()
            }
            try await Task.sleep(for: .milliseconds(10))
        }
        // The last output may still be in the pipe when the process has ended.
        while clock.now < deadline && !outputEnded {
            try await Task.sleep(for: .milliseconds(10))
        }
        try? input.close()
        return process.terminationStatus
    }

    /// Ends a session that went wrong.
    func stop() {
        if process.isRunning { sendSignal(process.processIdentifier, SIGKILL) }
        try? input.close()
    }
}

// MARK: - The tests

@Suite(
    "caseledger record at a terminal", .serialized,
    .enabled(if: PseudoTerminalSession.isAvailable, "skipped: needs util-linux script(1) at /usr/bin/script to run caseledger on a pseudo-terminal"))
struct RecordTerminalTests {
    /// A shell word for `text` (single quotes; the paths here hold none).
    static func quoted(_ text: String) -> String { "'" + text.replacingOccurrences(of: "'", with: "'\\''") + "'" }

    /// `caseledger record LEDGER TYPE`, as the shell inside `script` runs it.
    static func recordCommand(_ ledger: String, _ type: String) throws -> String {
        try quoted(CaseLedgerBinary.url().path) + " record " + quoted(ledger) + " " + type
    }

    /// Every file under `directory` with its bytes.
    static func snapshot(_ directory: String) -> [String: [UInt8]] {
        var files: [String: [UInt8]] = [:]
        let enumerator = FileManager.default.enumerator(atPath: directory)
        while let name = enumerator?.nextObject() as? String {
            let path = directory + "/" + name
            var isDirectory: ObjCBool = false
            guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory), !isDirectory.boolValue else { continue }
            files[name] = FileManager.default.contents(atPath: path).map { [UInt8]($0) } ?? []
        }
        return files
    }

    /// Checks that no test CPR number, with or without its dash, is in `text`.
    static func expectNoCPR(_ text: String, in place: String, sourceLocation: SourceLocation = #_sourceLocation) {
        for cpr in TestCPR.all {
            #expect(!text.contains(cpr), "a CPR number is in \(place)", sourceLocation: sourceLocation)
            #expect(!text.contains(TestCPR.digitText(cpr)), "a CPR number's digits are in \(place)", sourceLocation: sourceLocation)
        }
        #expect(cprShapedMatches(text).isEmpty, "something CPR-shaped is in \(place)", sourceLocation: sourceLocation)
    }

    /// Checks every file of the sandbox (ledger, key, home) for CPR numbers.
    static func expectNoCPRInFiles(_ sandbox: Sandbox, sourceLocation: SourceLocation = #_sourceLocation) {
        for (name, bytes) in snapshot(sandbox.path) {
            expectNoCPR(String(decoding: bytes, as: UTF8.self), in: "file \(name)", sourceLocation: sourceLocation)
        }
    }

    /// The events `log --json` prints, as JSON objects.
    static func loggedEvents(_ sandbox: Sandbox, _ ledger: String) async throws -> [[String: Any]] {
        let log = try await sandbox.run(["log", ledger, "--json"])
        #expect(log.status == 0, "\(log)")
        return log.stdout.split(separator: "\n").compactMap {
            try? JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any]
        }
    }

    /// The pseudonym the session showed after "Borger: ".
    static func shownPseudonym(_ transcript: String) -> String? {
        guard let range = transcript.range(of: "Borger: c-") else { return nil }
        return "c-" + String(transcript[range.upperBound...].prefix(16))
    }

    @Test("register a citizen, then an activation: CPR hidden, re-asked when invalid, list numbers, Danish letters, N writes nothing")
    func recordsEventsTypedAtATerminal() async throws {
        let sandbox = Sandbox("record")
        let ledger = try await sandbox.initLedger()
        let command = try Self.recordCommand(ledger, "citizen_registered")

        // 1. citizen_registered: an impossible CPR number first, then a real one; a birth date
        // after the effective date, which only the whole-event check catches and asks again.
        let registration = try PseudoTerminalSession(command, sandbox: sandbox)
        do {
            try await registration.answer("CPR-nummer (vises ikke): ", TestCPR.impossible)
            try await registration.expect("Ikke et gyldigt CPR-nummer.")
            try await registration.answer("CPR-nummer (vises ikke): ", TestCPR.first)
            try await registration.expect("Borger: c-")
            try await registration.answer("Virkningsdato (ÅÅÅÅ-MM-DD) [", "2015-03-02")
            try await registration.answer("Kommune (183, 187) [183]: ", "")
            // The field's explanation and kind in Danish, as the catalog's Danish texts give them.
            try await registration.expect("birth_date: borgerens fødselsdato (til aldersregler)")
            try await registration.expect("skal udfyldes; dato ÅÅÅÅ-MM-DD")
            try await registration.answer("birth_date: ", "2016-01-01")
            try await registration.expect("education: højeste fuldførte uddannelse")
            try await registration.answer("education: ", "2")
            try await registration.expect("= vocational")
            try await registration.expect("kan stå tom; ja eller nej")
            try await registration.answer("refugee: ", "nej")
            try await registration.answer("arrival_date: ", "")
            try await registration.expect("Afvist, birth_date: fødselsdatoen 2016-01-01 ligger efter virkningsdatoen 2015-03-02")
            try await registration.answer("birth_date: ", "1990-01-01")
            try await registration.expect(#""facts":{"birth_date":"1990-01-01","education":"vocational","refugee":false}}"#)
            try await registration.answer("Gem? [j/N]: ", "j")
            try await registration.expect("Gemt som seq 2.")
            try await registration.expect("appended 1 event: seq 2")
        } catch {
            registration.stop()
            throw error
        }
        #expect(try await registration.finish() == 0, "\(registration.transcript)")
        let registrationShown = registration.transcript
        #expect(!registrationShown.contains("is after the effective date"), "record shows the Danish rejection, not append's English one")
        Self.expectNoCPR(registrationShown, in: "the terminal")
        let pseudonym = try #require(Self.shownPseudonym(registrationShown), "the session shows the pseudonym")
        #expect(registrationShown.contains(#""citizen":"\#(pseudonym)""#), "the event shown carries the pseudonym")

        // 2. activation_started answered N: nothing is written. The kind is chosen by its number,
        // the provider name typed with Danish letters and a backspace over an ø (two bytes).
        let before = Self.snapshot(ledger)
        let declined = try PseudoTerminalSession(try Self.recordCommand(ledger, "activation_started"), sandbox: sandbox)
        do {
            try await typeActivation(declined)
            try await declined.answer("Gem? [j/N]: ", "N")
            try await declined.expect("Ikke gemt; intet er skrevet.")
        } catch {
            declined.stop()
            throw error
        }
        #expect(try await declined.finish() == 1, "\(declined.transcript)")
        Self.expectNoCPR(declined.transcript, in: "the terminal")
        #expect(Self.snapshot(ledger) == before, "answering N leaves every file of the ledger as it was")

        // 3. The same, saved.
        let saved = try PseudoTerminalSession(try Self.recordCommand(ledger, "activation_started"), sandbox: sandbox)
        do {
            try await typeActivation(saved)
            try await saved.answer("Gem? [j/N]: ", "j")
            try await saved.expect("appended 1 event: seq 3")
        } catch {
            saved.stop()
            throw error
        }
        #expect(try await saved.finish() == 0, "\(saved.transcript)")
        Self.expectNoCPR(saved.transcript, in: "the terminal")
        #expect(saved.transcript.contains("Borger: \(pseudonym)"), "the same CPR number gives the same pseudonym")

        // What was stored: the pseudonym, never the CPR number, in the log and in every file.
        let events = try await Self.loggedEvents(sandbox, ledger)
        #expect(events.count == 3)
        let registered = try #require(events.first { $0["type"] as? String == "citizen_registered" })
        #expect(registered["citizen"] as? String == pseudonym)
        #expect(registered["municipality"] as? String == "183")
        #expect(registered["effective"] as? String == "2015-03-02")
        #expect((registered["facts"] as? [String: Any])?["education"] as? String == "vocational")
        let activation = try #require(events.first { $0["type"] as? String == "activation_started" })
        #expect(activation["citizen"] as? String == pseudonym)
        #expect(activation["municipality"] as? String == "187")
        let facts = try #require(activation["facts"] as? [String: Any])
        #expect(facts["kind"] as? String == "mentor", "list number 6 is mentor")
        #expect(facts["provider"] as? String == "anden-aktoer")
        #expect(facts["provider_name"] as? String == "Aktør Østbyø Ålborg", "backspace removes a whole ø")
        #expect(facts["weekly_minutes"] as? Int == 600)
        Self.expectNoCPRInFiles(sandbox)
        let verify = try await sandbox.run(["verify", ledger])
        #expect(verify.status == 0, "\(verify)")
    }

    /// Types an activation_started for the first test citizen, up to the confirmation.
    func typeActivation(_ session: PseudoTerminalSession) async throws {
        try await session.answer("CPR-nummer (vises ikke): ", TestCPR.first)
        try await session.answer("Virkningsdato (ÅÅÅÅ-MM-DD) [", "2015-03-09")
        try await session.answer("Kommune (183, 187) [183]: ", "187")
        try await session.answer("activity_id: ", "akt-1")
        try await session.expect("6  mentor")
        try await session.answer("kind: ", "6")
        try await session.expect("= mentor")
        try await session.answer("provider: ", "2")
        // An optional field left empty that a rule between fields requires: asked again at once.
        try await session.answer("provider_name: ", "")
        try await session.expect("Afvist: skal udfyldes, når provider er anden-aktoer")
        try await session.expect("provider_name: ")
        try await session.type("Aktør Østbyøø")
        try await session.press(0x7F)
        try await session.type(" Ålborg")
        try await session.press(0x0D)
        try await session.answer("employer_cvr: ", "")
        try await session.answer("weekly_minutes: ", "ti timer")
        try await session.expect("Afvist: skal være et helt tal")
        try await session.answer("weekly_minutes: ", "600")
        try await session.answer("authority: ", "")
        try await session.expect(#""kind":"mentor","provider":"anden-aktoer","provider_name":"Aktør Østbyø Ålborg","weekly_minutes":600}}"#)
    }

    @Test("Ctrl-C while the CPR number is typed puts echo back and writes nothing; Ctrl-D and q stop")
    func interruptionsWriteNothing() async throws {
        let sandbox = Sandbox("record-stop")
        let ledger = try await sandbox.initLedger()
        let before = Self.snapshot(ledger)
        let record = try Self.recordCommand(ledger, "citizen_registered")

        // Ctrl-C halfway through the CPR number. The shell traps SIGINT with a command (which the
        // child gets reset to the default), so it lives on to show the terminal's settings.
        let interrupted = try PseudoTerminalSession("trap : INT; " + record + "; echo status=$?; stty -a", sandbox: sandbox)
        do {
            try await interrupted.expect("CPR-nummer (vises ikke): ")
            try await interrupted.type(String(TestCPR.first.prefix(6)))
            try await interrupted.press(0x03)
            try await interrupted.expect("Afbrudt; intet er gemt.")
            try await interrupted.expect("status=130")
        } catch {
            interrupted.stop()
            throw error
        }
        _ = try await interrupted.finish()
        let settings = interrupted.transcript
        #expect(
            settings.range(of: #"(^|[ ;\r\n])echo( |;|\r|\n)"#, options: .regularExpression) != nil, "echo is on again after Ctrl-C:\n\(settings)")
        #expect(settings.range(of: #"(^|[ ;\r\n])icanon( |;|\r|\n)"#, options: .regularExpression) != nil, "canonical mode is on again:\n\(settings)")
        #expect(!settings.contains(String(TestCPR.first.prefix(6))), "the digits typed were not echoed")

        // Ctrl-D at the municipality prompt.
        let endOfInput = try PseudoTerminalSession(record, sandbox: sandbox)
        do {
            try await endOfInput.answer("CPR-nummer (vises ikke): ", TestCPR.second)
            // A pasted line over the limit is read to its end, refused, and the question asked again.
            try await endOfInput.expect("Virkningsdato (ÅÅÅÅ-MM-DD) [")
            try await endOfInput.paste(String(repeating: "x", count: 1100) + "\r")
            try await endOfInput.expect("Svaret er længere end 1024 bytes; prøv igen.")
            try await endOfInput.answer("Virkningsdato (ÅÅÅÅ-MM-DD) [", "")
            try await endOfInput.expect("Kommune (183, 187) [183]: ")
            try await endOfInput.press(0x04)
            try await endOfInput.expect("Afbrudt; intet er gemt.")
        } catch {
            endOfInput.stop()
            throw error
        }
        #expect(try await endOfInput.finish() == 1, "\(endOfInput.transcript)")

        // q at the CPR prompt.
        let quit = try PseudoTerminalSession(record, sandbox: sandbox)
        do {
            try await quit.answer("CPR-nummer (vises ikke): ", "q")
            try await quit.expect("Afbrudt; intet er gemt.")
        } catch {
            quit.stop()
            throw error
        }
        #expect(try await quit.finish() == 1, "\(quit.transcript)")

        for transcript in [interrupted.transcript, endOfInput.transcript, quit.transcript] {
            Self.expectNoCPR(transcript, in: "the terminal")
        }
        #expect(Self.snapshot(ledger) == before, "no interrupted session changes a file of the ledger")
        Self.expectNoCPRInFiles(sandbox)
    }

    @Test("without a terminal on standard input, record refuses and points to append")
    func refusesWithoutATerminal() async throws {
        let sandbox = Sandbox("record-pipe")
        let ledger = try await sandbox.initLedger()
        let before = Self.snapshot(ledger)
        // A pipe, as a script would give it, with a CPR number in it that must not be read.
        let result = try await sandbox.run(["record", ledger, "citizen_registered"], stdin: TestCPR.first + "\n")
        #expect(result.status == 2, "\(result)")
        #expect(result.stderr.contains("standard input is not a terminal"), "\(result)")
        #expect(result.stderr.contains("caseledger append"), "\(result)")
        #expect(result.stdout.isEmpty, "\(result)")
        // A CPR number given as an argument is refused too, and not repeated.
        let argument = try await sandbox.run(["record", ledger, "citizen_registered", TestCPR.first])
        #expect(argument.status == 2, "\(argument)")
        #expect(argument.stderr.contains("never given on the command line"), "\(argument)")
        Self.expectNoCPR(result.stderr + argument.stderr, in: "standard error")
        #expect(Self.snapshot(ledger) == before)
    }
}
