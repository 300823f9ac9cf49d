"""Campaign `crash`: writers killed with SIGKILL in the middle of appends.

Each round, several writer threads (3 by default) each run `caseledger append` for a few batches,
one after another. Every batch registers new citizens of that writer (registered, a benefit, a
match category, an activation) plus paid hours for citizens of that writer's earlier acknowledged
batches, so every batch is valid in any order relative to the other writers'. One writer, chosen
at random, kills its append process with SIGKILL (see `kill_plan`): half the time after a random
fraction of the recent append time (so kills land while the process starts, waits for the lock,
replays, validates, or after it finished), half the time just after the batch's first bytes reach
the segment file (so kills land while the lines are synced and read back or the head is written).
Then:

- the other writers pause; `verify` must exit 0 (a recoverable tail is allowed);
- the killed writer restarts and appends again (its next batch), which must succeed;
- at the end of the round `verify` must exit 0, and the new lines (`log --json --from-seq`) must be
  exactly whole batches: every batch a writer saw acknowledged ("appended N events: seq A-B") is at
  A-B with the content it sent (type, effective date, municipality, citizen, facts), and a killed
  batch is either entirely present (it was committed before the acknowledgement was printed) or
  entirely absent. Nothing else may be in the ledger.
"""
import json
import os
import random
import signal
import statistics
import threading
import time

from . import inputs
from .common import Binary, CampaignError, Report, Scratch, appended_range, content_key, display_path


def kill_plan(rng):
    """When to kill: half the kills are timed, at a fraction of the recent append time (anywhere
    from the start to a little after the usual end); the other half are watched: 0 to 4 ms after
    the batch's first bytes reach the segment file, while the lines are written and synced, read
    back, or the head is written (the write phase is a small part of an append's time, so timed
    kills alone would seldom land in it)."""
    if rng.random() < 0.5:
        return ("timed", rng.uniform(0.0, 1.2))
    return ("watched", rng.choice([0.0, rng.uniform(0.0, 0.004)]))


def last_segment(ledger):
    """The newest segment file of a ledger (where an append writes)."""
    events = ledger / "events"
    return events / max(name for name in os.listdir(events) if name.startswith("segment-"))


class Batch:
    """One batch a writer sent and what became of it."""

    def __init__(self, round_index, writer, number, events):
        self.round = round_index
        self.writer = writer
        self.number = number
        self.events = events
        self.result = None       # RunResult-like: status, stdout, stderr
        self.killed = False      # the writer sent SIGKILL while it ran
        self.acknowledged = None  # (first, last) printed by append
        self.present_at = None    # first seq where the whole batch was found
        self.kill_mode = None

    @property
    def label(self):
        return f"round {self.round} writer {self.writer} batch {self.number}"


class Gate:
    """Lets writers start appends unless paused; a pause waits for the appends in flight to end."""

    def __init__(self):
        self.condition = threading.Condition()
        self.paused = False
        self.in_flight = 0

    def enter(self):
        with self.condition:
            while self.paused:
                self.condition.wait()
            self.in_flight += 1

    def leave(self):
        with self.condition:
            self.in_flight -= 1
            self.condition.notify_all()

    def exclusive(self):
        """Pauses the others and waits until their appends in flight have ended (the caller's own
        append is not counted); `resume` ends it."""
        with self.condition:
            while self.paused:
                self.condition.wait()
            self.paused = True
            while self.in_flight > 0:
                self.condition.wait()

    def pause_after_leaving(self):
        """Leaves (the caller's own append has ended), then pauses and waits for the others to end."""
        with self.condition:
            self.in_flight -= 1
            while self.paused:
                self.condition.wait()
            self.paused = True
            while self.in_flight > 0:
                self.condition.wait()

    def resume(self):
        with self.condition:
            self.paused = False
            self.condition.notify_all()


