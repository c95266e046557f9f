"""The batched reference (reference/batch.py) against the single-image reference, image by image.

Tolerances: float64 results must match the float64 single-image reference to rtol = atol =
1e-12 (the same sums, added in another order); float32 results are compared with the float64
reference of the same float32 inputs to rtol = atol = 1e-5 (float32 rounds at ~6e-8 relative;
the longest sums here, 35 conv taps and a 1352-term dense layer of small weights, stay well
inside that). Max pooling is exact. Inputs are passed read-only, so any write into them fails.
"""

from __future__ import annotations

import tracemalloc

import numpy as np
import pytest

import reference
from reference.batch import conv_pool_batch

TOL = {np.float32: dict(rtol=1e-5, atol=1e-5), np.float64: dict(rtol=1e-12, atol=1e-12)}


def per_image_conv(images, filters, stride=1):
    """(N, H', W', F) from reference.conv2d, one (image, filter) at a time."""
    return np.stack(
        [np.stack([reference.conv2d(img, k, stride) for k in filters], axis=-1) for img in images]
    )


def per_image_pool(maps, size=2, stride=2):
    return np.stack([reference.max_pool(m, size, stride) for m in maps])


def by_hand_forward(images, filters, W, b):
    """Part 4.3's forward composed from the single-image reference, softmax written out."""
    pooled = per_image_pool(per_image_conv(images, filters))
    z = pooled.reshape(len(images), -1) @ np.asarray(W, np.float64) + np.asarray(
        b, np.float64
    ).reshape(1, -1)
    e = np.exp(z - z.max(axis=1, keepdims=True))
    return e / e.sum(axis=1, keepdims=True)


def frozen(*arrays):
    """Read-only copies: a function that wrote into its inputs would raise."""
    out = []
    for a in arrays:
        a = np.array(a)
        a.flags.writeable = False
        out.append(a)
    return out


