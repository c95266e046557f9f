"""What both benchmarks share: an earlier version of the kit, to time it in the same run."""

from __future__ import annotations

import subprocess
from pathlib import Path

KIT = Path(__file__).resolve().parents[1]


def kit_at(rev: str, where: Path) -> Path | None:
    """The kit's tree at ``rev`` (a `git archive`) unpacked in ``where``, or None without git
    or that revision."""
    if not rev:
        return None
    where.mkdir()
    archive = subprocess.run(["git", "-C", str(KIT), "archive", rev], capture_output=True)
    if archive.returncode:
        return None
    subprocess.run(["tar", "-x", "-C", str(where)], input=archive.stdout, check=True)
    return where
