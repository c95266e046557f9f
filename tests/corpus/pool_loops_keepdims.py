import numpy as np


def max_pool(X, size=2, stride=2):
    """2-D max pooling; (H, W) -> (H', W'), (H, W, C) -> (H', W', C)."""
    squeeze = X.ndim == 2
    if squeeze:
        X = X[:, :, np.newaxis]
    height, width, channels = X.shape
    out_height = (height - size) // stride + 1
    out_width = (width - size) // stride + 1
    output = np.zeros((out_height, out_width, channels))
    for i in range(out_height):
        for j in range(out_width):
            region = X[i * stride : i * stride + size, j * stride : j * stride + size, :]
            output[i, j, :] = np.max(region, axis=(0, 1))
    if squeeze:
        output = output[:, :, 0]
    return output
