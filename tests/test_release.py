"""The learners' copy: built, installed in a fresh virtual environment, used as a learner would."""

from __future__ import annotations

import re
import shutil
import subprocess

import pytest

from autograder.integrations.release import build
from tests.helpers import SOLUTIONS, venv_with_outer_packages

pytestmark = pytest.mark.slow  # end to end: workers and subprocesses


@pytest.fixture(scope="module")
def installed(tmp_path_factory):
    """The bundle, installed into a new virtualenv. No network in tests: the third-party
    packages (numpy, pytest, ...) come from this environment through a .pth file."""
    root = tmp_path_factory.mktemp("release")
    bundle = root / "bundle"
    build(bundle)
    python, purelib = venv_with_outer_packages(root / "venv")
    subprocess.run(
        [
            str(python),
            "-m",
            "pip",
            "install",
            "--quiet",
            "--no-deps",
            "--no-build-isolation",
            "--no-index",
            str(bundle),
        ],
        check=True,
        capture_output=True,
    )
    return bundle, python


def test_bundle_holds_no_reference_solutions_or_hidden_tests(installed):
    bundle, _ = installed
    files = [p for p in bundle.rglob("*") if p.is_file()]
    names = {str(p.relative_to(bundle)) for p in files}
    assert not any(n.startswith(("reference", "solutions", "tests/")) for n in names)
    assert not [n for n in names if n.endswith("hidden.py")], "hidden cases in the learners' copy"
    assert {"autograder/units/conv2d/public.py", "exercises/tests/test_public.py"} <= names
    text = "\n".join(
        p.read_text(errors="ignore") for p in files if p.suffix in (".py", ".toml", ".md")
    )
    # Lines that only the reference and the worked solutions contain.
    for secret in [
        "np.tensordot(windows, kernel, axes=2)",
        "windows.max(axis=(-2, -1))",
        "cells = image[m:m + (H_out - 1) * stride + 1:stride",
        "out[:, :, 0] if two_d else out",
        "np.random.default_rng(4200)",
    ]:  # the first line of conv2d's hidden cases
        assert secret not in text, secret
    assert not any(
        "### BEGIN SOLUTION" in p.read_text() for p in (bundle / "exercises").glob("*.py")
    )


def test_stubs_fail_with_one_sentence_each(installed):
    bundle, python = installed
    proc = subprocess.run(
        [str(python), "-m", "pytest", "exercises", "-q", "-p", "no:cacheprovider"],
        cwd=bundle,
        capture_output=True,
        text=True,
    )
    assert proc.returncode == 1
    assert re.search(r"\b21 failed\b", proc.stdout), proc.stdout[-2000:]
    assert "Traceback" not in proc.stdout and proc.stdout.count("is not implemented yet") >= 21


def test_solutions_copied_in_pass(installed, tmp_path):
    bundle, python = installed
    solved = tmp_path / "solved"
    shutil.copytree(bundle, solved)
    for path in SOLUTIONS.glob("*.py"):
        shutil.copy(path, solved / "exercises" / path.name)
    proc = subprocess.run(
        [str(python), "-m", "pytest", "exercises", "-q", "-p", "no:cacheprovider"],
        cwd=solved,
        capture_output=True,
        text=True,
    )
    assert proc.returncode == 0, proc.stdout[-3000:]
    status = subprocess.run(
        [str(python), "-m", "autograder", "status"], cwd=solved, capture_output=True, text=True
    )
    assert "100 / 100 points" in status.stdout


def test_learner_commands_and_a_clear_refusal_to_grade(installed):
    bundle, python = installed
    hint = subprocess.run(
        [str(python), "-m", "autograder", "hint", "conv2d"],
        cwd=bundle,
        capture_output=True,
        text=True,
    )
    assert "Hint 1 of 3 for conv2d" in hint.stdout
    grade = subprocess.run(
        [str(python), "-m", "autograder", "grade", "exercises"],
        cwd=bundle,
        capture_output=True,
        text=True,
    )
    assert grade.returncode == 2 and "needs the instructor's copy" in grade.stderr
