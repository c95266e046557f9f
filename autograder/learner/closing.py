"""The two lines that end ``pytest exercises``: points so far and the unit to work on next.

Made from units.toml alone (points, function, file, grading order), so that pytest's process
needs neither numpy nor the checks for them.
"""

from __future__ import annotations

try:
    import tomllib
except ImportError:  # Python < 3.11
    import tomli as tomllib

from ..paths import PACKAGE


def catalogue() -> list[dict]:
    """Every unit's entry in units.toml, in grading order."""
    with open(PACKAGE / "units" / "units.toml", "rb") as f:
        return tomllib.load(f)["unit"]


def summary_lines(verdicts: list[tuple[str, bool]]) -> list[str]:
    """From (unit id, passed) of each test run: the points so far (a unit's points shared
    equally among its public tests) and the first unit, in grading order, with a failed test."""
    units = catalogue()
    by_unit: dict[str, list[bool]] = {}
    for unit_id, passed in verdicts:
        by_unit.setdefault(unit_id, []).append(passed)
    points = {u["id"]: u["points"] for u in units}
    earned = sum(points[u] * sum(ps) / len(ps) for u, ps in by_unit.items())
    total = sum(points[u] for u in by_unit)
    everything = sum(points.values())
    scope = "public tests" if total == everything else "public tests of the units run"
    first = next((u for u in units if not all(by_unit.get(u["id"], [True]))), None)
    return [
        f"Points so far: {earned:.0f} / {total:.0f} ({scope}).",
        (
            f"Next: {first['id']} ({first['function']} in {first['file']}); stuck? "
            f"python -m autograder hint {first['id']}"
            if first is not None
            else "Next: nothing; every public test run passes. Well done!"
        ),
    ]
