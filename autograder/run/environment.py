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
        "OPENBLAS_NUM_THREADS": "1",
        "OMP_NUM_THREADS": "1",
        "MKL_NUM_THREADS": "1",
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

    from ..paths import CHECKOUT, COURSE, PACKAGE

    numpy = importlib.util.find_spec("numpy")  # (found, not imported)
    keep = {Path(sys.prefix).resolve(), Path(numpy.origin).resolve().parent}
    roots = [CHECKOUT] if COURSE == CHECKOUT else []
    paths = [
        p
        for root in roots
        for p in root.iterdir()
        if p.is_dir() and not any(k == p or p in k.parents for k in keep)
    ]
    spec = importlib.util.find_spec("reference")
    if spec is not None and spec.origin:
        paths.append(Path(spec.origin).resolve().parent)
    paths.append(PACKAGE)
    return sorted({str(p) for p in paths})


_MPL_CACHE: list[Path] = []


def _user_matplotlib_cache() -> Path:
    """matplotlib's cache folder for this user (matplotlib.get_cachedir(), without importing
    matplotlib): MPLCONFIGDIR, else $XDG_CACHE_HOME/matplotlib or ~/.cache/matplotlib."""
    if os.environ.get("MPLCONFIGDIR"):
        return Path(os.environ["MPLCONFIGDIR"])
    xdg = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return Path(xdg) / "matplotlib"


def matplotlib_cache() -> list[Path]:
    """matplotlib's font list, built once per grading process and copied into each worker's
    fresh config folder (building it costs ~0.8 s; a shared writable cache could be poisoned)."""
    if not _MPL_CACHE:
        # the grading user's own (trusted) font list, when matplotlib has made one: copied,
        # never shared; built here only where there is none (a fresh Gradescope container)
        _MPL_CACHE.extend(sorted(_user_matplotlib_cache().glob("fontlist-*.json")))
    if not _MPL_CACHE:
        folder = Path(tempfile.mkdtemp(prefix="nnkit-mpl-"))
        atexit.register(shutil.rmtree, folder, True)
        subprocess.run(
            [sys.executable, "-I", "-c", "import matplotlib.font_manager"],
            env={**os.environ, "MPLCONFIGDIR": str(folder), "MPLBACKEND": "Agg"},
            capture_output=True,
        )
        _MPL_CACHE.extend(folder.glob("fontlist-*.json"))
    return _MPL_CACHE


# --- how workers are confined here ----------------------------------------------------------

_MODE: dict = {}


def sandbox_mode() -> dict:
    """How grading workers are confined here, from ``confine.probe()`` (measured, cached):
    ``bwrap``: the bwrap binary the fork server runs in, or None (NNKIT_NO_BWRAP=1 forces
    None: the per-worker layers alone); ``nobody``: root drops to nobody (the Python is
    runnable by nobody; NNKIT_NO_NOBODY=1 forces False); ``cgroup``: a pids cgroup root for
    root without nobody, or None; ``probe``: the measurements."""
    if not _MODE:
        from . import confine

        found = confine.probe(sys.executable)
        use_bwrap = found["bwrap_works"] and os.environ.get("NNKIT_NO_BWRAP") != "1"
        nobody = (
            found["uid"] == 0
            and found["nobody_runs_python"]
            and os.environ.get("NNKIT_NO_NOBODY") != "1"
        )
        _MODE.update(
            bwrap=found["bwrap"] if use_bwrap else None,
            nobody=nobody,
            cgroup=found["cgroup_pids"] if found["uid"] == 0 and not nobody else None,
            probe=found,
        )
    return _MODE


def worker_policy(memory_mb: int, cpu_seconds: int, home: Path):
    """The ``confine.Policy`` every worker of a fork server applies to itself."""
    from . import confine

    mode = sandbox_mode()
    probe = mode["probe"]
    require = ["no_new_privs"]
    if probe["landlock_abi"]:
        require.append("landlock")
    if probe["seccomp"]:
        require.append("seccomp")
    return confine.Policy(
        read_only=[*runtime_read_paths(), str(home / "mpl")],
        memory_mb=memory_mb,
        cpu_seconds=cpu_seconds,
        drop_to_nobody=mode["nobody"] and not mode["bwrap"],
        require=tuple(require),
        landlock=bool(probe["landlock_abi"]),
        seccomp=bool(probe["seccomp"]),
    )


def missing_minimum() -> list[str]:
    """What this machine lacks for the minimum the grader claims (the submission reads and writes
    nothing but its own files, cannot undo its confinement, leaves nothing running); [] if
    nothing. Results unforgeable and no terminal escapes hold everywhere (the trusted side
    judges and cleans every string), so they are not asked of the machine."""
    probe = sandbox_mode()["probe"]
    missing = []
    if not probe["linux"]:
        return ["Linux (the confinement layers are Linux's)"]
    if not probe["landlock_abi"]:
        missing.append(
            "Landlock (without it the submission could read and write whatever the grader's user can)"
        )
    if not probe["seccomp"]:
        missing.append(
            "a seccomp filter (pyseccomp/libseccomp; without it the submission could make namespaces, "
            "mount, ptrace and open sockets)"
        )
    if not probe["subreaper"]:
        missing.append("the child subreaper (without it a daemon could outlive the grading)")
    return missing


def refusal() -> str:
    """The one sentence ``grade`` prints when it refuses to grade here, or ""."""
    missing = missing_minimum()
    if not missing:
        return ""
    return (
        "refusing to grade: this machine lacks "
        + "; and ".join(missing)
        + ", so submitted code would not be "
        "confined; run where it is available, or pass --unconfined to grade anyway (every results file then "
        "says so)."
    )


