"""The untrusted side: runs submitted functions and describes what they returned.

Run as ``python -I worker.py IN_FD OUT_FD`` with the submission's copy as working directory.
It imports nothing from the kit (the grader's internals and the reference never enter this
process); it only needs numpy. The trusted parent sends call requests and receives plain
data back: JSON headers plus arrays as raw bytes with dtype and shape, never pickles. The worker judges
nothing: every verdict is made by the parent, so a forged reply can only claim an output.

The same ``describe`` is used in-process by the learners' public tests, so both paths see a
returned value the same way.
"""
from __future__ import annotations

import os
import signal
import sys


def become_init(fds: list[int]) -> None:
    """In a fresh PID namespace (NNKIT_PID_NAMESPACE=1) only this process's children are
    inside it, and this process may not even start threads: fork at once, let the child
    (process 1 there) go on, and mirror how it ends."""
    child = os.fork()
    if child == 0:
        return
    for fd in set(fds):  # only the child talks to the grader; its death must close the pipes
        os.close(fd)
    _, status = os.waitpid(child, 0)
    if os.WIFSIGNALED(status):
        sig = os.WTERMSIG(status)
        if sig not in (signal.SIGKILL, signal.SIGSTOP):  # those two keep their default anyway
            signal.signal(sig, signal.SIG_DFL)
        os.kill(os.getpid(), sig)
    os._exit(os.waitstatus_to_exitcode(status) if os.WIFEXITED(status) else 1)


CPU_EXIT = 128 + signal.SIGXCPU  # how a worker out of CPU time ends (even as a namespace's init)


if __name__ == "__main__":
    # worker.py IN_FD OUT_FD PATHS...  (one worker) | worker.py --zygote CONTROL_FD PATHS...
    _FDS = [int(sys.argv[2])] if sys.argv[1] == "--zygote" else [int(sys.argv[1]), int(sys.argv[2])]
    if os.environ.get("NNKIT_PID_NAMESPACE") == "1":
        become_init(_FDS)
    sys.path.extend(sys.argv[3:])  # started with -S: the third-party packages' folders

import contextlib
import importlib
import importlib.util
import io
import json
import struct
import traceback
import warnings
from dataclasses import dataclass

import numpy as np

MAX_STDOUT = 20_000  # characters kept of what one call prints
MAX_REPR = 200


@dataclass
class Value:
    """What a learner's function returned, as data the trusted side can judge."""

    type: str  # qualified type name, e.g. "numpy.ndarray", "list", "NoneType"
    array: np.ndarray | None = None  # numeric content, when it could be read as an array
    items: list["Value"] | None = None  # elements of a returned tuple or list
    figure: list[dict] | None = None  # a matplotlib Figure: one dict per axes
    text: str = ""  # short repr, for messages about non-arrays
    scalar: bool = False  # a single Python or numpy number


def _type_name(obj) -> str:
    t = type(obj)
    return t.__qualname__ if t.__module__ == "builtins" else f"{t.__module__}.{t.__qualname__}"


def describe(obj) -> Value:
    """Turn any returned object into a Value, without trusting its methods."""
    name = _type_name(obj)
    if type(obj) is np.ndarray or isinstance(obj, np.ndarray):
        arr = np.array(obj, copy=True, subok=False)  # subclasses lose their tricks here
        return Value(name, array=arr if arr.dtype.kind in "biufc" else None, text=f"dtype {arr.dtype}")
    if type(obj) in (tuple, list):
        value = Value(name, items=[describe(x) for x in obj], text=_short_repr(obj))
        try:  # so "returned a list" can also say whether it held numbers
            arr = np.array(obj, dtype=float)
            value.array = arr
        except (TypeError, ValueError):
            pass
        return value
    if type(obj) in (int, float, bool) or isinstance(obj, np.generic):
        return Value(name, text=_short_repr(obj), scalar=True)
    if _is_figure(obj):
        return Value(name, figure=_describe_figure(obj))
    return Value(name, text=_short_repr(obj))


