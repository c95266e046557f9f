import numpy as np


def max_pool(X, size=2, stride=2):
    two_d = X.ndim == 2
    if two_d:
        X = X[..., None]
    H, W, C = X.shape
    out = np.zeros(((H - size) // stride + 1, (W - size) // stride + 1, C))
    for i in range(out.shape[0]):
        for j in range(out.shape[1]):
            window = X[i * stride : i * stride + size, j * stride : j * stride + size]
            out[i, j] = np.max(window)
    return out[..., 0] if two_d else out
