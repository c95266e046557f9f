"""Mistake models for conv2d and max_pool: what each known mistake returns for given inputs.

Pure numpy. The reference is passed in as ``ref`` (anything with ``conv2d`` and ``max_pool`` of
the kit's signatures), so this file imports nothing from the project and the grader can use it
with its own trusted copy.

Every model is ``model(ref, *inputs) -> prediction`` with the inputs of the function it models
(conv2d: image, kernel, stride; max_pool: X, size, stride). A prediction is one of

* ``None``: the mistake is not defined for these inputs, or gives exactly the right answer
  (a square kernel for ``square_kernel``, stride 1 for ``stride_ignored``...): nothing to see;
* an ``np.ndarray``: the values the mistake returns (a VALUE model);
* ``Shape((h, w))``: only the shape the mistake returns; its values depend on how the learner
  papered over the mistake (a SHAPE-ONLY model);
* ``RAISES``: the call raises (an OUTCOME model: the exception's type and text vary);
* ``AsList(values)``: a plain Python (nested) list holding these values.

``KINDS`` says which of these each model gives (besides None), ``agrees(prediction, outcome)``
says whether a call's outcome is what a prediction says, and ``same_prediction(a, b, ref_value)``
whether two predictions can be told apart by one call at all.

An outcome is ``("value", object_returned)`` or ``("raises", exception)``.
"""
from __future__ import annotations

import numpy as np
from numpy.lib.stride_tricks import sliding_window_view

RAISES = "raises"


class Shape(tuple):
    """A shape-only prediction: the mistake's output has this shape, values unspecified."""


class AsList:
    """The mistake returns a Python list (of lists) with these values instead of an array."""

    def __init__(self, values):
        self.values = np.asarray(values, dtype=float)

    def __repr__(self):
        return f"AsList(shape={self.values.shape})"


RTOL, ATOL = 1e-5, 1e-6


def _close(a: np.ndarray, b: np.ndarray) -> bool:
    return a.shape == b.shape and bool(np.allclose(a, b, rtol=RTOL, atol=ATOL))


def _as_float_array(obj):
    """The returned object as a float array, or None when it is not one (lists, None, junk)."""
    if not isinstance(obj, np.ndarray) or obj.dtype == object:
        return None
    try:
        return obj.astype(float)
    except (TypeError, ValueError):
        return None


def agrees(prediction, outcome) -> bool:
    """Is ``outcome`` (("value", obj) or ("raises", exc)) what ``prediction`` says?

    ``prediction`` None is not accepted here: resolve None to the reference value first
    (``resolve``)."""
    kind, obj = outcome
    if isinstance(prediction, str) and prediction == RAISES:
        return kind == "raises"
    if kind == "raises":
        return False
    if isinstance(prediction, AsList):
        if not isinstance(obj, list):
            return False
        try:
            got = np.asarray(obj, dtype=float)
        except (TypeError, ValueError):
            return False
        return _close(got, prediction.values)
    got = _as_float_array(obj)
    if got is None:
        return False
    if isinstance(prediction, Shape):
        return got.shape == tuple(prediction)
    return _close(got, np.asarray(prediction, dtype=float))


def resolve(prediction, ref_value):
    """A model's prediction with None (= no visible mistake) replaced by the reference value."""
    return ref_value if prediction is None else prediction


def differs(prediction, ref_value) -> bool:
    """Does the prediction say something other than the reference's value?"""
    if prediction is None:
        return False
    return not agrees(prediction, ("value", ref_value))


def _shape_of(prediction) -> tuple:
    return tuple(prediction) if isinstance(prediction, Shape) else tuple(np.shape(prediction))


