"""max_pool's named mistakes as models: what each one returns (see autograder/judge/models.py),
the sentence that names it, and the extra calls that tell them apart.

Tested against one submission per mistake in tests/corpus/ and every correct one there.
"""

from __future__ import annotations

import numpy as np
from numpy.lib.stride_tricks import sliding_window_view

from ...judge.models import RAISES, AsList, Model

ARGS = ("X", "size", "stride")
RULE = "the output size is (H - size) // stride + 1"


def channel_dropped(ref, X, size, s):
    """A (H, W, 1) input gives (H', W'): the post's code."""
    X = np.asarray(X)
    return ref.max_pool(X, size, s)[:, :, 0] if X.ndim == 3 and X.shape[2] == 1 else None


def channel_added(ref, X, size, s):
    """A (H, W) input gives (H', W', 1)."""
    return ref.max_pool(X, size, s)[:, :, None] if np.ndim(X) == 2 else None


def max_across_channels(ref, X, size, s):
    X = np.asarray(X)
    if X.ndim != 3 or X.shape[2] == 1:
        return None
    out = ref.max_pool(X, size, s)
    return np.broadcast_to(out.max(axis=2, keepdims=True), out.shape).copy()


def max_from_zero(ref, X, size, s):
    return np.maximum(ref.max_pool(X, size, s), 0.0)


def stride_ignored(ref, X, size, s):
    return None if s == 1 else ref.max_pool(X, size, 1)


def windows_step_by_one(ref, X, size, s):
    """The strided output size, but window (i, j) starts at (i, j)."""
    if s == 1:
        return None
    X = np.asarray(X)
    h, w = (X.shape[0] - size) // s + 1, (X.shape[1] - size) // s + 1
    return ref.max_pool(X, size, 1)[:h, :w]


def stride_is_size(ref, X, size, s):
    """Non-overlapping size x size blocks: the stride taken to be the window size."""
    return None if s == size else ref.max_pool(X, size, size)


def plus_one_forgotten(ref, X, size, s):
    return ref.max_pool(X, size, s)[:-1, :-1]


def channel_first(ref, X, size, s):
    return np.moveaxis(ref.max_pool(X, size, s), -1, 0) if np.ndim(X) == 3 else None


def min_not_max(ref, X, size, s):
    return -ref.max_pool(-np.asarray(X, float), size, s)


def mean_not_max(ref, X, size, s):
    windows = sliding_window_view(np.asarray(X, float), (size, size), axis=(0, 1))[::s, ::s]
    return windows.mean(axis=(-2, -1))


