"""The course check (`python -m autograder check`), and what adding a unit takes: one folder
and one units.toml entry (with the unit's own solution and stub), shown on a temporary copy."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import textwrap

import pytest

from tests.helpers import KIT, cli

TOY_TOML = """
[[unit]]
id = "toy"
title = "toy: double an array"
part = "4.3"
file = "ex_toy.py"
function = "double"
points = 4
depends = []
defaults = { factor = 2 }
hints = ["Multiply.", "By factor.", "return X * factor"]
"""

TOY_SOLUTION = '''"""A toy unit, added by the kit's tests."""
import numpy as np


def double(X, factor=2):
    ### BEGIN SOLUTION
    return np.asarray(X, dtype=float) * factor
    ### END SOLUTION
'''

TOY_FOLDER = {
    "__init__.py": '"""toy: double an array."""\n',
    "check.py": """
        from ...judge.arrays import check_array, describe_inputs
        from ...judge.outcomes import value_of


        def check(unit, call, outcome, lib, reveal):
            inputs = unit.inputs(call)
            text = describe_inputs(unit.function, call.kwargs)
            check_array(value_of(outcome, text, unit.file), inputs["X"] * inputs["factor"], call=text, reveal=reveal)
        """,
    "public.py": """
        import numpy as np

        from .. import Call, Test


        def tests(unit):
            return [Test("a 2x2 array", [Call({"X": np.ones((2, 2))})])]
        """,
    "hidden.py": """
        import numpy as np

        from .. import Call, Test


        def tests(unit):
            return [Test("a random array, factor 3", [Call({"X": np.random.default_rng(7).normal(size=(3, 4)),
                                                             "factor": 3})])]
        """,
}


def run(args, cwd):
    env = {**os.environ, "PYTHONPATH": str(cwd)}  # this copy's autograder, not the installed one
    return subprocess.run([sys.executable, *args], cwd=cwd, capture_output=True, text=True, env=env)


@pytest.fixture(scope="module")
def kit_copy(tmp_path_factory):
    root = tmp_path_factory.mktemp("kit")
    for name in ["autograder", "exercises", "solutions", "reference", "pyproject.toml"]:
        source = KIT / name
        if source.is_dir():
            shutil.copytree(
                source, root / name, ignore=shutil.ignore_patterns("__pycache__", "feedback")
            )
        else:
            shutil.copy(source, root / name)
    return root


def test_the_course_check_passes_on_the_kit():
    proc = cli("check")
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "agree" in proc.stdout


def test_the_course_check_finds_disagreements(kit_copy, tmp_path):
    copy = tmp_path / "kit"
    shutil.copytree(kit_copy, copy)
    toml = copy / "autograder" / "units" / "units.toml"
    toml.write_text(
        toml.read_text().replace(
            "defaults = { size = 2, stride = 2 }", "defaults = { size = 3, stride = 2 }"
        )
    )
    (copy / "exercises" / "ex4_2_1_average_filter.py").write_text(
        (copy / "exercises" / "ex4_2_1_average_filter.py").read_text() + "\n# edited by hand\n"
    )
    (copy / "autograder" / "units" / "orphan").mkdir()
    (copy / "autograder" / "units" / "orphan" / "__init__.py").write_text("")
    proc = run(["-m", "autograder", "check"], copy)
    assert proc.returncode == 1
    assert "units/orphan/ has no entry in units.toml" in proc.stdout
    # a folder without its entry stops the check there; without it, the rest is found
    shutil.rmtree(copy / "autograder" / "units" / "orphan")
    proc = run(["-m", "autograder", "check"], copy)
    assert "max_pool: max_pool's default size differs from units.toml's" in proc.stdout
    assert "exercises/ex4_2_1_average_filter.py is not the stub" in proc.stdout


@pytest.mark.slow
def test_a_new_unit_is_one_folder_and_one_toml_entry(kit_copy):
    toml = kit_copy / "autograder" / "units" / "units.toml"
    text = toml.read_text()
    # its points come from the last unit, so that the course still adds up to 100
    toml.write_text(
        text.replace('function = "simple_cnn"\npoints = 9', 'function = "simple_cnn"\npoints = 5')
        + TOY_TOML
    )
    folder = kit_copy / "autograder" / "units" / "toy"
    folder.mkdir()
    for name, source in TOY_FOLDER.items():
        (folder / name).write_text(textwrap.dedent(source).lstrip())
    (kit_copy / "solutions" / "ex_toy.py").write_text(TOY_SOLUTION)
    assert run(["-m", "autograder", "stubs", "--write"], kit_copy).returncode == 0
    check = run(["-m", "autograder", "check"], kit_copy)
    assert check.returncode == 0, check.stdout

    public = run(
        [
            "-m",
            "pytest",
            "exercises",
            "-q",
            "-p",
            "no:cacheprovider",
            "-k",
            "toy",
            "--submission",
            "solutions",
        ],
        kit_copy,
    )
    assert "1 passed" in public.stdout, public.stdout
    stub = run(["-m", "pytest", "exercises", "-q", "-p", "no:cacheprovider", "-k", "toy"], kit_copy)
    assert "1 failed" in stub.stdout and "double is not implemented yet" in stub.stdout

    graded = run(["-m", "autograder", "grade", "solutions", "--json", "out.json"], kit_copy)
    assert graded.returncode == 0, graded.stderr
    assert "ok toy" in graded.stdout and "total: 100.00 / 100.00" in graded.stdout
