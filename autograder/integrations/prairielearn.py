"""PrairieLearn external grading: ``python -m autograder prairielearn OUT_DIR``.

Writes what a PrairieLearn course needs to grade the kit's exercises with its external grader:

- ``OUT_DIR/Containerfile``: the grader image (Python, the kit's dependencies, the grader and
  its hidden reference in /grader; no solutions/, no kit tests). Build it with
  ``docker build -f Containerfile -t IMAGE OUT_DIR`` (or podman) and push it where
  PrairieLearn can pull it;
- ``OUT_DIR/grader/``: the build context's grader (the files of the Gradescope bundle) and
  ``run.sh``, the entrypoint: it grades ``/grade/student`` into ``/grade/results/results.json``
  in PrairieLearn's format, and fails closed (a grader that cannot finish writes
  ``"gradable": false, "score": 0`` with a message: no points, and by PrairieLearn's rules the
  learner loses no attempt);
- ``OUT_DIR/info.json``: the question's ``gradingMethod`` and ``externalGradingOptions``
  (image, entrypoint, timeout, ``enableNetworking: false``), to merge into its info.json;
- ``OUT_DIR/question.html``: a file upload for the kit's files and the results element.

The conversion is a pure function, :func:`to_prairielearn`, of the kit's Gradescope results
document and the feedback pictures; ``schemas/prairielearn-results.schema.json`` describes the
format (written from PrairieLearn's docs; provenance in the schema).
"""

from __future__ import annotations

import base64
import json
import re
import sys
from pathlib import Path

SCHEMA_PATH = Path(__file__).resolve().parent / "schemas" / "prairielearn-results.schema.json"
PL_LIMIT = 1_000_000  # PrairieLearn: results.json "should be limited to 1 MB"
IMAGE_BUDGET = 700_000  # bytes of data URLs kept for pictures; the rest is left for the tests' text
OUTPUT_LIMIT = 20_000  # characters of the grader's printed table kept in "output"
DEFAULT_IMAGE = "numpy-cnn-kit/pl-grader:0.1.0"
DEFAULT_TIMEOUT = 120  # s: a normal submission takes a few seconds; hangs cost 10 s per function
PICTURE = re.compile(r"\s*\(picture: ([^()]+?\.png)\)\s*$")

CRASH_MESSAGE = (
    "The autograder could not finish grading this submission, so it was not graded: no points "
    "were given and no attempt was used. Please submit again; if this keeps happening, tell "
    "your instructor."
)


def to_prairielearn(results_json_doc: dict, images: dict | None = None, output: str = "") -> dict:
    """PrairieLearn's results.json from the kit's Gradescope results document.

    ``images``: {test name (as in the document): PNG bytes or a path to a PNG}, the feedback
    pictures; they go into ``images`` as data URLs labelled with the test's name, in the
    document's test order, as long as they fit PrairieLearn's 1 MB (the others are counted in
    the message). ``output``: the grader's printed table, shown below the tests.
    Pure: reads nothing but the given pictures' files.
    """
    doc = results_json_doc
    images = images or {}
    tests, pictures, left_out, used = [], [], 0, 0
    for t in doc.get("tests", []):
        name = str(t.get("name", "test"))
        message = PICTURE.sub(
            "", str(t.get("output", ""))
        )  # a path in the grader's container means nothing here
        extra = t.get("extra_data") or {}
        tags = t.get("tags") or []
        tier = extra.get("tier") or (tags[1] if len(tags) > 1 else "")
        notes = [
            f"{tier} test" if tier else "",
            f"mistake: {extra['mistake']}" if extra.get("mistake") else "",
        ]
        tests.append(
            {
                "name": name,
                "points": float(t.get("score", 0) or 0),
                "max_points": float(t.get("max_score", 0) or 0),
                "message": message if t.get("status") != "passed" else (message or "passed"),
                "output": "; ".join(n for n in notes if n),
            }
        )
        png = images.get(name)
        if png is None:
            continue
        data = png if isinstance(png, (bytes, bytearray)) else Path(png).read_bytes()
        url = "data:image/png;base64," + base64.b64encode(data).decode("ascii")
        if used + len(url) > IMAGE_BUDGET:
            left_out += 1
            continue
        used += len(url)
        pictures.append({"label": name, "url": url})
    total = sum(t["max_points"] for t in tests)
    score = float(doc.get("score", 0) or 0)
    message = str(doc.get("output", ""))
    if left_out:
        message += (
            f" {left_out} more picture(s) of failed checks were left out to keep within PrairieLearn's "
            "1 MB limit."
        )
    result = {
        "gradable": True,
        "score": min(1.0, max(0.0, score / total)) if total else 0.0,
        "message": message.strip(),
        "output": output[-OUTPUT_LIMIT:],
        "tests": tests,
    }
    if pictures:
        result["images"] = pictures
    return result


