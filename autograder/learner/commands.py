"""The learner's commands: status, hint, watch and compare (public tests only, no reference).

They run the same public tests as ``pytest exercises``, through the same worker, and say
where the learner stands, what to do next, and what went wrong.
"""

from __future__ import annotations

import json
import sys
import textwrap
import time
from pathlib import Path

import numpy as np

from ..grading.libraries import public_libraries
from ..grading.results import Result, run_test
from ..paths import EXERCISES, SOLUTIONS
from ..run.runner import WorkerRunner
from ..units import BY_ID, UNITS

HINTS_FILE = ".hints.json"


def public_runner(submission: Path, timeout: float = 10.0, fork_server=None) -> WorkerRunner:
    """A worker for the learner's own machine: the time limit, no jail; mnist.py from exercises/.
    ``fork_server``: a limits-only ``Zygote`` its workers are forked from (the warm server)."""
    return WorkerRunner(
        Path(submission), timeout=timeout, extra_paths=[EXERCISES], fork_server=fork_server
    )


def public_results(submission: Path, units=None, timeout: float = 10.0) -> list[Result]:
    """Every public test of ``units`` (default all), run on a fresh worker (fresh imports)."""
    with warm_runner(submission, units, timeout) as runner:
        return run_units(runner, units or UNITS)


def unit_state(rs: list[Result]) -> str:
    if all(r.passed for r in rs):
        return "done"
    return "not started" if not any(r.started for r in rs) else "failing"


def bar(fraction: float, width: int = 30) -> str:
    filled = round(width * fraction)
    return f"[{'#' * filled}{'.' * (width - filled)}]"


def points(results: list[Result]) -> tuple[dict[str, float], float]:
    """({unit id: points earned}, the points of the units run): a unit's points shared
    equally among its public tests."""
    by_unit = {u.id: [r for r in results if r.unit.id == u.id] for u in UNITS}
    earned = {
        uid: BY_ID[uid].points * sum(r.passed for r in rs) / len(rs)
        for uid, rs in by_unit.items()
        if rs
    }
    return earned, sum(BY_ID[uid].points for uid in earned)


def next_failure(results: list[Result]) -> Result | None:
    """The first failed test, in grading order: what to work on next."""
    order = {u.id: k for k, u in enumerate(UNITS)}
    todo = [r for r in results if not r.passed]
    return min(todo, key=lambda r: order[r.unit.id]) if todo else None


def render_status(results: list[Result], width: int = 100) -> str:
    by_unit = {u.id: [r for r in results if r.unit.id == u.id] for u in UNITS}
    earned, total = points(results)
    lines = [
        f"Progress {bar(sum(earned.values()) / total)} {sum(earned.values()):.0f} / {total:.0f} points "
        "(public tests)",
        "",
        f"{'unit':<9} {'state':<12} {'points':>7}  {'tests':>5}  file",
    ]
    for uid, rs in by_unit.items():
        if rs:
            unit = BY_ID[uid]
            lines.append(
                f"{uid:<9} {unit_state(rs):<12} {earned[uid]:>3.0f}/{unit.points:<3} "
                f"{sum(r.passed for r in rs):>2}/{len(rs):<2}  {unit.file}"
            )
    first = next_failure(results)
    if first is not None:
        lines += ["", f"Next: {first.unit.id} ({first.unit.function} in {first.unit.file})."]
        lines += textwrap.wrap(
            first.message,
            width,
            initial_indent="  ",
            subsequent_indent="  ",
            break_on_hyphens=False,
            break_long_words=False,
        )
        lines.append(f"  Stuck? python -m autograder hint {first.unit.id}")
    else:
        lines += ["", "Every public test passes. Well done!"]
    return "\n".join(lines)


# --- hints ----------------------------------------------------------------------------------


