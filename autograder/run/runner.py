"""Running submitted code: in a worker process (grading) or in-process (public tests).

Both runners answer ``call(module, function, kwargs) -> Outcome``; the checks never know
which one ran the code. The worker runner is the one that grades: the submission runs in a
separate process with its own process group, a memory cap and a per-call time limit, and a
hang or crash costs that call only (the next call starts a fresh worker). Confined workers
are forked by a fork server (forkserver.py).
"""

from __future__ import annotations

import atexit
import os
import select
import shutil
import signal
import struct
import subprocess
import sys
import tempfile
import time
import weakref
from dataclasses import dataclass, field
from pathlib import Path

from . import confine as confinement
from . import protocol, worker
from .environment import isolation_summary, sandbox_mode, work_base
from .forkserver import CPU_SECONDS, Zygote
from .protocol import Value
from .start import Started, start_worker

MAX_REPLY = 512 << 20  # bytes; a larger reply is refused, not read


@dataclass
class Outcome:
    """What one call did. ``status`` is "ok" or names what went wrong."""

    status: str
    value: Value | None = None
    stdout: str = ""
    modified: list[str] = field(default_factory=list)
    detail: dict = field(default_factory=dict)


_BIDI = {0x061C, 0x200E, 0x200F, *range(0x202A, 0x202F), *range(0x2066, 0x206A)}
_UNSAFE = {
    c: (f"\\x{c:02x}" if c < 0x100 else f"\\u{c:04x}")
    for c in [*range(0x20), *range(0x7F, 0xA0), *_BIDI]
    if c not in (0x0A, 0x09)
}


def clean_text(text: str) -> str:
    """``text`` with every control character (ESC and so every ANSI/OSC escape sequence, CR,
    BEL, backspace, C1 controls) and bidirectional override shown as a visible escape such as
    ``\\x1b``: what submitted code prints or raises never drives the instructor's terminal.
    Newlines and tabs stay."""
    return text.translate(_UNSAFE)


def clean(obj):
    """Every string in ``obj`` (dicts, lists, tuples, Values, nested) cleaned; other data as is."""
    if isinstance(obj, str):
        return clean_text(obj)
    if isinstance(obj, dict):
        return {clean(k): clean(v) for k, v in obj.items()}
    if isinstance(obj, (list, tuple)):
        return type(obj)(clean(x) for x in obj)
    if isinstance(obj, Value):
        obj.type, obj.text = clean_text(obj.type), clean_text(obj.text)
        obj.items = clean(obj.items) if obj.items is not None else None
        obj.figure = clean(obj.figure) if obj.figure is not None else None
    return obj


def outcome_from_reply(reply) -> Outcome:
    """Validate a reply shape-by-shape, and clean every string in it: it came from untrusted
    code (the printed output, exception messages, reprs, "where" lines, figure titles)."""
    if not isinstance(reply, dict) or not isinstance(reply.get("status"), str):
        return Outcome("bad_reply")
    value = reply.get("value")
    if value is not None and not isinstance(value, Value):
        return Outcome("bad_reply")
    modified = reply.get("modified", [])
    if not (isinstance(modified, list) and all(isinstance(m, str) for m in modified)):
        return Outcome("bad_reply")
    detail = {k: v for k, v in reply.items() if k not in ("status", "value", "stdout", "modified")}
    return Outcome(
        clean_text(reply["status"]),
        clean(value),
        clean_text(str(reply.get("stdout", ""))),
        clean(modified),
        clean(detail),
    )


class InProcessRunner:
    """Calls the learner's functions directly: fast feedback for ``pytest exercises``."""

    def __init__(self, root: Path):
        self.root = str(root)

    def call(
        self, module: str, function: str, kwargs: dict, timeout: float | None = None
    ) -> Outcome:
        request = {"module": module, "function": function, "kwargs": kwargs}
        return outcome_from_reply(worker.run_call(request, self.root))

    def close(self) -> None:
        pass


