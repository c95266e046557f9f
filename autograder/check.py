"""The course check (``python -m autograder check``), in the spirit of rustlings' ``dev check``:
in seconds and without workers, prove that units.toml, each unit's folder, the worked
solutions and the learners' stubs agree.

Each ``_check_*`` step returns sentences naming what disagrees; an empty list is a pass.
"""

from __future__ import annotations

import importlib
import inspect
import sys
from pathlib import Path

import numpy as np

from .paths import EXERCISES, SOLUTIONS
from .units import TOML, UNITS, Unit

UNITS_DIR = TOML.parent
PARTS = ("check", "public", "hidden")


def _check_catalogue(units: list[Unit]) -> list[str]:
    problems = []
    ids = [u.id for u in units]
    if len(set(ids)) != len(ids):
        problems.append(f"units.toml: an id appears twice: {ids}")
    total = sum(u.points for u in units)
    if abs(total - 100) > 1e-9:
        problems.append(f"units.toml: points add up to {total:g}, not 100")
    for k, u in enumerate(units):
        earlier = {v.id for v in units[:k]}
        problems += [
            f"{u.id}: depends on {d}, which is not a unit graded before it"
            for d in u.depends
            if d not in earlier
        ]
        if len(u.hints) != 3 or len(set(u.hints)) != 3:
            problems.append(f"{u.id}: needs three different hints, has {len(set(u.hints))}")
        if not (EXERCISES / u.file).is_file():
            problems.append(f"{u.id}: exercises/{u.file} is missing")
    folders = {p.name for p in UNITS_DIR.iterdir() if p.is_dir() and (p / "__init__.py").is_file()}
    problems += [
        f"units/{f}/ has no entry in units.toml"
        for f in sorted(folders - {u.folder for u in units})
    ]
    return problems


def _check_folders(units: list[Unit]) -> list[str]:
    """Each unit's folder has its check and its cases, and every case calls the function with
    arguments it has."""
    problems = []
    for u in units:
        for part in PARTS:
            if part == "hidden" and not (UNITS_DIR / u.folder / "hidden.py").is_file():
                continue  # a learners' copy has no hidden cases
            try:
                module = importlib.import_module(f"autograder.units.{u.folder}.{part}")
            except ImportError as exc:
                problems.append(f"{u.id}: units/{u.folder}/{part}.py cannot be imported ({exc})")
                continue
            if not callable(getattr(module, "tests" if part != "check" else "check", None)):
                problems.append(
                    f"{u.id}: units/{u.folder}/{part}.py defines no "
                    f"{'check' if part == 'check' else 'tests'}()"
                )
                continue
            if part == "check":
                continue
            tests = u.public_tests() if part == "public" else u.hidden_tests()
            if not tests:
                problems.append(f"{u.id}: no {part} cases")
            params = _parameters(u)
            for t in tests:
                bad = sorted({k for c in t.calls for k in c.kwargs} - set(params or ()))
                if params is not None and bad:
                    problems.append(
                        f"{u.id}: {part} case '{t.name}' passes {bad}, which {u.function}() does not take"
                    )
    return problems


def _solution_function(u: Unit):
    """The worked solution's function, imported in this process (trusted code)."""
    for folder in (
        SOLUTIONS,
        EXERCISES,
    ):  # solutions first; given modules (mnist.py) from exercises
        if str(folder) not in sys.path:
            sys.path.append(str(folder))
    module = importlib.import_module(u.module)
    if Path(module.__file__).resolve().parent != SOLUTIONS.resolve():
        raise ImportError(f"{u.module} was imported from {module.__file__}, not from solutions/")
    return getattr(module, u.function, None)


def _parameters(u: Unit) -> dict | None:
    if not SOLUTIONS.is_dir():
        return None
    fn = _solution_function(u)
    return None if fn is None else dict(inspect.signature(fn).parameters)


def _check_defaults(units: list[Unit]) -> list[str]:
    """units.toml's defaults are the solution's: every default that is not None is listed there,
    with the same value."""
    problems = []
    for u in units:
        params = _parameters(u)
        if params is None:
            if SOLUTIONS.is_dir():
                problems.append(f"{u.id}: solutions/{u.file} defines no function {u.function}")
            continue
        in_code = {
            k: p.default
            for k, p in params.items()
            if p.default is not inspect.Parameter.empty and p.default is not None
        }
        for name in sorted(set(in_code) | set(u.defaults)):
            if name not in u.defaults:
                problems.append(f"{u.id}: {u.function}'s default {name} is not in units.toml")
            elif name not in in_code:
                problems.append(
                    f"{u.id}: units.toml gives a default for {name}, which {u.function}() has not"
                )
            elif not np.array_equal(np.asarray(in_code[name]), np.asarray(u.defaults[name])):
                problems.append(f"{u.id}: {u.function}'s default {name} differs from units.toml's")
    return problems


def _check_runs(units: list[Unit]) -> list[str]:
    """The solutions pass every public case; the stubs fail every one as not started (raising
    NotImplementedError), and are what the solutions generate."""
    from .grading.libraries import public_libraries
    from .grading.results import run_test
    from .run.runner import InProcessRunner
    from .stubs import out_of_date

    problems = []
    if SOLUTIONS.is_dir():
        problems += [
            f"exercises/{name} is not the stub solutions/{name} generates: run "
            "python -m autograder stubs --write"
            for name in out_of_date(SOLUTIONS, EXERCISES)
        ]
        solved = InProcessRunner(SOLUTIONS)
        for u in units:
            for t in u.public_tests():
                r = run_test(u, t, solved, public_libraries(u, solved))
                if not r.passed:
                    problems.append(
                        f"{u.id}: the solution fails its public case '{t.name}': {r.message}"
                    )
    stubs = _StubRunner(EXERCISES)
    for u in units:
        for t in u.public_tests():
            r = run_test(u, t, stubs, public_libraries(u, stubs))
            if r.passed or r.started:
                problems.append(
                    f"{u.id}: the stub does not fail '{t.name}' as not implemented yet"
                    f"{': ' + r.message if r.message else ''}"
                )
    return problems


class _StubRunner:
    """Runs the stubs in this process, each module loaded from exercises/ under its own name
    (the solutions' modules of the same names may already be imported)."""

    def __init__(self, folder: Path):
        self.folder, self.modules = folder, {}

    def call(self, module: str, function: str, kwargs: dict, timeout=None):
        from .run.runner import outcome_from_reply
        from .run.worker import run_call

        if module not in self.modules:
            spec = importlib.util.spec_from_file_location(
                f"_stub_{module}", self.folder / f"{module}.py"
            )
            loaded = importlib.util.module_from_spec(spec)
            spec.loader.exec_module(loaded)
            self.modules[module] = loaded
        fn = getattr(self.modules[module], function)
        return outcome_from_reply(
            run_call(
                {"module": module, "function": function, "kwargs": kwargs, "callable": fn},
                str(self.folder),
            )
        )


def check_course(units: list[Unit] = UNITS) -> list[str]:
    """Every problem found, as sentences; empty when the course agrees with itself."""
    import os

    os.environ.setdefault("MPLBACKEND", "Agg")
    os.environ.setdefault("NNKIT_OFFLINE", "1")
    problems = _check_catalogue(units) + _check_folders(units)
    return problems + (_check_defaults(units) + _check_runs(units) if not problems else [])
