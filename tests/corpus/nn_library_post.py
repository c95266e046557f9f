"""neural_network.py as it stands at the end of Part 4.3 (copied from the post)."""

import numpy as np
from scipy import signal


def conv2d(image, filter_kernel, stride=1):
    output = signal.convolve2d(image, filter_kernel, mode="valid", boundary="fill", fillvalue=0)
    if stride > 1:
        output = output[::stride, ::stride]
    return output


def max_pool(X, size=2, stride=2):
    if len(X.shape) == 2:
        height, width = X.shape
        channels = 1
        X = X.reshape(height, width, 1)
    else:
        height, width, channels = X.shape
    out_height = (height - size) // stride + 1
    out_width = (width - size) // stride + 1
    output = np.zeros((out_height, out_width, channels))
    for i in range(out_height):
        for j in range(out_width):
            region = X[i * stride : i * stride + size, j * stride : j * stride + size, :]
            output[i, j, :] = np.max(region, axis=(0, 1))
    if channels == 1:
        output = output.reshape(out_height, out_width)
    return output