def _short_repr(obj) -> str:
    try:
        if type(obj) in (list, tuple):  # item by item, stopping once long enough
            parts, size = [], 0
            for item in obj:
                parts.append(_short_repr(item))
                size += len(parts[-1]) + 2
                if size > MAX_REPR:
                    break
            text = ", ".join(parts) + ("," if type(obj) is tuple and len(obj) == 1 else "")
            text = f"[{text}]" if type(obj) is list else f"({text})"
        elif isinstance(obj, np.ndarray):  # summarised: a full repr of a big array is slow
            with np.printoptions(threshold=20, edgeitems=2):
                text = np.ndarray.__repr__(np.asarray(obj))
        elif isinstance(obj, (int, float, bool, np.generic)):
            text = repr(obj)
        else:
            text = object.__repr__(obj)
    except Exception:  # a hostile __repr__ must not break the worker
        text = "<unprintable>"
    return text if len(text) <= MAX_REPR else text[: MAX_REPR - 3] + "..."


def _is_figure(obj) -> bool:
    figure_module = sys.modules.get("matplotlib.figure")
    return figure_module is not None and type(obj) is figure_module.Figure


def _describe_figure(fig) -> list[dict]:
    panels = []
    for ax in fig.axes:
        images = [np.array(im.get_array(), dtype=float) for im in ax.get_images()]
        panels.append({"title": str(ax.get_title()), "images": images})
    return panels


# --- wire format: 4-byte length, JSON header, then the arrays' raw bytes ------------------
# Arrays travel as dtype, shape and raw bytes: no pickle, and no .npy header to parse per array.

NUMERIC = "biufc"


def _pack(obj, blobs: list[bytes]):
    if isinstance(obj, np.ndarray):
        if obj.dtype.kind not in NUMERIC:
            raise TypeError(f"cannot send an array of dtype {obj.dtype}")
        blobs.append(np.ascontiguousarray(obj).tobytes())
        return {"__array__": len(blobs) - 1, "dtype": obj.dtype.str, "shape": list(obj.shape)}
    if isinstance(obj, Value):
        return {"__value__": {k: _pack(v, blobs) for k, v in obj.__dict__.items()}}
    if isinstance(obj, dict):
        return {"__dict__": {str(k): _pack(v, blobs) for k, v in obj.items()}}
    if isinstance(obj, (list, tuple)):
        return [_pack(x, blobs) for x in obj]
    if obj is None or isinstance(obj, (str, int, float, bool)):
        return obj
    raise TypeError(f"cannot send {type(obj).__name__}")


def _array(tag: dict, blob: bytes) -> np.ndarray:
    """A fresh, writable array from a tag the other side wrote: checked, since that side may be
    the submission's."""
    dtype, shape = np.dtype(str(tag["dtype"])), [int(n) for n in tag["shape"]]
    if dtype.kind not in NUMERIC or dtype.fields is not None or min(shape, default=0) < 0:
        raise ValueError("bad array tag")
    if int(np.prod(shape, dtype=np.int64)) * dtype.itemsize != len(blob):
        raise ValueError("array size does not match its bytes")
    return np.frombuffer(blob, dtype=dtype).reshape(shape).copy()


def _unpack(obj, blobs: list[bytes]):
    if isinstance(obj, dict):
        if "__array__" in obj:
            return _array(obj, blobs[obj["__array__"]])
        if "__value__" in obj:
            fields = {k: _unpack(v, blobs) for k, v in obj["__value__"].items()}
            return Value(**{k: fields[k] for k in Value.__dataclass_fields__ if k in fields})
        if "__dict__" in obj:
            return {k: _unpack(v, blobs) for k, v in obj["__dict__"].items()}
        raise ValueError("unknown tag")
    if isinstance(obj, list):
        return [_unpack(x, blobs) for x in obj]
    return obj


def encode(message) -> bytes:
    blobs: list[bytes] = []
    header = json.dumps({"body": _pack(message, blobs), "blobs": [len(b) for b in blobs]}).encode()
    return struct.pack(">I", len(header)) + header + b"".join(blobs)


def decode(data: bytes):
    (n,) = struct.unpack(">I", data[:4])
    header = json.loads(data[4 : 4 + n])
    blobs, pos = [], 4 + n
    for size in header["blobs"]:
        blobs.append(data[pos : pos + size])
        pos += size
    return _unpack(header["body"], blobs)


