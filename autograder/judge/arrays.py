"""Judging one returned array: type first, then finite values, then shape, then values.

Every failure is a sentence for the learner (raised as ``Failure``). Sentences name the
call that was made, what was expected and what came back, and, where a known mistake
explains the difference, that mistake. The units supply the mistakes (what a flipped kernel
or an ignored stride would have returned); this module knows nothing of conv2d.

The judging layer imports numpy only. What it judges (a returned ``Value``, a call's
``Outcome``) is read by attribute, so it needs nothing of the layer that ran the code.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

RTOL, ATOL = 1e-5, 1e-6  # against float64 references; float32 results are judged on their own scale
AXIS_NAMES = ("height (axis 0)", "width (axis 1)", "channels (axis 2)", "axis 3")


class Failure(Exception):
    """A check failed; ``str(failure)`` is the sentence shown to the learner. ``data`` holds
    what a picture of the failure needs (got/expected arrays, or the figure and its panels)."""

    def __init__(self, message: str, mistake: str | None = None, **data):
        super().__init__(message)
        self.mistake = mistake  # the id of the named mistake this failure is, if any
        self.data = data


@dataclass
class Mistake:
    """A known mistake: what it would have returned, and the sentence that names it.

    ``id`` is stable data for reports ("flipped_kernel"); ``says`` is the learner's sentence."""

    id: str
    says: str
    values: np.ndarray | None = None  # the output this mistake produces, when known
    shape: tuple | None = None  # else the shape it produces
    shows: tuple[str, np.ndarray] | None = None  # a picture's extra panel that makes it plain

    def __post_init__(self):
        if self.values is not None:
            self.values = np.asarray(self.values, dtype=float)
            self.shape = self.values.shape


def shape_text(a) -> str:
    return "x".join(str(n) for n in np.shape(a)) if np.ndim(a) else "scalar"


def describe_inputs(function: str, inputs: dict) -> str:
    """'conv2d(image 5x7, filter_kernel 3x2, stride=2)': the call, as a learner would write it."""
    parts = [
        f"{k} {shape_text(v)}" if isinstance(v, np.ndarray) else f"{k}={v!r}"
        for k, v in inputs.items()
    ]
    return f"{function}({', '.join(parts)})"


# --- the array check ---------------------------------------------------------------------


def as_array(value, call: str) -> np.ndarray:
    """Type check: a real numpy.ndarray of numbers."""
    t = value.type
    if t == "numpy.ndarray":
        if value.array is None:
            raise Failure(
                f"{call} returned an array of {value.text}; expected numbers (float or int)."
            )
        if value.array.dtype.kind in "bc":
            raise Failure(
                f"{call} returned an array of {value.array.dtype} values; expected real numbers."
            )
        return value.array
    if t == "NoneType":
        raise Failure(f"{call} returned None: is the `return` statement missing?")
    if t == "numpy.matrix":
        raise Failure(
            f"{call} returned a numpy.matrix; return a plain numpy.ndarray (np.asarray(result))."
        )
    if t in ("list", "tuple"):
        raise Failure(
            f"{call} returned a {t}, not a numpy.ndarray: build the output with np.zeros(...) "
            "and fill it, or convert it with np.array(...).",
            "returns_list",
        )
    if value.scalar:
        raise Failure(f"{call} returned a single number ({t} {value.text}) instead of an array.")
    if value.array is not None:  # an ndarray subclass
        raise Failure(
            f"{call} returned a {t} (a subclass of numpy.ndarray); return a plain numpy.ndarray."
        )
    raise Failure(f"{call} returned a {t}; expected a numpy.ndarray.")


def check_array(
    value,
    expected: np.ndarray,
    *,
    call: str,
    mistakes: list[Mistake] = (),
    rtol: float = RTOL,
    atol: float = ATOL,
    reveal: bool = True,
) -> np.ndarray:
    """Type, finiteness, shape, values. ``reveal=False`` (hidden tests) never prints expected values."""
    got = as_array(value, call)
    expected = np.asarray(expected, dtype=float)
    _check_finite(got, call)
    if got.shape != expected.shape:
        why, mistake = _why_shape(got, expected, mistakes)
        raise Failure(
            f"{call}: expected shape {expected.shape}, got {got.shape}: {why}",
            mistake,
            got=got,
            expected=expected,
        )
    if got.dtype.itemsize < 8 and got.dtype.kind == "f":
        # float32 work: its rounding grows with the size of the terms summed, not of the result
        # (255-valued pixels times 0.1-sized filters cancelling to 0.09), so judge it on that scale.
        rtol, atol = max(rtol, 1e-4), max(atol, 1e-5 * float(np.abs(expected).max(initial=0.0)))
    close = np.isclose(got, expected, rtol=rtol, atol=atol)
    if close.all():
        return got
    for m in mistakes:
        if (
            m.values is not None
            and m.values.shape == got.shape
            and np.allclose(got, m.values, rtol=rtol, atol=atol)
        ):
            raise Failure(
                f"{call}: the shape is right but the values are not: {m.says}",
                m.id,
                got=got,
                expected=expected,
                shows=m.shows,
            )
    raise Failure(
        f"{call}: {_value_report(got, expected, close, rtol, atol, reveal)}",
        got=got,
        expected=expected,
    )


def _check_finite(got: np.ndarray, call: str) -> None:
    bad = ~np.isfinite(got)
    if bad.any():
        first = tuple(int(i) for i in np.argwhere(bad)[0])
        kind = "NaN" if np.isnan(got[first]) else "infinite"
        raise Failure(
            f"{call} returned {int(bad.sum())} non-finite value(s), the first ({kind}) at index {first}: "
            "look for np.empty (uninitialised memory), a division by zero, or an overflow."
        )


def _why_shape(got: np.ndarray, expected: np.ndarray, mistakes) -> tuple[str, str | None]:
    """The sentence for a wrong shape, and the id of the mistake it names (if one)."""
    for m in mistakes:
        if m.shape is not None and tuple(m.shape) == got.shape:
            return m.says, m.id
    return shape_difference(got.shape, expected.shape), None


def shape_difference(g: tuple, e: tuple) -> str:
    """What differs between a returned shape ``g`` and the expected ``e``, axis by axis."""
    if len(g) != len(e):
        return f"expected a {len(e)}-D array, got a {len(g)}-D one."
    wrong = [
        f"the {AXIS_NAMES[i]} should be {e[i]}, not {g[i]}" for i in range(len(e)) if g[i] != e[i]
    ]
    return "; ".join(wrong) + "."


def _value_report(got, expected, close, rtol, atol, reveal) -> str:
    n_bad, n = int((~close).sum()), close.size
    first = tuple(int(i) for i in np.argwhere(~close)[0])
    err = np.abs(got - expected)
    worst = tuple(int(i) for i in np.unravel_index(int(np.argmax(err)), err.shape))
    at_first = (
        f"got {got[first]:.6g}, expected {expected[first]:.6g}"
        if reveal
        else f"you returned {got[first]:.6g}"
    )
    return (
        f"{n_bad} of {n} values differ from the expected ones (compared with rtol={rtol:g}, atol={atol:g}); "
        f"the first wrong value is at index {first}: {at_first}; the largest error is {err[worst]:.6g} "
        f"at index {worst}."
    )
