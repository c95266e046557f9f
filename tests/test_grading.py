"""The grader end to end: CLI contract, scores, conventions, cost-once, bad submissions."""

from __future__ import annotations

import json

import jsonschema
import pytest

from autograder.grading.grade import grade
from autograder.units import UNITS
from tests.helpers import KIT, cli

pytestmark = pytest.mark.slow  # end to end: workers and subprocesses

SCHEMA = json.loads(
    (KIT / "autograder" / "integrations" / "schemas" / "gradescope-results.schema.json").read_text()
)
POST_CONV2D = """
def conv2d(image, filter_kernel, stride=1):
    from scipy import signal
    output = signal.convolve2d(image, filter_kernel, mode='valid', boundary='fill', fillvalue=0)
    if stride > 1:
        output = output[::stride, ::stride]
    return output
"""


@pytest.mark.parametrize("folder, score", [("solutions", 100), ("exercises", 0)])
def test_cli_scores_solutions_full_and_stubs_zero(folder, score, tmp_path):
    out = tmp_path / "results.json"
    proc = cli("grade", folder, "--json", str(out))
    assert proc.returncode == 0, proc.stderr
    doc = json.loads(out.read_text())
    jsonschema.validate(doc, SCHEMA)
    assert doc["score"] == pytest.approx(score)
    assert sum(t["max_score"] for t in doc["tests"]) == pytest.approx(100)
    assert {t["name"].split(":")[0] for t in doc["tests"]} == {u.id for u in UNITS}
    assert f"total: {score:.2f} / 100.00 points" in proc.stdout
    assert all(t["status"] == ("passed" if score else "failed") for t in doc["tests"])


def test_cli_refuses_a_folder_that_does_not_exist(tmp_path):
    proc = cli("grade", str(tmp_path / "nope"))
    assert proc.returncode == 2 and "is not a folder" in proc.stderr


def test_points_add_up_per_unit():
    assert sum(u.points for u in UNITS) == 100


def test_a_conv2d_mistake_costs_its_points_once(submission):
    """The post's convolve2d flips edge filters: conv2d loses points, the exercises keep theirs."""
    results = grade(submission(("neural_network.py", "conv2d", POST_CONV2D)))
    lost = {r.unit.id for r in results if not r.passed}
    assert lost == {"conv2d"}
    notes = [r.message for r in results if r.passed and r.unit.id == "4.2.3"]
    assert any("graded with a working conv2d in place of yours" in n for n in notes)
    assert 80 <= sum(r.score for r in results) < 100


@pytest.mark.parametrize(
    "convention, post_full, solution_full",
    [("correlation", False, True), ("convolution", True, False), ("either", True, True)],
)
def test_convention_setting(convention, post_full, solution_full, submission):
    def conv_score(sub):
        return sum(r.score for r in grade(sub, units=["conv2d"], convention=convention))

    assert (
        conv_score(submission(("neural_network.py", "conv2d", POST_CONV2D))) == pytest.approx(20)
    ) == post_full
    assert (conv_score(submission()) == pytest.approx(20)) == solution_full


def test_convolution_convention_names_the_missing_flip(submission):
    results = grade(submission(), units=["conv2d"], convention="convolution")
    assert any("NOT flipped" in r.message for r in results if not r.passed)


def test_unit_filter_grades_only_that_unit(submission):
    results = grade(submission(), units=["4.3.1"])
    assert {r.unit.id for r in results} == {"4.3.1"}
