"""The worker's environment, as the trusted side prepares it: variables, the third-party
packages' folders, the folders to keep out of its sight, matplotlib's font cache."""
from __future__ import annotations

import atexit
import os
import shutil
import site
import subprocess
import sys
import tempfile
from pathlib import Path


def worker_env() -> dict[str, str]:
    return {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "MPLBACKEND": "Agg",  # plt.show() must never block
        "NNKIT_OFFLINE": "1",  # graded code never reaches the network
        "OPENBLAS_NUM_THREADS": "1", "OMP_NUM_THREADS": "1", "MKL_NUM_THREADS": "1",
        "PYTHONDONTWRITEBYTECODE": "1",
    }


THIRD_PARTY = ("numpy", "scipy", "matplotlib", "sklearn", "PIL")


def site_package_dirs() -> list[str]:
    """Where the third-party packages live: the site folders, and wherever numpy and friends
    are found (a virtualenv may reach them through a .pth file, which -S does not read)."""
    import importlib.util

    dirs = [*site.getsitepackages(), site.getusersitepackages()]
    for name in THIRD_PARTY:
        spec = importlib.util.find_spec(name)
        if spec is not None and spec.submodule_search_locations:
            dirs.append(os.path.dirname(list(spec.submodule_search_locations)[0]))
    return [d for d in dict.fromkeys(dirs) if os.path.isdir(d)]


def hidden_paths() -> list[str]:
    """Folders the submission must not see: the kit's own (but not a virtualenv kept in the
    checkout) and wherever the reference and the grader are installed."""
    import importlib.util

    import numpy as np

    from ..paths import CHECKOUT, COURSE, PACKAGE

    keep = {Path(sys.prefix).resolve(), Path(np.__file__).resolve().parent}
    roots = [CHECKOUT] if COURSE == CHECKOUT else []
    paths = [p for root in roots for p in root.iterdir()
             if p.is_dir() and not any(k == p or p in k.parents for k in keep)]
    spec = importlib.util.find_spec("reference")
    if spec is not None and spec.origin:
        paths.append(Path(spec.origin).resolve().parent)
    paths.append(PACKAGE)
    return sorted({str(p) for p in paths})


_MPL_CACHE: list[Path] = []


def matplotlib_cache() -> list[Path]:
    """matplotlib's font list, built once per grading process and copied into each worker's
    fresh config folder (building it costs ~0.8 s; a shared writable cache could be poisoned)."""
    if not _MPL_CACHE:
        folder = Path(tempfile.mkdtemp(prefix="nnkit-mpl-"))
        atexit.register(shutil.rmtree, folder, True)
        subprocess.run([sys.executable, "-I", "-c", "import matplotlib.font_manager"],
                       env={**os.environ, "MPLCONFIGDIR": str(folder), "MPLBACKEND": "Agg"}, capture_output=True)
        _MPL_CACHE.extend(folder.glob("fontlist-*.json"))
    return _MPL_CACHE
