"""The command line of `Tools/stress`: one subcommand per campaign, and `all`.

Every campaign has a small size for CI (the default, or `--small`) and a full size (`--full`);
the individual size options override either. Exit status: 0 when everything held, 1 when a
campaign found a failure (the first one is printed with its seed), 2 for a usage error.
"""
import argparse
import sys
import time

from . import badinput, crash, faults, load, powerloss, tamper
from .common import DEFAULT_TIMEOUT_SECONDS, display_path, find_binary

DEFAULT_SEED = 7

#: The sizes of each campaign: (CI, full).
SIZES = {
    "crash": {"rounds": (20, 1000)},
    "faults": {"errnos": ("EIO,ENOSPC", "EIO,ENOSPC,EDQUOT"), "modes": ("once", "once,sticky"),
               "every_errno": (False, True)},
    "tamper": {"mutations": (300, 10000)},
    "badinput": {"lines": (20000, 1_000_000)},
    "load": {"writers": (8, 8), "appends": (200, 10000)},
    "powerloss": {"traces": (10, 1000), "states_per_trace": (10, 110)},
}

#: The powerloss campaign's default size (neither --small nor --full).
POWERLOSS_DEFAULT = {"traces": 40, "states_per_trace": 40}


def size(args, campaign, name):
    """The option's value if given, else the CI or full size."""
    value = getattr(args, name)
    if value is not None:
        return value
    small, full = SIZES[campaign][name]
    if campaign == "powerloss" and not args.full and not args.small and not getattr(args, "all_campaigns", False):
        return POWERLOSS_DEFAULT[name]
    return full if args.full else small


def common_options(parser):
    parser.add_argument("--binary", help="the caseledger binary (default: .build/release/caseledger, "
                                         "else .build/debug/caseledger)")
    parser.add_argument("--seed", type=int, default=DEFAULT_SEED, help=f"random seed (default {DEFAULT_SEED})")
    group = parser.add_mutually_exclusive_group()
    group.add_argument("--small", action="store_true", help="the CI size (the default)")
    group.add_argument("--full", action="store_true", help="the full size")
    parser.add_argument("--timeout", type=float, default=DEFAULT_TIMEOUT_SECONDS,
                        help=f"seconds one caseledger invocation may take (default {DEFAULT_TIMEOUT_SECONDS:.0f})")
    parser.add_argument("--keep", action="store_true", help="keep the scratch directory (always kept on failure)")


def citizens_range(text):
    low, _, high = text.partition("-")
    try:
        low, high = int(low), int(high or low)
    except ValueError:
        raise argparse.ArgumentTypeError("expected MIN-MAX, e.g. 6-16")
    if not 1 <= low <= high <= 10000:
        raise argparse.ArgumentTypeError("expected 1 <= MIN <= MAX <= 10000")
    return low, high


def positive(text):
    try:
        value = int(text.replace("_", "").replace(",", ""))
    except ValueError:
        raise argparse.ArgumentTypeError("expected a whole number")
    if value < 1:
        raise argparse.ArgumentTypeError("expected 1 or more")
    return value


