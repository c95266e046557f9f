"""Grading one submission folder: the trusted side.

The submission's files are copied into a fresh temporary folder with the kit's given files
(mnist.py and its data), and run there by a worker process; this process holds the
reference, makes every comparison and alone writes results.
"""
from __future__ import annotations

import os
import secrets
import tempfile
from pathlib import Path

from ..run.environment import work_base
from ..run.runner import WorkerRunner
from ..units import BY_ID, UNITS
from .libraries import libraries
from .results import Result, grade_units
from .submission import RefusingRunner, prepare, submission_root


def _hung_dependency(runner):
    def sentence(unit) -> str:
        """A sentence if a function this unit calls already hung: it would only hang again."""
        for dep in unit.depends:
            outcome = runner.hung.get(f"{BY_ID[dep].module}.{BY_ID[dep].function}")
            if outcome is not None:
                where = f" at {outcome.detail['where']}" if outcome.detail.get("where") else ""
                return (f"Not run: {BY_ID[dep].function} never returned when it was graded (stopped after "
                        f"{outcome.detail.get('seconds')} s{where}), and {unit.function} uses it. Fix {dep} first.")
        return ""
    return sentence


def grade(submission: Path, *, convention: str = "correlation", timeout: float = 10.0,
          memory_mb: int = 2048, hidden: bool = True, units: list[str] | None = None) -> list[Result]:
    """Public and (unless ``hidden=False``) hidden tests of every unit (or of ``units``), in
    units.toml's order. A unit graded alone counts its dependencies as passed.

    A folder of nbgrader notebooks is graded as its notebook is in the kernel: the units of its
    assignment, each exercise also right given the notebook's own conv2d / max_pool."""
    failed: set[str] = set()
    submission = submission_root(Path(submission))
    from_notebooks = None
    if not any(os.path.lexists(submission / u.file) for u in UNITS):
        from .notebooks import submission_files

        from_notebooks = submission_files(submission)
    if from_notebooks:
        units = [u for u in from_notebooks[1] if units is None or u in units]
        failed = {dep for u in units for dep in BY_ID[u].depends}  # own versions count, as in the kernel
    chosen = [u for u in UNITS if units is None or u.id in units]
    with tempfile.TemporaryDirectory(prefix="nnkit-grade-", dir=work_base()) as tmp:
        # base (0711, inside this process's staging folder, which the fork server sees
        # read-only) holds a folder with an unguessable name.
        base = Path(tmp)
        os.chmod(base, 0o711)
        workdir = base / secrets.token_hex(8)
        workdir.mkdir()
        refused = prepare(submission, workdir, from_notebooks and from_notebooks[0])
        with WorkerRunner(workdir, timeout=timeout, memory_mb=memory_mb, confine=True) as worker:
            runner = RefusingRunner(worker, refused)
            return grade_units(chosen, runner, lambda unit, failed: libraries(convention, runner, failed, unit),
                               hidden, failed, _hung_dependency(worker))
