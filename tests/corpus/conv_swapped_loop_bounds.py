import numpy as np


def conv2d(image, filter_kernel, stride=1):
    H, W = image.shape
    kh, kw = filter_kernel.shape
    out_h = (H - kh) // stride + 1
    out_w = (W - kw) // stride + 1
    out = np.zeros((out_h, out_w))
    for col in range(out_h):
        for row in range(out_w):
            r0, c0 = row * stride, col * stride
            out[row, col] = np.sum(image[r0 : r0 + kh, c0 : c0 + kw] * filter_kernel)
    return out
