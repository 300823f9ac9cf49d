"""Shared pieces of the campaigns: finding and running the binary, seeds, scratch directories,
CPR-shaped test strings, and the report every campaign prints.

Every campaign is repeatable with `--seed`: all its random choices come from `random.Random`
instances derived from that seed. (Timing still varies between runs of the crash and load
campaigns, since they race real processes; the inputs and the kill delays are the same.)
"""
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[2]

#: Environment variables of the product that must not leak into a campaign from the caller's shell.
PRODUCT_VARIABLES = ("CASELEDGER_TEST_FAULTS", "CASELEDGER_KEY_FILE")

#: Seconds one `caseledger` invocation may take before it counts as hung (debug builds are slow).
DEFAULT_TIMEOUT_SECONDS = 120.0


def find_binary(given):
    """The `caseledger` binary: `given` if set, else .build/release then .build/debug in the repository."""
    if given:
        path = Path(given)
        if not path.is_file() or not os.access(path, os.X_OK):
            raise SystemExit(f"stress: --binary {given} is not an executable file")
        return path.absolute()
    for candidate in (REPO_ROOT / ".build/release/caseledger", REPO_ROOT / ".build/debug/caseledger"):
        if candidate.is_file() and os.access(candidate, os.X_OK):
            return candidate
    raise SystemExit("stress: no caseledger binary; build one (swift build -c release) or give --binary PATH")


def display_path(path):
    """`path` relative to the repository when it is inside it (shorter messages)."""
    try:
        return str(Path(path).resolve().relative_to(REPO_ROOT))
    except ValueError:
        return str(path)


class RunResult:
    """How one `caseledger` process ended: exit status or signal, output, wall time."""

    def __init__(self, args, status, stdout, stderr, seconds, timed_out=False):
        self.args = args
        #: The exit status, or None when a signal ended the process.
        self.status = status if status is None or status >= 0 else None
        #: The signal that ended the process, or None.
        self.signal = -status if status is not None and status < 0 else None
        self.stdout_bytes = stdout or b""
        self.stderr_bytes = stderr or b""
        self.seconds = seconds
        self.timed_out = timed_out

    @property
    def stdout(self):
        return self.stdout_bytes.decode("utf-8", "replace")

    @property
    def stderr(self):
        return self.stderr_bytes.decode("utf-8", "replace")

    def describe(self, limit=400):
        """A short account for failure messages: command, how it ended, the start of its output."""
        if self.timed_out:
            ended = f"timed out after {self.seconds:.1f} s"
        elif self.signal is not None:
            ended = f"killed by signal {self.signal} ({signal.Signals(self.signal).name})"
        else:
            ended = f"exit {self.status}"
        out = self.stdout.strip().replace("\n", " | ")[:limit]
        err = self.stderr.strip().replace("\n", " | ")[:limit]
        words = " ".join(str(a) if len(str(a)) < 80 else str(a)[:77] + "..." for a in self.args[:6])
        return f"`caseledger {words}` {ended}; stdout: {out!r}; stderr: {err!r}"


class Binary:
    """The `caseledger` executable under test."""

    def __init__(self, path, timeout=DEFAULT_TIMEOUT_SECONDS):
        self.path = Path(path)
        self.timeout = timeout
        self.environment = {k: v for k, v in os.environ.items() if k not in PRODUCT_VARIABLES}

    def env(self, faults=None):
        environment = dict(self.environment)
        if faults:
            environment["CASELEDGER_TEST_FAULTS"] = faults
        return environment

    def run(self, args, stdin=b"", faults=None, timeout=None):
        """Runs `caseledger ARGS` to the end (or the timeout, then kills it) and returns a RunResult."""
        args = [str(a) for a in args]
        started = time.monotonic()
        process = subprocess.Popen([str(self.path)] + args, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                   stderr=subprocess.PIPE, env=self.env(faults))
        try:
            out, err = process.communicate(stdin, timeout=timeout or self.timeout)
            return RunResult(args, process.returncode, out, err, time.monotonic() - started)
        except subprocess.TimeoutExpired:
            process.kill()
            out, err = process.communicate()
            return RunResult(args, process.returncode, out, err, time.monotonic() - started, timed_out=True)

    def start(self, args, stdin_path, faults=None):
        """Starts `caseledger ARGS` reading standard input from a file; returns the Popen."""
        with open(stdin_path, "rb") as source:
            return subprocess.Popen([str(self.path)] + [str(a) for a in args], stdin=source, stdout=subprocess.PIPE,
                                    stderr=subprocess.PIPE, env=self.env(faults))

    def verify(self, directory):
        """`verify DIR --json`: the result and its parsed summary (None when not JSON)."""
        import json
        result = self.run(["verify", directory, "--json"])
        summary = None
        for line in result.stdout.splitlines():
            if line.startswith("{"):
                try:
                    summary = json.loads(line)
                except ValueError:
                    summary = None
                break
        return result, summary

    def init_ledger(self, directory, municipalities=("183", "187"), jobcenter="Stress Jobcenter", key_file=None):
        """Creates a ledger with its key beside it (outside the ledger directory); raises on failure."""
        key_file = key_file or str(directory) + ".key"
        args = ["init", directory, "--jobcenter", jobcenter, "--key-file", key_file]
        for code in municipalities:
            args += ["--municipality", code]
        result = self.run(args)
        if result.status != 0:
            raise CampaignError(f"init failed: {result.describe()}")
        return key_file


class CampaignError(Exception):
    """A failure of the campaign's own setup (not a finding about the product)."""


APPENDED = re.compile(r"appended (\d+) events?: seq (\d+)(?:-(\d+))?")


