"""nbgrader: the course generated from the kit's single source, and the check its test cells call.

``python -m autograder nbgrader COURSE_DIR`` writes ``nbgrader_config.py`` and one source
notebook per post. Answer cells are the worked solutions' functions, with their
``### BEGIN/END SOLUTION`` blocks (nbgrader turns them into stubs); each graded unit has a
locked test cell worth the unit's points that calls ``check(unit, globals())``: the public
tests in the visible part, the hidden ones between ``### BEGIN/END HIDDEN TESTS``. The test
cells hold no test data: the cases and the reference live in the instructor's installed kit.

In-kernel checks run in the student's own kernel, which the student's code can tamper with;
``python -m autograder grade`` is the tamper-proof path.
"""
from __future__ import annotations

import ast
import contextlib
import io
import shutil
import warnings
from pathlib import Path

from .sandbox import Outcome, outcome_from_reply
from .units import BY_ID, KIT, LearnerLib, ReferenceLib, public_libraries, run_test
from . import worker

ASSIGNMENTS = {"part4_2": ["conv2d", "4.2.1", "4.2.2", "4.2.3", "4.2.4"],
               "part4_3": ["max_pool", "4.3.1", "4.3.2", "4.3.3", "4.3.4", "4.3.cnn"]}
NEEDS = {"part4_3": ["conv2d"]}  # ungraded answer cells: functions from an earlier part
COURSE_ID = "numpy-cnn"


class NamespaceRunner:
    """Calls functions defined in a notebook's namespace, as the worker calls a module's."""

    def __init__(self, namespace: dict):
        self.namespace = namespace

    def call(self, module: str, function: str, kwargs: dict, timeout: float | None = None):
        fn = self.namespace.get(function)
        if not callable(fn):
            return Outcome("raised", detail={"type": "NameError", "message": (
                f"the notebook defines no function {function}: run the cell that defines it first")})
        request = {"module": module, "function": function, "kwargs": kwargs, "callable": fn}
        return outcome_from_reply(worker.run_call(request, str(Path.cwd())))

    def close(self) -> None:
        pass


def check(unit_id: str, namespace: dict, hidden: bool = False) -> None:
    """Run one unit's public (or hidden) tests on the notebook's functions; raise
    AssertionError with the grader's sentence at the first failure. Nothing it does writes to
    stderr: nbgrader scores a test cell that does as 0."""
    unit = BY_ID[unit_id]
    runner = NamespaceRunner(namespace)
    if hidden:  # the course's reference, or right given the student's own conv2d / max_pool
        base = ReferenceLib()
        libs = [base] + ([LearnerLib(runner, set(unit.depends), base=base)] if unit.depends else [])
        tests = unit.hidden_tests()
    else:
        libs, tests = public_libraries(unit, runner), unit.public_tests()
    with warnings.catch_warnings(), contextlib.redirect_stderr(io.StringIO()):
        warnings.simplefilter("ignore")
        for test in tests:
            result = run_test(unit, test, runner, libs)
            if not result.passed:
                raise AssertionError(f"{unit_id}: {test.name}: {result.message}")
    print(f"{unit_id}: {len(tests)} {'hidden' if hidden else 'public'} tests passed")


# --- writing the course ---------------------------------------------------------------------

def _meta(grade_id: str, *, solution=False, grade=False, locked=False, points=None) -> dict:
    meta = {"grade": grade, "grade_id": grade_id.replace(".", "_"), "locked": locked, "schema_version": 3,
            "solution": solution}
    if points is not None:
        meta["points"] = points
    return {"nbgrader": meta}


def _spans(text: str) -> list[tuple[ast.stmt, str]]:
    """Each top-level statement with its whole lines, up to the next statement: trailing
    comments such as ``### END SOLUTION`` belong to the function above them."""
    lines = text.splitlines()
    body = ast.parse(text).body
    ends = [n.lineno - 1 for n in body[1:]] + [len(lines)]
    return [(n, "\n".join(lines[n.lineno - 1:end]).rstrip()) for n, end in zip(body, ends)]


def _parts(path: Path) -> tuple[str, str]:
    """(module docstring, everything after the imports) of a solution file."""
    text = path.read_text()
    doc = ast.get_docstring(ast.parse(text)) or ""
    body = [src for n, src in _spans(text) if not isinstance(n, (ast.Import, ast.ImportFrom))
            and not (isinstance(n, ast.Expr) and isinstance(n.value, ast.Constant))
            and not (isinstance(n, ast.If) and "__main__" in ast.unparse(n.test))]
    return doc, "\n\n\n".join(body)


