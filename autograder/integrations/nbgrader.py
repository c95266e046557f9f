"""nbgrader: the course generated from the kit's single source, and the check its test cells call.

``python -m autograder nbgrader COURSE_DIR`` writes ``nbgrader_config.py`` and one source
notebook per post. Answer cells are the worked solutions' functions, with their
``### BEGIN/END SOLUTION`` blocks (nbgrader turns them into stubs); each graded unit has a
locked test cell worth the unit's points whose last line, ``check(unit, globals(), tiers)``,
is its score (nbgrader's partial credit): the public tests, plus the hidden ones switched on
between ``### BEGIN/END HIDDEN TESTS``. The test cells hold no test data: the cases and the
reference live in the instructor's installed kit.

In-kernel checks run in the student's own kernel, which the student's code can tamper with;
``python -m autograder grade`` reads a submitted notebook back into the kit's files
(``autograder.grading.notebooks``) and grades it in the sandbox instead.
"""

from __future__ import annotations

import ast
import contextlib
import io
import shutil
import warnings
from pathlib import Path

from ..grading.libraries import libraries, public_libraries
from ..grading.notebooks import ASSIGNMENTS, _function, _spans, given_cells, grade_id
from ..grading.results import run_test, split_points
from ..paths import EXERCISES, SOLUTIONS
from ..run import worker
from ..run.runner import Outcome, outcome_from_reply
from ..units import BY_ID, earlier_units

COURSE_ID = "numpy-cnn"


class NamespaceRunner:
    """Calls functions defined in a notebook's namespace, as the worker calls a module's."""

    def __init__(self, namespace: dict):
        self.namespace = namespace

    def call(self, module: str, function: str, kwargs: dict, timeout: float | None = None):
        fn = self.namespace.get(function)
        if not callable(fn):
            return Outcome(
                "raised",
                detail={
                    "type": "NameError",
                    "message": (
                        f"the notebook defines no function {function}: run the cell that defines it first"
                    ),
                },
            )
        request = {"module": module, "function": function, "kwargs": kwargs, "callable": fn}
        return outcome_from_reply(worker.run_call(request, str(Path.cwd())))

    def close(self) -> None:
        pass


def check(unit_id: str, namespace: dict, tiers=("public",)) -> float:
    """Run one unit's tests of ``tiers`` ("public", "hidden") on the notebook's functions, print
    a sentence per failed test and return the points earned: nbgrader takes a test cell's
    number as partial credit. The points are those `python -m autograder grade` gives the same
    notebook: the same tests, the same per-test shares, the same answers accepted. Nothing it
    does writes to stderr: nbgrader scores a test cell that does as 0."""
    unit = BY_ID[unit_id]
    runner = NamespaceRunner(namespace)
    tests = unit.public_tests() + (unit.hidden_tests() if "hidden" in tiers else [])
    try:  # the course's reference; right given the notebook's own conv2d / max_pool also counts
        libs = libraries("correlation", runner, unit)
    except ImportError:  # a learner's copy of the kit: public tests against hand-worked values
        libs = public_libraries(unit, runner)
    earned, passed = 0.0, 0
    with warnings.catch_warnings(), contextlib.redirect_stderr(io.StringIO()):
        warnings.simplefilter("ignore")
        for test, share in zip(tests, split_points(unit.points, len(tests))):
            result = run_test(unit, test, runner, libs)
            if result.passed:
                earned, passed = earned + share, passed + 1
            else:
                print(f"{unit_id}: {test.name}: {result.message}")
    print(f"{unit_id}: {passed} of {len(tests)} tests passed")
    return round(earned, 2)


# --- writing the course ---------------------------------------------------------------------


def _meta(name: str, *, solution=False, grade=False, locked=False, points=None) -> dict:
    meta = {
        "grade": grade,
        "grade_id": grade_id(name),
        "locked": locked,
        "schema_version": 3,
        "solution": solution,
    }
    if points is not None:
        meta["points"] = points
    return {"nbgrader": meta}


def _parts(path: Path) -> tuple[str, str]:
    """(module docstring, everything after the imports) of a solution file."""
    text = path.read_text()
    doc = ast.get_docstring(ast.parse(text)) or ""
    body = [
        src
        for n, src in _spans(text)
        if not isinstance(n, (ast.Import, ast.ImportFrom))
        and not (isinstance(n, ast.Expr) and isinstance(n.value, ast.Constant))
        and not (isinstance(n, ast.If) and "__main__" in ast.unparse(n.test))
    ]
    return doc, "\n\n\n".join(body)


FORMULAS = {
    "conv2d": r"$$\text{out}[i, j] = \sum_{m=0}^{k_h-1} \sum_{n=0}^{k_w-1} I[i s + m,\, j s + n]\, F[m, n],"
    r"\qquad H' = \left\lfloor \frac{H - k_h}{s} \right\rfloor + 1$$",
    "max_pool": r"$$\text{out}[i, j, c] = \max_{0 \le m, n < \text{size}} X[i s + m,\, j s + n,\, c],"
    r"\qquad H' = \left\lfloor \frac{H - \text{size}}{s} \right\rfloor + 1$$",
}


