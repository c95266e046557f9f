"""The fork server's client side: a confined, preloaded process that forks one fresh worker
per submission (worker.py ``zygote()`` is the server side).

Started once per grading process and configuration, it has numpy and matplotlib imported,
so a worker costs milliseconds, not half a second of imports. It runs from a private copy of
the worker script (the kit itself is out of its sight) and runs no submitted code itself.
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
from pathlib import Path

from . import confine as jail
from .environment import matplotlib_cache, site_package_dirs, worker_env

HERE = Path(__file__).resolve().parent
WORKER_SCRIPT = HERE / "worker.py"
SCRIPTS = [WORKER_SCRIPT, HERE / "protocol.py"]  # what the fork server runs, copied out of the kit


class Zygote:
    """The confined fork server (``worker.py --zygote``): started once per grading process
    and configuration, it has numpy and matplotlib imported and forks a fresh worker per
    submission, so a worker costs milliseconds, not half a second of imports."""

    _running: dict[tuple, "Zygote"] = {}

    @classmethod
    def get(cls, hide, ids, memory_mb, cpu_seconds) -> "Zygote":
        key = (tuple(hide), ids, memory_mb, cpu_seconds)
        zygote = cls._running.get(key)
        if zygote is None or zygote.proc.poll() is not None:
            zygote = cls._running[key] = cls(hide, ids, memory_mb, cpu_seconds)
        return zygote

    def __init__(self, hide, ids, memory_mb, cpu_seconds):
        self.home = Path(tempfile.mkdtemp(prefix="nnkit-zygote-"))
        os.chmod(self.home, 0o755)
        # The kit (and the worker script in it) is hidden from the server: run a copy.
        for source in SCRIPTS:
            shutil.copyfile(source, self.home / source.name)
            os.chmod(self.home / source.name, 0o644)
        script = self.home / WORKER_SCRIPT.name
        (self.home / "mpl").mkdir()
        for path in matplotlib_cache():  # the font list, so matplotlib does not rebuild it
            shutil.copyfile(path, self.home / "mpl" / path.name)
        if ids:
            for path in [self.home / "mpl", *(self.home / "mpl").iterdir()]:
                os.chown(path, *ids)
        self.control, theirs = socket.socketpair()
        env = {**worker_env(), "HOME": str(self.home), "MPLCONFIGDIR": str(self.home / "mpl"),
               "NNKIT_PID_NAMESPACE": "1" if hide else "0"}
        self.proc = subprocess.Popen(
            [sys.executable, "-I", "-S", str(script), "--zygote", str(theirs.fileno()), *site_package_dirs()],
            cwd=self.home, env=env, pass_fds=(theirs.fileno(),),
            stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
            start_new_session=True, preexec_fn=jail.confine(hide, ids, memory_mb, cpu_seconds))
        theirs.close()
        atexit.register(self.stop)

    def _ask(self, request: dict, fds=()) -> dict:
        socket.send_fds(self.control, [json.dumps(request).encode()], list(fds))
        reply = self.control.recv(4096)
        if not reply:
            raise OSError("the worker's fork server stopped")
        return json.loads(reply)

    def fork(self, workdir: Path, in_fd: int, out_fd: int) -> int:
        return self._ask({"op": "fork", "workdir": str(workdir)}, (in_fd, out_fd))["pid"]

    def end(self, pid: int, grace: float = 0.0) -> int | None:
        try:
            return self._ask({"op": "end", "pid": pid, "grace": grace})["code"]
        except (OSError, ValueError):
            return None

    def stop(self) -> None:
        self.control.close()  # the server reads end-of-file and exits, ending its namespace
        try:
            self.proc.wait(timeout=5)
        except subprocess.TimeoutExpired:
            os.killpg(self.proc.pid, signal.SIGKILL)
        shutil.rmtree(self.home, ignore_errors=True)
