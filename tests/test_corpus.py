"""The learner corpus (tests/corpus/) against the mistake models and the grader.

Fast: each case's functions run in this process on the unit's public and hidden calls; a correct
case passes them all and no model claims it; a mistaken one fails somewhere, and the models,
with the unit's discriminating calls, name exactly its mistake.
Slow: each case graded for real; the unit's points move the right way, each failed test names
that mistake or none (never another), and no exercise loses a point for it.
"""

from __future__ import annotations

import importlib.util
import shutil
from pathlib import Path

import pytest
import tomllib

from autograder.grading.diagnosis import mistakes_of
from autograder.grading.libraries import ReferenceLib
from autograder.judge.arrays import Failure
from autograder.judge.models import diagnose
from autograder.run.runner import outcome_from_reply
from autograder.run.worker import run_call
from autograder.units import BY_ID, UNITS
from tests.helpers import SOLUTIONS

CORPUS = Path(__file__).resolve().parent / "corpus"
CASES = tomllib.loads((CORPUS / "cases.toml").read_text())["cases"]
VERDICTS = [
    (case, fn, entry[fn])
    for case, entry in CASES.items()
    for fn in ("conv2d", "max_pool")
    if fn in entry
]
REF = ReferenceLib()


def load(case: str):
    spec = importlib.util.spec_from_file_location(f"corpus_{case}", CORPUS / CASES[case]["file"])
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


class InProcess:
    """Calls one corpus function in this process, as the worker would describe its result."""

    def __init__(self, fn):
        self.fn = fn

    def call(self, module, function, kwargs, timeout=None):
        return outcome_from_reply(
            run_call(
                {"module": module, "function": function, "kwargs": kwargs, "callable": self.fn},
                str(CORPUS),
            )
        )


def test_every_case_has_a_verdict_and_every_model_a_case():
    files = {p.name for p in CORPUS.glob("*.py")}
    assert files == {c["file"] for c in CASES.values()}
    assert len(CASES) >= 30
    for fn in ("conv2d", "max_pool"):
        ids = {m.id for m in mistakes_of(BY_ID[fn]).MODELS}
        verdicts = {v for _, f, v in VERDICTS if f == fn} - {"correct"}
        assert verdicts <= ids, f"unknown mistake ids: {verdicts - ids}"
        missing = (
            ids
            - verdicts
            - {"transposed_kernel", "stride_size_only", "channel_added", "windows_step_by_one"}
        )
        assert not missing, (
            f"{fn}: models without a corpus case: {missing}"
        )  # those four: tests/test_diagnostics.py


@pytest.mark.parametrize("case, fn, verdict", VERDICTS, ids=[f"{c}-{f}" for c, f, _ in VERDICTS])
def test_models_name_exactly_the_mistake(case, fn, verdict):
    unit, module = BY_ID[fn], mistakes_of(BY_ID[fn])
    runner = InProcess(getattr(load(case), fn))
    failing = None
    for test in unit.public_tests() + unit.hidden_tests():
        for call in test.calls:
            outcome = runner.call(unit.module, fn, call.kwargs)
            try:
                unit.check(call, outcome, REF, reveal=True)
            except Failure:
                failing = failing or (call, outcome)
    if verdict == "correct":
        assert failing is None, (
            f"{case}: a correct {fn} fails {failing[0].kwargs if failing else ''}"
        )
        return
    assert failing is not None, f"{case}: its mistake ({verdict}) passes every test of {fn}"
    call, outcome = failing
    args = [unit.inputs(call)[a] for a in module.ARGS]
    extra = [
        ([kw[a] for a in module.ARGS], runner.call(unit.module, fn, kw))
        for kw in module.discriminating_calls()
    ]
    named = [m.id for m in diagnose(module.MODELS, REF, fn, (args, outcome), extra)]
    assert named == [verdict], f"{case}: named {named}, made {verdict}"


@pytest.mark.slow
@pytest.mark.parametrize("case", list(CASES))
def test_graded_for_real(case, tmp_path):
    from autograder.grading.grade import grade

    sub = tmp_path / "sub"
    shutil.copytree(SOLUTIONS, sub, ignore=shutil.ignore_patterns("__pycache__"))
    with open(sub / "neural_network.py", "a") as f:  # the case's functions replace the solution's
        f.write("\n\n# --- the corpus case ---\n" + (CORPUS / CASES[case]["file"]).read_text())
    results = grade(sub)
    for fn in ("conv2d", "max_pool"):
        verdict = CASES[case].get(fn, "correct")
        mine = [r for r in results if r.unit.id == fn]
        failed = [r for r in mine if not r.passed]
        if verdict == "correct":
            assert not failed, f"{case}: {fn} lost points: {failed[0].message}"
            continue
        assert failed, f"{case}: {fn} ({verdict}) kept every point"
        named = {r.mistake for r in failed} - {None}
        assert named == {verdict} or (verdict == "returns_list" and named <= {"returns_list"}), (
            f"{case}: {fn} named {named}, made {verdict}:\n" + "\n".join(r.message for r in failed)
        )
    exercises = [r for r in results if not r.unit.is_library]
    assert all(r.passed for r in exercises), f"{case}: an exercise was charged: " + next(
        f"{r.unit.id}: {r.message}" for r in exercises if not r.passed
    )
    assert sum(r.score for r in exercises) == pytest.approx(
        sum(u.points for u in UNITS if not u.is_library)
    )


def test_the_readme_lists_the_models():
    text = (Path(__file__).resolve().parents[1] / "README.md").read_text()
    block = text.split("<!-- named-mistakes")[1].split("<!-- /named-mistakes -->")[0]
    for fn in ("conv2d", "max_pool"):
        line = block.split(f"- `{fn}`:")[1].split("\n- ")[0]
        listed = [w.strip("`,. \n") for w in line.split("`") if w.strip("`,. \n")]
        assert listed == [m.id for m in mistakes_of(BY_ID[fn]).MODELS], fn
