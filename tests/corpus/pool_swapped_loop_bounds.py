import numpy as np


def max_pool(X, size=2, stride=2):
    n_rows = (X.shape[0] - size) // stride + 1
    n_cols = (X.shape[1] - size) // stride + 1
    out = np.zeros((n_rows, n_cols) + X.shape[2:])
    for c in range(n_rows):
        for r in range(n_cols):
            out[r, c] = X[r * stride : r * stride + size, c * stride : c * stride + size].max(
                axis=(0, 1)
            )
    return out
