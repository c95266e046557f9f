"""Every layer the ``worker: ...`` line names is observed from INSIDE a grading worker.

A submission reports what it sees (uid, capabilities, no_new_privs, its seccomp mode, a read
Landlock must refuse, the network interfaces of its namespace, its parent and what becomes of
an orphan, how many processes it can start, its memory limit); each named layer must show. A layer that is named
but not in force fails here."""

from __future__ import annotations

import json
import resource

import pytest

from autograder.run.environment import isolation_summary, layers_in_force, sandbox_mode
from autograder.run.runner import WorkerRunner

pytestmark = pytest.mark.slow

OBSERVE = r"""
import json, os, resource, sys, time


def observe():
    seen = {"uid": os.getuid(), "ppid": os.getppid()}
    with open("/proc/self/status") as f:
        status = dict(line.rstrip("\n").split(":\t", 1) for line in f if ":\t" in line)
    for key in ("CapEff", "CapPrm", "CapBnd", "NoNewPrivs", "Seccomp"):
        seen[key] = status.get(key, "").strip()
    server_script = os.path.abspath(sys.argv[0])  # the fork server's copy of worker.py
    for name, path in (("read_server_script", server_script), ("read_root", "/")):
        try:
            os.listdir(path) if path == "/" else open(path).read(10)
            seen[name] = "allowed"
        except OSError as exc:
            seen[name] = type(exc).__name__
    try:
        with open("/proc/self/net/dev") as f:
            seen["interfaces"] = sorted(line.split(":")[0].strip() for line in f.readlines()[2:])
    except OSError as exc:
        seen["interfaces"] = type(exc).__name__
    try:
        with open("/proc/self/cgroup") as f:
            seen["cgroup"] = f.read().strip()
    except OSError as exc:
        seen["cgroup"] = type(exc).__name__
    seen["address_space"] = resource.getrlimit(resource.RLIMIT_AS)[0]
    children = []  # how many processes can it start? (root ignores RLIMIT_NPROC: only a cgroup caps it)
    try:
        while len(children) < 300:
            pid = os.fork()
            if pid == 0:
                time.sleep(30)
                os._exit(0)
            children.append(pid)
    except OSError:
        pass
    for pid in children:
        os.kill(pid, 9)
        os.waitpid(pid, 0)
    seen["processes_started"] = len(children)
    r, w = os.pipe()
    child = os.fork()
    if child == 0:  # orphan a grandchild and see who adopts it
        if os.fork() == 0:
            time.sleep(0.3)
            os.write(w, str(os.getppid()).encode())
            os._exit(0)
        os._exit(0)
    os.waitpid(child, 0)
    os.close(w)
    seen["orphan_adopted_by"] = int(os.read(r, 20) or b"0")
    print(json.dumps(seen))
"""


def observed(tmp_path, memory_mb=1024) -> dict:
    (tmp_path / "observe.py").write_text(OBSERVE)
    with WorkerRunner(tmp_path, timeout=20, memory_mb=memory_mb, confine=True) as runner:
        outcome = runner.call("observe", "observe", {})
    assert outcome.status == "ok", (outcome.status, outcome.detail)
    return json.loads(outcome.stdout)


def check(layer: str, seen: dict, memory_mb: int) -> str:
    """'' if the layer shows from inside, else what was seen instead."""
    mode = sandbox_mode()
    tests = {
        "rlimits": lambda: seen["address_space"] == memory_mb << 20,
        "bwrap": lambda: (
            seen["interfaces"] == ["lo"] and seen["ppid"] <= 3
        ),  # empty net namespace, own PIDs
        "nobody": lambda: seen["uid"] == 65534,
        "no_capabilities": lambda: (
            int(seen["CapEff"], 16) == 0
            and int(seen["CapPrm"], 16) == 0
            and (mode["probe"]["uid"] != 0 or int(seen["CapBnd"], 16) == 0)
        ),
        "pids_cgroup": lambda: (
            seen["processes_started"] < 200
        ),  # pids.max is 64 + 16 for the whole server
        "no_new_privs": lambda: seen["NoNewPrivs"] == "1",
        "landlock": lambda: (
            seen["read_server_script"] == "PermissionError"
            and seen["read_root"] == "PermissionError"
        ),
        "seccomp": lambda: seen["Seccomp"] == "2",
        "subreaper": lambda: seen["orphan_adopted_by"] == seen["ppid"],
    }
    assert layer in tests, f"layer {layer!r} is named but this test has no way to observe it"
    return "" if tests[layer]() else f"{layer} not in force: the worker saw {seen}"


def test_every_named_layer_is_in_force_inside_a_worker(tmp_path):
    seen = observed(tmp_path)
    layers = layers_in_force()
    for phrase in layers.values():
        assert phrase in isolation_summary()
    failures = [problem for layer in layers if (problem := check(layer, seen, 1024))]
    assert not failures, failures
    print(f"\nworker: {isolation_summary()}\nobserved: {seen}")


def test_the_observation_would_catch_a_missing_layer(tmp_path):
    """The checks are not vacuous: the grader's own process, unconfined, fails them."""
    grader_side = {
        "uid": 0,
        "ppid": 99999,
        "CapEff": "000001ffffffffff",
        "CapPrm": "000001ffffffffff",
        "CapBnd": "000001ffffffffff",
        "NoNewPrivs": "0",
        "Seccomp": "0",
        "read_server_script": "allowed",
        "read_root": "allowed",
        "interfaces": ["eth0", "lo"],
        "cgroup": "0::/",
        "orphan_adopted_by": 1,
        "processes_started": 300,
        "address_space": resource.RLIM_INFINITY,
    }
    for layer in layers_in_force():
        assert check(layer, grader_side, 1024), layer
