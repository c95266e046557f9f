"""What confinement costs per submission: a fresh worker (fork, working copy, confine_self, one
trivial call, end) timed with every layer this machine has, and with bubblewrap, Landlock and
seccomp left out; prints median and best of each. Run from the kit: python scripts/confinement_cost.py"""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

KIT = Path(__file__).resolve().parents[1]


def measure(n: int = 20) -> list[float]:
    from autograder.run.environment import work_base
    from autograder.run.runner import WorkerRunner

    times = []
    for _ in range(n):
        folder = Path(tempfile.mkdtemp(dir=work_base())) / "sub"
        folder.mkdir()
        (folder / "m.py").write_text("def f():\n    return 1\n")
        start = time.perf_counter()
        with WorkerRunner(folder, confine=True) as runner:
            assert runner.call("m", "f", {}).status == "ok"
        times.append(time.perf_counter() - start)
    return times[3:]  # the first start the fork server


if __name__ == "__main__":
    if sys.argv[1:] == ["--one"]:
        sys.path.insert(0, str(KIT))
        t = measure()
        print(f"{statistics.median(t) * 1000:.1f} {min(t) * 1000:.1f}")
        sys.exit(0)
    places = {
        "every layer here": {},
        "without bubblewrap": {"NNKIT_NO_BWRAP": "1"},
        "baseline: no bubblewrap, Landlock, seccomp": {
            "NNKIT_NO_BWRAP": "1",
            "NNKIT_NO_LANDLOCK": "1",
            "NNKIT_NO_SECCOMP": "1",
        },
    }
    for name, env in places.items():
        out = subprocess.run(
            [sys.executable, __file__, "--one"],
            env={**os.environ, **env},
            capture_output=True,
            text=True,
            check=True,
        ).stdout.split()
        print(f"{name:<44} worker per submission: median {out[0]} ms, best {out[1]} ms")
