import numpy as np


def conv2d(image, filter_kernel, stride=1):
    # Cross-correlation = convolution with the kernel rotated 180 degrees, done with FFTs.
    image = np.asarray(image, dtype=float)
    kernel = np.asarray(filter_kernel, dtype=float)
    H, W = image.shape
    kh, kw = kernel.shape
    shape = (H + kh - 1, W + kw - 1)  # big enough: no wrap-around
    spectrum = np.fft.rfft2(image, shape) * np.fft.rfft2(kernel[::-1, ::-1], shape)
    full = np.fft.irfft2(spectrum, shape)
    valid = full[kh - 1 : H, kw - 1 : W]  # keep windows that lie inside the image
    return valid[::stride, ::stride]
