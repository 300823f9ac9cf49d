"""Campaign `powerloss`: the states a power cut may leave, built from traces of real commands.

A power cut is not a SIGKILL: the kernel then loses whatever was not yet on the disk. Writes not
fsynced may be lost, torn or reach the disk in another order than they were made, and a created
file, a new directory or a rename is lost unless its directory was fsynced. This campaign tests
CaseLedger against that, in the manner of ALICE (OSDI 2014):

1. Trace. A fresh ledger is made and used by real commands (`init`, then a random sequence of
   `append`, `explain` (the access log), `publish`, `mirror` and `report`, with checkpoints written
   after a few lines and segments rolled after a few KiB via CASELEDGER_TEST_SEGMENT_BYTES), with
   CASELEDGER_TRACE_FS set: the binary records every operation that changes the disk (open that
   creates or truncates, write with its bytes, fsync, directory fsync, ftruncate, mkdir, rename,
   unlink; Sources/LedgerCore/System/SystemCalls.swift, FileSystemTrace). When a command exits 0,
   the campaign writes an acknowledgement mark into the trace: everything that command reported
   (an append's batch, a publication, an access record, a mirrored head) must survive any cut
   after the mark.

2. States. For a crash point k (the first k operations were issued), the disk may hold:
   - model `ext4` (data=ordered): metadata (creations, renames, unlinks, truncations, size
     changes) reaches the disk as one journal, in order, up to a commit point at or after the last
     fsync before k; data appended to a file is on disk before the size change that covers it;
     overwrites of existing bytes not yet fsynced may be old, new, or new in some 512-byte sectors.
   - model `strict` ("anything not fsynced may be lost or torn, in any order"): a write is durable
     only once its file was fsynced, a metadata operation only once its directory was fsynced;
     every other operation before k may be missing, present, or (a write) torn: cut at a sector or
     at any byte, or with some sectors missing (a hole reads as zeros where a later write extended
     the file before an earlier one landed), and unsynced writes to a file may land in another
     order. Metadata operations on the same name stay in order (a rename needs its source).
   Each state is materialized (the workspace's files and directories) and hashed; identical
   states are checked once ("generated" counts every state built, "distinct" those checked).

3. Checks, for each distinct state after `init` was acknowledged (before it, only that no command
   crashes): `verify` exits 0 and names a recoverable tail whenever bytes lie beyond the head; the
   lines up to the head are every acknowledged batch, at its sequence numbers with its content,
   then at most the one command in flight, whole; access records acknowledged are still counted;
   the next `append` succeeds right after the head and leaves nothing beyond it; `report` opens the
   ledger; where the state holds an access log, `explain` appends to it; where it holds a mirror,
   the mirror's head is at least what was acknowledged, and `mirror` completes it (then `verify` of
   the copy: its head is the ledger's). No command may end by a signal (a crash of the binary).

Sizes: `--small` (CI) 10 traces x 10 states; default 40 x 40; `--full` 1,000 traces x 110 states.
"""
import concurrent.futures
import hashlib
import json
import os
import random
import shutil
import tempfile
import time
from pathlib import Path

from . import inputs, ledgerfile
from .common import Binary, CampaignError, Report, appended_range, content_key, display_path

SECTOR = 512

#: Environment variables every command of a trace and of a check gets (checkpoints after a few
#: lines, so that checkpoint files are written and read; the segment size is chosen per trace).
CHECKPOINT_AFTER_LINES = "6"


# --- 1. Traces -------------------------------------------------------------------------------

class Step:
    """One command of a trace and what it acknowledged."""

    def __init__(self, kind, events=None):
        self.kind = kind          # init, append, explain, publish, mirror, report
        self.events = events      # append: the input events
        self.first = self.last = None  # append/publish: the seqs assigned
        self.access_records = None     # explain: the count of access records after it
        self.mirrored_seq = None       # mirror: the ledger's head seq the copy was brought to
        self.publication = None        # publish: the publication's id (its copy is publications/ID.json)
        self.acknowledged = False

    def line_count(self):
        """How many ledger lines the command adds when it commits (0 for commands that add none)."""
        if self.kind == "append":
            return len(self.events)
        if self.kind == "publish":
            return 1
        return 0


