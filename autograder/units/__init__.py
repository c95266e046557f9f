"""The graded units: metadata from ``units.toml``, checks and public tests from the group
modules beside this file, hidden tests from ``autograder/hidden.py``.

A check computes what a call should have returned with a *library* (``lib``) of the
primitives conv2d, max_pool and softmax, and judges the outcome against it:

- ``ReferenceLib``: the hidden reference (grading), in the course's convention;
- ``LearnerLib``: the learner's own primitives. An exercise that is right given the
  learner's conv2d passes, so a mistake in conv2d costs its points once, under conv2d.

Library units' public tests carry hand-worked expected values, so learners' public runs
need no reference (``lib`` is None there).
"""
from __future__ import annotations

import hashlib
import importlib
import sys
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from ..checks import Failure, Mistake, as_array, describe_inputs, value_of

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib

CONVENTIONS = ("correlation", "convolution", "either")


@dataclass
class Call:
    """One call of the learner's function and what its check works from."""

    kwargs: dict  # passed to the learner's function (defaults left out are the post's)
    inputs: dict | None = None  # what the check computes from; defaults filled in (None: kwargs)
    expected: np.ndarray | None = None  # hand-worked expected value (public library tests)
    mistakes: list[Mistake] = field(default_factory=list)  # hand-worked mistaken outputs

    def __post_init__(self):
        if self.inputs is None:
            self.inputs = dict(self.kwargs)


@dataclass
class Test:
    name: str
    tier: str  # "public" or "hidden"
    calls: list[Call]


@dataclass
class Unit:
    id: str
    title: str
    group: str
    file: str
    function: str
    points: float
    depends: list[str]
    hints: list[str]

    @property
    def module(self) -> str:
        return Path(self.file).stem

    def _group(self):
        return importlib.import_module(f"{__name__}.{self.group}")

    def check(self, call: Call, outcome, lib, reveal: bool) -> None:
        """Raise Failure with a sentence, or return when the outcome is right."""
        self._group().CHECKS[self.id](self, call, outcome, lib, reveal)

    def public_tests(self) -> list[Test]:
        return _tests("public", self.id, lambda: self._group().PUBLIC[self.id]())

    def hidden_tests(self) -> list[Test]:
        from .. import hidden  # not shipped to learners
        return _tests("hidden", self.id, hidden.HIDDEN[self.id])


_TESTS: dict[tuple[str, str], list[Test]] = {}


def _tests(tier: str, unit_id: str, make) -> list[Test]:
    """Tests are seeded, so each is built once per process and reused for every submission."""
    if (tier, unit_id) not in _TESTS:
        _TESTS[tier, unit_id] = make()
    return _TESTS[tier, unit_id]


def load_units() -> list[Unit]:
    with open(Path(__file__).parent.parent / "units.toml", "rb") as f:
        return [Unit(**u) for u in tomllib.load(f)["unit"]]


UNITS = load_units()
BY_ID = {u.id: u for u in UNITS}


# --- the libraries a check computes expectations with ------------------------------------

FLIP_SAYS = {
    "correlation": (
        "they match the kernel flipped by 180 degrees, which is what scipy.signal.convolve2d does "
        "(true convolution). Part 4.2's formula, out[i, j] = sum_m sum_n I[i+m, j+n] * F[m, n], is "
        "cross-correlation: slide the kernel as it is, or use scipy.signal.correlate2d."),
    "convolution": (
        "they match the kernel NOT flipped (cross-correlation, scipy.signal.correlate2d). This course "
        "grades true convolution: flip the kernel by 180 degrees first (kernel[::-1, ::-1]), as "
        "scipy.signal.convolve2d does."),
}


_ANSWERS: dict[tuple, np.ndarray] = {}  # reference outputs by inputs: computed once per batch


