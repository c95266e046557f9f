import numpy as np
from numpy.lib.stride_tricks import as_strided


def conv2d(image, filter_kernel, stride=1):
    a = np.ascontiguousarray(image, dtype=float)
    f = np.asarray(filter_kernel, dtype=float)
    view_shape = f.shape + tuple(np.subtract(a.shape, f.shape) + 1)
    sub = as_strided(a, shape=view_shape, strides=a.strides * 2)
    return np.einsum("ij,ijkl->kl", f, sub)
