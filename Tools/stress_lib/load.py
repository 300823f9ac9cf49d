"""Campaign `load`: many concurrent writers of single-event appends.

W writer threads (8 by default) each run A appends of one event, one `caseledger append` process
after another, all writers at once. Each event is recognisable by its writer and number (a company
visit whose CVR number encodes both, or a survey response, an event held or a registered company).
Checked: every append succeeds and reports one sequence number; the reported numbers are distinct
and exactly 2 ... W*A+1 (gapless after the first line); each writer's numbers increase; `verify`
passes with head W*A+1 and no tail; and the stored line at each reported number is the event that
writer sent. Printed: the wall time per `caseledger append` process, p50 and p99, and the
throughput.

With --serve the writers append through `caseledger serve` instead: one server on the ledger, each
writer a session of its own posting the record form (kept-open connection), the same checks after.
"""
import http.client
import os
import re
import subprocess
import urllib.parse
import json
import random
import threading
import time

from . import inputs
from .common import Binary, CampaignError, Report, Scratch, appended_range, content_key, display_path, percentile


def writer_event(rng, writer, number):
    """The event of append `number` of `writer`: content unique to (writer, number)."""
    cvr = 10_000_000 + writer * 1_000_000 + number  # up to 89 writers of 999,999 appends
    municipality = rng.choice(inputs.MUNICIPALITIES)
    kind = rng.randrange(4)
    if kind == 0:
        return inputs.company_visit(cvr, municipality)
    if kind == 1:
        return inputs.event("company_registered", "2014-01-15", municipality, None,
                            {"cvr": "%08d" % cvr, "employees": rng.randrange(0, 5000)})
    if kind == 2:
        return inputs.event_held(f"Jobmesse {writer}-{number}", rng.randrange(0, 800), municipality)
    return inputs.event("survey_response", "2014-04-%02d" % (1 + number % 28), municipality, None,
                        {"respondent": "company" if writer % 2 else "citizen", "satisfied": number % 3 != 0})


class ServeWriter:
    """One writer's session with `caseledger serve`: logged in by the token's address, posting the
    record form on one kept-open connection; each append returns (seq or None, seconds)."""

    def __init__(self, port, token):
        self.connection = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
        self.connection.request("GET", "/?token=" + token)
        response = self.connection.getresponse()
        response.read()
        self.cookie = response.getheader("Set-Cookie").split(";")[0]
        self.csrf = {}

    def token(self, type_):
        if type_ not in self.csrf:
            self.connection.request("GET", "/record/" + type_, headers={"Cookie": self.cookie})
            body = self.connection.getresponse().read()
            self.csrf[type_] = re.search(rb'name="csrf" value="([0-9a-f]{64})"', body).group(1).decode()
        return self.csrf[type_]

    def append(self, event):
        fields = {"csrf": self.token(event["type"]), "step": "save", "effective": event["effective"], "municipality": event["municipality"] or ""}
        for name, value in event["facts"].items():
            fields["fact." + name] = ("true" if value else "false") if isinstance(value, bool) else str(value)
        body = urllib.parse.urlencode(fields)
        started = time.monotonic()
        self.connection.request("POST", "/record/" + event["type"], body=body,
                                headers={"Cookie": self.cookie, "Content-Type": "application/x-www-form-urlencoded"})
        response = self.connection.getresponse()
        response.read()
        seconds = time.monotonic() - started
        location = response.getheader("Location") or ""
        found = re.search(r"seq=(\d+)$", location) if response.status == 303 else None
        return (int(found.group(1)) if found else None), seconds, response.status


