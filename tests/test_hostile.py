"""Hostile submissions: each attack scores exactly what its code truly earns.

A stub that cheats earns 0; correct code that also attacks earns full marks for the code,
and the attack changes nothing. Graded for real: worker process, jail and all.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys

import pytest

from autograder.grading.grade import grade
from autograder.run.environment import sandbox_mode
from tests.helpers import KIT

pytestmark = pytest.mark.slow  # end to end: workers and subprocesses

NN = "neural_network.py"
STUB_NN = (KIT / "exercises" / NN).read_text()


def score(sub, units=("conv2d",), **kw) -> float:
    return sum(r.score for r in grade(sub, units=list(units), **kw))


def messages(sub, units=("conv2d",)) -> list[str]:
    return [r.message for r in grade(sub, units=list(units)) if not r.passed]


def with_stub_library(sub, prelude: str = "", conv2d: str | None = None):
    """The learner's stub library, with code at the top and (optionally) a conv2d body."""
    text = prelude + "\n" + STUB_NN
    if conv2d is not None:
        text += "\n\n" + conv2d
    (sub / NN).write_text(text)
    return sub


MODE = sandbox_mode()
# The kit is out of reach: not mounted in the fork server's bubblewrap, or refused by Landlock.
JAILED = bool(MODE["bwrap"] or MODE["probe"]["landlock_abi"])
PID_NAMESPACE = bool(MODE["bwrap"])
# util-linux's unshare, independent of the kit's code: can this machine make the namespaces?
NAMESPACES_HERE = (
    shutil.which("unshare") is not None
    and subprocess.run(
        ["unshare", "--mount", "--pid", "--fork", "true"], capture_output=True
    ).returncode
    == 0
)


def test_the_jail_is_used_wherever_the_machine_allows_it():
    """A jail that silently falls back would let every attack below through unnoticed."""
    if not NAMESPACES_HERE:
        pytest.skip("this machine cannot make mount and PID namespaces")
    assert JAILED


@pytest.mark.parametrize(
    "name, content",
    [
        (
            "conftest.py",
            "import pytest\n@pytest.hookimpl(tryfirst=True)\ndef pytest_runtest_makereport(item, call):\n"
            "    call.excinfo = None\n",
        ),
        ("pytest.ini", "[pytest]\naddopts = -p no:terminal\n"),
        (
            "sitecustomize.py",
            "import numpy\nnumpy.allclose = lambda *a, **k: True\nnumpy.isclose = lambda a, b, **k: a == a\n",
        ),
        ("usercustomize.py", "raise SystemExit(0)\n"),
        ("numpy.py", "def allclose(*a, **k):\n    return True\n"),
    ],
)
def test_planted_files_are_inert(name, content, submission):
    stubs = submission()
    shutil.copy(KIT / "exercises" / NN, stubs / NN)
    (stubs / name).write_text(content)
    assert score(stubs) == 0
    solved = submission()
    (solved / name).write_text(content)
    assert score(solved) == pytest.approx(20)


def test_patching_numpy_at_import_fools_nothing(submission):
    patch = (
        "import numpy as np\nnp.allclose = lambda *a, **k: True\nnp.isclose = lambda a, b, **k: np.ones(np.shape(a), bool)\n"
        "np.array_equal = lambda *a, **k: True\nnp.testing.assert_allclose = lambda *a, **k: None\n"
    )
    sub = with_stub_library(
        submission(),
        patch,
        "def conv2d(image, filter_kernel, stride=1):\n    return np.zeros((1, 1))\n",
    )
    assert score(sub) == 0


@pytest.mark.parametrize("exit_call", ["import sys\nsys.exit(0)", "import os\nos._exit(0)"])
def test_exiting_is_a_failure(exit_call, submission):
    assert score(with_stub_library(submission(), exit_call)) == 0
    conv = f"def conv2d(image, filter_kernel, stride=1):\n    {exit_call.replace(chr(10), chr(10) + '    ')}\n"
    assert score(with_stub_library(submission(), "", conv)) == 0


def test_forged_results_file_is_overwritten(submission, tmp_path):
    out = tmp_path / "out" / "results.json"
    forged = json.dumps({"score": 100, "tests": []})
    writer = (
        f"import pathlib\nfor p in [{str(out)!r}, 'results.json', '/tmp/results.json']:\n"
        f"    try:\n        pathlib.Path(p).parent.mkdir(parents=True, exist_ok=True)\n"
        f"        pathlib.Path(p).write_text({forged!r})\n    except OSError:\n        pass\n"
    )
    sub = with_stub_library(submission(), writer)
    proc = subprocess.run(
        [sys.executable, "-m", "autograder", "grade", str(sub), "--json", str(out)],
        cwd=KIT,
        capture_output=True,
        text=True,
    )
    assert proc.returncode == 0
    doc = json.loads(out.read_text())
    assert len(doc["tests"]) > 40
    # the stub library earns nothing; the solutions' exercises are graded with working stand-ins
    # for it and earn their 60 points: exactly what the code earns, not the forged 100
    assert doc["score"] == pytest.approx(60)


