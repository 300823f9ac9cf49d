import Testing
import Foundation
@testable import LedgerCore

/// The processors the product spreads its work over are those it may run on: its affinity mask
/// (`taskset -c 0 caseledger report` folds on one thread), not every processor online.
@Suite struct ProcessorCountTests {
    /// The processors in `Cpus_allowed_list` of /proc/self/status ("0-3,8,10-11"), counted by hand.
    static func allowedByProc() throws -> Int? {
        let status = try String(contentsOfFile: "/proc/self/status", encoding: .utf8)
        guard let line = status.split(separator: "\n").first(where: { $0.hasPrefix("Cpus_allowed_list:") }) else { return nil }
        var count = 0
        for range in line.dropFirst("Cpus_allowed_list:".count).trimmingCharacters(in: .whitespaces).split(separator: ",") {
            let ends = range.split(separator: "-").compactMap { Int($0) }
            count += ends.count == 2 ? ends[1] - ends[0] + 1 : 1
        }
        return count
    }

    @Test func countsTheAffinityMask() throws {
        guard let expected = try Self.allowedByProc() else { return }  // not Linux
        #expect(Parallel.processorCount == expected)
        #expect(SystemCalls.processorCount() == expected)
    }
}
