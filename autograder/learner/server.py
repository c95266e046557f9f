"""The learners' warm server: ``pytest exercises`` without paying for the imports each run.

Every run of ``pytest exercises`` would otherwise import numpy and the checks in pytest's
process and numpy and matplotlib in a fresh worker (about 1 s of a 2-core machine). The
first run starts this server in the background; it imports all that once and then, for each
run, forks a session (session.py: the checks, in a process of their own) whose workers are
forked from a warm limits-only fork server (run/forkserver.py), so nothing of one run is
left for the next: every run imports the learner's files afresh. The plugin then only
sends test ids and reads sentences back.

- Only its own user can reach it: a socket in a folder of that user's alone (0700, checked),
  and each connection's peer credentials checked.
- One server per Python and per state of the kit and its packages (their files' sizes and
  times are in the socket's name): after an edit to the kit, an install or an upgrade, the
  next run starts a fresh one, which ends the old one.
- It ends after IDLE_SECONDS without a run, and with ``python -m autograder server --stop``.
- One run at a time: a second run while one is going on (or any failure to reach the
  server) runs as before, in pytest's own process and a fresh worker. NNKIT_SERVER=0 turns
  the server off; Linux only (elsewhere, the same fallback).

Run as ``python -m autograder.learner.server SOCKET``; the client side (``open_session``) is
standard library only, so that pytest's process imports nothing heavy.
"""

from __future__ import annotations

import hashlib
import json
import os
import select
import signal
import socket
import stat
import struct
import subprocess
import sys
import tempfile
import time
from pathlib import Path

IDLE_SECONDS = 600  # a server with no run for this long ends
CONNECT_SECONDS = 10.0  # a fresh server listens well within this
READY_SECONDS = 60.0  # a cold server is warm (numpy, matplotlib, the checks) well within this
PACKAGE = Path(__file__).resolve().parents[1]  # autograder/


class ServerGone(ConnectionError):
    """The server could not be reached, is busy with another run, or stopped mid-run."""


# --- where the server is, and which one -------------------------------------------------------


def socket_dir() -> Path | None:
    """This user's private folder for the servers' sockets, None if it is not safe to use
    (not a folder, not this user's, open to others)."""
    base = os.environ.get("XDG_RUNTIME_DIR") or tempfile.gettempdir()
    folder = Path(base) / f"nnkit-{os.getuid()}"
    try:
        os.mkdir(folder, 0o700)
    except FileExistsError:
        pass
    except OSError:
        return None
    st = os.lstat(folder)
    if not stat.S_ISDIR(st.st_mode) or st.st_uid != os.getuid() or st.st_mode & 0o077:
        return None
    return folder


def fingerprint() -> str:
    """The socket's name, WHERE-STATE. WHERE names this Python and this kit; STATE the state
    the server would be warm with: the kit's files (sizes and modification times) and the
    folders the packages are imported from (an install changes them). Nothing that depends
    on where pytest runs from."""
    where = hashlib.sha256(f"{sys.executable}\0{sys.version}\0{PACKAGE}".encode())
    h = where.copy()
    stack = [str(PACKAGE)]
    from ..paths import EXERCISES

    stack.append(str(EXERCISES / "data"))
    while stack:
        with os.scandir(stack.pop()) as entries:
            for e in sorted(entries, key=lambda e: e.name):
                if e.name == "__pycache__":
                    continue
                if e.is_dir(follow_symlinks=False):
                    stack.append(e.path)
                else:
                    st = e.stat(follow_symlinks=False)
                    h.update(f"{e.path}\0{st.st_size}\0{st.st_mtime_ns}\0".encode())
    from ..run.environment import site_package_dirs

    for folder in site_package_dirs():
        try:
            h.update(f"{folder}\0{os.stat(folder).st_mtime_ns}\0".encode())
        except OSError:
            pass
    return f"{where.hexdigest()[:8]}-{h.hexdigest()[:12]}"


def enabled() -> bool:
    return sys.platform.startswith("linux") and os.environ.get("NNKIT_SERVER", "1") not in (
        "0",
        "off",
        "no",
        "false",
    )


# --- the client: pytest's side ----------------------------------------------------------------


