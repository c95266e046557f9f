"""Grading results as Gradescope's results.json, as summary.csv and as a table for people."""

from __future__ import annotations

import csv
import io
import os
import secrets
import stat
import textwrap
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # (imported where used: `grade` starts its fork server before numpy loads)
    from .grading.results import Result


def test_name(r: Result) -> str:
    tier = " (hidden)" if r.test.tier == "hidden" else ""
    return f"{r.unit.id}: {r.test.name}{tier}"


HIDDEN_VISIBILITY = ("after_due_date", "after_published", "visible", "hidden")


def results_json(
    results: list[Result],
    execution_time: float | None = None,
    hidden_visibility: str = "after_due_date",
    unconfined: str = "",
) -> dict:
    """Gradescope's autograder results schema: score, tests[] with name/score/max_score/status/
    output, and per test ``extra_data`` (unit, tier, mistake id) for reports. Hidden tests are
    shown to learners as ``hidden_visibility`` says (by default after the due date, so a class
    cannot probe them through feedback before the deadline). ``unconfined``: what was missing
    when grading ran with ``--unconfined``; then the document says so at the top level and in
    its ``output``."""
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
            {
                "name": test_name(r),
                "score": round(r.score, 4),
                "max_score": round(r.max_score, 4),
                "status": "passed" if r.passed else "failed",
                "output": r.message,
                "output_format": "text",
                "visibility": hidden_visibility if r.test.tier == "hidden" else "visible",
                "tags": [r.unit.id, r.test.tier],
                "extra_data": {"unit": r.unit.id, "tier": r.test.tier, "mistake": r.mistake},
            }
            for r in results
        ],
    }
    if unconfined:
        doc["unconfined"] = unconfined
        doc["output"] = (
            f"UNCONFINED grading (the submitted code ran without {unconfined}). " + doc["output"]
        )
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
    from .units import UNITS

    units = [u.id for u in UNITS]
    with io.StringIO(newline="") as f:
        writer = csv.writer(f)
        writer.writerow(["submission", "score", "max_score", *units, "status"])
        for name in sorted(docs):
            doc = docs[name]
            if isinstance(doc, str):
                writer.writerow([name, "", "", *[""] * len(units), f"error: {doc}"])
                continue
            per_unit = {u: 0.0 for u in units} | unit_scores(doc)
            total = sum(t["max_score"] for t in doc["tests"])
            status = (
                f"graded UNCONFINED (without {doc['unconfined']})"
                if doc.get("unconfined")
                else "graded"
            )
            writer.writerow(
                [
                    name,
                    f"{doc['score']:g}",
                    f"{total:g}",
                    *[f"{per_unit[u]:g}" for u in units],
                    status,
                ]
            )
        write_atomic(path, f.getvalue())


class UnsafeTarget(OSError):
    """A results path that is not a plain file or a missing one: a link or FIFO someone planted."""


def _kind(mode: int) -> str:
    kinds = [
        (stat.S_ISLNK, "a symbolic link"),
        (stat.S_ISFIFO, "a named pipe (FIFO)"),
        (stat.S_ISDIR, "a directory"),
        (stat.S_ISSOCK, "a socket"),
        (stat.S_ISCHR, "a device"),
        (stat.S_ISBLK, "a device"),
    ]
    return next((name for test, name in kinds if test(mode)), "not a regular file")


def write_atomic(path: Path, text: str) -> None:
    """Write a results file so that nobody else can redirect it: the folder is opened without
    following a link, the text goes to a new temporary file created there with
    O_EXCL|O_NOFOLLOW, which then replaces ``path`` (os.replace never follows a link). A
    ``path`` that is already a link, FIFO or anything but a regular file is refused
    (UnsafeTarget, with a sentence), never written through."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        folder = os.open(path.parent, os.O_RDONLY | os.O_DIRECTORY | os.O_NOFOLLOW | os.O_CLOEXEC)
    except OSError as exc:
        raise UnsafeTarget(
            f"refusing to write {path}: its folder {path.parent} cannot be opened without following "
            f"a link ({exc.strerror})"
        ) from None
    try:
        try:
            mode = os.stat(path.name, dir_fd=folder, follow_symlinks=False).st_mode
        except FileNotFoundError:
            mode = None
        if mode is not None and not stat.S_ISREG(mode):
            raise UnsafeTarget(
                f"refusing to write {path}: it is {_kind(mode)}, not a results file (someone may have "
                "planted it to redirect the results); remove it and run again"
            )
        tmp = f".{path.name}.{secrets.token_hex(6)}.tmp"
        fd = os.open(
            tmp,
            os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW | os.O_CLOEXEC,
            0o644,
            dir_fd=folder,
        )
        try:
            with os.fdopen(fd, "w", encoding="utf-8", newline="") as f:
                f.write(text)
            os.replace(tmp, path.name, src_dir_fd=folder, dst_dir_fd=folder)
        except BaseException:
            try:
                os.unlink(tmp, dir_fd=folder)
            except OSError:
                pass
            raise
    finally:
        os.close(folder)


def read_regular(path: Path, limit: int = 64 << 20) -> str | None:
    """The text of ``path`` if it is a regular file (never through a link, never blocking on a
    FIFO), else None."""
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK | os.O_CLOEXEC)
    except OSError:
        return None
    with os.fdopen(fd, "rb") as f:
        if not stat.S_ISREG(os.fstat(f.fileno()).st_mode):
            return None
        return f.read(limit).decode("utf-8", "replace")


def table(results: list[Result], width: int = 100) -> str:
    """One line per unit with its points, then each failed test's sentence under it."""
    lines = [f"{'unit':<11} {'points':>13}  tests passed  title", "-" * width]
    units = list(dict.fromkeys(r.unit.id for r in results))
    for uid in units:
        rs = [r for r in results if r.unit.id == uid]
        got, out_of = sum(r.score for r in rs), sum(r.max_score for r in rs)
        mark = "ok " if got == out_of else "   "
        lines.append(
            f"{mark}{uid:<8} {got:6.2f} / {out_of:5.2f}  {sum(r.passed for r in rs):>5} / {len(rs):<5}  "
            f"{rs[0].unit.title}"
        )
        failures: dict[str, list[Result]] = {}
        for r in rs:
            if not r.passed:
                failures.setdefault(r.message, []).append(r)
        for message, group in failures.items():  # one line per distinct sentence
            who = (
                test_name(group[0]).split(": ", 1)[1] if len(group) == 1 else f"{len(group)} tests"
            )
            lines += textwrap.wrap(
                f"- {who}: {message}",
                width - 6,
                initial_indent="      ",
                subsequent_indent="        ",
                break_on_hyphens=False,
                break_long_words=False,
            )
    score, total = sum(r.score for r in results), sum(r.max_score for r in results)
    lines += ["-" * width, f"total: {score:.2f} / {total:.2f} points ({100 * score / total:.0f} %)"]
    return "\n".join(lines)
