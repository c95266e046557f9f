"""Grading many submissions: in parallel, resumable, one broken submission never stops it.

``OUT/results/<name>.json`` is written atomically when a submission is finished, so an
interrupted batch (Ctrl-C, kill) loses nothing finished, and a re-run skips every name that
already has a complete file. ``OUT/summary.csv`` is rebuilt from those files at the end.
"""

from __future__ import annotations

import json
import multiprocessing
import os
import signal
import sys
import time
from concurrent.futures import ProcessPoolExecutor, as_completed
from pathlib import Path

from .progress import Progress
from .report import read_regular, results_json, write_atomic, write_summary
from .units import UNITS


def is_submission(folder: Path) -> bool:
    """Laid out like exercises/, or holding notebooks (nbgrader submissions)."""
    return any(os.path.lexists(folder / u.file) for u in UNITS) or any(folder.glob("*.ipynb"))


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
    from .grading.grade import grade  # noqa: F401  (imported here so that the pool inherits it)
    from .run.environment import matplotlib_cache
    from .units.common import sample_digits

    for unit in UNITS:
        unit.public_tests(), unit.hidden_tests()
    sample_digits(1)
    matplotlib_cache()


def _pool_process_setup() -> None:
    """In each pool process: Ctrl-C is the main process's business (it stops the pool); SIGTERM
    from it ends this process's fork servers, and so every worker and whatever they started."""
    from .run.forkserver import Zygote

    def stop(signum, frame):
        Zygote.stop_all(wait=1.0)
        os._exit(128 + signum)

    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, stop)


def stop_pool(pool: ProcessPoolExecutor, futures, wait: float = 3.0) -> None:
    """Stop at once: cancel what has not started, SIGTERM each pool process (it ends its fork
    servers and their workers), SIGKILL any still there after ``wait`` seconds."""
    for f in futures:
        f.cancel()
    processes = list((getattr(pool, "_processes", None) or {}).values())
    for p in processes:
        try:
            os.kill(p.pid, signal.SIGTERM)
        except OSError:
            pass
    deadline = time.monotonic() + wait
    for p in processes:
        p.join(max(0.0, deadline - time.monotonic()))
    for p in processes:
        if p.is_alive():
            p.kill()
            p.join(1.0)
    pool.shutdown(wait=False, cancel_futures=True)


def _grade_one(name: str, folder: Path, out: Path, options: dict) -> tuple[str, float | None, str]:
    """Runs in a pool process: grade, then write the results file atomically."""
    from .grading.grade import grade

    hidden_visibility = options.pop("hidden_visibility", "after_due_date")
    unconfined = options.pop("unconfined", "")
    start = time.monotonic()
    try:
        results = grade(folder, **options)
    except Exception as exc:  # a grader bug on one submission must not end the batch
        return name, None, f"{type(exc).__name__}: {exc}"
    doc = results_json(results, time.monotonic() - start, hidden_visibility, unconfined)
    try:  # atomic, never through a planted link or FIFO: a file that exists is complete
        write_atomic(out / "results" / f"{name}.json", json.dumps(doc, indent=2) + "\n")
    except OSError as exc:
        return name, None, str(exc)
    return name, doc["score"], ""


def result_doc(out: Path, name: str) -> dict | None:
    """The finished results document of ``name``, or None."""
    try:
        doc = json.loads(read_regular(out / "results" / f"{name}.json") or "null")
    except ValueError:
        return None
    return doc if isinstance(doc, dict) and "score" in doc else None


def finished(out: Path, name: str) -> bool:
    return result_doc(out, name) is not None


def run_batch(paths: list[Path], out: Path, jobs: int = 1, progress=sys.stderr, **options) -> dict:
    """Grade every submission under ``paths`` not yet graded into ``out``; return counts."""
    return grade_all(expand(paths), out, jobs, progress, **options)


def grade_all(
    subs: dict[str, Path], out: Path, jobs: int = 1, progress=sys.stderr, **options
) -> dict:
    """Grade each {name: folder} not yet graded into ``out``/results/<name>.json; return counts."""
    (out / "results").mkdir(parents=True, exist_ok=True)
    for stray in (out / "results").rglob(".*.tmp"):  # half-written by a grading that was stopped
        if stray.is_file() and not stray.is_symlink():
            stray.unlink()
    todo = {n: f for n, f in subs.items() if not finished(out, n)}
    counts = {"submissions": len(subs), "skipped": len(subs) - len(todo), "graded": 0, "errors": {}}
    if counts["skipped"]:
        print(
            f"{counts['skipped']} of {len(subs)} already graded: skipped (delete their results files to regrade)",
            file=progress,
        )
    if todo:
        warm()
    # fork: the pool's processes start with everything warm() loaded (spawn would redo it in each)
    context = multiprocessing.get_context(
        "fork" if "fork" in multiprocessing.get_all_start_methods() else None
    )
    with Progress(len(todo), "grading", progress) as bar:
        pool = ProcessPoolExecutor(
            max_workers=max(1, jobs), mp_context=context, initializer=_pool_process_setup
        )
        futures = []
        try:
            futures = [pool.submit(_grade_one, n, f, out, options) for n, f in todo.items()]
            for future in as_completed(futures):
                name, score, error = future.result()
                if error:
                    counts["errors"][name] = error
                else:
                    counts["graded"] += 1
                bar.step(f"{name}: " + (f"error: {error}" if error else f"{score:g} points"))
        except BaseException:  # Ctrl-C, SIGTERM (raised as KeyboardInterrupt), a broken pool
            previous = {
                s: signal.signal(s, signal.SIG_IGN) for s in (signal.SIGINT, signal.SIGTERM)
            }
            try:
                stop_pool(pool, futures)
            finally:
                for s, handler in previous.items():
                    signal.signal(s, handler)
            raise
        pool.shutdown(wait=True)
    docs = {
        name: counts["errors"].get(name) or result_doc(out, name) or "not graded" for name in subs
    }
    write_summary(out / "summary.csv", docs)
    return counts
