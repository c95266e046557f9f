"""The learners' workflow (.github/workflows/grade.yml): valid against SchemaStore's GitHub
workflow schema, generated from units.toml, GitHub's own actions only, and its steps run here
as the runner would run them (bash, $GITHUB_STEP_SUMMARY) in a release copy of the kit."""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import subprocess
from pathlib import Path

import jsonschema
import pytest

yaml = pytest.importorskip(
    "yaml", reason="the workflow's tests parse YAML: pip install -e '.[dev]' (pyyaml)"
)

from autograder.integrations import workflow as wf  # noqa: E402
from autograder.units import UNITS  # noqa: E402
from tests.helpers import SOLUTIONS  # noqa: E402

pytestmark = pytest.mark.slow  # end to end: graders and learners' steps run in subprocesses

SCHEMA_PATH = Path(wf.__file__).parent / "schemas" / "github-workflow.json"
# Majors GitHub has deprecated (Node 12/16/20 runtimes, artifact v1-v3 shut down): none may appear.
OLDEST_ALLOWED = {"actions/checkout": 5, "actions/setup-python": 6, "actions/upload-artifact": 6}


@pytest.fixture(scope="module")
def doc():
    return yaml.safe_load(wf.workflow())


def steps_of(doc):
    return doc["jobs"]["public-tests"]["steps"]


def test_valid_against_the_schemastore_schema(doc):
    schema = json.loads(SCHEMA_PATH.read_text())
    assert schema["$id"] == "https://json.schemastore.org/github-workflow.json"
    cls = jsonschema.validators.validator_for(schema)
    cls.check_schema(schema)
    cls(schema).validate(doc)
    # And the schema does reject a broken workflow (a step with neither uses nor run, an unknown key).
    broken = json.loads(json.dumps(doc))
    broken["jobs"]["public-tests"]["steps"].append({"name": "nothing"})
    broken["jobs"]["public-tests"]["runs_on"] = "x"
    assert not cls(schema).is_valid(broken)


def test_triggers_and_one_step_per_unit(doc):
    assert set(doc["on"]) == {"push", "workflow_dispatch"}
    units = [s for s in steps_of(doc) if s.get("id", "").startswith("unit-")]
    assert [s["id"] for s in units] == [wf.step_id(u.id) for u in UNITS]
    for step, u in zip(units, UNITS):
        assert f"pytest exercises -q -p no:cacheprovider -k '{u.id}' " in step["run"]
        assert step["continue-on-error"] is True  # one failing unit does not stop the next
    embedded = json.loads(steps_of(doc)[-1]["env"]["UNITS_JSON"])
    assert [(u["id"], u["points"]) for u in embedded] == [(u.id, u.points) for u in UNITS]
    assert sum(u["points"] for u in embedded) == 100
    assert "GITHUB_STEP_SUMMARY" in steps_of(doc)[-1]["run"]
    run_install = [s["run"] for s in steps_of(doc) if "pip install" in s.get("run", "")]
    assert run_install == ["python -m pip install -e ."]


def test_only_github_maintained_current_actions(doc):
    text = wf.workflow()
    assert "classroom" not in text.lower()
    uses = [s["uses"] for s in steps_of(doc) if "uses" in s]
    assert {u.split("@")[0] for u in uses} == set(OLDEST_ALLOWED)
    for u in uses:
        name, ref = u.split("@")
        assert name.split("/")[0] == "actions"
        major = re.fullmatch(r"v(\d+)(\.\d+)*", ref)
        assert major and int(major.group(1)) >= OLDEST_ALLOWED[name], f"{u} is a deprecated major"
    assert "::set-output" not in text and "::save-state" not in text  # deprecated workflow commands
    upload = next(
        s for s in steps_of(doc) if s.get("uses", "").startswith("actions/upload-artifact")
    )
    assert upload["with"]["path"] == "feedback/*.png" and upload["if"] == "always()"


def test_committed_workflow_command(tmp_path):
    parser = argparse.ArgumentParser()
    wf.add_command(parser.add_subparsers(dest="command", required=True))
    args = parser.parse_args(["workflow", str(tmp_path / "template")])
    assert args.func(args) == 0
    assert (
        tmp_path / "template" / ".github" / "workflows" / "grade.yml"
    ).read_text() == wf.workflow()


@pytest.fixture(scope="module")
def learners_repo(tmp_path_factory):
    """The learners' template repository (release copy) with the worked solutions in exercises/,
    except conv2d, which flips the kernel."""
    from autograder.integrations.release import build

    repo = tmp_path_factory.mktemp("template") / "repo"
    build(repo)
    for f in SOLUTIONS.glob("*.py"):
        shutil.copy(f, repo / "exercises" / f.name)
    from tests.helpers import replace_function

    replace_function(
        repo / "exercises" / "neural_network.py",
        "conv2d",
        """
def conv2d(image, filter_kernel, stride=1):
    from scipy import signal
    return signal.convolve2d(image, filter_kernel, mode='valid')[::stride, ::stride]
""",
    )
    return repo


def run_step(step, repo, summary):
    env = {
        **os.environ,
        **{k: str(v) for k, v in step.get("env", {}).items()},
        "GITHUB_STEP_SUMMARY": str(summary),
        "MPLBACKEND": "Agg",
    }
    return subprocess.run(
        ["bash", "-e", "-c", step["run"]],
        cwd=repo,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )


def test_steps_run_as_on_a_runner(doc, learners_repo, tmp_path):
    summary = tmp_path / "summary.md"
    for step in steps_of(doc):
        if step.get("id", "").startswith("unit-"):
            proc = run_step(step, learners_repo, summary)
            assert proc.returncode == (1 if step["id"] == "unit-conv2d" else 0), (
                step["id"],
                proc.stdout[-1500:],
            )
    # A picture of each failed conv2d check, where the upload step looks for them.
    assert list((learners_repo / "feedback").glob("conv2d--*.png"))
    table = run_step(steps_of(doc)[-1], learners_repo, summary)
    assert table.returncode == 1  # not every public test passed: the job fails
    text = summary.read_text()
    conv2d_tests = len(next(u for u in UNITS if u.id == "conv2d").public_tests())
    row = next(line for line in text.splitlines() if "`conv2d`" in line)
    assert row.startswith("| fail |")
    passed = int(re.search(r"\| (\d+) / (\d+) \|", row).group(1))
    assert passed < conv2d_tests
    assert "| pass | `max_pool` |" in text and "| pass | `4.3.cnn` |" in text
    points = 20 * passed / conv2d_tests + 80
    assert f"## Public tests: {points:.0f} / 100 points" in text


def test_the_table_with_everything_passed(doc, tmp_path):
    reports = tmp_path / wf.REPORTS
    reports.mkdir()
    for u in UNITS:
        (reports / f"{wf.step_id(u.id)}.xml").write_text(
            '<testsuites><testsuite name="pytest" tests="3" failures="0" errors="0" skipped="0"/></testsuites>'
        )
    proc = run_step(steps_of(doc)[-1], tmp_path, tmp_path / "summary.md")
    assert proc.returncode == 0
    assert "## Public tests: 100 / 100 points" in (tmp_path / "summary.md").read_text()
