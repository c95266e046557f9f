"""Confinement of the worker process, applied in the child between fork and exec.

Three layers, each used when the system allows it (Linux; ``describe()`` says which):

1. Resource limits: address space (memory), CPU seconds, open files written (size),
   processes (as an unprivileged user; root ignores that limit).
2. Private mount and PID namespaces. In the mount namespace the kit's checkout and installed
   packages (the reference, the solutions, the grader) are covered by empty read-only tmpfs
   mounts: the submission cannot import them nor read them from disk. In the PID namespace
   the worker is process 1 (``worker.py`` forks into it): it cannot see or signal the
   grader or anything else outside, and whatever it starts dies with it. As root this needs
   only CAP_SYS_ADMIN; otherwise an unprivileged user namespace is made first.
3. Running as root, the worker drops to ``nobody``: it cannot write the grader's files,
   signal the grader, or read other submissions' private folders.

If a layer is unavailable the worker still runs, and ``describe()`` says what is missing.
"""
from __future__ import annotations

import ctypes
import os
import pwd
import resource
import signal
import subprocess
import sys

CLONE_NEWNS, CLONE_NEWUSER, CLONE_NEWPID = 0x00020000, 0x10000000, 0x20000000
MS_RDONLY, MS_NOSUID, MS_NODEV, MS_NOEXEC, MS_REC, MS_PRIVATE = 1, 2, 4, 8, 0x4000, 1 << 18
NOBODY = "nobody"


def _libc():
    return ctypes.CDLL(None, use_errno=True)


def _check(result: int, what: str) -> None:
    if result != 0:
        err = ctypes.get_errno()
        raise OSError(err, f"{what}: {os.strerror(err)}")


def hide_paths(paths: list[str]) -> None:
    """Enter private mount and PID namespaces (the PID one takes effect for this process's
    children) and cover each path with an empty read-only tmpfs."""
    libc = _libc()
    if os.geteuid() == 0:
        _check(libc.unshare(CLONE_NEWNS | CLONE_NEWPID), "unshare(mount+pid)")
    else:
        uid, gid = os.getuid(), os.getgid()
        _check(libc.unshare(CLONE_NEWUSER | CLONE_NEWNS | CLONE_NEWPID), "unshare(user+mount+pid)")
        for name, text in (("setgroups", "deny"), ("uid_map", f"{uid} {uid} 1"), ("gid_map", f"{gid} {gid} 1")):
            with open(f"/proc/self/{name}", "w") as f:
                f.write(text)
    _check(libc.mount(None, b"/", None, MS_REC | MS_PRIVATE, None), "make mounts private")
    for path in paths:
        _check(libc.mount(b"tmpfs", path.encode(), b"tmpfs", MS_RDONLY | MS_NOSUID | MS_NODEV | MS_NOEXEC,
                          b"size=4k,mode=0555"), f"hide {path}")


def set_limits(memory_mb: int, cpu_seconds: int, file_mb: int, processes: int | None) -> None:
    mem = memory_mb << 20
    resource.setrlimit(resource.RLIMIT_AS, (mem, mem))
    resource.setrlimit(resource.RLIMIT_CPU, (cpu_seconds, cpu_seconds + 5))
    resource.setrlimit(resource.RLIMIT_FSIZE, (file_mb << 20, file_mb << 20))
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
    if processes is not None:
        resource.setrlimit(resource.RLIMIT_NPROC, (processes, processes))
    signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # a write past the cap fails instead of killing


def nobody_ids() -> tuple[int, int] | None:
    """(uid, gid) to drop to when running as root, else None."""
    if os.geteuid() != 0:
        return None
    try:
        entry = pwd.getpwnam(NOBODY)
    except KeyError:
        return None
    return entry.pw_uid, entry.pw_gid


def drop_to(ids: tuple[int, int]) -> None:
    uid, gid = ids
    os.setgroups([])
    os.setgid(gid)
    os.setuid(uid)


def confine(hide: list[str], ids, memory_mb: int, cpu_seconds: int):
    """The function to run in the child before exec: the layers chosen for this system."""
    def apply():
        if hide:
            hide_paths(hide)
        set_limits(memory_mb, cpu_seconds, file_mb=64, processes=64 if ids else None)
        if ids:
            drop_to(ids)
    return apply


_CHOSEN: dict = {}


def choose(hide: list[str], site_dirs: list[str]) -> tuple[list[str], tuple[int, int] | None]:
    """The strongest combination of layers under which a worker can start and import numpy
    here (e.g. ``nobody`` cannot run a Python installed under /root). Tried once per process."""
    key = (tuple(hide), tuple(site_dirs))
    if key not in _CHOSEN:
        ids = nobody_ids()
        options = [(hide, ids), (hide, None), ([], ids), ([], None)]
        for h, i in options:
            # As the worker starts: fork into the PID namespace first, then import numpy there.
            code = (f"import os, sys\nif {bool(h)} and os.fork():\n    os._exit(os.waitstatus_to_exitcode(os.wait()[1]))\n"
                    f"sys.path.extend({site_dirs!r})\nimport numpy\nassert {not h} or os.getpid() == 1")
            if not sys.platform.startswith("linux") and h:
                continue
            try:
                ok = subprocess.run([sys.executable, "-I", "-S", "-c", code], cwd="/", capture_output=True,
                                    env={"OPENBLAS_NUM_THREADS": "1", "PATH": os.environ.get("PATH", "")},
                                    preexec_fn=confine(h, i, 2048, 60), timeout=60).returncode == 0
            except (OSError, subprocess.SubprocessError):
                ok = False
            if ok:
                _CHOSEN[key] = (h, i)
                break
        else:
            _CHOSEN[key] = ([], None)
    return _CHOSEN[key]


def describe(hidden: bool, ids) -> str:
    layers = ["resource limits"]
    layers.append("the kit hidden and the grader out of reach (mount and PID namespaces)" if hidden
                  else "the kit NOT hidden and the grader NOT out of reach (no namespaces here)")
    layers.append(f"runs as {NOBODY}" if ids else "runs as the grader's own user (cannot run Python as nobody here)"
                  if os.geteuid() == 0 else "runs as the grader's own user")
    return ", ".join(layers)
