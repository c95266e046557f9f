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
from types import SimpleNamespace

import pytest

nbformat = pytest.importorskip("nbformat")
pytest.importorskip("nbgrader")

from autograder.integrations.nbgrader import write_course  # noqa: E402
from tests.helpers import cli  # noqa: E402

pytestmark = pytest.mark.slow  # end to end: workers and subprocesses

POST_CONV2D = """def conv2d(image, filter_kernel, stride=1):
    from scipy import signal
    output = signal.convolve2d(image, filter_kernel, mode='valid')
    return output[::stride, ::stride]"""
NOISY = """
    import sys, warnings
    warnings.warn("a harmless warning from correct code")
    print("and a line on stderr", file=sys.stderr)
"""


TAMPER = """def conv2d(image, filter_kernel, stride=1):
    raise NotImplementedError

import autograder.integrations.nbgrader as _nb
from autograder.units import BY_ID as _units
_nb.check = lambda unit, namespace, tiers=(): _units[unit].points  # every test cell: full marks"""
STUDENTS = ("alice", "bob", "carol", "dave", "erin", "frank")
HONEST = ("alice", "bob", "carol", "dave", "frank")  # erin tampers with the in-kernel checks


def make_submission(nb, student: str) -> None:
    """alice: the worked solutions; bob: the release (stubs); carol: the post's convolve2d;
    dave: correct code that warns; erin: patches the checks; frank: a syntax error in one cell,
    IPython magics, and a cell of his own that raises."""
    for cell in nb.cells:
        grade_id = cell.metadata.get("nbgrader", {}).get("grade_id")
        if student == "carol" and grade_id in ("conv2d_answer", "conv2d_earlier"):
            cell.source = POST_CONV2D
        if student == "dave" and grade_id == "4_2_1_answer":
            cell.source = cell.source.replace(
                '    """\n    ### BEGIN SOLUTION', '    """' + NOISY + "    ### BEGIN SOLUTION", 1
            )
        if student == "erin" and grade_id == "conv2d_answer":
            cell.source = TAMPER
        if student == "frank" and grade_id in ("4_2_1_answer", "4_3_1_answer"):
            cell.source = cell.source.replace("def ", "def (", 1)
        if student == "frank" and grade_id in ("4_2_3_answer", "4_3_3_answer"):
            cell.source = "%matplotlib inline\n!echo plotting\n" + cell.source
    if student == "frank":
        nb.cells.insert(4, nbformat.v4.new_code_cell("print(conv2d(np.ones(3), np.ones(2)))"))


def cell_scores(root) -> dict[tuple[str, str, str], float]:
    """(assignment, student, test cell) -> score, from the gradebook."""
    from nbgrader.api import Gradebook

    with Gradebook(f"sqlite:///{root}/gradebook.db", course_id="numpy-cnn") as gb:
        return {
            (a, s, g.name): g.score
            for a in ("part4_2", "part4_3")
            for s in STUDENTS
            for nb in gb.find_submission(a, s).notebooks
            for g in nb.grades
        }


def totals(cells: dict) -> dict[tuple[str, str], float]:
    out: dict[tuple[str, str], float] = {}
    for (a, s, _), score in cells.items():
        out[(a, s)] = round(out.get((a, s), 0.0) + score, 2)
    return out


@pytest.fixture(scope="module")
def course(tmp_path_factory):
    """The course through nbgrader's pipeline (autograde in the students' kernels, feedback),
    then graded again through the sandbox (`grade --nbgrader`), then exported."""
    root = tmp_path_factory.mktemp("course")
    write_course(root)
    env = {
        **os.environ,
        **{
            k: str(root / ".jupyter" / k)
            for k in ("JUPYTER_CONFIG_DIR", "JUPYTER_DATA_DIR", "JUPYTER_RUNTIME_DIR", "IPYTHONDIR")
        },
    }
    env["PATH"] = (
        f"{os.path.dirname(sys.executable)}:{env['PATH']}"  # the nbgrader of this environment
    )

    def nbgrader(*args):
        return subprocess.run(
            [sys.executable, "-m", "nbgrader", *args],
            cwd=root,
            env=env,
            capture_output=True,
            text=True,
        )

    for a in ("part4_2", "part4_3"):
        assert nbgrader("generate_assignment", a, "--force").returncode == 0
    for student in STUDENTS:
        for a in ("part4_2", "part4_3"):
            dest = root / "submitted" / student / a
            shutil.copytree(
                root / ("release" if student in ("bob", "erin") else "source") / a, dest
            )
            nb = nbformat.read(dest / f"{a}.ipynb", 4)
            make_submission(nb, student)
            nbformat.write(nb, dest / f"{a}.ipynb")
    for a in ("part4_2", "part4_3"):
        nbgrader("autograde", a, "--force")  # exit 1 if any kernel died; none should have
    for a in ("part4_2", "part4_3"):
        assert nbgrader("generate_feedback", a, "--force").returncode == 0
    kernel = cell_scores(root)
    kernel_page = (root / "feedback" / "carol" / "part4_2" / "part4_2.html").read_text()
    safe_run = cli("grade", "--nbgrader", str(root), "-j", "2", cwd=root)
    assert safe_run.returncode == 0, safe_run.stderr
    assert nbgrader("export").returncode == 0
    return SimpleNamespace(
        root=root, kernel=kernel, kernel_page=kernel_page, safe=cell_scores(root), safe_run=safe_run
    )