class Writer:
    """A writer: its own citizens, its own random source, its acknowledged citizens."""

    def __init__(self, index, seed):
        self.index = index
        self.rng = random.Random(f"crash-writer-{seed}-{index}")
        self.counter = 0
        self.extra_counter = 0
        self.known = []  # (citizen, municipality) of acknowledged batches

    def batch_events(self, citizens_range):
        events = []
        for _ in range(self.rng.randint(*citizens_range)):
            self.counter += 1
            citizen = inputs.pseudonym(self.rng, self.index + 1, self.counter)
            events += inputs.citizen_block(self.rng, citizen, f"W{self.index}-A{self.counter}")
        for _ in range(min(len(self.known), self.rng.randint(0, 4))):
            citizen, municipality = self.rng.choice(self.known)
            events.append(inputs.paid_hours(citizen, municipality, self.extra_counter))
            self.extra_counter += 1
        return events

    def acknowledge(self, batch):
        for e in batch.events:
            if e["type"] == "citizen_registered":
                self.known.append((e["citizen"], e["municipality"]))


class CrashCampaign:
    def __init__(self, binary, report, scratch, rounds, writers, batches, citizens_range, rounds_per_ledger):
        self.binary = binary
        self.report = report
        self.scratch = scratch
        self.rounds = rounds
        self.writer_count = writers
        self.batches_per_writer = batches
        self.citizens_range = citizens_range
        self.rounds_per_ledger = rounds_per_ledger
        self.rng = random.Random(f"crash-{report.seed}")
        self.durations = []
        self.durations_lock = threading.Lock()
        self.stats_lock = threading.Lock()
        self.stats = dict(batches=0, events=0, kills_timed=0, kills_watched=0, kills_missed=0, acknowledged=0, killed_absent=0,
                          killed_present=0, partial=0, pause_tails=0, end_tails=0, tails_removed=0,
                          verify_runs=0, verify_ok=0, ledgers=0)

    def count(self, name):
        with self.stats_lock:
            self.stats[name] += 1

    # MARK: appends

    def estimate(self):
        with self.durations_lock:
            recent = self.durations[-9:]
        return statistics.median(recent) if recent else 0.2

    def append(self, ledger, batch, input_path, kill=None):
        """Runs one append of `batch`. `kill` is None, ("timed", fraction): SIGKILL after that fraction
        of the recent append time, or ("watched", seconds): SIGKILL that long after the batch's first
        bytes reach the segment file (the caller has paused the other writers). Returns whether the
        kill landed while the process ran."""
        input_path.write_bytes(inputs.jsonl(batch.events))
        segment = last_segment(ledger)
        size_before = segment.stat().st_size
        started = time.monotonic()
        process = self.binary.start(["append", ledger], input_path)
        landed = False
        if kill is not None:
            mode, value = kill
            batch.kill_mode = mode
            if mode == "timed":
                time.sleep(value * self.estimate())
            else:
                # Poll the segment's size until the append starts writing, then wait a little more.
                while process.poll() is None and segment.stat().st_size == size_before:
                    time.sleep(0.0002)
                time.sleep(value)
            if process.poll() is None:
                process.send_signal(signal.SIGKILL)
                landed = True
        try:
            out, err = process.communicate(timeout=self.binary.timeout)
        except Exception:
            process.kill()
            out, err = process.communicate()
            self.report.fail("hang", f"{batch.label}: append did not end within {self.binary.timeout:.0f} s")
        seconds = time.monotonic() - started
        batch.result = (process.returncode, out.decode("utf-8", "replace"), err.decode("utf-8", "replace"))
        batch.killed = landed and process.returncode == -signal.SIGKILL
        landed = batch.killed  # else it ended on its own between poll and kill
        if not batch.killed:
            status, stdout, stderr = batch.result
            acknowledged = appended_range(stdout) if status == 0 else None
            if acknowledged and acknowledged[0] == len(batch.events) and acknowledged[2] - acknowledged[1] + 1 == len(batch.events):
                batch.acknowledged = (acknowledged[1], acknowledged[2])
                with self.durations_lock:
                    self.durations.append(seconds)
            else:
                self.report.fail("append failed", f"{batch.label}: append of {len(batch.events)} events was not "
                                 f"acknowledged without a kill: exit {status}, stdout {stdout.strip()[:200]!r}, "
                                 f"stderr {stderr.strip()[:300]!r}")
            if "removed an unacknowledged tail" in batch.result[2]:
                self.count("tails_removed")
        return landed

    def verify(self, ledger, context):
        result, summary = self.binary.verify(ledger)
        self.count("verify_runs")
        ok = result.status == 0 and summary is not None and summary.get("ok") is True
        if self.report.check(ok, "verify", lambda: f"{context}: verify failed: {result.describe()}"):
            self.count("verify_ok")
            return summary
        return None

    # MARK: rounds

    def writer_round(self, ledger, gate, writer, round_index, victim_plan, batches, errors):
        try:
            number = 0
            planned = self.batches_per_writer
            kill_done = False
            while number < planned:
                batch = Batch(round_index, writer.index, number, writer.batch_events(self.citizens_range))
                batches.append(batch)
                kill = None
                if victim_plan is not None and not kill_done and number >= victim_plan[0]:
                    kill = victim_plan[1] if number == victim_plan[0] else kill_plan(writer.rng)
                if kill is not None and kill[0] == "watched":
                    gate.exclusive()  # growth of the segment is then this writer's batch
                else:
                    gate.enter()
                landed = self.append(ledger, batch, self.scratch / f"in-{writer.index}.jsonl", kill)
                if landed:
                    kill_done = True
                    self.count("kills_" + kill[0])
                    if kill[0] == "timed":
                        gate.pause_after_leaving()
                    try:
                        summary = self.verify(ledger, f"{batch.label}: right after the SIGKILL")
                        if summary and summary.get("tail") is not None:
                            self.count("pause_tails")
                    finally:
                        gate.resume()
                    if number == planned - 1:
                        planned += 1  # the restarted writer always appends once more
                else:
                    if kill is not None:
                        self.count("kills_missed")
                    if kill is not None and kill[0] == "watched":
                        gate.resume()
                    else:
                        gate.leave()
                if batch.acknowledged:
                    writer.acknowledge(batch)
                number += 1
        except Exception as error:  # a defect of the campaign itself: report it, do not hang the round
            errors.append(f"writer {writer.index} round {round_index}: {error!r}")

    def check_round(self, ledger, round_index, previous_head, batches):
        """The new lines after `previous_head` are exactly whole batches, acknowledged ones where
        their writers were told."""
        summary = self.verify(ledger, f"round {round_index}: after the writers ended")
        if summary is None:
            return None
        if summary.get("tail") is not None:
            self.stats["end_tails"] += 1
        head = summary["head_seq"]
        log = self.binary.run(["log", ledger, "--json", "--from-seq", previous_head + 1])
        if not self.report.check(log.status == 0, "log", lambda: f"round {round_index}: {log.describe()}"):
            return head
        lines = [json.loads(text) for text in log.stdout.splitlines() if text.strip()]
        self.report.check(len(lines) == head - previous_head, "log",
                          lambda: f"round {round_index}: log --from-seq {previous_head + 1} gave {len(lines)} lines, "
                                  f"head moved from {previous_head} to {head}")
        index = {}
        for batch in batches:
            for position, e in enumerate(batch.events):
                index[content_key(e)] = (batch, position)
        i = 0
        while i < len(lines):
            hit = index.get(content_key(lines[i]))
            seq = lines[i]["seq"]
            if hit is None:
                self.report.fail("unknown line", f"round {round_index}: seq {seq} holds an event no writer sent "
                                 f"in this round: {json.dumps(lines[i])[:300]}")
                i += 1
                continue
            batch, position = hit
            run = lines[i:i + len(batch.events)]
            whole = position == 0 and len(run) == len(batch.events) and all(
                index.get(content_key(stored)) == (batch, t) for t, stored in enumerate(run))
            if not whole:
                self.stats["partial"] += 1
                self.report.fail("partial batch", f"round {round_index}: {batch.label} ({len(batch.events)} events, "
                                 f"killed={batch.killed}, acknowledged={batch.acknowledged}) is not whole at seq {seq}: "
                                 f"its event {position + 1} is there")
                i += 1
                continue
            if batch.present_at is not None:
                self.report.fail("duplicate batch", f"round {round_index}: {batch.label} is present twice "
                                 f"(seq {batch.present_at} and seq {seq})")
            batch.present_at = seq
            i += len(batch.events)
        for batch in batches:
            if batch.acknowledged:
                first, last = batch.acknowledged
                if self.report.check(batch.present_at == first, "acknowledged batch lost",
                                     lambda: f"round {round_index}: {batch.label} was acknowledged as seq {first}-{last} "
                                             f"but found at {batch.present_at} (None: absent or altered)"):
                    self.stats["acknowledged"] += 1
            elif batch.killed:
                if batch.present_at is None:
                    self.stats["killed_absent"] += 1
                else:
                    self.stats["killed_present"] += 1
        return head

    def run(self):
        ledger, previous_head, writers = None, 1, []
        for round_index in range(self.rounds):
            if round_index % self.rounds_per_ledger == 0:
                ledger = self.scratch / f"ledger-{round_index // self.rounds_per_ledger}"
                self.binary.init_ledger(ledger)
                self.stats["ledgers"] += 1
                previous_head = 1
                writers = [Writer(w, f"{self.report.seed}-{round_index}") for w in range(self.writer_count)]
            victim = self.rng.randrange(self.writer_count)
            plan = (self.rng.randrange(self.batches_per_writer), kill_plan(self.rng))
            gate = Gate()
            batches, errors, threads = [], [], []
            for writer in writers:
                thread = threading.Thread(target=self.writer_round, args=(
                    ledger, gate, writer, round_index, plan if writer.index == victim else None, batches, errors))
                thread.start()
                threads.append(thread)
            for thread in threads:
                thread.join()
            for error in errors:
                raise CampaignError(error)
            self.stats["batches"] += len(batches)
            self.stats["events"] += sum(len(b.events) for b in batches)
            head = self.check_round(ledger, round_index, previous_head, batches)
            if head is not None:
                previous_head = head
            if (round_index + 1) % max(1, self.rounds // 10) == 0 and round_index + 1 < self.rounds:
                self.report.say(f"... {round_index + 1} rounds, {self.stats['kills_timed'] + self.stats['kills_watched']} kills, "
                                f"{self.stats['acknowledged']} acknowledged batches kept")


def run(binary_path, rounds, writers, batches, citizens_range, rounds_per_ledger, seed, keep, timeout):
    report = Report("crash", seed)
    binary = Binary(binary_path, timeout)
    scratch = Scratch("crash", keep)
    report.say(f"{rounds} rounds of {writers} writers x {batches} batches ({citizens_range[0]}-{citizens_range[1]} new "
               f"citizens each, 4 events per citizen, plus paid hours), one SIGKILL per round; a fresh ledger every "
               f"{rounds_per_ledger} rounds; binary {display_path(binary_path)}")
    campaign = CrashCampaign(binary, report, scratch, rounds, writers, batches, citizens_range, rounds_per_ledger)
    try:
        campaign.run()
    except CampaignError as error:
        report.fail("campaign", str(error))
    s = campaign.stats
    report.say(f"tried: {s['batches']} batches ({s['events']} events) in {s['ledgers']} ledger(s); {s['kills_timed'] + s['kills_watched']} SIGKILLs "
               f"landed during an append ({s['kills_timed']} timed, {s['kills_watched']} when the batch reached the disk), "
               f"{s['kills_missed']} came after the append had ended (no kill; retried on the writer's next batch)")
    report.say(f"held: verify exit 0 in {s['verify_ok']} of {s['verify_runs']} runs ({s['pause_tails']} right after a "
               f"kill and {s['end_tails']} at a round's end with a recoverable tail); {s['tails_removed']} tails removed "
               f"by the next append; {s['acknowledged']} acknowledged batches kept with identical content; killed "
               f"batches: {s['killed_absent']} absent, {s['killed_present']} present whole (committed before the "
               f"acknowledgement); {s['partial']} partial")
    verdict = "verify ok" if s["verify_ok"] == s["verify_runs"] else "verify FAILED"
    code = report.finish(f"crash: {rounds} rounds, {s['acknowledged']} acknowledged batches kept, {s['partial']} partial, "
                         f"{verdict}")
    scratch.close(report)
    return code
