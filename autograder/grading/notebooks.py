"""Submitted nbgrader notebooks read back into the kit's files, for grading in the sandbox.

Each notebook's code cells go into one module that runs them in order, each on its own, as a
kernel runs them (a cell with a syntax error or an exception costs only its own unit); the
locked cells come from the kit, not the submission; IPython magics are skipped.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

from ..paths import EXERCISES
from ..units import BY_ID, UNITS, assignments, earlier_units

ASSIGNMENTS = assignments()  # {"part4_2": [unit ids], ...}, from units.toml


def grade_id(name: str) -> str:
    """A cell's nbgrader grade_id (letters, digits, _ and - only): "4.2.1_answer" -> "4_2_1_answer"."""
    return name.replace(".", "_")


def _spans(text: str) -> list[tuple[ast.stmt, str]]:
    """Each top-level statement with its whole lines, up to the next statement: trailing
    comments such as ``### END SOLUTION`` belong to the function above them."""
    lines = text.splitlines()
    body = ast.parse(text).body
    ends = [n.lineno - 1 for n in body[1:]] + [len(lines)]
    return [(n, "\n".join(lines[n.lineno - 1 : end]).rstrip()) for n, end in zip(body, ends)]


def _function(path: Path, name: str) -> str:
    return next(
        src
        for n, src in _spans(path.read_text())
        if isinstance(n, ast.FunctionDef) and n.name == name
    )


SETUP = """\
import numpy as np
import matplotlib.pyplot as plt
from numpy.typing import NDArray

from mnist import load_mnist, load_mnist_image"""


def given_cells() -> dict[str, str]:
    """The locked code cells every notebook starts with, by grade_id (from the stubs: the
    grader reads them back where there are no solutions)."""
    return {
        "setup": SETUP,
        "given_softmax": "# Given (from earlier parts): the row-wise softmax.\n"
        + _function(EXERCISES / "neural_network.py", "softmax"),
    }


def _cell_grade_id(cell) -> str:
    return cell.get("metadata", {}).get("nbgrader", {}).get("grade_id", "")


ANSWERS = {grade_id(f"{uid}_answer"): uid for uid in BY_ID}
ANSWERS.update({grade_id(f"{dep}_earlier"): dep for a in ASSIGNMENTS for dep in earlier_units(a)})

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
    return "\n".join(
        line[: len(line) - len(line.lstrip())] + "pass  # IPython magic, not run"
        if line.lstrip().startswith(("%", "!"))
        else line
        for line in source.splitlines()
    )


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
            cells.append(
                (gid or f"cell {i + 1}", source if source is not None else _runnable(cell.source))
            )
        for uid in earlier_units(assignment) + ASSIGNMENTS[assignment]:
            unit, graded = BY_ID[uid], uid in ASSIGNMENTS[assignment]
            defines[unit.function] = grade_id(f"{uid}_{'answer' if graded else 'earlier'}")
            line = f"from {module} import {unit.function}  # noqa: F401\n"
            if unit.file == "neural_network.py":
                imports.append((graded, line))
            else:
                files[unit.file] = f'"""{unit.title}: the answer cell of {path.name}."""\n' + line
        files[f"{module}.py"] = CELLS_MODULE.format(
            notebook=path.name, cells=cells, defines=defines
        )
        units += ASSIGNMENTS[assignment]
    if not units:
        return None
    # the stub's helpers, then the notebooks' functions; a graded answer wins over an earlier copy
    files["neural_network.py"] = (
        (EXERCISES / "neural_network.py").read_text()
        + "\n"
        + "".join(line for _, line in sorted(imports, key=lambda i: i[0]))
    )
    return files, [u.id for u in UNITS if u.id in units]
