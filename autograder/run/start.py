"""Starting an unconfined worker process (the learner's machine: limits, no jail) with nothing
heavier than the standard library imported, so the learners' plugin can start one in
``pytest_configure``: the worker imports numpy while pytest imports the checks and collects.
``WorkerRunner`` (runner.py) adopts it at its first call.
"""

from __future__ import annotations

import os
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

from . import confine
from .environment import site_package_dirs, worker_env

WORKER_SCRIPT = Path(__file__).resolve().parent / "worker.py"


@dataclass
class Started:
    """A running worker: its process and the parent's ends of its two pipes."""

    proc: subprocess.Popen
    to_worker: int
    from_worker: int


def start_worker(
    workdir: Path,
    extra_paths=(),
    memory_mb: int = 2048,
    cpu_seconds: int = 120,
    warm: tuple[str, ...] = (),
) -> Started:
    """Start ``python -I -S worker.py`` in ``workdir``, in its own session, with the limits;
    ``warm`` (e.g. ``("matplotlib",)``): imported by the worker before it reads a request."""
    to_worker_r, to_worker = os.pipe()
    from_worker, from_worker_w = os.pipe()

    def limits() -> None:
        confine.set_limits(
            confine.Policy(memory_mb=memory_mb, cpu_seconds=cpu_seconds, processes=4096)
        )

    try:
        # -S: no site-packages processing, so no .pth file (an editable install of the kit
        # among them) runs; the third-party packages' folders are passed explicitly.
        proc = subprocess.Popen(
            [
                sys.executable,
                "-I",
                "-S",
                str(WORKER_SCRIPT),
                str(to_worker_r),
                str(from_worker_w),
                *[str(p) for p in extra_paths],
                *site_package_dirs(),
            ],
            cwd=workdir,
            env={**worker_env(), **({"NNKIT_WARM": ",".join(warm)} if warm else {})},
            pass_fds=(to_worker_r, from_worker_w),
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            start_new_session=True,
            preexec_fn=limits,
        )
    except BaseException:
        os.close(to_worker)
        os.close(from_worker)
        raise
    finally:
        os.close(to_worker_r)
        os.close(from_worker_w)
    return Started(proc, to_worker, from_worker)
