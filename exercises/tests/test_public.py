"""The public tests of every unit in autograder/units/units.toml, one test per case.

A unit's cases are in autograder/units/<unit>/public.py. Run one unit with
`pytest exercises -k UNIT`, e.g. `-k conv2d` or `-k 4.2.1`.
"""

from conftest import public_params


def pytest_generate_tests(metafunc):
    metafunc.parametrize("unit, test", public_params(metafunc.config))


def test_public(unit, test, check):
    check(unit, test)
