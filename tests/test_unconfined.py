"""Where the minimum confinement cannot be had, ``grade`` refuses with one sentence naming what
is missing; ``--unconfined`` grades anyway and every results file says so.

The missing layer is faked with NNKIT_NO_LANDLOCK=1, which ``confine.probe()`` honours for the
kit's tests only (NNKIT_NO_SECCOMP=1 likewise)."""

from __future__ import annotations

import csv
import json
import os
import shutil
import subprocess
import sys

import pytest

from tests.helpers import KIT, SOLUTIONS

pytestmark = pytest.mark.slow


def grade(*args, **env):
    return subprocess.run(
        [sys.executable, "-m", "autograder", "grade", *args],
        cwd=KIT,
        capture_output=True,
        text=True,
        env={**os.environ, **env},
    )


@pytest.mark.parametrize(
    "fake, named", [("NNKIT_NO_LANDLOCK", "Landlock"), ("NNKIT_NO_SECCOMP", "seccomp")]
)
def test_grade_refuses_in_one_sentence_naming_what_is_missing(fake, named, tmp_path):
    proc = grade(str(SOLUTIONS), "--json", str(tmp_path / "r.json"), **{fake: "1"})
    assert proc.returncode == 2
    assert proc.stdout == ""
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].count(". ") == 0, proc.stderr  # one sentence
    assert (
        named in lines[0]
        and "--unconfined" in lines[0]
        and lines[0].startswith("error: refusing to grade")
    )
    assert not (tmp_path / "r.json").exists()


def test_unconfined_single_grade_is_marked(tmp_path):
    proc = grade(
        str(SOLUTIONS),
        "--public-only",
        "--unconfined",
        "--json",
        str(tmp_path / "r.json"),
        NNKIT_NO_LANDLOCK="1",
    )
    assert proc.returncode == 0, proc.stderr
    assert "UNCONFINED" in proc.stdout and "NO Landlock" in proc.stdout
    doc = json.loads((tmp_path / "r.json").read_text())
    assert "Landlock" in doc["unconfined"] and doc["output"].startswith("UNCONFINED grading")
    assert doc["score"] == 100


def test_unconfined_batch_marks_every_results_file(tmp_path):
    room = tmp_path / "room"
    shutil.copytree(SOLUTIONS, room / "alice")
    shutil.copytree(
        KIT / "exercises",
        room / "stubs",
        ignore=shutil.ignore_patterns("tests", "data", "__pycache__"),
    )
    out = tmp_path / "out"
    proc = grade(
        str(room), "--out", str(out), "--public-only", "--unconfined", NNKIT_NO_LANDLOCK="1"
    )
    assert proc.returncode == 0, proc.stderr
    docs = [json.loads(p.read_text()) for p in (out / "results").glob("*.json")]
    assert len(docs) == 2 and all(
        "Landlock" in d["unconfined"] and "UNCONFINED" in d["output"] for d in docs
    )
    with open(out / "summary.csv") as f:
        assert all("UNCONFINED" in row["status"] for row in csv.DictReader(f))


def test_confined_results_carry_no_mark(tmp_path):
    proc = grade(str(SOLUTIONS), "--public-only", "--json", str(tmp_path / "r.json"))
    assert proc.returncode == 0, proc.stderr
    doc = json.loads((tmp_path / "r.json").read_text())
    assert "unconfined" not in doc and "UNCONFINED" not in proc.stdout + doc["output"]
