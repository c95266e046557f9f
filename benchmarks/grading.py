"""Batch grading against its competitors, measured in the same run, and where its time goes.

    python benchmarks/grading.py [-n 100] [--competitor-n 6] [--skip-nbgrader]

1. `python -m autograder grade ROOM --out OUT -j 2`: N copies of the solutions, public and
   hidden tests, full isolation (bubblewrap fork server, a fresh confined worker per unit),
   one whole process, start-up included; also -j 1. Target: at most 0.1 s wall per
   submission at -j 2.
2. Competitors, timed in this run on --competitor-n submissions (each the same solutions):
   - one `pytest exercises --submission DIR` process per submission (public tests only, no
     isolation beyond a worker process): the cheapest way to grade with the public tests;
     as a grader runs it in a fresh environment (NNKIT_SERVER=0), and, shown too, served by
     the learners' warm server (started by the first of them);
   - nbgrader's autograde (the real pipeline, as tests/test_nbgrader.py runs it: the course
     written by `autograder.integrations.nbgrader.write_course`, `nbgrader
     generate_assignment`, one submitted copy of the source notebooks per student, `nbgrader
     autograde` of both assignments): a submission is one student's two notebooks (the 11
     units). Skipped without nbgrader (`pip install -e ".[dev]"`).
   Target: the batch at least 15x faster per submission than each. For comparison, the same
   batch is also graded -j 2 by the kit at --before (the commit before this work).
3. The Gradescope bundle (`python -m autograder gradescope`'s zip) in a recreated /autograder
   layout, as tests/test_gradescope.py lays it out: `run_autograder` on one copy of the
   solutions, whole process, median of --gradescope-runs. Target: at most 2 s.
4. Where a submission's time goes, measured on a few submissions in this process: the
   learner's own code and the figures it creates (its calls run in-process, profiled:
   matplotlib's share is the figures), isolation (a fresh confined worker: fork, working copy,
   confinement, end; times the workers a submission takes), and the grader's own CPU (the
   comparisons, the protocol, copying files).
"""

from __future__ import annotations

import argparse
import contextlib
import cProfile
import io
import os
import pstats
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from kit_versions import kit_at  # beside this script

KIT = Path(__file__).resolve().parents[1]
PYTEST = [
    sys.executable,
    "-m",
    "pytest",
    "exercises",
    "-q",
    "-p",
    "no:cacheprovider",
    "--feedback=",
]


def timed(cmd: list[str], cwd=KIT, env=None) -> float:
    env = {k: v for k, v in (env or os.environ).items() if k != "PYTHONDONTWRITEBYTECODE"}
    start = time.perf_counter()
    subprocess.run(cmd, cwd=cwd, env=env, check=True, capture_output=True)
    return time.perf_counter() - start


def grade_batch(room: Path, out: Path, jobs: int) -> list[str]:
    return [
        sys.executable,
        "-m",
        "autograder",
        "grade",
        str(room),
        "--out",
        str(out),
        "-j",
        str(jobs),
    ]


def nbgrader_per_submission(tmp: Path, students: int) -> float | None:
    """Seconds of `nbgrader autograde` (both assignments) per student."""
    try:
        import nbformat  # noqa: F401
        import nbgrader  # noqa: F401
    except ImportError:
        return None
    from autograder.integrations.nbgrader import write_course

    root = tmp / "course"
    write_course(root)
    env = {
        **os.environ,
        **{
            k: str(root / ".jupyter" / k)
            for k in ("JUPYTER_CONFIG_DIR", "JUPYTER_DATA_DIR", "JUPYTER_RUNTIME_DIR", "IPYTHONDIR")
        },
        "PATH": f"{os.path.dirname(sys.executable)}:{os.environ['PATH']}",
    }
    nbgrader = [sys.executable, "-m", "nbgrader"]
    assignments = ("part4_2", "part4_3")
    for a in assignments:
        subprocess.run(
            [*nbgrader, "generate_assignment", a, "--force"],
            cwd=root,
            env=env,
            check=True,
            capture_output=True,
        )
    for k in range(students):
        for a in assignments:
            shutil.copytree(root / "source" / a, root / "submitted" / f"s{k:03d}" / a)
    wall = sum(
        timed([*nbgrader, "autograde", a, "--force"], cwd=root, env=env) for a in assignments
    )
    return wall / students


