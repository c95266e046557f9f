"""Hidden tests: seeded random inputs and edge cases, run only by the grader.

Every generator has its own fixed seed, so a failure can be replayed exactly. Their feedback
never shows expected values (``reveal=False``). Not shipped to learners.
"""
from __future__ import annotations

import numpy as np

from .units import Call, Test, sample_digits
from .units.part4_3 import cnn_parameters


def _rng(seed: int) -> np.random.Generator:
    return np.random.default_rng(seed)


def _conv(image, kernel, stride=1) -> Call:
    return Call({"image": image, "filter_kernel": kernel, "stride": stride})


def _pool(X, size=2, stride=2) -> Call:
    return Call({"X": X, "size": size, "stride": stride})


def conv2d_tests() -> list[Test]:
    rng = _rng(4200)
    random_calls = []
    for _ in range(12):
        H, W = rng.integers(3, 13, size=2)
        kh, kw = rng.integers(1, min(H, 4) + 1), rng.integers(1, min(W, 4) + 1)
        random_calls.append(_conv(rng.normal(size=(H, W)), rng.normal(size=(kh, kw)), int(rng.integers(1, 4))))
    ints = _rng(4201)
    return [
        Test("seeded random non-square images and kernels, strides 1 to 3", "hidden", random_calls),
        Test("a 5x7 image with a 3x2 kernel and a 7x5 image with a 2x3 kernel (height vs width)", "hidden", [
            _conv(rng.normal(size=(5, 7)), rng.normal(size=(3, 2))),
            _conv(rng.normal(size=(7, 5)), rng.normal(size=(2, 3)), 2)]),
        Test("a kernel as large as the image (a 1x1 output)", "hidden", [
            _conv(rng.normal(size=(4, 5)), rng.normal(size=(4, 5))),
            _conv(rng.normal(size=(3, 3)), rng.normal(size=(3, 3)), 2)]),
        Test("1x1 kernels", "hidden", [
            _conv(rng.normal(size=(5, 6)), np.array([[2.5]])),
            _conv(rng.normal(size=(6, 5)), np.array([[-1.0]]), 2)]),
        Test("integer images and kernels", "hidden", [
            _conv(ints.integers(-5, 6, size=(6, 6)), ints.integers(-3, 4, size=(3, 3))),
            _conv(ints.integers(0, 256, size=(7, 8)), ints.integers(-1, 2, size=(2, 3)), 2)]),
        Test("a stride larger than the kernel (windows skip pixels)", "hidden", [
            _conv(rng.normal(size=(9, 10)), rng.normal(size=(2, 2)), 3)]),
    ]


def max_pool_tests() -> list[Test]:
    rng = _rng(4300)
    random_calls = []
    for _ in range(12):
        size = int(rng.integers(2, 4))
        H, W = rng.integers(size, 12, size=2)
        random_calls.append(_pool(rng.normal(size=(H, W)), size, int(rng.integers(1, 4))))
    return [
        Test("seeded random 2-D maps, windows 2 and 3, strides 1 to 3 (overlapping and not)", "hidden", random_calls),
        Test("(H, W, 3) maps: each channel pooled on its own", "hidden", [
            _pool(rng.normal(size=(6, 7, 3))), _pool(rng.normal(size=(7, 5, 4)), 3, 1)]),
        Test("(H, W, 1) maps keep their channel axis", "hidden", [
            _pool(rng.normal(size=(6, 6, 1))), _pool(rng.normal(size=(5, 7, 1)), 2, 1)]),
        Test("all-negative maps", "hidden", [
            _pool(-np.abs(rng.normal(size=(6, 8))) - 1), _pool(-np.abs(rng.normal(size=(5, 5, 2))) - 1, 3, 2)]),
        Test("integer maps", "hidden", [
            _pool(rng.integers(-50, 50, size=(8, 6))), _pool(rng.integers(0, 9, size=(5, 5)), 2, 1)]),
        Test("a window as large as the map (a 1x1 output)", "hidden", [
            _pool(rng.normal(size=(5, 5)), 5, 1), _pool(rng.normal(size=(3, 4, 2)), 3, 2)]),
        Test("size 3, stride 2 on odd sizes", "hidden", [_pool(rng.normal(size=(7, 9)), 3, 2)]),
    ]


def _digit(label: int) -> tuple[np.ndarray, int]:
    """The first digit with this label in the shipped sample (not the default digit 0)."""
    X, y = sample_digits(40)
    i = int(np.flatnonzero(y == label)[0])
    return X[i], label


def _edge_filter(rng) -> np.ndarray:
    return rng.integers(-2, 3, size=(3, 3)).astype(float)


HIDDEN = {
    "conv2d": conv2d_tests,
    "max_pool": max_pool_tests,
    "4.2.1": lambda: [Test("another image and filter", "hidden", [
        Call({"image": _rng(4211).integers(-4, 5, size=(5, 6)), "filter_kernel": _rng(4212).normal(size=(2, 3))})])],
    "4.2.2": lambda: [Test("other images, filters and strides", "hidden", [
        Call({"image": _rng(4221).normal(size=(8, 7)), "filter_kernel": _rng(4222).normal(size=(2, 2)), "stride": 3}),
        Call({"image": _rng(4223).normal(size=(5, 5)), "filter_kernel": _rng(4224).normal(size=(3, 2)), "stride": 1})])],
    "4.2.3": lambda: [Test("another digit and filter, and a 20x24 image", "hidden", [
        Call(dict(zip(["image", "label"], _digit(7)), filter_kernel=_edge_filter(_rng(4231)))),
        Call({"image": _rng(4232).uniform(0, 255, size=(20, 24)), "label": 3, "filter_kernel": _edge_filter(_rng(4233))})])],
    "4.2.4": lambda: [Test("another digit with two asymmetric filters", "hidden", [
        Call(dict(zip(["image", "label"], _digit(3)), horizontal_filter=_edge_filter(_rng(4241)),
                  vertical_filter=_edge_filter(_rng(4242))))])],
    "4.3.1": lambda: [Test("another 6x6 map with negative values", "hidden", [
        Call({"X": _rng(4311).normal(size=(6, 6)) - 1})])],
    "4.3.2": lambda: [Test("other maps, sizes and strides", "hidden", [
        Call({"X": _rng(4321).normal(size=(5, 5)), "size": 3, "stride": 1}),
        Call({"X": -np.abs(_rng(4322).normal(size=(6, 4))), "size": 2, "stride": 1})])],
    "4.3.3": lambda: [Test("another digit and filter", "hidden", [
        Call(dict(zip(["image", "label"], _digit(4)), filter_kernel=_edge_filter(_rng(4331))))])],
    "4.3.4": lambda: [Test("3 digits and 2 filters, then 1 digit and 5 filters, with a bias", "hidden", [
        Call({"X_batch": sample_digits(3, start=5)[0], **_with_bias(cnn_parameters(2, seed=4341), 4342)}),
        Call({"X_batch": sample_digits(1, start=9)[0], **_with_bias(cnn_parameters(5, seed=4343), 4344)})])],
    "4.3.cnn": lambda: [Test("2 other digits and 3 filters, with a bias", "hidden", [
        Call({"X_batch": sample_digits(2, start=12)[0], "labels": sample_digits(2, start=12)[1],
              **_with_bias(cnn_parameters(3, seed=4351), 4352)})])],
}


def _with_bias(params: dict, seed: int) -> dict:
    return {**params, "b_dense": _rng(seed).normal(size=(1, 10))}
