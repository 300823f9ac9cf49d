"""Campaign `tamper`: random mutations of ledger copies, each found by `verify` at the right place.

Two base ledgers:
- a real one, made by the binary (`init`, then `generate` output and one more batch appended): one
  segment, its two head slots holding different heads;
- a hand-written one with several segments, written from Python by EventLogs/FORMAT.md (its own
  `ledger_opened` line, the real ledger's events chained again, split over 3 to 5 segments, the
  head's slot 0 holding the previous line and slot 1 the last). Segments only roll at 256 MiB, so
  this is how a campaign gets several. Before any mutation the campaign checks that the Python
  encoder reproduces every line of the real ledger byte for byte, that `verify` accepts the
  hand-written ledger with the head the campaign computed, and that the binary appends to it.

Each mutation is made on a fresh copy of one base, then `verify --json` runs. Where the first
defect must be reported (S = segment file, L = 1-based line; a line's "next line" is the first
line of the next segment when it is the last of its segment):

| mutation | expected |
|---|---|
| a bit flipped in line L (not making a newline) | exit 1 at S, L |
| line L removed | at S, L (where the sequence breaks); the last line of a segment before the head's: the next segment's line 1; the head line: S, L (the segment is shorter than the head) |
| line L duplicated (copy after it) | at S, L+1 (the copy; for the head line it lies beyond the head) |
| two lines swapped (anywhere, also across segments) | at the first of them |
| a segment cut at byte B (0 < B < size) | inside line L: S, L (no newline); at the start of line L: the next segment's line 1, or for the head's segment S, L |
| a segment removed, or renamed to leave a gap | S, line 0 (the file) |
| two segments swapped, or a run of segments rotated | the first of them, line 1 |
| line L edited (effective date or citizen) and its own hash recomputed, the next line's prev not | the next line; for the head line: S, L (it no longer matches the head) |
| line L edited and every later line chained again, the head left as it was | the head line (it no longer matches the head) |
| both head slots damaged | `head`, line 1 |
| beyond the head: a garbage line, a copy of an earlier line, or a well-formed line with a wrong prev | S, the first line beyond the head |
| beyond the head (in the head's segment or a new one): 0-2 complete lines continuing the chain and a torn prefix of one more, without newline | exit 0, "recoverable", the tail at its file and line |
| beyond the head: 1-2 complete lines continuing the chain (an interrupted append, FORMAT.md section 5) | exit 0, recoverable |

Nothing but the two tail cases may exit 0.
"""
import datetime
import random
import shutil
import string

from . import ledgerfile as lf
from .common import Binary, CampaignError, Report, Scratch, display_path

#: Mutation kinds and their weights.
KINDS = [
    ("flip", 4), ("remove line", 2), ("duplicate line", 2), ("swap lines", 2), ("cut segment", 2),
    ("remove segment", 1), ("reorder segments", 1), ("rehashed edit", 3), ("rechained edit", 1),
    ("head slots", 0.5), ("bad line beyond head", 1.5), ("torn tail", 3), ("complete tail", 0.7),
]


class Base:
    """A base ledger on disk and its segments as lists of lines (bytes with LF)."""

    def __init__(self, name, path, segments):
        self.name = name
        self.path = path
        self.segments = segments

    @property
    def k(self):
        return len(self.segments)


class Expectation:
    def __init__(self, recoverable, file, line, detail, torn=None, complete_lines=None):
        self.recoverable = recoverable
        self.file = file
        self.line = line
        self.detail = detail
        self.torn = torn
        self.complete_lines = complete_lines

    def describe(self):
        if self.recoverable:
            return f"exit 0 with a recoverable tail at {self.file} line {self.line}"
        return f"exit 1 naming {self.file} line {self.line}"


def S(index):
    return lf.segment_name(index)


