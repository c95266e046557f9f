"""Running one test of one unit, and what it gives: a ``Result``."""

from __future__ import annotations

from dataclasses import dataclass

from ..judge.arrays import Failure
from ..units import Call, Test, Unit
from . import diagnosis


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
    against at least one accepted library. The course's own library's sentence is shown, with
    the mistake its models find named (library units); a failed hidden test of a library unit
    also shows the smallest case found that still fails."""
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
            started = not (
                outcome.status == "not_implemented"
                and outcome.detail.get("function") == unit.function
            )
            if not unit.is_library or not started:
                return Result(
                    unit, test, False, str(first), failure=first, call=call, started=started
                )
            ref = (
                libs[0]
                if getattr(libs[0], "convention", None) and not hasattr(libs[0], "runner")
                else diagnosis.reference_or_none()
            )
            first = diagnosis.explain(unit, call, outcome, first, runner, ref)
            message = str(first)
            if test.tier == "hidden":
                small = diagnosis.smallest_failing(
                    unit, runner, ref, lambda c, o: unit.check(c, o, ref, reveal=True)
                )
                if small is not None:
                    call, first = small
                    message += " " + diagnosis.show_small_case(call, first)
            return Result(unit, test, False, message, failure=first, call=call)
    return Result(unit, test, True, "; ".join(notes))
