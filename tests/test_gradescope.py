"""The Gradescope bundle, run in a recreated /autograder layout (no network: setup.sh is not run)."""

from __future__ import annotations

import json
import os
import shutil
import stat
import subprocess
import sys
import zipfile

import jsonschema
import pytest

from autograder.integrations.gradescope import build
from tests.helpers import KIT, SOLUTIONS, learner_argv

pytestmark = pytest.mark.slow  # end to end: workers and subprocesses

SCHEMA = json.loads(
    (KIT / "autograder" / "integrations" / "schemas" / "gradescope-results.schema.json").read_text()
)


@pytest.fixture(scope="module")
def bundle(tmp_path_factory):
    path = tmp_path_factory.mktemp("bundle") / "autograder.zip"
    build(path)
    return path


def test_bundle_layout(bundle):
    with zipfile.ZipFile(bundle) as z:
        names = z.namelist()
        modes = {i.filename: i.external_attr >> 16 for i in z.infolist()}
    assert {
        "setup.sh",
        "run_autograder",
        "requirements.txt",
        "reference/__init__.py",
        "autograder/units/conv2d/hidden.py",
        "exercises/data/mnist_sample.npz",
    } <= set(names)
    assert modes["run_autograder"] & stat.S_IXUSR and modes["setup.sh"] & stat.S_IXUSR
    assert not any(n.startswith(("solutions/", "tests/", ".git")) for n in names)
    assert "numpy" in zipfile.ZipFile(bundle).read("requirements.txt").decode()


def gradescope_run(bundle, tmp_path, put_submission):
    """Lay out /autograder as Gradescope does, under tmp_path, and run run_autograder."""
    root = tmp_path / "autograder"
    with zipfile.ZipFile(bundle) as z:
        z.extractall(root / "source")
    shutil.copy(root / "source" / "run_autograder", root / "run_autograder")
    (root / "results").mkdir()
    put_submission(root / "submission")
    shims = tmp_path / "bin"  # `python3` here is the interpreter that has the dependencies
    shims.mkdir()
    # A script, not a link: a link to a virtualenv's python outside its bin/ loses the virtualenv.
    (shims / "python3").write_text(f'#!/bin/sh\nexec "{sys.executable}" "$@"\n')
    (shims / "python3").chmod(0o755)
    env = {**os.environ, "AUTOGRADER_ROOT": str(root), "PATH": f"{shims}:{os.environ['PATH']}"}
    proc = subprocess.run(
        ["bash", str(root / "run_autograder")], cwd=root, env=env, capture_output=True, text=True
    )
    doc = json.loads((root / "results" / "results.json").read_text())
    jsonschema.validate(doc, SCHEMA)
    return root, doc, proc


@pytest.mark.parametrize("folder, score", [(SOLUTIONS, 100), (KIT / "exercises", 0)])
def test_run_autograder_grades_the_submission(bundle, tmp_path, folder, score):
    _, doc, _ = gradescope_run(bundle, tmp_path, lambda dest: shutil.copytree(folder, dest))
    assert doc["score"] == pytest.approx(score)
    assert len(doc["tests"]) > 40


def test_a_submission_inside_its_own_folder_is_found(bundle, tmp_path):
    _, doc, _ = gradescope_run(
        bundle, tmp_path, lambda dest: shutil.copytree(SOLUTIONS, dest / "my_work")
    )
    assert doc["score"] == pytest.approx(100)


def test_an_uploaded_notebook_is_graded_for_its_part(bundle, tmp_path):
    from autograder.integrations.nbgrader import write_course

    write_course(tmp_path / "course")
    _, doc, _ = gradescope_run(
        bundle,
        tmp_path,
        lambda dest: shutil.copytree(
            tmp_path / "course" / "source" / "part4_3",
            dest,
            ignore=shutil.ignore_patterns("mnist.py", "data"),
        ),
    )
    assert doc["score"] == pytest.approx(56)  # Part 4.3's units, all passed
    assert {t["tags"][0] for t in doc["tests"]} == {
        "max_pool",
        "4.3.1",
        "4.3.2",
        "4.3.3",
        "4.3.4",
        "4.3.cnn",
    }
    assert "nbformat" in zipfile.ZipFile(bundle).read("requirements.txt").decode()


def test_run_autograder_fails_closed(bundle, tmp_path):
    def broken(dest):
        shutil.copytree(SOLUTIONS, dest)
        (
            dest.parent / "source" / "autograder" / "units" / "units.toml"
        ).unlink()  # the grader cannot start

    _, doc, proc = gradescope_run(bundle, tmp_path, broken)
    assert doc["score"] == 0 and doc["tests"] == []
    assert "could not finish" in doc["output"]


@pytest.mark.parametrize("unit", ["conv2d", "4.2.1", "4.3.cnn"])
def test_workflow_commands_select_one_unit(unit):
    """Each step's `pytest -k UNIT` runs that unit's public tests and no other's."""
    from autograder.units import BY_ID

    proc = subprocess.run(
        learner_argv(None, "--collect-only", "-k", unit),
        cwd=KIT,
        capture_output=True,
        text=True,
    )
    ids = [line for line in proc.stdout.splitlines() if "::test_public[" in line]
    assert len(ids) == len(BY_ID[unit].public_tests())
    assert all(f"[{unit}: " in line for line in ids)
