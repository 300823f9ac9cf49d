"""Campaign `faults`: failing system calls during appends and during the recovery of a failed one.

Uses the product's fault injection (`CASELEDGER_TEST_FAULTS`, Sources/LedgerCore/System/
SystemCalls.swift): `KIND#N=ERRNO` makes the N-th call of that kind in the process fail,
`KIND#N+=ERRNO` that one and every later one.

Phase 1, appends: for each kind (write, fsync, open, read) and errno, N = 1, 2, 3, ... until three
N in a row no longer make the append fail (the calls of an append are used up).
Phase 2, failed undo: a data write or fsync, or the head's write or fsync, fails and then the
truncation that cuts the lines off again fails too, or an open after it (open#M+ with M going
down until an open before the failing call is hit), so the batch's lines stay behind as an
unacknowledged tail.
Phase 3, failed recovery: an earlier failed append has left a tail (complete lines, or with the
last one torn); the next append, which must first remove it, gets the N-th open, read, truncate,
fsync or write failing, N increasing as in phase 1.

After every failing append: exit status 1 (never a signal, never 2) and a message naming the call
("fsync failed on ...") and the errno's meaning ("input/output error", "out of disk space");
`verify` exits 0 (a recoverable tail is allowed) with the head where it was before; the next
normal append succeeds right after that head, and the ledger holds nothing of the failed batch
(or of the batch whose tail was being recovered). An append that succeeds despite the rule (the
call was best-effort, or there were fewer calls than N) must have its batch whole where it said.
"""
import json

from . import inputs
from .common import Binary, CampaignError, Report, Scratch, appended_range, content_key, display_path

#: The call a message must name for each kind ("truncate failed on" also matches "ftruncate failed on").
CALL_NAMES = {"write": "write", "fsync": "fsync", "truncate": "truncate", "open": "open", "read": "read",
              "rename": "rename", "mkdir": "mkdir"}
MEANINGS = {"EIO": "input/output error", "ENOSPC": "out of disk space", "EDQUOT": "out of disk space"}
#: After this many N in a row that no longer make an append fail, larger N are not tried.
ABSORBED_IN_A_ROW_MAX = 3


