import CaseLedgerCommands
#if canImport(Glibc)
import Glibc
#endif

// The executable is thin: everything is in CaseLedgerCommands, so tests can call it in-process too.
CaseLedgerMain.prepareProcess()
exit(CaseLedgerMain.run(Array(CommandLine.arguments.dropFirst())))
