"""The hidden reference against independent oracles: scipy and the posts' hand-worked cases."""

from __future__ import annotations

import numpy as np
import pytest
from scipy.signal import correlate2d

import reference
from autograder.units import BY_ID


def brute_max_pool(X, size, stride):
    """Plain Python max over each window: an oracle that shares no code with the reference."""
    X3 = X if X.ndim == 3 else X[:, :, None]
    H, W, C = X3.shape
    rows = range(0, H - size + 1, stride)
    cols = range(0, W - size + 1, stride)
    out = np.array(
        [
            [
                [
                    max(X3[i + m, j + n, c] for m in range(size) for n in range(size))
                    for c in range(C)
                ]
                for j in cols
            ]
            for i in rows
        ],
        dtype=float,
    )
    return out if X.ndim == 3 else out[:, :, 0]


@pytest.mark.parametrize("seed", range(20))
def test_conv2d_matches_scipy_correlate2d(seed):
    rng = np.random.default_rng(seed)
    H, W = rng.integers(1, 15, size=2)
    kh, kw = rng.integers(1, H + 1), rng.integers(1, W + 1)
    stride = int(rng.integers(1, 4))
    image, kernel = rng.normal(size=(H, W)), rng.normal(size=(kh, kw))
    expected = correlate2d(image, kernel, mode="valid")[::stride, ::stride]
    got = reference.conv2d(image, kernel, stride)
    assert got.shape == ((H - kh) // stride + 1, (W - kw) // stride + 1)
    np.testing.assert_allclose(got, expected, rtol=1e-12, atol=1e-12)


@pytest.mark.parametrize("seed", range(20))
def test_max_pool_matches_brute_force(seed):
    rng = np.random.default_rng(100 + seed)
    size, stride = int(rng.integers(1, 4)), int(rng.integers(1, 4))
    shape = tuple(rng.integers(size, 10, size=2)) + ((int(rng.integers(1, 4)),) if seed % 2 else ())
    X = rng.normal(size=shape)
    np.testing.assert_array_equal(
        reference.max_pool(X, size, stride), brute_max_pool(X, size, stride)
    )


def test_posts_hand_worked_cases():
    image = np.array([[1, 1, 1, 1], [1, 2, 2, 1], [1, 2, 2, 1], [1, 1, 1, 1]])
    average = np.full((2, 2), 0.25)
    # Part 4.2, exercises 1 and 2, worked by hand: each output is the mean of a 2x2 block.
    np.testing.assert_array_equal(
        reference.conv2d(image, average), [[1.25, 1.5, 1.25], [1.5, 2, 1.5], [1.25, 1.5, 1.25]]
    )
    np.testing.assert_array_equal(reference.conv2d(image, average, 2), [[1.25, 1.25], [1.25, 1.25]])
    # Part 4.2's MNIST demo: a 28x28 digit and a 3x3 filter give a 26x26 map.
    assert reference.conv2d(np.zeros((28, 28)), np.ones((3, 3))).shape == (26, 26)
    X = np.arange(1, 17).reshape(4, 4)
    np.testing.assert_array_equal(
        reference.max_pool(X, 2, 2), [[6, 8], [14, 16]]
    )  # Part 4.3, exercise 1
    np.testing.assert_array_equal(
        reference.max_pool(X, 2, 1), [[6, 7, 8], [10, 11, 12], [14, 15, 16]]
    )  # ex. 2
    # Part 4.3's CNN shapes: (26, 26, 8) -> (13, 13, 8).
    assert reference.max_pool(np.zeros((26, 26, 8))).shape == (13, 13, 8)
    # The shared notes' correlation-vs-flip case: 34 at the top left, 16 with a flipped kernel.
    ramp, k = np.arange(16.0).reshape(4, 4), np.array([[1.0, 2.0], [3.0, 4.0]])
    assert (
        reference.conv2d(ramp, k)[0, 0] == 34 and reference.conv2d(ramp, k[::-1, ::-1])[0, 0] == 16
    )


def test_reference_keeps_a_channel_axis_of_one():
    assert reference.max_pool(np.zeros((4, 4, 1))).shape == (2, 2, 1)
    assert reference.max_pool(np.zeros((4, 4))).shape == (2, 2)


@pytest.mark.parametrize("unit", ["conv2d", "max_pool"])
def test_public_hand_worked_values_agree_with_the_reference(unit):
    """The learners' public tests carry values worked out by hand; the reference must agree."""
    compute = {
        "conv2d": lambda i: reference.conv2d(i["image"], i["filter_kernel"], i["stride"]),
        "max_pool": lambda i: reference.max_pool(i["X"], i["size"], i["stride"]),
    }[unit]
    for test in BY_ID[unit].public_tests():
        for call in test.calls:
            inputs = BY_ID[unit].inputs(call)
            np.testing.assert_array_equal(compute(inputs), call.expected, err_msg=test.name)
            for mistake in call.mistakes:  # hand-worked flipped-kernel outputs
                assert mistake.id == "flipped_kernel"
                flipped = reference.conv2d(inputs["image"], inputs["filter_kernel"][::-1, ::-1])
                np.testing.assert_array_equal(flipped, mistake.values, err_msg=test.name)


def test_reference_does_not_modify_inputs():
    image, kernel = np.arange(12.0).reshape(3, 4), np.ones((2, 2))
    X = -np.arange(16.0).reshape(4, 4)
    copies = [a.copy() for a in (image, kernel, X)]
    reference.conv2d(image, kernel, 2), reference.max_pool(X, 2, 1)
    for a, c in zip((image, kernel, X), copies):
        np.testing.assert_array_equal(a, c)