class FaultCampaign:
    def __init__(self, binary, report, scratch, errnos, modes, max_n, every_errno):
        self.every_errno = every_errno
        self.binary = binary
        self.report = report
        self.scratch = scratch
        self.errnos = errnos
        self.modes = modes
        self.max_n = max_n
        self.ledger = scratch / "ledger"
        self.case_number = 0
        self.head = None
        self.last_reported_call = None
        self.bounds = {}  # kind -> the first N of phase 1 from which appends no longer failed
        self.stats = dict(cases=0, failed_cleanly=0, absorbed=0, tails_after_failure=0, tails_made=0,
                          torn_tails_made=0, recoveries_failed=0)

    # MARK: helpers

    def verify_head(self, context):
        """The head (seq, hash) and tail from `verify --json`; records a failure when verify does not pass."""
        result, summary = self.binary.verify(self.ledger)
        if not self.report.check(result.status == 0 and summary and summary.get("ok"), "verify",
                                 lambda: f"{context}: verify failed: {result.describe()}"):
            return None
        return summary["head_seq"], summary["head_hash"], summary.get("tail")

    def failing_batch(self, label):
        return [inputs.event_held(f"Tabt batch {label} del {part}", part) for part in (1, 2, 3)]

    def normal_batch(self):
        return [inputs.company_visit(10_000_000 + self.case_number, "187")]

    def make_tail(self, torn, context):
        """Leaves an unacknowledged tail: an append whose data fsync fails and whose undo cannot
        truncate. With `torn`, the last tail line is then cut short, as a crash mid-write would."""
        batch = self.failing_batch(f"hale {self.case_number}")
        result = self.binary.run(["append", self.ledger], inputs.jsonl(batch), faults="fsync#1=EIO,truncate#1+=EIO")
        if result.status != 1:
            raise CampaignError(f"{context}: could not make a tail: {result.describe()}")
        state = self.verify_head(f"{context}: after making a tail")
        if state is None or state[2] is None:
            raise CampaignError(f"{context}: the fsync and truncate failures left no tail (verify: {state})")
        self.stats["tails_made"] += 1
        if torn:
            segment = self.ledger / "events" / state[2]["file"]
            data = segment.read_bytes()
            last_line_start = data.rstrip(b"\n").rfind(b"\n") + 1
            cut = last_line_start + max(1, (len(data) - last_line_start) // 3)
            segment.write_bytes(data[:cut])
            self.stats["torn_tails_made"] += 1
            state = self.verify_head(f"{context}: after tearing the tail's last line")
            if state is None or not (state[2] or {}).get("torn"):
                raise CampaignError(f"{context}: the torn tail is not reported as torn (verify: {state})")
        return batch

    # MARK: one case

    def case(self, label, faults, errno, calls, recovery_of=None, torn=False):
        """One failing append and its checks; returns True when the append failed (not absorbed)."""
        self.case_number += 1
        self.stats["cases"] += 1
        context = f"case {self.case_number} ({label}, CASELEDGER_TEST_FAULTS={faults})"
        before = self.head
        tail_batch = None
        if recovery_of:
            tail_batch = self.make_tail(torn, context)
        batch = self.failing_batch(str(self.case_number))
        result = self.binary.run(["append", self.ledger], inputs.jsonl(batch), faults=faults)
        absorbed = False  # the append succeeded (exit 0) despite the rule
        self.last_reported_call = next((kind for kind in calls if f"{CALL_NAMES[kind]} failed on" in result.stderr), None)
        if result.timed_out or result.signal is not None:
            self.report.fail("crash or hang", f"{context}: {result.describe()}")
        elif result.status == 0:
            absorbed = True
            self.stats["absorbed"] += 1
        elif result.status == 1:
            self.stats["failed_cleanly"] += 1
            if tail_batch:
                self.stats["recoveries_failed"] += 1
            text = result.stderr
            named = any(f"{CALL_NAMES[kind]} failed on" in text for kind in calls)
            meaning = MEANINGS[errno] in text
            self.report.check(named and meaning, "unclear message",
                              lambda: f"{context}: exit 1, but the message does not name the failed call "
                                      f"({' or '.join(CALL_NAMES[k] for k in calls)}) and \"{MEANINGS[errno]}\": "
                                      f"{text.strip()[:300]!r}")
        else:
            self.report.fail("exit status", f"{context}: expected exit 1 (or 0 when the fault is absorbed): "
                             f"{result.describe()}")

        after = self.verify_head(f"{context}: after the failing append")
        failed = not absorbed
        if after is None:
            self.head = None
            return failed
        if after[2] is not None:
            self.stats["tails_after_failure"] += 1
        expected_lines = []
        if absorbed:
            reported = appended_range(result.stdout)
            self.report.check(reported and reported[1] == before[0] + 1 and reported[2] == before[0] + len(batch)
                              and after[0] == before[0] + len(batch), "absorbed append",
                              lambda: f"{context}: exit 0, but it reported {reported} and the head is {after[0]}, "
                                      f"expected seq {before[0] + 1}-{before[0] + len(batch)}")
            expected_lines = list(batch)
        elif not self.report.check((after[0], after[1]) == (before[0], before[1]), "failed batch acknowledged",
                                   lambda: f"{context}: the append failed (exit {result.status}: "
                                           f"{result.stderr.strip()[:200]!r}) but the head moved from seq {before[0]} "
                                           f"to seq {after[0]}: the failed batch was acknowledged"):
            # Reported once; the checks below then take the batch as stored, so as not to repeat it.
            absorbed = after[0] == before[0] + len(batch)
            expected_lines = list(batch) if absorbed else []

        normal = self.normal_batch()
        next_append = self.binary.run(["append", self.ledger], inputs.jsonl(normal))
        reported = appended_range(next_append.stdout) if next_append.status == 0 else None
        if not self.report.check(reported is not None, "next append",
                                 lambda: f"{context}: the next normal append failed: {next_append.describe()}"):
            self.head = self.verify_head(f"{context}: after the next append failed")
            return failed
        self.report.check(reported[1] == after[0] + 1, "next append",
                          lambda: f"{context}: the next append got seq {reported[1]}, expected {after[0] + 1} "
                                  f"(right after the head)")
        expected_lines += normal

        log = self.binary.run(["log", self.ledger, "--json", "--from-seq", before[0] + 1])
        stored = [json.loads(text) for text in log.stdout.splitlines() if text.strip()]
        got = [content_key(e) for e in stored]
        want = [content_key(e) for e in expected_lines]
        leftovers = [e["facts"].get("name") for e in stored if e["type"] == "event_held"
                     and "Tabt batch" in (e["facts"].get("name") or "") and not absorbed]
        self.report.check(not leftovers, "failed batch present",
                          lambda: f"{context}: after the next append the ledger holds events of a failed batch: "
                                  f"{leftovers[:3]}")
        self.report.check(got == want, "ledger content",
                          lambda: f"{context}: the lines after seq {before[0]} are "
                                  f"{[json.dumps(e)[:160] for e in stored][:4]}, expected {len(want)} line(s): "
                                  f"{[w[:160] for w in want][:4]}")
        self.head = self.verify_head(f"{context}: after the next append")
        if self.head is not None:
            self.report.check(self.head[2] is None, "tail left",
                              lambda: f"{context}: a tail remains after a successful append: {self.head[2]}")
        return failed

    def series(self, label, kind, suffix, errnos, recovery=False):
        """Cases for N = 1, 2, ... until ABSORBED_IN_A_ROW_MAX appends in a row are not made to fail.
        The errno is the one given, or with several they take turns by N; in a recovery series the
        tail is torn for even N."""
        absorbed_in_a_row = 0
        failed = 0
        n = 1
        while n <= self.max_n and absorbed_in_a_row < ABSORBED_IN_A_ROW_MAX:
            if self.head is None:
                raise CampaignError("the ledger no longer verifies; later cases would tell nothing")
            errno = errnos[(n - 1) % len(errnos)]
            torn = recovery and n % 2 == 0
            rule = f"{kind}#{n}{suffix}={errno}"
            if self.case(f"{label} N={n}" + (", torn tail" if torn else ""), rule, errno, [kind],
                         recovery_of=recovery, torn=torn):
                failed += 1
                absorbed_in_a_row = 0
            else:
                absorbed_in_a_row += 1
            n += 1
        return n - 1, failed

    # MARK: phases

    def run(self):
        self.binary.init_ledger(self.ledger)
        setup = self.binary.run(["append", self.ledger], inputs.jsonl([inputs.survey(True), inputs.survey(False, "187")]))
        if setup.status != 0:
            raise CampaignError(f"setup append failed: {setup.describe()}")
        self.head = self.verify_head("setup")
        lines = []

        # Phase 1: the N-th call of a kind fails in an append.
        errno_sets = [[e] for e in self.errnos] if self.every_errno else [self.errnos]
        for kind in ("write", "fsync", "open", "read"):
            for mode in self.modes:
                for errnos in errno_sets:
                    suffix = "+" if mode == "sticky" else ""
                    tried, failed = self.series("append", kind, suffix, errnos)
                    self.bounds.setdefault(kind, tried - ABSORBED_IN_A_ROW_MAX + 1)
                    lines.append(f"append, {kind}#N{suffix}={'/'.join(errnos)}: N=1..{tried}, {failed} made the append fail")

        # Phase 2: the append fails, then the undo (truncate, or an open after the failure) fails too.
        primaries = [("write", 1), ("fsync", 1), ("write", 2), ("fsync", 2)]
        for index, (kind, n) in enumerate(primaries):
            errno = self.errnos[index % len(self.errnos)]
            self.case(f"{kind}#{n} fails, then the undo's truncate", f"{kind}#{n}={errno},truncate#1+={errno}",
                      errno, [kind, "truncate"])
            # open#M+ for M going down from the first N at which phase 1's opens no longer failed: while
            # M is large the undo's open is never reached or fails; the M below the smallest such
            # (where an open before the primary call fails instead) ends the series.
            m = self.bounds.get("open", 12) + 1
            reached = []
            while m >= 1:
                if self.head is None:
                    raise CampaignError("the ledger no longer verifies; later cases would tell nothing")
                self.case(f"{kind}#{n} fails, open#{m}+ too", f"{kind}#{n}={errno},open#{m}+={errno}", errno,
                          [kind, "open"])
                if self.last_reported_call != kind:
                    break
                reached.append(m)
                m -= 1
            lines.append(f"undo, {kind}#{n}={errno} with truncate#1+, and with open#M+ for M={max(reached, default=0)} "
                         f"down to {m} ({len(reached)} reached the {kind} failure)")

        # Phase 3: a tail is left by a failed append; the recovery in the next append fails.
        for kind in ("open", "read", "truncate", "fsync", "write"):
            for mode in self.modes:
                for errnos in errno_sets:
                    suffix = "+" if mode == "sticky" else ""
                    tried, failed = self.series("recovery", kind, suffix, errnos, recovery=True)
                    lines.append(f"recovery of a tail (torn for even N), {kind}#N{suffix}={'/'.join(errnos)}: "
                                 f"N=1..{tried}, {failed} made the append fail")
        return lines


def run(binary_path, errnos, modes, every_errno, max_n, seed, keep, timeout):
    report = Report("faults", seed)
    for errno in errnos:
        if errno not in MEANINGS:
            raise SystemExit(f"stress faults: --errnos: {errno} is not one of {', '.join(MEANINGS)}")
    for mode in modes:
        if mode not in ("once", "sticky"):
            raise SystemExit("stress faults: --modes takes once and/or sticky")
    binary = Binary(binary_path, timeout)
    scratch = Scratch("faults", keep)
    report.say(f"errnos {', '.join(errnos)} ({'each for every N' if every_errno else 'taking turns by N'}); modes {', '.join(modes)} (once: KIND#N, sticky: KIND#N+); "
               f"binary {display_path(binary_path)} (deterministic: the seed is not used)")
    campaign = FaultCampaign(binary, report, scratch, errnos, modes, max_n, every_errno)
    lines = []
    try:
        lines = campaign.run()
    except CampaignError as error:
        report.fail("campaign", str(error))
    for line in lines:
        report.say("tried: " + line)
    s = campaign.stats
    report.say(f"held: {s['failed_cleanly']} appends failed with exit 1 ({s['recoveries_failed']} of them while "
               f"recovering a tail), {s['absorbed']} succeeded despite the rule; {s['tails_after_failure']} left a "
               f"recoverable tail; {s['tails_made']} tails made for recovery ({s['torn_tails_made']} torn)")
    verify = "verify FAILED" if report.failure_kinds.get("verify") else "verify ok"
    code = report.finish(f"faults: {s['cases']} appends with an injected fault, {s['failed_cleanly']} failed with exit 1, "
                         f"{s['absorbed']} absorbed, {len(report.failures)} failures, {verify}")
    scratch.close(report)
    return code
