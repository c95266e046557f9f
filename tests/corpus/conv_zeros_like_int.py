import numpy as np


def conv2d(image, filter_kernel, stride=1):
    kh, kw = filter_kernel.shape
    out_h = (image.shape[0] - kh) // stride + 1
    out_w = (image.shape[1] - kw) // stride + 1
    output = np.zeros_like(image[:out_h, :out_w])  # same type as the image
    for i in range(out_h):
        for j in range(out_w):
            window = image[i * stride : i * stride + kh, j * stride : j * stride + kw]
            output[i, j] = np.sum(window * filter_kernel)
    return output
