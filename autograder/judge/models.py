"""Mistake models: a named mistake is a function computing what that mistake returns.

A model is called with a reference (anything with the graded function, e.g. ``ref.conv2d``)
and the call's arguments, and predicts one of:

- ``None``: the mistake gives exactly the right answer on these inputs;
- an array: the values the mistake returns (a value model);
- ``Shape((h, w))``: only the shape it returns (its values depend on how the learner made it fit);
- ``RAISES``: the call raises;
- ``AsList(values)``: a Python list holding these values.

A model that cannot say what its mistake does on some inputs raises ``Unknown``.
``fits(prediction, outcome)`` says whether what a call did (an ``Outcome``: ``status``,
``value`` with ``type``/``array``) is what a prediction says. A diagnosis names a mistake only
when its model fits the failing call and every extra discriminating call it is defined on.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

import numpy as np

from .arrays import ATOL, RTOL

RAISES = "raises"


class Shape(tuple):
    """A shape-only prediction: the mistake's output has this shape, values unspecified."""


class AsList:
    """The mistake returns a Python list (of lists) with these values instead of an array."""

    def __init__(self, values):
        self.values = np.asarray(values, dtype=float)


@dataclass
class Model:
    """One named mistake: ``predict(ref, *args)`` and the sentence that names it.

    ``cause``: a short phrase for "consistent with" sentences ("an ignored stride");
    ``says``: the full sentence for the learner, when this model alone explains what came back."""

    id: str
    predict: Callable
    cause: str
    says: str


def _close(a: np.ndarray, b: np.ndarray) -> bool:
    return a.shape == b.shape and bool(np.allclose(a, b, rtol=RTOL, atol=ATOL, equal_nan=False))


def returned_array(outcome) -> np.ndarray | None:
    """The numbers an ok outcome returned as a plain ndarray, else None."""
    value = getattr(outcome, "value", None)
    if (
        outcome.status != "ok"
        or value is None
        or value.type != "numpy.ndarray"
        or value.array is None
    ):
        return None
    return np.asarray(value.array, dtype=float)


def fits(prediction, outcome) -> bool:
    """Is what the call did (an Outcome) what ``prediction`` (not None) says?"""
    if isinstance(prediction, str):
        return outcome.status == "raised"
    if isinstance(prediction, AsList):
        value = getattr(outcome, "value", None)
        return (
            outcome.status == "ok"
            and value is not None
            and value.type == "list"
            and value.array is not None
            and _close(np.asarray(value.array, dtype=float), prediction.values)
        )
    got = returned_array(outcome)
    if got is None:
        return False
    if isinstance(prediction, Shape):
        return got.shape == tuple(prediction)
    return _close(got, np.asarray(prediction, dtype=float))


def visible(prediction, right: np.ndarray):
    """The prediction, or None where no outcome could tell it from the right answer."""
    if prediction is None:
        return None
    if isinstance(prediction, Shape):
        return None if tuple(prediction) == right.shape else prediction
    if isinstance(prediction, (str, AsList)):
        return prediction
    return None if _close(np.asarray(prediction, dtype=float), right) else prediction


class Unknown(Exception):
    """Raised by a model that cannot say what its mistake does on these inputs."""


def diagnose(
    models: list[Model], ref, function: str, first: tuple, extra: list[tuple]
) -> list[Model]:
    """The models that explain what came back: each predicts a visible mistake that fits the
    failing call ``first`` = (args, outcome), and fits every call of ``extra`` too (where it
    predicts the right answer, the learner's function must have given it; where it cannot say,
    raising ``Unknown``, that call is no evidence). ``ref`` has the right ``function``."""

    def fits_call(model, args, outcome, first_call):
        right = np.asarray(getattr(ref, function)(*args), dtype=float)
        try:
            p = visible(model.predict(ref, *args), right)
        except Unknown:
            return not first_call
        if p is None:
            return not first_call and fits(right, outcome)
        return fits(p, outcome)

    args, outcome = first
    return [
        m
        for m in models
        if fits_call(m, args, outcome, True) and all(fits_call(m, a, o, False) for a, o in extra)
    ]
