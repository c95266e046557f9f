"""The learner's path on a fresh copy of the repository, run as a learner would."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys

import pytest

from autograder.stubs import make_stub, out_of_date
from autograder.units import UNITS
from tests.helpers import KIT, cli

pytestmark = pytest.mark.slow  # end to end: workers and subprocesses


@pytest.fixture(scope="module")
def fresh_copy(tmp_path_factory):
    """The files git tracks, copied: what `git clone` gives a learner."""
    dest = tmp_path_factory.mktemp("clone")
    tracked = subprocess.run(
        ["git", "ls-files"], cwd=KIT, capture_output=True, text=True, check=True
    ).stdout.split()
    untracked = subprocess.run(
        ["git", "ls-files", "--others", "--exclude-standard"],
        cwd=KIT,
        capture_output=True,
        text=True,
        check=True,
    ).stdout.split()
    for name in tracked + untracked:  # untracked: so this also works before a commit
        if (KIT / name).is_file():
            (dest / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(KIT / name, dest / name)
    return dest


def pytest_exercises(cwd, *args):
    return subprocess.run(
        [sys.executable, "-m", "pytest", "exercises", "-q", "-p", "no:cacheprovider", *args],
        cwd=cwd,
        capture_output=True,
        text=True,
    )


def test_fresh_stubs_fail_each_with_one_sentence(fresh_copy):
    proc = pytest_exercises(fresh_copy)
    assert proc.returncode == 1
    n_public = sum(len(u.public_tests()) for u in UNITS)
    assert f"{n_public} failed" in proc.stdout
    assert (
        "Traceback" not in proc.stdout
        and "raise NotImplementedError"
        not in proc.stdout.replace("it raises NotImplementedError", "")
    )
    # Each failure's section holds exactly one line: the sentence.
    lines = proc.stdout.splitlines()
    heads = [i for i, line in enumerate(lines) if re.fullmatch(r"_+ test_public\[.*\] _+", line)]
    end = next(i for i, line in enumerate(lines) if "short test summary" in line)
    sections = [lines[a + 1 : b] for a, b in zip(heads, heads[1:] + [end])]
    assert len(sections) == n_public
    assert all(len(s) == 1 and "is not implemented yet" in s[0] for s in sections), sections[:3]


def test_solutions_pass_the_same_tests(fresh_copy):
    proc = pytest_exercises(fresh_copy, "--submission", "solutions")
    assert proc.returncode == 0, proc.stdout[-3000:]
    assert re.search(r"\d+ passed", proc.stdout) and "failed" not in proc.stdout


def test_solved_exercises_pass_in_place(fresh_copy, tmp_path):
    """A learner who writes the solutions into exercises/ passes every public test."""
    solved = tmp_path / "solved"
    shutil.copytree(fresh_copy, solved)
    for path in (solved / "solutions").glob("*.py"):
        shutil.copy2(path, solved / "exercises" / path.name)
    proc = pytest_exercises(solved)
    assert proc.returncode == 0, proc.stdout[-3000:]


def test_one_unit_can_be_selected(fresh_copy):
    proc = pytest_exercises(fresh_copy, "-k", "4.2.1")
    assert "1 failed" in proc.stdout and "deselected" in proc.stdout


def test_stubs_are_generated_from_the_solutions():
    assert out_of_date(KIT / "solutions", KIT / "exercises") == []


def test_every_unit_has_a_stub_and_a_solution():
    for unit in UNITS:
        solution = (KIT / "solutions" / unit.file).read_text()
        stub = (KIT / "exercises" / unit.file).read_text()
        assert f"def {unit.function}(" in solution and f"def {unit.function}(" in stub
        assert f'raise NotImplementedError("{unit.function} is not implemented yet")' in stub
        assert "### BEGIN SOLUTION" not in stub


def test_make_stub_keeps_given_code_and_docstrings():
    source = 'def f(x):\n    """Doc."""\n    y = x\n    ### BEGIN SOLUTION\n    return y\n    ### END SOLUTION\n'
    assert make_stub(source) == (
        'def f(x):\n    """Doc."""\n    y = x\n    # YOUR CODE HERE\n'
        '    raise NotImplementedError("f is not implemented yet")\n'
    )


def test_learner_commands_work_on_a_fresh_copy(fresh_copy):
    status = cli("status", cwd=fresh_copy)
    assert (
        status.returncode == 0
        and "0 / 100 points" in status.stdout
        and "Next: conv2d" in status.stdout
    )
    hint = cli("hint", "max_pool", cwd=fresh_copy)
    assert "Hint 1 of 3 for max_pool" in hint.stdout
    assert (fresh_copy / "exercises" / ".hints.json").is_file()
