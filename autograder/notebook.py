"""nbgrader: the course generated from the kit's single source, the check its test cells
call, and submitted notebooks read back for the sandbox.

``python -m autograder nbgrader COURSE_DIR`` writes ``nbgrader_config.py`` and one source
notebook per post. Answer cells are the worked solutions' functions, with their
``### BEGIN/END SOLUTION`` blocks (nbgrader turns them into stubs); each graded unit has a
locked test cell worth the unit's points whose last line, ``check(unit, globals(), tiers)``,
is its score (nbgrader's partial credit): the public tests, plus the hidden ones switched on
between ``### BEGIN/END HIDDEN TESTS``. The test cells hold no test data: the cases and the
reference live in the instructor's installed kit.

In-kernel checks run in the student's own kernel, which the student's code can tamper with;
``python -m autograder grade`` reads a submitted notebook back into the kit's files
(``submission_files``) and grades it in the sandbox instead.
"""
from __future__ import annotations

import ast
import contextlib
import io
import re
import shutil
import warnings
from pathlib import Path

from .sandbox import Outcome, outcome_from_reply
from .units import BY_ID, KIT, UNITS, libraries, public_libraries, run_test, split_points
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
        libs = libraries("correlation", runner, set(unit.depends), unit)
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

def grade_id(name: str) -> str:
    """A cell's nbgrader grade_id (letters, digits, _ and - only): "4.2.1_answer" -> "4_2_1_answer"."""
    return name.replace(".", "_")


