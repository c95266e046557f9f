"""The untrusted side: runs submitted functions and describes what they returned.

Run as ``python -I -S worker.py IN_FD OUT_FD`` (or as a fork server, ``--zygote``) with the
submission's copy as working directory. Of the kit it imports only ``protocol`` (the grader's
internals and the reference never enter this process); it needs numpy. The trusted parent
sends call requests and receives plain data back (see protocol.py). The worker judges
nothing: every verdict is made by the parent, so a forged reply can only claim an output.

The same ``describe`` is used in-process by the learners' public tests, so both paths see a
returned value the same way.
"""

from __future__ import annotations

import os
import signal
import sys

CPU_EXIT = 128 + signal.SIGXCPU  # how a worker out of CPU time ends (even as a namespace's init)


if __name__ == "__main__":
    # worker.py IN_FD OUT_FD PATHS...  (one worker) | worker.py --zygote CONTROL_FD PATHS...
    _FDS = [int(sys.argv[2])] if sys.argv[1] == "--zygote" else [int(sys.argv[1]), int(sys.argv[2])]
    sys.path.extend(sys.argv[3:])  # started with -S: the third-party packages' folders

import contextlib
import importlib
import importlib.machinery
import importlib.util
import io
import json
import traceback
import warnings

import numpy as np

if __package__:  # imported by the trusted side (in-process runs)
    from .protocol import decode, describe, encode, read_frame, write_frame
else:  # run as a script (-I: its folder is not on sys.path): load protocol.py from beside it
    _spec = importlib.util.spec_from_file_location(
        "protocol", os.path.join(os.path.dirname(__file__), "protocol.py")
    )
    _protocol = sys.modules["protocol"] = importlib.util.module_from_spec(_spec)
    _spec.loader.exec_module(_protocol)
    decode, describe, encode = _protocol.decode, _protocol.describe, _protocol.encode
    read_frame, write_frame = _protocol.read_frame, _protocol.write_frame

MAX_STDOUT = 20_000  # characters kept of what one call prints


# --- running one call ------------------------------------------------------------------


class _Capped(io.TextIOBase):
    """A stdout that keeps the first MAX_STDOUT characters: a print loop cannot eat memory."""

    def __init__(self):
        self.parts, self.size = [], 0

    def writable(self) -> bool:
        return True

    def write(self, text) -> int:
        text = str(text)
        if self.size < MAX_STDOUT:
            self.parts.append(text[: MAX_STDOUT - self.size])
        self.size += len(text)
        return len(text)

    def getvalue(self) -> str:
        more = (
            f"\n... ({self.size - MAX_STDOUT} more characters not kept)"
            if self.size > MAX_STDOUT
            else ""
        )
        return "".join(self.parts) + more


class _CallTimeout(BaseException):
    """Raised inside the learner's code when its call runs out of time."""


def _on_alarm(signum, frame):
    raise _CallTimeout


def run_call(request: dict, root: str | None = None) -> dict:
    """Import ``module`` from ``root`` (default: the cwd), call it, report what happened."""
    root = root or os.getcwd()
    module, function = request["module"], request["function"]
    kwargs = dict(request.get("kwargs", {}))  # the parent always passes named arguments
    before = {k: v.copy() for k, v in kwargs.items() if isinstance(v, np.ndarray)}
    stdout = _Capped()
    reply: dict = {"status": "ok"}
    limit = request.get("timeout")
    if limit:  # a soft limit that says where the code was; the parent also has a hard one
        signal.signal(signal.SIGALRM, _on_alarm)
        signal.setitimer(signal.ITIMER_REAL, limit)
    with contextlib.redirect_stdout(stdout), contextlib.redirect_stderr(_Capped()):
        try:
            fn = (
                request["callable"]
                if "callable" in request
                else getattr(_import(module, root), function, None)
            )
            if fn is None:
                reply = {"status": "missing_function"}
            else:
                reply["value"] = describe(fn(**kwargs))
        except _ImportProblem as problem:
            reply = problem.reply
        except NotImplementedError as exc:
            reply = {"status": "not_implemented", **_exception_facts(exc, root)}
        except _CallTimeout as exc:
            reply = {"status": "timeout", **_exception_facts(exc, root)}
        except BaseException as exc:  # SystemExit and KeyboardInterrupt included: fail, don't leave
            reply = {"status": "raised", **_exception_facts(exc, root)}
        finally:
            if limit:
                signal.setitimer(signal.ITIMER_REAL, 0)
    reply["stdout"] = stdout.getvalue()
    reply["modified"] = [k for k, old in before.items() if not _same(old, kwargs[k])]
    _close_figures()
    return reply


