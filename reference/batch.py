"""Batched reference: conv2d, max_pool and the Part 4.3 CNN forward for a whole batch at once.

Same conventions as ``reference.conv2d`` / ``reference.max_pool`` (valid-mode cross-correlation,
conv H' = (H - kh) // stride + 1; pooled H' = (H - size) // stride + 1), vectorised across
images and filters with NumPy only. Work is done in chunks of images, so scratch arrays stay
in cache and peak memory does not grow with N; chunks run on a small thread pool (NumPy and
OpenBLAS release the GIL) with BLAS held to one thread meanwhile.

Dtypes: float32 and float64 inputs are computed in their own precision and returned as such;
other inputs (integers, bools, float16) are computed in float64. Mixed inputs use NumPy's
promotion (float32 images with float64 filters compute in float64).

Besides the three re-exported by ``reference`` (conv2d_batch, max_pool_batch, cnn_forward),
``conv_pool_batch`` is the fused conv -> 2x2 pool that cnn_forward is built on. Every function
takes keyword-only ``chunk`` (images per chunk; default sized to the cache) and ``threads``
(default: the CPUs this process may use).
"""

from __future__ import annotations

import ctypes
import mmap
import os
import sys
import threading
from concurrent.futures import ThreadPoolExecutor
from contextlib import nullcontext
from typing import Callable

import numpy as np
from numpy.typing import NDArray

__all__ = ["conv2d_batch", "max_pool_batch", "cnn_forward", "conv_pool_batch"]

# Scratch per worker thread, in bytes (fused conv -> pool: 81 MNIST images in float32, 40 in
# float64). Smaller chunks pay more per-chunk Python overhead (~15 NumPy calls each, and two
# threads contend for the GIL between them: float64 forward 25% slower at half this size);
# 4-8 MiB measured about the same.
_SCRATCH_BYTES = 6 << 20
_MAX_CHUNK = 256
# conv2d_batch alone (76 MNIST images in float32, 38 in float64): its matmul writes straight
# into the big output, and with chunks of 1-2 MiB of im2col it ran 10-20% faster than at 6 MiB.
_CONV_SCRATCH_BYTES = 2 << 20
# cnn_forward's dense layer, one matmul per chunk: (48, 1352) @ (1352, 10) calls (0.65M
# multiply-adds) ran serialized across our two threads (twice the work took 2.2-2.4x as long,
# in float32 and float64); from about 0.7M up they overlapped. Below this the weights get zero
# columns: the float64 forward took 8-10% less time.
_DENSE_MIN_MACS = 3 << 18

Worker = Callable[[int, int], None]


def _float_dtype(*arrays: NDArray) -> np.dtype:
    dt = np.result_type(*arrays)
    return dt if dt in (np.float32, np.float64) else np.dtype(np.float64)


def _threads(requested: int | None) -> int:
    if requested is not None:
        return max(1, int(requested))
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not Linux
        return os.cpu_count() or 1


_controller = None


def _blas_one_thread():
    """A context holding BLAS to one thread, or None if threadpoolctl is missing."""
    global _controller
    if _controller is None:
        try:
            from threadpoolctl import ThreadpoolController  # installed with scikit-learn
        except ImportError:
            return None
        _controller = ThreadpoolController()
    return _controller.limit(limits=1, user_api="blas")


