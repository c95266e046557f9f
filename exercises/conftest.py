"""The public tests' plugin: `pytest exercises [--submission DIR] [--in-process]`.

Your functions run in a separate Python process (so a loop that never ends or a crash
becomes one failed test with a sentence, not a stuck pytest), offline, with matplotlib's
non-interactive backend. --in-process runs them in pytest's own process instead, for
debugging with --pdb. The run ends with your points so far and the unit to work on next.

That process is started as soon as pytest is configured, so it imports numpy while pytest
collects; matplotlib is loaded in it only when a selected exercise's file uses it.
"""
from __future__ import annotations

import os
from pathlib import Path

import pytest

HERE = Path(__file__).resolve().parent
STARTED = pytest.StashKey()  # the worker started in pytest_configure, not yet adopted
RUNNER = pytest.StashKey()  # the WorkerRunner that adopted it
RESULTS = pytest.StashKey()  # every public test's Result, in the order run
WARMED = pytest.StashKey()  # matplotlib is loaded in the worker already


def pytest_addoption(parser):
    group = parser.getgroup("exercises")
    group.addoption("--submission", default=str(HERE), metavar="DIR",
                    help="folder holding neural_network.py and the ex*.py files (default: exercises/); "
                         "`--submission solutions` runs the same tests on the worked solutions")
    group.addoption("--in-process", action="store_true",
                    help="run your code inside pytest's process (no time limit; use with --pdb)")
    group.addoption("--call-timeout", type=float, default=10.0, help="seconds allowed per call (default 10)")
    group.addoption("--feedback", default="feedback", metavar="DIR",
                    help="folder for a picture of each failed check (default: feedback/); '' for none")


def pytest_configure(config):
    os.environ["NNKIT_OFFLINE"] = "1"  # tests never touch the network: MNIST comes from the shipped sample
    os.environ["MPLBACKEND"] = "Agg"  # plt.show() must not open windows or block
    config.stash[RESULTS] = []
    submission = Path(config.getoption("--submission")).resolve()
    if config.getoption("--in-process") or config.option.collectonly or not submission.is_dir():
        return
    # Start the worker now, in the background: it imports numpy while pytest collects, and
    # matplotlib too when every unit will run (else that is decided once collected).
    from autograder.paths import EXERCISES
    from autograder.run.start import start_worker

    every_unit = not (config.option.keyword or config.option.markexpr or getattr(config.option, "lf", False)
                      or any("::" in a for a in config.args))
    warm = ("matplotlib",) if every_unit and _uses_matplotlib(submission, _unit_files()) else ()
    config.stash[STARTED] = start_worker(submission, extra_paths=[EXERCISES], warm=warm)
    config.stash[WARMED] = bool(warm)


def _unit_files() -> set[str]:
    """The learner's files, from units.toml (read without importing the checks)."""
    import tomllib

    from autograder.paths import PACKAGE
    with open(PACKAGE / "units" / "units.toml", "rb") as f:
        return {u["file"] for u in tomllib.load(f)["unit"]}


def pytest_collection_finish(session):
    """The worker adopted by a runner, and matplotlib loaded in it if a selected unit's file
    uses it (while pytest goes on to the first test)."""
    config = session.config
    started = config.stash.get(STARTED, None)
    if started is None:
        return
    from autograder.learner.commands import public_runner

    submission = Path(config.getoption("--submission")).resolve()
    runner = public_runner(submission, timeout=config.getoption("--call-timeout"))
    runner.adopt(started)
    del config.stash[STARTED]
    config.stash[RUNNER] = runner
    files = {item.callspec.params["unit"].file for item in session.items if hasattr(item, "callspec")
             and "unit" in item.callspec.params}
    if not config.stash[WARMED] and _uses_matplotlib(submission, files):
        runner.warm(["matplotlib"])


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
        try:
            os.killpg(started.proc.pid, signal.SIGKILL)
        except OSError:
            pass
        started.proc.wait()
        os.close(started.to_worker)
        os.close(started.from_worker)
    runner = config.stash.get(RUNNER, None)
    if runner is not None:
        runner.close()


@pytest.hookimpl(wrapper=True, tryfirst=True)
def pytest_sessionfinish(session, exitstatus):
    """After pytest's own summary (its last line included): two lines, points so far and the
    unit to work on next, as `python -m autograder status` says them."""
    result = yield
    results = session.config.stash.get(RESULTS, [])
    reporter = session.config.pluginmanager.get_plugin("terminalreporter")
    if results and reporter is not None:
        from autograder.learner.commands import summary_lines

        for line in summary_lines(results):
            reporter.write_line(line)
    return result


def pytest_report_header(config):
    return f"submission: {Path(config.getoption('--submission')).resolve()}"


@pytest.fixture(scope="session")
def runner(request):
    submission = Path(request.config.getoption("--submission")).resolve()
    if not submission.is_dir():
        pytest.exit(f"--submission {submission} is not a folder", returncode=4)
    if request.config.getoption("--in-process"):
        import sys

        from autograder.run.runner import InProcessRunner
        sys.path[:0] = [str(submission), str(HERE)]  # the given mnist.py comes from exercises/
        yield InProcessRunner(submission)
        return
    runner = request.config.stash.get(RUNNER, None)
    if runner is None:
        from autograder.learner.commands import public_runner
        runner = request.config.stash[RUNNER] = public_runner(
            submission, timeout=request.config.getoption("--call-timeout"))
    yield runner
    runner.close()


def public_params():
    """(unit, test) pairs for parametrize, every unit in grading order, with ids such as
    'conv2d: stride 2 on the same image'."""
    from autograder.units import UNITS

    return [pytest.param(u, t, id=f"{u.id}: {t.name}") for u in UNITS for t in u.public_tests()]


@pytest.fixture
def check(runner, request):
    """Run one public test; fail with the grader's sentence, without a traceback."""
    from autograder.grading.libraries import public_libraries
    from autograder.grading.results import run_test

    folder = request.config.getoption("--feedback")
    results = request.config.stash[RESULTS]

    def run(unit, test):
        # Exercises are checked against your own conv2d / max_pool (their own tests check those),
        # so each mistake shows up once, where it was made.
        result = run_test(unit, test, runner, public_libraries(unit, runner))
        results.append(result)
        if not result.passed:
            message = result.message
            if folder:
                from autograder.learner.pictures import draw, picture_path
                path = draw(result, picture_path(Path(folder), result), reveal=True)
                if path is not None:
                    message += f" (picture: {path})"
            pytest.fail(message, pytrace=False)
    return run
