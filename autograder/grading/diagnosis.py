"""Naming a library unit's mistake by its models, and finding the smallest failing case.

A failed call of conv2d or max_pool is explained by the unit's mistake models
(``units/<unit>/mistakes.py``): a mistake is named only when its model reproduces what the
learner's function returned on the failing call and on every extra discriminating call it is
defined on (a few small calls of the learner's function, made once per worker). Where several
models fit, the sentence says what the evidence is consistent with; where none does, it says
what the shape is consistent with, or only what differs.
"""

from __future__ import annotations

import importlib
import time
import weakref

import numpy as np

from ..judge.arrays import Failure, describe_inputs, shape_difference
from ..judge.models import Shape, diagnose, returned_array, visible

_EXTRA: weakref.WeakKeyDictionary = (
    weakref.WeakKeyDictionary()
)  # runner -> {unit id: [(args, outcome)]}


def mistakes_of(unit):
    """The unit's mistakes module, or None (exercises have none)."""
    try:
        return importlib.import_module(f"autograder.units.{unit.folder}.mistakes")
    except ModuleNotFoundError:
        return None


def reference_or_none():
    """The hidden reference as a library, where this copy of the kit has it."""
    from .libraries import ReferenceLib

    try:
        return ReferenceLib()
    except ImportError:
        return None


def _extra_calls(unit, module, runner) -> list[tuple]:
    try:
        cache = _EXTRA.setdefault(runner, {})
    except TypeError:  # a runner that cannot be weakly referenced: no cache
        cache = {}
    if unit.id not in cache:
        calls = module.discriminating_calls()
        cache[unit.id] = [
            ([kw[a] for a in module.ARGS], runner.call(unit.module, unit.function, kw))
            for kw in calls
        ]
    return cache[unit.id]


def explain(unit, call, outcome, failure: Failure, runner, ref) -> Failure:
    """``failure`` with its sentence naming the mistake its models find, if they find one."""
    module = mistakes_of(unit)
    if module is None or ref is None or outcome.status not in ("ok", "raised"):
        return failure
    inputs = unit.inputs(call)
    args = [inputs[a] for a in module.ARGS]
    text = describe_inputs(unit.function, call.kwargs)
    extra = _extra_calls(unit, module, runner)
    found = diagnose(module.MODELS, ref, unit.function, (args, outcome), extra)
    expected = np.asarray(getattr(ref, unit.function)(*args), dtype=float)
    got = returned_array(outcome)
    if len(found) == 1:
        model = found[0]
        says = module.sentence(model, ref) if hasattr(module, "sentence") else model.says
        shows = module.shows(model, inputs) if hasattr(module, "shows") else None
        return _reworded(failure, text, got, expected, says, model.id, shows)
    if found:
        causes = " or ".join(m.cause for m in found)
        return _reworded(
            failure, text, got, expected, f"this is consistent with {causes}.", None, None
        )
    if got is not None and got.shape != expected.shape:  # no model fits: say what the shape fits
        shaped = [m.cause for m in module.MODELS if _gives_shape(m, ref, args, expected, got.shape)]
        says = (
            f"{got.shape} is the shape that {' or '.join(shaped)} would give."
            if shaped
            else shape_difference(got.shape, expected.shape)
        )
        return _reworded(failure, text, got, expected, says, None, None)
    named = {m.id: m for m in module.MODELS}.get(failure.mistake)
    if (
        named is not None and failure.mistake != "returns_list"
    ):  # a hand-worked name the models do not confirm
        return _reworded(
            failure,
            text,
            got,
            expected,
            f"on this call they match {named.cause}, but your function "
            "does not behave that way on other inputs, so it is something else.",
            None,
            None,
        )
    return failure


def _gives_shape(model, ref, args, expected, shape) -> bool:
    try:
        p = visible(model.predict(ref, *args), expected)
    except Exception:
        return False
    if p is None or isinstance(p, str):
        return False
    return (
        tuple(p) == tuple(shape)
        if isinstance(p, Shape)
        else np.shape(getattr(p, "values", p)) == tuple(shape)
    )


def _reworded(failure, text, got, expected, says, mistake, shows) -> Failure:
    data = dict(failure.data)
    if shows is not None:
        data["shows"] = shows
    if got is None:  # it raised, or returned a list: keep what happened, add why
        return Failure(f"{failure} {says[0].upper()}{says[1:]}", mistake, **data)
    if got.shape != expected.shape:
        return Failure(
            f"{text}: expected shape {expected.shape}, got {got.shape}: {says}", mistake, **data
        )
    return Failure(f"{text}: the shape is right but the values are not: {says}", mistake, **data)


# --- the smallest failing case -------------------------------------------------------------

SEARCH_SECONDS, SEARCH_CALLS = 2.0, 40


def smallest_failing(unit, runner, ref, check):
    """(call, failure) of the smallest of the unit's small cases on which the learner's function
    fails ``check``, searched in order of size (seeded, at most SEARCH_CALLS calls and
    SEARCH_SECONDS), or None. It shows a small case in full, and nothing of the hidden ones."""
    module = mistakes_of(unit)
    if module is None or ref is None or not hasattr(module, "small_calls"):
        return None
    deadline = time.monotonic() + SEARCH_SECONDS
    for k, call in enumerate(module.small_calls()):
        if k >= SEARCH_CALLS or time.monotonic() > deadline:
            return None
        outcome = runner.call(unit.module, unit.function, call.kwargs)
        if outcome.status not in ("ok", "raised"):
            return None  # a hang or a crash: more calls would not help
        try:
            check(call, outcome)
        except Failure as failure:
            return call, explain(unit, call, outcome, failure, runner, ref)
    return None


def show_small_case(call, failure: Failure) -> str:
    """The small case in full: its inputs, and what was expected and returned."""

    def text(a):
        return np.array2string(np.asarray(a), precision=4, separator=", ").replace("\n", "")

    parts = [
        f"{k} = {text(v)}" if isinstance(v, np.ndarray) else f"{k} = {v!r}"
        for k, v in call.kwargs.items()
    ]
    shown = f"The smallest case found where it still differs: {', '.join(parts)}"
    if "expected" in failure.data and "got" in failure.data:
        shown += f"; expected {text(failure.data['expected'])}, got {text(failure.data['got'])}"
    return shown + "."
