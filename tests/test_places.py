"""The attack suite (tests/test_attacks.py) run in every place this machine can make.

The confinement differs from place to place (README, "Untrusted code"): who runs the grader,
which Python (one ``nobody`` can run, or one under /root that it cannot), with or without
CAP_SYS_ADMIN, with namespaces allowed or refused, with or without bubblewrap, and the
Gradescope bundle's own copy of the grader in a recreated /autograder. Each place here runs the
whole suite as a subprocess and must block every attack (or xfail it with one of the known gaps
test_attacks names), and must have run every attack file: a place that silently runs nothing
fails. A place the machine cannot make is skipped with the reason.

The places are provisioned here, idempotently, and only as root: the user ``grader``, a venv made
from /usr/bin/python3 under /opt (the kit's runtime dependencies from PyPI, readable by
everyone), a copy of the checkout that ``grader`` owns. Nothing is provisioned by hand.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
import zipfile
from pathlib import Path

import pytest

from tests.helpers import KIT, SOLUTIONS

pytestmark = pytest.mark.slow

ATTACK_FILES = sorted(p for p in KIT.glob("tests/attacks/claim*/*") if p.is_file())
OPT_VENV = Path("/opt/nnkit-places-venv")
USER = "grader"
SUITE = ["-m", "pytest", "tests/test_attacks.py", "-q", "-p", "no:cacheprovider", "-rA"]
TIMEOUT = 1200  # one place's whole suite; it takes about a minute on two cores
RESULT_LINE = re.compile(
    r"^(PASSED|FAILED|ERROR|XFAIL|XPASS|SKIPPED) tests/test_attacks\.py::(\S+?)(?: - (.*))?$"
)


def known_gaps() -> tuple[str, ...]:
    """The reasons test_attacks may give an xfail, read from its source (importing it would import
    the grader into this process)."""
    import ast

    tree = ast.parse((KIT / "tests" / "test_attacks.py").read_text())
    gaps = {}
    for node in tree.body:
        if isinstance(node, ast.Assign) and isinstance(node.targets[0], ast.Name):
            name = node.targets[0].id
            if name.startswith("GAP_"):
                gaps[name] = ast.literal_eval(node.value)
    assert len(gaps) >= 3, "tests/test_attacks.py: the GAP_ reasons are missing"
    return tuple(gaps.values())


# --- provisioning (root only, idempotent) ----------------------------------------------------


def run(cmd, **kw) -> subprocess.CompletedProcess:
    return subprocess.run(cmd, capture_output=True, text=True, **kw)


@pytest.fixture(scope="module")
def root():
    if os.geteuid() != 0:
        pytest.skip(
            "the places need root to be made (useradd, a venv under /opt, runuser, capsh); "
            "running as an ordinary user, this run is place (a) itself"
        )


@pytest.fixture(scope="module")
def grader_user(root):
    if run(["id", "-u", USER]).returncode != 0:
        if not shutil.which("useradd"):
            pytest.skip("no useradd on this machine: cannot make the ordinary user `grader`")
        made = run(["useradd", "--create-home", "--shell", "/bin/sh", USER])
        assert made.returncode == 0, f"useradd {USER}: {made.stderr}"
    home = Path(run(["sh", "-c", f"getent passwd {USER} | cut -d: -f6"]).stdout.strip())
    if not home.is_dir():
        home.mkdir(parents=True)
        shutil.chown(home, USER, USER)
    if not shutil.which("runuser"):
        pytest.skip("no runuser on this machine: cannot run the suite as `grader`")
    return home


def requirements() -> str:
    """What Gradescope's setup.sh installs: the bundle's requirements.txt (the kit's runtime
    dependencies, and nbformat for uploaded notebooks)."""
    from autograder.integrations.gradescope import bundle_files

    return bundle_files()["requirements.txt"].decode()


@pytest.fixture(scope="module")
def opt_python(root):
    """A venv made from /usr/bin/python3 under /opt, with the kit's runtime dependencies from
    PyPI, that everyone can read and run. The kit itself is not installed in it: each place
    imports it from the folder it runs in (pytest's rootdir), as the Gradescope bundle does."""
    base = Path("/usr/bin/python3")
    if not base.exists():
        pytest.skip("no /usr/bin/python3: cannot make a venv that nobody and `grader` can run")
    python = OPT_VENV / "bin" / "python"
    stamp = OPT_VENV / ".nnkit-requirements"
    wanted = requirements()
    if python.exists() and stamp.exists() and stamp.read_text() == wanted:
        return python
    if not python.exists():
        made = run([str(base), "-m", "venv", "--clear", str(OPT_VENV)])
        if made.returncode != 0:
            pytest.skip(
                f"/usr/bin/python3 cannot make a venv (python3-venv missing?): {made.stderr[-300:]}"
            )
    reach = run([str(python), "-m", "pip", "index", "versions", "numpy"], timeout=120)
    if reach.returncode != 0:
        pytest.skip(
            f"pip cannot reach the package registry: {(reach.stderr or reach.stdout)[-300:]}"
        )
    with tempfile.NamedTemporaryFile("w", suffix=".txt") as req:
        req.write(wanted)
        req.flush()
        got = run(
            [
                str(python),
                "-m",
                "pip",
                "install",
                "--quiet",
                "--disable-pip-version-check",
                "-r",
                req.name,
            ],
            timeout=1200,
        )
    assert got.returncode == 0, f"pip install into {OPT_VENV}: {got.stderr[-2000:]}"
    run(["chmod", "-R", "a+rX", str(OPT_VENV)])
    stamp.write_text(wanted)
    return python


def copy_checkout(dest: Path) -> Path:
    """The checkout's files (with .git, without caches and virtual environments)."""
    skip = shutil.ignore_patterns(
        "__pycache__", "*.egg-info", ".venv", "venv", ".ruff_cache", ".pytest_cache"
    )
    shutil.copytree(KIT, dest, symlinks=True, ignore=skip)
    return dest


@pytest.fixture(scope="module")
def grader_kit(grader_user):
    """A copy of the checkout that `grader` owns, as an ordinary user's own checkout is (the
    checkout may be under /root or /work, which `grader` may not read; and a kit it can write
    makes the write attacks face the confinement, not the file modes)."""
    parent = Path(tempfile.mkdtemp(prefix="nnkit-places-", dir="/tmp"))
    parent.chmod(0o755)
    kit = copy_checkout(parent / "kit")
    run(["chown", "-R", f"{USER}:{USER}", str(kit)])
    yield kit
    shutil.rmtree(parent, ignore_errors=True)


def capsh() -> str:
    found = shutil.which("capsh")
    if not found and os.geteuid() == 0 and shutil.which("apt-get"):
        run(["apt-get", "install", "-y", "-qq", "libcap2-bin"], timeout=600)
        found = shutil.which("capsh")
    if not found:
        pytest.skip("no capsh (libcap2-bin): cannot drop CAP_SYS_ADMIN to make this place")
    return found


def without_cap_sys_admin(*command) -> list[str]:
    """``command`` run by root with CAP_SYS_ADMIN gone from its bounding set (Docker's default,
    Gradescope's containers)."""
    return [capsh(), "--drop=cap_sys_admin", "--", "-c", 'exec "$@"', "capsh", *command]


def clean_env(**extra) -> dict[str, str]:
    """This process's environment without the outer pytest's variables; wide lines, so that
    -rA prints each xfail's reason whole."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PYTEST_", "NNKIT_"))}
    env.pop("VIRTUAL_ENV", None)
    return {**env, "COLUMNS": "1000", **extra}


# --- running the suite in a place and judging what it printed --------------------------------

TIMES: dict[str, float] = {}


def run_suite(place: str, command: list[str], cwd: Path, env: dict[str, str]) -> str:
    start = time.monotonic()
    proc = subprocess.run(
        command, cwd=cwd, env=env, capture_output=True, text=True, timeout=TIMEOUT
    )
    TIMES[place] = time.monotonic() - start
    out = proc.stdout + proc.stderr
    results: dict[str, tuple[str, str]] = {}
    for line in out.splitlines():
        m = RESULT_LINE.match(line)
        if m:
            results[m.group(2)] = (m.group(1), m.group(3) or "")
    attacks = {k: v for k, v in results.items() if k.startswith("test_attack_is_blocked[")}
    layers = re.search(r"confinement here: (.*)", out)
    print(
        f"\n{place}: {TIMES[place]:.0f} s, exit {proc.returncode}, "
        f"{sum(s == 'PASSED' for s, _ in attacks.values())} blocked, "
        f"{sum(s == 'XFAIL' for s, _ in attacks.values())} known gaps, of {len(attacks)} attacks; "
        f"layers: {layers.group(1) if layers else '?'}"
    )
    for name, (status, reason) in sorted(attacks.items()):
        if status != "PASSED":
            print(f"    {status} {name} {reason}")
    tail = "\n".join(out.splitlines()[-40:])
    assert len(attacks) == len(ATTACK_FILES), (
        f"{place}: {len(attacks)} attacks ran, {len(ATTACK_FILES)} files in tests/attacks/claim*/\n{tail}"
    )
    gaps = known_gaps()
    wrong = {
        name: (status, reason)
        for name, (status, reason) in results.items()
        if not (
            status == "PASSED"
            or (status == "XFAIL" and name in attacks and any(g in reason for g in gaps))
        )
    }
    assert not wrong, f"{place}: not blocked (or an unknown reason): {wrong}\n{tail}"
    assert proc.returncode == 0, f"{place}: the suite exited {proc.returncode}\n{tail}"
    assert "test_confinement_cost_per_worker_is_small" in " ".join(results), tail
    return out


def test_a_ordinary_user(grader_user, grader_kit, opt_python):
    """(a) An ordinary user, `grader`, in its own checkout, with Debian's Python."""
    env = {
        "PATH": f"{opt_python.parent}:/usr/local/bin:/usr/bin:/bin:/usr/sbin:/sbin",
        "HOME": str(grader_user),
        "USER": USER,
        "LOGNAME": USER,
        "LANG": os.environ.get("LANG", "C.UTF-8"),
        "COLUMNS": "1000",
    }
    command = [
        shutil.which("runuser"),
        "-u",
        USER,
        "--",
        "env",
        "-i",
        *(f"{k}={v}" for k, v in env.items()),
    ]
    run_suite("(a) ordinary user", [*command, str(opt_python), *SUITE], grader_kit, env)


def test_b_root_with_a_python_nobody_can_run(opt_python):
    """(b) root, with a venv under /opt: workers run as nobody."""
    run_suite("(b) root, nobody runs the Python", [str(opt_python), *SUITE], KIT, clean_env())


def test_c_root_with_this_python(root):
    """(c) root with the Python running these tests (this machine's pyenv under /root, which
    nobody cannot run: every capability dropped and a pids cgroup instead)."""
    run_suite("(c) root, this Python", [sys.executable, *SUITE], KIT, clean_env())


def test_d_root_without_cap_sys_admin(root):
    """(d) root without CAP_SYS_ADMIN (Docker's default, Gradescope's)."""
    run_suite(
        "(d) root without CAP_SYS_ADMIN",
        without_cap_sys_admin(sys.executable, *SUITE),
        KIT,
        clean_env(),
    )


def test_d_prime_namespaces_refused(root):
    """(d') as (d), with namespaces refused as Docker's default seccomp profile refuses them:
    the fork server runs without bubblewrap, the per-worker layers alone hold."""
    pytest.importorskip("pyseccomp", reason="pyseccomp is needed to refuse namespaces")
    refuse = [sys.executable, str(KIT / "scripts" / "no_namespaces.py"), sys.executable]
    run_suite(
        "(d') namespaces refused",
        without_cap_sys_admin(*refuse, *SUITE),
        KIT,
        clean_env(),
    )


def test_c_prime_without_bubblewrap(root):
    """(c') as (c), without bubblewrap (NNKIT_NO_BWRAP=1): the per-worker layers alone."""
    run_suite(
        "(c') without bubblewrap",
        [sys.executable, *SUITE],
        KIT,
        clean_env(NNKIT_NO_BWRAP="1"),
    )


# --- the Gradescope bundle in its recreated /autograder --------------------------------------


@pytest.fixture(scope="module")
def autograder_root(opt_python, tmp_path_factory):
    """/autograder as Gradescope lays it out, under a temporary folder: the bundle in source/,
    run_autograder beside it, results/; `python3` is the /opt venv's (what setup.sh installs
    into), the grader is the bundle's copy of the code."""
    from autograder.integrations.gradescope import build

    base = tmp_path_factory.mktemp("gradescope")
    build(base / "autograder.zip")
    root = base / "autograder"
    with zipfile.ZipFile(base / "autograder.zip") as z:
        z.extractall(root / "source")
        for info in z.infolist():  # zipfile does not restore modes
            (root / "source" / info.filename).chmod(info.external_attr >> 16 & 0o777)
    shutil.copy(root / "source" / "run_autograder", root / "run_autograder")
    (root / "results").mkdir()
    shims = base / "bin"
    shims.mkdir()
    (shims / "python3").write_text(f'#!/bin/sh\nexec "{opt_python}" "$@"\n')
    (shims / "python3").chmod(0o755)
    return root, shims


def test_gradescope_bundle_grader_blocks_every_attack(autograder_root, opt_python):
    """The whole suite with the grader imported from the bundle's source folder (NNKIT_GRADER):
    the attacks aim at /autograder/source as the kit, and at this checkout (with the solutions)
    as another copy on the machine."""
    root, _ = autograder_root
    out = run_suite(
        "(g) Gradescope bundle",
        [str(opt_python), *SUITE],
        KIT,
        clean_env(NNKIT_GRADER=str(root / "source"), NNKIT_MAIN_KIT=str(KIT)),
    )
    assert f"grader: {root / 'source'}" in out


@pytest.mark.parametrize("attack", ["claim1_read/kit_reference_source", "forge_results_json"])
def test_gradescope_run_autograder_on_an_attack(autograder_root, attack, tmp_path):
    """The real run_autograder on a submission carrying an attack: results.json gives exactly what
    the code earns (its conv2d returns the right answer only if the attack worked: every conv2d
    test 0, every other test its full marks), and the attack leaves nothing behind."""
    from tests.test_attacks import plant

    root, shims = autograder_root
    sub = root / "submission"
    shutil.rmtree(sub, ignore_errors=True)
    for old in (root / "results").iterdir():
        old.unlink()
    shutil.copytree(SOLUTIONS, sub, ignore=shutil.ignore_patterns("__pycache__"))
    marker = f"nnkit-places-{os.getpid()}"
    ctx = {"kit": str(root / "source"), "results": str(root / "results"), "marker": marker}
    if attack == "forge_results_json":
        source = tmp_path / "forge.py"
        source.write_text(FORGE_RESULTS)
    else:
        source = KIT / "tests" / "attacks" / f"{attack}.py"
    plant(sub, source, ctx)
    env = clean_env(AUTOGRADER_ROOT=str(root), PATH=f"{shims}:{os.environ['PATH']}")
    proc = subprocess.run(
        ["bash", str(root / "run_autograder")], cwd=root, env=env, capture_output=True, text=True
    )
    doc = json.loads((root / "results" / "results.json").read_text())
    tests = doc["tests"]
    assert len(tests) > 40, proc.stdout[-2000:] + proc.stderr[-2000:]
    conv2d = [t for t in tests if t["tags"][0] == "conv2d"]
    others = [t for t in tests if t["tags"][0] != "conv2d"]
    assert conv2d and all(t["score"] == 0 for t in conv2d), [t for t in conv2d if t["score"]]
    assert all(t["score"] == t["max_score"] for t in others), [
        (t["name"], t["output"]) for t in others if t["score"] != t["max_score"]
    ]
    earned = sum(t["max_score"] for t in others)
    assert doc["score"] == pytest.approx(earned) and 0 < earned < 100
    assert not (root / "source" / marker).exists()
    assert sorted(p.name for p in (root / "results").iterdir()) == ["results.json"]


# Gradescope reads /autograder/results/results.json: a submission that writes it first (or plants
# a link there) must not set its own score.
FORGE_RESULTS = '''"""Write a full-marks results.json into /autograder/results before the grader does."""
import json, os


def attack(ctx):
    try:
        path = os.path.join(ctx["results"], "results.json")
        with open(path, "w") as f:
            json.dump({"score": 100, "output": "forged", "tests": []}, f)
        return True
    except OSError:
        return False
'''


def test_places_report_their_times():
    """Printed last: how long each place took (the CI's budget is 30 minutes for everything)."""
    if TIMES:
        print("\nplaces: " + ", ".join(f"{k} {v:.0f} s" for k, v in TIMES.items()))