class RemoteSession:
    """A session run by the server, answering as session.PublicSession does (``ids``, ``run``).
    ``plan`` sends the tests pytest will run: the server then runs them one after another and
    sends each verdict as soon as it is made, while pytest reports the earlier ones. Every
    method raises ServerGone if the server cannot answer."""

    def __init__(self, sock: socket.socket):
        self.sock, self.file = sock, sock.makefile("rwb")
        self.ready = False
        self.planned: set | None = None
        self.verdicts: dict[tuple[str, str], tuple[bool, str]] = {}

    def _send(self, request: dict) -> None:
        try:
            if not self.ready:  # the answer to the hello, read at the first use
                self.sock.settimeout(READY_SECONDS)
                hello = json.loads(self.file.readline() or b"null")
                if not (isinstance(hello, dict) and hello.get("ok")):
                    raise ServerGone((hello or {}).get("error", "the server is busy"))
                self.ready = True
            self.file.write(json.dumps(request).encode() + b"\n")
            self.file.flush()
        except (OSError, ValueError) as exc:
            self.close()
            raise ServerGone(str(exc)) from exc

    def _read(self, timeout: float | None = None) -> dict:
        try:
            self.sock.settimeout(timeout)
            reply = json.loads(self.file.readline() or b"null")
        except (OSError, ValueError) as exc:
            self.close()
            raise ServerGone(str(exc)) from exc
        if not isinstance(reply, dict) or "error" in reply:
            self.close()
            raise ServerGone((reply or {}).get("error", "no answer"))
        return reply

    def ids(self) -> list[tuple[str, str]]:
        self._send({"op": "ids"})
        return [tuple(pair) for pair in self._read(READY_SECONDS)["value"]]

    def plan(self, tests: list[tuple[str, str]]) -> None:
        self._send({"op": "plan", "tests": [list(t) for t in tests]})
        self.planned = set(tests)

    def run(self, unit_id: str, test_name: str) -> tuple[bool, str]:
        key = (unit_id, test_name)
        if self.planned is None:
            self._send({"op": "run", "unit": unit_id, "test": test_name})
            passed, message = self._read()["value"]
            return bool(passed), str(message)
        if key not in self.planned:
            raise ServerGone(f"{key} was not planned")
        while key not in self.verdicts:  # the verdicts come in the planned order
            u, t, passed, message = self._read()["verdict"]
            self.verdicts[str(u), str(t)] = (bool(passed), str(message))
        return self.verdicts.pop(key)

    def close(self) -> None:
        for closable in (self.file, self.sock):
            try:
                closable.close()
            except OSError:
                pass


def _connect(path: Path) -> socket.socket | None:
    sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    try:
        sock.connect(str(path))
        return sock
    except OSError:
        sock.close()
        return None


def open_session(submission: Path, timeout: float, feedback: str) -> RemoteSession | None:
    """A session on this user's warm server, started if there is none; None where the server
    is off or cannot be reached (the caller then runs the tests itself). Returns at once: the
    server's answer is read at the session's first use, while pytest goes on collecting."""
    if not enabled():
        return None
    folder = socket_dir()
    if folder is None:
        return None
    path = folder / f"{fingerprint()}.sock"
    if len(os.fsencode(path)) > 100:  # a socket's path has at most 107 bytes
        return None
    sock = _connect(path)
    if sock is None:
        if not _start(path):
            return None
        sock = _connect(path)
        if sock is None:
            return None
    hello = {
        "submission": str(submission),
        "timeout": timeout,
        "feedback": feedback,
        "cwd": os.getcwd(),
    }
    try:
        sock.sendall(json.dumps(hello).encode() + b"\n")
    except OSError:
        sock.close()
        return None
    return RemoteSession(sock)


def _start(path: Path) -> bool:
    """Start a server for ``path`` in a session of its own, detached from this terminal;
    whether one listens there now (this one, or another started at the same moment)."""
    env = dict(os.environ)
    # the kit importable from anywhere, as this process imports it
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(PACKAGE.parent), env.get("PYTHONPATH")]))
    try:  # it forks: the process started here ends as soon as the server listens, or fails
        starter = subprocess.run(
            [sys.executable, "-m", "autograder.learner.server", str(path)],
            cwd="/",
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            start_new_session=True,
            timeout=CONNECT_SECONDS,
        )
    except (OSError, subprocess.TimeoutExpired):
        return False
    return starter.returncode == 0


def stop_servers(pattern: str = "*.sock") -> int:
    """Ask every server of this user (whose socket's name matches) to end; returns how many."""
    folder = socket_dir()
    asked = 0
    for path in sorted(folder.glob(pattern)) if folder else []:
        sock = _connect(path)
        if sock is None:
            continue
        try:
            sock.sendall(b'{"stop": true}\n')
            sock.settimeout(5)
            sock.recv(1)  # the server closes the connection as it ends
            asked += 1
        except OSError:
            pass
        finally:
            sock.close()
    return asked


# --- the server -------------------------------------------------------------------------------


def _peer_uid(conn: socket.socket) -> int:
    creds = conn.getsockopt(socket.SOL_SOCKET, socket.SO_PEERCRED, struct.calcsize("3i"))
    return struct.unpack("3i", creds)[1]


