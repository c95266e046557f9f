"""The fork server's client side: a confined, preloaded process that forks one fresh worker
per submission (worker.py ``zygote()`` is the server side).

Started once per grading process and configuration, it has numpy and matplotlib imported,
so a worker costs milliseconds, not half a second of imports. It runs from a private copy of
the worker script (the kit itself is out of its sight) and runs no submitted code itself.
It is started in as little of the machine as possible: inside bubblewrap where namespaces
work (``environment.sandbox_mode()``), seeing only the runtime, the packages, its own folder
and (read-only) the staging folder the grader prepares submissions in; it copies each
submission into a size-capped tmpfs of its own. Each forked worker then confines itself with
``confine.confine_self`` before any submitted code runs.
"""

from __future__ import annotations

import atexit
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from . import confine
from .environment import (
    bwrap_read_only,
    hidden_paths,
    matplotlib_cache,
    sandbox_mode,
    site_package_dirs,
    work_base,
    worker_env,
    worker_policy,
)

HERE = Path(__file__).resolve().parent
WORKER_SCRIPT = HERE / "worker.py"
# what the fork server runs, copied out of the kit
SCRIPTS = [WORKER_SCRIPT, HERE / "protocol.py", HERE / "confine.py"]
BOX = "/nnkit-box"  # inside bubblewrap: the server's size-capped tmpfs for the submissions' copies
SCRATCH = (
    "/nnkit-scratch"  # inside bubblewrap: the workers' size-capped scratch tmpfs (their TMPDIR)
)
CPU_SECONDS = 120  # a worker's whole life
SCRATCH_MB = 256  # the tmpfs /tmp, BOX and SCRATCH inside bubblewrap