def run_env(binary, trace_path, segment_bytes):
    environment = dict(binary.environment)
    environment["CASELEDGER_TEST_SEGMENT_BYTES"] = str(segment_bytes)
    environment["CASELEDGER_CHECKPOINT_AFTER_LINES"] = CHECKPOINT_AFTER_LINES
    environment.pop("CASELEDGER_TRACE_FS", None)
    if trace_path is not None:
        environment["CASELEDGER_TRACE_FS"] = str(trace_path)
    return environment


def invoke(binary, args, environment, stdin=b"", timeout=None):
    """Runs `caseledger ARGS` with `environment`; a RunResult."""
    import subprocess
    from .common import RunResult
    args = [str(a) for a in args]
    started = time.monotonic()
    process = subprocess.Popen([str(binary.path)] + args, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                               stderr=subprocess.PIPE, env=environment)
    try:
        out, err = process.communicate(stdin, timeout=timeout or binary.timeout)
        return RunResult(args, process.returncode, out, err, time.monotonic() - started)
    except subprocess.TimeoutExpired:
        process.kill()
        out, err = process.communicate()
        return RunResult(args, process.returncode, out, err, time.monotonic() - started, timed_out=True)


class Trace:
    """A recorded sequence of commands on a fresh ledger: the steps, the operations, the setting."""

    def __init__(self, number, seed, directory):
        self.number = number
        self.seed = seed
        self.directory = Path(directory)        # scratch of this trace (key file, inputs, trace)
        self.workspace = self.directory / "w"   # traced root: w/ledger, w/mirror
        self.steps = []
        self.operations = []
        self.segment_bytes = None
        self.counter = 0

    def make(self, binary, rng):
        """Runs the commands with tracing on; fills steps and operations."""
        self.workspace.mkdir(parents=True)
        trace_path = self.directory / "trace"
        self.segment_bytes = rng.choice([700, 1500, 2500, 4000])
        environment = run_env(binary, trace_path, self.segment_bytes)
        ledger, mirror = self.workspace / "ledger", self.workspace / "mirror"
        key = self.directory / "key"

        def mark(step):
            step.acknowledged = True
            with open(trace_path, "a", encoding="ascii") as handle:
                handle.write(f"ack\t{len(self.steps) - 1}\n")

        step = Step("init")
        self.steps.append(step)
        result = invoke(binary, ["init", ledger, "--jobcenter", "Powerloss Jobcenter", "--municipality", "183",
                              "--municipality", "187", "--key-file", key], environment)
        if result.status != 0:
            raise CampaignError(f"trace {self.number}: init failed: {result.describe()}")
        mark(step)
        head_seq, access = 1, 0
        for _ in range(rng.randint(3, 7)):
            kind = rng.choices(["append", "explain", "publish", "mirror", "report"], [6, 1, 1, 1.5, 1])[0]
            if kind == "append":
                events = self.new_batch(rng)
                step = Step("append", events)
                self.steps.append(step)
                result = invoke(binary, ["append", ledger], environment, stdin=inputs.jsonl(events))
                found = appended_range(result.stdout) if result.status == 0 else None
                if found is None:
                    raise CampaignError(f"trace {self.number}: append failed: {result.describe()}")
                _, step.first, step.last = found
                head_seq = step.last
            elif kind == "publish":
                step = Step("publish")
                self.steps.append(step)
                result = invoke(binary, ["publish", ledger, "--at", "2013-06-01"], environment)
                if result.status != 0:
                    raise CampaignError(f"trace {self.number}: publish failed: {result.describe()}")
                step.first = step.last = head_seq + 1
                head_seq += 1
                step.publication = result.stdout.strip().splitlines()[0]
            elif kind == "explain":
                step = Step("explain")
                self.steps.append(step)
                result = invoke(binary, ["explain", ledger, rng.choice(["M1", "M2", "M3"]), "--at", "2013-06-01",
                                      "--user", "pl-user", "--purpose", "power loss test"], environment)
                if result.status != 0:
                    raise CampaignError(f"trace {self.number}: explain failed: {result.describe()}")
                access += 1
                step.access_records = access
            elif kind == "mirror":
                step = Step("mirror")
                self.steps.append(step)
                result = invoke(binary, ["mirror", ledger, mirror], environment)
                if result.status != 0:
                    raise CampaignError(f"trace {self.number}: mirror failed: {result.describe()}")
                step.mirrored_seq = head_seq
            else:
                step = Step("report")
                self.steps.append(step)
                result = invoke(binary, ["report", ledger, "--at", "2013-06-01"], environment)
                if result.status != 0:
                    raise CampaignError(f"trace {self.number}: report failed: {result.describe()}")
            mark(step)
        self.operations = parse_trace(trace_path.read_text(encoding="ascii"), str(self.workspace))

    def new_batch(self, rng):
        events = []
        for _ in range(rng.randint(1, 3)):
            self.counter += 1
            citizen = inputs.pseudonym(rng, self.number & 0xF, self.number * 1000 + self.counter)
            events += inputs.citizen_block(rng, citizen, f"PL-{self.number}-{self.counter}")
        return events