def not_gradable(reason: str, log: str = "") -> dict:
    """Fail closed: what run.sh writes when the grader itself could not finish."""
    return {
        "gradable": False,
        "score": 0.0,
        "message": CRASH_MESSAGE,
        "format_errors": [CRASH_MESSAGE],
        "output": f"{reason}\n{log[-OUTPUT_LIMIT:]}".strip(),
        "tests": [],
    }


def feedback_images(doc: dict, feedback_dir: Path | None = None) -> dict[str, Path]:
    """{test name: picture path} from the "(picture: PATH)" that ``grade --feedback`` puts at the
    end of each failed test's sentence; a relative path is looked up in ``feedback_dir`` too."""
    found: dict[str, Path] = {}
    for t in doc.get("tests", []):
        m = PICTURE.search(str(t.get("output", "")))
        if not m:
            continue
        path = Path(m.group(1))
        for candidate in (path, Path(feedback_dir or ".") / path.name):
            if candidate.is_file():
                found[str(t.get("name"))] = candidate
                break
    return found


def convert(
    gradescope_json: Path, feedback_dir: Path, out_json: Path, log: Path | None = None
) -> dict:
    doc = json.loads(Path(gradescope_json).read_text(encoding="utf-8"))
    printed = (
        Path(log).read_text(encoding="utf-8", errors="replace")
        if log and Path(log).is_file()
        else ""
    )
    result = to_prairielearn(doc, feedback_images(doc, feedback_dir), printed)
    text = json.dumps(result)
    if (
        len(text.encode()) > PL_LIMIT
    ):  # the text alone too long: keep the points, drop the long parts
        result.pop("images", None)
        result["output"] = ""
        for t in result["tests"]:
            t["message"] = t["message"][:300]
        text = json.dumps(result)
    out_json = Path(out_json)
    out_json.parent.mkdir(parents=True, exist_ok=True)
    tmp = out_json.with_suffix(".json.part")
    tmp.write_text(text)
    tmp.replace(out_json)
    return result


RUN_SH = r"""#!/usr/bin/env bash
# PrairieLearn's entrypoint (externalGradingOptions.entrypoint): grade /grade/student into
# /grade/results/results.json. Generated by `python -m autograder prairielearn`.
# PL_GRADE_ROOT lets the kit's tests run it in a recreated layout elsewhere.
set -u
ROOT="${PL_GRADE_ROOT:-/grade}"
HERE="$(cd "$(dirname "$0")" && pwd)"
RESULTS="$ROOT/results/results.json"
mkdir -p "$ROOT/results"
rm -f "$RESULTS"
WORK="$(mktemp -d)"
if cd "$HERE" \
   && python3 -m autograder grade "$ROOT/student" --json "$WORK/gradescope.json" --feedback "$WORK/feedback" \
        >"$WORK/log.txt" 2>&1 \
   && python3 -m autograder.integrations.prairielearn convert "$WORK/gradescope.json" "$WORK/feedback" \
        "$RESULTS" --log "$WORK/log.txt"; then
  cat "$WORK/log.txt"
else
  # Fail closed: a grader that could not finish gives no points and a reason, never a missing file.
  status=$?
  cat "$WORK/log.txt" 2>/dev/null
  echo "grading failed (exit status $status)" >&2
  python3 -c 'import sys, json
from autograder.integrations.prairielearn import not_gradable
log = open(sys.argv[2], errors="replace").read() if len(sys.argv) > 2 else ""
json.dump(not_gradable("The grader exited with status " + sys.argv[3] + ".", log), open(sys.argv[1], "w"))' \
    "$RESULTS" "$WORK/log.txt" "$status" 2>/dev/null \
  || printf '%s\n' '{"gradable": false, "score": 0, "message": "The autograder could not finish grading this submission, so it was not graded: no points were given and no attempt was used.", "format_errors": ["The autograder could not finish grading this submission."], "tests": []}' > "$RESULTS"
fi
rm -rf "$WORK"
exit 0
"""

