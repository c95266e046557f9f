"""A Gradescope autograder bundle: setup.sh, run_autograder and the grader with its hidden
reference, zipped so that Gradescope's /autograder/source is a runnable copy of the kit.

Learners never see this zip (it holds the reference and the hidden tests); the solutions
and the kit's own tests are left out of it.
"""
from __future__ import annotations

import sys
import zipfile
from pathlib import Path

from .units import KIT

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib

SETUP_SH = """#!/usr/bin/env bash
# Gradescope runs this once, as root, while it builds the autograder image.
set -euo pipefail
apt-get install -y python3 python3-pip
cd /autograder/source
# The grader runs from this folder; only its third-party dependencies are installed.
python3 -m pip install --no-cache-dir -r requirements.txt \\
  || python3 -m pip install --no-cache-dir --break-system-packages -r requirements.txt
"""

RUN_AUTOGRADER = """#!/usr/bin/env bash
# Gradescope runs this for every submission. AUTOGRADER_ROOT lets the kit's tests run it elsewhere.
ROOT="${AUTOGRADER_ROOT:-/autograder}"
cd "$ROOT/source" || exit 1
mkdir -p "$ROOT/results"
if ! python3 -m autograder grade "$ROOT/submission" --json "$ROOT/results/results.json"; then
  # Fail closed: a grader that could not finish gives 0 with a reason, never a missing file.
  python3 - "$ROOT/results/results.json" <<'PY'
import json, sys
json.dump({"score": 0, "output": "The autograder could not finish grading this submission; "
           "your instructor can see why in the autograder's stdout.", "tests": []}, open(sys.argv[1], "w"))
PY
fi
"""


def bundle_files() -> dict[str, bytes]:
    """{path in the zip: content}."""
    files: dict[str, bytes] = {"setup.sh": SETUP_SH.encode(), "run_autograder": RUN_AUTOGRADER.encode()}
    patterns = ["autograder/**/*.py", "autograder/*.toml", "autograder/*.json", "reference/**/*.py",
                "exercises/mnist.py", "exercises/data/*",
                "exercises/neural_network.py"]  # the stub: a notebook's answers are read back into it
    for pattern in patterns:
        for path in sorted(KIT.glob(pattern)):
            if "__pycache__" not in path.parts:
                files[path.relative_to(KIT).as_posix()] = path.read_bytes()
    with open(KIT / "pyproject.toml", "rb") as f:
        deps = tomllib.load(f)["project"]["dependencies"]
    deps.append("nbformat>=5")  # a notebook uploaded from the nbgrader course is graded too
    files["requirements.txt"] = ("\n".join(deps) + "\n").encode()
    return files


def build(zip_path: Path) -> list[str]:
    files = bundle_files()
    zip_path.parent.mkdir(parents=True, exist_ok=True)
    with zipfile.ZipFile(zip_path, "w", zipfile.ZIP_DEFLATED) as z:
        for name, data in files.items():
            info = zipfile.ZipInfo(name, date_time=(2026, 1, 1, 0, 0, 0))
            info.external_attr = (0o755 if name in ("setup.sh", "run_autograder") else 0o644) << 16
            info.compress_type = zipfile.ZIP_DEFLATED
            z.writestr(info, data)
    return list(files)