def run(binary_path, writers, appends, seed, keep, timeout, serve=False):
    report = Report("load", seed)
    if writers > 89 or appends > 999_999:
        raise SystemExit("stress load: at most 89 writers of 999,999 appends (the events' CVR numbers encode both)")
    binary = Binary(binary_path, timeout)
    scratch = Scratch("load", keep)
    total = writers * appends
    report.say(f"{writers} concurrent writers x {appends} single-event appends = {total} events"
               + (" through caseledger serve" if serve else "") + f"; binary {display_path(binary_path)}")
    ledger = scratch / "ledger"
    outcome = {"seqs": {}, "sent": {}, "latencies": [], "failures": 0, "done": 0}
    lock = threading.Lock()
    started = time.monotonic()

    server = {}

    def writer_loop(writer):
        rng = random.Random(f"load-{seed}-{writer}")
        seqs, sent, latencies = [], [], []
        client = ServeWriter(server["port"], server["token"]) if serve else None
        for number in range(appends):
            event = writer_event(rng, writer, number)
            if client:
                seq, seconds, status = client.append(event)
                latencies.append((time.monotonic(), seconds))
                with lock:
                    outcome["done"] += 1
                if seq is None:
                    with lock:
                        outcome["failures"] += 1
                    report.fail("append failed", f"writer {writer} append {number}: HTTP {status}")
                    continue
                seqs.append(seq)
                sent.append((seq, event))
                continue
            result = binary.run(["append", ledger], inputs.jsonl([event]))
            latencies.append((time.monotonic(), result.seconds))
            with lock:
                outcome["done"] += 1
                done = outcome["done"]
            if done % max(1, total // 10) == 0 and done < total:
                report.say(f"... {done} appends, {done / (time.monotonic() - started):.0f}/s")
            reported = appended_range(result.stdout) if result.status == 0 else None
            if reported is None or reported[0] != 1 or reported[1] != reported[2]:
                with lock:
                    outcome["failures"] += 1
                report.fail("append failed", f"writer {writer} append {number}: {result.describe()}")
                continue
            seqs.append(reported[1])
            sent.append((reported[1], event))
        with lock:
            outcome["seqs"][writer] = seqs
            outcome["sent"][writer] = sent
            outcome["latencies"] += latencies

    try:
        binary.init_ledger(ledger)
        if serve:
            out_path = str(scratch / "serve.out")
            server["process"] = subprocess.Popen([binary_path, "serve", str(ledger), "--port", "0"], stdout=open(out_path, "wb"),
                                                 stderr=subprocess.DEVNULL, env=binary_environment(binary))
            url = ""
            while not url and server["process"].poll() is None:
                time.sleep(0.05)
                url = open(out_path).readline().strip()
            found = re.fullmatch(r"http://127\.0\.0\.1:(\d+)/\?token=([0-9a-f]{64})", url)
            if not found:
                raise CampaignError(f"serve did not print its address: {url!r}")
            server["port"], server["token"] = int(found.group(1)), found.group(2)
        threads = [threading.Thread(target=writer_loop, args=(w,)) for w in range(writers)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        elapsed = time.monotonic() - started
        if "process" in server:
            server["process"].kill()
            server["process"].wait()

        all_seqs = [seq for seqs in outcome["seqs"].values() for seq in seqs]
        report.check(len(all_seqs) == total, "count", lambda: f"{len(all_seqs)} appends reported a sequence number, "
                                                              f"expected {total}")
        report.check(len(set(all_seqs)) == len(all_seqs), "duplicate seq",
                     lambda: f"{len(all_seqs) - len(set(all_seqs))} sequence numbers were reported twice")
        report.check(set(all_seqs) == set(range(2, total + 2)), "gap",
                     lambda: f"the reported numbers are not exactly 2...{total + 1}: "
                             f"{sorted(set(range(2, total + 2)) - set(all_seqs))[:10]} missing")
        for writer, seqs in outcome["seqs"].items():
            report.check(seqs == sorted(seqs), "order", lambda: f"writer {writer}'s sequence numbers do not increase")

        verified, summary = binary.verify(ledger)
        verify_ok = report.check(verified.status == 0 and summary and summary["head_seq"] == total + 1
                                 and summary["tail"] is None, "verify",
                                 lambda: f"verify: expected head {total + 1} and no tail: {verified.describe()}")
        log = binary.run(["log", ledger, "--json"])
        stored = [json.loads(text) for text in log.stdout.splitlines() if text.strip()]
        report.check(len(stored) == total + 1, "log", lambda: f"log --json gave {len(stored)} lines, expected {total + 1}")
        mismatches = 0
        for writer, sent in outcome["sent"].items():
            for seq, event in sent:
                if seq > len(stored) or stored[seq - 1]["seq"] != seq or content_key(stored[seq - 1]) != content_key(event):
                    mismatches += 1
                    if mismatches <= 3:
                        report.fail("content", f"writer {writer}: seq {seq} does not hold the event it sent "
                                               f"({json.dumps(event)[:160]})")
    except CampaignError as error:
        report.fail("campaign", str(error))
        elapsed = time.monotonic() - started
        verify_ok, mismatches, all_seqs = False, 0, []

    by_end = sorted(outcome["latencies"])
    latencies = sorted(seconds for _, seconds in by_end)
    p50, p99 = percentile(latencies, 0.50) * 1000, percentile(latencies, 0.99) * 1000
    tenth = max(1, len(by_end) // 10)
    early = percentile(sorted(seconds for _, seconds in by_end[:tenth]), 0.5) * 1000
    late = percentile(sorted(seconds for _, seconds in by_end[-tenth:]), 0.5) * 1000
    report.say(f"tried: {len(latencies)} appends by {writers} concurrent writers in {elapsed:.1f} s "
               f"({len(latencies) / max(elapsed, 1e-9):.0f} appends/s)")
    report.say(f"held: {len(all_seqs)} acknowledged, distinct and gapless: {len(set(all_seqs)) == total}; each stored "
               f"line the writer's event: {mismatches == 0}; verify: {'ok' if verify_ok else 'FAILED'}")
    report.say(f"latency per {'append through serve (HTTP request)' if serve else 'append process'} (wall time, lock wait included): p50 {p50:.0f} ms, p99 {p99:.0f} ms, max "
               f"{(latencies[-1] * 1000) if latencies else float('nan'):.0f} ms; p50 of the first tenth {early:.0f} ms, "
               f"of the last tenth {late:.0f} ms (the ledger grows meanwhile)")
    gapless = "gapless" if set(all_seqs) == set(range(2, total + 2)) and len(all_seqs) == total else "NOT gapless"
    code = report.finish(f"load{' --serve' if serve else ''}: {writers}x{appends} = {len(all_seqs)} events, {gapless}, "
                         f"{'verified' if verify_ok else 'verify FAILED'}, p50 {p50:.0f} ms, p99 {p99:.0f} ms")
    scratch.close(report)
    return code


def binary_environment(binary):
    """The environment the campaign runs the binary in (its own HOME with the pseudonym key)."""
    environment = getattr(binary, "environment", None)
    return environment if environment else dict(os.environ)