class Mutator:
    """Applies one mutation to a copy (its segments as lists) and says where verify must report it."""

    def __init__(self, rng, base, copy):
        self.rng = rng
        self.base = base
        self.copy = copy
        self.segments = [list(lines) for lines in base.segments]
        self.k = base.k

    def write(self, index):
        lf.write_segment(self.copy, index, self.segments[index - 1])

    def pick_line(self):
        """A (segment, line), 1-based: one time in five the first or last line of a segment (where
        segments and chunks join), else uniformly over all lines."""
        if self.rng.random() < 0.2:
            index = self.rng.randrange(1, self.k + 1)
            return index, self.rng.choice([1, len(self.segments[index - 1])])
        total = sum(len(s) for s in self.segments)
        position = self.rng.randrange(total)
        for index, lines in enumerate(self.segments, start=1):
            if position < len(lines):
                return index, position + 1
            position -= len(lines)
        raise AssertionError("position beyond the ledger")

    def next_line(self, index, line):
        """Where the line after (index, line) is: the next segment's line 1 after a segment's last line."""
        if line < len(self.segments[index - 1]):
            return index, line + 1
        return index + 1, 1

    def is_head_line(self, index, line):
        return index == self.k and line == len(self.segments[-1])

    def head_event(self):
        return lf.parse_line(self.segments[-1][-1])

    def municipalities(self):
        return lf.parse_line(self.segments[0][0])["facts"][2][1].split(",")

    def continuing_lines(self, count):
        """`count` valid lines continuing the chain after the head (survey responses)."""
        head = self.head_event()
        lines, prev = [], head["hash"]
        for offset in range(1, count + 1):
            facts = [("respondent", self.rng.choice(["citizen", "company"])), ("satisfied", self.rng.random() < 0.5)]
            line, prev = lf.make_line(head["seq"] + offset, head["recorded_at"], "survey_response", "2014-04-01",
                                      self.rng.choice(self.municipalities()), None, facts, prev)
            lines.append(line)
        return lines

    def edited(self, line_bytes):
        """The line with its event changed (effective date earlier, or a citizen's hex digit), its own
        hash recomputed from its own prev; same length, still canonical and in the catalog."""
        event = lf.parse_line(line_bytes)
        if event["citizen"] and self.rng.random() < 0.4:
            citizen = event["citizen"]
            position = self.rng.randrange(2, len(citizen))
            digit = self.rng.choice([c for c in "0123456789abcdef" if c != citizen[position]])
            event["citizen"] = citizen[:position] + digit + citizen[position + 1:]
            what = "citizen changed"
        else:
            day = datetime.date.fromisoformat(event["effective"]) - datetime.timedelta(days=self.rng.randint(1, 400))
            event["effective"] = day.isoformat()
            what = "effective date changed"
        line, digest = lf.encode_event(event)
        assert len(line) == len(line_bytes)
        return line, digest, what

    # MARK: the mutations

    def flip(self):
        index, line = self.pick_line()
        data = bytearray(self.segments[index - 1][line - 1])
        position = self.rng.randrange(len(data) - 1)
        bits = [b for b in range(8) if data[position] ^ (1 << b) != 0x0A]
        bit = self.rng.choice(bits)
        data[position] ^= 1 << bit
        self.segments[index - 1][line - 1] = bytes(data)
        self.write(index)
        return Expectation(False, S(index), line, f"bit {bit} of byte {position} flipped in {S(index)} line {line}")

    def remove_line(self):
        index, line = self.pick_line()
        head_line = self.is_head_line(index, line)
        expected = (index, line) if head_line or line < len(self.segments[index - 1]) else self.next_line(index, line)
        del self.segments[index - 1][line - 1]
        self.write(index)
        return Expectation(False, S(expected[0]), expected[1], f"{S(index)} line {line} removed")

    def duplicate_line(self):
        index, line = self.pick_line()
        lines = self.segments[index - 1]
        lines.insert(line, lines[line - 1])
        self.write(index)
        return Expectation(False, S(index), line + 1, f"{S(index)} line {line} duplicated")

    def swap_lines(self):
        first = self.pick_line()
        second = self.pick_line()
        while second == first:
            second = self.pick_line()
        first, second = sorted([first, second])
        a, b = self.segments[first[0] - 1][first[1] - 1], self.segments[second[0] - 1][second[1] - 1]
        self.segments[first[0] - 1][first[1] - 1], self.segments[second[0] - 1][second[1] - 1] = b, a
        self.write(first[0])
        self.write(second[0])
        return Expectation(False, S(first[0]), first[1],
                           f"{S(first[0])} line {first[1]} swapped with {S(second[0])} line {second[1]}")

    def cut_segment(self):
        sizes = [sum(len(x) for x in lines) for lines in self.segments]
        index = self.rng.choices(range(1, self.k + 1), weights=sizes)[0]
        data = b"".join(self.segments[index - 1])
        cut = self.rng.randrange(1, len(data))
        if self.rng.random() < 0.25 and len(self.segments[index - 1]) > 1:  # sometimes exactly at a line's start
            starts = [sum(len(x) for x in self.segments[index - 1][:j]) for j in range(1, len(self.segments[index - 1]))]
            cut = self.rng.choice(starts)
        start, line = 0, 1
        for candidate in self.segments[index - 1]:
            if start + len(candidate) > cut:
                break
            start += len(candidate)
            line += 1
        (self.copy / "events" / S(index)).write_bytes(data[:cut])
        if cut == start and index < self.k:
            expected = (index + 1, 1)
        else:
            expected = (index, line)
        where = "at the start of" if cut == start else "inside"
        return Expectation(False, S(expected[0]), expected[1], f"{S(index)} cut at byte {cut}, {where} line {line}")

    def remove_segment(self):
        index = self.rng.randrange(1, self.k + 1)
        path = self.copy / "events" / S(index)
        if self.rng.random() < 0.5:
            path.unlink()
            what = f"{S(index)} removed"
        else:
            path.rename(self.copy / "events" / S(self.k + 1 + self.rng.randrange(3)))
            what = f"{S(index)} renamed after the last segment, leaving a gap"
        return Expectation(False, S(index), 0, what)

    def reorder_segments(self):
        if self.k < 2:
            return self.remove_segment()
        first = self.rng.randrange(1, self.k)
        last = self.rng.randrange(first + 1, self.k + 1)
        names = [S(i) for i in range(first, last + 1)]
        if self.rng.random() < 0.5 or last - first == 1:
            order = [names[-1]] + names[1:-1] + [names[0]]
            what = f"{names[0]} and {names[-1]} swapped"
        else:
            order = names[1:] + names[:1]
            what = f"{names[0]} ... {names[-1]} rotated"
        events = self.copy / "events"
        for name in names:
            (events / name).rename(events / (name + ".moving"))
        for name, source in zip(names, order):
            (events / (source + ".moving")).rename(events / name)
        return Expectation(False, names[0], 1, what)

    def rehashed_edit(self):
        index, line = self.pick_line()
        new, _, what = self.edited(self.segments[index - 1][line - 1])
        self.segments[index - 1][line - 1] = new
        self.write(index)
        expected = (index, line) if self.is_head_line(index, line) else self.next_line(index, line)
        return Expectation(False, S(expected[0]), expected[1],
                           f"{S(index)} line {line} edited ({what}), its hash recomputed, the next prev not")

    def rechained_edit(self):
        index, line = self.pick_line()
        new, digest, what = self.edited(self.segments[index - 1][line - 1])
        self.segments[index - 1][line - 1] = new
        prev = digest
        for i in range(index, self.k + 1):
            lines = self.segments[i - 1]
            for j in range(line if i == index else 0, len(lines)):
                event = lf.parse_line(lines[j])
                event["prev"] = prev
                lines[j], prev = lf.encode_event(event)
            self.write(i)
        return Expectation(False, S(self.k), len(self.segments[-1]),
                           f"{S(index)} line {line} edited ({what}) and every later line chained again, head unchanged")

    def head_slots(self):
        data = bytearray((self.copy / "head").read_bytes())
        for slot in (0, 1):
            position = slot * lf.SLOT_BYTES + self.rng.randrange(126)
            data[position] ^= 1 << self.rng.randrange(7)
        (self.copy / "head").write_bytes(bytes(data))
        return Expectation(False, "head", 1, "a byte flipped in each head slot")

    def bad_line_beyond_head(self):
        choice = self.rng.randrange(3)
        if choice == 0:
            alphabet = string.ascii_lowercase + string.digits + '{}[]:," '
            line = ("".join(self.rng.choice(alphabet) for _ in range(self.rng.randint(1, 300))) + "\n").encode()
            what = "a garbage line"
        elif choice == 1:
            index, number = self.pick_line()
            line = self.segments[index - 1][number - 1]
            what = f"a copy of {S(index)} line {number}"
        else:
            event = lf.parse_line(self.continuing_lines(1)[0])
            event["prev"] = "%064x" % self.rng.getrandbits(256)
            line, _ = lf.encode_event(event)
            what = "a well-formed next line with a wrong prev"
        self.segments[-1].append(line)
        self.write(self.k)
        return Expectation(False, S(self.k), len(self.segments[-1]), f"beyond the head: {what}")

    def tail(self, torn):
        complete = self.rng.randint(0, 2) if torn else self.rng.randint(1, 2)
        lines = self.continuing_lines(complete + (1 if torn else 0))
        if torn:
            last = lines[-1]
            lines[-1] = last[:self.rng.randint(1, len(last) - 1)]
        if self.rng.random() < 0.3:
            lf.write_segment(self.copy, self.k + 1, lines)
            file, line, where = S(self.k + 1), 1, f"in a new segment {S(self.k + 1)}"
        else:
            self.segments[-1].extend(lines)
            self.write(self.k)
            file, line, where = S(self.k), len(self.base.segments[-1]) + 1, f"in {S(self.k)}"
        what = f"{complete} complete line(s)" + (" and a torn line" if torn else "") + f" beyond the head {where}"
        return Expectation(True, file, line, what, torn=torn, complete_lines=complete)

    def apply(self, kind):
        return {
            "flip": self.flip, "remove line": self.remove_line, "duplicate line": self.duplicate_line,
            "swap lines": self.swap_lines, "cut segment": self.cut_segment, "remove segment": self.remove_segment,
            "reorder segments": self.reorder_segments, "rehashed edit": self.rehashed_edit,
            "rechained edit": self.rechained_edit, "head slots": self.head_slots,
            "bad line beyond head": self.bad_line_beyond_head,
            "torn tail": lambda: self.tail(True), "complete tail": lambda: self.tail(False),
        }[kind]()


