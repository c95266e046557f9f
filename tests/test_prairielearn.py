"""The PrairieLearn external grader, run in a recreated /grade layout (PL_GRADE_ROOT; no image
is built: no network here), against `python -m autograder grade` on the same submission."""

from __future__ import annotations

import argparse
import base64
import json
import os
import shutil
import subprocess
import sys

import jsonschema
import pytest

from autograder.integrations import prairielearn
from autograder.integrations.prairielearn import PL_LIMIT, SCHEMA_PATH, build, to_prairielearn
from tests.helpers import KIT, SOLUTIONS, cli

pytestmark = pytest.mark.slow  # end to end: graders and learners' steps run in subprocesses

SCHEMA = json.loads(SCHEMA_PATH.read_text())
FLIPPED = (
    "neural_network.py",
    "conv2d",
    """
def conv2d(image, filter_kernel, stride=1):
    from scipy import signal
    return signal.convolve2d(image, filter_kernel, mode='valid')[::stride, ::stride]
""",
)


@pytest.fixture(scope="module")
def course(tmp_path_factory):
    out = tmp_path_factory.mktemp("pl")
    build(out)
    return out


def pl_run(course, tmp_path, put_student, python=sys.executable):
    """Lay out /grade as PrairieLearn does, under tmp_path, and run the entrypoint."""
    grader = tmp_path / "grader"
    shutil.copytree(course / "grader", grader)
    root = tmp_path / "grade"
    (root / "data").mkdir(parents=True)
    (root / "data" / "data.json").write_text("{}")
    put_student(root / "student")
    shims = tmp_path / "bin"  # `python3` here is the interpreter that has the dependencies
    shims.mkdir()
    # A wrapper, not a symlink: a symlinked venv python outside its venv loses the venv.
    (shims / "python3").write_text(f'#!/bin/sh\nexec "{python}" "$@"\n')
    (shims / "python3").chmod(0o755)
    env = {**os.environ, "PL_GRADE_ROOT": str(root), "PATH": f"{shims}:{os.environ['PATH']}"}
    proc = subprocess.run(
        [str(grader / "run.sh")], cwd=tmp_path, env=env, capture_output=True, text=True, timeout=300
    )
    assert proc.returncode == 0, proc.stderr
    path = root / "results" / "results.json"
    assert path.stat().st_size < PL_LIMIT
    doc = json.loads(path.read_text())
    jsonschema.validate(doc, SCHEMA)
    return doc, proc, grader


def gradescope_score(folder, tmp_path) -> dict:
    target = tmp_path / "direct.json"
    proc = cli("grade", str(folder), "--json", str(target))
    assert proc.returncode == 0, proc.stderr
    return json.loads(target.read_text())


def test_build_layout(course):
    assert (course / "grader" / "run.sh").stat().st_mode & 0o111
    names = {p.relative_to(course).as_posix() for p in course.rglob("*") if p.is_file()}
    assert {
        "Containerfile",
        "info.json",
        "question.html",
        "grader/run.sh",
        "grader/requirements.txt",
        "grader/reference/__init__.py",
        "grader/autograder/units/conv2d/hidden.py",
        "grader/exercises/data/mnist_sample.npz",
        "grader/autograder/integrations/prairielearn.py",
    } <= names
    assert not any(part in ("solutions", "tests", ".git") for n in names for part in n.split("/"))
    containerfile = (course / "Containerfile").read_text()
    assert "solutions" not in containerfile and "COPY grader/ /grader/" in containerfile
    assert "requirements.txt" in containerfile and containerfile.startswith("# ")
    options = json.loads((course / "info.json").read_text())["externalGradingOptions"]
    assert options == {
        "enabled": True,
        "image": prairielearn.DEFAULT_IMAGE,
        "entrypoint": "/grader/run.sh",
        "timeout": prairielearn.DEFAULT_TIMEOUT,
        "enableNetworking": False,
    }
    assert 'file-names="neural_network.py"' in (course / "question.html").read_text()


def test_solutions_score_1(course, tmp_path):
    doc, _, _ = pl_run(course, tmp_path, lambda dest: shutil.copytree(SOLUTIONS, dest))
    assert doc["gradable"] is True and doc["score"] == pytest.approx(1.0)
    assert sum(t["points"] for t in doc["tests"]) == pytest.approx(100)
    assert "images" not in doc  # nothing failed, nothing to picture


def test_same_score_as_grade_with_pictures(course, tmp_path, submission):
    folder = submission(FLIPPED)
    direct = gradescope_score(folder, tmp_path)
    doc, _, _ = pl_run(course, tmp_path, lambda dest: shutil.copytree(folder, dest))
    total = sum(t["max_score"] for t in direct["tests"])
    assert 0 < doc["score"] < 1
    assert doc["score"] == pytest.approx(direct["score"] / total)
    assert [(t["name"], t["points"], t["max_points"]) for t in doc["tests"]] == [
        (t["name"], t["score"], t["max_score"]) for t in direct["tests"]
    ]
    failed = [t for t in doc["tests"] if t["points"] < t["max_points"]]
    assert failed and all(t["name"].startswith("conv2d: ") for t in failed)
    assert any("flipped by 180 degrees" in t["message"] for t in failed)
    assert not any("(picture:" in t["message"] for t in doc["tests"])
    # The feedback pictures, as PNG data URLs labelled with their test.
    assert doc["images"] and {i["label"] for i in doc["images"]} <= {t["name"] for t in failed}
    for image in doc["images"]:
        assert image["url"].startswith("data:image/png;base64,")
        assert base64.b64decode(image["url"].split(",", 1)[1])[:8] == b"\x89PNG\r\n\x1a\n"