def _same(a: np.ndarray, b: np.ndarray) -> bool:
    return a.shape == b.shape and bool(np.array_equal(a, b, equal_nan=True))


class _ImportProblem(Exception):
    def __init__(self, reply: dict):
        self.reply = reply


def _import(module: str, root: str):
    if module in sys.modules:
        return sys.modules[module]
    path = os.path.join(root, f"{module}.py")
    if not os.path.isfile(path):
        what = "a directory" if os.path.isdir(path) else "missing"
        raise _ImportProblem({"status": "missing_file", "detail": what})
    try:
        return importlib.import_module(module)
    except SyntaxError as exc:
        raise _ImportProblem(
            {
                "status": "syntax_error",
                "file": os.path.basename(exc.filename or ""),
                "line": exc.lineno or 0,
                "message": str(exc.msg),
            }
        )
    except NotImplementedError as exc:
        raise _ImportProblem({"status": "not_implemented", **_exception_facts(exc, root)})
    except _CallTimeout:
        raise
    except BaseException as exc:
        raise _ImportProblem({"status": "import_error", **_exception_facts(exc, root)})


def _exception_facts(exc: BaseException, root: str | None = None) -> dict:
    """Type, message and the last line of the learner's own code that was running."""
    facts = {"where": "", "function": "", "file": "", "line": 0}
    here = os.path.abspath(root or os.getcwd())
    for frame in reversed(traceback.extract_tb(exc.__traceback__)):
        if frame.filename.startswith(here):
            facts["file"] = os.path.basename(frame.filename)
            facts["function"] = frame.name if frame.name != "<module>" else ""
            facts["line"] = frame.lineno or 0
            facts["where"] = f"{facts['file']}, line {frame.lineno}: {(frame.line or '').strip()}"
            break
    try:
        message = str(exc)
    except Exception:
        message = "<unprintable message>"
    return {"type": type(exc).__name__, "message": message[:500], **facts}


def _close_figures() -> None:
    pyplot = sys.modules.get("matplotlib.pyplot")
    # a pyplot imported lazily (_LazyPyplot) and never used has no figure: do not load it
    if pyplot is not None and type(pyplot) is not _LazyModule:
        pyplot.close("all")


def quiet_layout() -> None:
    """Workers make figures that are read, never drawn: they skip matplotlib's tight_layout (it
    only moves panels, about 35 ms a figure) and make an axis's ticks only when one is asked
    for (each new Axes otherwise builds ticks, about 5 ms each, that only drawing uses).
    Figures, axes, their images and titles stay matplotlib's own, which is all a check reads.
    Applied when the learner's code imports matplotlib."""
    # import_module, not `import matplotlib.figure`: this runs while that import finishes
    figure = importlib.import_module("matplotlib.figure")
    axis = importlib.import_module("matplotlib.axis")
    figure.Figure.tight_layout = lambda self, *args, **kwargs: None
    axis._LazyTickList.__get__ = _ticks_on_demand


class _TicksOnDemand(list):
    """An axis's tick list that makes its first tick when one is indexed (drawing, a learner's
    ``get_major_ticks()``), not when the axis is made: looping over it (tick parameters, clip
    paths set on every existing tick) finds none and costs nothing. New ticks take the
    parameters set so far from the axis, as they do in matplotlib."""

    def __init__(self, axis, major: bool):
        super().__init__()
        self._axis, self._major = axis, major

    def __getitem__(self, i):
        if not list.__len__(self):
            list.append(self, self._axis._get_tick(major=self._major))
        return list.__getitem__(self, i)


def _ticks_on_demand(self, instance, owner):
    if instance is None:
        return self
    ticks = _TicksOnDemand(instance, self._major)
    setattr(instance, "majorTicks" if self._major else "minorTicks", ticks)
    return ticks