def parse_trace(text, root):
    """The trace's lines as resolved operations on inodes and names relative to `root`.

    Returns a list of tuples:
      ("create", path, inode), ("mkdir", path), ("rename", source, target, inode),
      ("unlink", path, inode), ("write", inode, offset, data, size_before),
      ("trunc", inode, length), ("fsync", inode), ("dsync", dirpath), ("ack", step).
    Paths outside `root` (the key file) are left out: they are not part of what is checked.
    """
    prefix = root.rstrip("/") + "/"

    def local(path):
        if path == root.rstrip("/"):
            return ""
        return path[len(prefix):] if path.startswith(prefix) else None

    names = {}      # path -> inode (files only)
    sizes = {}      # inode -> size as the process saw it
    next_inode = [0]
    operations = []

    def new_inode():
        next_inode[0] += 1
        sizes[next_inode[0]] = 0
        return next_inode[0]

    for raw in text.splitlines():
        fields = raw.split("\t")
        kind = fields[0]
        if kind == "ack":
            operations.append(("ack", int(fields[1])))
            continue
        path = local(fields[1])
        if path is None:
            continue
        if kind == "open":
            flags = fields[2].split(",")
            if path not in names or (fields[3] == "new" and "creat" in flags):
                inode = new_inode()
                if path in names:
                    operations.append(("unlink", path, names[path]))
                names[path] = inode
                operations.append(("create", path, inode))
            elif "trunc" in flags:
                inode = names[path]
                operations.append(("trunc", inode, 0))
                sizes[inode] = 0
        elif kind == "write":
            inode = names[path]
            offset, data = int(fields[2]), bytes.fromhex(fields[3])
            operations.append(("write", inode, offset, data, sizes[inode]))
            sizes[inode] = max(sizes[inode], offset + len(data))
        elif kind == "truncate":
            inode = names[path]
            operations.append(("trunc", inode, int(fields[2])))
            sizes[inode] = int(fields[2])
        elif kind == "fsync":
            if path in names:
                operations.append(("fsync", names[path]))
        elif kind == "fsyncdir":
            operations.append(("dsync", path))
        elif kind == "mkdir":
            operations.append(("mkdir", path))
        elif kind == "rename":
            target = local(fields[2])
            inode = names.pop(path)
            names[target] = inode
            operations.append(("rename", path, target, inode))
        elif kind == "unlink":
            inode = names.pop(path, None)
            operations.append(("unlink", path, inode))
        else:
            raise CampaignError(f"unknown operation in trace: {kind}")
    return operations


# --- 2. States ---------------------------------------------------------------------------------

METADATA = ("create", "mkdir", "rename", "unlink")


