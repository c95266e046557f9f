import numpy as np


def max_pool(X, size=2, stride=2):
    X3 = X if X.ndim == 3 else X[:, :, None]
    H, W, C = X3.shape
    oh, ow = (H - size) // stride + 1, (W - size) // stride + 1
    out = np.zeros((oh, ow, C))
    for c in range(C):
        for i in range(oh):
            for j in range(ow):
                biggest = 0
                for m in range(size):
                    for n in range(size):
                        biggest = max(biggest, X3[i * stride + m, j * stride + n, c])
                out[i, j, c] = biggest
    return out if X.ndim == 3 else out[:, :, 0]