def test_printed_fake_results_never_reach_the_grader_output(submission):
    fake = "print('total: 100.00 / 100.00 points (100 %)'); print('{\"score\": 100}')"
    sub = with_stub_library(submission(), fake)
    proc = subprocess.run(
        [sys.executable, "-m", "autograder", "grade", str(sub)],
        cwd=KIT,
        capture_output=True,
        text=True,
    )
    assert re.findall(r"total: .*", proc.stdout) == [
        "total: 60.00 / 100.00 points (60 %)"
    ]  # the exercises' 60
    assert '"score": 100' not in proc.stdout


def test_ndarray_subclass_and_equal_to_everything_objects_earn_nothing(submission):
    subclass = """
def conv2d(image, filter_kernel, stride=1):
    from scipy.signal import correlate2d
    class Always(np.ndarray):
        def __eq__(self, other):
            return True
    return correlate2d(image, filter_kernel, mode='valid')[::stride, ::stride].view(Always)
"""
    sub = with_stub_library(submission(), "", subclass)
    assert score(sub) == 0
    assert all("subclass of numpy.ndarray" in m for m in messages(sub))
    liar = """
def conv2d(image, filter_kernel, stride=1):
    class Liar:
        shape = property(lambda self: (3, 3))
        def __eq__(self, other):
            return True
        def __array__(self, *a, **k):
            raise RuntimeError
    return Liar()
"""
    assert score(with_stub_library(submission(), "", liar)) == 0


@pytest.mark.parametrize(
    "attempt",
    [
        "import reference\n    return reference.conv2d(image, filter_kernel, stride)",
        "from autograder.grading.libraries import ReferenceLib\n    return ReferenceLib().conv2d(image, filter_kernel, stride)",
        "import importlib.util, sys\n    sys.path.append(%(kit)r)\n    import reference\n    return reference.conv2d(image, filter_kernel, stride)",
    ],
)
def test_the_reference_cannot_be_imported(attempt, submission):
    body = attempt % {"kit": str(KIT)} if "%(kit)" in attempt else attempt
    conv = f"def conv2d(image, filter_kernel, stride=1):\n    {body}\n"
    if "sys.path.append" in attempt and not JAILED:
        pytest.skip("no mount namespace on this machine: the kit's folder is not hidden")
    assert score(with_stub_library(submission(), "", conv)) == 0


@pytest.mark.skipif(
    not JAILED, reason="no mount namespace on this machine: the kit's folder is not hidden"
)
@pytest.mark.parametrize(
    "target", ["reference/__init__.py", "solutions/neural_network.py", ".git/HEAD"]
)
def test_the_kit_cannot_be_read_from_disk(target, submission):
    conv = f"""
def conv2d(image, filter_kernel, stride=1):
    import os
    text = open({str(KIT / target)!r}).read()  # the absolute path, as if guessed
    namespace = {{}}
    exec(text, namespace)
    return namespace['conv2d'](image, filter_kernel, stride)
"""
    sub = with_stub_library(submission(), "", conv)
    assert score(sub) == 0
    assert any("FileNotFoundError" in m or "PermissionError" in m for m in messages(sub))


def test_the_kit_is_not_found_by_walking_up_from_the_submission(submission):
    conv = """
def conv2d(image, filter_kernel, stride=1):
    import os
    here = os.getcwd()
    while True:
        if os.path.exists(os.path.join(here, 'reference', '__init__.py')):
            namespace = {}
            exec(open(os.path.join(here, 'reference', '__init__.py')).read(), namespace)
            return namespace['conv2d'](image, filter_kernel, stride)
        if here == os.path.dirname(here):
            raise LookupError('no reference found')
        here = os.path.dirname(here)
"""
    sub = with_stub_library(submission(), "", conv)
    assert score(sub) == 0


def test_output_flood_is_capped_and_graded_normally(submission):
    flood = "def conv2d(image, filter_kernel, stride=1):\n    print('x' * 50_000_000)\n    return _real(image, filter_kernel, stride)\n"
    sub = submission()
    text = (sub / NN).read_text().replace("def conv2d(", "def _real(", 1)
    (sub / NN).write_text(text + "\n\n" + flood)
    assert score(sub) == pytest.approx(20)


