"""The learner's loop, each figure against its target and its competitor, from one run.

    python benchmarks/learner_loop.py [--repeat 7] [--saves 5] [--before REV]

1. `pytest exercises` as learners run it, whole processes (start-up and imports included),
   with its warm server (autograder/learner/server.py) started by an earlier run, as a
   learner's first run starts it; against the bare-pytest floor: `pytest` on one file
   holding one trivial test, timed in the same rounds (the commands take turns, round after
   round; each ratio is taken within its round and the median ratio is given). Targets: a
   finished submission (`--submission solutions`) at most 2.0x the floor; one library unit
   (`-k conv2d`, on the solutions) at most 1.3x; a fresh stub run (`pytest exercises` on a
   copy of the stubs) at most 1.3x. Also shown: the same commands with the server off
   (NNKIT_SERVER=0), and the first run of a session, the one that starts the server.
2. `python -m autograder watch`, read through a pseudo-terminal as a learner sees it: from a
   file save (the file rewritten) to the new table complete on the screen. Targets: at most
   0.3 s for a library unit (neural_network.py saved: conv2d's and max_pool's table), 0.6 s
   for a plotting exercise (ex4_2_3_mnist_edges.py saved). Competitor: the same command of
   the kit at --before (default: the commit before this work, whose watch polled every 0.5 s
   and started a fresh worker per run), measured in the same run.

The kit at --before (a `git archive` of that revision) is also timed on the pytest commands,
for comparison; without git, or with --before '', those columns are left out.
"""

from __future__ import annotations

import argparse
import fcntl
import os
import pty
import select
import shutil
import statistics
import struct
import subprocess
import sys
import tempfile
import termios
import time
from pathlib import Path

from kit_versions import kit_at  # beside this script

KIT = Path(__file__).resolve().parents[1]
BEFORE = "8a8ad39"  # main before the speed work
PYTEST = [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "--feedback="]


def timed(cmd, cwd, env=None) -> float:
    env = env if env is not None else env_for(None)
    start = time.perf_counter()
    subprocess.run(cmd, cwd=cwd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return time.perf_counter() - start


def env_for(tree: Path | None, server: bool = True) -> dict:
    """This environment as a learner's is: bytecode written (PYTHONDONTWRITEBYTECODE unset);
    the warm servers in this run's own folder (SERVERS); ``server=False``: NNKIT_SERVER=0."""
    env = {
        k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "PYTHONDONTWRITEBYTECODE")
    }
    env["XDG_RUNTIME_DIR"] = str(SERVERS)
    if not server:
        env["NNKIT_SERVER"] = "0"
    if tree is not None:  # that tree's autograder before the installed one
        env["PYTHONPATH"] = str(tree)
    return env


SERVERS = Path(tempfile.mkdtemp(prefix="nnkit-bench-servers-"))


def stop_servers() -> None:
    subprocess.run(
        [sys.executable, "-m", "autograder", "server", "--stop"],
        cwd=KIT,
        env=env_for(None),
        stdout=subprocess.DEVNULL,
    )


# --- 1. pytest exercises ----------------------------------------------------------------


