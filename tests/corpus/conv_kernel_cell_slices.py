import numpy as np


def conv2d(image, filter_kernel, stride=1):
    # Loop over the (small) kernel instead of over the (big) output.
    H, W = image.shape
    kh, kw = filter_kernel.shape
    oh, ow = (H - kh) // stride + 1, (W - kw) // stride + 1
    acc = np.zeros((oh, ow))
    for dy in range(kh):
        for dx in range(kw):
            shifted = image[dy:, dx:][::stride, ::stride][:oh, :ow]
            acc = acc + filter_kernel[dy, dx] * shifted
    return acc