def test_release_has_stubs_and_no_hidden_tests_or_solutions(course):
    for a in ("part4_2", "part4_3"):
        text = (course.root / "release" / a / f"{a}.ipynb").read_text()
        assert "raise NotImplementedError" in text
        assert (
            "HIDDEN TESTS" not in text
            and "tiers.append" not in text
            and "BEGIN SOLUTION" not in text
        )
        assert (
            "cells = image[m:m + (H_out - 1) * stride + 1:stride]" not in text
        )  # the worked solution
        assert (course.root / "release" / a / "data" / "mnist_sample.npz").is_file()


def test_gradebook_scores_in_the_kernel(course):
    got = totals(course.kernel)
    assert (
        got[("part4_2", "alice")] == 44 and got[("part4_3", "alice")] == 56
    )  # the worked solutions
    assert got[("part4_2", "bob")] == 0 and got[("part4_3", "bob")] == 0  # fresh stubs
    # The post's convolve2d loses conv2d's points (all but those of tests a flip cannot change)
    # and nothing else.
    assert course.kernel[("part4_2", "carol", "test_conv2d")] < 20
    assert got[("part4_2", "carol")] == 24 + course.kernel[("part4_2", "carol", "test_conv2d")]
    assert got[("part4_3", "carol")] == 56
    # A warning and stderr output in correct code do not zero its cell.
    assert got[("part4_2", "dave")] == 44
    # The in-kernel checks can be fooled: erin's stubs get full marks there.
    assert got[("part4_2", "erin")] == 44


def test_sandbox_and_kernel_agree_on_honest_submissions(course):
    honest = {k: v for k, v in course.kernel.items() if k[1] in HONEST}
    assert len(honest) == 5 * 11  # every test cell of every honest notebook
    assert {k: course.safe[k] for k in honest} == pytest.approx(honest, abs=0.011)
    # frank's broken cells cost exactly their units, in both
    assert (
        course.safe[("part4_2", "frank", "test_4_2_1")]
        == 0
        == course.kernel[("part4_2", "frank", "test_4_2_1")]
    )
    assert totals(course.safe)[("part4_2", "frank")] == 39


def test_sandbox_is_not_fooled_and_export_reads_its_scores(course):
    safe = totals(course.safe)
    assert safe[("part4_2", "erin")] == 0 and safe[("part4_3", "erin")] == 0
    assert (
        "erin/part4_2" in course.safe_run.stdout
        and "12 of 12 submissions graded" in course.safe_run.stdout
    )
    with open(course.root / "grades.csv") as f:
        assert {
            (r["assignment"], r["student_id"]): float(r["score"]) for r in csv.DictReader(f)
        } == safe


def test_feedback_shows_the_sentence_and_no_hidden_tests(course):
    sandbox_page = (course.root / "feedback" / "carol" / "part4_2" / "part4_2.html").read_text()
    for page in (course.kernel_page, sandbox_page):
        text = html.unescape(re.sub(r"<[^>]+>", "", page))
        assert "flipped by 180 degrees" in text
        assert "HIDDEN TESTS" not in text and "tiers.append" not in text
        assert "Traceback (most recent call last)" not in text


def test_each_cell_of_a_submitted_notebook_fails_on_its_own(tmp_path):
    """Read back for the sandbox, a notebook keeps the kernel's rules: a cell that fails costs
    its own unit only, magics are skipped, and each sentence names the cell."""
    from autograder.grading.grade import grade

    write_course(tmp_path / "course")
    nb = nbformat.read(tmp_path / "course" / "source" / "part4_2" / "part4_2.ipynb", 4)
    changes = {
        "4_2_1_answer": lambda src: src.replace("def ", "def (", 1),  # a syntax error
        "4_2_2_answer": lambda src: src.replace("def strided_average", "def strided_avg"),
        "4_2_3_answer": lambda src: "%matplotlib inline\n!ls\n" + src + "\nprint(undefined_name)",
    }
    for cell in nb.cells:
        change = changes.get(cell.metadata.get("nbgrader", {}).get("grade_id"))
        cell.source = change(cell.source) if change else cell.source
    nb.cells = [
        c for c in nb.cells if c.metadata.get("nbgrader", {}).get("grade_id") != "4_2_4_answer"
    ]
    nb.cells.insert(3, nbformat.v4.new_code_cell("import sys\nsys.exit(2)"))
    upload = tmp_path / "upload" / "student"  # an upload nested in a folder of its own
    upload.mkdir(parents=True)
    nbformat.write(nb, upload / "part4_2.ipynb")

    results = grade(tmp_path / "upload")
    by_unit = {}
    for r in results:
        by_unit.setdefault(r.unit.id, []).append(r)
    assert list(by_unit) == ["conv2d", "4.2.1", "4.2.2", "4.2.3", "4.2.4"]  # part 4.2's units only
    assert all(
        r.passed for r in by_unit["conv2d"] + by_unit["4.2.3"]
    )  # magics, a failing line after the def
    message = {uid: rs[0].message for uid, rs in by_unit.items()}
    assert "cell 4_2_1_answer of part4_2.ipynb stopped with SyntaxError" in message["4.2.1"]
    assert "ran but defined no function named strided_average" in message["4.2.2"]
    assert "has no answer cell 4_2_4_answer (was it deleted?)" in message["4.2.4"]
    assert not any(r.passed for uid in ("4.2.1", "4.2.2", "4.2.4") for r in by_unit[uid])


def test_grade_nbgrader_says_what_is_missing(tmp_path):
    no_course = cli("grade", "--nbgrader", str(tmp_path))
    assert no_course.returncode == 2 and "has no nbgrader_config.py" in no_course.stderr
    write_course(tmp_path)
    not_generated = cli("grade", "--nbgrader", str(tmp_path), "--assignment", "part4_2")
    assert not_generated.returncode == 2
    assert (
        "the gradebook has no assignment part4_2: run `nbgrader generate_assignment part4_2`"
        in not_generated.stderr
    )