def parent(path):
    return path.rpartition("/")[0]


def metadata_dirs(operation):
    if operation[0] == "rename":
        return {parent(operation[1]), parent(operation[2])}
    return {parent(operation[1])}


def metadata_paths(operation):
    if operation[0] == "rename":
        return {operation[1], operation[2]}
    return {operation[1]}


class Timeline:
    """The operations of a trace with, for each, where it became durable."""

    def __init__(self, operations):
        self.operations = operations
        n = len(operations)
        #: For each operation: the position of the first fsync (file) or directory fsync (name)
        #: after it that makes it durable, or n+1 when none does.
        self.durable_at = [n + 1] * n
        last_file_sync, last_dir_sync = {}, {}
        for i in range(n - 1, -1, -1):
            op = operations[i]
            if op[0] == "fsync":
                last_file_sync[op[1]] = i
            elif op[0] == "dsync":
                last_dir_sync[op[1]] = i
            elif op[0] in ("write", "trunc"):
                self.durable_at[i] = last_file_sync.get(op[1], n + 1)
            elif op[0] in METADATA:
                self.durable_at[i] = max(last_dir_sync.get(d, n + 1) for d in metadata_dirs(op))
        self.syncs = [i for i, op in enumerate(operations) if op[0] in ("fsync", "dsync")]
        self.acks = {op[1]: i for i, op in enumerate(operations) if op[0] == "ack"}

    def last_sync_before(self, k):
        best = 0
        for i in self.syncs:
            if i < k:
                best = i + 1
            else:
                break
        return best


