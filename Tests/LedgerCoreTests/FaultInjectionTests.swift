// Failing system calls during an append: the error says what happened, the ledger still
// verifies, and the next append works and does not contain the failed batch.
//
// FaultInjection's rules and call counters are global to the process, and every test target of
// the package runs in one process, where other suites (Projections, Simulation) write ledgers
// at the same time. An injected fsync failure would hit them, and their calls would shift the
// counts. So FaultInjectionTests run in a test process of their own: FaultInjectionProcessTests
// starts this test executable again with a filter selecting only them, and checks that they pass.
// Inside that process they run one at a time and reset the rules before and after each test.

import Foundation
import Testing

@testable import LedgerCore

/// Where the fault-injection tests run.
enum FaultInjectionProcess {
    /// Set in the environment of the process that runs only the fault-injection tests.
    static let environmentKey = "CASELEDGER_FAULT_INJECTION_PROCESS"

    /// The test executable, when it can be started again (Linux: /proc/self/exe).
    static let testExecutable: String? = try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")

    /// Whether the fault-injection tests run in this process: in the process started for them,
    /// or where the test executable cannot be started again (then they share the process).
    static var runsHere: Bool {
        ProcessInfo.processInfo.environment[environmentKey] == "1" || testExecutable == nil
    }
}

@Suite struct FaultInjectionProcessTests {
    @Test("the fault-injection tests pass in a test process of their own", .enabled(if: !FaultInjectionProcess.runsHere))
    func isolatedRun() async throws {
        let directory = TemporaryDirectory("faultprocess")
        let executable = try #require(FaultInjectionProcess.testExecutable)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = ["--testing-library", "swift-testing", "--filter", "LedgerFileTests/FaultInjectionTests"]
        var environment = ProcessInfo.processInfo.environment
        environment[FaultInjectionProcess.environmentKey] = "1"
        environment["CASELEDGER_TEST_FAULTS"] = nil
        process.environment = environment
        let outputPath = directory.file("output.txt")
        _ = FileManager.default.createFile(atPath: outputPath, contents: nil)
        let output = try FileHandle(forWritingTo: URL(fileURLWithPath: outputPath))
        process.standardOutput = output
        process.standardError = output
        process.standardInput = FileHandle.nullDevice
        let ended = ProcessEnd()
        process.terminationHandler = { _ in ended.signal() }
        try process.run()
        await ended.wait()
        process.waitUntilExit()  // returns at once: the process has ended
        try output.close()
        // The output without colour codes.
        let text = String(decoding: readBytes(outputPath), as: UTF8.self)
            .replacingOccurrences(of: "\u{1B}\\[[0-9;]*m", with: "", options: .regularExpression)
        let summary = text.split(separator: "\n").last { $0.contains("Test run with") } ?? "no summary line"
        #expect(process.terminationReason == .exit && process.terminationStatus == 0, "\(text.suffix(4000))")
        #expect(summary.contains("passed") && !summary.contains("with 0 tests"), "\(summary)")
    }
}

extension LedgerFileTests {
    @Suite(.serialized, .enabled(if: FaultInjectionProcess.runsHere, "runs in a process of its own, started by FaultInjectionProcessTests"))
    final class FaultInjectionTests {
        let directory = TemporaryDirectory("faults")

        init() { FaultInjection.install("") }
        deinit { FaultInjection.install("") }

