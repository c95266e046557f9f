import numpy as np


def max_pool(X, size=2, stride=2):
    # PyTorch habit: work on (C, H, W)
    if X.ndim == 2:
        maps = X[np.newaxis]
    else:
        maps = np.transpose(X, (2, 0, 1))
    C, H, W = maps.shape
    oh = (H - size) // stride + 1
    ow = (W - size) // stride + 1
    out = np.zeros((C, oh, ow))
    for c in range(C):
        for i in range(oh):
            for j in range(ow):
                out[c, i, j] = maps[
                    c, i * stride : i * stride + size, j * stride : j * stride + size
                ].max()
    return out[0] if X.ndim == 2 else out