def pytest_rounds(args, tmp: Path, before: Path | None) -> None:
    floor_dir = tmp / "floor"
    floor_dir.mkdir()
    (floor_dir / "test_trivial.py").write_text("def test_trivial():\n    assert True\n")
    stubs = tmp / "stubs"
    shutil.copytree(KIT / "exercises", stubs, ignore=shutil.ignore_patterns("tests", "__pycache__"))
    solutions = str(KIT / "solutions")
    floor = [*PYTEST[:-1], str(floor_dir / "test_trivial.py")]
    # (label, kit tree, environment): the kit as a learner runs it (its warm server), the same
    # kit with the server off, and the kit at --before
    trees = [("now", KIT, env_for(None)), ("no server", KIT, env_for(None, server=False))]
    if before is not None:
        trees.append(("before", before, env_for(before)))
    for _, tree, env in trees:
        # one unmeasured run each: bytecode written and the server started, as on a learner's
        # second run
        timed([*PYTEST, str(tree / "exercises"), f"--submission={stubs}"], tree, env)
    time.sleep(2.0)  # the server settles after its first run (it then loads pyplot)
    timed(floor, KIT)
    cases = [  # (name, target ratio, command relative to a kit tree)
        (
            "finished submission: pytest exercises --submission solutions",
            2.0,
            [f"--submission={solutions}"],
        ),
        (
            "one library unit: pytest exercises -k conv2d (solutions)",
            1.3,
            ["-k", "conv2d", f"--submission={solutions}"],
        ),
        (
            "fresh stub run: pytest exercises (a copy of the stubs)",
            1.3,
            [f"--submission={stubs}"],
        ),
    ]
    cold = "first run of a session (no server yet), finished submission"
    walls: dict[tuple, list[float]] = {}
    ratios: dict[tuple, list[float]] = {}
    for _ in range(args.repeat):
        f = timed(floor, KIT)
        walls.setdefault(("floor",), []).append(f)
        for label, tree, env in trees:
            for name, _, extra in cases:
                w = timed([*PYTEST, str(tree / "exercises"), *extra], tree, env)
                walls.setdefault((label, name), []).append(w)
                ratios.setdefault((label, name), []).append(w / f)
        stop_servers()  # the learner's first run after a break: the server starts with it
        w = timed(
            [*PYTEST, str(KIT / "exercises"), f"--submission={solutions}"], KIT, env_for(None)
        )
        walls.setdefault(("now", cold), []).append(w)
        ratios.setdefault(("now", cold), []).append(w / f)
        time.sleep(2.0)
    med = statistics.median
    print(
        f"1. pytest exercises, wall s, median of {args.repeat} rounds; x = over the floor in the same round\n"
    )
    print(f"  bare-pytest floor (one trivial test file): {med(walls['floor',]):.2f} s")
    head = f"  {'command':<64} {'now':>7} {'x floor':>8} {'target':>7}"
    for label, _, _ in trees[1:]:
        head += f" {label:>10} {'x floor':>8}"
    print(head)
    for name, target, _ in cases:
        r = med(ratios["now", name])
        line = f"  {name:<64} {med(walls['now', name]):>7.2f} {r:>7.2f}x {target:>6.1f}x"
        for label, _, _ in trees[1:]:
            line += f" {med(walls[label, name]):>10.2f} {med(ratios[label, name]):>7.2f}x"
        print(f"{line}  {'met' if r <= target else 'NOT met'}")
    print(
        f"  {cold:<64} {med(walls['now', cold]):>7.2f} {med(ratios['now', cold]):>7.2f}x"
        f" {'-':>7}  (no target: paid once, then the server is warm)"
    )
    print(
        "  now: the kit as a learner runs it, its warm server started by an earlier run;"
        " no server: NNKIT_SERVER=0"
        + (f"; before: the kit at {args.before}" if before is not None else "")
    )


# --- 2. watch through a pty ---------------------------------------------------------------


class Screen:
    """A command on a pseudo-terminal (200 columns), and what it has written so far."""

    def __init__(self, cmd, cwd, env):
        self.master, slave = pty.openpty()
        fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", 50, 200, 0, 0))
        self.proc = subprocess.Popen(
            cmd, cwd=cwd, env=env, stdin=slave, stdout=slave, stderr=slave, start_new_session=True
        )
        os.close(slave)
        self.text = ""

    def wait_for(self, *needles: str, start: int = 0, timeout: float = 60) -> float:
        """Read until every needle is on the screen after offset ``start``, in order; the time
        it was read (time.perf_counter)."""
        deadline = time.monotonic() + timeout
        while True:
            at = start
            for needle in needles:
                at = self.text.find(needle, at)
                if at < 0:
                    break
                at += len(needle)
            else:
                return time.perf_counter()
            left = deadline - time.monotonic()
            if left <= 0 or not select.select([self.master], [], [], left)[0]:
                raise TimeoutError(f"{needles} not on the screen:\n{self.text[-2000:]}")
            try:
                self.text += os.read(self.master, 65536).decode(errors="replace")
            except OSError:
                raise TimeoutError(f"the command ended:\n{self.text[-2000:]}") from None

    def stop(self) -> None:
        self.proc.send_signal(2)
        try:
            self.proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(self.proc.pid, 9)
            self.proc.wait()
        os.close(self.master)


