import numpy as np


def max_pool(X, size=2, stride=2):
    # Part 4.3: output size is floor(H / s) x floor(W / s)
    H, W = X.shape[0], X.shape[1]
    out_h, out_w = H // stride, W // stride
    out = np.zeros((out_h, out_w) + X.shape[2:])
    for i in range(out_h):
        for j in range(out_w):
            out[i, j] = np.max(
                X[i * stride : i * stride + size, j * stride : j * stride + size], axis=(0, 1)
            )
    return out
