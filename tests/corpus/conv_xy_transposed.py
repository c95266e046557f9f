import numpy as np


def conv2d(image, filter_kernel, stride=1):
    img_h, img_w = image.shape
    k_h, k_w = filter_kernel.shape
    out_w = (img_w - k_w) // stride + 1
    out_h = (img_h - k_h) // stride + 1
    out = np.zeros((out_w, out_h))
    for x in range(out_w):  # x goes along the width
        for y in range(out_h):  # y goes down the height
            patch = image[y * stride : y * stride + k_h, x * stride : x * stride + k_w]
            out[x, y] = np.sum(patch * filter_kernel)
    return out
