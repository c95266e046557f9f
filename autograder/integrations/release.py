"""The learners' copy of the kit: stubs, public tests, the checks they run, the MNIST sample,
and no reference, no solutions, no hidden tests (``python -m autograder release OUT_DIR``).

The bundle is a small installable project: ``pip install -e . && pytest exercises`` works in
it as in the full kit, and so do ``status``, ``hint`` and ``watch``.
"""

from __future__ import annotations

import json
import shutil
from fnmatch import fnmatch
from pathlib import Path

from ..paths import EXERCISES, PACKAGE, dependencies, package_files
from ..units import UNITS

# Left out of the learners' copy: the hidden cases, and the solutions a regular install carries.
SECRET = ("autograder/units/*/hidden.py", "autograder/_course/*")
GIVEN_EXERCISE_FILES = [
    "conftest.py",
    "tests/test_public.py",
    "mnist.py",
    "data/mnist_sample.npz",
    "data/README.md",
]

PYPROJECT = """[build-system]
requires = ["setuptools>=64"]
build-backend = "setuptools.build_meta"

[project]
name = "numpy-cnn-exercises"
version = "{version}"
description = "Exercises for 'Learn Deep Learning with NumPy', Parts 4.2 and 4.3 (learner's copy)"
requires-python = ">=3.10"
dependencies = {dependencies}

[tool.setuptools.packages.find]
include = ["autograder*"]

[tool.setuptools.package-data]
autograder = ["units/units.toml", "integrations/schemas/*.json"]
"""

README = """# Exercises: conv2d, max_pool and a first CNN

```bash
pip install -e . && pytest exercises
```

Your copy of the exercises for *Learn Deep Learning with NumPy*, Part 4.2 (convolutional
layers) and Part 4.3 (pooling and a first CNN). Fill in `conv2d` and `max_pool` in
`exercises/neural_network.py`, then the exercise files `exercises/ex*.py`; each function's
docstring says what it takes and returns. On a fresh copy every test fails with
"... is not implemented yet": that is where you start.

- `pytest exercises` checks everything; `pytest exercises -k conv2d` (or `-k 4.2.1`) one unit.
  Each failing check also leaves a picture in `feedback/`.
- `python -m autograder status`: where you stand and what to do next.
- `python -m autograder hint conv2d`: one more hint each time you ask.
- `python -m autograder watch`: re-runs the tests of each file you save.

`conv2d` computes what Part 4.2's formula says, cross-correlation: the kernel is not flipped
(the post's `scipy.signal.convolve2d` flips it). `max_pool`'s output size is
`(H - size) // stride + 1`, and a `(H, W, 1)` input keeps its channel axis.

Your instructor grades with more tests than these, on other inputs: make your functions
work for any sizes, not only the posts' examples.
"""


def build(out: Path) -> list[str]:
    """Write the learners' bundle into ``out`` (which must not exist); return its files."""
    from importlib import metadata

    out = Path(out)
    out.mkdir(parents=True)
    for name, path in package_files(
        PACKAGE, skip=lambda rel: any(fnmatch(rel, p) for p in SECRET)
    ).items():
        _copy(path, out / name)
    for name in GIVEN_EXERCISE_FILES + sorted({u.file for u in UNITS}):
        _copy(EXERCISES / name, out / "exercises" / name)
    try:
        version = metadata.version("numpy-cnn-kit")
    except metadata.PackageNotFoundError:
        version = "0.1.0"
    (out / "pyproject.toml").write_text(
        PYPROJECT.format(version=version, dependencies=json.dumps(dependencies()))
    )  # JSON strings are TOML strings
    (out / "README.md").write_text(README)
    from .workflow import write as write_workflow  # the learners' template repository's CI

    write_workflow(out)
    (out / ".gitignore").write_text("__pycache__/\n*.egg-info/\nfeedback/\n.hints.json\n")
    return sorted(str(p.relative_to(out)) for p in out.rglob("*") if p.is_file())


def _copy(source: Path, dest: Path) -> None:
    dest.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(source, dest)
