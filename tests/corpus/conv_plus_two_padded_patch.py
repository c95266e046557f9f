import numpy as np


def conv2d(image, filter_kernel, stride=1):
    H, W = image.shape
    kh, kw = filter_kernel.shape
    out_h = (H - kh) // stride + 2
    out_w = (W - kw) // stride + 2
    out = np.zeros((out_h, out_w))
    for i in range(out_h):
        for j in range(out_w):
            patch = image[i * stride : i * stride + kh, j * stride : j * stride + kw]
            if patch.shape != filter_kernel.shape:
                # edge of the image: fill the missing part of the window with zeros
                patch = np.pad(patch, ((0, kh - patch.shape[0]), (0, kw - patch.shape[1])))
            out[i, j] = np.sum(patch * filter_kernel)
    return out