class TamperCampaign:
    def __init__(self, binary, report, scratch, mutations):
        self.binary = binary
        self.report = report
        self.scratch = scratch
        self.mutations = mutations
        self.tried = {kind: 0 for kind, _ in KINDS}
        self.held = {kind: 0 for kind, _ in KINDS}
        self.conformance = []

    def build_real(self, rng):
        path = self.scratch / "real"
        self.binary.init_ledger(path)
        generated = self.binary.run(["generate", "--citizens", "8", "--seed", rng.randrange(1 << 30),
                                     "--municipality", "183", "--municipality", "187"])
        if generated.status != 0:
            raise CampaignError(f"generate failed: {generated.describe()}")
        for batch in (generated.stdout_bytes, b'{"type":"survey_response","effective":"2014-04-01","municipality":"187",'
                                              b'"facts":{"respondent":"company","satisfied":true}}\n'):
            result = self.binary.run(["append", path], batch)
            if result.status != 0:
                raise CampaignError(f"append to the real base ledger failed: {result.describe()}")
        return Base("real", path, [lf.segment_lines(path, 1)])

    def build_hand_written(self, rng, real):
        """A multi-segment ledger written from Python by FORMAT.md, with the real ledger's events."""
        lines = real.segments[0]
        # The Python encoder must reproduce every stored line exactly (FORMAT.md sections 3 and 4).
        differing = 0
        for line in lines:
            again, digest = lf.encode_event(lf.parse_line(line))
            if again != line or digest != lf.parse_line(line)["hash"]:
                differing += 1
                if differing == 1:
                    self.report.fail("format", f"the Python encoder (FORMAT.md sections 3-4) gives {again[:200]!r} for "
                                               f"the stored line {line[:200]!r}")
        self.conformance.append(f"the Python encoder reproduced {len(lines) - differing} of {len(lines)} stored lines "
                                f"byte for byte")
        events = [lf.parse_line(line) for line in lines]
        genesis = events[0]
        genesis["facts"] = lf.Facts([("ledger_id", "L-%016x" % rng.getrandbits(64)),
                                     ("jobcenter", "Jobcenter Håndskrevet"), ("municipalities", "183,187")])
        chained, hashes = lf.rechain(events)
        k = rng.randint(3, 5)
        cuts = sorted(rng.sample(range(3, len(chained) - 3), k - 1))
        segments = [chained[a:b] for a, b in zip([0] + cuts, cuts + [len(chained)])]
        path = self.scratch / "hand"
        older_seq = len(chained) - 1
        older_segment = k if len(segments[-1]) > 1 else k - 1
        older_offset = sum(len(x) for x in (segments[-1][:-1] if older_segment == k else segments[-2]))
        head = lf.write_ledger(path, segments, str(self.scratch / "hand.key"),
                               older_head=(older_seq, hashes[-2], older_segment, older_offset))
        result, summary = self.binary.verify(path)
        accepted = (result.status == 0 and summary and summary["head_seq"] == head[0] and summary["head_hash"] == head[1]
                    and summary["segments"] == k and summary["tail"] is None)
        if not self.report.check(accepted, "format", lambda: f"verify does not accept the ledger written by FORMAT.md "
                                 f"({k} segments, head seq {head[0]} {head[1][:12]}...): {result.describe()}"):
            raise CampaignError("the hand-written base ledger is not accepted; mutations of it would tell nothing")
        # The binary appends to it: the head's segment and offset are read as FORMAT.md says.
        trial = self.scratch / "hand-append"
        shutil.copytree(path, trial)
        appended = self.binary.run(["append", trial], b'{"type":"company_visited","effective":"2014-02-15",'
                                                      b'"municipality":"183","facts":{"cvr":"12345678"}}\n')
        after, summary = self.binary.verify(trial)
        self.report.check(appended.status == 0 and f"seq {head[0] + 1}" in appended.stdout and after.status == 0
                          and summary["head_seq"] == head[0] + 1 and summary["segments"] == k, "format",
                          lambda: f"appending to the hand-written ledger: {appended.describe()}; then {after.describe()}")
        shutil.rmtree(trial)
        self.conformance.append(f"verify accepted the hand-written ledger ({k} segments, {len(chained)} lines, head "
                                f"seq {head[0]} from slot 1 over the older slot 0) and the binary appended to it")
        return Base("hand-written", path, segments)

    def check(self, number, base, kind, expectation, result, summary):
        context = f"mutation {number} ({kind} of the {base.name} ledger: {expectation.detail})"
        if result.timed_out or result.signal is not None:
            self.report.fail("crash or hang", f"{context}: {result.describe()}")
            return False
        if expectation.recoverable:
            tail = (summary or {}).get("tail") or {}
            ok = (result.status == 0 and tail.get("recoverable") is True and tail.get("file") == expectation.file
                  and tail.get("line") == expectation.line and tail.get("torn") == expectation.torn
                  and tail.get("complete_lines") == expectation.complete_lines)
            if ok:
                text = self.binary.run(["verify", self.scratch / "work"])
                ok = text.status == 0 and "recoverable" in text.stdout
                if not ok:
                    result = text
            return self.report.check(ok, "tail not recoverable", lambda: f"{context}: expected "
                                     f"{expectation.describe()} (torn={expectation.torn}, complete lines "
                                     f"{expectation.complete_lines}), got {result.describe()}")
        if result.status == 0:
            self.report.fail("not detected", f"{context}: expected {expectation.describe()}, but verify passed: "
                                             f"{result.describe()}")
            return False
        found = (summary or {})
        ok = result.status == 1 and found.get("file") == expectation.file and found.get("line") == expectation.line
        return self.report.check(ok, "wrong place", lambda: f"{context}: expected {expectation.describe()}, got "
                                 f"{result.describe()}")

    def run(self):
        rng = random.Random(f"tamper-{self.report.seed}")
        real = self.build_real(rng)
        hand = self.build_hand_written(rng, real)
        work = self.scratch / "work"
        kinds, weights = zip(*KINDS)
        for number in range(1, self.mutations + 1):
            mutation_rng = random.Random(f"tamper-{self.report.seed}-{number}")
            base = hand if mutation_rng.random() < 0.6 else real
            kind = mutation_rng.choices(kinds, weights=weights)[0]
            if kind == "reorder segments" and base.k < 2:
                base = hand
            if work.exists():
                shutil.rmtree(work)
            shutil.copytree(base.path, work)
            expectation = Mutator(mutation_rng, base, work).apply(kind)
            result, summary = self.binary.verify(work)
            self.tried[kind] += 1
            if self.check(number, base, kind, expectation, result, summary):
                self.held[kind] += 1
            if number % max(1, self.mutations // 5) == 0 and number < self.mutations:
                self.report.say(f"... {number} mutations, {sum(self.held.values())} held")


def run(binary_path, mutations, seed, keep, timeout):
    report = Report("tamper", seed)
    binary = Binary(binary_path, timeout)
    scratch = Scratch("tamper", keep)
    report.say(f"{mutations} mutations of copies of a real one-segment ledger and a hand-written multi-segment one; "
               f"binary {display_path(binary_path)}")
    campaign = TamperCampaign(binary, report, scratch, mutations)
    try:
        campaign.run()
    except CampaignError as error:
        report.fail("campaign", str(error))
    for line in campaign.conformance:
        report.say("format: " + line)
    tried = ", ".join(f"{kind} {count}" for kind, count in campaign.tried.items() if count)
    report.say(f"tried: {tried}")
    defects = sum(v for k, v in campaign.held.items() if k not in ("torn tail", "complete tail"))
    tails = campaign.held["torn tail"] + campaign.held["complete tail"]
    report.say(f"held: {defects} of {sum(v for k, v in campaign.tried.items() if k not in ('torn tail', 'complete tail'))} "
               f"defects reported with exit 1 at the expected file and line; {tails} of "
               f"{campaign.tried['torn tail'] + campaign.tried['complete tail']} interrupted-append tails reported as "
               f"recoverable (exit 0)")
    missed = report.failure_kinds.get("not detected", 0)
    wrong = report.failure_kinds.get("wrong place", 0)
    code = report.finish(f"tamper: {sum(campaign.tried.values())} mutations, {defects} detected at the right line, "
                         f"{tails} torn or complete tails recoverable, {missed} missed, {wrong} at a wrong place")
    scratch.close(report)
    return code
