"""The kit's own tests: fixtures from tests/helpers.py.

The learners' warm servers (autograder/learner/server.py) that the tests' runs of
``pytest exercises`` start live in a folder of this test session's, and are stopped at its end.
"""

import os
import shutil
import tempfile

from tests.helpers import submission  # noqa: F401  (a fixture)

_SERVERS = tempfile.mkdtemp(prefix="nnkit-test-servers-")
os.environ["XDG_RUNTIME_DIR"] = _SERVERS


def pytest_unconfigure(config):
    from autograder.learner.server import stop_servers

    stop_servers()
    shutil.rmtree(_SERVERS, ignore_errors=True)
