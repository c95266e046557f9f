"""python -m autograder: grade submissions, keep the stubs in step with the solutions."""
from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

from .units import CONVENTIONS, KIT


def cmd_grade(args) -> int:
    from .grade import grade
    from .report import results_json, table

    if not args.submission.is_dir():
        print(f"error: {args.submission} is not a folder; pass a folder laid out like exercises/.", file=sys.stderr)
        return 2
    start = time.monotonic()
    results = grade(args.submission, convention=args.convention, timeout=args.timeout,
                    memory_mb=args.memory_mb, hidden=not args.public_only)
    elapsed = time.monotonic() - start
    print(f"Grading {args.submission} (convention: {args.convention})\n")
    print(table(results))
    print(f"\ngraded in {elapsed:.1f} s")
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps(results_json(results, elapsed), indent=2) + "\n")
        print(f"results written to {args.json}")
    return 0  # grading finished, whatever the score


def cmd_stubs(args) -> int:
    from .stubs import out_of_date, write_stubs

    solutions, exercises = KIT / "solutions", KIT / "exercises"
    if args.write:
        written = write_stubs(solutions, exercises)
        print("\n".join(f"wrote exercises/{n}" for n in written) or "stubs already up to date")
        return 0
    stale = out_of_date(solutions, exercises)
    print("\n".join(f"exercises/{n} differs from its solution's stub" for n in stale) or "stubs up to date")
    return 1 if stale else 0


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(prog="python -m autograder", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)

    g = sub.add_parser("grade", help="grade a submission folder (laid out like exercises/)")
    g.add_argument("submission", type=Path)
    g.add_argument("--json", type=Path, help="write Gradescope's results.json schema here")
    g.add_argument("--convention", choices=CONVENTIONS, default="correlation",
                   help="what conv2d must compute: cross-correlation as Part 4.2's formula (default), "
                        "true convolution as the post's scipy.signal.convolve2d call, or either")
    g.add_argument("--timeout", type=float, default=10.0, help="seconds allowed per call (default 10)")
    g.add_argument("--memory-mb", type=int, default=2048, help="memory cap of the worker (default 2048)")
    g.add_argument("--public-only", action="store_true", help="skip the hidden tests")
    g.set_defaults(func=cmd_grade)

    s = sub.add_parser("stubs", help="check (or --write) exercises/ stubs generated from solutions/")
    s.add_argument("--write", action="store_true")
    s.set_defaults(func=cmd_stubs)

    args = parser.parse_args(argv)
    return args.func(args)


if __name__ == "__main__":
    sys.exit(main())
