#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Reads answers from a terminal one line at a time, with or without echo, through termios.
///
/// Every read puts the terminal in canonical mode, so the terminal driver does the line editing
/// (backspace, Ctrl-U, Ctrl-W; with `IUTF8` a backspace removes a whole UTF-8 character such as
/// æ, ø or å), with echo on or off as asked, and puts back the settings found when the reader was
/// made: when the read returns, when it fails, and when a signal ends the process (Ctrl-C, Ctrl-\,
/// hang-up, kill) or stops it (Ctrl-Z; the read's settings come back on `fg`). Only SIGKILL, which
/// no program can catch, can leave the terminal without echo (`stty sane` mends it).
///
/// The prompt is written after echo is switched off, so anything typed once the prompt shows is
/// not echoed. What is typed before the prompt shows is echoed by the terminal as it arrives; no
/// program can take that back.
final class TerminalInput {
    /// Longest answer accepted, in bytes of UTF-8 (the newline not counted). Longer lines are read
    /// to their end and rejected, so that the rest of a long line is not taken as the next answer.
    static let lineBytesMax = 1024

    /// Why no line was read.
    enum ReadError: Error, Equatable {
        /// Ctrl-D, or the terminal went away: the person wants to stop.
        case endOfInput
        /// The line was longer than ``TerminalInput/lineBytesMax``; it was read and dropped.
        case tooLong
        /// The line was not valid UTF-8 (the terminal is not set to UTF-8).
        case notUTF8
        /// A system call failed with this errno.
        case failed(errno: Int32)
    }

    /// The terminal's file descriptor (standard input).
    let fd: Int32
    /// Where prompts are written (standard error).
    let promptFD: Int32
    /// The settings found when the reader was made, put back after every read.
    private let original: termios
    /// Whether the signal handlers are installed (between ``init(fd:promptFD:)`` and ``close()``).
    private var handlersInstalled = false

    /// Makes a reader of the terminal `fd`; nil when `fd` is not a terminal.
    init?(fd: Int32 = 0, promptFD: Int32 = 2) {
        guard isatty(fd) == 1 else { return nil }
        var settings = termios()
        guard tcgetattr(fd, &settings) == 0 else { return nil }
        self.fd = fd
        self.promptFD = promptFD
        self.original = settings
        TerminalSignals.install(fd: fd, original: settings)
        handlersInstalled = true
    }

    deinit { close() }

    /// Puts the original settings back and removes the signal handlers. Called before the event is
    /// written, so that Ctrl-C during the append ends the process the ordinary way.
    func close() {
        guard handlersInstalled else { return }
        handlersInstalled = false
        restore()
        TerminalSignals.remove()
    }

    /// Writes `text` to the prompt descriptor at once.
    func write(_ text: String) {
        Console.writeAll(promptFD, Array(text.utf8))
    }

    /// Writes `prompt` and reads one line with echo (`echo: true`) or without (`echo: false`, for a
    /// CPR number). Returns the line without its newline.
    func readLine(prompt: String, echo: Bool) throws(ReadError) -> String {
        var bytes = try readLineBytes(prompt: prompt, echo: echo)
        // Without echo the answer is secret: wipe the buffer that held it, once it is a String.
        defer { if !echo { for i in bytes.indices { bytes[i] = 0 } } }
        guard let text = String(validating: bytes, as: UTF8.self) else { throw .notUTF8 }
        return text
    }

    /// Reads one line's bytes with the terminal set for the read, and the settings put back after.
    private func readLineBytes(prompt: String, echo: Bool) throws(ReadError) -> [UInt8] {
        var settings = original
        // Canonical mode: the driver edits the line and hands it over at Enter; signals stay on.
        settings.c_lflag |= tcflag_t(ICANON | ISIG | IEXTEN)
        if echo {
            settings.c_lflag |= tcflag_t(ECHO | ECHOE | ECHOK)
        } else {
            // No echo of what is typed; only the newline, so the next prompt starts on its own line.
            settings.c_lflag &= ~tcflag_t(ECHO | ECHOE | ECHOK)
            settings.c_lflag |= tcflag_t(ECHONL)
        }
        // Enter gives a newline whatever the terminal sends; erase works on UTF-8 characters.
        settings.c_iflag |= tcflag_t(ICRNL | IUTF8)
        settings.c_iflag &= ~tcflag_t(INLCR | IGNCR)
        if let failure = apply(settings) { throw .failed(errno: failure) }
        defer { restore() }
        // After the settings: the prompt showing means echo is off already.
        write(prompt)
        do {
            return try readBytes()
        } catch .endOfInput {
            // No newline was typed (Ctrl-D): end the prompt's line here.
            write("\n")
            throw .endOfInput
        }
    }

