"""The learners' warm server (autograder/learner/server.py), through `pytest exercises` as a
learner runs it: the same verdicts as without it, nothing kept from one run to the next, its
own user only, a fallback whenever it cannot answer, and its end."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pytest

from tests.helpers import KIT, SOLUTIONS, learner_argv

pytestmark = pytest.mark.slow  # pytest, the server and its workers in subprocesses


@pytest.fixture
def servers():
    """A private folder for this test's servers (XDG_RUNTIME_DIR; short: a socket's path has
    at most 107 bytes), and every one stopped after."""
    folder = tempfile.mkdtemp(prefix="nk-")
    env = {**os.environ, "XDG_RUNTIME_DIR": folder}
    yield env
    subprocess.run([sys.executable, "-m", "autograder", "server", "--stop"], env=env, cwd=KIT)
    shutil.rmtree(folder, ignore_errors=True)


# the rest of a right conv2d, after whatever an attack above it does (indented as its body)
CORRECT_BODY = """
            H, W = image.shape
            kh, kw = filter_kernel.shape
            out = np.zeros(((H - kh) // stride + 1, (W - kw) // stride + 1))
            for i in range(out.shape[0]):
                for j in range(out.shape[1]):
                    window = image[i * stride:i * stride + kh, j * stride:j * stride + kw]
                    out[i, j] = np.sum(window * filter_kernel)
            return out
"""


def learner_run(submission, env: dict, *args: str, cwd=KIT) -> subprocess.CompletedProcess:
    return subprocess.run(
        learner_argv(submission, *args),
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )


def verdicts(run: subprocess.CompletedProcess) -> list[str]:
    """Each failed test's line with its sentence, pytest's count line and the two closing lines."""
    lines = run.stdout.splitlines()
    count = re.sub(r" in [0-9.]+s", "", lines[-3])  # pytest's count, without its time
    return sorted(line for line in lines if line.startswith("FAILED ")) + [count, *lines[-2:]]


def server_pids(env: dict) -> list[int]:
    folder = Path(env["XDG_RUNTIME_DIR"])
    out = subprocess.run(
        ["pgrep", "-f", f"autograder.learner.server {folder}"], capture_output=True, text=True
    ).stdout
    return [int(p) for p in out.split()]


def test_the_server_gives_the_verdicts_of_a_run_without_it(submission, servers):
    sub = submission(
        (
            "neural_network.py",
            "conv2d",
            "def conv2d(image, filter_kernel, stride=1):\n    return image[:2, :2]\n",
        ),
        (
            "ex4_3_1_max_pool_synthetic.py",
            "pool_synthetic",
            "def pool_synthetic(X=None):\n    raise ValueError('not yet')\n",
        ),
    )
    without = learner_run(sub, {**servers, "NNKIT_SERVER": "0"})
    assert server_pids(servers) == []  # NNKIT_SERVER=0 starts none
    first = learner_run(sub, servers)  # starts the server
    [pid] = server_pids(servers)
    second = learner_run(sub, servers)  # served warm by the same one
    assert server_pids(servers) == [pid]
    assert without.returncode == first.returncode == second.returncode == 1
    assert "failed" in without.stdout.splitlines()[-3]
    assert verdicts(first) == verdicts(without)
    assert verdicts(second) == verdicts(without)
    assert "ValueError: not yet" in second.stdout


def test_each_run_imports_the_learners_files_afresh_and_keeps_nothing(submission, servers):
    # Run 1: conv2d breaks numpy for whatever runs after it in the same process; and is wrong.
    sub = submission(
        (
            "neural_network.py",
            "conv2d",
            """
        def conv2d(image, filter_kernel, stride=1):
            import numpy
            numpy.zeros = numpy.ones = numpy.empty = None
            return numpy.array([[0.0]])
        """,
        )
    )
    first = learner_run(sub, servers, "-k", "conv2d")
    assert first.returncode == 1, first.stdout
    # Run 2, the file fixed: passes only if nothing of run 1's worker or modules is left
    sub = submission()
    second = learner_run(sub, servers, "-k", "conv2d")
    assert second.returncode == 0, second.stdout
    assert len(server_pids(servers)) == 1


def test_a_learner_who_ends_the_fork_server_still_gets_every_verdict(submission, servers):
    # conv2d kills its parent when that is the server's fork server, then answers right
    killer = (
        """
        def conv2d(image, filter_kernel, stride=1):
            import os, signal
            import numpy as np
            with open(f"/proc/{os.getppid()}/cmdline", "rb") as f:
                if b"--zygote" in f.read():
                    os.kill(os.getppid(), signal.SIGKILL)
"""
        + CORRECT_BODY
    )
    sub = submission(("neural_network.py", "conv2d", killer))
    learner_run(sub, servers, "-k", "max_pool")  # the server is warm
    run = learner_run(sub, servers)
    assert run.returncode == 0, run.stdout
    assert "21 passed" in run.stdout.splitlines()[-3]
    again = learner_run(submission(), servers)  # and the next run is served as usual
    assert again.returncode == 0, again.stdout


def test_a_second_run_while_one_is_going_on_runs_on_its_own(submission, servers):
    slow = submission(
        (
            "ex4_2_1_average_filter.py",
            "average_filter",
            """
        def average_filter(image=None, filter_kernel=None):
            import time
            time.sleep(4)
            raise ValueError('slow')
        """,
        )
    )
    learner_run(slow, servers, "-k", "conv2d")  # the server is warm
    first = subprocess.Popen(
        learner_argv(slow, "-k", "4.2.1"), cwd=KIT, env=servers, stdout=subprocess.PIPE, text=True
    )
    time.sleep(1.5)
    second = learner_run(SOLUTIONS, servers)  # (not submission(): it would replace `slow`)
    assert second.returncode == 0 and "21 passed" in second.stdout, second.stdout
    out, _ = first.communicate(timeout=120)
    assert "slow" in out and "1 failed" in out, out


def test_the_socket_is_this_users_alone(servers, submission):
    learner_run(submission(), servers, "-k", "max_pool")
    folder = Path(servers["XDG_RUNTIME_DIR"]) / f"nnkit-{os.getuid()}"
    assert folder.stat().st_mode & 0o777 == 0o700
    [sock] = folder.glob("*.sock")
    assert sock.stat().st_mode & 0o777 == 0o600
    if os.getuid() != 0:
        pytest.skip("another user's connection is tried as root only (it needs setuid)")
    # another user (nobody) connecting: no answer, the connection closed
    probe = f"""
import os, socket
os.setgid(65534); os.setuid(65534)
s = socket.socket(socket.AF_UNIX)
try:
    s.connect({str(sock)!r})
except OSError as e:
    print("refused", e.errno); raise SystemExit
s.sendall(b'{{"submission": "/", "timeout": 1, "feedback": "", "cwd": "/"}}\\n')
s.settimeout(20)
try:
    print("answer", s.recv(100))
except ConnectionResetError:
    print("answer b''")
"""
    # the folder is 0700 (nobody cannot even reach the socket): a hard link to the socket
    # elsewhere, open to all, stands for a folder left open by mistake
    door = Path(tempfile.mkdtemp())  # in /tmp: tmp_path's parents are root's alone
    os.chmod(door, 0o777)
    os.link(sock, door / "s.sock")
    os.chmod(sock, 0o666)
    try:
        out = subprocess.run(
            [sys.executable, "-c", probe.replace(str(sock), str(door / "s.sock"))],
            capture_output=True,
            text=True,
            timeout=60,
        ).stdout
    finally:
        os.chmod(sock, 0o600)
        shutil.rmtree(door)
    assert out.strip() == "answer b''"  # closed at once, nothing said


def test_an_unsafe_folder_is_not_used(tmp_path, submission):
    run_dir = tmp_path / "run"
    run_dir.mkdir()
    (run_dir / f"nnkit-{os.getuid()}").mkdir(mode=0o777)
    os.chmod(run_dir / f"nnkit-{os.getuid()}", 0o777)  # open to everyone: not this user's alone
    env = {**os.environ, "XDG_RUNTIME_DIR": str(run_dir)}
    run = learner_run(submission(), env)
    assert run.returncode == 0 and "21 passed" in run.stdout  # run without a server
    assert list((run_dir / f"nnkit-{os.getuid()}").iterdir()) == []


def test_a_changed_kit_gets_a_fresh_server_and_the_old_one_ends(servers, submission, tmp_path):
    kit = tmp_path / "kit"
    skip = {".git", "tests", "benchmarks", "feedback"}  # top level only: exercises/tests stays
    shutil.copytree(
        KIT,
        kit,
        ignore=lambda d, names: [
            n for n in names if n == "__pycache__" or (Path(d) == KIT and n in skip)
        ],
    )
    env = {**servers, "PYTHONPATH": str(kit)}

    def run():
        return learner_run(None, env, "-k", "max_pool", cwd=kit)

    assert run().returncode == 1  # the stubs
    [old] = server_pids(servers)
    check = kit / "autograder" / "units" / "max_pool" / "check.py"
    check.write_text(check.read_text() + "\n# an edit\n")
    assert run().returncode == 1
    deadline = time.monotonic() + 10
    while old in server_pids(servers) and time.monotonic() < deadline:
        time.sleep(0.1)
    pids = server_pids(servers)
    assert old not in pids and len(pids) == 1


def test_the_server_ends_when_asked_and_when_its_socket_goes(servers, submission):
    learner_run(submission(), servers, "-k", "max_pool")
    [pid] = server_pids(servers)
    out = subprocess.run(
        [sys.executable, "-m", "autograder", "server", "--stop"],
        env=servers,
        cwd=KIT,
        capture_output=True,
        text=True,
    ).stdout
    assert out.strip() == "stopped 1 warm server(s)"
    deadline = time.monotonic() + 10
    while server_pids(servers) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert server_pids(servers) == []
    folder = Path(servers["XDG_RUNTIME_DIR"]) / f"nnkit-{os.getuid()}"
    assert list(folder.iterdir()) == []  # its socket and lock file gone
    # a server whose socket is removed ends within seconds
    learner_run(submission(), servers, "-k", "max_pool")
    [pid] = server_pids(servers)
    for sock in folder.glob("*.sock"):
        sock.unlink()
    deadline = time.monotonic() + 10
    while server_pids(servers) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert server_pids(servers) == []


def test_the_server_ends_when_idle(servers, submission):
    env = {**servers, "NNKIT_SERVER_IDLE": "3"}  # (10 minutes by default)
    learner_run(submission(), env, "-k", "max_pool")
    [pid] = server_pids(servers)
    deadline = time.monotonic() + 20
    while server_pids(servers) and time.monotonic() < deadline:
        time.sleep(0.2)
    assert server_pids(servers) == []


def test_a_session_killed_mid_run_leaves_the_rest_to_pytest(submission, servers):
    # conv2d, run by a worker of the server, kills the server's session process (the one
    # that judges this run), then answers right: pytest runs the rest of the tests itself
    killer = (
        """
        def conv2d(image, filter_kernel, stride=1):
            import os, signal
            import numpy as np
            def parent(pid):
                with open(f"/proc/{pid}/stat") as f:
                    return int(f.read().rsplit(")", 1)[1].split()[1])
            def cmdline(pid):
                with open(f"/proc/{pid}/cmdline", "rb") as f:
                    return f.read()
            if b"--zygote" in cmdline(os.getppid()):
                server = parent(os.getppid())
                for entry in os.listdir("/proc"):
                    if entry.isdigit() and int(entry) != os.getppid():
                        try:
                            if parent(int(entry)) == server:
                                os.kill(int(entry), signal.SIGKILL)
                        except OSError:
                            pass
"""
        + CORRECT_BODY
    )
    sub = submission(("neural_network.py", "conv2d", killer))
    learner_run(sub, servers, "-k", "max_pool")  # the server is warm
    [pid] = server_pids(servers)
    run = learner_run(sub, servers)
    assert run.returncode == 0, run.stdout
    assert "21 passed" in run.stdout.splitlines()[-3]
    assert server_pids(servers) == [pid]  # the server itself goes on
    again = learner_run(submission(), servers)
    assert again.returncode == 0 and "21 passed" in again.stdout, again.stdout


def test_a_run_stopped_early_frees_the_server_for_the_next(submission, servers):
    sub = submission(
        (
            "neural_network.py",
            "conv2d",
            """
        def conv2d(image, filter_kernel, stride=1):
            while True:
                pass
        """,
        )
    )
    learner_run(sub, servers, "-k", "max_pool")  # the server is warm
    [pid] = server_pids(servers)
    # -x: pytest ends at conv2d's first test (its time limit, 2 s); the server, told every
    # test, stops with it instead of going on with the rest
    stopped = learner_run(sub, servers, "-x", "--call-timeout=2")
    assert "1 failed" in stopped.stdout.splitlines()[-3]
    start = time.monotonic()
    again = learner_run(SOLUTIONS, servers)
    assert again.returncode == 0 and "21 passed" in again.stdout
    assert server_pids(servers) == [pid]
    assert time.monotonic() - start < 20


def test_a_server_that_cannot_start_leaves_the_run_to_pytest(servers, submission, monkeypatch):
    from autograder.learner import server

    monkeypatch.setenv("XDG_RUNTIME_DIR", servers["XDG_RUNTIME_DIR"])
    # where the server would keep its lock file, a folder: it cannot start
    (server.socket_dir() / f"{server.fingerprint()}.sock.lock").mkdir()
    run = learner_run(submission(), servers)
    assert run.returncode == 0 and "21 passed" in run.stdout, run.stdout
    assert server_pids(servers) == []
