import numpy as np


def conv2d(image, filter_kernel, stride=1):
    k = filter_kernel.shape[0]  # kernel size (k x k)
    H, W = image.shape
    out = np.zeros(((H - k) // stride + 1, (W - k) // stride + 1))
    for i in range(out.shape[0]):
        for j in range(out.shape[1]):
            out[i, j] = np.sum(
                image[i * stride : i * stride + k, j * stride : j * stride + k] * filter_kernel
            )
    return out
