"""conv2d and max_pool: their checks, the mistakes they name, and their public tests.

Public tests carry expected values worked out by hand from the posts (and checked against
the reference in tests/test_reference.py). Mistaken outputs that need a conv2d to compute
(a flipped kernel) come from ``lib`` when grading and are written out by hand here.
"""
from __future__ import annotations

import numpy as np

from ..checks import Mistake, check_array, check_unmodified, describe_inputs, value_of
from . import FLIP_SAYS, Call, Test

POST_IMAGE = np.array([[1, 1, 1, 1], [1, 2, 2, 1], [1, 2, 2, 1], [1, 1, 1, 1]])  # Part 4.2, ex. 1
AVERAGE_2x2 = np.full((2, 2), 0.25)
POST_X = np.arange(1, 17).reshape(4, 4)  # Part 4.3, ex. 1


def conv2d_mistakes(image, kernel, stride, lib) -> list[Mistake]:
    (H, W), (kh, kw), s = np.shape(image), np.shape(kernel), stride
    rule = "the output size is (H - kh) // stride + 1 by (W - kw) // stride + 1"
    ms = [
        Mistake(f"one row and one column too few: did you forget the + 1? ({rule}).",
                shape=((H - kh) // s, (W - kw) // s)),
        Mistake(f"one row and one column too many: the last window would run past the edge ({rule}).",
                shape=((H - kh) // s + 2, (W - kw) // s + 2)),
        Mistake(f"that is the size of 'same' mode (zero padding); this layer uses 'valid' mode: {rule}.",
                shape=(-(-H // s), -(-W // s))),
        Mistake(f"that is the size of 'full' mode (zero padding all round); this layer uses 'valid' mode: {rule}.",
                shape=(-(-(H + kh - 1) // s), -(-(W + kw - 1) // s))),
    ]
    if s > 1:
        ms.append(Mistake(f"that is the stride-1 size: the stride was ignored ({rule}).",
                          shape=(H - kh + 1, W - kw + 1)))
        ms.append(Mistake(f"the stride was applied to the output size as H // stride; {rule}.",
                          shape=(H // s, W // s)))
    if lib is not None:
        ms.append(Mistake(lib.flip_says, lib.conv2d(image, np.asarray(kernel)[::-1, ::-1], s),
                          shows=flipped_kernel(kernel)))
        if s > 1:  # windows stepped by 1 while the output has the strided size
            h, w = (H - kh) // s + 1, (W - kw) // s + 1
            ms.append(Mistake("window (i, j) must start at row i * stride and column j * stride, not at (i, j).",
                              lib.conv2d(image, kernel, 1)[:h, :w]))
        if kh == kw:
            ms.append(Mistake("they match the kernel transposed (rows and columns swapped): index it as kernel[m, n], "
                              "m over rows, n over columns.", lib.conv2d(image, np.asarray(kernel).T, s)))
    return ms


def flipped_kernel(kernel) -> tuple[str, np.ndarray]:
    return "filter_kernel rotated 180 degrees:\nyour result matches this kernel", np.asarray(kernel, float)[::-1, ::-1]


def check_conv2d(unit, call: Call, outcome, lib, reveal: bool) -> None:
    image, kernel, stride = call.inputs["image"], call.inputs["filter_kernel"], call.inputs.get("stride", 1)
    text = describe_inputs("conv2d", call.inputs)
    expected = call.expected if lib is None else lib.conv2d(image, kernel, stride)
    mistakes = (call.mistakes if lib is None else []) + conv2d_mistakes(image, kernel, stride, lib)
    check_array(value_of(outcome, text, unit.file), expected, call=text, mistakes=mistakes, reveal=reveal)
    check_unmodified(outcome, text)


def max_pool_mistakes(X, size, stride, expected, lib) -> list[Mistake]:
    X = np.asarray(X)
    H, W, s = X.shape[0], X.shape[1], stride
    h, w = (H - size) // s + 1, (W - size) // s + 1
    rest = tuple(X.shape[2:])
    rule = "the output size is (H - size) // stride + 1"
    ms = []
    if X.ndim == 3 and X.shape[2] == 1:
        ms.append(Mistake("the channel axis was dropped: a (H, W, 1) input must give a (H', W', 1) output "
                          "(the post's code drops it; only a 2-D input gives a 2-D output).", shape=(h, w)))
    if X.ndim == 2:
        ms.append(Mistake("a 2-D (H, W) input must give a 2-D (H', W') output: remove the channel axis you "
                          "added before returning.", shape=(h, w, 1)))
    if size != s:
        ms.append(Mistake(f"that is floor(H / stride), Part 4.3's formula for the case size == stride; in general {rule}.",
                          shape=(H // s, W // s) + rest))
    ms.append(Mistake(f"one row and one column too few: did you forget the + 1? ({rule}).",
                      shape=((H - size) // s, (W - size) // s) + rest))
    if s > 1:
        ms.append(Mistake(f"that is the stride-1 size: the stride was ignored ({rule}).",
                          shape=(H - size + 1, W - size + 1) + rest))
    if X.ndim == 3 and X.shape[2] > 1:
        ms.append(Mistake(f"expected {X.shape[2]} channels last; is the channel axis first? Keep channels on the last axis.",
                          shape=(X.shape[2], h, w)))
        across = np.broadcast_to(expected.max(axis=2, keepdims=True), expected.shape)
        ms.append(Mistake("every channel got the same maximum: the max was taken across channels too. Take it "
                          "over the window's rows and columns only (axis=(0, 1)).", across))
    if (expected < 0).any():
        ms.append(Mistake("negative maxima came out as 0: the max started from 0 (or from an np.zeros array). "
                          "Start from the window's own values: np.max(window).", np.maximum(expected, 0)))
    if lib is not None:
        ms.append(Mistake("they are the minimum of each window, not the maximum.", -lib.max_pool(-X, size, s)))
        if s > 1:
            ms.append(Mistake("window (i, j) must start at row i * stride and column j * stride, not at (i, j).",
                              lib.max_pool(X, size, 1)[:h, :w]))
    return ms


def check_max_pool(unit, call: Call, outcome, lib, reveal: bool) -> None:
    X, size, stride = call.inputs["X"], call.inputs.get("size", 2), call.inputs.get("stride", 2)
    text = describe_inputs("max_pool", call.inputs)
    expected = call.expected if lib is None else lib.max_pool(X, size, stride)
    mistakes = (call.mistakes if lib is None else []) + max_pool_mistakes(X, size, stride, np.asarray(expected, dtype=float), lib)
    check_array(value_of(outcome, text, unit.file), expected, call=text, mistakes=mistakes, reveal=reveal)
    check_unmodified(outcome, text)


CHECKS = {"conv2d": check_conv2d, "max_pool": check_max_pool}


def _conv_public() -> list[Test]:
    ramp = np.arange(16.0).reshape(4, 4)
    kernel = np.array([[1.0, 2.0], [3.0, 4.0]])
    # On a ramp I[i, j] = 4i + j: correlation gives 10 * I[i, j] + 34, the flipped kernel 10 * I[i, j] + 16.
    flipped = 10 * ramp[:3, :3] + 16
    tall = np.array([[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]])
    column = np.array([[1.0], [2.0]])
    return [
        Test("the post's 2x2 average on the 4x4 image (Part 4.2, exercise 1)", "public", [Call(
            {"image": POST_IMAGE.astype(float), "filter_kernel": AVERAGE_2x2, "stride": 1},
            expected=np.array([[1.25, 1.5, 1.25], [1.5, 2.0, 1.5], [1.25, 1.5, 1.25]]))]),
        Test("stride 2 on the same image (Part 4.2, exercise 2)", "public", [Call(
            {"image": POST_IMAGE.astype(float), "filter_kernel": AVERAGE_2x2, "stride": 2},
            expected=np.full((2, 2), 1.25))]),
        Test("an asymmetric kernel, which tells correlation from convolution", "public", [Call(
            {"image": ramp, "filter_kernel": kernel, "stride": 1},
            expected=10 * ramp[:3, :3] + 34, mistakes=[Mistake(FLIP_PUBLIC, flipped, shows=flipped_kernel(kernel))])]),
        Test("a 2x3 image and a 2x1 kernel (non-square)", "public", [Call(
            {"image": tall, "filter_kernel": column, "stride": 1},
            expected=np.array([[9.0, 12.0, 15.0]]),
            mistakes=[Mistake(FLIP_PUBLIC, [[6.0, 9.0, 12.0]], shows=flipped_kernel(column))])]),
    ]


FLIP_PUBLIC = FLIP_SAYS["correlation"]


def _pool_public() -> list[Test]:
    X = POST_X.astype(float)
    two = np.stack([X, -X], axis=-1)
    return [
        Test("the post's 4x4 map, size 2, stride 2 (Part 4.3, exercise 1)", "public", [Call(
            {"X": X, "size": 2, "stride": 2}, expected=np.array([[6.0, 8.0], [14.0, 16.0]]))]),
        Test("overlapping windows: size 2, stride 1 (Part 4.3, exercise 2)", "public", [Call(
            {"X": X, "size": 2, "stride": 1},
            expected=np.array([[6.0, 7.0, 8.0], [10.0, 11.0, 12.0], [14.0, 15.0, 16.0]]))]),
        Test("negative values: a max must not start at 0", "public", [Call(
            {"X": -X, "size": 2, "stride": 2}, expected=np.array([[-1.0, -3.0], [-9.0, -11.0]]))]),
        Test("a (4, 4, 2) input keeps its 2 channels, pooled separately", "public", [Call(
            {"X": two, "size": 2, "stride": 2},
            expected=np.stack([[[6.0, 8.0], [14.0, 16.0]], [[-1.0, -3.0], [-9.0, -11.0]]], axis=-1))]),
        Test("a (4, 4, 1) input keeps its channel axis", "public", [Call(
            {"X": X[:, :, None], "size": 2, "stride": 2}, expected=np.array([[[6.0], [8.0]], [[14.0], [16.0]]]))]),
        Test("an odd-sized 5x5 map: the last row and column are left out", "public", [Call(
            {"X": np.arange(25.0).reshape(5, 5), "size": 2, "stride": 2},
            expected=np.array([[6.0, 8.0], [16.0, 18.0]]))]),
    ]


PUBLIC = {"conv2d": _conv_public, "max_pool": _pool_public}
