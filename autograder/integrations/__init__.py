"""Instructor integrations: a class report, a PrairieLearn external grader, a GitHub Actions
workflow for learners' repositories, and a Canvas gradebook import.

Each module exposes ``add_command(sub)``, which adds its subcommand(s) to an argparse
subparsers object; :func:`add_commands` adds them all (``report``, ``prairielearn``,
``workflow``, ``canvas``). Every command's ``func`` takes the parsed args and returns an exit code.
"""

from __future__ import annotations

import json
from pathlib import Path

MODULES = ("classreport", "prairielearn", "workflow", "canvas")


def add_commands(sub) -> None:
    """Add every integration's subcommands to ``sub`` (from ``parser.add_subparsers()``)."""
    import importlib

    for name in MODULES:
        importlib.import_module(f"{__name__}.{name}").add_command(sub)


def read_batch(out_dir: Path) -> tuple[dict[str, dict], dict[str, str]]:
    """({submission name: results document}, {name: why unreadable}) from OUT/results/**/*.json.

    Names are the paths under OUT/results/ without ``.json`` (``alice`` or ``alice/part4_2``),
    sorted; unfinished ``.json.part`` files are not results.
    """
    root = Path(out_dir) / "results"
    docs: dict[str, dict] = {}
    errors: dict[str, str] = {}
    for path in sorted(root.rglob("*.json")):
        name = path.relative_to(root).with_suffix("").as_posix()
        try:
            doc = json.loads(path.read_text(encoding="utf-8"))
            if (
                not isinstance(doc, dict)
                or "score" not in doc
                or not isinstance(doc.get("tests", []), list)
            ):
                raise ValueError("not a results document (no score or tests)")
        except (OSError, ValueError) as exc:
            errors[name] = f"{type(exc).__name__}: {exc}"
            continue
        docs[name] = doc
    return docs, errors


def record_meta(test: dict) -> tuple[str, str, str | None]:
    """(unit, tier, mistake) of one test record (``report.test_meta``; imported on use, so that
    the fail-closed paths that import this package need no working course)."""
    from ..report import test_meta

    return test_meta(test)
