"""Running one test of one unit, and what it gives: a ``Result``."""
from __future__ import annotations

from dataclasses import dataclass

from ..judge.arrays import Failure
from ..units import Call, Test, Unit


@dataclass
class Result:
    """The verdict on one test.

    passed:    every call passed against at least one accepted library;
    message:   the failure's sentence, or a note on how it passed ("accepted: ...");
    max_score: the test's share of the unit's points (score is that, or 0);
    failure:   the Failure, with the arrays a picture needs; call: the call that failed;
    mistake:   the id of the named mistake the failure is, when one explains it;
    started:   False while the unit's own function still raises NotImplementedError."""

    unit: Unit
    test: Test
    passed: bool
    message: str = ""
    max_score: float = 0.0
    failure: Failure | None = None
    call: Call | None = None
    started: bool = True

    @property
    def score(self) -> float:
        return self.max_score if self.passed else 0.0

    @property
    def mistake(self) -> str | None:
        return self.failure.mistake if self.failure is not None else None


def split_points(points: float, n: int) -> list[float]:
    """n shares to the cent whose sum is exactly ``points`` (the last takes the remainder)."""
    share = round(points / n, 2)
    return [share] * (n - 1) + [round(points - share * (n - 1), 2)]


def run_test(unit: Unit, test: Test, runner, libs: list) -> Result:
    """Call the learner's function for each of the test's calls; pass when every call passes
    against at least one accepted library. The course's own library's sentence is shown."""
    notes = []
    for call in test.calls:
        outcome = runner.call(unit.module, unit.function, call.kwargs)
        first: Failure | None = None
        for lib in libs:
            try:
                unit.check(call, outcome, lib, reveal=test.tier == "public")
            except Failure as failure:
                first = first or failure
                continue
            if getattr(lib, "note", "") and lib.note not in notes:
                notes.append(lib.note)
            break
        else:
            started = not (outcome.status == "not_implemented" and outcome.detail.get("function") == unit.function)
            return Result(unit, test, False, str(first), failure=first, call=call, started=started)
    return Result(unit, test, True, "; ".join(notes))


def grade_units(units: list[Unit], runner, libraries_for, hidden: bool, failed: set[str] | None = None,
                hung_dependency=None) -> list[Result]:
    """Every test of ``units`` (public, then hidden), in order, each with its share of points.
    ``libraries_for(unit, failed)`` gives the libraries a unit accepts, knowing which units
    failed so far (``failed`` to start from); ``hung_dependency(unit)`` a sentence when a
    function it calls already hung."""
    results: list[Result] = []
    failed = set(failed or ())
    for unit in units:
        tests = unit.public_tests() + (unit.hidden_tests() if hidden else [])
        hung = hung_dependency(unit) if hung_dependency else ""
        libs = libraries_for(unit, failed)
        unit_results = ([Result(unit, test, False, hung) for test in tests] if hung else
                        [run_test(unit, test, runner, libs) for test in tests])
        for r, share in zip(unit_results, split_points(unit.points, len(tests))):
            r.max_score = share
        if not all(r.passed for r in unit_results):
            failed.add(unit.id)
        results += unit_results
    return results
