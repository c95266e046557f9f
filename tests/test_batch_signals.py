"""Stopping a batch: SIGTERM, SIGINT (Ctrl-C) to the batch's main process alone stops it
within 5 s even while a submission hangs, leaves no process behind (pool processes, fork
servers, bubblewrap, workers, their daemons), keeps every finished result, and a re-run
resumes without regrading them."""

from __future__ import annotations

import os
import re
import shutil
import signal
import subprocess
import time
from pathlib import Path

import pytest

from tests.helpers import KIT, SOLUTIONS, grade_argv, replace_function

pytestmark = pytest.mark.slow

HANG = "def max_pool(X, size=2, stride=2):\n    while True:\n        pass\n"
# a hang that also leaves a daemon (its own session, SIGTERM ignored) behind if it can
DAEMON_HANG = """def conv2d(image, filter_kernel, stride=1):
    import os, signal, time
    if os.fork() == 0:
        os.setsid()
        signal.signal(signal.SIGTERM, signal.SIG_IGN)
        if os.fork() == 0:
            time.sleep(120)
        os._exit(0)
    while True:
        pass
"""


def processes() -> dict[int, tuple[int, int, str]]:
    """{pid: (parent, session, command line)} of every process."""
    found = {}
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                stat = Path(f"/proc/{entry}/stat").read_text()
                fields = stat.rsplit(")", 1)[1].split()
                cmdline = (
                    Path(f"/proc/{entry}/cmdline")
                    .read_bytes()
                    .replace(b"\0", b" ")
                    .decode(errors="replace")
                )
                found[int(entry)] = (int(fields[1]), int(fields[3]), cmdline)
            except (OSError, IndexError, ValueError):
                pass
    return found


def descendants(root: int, table: dict) -> set[int]:
    found, frontier = set(), {root}
    while frontier:
        frontier = {
            p for p, (parent, _, _) in table.items() if parent in frontier and p not in found
        }
        found |= frontier
    return found


@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGINT])
def test_a_signal_to_the_batch_stops_everything_and_a_rerun_resumes(signum, tmp_path):
    room = tmp_path / "room"
    for name in ("alice", "bob", "carol"):
        shutil.copytree(SOLUTIONS, room / name, ignore=shutil.ignore_patterns("__pycache__"))
    for name, (function, source) in {
        "hang": ("max_pool", HANG),
        "daemon": ("conv2d", DAEMON_HANG),
    }.items():
        shutil.copytree(SOLUTIONS, room / name, ignore=shutil.ignore_patterns("__pycache__"))
        replace_function(room / name / "neural_network.py", function, source)
    out = tmp_path / "out"
    before = set(processes())
    batch = subprocess.Popen(
        grade_argv(room, out, "-j", "2", "--timeout", "30"),
        cwd=KIT,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        start_new_session=True,
    )
    try:
        deadline = (
            time.monotonic() + 90
        )  # alice and bob finish; daemon and hang are then stuck in their hangs
        while time.monotonic() < deadline and len(list((out / "results").glob("*.json"))) < 2:
            time.sleep(0.05)
        time.sleep(2)
        table = processes()
        tree = descendants(batch.pid, table)
        assert len(tree) >= 4, "expected pool processes, fork servers and workers to be running"
        done = {p.name: p.stat().st_mtime_ns for p in (out / "results").glob("*.json")}
        assert 2 <= len(done) < 5
        start = time.monotonic()
        os.kill(batch.pid, signum)  # the main process alone
        _, err = batch.communicate(timeout=10)
        took = time.monotonic() - start
        print(
            f"\nstopped by {signal.Signals(signum).name} in {took:.2f} s; {len(tree)} processes were running"
        )
        assert took < 5, f"took {took:.1f} s to stop"
        assert "interrupted: finished submissions are saved" in err.decode()
        time.sleep(0.5)
        now = processes()
        left = {p: now[p][2] for p in tree if p in now and now[p][2] == table[p][2]}
        # the folders of this batch's fork servers (nnkit-zygote-<random>), as their command lines
        # name them; not the fixed mount points (/nnkit-box) every grader's bubblewrap names
        ours = {
            m
            for p in tree
            for m in re.findall(r"/[\w/.-]*nnkit-(?:zygote|work)-[\w.-]+", table[p][2])
        }
        assert ours, "the fork servers' command lines name their nnkit folders"
        left |= {
            p: c
            for p, (_, sid, c) in now.items()
            if p not in before
            and (sid == batch.pid or str(out) in c or str(room) in c or any(m in c for m in ours))
        }
        assert not left, f"left behind: {left}"
    finally:
        if batch.poll() is None:
            os.killpg(batch.pid, signal.SIGKILL)
            batch.wait()
    assert {
        p.name: p.stat().st_mtime_ns for p in (out / "results").glob("*.json") if p.name in done
    } == done
    again = subprocess.run(
        grade_argv(room, out, "-j", "2", "--timeout", "2"),
        cwd=KIT,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert again.returncode == 0, again.stderr
    assert f"{len(done)} of 5 already graded: skipped" in again.stderr
    assert {
        p.name: p.stat().st_mtime_ns for p in (out / "results").glob("*.json") if p.name in done
    } == done
    assert len(list((out / "results").glob("*.json"))) == 5