class WorkerRunner:
    """Calls the learner's functions in a separate, limited process rooted at ``workdir``.

    ``confine=True`` (grading) adds the confinement: workers are forked by a fork server
    (started inside bubblewrap where the machine allows it) that runs a copy of the worker
    script from outside the kit, and each worker confines itself (``confine.py``) before any
    submitted code runs.
    """

    def __init__(
        self,
        workdir: Path,
        timeout: float = 10.0,
        memory_mb: int = 2048,
        extra_paths=(),
        confine: bool = False,
        fork_server: Zygote | None = None,
    ):
        self.workdir, self.timeout, self.memory_mb = Path(workdir), timeout, memory_mb
        # unconfined workers forked by this limits-only fork server (the learners' warm server)
        self.fork_server = fork_server
        self.extra_paths = [str(p) for p in extra_paths]  # importable after workdir (given files)
        self.cpu_seconds = CPU_SECONDS  # a whole worker's life; wall-clock limits are per call
        self.confined = confine
        if confine and work_base() not in self.workdir.resolve().parents:
            # the fork server sees only the staging folder: stage a copy (links copied as links)
            staged = Path(tempfile.mkdtemp(dir=work_base())) / "work"
            shutil.copytree(self.workdir, staged, symlinks=True)
            atexit.register(shutil.rmtree, staged.parent, True)
            self.workdir = staged
        if (
            confine and sandbox_mode()["nobody"]
        ):  # the worker, as nobody, owns its folder and nothing else
            for path in [self.workdir, *self.workdir.rglob("*")]:
                os.chown(
                    path, confinement.NOBODY_UID, confinement.NOBODY_GID, follow_symlinks=False
                )
        self.hung: dict[str, Outcome] = {}  # "module.function" -> the timeout it caused
        self.pid: int | None = None  # the running worker (as its fork server knows it, if any)
        self.proc: subprocess.Popen | None = None  # the running worker, if not forked by a server
        self._pending = 0  # replies to warm-up requests not read yet

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    _live: "weakref.WeakSet[WorkerRunner]" = weakref.WeakSet()  # confined runners with a worker

    def _spawn(self) -> None:
        if self.confined:
            # The fork server ends everything left in its namespace when a worker ends: one live
            # worker per grading process at a time (grading alternates between runners).
            for other in list(WorkerRunner._live):
                if other is not self:
                    other._kill()
            WorkerRunner._live.add(self)
        if not self.confined and self.fork_server is None:
            self.adopt(
                start_worker(self.workdir, self.extra_paths, self.memory_mb, self.cpu_seconds)
            )
            return
        to_worker_r, self._to_worker = os.pipe()
        self._from_worker, from_worker_w = os.pipe()
        try:  # a fork of the preloaded (confined, or limits-only) fork server
            paths = self.extra_paths if self.fork_server is not None else ()
            self.pid = self._zygote().fork(self.workdir, to_worker_r, from_worker_w, paths)
        except BaseException as exc:
            for fd in (self._to_worker, self._from_worker):
                os.close(fd)
            if self.fork_server is None or not isinstance(exc, OSError):
                raise
            # the limits-only server is gone (the learner's code may end it): workers are
            # started the slow way for the rest of this run
            self.fork_server = None
        finally:
            os.close(to_worker_r)
            os.close(from_worker_w)
        if self.pid is None:
            self._spawn()

    def start(self) -> "WorkerRunner":
        """Start the worker now (it imports numpy while the caller goes on), not at the first call."""
        if self.pid is None:
            self._spawn()
        return self

    def adopt(self, started: Started) -> None:
        """Use an unconfined worker already started (``start.start_worker``) for this folder."""
        self.proc, self.pid = started.proc, started.proc.pid
        self._to_worker, self._from_worker = started.to_worker, started.from_worker

    def precompile(self, names: list[str]) -> list[str]:
        """Put bytecode for the submission's files ``names`` beside them, so that the fresh
        workers that follow import without compiling (about 5 ms a file, in every worker).
        It is made by a worker of its own, given no test input and then ended: what it
        returns reaches the later workers only as the bytecode of the submission's own files
        (a pyc whose header does not match its source is ignored by Python). Returns the
        files written."""
        import re

        outcome = self.call_raw({"compile": True})
        self._kill()
        pycs = outcome.get("pycs") if isinstance(outcome, dict) else None
        if not isinstance(pycs, dict):
            return []
        cache = self.workdir / "__pycache__"
        written = []
        for name, data in pycs.items():
            source = self.workdir / str(name)
            if (
                name not in names
                or not re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*\.py", str(name))
                or not source.is_file()
                or source.is_symlink()
                or not hasattr(data, "tobytes")
                or data.nbytes > 8 << 20
            ):
                continue
            try:
                cache.mkdir(mode=0o755, exist_ok=True)
                target = cache / f"{source.stem}.{sys.implementation.cache_tag}.pyc"
                fd = os.open(target, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW, 0o644)
                with os.fdopen(fd, "wb") as f:
                    f.write(data.tobytes())
                written.append(name)
            except OSError:
                continue
        return written

    def call_raw(self, request: dict, timeout: float = 10.0) -> dict | None:
        """One request other than a call (see worker.serve), its reply as sent; None if none."""
        if self.pid is None:
            try:
                self._spawn()
            except (OSError, subprocess.SubprocessError):
                return None
        try:
            protocol.write_frame(self._to_worker, protocol.encode(request))
            data = self._read(time.monotonic() + timeout)
            return protocol.decode(data) if data is not None else None
        except Exception:
            self._kill()
            return None

    def warm(self, modules: list[str]) -> None:
        """Ask the worker to import ``modules`` (e.g. matplotlib) while it would wait anyway;
        the reply is read before the next call's. Submitted code is not run."""
        if not modules:
            return
        if self.pid is None:
            self._spawn()
        try:
            protocol.write_frame(self._to_worker, protocol.encode({"warm": list(modules)}))
            self._pending += 1
        except OSError:
            pass

    def _zygote(self) -> Zygote:
        return self.fork_server or Zygote.get(self.memory_mb, self.cpu_seconds)

    def call(
        self, module: str, function: str, kwargs: dict, timeout: float | None = None
    ) -> Outcome:
        timeout = self.timeout if timeout is None else timeout
        key = f"{module}.{function}"
        if key in self.hung:  # one hang costs its unit once, not a time limit per call
            return self.hung[key]
        if self.pid is None:
            try:
                self._spawn()
            except (OSError, subprocess.SubprocessError) as exc:  # the grader must not crash
                return Outcome("no_worker", detail={"error": str(exc)})
        request = protocol.encode(
            {"module": module, "function": function, "kwargs": kwargs, "timeout": timeout}
        )
        try:
            while self._pending:  # the warm-up's reply (imports only: no time limit of the call's)
                self._read(time.monotonic() + 60)
                self._pending -= 1
            protocol.write_frame(self._to_worker, request)
            data = self._read(time.monotonic() + timeout + 2)  # grace for the worker's own limit
        except TimeoutError:
            self._kill()
            return self._hung(key, Outcome("timeout", detail={"seconds": timeout}))
        except (OSError, EOFError):
            code = self._kill(grace=1.0)  # it is ending anyway: let it say how
            if code in (-signal.SIGXCPU, worker.CPU_EXIT):
                return Outcome("cpu", detail={"seconds": self.cpu_seconds})
            return Outcome("crashed", detail={"returncode": code})
        if data is None:
            return Outcome("bad_reply")
        try:
            outcome = outcome_from_reply(protocol.decode(data))
        except Exception:
            return Outcome("bad_reply")
        if outcome.status == "timeout":
            self._kill()  # the interrupted code may have left the worker in any state
            outcome.detail["seconds"] = timeout
            return self._hung(key, outcome)
        if outcome.status == "raised" and outcome.detail.get("type") == "MemoryError":
            return Outcome(
                "memory",
                stdout=outcome.stdout,
                detail={**outcome.detail, "memory_mb": self.memory_mb},
            )
        return outcome

    def _hung(self, key: str, outcome: Outcome) -> Outcome:
        self.hung[key] = outcome
        inner = outcome.detail.get("function")
        if inner and outcome.detail.get("file"):  # where it was stuck: that function hangs too
            self.hung.setdefault(f"{Path(outcome.detail['file']).stem}.{inner}", outcome)
        return outcome

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

    def _kill(self, grace: float = 0.0) -> int | None:
        """End the worker and everything it started; the next call spawns a fresh one."""
        if self.pid is None:
            return None
        if self.proc is None:  # forked by the server, which ends it (and what it left behind)
            code = self._zygote().end(self.pid, grace)
        else:
            try:
                self.proc.wait(timeout=grace)
            except subprocess.TimeoutExpired:
                pass
            try:
                os.killpg(self.proc.pid, signal.SIGKILL)
            except (ProcessLookupError, PermissionError):
                pass
            code = self.proc.wait()
            self.proc = None
        for fd in (self._to_worker, self._from_worker):
            os.close(fd)
        self.pid, self._pending = None, 0
        return code

    def fresh(self) -> None:
        """The next call starts a fresh worker (forked in milliseconds): each unit's exceptions
        then quote the line that raised, not a line left from an earlier call's bytecode."""
        self._kill()

    def close(self) -> None:
        self._kill()


__all__ = ["Outcome", "WorkerRunner", "InProcessRunner", "isolation_summary", "outcome_from_reply"]
