import numpy as np


def max_pool(X, size=2, stride=2):
    H, W = X.shape
    pooled = np.zeros(((H - size) // stride + 1, (W - size) // stride + 1))
    for i in range(pooled.shape[0]):
        for j in range(pooled.shape[1]):
            pooled[i, j] = X[i * stride : i * stride + size, j * stride : j * stride + size].max()
    return pooled