def gradescope_seconds(tmp: Path, runs: int) -> float:
    """Wall seconds of `run_autograder` on the solutions in a recreated /autograder layout."""
    import zipfile

    from autograder.integrations.gradescope import build

    bundle = tmp / "gs" / "autograder.zip"
    bundle.parent.mkdir()
    build(bundle)
    shims = tmp / "gs" / "bin"  # `python3` there is the interpreter with the dependencies
    shims.mkdir()
    (shims / "python3").write_text(f'#!/bin/sh\nexec "{sys.executable}" "$@"\n')
    (shims / "python3").chmod(0o755)
    times = []
    for k in range(runs):
        root = tmp / "gs" / f"run{k}" / "autograder"
        with zipfile.ZipFile(bundle) as z:
            z.extractall(root / "source")
        shutil.copy(root / "source" / "run_autograder", root / "run_autograder")
        (root / "results").mkdir()
        shutil.copytree(KIT / "solutions", root / "submission")
        env = {**os.environ, "AUTOGRADER_ROOT": str(root), "PATH": f"{shims}:{os.environ['PATH']}"}
        # setup.sh's offline steps, done once when Gradescope builds the image
        subprocess.run([sys.executable, "-m", "compileall", "-q", str(root / "source")], check=True)
        subprocess.run([sys.executable, "-c", "import matplotlib.font_manager"], check=True)
        times.append(timed(["bash", str(root / "run_autograder")], cwd=root, env=env))
        assert '"score": 100' in (root / "results" / "results.json").read_text().replace(
            "100.0", "100"
        )
    return statistics.median(times)


