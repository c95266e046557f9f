"""The kit's own tests: fixtures from tests/helpers.py."""

from tests.helpers import submission  # noqa: F401  (a fixture)
