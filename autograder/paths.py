"""Where the kit's own files are: the course (exercises/, solutions/) and the MNIST sample.

In a checkout (and an editable install) they are the checkout's folders. A regular install
(``pip install .``, a wheel) carries them as package data, ``autograder/_course/exercises``
and ``autograder/_course/solutions`` (pyproject.toml maps the folders there), found with
importlib.resources. A learners' copy has no solutions: ``SOLUTIONS`` may not exist.
"""

from __future__ import annotations

from importlib import resources
from pathlib import Path

PACKAGE = Path(__file__).resolve().parent
CHECKOUT = PACKAGE.parent


def _course_root() -> Path:
    if (CHECKOUT / "exercises" / "neural_network.py").is_file():
        return CHECKOUT
    return Path(str(resources.files("autograder") / "_course"))


COURSE = _course_root()
EXERCISES = COURSE / "exercises"  # the learners' stubs, mnist.py and the MNIST sample
SOLUTIONS = COURSE / "solutions"  # the worked solutions (instructors' and self-learners' copies)
MNIST_SAMPLE = EXERCISES / "data" / "mnist_sample.npz"
GIVEN = [
    "mnist.py",
    "data",
]  # files of exercises/ that every submission is graded with, never its own


def dependencies() -> list[str]:
    """The kit's own requirements (no extras), as installed, else from the checkout's pyproject.toml."""
    from importlib import metadata

    try:
        requires = metadata.requires("numpy-cnn-kit") or []
        return [r for r in requires if "extra ==" not in r]
    except metadata.PackageNotFoundError:
        import tomllib  # a checkout that was not installed: Python 3.11+ reads its pyproject.toml

        with open(CHECKOUT / "pyproject.toml", "rb") as f:
            return tomllib.load(f)["project"]["dependencies"]


def package_files(root: Path, skip=lambda relative: False) -> dict[str, Path]:
    """{posix path relative to root's parent: file} of a package's sources and data, without
    caches (``skip`` leaves more out)."""
    found = {}
    for path in sorted(root.rglob("*")):
        relative = path.relative_to(root.parent).as_posix()
        if (
            path.is_file()
            and "__pycache__" not in path.parts
            and not path.name.endswith(".pyc")
            and not skip(relative)
        ):
            found[relative] = path
    return found


def reference_package() -> Path | None:
    """The hidden reference's folder, where this copy of the kit has one."""
    import importlib.util

    spec = importlib.util.find_spec("reference")
    return Path(spec.origin).resolve().parent if spec is not None and spec.origin else None