CONTAINERFILE = """# The PrairieLearn external grader for numpy-cnn-kit. Generated by `python -m autograder prairielearn`.
# Build from this folder: docker build -f Containerfile -t {image} .   (or: podman build ...)
# It holds the hidden reference and hidden tests: push it to a private registry PrairieLearn can pull from.
FROM python:3.11-slim
ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 PIP_NO_CACHE_DIR=1 PIP_DISABLE_PIP_VERSION_CHECK=1 \\
    MPLBACKEND=Agg NNKIT_OFFLINE=1 MPLCONFIGDIR=/opt/mplconfig
COPY grader/requirements.txt /grader/requirements.txt
RUN python3 -m pip install -r /grader/requirements.txt
COPY grader/ /grader/
# matplotlib's font list built once here, not for every submission; all readable by whichever user runs it.
RUN chmod 0755 /grader/run.sh \\
 && mkdir -p /opt/mplconfig && python3 -c "import matplotlib.pyplot" && chmod -R a+rX /opt/mplconfig /grader
WORKDIR /grader
CMD ["/grader/run.sh"]
"""


def info_json(image: str = DEFAULT_IMAGE, timeout: int = DEFAULT_TIMEOUT) -> dict:
    return {
        "gradingMethod": "External",
        "singleVariant": True,
        "externalGradingOptions": {
            "enabled": True,
            "image": image,
            "entrypoint": "/grader/run.sh",
            "timeout": timeout,
            "enableNetworking": False,
        },
    }


def question_html() -> str:
    from ..units import UNITS

    files = list(dict.fromkeys(u.file for u in UNITS))
    return (
        "<pl-question-panel>\n  <p>Upload your <code>neural_network.py</code> and the exercise files you have "
        "done (the others score 0).</p>\n</pl-question-panel>\n"
        f'<pl-file-upload file-names="{files[0]}" optional-file-names="{", ".join(files[1:])}"></pl-file-upload>\n'
        "<pl-submission-panel>\n  <pl-external-grader-results></pl-external-grader-results>\n"
        "  <pl-file-preview></pl-file-preview>\n</pl-submission-panel>\n"
    )


def build(out_dir: Path, image: str = DEFAULT_IMAGE, timeout: int = DEFAULT_TIMEOUT) -> list[str]:
    """Write the Containerfile, grader/ (the kit's grader and run.sh), info.json and
    question.html into ``out_dir``; return the paths written, relative to it."""
    from .gradescope import bundle_files

    out_dir = Path(out_dir)
    files = {
        f"grader/{name}": data
        for name, data in bundle_files().items()
        if name not in ("setup.sh", "run_autograder")
    }
    files["grader/run.sh"] = RUN_SH.encode()
    files["Containerfile"] = CONTAINERFILE.format(image=image).encode()
    files["info.json"] = (json.dumps(info_json(image, timeout), indent=2) + "\n").encode()
    files["question.html"] = question_html().encode()
    for name, data in files.items():
        path = out_dir / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
        path.chmod(0o755 if name.endswith(".sh") else 0o644)
    return sorted(files)


def cmd_prairielearn(args) -> int:
    names = build(args.out_dir, image=args.image, timeout=args.timeout)
    print(
        f"wrote {args.out_dir}: Containerfile, info.json, question.html and grader/ ({len(names) - 3} files). "
        f"Next: docker build -f {args.out_dir}/Containerfile -t {args.image} {args.out_dir}, push it to a "
        "private registry, merge info.json into the question's info.json. The image holds the hidden "
        "reference: never give it to learners."
    )
    return 0


def add_command(sub) -> None:
    p = sub.add_parser(
        "prairielearn",
        help="write a PrairieLearn external grader (Containerfile, run.sh, info.json)",
    )
    p.add_argument("out_dir", type=Path, metavar="OUT_DIR")
    p.add_argument(
        "--image",
        default=DEFAULT_IMAGE,
        help=f"the image name info.json names (default {DEFAULT_IMAGE})",
    )
    p.add_argument(
        "--timeout",
        type=int,
        default=DEFAULT_TIMEOUT,
        help=f"PrairieLearn's timeout for a grading job, s (default {DEFAULT_TIMEOUT}; at most 600)",
    )
    p.set_defaults(func=cmd_prairielearn)


def main(argv=None) -> int:
    """``python -m autograder.integrations.prairielearn convert GRADESCOPE_JSON FEEDBACK_DIR OUT_JSON``: run.sh's step."""
    import argparse

    parser = argparse.ArgumentParser(prog="python -m autograder.integrations.prairielearn")
    sub = parser.add_subparsers(dest="command", required=True)
    c = sub.add_parser(
        "convert",
        help="the kit's results.json (+ feedback pictures) -> PrairieLearn's results.json",
    )
    c.add_argument("gradescope_json", type=Path)
    c.add_argument("feedback_dir", type=Path)
    c.add_argument("out_json", type=Path)
    c.add_argument("--log", type=Path, help="the grader's printed output, shown below the tests")
    args = parser.parse_args(argv)
    convert(args.gradescope_json, args.feedback_dir, args.out_json, args.log)
    return 0


if __name__ == "__main__":
    sys.exit(main())