def test_a_submission_inside_its_own_folder(course, tmp_path):
    doc, _, _ = pl_run(course, tmp_path, lambda dest: shutil.copytree(SOLUTIONS, dest / "my_work"))
    assert doc["score"] == pytest.approx(1.0)


def test_fails_closed_when_the_grader_breaks(course, tmp_path):
    def broken(dest):
        shutil.copytree(SOLUTIONS, dest)
        (
            tmp_path / "grader" / "autograder" / "units" / "units.toml"
        ).unlink()  # the grader cannot start

    doc, proc, _ = pl_run(course, tmp_path, broken)
    assert doc["gradable"] is False and doc["score"] == 0 and doc["tests"] == []
    assert "could not finish" in doc["message"] and doc["format_errors"]
    assert "units.toml" in doc["output"]  # the instructor can see why


def test_fails_closed_without_a_python(course, tmp_path):
    doc, _, _ = pl_run(
        course,
        tmp_path,
        lambda dest: shutil.copytree(SOLUTIONS, dest),
        python=shutil.which("false"),
    )
    assert doc["gradable"] is False and doc["score"] == 0


def test_to_prairielearn_is_pure_and_keeps_within_1_mb(tmp_path):
    png = (KIT / "docs" / "feedback-flipped-kernel.png").read_bytes()
    tests = [
        {
            "name": f"conv2d: case {k}",
            "score": 0.0,
            "max_score": 2.0,
            "status": "failed",
            "output": f"wrong values (picture: /tmp/x/conv2d--case-{k}.png)",
            "tags": ["conv2d", "hidden"],
            "extra_data": {"unit": "conv2d", "tier": "hidden", "mistake": "flipped_kernel"},
        }
        for k in range(40)
    ]
    tests.append(
        {"name": "max_pool: ok", "score": 3.0, "max_score": 3.0, "status": "passed", "output": ""}
    )
    doc = {"score": 3.0, "output": "3 / 83 points", "tests": tests}
    before = json.dumps(doc)
    result = to_prairielearn(doc, {t["name"]: png for t in tests[:-1]}, output="table")
    assert json.dumps(doc) == before  # the input is not changed
    jsonschema.validate(result, SCHEMA)
    assert result["score"] == pytest.approx(3 / 83)
    assert result["tests"][0] == {
        "name": "conv2d: case 0",
        "points": 0.0,
        "max_points": 2.0,
        "message": "wrong values",
        "output": "hidden test; mistake: flipped_kernel",
    }
    kept = len(result["images"])
    assert 0 < kept < 40 and f"{40 - kept} more picture(s)" in result["message"]
    assert len(json.dumps(result).encode()) < PL_LIMIT
    assert (
        to_prairielearn({"score": 0, "tests": []})["score"] == 0.0
    )  # nothing to grade: 0, not a division by 0


def test_convert_reads_pictures_from_the_messages(tmp_path):
    pic = tmp_path / "fb" / "conv2d--a.png"
    pic.parent.mkdir()
    pic.write_bytes((KIT / "docs" / "feedback-flipped-kernel.png").read_bytes())
    (tmp_path / "gs.json").write_text(
        json.dumps(
            {
                "score": 0,
                "output": "",
                "tests": [
                    {
                        "name": "conv2d: a",
                        "score": 0,
                        "max_score": 1,
                        "status": "failed",
                        "output": f"no (picture: {pic})",
                    }
                ],
            }
        )
    )
    assert (
        prairielearn.main(
            ["convert", str(tmp_path / "gs.json"), str(tmp_path / "fb"), str(tmp_path / "r.json")]
        )
        == 0
    )
    result = json.loads((tmp_path / "r.json").read_text())
    assert result["images"][0]["label"] == "conv2d: a" and result["tests"][0]["message"] == "no"


def test_command_through_argparse(tmp_path, capsys):
    parser = argparse.ArgumentParser()
    prairielearn.add_command(parser.add_subparsers(dest="command", required=True))
    args = parser.parse_args(
        ["prairielearn", str(tmp_path / "pl"), "--image", "me/grader:1", "--timeout", "60"]
    )
    assert args.func(args) == 0
    options = json.loads((tmp_path / "pl" / "info.json").read_text())["externalGradingOptions"]
    assert options["image"] == "me/grader:1" and options["timeout"] == 60
    assert "me/grader:1" in (tmp_path / "pl" / "Containerfile").read_text()
