import LedgerCore

/// The `caseledger` command line: routes to a subcommand, maps errors to exit statuses.
public enum CaseLedgerMain {
    /// Every subcommand, in the order `caseledger --help` lists them.
    public static let commands: [any LedgerCommand.Type] = [
        DemoCommand.self, InitCommand.self, AppendCommand.self, RecordCommand.self, ImportCommand.self, VerifyCommand.self, MirrorCommand.self, RepairCommand.self, LogCommand.self,
        GenerateCommand.self, MeasureCommand.self, ReportCommand.self, GoalsCommand.self,
        PublishCommand.self, AuditCommand.self, ProveCommand.self, CheckProofCommand.self, ExplainCommand.self, AccessLogCommand.self, CatalogCommand.self, ServeCommand.self,
    ]

    /// The overview shown by `caseledger --help`.
    public static var overview: String {
        var text = """
        caseledger: an append-only, hash-chained case activity ledger for jobcenters.

        Usage: caseledger COMMAND [ARGUMENTS] [OPTIONS]

        Commands:

        """
        for command in commands {
            text += "  " + command.name.padding(toLength: 12) + command.abstract + "\n"
        }
        text += "\nRun 'caseledger COMMAND --help' for a command's arguments and options.\n"
        text += "Exit status: 0 success, 1 rejected input or defect found, 2 usage error.\n"
        return text
    }

    /// Prepares the `caseledger` process before ``run(_:console:)``: the allocator's settings for
    /// large folds on several threads (see `SystemCalls.tuneAllocator()`). Not called by tests
    /// that run commands in-process.
    public static func prepareProcess() {
        SystemCalls.tuneAllocator()
    }

    /// Runs the command line `arguments` (without the program name); returns the exit status.
    public static func run(_ arguments: [String], console: Console = Console()) -> Int32 {
        defer { console.flush() }
        guard let first = arguments.first else {
            console.error(overview)
            return ExitStatus.usage
        }
        if first == "--help" || first == "-h" || first == "help" {
            if arguments.count > 1, let command = commands.first(where: { $0.name == arguments[1] }) {
                console.out(command.help)
            } else {
                console.out(overview)
            }
            return ExitStatus.success
        }
        guard let command = commands.first(where: { $0.name == first }) else {
            console.error("caseledger: unknown command '\(CPR.redact(first))'\n\n" + overview)
            return ExitStatus.usage
        }
        let rest = Array(arguments.dropFirst())
        if rest.contains("--help") || rest.contains("-h") {
            console.out(command.help)
            return ExitStatus.success
        }
        do {
            let parsed = try Arguments.parse(rest, options: command.options)
            return try command.run(parsed, console: console)
        } catch let error as UsageError {
            console.error("caseledger \(command.name): \(CPR.redact(error.message))\nUsage: caseledger \(command.name) \(command.usage)\nRun 'caseledger \(command.name) --help' for more.")
            return ExitStatus.usage
        } catch let error as LedgerError {
            console.error("caseledger \(command.name): error: \(error.description)")
            return ExitStatus.failure
        } catch {
            console.error("caseledger \(command.name): error: \(CPR.redact(String(describing: error)))")
            return ExitStatus.failure
        }
    }
}
