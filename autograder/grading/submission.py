"""A submission's files, copied for grading: regular files only, never through a link.

Only the files the units need are taken, each opened without following links and without
blocking (a FIFO cannot stall the grader), and only if it is a regular file with one link
and at most ``MAX_FILE`` bytes. Anything else is refused and named: the units in that file
fail with a sentence that says what it is and what to submit instead.
"""

from __future__ import annotations

import os
import shutil
import stat
from pathlib import Path

from ..paths import EXERCISES, GIVEN
from ..run.runner import Outcome
from ..units import UNITS

MAX_FILE = 1 << 20  # bytes; a larger "source file" is refused


def submission_root(folder: Path, depth: int = 3) -> Path:
    """The folder holding the learner's files: ``folder`` itself, or the shallowest folder
    below it that holds one of the units' files or a notebook (uploads often arrive inside a
    folder of their own). Links to folders are not followed."""
    level = [folder]
    for _ in range(depth + 1):
        for candidate in level:
            if any(os.path.lexists(candidate / u.file) for u in UNITS) or any(
                candidate.glob("*.ipynb")
            ):
                return candidate
        level = sorted(p for c in level for p in c.iterdir() if p.is_dir() and not p.is_symlink())
    return folder


def what_it_is(mode: int) -> str:
    kinds = [
        (stat.S_ISLNK, "a symbolic link"),
        (stat.S_ISDIR, "a directory"),
        (stat.S_ISFIFO, "a named pipe (FIFO)"),
        (stat.S_ISSOCK, "a socket"),
        (stat.S_ISCHR, "a device"),
        (stat.S_ISBLK, "a device"),
    ]
    return next((name for test, name in kinds if test(mode)), "not a regular file")


def copy_regular(source: Path, dest: Path) -> str:
    """Copy ``source`` to ``dest`` if it is a plain file; else return what it is ("" when copied)."""
    try:
        fd = os.open(
            source, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK | getattr(os, "O_CLOEXEC", 0)
        )
    except FileNotFoundError:
        return "missing"
    except OSError:  # O_NOFOLLOW on a link (ELOOP), a socket, no permission, ...
        try:
            return what_it_is(os.lstat(source).st_mode)
        except OSError:
            return "unreadable"
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            return what_it_is(info.st_mode)
        if info.st_nlink > 1:
            return "a hard link to another file"
        if info.st_size > MAX_FILE:
            return f"larger than {MAX_FILE >> 20} MiB"
        with os.fdopen(fd, "rb", closefd=False) as f, open(dest, "xb") as out:
            shutil.copyfileobj(f, out, MAX_FILE + 1)
        return ""
    finally:
        os.close(fd)


def prepare(submission: Path, workdir: Path, files: dict[str, str] | None = None) -> dict[str, str]:
    """Copy the files the units need (or write ``files``, made from notebooks, instead), then
    the kit's given files. Returns {file name: what it is} for each file present but refused."""
    refused = {}
    for name, text in (files or {}).items():
        (workdir / name).write_text(text)
    for name in sorted({u.file for u in UNITS} - set(files or {})):
        what = copy_regular(submission / name, workdir / name)
        if what and what != "missing":
            refused[name] = what
    for name in GIVEN:
        if (EXERCISES / name).is_dir():
            shutil.copytree(EXERCISES / name, workdir / name)
        else:
            shutil.copyfile(EXERCISES / name, workdir / name)
    return refused


class RefusingRunner:
    """A runner that answers calls into refused files with what they are, and passes every
    other call on to ``runner``."""

    def __init__(self, runner, refused: dict[str, str]):
        self.runner, self.refused = (
            runner,
            {Path(name).stem: (name, what) for name, what in refused.items()},
        )

    def __getattr__(self, name):
        return getattr(self.runner, name)

    def call(self, module: str, function: str, kwargs: dict, timeout: float | None = None):
        if module in self.refused:
            name, what = self.refused[module]
            return Outcome("refused_file", detail={"file": name, "what": what})
        return self.runner.call(module, function, kwargs, timeout)
