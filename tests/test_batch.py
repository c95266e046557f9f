"""Batch grading: mixed submissions, a correct summary, and resuming after an interruption."""

from __future__ import annotations

import csv
import os
import shutil
import signal
import subprocess
import sys
import time

import pytest

from tests.helpers import KIT, SOLUTIONS, grade_argv, replace_function

pytestmark = pytest.mark.slow  # end to end: workers and subprocesses

HANG = "def max_pool(X, size=2, stride=2):\n    while True:\n        pass\n"
CHEAT = "import numpy as np\nnp.allclose = lambda *a, **k: True\n"


@pytest.fixture
def classroom(tmp_path):
    """A folder of submission folders: correct, stubs, empty, broken and hostile ones."""
    room = tmp_path / "room"
    for name in ("alice", "bob"):
        shutil.copytree(SOLUTIONS, room / name)
    shutil.copytree(
        KIT / "exercises",
        room / "stubs",
        ignore=shutil.ignore_patterns("tests", "data", "__pycache__"),
    )
    (room / "empty").mkdir()
    shutil.copytree(SOLUTIONS, room / "syntax")
    (room / "syntax" / "neural_network.py").write_text("def conv2d(:\n")
    shutil.copytree(SOLUTIONS, room / "hang")
    replace_function(room / "hang" / "neural_network.py", "max_pool", HANG)
    shutil.copytree(
        KIT / "exercises",
        room / "cheat",
        ignore=shutil.ignore_patterns("tests", "data", "__pycache__"),
    )
    nn = room / "cheat" / "neural_network.py"
    nn.write_text(CHEAT + nn.read_text())
    (room / "cheat" / "conftest.py").write_text("raise SystemExit(0)\n")
    return room


def batch(room, out, *extra):
    return subprocess.run(
        grade_argv(room, out, "--timeout", "3", *extra),
        cwd=KIT,
        capture_output=True,
        text=True,
    )


def summary(out) -> dict[str, dict]:
    with open(out / "summary.csv") as f:
        return {row["submission"]: row for row in csv.DictReader(f)}


# "syntax": neural_network.py does not load, so conv2d and max_pool (40 points) fail; the correct
# exercises are graded with working stand-ins for them and keep their 60. "hang": max_pool never
# returns and loses its 20; the Part 4.3 exercises that call it are graded with a stand-in.
EXPECTED = {"alice": 100, "bob": 100, "stubs": 0, "empty": 0, "syntax": 60, "cheat": 0, "hang": 80}


def test_mixed_batch_gives_a_correct_summary(classroom, tmp_path):
    proc = batch(classroom, tmp_path / "out", "-j", "2")
    assert proc.returncode == 0, proc.stderr
    rows = summary(tmp_path / "out")
    assert set(rows) == set(EXPECTED)
    for name, score in EXPECTED.items():
        assert float(rows[name]["score"]) == pytest.approx(score), name
    hang = rows["hang"]
    assert (
        float(hang["max_pool"]) == 0 and float(hang["conv2d"]) == 20 and float(hang["4.3.3"]) == 8
    )
    assert all(r["status"] == "graded" for r in rows.values())
    assert "7 submissions: 7 graded now" in proc.stdout


def test_interrupted_batch_resumes_without_regrading(classroom, tmp_path):
    out = tmp_path / "out"
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "autograder",
            "grade",
            str(classroom),
            "--out",
            str(out),
            "--timeout",
            "3",
        ],
        cwd=KIT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and len(list((out / "results").glob("*.json"))) < 2:
        time.sleep(0.05)
    os.killpg(proc.pid, signal.SIGKILL)  # as hard as an interruption gets
    proc.wait()
    done = {p.name: p.stat().st_mtime_ns for p in (out / "results").glob("*.json")}
    assert 2 <= len(done) < 7
    again = batch(classroom, out)
    assert again.returncode == 0
    assert f"{len(done)} of 7 already graded: skipped" in again.stderr
    assert {
        p.name: p.stat().st_mtime_ns for p in (out / "results").glob("*.json") if p.name in done
    } == done
    rows = summary(out)
    assert len(rows) == 7 and all(r["status"] == "graded" for r in rows.values())
    for name, score in EXPECTED.items():
        assert float(rows[name]["score"]) == pytest.approx(score), name