def parser():
    top = argparse.ArgumentParser(
        prog="Tools/stress",
        description="Reliability campaigns against the real caseledger binary. Each prints what it tried and "
                    "what held, ends with a one-line summary, and exits 0 only if everything held.")
    sub = top.add_subparsers(dest="campaign", metavar="CAMPAIGN")

    p = sub.add_parser("crash", help="SIGKILL writers mid-append; acknowledged batches kept, nothing partial")
    common_options(p)
    p.add_argument("--rounds", type=positive, help="rounds, one SIGKILL each (CI 20, full 1000)")
    p.add_argument("--writers", type=positive, default=3, help="concurrent writers (default 3)")
    p.add_argument("--batches", type=positive, default=2, help="batches per writer per round (default 2)")
    p.add_argument("--citizens", type=citizens_range, default=(6, 16),
                   help="new citizens per batch, MIN-MAX (default 6-16; 4 events each)")
    p.add_argument("--rounds-per-ledger", type=positive, default=100,
                   help="start a fresh ledger after this many rounds (default 100), so rounds stay fast")

    p = sub.add_parser("faults", help="failing write/fsync/truncate/open/read calls in appends and recoveries")
    common_options(p)
    p.add_argument("--errnos", help="errno names to inject (CI EIO,ENOSPC; full EIO,ENOSPC,EDQUOT)")
    p.add_argument("--modes", help="once (KIND#N) and/or sticky (KIND#N+) (CI once; full once,sticky)")
    p.add_argument("--every-errno", action="store_true", default=None,
                   help="try every errno for every N (CI: the errnos take turns by N; full: every one)")
    p.add_argument("--max-n", type=positive, default=60, help="largest N tried for one kind (default 60)")

    p = sub.add_parser("tamper", help="random mutations of ledger copies, each detected at the right file and line")
    common_options(p)
    p.add_argument("--mutations", type=positive, help="mutations (CI 300, full 10000)")

    p = sub.add_parser("badinput", help="malformed append and import input: rejected cleanly, naming line and field")
    common_options(p)
    p.add_argument("--lines", type=positive, help="input lines in total (CI 20000, full 1000000)")
    p.add_argument("--batch-lines", type=positive, default=400, help="most lines per batch invocation (default 400)")

    p = sub.add_parser("load", help="concurrent single-event appends: gapless, verified, latency p50/p99")
    common_options(p)
    p.add_argument("--writers", type=positive, help="concurrent writers (CI 8, full 8)")
    p.add_argument("--appends", type=positive, help="single-event appends per writer (CI 200, full 10000)")
    p.add_argument("--serve", action="store_true", help="append through caseledger serve's record form instead of append processes")

    p = sub.add_parser("powerloss", help="states a power cut may leave (ext4 and strict models) from traced "
                                         "commands: acknowledged batches kept, recoverable, the ledger opens")
    common_options(p)
    p.add_argument("--traces", type=positive, help="traced command sequences (CI 10, default 40, full 1000)")
    p.add_argument("--states-per-trace", type=positive,
                   help="distinct crash states checked per trace (CI 10, default 40, full 110)")
    p.add_argument("--workers", type=positive, default=1, help="traces checked in parallel (default 1)")

    p = sub.add_parser("all", help="every campaign in turn (at the CI size unless --full)")
    common_options(p)
    return top


def run_campaign(name, args, binary):
    if name == "crash":
        return crash.run(binary, size(args, "crash", "rounds"), args.writers, args.batches, args.citizens,
                         args.rounds_per_ledger, args.seed, args.keep, args.timeout)
    if name == "faults":
        return faults.run(binary, size(args, "faults", "errnos").split(","), size(args, "faults", "modes").split(","),
                          size(args, "faults", "every_errno"), args.max_n, args.seed, args.keep, args.timeout)
    if name == "tamper":
        return tamper.run(binary, size(args, "tamper", "mutations"), args.seed, args.keep, args.timeout)
    if name == "badinput":
        return badinput.run(binary, size(args, "badinput", "lines"), args.batch_lines, args.seed, args.keep,
                            args.timeout)
    if name == "load":
        return load.run(binary, size(args, "load", "writers"), size(args, "load", "appends"), args.seed, args.keep,
                        args.timeout, serve=getattr(args, "serve", False))
    if name == "powerloss":
        return powerloss.run(binary, size(args, "powerloss", "traces"), size(args, "powerloss", "states_per_trace"),
                             args.workers, args.seed, args.keep, args.timeout)
    raise ValueError(name)


def main(argv=None):
    args = parser().parse_args(argv)
    if not args.campaign:
        parser().print_help()
        return 2
    binary = find_binary(args.binary)
    if args.campaign != "all":
        return run_campaign(args.campaign, args, binary)
    # `all`: the per-campaign options take their defaults.
    defaults = {"writers": None, "batches": 2, "citizens": (6, 16), "rounds_per_ledger": 100, "rounds": None,
                "errnos": None, "modes": None, "every_errno": None, "max_n": 60, "mutations": None, "lines": None, "batch_lines": 400,
                "appends": None, "traces": None, "states_per_trace": None, "workers": 1, "all_campaigns": True}
    outcomes = []
    started = time.monotonic()
    print(f"stress all: {'full' if args.full else 'CI'} sizes, seed {args.seed}, binary {display_path(binary)}")
    for name in ("crash", "faults", "tamper", "badinput", "load", "powerloss"):
        for key, value in defaults.items():
            setattr(args, key, value)
        if name == "crash":
            args.writers = 3
        print(flush=True)
        outcomes.append((name, run_campaign(name, args, binary)))
    failed = [name for name, code in outcomes if code != 0]
    print()
    print(f"stress all: {len(outcomes) - len(failed)} of {len(outcomes)} campaigns held"
          + (f"; FAILED: {', '.join(failed)}" if failed else "") + f" ({time.monotonic() - started:.0f} s)")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