def serve(path: Path, ready: int) -> None:
    """Listen at ``path`` (then write b"1" to the file descriptor ``ready``) and serve."""
    import fcntl

    lock = open(f"{path}.lock", "a")
    try:
        fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError:
        os.write(ready, b"1")  # another server for this state is starting or running
        return
    try:
        os.unlink(path)  # a socket left by a server that died
    except FileNotFoundError:
        pass
    listener = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    listener.bind(str(path))
    os.chmod(path, 0o600)
    listener.listen(16)
    os.write(ready, b"1")
    os.close(ready)
    inode = os.stat(path).st_ino
    where = path.name.split("-")[0]
    for other in path.parent.glob(f"{where}-*.sock"):  # servers of this kit's earlier states
        if other != path:
            stop_servers(other.name)

    from ..run.forkserver import CPU_SECONDS, Zygote

    def fork_server():
        return Zygote(2048, CPU_SECONDS, limits_only=True)

    zygote = fork_server()  # it imports numpy and matplotlib while this process imports the checks
    # one BLAS thread: the checks' arrays are small, and the sessions are forked from here
    os.environ.update(
        NNKIT_OFFLINE="1",
        MPLBACKEND="Agg",
        OPENBLAS_NUM_THREADS="1",
        OMP_NUM_THREADS="1",
        MKL_NUM_THREADS="1",
    )
    from . import session

    session.public_test_ids()  # every public test built once, before any fork
    import gc

    def settle() -> None:  # what every session shares is kept out of their garbage collections
        gc.collect()
        gc.freeze()

    settle()
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    idle = float(os.environ.get("NNKIT_SERVER_IDLE", IDLE_SECONDS))  # (tests shorten it)
    child, last = None, time.monotonic()
    started, pictures = last, False  # pyplot (pictures of failed checks): after the first run

    def reap(wait: float = 0.0) -> None:
        nonlocal child, last, zygote
        deadline = time.monotonic() + wait
        while child is not None:
            done, status = os.waitpid(child, os.WNOHANG)
            if done:
                child, last = None, time.monotonic()
                if status != 0:  # it may have left the fork server mid-request
                    zygote.stop()
                    zygote = fork_server()
            elif time.monotonic() >= deadline:
                return
            else:
                time.sleep(0.005)

    try:
        while True:
            reap()
            if child is None and time.monotonic() - last > idle:
                return
            if child is None and not pictures and last > started:
                import matplotlib.pyplot  # noqa: F401

                settle()
                pictures = True
            try:
                if os.stat(path).st_ino != inode:
                    return  # the socket is gone or is another server's
            except OSError:
                return
            if not select.select([listener], [], [], 1.0)[0]:
                continue
            conn, _ = listener.accept()
            if _peer_uid(conn) != os.getuid():
                conn.close()
                continue
            reap(wait=2.0)  # the last run's session may still be ending its worker
            if child is not None:  # one run at a time: the other runs on its own
                _send(conn, {"error": "the server is busy with another run"})
                conn.close()
                continue
            if zygote.proc.poll() is not None:  # ended by something a worker did
                zygote = fork_server()
            child = os.fork()
            if child == 0:
                code = 1
                try:
                    listener.close()
                    _session(conn, zygote)
                    code = 0
                finally:
                    os._exit(code)  # not sys.exit: the server's atexit hooks are not this child's
            conn.close()
    finally:
        zygote.stop()
        try:
            if os.stat(path).st_ino == inode:
                os.unlink(path)
                os.unlink(f"{path}.lock")
        except OSError:
            pass


def _send(conn: socket.socket, message: dict) -> bool:
    try:
        conn.sendall(json.dumps(message).encode() + b"\n")
        return True
    except OSError:  # the plugin is gone (pytest ended, or was stopped)
        return False


def _closed(conn: socket.socket) -> bool:
    try:
        return conn.recv(1, socket.MSG_PEEK | socket.MSG_DONTWAIT) == b""
    except BlockingIOError:
        return False
    except OSError:
        return True


def _session(conn: socket.socket, zygote) -> None:
    """One run of the plugin, on this connection."""
    from .session import PublicSession, public_test_ids

    file = conn.makefile("rb")
    hello = json.loads(file.readline() or b"null")
    if not isinstance(hello, dict):
        return
    if hello.get("stop"):
        os.kill(os.getppid(), signal.SIGTERM)
        return
    os.chdir(hello["cwd"])  # the feedback folder as the learner gave it
    session = PublicSession.on_worker(
        Path(hello["submission"]), float(hello["timeout"]), str(hello["feedback"]), zygote
    )
    _send(conn, {"ok": True})
    try:
        while True:
            line = file.readline()
            if not line:
                return
            request = json.loads(line)
            try:
                if request["op"] == "ids":
                    _send(conn, {"value": public_test_ids()})
                elif request["op"] == "run":
                    _send(conn, {"value": session.run(request["unit"], request["test"])})
                elif request["op"] == "plan":
                    for unit_id, test_name in request["tests"]:
                        if _closed(conn):  # pytest stopped early (-x, Ctrl-C): so does this
                            return
                        verdict = [unit_id, test_name, *session.run(unit_id, test_name)]
                        if not _send(conn, {"verdict": verdict}):
                            return
            except Exception as exc:  # the kit's own fault: the plugin runs the rest itself
                _send(conn, {"error": f"{type(exc).__name__}: {exc}"})
                return
    finally:
        session.close()


if __name__ == "__main__":
    _ready_r, _ready_w = os.pipe()
    if os.fork():  # the starter: its exit code says whether the server listens (0) or not
        os.close(_ready_w)
        os._exit(0 if os.read(_ready_r, 1) == b"1" else 1)
    os.close(_ready_r)
    serve(Path(sys.argv[1]), _ready_w)
