import numpy as np


def max_pool(X, size=2, stride=2):
    squeeze = X.ndim == 2
    if squeeze:
        X = X[:, :, None]
    H, W, C = X.shape
    rows = []
    for i in range(H - size + 1):
        row = []
        for j in range(W - size + 1):
            row.append(X[i : i + size, j : j + size].max(axis=(0, 1)))
        rows.append(row)
    out = np.array(rows, dtype=float)
    return out[:, :, 0] if squeeze else out
