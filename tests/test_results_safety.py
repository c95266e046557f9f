"""Claims 7 and 8: results files cannot be redirected, and nothing submitted code prints,
raises or returns reaches the instructor's terminal (or a results file) raw."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys

import pytest

from autograder.report import UnsafeTarget, write_atomic
from tests.helpers import KIT, SOLUTIONS, replace_function


def grade(*args):
    return subprocess.run(
        [sys.executable, "-m", "autograder", "grade", *args],
        cwd=KIT,
        capture_output=True,
        text=True,
        timeout=300,
    )


# --- claim 7, fast: the writer itself ----------------------------------------------------------


def test_write_atomic_replaces_a_regular_file_and_leaves_no_temp(tmp_path):
    target = tmp_path / "r.json"
    target.write_text("old")
    write_atomic(target, "new")
    assert target.read_text() == "new" and os.listdir(tmp_path) == ["r.json"]


@pytest.mark.parametrize("plant", ["symlink", "fifo", "dangling"])
def test_write_atomic_refuses_a_planted_link_or_fifo(plant, tmp_path):
    elsewhere = tmp_path / "elsewhere.json"
    elsewhere.write_text("untouched")
    target = tmp_path / "shared" / "r.json"
    target.parent.mkdir()
    if plant == "symlink":
        target.symlink_to(elsewhere)
    elif plant == "dangling":
        target.symlink_to(tmp_path / "created-through-the-link.json")
    else:
        os.mkfifo(target)
    with pytest.raises(UnsafeTarget, match="refusing to write .*(symbolic link|FIFO)"):
        write_atomic(target, "forged")
    assert (
        elsewhere.read_text() == "untouched"
        and not (tmp_path / "created-through-the-link.json").exists()
    )
    assert os.listdir(target.parent) == ["r.json"]  # no temp file left


def test_write_atomic_refuses_a_folder_that_is_a_link(tmp_path):
    (tmp_path / "real").mkdir()
    (tmp_path / "results").symlink_to(tmp_path / "real")
    with pytest.raises(UnsafeTarget, match="without following"):
        write_atomic(tmp_path / "results" / "r.json", "x")
    assert os.listdir(tmp_path / "real") == []


# --- claim 7, end to end -----------------------------------------------------------------------


@pytest.mark.slow
@pytest.mark.parametrize("plant", ["symlink", "fifo"])
def test_grade_json_refuses_a_planted_target(plant, tmp_path):
    victim = tmp_path / "victim.txt"
    victim.write_text("untouched")
    target = tmp_path / "results.json"
    target.symlink_to(victim) if plant == "symlink" else os.mkfifo(target)
    proc = grade(str(SOLUTIONS), "--public-only", "--json", str(target))
    assert proc.returncode == 2
    assert "refusing to write" in proc.stderr and (
        "symbolic link" in proc.stderr or "FIFO" in proc.stderr
    )
    assert victim.read_text() == "untouched"


@pytest.mark.slow
def test_batch_refuses_planted_results_files_and_grades_the_rest(tmp_path):
    room = tmp_path / "room"
    for name in ("alice", "bob", "carol"):
        shutil.copytree(SOLUTIONS, room / name, ignore=shutil.ignore_patterns("__pycache__"))
    out = tmp_path / "out"
    (out / "results").mkdir(parents=True)
    victim = tmp_path / "victim.txt"
    victim.write_text("untouched")
    (out / "results" / "alice.json").symlink_to(victim)
    os.mkfifo(out / "results" / "bob.json")
    proc = grade(str(room), "--out", str(out), "--public-only")
    assert proc.returncode == 0, proc.stderr
    assert (
        "grader error on alice: refusing to write" in proc.stdout and "symbolic link" in proc.stdout
    )
    assert "grader error on bob: refusing to write" in proc.stdout and "FIFO" in proc.stdout
    assert victim.read_text() == "untouched"
    assert json.loads((out / "results" / "carol.json").read_text())["score"] == 100
    (out / "summary.csv").unlink()
    (out / "summary.csv").symlink_to(victim)
    again = grade(str(room), "--out", str(out), "--public-only")
    assert (
        again.returncode == 2
        and "refusing to write" in again.stderr
        and victim.read_text() == "untouched"
    )


# --- claim 8 -----------------------------------------------------------------------------------

ESCAPES = "\x1b]0;pwned\x07\x1b[2J\x1b[31mRED\r\x9b1m\u202eevil"
LOUD = f"""def conv2d(image, filter_kernel, stride=1):
    print({ESCAPES!r} * 3)
    raise RuntimeError({ESCAPES!r})
"""


@pytest.mark.slow
def test_escape_sequences_from_submitted_code_never_reach_the_terminal_raw(tmp_path):
    sub = tmp_path / "sub"
    shutil.copytree(SOLUTIONS, sub, ignore=shutil.ignore_patterns("__pycache__"))
    replace_function(sub / "neural_network.py", "conv2d", LOUD)
    proc = grade(str(sub), "--public-only", "--json", str(tmp_path / "r.json"))
    assert proc.returncode == 0, proc.stderr
    raw = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")
    assert not raw.search(proc.stdout + proc.stderr)
    assert "\\x1b]0;pwned" in proc.stdout  # shown, visibly
    text = (tmp_path / "r.json").read_text()
    doc = json.loads(text)
    outputs = "".join(t["output"] for t in doc["tests"])
    assert not raw.search(outputs) and "\\x1b" in outputs


def test_outcome_from_reply_cleans_every_string():
    from autograder.run.protocol import Value
    from autograder.run.runner import outcome_from_reply

    reply = {
        "status": "raised",
        "type": "Err\x1b[0m",
        "message": "\x1b[2J",
        "where": "nn.py, line 1: \x07x",
        "stdout": "\x1b]52;c;aGk=\x07",
        "modified": ["ima\x1bge"],
        "value": Value(
            "list\x1b",
            text="[\x1b[31m]",
            items=[Value("str", text="\r")],
            figure=[{"title": "\x1b]0;t\x07", "lines": [{"label": "\x9b"}]}],
        ),
    }
    outcome = outcome_from_reply(reply)
    flat = json.dumps(
        [
            outcome.stdout,
            outcome.modified,
            outcome.detail,
            outcome.value.type,
            outcome.value.text,
            outcome.value.items[0].text,
            outcome.value.figure,
        ],
        ensure_ascii=False,
    )
    assert not re.search("[\x00-\x1f\x7f-\x9f]", flat.replace("\\n", ""))
    assert outcome.detail["message"] == "\\x1b[2J" and outcome.stdout == "\\x1b]52;c;aGk=\\x07"
