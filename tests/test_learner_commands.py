"""The learner's commands, run as a learner runs them: subprocesses on real folders."""

from __future__ import annotations

import queue
import shutil
import signal
import subprocess
import sys
import threading
import time

import pytest

from tests.helpers import KIT, SOLUTIONS, cli, learner_argv
from tests.test_diagnostics import MISTAKES

Image = pytest.importorskip("PIL.Image")  # comes with matplotlib; a bare interpreter may lack it

pytestmark = pytest.mark.slow  # end to end: workers and subprocesses


@pytest.fixture
def stubs(tmp_path):
    dest = tmp_path / "mine"
    shutil.copytree(
        KIT / "exercises",
        dest,
        ignore=shutil.ignore_patterns("tests", "__pycache__", ".hints.json"),
    )
    return dest


def test_status_on_fresh_stubs_and_on_solutions(stubs):
    out = cli("status", "--submission", str(stubs)).stdout
    assert "0 / 100 points" in out and out.count("not started") == 11
    assert "Next: conv2d" in out and "python -m autograder hint conv2d" in out
    out = cli("status", "--submission", str(SOLUTIONS)).stdout
    assert (
        "100 / 100 points" in out
        and out.count(" done ") == 11
        and "Every public test passes" in out
    )


def test_status_names_the_first_failure(submission):
    file, function, source, *_ = MISTAKES["channel axis dropped (the post's max_pool)"]
    out = cli("status", "--submission", str(submission((file, function, source)))).stdout
    assert "max_pool  failing" in out and "Next: max_pool" in out and "channel axis was" in out


def test_hints_come_one_at_a_time(stubs):
    first = cli("hint", "conv2d", "--submission", str(stubs)).stdout
    assert "Hint 1 of 3" in first and "Hint 2" not in first
    second = cli("hint", "conv2d", "--submission", str(stubs)).stdout
    assert "Hint 2 of 3" in second and "Hint 3" not in second
    cli("hint", "conv2d", "--submission", str(stubs))
    last = cli("hint", "conv2d", "--submission", str(stubs)).stdout
    assert "Hint 3 of 3" in last and "last hint" in last
    cli("hint", "conv2d", "--reset", "--submission", str(stubs))
    assert "Hint 2" not in cli("hint", "conv2d", "--submission", str(stubs)).stdout
    assert "No unit 'conv3d'" in cli("hint", "conv3d", "--submission", str(stubs)).stdout


def test_watch_reruns_on_save_and_stops_cleanly(stubs):
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "autograder",
            "watch",
            "--submission",
            str(stubs),
            "--no-clear",
        ],
        cwd=KIT,
        stdout=subprocess.PIPE,
        text=True,
    )
    lines: queue.Queue = queue.Queue()
    threading.Thread(target=lambda: [lines.put(line) for line in proc.stdout], daemon=True).start()

    def wait_for(text, timeout=60):
        deadline, seen = time.monotonic() + timeout, []
        while time.monotonic() < deadline:
            try:
                line = lines.get(timeout=0.5)
            except queue.Empty:
                continue
            seen.append(line)
            if text in line:
                return seen
        raise AssertionError(f"{text!r} never appeared; got:\n{''.join(seen)}")

    try:
        wait_for("Next: conv2d")
        shutil.copy(
            SOLUTIONS / "neural_network.py", stubs / "neural_network.py"
        )  # the learner saves
        # file-system events, not polling: the save is seen, conv2d and max_pool re-run first
        # (run 2), then the exercises built on them
        seen = wait_for("re-ran the public tests for: neural_network.py")
        assert "(run 2;" in seen[-1] and "the exercises that use it next" in seen[-1]
        seen = wait_for("Next:")
        assert any(line.startswith("conv2d    done") for line in seen)
        seen = wait_for("re-ran the public tests for: neural_network.py")
        assert "(run 2;" in seen[-1] and "next)" not in seen[-1]
        shutil.copy(SOLUTIONS / "ex4_2_1_average_filter.py", stubs / "ex4_2_1_average_filter.py")
        seen = wait_for("re-ran the public tests for: ex4_2_1_average_filter.py")
        assert "(run 3;" in seen[-1]
        seen = wait_for("Next:")
        assert any(line.startswith("4.2.1     done") for line in seen)
    finally:
        proc.send_signal(signal.SIGINT)  # Ctrl-C
        proc.wait(timeout=30)
    assert proc.returncode == 0
    wait_for("Stopped watching.", timeout=5)


