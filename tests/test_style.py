"""The code passes the style the project set in pyproject.toml: `ruff check` and `ruff format`."""

from __future__ import annotations

import shutil
import subprocess

import pytest

from tests.helpers import KIT


@pytest.mark.parametrize("command", [["check", "."], ["format", "--check", "."]])
def test_ruff(command):
    ruff = shutil.which("ruff")
    if ruff is None:
        pytest.skip("ruff is not installed (pip install -e '.[dev]' installs it)")
    proc = subprocess.run([ruff, *command], cwd=KIT, capture_output=True, text=True)
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-1000:]