# The cell's last line is its score (nbgrader's partial credit); the hidden tier only in the source.
TEST_CELL = """from autograder.integrations.nbgrader import check

tiers = ["public"]
### BEGIN HIDDEN TESTS
tiers.append("hidden")
### END HIDDEN TESTS
check({uid!r}, globals(), tiers)"""


def notebook(assignment: str):
    import nbformat.v4 as nbf

    solutions = SOLUTIONS
    cells = [
        nbf.new_markdown_cell(
            f"# Learn Deep Learning with NumPy, {'Part 4.2' if assignment == 'part4_2' else 'Part 4.3'}\n\n"
            "Fill in every cell that says `YOUR CODE HERE`, then run the test cell below it. "
            "`conv2d` is cross-correlation, as the post's formula says (the kernel is not flipped); "
            "`max_pool`'s output size is `(H - size) // stride + 1` and a `(H, W, 1)` input keeps its "
            "channel axis.",
            metadata=_meta("intro", locked=True),
        ),
        *[
            nbf.new_code_cell(source, metadata=_meta(gid, locked=True))
            for gid, source in given_cells().items()
        ],
    ]
    for dep in earlier_units(assignment):
        unit = BY_ID[dep]
        cells.append(
            nbf.new_markdown_cell(
                f"Your `{dep}` from the earlier part (not graded again here).",
                metadata=_meta(f"{dep}_note", locked=True),
            )
        )
        cells.append(
            nbf.new_code_cell(
                _function(solutions / unit.file, unit.function),
                metadata=_meta(f"{dep}_earlier", solution=True),
            )
        )
    for uid in ASSIGNMENTS[assignment]:
        unit = BY_ID[uid]
        if unit.is_library:
            statement, answer = FORMULAS[uid], _function(solutions / unit.file, unit.function)
        else:
            statement, answer = _parts(solutions / unit.file)
        cells.append(
            nbf.new_markdown_cell(
                f"## {unit.title} ({unit.points} points)\n\n{statement}",
                metadata=_meta(f"{uid}_statement", locked=True),
            )
        )
        cells.append(nbf.new_code_cell(answer, metadata=_meta(f"{uid}_answer", solution=True)))
        test = TEST_CELL.format(uid=uid)
        cells.append(
            nbf.new_code_cell(
                test, metadata=_meta(f"test_{uid}", grade=True, locked=True, points=unit.points)
            )
        )
    nb = nbf.new_notebook(cells=cells)
    nb.metadata["kernelspec"] = {
        "name": "python3",
        "display_name": "Python 3",
        "language": "python",
    }
    return nb


CONFIG = """# Written by `python -m autograder nbgrader`. Run nbgrader commands from this folder.
from nbconvert.preprocessors import CSSHTMLHeaderPreprocessor
from nbgrader.preprocessors import ClearHiddenTests, GetGrades

from autograder.integrations.nbgrader import ShortTracebacks

c = get_config()  # noqa: F821
c.CourseDirectory.course_id = "{course_id}"
c.CourseDirectory.root = "{root}"
c.CourseDirectory.db_url = "sqlite:///{root}/gradebook.db"
c.Execute.timeout = 120
c.Execute.kernel_name = "python3"
c.OverwriteCells.add_missing_cells = True
# Feedback shows neither the hidden test lines nor tracebacks that would quote them.
c.GenerateFeedback.preprocessors = [GetGrades, ClearHiddenTests, ShortTracebacks, CSSHTMLHeaderPreprocessor]
"""


def _short_tracebacks_class():
    from nbgrader.preprocessors import (
        NbGraderPreprocessor,  # enabled by default, unlike nbconvert's
    )

    class ShortTracebacks(NbGraderPreprocessor):
        """Feedback keeps an error's sentence ("AssertionError: ...") and drops its traceback."""

        def preprocess_cell(self, cell, resources, index):
            for output in cell.get("outputs", []):
                if output.get("output_type") == "error":
                    output["traceback"] = [f"{output.get('ename')}: {output.get('evalue')}"]
            return cell, resources

    return ShortTracebacks


def __getattr__(name):  # nbconvert is imported only where nbgrader is in use
    if name == "ShortTracebacks":
        return _short_tracebacks_class()
    raise AttributeError(name)


def write_course(course: Path) -> list[Path]:
    import nbformat

    course = Path(course).resolve()
    course.mkdir(parents=True, exist_ok=True)
    (course / "nbgrader_config.py").write_text(CONFIG.format(course_id=COURSE_ID, root=course))
    written = []
    for assignment in ASSIGNMENTS:
        folder = course / "source" / assignment
        folder.mkdir(parents=True, exist_ok=True)
        path = folder / f"{assignment}.ipynb"
        nbformat.write(notebook(assignment), path)
        shutil.copyfile(EXERCISES / "mnist.py", folder / "mnist.py")
        shutil.copytree(EXERCISES / "data", folder / "data", dirs_exist_ok=True)
        written.append(path)
    return written
