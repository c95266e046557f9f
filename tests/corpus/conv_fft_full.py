import numpy as np
from numpy.fft import fft2, ifft2


def conv2d(image, filter_kernel, stride=1):
    """FFT convolution layer (fast for big images)."""
    H, W = image.shape
    kh, kw = filter_kernel.shape
    size = (H + kh - 1, W + kw - 1)
    # correlate: multiply by the transform of the rotated kernel
    F = fft2(image, size) * fft2(np.rot90(filter_kernel, 2), size)
    result = np.real(ifft2(F))
    return result[::stride, ::stride]
