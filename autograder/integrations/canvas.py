"""A graded batch into a Canvas gradebook: fill one assignment column of Canvas's gradebook
export and write the file to import (Grades, Import).

Canvas's export: a header row (Student, ID, SIS User ID, SIS Login ID, Section, then one
column per assignment named "Title (assignment id)", then read-only totals), a
"Points Possible" row, and possibly rows before the first student whose id cells are empty
(e.g. "Manual Posting" / "Muted" markers). Every column and row is written back as exported,
in the same encoding (a UTF-8 byte-order mark is kept) and line endings; only the named
assignment's cells of students matched to a submission change.

Students are matched by the instructor-named id column (e.g. "SIS Login ID") to the batch's
submission names: a name equal to the id, or whose first folder is the id (``alice/part4_2``),
compared without case and surrounding spaces. A student with more than one such submission is
left as exported and reported, as are students without a submission and submissions without
a student. Scores are scaled to the column's Points Possible when it has one (87 of 100
points into a 10-point assignment is 8.7), else written as the batch's points.
"""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass, field
from pathlib import Path

from . import read_batch

POINTS_POSSIBLE = "Points Possible"


@dataclass
class CanvasFill:
    column: str  # the header cell filled
    points_possible: float | None
    filled: dict[str, str] = field(default_factory=dict)  # student id -> value written
    unmatched_students: list[str] = field(default_factory=list)  # in the gradebook, no submission
    unmatched_submissions: list[str] = field(default_factory=list)  # graded, no student
    ambiguous: dict[str, list[str]] = field(
        default_factory=dict
    )  # student id -> several submissions

    def summary(self, target: Path) -> str:
        scale = (
            f"scaled to its {self.points_possible:g} points possible"
            if self.points_possible
            else "as the batch's points"
        )
        lines = [
            f"wrote {target}: {len(self.filled)} scores in '{self.column}' ({scale}); import it in Canvas "
            "(Grades, Import)."
        ]
        if self.unmatched_students:
            lines.append(
                f"{len(self.unmatched_students)} students without a submission (left as exported): "
                + ", ".join(self.unmatched_students)
            )
        if self.unmatched_submissions:
            lines.append(
                f"{len(self.unmatched_submissions)} submissions without a student: "
                + ", ".join(self.unmatched_submissions)
            )
        for sid, names in self.ambiguous.items():
            lines.append(f"{sid}: several submissions ({', '.join(names)}), left as exported")
        return "\n".join(lines)


def find_column(header: list[str], name: str, what: str) -> int:
    """The index of ``name`` in the header: exact, else the one assignment named ``name (id)``."""
    exact = [i for i, h in enumerate(header) if h.strip() == name.strip()]
    if len(exact) == 1:
        return exact[0]
    loose = [
        i for i, h in enumerate(header) if re.sub(r"\s*\(\d+\)$", "", h.strip()) == name.strip()
    ]
    if len(loose) == 1:
        return loose[0]
    raise KeyError(
        f"the gradebook has {'no' if not (exact or loose) else 'more than one'} {what} column "
        f"{name!r}; its columns: {', '.join(repr(h) for h in header)}"
    )


def number(text: str) -> float | None:
    try:
        return float(text.strip())
    except (ValueError, AttributeError):
        return None


def fmt(value: float) -> str:
    return f"{round(value, 2):.2f}".rstrip("0").rstrip(".")


def key(text: str) -> str:
    return text.strip().casefold()


def fill_canvas(
    gradebook_csv: Path, batch_out: Path, column: str, id_column: str, out_csv: Path
) -> CanvasFill:
    """Fill ``column`` of the Canvas export ``gradebook_csv`` with the scores of the batch in
    ``batch_out`` (OUT/results/**/*.json), students matched by ``id_column``; write ``out_csv``."""
    raw = Path(gradebook_csv).read_bytes()
    bom = raw.startswith(b"\xef\xbb\xbf")
    text = raw.decode("utf-8-sig")
    newline = "\r\n" if "\r\n" in text.split("\n", 1)[0] + "\n" else "\n"
    rows = list(csv.reader(io.StringIO(text, newline="")))
    if not rows:
        raise ValueError(f"{gradebook_csv} is empty")
    header = rows[0]
    col = find_column(header, column, "assignment")
    idc = find_column(header, id_column, "student id")

    docs, _ = read_batch(Path(batch_out))
    by_student: dict[str, list[str]] = {}
    for name in docs:
        for k in {key(name), key(name.split("/", 1)[0])}:
            by_student.setdefault(k, []).append(name)

    def is_student(row: list[str]) -> bool:
        return len(row) > idc and row[idc].strip() != "" and row[0].strip() != POINTS_POSSIBLE

    possible_row = next((r for r in rows[1:] if r and r[0].strip() == POINTS_POSSIBLE), None)
    possible = number(possible_row[col]) if possible_row and len(possible_row) > col else None
    result = CanvasFill(header[col], possible if possible else None)
    used: set[str] = set()
    for row in rows[1:]:
        if not is_student(row):
            continue
        sid = row[idc].strip()
        names = sorted(set(by_student.get(key(sid), [])))
        if not names:
            result.unmatched_students.append(sid)
            continue
        used.update(names)
        if len(names) > 1:
            result.ambiguous[sid] = names
            continue
        doc = docs[names[0]]
        score = float(doc.get("score", 0) or 0)
        top = sum(float(t.get("max_score", 0) or 0) for t in doc.get("tests", []))
        value = score / top * possible if possible and top else score
        while len(row) <= col:  # a short row (trailing empty cells cut): pad only as far as needed
            row.append("")
        row[col] = fmt(value)
        result.filled[sid] = row[col]
    result.unmatched_submissions = sorted(set(docs) - used)

    buf = io.StringIO(newline="")
    csv.writer(buf, lineterminator=newline).writerows(rows)
    out_csv = Path(out_csv)
    out_csv.parent.mkdir(parents=True, exist_ok=True)
    out_csv.write_bytes((b"\xef\xbb\xbf" if bom else b"") + buf.getvalue().encode("utf-8"))
    return result


def write_import(
    gradebook: Path, batch_out: Path, column: str, id_column: str, target: Path
) -> int:
    """Fill the export into ``target`` and say what was matched; an exit code."""
    import sys

    try:
        outcome = fill_canvas(gradebook, batch_out, column, id_column, target)
    except (KeyError, ValueError) as exc:
        print(f"error: {exc.args[0]}", file=sys.stderr)
        return 2
    print(outcome.summary(target))
    return 0


def cmd_canvas(args) -> int:
    return write_import(
        args.gradebook,
        args.batch_out,
        args.column,
        args.id_column,
        args.out or args.batch_out / "canvas-import.csv",
    )


def add_command(sub) -> None:
    p = sub.add_parser(
        "canvas", help="fill a Canvas gradebook export's assignment column from a graded batch"
    )
    p.add_argument("gradebook", type=Path, metavar="GRADEBOOK.csv", help="Canvas: Grades, Export")
    p.add_argument("batch_out", type=Path, metavar="OUT_DIR", help="the folder `grade --out` wrote")
    p.add_argument(
        "--column",
        required=True,
        help="the assignment column to fill (with or without its ' (id)')",
    )
    p.add_argument(
        "--id-column",
        required=True,
        help="the column the submissions are named by, e.g. 'SIS Login ID'",
    )
    p.add_argument(
        "--out",
        type=Path,
        help="where to write the file to import (default OUT_DIR/canvas-import.csv)",
    )
    p.set_defaults(func=cmd_canvas)