def _run_chunks(n: int, chunk: int, threads: int, make_worker: Callable[[], Worker]) -> None:
    """Call ``worker(start, stop)`` on [0, n) chunk by chunk; each thread makes its own worker."""
    # One BLAS thread always: a chunk's matmuls are small and OpenBLAS splitting them over
    # threads made them ~10x slower here. If it cannot be limited, add no threads of our own.
    limit = _blas_one_thread()
    if limit is None:
        threads, limit = 1, nullcontext()
    threads = max(1, min(threads, -(-n // chunk)))
    starts = iter(range(0, n, chunk))
    lock = threading.Lock()

    def loop() -> None:
        work = make_worker()
        while True:
            with lock:  # hand out chunks one at a time: a thread slowed down takes fewer
                start = next(starts, None)
            if start is None:
                return
            work(start, min(start + chunk, n))

    with limit:
        if threads == 1:
            loop()
            return
        with ThreadPoolExecutor(threads - 1) as pool:
            helpers = [pool.submit(loop) for _ in range(threads - 1)]
            loop()  # the calling thread works too
            for h in helpers:
                h.result()


def _strided(base: NDArray, shape: tuple, strides: tuple) -> NDArray:
    """as_strided for a C-contiguous base, ~10x cheaper per call; NumPy checks that the view
    stays inside base's memory (and keeps base read-only if it is)."""
    return np.ndarray(shape, base.dtype, buffer=base, strides=strides)


def _libc_madvise():
    try:
        fn = ctypes.CDLL(None, use_errno=True).madvise
    except (OSError, AttributeError):
        return None
    fn.argtypes, fn.restype = [ctypes.c_void_p, ctypes.c_size_t, ctypes.c_int], ctypes.c_int
    return fn


_madvise = (
    _libc_madvise()
    if sys.platform.startswith("linux") and hasattr(mmap, "MADV_NOHUGEPAGE")
    else None
)


def _empty_output(shape: tuple, dt: np.dtype) -> NDArray:
    """np.empty for a big result, with its pages kept at 4 KiB.

    NumPy asks for 2 MiB transparent huge pages for arrays over 4 MiB. Measured on this VM:
    first-touching a 216 MB result in huge pages took 190-680 ms when the last big free was a
    few seconds earlier (free 2 MiB blocks seem to go back to the host), 20-30 ms only when
    reused back to back; in 4 KiB pages it took 100-200 ms either way. A user calling these
    now and then pays the first figure, so results get 4 KiB pages. Linux only; elsewhere,
    or if madvise fails, this is plain np.empty.
    """
    out = np.empty(shape, dt)
    if _madvise is not None and out.nbytes >= 1 << 22:
        page = mmap.PAGESIZE
        start = -(-out.ctypes.data // page) * page
        stop = (out.ctypes.data + out.nbytes) // page * page
        _madvise(start, stop - start, mmap.MADV_NOHUGEPAGE)  # advice only: failure is harmless
    return out


def _chunk_size(
    n: int, per_image_bytes: int, chunk: int | None, scratch: int = _SCRATCH_BYTES
) -> int:
    if chunk is None:
        chunk = min(scratch // max(per_image_bytes, 1), _MAX_CHUNK)
    return max(1, min(int(chunk), n))  # never scratch for more images than there are


def _check(images: NDArray, filters: NDArray) -> tuple[NDArray, NDArray]:
    images, filters = np.asarray(images), np.asarray(filters)
    if images.ndim != 3:
        raise ValueError(f"images must be (N, H, W), got shape {images.shape}")
    if filters.ndim != 3:
        raise ValueError(f"filters must be (F, kh, kw), got shape {filters.shape}")
    if filters.shape[1] > images.shape[1] or filters.shape[2] > images.shape[2]:
        raise ValueError(
            f"filters {filters.shape[1:]} are larger than the images {images.shape[1:]}"
        )
    return images, filters


def _stage_if_needed(images: NDArray, dt: np.dtype, width: int) -> bool:
    """Whether chunks must be copied (converted, made contiguous or widened) before use."""
    return images.dtype != dt or not images.flags.c_contiguous or width != images.shape[2]


def conv2d_batch(
    images: NDArray,
    filters: NDArray,
    stride: int = 1,
    *,
    chunk: int | None = None,
    threads: int | None = None,
) -> NDArray:
    """Valid-mode cross-correlation of every image with every filter, filters on the last axis.

    images (N, H, W), filters (F, kh, kw) -> (N, H', W', F) with H' = (H - kh) // stride + 1,
    W' = (W - kw) // stride + 1 and out[n, i, j, f] = sum_{a,c} images[n, i*stride + a,
    j*stride + c] * filters[f, a, c]: ``reference.conv2d(images[n], filters[f], stride)``.
    """
    images, filters = _check(images, filters)
    stride = int(stride)
    if stride < 1:
        raise ValueError(f"stride must be >= 1, got {stride}")
    dt = _float_dtype(images, filters)
    N, H, W = images.shape
    F, kh, kw = filters.shape
    Ho, Wo = (H - kh) // stride + 1, (W - kw) // stride + 1
    K, s = kh * kw, dt.itemsize
    Wt = np.ascontiguousarray(filters.reshape(F, K).T, dtype=dt)  # (K, F): out = patches @ Wt
    out = _empty_output((N, Ho, Wo, F), dt)
    P = Ho * Wo  # output positions per image
    chunk = _chunk_size(N, s * (K * P + H * W), chunk, _CONV_SCRATCH_BYTES)
    stage = _stage_if_needed(images, dt, W)

    def taps(x: NDArray) -> NDArray:
        """(kh, kw, n, H', W') strided view: taps[a, c, n, i, j] = x[n, i*stride + a, j*stride + c]."""
        return _strided(
            x, (kh, kw, x.shape[0], Ho, Wo), (W * s, s, H * W * s, stride * W * s, stride * s)
        )

    src_all = None if stage else taps(images)

    # Stride 1: a tap's source for one output row is a run of Wo contiguous values. Copied as
    # single void items (the im2col as one call, rows as items) the copy took 40-45% less time
    # than element-wise with inner loops of Wo.
    row = np.dtype((np.void, Wo * s))

    def row_taps(x: NDArray, m: int) -> NDArray:
        """(kh, kw, m, H') void view: [a, c, n, i] is the run x[n, i + a, c:c + W']."""
        return np.ndarray((kh, kw, m, Ho), row, buffer=x, strides=(W * s, s, H * W * s, W * s))

    def make_worker() -> Worker:
        cols = np.zeros((K, chunk * P), dt)  # im2col, one row per tap
        cols_taps = cols.reshape(kh, kw, chunk, Ho, Wo)
        cols_rows = cols_taps.view(row)[..., 0] if stride == 1 else None
        xbuf = np.empty((chunk, H, W), dt) if stage else None
        src_buf = taps(xbuf) if stage else None

        def work(start: int, stop: int) -> None:
            m = stop - start
            if stage:
                xbuf[:m] = images[start:stop]
                x = xbuf
            else:
                x = images[start:stop]
            if stride == 1:
                cols_rows[:, :, :m] = row_taps(x, m)
            else:
                src = src_buf[:, :, :m] if stage else src_all[:, :, start:stop]
                # One tap at a time: as one 5-D copy NumPy may pick the kw axis (also stride 1
                # in the source) as the inner loop, 3x slower here.
                for a in range(kh):
                    for c in range(kw):
                        cols_taps[a, c, :m] = src[a, c]
            # The matmul writes straight into the output. (Whole image rows as positions, the
            # extra columns dropped by a copy afterwards, made the im2col cheaper but cost as
            # much in the copy: no faster in float32, 10% slower in float64.)
            np.matmul(cols[:, : m * P].T, Wt, out=out[start:stop].reshape(m * P, F))

        return work

    _run_chunks(N, chunk, _threads(threads), make_worker)
    return out


def max_pool_batch(
    X: NDArray,
    size: int = 2,
    stride: int = 2,
    *,
    chunk: int | None = None,
    threads: int | None = None,
) -> NDArray:
    """Max over size x size windows moved by ``stride``, per image and channel.

    X (N, H, W, C) -> (N, H', W', C) with H' = (H - size) // stride + 1, W' = (W - size) // stride + 1:
    ``reference.max_pool(X[n], size, stride)`` for each n.
    """
    X = np.asarray(X)
    if X.ndim != 4:
        raise ValueError(f"X must be (N, H, W, C), got shape {X.shape}")
    size, stride = int(size), int(stride)
    if size < 1 or stride < 1:
        raise ValueError(f"size and stride must be >= 1, got {size}, {stride}")
    N, H, W, C = X.shape
    if size > H or size > W:
        raise ValueError(f"pool size {size} is larger than the maps {H}x{W}")
    dt = _float_dtype(X)
    Ho, Wo = (H - size) // stride + 1, (W - size) // stride + 1
    out = _empty_output((N, Ho, Wo, C), dt)
    rspan, cspan = (Ho - 1) * stride + 1, (Wo - 1) * stride + 1
    if out.size == 0:
        return out
    stage = X.dtype != dt or not X.flags.c_contiguous
    chunk = _chunk_size(N, dt.itemsize * ((2 + stage) * H * W * C + Ho * W * C), chunk)
    block = np.dtype((np.void, C * dt.itemsize))  # one pixel's C values as a single item
    shift = (size - 1) * C  # flat distance from a pixel to the last one in its window row

    def make_worker() -> Worker:
        # zeros: the few entries a chunk never writes (and a short last chunk's tail) stay finite
        colmax = np.zeros((chunk, H, W, C), dt)
        rowmax = np.zeros((chunk, Ho, W, C), dt)
        xbuf = np.empty((chunk, H, W, C), dt) if stage else None
        cflat = colmax.reshape(-1)
        # Pixels 0, stride, 2*stride... of each row, whole pixels as void items: the copy's inner
        # loop runs along the row instead of over C values at a time (2-3x faster).
        picks = rowmax.view(block).reshape(chunk, Ho, W)[:, :, 0:cspan:stride]

        def work(start: int, stop: int) -> None:
            m = stop - start
            if stage:
                xbuf[:m] = X[start:stop]
                x = xbuf[:m]
            else:
                x = X[start:stop]
            xf, n = x.reshape(-1), m * H * W * C - shift
            # Max over the window's columns first, as contiguous maxima of the flat chunk and
            # itself moved by c pixels (2x faster than strided maxima on input fresh from
            # memory); it runs into the next row only at pixels never picked...
            if size == 1:
                cols = x
            else:
                np.maximum(xf[:n], xf[shift:], out=cflat[:n])
                for c in range(1, size - 1):
                    np.maximum(cflat[:n], xf[c * C : c * C + n], out=cflat[:n])
                cols = colmax[:m]
            # ...then over its rows (inner runs of W*C values, in cache), then pick the columns.
            r = rowmax[:m]
            np.maximum(
                cols[:, 0:rspan:stride], cols[:, size - 1 : size - 1 + rspan : stride], out=r
            )
            for a in range(1, size - 1):
                np.maximum(r, cols[:, a : a + rspan : stride], out=r)
            out[start:stop].view(block)[..., 0] = picks[:m]

        return work

    _run_chunks(N, chunk, _threads(threads), make_worker)
    return out


def _conv_pool_chunks(
    images: NDArray,
    filters: NDArray,
    dt: np.dtype,
    chunk: int | None,
    threads: int | None,
    out: NDArray | None = None,
    make_sink: Callable[[int], Callable] | None = None,
) -> None:
    """Conv (stride 1) then 2x2 max pool stride 2, a chunk at a time: the pooled chunk
    (m, H2, W2, F) is written into ``out[start:stop]``, or else handed to a per-thread
    ``sink(start, stop, pooled)`` made by ``make_sink(chunk)``.

    Output positions are split by column parity (the two columns of every pool window), so the
    column max is one contiguous np.maximum of the two parities, and the row max one strided
    np.maximum of its even and odd rows (runs of W2*F values) written straight into the result.
    (A full-length max of it and itself moved by one row, then picking the windows out, took
    30-50% longer; taking the row max first, on both parities, longer still.)
    With each image flattened (width made even, so flat parity == column parity), the pixel
    under tap (di, dj) for the position of parity b and half-index q is x[2q + b + dj + di*W]:
    plane p = b + dj of the de-interleaved image (x[p::2]) shifted by di*W/2. The im2col matrix
    is those kw+1 planes times kh shifts, ordered (p, di), and parity b's patches are its rows
    [b*kh, (b+kw)*kh) with taps in (dj, di) order: a third less copying than one im2col per
    parity. Odd widths are staged with a zero column, which feeds only dropped outputs.
    """
    N, H, W = images.shape
    F, kh, kw = filters.shape
    H2, W2 = (H - kh + 1) // 2, (W - kw + 1) // 2
    We = W + W % 2  # even row length
    K, S, Q1, s = kh * kw, kw + 1, H * We // 2, dt.itemsize  # taps, planes, positions/image/parity
    Wt = np.ascontiguousarray(
        filters.transpose(0, 2, 1).reshape(F, K).T, dtype=dt
    )  # (K, F), (dj, di)
    stage = _stage_if_needed(images, dt, We)
    chunk = _chunk_size(N, s * (S * kh * Q1 + 3 * Q1 * F + H2 * W2 * F + H * We), chunk)
    Qmax = chunk * Q1
    # Full-chunk lengths: x[2q + p] exists for every plane p when q < L0, and the shifted
    # planes when q < L. Everything at or beyond (and, in a last short chunk, everything past
    # its images) is a position beyond H' or W': computed from stale, finite scratch, dropped.
    L0 = (chunk * H * We - S) // 2 + 1
    L = L0 - (kh - 1) * (We // 2)

    def deinterleave(flat: NDArray) -> NDArray:  # (2, len/2): x[0::2] and x[1::2]
        return _strided(flat, (2, flat.size // 2), (s, 2 * s))

    split_all = None if stage else deinterleave(images.reshape(-1))

    def make_worker() -> Worker:
        planes = np.zeros((S, kh, Qmax), dt)  # zeros: entries never written stay finite
        conv = np.empty((2, Qmax, F), dt)
        colmax = np.empty(Qmax * F, dt)
        pooled = np.empty((chunk, H2, W2, F), dt)
        xbuf = np.zeros((chunk, H, We), dt) if stage else None  # zero padding column stays zero
        split_buf = deinterleave(xbuf.reshape(-1)) if stage else None
        # 1-D (src, dst) copies, views built once per thread: plane p is plane p % 2 moved by
        # p // 2, and row shift di of a plane is that plane moved by di * W/2. (As one 3-D copy,
        # NumPy's choice of inner loop made it 2x slower.)
        moves = [(planes[p % 2, 0, p // 2 : p // 2 + L0], planes[p, 0, :L0]) for p in range(2, S)]
        moves += [
            (planes[p, 0, di * (We // 2) : di * (We // 2) + L], planes[p, di, :L])
            for p in range(S)
            for di in range(1, kh)
        ]
        cols = _strided(
            planes, (2, Qmax, K), (kh * Qmax * s, s, Qmax * s)
        )  # parity b: rows b*kh...
        conv_even, conv_odd = conv[0].reshape(-1), conv[1].reshape(-1)
        rows = colmax.reshape(chunk, H, We // 2 * F)  # (n, i, the window columns' maxima)
        top, bottom = (
            rows[:, 0 : 2 * H2 : 2, : W2 * F],
            rows[:, 1 : 2 * H2 : 2, : W2 * F],
        )  # windows j < W2
        sink = make_sink(chunk) if out is None else None

        def work(start: int, stop: int) -> None:
            m = stop - start
            if stage:
                xbuf[:m, :, :W] = images[start:stop]
                split = split_buf[:, : m * Q1]
            else:
                split = split_all[:, start * Q1 : stop * Q1]
            planes[:2, 0, : m * Q1] = split
            for src, dst in moves:
                dst[...] = src
            np.matmul(cols, Wt, out=conv)
            np.maximum(conv_even, conv_odd, out=colmax)  # max over the window's 2 columns
            dst = pooled[:m] if out is None else out[start:stop]
            # and over its 2 rows, straight into the result: runs of W2*F values, strided
            np.maximum(top[:m], bottom[:m], out=dst.reshape(m, H2, W2 * F))
            if out is None:
                sink(start, stop, dst)

        return work

    _run_chunks(N, chunk, _threads(threads), make_worker)


def _pooled_shape(images: NDArray, filters: NDArray) -> tuple[int, int]:
    (_, H, W), (_, kh, kw) = images.shape, filters.shape
    Ho, Wo = H - kh + 1, W - kw + 1
    if Ho < 2 or Wo < 2:
        raise ValueError(f"a {Ho}x{Wo} feature map is too small for a 2x2 pool")
    return Ho // 2, Wo // 2


def conv_pool_batch(
    images: NDArray, filters: NDArray, *, chunk: int | None = None, threads: int | None = None
) -> NDArray:
    """Fused conv (stride 1) then 2x2 max pool (stride 2), never holding the whole conv output.

    images (N, H, W), filters (F, kh, kw) -> (N, H2, W2, F) with H' = H - kh + 1 and
    H2 = (H' - 2) // 2 + 1 (W likewise): max_pool_batch(conv2d_batch(images, filters), 2, 2).
    """
    images, filters = _check(images, filters)
    H2, W2 = _pooled_shape(images, filters)
    dt = _float_dtype(images, filters)
    out = _empty_output((images.shape[0], H2, W2, filters.shape[0]), dt)
    _conv_pool_chunks(images, filters, dt, chunk, threads, out=out)
    return out


def cnn_forward(
    images: NDArray,
    filters: NDArray,
    W: NDArray,
    b: NDArray,
    *,
    chunk: int | None = None,
    threads: int | None = None,
) -> NDArray:
    """Part 4.3's CNN forward: conv (stride 1) -> 2x2 max pool stride 2 -> flatten -> dense -> softmax.

    images (N, H, W), filters (F, kh, kw), W (H2 * W2 * F, C), b (C,) or (1, C) -> (N, C) row-wise
    softmax probabilities, where H' = H - kh + 1, H2 = (H' - 2) // 2 + 1 (13 for 28x28 images and
    3x3 filters, so W is (13 * 13 * F, 10) for 10 classes) and the pooled maps are flattened in
    (N, H2, W2, F) order: softmax(pooled.reshape(N, -1) @ W + b). Chunk by chunk: neither the
    (N, H', W', F) conv output nor the (N, H2, W2, F) pooled maps are ever held whole.
    """
    images, filters = _check(images, filters)
    H2, W2 = _pooled_shape(images, filters)
    N, F = images.shape[0], filters.shape[0]
    D = H2 * W2 * F
    W, b = np.asarray(W), np.asarray(b)
    if W.ndim != 2 or W.shape[0] != D:
        raise ValueError(f"W must be ({D}, C) for these images and filters, got shape {W.shape}")
    C = W.shape[1]
    if b.size != C or b.ndim > 2:
        raise ValueError(f"b must be ({C},) or (1, {C}), got shape {b.shape}")
    dt = _float_dtype(images, filters, W, b)
    Wc = np.ascontiguousarray(W, dtype=dt)
    logits = np.empty((N, C), dt)

    def make_sink(chunk: int):
        cp = -(-_DENSE_MIN_MACS // (chunk * D))  # columns for that many multiply-adds a call
        if cp <= C or cp > 2 * C:  # enough already, or too small a layer to matter

            def sink(start: int, stop: int, pooled: NDArray) -> None:
                np.matmul(pooled.reshape(stop - start, D), Wc, out=logits[start:stop])

            return sink
        wide = np.zeros((D, cp), dt)
        wide[:, :C] = Wc
        wide_logits = np.empty((chunk, cp), dt)

        def sink(start: int, stop: int, pooled: NDArray) -> None:
            m = stop - start
            np.matmul(pooled.reshape(m, D), wide, out=wide_logits[:m])
            logits[start:stop] = wide_logits[:m, :C]

        return sink

    _conv_pool_chunks(images, filters, dt, chunk, threads, make_sink=make_sink)
    logits += b.astype(dt, copy=False).reshape(C)
    logits -= logits.max(axis=1, keepdims=True)  # exp of at most 0: no overflow
    np.exp(logits, out=logits)
    logits /= logits.sum(axis=1, keepdims=True)
    return logits
