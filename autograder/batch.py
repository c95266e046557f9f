"""Grading many submissions: in parallel, resumable, one broken submission never stops it.

``OUT/results/<name>.json`` is written atomically when a submission is finished, so an
interrupted batch (Ctrl-C, kill) loses nothing finished, and a re-run skips every name that
already has a complete file. ``OUT/summary.csv`` is rebuilt from those files at the end.
"""
from __future__ import annotations

import csv
import json
import multiprocessing
import os
import sys
import time
from concurrent.futures import ProcessPoolExecutor, as_completed
from pathlib import Path

from .report import unit_scores
from .units import UNITS


def is_submission(folder: Path) -> bool:
    """Laid out like exercises/, or holding notebooks (nbgrader submissions)."""
    return any((folder / u.file).exists() for u in UNITS) or any(folder.glob("*.ipynb"))


def expand(paths: list[Path]) -> dict[str, Path]:
    """{name: folder}: each path is a submission, or a folder of submission folders."""
    found: dict[str, Path] = {}
    for path in paths:
        children = sorted(p for p in path.iterdir() if p.is_dir() and not p.name.startswith("."))
        folders = children if not is_submission(path) and children else [path]
        for folder in folders:
            name, n = folder.name, 2
            while name in found:  # two folders with one name (from different parents)
                name, n = f"{folder.name}-{n}", n + 1
            found[name] = folder
    return found


def warm() -> None:
    """Load once, before the pool forks, what every grading process needs: the grader and the
    reference, every unit's tests (seeded, so the same for all), the MNIST sample and
    matplotlib's font list for the workers."""
    from .grade import grade  # noqa: F401  (imported here so that the pool inherits it)
    from .sandbox import matplotlib_cache
    from .units import sample_digits

    for unit in UNITS:
        unit.public_tests(), unit.hidden_tests()
    sample_digits(1)
    matplotlib_cache()


def _grade_one(name: str, folder: Path, out: Path, options: dict) -> tuple[str, float | None, str]:
    """Runs in a pool process: grade, then write the results file atomically."""
    from .grade import grade
    from .report import results_json

    start = time.monotonic()
    try:
        results = grade(folder, **options)
    except Exception as exc:  # a grader bug on one submission must not end the batch
        return name, None, f"{type(exc).__name__}: {exc}"
    doc = results_json(results, time.monotonic() - start)
    target = out / "results" / f"{name}.json"
    target.parent.mkdir(parents=True, exist_ok=True)  # names may hold a folder: student/assignment
    tmp = target.with_suffix(".json.part")
    tmp.write_text(json.dumps(doc, indent=2) + "\n")
    os.replace(tmp, target)  # a file that exists is complete
    return name, doc["score"], ""


def finished(out: Path, name: str) -> bool:
    try:
        return "score" in json.loads((out / "results" / f"{name}.json").read_text())
    except (OSError, ValueError):
        return False


def run_batch(paths: list[Path], out: Path, jobs: int = 1, progress=sys.stderr, **options) -> dict:
    """Grade every submission under ``paths`` not yet graded into ``out``; return counts."""
    return grade_all(expand(paths), out, jobs, progress, **options)


def grade_all(subs: dict[str, Path], out: Path, jobs: int = 1, progress=sys.stderr, **options) -> dict:
    """Grade each {name: folder} not yet graded into ``out``/results/<name>.json; return counts."""
    (out / "results").mkdir(parents=True, exist_ok=True)
    todo = {n: f for n, f in subs.items() if not finished(out, n)}
    counts = {"submissions": len(subs), "skipped": len(subs) - len(todo), "graded": 0, "errors": {}}
    bar = Progress(len(subs), counts["skipped"], progress)
    if todo:
        warm()
    # fork: the pool's processes start with everything warm() loaded (spawn would redo it in each)
    context = multiprocessing.get_context("fork" if "fork" in multiprocessing.get_all_start_methods() else None)
    with ProcessPoolExecutor(max_workers=max(1, jobs), mp_context=context) as pool:
        futures = [pool.submit(_grade_one, n, f, out, options) for n, f in todo.items()]
        try:
            for future in as_completed(futures):
                name, score, error = future.result()
                if error:
                    counts["errors"][name] = error
                else:
                    counts["graded"] += 1
                bar.step(name, score, error)
        except KeyboardInterrupt:
            for f in futures:
                f.cancel()
            raise
    write_summary(out, subs, counts["errors"])
    bar.done()
    return counts


def write_summary(out: Path, subs: dict[str, Path], errors: dict[str, str]) -> None:
    units = [u.id for u in UNITS]
    with open(out / "summary.csv", "w", newline="") as f:
        writer = csv.writer(f)
        writer.writerow(["submission", "score", "max_score", *units, "status"])
        for name in sorted(subs):
            if name in errors or not finished(out, name):
                writer.writerow([name, "", "", *[""] * len(units), f"error: {errors.get(name, 'not graded')}"])
                continue
            doc = json.loads((out / "results" / f"{name}.json").read_text())
            per_unit = {u: 0.0 for u in units} | unit_scores(doc)
            total = sum(t["max_score"] for t in doc["tests"])
            writer.writerow([name, f"{doc['score']:g}", f"{total:g}", *[f"{per_unit[u]:g}" for u in units], "graded"])


class Progress:
    """A one-line bar on a terminal; one line per submission elsewhere (logs, CI)."""

    def __init__(self, total: int, skipped: int, stream):
        self.total, self.n, self.stream, self.start = total, skipped, stream, time.monotonic()
        self.tty = hasattr(stream, "isatty") and stream.isatty()
        if skipped:
            print(f"{skipped} of {total} already graded: skipped (delete their results files to regrade)", file=stream)

    def step(self, name: str, score, error: str) -> None:
        self.n += 1
        what = f"error: {error}" if error else f"{score:g} points"
        if self.tty:
            filled = int(30 * self.n / max(self.total, 1))
            rate = (time.monotonic() - self.start) / max(self.n, 1)
            print(f"\r[{'#' * filled}{'.' * (30 - filled)}] {self.n}/{self.total}  {name}: {what}"[:100].ljust(100)
                  + f" {rate:.1f} s each", end="", file=self.stream, flush=True)
        else:
            print(f"[{self.n}/{self.total}] {name}: {what}", file=self.stream, flush=True)

    def done(self) -> None:
        if self.tty:
            print(file=self.stream)
