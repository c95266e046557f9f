"""Batch grading throughput: N copies of the solutions, graded with full isolation.

    python benchmarks/grading.py [-n 20]

Prints seconds per submission and submissions per second at -j 1 and -j 2, against a
competitor measured in the same run: one `pytest exercises --submission DIR` process per
submission (public tests only, in-process checks, no hidden tests, no isolation), the
cheapest way an instructor could grade with the kit's public tests alone. nbgrader's
autograde figure is quoted from the shared notes (measured there, not in this run).
"""
from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

KIT = Path(__file__).resolve().parents[1]
NBGRADER_QUOTED = 1.5  # s per notebook, nbgrader 0.9.6 autograde on this kind of machine (shared notes)


def timed(cmd: list[str]) -> float:
    start = time.perf_counter()
    subprocess.run(cmd, cwd=KIT, check=True, capture_output=True)
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("-n", type=int, default=20, help="submissions (default 20)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        room = Path(tmp) / "room"
        for i in range(args.n):
            shutil.copytree(KIT / "solutions", room / f"s{i:03d}")
        rows = []
        for jobs in (1, 2):
            out = Path(tmp) / f"out{jobs}"
            wall = timed([sys.executable, "-m", "autograder", "grade", str(room), "--out", str(out), "-j", str(jobs)])
            rows.append((f"autograder grade --out, -j {jobs} (public + hidden, isolated)", wall))
        wall = sum(timed([sys.executable, "-m", "pytest", "exercises", "-q", "-p", "no:cacheprovider",
                          "--submission", str(sub)]) for sub in sorted(room.iterdir()))
        rows.append(("competitor: pytest exercises --submission, one per submission (public only)", wall))
    baseline = rows[-1][1] / args.n
    print(f"{args.n} copies of the solutions\n")
    print(f"{'method':<80} {'s/submission':>12} {'subs/s':>7} {'vs competitor':>13}")
    for name, wall in rows:
        per = wall / args.n
        print(f"{name:<80} {per:>12.3f} {1 / per:>7.2f} {baseline / per:>12.2f}x")
    print(f"{'quoted, not measured here: nbgrader 0.9.6 autograde, per notebook':<80} {NBGRADER_QUOTED:>12.3f} "
          f"{1 / NBGRADER_QUOTED:>7.2f} {baseline / NBGRADER_QUOTED:>12.2f}x")


if __name__ == "__main__":
    main()
