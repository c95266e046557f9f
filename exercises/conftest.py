"""The public tests' plugin: `pytest exercises [--submission DIR] [--in-process]`.

Your functions run in a separate Python process (so a loop that never ends or a crash
becomes one failed test with a sentence, not a stuck pytest), offline, with matplotlib's
non-interactive backend. --in-process runs them in pytest's own process instead, for
debugging with --pdb. The run ends with your points so far and the unit to work on next.

The tests are run by the kit's warm server (autograder/learner/server.py: started by the
first run, it keeps numpy, matplotlib and the checks imported, and forks a fresh worker for
each run). Where it cannot be used (NNKIT_SERVER=0, not Linux, another run going on), they
run here: a worker is started as soon as pytest is configured, so it imports numpy while
pytest collects, and matplotlib when a selected exercise's file uses it.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from autograder.learner.closing import catalogue, summary_lines

HERE = Path(__file__).resolve().parent
SESSION = pytest.StashKey()  # the server's session (RemoteSession) or a local PublicSession
STARTED = pytest.StashKey()  # a local worker started in pytest_configure, not yet adopted
VERDICTS = pytest.StashKey()  # (unit id, passed) of every public test, in the order run


def pytest_addoption(parser):
    group = parser.getgroup("exercises")
    group.addoption(
        "--submission",
        default=str(HERE),
        metavar="DIR",
        help="folder holding neural_network.py and the ex*.py files (default: exercises/); "
        "`--submission solutions` runs the same tests on the worked solutions",
    )
    group.addoption(
        "--in-process",
        action="store_true",
        help="run your code inside pytest's process (no time limit; use with --pdb)",
    )
    group.addoption(
        "--call-timeout", type=float, default=10.0, help="seconds allowed per call (default 10)"
    )
    group.addoption(
        "--feedback",
        default="feedback",
        metavar="DIR",
        help="folder for a picture of each failed check (default: feedback/); '' for none",
    )


def pytest_configure(config):
    # tests never touch the network: MNIST comes from the shipped sample
    os.environ["NNKIT_OFFLINE"] = "1"
    os.environ["MPLBACKEND"] = "Agg"  # plt.show() must not open windows or block
    config.stash[VERDICTS] = []
    submission = Path(config.getoption("--submission")).resolve()
    if config.getoption("--in-process") or config.option.collectonly or not submission.is_dir():
        return
    from autograder.learner.server import open_session

    remote = open_session(
        submission, config.getoption("--call-timeout"), config.getoption("--feedback")
    )
    if remote is not None:
        config.stash[SESSION] = remote
        return
    # No server: start the worker now, in the background: it imports numpy while pytest
    # collects, and matplotlib too when every unit will run (else that is decided once collected).
    from autograder.paths import EXERCISES
    from autograder.run.start import start_worker

    every_unit = not (
        config.option.keyword
        or config.option.markexpr
        or getattr(config.option, "lf", False)
        or any("::" in a for a in config.args)
    )
    files = {u["file"] for u in catalogue()}
    warm = ("matplotlib",) if every_unit and _uses_matplotlib(submission, files) else ()
    config.stash[STARTED] = (
        start_worker(submission, extra_paths=[EXERCISES], warm=warm),
        bool(warm),
    )


def public_ids(config) -> list[tuple[str, str]]:
    """(unit id, test name) of every public test, from the server when there is one."""
    remote = config.stash.get(SESSION, None)
    if remote is not None:
        try:
            return remote.ids()
        except ConnectionError:
            del config.stash[SESSION]  # the tests run here instead
    from autograder.learner.session import public_test_ids

    return public_test_ids()


def pytest_collection_finish(session):
    """The selected tests, known now: the server is told them all (it runs them while pytest
    reports), or a local worker is adopted, with matplotlib loaded in it if a selected unit's
    file uses it (while pytest goes on to the first test)."""
    config = session.config
    selected = [
        (item.callspec.params["unit"], item.callspec.params["test"])
        for item in session.items
        if hasattr(item, "callspec") and "unit" in item.callspec.params
    ]
    remote = config.stash.get(SESSION, None)
    if remote is not None and selected:
        try:
            remote.plan(selected)
        except ConnectionError:
            del config.stash[SESSION]  # the tests run here instead
    started = config.stash.get(STARTED, None)
    if started is None or SESSION in config.stash:
        return
    del config.stash[STARTED]
    worker, warmed = started
    local = _local_session(config)
    local.runner.adopt(worker)
    files = {u["id"]: u["file"] for u in catalogue()}
    submission = Path(config.getoption("--submission")).resolve()
    if not warmed and _uses_matplotlib(submission, {files[u] for u, _ in selected}):
        local.runner.warm(["matplotlib"])


def _local_session(config):
    """The tests run in this process (no server, or it stopped answering)."""
    from autograder.learner.session import PublicSession

    session = config.stash.get(SESSION, None)
    if session is None or not isinstance(session, PublicSession):
        submission = Path(config.getoption("--submission")).resolve()
        if config.getoption("--in-process"):
            import sys

            from autograder.run.runner import InProcessRunner

            sys.path[:0] = [str(submission), str(HERE)]  # the given mnist.py comes from exercises/
            session = PublicSession(InProcessRunner(submission), config.getoption("--feedback"))
        else:
            session = PublicSession.on_worker(
                submission, config.getoption("--call-timeout"), config.getoption("--feedback")
            )
        config.stash[SESSION] = session
    return session


def _uses_matplotlib(submission: Path, files) -> bool:
    """Whether one of these files of the submission plots: it mentions matplotlib and is no
    longer the stub (the worker imports pyplot lazily: a stub that raises never loads it)."""
    for name in files:
        try:
            text = (submission / name).read_text(errors="replace")
        except OSError:
            continue
        if "matplotlib" in text and "is not implemented yet" not in text:
            return True
    return False


def pytest_unconfigure(config):
    started = config.stash.get(STARTED, None)
    if started is not None:  # never adopted (nothing collected): end it
        import signal

        worker = started[0]
        try:
            os.killpg(worker.proc.pid, signal.SIGKILL)
        except OSError:
            pass
        worker.proc.wait()
        os.close(worker.to_worker)
        os.close(worker.from_worker)
    session = config.stash.get(SESSION, None)
    if session is not None:
        session.close()


@pytest.hookimpl(wrapper=True, tryfirst=True)
def pytest_sessionfinish(session, exitstatus):
    """After pytest's own summary (its last line included): two lines, points so far and the
    unit to work on next, as `python -m autograder status` says them."""
    result = yield
    config = session.config
    verdicts = config.stash.get(VERDICTS, [])
    reporter = config.pluginmanager.get_plugin("terminalreporter")
    if verdicts and reporter is not None:
        for line in summary_lines(verdicts):
            reporter.write_line(line)
    return result


def pytest_report_header(config):
    return f"submission: {Path(config.getoption('--submission')).resolve()}"


def public_params(config):
    """Parameters for test_public: (unit id, test name) of every public test, every unit in
    grading order, with ids such as 'conv2d: stride 2 on the same image'."""
    return [pytest.param(u, t, id=f"{u}: {t}") for u, t in public_ids(config)]


@pytest.fixture
def check(request):
    """Run one public test; fail with the grader's sentence, without a traceback."""
    config = request.config
    submission = Path(config.getoption("--submission")).resolve()
    if not submission.is_dir():
        pytest.exit(f"--submission {submission} is not a folder", returncode=4)

    def run(unit_id, test_name):
        session = config.stash.get(SESSION, None) or _local_session(config)
        try:
            passed, message = session.run(unit_id, test_name)
        except ConnectionError:  # the server stopped answering: the rest runs here
            passed, message = _local_session(config).run(unit_id, test_name)
        config.stash[VERDICTS].append((unit_id, passed))
        if not passed:
            pytest.fail(message, pytrace=False)

    return run
