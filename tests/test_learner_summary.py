"""`pytest exercises` ends with two lines after pytest's own summary: the points so far and
the unit to work on next with its hint command (exercises/conftest.py, pytest_sessionfinish)."""

from __future__ import annotations

import subprocess

import pytest

from tests.helpers import KIT, SOLUTIONS, learner_argv

pytestmark = pytest.mark.slow  # end to end: pytest and its worker in subprocesses


def learner_run(*args: str) -> list[str]:
    out = subprocess.run(learner_argv(None, *args), cwd=KIT, capture_output=True, text=True).stdout
    return out.rstrip("\n").splitlines()


def test_the_stubs_end_with_no_points_and_conv2d_next():
    lines = learner_run()
    assert "21 failed" in lines[-3]  # pytest's own last line comes before the two
    assert lines[-2] == "Points so far: 0 / 100 (public tests)."
    assert lines[-1] == (
        "Next: conv2d (conv2d in neural_network.py); stuck? python -m autograder hint conv2d"
    )


def test_the_solutions_end_with_every_point():
    lines = learner_run("--submission", str(SOLUTIONS))
    assert "21 passed" in lines[-3]
    assert lines[-2] == "Points so far: 100 / 100 (public tests)."
    assert lines[-1].startswith("Next: nothing; every public test run passes")


def test_one_unit_counts_its_own_points(tmp_path):
    sub = tmp_path / "mine"
    sub.mkdir()
    for f in SOLUTIONS.glob("*.py"):
        sub.joinpath(f.name).write_text(f.read_text())
    # max_pool broken: the run of both library units says 20 of 40, and max_pool is next
    nn = sub / "neural_network.py"
    nn.write_text(nn.read_text() + "\n\ndef max_pool(X, size=2, stride=2):\n    return X\n")
    lines = learner_run("-k", "conv2d or max_pool", "--submission", str(sub))
    assert lines[-2] == "Points so far: 20 / 40 (public tests of the units run)."
    assert lines[-1].startswith("Next: max_pool (max_pool in neural_network.py)")
    assert lines[-1].endswith("python -m autograder hint max_pool")
