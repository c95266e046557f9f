"""Running submitted code: in a worker process (grading) or in-process (public tests).

Both runners answer ``call(module, function, kwargs) -> Outcome``; the checks never know
which one ran the code. The worker runner is the one that grades: the submission runs in a
separate process with its own process group, a memory cap and a per-call time limit, and a
hang or crash costs that call only (the next call starts a fresh worker).
"""
from __future__ import annotations

import os
import resource
import select
import signal
import struct
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

from . import worker
from .worker import Value

WORKER_SCRIPT = Path(worker.__file__)
MAX_REPLY = 512 << 20  # bytes; a larger reply is refused, not read


@dataclass
class Outcome:
    """What one call did. ``status`` is "ok" or names what went wrong."""

    status: str
    value: Value | None = None
    stdout: str = ""
    modified: list[str] = field(default_factory=list)
    detail: dict = field(default_factory=dict)


def outcome_from_reply(reply) -> Outcome:
    """Validate a reply shape-by-shape: it came from untrusted code."""
    if not isinstance(reply, dict) or not isinstance(reply.get("status"), str):
        return Outcome("bad_reply")
    value = reply.get("value")
    if value is not None and not isinstance(value, Value):
        return Outcome("bad_reply")
    modified = reply.get("modified", [])
    if not (isinstance(modified, list) and all(isinstance(m, str) for m in modified)):
        return Outcome("bad_reply")
    detail = {k: v for k, v in reply.items() if k not in ("status", "value", "stdout", "modified")}
    return Outcome(reply["status"], value, str(reply.get("stdout", "")), modified, detail)


class InProcessRunner:
    """Calls the learner's functions directly: fast feedback for ``pytest exercises``."""

    def __init__(self, root: Path):
        self.root = str(root)

    def call(self, module: str, function: str, kwargs: dict, timeout: float | None = None) -> Outcome:
        return outcome_from_reply(worker.run_call({"module": module, "function": function, "kwargs": kwargs}, self.root))

    def close(self) -> None:
        pass


class WorkerRunner:
    """Calls the learner's functions in a separate, limited process rooted at ``workdir``."""

    def __init__(self, workdir: Path, timeout: float = 10.0, memory_mb: int = 2048, extra_paths=()):
        self.workdir, self.timeout, self.memory_mb = Path(workdir), timeout, memory_mb
        self.extra_paths = [str(p) for p in extra_paths]  # importable after workdir (given files)
        self.proc: subprocess.Popen | None = None

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    def _spawn(self) -> None:
        to_worker_r, self._to_worker = os.pipe()
        self._from_worker, from_worker_w = os.pipe()
        env = {
            "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
            "HOME": str(self.workdir),
            "MPLBACKEND": "Agg",  # plt.show() must never block
            "MPLCONFIGDIR": str(self.workdir / ".matplotlib"),
            "NNKIT_OFFLINE": "1",  # graded code never reaches the network
            "OPENBLAS_NUM_THREADS": "1", "OMP_NUM_THREADS": "1", "MKL_NUM_THREADS": "1",
            "PYTHONDONTWRITEBYTECODE": "1",
        }
        memory = self.memory_mb << 20

        def limit():  # runs in the child before exec
            resource.setrlimit(resource.RLIMIT_AS, (memory, memory))
            resource.setrlimit(resource.RLIMIT_CORE, (0, 0))

        self.proc = subprocess.Popen(
            [sys.executable, "-I", str(WORKER_SCRIPT), str(to_worker_r), str(from_worker_w), *self.extra_paths],
            cwd=self.workdir, env=env, pass_fds=(to_worker_r, from_worker_w),
            stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
            start_new_session=True, preexec_fn=limit,
        )
        os.close(to_worker_r)
        os.close(from_worker_w)

    def call(self, module: str, function: str, kwargs: dict, timeout: float | None = None) -> Outcome:
        timeout = self.timeout if timeout is None else timeout
        if self.proc is None:
            self._spawn()
        request = worker.encode({"module": module, "function": function, "kwargs": kwargs})
        try:
            worker.write_frame(self._to_worker, request)
            data = self._read(time.monotonic() + timeout)
        except TimeoutError:
            self._kill()
            return Outcome("timeout", detail={"seconds": timeout})
        except (OSError, EOFError):
            code = self._kill()
            return Outcome("crashed", detail={"returncode": code})
        if data is None:
            return Outcome("bad_reply")
        try:
            return outcome_from_reply(worker.decode(data))
        except Exception:
            return Outcome("bad_reply")

    def _read(self, deadline: float) -> bytes | None:
        head = self._read_exact(8, deadline)
        (size,) = struct.unpack(">Q", head)
        if size > MAX_REPLY:
            self._kill()
            return None
        return self._read_exact(size, deadline)

    def _read_exact(self, size: int, deadline: float) -> bytes:
        chunks, left = [], size
        while left:
            wait = deadline - time.monotonic()
            if wait <= 0 or not select.select([self._from_worker], [], [], wait)[0]:
                raise TimeoutError
            chunk = os.read(self._from_worker, min(left, 1 << 20))
            if not chunk:
                raise EOFError
            chunks.append(chunk)
            left -= len(chunk)
        return b"".join(chunks)

    def _kill(self) -> int | None:
        """End the worker and everything it started; the next call spawns a fresh one."""
        if self.proc is None:
            return None
        try:
            os.killpg(self.proc.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        code = self.proc.wait()
        for fd in (self._to_worker, self._from_worker):
            os.close(fd)
        self.proc = None
        return code

    def close(self) -> None:
        self._kill()
