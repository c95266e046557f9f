"""Learner stubs from the worked solutions: the solutions are the single source.

Each block between ``### BEGIN SOLUTION`` and ``### END SOLUTION`` (nbgrader's markers)
becomes ``raise NotImplementedError``; everything else (docstrings, given code) is kept.
"""

from __future__ import annotations

import re
from pathlib import Path

BEGIN, END = "### BEGIN SOLUTION", "### END SOLUTION"
DEF = re.compile(r"^\s*def (\w+)\(")


def make_stub(source: str) -> str:
    out, function, inside = [], "this function", False
    for line in source.splitlines(keepends=True):
        match = DEF.match(line)
        if match and not inside:
            function = match.group(1)
        stripped = line.strip()
        if stripped == BEGIN:
            indent = line[: len(line) - len(line.lstrip())]
            out.append(f"{indent}# YOUR CODE HERE\n")
            out.append(f'{indent}raise NotImplementedError("{function} is not implemented yet")\n')
            inside = True
        elif stripped == END:
            inside = False
        elif not inside:
            out.append(line)
    if inside:
        raise ValueError(f"{BEGIN} without {END}")
    return "".join(out)


def stub_files(solutions: Path) -> dict[str, str]:
    """{file name: stub text} for every solution file that has a solution block."""
    files = {}
    for path in sorted(solutions.glob("*.py")):
        text = path.read_text()
        if BEGIN in text:
            files[path.name] = make_stub(text)
    return files


def out_of_date(solutions: Path, exercises: Path) -> list[str]:
    """Stub files in ``exercises`` that differ from what the solutions generate."""
    return [
        name
        for name, text in stub_files(solutions).items()
        if not (exercises / name).is_file() or (exercises / name).read_text() != text
    ]


def write_stubs(solutions: Path, exercises: Path) -> list[str]:
    written = out_of_date(solutions, exercises)
    for name in written:
        (exercises / name).write_text(stub_files(solutions)[name])
    return written