def _meta(name: str, *, solution=False, grade=False, locked=False, points=None) -> dict:
    meta = {"grade": grade, "grade_id": grade_id(name), "locked": locked, "schema_version": 3,
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


# The cell's last line is its score (nbgrader's partial credit); the hidden tier only in the source.
TEST_CELL = """from autograder.notebook import check

tiers = ["public"]
### BEGIN HIDDEN TESTS
tiers.append("hidden")
### END HIDDEN TESTS
check({uid!r}, globals(), tiers)"""


def given_cells() -> dict[str, str]:
    """The locked code cells every notebook starts with, by grade_id (from the stubs: the
    grader reads them back where there are no solutions)."""
    return {"setup": SETUP,
            "given_softmax": "# Given (from earlier parts): the row-wise softmax.\n"
                             + _function(KIT / "exercises" / "neural_network.py", "softmax")}


def notebook(assignment: str):
    import nbformat.v4 as nbf

    solutions = KIT / "solutions"
    cells = [nbf.new_markdown_cell(
                 f"# Learn Deep Learning with NumPy, {'Part 4.2' if assignment == 'part4_2' else 'Part 4.3'}\n\n"
                 "Fill in every cell that says `YOUR CODE HERE`, then run the test cell below it. "
                 "`conv2d` is cross-correlation, as the post's formula says (the kernel is not flipped); "
                 "`max_pool`'s output size is `(H - size) // stride + 1` and a `(H, W, 1)` input keeps its "
                 "channel axis.", metadata=_meta("intro", locked=True)),
             *[nbf.new_code_cell(source, metadata=_meta(gid, locked=True)) for gid, source in given_cells().items()]]
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
        test = TEST_CELL.format(uid=uid)
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


# --- reading a submitted notebook back: the safe path ---------------------------------------

def _cell_grade_id(cell) -> str:
    return cell.get("metadata", {}).get("nbgrader", {}).get("grade_id", "")


ANSWERS = {grade_id(f"{uid}_answer"): uid for uid in BY_ID}
ANSWERS.update({grade_id(f"{dep}_earlier"): dep for deps in NEEDS.values() for dep in deps})

# Written next to the unit files; runs in the worker, never in the grader. Each cell runs on its
# own, in order, in one namespace, as a kernel runs them: one that fails leaves the rest defined.
CELLS_MODULE = '''"""The code cells of {notebook}, as submitted, run in order in one namespace as the
notebook's kernel runs them (written by python -m autograder grade; IPython magics are skipped)."""
import linecache as _linecache
import os as _os

_NOTEBOOK = {notebook!r}
_CELLS = {cells!r}  # (cell name, source)
_DEFINES = {defines!r}  # function -> the answer cell that must define it


class CellDidNotRun(Exception):
    """The cell that should define the graded function failed or is missing."""


def _standin(message):
    def standin(*args, **kwargs):
        raise CellDidNotRun(message)
    standin.__code__ = standin.__code__.replace(co_filename="<grader>")  # no learner line to point at
    return standin


def _run():
    here, namespace, errors = _os.path.dirname(_os.path.abspath(__file__)), globals(), {{}}
    for name, source in _CELLS:
        path = _os.path.join(here, f"{{_NOTEBOOK}}[{{name}}]")  # what tracebacks and messages show
        _linecache.cache[path] = (len(source), None, source.splitlines(True), path)
        try:
            exec(compile(source, path, "exec"), namespace)
        except (Exception, SystemExit) as error:
            errors[name] = f"{{type(error).__name__}}: {{error}}"
    present = {{name for name, _ in _CELLS}}
    for function, cell in _DEFINES.items():
        if not callable(namespace.get(function)):
            namespace[function] = _standin(
                f"{{_NOTEBOOK}} has no answer cell {{cell}} (was it deleted?)" if cell not in present else
                f"cell {{cell}} of {{_NOTEBOOK}} stopped with {{errors[cell]}} before it defined {{function}}"
                if cell in errors else
                f"cell {{cell}} of {{_NOTEBOOK}} ran but defined no function named {{function}}: keep the stub's name")


_run()
'''


def _runnable(source: str) -> str:
    """IPython magics and shell escapes (%..., !...) become `pass`, keeping the line numbers."""
    return "\n".join(line[:len(line) - len(line.lstrip())] + "pass  # IPython magic, not run"
                     if line.lstrip().startswith(("%", "!")) else line for line in source.splitlines())


def assignment_of(path: Path, nb) -> str | None:
    """The assignment a notebook belongs to: by name, else by the answer cells it holds."""
    if path.stem in ASSIGNMENTS:
        return path.stem
    held = {ANSWERS.get(_cell_grade_id(c)) for c in nb.cells}
    best = max(ASSIGNMENTS, key=lambda a: len(held & set(ASSIGNMENTS[a])))
    return best if held & set(ASSIGNMENTS[best]) else None


def submission_files(folder: Path) -> tuple[dict[str, str], list[str]] | None:
    """({file name: text}, unit ids) that grade a folder of submitted notebooks like a folder of
    .py files, or None if it holds no notebook of this course. Each notebook's code cells go
    into one module (locked cells from the kit, not the submission); each unit's file imports
    its function from there, and neural_network.py is the kit's stub with conv2d / max_pool
    taken from the notebook."""
    paths = sorted(folder.glob("*.ipynb"))
    if not paths:
        return None
    import nbformat

    files: dict[str, str] = {}
    units: list[str] = []
    imports: list[tuple[bool, str]] = []  # (graded here, line) for neural_network.py
    given = given_cells()
    for path in paths:
        try:
            nb = nbformat.read(path, as_version=4)
        except Exception:  # not a notebook we can read: nothing of the course in it
            continue
        assignment = assignment_of(path, nb)
        if assignment is None:
            continue
        module = re.sub(r"\W", "_", path.stem) + "_ipynb"
        cells, defines = [], {}
        for i, cell in enumerate(nb.cells):
            gid = _cell_grade_id(cell)
            if cell.cell_type != "code" or gid.startswith("test_"):
                continue
            source = given.get(gid) if cell.metadata.get("nbgrader", {}).get("locked") else None
            cells.append((gid or f"cell {i + 1}", source if source is not None else _runnable(cell.source)))
        for uid in NEEDS.get(assignment, []) + ASSIGNMENTS[assignment]:
            unit, graded = BY_ID[uid], uid in ASSIGNMENTS[assignment]
            defines[unit.function] = grade_id(f"{uid}_{'answer' if graded else 'earlier'}")
            line = f"from {module} import {unit.function}  # noqa: F401\n"
            if unit.file == "neural_network.py":
                imports.append((graded, line))
            else:
                files[unit.file] = f'"""{unit.title}: the answer cell of {path.name}."""\n' + line
        files[f"{module}.py"] = CELLS_MODULE.format(notebook=path.name, cells=cells, defines=defines)
        units += ASSIGNMENTS[assignment]
    if not units:
        return None
    # the stub's helpers, then the notebooks' functions; a graded answer wins over an earlier copy
    files["neural_network.py"] = ((KIT / "exercises" / "neural_network.py").read_text() + "\n"
                                  + "".join(line for _, line in sorted(imports, key=lambda i: i[0])))
    return files, [u.id for u in UNITS if u.id in units]