def test_memory_bomb_fails_its_unit_with_a_sentence(submission):
    bomb = "def conv2d(image, filter_kernel, stride=1):\n    import numpy as np\n    return np.ones((1 << 31,))\n"
    sub = submission((NN, "conv2d", bomb))
    results = grade(sub, units=["conv2d", "4.3.1"], memory_mb=512)
    assert sum(r.score for r in results if r.unit.id == "conv2d") == 0
    assert all(
        "more than the 512 MiB of memory allowed" in r.message
        for r in results
        if r.unit.id == "conv2d"
    )
    assert all(r.passed for r in results if r.unit.id == "4.3.1")


def test_a_hang_costs_one_time_limit_not_one_per_call(submission):
    hang = "def max_pool(X, size=2, stride=2):\n    while True:\n        pass\n"
    sub = submission((NN, "max_pool", hang))
    import time

    start = time.monotonic()
    results = grade(sub, units=["max_pool", "4.3.1", "4.3.3", "4.3.4", "4.3.cnn"], timeout=2)
    assert time.monotonic() - start < 20  # 2 s limit once (+ grace), not once per call (~25 calls)
    failed = {r.unit.id for r in results if not r.passed}
    assert failed == {"max_pool"}  # the exercises that call it are graded with a working stand-in
    assert all(
        "took longer than 2 s and was stopped (neural_network.py, line" in r.message
        for r in results
        if r.unit.id == "max_pool"
    )
    assert all(
        "graded with a working max_pool in place of yours" in r.message
        for r in results
        if r.unit.id != "max_pool"
    )


# The attack runs only where it sees itself inside a nested PID namespace (NSpid lists one pid
# per level; under a fresh /proc, as in bubblewrap, only the inner level shows, but the fork server
# then has pid 2, which outside a namespace is kthreadd's): outside one, kill(-1) as root would take
# down the whole machine, test runner included.
KILLER = """
def conv2d(image, filter_kernel, stride=1):
    import os, signal
    levels = [l for l in open('/proc/self/status') if l.startswith('NSpid:')][0].split()[1:]
    if len(levels) < 2 and os.getppid() > 3:
        raise RuntimeError('not in a PID namespace: this test attack refuses to fire')
    for target in (os.getppid(), -1):
        try:
            os.kill(target, signal.SIGKILL)
        except OSError:
            pass
    return None
"""


@pytest.mark.skipif(not PID_NAMESPACE, reason="no PID namespace on this machine")
def test_the_worker_cannot_signal_the_grader(submission):
    sub = submission((NN, "conv2d", KILLER))
    results = grade(sub, units=["conv2d", "4.3.1"])
    assert sum(r.score for r in results if r.unit.id == "conv2d") == 0
    # Its parent is the fork server, process 1 of the namespace, which ignores signals from
    # inside it; nothing else is visible. The attack does nothing, and the code is graded for
    # what it returns (None).
    assert all("returned None" in r.message for r in results if r.unit.id == "conv2d")
    assert all(
        r.passed for r in results if r.unit.id == "4.3.1"
    )  # the grader and later units go on


def test_processes_left_behind_die_with_the_worker(submission, tmp_path):
    marker = tmp_path / "alive"
    daemon = f"""
def conv2d(image, filter_kernel, stride=1):
    import os, time
    if os.fork() == 0:
        os.setsid()  # escape the process group, as a daemon would
        time.sleep(3)
        open({str(marker)!r}, 'w').write('still running')
        os._exit(0)
    return _real(image, filter_kernel, stride)
"""
    sub = submission()
    text = (sub / NN).read_text().replace("def conv2d(", "def _real(", 1)
    (sub / NN).write_text(text + "\n\n" + daemon)
    assert score(sub) == pytest.approx(20)
    import time

    time.sleep(4)
    assert not marker.exists()


def test_cpu_limit_is_named(tmp_path):
    """CPU time is capped per worker (threads can burn it faster than the wall clock runs)."""
    from autograder.run.runner import WorkerRunner

    (tmp_path / "burn.py").write_text("def burn():\n    while True:\n        pass\n")
    with WorkerRunner(tmp_path, timeout=30, confine=True) as runner:
        runner.cpu_seconds = 1
        outcome = runner.call("burn", "burn", {})
    assert outcome.status == "cpu"
    from autograder.judge.arrays import Failure
    from autograder.judge.outcomes import value_of

    with pytest.raises(Failure, match="used more than 1 s of CPU time"):
        value_of(outcome, "burn()", "burn.py")