        static let committed = [
            inputLine("company_registered", effective: "2014-01-15", facts: #"{"cvr":"12345678","employees":12}"#),
            inputLine("survey_response", effective: "2014-02-01", facts: #"{"respondent":"citizen","satisfied":true}"#),
        ]
        /// The batch whose append fails: recognisable by its event name.
        static let failing = [
            inputLine("event_held", effective: "2014-03-20", facts: #"{"name":"Den tabte batch","participants":1}"#),
            inputLine("event_held", effective: "2014-03-21", facts: #"{"name":"Den tabte batch","participants":2}"#),
        ]
        static let next = [inputLine("company_visited", effective: "2014-02-15", facts: #"{"cvr":"12345678"}"#)]

        /// A fault rule, the message expected and whether the failed batch's lines reach the file
        /// (beyond the head, as an unacknowledged tail).
        struct FaultCase: Sendable, CustomTestStringConvertible {
            let label: String
            let rule: String
            let errno: Int32
            let message: String
            let linesWritten: Bool
            var testDescription: String { "\(label) (\(rule))" }
        }

        // The first write and fsync of an append without a tail are the data's; the second write is
        // the head's. "+" makes every later call fail too, so the rules do not depend on exact counts.
        static let faultCases: [FaultCase] = [
            FaultCase(label: "data write out of space", rule: "write#1+=ENOSPC", errno: ENOSPC, message: "out of disk space", linesWritten: false),
            FaultCase(label: "data write over quota", rule: "write#1+=EDQUOT", errno: EDQUOT, message: "out of disk space", linesWritten: false),
            FaultCase(label: "data write I/O error", rule: "write#1+=EIO", errno: EIO, message: "input/output error", linesWritten: false),
            FaultCase(label: "data fsync I/O error", rule: "fsync#1+=EIO", errno: EIO, message: "input/output error", linesWritten: true),
            FaultCase(label: "head write out of space", rule: "write#2+=ENOSPC", errno: ENOSPC, message: "out of disk space", linesWritten: true),
            FaultCase(label: "head write I/O error", rule: "write#2+=EIO", errno: EIO, message: "input/output error", linesWritten: true),
            FaultCase(label: "lock file open refused", rule: "open#1+=EACCES", errno: EACCES, message: "permission denied", linesWritten: false),
        ]

        @Test("a failed append throws a system error, the ledger verifies, and the next append works", arguments: faultCases)
        func failedAppend(_ c: FaultCase) throws {
            let test = try TestLedger(in: directory)
            try test.append(Self.committed)
            let headBefore = try test.ledger.readHead()
            let segmentBefore = readBytes(test.segment1)

            FaultInjection.install(c.rule)
            let thrown = #expect(throws: LedgerError.self) { try test.append(Self.failing) }
            FaultInjection.install("")
            guard case .system(let error)? = thrown else {
                Issue.record("expected LedgerError.system, got \(String(describing: thrown))")
                return
            }
            #expect(error.errno == c.errno)
            #expect(error.description.contains(c.message), "\(error.description)")
            #expect(LedgerError.system(error).description.contains(c.message))
            #expect(error.isOutOfSpace == (c.message == "out of disk space"))

            // The head did not move, and the ledger verifies.
            #expect(try test.ledger.readHead() == headBefore)
            let report = try LedgerVerifier.verify(test.ledger)
            #expect(report.events == headBefore.seq)
            if c.linesWritten {
                // The failed append cuts its lines off again where it can; otherwise they are a
                // recoverable tail of complete lines.
                if let tail = report.tail {
                    #expect(tail.completeLines == Self.failing.count)
                    #expect(tail.torn == false)
                } else {
                    #expect(readBytes(test.segment1) == segmentBefore)
                }
            } else {
                #expect(report.tail == nil)
                let unchanged = readBytes(test.segment1) == segmentBefore
                #expect(unchanged)
            }

            // The next append removes whatever the failed one left and continues from the head.
            let result = try test.append(Self.next)
            #expect(result.firstSeq == headBefore.seq + 1)
            #expect(result.recoveredBytes == (report.tail?.bytes ?? 0))
            let events = try test.ledger.allEvents()
            #expect(events.count == Int(headBefore.seq) + 1)
            #expect(!events.contains { $0.event.type == .eventHeld })
            #expect(try LedgerVerifier.verify(test.ledger).tail == nil)
        }

        @Test("a write failing after earlier chunks of a batch were written cuts the batch off", arguments: [2, 5, 9])
        func failedLaterChunk(_ failingWrite: Int) throws {
            let (test, headBefore) = try Self.chunkedAppendFails(directory, rule: "write#\(failingWrite)=EIO", producerIgnoresErrors: false)
            #expect(try LedgerVerifier.verify(test.ledger).tail == nil)
            let result = try test.append(Self.next)
            #expect(result.firstSeq == headBefore.seq + 1)
            #expect(result.recoveredBytes == 0)
        }

        @Test("a producer that ignores a failed chunk write cannot get the rest of the batch written after the gap")
        func failureIsSticky() throws {
            let (test, headBefore) = try Self.chunkedAppendFails(directory, rule: "write#3=EIO", producerIgnoresErrors: true)
            #expect(try LedgerVerifier.verify(test.ledger).events == headBefore.seq)
        }

        /// Appends a batch of 300 lines in 4 KiB chunks under the fault `rule` (a write that fails
        /// with EIO) and checks that the append failed with that error and left the head and the
        /// segment as they were. The producer may go on after an error (`try?`) or stop. Returns
        /// the ledger and its head before.
        static func chunkedAppendFails(_ directory: TemporaryDirectory, rule: String,
                                       producerIgnoresErrors: Bool) throws -> (TestLedger, HeadRecord) {
            let test = try TestLedger(in: directory)
            try test.append(Self.committed)
            let headBefore = try test.ledger.readHead()
            let segmentBefore = readBytes(test.segment1)
            let records = try test.records(LedgerFileTests.BatchWriterTests.lines(300))
            FaultInjection.install(rule)
            let thrown = #expect(throws: LedgerError.self) {
                try test.ledger.append(source: "test input", recordedAt: nil, chunkBytes: 4096) { (emit) throws(LedgerError) in
                    for record in records {
                        if producerIgnoresErrors { try? emit(record) } else { try emit(record) }
                    }
                }
            }
            FaultInjection.install("")
            guard case .system(let error)? = thrown else {
                Issue.record("expected LedgerError.system, got \(String(describing: thrown))")
                return (test, headBefore)
            }
            #expect(error.call == "write" && error.errno == EIO)
            #expect(try test.ledger.readHead() == headBefore)
            let unchanged = readBytes(test.segment1) == segmentBefore
            #expect(unchanged)
            return (test, headBefore)
        }

        @Test("a failed truncation of a tail fails the append; the tail stays recoverable")
        func failedRecovery() throws {
            let test = try TestLedger(in: directory)
            try test.append(Self.committed)
            // The failed append cannot cut its lines off either: they stay as a tail.
            FaultInjection.install("fsync#1+=EIO,truncate#1+=EIO")
            _ = #expect(throws: LedgerError.self) { try test.append(Self.failing) }
            FaultInjection.install("truncate#1+=EIO")
            let thrown = #expect(throws: LedgerError.self) { try test.append(Self.next) }
            FaultInjection.install("")
            guard case .system(let error)? = thrown else {
                Issue.record("expected LedgerError.system, got \(String(describing: thrown))")
                return
            }
            #expect(error.call == "truncate")
            #expect(error.description.contains("input/output error"))
            #expect(try LedgerVerifier.verify(test.ledger).tail?.completeLines == Self.failing.count)
            let result = try test.append(Self.next)
            #expect(result.recoveredBytes > 0)
            #expect(!(try test.ledger.allEvents()).contains { $0.event.type == .eventHeld })
        }

        @Test("fault rules count calls by kind and can fail one call only")
        func ruleCounting() throws {
            let test = try TestLedger(in: directory)
            FaultInjection.install("fsync#1=EIO")
            _ = #expect(throws: LedgerError.self) { try test.append(Self.committed) }
            // Only the first fsync failed: the same batch now goes through (after removing the tail).
            let result = try test.append(Self.committed)
            FaultInjection.install("")
            #expect(result.firstSeq == 2)
            #expect(try LedgerVerifier.verify(test.ledger).events == 3)
            #expect(try LedgerVerifier.verify(test.ledger).tail == nil)
        }

        @Test(
            "a failed fsync of the head leaves the failed batch out of the ledger")
        func failedHeadFsync() throws {
            let test = try TestLedger(in: directory)
            try test.append(Self.committed)
            let headBefore = try test.ledger.readHead()
            FaultInjection.install("fsync#2=EIO")  // fsync 1 is the data's, fsync 2 the head's
            let thrown = #expect(throws: LedgerError.self) { try test.append(Self.failing) }
            FaultInjection.install("")
            guard case .system(let error)? = thrown else {
                Issue.record("expected LedgerError.system, got \(String(describing: thrown))")
                return
            }
            #expect(error.call == "fsync")
            #expect(error.path.hasSuffix("/head"))
            // The caller was told the batch failed: it must not be in the ledger.
            #expect(try test.ledger.readHead() == headBefore)
            try test.append(Self.next)
            #expect(!(try test.ledger.allEvents()).contains { $0.event.type == .eventHeld })
        }
    }
}