def _remembered(name: str, compute, *arrays, **params) -> np.ndarray:
    key = (name, tuple(sorted(params.items())),
           *((a.shape, a.dtype.str, hashlib.blake2b(np.ascontiguousarray(a).tobytes(), digest_size=16).digest())
             for a in map(np.asarray, arrays)))
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
        self.note = ("" if convention == "correlation" else
                     "accepted: matches true convolution (kernel flipped), which this course accepts")

    def conv2d(self, image, filter_kernel, stride=1):
        kernel = np.asarray(filter_kernel, dtype=float)
        if self.convention == "convolution":
            kernel = kernel[::-1, ::-1]
        return _remembered("conv2d", lambda: self._ref.conv2d(image, kernel, stride), image, kernel, stride=stride)

    def max_pool(self, X, size=2, stride=2):
        return _remembered("max_pool", lambda: self._ref.max_pool(X, size, stride), X, size=size, stride=stride)

    def softmax(self, Z):
        return _remembered("softmax", lambda: self._ref.softmax(Z), Z)

    @property
    def flip_says(self) -> str:
        return FLIP_SAYS[self.convention]


class LearnerLib:
    """The learner's own primitives (for the units in ``own``), ``base``'s for the others."""

    def __init__(self, runner, own: set[str], base=None):
        self.runner, self.own, self.base = runner, set(own), base
        self.note = ("accepted: right given your own " + " and ".join(sorted(self.own))
                     + ", whose mistakes are graded under " + ("that unit" if len(self.own) == 1 else "those units"))

    def _call(self, function: str, **kwargs):
        if function not in self.own and self.base is not None:
            return getattr(self.base, function)(**kwargs)
        call = describe_inputs(function, kwargs)
        try:
            return as_array(value_of(self.runner.call("neural_network", function, kwargs), call,
                                     "neural_network.py"), call)
        except Failure as f:
            raise Failure(f"This step uses your {function}, which did not give an array: {f}") from None

    def conv2d(self, image, filter_kernel, stride=1):
        return self._call("conv2d", image=image, filter_kernel=filter_kernel, stride=stride)

    def max_pool(self, X, size=2, stride=2):
        return self._call("max_pool", X=X, size=size, stride=stride)

    def softmax(self, Z):
        return self._call("softmax", Z=Z)

    flip_says = FLIP_SAYS["correlation"]


def public_libraries(unit: Unit, runner) -> list:
    """For learners' public runs: hand-worked values for the library units (no reference),
    the learner's own conv2d and max_pool for the exercises (they have their own tests)."""
    return [None] if unit.group == "library" else [LearnerLib(runner, own={"conv2d", "max_pool", "softmax"})]


def libraries(convention: str, runner, failed_units: set[str], unit: Unit) -> list:
    """The libraries whose answers this unit accepts, the course's own convention first."""
    if convention not in CONVENTIONS:
        raise ValueError(f"convention must be one of {CONVENTIONS}, not {convention!r}")
    first = ReferenceLib("convolution" if convention == "convolution" else "correlation")
    libs = [first]
    if convention == "either":
        libs.append(ReferenceLib("convolution"))
    own = failed_units & set(unit.depends)
    if own:
        libs.append(LearnerLib(runner, own, base=first))
    return libs


# --- running one test ---------------------------------------------------------------------

@dataclass
class Result:
    unit: Unit
    test: Test
    passed: bool
    message: str = ""  # the failure sentence, or a note on how it passed
    max_score: float = 0.0
    failure: Failure | None = None  # with the arrays a picture needs
    call: Call | None = None  # the call that failed
    started: bool = True  # False while the unit's own function still raises NotImplementedError

    @property
    def score(self) -> float:
        return self.max_score if self.passed else 0.0


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


def unpack(value, names: list[str], call: str) -> list:
    """The items of a returned tuple, checked for their number."""
    if value.items is None or len(value.items) != len(names):
        got = f"{len(value.items)} values" if value.items is not None else f"a {value.type}"
        raise Failure(f"{call} should return {len(names)} values, ({', '.join(names)}); it returned {got}.")
    return value.items


# --- inputs shared by several units -------------------------------------------------------

KIT = Path(__file__).resolve().parents[2]
SAMPLE = KIT / "exercises" / "data" / "mnist_sample.npz"


_SAMPLE: list[np.ndarray] = []


def sample_digits(n: int, start: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """Digits of the shipped MNIST sample as (n, 28, 28) float images and int labels: what the
    learner's code loads when graded offline (``load_mnist`` with NNKIT_OFFLINE set)."""
    if not _SAMPLE:  # read once per process
        with np.load(SAMPLE) as data:
            _SAMPLE.extend([data["X"], data["y"]])
    X, y = _SAMPLE[0][start:start + n], _SAMPLE[1][start:start + n]
    return X.reshape(n, 28, 28).astype(float), y.astype(int)
