"""Grading results as Gradescope's results.json, as summary.csv and as a table for people."""
from __future__ import annotations

import csv
import textwrap
from pathlib import Path

from .grading.results import Result
from .units import UNITS


def test_name(r: Result) -> str:
    tier = " (hidden)" if r.test.tier == "hidden" else ""
    return f"{r.unit.id}: {r.test.name}{tier}"


HIDDEN_VISIBILITY = ("after_due_date", "after_published", "visible", "hidden")


def results_json(results: list[Result], execution_time: float | None = None,
                 hidden_visibility: str = "after_due_date") -> dict:
    """Gradescope's autograder results schema: score, tests[] with name/score/max_score/status/
    output, and per test ``extra_data`` (unit, tier, mistake id) for reports. Hidden tests are
    shown to learners as ``hidden_visibility`` says (by default after the due date, so a class
    cannot probe them through feedback before the deadline)."""
    if hidden_visibility not in HIDDEN_VISIBILITY:
        raise ValueError(f"hidden_visibility must be one of {HIDDEN_VISIBILITY}")
    score = round(sum(r.score for r in results), 4)
    total = round(sum(r.max_score for r in results), 4)
    doc = {
        "score": score,
        "output": f"{score:g} / {total:g} points; {sum(r.passed for r in results)} of {len(results)} tests passed.",
        "visibility": "visible",
        "stdout_visibility": "hidden",
        "tests": [
            {"name": test_name(r), "score": round(r.score, 4), "max_score": round(r.max_score, 4),
             "status": "passed" if r.passed else "failed", "output": r.message, "output_format": "text",
             "visibility": hidden_visibility if r.test.tier == "hidden" else "visible",
             "tags": [r.unit.id, r.test.tier],
             "extra_data": {"unit": r.unit.id, "tier": r.test.tier, "mistake": r.mistake}}
            for r in results
        ],
    }
    if execution_time is not None:
        doc["execution_time"] = round(execution_time, 3)
    return doc


def test_meta(test: dict) -> tuple[str, str, str | None]:
    """(unit, tier, mistake id) of one test record of a results document: from its
    ``extra_data``, else (results written before it existed) from its ``tags``."""
    extra, tags = test.get("extra_data") or {}, test.get("tags") or ["", "public"]
    return extra.get("unit") or tags[0], extra.get("tier") or tags[1], extra.get("mistake") or None


def test_unit(test: dict) -> str:
    """The unit of one test record of a results document."""
    return test_meta(test)[0]


def unit_scores(doc: dict) -> dict[str, float]:
    """{unit id: points} from a results.json document, units in the order tested (read from
    each test's data, never from its name)."""
    scores: dict[str, float] = {}
    for t in doc["tests"]:
        uid = test_unit(t)
        scores[uid] = round(scores.get(uid, 0.0) + t["score"], 4)
    return scores


def write_summary(path: Path, docs: dict[str, dict | str]) -> None:
    """``summary.csv``: one row per submission, its score and its points per unit, in name
    order. ``docs`` maps each name to its results document, or to a sentence why it has none."""
    units = [u.id for u in UNITS]
    with open(path, "w", newline="") as f:
        writer = csv.writer(f)
        writer.writerow(["submission", "score", "max_score", *units, "status"])
        for name in sorted(docs):
            doc = docs[name]
            if isinstance(doc, str):
                writer.writerow([name, "", "", *[""] * len(units), f"error: {doc}"])
                continue
            per_unit = {u: 0.0 for u in units} | unit_scores(doc)
            total = sum(t["max_score"] for t in doc["tests"])
            writer.writerow([name, f"{doc['score']:g}", f"{total:g}", *[f"{per_unit[u]:g}" for u in units], "graded"])


def table(results: list[Result], width: int = 100) -> str:
    """One line per unit with its points, then each failed test's sentence under it."""
    lines = [f"{'unit':<11} {'points':>13}  tests passed  title", "-" * width]
    units = list(dict.fromkeys(r.unit.id for r in results))
    for uid in units:
        rs = [r for r in results if r.unit.id == uid]
        got, out_of = sum(r.score for r in rs), sum(r.max_score for r in rs)
        mark = "ok " if got == out_of else "   "
        lines.append(f"{mark}{uid:<8} {got:6.2f} / {out_of:5.2f}  {sum(r.passed for r in rs):>5} / {len(rs):<5}  "
                     f"{rs[0].unit.title}")
        failures: dict[str, list[Result]] = {}
        for r in rs:
            if not r.passed:
                failures.setdefault(r.message, []).append(r)
        for message, group in failures.items():  # one line per distinct sentence
            who = test_name(group[0]).split(": ", 1)[1] if len(group) == 1 else f"{len(group)} tests"
            lines += textwrap.wrap(f"- {who}: {message}", width - 6, initial_indent="      ",
                                   subsequent_indent="        ", break_on_hyphens=False, break_long_words=False)
    score, total = sum(r.score for r in results), sum(r.max_score for r in results)
    lines += ["-" * width, f"total: {score:.2f} / {total:.2f} points ({100 * score / total:.0f} %)"]
    return "\n".join(lines)
