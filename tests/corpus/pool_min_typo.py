import numpy as np
from numpy.lib.stride_tricks import sliding_window_view


def max_pool(X, size=2, stride=2):
    windows = sliding_window_view(X, window_shape=(size, size), axis=(0, 1))[::stride, ::stride]
    return np.min(windows, axis=(-1, -2)).astype(float)
