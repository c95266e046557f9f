import numpy as np
from numpy.lib.stride_tricks import sliding_window_view


def conv2d(image, filter_kernel, stride=1):
    # (1, H, W) "batch of one channel" like my PyTorch code, then back to (H', W')
    x = np.asarray(image, dtype=np.float32)[None]
    w = np.asarray(filter_kernel, dtype=np.float32)
    patches = sliding_window_view(x, w.shape, axis=(1, 2))[:, ::stride, ::stride]
    return np.einsum("chwij,ij->chw", patches, w)[0]


def max_pool(X, size=2, stride=2):
    # channels first inside, channels last outside
    x = X[None] if X.ndim == 2 else np.moveaxis(X, -1, 0)  # (C, H, W)
    C, H, W = x.shape
    oh, ow = (H - size) // stride + 1, (W - size) // stride + 1
    out = np.zeros_like(x[:, :oh, :ow])
    for i in range(oh):
        for j in range(ow):
            out[:, i, j] = x[:, i * stride : i * stride + size, j * stride : j * stride + size].max(
                axis=(1, 2)
            )
    return out[0] if X.ndim == 2 else np.moveaxis(out, 0, -1)
