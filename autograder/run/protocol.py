"""The wire protocol between the trusted grader and the worker running submitted code.

A message is an 8-byte length, then a 4-byte header length, a JSON header and the arrays'
raw bytes (dtype and shape in the header): no pickle, nothing executable, and every array
tag is checked on reading, since the other side may be the submission's. ``Value`` is what a
learner's function returned, described as plain data; ``describe`` makes one from any object
without trusting its methods. Imports numpy only: both sides load this file.
"""

from __future__ import annotations

import json
import os
import struct
import sys
from dataclasses import dataclass

import numpy as np

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
        return Value(
            name, array=arr if arr.dtype.kind in "biufc" else None, text=f"dtype {arr.dtype}"
        )
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
        data = data[os.write(fd, data) :]


def _read_exact(fd: int, size: int) -> bytes | None:
    chunks, left = [], size
    while left:
        chunk = os.read(fd, min(left, 1 << 20))
        if not chunk:
            return None
        chunks.append(chunk)
        left -= len(chunk)
    return b"".join(chunks)
