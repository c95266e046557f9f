"""A regular install (`pip install .`, not editable) grades from any folder: the course's files
travel as package data."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys

import pytest

from tests.helpers import KIT, SOLUTIONS, venv_with_outer_packages

pytestmark = pytest.mark.slow  # builds and installs the kit into a fresh virtualenv


@pytest.fixture(scope="module")
def installed(tmp_path_factory):
    """A fresh virtualenv with the kit installed from a copy of the checkout (no network: the
    third-party packages are this interpreter's, reached through a .pth file)."""
    root = tmp_path_factory.mktemp("install")
    source = root / "source"
    skip = shutil.ignore_patterns(".git", "__pycache__", "build", "*.egg-info", "feedback", ".venv")
    shutil.copytree(
        KIT,
        source,
        ignore=lambda folder, names: (
            set(skip(folder, names))
            | ({"tests", "benchmarks"} & set(names) if folder == str(KIT) else set())
        ),
    )
    python, purelib = venv_with_outer_packages(root / "venv")
    proc = subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "install",
            "--quiet",
            "--no-deps",
            "--no-build-isolation",
            "--no-index",
            "--target",
            purelib,
            str(source),
        ],
        capture_output=True,
        text=True,
    )
    assert proc.returncode == 0, proc.stderr[-2000:]
    shutil.rmtree(source)  # nothing of the checkout is left to fall back on
    elsewhere = root / "elsewhere"
    elsewhere.mkdir()
    return python, elsewhere


def run(python, cwd, *args):
    return subprocess.run(
        [str(python), "-I", "-m", "autograder", *args], cwd=cwd, capture_output=True, text=True
    )


def test_grade_from_another_folder(installed):
    python, cwd = installed
    shutil.copytree(SOLUTIONS, cwd / "work")
    proc = run(python, cwd, "grade", "work", "--json", "out.json")
    assert proc.returncode == 0, proc.stderr[-2000:]
    assert json.loads((cwd / "out.json").read_text())["score"] == pytest.approx(100)
    where = subprocess.run(
        [str(python), "-I", "-c", "import autograder.paths as p; print(p.COURSE)"],
        cwd=cwd,
        capture_output=True,
        text=True,
    ).stdout
    assert "site-packages" in where and "_course" in where


def test_release_gradescope_and_nbgrader_from_another_folder(installed):
    python, cwd = installed
    assert run(python, cwd, "release", "learners").returncode == 0
    assert (cwd / "learners" / "exercises" / "neural_network.py").is_file()
    assert not list((cwd / "learners").rglob("hidden.py"))
    assert run(python, cwd, "gradescope", "bundle.zip").returncode == 0
    import zipfile

    names = set(zipfile.ZipFile(cwd / "bundle.zip").namelist())
    assert {"reference/__init__.py", "autograder/units/units.toml", "exercises/mnist.py"} <= names
    assert not any("solutions" in n for n in names)
    pytest.importorskip("nbformat")
    proc = run(python, cwd, "nbgrader", "course")
    assert proc.returncode == 0, proc.stderr[-2000:]
    assert (cwd / "course" / "source" / "part4_3" / "part4_3.ipynb").is_file()
