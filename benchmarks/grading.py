"""Grading throughput and the learner's loop, against a competitor measured in the same run.

    python benchmarks/grading.py [-n 100] [--competitor-n 10] [--repeat 5]

1. Batch grading: N copies of the solutions, public and hidden tests, full isolation, at
   -j 1 and -j 2 (one `python -m autograder grade DIR --out OUT -j J` process each, start-up
   included). Target: 100 submissions in under 20 s on 2 cores.
2. The learner's loop: `pytest exercises --submission solutions` (both posts), wall time,
   imports included, median of --repeat runs. Target: under 2 s.

The competitor, measured in the same run: one `pytest exercises --submission DIR` process per
submission (public tests only, no hidden tests, no isolation), the cheapest way to grade with
the public tests alone; it is timed on --competitor-n submissions and given per submission.
nbgrader's autograde figure is quoted from the shared notes (measured there, not in this run).
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

KIT = Path(__file__).resolve().parents[1]
NBGRADER_QUOTED = (
    1.5  # s per notebook, nbgrader 0.9.6 autograde on this kind of machine (shared notes)
)
PYTEST = [sys.executable, "-m", "pytest", "exercises", "-q", "-p", "no:cacheprovider"]


def timed(cmd: list[str]) -> float:
    start = time.perf_counter()
    subprocess.run(cmd, cwd=KIT, check=True, capture_output=True)
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("-n", type=int, default=100, help="submissions in the batch (default 100)")
    parser.add_argument(
        "--competitor-n", type=int, default=10, help="submissions the competitor grades"
    )
    parser.add_argument("--repeat", type=int, default=5, help="runs of the learner's loop (median)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        room = Path(tmp) / "room"
        for i in range(args.n):
            shutil.copytree(KIT / "solutions", room / f"s{i:03d}")
        rows = []
        for jobs in (1, 2):
            wall = timed(
                [
                    sys.executable,
                    "-m",
                    "autograder",
                    "grade",
                    str(room),
                    "--out",
                    str(Path(tmp) / f"o{jobs}"),
                    "-j",
                    str(jobs),
                ]
            )
            rows.append(
                (
                    f"autograder grade --out -j {jobs} (public + hidden, isolated)",
                    wall,
                    wall / args.n,
                )
            )
        subs = sorted(room.iterdir())[: args.competitor_n]
        wall = sum(timed([*PYTEST, "--submission", str(s)]) for s in subs)
        rows.append(
            (
                f"competitor: pytest exercises --submission, 1 process each (public only; {len(subs)} timed)",
                wall * args.n / len(subs),
                wall / len(subs),
            )
        )
        loop = statistics.median(
            timed([*PYTEST, "--submission", "solutions"]) for _ in range(args.repeat)
        )
    baseline = rows[-1][2]
    print(f"Batch grading of {args.n} copies of the solutions (2 cores)\n")
    print(f"{'method':<92} {'total s':>8} {'s/sub':>7} {'subs/s':>7} {'vs competitor':>13}")
    for name, total, per in rows:
        print(f"{name:<92} {total:>8.1f} {per:>7.3f} {1 / per:>7.2f} {baseline / per:>12.1f}x")
    print(
        f"{'quoted, not measured here: nbgrader 0.9.6 autograde, per notebook':<92} {'':>8} "
        f"{NBGRADER_QUOTED:>7.3f} {1 / NBGRADER_QUOTED:>7.2f} {baseline / NBGRADER_QUOTED:>12.1f}x"
    )
    best = min(total for _, total, _ in rows[:2]) * 100 / args.n
    print(
        f"\n100 submissions, best of -j 1/-j 2: {best:.1f} s (target: under 20 s) -> "
        f"{'met' if best < 20 else 'NOT met'}"
    )
    print(
        f"Learner's loop, pytest exercises on the solutions (median of {args.repeat}): {loop:.2f} s "
        f"(target: under 2 s) -> {'met' if loop < 2 else 'NOT met'}"
    )


if __name__ == "__main__":
    main()
