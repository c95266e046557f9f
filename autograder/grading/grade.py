"""Grading one submission folder: the trusted side.

The submission's files are copied into a fresh temporary folder with the kit's given files
(mnist.py and its data), and run there by a worker process; this process holds the
reference, makes every comparison and alone writes results.
"""

from __future__ import annotations

import contextlib
import os
import secrets
import tempfile
from pathlib import Path

from ..paths import EXERCISES
from ..run.environment import work_base
from ..run.runner import WorkerRunner
from ..units import BY_ID, TOML, UNITS
from .libraries import libraries
from .results import Result, run_test, split_points
from .submission import RefusingRunner, prepare, submission_root


def _hung_dependency(runner):
    def sentence(unit) -> str:
        """A sentence if a function this unit calls already hung: it would only hang again."""
        for dep in unit.depends:
            outcome = runner.hung.get(f"{BY_ID[dep].module}.{BY_ID[dep].function}")
            if outcome is not None:
                where = f" at {outcome.detail['where']}" if outcome.detail.get("where") else ""
                return (
                    f"Not run: {BY_ID[dep].function} never returned when it was graded (stopped after "
                    f"{outcome.detail.get('seconds')} s{where}), and {unit.function} uses it. Fix {dep} first."
                )
        return ""

    return sentence


UNITS_DIR = TOML.parent
STANDIN_NOTE = "graded with a working {names} in place of yours, which fails its own tests"


def standin_files(workdir: Path, functions: list[str]) -> None:
    """Turn a prepared copy into one whose neural_network.py is the learner's with a working
    stand-in for each of ``functions`` (their own failures are charged to them alone)."""
    learner = workdir / "neural_network.py"
    if learner.exists():
        learner.rename(workdir / "_learner_neural_network.py")
    (workdir / "_given_neural_network.py").write_bytes(
        (EXERCISES / "neural_network.py").read_bytes()
    )
    lines = [
        '"""Written by the grader: your neural_network.py, with a working stand-in for '
        + ", ".join(functions)
        + '."""',
        "try:",
        "    from _learner_neural_network import *  # noqa: F401,F403",
        "except BaseException:  # it does not import: the given helpers, as in the stub",
        "    from _given_neural_network import *  # noqa: F401,F403",
    ]
    for name in functions:
        source = UNITS_DIR / BY_ID[name].folder / "standin.py"
        (workdir / f"_standin_{name}.py").write_bytes(source.read_bytes())
        lines.append(f"from _standin_{name} import {name}  # noqa: E402,F401")
    (workdir / "neural_network.py").write_text("\n".join(lines) + "\n")


def grade(
    submission: Path,
    *,
    convention: str = "correlation",
    timeout: float = 10.0,
    memory_mb: int = 2048,
    hidden: bool = True,
    units: list[str] | None = None,
) -> list[Result]:
    """Public and (unless ``hidden=False``) hidden tests of every unit (or of ``units``), in
    units.toml's order. A unit graded alone counts its dependencies as passed.

    Each exercise is charged for its own code only: when conv2d or max_pool fails its own tests
    (in any way: values, shape, type, exception, hang), the exercises that call it are graded
    in a fresh worker with a working stand-in in its place; one that is right given the
    learner's own function passes too.

    A folder of nbgrader notebooks is graded as its notebook is in the kernel: the units of its
    assignment, each exercise also right given the notebook's own conv2d / max_pool."""
    failed: set[str] = set()
    submission = submission_root(Path(submission))
    from_notebooks = None
    if not any(os.path.lexists(submission / u.file) for u in UNITS):
        from .notebooks import submission_files

        from_notebooks = submission_files(submission)
    if from_notebooks:
        units = [u for u in from_notebooks[1] if units is None or u in units]
        failed = {
            dep for u in units for dep in BY_ID[u].depends
        }  # own versions count, as in the kernel
    chosen = [u for u in UNITS if units is None or u.id in units]
    results: list[Result] = []
    with tempfile.TemporaryDirectory(prefix="nnkit-grade-", dir=work_base()) as tmp:
        # base (0711, inside this process's staging folder, which the fork server sees
        # read-only) holds folders with unguessable names.
        base = Path(tmp)
        os.chmod(base, 0o711)
        workdir = base / secrets.token_hex(8)
        workdir.mkdir()
        files = from_notebooks and from_notebooks[0]
        refused = prepare(submission, workdir, files)
        with contextlib.ExitStack() as stack:
            worker = stack.enter_context(
                WorkerRunner(workdir, timeout=timeout, memory_mb=memory_mb, confine=True)
            )
            runner = RefusingRunner(worker, refused)
            worker.precompile([u.file for u in UNITS] + [p.name for p in workdir.glob("*.py")])
            standins: dict[frozenset, object] = {}
            for unit in chosen:
                worker.fresh()
                tests = unit.public_tests() + (unit.hidden_tests() if hidden else [])
                own_failed = failed & set(unit.depends)
                if own_failed and not from_notebooks:
                    key = frozenset(own_failed)
                    if key not in standins:
                        folder = base / secrets.token_hex(8)
                        folder.mkdir()
                        prepare(submission, folder, files)
                        standin_files(folder, sorted(own_failed, key=lambda u: BY_ID[u].function))
                        standins[key] = stack.enter_context(
                            WorkerRunner(folder, timeout=timeout, memory_mb=memory_mb, confine=True)
                        )
                    unit_results = [
                        _with_standin(unit, test, standins[key], runner, convention, failed)
                        for test in tests
                    ]
                else:
                    hung = _hung_dependency(worker)(unit)
                    libs = libraries(convention, runner, unit)
                    unit_results = (
                        [Result(unit, test, False, hung) for test in tests]
                        if hung
                        else [run_test(unit, test, runner, libs) for test in tests]
                    )
                for r, share in zip(unit_results, split_points(unit.points, len(tests))):
                    r.max_score = share
                if not all(r.passed for r in unit_results):
                    failed.add(unit.id)
                results += unit_results
    return results


def _with_standin(unit, test, standin, runner, convention, failed) -> Result:
    """The exercise's test with working stand-ins for its failed dependencies; if it fails
    there, whether it is right given the learner's own functions (as it was written for)."""
    note = STANDIN_NOTE.format(
        names=" and ".join(BY_ID[d].function for d in sorted(failed & set(unit.depends)))
    )
    result = run_test(unit, test, standin, libraries(convention, standin, unit, own=False))
    if not result.passed:
        own = run_test(unit, test, runner, libraries(convention, runner, unit))
        if own.passed:
            return own
    result.message = (
        f"{result.message} ({note})"
        if not result.passed
        else "; ".join(filter(None, [result.message, note]))
    )
    return result
