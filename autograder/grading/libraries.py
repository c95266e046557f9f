"""The libraries a check computes what a call should have returned with (conv2d, max_pool,
softmax), and which of them a unit's tests accept.

- ``ReferenceLib``: the hidden reference (grading), in the course's convention;
- ``LearnerLib``: the learner's own primitives. An exercise that is right given the
  learner's conv2d passes, so a mistake in conv2d costs its points once, under conv2d.
"""

from __future__ import annotations

import hashlib

import numpy as np

from ..judge.arrays import Failure, as_array, describe_inputs
from ..judge.outcomes import value_of
from . import CONVENTIONS

_ANSWERS: dict[tuple, np.ndarray] = {}  # reference outputs by inputs: computed once per batch


def _remembered(name: str, compute, *arrays, **params) -> np.ndarray:
    key = (
        name,
        tuple(sorted(params.items())),
        *(
            (
                a.shape,
                a.dtype.str,
                hashlib.blake2b(np.ascontiguousarray(a).tobytes(), digest_size=16).digest(),
            )
            for a in map(np.asarray, arrays)
        ),
    )
    if key not in _ANSWERS:
        if len(_ANSWERS) > 20_000:
            _ANSWERS.clear()
        _ANSWERS[key] = compute()
        _ANSWERS[key].flags.writeable = False  # shared between submissions: nobody may change it
    return _ANSWERS[key]


class ReferenceLib:
    """The hidden reference, in one convention. Imported lazily: learners' copies lack it."""

    def __init__(self, convention: str = "correlation"):
        import reference

        self._ref, self.convention = reference, convention
        self.note = (
            ""
            if convention == "correlation"
            else "accepted: matches true convolution (kernel flipped), which this course accepts"
        )

    def conv2d(self, image, filter_kernel, stride=1):
        kernel = np.asarray(filter_kernel, dtype=float)
        if self.convention == "convolution":
            kernel = kernel[::-1, ::-1]
        return _remembered(
            "conv2d", lambda: self._ref.conv2d(image, kernel, stride), image, kernel, stride=stride
        )

    def max_pool(self, X, size=2, stride=2):
        return _remembered(
            "max_pool", lambda: self._ref.max_pool(X, size, stride), X, size=size, stride=stride
        )

    def softmax(self, Z):
        return _remembered("softmax", lambda: self._ref.softmax(Z), Z)


class LearnerLib:
    """The learner's own primitives (for the units in ``own``), ``base``'s for the others."""

    convention = "correlation"

    def __init__(self, runner, own: set[str], base=None):
        self.runner, self.own, self.base = runner, set(own), base
        self.note = (
            "accepted: right given your own "
            + " and ".join(sorted(self.own))
            + ", whose mistakes are graded under "
            + ("that unit" if len(self.own) == 1 else "those units")
        )

    def _call(self, function: str, **kwargs):
        if function not in self.own and self.base is not None:
            return getattr(self.base, function)(**kwargs)
        call = describe_inputs(function, kwargs)
        try:
            return as_array(
                value_of(
                    self.runner.call("neural_network", function, kwargs), call, "neural_network.py"
                ),
                call,
            )
        except Failure as f:
            raise Failure(
                f"This step uses your {function}, which did not give an array: {f}"
            ) from None

    def conv2d(self, image, filter_kernel, stride=1):
        return self._call("conv2d", image=image, filter_kernel=filter_kernel, stride=stride)

    def max_pool(self, X, size=2, stride=2):
        return self._call("max_pool", X=X, size=size, stride=stride)

    def softmax(self, Z):
        return self._call("softmax", Z=Z)


def public_libraries(unit, runner) -> list:
    """For learners' public runs: hand-worked values for the library units (no reference),
    the learner's own conv2d and max_pool for the exercises (they have their own tests)."""
    return (
        [None] if unit.is_library else [LearnerLib(runner, own={"conv2d", "max_pool", "softmax"})]
    )


def libraries(convention: str, runner, unit, own: bool = True) -> list:
    """The libraries whose answers this unit accepts, the course's own convention first, then
    (``own``) the learner's own functions that the unit calls: an exercise right given them
    passes, whatever their own tests say (float32 rounding in them included)."""
    if convention not in CONVENTIONS:
        raise ValueError(f"convention must be one of {CONVENTIONS}, not {convention!r}")
    first = ReferenceLib("convolution" if convention == "convolution" else "correlation")
    libs = [first]
    if convention == "either":
        libs.append(ReferenceLib("convolution"))
    if own and unit.depends:
        libs.append(LearnerLib(runner, set(unit.depends), base=first))
    return libs
