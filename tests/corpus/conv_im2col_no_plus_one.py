import numpy as np


def conv2d(image, filter_kernel, stride=1):
    H, W = image.shape
    kh, kw = filter_kernel.shape
    out_h = (H - kh) // stride
    out_w = (W - kw) // stride
    patches = []
    for i in range(out_h):
        for j in range(out_w):
            patches.append(
                image[i * stride : i * stride + kh, j * stride : j * stride + kw].flatten()
            )
    cols = np.array(patches, dtype=float).reshape(out_h * out_w, kh * kw)
    return (cols @ filter_kernel.flatten()).reshape(out_h, out_w)
