import numpy as np


def conv2d(image, filter_kernel, stride=1):
    """Memory-friendly version: everything in float32 like the frameworks do."""
    img = image.astype(np.float32)
    k = filter_kernel.astype(np.float32)
    kh, kw = k.shape
    out_h = (img.shape[0] - kh) // stride + 1
    out_w = (img.shape[1] - kw) // stride + 1
    out = np.zeros((out_h, out_w), dtype=np.float32)
    for i in range(out_h):
        for j in range(out_w):
            out[i, j] = (img[i * stride : i * stride + kh, j * stride : j * stride + kw] * k).sum()
    return out
