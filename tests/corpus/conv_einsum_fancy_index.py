import numpy as np


def conv2d(image, filter_kernel, stride=1):
    img = np.asarray(image, dtype=float)
    ker = np.asarray(filter_kernel, dtype=float)
    kh, kw = ker.shape
    n_rows = (img.shape[0] - kh) // stride + 1
    n_cols = (img.shape[1] - kw) // stride + 1
    r = (np.arange(n_rows) * stride)[:, None, None, None] + np.arange(kh)[None, None, :, None]
    c = (np.arange(n_cols) * stride)[None, :, None, None] + np.arange(kw)[None, None, None, :]
    windows = img[r, c]  # (n_rows, n_cols, kh, kw)
    return np.einsum("abmn,mn->ab", windows, ker)