class _QuietLayoutOnImport:
    """A meta-path hook that applies quiet_layout right after matplotlib.figure is imported,
    so a worker that never plots never pays for importing matplotlib."""

    def find_spec(self, name, path=None, target=None):
        if name != "matplotlib.figure":
            return None
        sys.meta_path.remove(self)
        spec = importlib.util.find_spec(name)
        loader = spec.loader
        original = loader.exec_module

        def exec_module(module):
            original(module)
            quiet_layout()

        loader.exec_module = exec_module
        return spec


class _LazyModule(type(sys)):
    """A module that runs its code at the first use of one of its attributes. Unlike
    importlib's LazyLoader, looking at what the import system looks at (``__spec__``,
    ``__name__``...) does not load it, so importing it again (another file's ``import
    matplotlib.pyplot``) does not either."""

    _PASS = frozenset(
        {"__spec__", "__name__", "__loader__", "__class__", "__dict__", "__package__"}
    )

    def __getattribute__(self, attr):
        if attr in _LazyModule._PASS:
            return object.__getattribute__(self, attr)
        _LazyModule._load(self)
        return getattr(self, attr)

    def __setattr__(self, attr, value):
        _LazyModule._load(self)
        setattr(self, attr, value)

    def __delattr__(self, attr):
        _LazyModule._load(self)
        delattr(self, attr)

    def _load(self):
        if type(self) is not _LazyModule:
            return
        object.__setattr__(self, "__class__", type(sys))
        spec = self.__spec__
        spec.loader = spec.loader_state["loader"]
        self.__loader__ = spec.loader
        spec.loader.exec_module(self)


class _LazyLoader:
    def __init__(self, loader):
        self.loader = loader

    def create_module(self, spec):
        return None

    def exec_module(self, module):
        module.__spec__.loader_state = {"loader": self.loader}
        module.__class__ = _LazyModule


class _LazyPyplot:
    """A meta-path hook for a worker that has not loaded matplotlib: ``import
    matplotlib.pyplot`` gives a module that loads itself at its first use (_LazyModule), so a
    file that imports pyplot at its top but whose function raises before plotting (a stub)
    does not cost pyplot's import (about 0.3 s). Used once, then removed."""

    def find_spec(self, name, path=None, target=None):
        if name != "matplotlib.pyplot":
            return None
        sys.meta_path.remove(self)
        spec = importlib.machinery.PathFinder.find_spec(name, path)
        if spec is not None and hasattr(spec.loader, "exec_module"):
            spec.loader = _LazyLoader(spec.loader)
        return spec


def warm(modules: list) -> dict:
    """Import what the coming calls will need (matplotlib; "matplotlib+figure" also makes and
    closes a figure) before they come:
    the parent asks while it still collects or waits for a file save. No submitted code runs;
    pyplot ends with no figure open, as after any call."""
    if "matplotlib" in modules or "matplotlib+figure" in modules:
        import matplotlib

        matplotlib.use("Agg")
        import matplotlib.pyplot as plt

        plt.get_backend()  # loaded now, even if the import was made lazy (_LazyPyplot)
        quiet_layout()
    if "matplotlib+figure" in modules:  # when idle anyway (watch): fonts, axes and images too
        fig, axes = plt.subplots(1, 2)
        for ax in axes:
            ax.imshow(np.zeros((2, 2)), cmap="gray")
            ax.set_title("warm")
        plt.close(fig)
    return {"status": "ok"}


def compile_files() -> dict:
    """Bytecode (a timestamp .pyc's bytes) of each .py file in the working folder: asked of a
    submission's first worker before it is given any test input, so the grader can keep it
    beside the sources for the workers that follow (each then skips compiling them)."""
    import importlib._bootstrap_external as external

    pycs = {}
    for name in sorted(os.listdir(".")):
        if not name.endswith(".py") or not os.path.isfile(name) or os.path.islink(name):
            continue
        try:
            with open(name, "rb") as f:
                source = f.read()
            stat = os.stat(name)
            code = compile(source, os.path.abspath(name), "exec", dont_inherit=True)
            data = external._code_to_timestamp_pyc(code, stat.st_mtime, stat.st_size)
        except BaseException:  # a syntax error: its import says so, later
            continue
        pycs[name] = np.frombuffer(bytes(data), dtype=np.uint8)
    return {"status": "ok", "pycs": pycs}


def _load_confine():
    """confine.py, copied beside this script (started with -I: its folder is not on sys.path,
    and is not put there: the workers never import from the server's folder)."""
    spec = importlib.util.spec_from_file_location(
        "confine", os.path.join(os.path.dirname(os.path.abspath(__file__)), "confine.py")
    )
    module = importlib.util.module_from_spec(spec)
    sys.modules["confine"] = module
    spec.loader.exec_module(module)
    return module


