"""Grading results as Gradescope's results.json and as a table for people."""
from __future__ import annotations

import textwrap

from .units import Result


def test_name(r: Result) -> str:
    tier = " (hidden)" if r.test.tier == "hidden" else ""
    return f"{r.unit.id}: {r.test.name}{tier}"


def results_json(results: list[Result], execution_time: float | None = None) -> dict:
    """Gradescope's autograder results schema: score, tests[] with name/score/max_score/status/output."""
    score = round(sum(r.score for r in results), 4)
    total = round(sum(r.max_score for r in results), 4)
    doc = {
        "score": score,
        "output": f"{score:g} / {total:g} points; {sum(r.passed for r in results)} of {len(results)} tests passed.",
        "visibility": "visible",
        "stdout_visibility": "hidden",
        "tests": [
            {"name": test_name(r), "score": round(r.score, 4), "max_score": round(r.max_score, 4),
             "status": "passed" if r.passed else "failed", "output": r.message,
             "visibility": "visible", "tags": [r.unit.id, r.test.tier]}
            for r in results
        ],
    }
    if execution_time is not None:
        doc["execution_time"] = round(execution_time, 3)
    return doc


def unit_scores(doc: dict) -> dict[str, float]:
    """{unit id: points} from a results.json document, units in the order tested."""
    scores: dict[str, float] = {}
    for t in doc["tests"]:
        uid = t["name"].split(":")[0]
        scores[uid] = round(scores.get(uid, 0.0) + t["score"], 4)
    return scores


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