def torn(rng, offset, data, sectors_only=False):
    """A torn write: pieces (offset, bytes) of `data` that reached the disk. With `sectors_only`
    (model ext4: a device writes a 512-byte sector whole) every piece ends at a sector boundary or
    at the write's end, so a write within one sector is never torn."""
    boundaries = [b - offset for b in range((offset // SECTOR + 1) * SECTOR, offset + len(data), SECTOR)]
    mode = rng.random()
    if sectors_only and mode >= 0.35:
        mode = 0.9
    if mode < 0.35:   # cut at a sector boundary
        if boundaries:
            cut = rng.choice(boundaries)
        else:
            cut = rng.choice((0, len(data))) if sectors_only else rng.randrange(len(data) + 1)
        return [(offset, data[:cut])]
    if mode < 0.6:    # cut at any byte
        return [(offset, data[:rng.randrange(len(data) + 1)])]
    # some sectors written, others not (holes)
    pieces, start = [], offset
    while start < offset + len(data):
        end = min(offset + len(data), (start // SECTOR + 1) * SECTOR)
        if rng.random() < 0.5:
            pieces.append((start, data[start - offset:end - offset]))
        start = end
    return pieces


def apply_write(content, offset, data):
    if not data:
        return
    end = offset + len(data)
    if len(content) < end:
        content.extend(b"\0" * (end - len(content)))
    content[offset:end] = data


def build_state(timeline, k, model, rng, variant):
    """The files and directories of the workspace after a cut at `k` under `model`.

    variant "synced": only what was durable; "all": everything issued; "random": random choices.
    Returns {path: bytes or None (a directory)}.
    """
    ops = timeline.operations
    chosen = {}   # position -> list of (offset, bytes) pieces for writes, True for others
    commit = None
    if model == "ext4":
        low = timeline.last_sync_before(k)
        commit = k if variant == "all" else low if variant == "synced" else rng.randint(low, k)
    unsynced_metadata = []
    for i in range(k):
        op = ops[i]
        kind = op[0]
        if kind not in METADATA and kind not in ("write", "trunc"):
            continue
        durable = timeline.durable_at[i] < k
        if model == "ext4":
            if kind in METADATA or kind == "trunc":
                if i < commit:
                    chosen[i] = True
                continue
            # a write: the part beyond the size is appended (ordered with the commit), the rest
            # overwrites existing bytes (may be old, new or partly new unless fsynced)
            _, inode, offset, data, size_before = op
            split = max(0, min(len(data), size_before - offset))
            pieces = []
            if split > 0:
                overwrite = data[:split]
                if durable or variant == "all":
                    pieces.append((offset, overwrite))
                elif variant == "random":
                    r = rng.random()
                    if r < 0.4:
                        pieces.append((offset, overwrite))
                    elif r < 0.7:
                        pieces += torn(rng, offset, overwrite, sectors_only=True)
            if split < len(data) and (durable or i < commit):
                pieces.append((offset + split, data[split:]))
            if pieces:
                chosen[i] = pieces
            continue
        # strict
        if durable or variant == "all":
            chosen[i] = [(op[2], op[3])] if kind == "write" else True
        elif variant == "random":
            if kind in METADATA:
                unsynced_metadata.append(i)
            else:
                r = rng.random()
                if kind == "write":
                    if r < 0.4:
                        chosen[i] = [(op[2], op[3])]
                    elif r < 0.75:
                        chosen[i] = torn(rng, op[2], op[3])
                elif r < 0.5:
                    chosen[i] = True
    if unsynced_metadata:
        keep = rng.random()
        picked = {i for i in unsynced_metadata if rng.random() < keep}
        # closure: an operation on a name needs the earlier ones on that name and on its directories
        for i in sorted(picked, reverse=True):
            needs = metadata_paths(ops[i]) | metadata_dirs(ops[i])
            for j in unsynced_metadata:
                if j < i and j not in picked and metadata_paths(ops[j]) & needs:
                    picked.add(j)
                    needs |= metadata_paths(ops[j]) | metadata_dirs(ops[j])
        for i in picked:
            chosen[i] = True
    order = sorted(chosen)
    if model == "strict" and variant == "random" and rng.random() < 0.3:
        # reorder the unsynced writes and truncations among themselves (metadata stays in order)
        movable = [i for i in order if ops[i][0] in ("write", "trunc") and timeline.durable_at[i] >= k]
        shuffled = list(movable)
        rng.shuffle(shuffled)
        mapping = dict(zip(movable, shuffled))
        order = [mapping.get(i, i) for i in order]
    contents = {}   # inode -> bytearray
    names = {"": None}  # path -> inode, or None for a directory
    for i in order:
        op = ops[i]
        kind = op[0]
        if kind == "write":
            content = contents.setdefault(op[1], bytearray())
            for offset, data in chosen[i]:
                apply_write(content, offset, data)
        elif kind == "trunc":
            content = contents.setdefault(op[1], bytearray())
            del content[op[2]:]
            if len(content) < op[2]:
                content.extend(b"\0" * (op[2] - len(content)))
        elif kind == "mkdir":
            if parent(op[1]) in names and names[parent(op[1])] is None and op[1] not in names:
                names[op[1]] = None
        elif kind == "create":
            if parent(op[1]) in names and names[parent(op[1])] is None:
                names[op[1]] = op[2]
        elif kind == "rename":
            if names.get(op[1], "missing") == op[3] and parent(op[2]) in names:
                del names[op[1]]
                names[op[2]] = op[3]
        elif kind == "unlink":
            if op[1] in names and names[op[1]] is not None:
                del names[op[1]]
    state = {}
    for path, inode in names.items():
        if path == "":
            continue
        # a name whose directory is gone is gone with it
        up = parent(path)
        while up and up in names:
            up = parent(up)
        if up:
            continue
        state[path] = None if inode is None else bytes(contents.get(inode, b""))
    return state


def state_digest(state):
    h = hashlib.sha256()
    for path in sorted(state):
        content = state[path]
        h.update(path.encode() + b"\0" + (b"D" if content is None else b"F" + len(content).to_bytes(8, "big") + content))
    return h.hexdigest()


def materialize(state, directory):
    directory.mkdir(parents=True)
    for path in sorted(state):
        target = directory / path
        if state[path] is None:
            target.mkdir(exist_ok=True)
    for path in sorted(state):
        if state[path] is not None:
            (directory / path).write_bytes(state[path])


def candidate_states(timeline, rng, count_max):
    """Yields (k, model, variant) choices: first the systematic ones (only the durable and everything
    issued, at each sync and acknowledgement), then random ones."""
    n = len(timeline.operations)
    points = sorted({i for i in timeline.syncs} | {i + 1 for i in timeline.syncs} | set(timeline.acks.values()) | {n})
    systematic = []
    for k in points:
        for model in ("strict", "ext4"):
            systematic.append((k, model, "synced"))
            systematic.append((k, model, "all"))
    rng.shuffle(systematic)
    for item in systematic[:count_max // 3]:
        yield item
    while True:
        yield (rng.randint(1, n), rng.choice(("strict", "strict", "ext4")), "random")


# --- 3. Checks ---------------------------------------------------------------------------------

def expected_at(trace, timeline, k):
    """What must survive a cut at k: acknowledged steps, and the step in flight (or None)."""
    acknowledged = [s for index, s in enumerate(trace.steps) if timeline.acks.get(index, len(timeline.operations) + 1) < k]
    in_flight = trace.steps[len(acknowledged)] if len(acknowledged) < len(trace.steps) else None
    return acknowledged, in_flight


def ledger_lines(ledger, head):
    """The stored lines 1..head (parsed), reading the segments as FORMAT.md lays them out."""
    seq, _, segment, offset = head
    lines = []
    for index in range(1, segment + 1):
        data = (ledger / "events" / ledgerfile.segment_name(index)).read_bytes()
        if index == segment:
            data = data[:offset]
        lines += [ledgerfile.parse_line(line) for line in data.splitlines(keepends=True)]
    return lines


def bytes_beyond_head(ledger, head):
    _, _, segment, offset = head
    events = ledger / "events"
    for name in os.listdir(events):
        if name.startswith("segment-") and name.endswith(".jsonl"):
            index = int(name[8:14])
            size = (events / name).stat().st_size
            if index > segment or (index == segment and size > offset):
                return True
    return False


class Checker:
    """Checks the states of one trace; returns failures as (kind, message)."""

    def __init__(self, binary, trace, timeline, directory):
        self.binary = binary
        self.trace = trace
        self.timeline = timeline
        self.directory = Path(directory)
        self.environment = run_env(binary, None, trace.segment_bytes)
        self.failures = []
        self.calls = 0

    def run(self, args, stdin=b""):
        self.calls += 1
        result = invoke(self.binary, args, self.environment, stdin)
        if result.signal is not None or result.timed_out:
            raise StateFailure("crash", f"{result.describe()}")
        return result

    def check(self, state, k, label):
        place = self.directory / "state"
        shutil.rmtree(place, ignore_errors=True)
        materialize(state, place)
        try:
            self.check_state(place, k)
        except StateFailure as failure:
            kept = self.directory.parent / f"failed-{label}"
            shutil.rmtree(kept, ignore_errors=True)
            materialize(state, kept)
            return (failure.kind, f"{label} (cut after {k} of {len(self.timeline.operations)} operations; "
                                  f"state kept in {kept}): {failure}")
        finally:
            shutil.rmtree(place, ignore_errors=True)
        return None

    def check_state(self, place, k):
        trace = self.trace
        acknowledged, in_flight = expected_at(trace, self.timeline, k)
        ledger = place / "ledger"
        if not acknowledged:
            # init not acknowledged: nothing was promised; no command may crash on what is there
            if ledger.is_dir():
                self.run(["verify", ledger, "--json"])
            return
        result = self.run(["verify", ledger, "--json"])
        summary = None
        for line in result.stdout.splitlines():
            if line.startswith("{"):
                summary = json.loads(line)
        if result.status != 0 or summary is None:
            raise StateFailure("verify", f"verify of an acknowledged ledger failed: {result.describe()}")
        head = ledgerfile.read_head(ledger / "head")
        if head is None or head[0] != summary["head_seq"]:
            raise StateFailure("head", f"head {head} does not match verify's {summary.get('head_seq')}")
        if bytes_beyond_head(ledger, head) and not summary.get("tail"):
            raise StateFailure("tail", f"bytes beyond the head but verify names no recoverable tail: {result.stdout.strip()}")
        # the lines up to the head: every acknowledged batch, then at most the step in flight, whole
        lines = ledger_lines(ledger, head)
        committed = [s for s in acknowledged if s.line_count()]
        acknowledged_seq = max([1] + [s.last for s in committed])
        if head[0] < acknowledged_seq:
            raise StateFailure("lost", f"head seq {head[0]} is before the last acknowledged seq {acknowledged_seq}")
        for step in committed:
            got = lines[step.first - 1:step.last]
            if step.kind == "append":
                if [content_key(e) for e in got] != [content_key(e) for e in step.events]:
                    raise StateFailure("changed", f"acknowledged batch seq {step.first}-{step.last} differs")
            elif [e["type"] for e in got] != ["publication"]:
                raise StateFailure("changed", f"acknowledged publication at seq {step.first} is missing")
            else:
                copy = ledger / "publications" / f"{step.publication}.json"
                if not copy.is_file() or not copy.stat().st_size:
                    raise StateFailure("lost", f"acknowledged publication {step.publication}: its copy {copy.name} is gone")
        extra = head[0] - acknowledged_seq
        if extra:
            if in_flight is None or extra != in_flight.line_count():
                raise StateFailure("partial", f"{extra} lines beyond the last acknowledged seq {acknowledged_seq} "
                                              f"are not one whole batch in flight")
            got = lines[acknowledged_seq:]
            if in_flight.kind == "append" and [content_key(e) for e in got] != [content_key(e) for e in in_flight.events]:
                raise StateFailure("partial", "the lines of the batch in flight differ from what was sent")
        access = max([0] + [s.access_records for s in acknowledged if s.access_records])
        if summary.get("access_records", 0) < access:
            raise StateFailure("lost", f"{access} access records acknowledged, verify counts {summary.get('access_records')}")
        # the next append: right after the head, nothing left beyond it
        rng = random.Random(k)
        citizen = inputs.pseudonym(rng, 0xF, 99_000_000 + k)
        batch = inputs.citizen_block(rng, citizen, f"PL-next-{k}")
        result = self.run(["append", ledger], stdin=inputs.jsonl(batch))
        found = appended_range(result.stdout) if result.status == 0 else None
        if found is None or found[1] != head[0] + 1:
            raise StateFailure("append", f"the next append after head seq {head[0]} failed: {result.describe()}")
        new_head = ledgerfile.read_head(ledger / "head")
        if new_head is None or new_head[0] != found[2] or bytes_beyond_head(ledger, new_head):
            raise StateFailure("append", f"after the next append the head is {new_head} with bytes beyond it")
        if summary.get("tail"):
            result = self.run(["verify", ledger])
            if result.status != 0:
                raise StateFailure("verify", f"verify after the recovering append failed: {result.describe()}")
        result = self.run(["report", ledger, "--at", "2013-06-01"])
        if result.status != 0:
            raise StateFailure("report", f"report does not open the recovered ledger: {result.describe()}")
        if (ledger / "access").exists():
            result = self.run(["explain", ledger, "M1", "--at", "2013-06-01", "--user", "pl-check",
                               "--purpose", "recovery check"])
            if result.status != 0:
                raise StateFailure("explain", f"explain after the cut failed: {result.describe()}")
        mirror = place / "mirror"
        mirrored = max([0] + [s.mirrored_seq for s in acknowledged if s.mirrored_seq])
        if mirror.exists():
            if mirrored:
                mirror_head = ledgerfile.read_head(mirror / "head") if (mirror / "head").exists() else None
                if mirror_head is None or mirror_head[0] < mirrored:
                    raise StateFailure("lost", f"mirror acknowledged up to seq {mirrored}, its head is {mirror_head}")
            result = self.run(["mirror", ledger, mirror])
            if result.status != 0:
                raise StateFailure("mirror", f"mirror does not resume: {result.describe()}")
            result = self.run(["verify", mirror, "--json"])
            copied = json.loads(result.stdout.splitlines()[0]) if result.status == 0 and result.stdout.startswith("{") else None
            if copied is None or copied.get("head_seq") != found[2]:
                raise StateFailure("mirror", f"the resumed mirror does not verify at seq {found[2]}: {result.describe()}")
        elif mirrored:
            raise StateFailure("lost", f"mirror acknowledged up to seq {mirrored} is gone")


class StateFailure(Exception):
    def __init__(self, kind, message):
        super().__init__(message)
        self.kind = kind


def run_trace(binary_path, timeout, number, seed, states_per_trace, scratch):
    """Records trace `number` and checks its states; returns a dict of figures and failures."""
    binary = Binary(binary_path, timeout)
    rng = random.Random(seed * 1_000_003 + number)
    directory = Path(scratch) / f"trace-{number:05d}"
    trace = Trace(number, seed, directory)
    trace.make(binary, rng)
    timeline = Timeline(trace.operations)
    checker = Checker(binary, trace, timeline, directory)
    seen = set()
    generated = 0
    failures = []
    attempts_max = states_per_trace * 30
    for k, model, variant in candidate_states(timeline, rng, states_per_trace):
        if len(seen) >= states_per_trace or generated >= attempts_max:
            break
        state = build_state(timeline, k, model, rng, variant)
        generated += 1
        digest = state_digest(state)
        if digest in seen:
            continue
        seen.add(digest)
        failure = checker.check(state, k, f"trace {number} state {len(seen)} ({model}, {variant})")
        if failure:
            failures.append(failure)
    if not failures:
        shutil.rmtree(directory, ignore_errors=True)
    operations = sum(1 for op in trace.operations if op[0] != "ack")
    return {"generated": generated, "distinct": len(seen), "operations": operations,
            "calls": checker.calls, "failures": failures}


def run(binary, traces, states_per_trace, workers, seed, keep, timeout):
    report = Report("powerloss", seed)
    report.say(f"{traces} traces, up to {states_per_trace} distinct states each, {workers} worker(s), "
               f"binary {display_path(binary)}")
    # The campaign builds the disk's states itself, so the real fsyncs of the traced and checking
    # commands only cost time: on a memory file system (/dev/shm) they return at once.
    memory = "/dev/shm" if os.path.isdir("/dev/shm") and os.access("/dev/shm", os.W_OK) else None
    scratch = Path(tempfile.mkdtemp(prefix="caseledger-stress-powerloss-", dir=memory))
    started = time.monotonic()
    totals = {"generated": 0, "distinct": 0, "operations": 0, "calls": 0}
    done = 0
    with concurrent.futures.ProcessPoolExecutor(max_workers=workers) as pool:
        futures = [pool.submit(run_trace, str(binary), timeout, number, seed, states_per_trace, str(scratch))
                   for number in range(traces)]
        for future in concurrent.futures.as_completed(futures):
            try:
                figures = future.result()
            except CampaignError as error:
                report.fail("setup", str(error))
                continue
            done += 1
            for key in totals:
                totals[key] += figures[key]
            for kind, message in figures["failures"]:
                report.fail(kind, message)
            if done % max(1, traces // 10) == 0 or done == traces:
                report.say(f"{done}/{traces} traces: {totals['generated']} states generated, "
                           f"{totals['distinct']} distinct checked, {len(report.failures)} failures "
                           f"({(time.monotonic() - started) / 60:.1f} min)")
    minutes = (time.monotonic() - started) / 60
    if report.ok and not keep:
        shutil.rmtree(scratch, ignore_errors=True)
    else:
        print(f"  (scratch directory kept: {scratch})")
    return report.finish(f"{done} traces ({totals['operations']} traced operations), "
                         f"{totals['generated']} states generated, {totals['distinct']} distinct states checked "
                         f"({totals['calls']} caseledger calls), {len(report.failures)} failures, {minutes:.1f} min")
