"""Judging one returned value: type first, then finite values, then shape, then values.

Every failure is a sentence for the learner (raised as ``Failure``). Sentences name the
call that was made, what was expected and what came back, and, where a known mistake
explains the difference, that mistake. The unit modules supply the mistakes (what a flipped
kernel or an ignored stride would have returned); this module knows nothing of conv2d.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .sandbox import Outcome
from .worker import Value

RTOL, ATOL = 1e-5, 1e-6  # float64 references; float32 work by the learner still passes
AXIS_NAMES = ("height (axis 0)", "width (axis 1)", "channels (axis 2)", "axis 3")


class Failure(Exception):
    """A check failed; ``str(failure)`` is the sentence shown to the learner. ``data`` holds
    what a picture of the failure needs (got/expected arrays, or the figure and its panels)."""

    def __init__(self, message: str, **data):
        super().__init__(message)
        self.data = data


@dataclass
class Mistake:
    """A known mistake: what it would have returned, and the sentence that names it."""

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
    parts = [f"{k} {shape_text(v)}" if isinstance(v, np.ndarray) else f"{k}={v!r}" for k, v in inputs.items()]
    return f"{function}({', '.join(parts)})"


# --- outcomes that are not a returned value ---------------------------------------------

def value_of(outcome: Outcome, call: str, unit_file: str) -> Value:
    """The returned Value, or a Failure saying why there is none."""
    d = outcome.detail
    if outcome.status == "ok" and outcome.value is not None:
        return outcome.value
    where = f" ({d['where']})" if d.get("where") else ""
    sentences = {
        "not_implemented": (
            f"{d.get('function') or call.split('(')[0]} is not implemented yet: fill in its body in "
            f"{d.get('file') or unit_file} (it raises NotImplementedError at line {d.get('line') or '?'})."),
        "missing_file": (
            f"{unit_file} is {'a directory, not a file' if d.get('detail') == 'a directory' else 'missing'} "
            f"in the submission, so {call.split('(')[0]} could not be graded."),
        "missing_function": (
            f"{unit_file} has no function named {call.split('(')[0]}: keep the name and signature of the stub."),
        "syntax_error": (
            f"{d.get('file') or unit_file} has a syntax error at line {d.get('line')}: {d.get('message')}. "
            "Python could not load it, so nothing in it could be graded."),
        "import_error": (
            f"Importing {unit_file} raised {d.get('type')}: {d.get('message')}{where}. Code at the top level "
            "of a file runs on import; keep it inside functions."),
        "raised": f"Calling {call} raised {d.get('type')}: {d.get('message')}{where}.",
        "timeout": (f"{call} took longer than {d.get('seconds')} s and was stopped{where}: "
                    "is there a loop that never ends?"),
        "crashed": (
            f"The Python process running {call} died (exit status {d.get('returncode')}) before it returned: "
            "too much memory, or os._exit / a crash in native code."),
        "bad_reply": f"{call} returned something the grader could not read back (too large or malformed).",
        "memory": (f"{call} used more than the {d.get('memory_mb')} MiB of memory allowed and was stopped{where}: "
                   "is an array far larger than needed being made?"),
        "cpu": f"{call} used more than {d.get('seconds')} s of CPU time and was stopped.",
        "no_worker": f"The grader could not start a process to run {call}: {d.get('error')}. This is not your code's fault.",
    }
    raise Failure(sentences.get(outcome.status, f"{call} did not return normally ({outcome.status})."))


def check_unmodified(outcome: Outcome, call: str) -> None:
    if outcome.modified:
        names = " and ".join(outcome.modified)
        raise Failure(
            f"{call} changed its input {names} in place. Callers reuse their arrays: work on a copy "
            "(e.g. X.astype(float)) or write into a new output array.")


# --- the array check ---------------------------------------------------------------------

def as_array(value: Value, call: str) -> np.ndarray:
    """Type check: a real numpy.ndarray of numbers."""
    t = value.type
    if t == "numpy.ndarray":
        if value.array is None:
            raise Failure(f"{call} returned an array of {value.text}; expected numbers (float or int).")
        if value.array.dtype.kind in "bc":
            raise Failure(f"{call} returned an array of {value.array.dtype} values; expected real numbers.")
        return value.array
    if t == "NoneType":
        raise Failure(f"{call} returned None: is the `return` statement missing?")
    if t == "numpy.matrix":
        raise Failure(f"{call} returned a numpy.matrix; return a plain numpy.ndarray (np.asarray(result)).")
    if t in ("list", "tuple"):
        raise Failure(
            f"{call} returned a {t}, not a numpy.ndarray: build the output with np.zeros(...) "
            "and fill it, or convert it with np.array(...).")
    if value.scalar:
        raise Failure(f"{call} returned a single number ({t} {value.text}) instead of an array.")
    if value.array is not None:  # an ndarray subclass
        raise Failure(f"{call} returned a {t} (a subclass of numpy.ndarray); return a plain numpy.ndarray.")
    raise Failure(f"{call} returned a {t}; expected a numpy.ndarray.")


def check_array(value: Value, expected: np.ndarray, *, call: str, mistakes: list[Mistake] = (),
                rtol: float = RTOL, atol: float = ATOL, reveal: bool = True) -> np.ndarray:
    """Type, finiteness, shape, values. ``reveal=False`` (hidden tests) never prints expected values."""
    got = as_array(value, call)
    expected = np.asarray(expected, dtype=float)
    _check_finite(got, call)
    if got.shape != expected.shape:
        raise Failure(f"{call}: expected shape {expected.shape}, got {got.shape}: {_why_shape(got, expected, mistakes)}",
                      got=got, expected=expected)
    close = np.isclose(got, expected, rtol=rtol, atol=atol)
    if close.all():
        return got
    for m in mistakes:
        if m.values is not None and m.values.shape == got.shape and np.allclose(got, m.values, rtol=rtol, atol=atol):
            raise Failure(f"{call}: the shape is right but the values are not: {m.says}", got=got, expected=expected,
                          shows=m.shows)
    raise Failure(f"{call}: {_value_report(got, expected, close, rtol, atol, reveal)}", got=got, expected=expected)


def _check_finite(got: np.ndarray, call: str) -> None:
    bad = ~np.isfinite(got)
    if bad.any():
        first = tuple(int(i) for i in np.argwhere(bad)[0])
        kind = "NaN" if np.isnan(got[first]) else "infinite"
        raise Failure(
            f"{call} returned {int(bad.sum())} non-finite value(s), the first ({kind}) at index {first}: "
            "look for np.empty (uninitialised memory), a division by zero, or an overflow.")


def _why_shape(got: np.ndarray, expected: np.ndarray, mistakes) -> str:
    for m in mistakes:
        if m.shape is not None and tuple(m.shape) == got.shape:
            return m.says
    g, e = got.shape, expected.shape
    if len(g) == len(e) >= 2 and g[:2] == e[1::-1] + () and g[2:] == e[2:] and e[0] != e[1]:
        return "are height and width swapped?"
    if len(g) != len(e):
        return f"expected a {len(e)}-D array, got a {len(g)}-D one."
    wrong = [f"the {AXIS_NAMES[i]} should be {e[i]}, not {g[i]}" for i in range(len(e)) if g[i] != e[i]]
    return "; ".join(wrong) + "."


def _value_report(got, expected, close, rtol, atol, reveal) -> str:
    n_bad, n = int((~close).sum()), close.size
    first = tuple(int(i) for i in np.argwhere(~close)[0])
    err = np.abs(got - expected)
    worst = tuple(int(i) for i in np.unravel_index(int(np.argmax(err)), err.shape))
    at_first = (f"got {got[first]:.6g}, expected {expected[first]:.6g}" if reveal
                else f"you returned {got[first]:.6g}")
    return (f"{n_bad} of {n} values differ from the expected ones (compared with rtol={rtol:g}, atol={atol:g}); "
            f"the first wrong value is at index {first}: {at_first}; the largest error is {err[worst]:.6g} "
            f"at index {worst}.")


# --- printed output and figures -----------------------------------------------------------

def check_printed(stdout: str, call: str, needles: dict[str, str]) -> None:
    """Each needle (e.g. the text of a shape) must appear in what the call printed."""
    for what, text in needles.items():
        if text not in stdout:
            shown = stdout.strip().splitlines()[-1][:120] if stdout.strip() else "nothing"
            raise Failure(f"{call} should print {what} ({text}), as the post does; its last printed line was: {shown}")


def check_figure(value: Value, call: str, panels: list[tuple[str, np.ndarray]], label=None) -> None:
    """A Figure with one panel per (description, array) showing that array, titled."""
    if value.figure is None:
        raise Failure(f"{call} should return the matplotlib Figure it drew (fig from plt.subplots), got a {value.type}.")
    axes = value.figure
    picture = {"figure": axes, "panels": panels}
    if len(axes) != len(panels):
        raise Failure(f"{call}: the figure should have {len(panels)} panels side by side, it has {len(axes)}.", **picture)
    for k, ((what, array), ax) in enumerate(zip(panels, axes), start=1):
        if not ax["images"]:
            raise Failure(f"{call}: panel {k} of the figure shows no image; it should show {what} with imshow.",
                          **picture)
        shown = ax["images"][0]
        if shown.shape != np.shape(array) or not np.allclose(shown, array, rtol=RTOL, atol=ATOL, equal_nan=True):
            raise Failure(
                f"{call}: panel {k} of the figure should show {what} ({shape_text(array)}), "
                f"but shows a {shape_text(shown)} image with other values.", **picture)
        if not ax["title"].strip():
            raise Failure(f"{call}: panel {k} ({what}) has no title; give every panel a title as the post does.",
                          **picture)
    if label is not None and str(label) not in axes[0]["title"]:
        raise Failure(f"{call}: the first panel's title should name the digit's label ({label}), as the post's "
                      f"'Input Image (Digit: {label})' does; it is {axes[0]['title']!r}.", **picture)