def floor_h_over_stride(ref, X, size, s):
    """Part 4.3's floor(H / s) output, windows cut short at the edge."""
    X = np.asarray(X, float)
    H, W = X.shape[:2]
    if H // s == (H - size) // s + 1 and W // s == (W - size) // s + 1:
        return None
    P = np.pad(X, [(0, size), (0, size)] + [(0, 0)] * (X.ndim - 2), constant_values=-np.inf)
    return ref.max_pool(P, size, s)[: H // s, : W // s]


def no_channels(ref, X, size, s):
    """`H, W = X.shape`: raises on any 3-D input."""
    return RAISES if np.ndim(X) == 3 else None


def returns_list(ref, X, size, s):
    return AsList(ref.max_pool(X, size, s))


def raises_when_not_square(ref, X, size, s):
    X = np.asarray(X)
    return RAISES if (X.shape[0] - size) // s != (X.shape[1] - size) // s else None


MODELS = [
    Model(
        "channel_dropped",
        channel_dropped,
        "a dropped channel axis",
        "the channel axis was dropped: a (H, W, 1) input must give a (H', W', 1) output (the post's code drops "
        "it; only a 2-D input gives a 2-D output).",
    ),
    Model(
        "channel_added",
        channel_added,
        "a channel axis added to a 2-D input",
        "a 2-D (H, W) input must give a 2-D (H', W') output: remove the channel axis you added before returning.",
    ),
    Model(
        "max_across_channels",
        max_across_channels,
        "a max taken across channels",
        "every channel got the same maximum: the max was taken across channels too. Take it over the window's "
        "rows and columns only (axis=(0, 1)).",
    ),
    Model(
        "max_from_zero",
        max_from_zero,
        "a max started from 0",
        "negative maxima came out as 0: the max started from 0 (or from an np.zeros array). Start from the "
        "window's own values: np.max(window).",
    ),
    Model(
        "stride_ignored",
        stride_ignored,
        "an ignored stride",
        f"that is the stride-1 output: the stride was ignored ({RULE}; window (i, j) starts at row i * stride).",
    ),
    Model(
        "windows_step_by_one",
        windows_step_by_one,
        "windows moved by 1 instead of by the stride",
        "the output has the right size, but window (i, j) must start at row i * stride and column j * stride, "
        "not at (i, j).",
    ),
    Model(
        "stride_is_size",
        stride_is_size,
        "the stride taken to be the window size",
        f"those are non-overlapping size x size blocks: the stride was taken to be the window size. Move the "
        f"window by stride ({RULE}).",
    ),
    Model(
        "plus_one_forgotten",
        plus_one_forgotten,
        "a forgotten + 1",
        f"one row and one column too few: did you forget the + 1? ({RULE}).",
    ),
    Model(
        "channel_first",
        channel_first,
        "channels on the first axis",
        "the channels are on the first axis: keep them last, (H', W', C).",
    ),
    Model(
        "min_not_max",
        min_not_max,
        "a minimum instead of a maximum",
        "they are the minimum of each window, not the maximum.",
    ),
    Model(
        "mean_not_max",
        mean_not_max,
        "a mean instead of a maximum",
        "they are the mean of each window (average pooling), not the maximum.",
    ),
    Model(
        "floor_h_over_stride",
        floor_h_over_stride,
        "an output size of floor(H / stride)",
        f"that is floor(H / stride), Part 4.3's formula for the case size == stride; in general {RULE}.",
    ),
    Model(
        "no_channels",
        no_channels,
        "2-D inputs only",
        "it raises on a (H, W, C) input: max_pool must accept (H, W) and (H, W, C), pooling each channel on "
        "its own.",
    ),
    Model(
        "returns_list",
        returns_list,
        "a list instead of an array",
        "the values are right, but it is a list: return a numpy.ndarray (np.array(...)).",
    ),
    Model(
        "raises",
        raises_when_not_square,
        "rows and columns mixed up",
        "it raises only when the output is not square: are height and width (or rows and columns) mixed up "
        "in the loop bounds or the slices?",
    ),
]


def discriminating_calls() -> list[dict]:
    """Two small calls that tell every pair of models apart (found by an exact search over 108
    candidate calls; tests/test_corpus.py checks that they name every corpus case's mistake): all-negative maps, a (7, 9, 1) map at size 2 stride 1 and a
    (8, 8, 3) map at size 3 stride 2."""
    return [_call((7, 9, 1), 2, 1), _call((8, 8, 3), 3, 2)]


def _call(shape, size, stride) -> dict:
    X = -(((np.arange(int(np.prod(shape))).reshape(shape) * 37) % 23) + 1) / 3.0
    return {"X": X, "size": size, "stride": stride}


def small_calls():
    """Small maps in order of size, for showing the smallest one that still fails: integers
    with negatives, 2-D and with 1 or 2 channels, windows 2, strides 1 and 2 (seeded)."""
    from .. import Call

    rng = np.random.default_rng(4399)
    for H, W in [(2, 2), (2, 3), (3, 3), (3, 4), (4, 4), (4, 5), (5, 6)]:
        for channels in ((), (1,), (2,)):
            for s in (1, 2):
                X = rng.integers(-5, 6, size=(H, W, *channels)).astype(float)
                yield Call({"X": X, "size": 2, "stride": s})