CONFINE_EXIT = 125  # a worker whose confinement failed ends at once, before any submitted code


def zygote(control_fd: int) -> None:
    """A fork server: import numpy and matplotlib once, then fork one fresh worker per
    request; each confines itself (``confine.confine_self``) before it reads a request. Runs no
    submitted code itself. Is the subreaper of everything its workers start, and ends it all
    when a worker is done. Inside bubblewrap (NNKIT_BOX set) it copies each submission from
    the read-only staging folder into its private tmpfs and wipes that copy and /tmp after."""
    import shutil
    import socket
    from dataclasses import replace

    confine = _load_confine()
    policy = confine.Policy(**json.loads(os.environ["NNKIT_POLICY"]))
    policy.require = tuple(policy.require)
    # The learner's own machine (the learners' warm server): the limits, no jail, the
    # learner's folder itself as working directory (nothing copied, no scratch folder made).
    limits_only = bool(os.environ.pop("NNKIT_LIMITS_ONLY", ""))
    confine.set_subreaper()
    if not limits_only:
        confine.prepare(policy)

    def stop(signum, frame):  # the grader is being stopped: end every worker and what it started
        confine.kill_descendants()
        os._exit(0)

    signal.signal(signal.SIGTERM, stop)
    confine.parent_death_signal(signal.SIGTERM)  # and if the grader dies without a word, the same
    box, scratch_box = os.environ.get("NNKIT_BOX"), os.environ.get("NNKIT_SCRATCH", "/tmp")
    _writable_matplotlib_config(box)

    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    warm, axes = plt.subplots(1, 2)  # load fonts, axes and the renderer now, not in every child
    for ax in axes:
        ax.imshow(np.zeros((2, 2)), cmap="gray")
        ax.set_title("warm")
        ax.axis("off")
    warm.canvas.draw()
    plt.close(warm)
    import gc

    gc.collect()
    # What is loaded now is shared with every worker forked: kept out of their garbage
    # collections, which would otherwise walk it (and copy the pages they touch) in each.
    gc.freeze()
    control = socket.socket(fileno=control_fd)
    copies: dict[int, str] = {}
    while True:
        try:
            message, fds, _, _ = socket.recv_fds(control, 4096, 2)
        except OSError:
            return
        if not message:
            return  # the grader is gone
        request = json.loads(message)
        if request["op"] == "fork":
            try:
                if limits_only:
                    workdir, scratch = request["workdir"], None
                else:
                    workdir, scratch = _working_copy(
                        request["workdir"], box, shutil, policy.drop_to_nobody, scratch_box
                    )
            except OSError as exc:
                for fd in fds:
                    os.close(fd)
                control.sendall(json.dumps({"error": str(exc)}).encode())
                continue
            pid = os.fork()
            if pid == 0:
                signal.signal(signal.SIGTERM, signal.SIG_DFL)
                control.close()
                os.setsid()
                try:
                    os.chdir(workdir)
                    if limits_only:
                        confine.set_limits(policy)
                    else:
                        os.environ.update(HOME=workdir, TMPDIR=scratch)
                        confine.confine_self(replace(policy, read_write=[workdir, scratch]))
                except BaseException:
                    os._exit(CONFINE_EXIT)
                if limits_only:  # given files (mnist.py) after the learner's, before packages
                    sys.path[:0] = [str(p) for p in request.get("paths", [])]
                serve(fds[0], fds[1])
                os._exit(0)
            for fd in fds:
                os.close(fd)
            copies[pid] = workdir
            reply = {"pid": pid}
        elif request["op"] == "end":  # the grader is done with this worker, or it must stop
            code = _end(
                request["pid"], request.get("grace", 0.0), confine, set(copies) - {request["pid"]}
            )
            copy = copies.pop(request["pid"], None)
            if box and copy:
                shutil.rmtree(copy, ignore_errors=True)
            if box and not copies:
                for entry in os.listdir(
                    scratch_box
                ):  # the scratch space starts empty for the next one
                    path = os.path.join(scratch_box, entry)
                    shutil.rmtree(path, ignore_errors=True) if os.path.isdir(
                        path
                    ) and not os.path.islink(path) else os.unlink(path)
            reply = {"code": code}
        else:
            reply = {"error": "unknown op"}
        control.sendall(json.dumps(reply).encode())


