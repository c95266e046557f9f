"""Public tests: conv2d and max_pool, the two functions of neural_network.py you write.

The cases and expected values are in autograder/units/library.py; run one unit with
`pytest exercises -k UNIT`, e.g. `-k conv2d` or `-k 4.2.1`.
"""
from conftest import public_params


def pytest_generate_tests(metafunc):
    metafunc.parametrize("unit, test", public_params("conv2d", "max_pool"))


def test_public(unit, test, check):
    check(unit, test)
