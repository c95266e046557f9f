"""A working max_pool: graded exercises call it in place of a learner's max_pool that fails
its own tests. Copied into the worker's folder as a module of its own; numpy only."""

import numpy as np


def max_pool(X, size=2, stride=2):
    X = np.asarray(X, dtype=float)
    H, W = X.shape[:2]
    h, w = (H - size) // stride + 1, (W - size) // stride + 1
    out = np.full((h, w) + X.shape[2:], -np.inf)
    for m in range(size):  # the max over the window's cells, one shifted, strided slice at a time
        for n in range(size):
            out = np.maximum(
                out, X[m : m + (h - 1) * stride + 1 : stride, n : n + (w - 1) * stride + 1 : stride]
            )
    return out