def hint(submission: Path, unit_id: str, reset: bool = False) -> str:
    """Reveal the unit's hints one more at a time; the count is kept in the submission folder."""
    if unit_id not in BY_ID:
        return f"No unit {unit_id!r}. Units: {', '.join(BY_ID)}."
    path = Path(submission) / HINTS_FILE
    try:
        shown = json.loads(path.read_text())
    except (OSError, ValueError):
        shown = {}
    hints = BY_ID[unit_id].hints
    n = 0 if reset else min(shown.get(unit_id, 0) + 1, len(hints))
    shown[unit_id] = n
    path.write_text(json.dumps(shown, indent=1))
    if reset:
        return f"Hints for {unit_id} hidden again."
    out = [f"Hint {i + 1} of {len(hints)} for {unit_id}: {h}" for i, h in enumerate(hints[:n])]
    if n < len(hints):
        out.append(f"(run the same command again for hint {n + 1})")
    elif SOLUTIONS.is_dir():
        out.append(
            f"That was the last hint. `python -m autograder compare {unit_id}` shows the worked "
            "solution's output next to yours."
        )
    return "\n".join(out)


# --- watch ----------------------------------------------------------------------------------


def units_of(files: list[str]) -> list:
    """The units whose tests a change to these files can change: their own, and the
    exercises built on neural_network.py when that changes."""
    return [u for u in UNITS if u.file in files or ("neural_network.py" in files and u.depends)]


def uses_matplotlib(submission: Path, units) -> bool:
    """Whether a file of these units mentions matplotlib (its worker will import it)."""
    for name in {u.file for u in units}:
        try:
            if "matplotlib" in (Path(submission) / name).read_text(errors="replace"):
                return True
        except OSError:
            pass
    return False


def warm_runner(submission: Path, units=None, timeout: float = 10.0) -> WorkerRunner:
    """A fresh worker, started now, with matplotlib imported if these units' files use it:
    ready before the next save, and fresh for it (nothing of an earlier run is left in it)."""
    runner = public_runner(submission, timeout).start()
    if uses_matplotlib(submission, units or UNITS):
        runner.warm(["matplotlib+figure"])
    return runner


def run_units(runner, units) -> list[Result]:
    return [
        run_test(unit, test, runner, public_libraries(unit, runner))
        for unit in units
        for test in unit.public_tests()
    ]


def _saved(submission: Path):
    """watchfiles' filter: the submission's own .py files (not caches, hints or pictures)."""

    def keep(change, path: str) -> bool:
        p = Path(path)
        return p.suffix == ".py" and p.parent == submission and not p.name.startswith(".")

    return keep


def watch(submission: Path, clear: bool = True, out=sys.stdout) -> None:
    """Re-run the public tests of each saved file, on file-system events (watchfiles); a
    fresh worker per run, started and warmed while waiting for the save; Ctrl-C leaves.

    A save of neural_network.py shows conv2d's and max_pool's table first, then again with
    the exercises built on them."""
    from watchfiles import DefaultFilter
    from watchfiles._rust_notify import RustNotify

    submission = Path(submission).resolve()
    keep = _saved(submission)
    results: dict[str, Result] = {}
    runner = None
    n = 0
    # watching starts before the first run: a save during it is not missed
    with RustNotify([str(submission)], False, False, 300, False, True) as watcher:
        try:
            runner = warm_runner(submission)
            n += 1
            for r in run_units(runner, UNITS):
                results[r.test.name + r.unit.id] = r
            _render_watch(list(results.values()), "all units", clear, out, n)
            while True:
                runner.close()
                runner = warm_runner(submission)  # the next run's, warm before the save
                raw = watcher.watch(1000, 10, 5000, None)
                if raw == "signal":
                    raise KeyboardInterrupt
                if raw in ("timeout", "stop"):
                    continue
                changed = sorted(
                    {
                        Path(path).name
                        for change, path in raw
                        if keep(change, path) and DefaultFilter()(change, path)
                    }
                )
                if not changed:
                    continue
                n += 1
                own = [u for u in UNITS if u.file in changed]
                later = [u for u in units_of(changed) if u not in own]
                for phase, units in enumerate([own, later]):
                    if not units:
                        continue
                    for r in run_units(runner, units):
                        results[r.test.name + r.unit.id] = r
                    what = ", ".join(changed)
                    if later and phase == 0:
                        what += " (the exercises that use it next)"
                    _render_watch(list(results.values()), what, clear, out, n)
        except KeyboardInterrupt:
            print("\nStopped watching.", file=out, flush=True)
        finally:
            if runner is not None:
                runner.close()