# (N, H, W, F, kh, kw): non-square images and kernels, N=1, 1x1 and image-sized kernels
CONV_CASES = [
    (7, 9, 12, 3, 3, 2),
    (1, 8, 5, 2, 2, 3),
    (5, 6, 6, 4, 1, 1),
    (3, 5, 7, 2, 5, 7),
    (4, 11, 10, 5, 4, 3),
]


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("stride", [1, 2, 3])
@pytest.mark.parametrize("case", CONV_CASES)
def test_conv2d_batch_matches_per_image_conv2d(case, stride, dtype):
    N, H, W, F, kh, kw = case
    rng = np.random.default_rng(hash((case, stride)) % 2**32)
    images, filters = frozen(
        rng.uniform(-1, 1, (N, H, W)).astype(dtype), rng.normal(size=(F, kh, kw)).astype(dtype)
    )
    for chunk, threads in ((None, None), (2, 2), (3, 1)):  # chunk 2 and 3: N not a multiple
        got = reference.conv2d_batch(images, filters, stride, chunk=chunk, threads=threads)
        assert got.shape == (N, (H - kh) // stride + 1, (W - kw) // stride + 1, F)
        assert got.dtype == dtype
        np.testing.assert_allclose(
            got,
            per_image_conv(images.astype(np.float64), filters.astype(np.float64), stride),
            **TOL[dtype],
        )


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("stride", [1, 2])
def test_conv2d_batch_default_chunks_with_a_short_last_chunk(stride, dtype):
    """MNIST-sized batch larger than the default chunk (76 images in float32, 38 in float64) and
    not a multiple of it, from contiguous input (read in place) and from a strided view (staged)."""
    rng = np.random.default_rng(stride)
    base = rng.uniform(-1, 1, (161, 28, 30)).astype(dtype)
    filters = rng.normal(size=(8, 3, 3)).astype(dtype)
    want = per_image_conv(base[:, :, :28].astype(np.float64), filters.astype(np.float64), stride)
    for images in frozen(base[:, :, :28]) + [base[:, :, :28]]:  # contiguous copy, then a view
        for threads in (None, 1):
            got = reference.conv2d_batch(images, filters, stride, threads=threads)
            assert got.dtype == dtype
            np.testing.assert_allclose(got, want, **TOL[dtype])


@pytest.mark.parametrize("dtype", [np.float32, np.float64, np.int32])
@pytest.mark.parametrize("size,stride", [(2, 2), (2, 1), (3, 2), (1, 1), (3, 3), (2, 3)])
def test_max_pool_batch_matches_per_image_max_pool(size, stride, dtype):
    rng = np.random.default_rng(10 * size + stride)
    for N, H, W, C in ((5, 9, 7, 3), (1, 6, 8, 1), (4, 10, 11, 8)):
        (X,) = frozen((rng.normal(size=(N, H, W, C)) * 10).astype(dtype))
        for chunk, threads in ((None, None), (2, 2), (3, 1)):
            got = reference.max_pool_batch(X, size, stride, chunk=chunk, threads=threads)
            assert got.dtype == (np.float64 if dtype == np.int32 else dtype)
            np.testing.assert_array_equal(got, per_image_pool(X, size, stride))  # max is exact


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize(
    "N,H,W,kh,kw",
    [
        (9, 28, 28, 3, 3),
        (1, 28, 28, 3, 3),
        (6, 11, 9, 2, 3),
        (5, 8, 13, 4, 2),
        (4, 7, 7, 1, 1),
        (3, 5, 6, 4, 5),
    ],
)
def test_conv_pool_batch_is_conv_then_pool(N, H, W, kh, kw, dtype):
    rng = np.random.default_rng(N * H + W)
    images, filters = frozen(
        rng.uniform(-1, 1, (N, H, W)).astype(dtype), rng.normal(size=(3, kh, kw)).astype(dtype)
    )
    want = per_image_pool(per_image_conv(images.astype(np.float64), filters.astype(np.float64)))
    for chunk, threads in ((None, None), (4, 2), (1, 1), (N + 5, 2)):
        got = conv_pool_batch(images, filters, chunk=chunk, threads=threads)
        assert got.shape == want.shape and got.dtype == dtype
        np.testing.assert_allclose(got, want, **TOL[dtype])


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize(
    "N,H,W,F,kh,kw",
    [(9, 28, 28, 8, 3, 3), (1, 28, 28, 8, 3, 3), (7, 13, 10, 3, 2, 3), (5, 9, 11, 2, 3, 2)],
)
def test_cnn_forward_matches_composition(N, H, W, F, kh, kw, dtype):
    rng = np.random.default_rng(N + H + W + F)
    D = ((H - kh + 1) // 2) * ((W - kw + 1) // 2) * F
    images, filters, Wd, b = frozen(
        rng.uniform(0, 1, (N, H, W)).astype(dtype),
        (rng.normal(size=(F, kh, kw)) * 0.5).astype(dtype),
        (rng.normal(size=(D, 10)) * 0.1).astype(dtype),
        rng.normal(size=(1, 10)).astype(dtype),
    )
    want = by_hand_forward(images.astype(np.float64), filters.astype(np.float64), Wd, b)
    for chunk, threads, bias in (
        (None, None, b),
        (4, 2, b.reshape(10)),
        (1, 1, b),
        (3, 2, b.reshape(10)),
    ):
        probs = reference.cnn_forward(images, filters, Wd, bias, chunk=chunk, threads=threads)
        assert probs.shape == (N, 10) and probs.dtype == dtype
        np.testing.assert_allclose(probs, want, **TOL[dtype])
        np.testing.assert_allclose(probs.sum(axis=1), 1, rtol=TOL[dtype]["rtol"])


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_cnn_forward_dense_with_padded_columns(dtype):
    """Chunks of 30-58 MNIST images give the dense layer zero-padded weight columns (see
    _DENSE_MIN_MACS); 70 images in chunks of 40 (and the default) leave a short last chunk."""
    rng = np.random.default_rng(11)
    images, filters, Wd, b = frozen(
        rng.uniform(0, 1, (70, 28, 28)).astype(dtype),
        (rng.normal(size=(8, 3, 3)) * 0.5).astype(dtype),
        (rng.normal(size=(13 * 13 * 8, 10)) * 0.05).astype(dtype),
        rng.normal(size=10).astype(dtype),
    )
    want = by_hand_forward(images.astype(np.float64), filters.astype(np.float64), Wd, b)
    for chunk, threads in ((40, 2), (40, 1), (None, None)):
        probs = reference.cnn_forward(images, filters, Wd, b, chunk=chunk, threads=threads)
        assert probs.shape == (70, 10) and probs.dtype == dtype and probs.flags.c_contiguous
        np.testing.assert_allclose(probs, want, **TOL[dtype])


def test_integer_inputs_compute_in_float64():
    rng = np.random.default_rng(3)
    images, filters = rng.integers(0, 256, (3, 9, 8)), rng.integers(-2, 3, (2, 3, 3))
    got = reference.conv2d_batch(images, filters)
    assert got.dtype == np.float64
    np.testing.assert_array_equal(got, per_image_conv(images, filters))  # small integers: exact
    probs = reference.cnn_forward(
        images.astype(np.uint8), filters, np.ones((3 * 3 * 2, 4), int), np.zeros(4, int)
    )
    assert probs.dtype == np.float64
    np.testing.assert_allclose(
        probs, by_hand_forward(images, filters, np.ones((18, 4)), np.zeros(4)), rtol=1e-12
    )


def test_non_contiguous_inputs_are_read_correctly():
    rng = np.random.default_rng(6)
    base = rng.uniform(-1, 1, (7, 20, 24))
    images = base[:, ::2, ::-2]  # (7, 10, 12), strided and reversed
    filters = np.asfortranarray(rng.normal(size=(3, 3, 2)))
    np.testing.assert_allclose(
        reference.conv2d_batch(images, filters, chunk=3),
        per_image_conv(images, filters),
        **TOL[np.float64],
    )
    np.testing.assert_allclose(
        conv_pool_batch(images, filters, chunk=3),
        per_image_pool(per_image_conv(images, filters)),
        **TOL[np.float64],
    )
    maps = rng.normal(size=(5, 8, 9, 4)).transpose(0, 2, 1, 3)  # (5, 9, 8, 4), not C-contiguous
    np.testing.assert_array_equal(reference.max_pool_batch(maps, chunk=2), per_image_pool(maps))


def test_threads_and_chunks_do_not_change_results():
    rng = np.random.default_rng(4)
    images, filters = (
        rng.random((23, 28, 28), dtype=np.float32),
        rng.normal(size=(8, 3, 3)).astype(np.float32),
    )
    Wd, b = rng.normal(size=(13 * 13 * 8, 10)).astype(np.float32), np.zeros(10, np.float32)
    one = reference.cnn_forward(images, filters, Wd, b, chunk=5, threads=1)
    np.testing.assert_array_equal(
        reference.cnn_forward(images, filters, Wd, b, chunk=5, threads=2), one
    )
    np.testing.assert_array_equal(
        reference.conv2d_batch(images, filters, chunk=5, threads=2),
        reference.conv2d_batch(images, filters, chunk=5, threads=1),
    )


def test_bad_shapes_are_refused():
    x, k = np.zeros((2, 6, 6)), np.zeros((3, 3, 3))
    with pytest.raises(ValueError, match=r"\(N, H, W\)"):
        reference.conv2d_batch(np.zeros((6, 6)), k)
    with pytest.raises(ValueError, match=r"\(F, kh, kw\)"):
        reference.conv2d_batch(x, np.zeros((3, 3)))
    with pytest.raises(ValueError, match="larger"):
        reference.conv2d_batch(x, np.zeros((1, 7, 2)))
    with pytest.raises(ValueError, match=r"\(N, H, W, C\)"):
        reference.max_pool_batch(x)
    with pytest.raises(ValueError, match="W must be"):
        reference.cnn_forward(x, k, np.zeros((5, 10)), np.zeros(10))
    with pytest.raises(ValueError, match="b must be"):
        reference.cnn_forward(x, k, np.zeros((2 * 2 * 3, 10)), np.zeros(9))


def peak_bytes(fn) -> int:
    tracemalloc.start()
    try:
        fn()
        return tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


def test_cnn_forward_memory_does_not_grow_with_n():
    """Chunked: the peak is the per-thread scratch plus the (N, 10) output, not the (N, 26, 26, 8) maps."""
    rng = np.random.default_rng(5)
    filters = rng.normal(size=(8, 3, 3))
    Wd, b = rng.normal(size=(13 * 13 * 8, 10)) * 0.01, np.zeros(10)
    small, big = rng.random((200, 28, 28)), rng.random((2000, 28, 28))
    p_small = peak_bytes(lambda: reference.cnn_forward(small, filters, Wd, b, chunk=32, threads=2))
    p_big = peak_bytes(lambda: reference.cnn_forward(big, filters, Wd, b, chunk=32, threads=2))
    conv_maps = 2000 * 26 * 26 * 8 * 8  # what an unchunked forward would hold for N=2000
    assert p_big < 1.5 * p_small + 2000 * 10 * 8, (p_small, p_big)  # 10x the images, same peak
    assert p_big < conv_maps / 5, (p_big, conv_maps)