def test_compare_shows_both_outputs(submission, tmp_path):
    file, function, source, *_ = MISTAKES["kernel flipped (the post's convolve2d)"]
    mine = submission((file, function, source))
    out = cli(
        "compare", "conv2d", "--submission", str(mine), "--feedback", str(tmp_path / "fb")
    ).stdout
    assert "yours" in out and "solution" in out and "[[ 16." in out and "[[ 34." in out
    out = cli(
        "compare", "4.2.3", "--submission", str(mine), "--feedback", str(tmp_path / "fb")
    ).stdout
    assert (tmp_path / "fb" / "compare-4.2.3-1.png").is_file() and "see" in out


def panels_of(png):
    return Image.open(png).text["Description"]


def shows_expected_values(png) -> bool:
    """Whether a panel of the picture is the expected array (the expected shape may be named)."""
    return any(title.strip().startswith("expected") for title in panels_of(png).split("|"))


@pytest.mark.parametrize(
    "mistake, picture, panels",
    [
        (
            "kernel flipped (the post's convolve2d)",
            "conv2d--an-asymmetric-kernel",
            [
                "input image",
                "input filter_kernel",
                "rotated 180 degrees",
                "expected (3, 3)",
                "yours (3, 3)",
                "difference",
            ],
        ),
        (
            "forgot the +1",
            "conv2d--the-post-s-2x2-average",
            ["expected (3, 3)", "yours (2, 2) SHAPE DIFFERS"],
        ),
        (
            "channel axis dropped (the post's max_pool)",
            "max-pool--a-4-4-1-input",
            [
                "input X (4, 4, 1), channel 0",
                "expected (2, 2, 1), channel 0",
                "yours (2, 2) SHAPE DIFFERS",
            ],
        ),
    ],
)
def test_grade_writes_a_picture_per_failed_check(mistake, picture, panels, submission, tmp_path):
    file, function, source, unit, _ = MISTAKES[mistake]
    proc = cli(
        "grade", str(submission((file, function, source))), "--feedback", str(tmp_path / "fb")
    )
    pngs = {p.name: p for p in (tmp_path / "fb").glob("*.png")}
    match = [p for name, p in pngs.items() if name.startswith(picture)]
    assert match, sorted(pngs)
    text = panels_of(match[0])
    assert all(p in text for p in panels), text
    assert f"(picture: {tmp_path / 'fb'}" in " ".join(proc.stdout.split())
    assert any(not shows_expected_values(p) for p in pngs.values()), (
        "hidden tests' pictures leave expected values out"
    )


def test_hidden_pictures_show_expected_only_when_allowed(submission, tmp_path):
    file, function, source, *_ = MISTAKES["forgot the +1"]
    sub = submission((file, function, source))
    cli("grade", str(sub), "--feedback", str(tmp_path / "a"))
    cli("grade", str(sub), "--feedback", str(tmp_path / "b"), "--feedback-reveal")
    name = "conv2d--seeded-random-non-square-images-and-kernels-strides-1-to-3.png"
    assert not shows_expected_values(tmp_path / "a" / name)
    assert shows_expected_values(tmp_path / "b" / name)


def test_public_tests_write_pictures_into_feedback(submission, tmp_path):
    file, function, source, *_ = MISTAKES["kernel flipped (the post's convolve2d)"]
    proc = subprocess.run(
        learner_argv(
            submission((file, function, source)),
            "-k",
            "conv2d",
            feedback=str(tmp_path / "feedback"),
        ),
        cwd=KIT,
        capture_output=True,
        text=True,
    )
    assert "(picture: " in proc.stdout
    assert any((tmp_path / "feedback").glob("conv2d--an-asymmetric-kernel*.png"))
