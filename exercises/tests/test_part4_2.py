"""Public tests: Part 4.2's exercises (each checked with your own conv2d: conv2d has its own tests).

The cases and expected values are in autograder/units/part4_2.py; run one unit with
`pytest exercises -k UNIT`, e.g. `-k conv2d` or `-k 4.2.1`.
"""
from conftest import public_params


def pytest_generate_tests(metafunc):
    metafunc.parametrize("unit, test", public_params("4.2.1", "4.2.2", "4.2.3", "4.2.4"))


def test_public(unit, test, check):
    check(unit, test)