def _function(path: Path, name: str) -> str:
    return next(src for n, src in _spans(path.read_text()) if isinstance(n, ast.FunctionDef) and n.name == name)


SETUP = """\
import numpy as np
import matplotlib.pyplot as plt
from numpy.typing import NDArray

from mnist import load_mnist, load_mnist_image"""

FORMULAS = {
    "conv2d": r"$$\text{out}[i, j] = \sum_{m=0}^{k_h-1} \sum_{n=0}^{k_w-1} I[i s + m,\, j s + n]\, F[m, n],"
              r"\qquad H' = \left\lfloor \frac{H - k_h}{s} \right\rfloor + 1$$",
    "max_pool": r"$$\text{out}[i, j, c] = \max_{0 \le m, n < \text{size}} X[i s + m,\, j s + n,\, c],"
                r"\qquad H' = \left\lfloor \frac{H - \text{size}}{s} \right\rfloor + 1$$",
}


def notebook(assignment: str):
    import nbformat.v4 as nbf

    solutions = KIT / "solutions"
    cells = [nbf.new_markdown_cell(
                 f"# Learn Deep Learning with NumPy, {'Part 4.2' if assignment == 'part4_2' else 'Part 4.3'}\n\n"
                 "Fill in every cell that says `YOUR CODE HERE`, then run the test cell below it. "
                 "`conv2d` is cross-correlation, as the post's formula says (the kernel is not flipped); "
                 "`max_pool`'s output size is `(H - size) // stride + 1` and a `(H, W, 1)` input keeps its "
                 "channel axis.", metadata=_meta("intro", locked=True)),
             nbf.new_code_cell(SETUP, metadata=_meta("setup", locked=True)),
             nbf.new_code_cell("# Given (from earlier parts): the row-wise softmax.\n"
                               + _function(solutions / "neural_network.py", "softmax"),
                               metadata=_meta("given_softmax", locked=True))]
    for dep in NEEDS.get(assignment, []):
        unit = BY_ID[dep]
        cells.append(nbf.new_markdown_cell(f"Your `{dep}` from the earlier part (not graded again here).",
                                           metadata=_meta(f"{dep}_note", locked=True)))
        cells.append(nbf.new_code_cell(_function(solutions / unit.file, unit.function),
                                       metadata=_meta(f"{dep}_earlier", solution=True)))
    for uid in ASSIGNMENTS[assignment]:
        unit = BY_ID[uid]
        if unit.group == "library":
            statement, answer = FORMULAS[uid], _function(solutions / unit.file, unit.function)
        else:
            statement, answer = _parts(solutions / unit.file)
        cells.append(nbf.new_markdown_cell(f"## {unit.title} ({unit.points} points)\n\n{statement}",
                                           metadata=_meta(f"{uid}_statement", locked=True)))
        cells.append(nbf.new_code_cell(answer, metadata=_meta(f"{uid}_answer", solution=True)))
        test = (f"from autograder.notebook import check\n\ncheck({uid!r}, globals())\n"
                f"### BEGIN HIDDEN TESTS\ncheck({uid!r}, globals(), hidden=True)\n### END HIDDEN TESTS")
        cells.append(nbf.new_code_cell(test, metadata=_meta(f"test_{uid}", grade=True, locked=True,
                                                             points=unit.points)))
    nb = nbf.new_notebook(cells=cells)
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    return nb


CONFIG = '''# Written by `python -m autograder nbgrader`. Run nbgrader commands from this folder.
from nbconvert.preprocessors import CSSHTMLHeaderPreprocessor
from nbgrader.preprocessors import ClearHiddenTests, GetGrades

from autograder.notebook import ShortTracebacks

c = get_config()  # noqa: F821
c.CourseDirectory.course_id = "{course_id}"
c.CourseDirectory.root = "{root}"
c.CourseDirectory.db_url = "sqlite:///{root}/gradebook.db"
c.Execute.timeout = 120
c.Execute.kernel_name = "python3"
c.OverwriteCells.add_missing_cells = True
# Feedback shows neither the hidden test lines nor tracebacks that would quote them.
c.GenerateFeedback.preprocessors = [GetGrades, ClearHiddenTests, ShortTracebacks, CSSHTMLHeaderPreprocessor]
'''


def _short_tracebacks_class():
    from nbgrader.preprocessors import NbGraderPreprocessor  # enabled by default, unlike nbconvert's

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
        shutil.copyfile(KIT / "exercises" / "mnist.py", folder / "mnist.py")
        shutil.copytree(KIT / "exercises" / "data", folder / "data", dirs_exist_ok=True)
        written.append(path)
    return written
