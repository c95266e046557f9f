import numpy as np


def im2col(image, kh, kw, stride):
    H, W = image.shape
    out_h = (H - kh) // stride + 1
    out_w = (W - kw) // stride + 1
    cols = np.zeros((out_h * out_w, kh * kw))
    row = 0
    for y in range(0, out_h * stride, stride):
        for x in range(0, out_w * stride, stride):
            cols[row] = image[y : y + kh, x : x + kw].reshape(-1)
            row += 1
    return cols, out_h, out_w


def conv2d(image, filter_kernel, stride=1):
    kh, kw = filter_kernel.shape
    cols, out_h, out_w = im2col(image, kh, kw, stride)
    return (cols @ filter_kernel.reshape(-1)).reshape(out_h, out_w)
