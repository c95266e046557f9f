"""The catalogue of graded units: ``units.toml`` read into ``Unit`` objects, in grading order.

A unit's code sits in one folder beside this file (``Unit.folder``):

- ``check.py``: ``check(unit, call, outcome, lib, reveal)``, which raises ``Failure`` with a
  sentence or returns when the outcome is right, and the unit's named mistakes;
- ``public.py``: ``tests(unit)``, the public cases (learners run them with ``pytest exercises``);
- ``hidden.py``: ``tests(unit)``, the seeded hidden cases (graders only; not in the learners' copy).

A check computes what a call should have returned with a *library* ``lib`` (conv2d, max_pool,
softmax): the hidden reference when grading, or the learner's own functions (see
``autograder.grading.libraries``). Library units' public tests carry hand-worked expected
values, so learners' public runs need no reference (``lib`` is None there).
"""

from __future__ import annotations

import importlib
import sys
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib

TOML = Path(__file__).resolve().parent / "units.toml"


@dataclass
class Call:
    """One call of the learner's function, and what its check works from.

    kwargs:   the arguments passed (an argument left out takes the function's default);
    expected: a hand-worked expected value (library units' public tests), else None;
    mistakes: hand-worked outputs of named mistakes for this call (public tests)."""

    kwargs: dict
    expected: np.ndarray | None = None
    mistakes: list = field(default_factory=list)


@dataclass
class Test:
    """A named group of calls, passed when every call passes. ``tier`` is "public" or "hidden"
    (hidden tests' feedback never shows expected values), set from the file that made it."""

    name: str
    calls: list[Call]
    tier: str = ""


@dataclass
class Unit:
    """One graded unit, as units.toml declares it (see the comments at its top)."""

    id: str
    title: str
    part: str  # "4.2" or "4.3"
    file: str  # the learner's file, e.g. "neural_network.py"
    function: str  # the graded function in it
    points: float
    depends: list[str]  # units whose functions this one calls
    hints: list[str]
    defaults: dict = field(default_factory=dict)  # the function's default arguments
    post_sizes: dict = field(default_factory=dict)  # CNN exercises: images and filters by default

    @property
    def module(self) -> str:
        return Path(self.file).stem

    @property
    def folder(self) -> str:
        """The package beside this file holding the unit's checks and cases."""
        return self.id if self.id.isidentifier() else "ex" + self.id.replace(".", "_")

    @property
    def is_library(self) -> bool:
        """conv2d and max_pool: they call no graded function and other units call them."""
        return not self.depends

    @property
    def assignment(self) -> str:
        """The nbgrader assignment (one notebook per post) this unit belongs to."""
        return "part" + self.part.replace(".", "_")

    def inputs(self, call: Call) -> dict:
        """What the function worked on: its defaults (as arrays) with the call's arguments over them."""
        given = {k: np.asarray(v) if isinstance(v, list) else v for k, v in self.defaults.items()}
        return {**given, **call.kwargs}

    def _part(self, name: str):
        return importlib.import_module(f"{__name__}.{self.folder}.{name}")

    def check(self, call: Call, outcome, lib, reveal: bool) -> None:
        """Raise Failure with a sentence, or return when the outcome is right."""
        self._part("check").check(self, call, outcome, lib, reveal)

    def public_tests(self) -> list[Test]:
        return _tests(self, "public")

    def hidden_tests(self) -> list[Test]:
        return _tests(self, "hidden")


_TESTS: dict[tuple[str, str], list[Test]] = {}


def _tests(unit: Unit, tier: str) -> list[Test]:
    """Tests are seeded, so each is built once per process and reused for every submission."""
    if (unit.id, tier) not in _TESTS:
        tests = unit._part(tier).tests(unit)
        for t in tests:
            t.tier = tier
        _TESTS[unit.id, tier] = tests
    return _TESTS[unit.id, tier]


def load_units(path: Path = TOML) -> list[Unit]:
    with open(path, "rb") as f:
        return [Unit(**u) for u in tomllib.load(f)["unit"]]


UNITS = load_units()
BY_ID = {u.id: u for u in UNITS}


def assignments() -> dict[str, list[str]]:
    """{nbgrader assignment: its units' ids, in grading order}: one notebook per post."""
    found: dict[str, list[str]] = {}
    for u in UNITS:
        found.setdefault(u.assignment, []).append(u.id)
    return found


def earlier_units(assignment: str) -> list[str]:
    """Units of other assignments that this one's units call (their answer cells come along,
    ungraded: Part 4.3's notebook needs the learner's conv2d from Part 4.2)."""
    own = assignments()[assignment]
    return list(dict.fromkeys(d for uid in own for d in BY_ID[uid].depends if d not in own))
