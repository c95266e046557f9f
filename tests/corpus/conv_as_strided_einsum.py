import numpy as np
from numpy.lib.stride_tricks import as_strided


def conv2d(image, filter_kernel, stride=1):
    image = np.ascontiguousarray(image, dtype=np.float64)
    k = np.asarray(filter_kernel, dtype=np.float64)
    kh, kw = k.shape
    oh = (image.shape[0] - kh) // stride + 1
    ow = (image.shape[1] - kw) // stride + 1
    sr, sc = image.strides
    # view of shape (oh, ow, kh, kw): window (i, j) starts at (i*stride, j*stride)
    windows = as_strided(
        image, shape=(oh, ow, kh, kw), strides=(sr * stride, sc * stride, sr, sc), writeable=False
    )
    return np.einsum("ijkl,kl->ij", windows, k)