def _writable_matplotlib_config(box: str | None) -> None:
    """matplotlib ignores a config folder it cannot write and rebuilds its font list (about
    0.3 s) in a temporary one: inside bubblewrap, where the server's own folder is read-only,
    the font list the grader gave (MPLCONFIGDIR) is copied into the server's tmpfs first."""
    import shutil

    given = os.environ.get("MPLCONFIGDIR")
    if not box or not given or os.access(given, os.W_OK):
        return
    own = os.path.join(box, ".mpl")  # (a submission's copy is never named so)
    os.makedirs(own, exist_ok=True)
    for name in os.listdir(given):
        shutil.copyfile(os.path.join(given, name), os.path.join(own, name))
    os.environ["MPLCONFIGDIR"] = own


def _working_copy(
    staged: str, box: str | None, shutil, for_nobody: bool, scratch: str
) -> tuple[str, str]:
    """The folder the worker runs in and its scratch folder. Without bubblewrap: the staged
    folder itself, scratch inside it. Inside: a fresh copy in the server's tmpfs, and the
    scratch tmpfs."""
    if not box:
        scratch = os.path.join(staged, ".tmp")
        os.makedirs(scratch, exist_ok=True)
        if for_nobody and os.geteuid() == 0:
            os.chown(scratch, 65534, 65534)
        return staged, scratch
    copy = os.path.join(box, os.path.basename(staged.rstrip("/")))
    shutil.rmtree(copy, ignore_errors=True)
    shutil.copytree(staged, copy, symlinks=True)
    return copy, scratch


def _end(pid: int, grace: float, confine, others: set[int]) -> int | None:
    """Give the worker ``grace`` seconds to end by itself, then kill it and every process it
    left behind (daemons included: this server is their subreaper); return how it ended."""
    import time

    code, deadline = None, time.monotonic() + grace
    while code is None:
        done, status = os.waitpid(pid, os.WNOHANG)
        if done:
            code = os.waitstatus_to_exitcode(status)
        elif time.monotonic() >= deadline:
            break
        else:
            time.sleep(0.01)
    try:
        os.killpg(pid, signal.SIGKILL)
    except OSError:
        pass
    if code is None:
        try:
            os.kill(pid, signal.SIGKILL)
            _, status = os.waitpid(pid, 0)
            code = os.waitstatus_to_exitcode(status)
        except (OSError, ChildProcessError):
            pass
    confine.kill_descendants(keep=others)  # other workers still serving stay
    return code


def serve(in_fd: int, out_fd: int) -> None:
    # Nothing the learner prints or reads may touch the protocol's pipes.
    devnull = os.open(os.devnull, os.O_RDWR)
    for fd in (0, 1, 2):
        os.dup2(devnull, fd)
    sys.path.insert(0, os.getcwd())  # the submission; numpy is already imported from site-packages
    if "matplotlib.figure" in sys.modules:
        quiet_layout()
    else:
        sys.meta_path.insert(0, _QuietLayoutOnImport())
        sys.meta_path.insert(0, _LazyPyplot())
    # Process 1 of a PID namespace ignores signals it has no handler for, the kernel's
    # "out of CPU time" included: handle it, so the limit ends the worker at once.
    signal.signal(signal.SIGXCPU, lambda *_: os._exit(CPU_EXIT))
    warnings.simplefilter("ignore")  # plt.show() under Agg warns; warnings are not failures
    if os.environ.get("NNKIT_WARM"):  # the parent knows already what the calls will need
        try:
            warm(os.environ.pop("NNKIT_WARM").split(","))
        except Exception:  # a call that needs it will say what is wrong
            pass
    while True:
        frame = read_frame(in_fd)
        if frame is None:
            return
        try:
            request = decode(frame)
            if "warm" in request:
                reply = warm(request["warm"])
            elif "compile" in request:
                reply = compile_files()
            else:
                reply = run_call(request)
        except BaseException as exc:  # the request itself was unusable
            reply = {"status": "raised", **_exception_facts(exc)}
        write_frame(out_fd, encode(reply))


if __name__ == "__main__":
    if sys.argv[1] == "--zygote":
        zygote(_FDS[0])
    else:
        serve(*_FDS)