_WORK_BASE: list[Path] = []


def work_base() -> Path:
    """This grading process's staging folder (0711): each submission is prepared in a folder
    with an unguessable name below it. The fork server sees it read-only and copies from it."""
    if not _WORK_BASE:
        base = Path(tempfile.mkdtemp(prefix="nnkit-work-"))
        os.chmod(base, 0o711)
        atexit.register(shutil.rmtree, base, True)
        _WORK_BASE.append(base)
    return _WORK_BASE[0]


def layers_in_force() -> dict[str, str]:
    """{layer: what it is, in words} for the layers every grading worker gets here; the keys
    are what tests/test_layers_in_force.py checks from inside a worker."""
    mode = sandbox_mode()
    probe = mode["probe"]
    layers = {"rlimits": "resource limits"}
    if mode["bwrap"]:
        layers["bwrap"] = (
            "fork server in bubblewrap (new user/PID/net namespaces, only the runtime mounted, "
            "size-capped tmpfs for the submission)"
        )
    if probe["uid"] == 0 and mode["nobody"]:
        layers["nobody"] = "runs as nobody"
    elif probe["uid"] == 0 or mode["bwrap"]:
        layers["no_capabilities"] = (
            "runs as root with every capability dropped"
            if probe["uid"] == 0
            else "every capability dropped"
        )
    if probe["uid"] == 0 and not mode["nobody"] and mode["cgroup"]:
        layers["pids_cgroup"] = "a pids cgroup"
    layers["no_new_privs"] = "no_new_privs"
    if probe["landlock_abi"]:
        layers["landlock"] = f"Landlock ABI {probe['landlock_abi']}"
    if probe["seccomp"]:
        layers["seccomp"] = "seccomp"
    if probe["subreaper"]:
        layers["subreaper"] = "whatever it starts ends with it (subreaper)"
    return layers


def isolation_summary() -> str:
    """What the grading worker's confinement amounts to on this machine, in words, naming
    what is missing too."""
    mode = sandbox_mode()
    probe = mode["probe"]
    layers = layers_in_force()
    parts = list(layers.values())
    if not mode["bwrap"]:
        parts.insert(1, "NO bubblewrap here (no namespaces): per-worker layers only")
    if probe["uid"] == 0 and not mode["nobody"] and not mode["cgroup"]:
        parts.append("NO process cap (root without nobody and without a writable pids cgroup)")
    if not probe["landlock_abi"]:
        parts.append("NO Landlock")
    if not probe["seccomp"]:
        parts.append("NO seccomp (pyseccomp/libseccomp missing)")
    return ", ".join(parts)


KIT_DISTRIBUTIONS = (
    "numpy_cnn_kit",
    "numpy_cnn_exercises",
    "__editable___numpy_cnn",
    "__editable__.numpy_cnn",
)


def _readable(roots: list[str], hidden: list[Path]) -> list[str]:
    """``roots``, each split into its entries where a hidden path (or the kit's distribution
    metadata) is inside it, so that a Landlock rule never covers the kit. (Paths compared as
    strings: pathlib's parents cost about 0.2 s here, at every grading process's start.)"""
    marks = [str(h).rstrip("/") + "/" for h in hidden]
    out: list[str] = []
    for root in dict.fromkeys(roots):
        text = str(Path(root)).rstrip("/") + "/"
        path = Path(root)
        if not path.exists() or any(text.startswith(m) for m in marks):  # beneath a hidden one
            continue
        is_site = path.name in ("site-packages", "dist-packages")
        if path.is_dir() and (is_site or any(m.startswith(text) for m in marks)):
            entries = sorted(p for p in path.iterdir() if not p.name.startswith(KIT_DISTRIBUTIONS))
            out += _readable([str(p) for p in entries], hidden)
        else:
            out.append(str(path))
    return out


_RUNTIME: list[str] = []


def runtime_read_paths() -> list[str]:
    """What a worker may read: the standard library, the shared libraries, the third-party
    packages (entry by entry, without the kit's own), nothing of the kit."""
    if not _RUNTIME:
        import sysconfig

        paths = sysconfig.get_paths()
        roots = [
            paths["stdlib"],
            paths["platstdlib"],
            *site_package_dirs(),
            "/usr/lib",
            "/usr/lib64",
            "/lib",
            "/lib64",
            "/usr/local/lib",
            "/usr/share/zoneinfo",
        ]
        hidden = [Path(p).resolve() for p in hidden_paths()]
        _RUNTIME.extend(
            _readable([str(Path(r).resolve()) for r in roots if os.path.exists(r)], hidden)
        )
    return _RUNTIME


def bwrap_read_only() -> list[str]:
    """What the fork server's bubblewrap mounts (read-only): the system's programs and
    libraries, the Python installation(s), the third-party packages."""
    prefixes = [sys.base_prefix, sys.prefix, *site_package_dirs()]
    hop = sys.executable  # and every folder on the way through its symbolic links (shims, venvs)
    for _ in range(10):
        prefixes.append(os.path.dirname(os.path.abspath(hop)))
        if not os.path.islink(hop):
            break
        hop = os.path.join(os.path.dirname(hop), os.readlink(hop))
    system = [
        "/usr",
        "/lib",
        "/lib64",
        "/bin",
        "/sbin",
        "/etc/ld.so.cache",
        "/etc/localtime",
        "/etc/alternatives",
    ]
    return [*system, *(str(Path(p)) for p in prefixes if os.path.exists(p))]
