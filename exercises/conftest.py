"""The public tests' plugin: `pytest exercises [--submission DIR] [--in-process]`.

Your functions run in a separate Python process (so a loop that never ends or a crash
becomes one failed test with a sentence, not a stuck pytest), offline, with matplotlib's
non-interactive backend. --in-process runs them in pytest's own process instead, for
debugging with --pdb.
"""
from __future__ import annotations

import os
from pathlib import Path

import pytest

from autograder.grading.libraries import public_libraries
from autograder.grading.results import run_test
from autograder.learner.commands import public_runner
from autograder.run.runner import InProcessRunner
from autograder.units import UNITS

HERE = Path(__file__).resolve().parent


def pytest_addoption(parser):
    group = parser.getgroup("exercises")
    group.addoption("--submission", default=str(HERE), metavar="DIR",
                    help="folder holding neural_network.py and the ex*.py files (default: exercises/); "
                         "`--submission solutions` runs the same tests on the worked solutions")
    group.addoption("--in-process", action="store_true",
                    help="run your code inside pytest's process (no time limit; use with --pdb)")
    group.addoption("--call-timeout", type=float, default=10.0, help="seconds allowed per call (default 10)")
    group.addoption("--feedback", default="feedback", metavar="DIR",
                    help="folder for a picture of each failed check (default: feedback/); '' for none")


def pytest_configure(config):
    os.environ["NNKIT_OFFLINE"] = "1"  # tests never touch the network: MNIST comes from the shipped sample
    os.environ["MPLBACKEND"] = "Agg"  # plt.show() must not open windows or block


def pytest_report_header(config):
    return f"submission: {Path(config.getoption('--submission')).resolve()}"


@pytest.fixture(scope="session")
def runner(request):
    submission = Path(request.config.getoption("--submission")).resolve()
    if not submission.is_dir():
        pytest.exit(f"--submission {submission} is not a folder", returncode=4)
    if request.config.getoption("--in-process"):
        import sys
        sys.path[:0] = [str(submission), str(HERE)]  # the given mnist.py comes from exercises/
        yield InProcessRunner(submission)
        return
    with public_runner(submission, timeout=request.config.getoption("--call-timeout")) as r:
        yield r


def public_params():
    """(unit, test) pairs for parametrize, every unit in grading order, with ids such as
    'conv2d: stride 2 on the same image'."""
    return [pytest.param(u, t, id=f"{u.id}: {t.name}") for u in UNITS for t in u.public_tests()]


@pytest.fixture
def check(runner, request):
    """Run one public test; fail with the grader's sentence, without a traceback."""
    folder = request.config.getoption("--feedback")

    def run(unit, test):
        # Exercises are checked against your own conv2d / max_pool (their own tests check those),
        # so each mistake shows up once, where it was made.
        result = run_test(unit, test, runner, public_libraries(unit, runner))
        if not result.passed:
            message = result.message
            if folder:
                from autograder.learner.pictures import draw, picture_path
                path = draw(result, picture_path(Path(folder), result), reveal=True)
                if path is not None:
                    message += f" (picture: {path})"
            pytest.fail(message, pytrace=False)
    return run
