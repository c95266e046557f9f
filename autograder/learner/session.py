"""One run of ``pytest exercises``, as its plugin (exercises/conftest.py) sees it: the test
ids to collect, and each test's verdict and sentence (closing.py: the two closing lines).

The plugin holds only ids and sentences, so the same session can run in pytest's own
process or, already warm, in the learners' server (server.py) that answers the plugin
over a socket; either way the verdicts are made here.
"""

from __future__ import annotations

from pathlib import Path

from ..grading.libraries import public_libraries
from ..grading.results import run_test
from ..units import UNITS
from .commands import public_runner


def public_test_ids() -> list[tuple[str, str]]:
    """(unit id, test name) of every public test, every unit in grading order."""
    return [(u.id, t.name) for u in UNITS for t in u.public_tests()]


class PublicSession:
    """The public tests of one submission, run on ``runner`` (a worker runner rooted at the
    submission, or an in-process one). ``feedback``: the folder for a picture of each failed
    check (relative to the working directory, as the learner gave it), '' for none."""

    def __init__(self, runner, feedback: str = ""):
        self.runner, self.feedback = runner, feedback
        self.tests = {(u.id, t.name): (u, t) for u in UNITS for t in u.public_tests()}

    @classmethod
    def on_worker(cls, submission: Path, timeout: float, feedback: str, fork_server=None):
        return cls(public_runner(submission, timeout, fork_server), feedback)

    def run(self, unit_id: str, test_name: str) -> tuple[bool, str]:
        """(passed, the sentence pytest shows, with the picture's path when one is drawn)."""
        unit, test = self.tests[unit_id, test_name]
        # Exercises are checked against the learner's own conv2d / max_pool (their own tests
        # check those), so each mistake shows up once, where it was made.
        result = run_test(unit, test, self.runner, public_libraries(unit, self.runner))
        if result.passed:
            return True, ""
        message = result.message
        if self.feedback:
            from .pictures import draw, picture_path

            path = draw(result, picture_path(Path(self.feedback), result), reveal=True)
            if path is not None:
                message += f" (picture: {path})"
        return False, message

    def close(self) -> None:
        self.runner.close()
