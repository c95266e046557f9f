"""Public tests: Part 4.3's exercises and the post's CNN (checked with your own conv2d and max_pool).

The cases and expected values are in autograder/units/part4_3.py; run one unit with
`pytest exercises -k UNIT`, e.g. `-k conv2d` or `-k 4.2.1`.
"""
from conftest import public_params


def pytest_generate_tests(metafunc):
    metafunc.parametrize("unit, test", public_params("4.3.1", "4.3.2", "4.3.3", "4.3.4", "4.3.cnn"))


def test_public(unit, test, check):
    check(unit, test)