def read_frame(fd: int) -> bytes | None:
    """One message: an 8-byte total length, then the message."""
    head = _read_exact(fd, 8)
    if head is None:
        return None
    (size,) = struct.unpack(">Q", head)
    return _read_exact(fd, size)


def write_frame(fd: int, payload: bytes) -> None:
    data = struct.pack(">Q", len(payload)) + payload
    while data:
        data = data[os.write(fd, data):]


def _read_exact(fd: int, size: int) -> bytes | None:
    chunks, left = [], size
    while left:
        chunk = os.read(fd, min(left, 1 << 20))
        if not chunk:
            return None
        chunks.append(chunk)
        left -= len(chunk)
    return b"".join(chunks)


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
        more = f"\n... ({self.size - MAX_STDOUT} more characters not kept)" if self.size > MAX_STDOUT else ""
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
            fn = request["callable"] if "callable" in request else getattr(_import(module, root), function, None)
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
        raise _ImportProblem({"status": "syntax_error", "file": os.path.basename(exc.filename or ""),
                              "line": exc.lineno or 0, "message": str(exc.msg)})
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
    if pyplot is not None:
        pyplot.close("all")


def quiet_layout() -> None:
    """Workers skip matplotlib's tight_layout: it only moves panels (about 35 ms a figure),
    and nothing it changes is checked. Applied when the learner's code imports matplotlib."""
    import matplotlib.figure

    matplotlib.figure.Figure.tight_layout = lambda self, *args, **kwargs: None


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
            module.Figure.tight_layout = lambda self, *args, **kwargs: None

        loader.exec_module = exec_module
        return spec


def zygote(control_fd: int) -> None:
    """A fork server: import numpy and matplotlib once, then fork one fresh worker per
    request. Runs no submitted code itself. As process 1 of the PID namespace it also ends
    every process a finished worker left behind."""
    import socket

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
    control = socket.socket(fileno=control_fd)
    while True:
        try:
            message, fds, _, _ = socket.recv_fds(control, 4096, 2)
        except OSError:
            return
        if not message:
            return  # the grader is gone
        request = json.loads(message)
        if request["op"] == "fork":
            pid = os.fork()
            if pid == 0:
                control.close()
                os.setsid()
                os.chdir(request["workdir"])
                os.environ["HOME"] = request["workdir"]
                serve(fds[0], fds[1])
                os._exit(0)
            for fd in fds:
                os.close(fd)
            reply = {"pid": pid}
        elif request["op"] == "end":  # the grader is done with this worker, or it must stop
            code = _end(request["pid"], request.get("grace", 0.0))
            reply = {"code": code}
        else:
            reply = {"error": "unknown op"}
        control.sendall(json.dumps(reply).encode())


def _end(pid: int, grace: float) -> int | None:
    """Give the worker ``grace`` seconds to end by itself, kill it and its group, and, as
    process 1 of a PID namespace, every other process there; return how the worker ended."""
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
    for target in ([-1] if os.getpid() == 1 else []) + [-pid]:  # kill(-1) only inside a namespace
        try:
            os.kill(target, signal.SIGKILL)
        except OSError:
            pass
    while True:  # reap the worker and any orphans
        try:
            done, status = os.waitpid(-1, 0 if code is None else os.WNOHANG)
        except ChildProcessError:
            break
        if done == 0:
            break
        if done == pid and code is None:
            code = os.waitstatus_to_exitcode(status)
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
    # Process 1 of a PID namespace ignores signals it has no handler for, the kernel's
    # "out of CPU time" included: handle it, so the limit ends the worker at once.
    signal.signal(signal.SIGXCPU, lambda *_: os._exit(CPU_EXIT))
    warnings.simplefilter("ignore")  # plt.show() under Agg warns; warnings are not failures
    while True:
        frame = read_frame(in_fd)
        if frame is None:
            return
        try:
            reply = run_call(decode(frame))
        except BaseException as exc:  # the request itself was unusable
            reply = {"status": "raised", **_exception_facts(exc)}
        write_frame(out_fd, encode(reply))


if __name__ == "__main__":
    if sys.argv[1] == "--zygote":
        zygote(_FDS[0])
    else:
        serve(*_FDS)
