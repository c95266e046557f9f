"""My neural_network.py for Parts 4.2 and 4.3 (only the CNN bits)."""

import numpy as np


def conv2d(image, filter_kernel, stride=1):
    kh, kw = filter_kernel.shape
    starts_r = range(0, image.shape[0] - kh + 1, stride)
    starts_c = range(0, image.shape[1] - kw + 1, stride)
    return np.array(
        [
            [np.sum(image[r : r + kh, c : c + kw] * filter_kernel) for c in starts_c]
            for r in starts_r
        ],
        dtype=float,
    )


def max_pool(X, size=2, stride=2):
    out_h = (X.shape[0] - size) // stride + 1
    out_w = (X.shape[1] - size) // stride + 1
    out = np.empty((out_h, out_w) + X.shape[2:])
    for i in range(out_h):
        for j in range(out_w):
            out[i, j, ...] = X[
                i * stride : i * stride + size, j * stride : j * stride + size, ...
            ].max(axis=(0, 1))
    return out
