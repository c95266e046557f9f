"""Bad input becomes failed tests with a sentence, never a crash of the grader."""

from __future__ import annotations

import shutil

import pytest

from autograder.grading.grade import grade

pytestmark = pytest.mark.slow  # end to end: workers and subprocesses

EX = "ex4_2_1_average_filter.py"


def messages(results, unit="4.2.1"):
    return [r.message for r in results if r.unit.id == unit and not r.passed]


def test_empty_folder_scores_zero_with_missing_file_sentences(tmp_path):
    results = grade(tmp_path)
    assert sum(r.score for r in results) == 0
    assert all(
        "is missing in the submission" in r.message
        for r in results
        if r.unit.id in ("conv2d", "4.2.1")
    )


def test_syntax_error(submission):
    sub = submission()
    (sub / EX).write_text("def average_filter(:\n    pass\n")
    assert any("has a syntax error at line 1" in m for m in messages(grade(sub, units=["4.2.1"])))


def test_non_utf8_source(submission):
    sub = submission()
    (sub / EX).write_bytes(b"x = '\xff\xfe'\n")
    assert any("syntax error" in m for m in messages(grade(sub, units=["4.2.1"])))


def test_directory_where_a_file_should_be(submission):
    sub = submission()
    (sub / EX).unlink()
    (sub / EX).mkdir()
    assert any(
        "ex4_2_1_average_filter.py in the submission is a directory, so it was not graded" in m
        for m in messages(grade(sub, units=["4.2.1"]))
    )


def test_missing_function(submission):
    sub = submission()
    (sub / EX).write_text(
        (sub / EX).read_text().replace("def average_filter(", "def averag_filter(")
    )
    assert any(
        "has no function named average_filter" in m for m in messages(grade(sub, units=["4.2.1"]))
    )


def test_hang_costs_one_unit_and_is_named(submission):
    sub = submission(
        (
            "neural_network.py",
            "max_pool",
            "def max_pool(X, size=2, stride=2):\n    while True:\n        pass\n",
        )
    )
    results = grade(sub, units=["max_pool", "4.2.1"], timeout=2)
    assert all("took longer than 2 s" in m for m in messages(results, "max_pool"))
    assert messages(results, "4.2.1") == []  # the next unit runs in a fresh worker


def test_process_crash(submission):
    sub = submission(
        (
            EX,
            "average_filter",
            "def average_filter(image=None, filter_kernel=None):\n    import os\n    os._exit(3)\n",
        )
    )
    assert all("died (exit status 3)" in m for m in messages(grade(sub, units=["4.2.1"])))


def test_sys_exit_is_a_failure_not_a_pass(submission):
    sub = submission(
        (
            EX,
            "average_filter",
            "def average_filter(image=None, filter_kernel=None):\n    raise SystemExit(0)\n",
        )
    )
    assert all("raised SystemExit" in m for m in messages(grade(sub, units=["4.2.1"])))


def test_huge_file_is_not_read(submission):
    sub = submission()
    (sub / EX).write_text((sub / EX).read_text() + "#" * (2 << 20))
    assert all(
        "is larger than 1 MiB, so it was not graded" in m
        for m in messages(grade(sub, units=["4.2.1"]))
    )


def test_top_level_code_that_raises(submission):
    sub = submission()
    (sub / EX).write_text(
        "import numpy as np\nraise RuntimeError('oops')\n" + (sub / EX).read_text()
    )
    assert any(
        "Importing ex4_2_1_average_filter.py raised RuntimeError: oops" in m
        for m in messages(grade(sub, units=["4.2.1"]))
    )


def test_submission_folder_is_left_untouched(submission):
    sub = submission()
    before = sorted(p.name for p in sub.rglob("*"))
    grade(sub, units=["4.2.3"])
    assert sorted(p.name for p in sub.rglob("*")) == before
    shutil.rmtree(sub)