def _render_watch(results, what: str, clear: bool, out, n: int = 0) -> None:
    stamp = time.strftime("%H:%M:%S")
    header = f"[{stamp}] re-ran the public tests for: {what}  (run {n}; Ctrl-C to stop)"
    show_status(results, out, header=header, clear=clear)


def show_status(results, out=sys.stdout, header: str = "", clear: bool = False) -> None:
    """The progress table: rich's on a terminal, the plain lines of ``render_status`` elsewhere."""
    if not (hasattr(out, "isatty") and out.isatty()):
        screen = "\033[2J\033[H" if clear else ""
        head = f"{screen}{header}\n\n" if header else screen
        print(f"{head}{render_status(results, width=100)}", file=out, flush=True)
        return
    from ..progress import status_table

    by_unit = {u.id: [r for r in results if r.unit.id == u.id] for u in UNITS}
    earned, total = points(results)
    rows = [
        (
            uid,
            unit_state(rs),
            f"{earned[uid]:.0f}/{BY_ID[uid].points:g}",
            f"{sum(r.passed for r in rs)}/{len(rs)}",
            BY_ID[uid].file,
        )
        for uid, rs in by_unit.items()
        if rs
    ]
    first = next_failure(results)
    after = (
        [
            "",
            f"Next: {first.unit.id} ({first.unit.function} in {first.unit.file}).",
            first.message,
            f"Stuck? python -m autograder hint {first.unit.id}",
        ]
        if first is not None
        else ["", "Every public test passes. Well done!"]
    )
    status_table(
        out,
        header=header,
        earned=sum(earned.values()),
        total=total,
        columns=["unit", "state", "points", "tests", "file"],
        rows=rows,
        after=after,
        clear=clear,
    )


# --- compare with the worked solution -------------------------------------------------------


def compare(submission: Path, unit_id: str, feedback: Path) -> str:
    """Run the learner's and the solution's code on the unit's public inputs, side by side."""
    from .pictures import compare_picture

    unit = BY_ID[unit_id]
    solutions = SOLUTIONS
    lines = []
    with public_runner(submission) as mine, public_runner(solutions) as theirs:
        for k, test in enumerate(unit.public_tests(), start=1):
            call = test.calls[0]
            a = mine.call(unit.module, unit.function, call.kwargs)
            b = theirs.call(unit.module, unit.function, call.kwargs)
            lines.append(f"{unit.id}, {test.name}:")
            if a.status != "ok":
                lines.append(
                    f"  yours did not return: {a.status} {a.detail.get('message', '')}".rstrip()
                )
            pairs = list(zip(_items(a.value), _items(b.value)))
            small = all(
                x is not None and y is not None and x.size <= 64 and x.ndim <= 2
                for (_, x), (_, y) in pairs
            )
            if a.status == "ok" and small:
                for (name, x), (_, y) in pairs:
                    lines += side_by_side(f"yours{name}", x, f"solution{name}", y)
            elif a.status == "ok":
                path = feedback / f"compare-{unit.id}-{k}.png"
                compare_picture(path, f"{unit.id}: {test.name}", pairs)
                lines.append(f"  large outputs or figures: see {path}")
    return "\n".join(lines)


def _items(value) -> list[tuple[str, np.ndarray | None]]:
    """(label, array) for each returned array; a figure gives its panels' images."""
    if value is None:
        return []
    if value.items is not None:
        out = []
        for i, v in enumerate(value.items):
            out += [(f"[{i}]{name}", a) for name, a in _items(v)]
        return out
    if value.figure is not None:
        return [
            (f" figure panel {k + 1}", ax["images"][0] if ax["images"] else None)
            for k, ax in enumerate(value.figure)
        ]
    return [("", value.array)]


def side_by_side(left_title: str, left, right_title: str, right) -> list[str]:
    a = (
        np.array2string(np.asarray(left), precision=4).splitlines()
        if left is not None
        else ["(nothing)"]
    )
    b = (
        np.array2string(np.asarray(right), precision=4).splitlines()
        if right is not None
        else ["(nothing)"]
    )
    w = max(len(left_title), *(len(x) for x in a)) + 4
    rows = [f"  {left_title:<{w}}{right_title}"]
    for i in range(max(len(a), len(b))):
        rows.append(f"  {(a[i] if i < len(a) else ''):<{w}}{b[i] if i < len(b) else ''}")
    return rows