def breakdown(room: Path, n: int = 5) -> dict[str, float]:
    """Seconds per submission: learner's code, its figures, isolation, the grader's own CPU."""
    from autograder.batch import warm
    from autograder.grading.grade import grade
    from autograder.run.environment import work_base
    from autograder.run.runner import WorkerRunner
    from autograder.units import UNITS

    warm()
    subs = sorted(room.iterdir())[: n + 1]
    grade(subs[0])  # the fork server started, the reference answers remembered
    spawns, waited = [0], [0.0]
    call, spawn = WorkerRunner.call, WorkerRunner._spawn

    def counted_spawn(self):
        spawns[0] += 1
        return spawn(self)

    def timed_call(self, *a, **k):
        start = time.perf_counter()
        try:
            return call(self, *a, **k)
        finally:
            waited[0] += time.perf_counter() - start

    WorkerRunner._spawn, WorkerRunner.call = counted_spawn, timed_call
    cpu, wall = time.process_time(), time.perf_counter()
    for s in subs[1:]:
        grade(s)
    cpu, wall = (time.process_time() - cpu) / n, (time.perf_counter() - wall) / n
    WorkerRunner._spawn, WorkerRunner.call = spawn, call
    workers = spawns[0] / n

    # isolation: a fresh confined worker with a trivial call, as the batch makes them
    folder = Path(tempfile.mkdtemp(dir=work_base())) / "w"
    folder.mkdir()
    (folder / "m.py").write_text("def f():\n    return 1\n")
    per_worker = []
    with WorkerRunner(folder, confine=True) as runner:
        runner.call("m", "f", {})
        for _ in range(30):
            runner.fresh()
            start = time.perf_counter()
            runner.call("m", "f", {})
            runner.fresh()
            per_worker.append(time.perf_counter() - start)
    shutil.rmtree(folder.parent, ignore_errors=True)

    # the learner's code, in this process (warm, unconfined), profiled: matplotlib's share
    sys.path[:0] = [str(subs[0]), str(KIT / "exercises")]
    os.environ["NNKIT_OFFLINE"] = "1"
    import importlib

    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    from autograder.run import worker

    worker.quiet_layout()
    calls = [(u, c) for u in UNITS for t in u.public_tests() + u.hidden_tests() for c in t.calls]

    def run_all():
        for u, c in calls:
            fn = getattr(importlib.import_module(u.module), u.function)
            with contextlib.redirect_stdout(io.StringIO()):
                fn(**c.kwargs)
            plt.close("all")

    run_all()
    start = time.perf_counter()
    for _ in range(3):
        run_all()
    learner_total = (time.perf_counter() - start) / 3
    profile = cProfile.Profile()
    profile.runcall(run_all)
    stats = pstats.Stats(profile).stats
    total_tt = sum(v[2] for v in stats.values())
    mpl_tt = sum(
        v[2] for k, v in stats.items() if "/matplotlib/" in k[0] or "/mpl_toolkits/" in k[0]
    )
    figures = learner_total * mpl_tt / total_tt
    return {
        "wall": wall,
        "grader_cpu": cpu,
        "waiting": waited[0] / n,
        "workers": workers,
        "per_worker": statistics.median(per_worker),
        "learner": learner_total - figures,
        "figures": figures,
        "calls": len(calls),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("-n", type=int, default=100, help="submissions in the batch (default 100)")
    parser.add_argument(
        "--competitor-n", type=int, default=6, help="submissions each competitor grades"
    )
    parser.add_argument("--skip-nbgrader", action="store_true")
    parser.add_argument("--gradescope-runs", type=int, default=3)
    parser.add_argument(
        "--before",
        default="8a8ad39",
        help="also grade -j 2 with the kit at this revision ('' for none)",
    )
    args = parser.parse_args()
    print(
        f"Batch grading, {os.cpu_count()} cores, load average {os.getloadavg()[0]:.2f} at the start\n"
    )
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        room = tmp / "room"
        for i in range(args.n):
            shutil.copytree(KIT / "solutions", room / f"s{i:03d}")
        rows = []
        for jobs in (2, 1):
            wall = timed(grade_batch(room, tmp / f"o{jobs}", jobs))
            rows.append(
                (
                    f"autograder grade -j {jobs} (public + hidden, full isolation)",
                    wall,
                    wall / args.n,
                )
            )
        before = kit_at(args.before, tmp / "before")
        if before is not None:  # the same batch, graded by the kit before this work
            env = {**os.environ, "PYTHONPATH": str(before)}
            wall = timed(grade_batch(room, tmp / "ob", 2), cwd=before, env=env)
            rows.append(
                (f"for comparison: the kit at {args.before}, grade -j 2", wall, wall / args.n)
            )
        subs = sorted(room.iterdir())[: args.competitor_n]
        servers = tmp / "servers"  # the learners' warm server, in this run's own folder
        servers.mkdir(mode=0o700)
        env = {**os.environ, "XDG_RUNTIME_DIR": str(servers)}
        cold = statistics.median(
            timed([*PYTEST, f"--submission={s}"], env={**env, "NNKIT_SERVER": "0"}) for s in subs
        )
        timed([*PYTEST, f"--submission={subs[0]}"], env=env)  # starts the warm server
        warm = statistics.median(timed([*PYTEST, f"--submission={s}"], env=env) for s in subs)
        timed([sys.executable, "-m", "autograder", "server", "--stop"], env=env)
        competitors = [
            (
                "competitor: pytest exercises --submission, one process per submission (public only)",
                cold,
            ),
            (
                "  the same, served by the learners' warm server (no isolation beyond a worker)",
                warm,
            ),
        ]
        nb = None if args.skip_nbgrader else nbgrader_per_submission(tmp, args.competitor_n)
        if nb is not None:
            import nbgrader

            competitors.append(
                (
                    f"competitor: nbgrader {nbgrader.__version__} autograde, both notebooks of a student",
                    nb,
                )
            )
        gradescope = gradescope_seconds(tmp, args.gradescope_runs)
        parts = breakdown(room)
    ours = rows[0][2]
    print(f"{'method':<92} {'total s':>8} {'s/sub':>7} {'subs/s':>7}")
    for name, total, p in rows:
        print(f"{name:<92} {total:>8.1f} {p:>7.3f} {1 / p:>7.2f}")
    for name, p in competitors:
        print(
            f"{name:<92} {'':>8} {p:>7.3f} {1 / p:>7.2f}   (grade -j 2 is {p / ours:.1f}x faster; target 15x: {'met' if p / ours >= 15 else 'NOT met'})"
        )
    if nb is None and not args.skip_nbgrader:
        print("nbgrader: not installed here (pip install -e '.[dev]'), not measured")
    print(
        f"\n-j 2: {ours:.3f} s wall per submission (target: at most 0.1 s) -> {'met' if ours <= 0.1 else 'NOT met'}"
    )
    print(
        f"Gradescope: run_autograder on one submission in the recreated /autograder layout "
        f"(median of {args.gradescope_runs}): {gradescope:.2f} s (target: at most 2 s) -> "
        f"{'met' if gradescope <= 2 else 'NOT met'}"
    )
    isolation = parts["workers"] * parts["per_worker"]
    print(
        f"\nWhere a submission's time goes (-j 1, mean of 5 submissions in one process: {parts['wall']:.3f} s wall):\n"
        f"  the learner's own code ({parts['calls']} calls, in-process):     {parts['learner']:.3f} s\n"
        f"  figure creation in that code (matplotlib's share):      {parts['figures']:.3f} s\n"
        f"  isolation: {parts['workers']:.0f} fresh confined workers x {parts['per_worker'] * 1000:.1f} ms "
        f"(fork, copy, confine, end):  {isolation:.3f} s\n"
        f"  the grader's own CPU (comparisons, protocol, files):   {parts['grader_cpu']:.3f} s\n"
        f"  the rest of the {parts['waiting']:.3f} s waited on workers: what each fresh worker does "
        f"again (imports the submission's files, loads the MNIST sample, faults in the pages it "
        f"touches):  {parts['waiting'] - parts['learner'] - parts['figures'] - isolation:.3f} s\n"
        f"  (one grading process; -j 2 runs two such streams on the 2 cores)"
    )


if __name__ == "__main__":
    main()
