"""max_pool's check and the mistakes it names."""
from __future__ import annotations

import numpy as np

from ...judge.arrays import Mistake, check_array, describe_inputs
from ...judge.outcomes import check_unmodified, value_of


def mistakes(X, size, stride, expected, lib) -> list[Mistake]:
    X = np.asarray(X)
    H, W, s = X.shape[0], X.shape[1], stride
    h, w = (H - size) // s + 1, (W - size) // s + 1
    rest = tuple(X.shape[2:])
    rule = "the output size is (H - size) // stride + 1"
    ms = []
    if X.ndim == 3 and X.shape[2] == 1:
        ms.append(Mistake("channel_dropped", "the channel axis was dropped: a (H, W, 1) input must give a "
                          "(H', W', 1) output (the post's code drops it; only a 2-D input gives a 2-D output).",
                          shape=(h, w)))
    if X.ndim == 2:
        ms.append(Mistake("channel_added", "a 2-D (H, W) input must give a 2-D (H', W') output: remove the "
                          "channel axis you added before returning.", shape=(h, w, 1)))
    if size != s:
        ms.append(Mistake("floor_h_over_stride", f"that is floor(H / stride), Part 4.3's formula for the case "
                          f"size == stride; in general {rule}.", shape=(H // s, W // s) + rest))
    ms.append(Mistake("plus_one_forgotten", f"one row and one column too few: did you forget the + 1? ({rule}).",
                      shape=((H - size) // s, (W - size) // s) + rest))
    if s > 1:
        ms.append(Mistake("stride_ignored", f"that is the stride-1 size: the stride was ignored ({rule}).",
                          shape=(H - size + 1, W - size + 1) + rest))
    if X.ndim == 3 and X.shape[2] > 1:
        ms.append(Mistake("channel_first", f"expected {X.shape[2]} channels last; is the channel axis first? "
                          "Keep channels on the last axis.", shape=(X.shape[2], h, w)))
        across = np.broadcast_to(expected.max(axis=2, keepdims=True), expected.shape)
        ms.append(Mistake("max_across_channels", "every channel got the same maximum: the max was taken across "
                          "channels too. Take it over the window's rows and columns only (axis=(0, 1)).", across))
    if (expected < 0).any():
        ms.append(Mistake("max_from_zero", "negative maxima came out as 0: the max started from 0 (or from an "
                          "np.zeros array). Start from the window's own values: np.max(window).",
                          np.maximum(expected, 0)))
    if lib is not None:
        ms.append(Mistake("min_not_max", "they are the minimum of each window, not the maximum.",
                          -lib.max_pool(-X, size, s)))
        if s > 1:
            ms.append(Mistake("windows_step_by_one", "window (i, j) must start at row i * stride and column "
                              "j * stride, not at (i, j).", lib.max_pool(X, size, 1)[:h, :w]))
    return ms


def check(unit, call, outcome, lib, reveal: bool) -> None:
    inputs = unit.inputs(call)
    X, size, stride = inputs["X"], inputs["size"], inputs["stride"]
    text = describe_inputs("max_pool", call.kwargs)
    expected = call.expected if lib is None else lib.max_pool(X, size, stride)
    named = (call.mistakes if lib is None else []) + mistakes(X, size, stride, np.asarray(expected, dtype=float), lib)
    check_array(value_of(outcome, text, unit.file), expected, call=text, mistakes=named, reveal=reveal)
    check_unmodified(outcome, text)
