#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Shows the progress of long work on standard error, when standard error is a terminal and the
/// work has run for more than a second; never when the output is piped or redirected.
public final class ProgressReporter: @unchecked Sendable {
    private let label: String
    private let enabled: Bool
    private let started = Clock.now()
    private let lock = Mutex()
    private var lastShown = Timestamp(milliseconds: 0)
    private var shown = false
    /// Milliseconds of work before progress is shown: 1000, or `CASELEDGER_PROGRESS_AFTER_MS` (tests).
    private let delayMilliseconds: Int64 = SystemEnvironment.value("CASELEDGER_PROGRESS_AFTER_MS").flatMap { Int64($0) } ?? 1000

    /// A reporter for work called `label`; silent unless standard error is a terminal.
    public init(_ label: String, enabled: Bool? = nil) {
        self.label = label
        self.enabled = enabled ?? (isatty(2) == 1)
    }

    /// Reports `done` of `total` units (bytes); thread-safe, rate-limited to four updates a second.
    public func update(done: Int64, total: Int64) {
        guard enabled else { return }
        let now = Clock.now()
        guard now.milliseconds - started.milliseconds >= delayMilliseconds else { return }
        lock.locked {
            guard now.milliseconds - lastShown.milliseconds >= min(250, delayMilliseconds) || !shown else { return }
            lastShown = now
            shown = true
            let percent = total > 0 ? Int(done * 100 / total) : 0
            let text = "\r\(label): \(percent) % (\(done >> 20) of \(total >> 20) MiB)\u{1B}[K"
            Array(text.utf8).withUnsafeBytes { _ = write(2, $0.baseAddress!, $0.count) }
        }
    }

    /// Clears the progress line, if one was shown.
    public func finish() {
        lock.locked {
            guard shown else { return }
            let text = "\r\u{1B}[K"
            Array(text.utf8).withUnsafeBytes { _ = write(2, $0.baseAddress!, $0.count) }
            shown = false
        }
    }
}
