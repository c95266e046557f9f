import numpy as np


def conv2d(image, filter_kernel, stride=1):
    """2-D convolution (cross-correlation, valid mode) with a stride."""
    H, W = image.shape
    kh, kw = filter_kernel.shape
    out_h = (H - kh) // stride + 1
    out_w = (W - kw) // stride + 1
    output = np.zeros((out_h, out_w))
    for i in range(out_h):
        for j in range(out_w):
            r, c = i * stride, j * stride
            region = image[r : r + kh, c : c + kw]
            output[i, j] = np.sum(region * filter_kernel)
    return output
