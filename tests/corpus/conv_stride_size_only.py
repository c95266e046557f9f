import numpy as np


def conv2d(image, filter_kernel, stride=1):
    H, W = image.shape
    kh, kw = filter_kernel.shape
    out_h = (H - kh) // stride + 1
    out_w = (W - kw) // stride + 1
    out = np.zeros((out_h, out_w))
    for i in range(out_h):
        for j in range(out_w):
            # window under output pixel (i, j)
            out[i, j] = np.sum(image[i : i + kh, j : j + kw] * filter_kernel)
    return out