class Zygote:
    """The fork server (``worker.py --zygote``), one per grading process and configuration."""

    _running: dict[tuple, "Zygote"] = {}

    @classmethod
    def get(cls, memory_mb, cpu_seconds) -> "Zygote":
        key = (memory_mb, cpu_seconds)
        zygote = cls._running.get(key)
        if zygote is None or zygote.proc.poll() is not None:
            zygote = cls._running[key] = cls(memory_mb, cpu_seconds)
        return zygote

    @classmethod
    def stop_all(cls, wait: float = 5.0) -> None:
        for zygote in list(cls._running.values()):
            zygote.stop(wait)
        cls._running.clear()

    def __init__(self, memory_mb, cpu_seconds, limits_only: bool = False):
        if limits_only:
            self._start_limits_only(memory_mb, cpu_seconds)
            return
        mode = sandbox_mode()
        self.home = Path(tempfile.mkdtemp(prefix="nnkit-zygote-"))
        os.chmod(self.home, 0o755)
        # The kit (and the scripts in it) is out of the server's reach: run copies.
        for source in SCRIPTS:
            shutil.copyfile(source, self.home / source.name)
            os.chmod(self.home / source.name, 0o644)
        (self.home / "mpl").mkdir()
        for path in matplotlib_cache():  # the font list, so matplotlib does not rebuild it
            shutil.copyfile(path, self.home / "mpl" / path.name)
        policy = worker_policy(memory_mb, cpu_seconds, self.home)
        self.control, theirs = socket.socketpair()
        env = {
            **worker_env(),
            "HOME": str(self.home),
            "MPLCONFIGDIR": str(self.home / "mpl"),
            "NNKIT_POLICY": json.dumps(policy.__dict__),
        }
        argv = [
            sys.executable,
            "-I",
            "-S",
            str(self.home / WORKER_SCRIPT.name),
            "--zygote",
            str(theirs.fileno()),
            *site_package_dirs(),
        ]
        user = None
        if mode["bwrap"]:
            env.update(NNKIT_BOX=BOX, NNKIT_SCRATCH=SCRATCH)
            prefix = confine.bwrap_argv(
                mode["bwrap"],
                read_only=bwrap_read_only(),
                base=BOX,
                scratch=SCRATCH,
                tmp_mb=SCRATCH_MB,
                read_only_elsewhere=[str(self.home), str(work_base())],
                chdir=str(self.home),
                hide=hidden_paths(),
            )
            argv = [*prefix, *(a for k, v in env.items() for a in ("--setenv", k, v)), *argv]
            if mode[
                "nobody"
            ]:  # the whole server as nobody: RLIMIT_NPROC then holds for its workers
                user = confine.NOBODY_UID
        self.cgroup = make_cgroup(mode, policy.processes)
        self.proc = subprocess.Popen(
            argv,
            cwd=self.home,
            env=env,
            pass_fds=(theirs.fileno(),),
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            start_new_session=True,
            user=user,
            group=user,
            extra_groups=[] if user is not None else None,
            preexec_fn=(lambda: enter_cgroup(self.cgroup)) if self.cgroup else None,
        )
        theirs.close()
        atexit.register(self.stop)

    def _start_limits_only(self, memory_mb, cpu_seconds) -> None:
        """The learner's own machine (learner/server.py): the same preloaded fork server with
        the limits and no jail, run from the kit in place, its workers in the learner's folder."""
        self.home, self.cgroup = None, None
        policy = confine.Policy(memory_mb=memory_mb, cpu_seconds=cpu_seconds, processes=4096)
        self.control, theirs = socket.socketpair()
        self.proc = subprocess.Popen(
            [
                sys.executable,
                "-I",
                "-S",
                str(WORKER_SCRIPT),
                "--zygote",
                str(theirs.fileno()),
                *site_package_dirs(),
            ],
            env={
                **worker_env(),
                "NNKIT_POLICY": json.dumps(policy.__dict__),
                "NNKIT_LIMITS_ONLY": "1",
            },
            pass_fds=(theirs.fileno(),),
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            start_new_session=True,
        )
        theirs.close()
        atexit.register(self.stop)

    def _ask(self, request: dict, fds=()) -> dict:
        socket.send_fds(self.control, [json.dumps(request).encode()], list(fds))
        reply = self.control.recv(4096)
        if not reply:
            raise OSError("the worker's fork server stopped")
        return json.loads(reply)

    def fork(self, workdir: Path, in_fd: int, out_fd: int, paths=()) -> int:
        request = {"op": "fork", "workdir": str(workdir)}
        if paths:  # importable after the workdir (the given files), limits-only servers
            request["paths"] = [str(p) for p in paths]
        reply = self._ask(request, (in_fd, out_fd))
        if "pid" not in reply:
            raise OSError(f"the fork server could not start a worker: {reply.get('error')}")
        return reply["pid"]

    def end(self, pid: int, grace: float = 0.0) -> int | None:
        try:
            return self._ask({"op": "end", "pid": pid, "grace": grace})["code"]
        except (OSError, ValueError):
            return None

    def stop(self, wait: float = 5.0) -> None:
        """End the server and everything it started: SIGTERM makes it kill all its descendants
        (it is their subreaper) before it exits; bubblewrap's end takes its whole PID namespace
        along; after ``wait`` seconds whatever is left of its session, and of its cgroup, is
        killed."""
        if self.proc.returncode is None:
            self.control.close()
            try:
                self.proc.send_signal(signal.SIGTERM)
                self.proc.wait(timeout=wait)
            except (OSError, subprocess.TimeoutExpired):
                pass
            try:
                os.killpg(self.proc.pid, signal.SIGKILL)
            except OSError:
                pass
            self.proc.wait()
        if self.home is not None:
            shutil.rmtree(self.home, ignore_errors=True)
        if self.cgroup:
            remove_cgroup(self.cgroup)
            self.cgroup = None


def make_cgroup(mode: dict, processes: int) -> str | None:
    """As root without nobody, RLIMIT_NPROC does not hold: a pids cgroup for the whole fork
    server (its own few tasks, bwrap's two, and one worker's ``processes`` at a time)."""
    if not mode["cgroup"]:
        return None
    path = os.path.join(
        mode["cgroup"], f"nnkit-{os.getpid()}-{len(Zygote._running)}-{time.monotonic_ns()}"
    )
    try:
        os.mkdir(path)
        with open(os.path.join(path, "pids.max"), "w") as f:
            f.write(str(processes + 16))
    except OSError:
        return None
    return path


def enter_cgroup(path: str) -> None:
    with open(os.path.join(path, "cgroup.procs"), "w") as f:
        f.write(str(os.getpid()))


def remove_cgroup(path: str) -> None:
    try:  # anything still in it (it should be empty by now)
        with open(os.path.join(path, "cgroup.procs")) as f:
            for pid in f.read().split():
                os.kill(int(pid), signal.SIGKILL)
    except (OSError, ValueError):
        pass
    for _ in range(50):
        try:
            os.rmdir(path)
            return
        except OSError:
            time.sleep(0.02)