def appended_range(stdout):
    """(count, first, last) from `appended N events: seq A-B`, or None."""
    match = APPENDED.search(stdout)
    if not match:
        return None
    first = int(match.group(2))
    last = int(match.group(3) or match.group(2))
    return int(match.group(1)), first, last


def content_key(event):
    """What identifies an event's content: type, effective date, municipality, citizen and facts
    (facts compared as a mapping, so that input key order does not matter)."""
    import json
    facts = event.get("facts") or {}
    if isinstance(facts, list):
        facts = dict(facts)
    return json.dumps([event.get("type"), event.get("effective"), event.get("municipality"), event.get("citizen"),
                       facts], sort_keys=True, ensure_ascii=False)


# CPR-shaped strings are built here at run time and never written as literals in this repository
# (a pre-commit check scans the files for the DDMMYY-SSSS shape).

def cpr_shaped(rng, real_date=True, separator="-"):
    """A CPR-shaped string: six digits (a real date DDMMYY when `real_date`), the separator, four digits."""
    if real_date:
        day, month, year = rng.randint(1, 28), rng.randint(1, 12), rng.randint(0, 99)
        seventh = rng.choice([0, 1, 2, 3]) if year > 36 else rng.choice([0, 1, 2, 3, 4, 9])
    else:
        day, month, year = rng.randint(32, 99), rng.randint(13, 99), rng.randint(0, 99)
        seventh = rng.randint(0, 9)
    serial = seventh * 1000 + rng.randint(0, 999)
    return "%02d%02d%02d" % (day, month, year) + separator + "%04d" % serial


#: Six digits, an optional dash or space, four digits, not inside a longer run of digits or hex
#: digits (so that hashes and pseudonyms are not taken for CPR numbers): FORMAT.md section 6.
CPR_SHAPE = re.compile(r"(?<![0-9A-Fa-f])[0-9]{6}[- ]?[0-9]{4}(?![0-9A-Fa-f])")


def redact(text):
    """`text` with every CPR-shaped string replaced by `[CPR-shaped]`."""
    return CPR_SHAPE.sub("[CPR-shaped]", text)


def cpr_shapes_in(text):
    """The CPR-shaped strings in `text` (empty when none)."""
    return CPR_SHAPE.findall(text)


class Scratch:
    """A scratch directory for one campaign, removed at the end unless it is kept for a failure."""

    def __init__(self, name, keep=False):
        self.path = Path(tempfile.mkdtemp(prefix=f"caseledger-stress-{name}-"))
        self.keep = keep

    def __truediv__(self, other):
        return self.path / other

    def close(self, report):
        """Removes the directory, or keeps it (with every failure in `failures.txt`) after a failure."""
        if not report.ok:
            (self.path / "failures.txt").write_text(
                "".join(f"{kind}: {message}\n" for kind, message in report.failures), encoding="utf-8")
            print(f"  (scratch directory kept, every failure in {self.path / 'failures.txt'})")
        elif self.keep:
            print(f"  (scratch directory kept: {self.path})")
        else:
            shutil.rmtree(self.path, ignore_errors=True)


class Report:
    """What a campaign tried and what held; collects failures and decides the exit status.

    A campaign goes on after a failure (so the summary says how often each kind failed) and prints
    the first few failures at once, each with the seed that reproduces it.
    """

    PRINTED_FAILURES_MAX = 5

    def __init__(self, name, seed):
        self.name = name
        self.seed = seed
        self.failures = []
        self.failure_kinds = {}
        self.started = time.monotonic()

    def say(self, text):
        print(f"{self.name}: {text}", flush=True)

    def fail(self, kind, message):
        """Records a failure of kind `kind` (a short label) with a message naming what was expected.
        CPR-shaped strings (test inputs) are masked, so that no campaign log holds one."""
        message = redact(message)
        self.failures.append((kind, message))
        self.failure_kinds[kind] = self.failure_kinds.get(kind, 0) + 1
        if len(self.failures) <= self.PRINTED_FAILURES_MAX:
            print(f"{self.name}: FAIL ({kind}, seed {self.seed}): {message}", file=sys.stderr, flush=True)
        elif len(self.failures) == self.PRINTED_FAILURES_MAX + 1:
            print(f"{self.name}: (further failures are counted, not printed)", file=sys.stderr, flush=True)

    def check(self, condition, kind, message):
        """Records a failure unless `condition` holds; returns the condition."""
        if not condition:
            self.fail(kind, message() if callable(message) else message)
        return bool(condition)

    @property
    def ok(self):
        return not self.failures

    def finish(self, summary):
        """Prints the one-line summary (and the first failure) and returns the exit status."""
        seconds = time.monotonic() - self.started
        if self.ok:
            print(f"{summary} ({seconds:.0f} s, seed {self.seed})", flush=True)
            return 0
        kinds = ", ".join(f"{kind} x{count}" for kind, count in sorted(self.failure_kinds.items()))
        print(f"{summary} ({seconds:.0f} s, seed {self.seed})", flush=True)
        print(f"{self.name}: FAILED: {len(self.failures)} failure(s) [{kinds}]; first: {self.failures[0][1]} "
              f"(repeat with: Tools/stress {self.name} --seed {self.seed} ...)", flush=True)
        return 1


def percentile(sorted_values, fraction):
    """The value at `fraction` (0...1) of a sorted list, nearest rank."""
    if not sorted_values:
        return float("nan")
    import math
    index = min(len(sorted_values) - 1, max(0, math.ceil(fraction * len(sorted_values)) - 1))
    return sorted_values[index]
