"""A Gradescope autograder bundle: setup.sh, run_autograder and the grader with its hidden
reference, zipped so that Gradescope's /autograder/source is a runnable copy of the kit.

Learners never see this zip (it holds the reference and the hidden tests); the solutions
and the kit's own tests are left out of it.
"""

from __future__ import annotations

import zipfile
from pathlib import Path

from ..paths import EXERCISES, PACKAGE, dependencies, package_files, reference_package

SETUP_SH = """#!/usr/bin/env bash
# Gradescope runs this once, as root, while it builds the autograder image.
set -euo pipefail
apt-get install -y python3 python3-pip
cd /autograder/source
# The grader runs from this folder; only its third-party dependencies are installed.
python3 -m pip install --no-cache-dir -r requirements.txt \\
  || python3 -m pip install --no-cache-dir --break-system-packages -r requirements.txt
# Once here rather than in every run_autograder: matplotlib's font list (about 0.8 s) and the
# grader's bytecode (about 0.2 s).
python3 -c "import matplotlib.font_manager"
python3 -m compileall -q /autograder/source
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
    """{path in the zip: content}: the grader package (without the solutions a regular install
    carries), the hidden reference, and the kit's given files."""
    files: dict[str, bytes] = {
        "setup.sh": SETUP_SH.encode(),
        "run_autograder": RUN_AUTOGRADER.encode(),
    }
    sources = package_files(PACKAGE, skip=lambda rel: rel.startswith("autograder/_course/"))
    sources.update(package_files(reference_package()))
    for name in [
        "mnist.py",
        "neural_network.py",
    ]:  # the stub: a notebook's answers are read back into it
        sources[f"exercises/{name}"] = EXERCISES / name
    sources.update(
        {
            f"exercises/data/{p.name}": p
            for p in sorted((EXERCISES / "data").iterdir())
            if p.is_file()
        }
    )
    files.update({name: path.read_bytes() for name, path in sources.items()})
    deps = dependencies() + [
        "nbformat>=5"
    ]  # a notebook uploaded from the nbgrader course is graded too
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
