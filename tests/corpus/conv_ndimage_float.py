import numpy as np
from scipy import ndimage


def conv2d(image, filter_kernel, stride=1):
    image = image.astype(np.float64)  # ndimage keeps the input dtype
    kh, kw = filter_kernel.shape
    H, W = image.shape
    res = ndimage.correlate(image, filter_kernel, mode="constant", cval=0.0)
    # ndimage centres the kernel on each pixel; the valid windows start at (kh//2, kw//2)
    top, left = kh // 2, kw // 2
    valid = res[top : top + H - kh + 1, left : left + W - kw + 1]
    return valid[::stride, ::stride]