def same_prediction(a, b, ref_value) -> bool:
    """Can no single outcome tell predictions ``a`` and ``b`` apart (None = the reference)?

    Shape-only predictions cannot be told from a value prediction of that shape."""
    a, b = resolve(a, ref_value), resolve(b, ref_value)
    if isinstance(a, str) or isinstance(b, str):
        return isinstance(a, str) and isinstance(b, str)
    if isinstance(a, AsList) or isinstance(b, AsList):
        return isinstance(a, AsList) and isinstance(b, AsList) and _close(a.values, b.values)
    if isinstance(a, Shape) or isinstance(b, Shape):
        return _shape_of(a) == _shape_of(b)
    return _close(np.asarray(a, float), np.asarray(b, float))


# ---------------------------------------------------------------------------------------------
# conv2d: image (H, W), kernel (kh, kw), stride s; the right output is (H', W'),
# H' = (H - kh) // s + 1, W' = (W - kw) // s + 1.

def _out(image, kernel, s):
    (H, W), (kh, kw) = np.shape(image), np.shape(kernel)
    return (H - kh) // s + 1, (W - kw) // s + 1


def _loop_windows(image, kernel, s, out_h, out_w, win_h, win_w):
    """What `out[i, j] = np.sum(image[i*s:i*s+win_h, j*s:j*s+win_w] * kernel)` gives, numpy's
    slicing (windows cut short at the edge) and broadcasting (or its ValueError) included."""
    image, kernel = np.asarray(image, float), np.asarray(kernel, float)
    out = np.zeros((out_h, out_w))
    try:
        for i in range(out_h):
            for j in range(out_w):
                out[i, j] = np.sum(image[i * s:i * s + win_h, j * s:j * s + win_w] * kernel)
    except ValueError:
        return RAISES
    return out


def conv_flipped_kernel(ref, image, kernel, s):
    """VALUES. The kernel rotated 180 degrees (scipy.signal.convolve2d, the post's code, or
    textbook convolution kernel[kh-1-m, kw-1-n])."""
    kernel = np.asarray(kernel)
    return ref.conv2d(image, kernel[::-1, ::-1], s)


def conv_stride_ignored(ref, image, kernel, s):
    """VALUES. The stride-1 output, whatever the stride."""
    return None if s == 1 else ref.conv2d(image, kernel, 1)


def conv_windows_step_by_one(ref, image, kernel, s):
    """VALUES. The output has the strided size but window (i, j) starts at (i, j), not (i*s, j*s)."""
    if s == 1:
        return None
    h, w = _out(image, kernel, s)
    return ref.conv2d(image, kernel, 1)[:h, :w]