    /// Reads up to and without the newline, keeping at most `lineBytesMax` bytes.
    private func readBytes() throws(ReadError) -> [UInt8] {
        var line: [UInt8] = []
        var overflowed = false
        var chunk = [UInt8](repeating: 0, count: 256)
        defer { for i in chunk.indices { chunk[i] = 0 } }
        while true {
            let count = chunk.withUnsafeMutableBytes { read(fd, $0.baseAddress!, $0.count) }
            if count < 0 {
                let failure = errno
                if failure == EINTR { continue }
                // EIO: the terminal was hung up; there is no one left to answer.
                if failure == EIO { throw .endOfInput }
                throw .failed(errno: failure)
            }
            // Ctrl-D on an empty line (or a second Ctrl-D after some text) reads nothing: stop.
            if count == 0 { throw .endOfInput }
            // In canonical mode one read returns at most one line, so a newline can only be last.
            var end = count
            let complete = chunk[count - 1] == 0x0A
            if complete { end -= 1 }
            if !overflowed {
                if line.count + end > TerminalInput.lineBytesMax {
                    overflowed = true
                    for i in line.indices { line[i] = 0 }
                    line.removeAll()
                } else {
                    line.append(contentsOf: chunk[0..<end])
                }
            }
            if complete { break }
        }
        if overflowed { throw .tooLong }
        assert(line.count <= TerminalInput.lineBytesMax, "a line kept is within the limit")
        return line
    }

    /// Applies `settings` (after output already written has drained); returns errno on failure.
    private func apply(_ settings: termios) -> Int32? {
        var settings = settings
        TerminalSignals.current(settings)
        while tcsetattr(fd, TCSADRAIN, &settings) != 0 {
            let failure = errno
            if failure == EINTR { continue }
            TerminalSignals.restored()
            return failure
        }
        return nil
    }

    /// Puts the original settings back. Failure is not reported: there is nothing better to do than
    /// to have tried (the terminal may be gone).
    private func restore() {
        var settings = original
        while tcsetattr(fd, TCSANOW, &settings) != 0 && errno == EINTR {}
        TerminalSignals.restored()
    }
}

// MARK: - Signals

// What the signal handlers need. A handler cannot capture context, so this lives in globals; they
// are written by the one thread that reads the terminal, and read by the handlers.

/// The terminal's descriptor, or -1 when no reader is active.
nonisolated(unsafe) private var signalTerminalFD: Int32 = -1
/// The settings to put back when the process ends or stops.
nonisolated(unsafe) private var signalOriginalSettings = termios()
/// The settings of the read in progress, to put back when the process continues after Ctrl-Z.
nonisolated(unsafe) private var signalReadSettings = termios()
/// 1 while a read has the terminal in its own settings.
nonisolated(unsafe) private var signalReadInProgress: sig_atomic_t = 0

/// Installs and removes the handlers that put the terminal back when a signal ends or stops the process.
private enum TerminalSignals {
    /// Signals that end the process by default and can be caught.
    static let ending: [Int32] = [SIGINT, SIGQUIT, SIGTERM, SIGHUP]

    static func install(fd: Int32, original: termios) {
        // Written before any handler is installed, so a handler never sees them half made.
        signalOriginalSettings = original
        signalReadSettings = original
        signalReadInProgress = 0
        signalTerminalFD = fd
        for signalNumber in ending + [SIGTSTP] {
            // A signal ignored when the process started (nohup, a background job) stays ignored.
            let previous = signal(signalNumber, signalNumber == SIGTSTP ? stopHandler : endHandler)
            if isIgnored(previous) { _ = signal(signalNumber, SIG_IGN) }
        }
        _ = signal(SIGCONT, continueHandler)
    }

    static func remove() {
        for signalNumber in ending + [SIGTSTP] {
            let previous = signal(signalNumber, SIG_DFL)
            if isIgnored(previous) { _ = signal(signalNumber, SIG_IGN) }
        }
        _ = signal(SIGCONT, SIG_DFL)
        signalTerminalFD = -1
    }

    /// Records the settings a read is about to apply (before applying them).
    static func current(_ settings: termios) {
        signalReadSettings = settings
        signalReadInProgress = 1
    }

    /// Records that the original settings are in force again.
    static func restored() { signalReadInProgress = 0 }

    static func isIgnored(_ handler: __sighandler_t?) -> Bool {
        guard let handler else { return false }
        return unsafeBitCast(handler, to: Int.self) == unsafeBitCast(SIG_IGN, to: Int.self)
    }
}

// The handlers use only async-signal-safe calls: tcsetattr, write, signal, raise.

/// Puts the terminal back, ends the prompt's line, and lets the signal end the process as it would have.
private let endHandler: @convention(c) (Int32) -> Void = { signalNumber in
    if signalTerminalFD >= 0 {
        var settings = signalOriginalSettings
        _ = tcsetattr(signalTerminalFD, TCSANOW, &settings)
        let message: StaticString = "\nAfbrudt; intet er gemt.\n"
        _ = write(2, message.utf8Start, message.utf8CodeUnitCount)
    }
    _ = signal(signalNumber, SIG_DFL)
    // Delivered when the handler returns (the signal is blocked while its handler runs).
    _ = raise(signalNumber)
}

/// Ctrl-Z: puts the terminal back for the shell, then stops the process the ordinary way.
private let stopHandler: @convention(c) (Int32) -> Void = { _ in
    if signalTerminalFD >= 0 {
        var settings = signalOriginalSettings
        _ = tcsetattr(signalTerminalFD, TCSANOW, &settings)
    }
    _ = signal(SIGTSTP, SIG_DFL)
    _ = raise(SIGTSTP)
}

/// After `fg`: catches Ctrl-Z again and gives the read in progress its settings back.
private let continueHandler: @convention(c) (Int32) -> Void = { _ in
    guard signalTerminalFD >= 0 else { return }
    _ = signal(SIGTSTP, stopHandler)
    if signalReadInProgress == 1 {
        var settings = signalReadSettings
        _ = tcsetattr(signalTerminalFD, TCSANOW, &settings)
    }
}
