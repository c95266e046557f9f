"""Shared helpers for the kit's own tests: the kit's folders, the CLI as a user runs it, and
submissions made from the solutions with one deliberate change."""

from __future__ import annotations

import ast
import shutil
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

KIT = Path(__file__).resolve().parents[1]
SOLUTIONS = KIT / "solutions"


def cli(*args, cwd=KIT) -> subprocess.CompletedProcess:
    """`python -m autograder ARGS` as a user runs it, from ``cwd``."""
    return subprocess.run(
        [sys.executable, "-m", "autograder", *args], cwd=cwd, capture_output=True, text=True
    )


def learner_argv(submission: Path | None, *args: str, feedback: str = "") -> list[str]:
    """`pytest exercises` as a learner runs it (on exercises/ itself when ``submission`` is
    None); ``feedback``: the folder for pictures of failed checks ('' for none)."""
    where = [f"--submission={submission}"] if submission is not None else []
    return [
        sys.executable,
        "-m",
        "pytest",
        "exercises",
        "-p",
        "no:cacheprovider",
        f"--feedback={feedback}",
        "-q",
        *where,
        *args,
    ]


def grade_argv(room: Path, out: Path, *args: str) -> list[str]:
    """`python -m autograder grade ROOM --out OUT ARGS`, a batch as an instructor runs it."""
    return [sys.executable, "-m", "autograder", "grade", str(room), "--out", str(out), *args]


def replace_function(path: Path, name: str, new_source: str) -> None:
    """Swap the top-level function `name` in `path` for `new_source` (a whole def)."""
    text = path.read_text()
    node = next(
        n for n in ast.parse(text).body if isinstance(n, ast.FunctionDef) and n.name == name
    )
    lines = text.splitlines(keepends=True)
    start = (node.decorator_list[0].lineno if node.decorator_list else node.lineno) - 1
    lines[start : node.end_lineno] = [textwrap.dedent(new_source).strip("\n") + "\n"]
    path.write_text("".join(lines))


@pytest.fixture
def submission(tmp_path):
    """A copy of the solutions; call it with (file, function, source) changes to make mistakes."""

    def make(*changes):
        sub = tmp_path / "submission"
        if sub.exists():
            shutil.rmtree(sub)
        shutil.copytree(SOLUTIONS, sub, ignore=shutil.ignore_patterns("__pycache__"))
        for file, function, source in changes:
            replace_function(sub / file, function, source)
        return sub

    return make


def venv_with_outer_packages(venv: Path) -> tuple[Path, str]:
    """A new virtualenv without pip whose third-party packages (numpy, pytest, pip, ...) are
    this interpreter's, through a .pth file: tests install into it offline. Returns (its
    python, its purelib folder). The kit's own editable install is not passed on."""
    import site

    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(venv)], check=True)
    python = venv / "bin" / "python"
    purelib = subprocess.run(
        [str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()
    outer = [p for p in site.getsitepackages() if "__editable__" not in p]
    (Path(purelib) / "_outer_packages.pth").write_text("\n".join(outer) + "\n")
    return python, purelib
