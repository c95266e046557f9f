import numpy as np


def conv2d(image, filter_kernel, stride=1):
    kh, kw = filter_kernel.shape
    # zero-pad so that the output has the same size as the input
    pad_top, pad_bottom = (kh - 1) // 2, kh // 2
    pad_left, pad_right = (kw - 1) // 2, kw // 2
    padded = np.pad(
        image.astype(float), ((pad_top, pad_bottom), (pad_left, pad_right)), mode="constant"
    )
    H, W = padded.shape
    out_h = (H - kh) // stride + 1
    out_w = (W - kw) // stride + 1
    out = np.zeros((out_h, out_w))
    for i in range(out_h):
        for j in range(out_w):
            patch = padded[i * stride : i * stride + kh, j * stride : j * stride + kw]
            out[i, j] = np.sum(patch * filter_kernel)
    return out
