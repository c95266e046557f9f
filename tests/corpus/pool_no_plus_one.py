import numpy as np


def max_pool(X, size=2, stride=2):
    if X.ndim == 2:
        H, W = X.shape
        out = np.zeros(((H - size) // stride, (W - size) // stride))
    else:
        H, W, C = X.shape
        out = np.zeros(((H - size) // stride, (W - size) // stride, C))
    for i in range(out.shape[0]):
        for j in range(out.shape[1]):
            block = X[i * stride : i * stride + size, j * stride : j * stride + size]
            out[i, j] = block.max(axis=(0, 1))
    return out
