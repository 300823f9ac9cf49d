"""The reliability campaigns behind `Tools/stress`: each drives the real `caseledger` binary.

Modules: `common` (running the binary, reporting, seeds), `ledgerfile` (the event file format of
EventLogs/FORMAT.md written from Python), `inputs` (valid input events), and one module per
campaign: `crash`, `faults`, `tamper`, `badinput`, `load`. Standard library only.
"""
