"""The safe nbgrader path: a course's submitted notebooks graded in the sandbox, the scores
written into its gradebook.

    python -m autograder grade --nbgrader COURSE_DIR [--assignment part4_2] [--student alice] [-j 2]

nbgrader's own `autograde` runs the test cells in the student's kernel, where the student's
code can change what the checks see. Here each submission (``submitted/<student>/<assignment>/``)
is read back into the kit's files (autograder.grading.notebooks), run by the isolated worker and
compared in this process; each test cell's grade in the gradebook gets the points its unit
earned, the way nbgrader's autograde stores them, so `nbgrader export` and the formgrader
see them. A feedback page per notebook goes where `nbgrader release_feedback` looks.
"""

from __future__ import annotations

import html
import json
import sys
import tempfile
import warnings
from pathlib import Path

from ..batch import finished, grade_all
from ..grading.notebooks import ASSIGNMENTS, grade_id
from ..report import test_unit, unit_scores


def course_directory(course: Path):
    """nbgrader's CourseDirectory with the course's nbgrader_config.py loaded, as nbgrader
    itself loads it when run from that folder."""
    from nbgrader.coursedir import CourseDirectory
    from traitlets.config.loader import PyFileConfigLoader

    config = PyFileConfigLoader("nbgrader_config.py", path=str(course)).load_config()
    coursedir = CourseDirectory(config=config)
    if "root" not in config.get("CourseDirectory", {}):
        coursedir.root = str(course.resolve())
    return coursedir


def submitted(coursedir, assignments: list[str], students: list[str] | None) -> dict[str, Path]:
    """{"<student>/<assignment>": folder} for nbgrader's default layout, submitted/<student>/<assignment>/."""
    found = {}
    base = Path(coursedir.root) / coursedir.submitted_directory
    for student in sorted(p.name for p in base.iterdir() if p.is_dir()) if base.is_dir() else []:
        for assignment in assignments:
            folder = base / student / assignment
            if folder.is_dir() and (students is None or student in students):
                found[f"{student}/{assignment}"] = folder
    return found


def write_scores(gradebook, student: str, assignment: str, folder: Path, doc: dict) -> None:
    """Each test cell's auto_score, as nbgrader's SaveAutoGrades sets it."""
    gradebook.update_or_create_student(student)
    stamp = folder / "timestamp.txt"
    extra = {"timestamp": stamp.read_text().strip()} if stamp.is_file() else {}
    gradebook.update_or_create_submission(assignment, student, **extra)
    cell_of = {grade_id(f"test_{uid}"): uid for uid in ASSIGNMENTS[assignment]}
    scores = unit_scores(doc)
    for notebook in gradebook.find_assignment(assignment).notebooks:
        for cell in notebook.grade_cells:
            if cell.name not in cell_of:
                continue
            grade = gradebook.find_grade(cell.name, notebook.name, assignment, student)
            grade.auto_score = scores.get(cell_of[cell.name], 0.0)
            grade.needs_manual_grade = grade.manual_score is not None
    gradebook.db.commit()


def feedback_page(title: str, doc: dict) -> str:
    """Points per unit and each failed test's sentence (hidden tests' sentences show no expected values)."""
    rows = []
    for uid, got in unit_scores(doc).items():
        tests = [t for t in doc["tests"] if test_unit(t) == uid]
        out_of = round(sum(t["max_score"] for t in tests), 4)
        rows.append(f"<h2>{html.escape(uid)}: {got:g} / {out_of:g} points</h2>")
        rows += [
            f"<p><b>{html.escape(t['name'].split(': ', 1)[1])}</b>: {html.escape(t['output'])}</p>"
            for t in tests
            if t["status"] == "failed"
        ]
    return (
        f"<!DOCTYPE html>\n<html><head><meta charset='utf-8'><title>{html.escape(title)}</title></head><body>"
        f"<h1>{html.escape(title)}</h1><p>{html.escape(doc['output'])}</p>\n"
        + "\n".join(rows)
        + "\n</body></html>\n"
    )


def grade_course(
    course: Path,
    assignments: list[str] | None = None,
    students: list[str] | None = None,
    out: Path | None = None,
    jobs: int = 1,
    progress=sys.stderr,
    **options,
) -> dict:
    """Grade every submission of ``assignments`` (default: all of the course's), write the
    gradebook and feedback pages; return {"student/assignment": score or error text}."""
    from nbgrader.api import Gradebook
    from sqlalchemy.exc import SAWarning

    coursedir = course_directory(Path(course))
    with Gradebook(coursedir.db_url, course_id=coursedir.course_id) as gb:
        known = {a.name for a in gb.assignments}
    wanted = assignments or [a for a in ASSIGNMENTS if a in known]
    missing = [a for a in wanted if a not in known]
    if missing:
        raise LookupError(
            f"the gradebook has no assignment {missing[0]}: run `nbgrader generate_assignment "
            f"{missing[0]}` in {course} first"
        )
    subs = submitted(coursedir, wanted, students)
    with tempfile.TemporaryDirectory(prefix="nnkit-course-") as tmp:
        out = Path(out or tmp)
        counts = grade_all(subs, out, jobs, progress, **options)
        outcome: dict[str, float | str] = {}
        with (
            Gradebook(coursedir.db_url, course_id=coursedir.course_id) as gb,
            warnings.catch_warnings(),
        ):
            # nbgrader's own add_submission warns about its session on every new submission: harmless
            warnings.simplefilter("ignore", SAWarning)
            for name, folder in subs.items():
                student, assignment = name.split("/")
                if name in counts["errors"] or not finished(out, name):
                    outcome[name] = f"error: {counts['errors'].get(name, 'not graded')}"
                    continue
                doc = json.loads((out / "results" / f"{name}.json").read_text())
                write_scores(gb, student, assignment, folder, doc)
                for nb in sorted(folder.glob("*.ipynb")):
                    page = (
                        Path(coursedir.root)
                        / coursedir.feedback_directory
                        / student
                        / assignment
                        / f"{nb.stem}.html"
                    )
                    page.parent.mkdir(parents=True, exist_ok=True)
                    page.write_text(
                        feedback_page(f"{assignment}, {student}: graded in the sandbox", doc)
                    )
                outcome[name] = doc["score"]
    return outcome
