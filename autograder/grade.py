"""Grading one submission folder: the trusted side.

The submission's files are copied into a fresh temporary folder with the kit's given files
(mnist.py and its data), and run there by a worker process; this process holds the
reference, makes every comparison and alone writes results.
"""
from __future__ import annotations

import os
import secrets
import shutil
import tempfile
from pathlib import Path

from .sandbox import WorkerRunner
from .units import BY_ID, KIT, UNITS, Result, libraries, run_test, split_points

GIVEN = ["mnist.py", "data"]  # from the kit's exercises/, never from the submission
MAX_FILE = 1 << 20  # bytes; a larger "source file" is not copied and so counts as missing


def submission_root(folder: Path, depth: int = 3) -> Path:
    """The folder holding the learner's files: ``folder`` itself, or the shallowest folder
    below it that holds neural_network.py (uploads often arrive inside a folder of their own)."""
    level = [folder]
    for _ in range(depth + 1):
        for candidate in level:
            if any((candidate / u.file).is_file() for u in UNITS) or any(candidate.glob("*.ipynb")):
                return candidate
        level = sorted(p for c in level for p in c.iterdir() if p.is_dir() and not p.is_symlink())
    return folder


def prepare(submission: Path, workdir: Path, files: dict[str, str] | None = None) -> None:
    """Copy the files the units need (and nothing else), or write ``files`` (made from
    notebooks) instead; then the kit's given files."""
    for name, text in (files or {}).items():
        (workdir / name).write_text(text)
    for name in sorted({u.file for u in UNITS} - set(files or {})):
        source = submission / name
        if source.is_dir():
            (workdir / name).mkdir()  # reported as "a directory, not a file"
        elif source.is_file() and source.stat().st_size <= MAX_FILE:
            shutil.copyfile(source, workdir / name)
    exercises = KIT / "exercises"
    for name in GIVEN:
        if (exercises / name).is_dir():
            shutil.copytree(exercises / name, workdir / name)
        else:
            shutil.copyfile(exercises / name, workdir / name)



def _hung_dependency(unit, runner) -> str:
    """A sentence if a function this unit calls already hung: it would only hang again."""
    for dep in unit.depends:
        outcome = runner.hung.get(f"{BY_ID[dep].module}.{BY_ID[dep].function}")
        if outcome is not None:
            where = f" at {outcome.detail['where']}" if outcome.detail.get("where") else ""
            return (f"Not run: {BY_ID[dep].function} never returned when it was graded (stopped after "
                    f"{outcome.detail.get('seconds')} s{where}), and {unit.function} uses it. Fix {dep} first.")
    return ""


def grade(submission: Path, *, convention: str = "correlation", timeout: float = 10.0,
          memory_mb: int = 2048, hidden: bool = True, units: list[str] | None = None) -> list[Result]:
    """Public and (unless ``hidden=False``) hidden tests of every unit (or of ``units``), in
    units.toml's order. A unit graded alone counts its dependencies as passed.

    A folder of nbgrader notebooks is graded as its notebook is in the kernel: the units of its
    assignment, each exercise also right given the notebook's own conv2d / max_pool."""
    results: list[Result] = []
    failed: set[str] = set()
    submission = submission_root(Path(submission))
    from_notebooks = None
    if not any((submission / u.file).is_file() for u in UNITS):
        from .notebook import submission_files

        from_notebooks = submission_files(submission)
    if from_notebooks:
        units = [u for u in from_notebooks[1] if units is None or u in units]
        failed = {dep for u in units for dep in BY_ID[u].depends}  # own versions count, as in the kernel
    with tempfile.TemporaryDirectory(prefix="nnkit-grade-") as tmp:
        # base (0711) holds a folder with an unguessable name, so that workers grading other
        # submissions at the same time cannot list or find it.
        base = Path(tmp)
        os.chmod(base, 0o711)
        workdir = base / secrets.token_hex(8)
        workdir.mkdir()
        prepare(submission, workdir, from_notebooks and from_notebooks[0])
        with WorkerRunner(workdir, timeout=timeout, memory_mb=memory_mb, confine=True) as runner:
            for unit in UNITS:
                if units is not None and unit.id not in units:
                    continue
                tests = unit.public_tests() + (unit.hidden_tests() if hidden else [])
                libs = libraries(convention, runner, failed, unit)
                hung = _hung_dependency(unit, runner)
                unit_results = ([Result(unit, test, False, hung) for test in tests] if hung else
                                [run_test(unit, test, runner, libs) for test in tests])
                for r, share in zip(unit_results, split_points(unit.points, len(tests))):
                    r.max_score = share
                if not all(r.passed for r in unit_results):
                    failed.add(unit.id)
                results += unit_results
    return results