def conv_same_padding(ref, image, kernel, s):
    """VALUES. 'same' mode as scipy.signal.correlate2d(mode='same') has it, then [::s, ::s]:
    zeros (kh-1)//2 above, kh//2 below, (kw-1)//2 left, kw//2 right."""
    kh, kw = np.shape(kernel)
    p = np.pad(np.asarray(image, float), (((kh - 1) // 2, kh // 2), ((kw - 1) // 2, kw // 2)))
    return ref.conv2d(p, kernel, s)


def conv_full_padding(ref, image, kernel, s):
    """VALUES. 'full' mode: kh-1 zero rows and kw-1 zero columns all round, then [::s, ::s]."""
    kh, kw = np.shape(kernel)
    p = np.pad(np.asarray(image, float), ((kh - 1, kh - 1), (kw - 1, kw - 1)))
    return ref.conv2d(p, kernel, s)


def conv_zero_border(ref, image, kernel, s):
    """VALUES. An input-sized (H, W) array of zeros with each window's sum written at the window's
    centre cell (row i + kh//2, column j + kw//2) for window corners (i, j) = (0, 0), (0, s), ...:
    the valid part surrounded by a zero border, not compacted when s > 1."""
    (H, W), (kh, kw) = np.shape(image), np.shape(kernel)
    full = ref.conv2d(image, kernel, 1)
    out = np.zeros((H, W))
    out[kh // 2:kh // 2 + full.shape[0]:s, kw // 2:kw // 2 + full.shape[1]:s] = full[::s, ::s]
    return out


def conv_square_kernel(ref, image, kernel, s):
    """VALUES or RAISES. The kernel taken as kh x kh (kh used for the width too): output
    ((H-kh)//s+1, (W-kh)//s+1), kh x kh windows times the (kh, kw) kernel, which raises
    (broadcasting) unless kw == kh or kw == 1."""
    kh, kw = np.shape(kernel)
    if kh == kw:
        return None
    H, W = np.shape(image)
    return _loop_windows(image, kernel, s, (H - kh) // s + 1, (W - kh) // s + 1, kh, kh)


def conv_hw_swapped(ref, image, kernel, s):
    """VALUES. The right windows stored at out[j, i]: the (W', H') transpose of the answer."""
    return ref.conv2d(image, kernel, s).T


def conv_plus_one_forgotten(ref, image, kernel, s):
    """VALUES. (H'-1, W'-1): the last row and column of windows dropped."""
    return ref.conv2d(image, kernel, s)[:-1, :-1]


def conv_plus_one_doubled(ref, image, kernel, s):
    """SHAPE ONLY. (H'+1, W'+1): one window more each way, running past the bottom/right edge.
    How that window was made to fit (zero padding, a cut-short window...) sets its values; a
    loop that multiplies the cut-short window by the kernel raises instead (not modelled)."""
    h, w = _out(image, kernel, s)
    return Shape((h + 1, w + 1))


def conv_returns_list(ref, image, kernel, s):
    """LIST. The right values in a Python list of lists."""
    return AsList(ref.conv2d(image, kernel, s))


def conv_int_truncation(ref, image, kernel, s):
    """VALUES. An integer image gives an integer output array (np.zeros_like(image),
    dtype=image.dtype, scipy.ndimage on ints): each value truncated toward zero."""
    image = np.asarray(image)
    if not np.issubdtype(image.dtype, np.integer):
        return None
    return np.trunc(ref.conv2d(image, kernel, s))


def conv_raises(ref, image, kernel, s):
    """RAISES when the output is not square (H' != W', e.g. a non-square image: rows and columns
    mixed up in the loop indices); the right answer otherwise."""
    h, w = _out(image, kernel, s)
    return RAISES if h != w else None


conv2d_models = {
    "flipped_kernel": conv_flipped_kernel,
    "stride_ignored": conv_stride_ignored,
    "windows_step_by_one": conv_windows_step_by_one,
    "same_padding": conv_same_padding,
    "full_padding": conv_full_padding,
    "zero_border": conv_zero_border,
    "square_kernel": conv_square_kernel,
    "hw_swapped": conv_hw_swapped,
    "plus_one_forgotten": conv_plus_one_forgotten,
    "plus_one_doubled": conv_plus_one_doubled,
    "returns_list": conv_returns_list,
    "int_truncation": conv_int_truncation,
    "raises": conv_raises,
}


# ---------------------------------------------------------------------------------------------
# max_pool: X (H, W) or (H, W, C), size, stride s; the right output is (H', W') or (H', W', C),
# H' = (H - size) // s + 1.

def pool_channel_dropped(ref, X, size, s):
    """VALUES. A (H, W, 1) input gives (H', W'): the post's code (`if channels == 1: reshape`)."""
    X = np.asarray(X)
    if X.ndim == 3 and X.shape[2] == 1:
        return ref.max_pool(X, size, s)[:, :, 0]
    return None


def pool_max_across_channels(ref, X, size, s):
    """VALUES. np.max(window) over rows, columns AND channels: every channel gets the same max."""
    X = np.asarray(X)
    if X.ndim != 3 or X.shape[2] == 1:
        return None
    out = ref.max_pool(X, size, s)
    return np.broadcast_to(out.max(axis=2, keepdims=True), out.shape).copy()


def pool_max_from_zero(ref, X, size, s):
    """VALUES. The running maximum starts from 0: negative maxima come out as 0."""
    return np.maximum(ref.max_pool(X, size, s), 0.0)


def pool_stride_ignored(ref, X, size, s):
    """VALUES. Windows at every position (stride 1), whatever the stride."""
    return None if s == 1 else ref.max_pool(X, size, 1)


def pool_stride_is_size(ref, X, size, s):
    """VALUES. Non-overlapping size x size blocks (reshape to (H//size, size, W//size, size) and
    max): the stride taken to be the window size."""
    return None if s == size else ref.max_pool(X, size, size)


def pool_plus_one_forgotten(ref, X, size, s):
    """VALUES. (H'-1, W'-1[, C]): the last row and column of windows dropped."""
    return ref.max_pool(X, size, s)[:-1, :-1]


def pool_channel_first(ref, X, size, s):
    """VALUES. A (H, W, C) input gives (C, H', W'); a 2-D input is right."""
    X = np.asarray(X)
    if X.ndim != 3:
        return None
    return np.moveaxis(ref.max_pool(X, size, s), -1, 0)


def pool_min_not_max(ref, X, size, s):
    """VALUES. The minimum of each window."""
    return -ref.max_pool(-np.asarray(X, float), size, s)


def pool_mean_not_max(ref, X, size, s):
    """VALUES. The mean of each window (average pooling)."""
    X = np.asarray(X, float)
    win = sliding_window_view(X, (size, size), axis=(0, 1))[::s, ::s]
    return win.mean(axis=(-2, -1))


def pool_floor_h_over_stride(ref, X, size, s):
    """VALUES. Part 4.3's floor(H / s) by floor(W / s) output, window (i, j) at (i*s, j*s) and cut
    short where it runs past the edge (the max of what is left)."""
    X = np.asarray(X, float)
    H, W = X.shape[:2]
    if H // s == (H - size) // s + 1 and W // s == (W - size) // s + 1:
        return None
    pad = [(0, size), (0, size)] + [(0, 0)] * (X.ndim - 2)
    P = np.pad(X, pad, constant_values=-np.inf)
    return ref.max_pool(P, size, s)[:H // s, :W // s]


def pool_no_channels(ref, X, size, s):
    """RAISES on any 3-D input (`H, W = X.shape`); right on 2-D."""
    return RAISES if np.ndim(X) == 3 else None


def pool_returns_list(ref, X, size, s):
    """LIST. The right values in a Python list (of lists)."""
    return AsList(ref.max_pool(X, size, s))


def pool_raises(ref, X, size, s):
    """RAISES when the output is not square (H' != W'), the right answer otherwise."""
    X = np.asarray(X)
    H, W = X.shape[:2]
    return RAISES if (H - size) // s != (W - size) // s else None


max_pool_models = {
    "channel_dropped": pool_channel_dropped,
    "max_across_channels": pool_max_across_channels,
    "max_from_zero": pool_max_from_zero,
    "stride_ignored": pool_stride_ignored,
    "stride_is_size": pool_stride_is_size,
    "plus_one_forgotten": pool_plus_one_forgotten,
    "channel_first": pool_channel_first,
    "min_not_max": pool_min_not_max,
    "mean_not_max": pool_mean_not_max,
    "floor_h_over_stride": pool_floor_h_over_stride,
    "no_channels": pool_no_channels,
    "returns_list": pool_returns_list,
    "raises": pool_raises,
}

MODELS = {"conv2d": conv2d_models, "max_pool": max_pool_models}

# What each model predicts besides None: "values", "shape" (shape only), "raises", "list".
KINDS = {
    "conv2d": {
        "flipped_kernel": "values", "stride_ignored": "values", "windows_step_by_one": "values",
        "same_padding": "values", "full_padding": "values", "zero_border": "values",
        "square_kernel": "values or raises", "hw_swapped": "values",
        "plus_one_forgotten": "values", "plus_one_doubled": "shape", "returns_list": "list",
        "int_truncation": "values", "raises": "raises",
    },
    "max_pool": {
        "channel_dropped": "values", "max_across_channels": "values", "max_from_zero": "values",
        "stride_ignored": "values", "stride_is_size": "values", "plus_one_forgotten": "values",
        "channel_first": "values", "min_not_max": "values", "mean_not_max": "values",
        "floor_h_over_stride": "values", "no_channels": "raises", "returns_list": "list",
        "raises": "raises",
    },
}


# ---------------------------------------------------------------------------------------------
# Inputs: fixed arrays (no random generator, so they are the same on every numpy), and the calls
# that tell every pair of models apart.

def conv_call(H, W, kh, kw, stride, dtype="float"):
    """(image, kernel, stride): an (H, W) image with negatives (float: steps of 0.25 in
    [-2.25, 2.25]; "int": integers in [-9, 9]) and a (kh, kw) kernel with no symmetry and
    non-integer weights (so an integer image gives non-integer sums)."""
    idx = np.arange(H * W).reshape(H, W)
    image = (idx * 37) % 19 - 9
    image = image.astype(np.int64) if dtype == "int" else image / 4.0
    kernel = ((np.arange(kh * kw).reshape(kh, kw) * 5) % 7 - 3) / 2.0 + 0.3
    return image, kernel, stride


def pool_call(shape, size, stride, dtype="float"):
    """(X, size, stride): a map of ``shape`` ((H, W) or (H, W, C)); "float": thirds in
    [-11/3, 11/3]; "int": integers in [-11, 11]; "negative": every value below zero."""
    idx = np.arange(int(np.prod(shape))).reshape(shape)
    base = (idx * 37) % 23
    if dtype == "int":
        X = (base - 11).astype(np.int64)
    elif dtype == "negative":
        X = -(base + 1) / 3.0
    else:
        X = (base - 11) / 3.0
    return X, size, stride


def build_call(fn, spec):
    """The arguments of one call from a DISCRIMINATING_CALLS spec."""
    if fn == "conv2d":
        (H, W), (kh, kw), stride, dtype = spec
        return conv_call(H, W, kh, kw, stride, dtype)
    shape, size, stride, dtype = spec
    return pool_call(shape, size, stride, dtype)


def predict(fn, name, ref, *args):
    """Model ``name``'s prediction for one call, None whenever no outcome could tell it from the
    right answer (the models themselves may return the right value when it coincides, e.g.
    flipped_kernel on a 180-degree-symmetric kernel)."""
    pred = MODELS[fn][name](ref, *args)
    return pred if differs(pred, getattr(ref, fn)(*args)) else None


def predictions(fn, ref, args):
    """Every model's prediction for one call, None resolved to the right answer ("correct")."""
    right = getattr(ref, fn)(*args)
    out = {"correct": right}
    for name, model in MODELS[fn].items():
        out[name] = resolve(model(ref, *args), right)
    return out


def separated_pairs(fn, ref, calls):
    """The pairs (a, b), a before b in ["correct", *models], that some call tells apart."""
    names = ["correct", *MODELS[fn]]
    apart = set()
    for args in calls:
        p = predictions(fn, ref, args)
        right = p["correct"]
        for a, b in zip(*np.triu_indices(len(names), 1)):
            if not same_prediction(p[names[a]], p[names[b]], right):
                apart.add((names[a], names[b]))
    return apart


def diagnose(fn, ref, calls, outcomes):
    """The names ("correct" or a mistake id) whose predictions fit every outcome of the calls."""
    fitting = []
    for name in ["correct", *MODELS[fn]]:
        if all(agrees(predictions(fn, ref, args)[name], got) for args, got in zip(calls, outcomes)):
            fitting.append(name)
    return fitting

# The fewest calls that tell every pair of models (and each model from the right answer) apart,
# as (image (H, W), kernel (kh, kw), stride, dtype) for conv2d and (shape, size, stride, dtype)
# for max_pool; build them with build_call. Found by discriminate.py (exact search over 120 and
# 108 candidate calls; DISCRIMINATION.md has which pairs coincide where).
DISCRIMINATING_CALLS = {
    "conv2d": [((8, 8), (2, 3), 2, "int"), ((8, 9), (2, 3), 2, "int")],
    "max_pool": [((7, 9, 1), 2, 1, "negative"), ((8, 8, 3), 3, 2, "negative")],
}
