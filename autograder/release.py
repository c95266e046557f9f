"""The learners' copy of the kit: stubs, public tests, the checks they run, the MNIST sample,
and no reference, no solutions, no hidden tests (``python -m autograder release OUT_DIR``).

The bundle is a small installable project: ``pip install -e . && pytest exercises`` works in
it as in the full kit, and so do ``status``, ``hint`` and ``watch``.
"""
from __future__ import annotations

import shutil
from pathlib import Path

from .units import KIT

# The grader modules learners' public tests use; hidden.py (hidden tests), gradescope.py,
# batch.py and classroom.py are for instructors and stay out.
LEARNER_MODULES = ["__init__.py", "__main__.py", "checks.py", "jail.py", "learner.py", "pictures.py",
                   "sandbox.py", "stubs.py", "worker.py", "units.toml", "units/__init__.py",
                   "units/library.py", "units/part4_2.py", "units/part4_3.py"]
EXERCISE_FILES = ["conftest.py", "mnist.py", "data/mnist_sample.npz", "data/README.md", "tests/test_library.py",
                  "tests/test_part4_2.py", "tests/test_part4_3.py"]

PYPROJECT = '''[build-system]
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
'''

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
    import sys

    if sys.version_info >= (3, 11):
        import tomllib
    else:  # pragma: no cover
        import tomli as tomllib

    out = Path(out)
    out.mkdir(parents=True)
    for name in LEARNER_MODULES:
        _copy(KIT / "autograder" / name, out / "autograder" / name)
    for name in EXERCISE_FILES:
        _copy(KIT / "exercises" / name, out / "exercises" / name)
    for stub in sorted((KIT / "exercises").glob("*.py")):
        if stub.name not in EXERCISE_FILES:
            _copy(stub, out / "exercises" / stub.name)
    with open(KIT / "pyproject.toml", "rb") as f:
        project = tomllib.load(f)["project"]
    (out / "pyproject.toml").write_text(PYPROJECT.format(
        version=project["version"], dependencies="[" + ", ".join(f'"{d}"' for d in project["dependencies"]) + "]"))
    (out / "README.md").write_text(README)
    (out / ".gitignore").write_text("__pycache__/\n*.egg-info/\nfeedback/\n.hints.json\n")
    return sorted(str(p.relative_to(out)) for p in out.rglob("*") if p.is_file())


def _copy(source: Path, dest: Path) -> None:
    dest.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(source, dest)