def watch_latencies(tree: Path, env, folder: Path, saves: int, new: bool) -> dict[str, list[float]]:
    """Seconds from a save to the new table, per saved file."""
    screen = Screen(
        [sys.executable, "-m", "autograder", "watch", "--submission", str(folder)], tree, env
    )
    done = "Every public test passes"
    out: dict[str, list[float]] = {}
    try:
        screen.wait_for("re-ran the public tests for: all units", done, timeout=120)
        time.sleep(1.0)  # settled: the next run's worker is started and warm
        run = 1
        for k in range(saves):
            for name in ("neural_network.py", "ex4_2_3_mnist_edges.py"):
                path = folder / name
                source = path.read_text()
                mark = len(screen.text)
                start = time.perf_counter()
                path.write_text(source + f"\n# save {k}\n")  # the learner saves
                run += 1
                header = f"(run {run};" if new else f"re-ran the public tests for: {name}"
                end = screen.wait_for(header, done, start=mark)
                out.setdefault(name, []).append(end - start)
                if name == "neural_network.py":  # the exercises built on it follow: let them
                    if new:
                        screen.wait_for(header, done, header, done, start=mark)
                time.sleep(1.0)  # the learner reads; the next worker warms
    finally:
        screen.stop()
    return out


def watch_rounds(args, tmp: Path, before: Path | None) -> None:
    folder = tmp / "mine"
    shutil.copytree(KIT / "solutions", folder, ignore=shutil.ignore_patterns("__pycache__"))
    now = watch_latencies(KIT, env_for(None), folder, args.saves, new=True)
    old = None
    if before is not None:
        old = watch_latencies(before, env_for(before), folder, args.saves, new=False)
    med = statistics.median
    print(
        f"\n2. python -m autograder watch, read through a pty: save -> new table, s, median of {args.saves} saves\n"
    )
    print(f"  {'saved file':<60} {'now':>7} {'target':>7} {'competitor':>11}")
    for name, what, target in (
        ("neural_network.py", "a library unit (conv2d and max_pool's table)", 0.3),
        ("ex4_2_3_mnist_edges.py", "a plotting exercise (4.2.3)", 0.6),
    ):
        t = med(now[name])
        comp = f"{med(old[name]):>10.2f}s" if old else f"{'-':>11}"
        print(
            f"  {name + ': ' + what:<60} {t:>6.2f}s {target:>6.1f}s {comp}  {'met' if t <= target else 'NOT met'}"
        )
    if old:
        print(
            f"  competitor: the kit at {args.before} (polling every 0.5 s, a fresh worker started per run)"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=7, help="rounds of the pytest commands")
    parser.add_argument("--saves", type=int, default=5, help="saves of each file under watch")
    parser.add_argument("--before", default=BEFORE, help="the competitor's revision ('' for none)")
    args = parser.parse_args()
    print(
        f"The learner's loop on this machine ({os.cpu_count()} cores, load average "
        f"{os.getloadavg()[0]:.2f} at the start)\n"
    )
    try:
        with tempfile.TemporaryDirectory() as tmp:
            before = kit_at(args.before, Path(tmp) / "before")
            pytest_rounds(args, Path(tmp), before)
            watch_rounds(args, Path(tmp), before)
    finally:
        stop_servers()
        shutil.rmtree(SERVERS, ignore_errors=True)
    print(f"\n(load average {os.getloadavg()[0]:.2f} at the end)")


if __name__ == "__main__":
    main()
