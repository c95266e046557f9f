"""The nbgrader course, through the real pipeline, headless: generate, submit, autograde,
feedback, export; scores read from the gradebook."""
from __future__ import annotations

import csv
import html
import os
import re
import shutil
import subprocess
import sys

import pytest

nbformat = pytest.importorskip("nbformat")
pytest.importorskip("nbgrader")

from autograder.notebook import write_course  # noqa: E402

POST_CONV2D = """def conv2d(image, filter_kernel, stride=1):
    from scipy import signal
    output = signal.convolve2d(image, filter_kernel, mode='valid')
    return output[::stride, ::stride]"""
NOISY = """
    import sys, warnings
    warnings.warn("a harmless warning from correct code")
    print("and a line on stderr", file=sys.stderr)
"""


@pytest.fixture(scope="module")
def course(tmp_path_factory):
    root = tmp_path_factory.mktemp("course")
    write_course(root)
    env = {**os.environ, **{k: str(root / ".jupyter" / k) for k in
                            ("JUPYTER_CONFIG_DIR", "JUPYTER_DATA_DIR", "JUPYTER_RUNTIME_DIR", "IPYTHONDIR")}}
    env["PATH"] = f"{os.path.dirname(sys.executable)}:{env['PATH']}"  # the nbgrader of this environment

    def nbgrader(*args):
        return subprocess.run([sys.executable, "-m", "nbgrader", *args], cwd=root, env=env,
                              capture_output=True, text=True)

    for a in ("part4_2", "part4_3"):
        assert nbgrader("generate_assignment", a, "--force").returncode == 0
    students = {"alice": "source", "bob": "release", "carol": "source", "dave": "source"}
    for student, origin in students.items():
        for a in ("part4_2", "part4_3"):
            dest = root / "submitted" / student / a
            shutil.copytree(root / origin / a, dest)
            nb = nbformat.read(dest / f"{a}.ipynb", 4)
            for cell in nb.cells:
                grade_id = cell.metadata.get("nbgrader", {}).get("grade_id")
                if student == "carol" and grade_id in ("conv2d_answer", "conv2d_earlier"):
                    cell.source = POST_CONV2D
                if student == "dave" and grade_id == "4_2_1_answer":
                    cell.source = cell.source.replace('    """\n    ### BEGIN SOLUTION', '    """' + NOISY
                                                      + "    ### BEGIN SOLUTION", 1)
            nbformat.write(nb, dest / f"{a}.ipynb")
    for a in ("part4_2", "part4_3"):
        nbgrader("autograde", a, "--force")  # exit 1 if any kernel died; none should have
    for a in ("part4_2", "part4_3"):
        assert nbgrader("generate_feedback", a, "--force").returncode == 0
    assert nbgrader("export").returncode == 0
    return root


def scores(course) -> dict[tuple[str, str], float]:
    from nbgrader.api import Gradebook

    with Gradebook(f"sqlite:///{course}/gradebook.db", course_id="numpy-cnn") as gb:
        return {(a, s): gb.find_submission(a, s).score for a in ("part4_2", "part4_3")
                for s in ("alice", "bob", "carol", "dave")}


def test_release_has_stubs_and_no_hidden_tests_or_solutions(course):
    for a in ("part4_2", "part4_3"):
        text = (course / "release" / a / f"{a}.ipynb").read_text()
        assert "raise NotImplementedError" in text
        assert "HIDDEN TESTS" not in text and "hidden=True" not in text and "BEGIN SOLUTION" not in text
        assert "cells = image[m:m + (H_out - 1) * stride + 1:stride]" not in text  # the worked solution
        assert (course / "release" / a / "data" / "mnist_sample.npz").is_file()


def test_gradebook_scores(course):
    got = scores(course)
    assert got[("part4_2", "alice")] == 44 and got[("part4_3", "alice")] == 56  # the worked solutions
    assert got[("part4_2", "bob")] == 0 and got[("part4_3", "bob")] == 0  # fresh stubs
    # The post's convolve2d loses conv2d's 20 points and nothing else.
    assert got[("part4_2", "carol")] == 24 and got[("part4_3", "carol")] == 56
    # A warning and stderr output in correct code do not zero its cell.
    assert got[("part4_2", "dave")] == 44
    with open(course / "grades.csv") as f:
        assert {(r["assignment"], r["student_id"]): float(r["score"]) for r in csv.DictReader(f)} == got


def test_feedback_shows_the_sentence_and_no_hidden_tests(course):
    page = html.unescape(re.sub(r"<[^>]+>", "", (course / "feedback" / "carol" / "part4_2" / "part4_2.html").read_text()))
    assert "flipped by 180 degrees" in page
    assert "HIDDEN TESTS" not in page and "hidden=True" not in page
    assert "Traceback (most recent call last)" not in page
