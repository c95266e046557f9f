"""The architecture, as the tree shows it: layers that import only inward, and no cycles.

- judge/: pure numpy, imports nothing of the kit outside itself;
- run/protocol.py: imports nothing of the kit; run/worker.py: only the protocol (it runs
  beside submitted code, copied out of the kit);
- units/: the catalogue and each unit's checks and cases, built on judge/ only;
- grading/: one submission, built on judge/, run/ and units/;
- around them batch, report, learner/ and integrations/, which grading/ never imports.
Read from the source with ast (imports inside functions included), so it costs no imports.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "autograder"


def module_name(path: Path) -> str:
    parts = list(path.relative_to(PACKAGE.parent).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def kit_imports(path: Path) -> set[str]:
    """The autograder modules ``path`` imports, anywhere in the file."""
    name = module_name(path)
    package = name if path.name == "__init__.py" else name.rsplit(".", 1)[0]
    found = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            found |= {a.name for a in node.names if a.name.startswith("autograder")}
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.rsplit(".", node.level - 1)[0] if node.level > 1 else package
                target = f"{base}.{node.module}" if node.module else base
            else:
                target = node.module or ""
            if target.startswith("autograder"):
                # `from . import x` may name a submodule: count it as such when it is one
                subs = [f"{target}.{a.name}" for a in node.names if f"{target}.{a.name}" in MODULES]
                found |= set(subs) if subs else {target}
    return {m for m in found if m != name}


MODULES = {module_name(p): p for p in PACKAGE.rglob("*.py")}
GRAPH = {name: {m for m in kit_imports(path) if m in MODULES} for name, path in MODULES.items()}


def layer(name: str) -> str:
    parts = name.split(".")
    return parts[1] if len(parts) > 1 else "autograder"


def test_no_import_cycles():
    state: dict[str, int] = {}
    stack: list[str] = []

    def visit(m):
        state[m] = 1
        stack.append(m)
        for n in sorted(GRAPH[m]):
            if state.get(n) == 1:
                pytest.fail("import cycle: " + " -> ".join(stack[stack.index(n) :] + [n]))
            if n not in state:
                visit(n)
        stack.pop()
        state[m] = 2

    for m in sorted(GRAPH):
        if m not in state:
            visit(m)


ALLOWED = {  # layer -> the kit's layers it may import besides its own
    "judge": set(),
    "units": {"judge", "paths"},
    "run": {"paths"},
    "grading": {"judge", "run", "units", "paths"},
}


@pytest.mark.parametrize("name", sorted(n for n in GRAPH if layer(n) in ALLOWED))
def test_inner_layers_import_only_inward(name):
    outside = {layer(m) for m in GRAPH[name]} - {layer(name)} - ALLOWED[layer(name)]
    assert not outside, f"{name} imports from {sorted(outside)}"


def test_the_worker_imports_nothing_of_the_kit_but_the_protocol():
    assert GRAPH["autograder.run.protocol"] == set()
    assert GRAPH["autograder.run.worker"] <= {"autograder.run.protocol"}


def test_the_graph_is_read():
    """The checks above would pass on an empty graph: make sure it is the real one."""
    assert "autograder.judge.arrays" in GRAPH["autograder.units.common"]
    assert "autograder.units.common" in GRAPH["autograder.units.conv2d.check"]
    assert "autograder.run.runner" in GRAPH["autograder.grading.grade"]
    assert len(MODULES) > 40


def test_grading_does_not_load_the_batched_reference():
    import subprocess
    import sys

    code = (
        "import sys; from autograder.grading.grade import grade; from autograder.grading.libraries import "
        "ReferenceLib; ReferenceLib().conv2d([[1.0]], [[1.0]]); print('reference.batch' in sys.modules)"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    ).stdout
    assert out.strip() == "False"
    import reference

    assert callable(reference.conv2d_batch)  # still importable for the benchmarks
