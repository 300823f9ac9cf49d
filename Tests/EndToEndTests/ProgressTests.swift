import Testing
import Foundation

/// Long work shows progress on standard error at a terminal, never when the output is piped.
@Suite struct ProgressTests {

    static let script = "/usr/bin/script"

    @Test("verify and report show progress at a terminal and not in a pipe", .enabled(if: FileManager.default.isExecutableFile(atPath: script), "util-linux script is not installed"))
    func progressOnlyAtATerminal() throws {
        let home = NSTemporaryDirectory() + "caseledger-progress-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: home, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: home) }
        let ledger = home + "/L"
        #expect(try E2E.run(["init", ledger, "--jobcenter", "X", "--municipality", "250", "--recorded-at", "2010-12-31"], home: home).status == 0)
        let generated = try E2E.run(["generate", "--citizens", "100", "--seed", "2", "--with-recorded-at"], home: home)
        #expect(try E2E.run(["append", ledger, "--historical"], input: generated.out, home: home).status == 0)
        let binary = try E2E.binary().path
        for (command, label) in [("verify", "verifying"), ("report", "replaying")] {
            // At a terminal (a pseudo-terminal from script), with the one-second delay set to zero for the test.
            let process = Process()
            process.executableURL = URL(fileURLWithPath: Self.script)
            process.arguments = ["-qfec", "\(binary) \(command) \(ledger)", "/dev/null"]
            var environment = ProcessInfo.processInfo.environment
            environment["HOME"] = home
            environment["CASELEDGER_PROGRESS_AFTER_MS"] = "0"
            process.environment = environment
            let out = Pipe()
            process.standardOutput = out
            process.standardInput = FileHandle.nullDevice
            try process.run()
            let terminal = String(decoding: out.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
            process.waitUntilExit()
            #expect(process.terminationStatus == 0)
            #expect(terminal.contains(label), "\(command) at a terminal: \(terminal.prefix(300))")
            // In a pipe: no progress, even with the delay at zero.
            let piped = try E2E.run([command, ledger], home: home, extraEnvironment: ["CASELEDGER_PROGRESS_AFTER_MS": "0"])
            #expect(piped.status == 0)
            #expect(!piped.err.contains(label), "\(command) piped: \(piped.err)")
        }
    }
}
